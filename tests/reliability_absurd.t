#!/usr/bin/python3
"""tests/reliability_absurd.t - absurd but well-formed input: a precise error
or a documented, tested behaviour; never a crash, a hang or an OOM kill.

Each case has a time limit; "refused" means exit 2 with a message naming the
key or file and the limit, and no output file. Cases: a billion replicates,
zero replicates, a zero-length horizon, NaN, a number beyond double range, a
huge lever budget, a negative seed, an empty park file (header only), a
park with no firms, 5,000 parks (runs: the park file text is larger than
HDF5's 64 KiB compact attribute limit), 100,001 parks (refused in seconds;
100,000 is the documented maximum), result buffers larger than memory, and a
run larger than the free disk space.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import os
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, TINY, ok, run_main  # noqa: E402

HEADER = "code,name,city,class,firms,revenue,land_mu,idle_share,chains,industries,smart_level,anchor_revenue\n"


def run(args, timeout=60):
    t0 = time.time()
    try:
        p = subprocess.run([PARKSIM] + args, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stderr, time.time() - t0
    except subprocess.TimeoutExpired:
        return "timeout", "", time.time() - t0


def parks_file(path, n, firms=2):
    with open(path, "w") as f:
        f.write(HEADER)
        for i in range(n):
            f.write("p%d,Park %d,City,S,%d,1000,100,0.1,pharma,1,0,0\n" % (i, i, firms))


def scenario(path, parks):
    with open(path, "w") as f:
        f.write("scenario: {name: absurd}\nrun: {replicates: 2, seed: 1}\npopulation: {parks_file: %s}\n" % parks)


def refused(desc, args, needles, limit=30):
    rc, err, dt = run(args + ["-q", "-o", "never.h5"], timeout=limit * 4)
    ok(rc == 2 and all(n in err for n in needles) and dt < limit and not os.path.exists("never.h5"),
       "%s: refused (exit 2) in %.1f s, naming %s" % (desc, dt, ", ".join(needles)), rc, err)


def main(tmp):
    os.chdir(tmp)
    refused("a billion replicates", ["run", TINY, "-r", "1000000000"], ["run.replicates", "10000000"])
    refused("zero replicates", ["run", TINY, "-r", "0"], ["run.replicates", "between 1"])
    refused("zero-length horizon", ["run", TINY, "--set", "run.years=0"], ["run.years", "between 1 and 50"])
    refused("NaN rate", ["run", TINY, "--set", "firm.exit_rate=nan"], ["firm.exit_rate", "expected a number"])
    refused("infinite rate", ["run", TINY, "--set", "firm.exit_rate=inf"], ["firm.exit_rate"])
    refused("1e400", ["run", TINY, "--set", "levers.mergers.budget=1e400"], ["levers.mergers.budget"])
    refused("1e308 budget", ["run", TINY, "--set", "levers.mergers.budget=1e308"], ["levers.mergers.budget", "between"])
    refused("negative seed", ["run", TINY, "-s", "-1"], ["run.seed"])

    with open("empty.csv", "w") as f:
        f.write(HEADER)
    scenario("empty.yaml", "empty.csv")
    refused("park file with a header and no parks", ["run", "empty.yaml"], ["empty.csv", "no parks"])
    open("zero.csv", "w").close()
    scenario("zero.yaml", "zero.csv")
    refused("zero-byte park file", ["run", "zero.yaml"], ["zero.csv", "empty"])
    parks_file("nofirms.csv", 3, firms=0)
    scenario("nofirms.yaml", "nofirms.csv")
    refused("parks with no firms", ["run", "nofirms.yaml"], ["nofirms.csv:2:", "firms"])

    parks_file("p5k.csv", 5000)
    scenario("p5k.yaml", "p5k.csv")
    rc, err, dt = run(["run", "p5k.yaml", "-q", "-o", "p5k.h5"], timeout=240)
    ok(rc == 0, "5,000 parks: runs (%.1f s)" % dt, rc, err)
    if rc == 0:
        with h5py.File("p5k.h5", "r") as f:
            ok(f["parks/park_code"].shape == (5000,) and len(f.attrs["parks_csv"]) > 65536 and
               f["park_year/score"].shape[2] == 5000 and int(f.attrs["parksim_complete"]) == 1,
               "5,000 parks: every park in the file, park file text (> 64 KiB) kept")

    parks_file("p100k.csv", 100001)
    scenario("p100k.yaml", "p100k.csv")
    refused("100,001 parks", ["run", "p100k.yaml"], ["p100k.csv:100002", "more than 100000 parks"], limit=20)
    with open("dup.csv", "w") as f:
        f.write(HEADER + "a,A,C,S,2,1000,100,0.1,x,1,0,0\nb,B,C,S,2,1000,100,0.1,x,1,0,0\n"
                "a,A2,C,S,2,1000,100,0.1,x,1,0,0\n")
    scenario("dup.yaml", "dup.csv")
    refused("a duplicate park code", ["run", "dup.yaml"], ["dup.csv:4:1", "already used"])

    refused("result buffers larger than memory",
            ["run", "p5k.yaml", "-r", "100000", "--set", "run.years=50", "--set", "run.chunk_replicates=4096"],
            ["result buffers need", "run.chunk_replicates", "memory is available"])
    refused("a run larger than the free disk space",
            ["run", TINY, "-r", "10000000", "--set", "run.years=50"], ["not enough disk space", "MB are free"])


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-absurd-"))
