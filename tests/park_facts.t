#!/usr/bin/python3
"""tests/park_facts.t - the default Jiangxi model against the park-level facts of docs/SOURCES.md.

The 2025 assessment (year index 0) of the default baseline, 400 replicates, checked park by park
against what the sources say about individual parks (docs/MODEL.md 6.1, 8.3):

- 吉水 (jishui_chem), verified 二级 in its expansion approval, is at least 二级 in most replicates
  (the calibration asks for 80% with 100 replicates; the check allows 0.70, about three binomial
  standard deviations of 400 replicates below 0.80, for the change of replicate set);
- the four Jiujiang parks in CCID's top 100 (assumed to be the four L parks) each have a higher mean
  2025 score than every S park;
- the parks marked `reviewed` in the park file start with the shared infrastructure level
  safety.infra_reviewed, the others with their size class's default;
- the 2025 incidents are not zero by construction: the initial year has incidents in most replicates.

The 2025 tier shares of every park with a sourced fact are printed as TAP comments (the table of
docs/MODEL.md 8.3 comes from here).
"""
import csv
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, check, ok, run_main  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

BASELINE = os.path.join(REPO, "configs", "jiangxi-baseline.yaml")
PARKS = os.path.join(REPO, "configs", "parks", "jiangxi-2025.csv")
REPS = 400


def main(tmp):
    out = os.path.join(tmp, "base.h5")
    p = subprocess.run([PARKSIM, "run", BASELINE, "-r", str(REPS), "-o", out, "--quiet", "--set",
                        "output.monthly=false"], capture_output=True, text=True)
    if not ok(p.returncode == 0, "the default baseline runs (%d replicates)" % REPS, p.stderr):
        return
    with open(PARKS, encoding="utf-8") as fh:
        rows = list(csv.DictReader(l for l in fh if l.strip() and not l.startswith("#")))
    with h5py.File(out, "r") as f:
        py = f["park_year"]
        codes = py["park_code"].asstr()[()].tolist()
        tier0 = py["tier"][:, 0, :]
        score0 = py["score"][:, 0, :]
        infra0 = py["infrastructure"][:, 0, :]
        inc0 = py["incidents"][:, 0, :]
    info = {r["code"]: r for r in rows}
    k = codes.index("jishui_chem")
    share = float(np.mean(tier0[:, k] <= 2))
    check("吉水, verified 二级, is at least 二级 in 2025 in most replicates (%.2f >= 0.70)" % share,
          lambda: (share >= 0.70, share))

    big = [i for i, c in enumerate(codes) if info[c]["class"] == "L"]
    small = [i for i, c in enumerate(codes) if info[c]["class"] == "S"]
    mean = score0.mean(axis=0)
    check("each of the four L (CCID top-100) parks scores above every S park in 2025 (lowest L %.1f, highest S %.1f)"
          % (min(mean[big]), max(mean[small])),
          lambda: (len(big) == 4 and min(mean[big]) > max(mean[small]), dict(zip(codes, mean.round(1)))))

    reviewed = [i for i, c in enumerate(codes) if info[c].get("reviewed") == "1"]
    check("the %d reviewed parks start at infra 0.6, the others at their size class's 0.6 / 0.4 / 0.25"
          % len(reviewed), lambda: (
              len(reviewed) == 13 and all(np.all(infra0[:, i] == 0.6) for i in reviewed) and all(
                  np.all(infra0[:, i] == {"L": 0.6, "M": 0.4, "S": 0.25}[info[c]["class"]])
                  for i, c in enumerate(codes) if i not in reviewed), infra0[0]))
    any_inc = float(np.mean(inc0.sum(axis=1) > 0))
    check("2025 has incidents in most replicates (%.2f), drawn like every other year" % any_inc,
          lambda: (any_inc > 0.5, any_inc))

    print("# 2025 tier shares (一级 / 二级 / 三级) and mean score, %d replicates, of the parks with a sourced fact:" % REPS)
    for i, c in enumerate(codes):
        basis = info[c]["basis"]
        if "[V" not in basis and info[c].get("reviewed") != "1":
            continue
        t = tier0[:, i]
        print("#   %-22s %.2f / %.2f / %.2f  score %5.1f  %s" % (
            c, np.mean(t == 1), np.mean(t == 2), np.mean(t == 3), mean[i], basis[:70]))


sys.exit(run_main(main, "parksim-park-facts."))
