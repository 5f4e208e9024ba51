#!/usr/bin/python3
"""tests/schedule.t - a single run gives the same file under either assignment.

`parksim run` hands replicates to ranks statically by default; sweeps hand
tasks out dynamically, and PARKSIM_SCHEDULE=static|dynamic overrides either
(sim/ensemble.c, use_dynamic). The dynamic assignment of a single run is
otherwise never exercised: here the tiny scenario at np=2 under each must
report the assignment it used and give files that `parkstat regress --exact`
finds identical, with the same result_digest.

Binaries: $PARKSIM, $PARKSTAT (default <repo>/bin/...).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKSTAT, TINY, ok, run_main  # noqa: E402


def run(out, schedule, np_=2):
    e = dict(os.environ)
    e.pop("PARKSIM_SCHEDULE", None)
    if schedule:
        e["PARKSIM_SCHEDULE"] = schedule
    p = subprocess.run(["mpirun", "-np", str(np_), PARKSIM, "run", TINY, "-r", "20", "-o", out],
                       capture_output=True, text=True, env=e, timeout=120)
    sched = re.search(r"^schedule: (\w+)$", p.stdout, re.M)
    digest = re.search(r"^result_digest: (\w+)$", p.stdout, re.M)
    return p.returncode, sched.group(1) if sched else None, digest.group(1) if digest else None, p.stderr


def main(tmp):
    os.chdir(tmp)
    rc, sched, d_static, se = run("static.h5", None)
    ok(rc == 0 and sched == "static", "np=2 run, default: exit 0, schedule static (%s)" % sched, se)
    rc, sched, d_dyn, se = run("dynamic.h5", "dynamic")
    ok(rc == 0 and sched == "dynamic", "np=2 run, PARKSIM_SCHEDULE=dynamic: exit 0, schedule dynamic (%s)" % sched, se)
    ok(d_static is not None and d_static == d_dyn, "same result_digest (%s, %s)" % (d_static, d_dyn))
    p = subprocess.run([PARKSTAT, "regress", "--exact", "static.h5", "dynamic.h5"], capture_output=True, text=True)
    ok(p.returncode == 0 and "IDENTICAL" in p.stdout, "parkstat regress --exact: the files are identical",
       p.stdout, p.stderr)
    rc, sched, d3, se = run("dynamic3.h5", "dynamic", np_=3)
    ok(rc == 0 and sched == "dynamic" and d3 == d_static, "np=3 dynamic: the same result_digest (%s)" % d3, se)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-schedule-"))
