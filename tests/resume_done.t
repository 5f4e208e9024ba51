#!/usr/bin/python3
"""tests/resume_done.t - `--resume` is safe to repeat.

A job that is requeued after its output was completed (killed after the
rename, a Slurm requeue, the same job script run again) runs with --resume
and must end with exit 0, saying so, without touching the file. An existing
output that is not this run's finished result (another seed, replicate
count, key, park file or sweep; a file not marked complete; not a parksim
file) stays an error (exit 2) without --force, and is left as it was.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKS_CSV, TINY, kill_job, ok, run_main  # noqa: E402


def run(args, np_=None, env=None):
    c = [PARKSIM] + args
    if np_:
        c = ["mpirun", "-np", str(np_)] + c
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(c, capture_output=True, text=True, timeout=120, env=e)
    return p.returncode, p.stderr


def same(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


def main(tmp):
    out = os.path.join(tmp, "a.h5")
    ref = out + ".ref"
    rc, se = run(["run", TINY, "-o", out, "-q"])
    ok(rc == 0, "a run completes", se)
    shutil.copy(out, ref)
    os.utime(out, (1e9, 1e9))  # an old time stamp: any write would change it

    rc, se = run(["run", TINY, "-o", out, "--resume"])
    ok(rc == 0 and "is already complete for this scenario, seed and replicates" in se and "nothing to do" in se,
       "--resume of the finished run: exit 0, says there is nothing to do", rc, se)
    ok(same(out, ref) and os.stat(out).st_mtime == 1e9 and not os.path.exists(out + ".partial")
       and not os.path.exists(out + ".ckpt"), "the file is untouched (bytes and time stamp), nothing else created")
    rc, se = run(["run", TINY, "-o", out, "--resume", "-q"], np_=2)
    ok(rc == 0 and same(out, ref), "the same at np=2", rc, se)

    for label, extra in (("another seed", ["-s", "5"]), ("another replicate count", ["-r", "3"]),
                         ("another key", ["--set", "levers.upgrades.intensity=0.3"])):
        rc, se = run(["run", TINY, "-o", out, "--resume"] + extra)
        ok(rc == 2 and "exists but its scenario" in se and "use --force" in se and same(out, ref),
           "--resume with %s: exit 2, the difference named, the file kept" % label, rc, se)
    parks = os.path.join(tmp, "parks.csv")
    with open(PARKS_CSV, encoding="utf-8") as f, open(parks, "w", encoding="utf-8") as g:
        g.write(f.read() + "\n")  # the same parks, one more (blank) line: a different park file text
    rc, se = run(["run", TINY, "-o", out, "--resume", "--set", "population.parks_file=" + parks])
    ok(rc == 2 and "differs" in se and same(out, ref), "--resume with another park file: exit 2, file kept", rc, se)
    rc, se = run(["run", TINY, "-o", out])
    ok(rc == 2 and "exists; use --force" in se and same(out, ref), "without --resume: still refused (exit 2)", rc, se)

    junk = os.path.join(tmp, "junk.h5")
    with open(junk, "w") as f:
        f.write("not hdf5\n")
    rc, se = run(["run", TINY, "-o", junk, "--resume"])
    ok(rc == 2 and "is not a parksim output file" in se, "--resume onto a file that is not an output: exit 2", rc, se)

    import h5py
    part = os.path.join(tmp, "part.h5")
    shutil.copy(ref, part)
    with h5py.File(part, "r+") as f:
        del f.attrs["parksim_complete"]
    rc, se = run(["run", TINY, "-o", part, "--resume"])
    ok(rc == 2 and "not marked complete" in se, "--resume onto an output not marked complete: exit 2", rc, se)

    # A sweep: the same, and a changed sweep file is not this run's result.
    grid = os.path.join(tmp, "grid.yaml")
    text = ("scenario: %s\ndesign: grid\nparameters:\n  - key: levers.mergers.intensity\n    min: 0\n    max: 1\n"
            "    levels: 2\n" % TINY)
    with open(grid, "w") as f:
        f.write(text)
    sw = os.path.join(tmp, "grid.h5")
    rc, se = run(["sweep", grid, "-r", "2", "-o", sw, "-q"])
    shutil.copy(sw, sw + ".ref")
    rc2, se2 = run(["sweep", grid, "-r", "2", "-o", sw, "-q", "--resume"])
    ok(rc == 0 and rc2 == 0 and "nothing to do" in se2 and same(sw, sw + ".ref"),
       "--resume of a finished sweep: exit 0, file untouched", rc, se, rc2, se2)
    with open(grid, "w") as f:
        f.write(text.replace("levels: 2", "levels: 3"))
    rc, se = run(["sweep", grid, "-r", "2", "-o", sw, "-q", "--resume"])
    ok(rc == 2 and "its sweep file differs" in se and same(sw, sw + ".ref"),
       "--resume with another sweep design: exit 2, file kept", rc, se)

    # Killed after the rename, before the checkpoint was removed: the requeued
    # job's --resume finds the result done and names the leftover checkpoint.
    late = os.path.join(tmp, "late.h5")
    e = dict(os.environ, PARKSIM_TEST_HOOK="after-rename:1")
    p = subprocess.Popen(["mpirun", "-np", "2", PARKSIM, "run", TINY, "-o", late, "-q", "--checkpoint-every", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    line = p.stderr.readline()
    gone = kill_job(p)
    ok(gone and "stopped at after-rename 1" in line and os.path.exists(late) and os.path.isdir(late + ".ckpt"),
       "a job killed right after the rename leaves the finished file and its checkpoint", line)
    shutil.copy(late, late + ".ref")
    rc, se = run(["run", TINY, "-o", late, "--resume", "-q", "--checkpoint-every", "0"], np_=2)
    ok(rc == 0 and "nothing to do" in se and "left over" in se and same(late, late + ".ref"),
       "its requeue with --resume: exit 0, the file unchanged, the leftover checkpoint named", rc, se)


sys.exit(run_main(main, "parksim-resume-done."))
