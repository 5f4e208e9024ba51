#!/usr/bin/python3
"""tests/national.t - the synthetic national park file (scripts/national-population.py).

- The committed configs/parks/national-synthetic.csv is the script's output with its
  default arguments, byte for byte (so it is never stale), and the script is
  deterministic: the same seed gives the same file, another seed another one.
- Counts are exact: --parks parks and --firms firms, at least 2 firms per park.
- The draws follow what the docstring promises (fixed seed, stated tolerances): the
  national revenue-bracket shares within 4 binomial standard deviations, the firm-count
  and land elasticities within 0.05 of the fit on the Jiangxi file (their standard
  errors are about 0.005 and 0.01 at 700 parks), 50 parks at smart level 2, an anchor
  exactly in the L parks.
- parksim validates the scenario and a one-replicate run starts with 700 parks and
  100,000 firms (/park_year/firms at year index 0).
- Bad arguments are refused with a message and a non-zero exit.
"""
import csv
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, check, ok, run_main  # noqa: E402

import numpy as np  # noqa: E402

PY = "/usr/bin/python3"
GEN = os.path.join(REPO, "scripts", "national-population.py")
CSV = os.path.join(REPO, "configs", "parks", "national-synthetic.csv")
YAML = os.path.join(REPO, "configs", "national-synthetic.yaml")
JIANGXI = os.path.join(REPO, "configs", "parks", "jiangxi-2025.csv")


def gen(*args):
    return subprocess.run([PY, GEN] + list(args), capture_output=True, text=True, timeout=120)


def rows_of(text):
    return list(csv.DictReader(l for l in text.splitlines() if l.strip() and not l.startswith("#")))


def slope(x, y):
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main(tmp):
    r = gen()
    ok(r.returncode == 0, "the generator runs with its defaults", r.stderr)
    with open(CSV, encoding="utf-8") as fh:
        committed = fh.read()
    ok(r.stdout == committed, "configs/parks/national-synthetic.csv is the generator's output (regenerate it: "
       "/usr/bin/python3 scripts/national-population.py -o configs/parks/national-synthetic.csv)")
    out = os.path.join(tmp, "n.csv")
    r2 = gen("-o", out)
    with open(out, encoding="utf-8") as fh:
        ok(r2.returncode == 0 and fh.read() == r.stdout, "the same seed gives the same file (-o FILE = stdout)")
    ok(not os.path.exists(out + ".tmp"), "no temporary file left behind")
    other = gen("--seed", "7")
    ok(other.returncode == 0 and other.stdout != r.stdout, "another seed gives another file")

    rows = rows_of(committed)
    firms = np.array([int(x["firms"]) for x in rows])
    rev = np.array([float(x["revenue"]) for x in rows])
    land = np.array([float(x["land_mu"]) for x in rows])
    anchor = np.array([float(x["anchor_revenue"]) for x in rows])
    cls = np.array([x["class"] for x in rows])
    ok(len(rows) == 700 and firms.sum() == 100000, "700 parks and 100,000 firms",
       "%d parks, %d firms" % (len(rows), firms.sum()))
    ok(firms.min() >= 2, "at least 2 firms per park (min %d)" % firms.min())
    ok(all(x["code"].startswith("syn") and x["name"].startswith("SYNTHETIC") and x["basis"] == "synthetic"
           for x in rows), "every code, name and basis marks the park as synthetic")
    ok(len({x["code"] for x in rows}) == len(rows), "codes are unique")
    # national brackets (亿元): shares 0.56, 0.356, 0.057, 0.028 (SOURCES §3.1)
    yi = rev / 1e4
    for lo, hi, p in ((10, 100, 0.560), (100, 500, 0.356), (500, 1000, 0.057), (1000, 3000, 0.028)):
        got = float(np.mean((yi >= lo) & (yi < hi)))
        tol = 4 * math.sqrt(p * (1 - p) / len(rows))
        ok(abs(got - p) <= tol, "share of parks with %d-%d亿: %.3f, expected %.3f +- %.3f" % (lo, hi, got, p, tol))
    ok(yi.min() >= 10 and yi.max() <= 3000, "revenues within 10-3000亿 (%.1f-%.1f)" % (yi.min(), yi.max()))
    ok(all((c == "L") == (v >= 300) and (c == "S") == (v < 100) for c, v in zip(cls, yi)),
       "class L from 300亿, M 100-300亿, S below 100亿")
    with open(JIANGXI, encoding="utf-8") as fh:
        jx = rows_of(fh.read())
    jrev = [float(x["revenue"]) for x in jx]
    for what, got, want in (("firms", slope(rev, firms), slope(jrev, [float(x["firms"]) for x in jx])),
                            ("land", slope(rev, land), slope(jrev, [float(x["land_mu"]) for x in jx]))):
        ok(abs(got - want) <= 0.05, "%s ~ revenue^b: b = %.3f, the Jiangxi fit %.3f +- 0.05" % (what, got, want))
    ok(int(sum(x["smart_level"] == "2" for x in rows)) == 50 and
       all(x["class"] == "L" for x in rows if x["smart_level"] == "2"), "50 L parks at smart level 2")
    ok(bool(np.all((anchor > 0) == (cls == "L"))) and bool(np.all(anchor < rev)),
       "an anchor firm in every L park and no other, below the park revenue")

    small = gen("--parks", "30", "--firms", "3000", "--seed", "1")
    srows = rows_of(small.stdout)
    ok(small.returncode == 0 and len(srows) == 30 and sum(int(x["firms"]) for x in srows) == 3000,
       "--parks 30 --firms 3000: exactly 30 parks and 3,000 firms", small.stderr)
    for args, what in ((["--parks", "0"], "--parks 0"), (["--parks", "10", "--firms", "5"], "fewer than 2 firms a park"),
                       (["--seed", "-1"], "a negative seed")):
        b = gen(*args)
        ok(b.returncode != 0 and b.stdout == "" and b.stderr.strip() != "", "%s is refused with a message" % what,
           b.stderr)

    v = subprocess.run([PARKSIM, "validate", YAML], capture_output=True, text=True, timeout=120)
    ok(v.returncode == 0 and "national-synthetic.csv" in v.stdout, "parksim validate accepts the scenario", v.stderr)
    h5 = os.path.join(tmp, "n.h5")
    run = subprocess.run([PARKSIM, "run", YAML, "-r", "1", "--set", "output.monthly=false", "-o", h5, "--quiet"],
                         capture_output=True, text=True, timeout=600)
    ok(run.returncode == 0, "a one-replicate run of the national population exits 0", run.stderr)

    def firms_year0():
        import h5py
        with h5py.File(h5, "r") as f:
            d = f["park_year/firms"][0, 0, :]
            return d.shape == (700,) and int(d.sum()) == 100000, "shape %s, sum %s" % (d.shape, d.sum())
    check("/park_year/firms at year index 0: 700 parks, 100,000 firms", firms_year0)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-national."))
