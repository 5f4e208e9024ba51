#!/usr/bin/python3
"""tests/parkstat_compare.t - `parkstat compare`: paired effects and refusals.

Known answer: a synthetic baseline (Poisson-binomial top-tier counts) and a
policy whose count is the baseline's plus an independent Binomial(2, 0.25)
per replicate, so the exact effect on the mean is 0.5 with paired variance
0.375, and the exact change in P(count >= k) follows by convolution. Estimates
must be within 4 exact standard errors (fixed seed: deterministic) and the
paired se within 5% of the exact one. On real parksim runs of the tiny scenario
(levers off vs on, same seed) pairing must give a smaller se than an unpaired
comparison. Files whose seed, replicates, years or parks differ are refused
(exit 2) with a message naming both files and what differs.
"""
import csv
import io
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parkstat_synth as syn  # noqa: E402
from taplib import PARKSIM, PARKSTAT, TINY, ok, run_main  # noqa: E402

R = 20000
YEARS = [2025, 2026, 2027, 2028]
LEVERS_OFF = ["--set", "levers.mergers.intensity=0", "--set", "levers.revitalisation.intensity=0",
              "--set", "levers.upgrades.intensity=0"]


def ps(*args):
    return subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True)


def main(tmp):
    rng = np.random.default_rng(11)
    P = 8
    tier = syn.markov_tiers(rng, R, 4, P)
    base = (tier == 1).sum(axis=2)
    extra = rng.binomial(2, 0.25, size=(R, 4))
    extra[:, 0] = 0                                   # no effect on the initial state
    pol = base + extra
    fb, fp, fq = (os.path.join(tmp, n) for n in ("base.h5", "pol.h5", "pol2.h5"))
    syn.write_run(fb, base, tier, name="base", seed=5)
    tier2 = tier.copy()
    tier2[:, 3, 3][extra[:, 3] > 0] = 1                # park 3 reaches the top tier in 2028 when extra > 0
    syn.write_run(fp, pol, tier2, name="plus", seed=5)
    syn.write_run(fq, base, tier, name="same", seed=5)

    p = ps("compare", fb, fp, fq, "--json", "--target", "2028:5")
    ok(p.returncode == 0, "compare with two policy files exits 0", p.stderr)
    js = json.loads(p.stdout)
    ok([q["scenario"] for q in js["policies"]] == ["plus", "same"] and js["replicates"] == R,
       "one result per policy file, in order")
    e = js["policies"][0]
    bad = []
    for y in range(1, 4):
        m = e["mean_count"][y]
        se = np.sqrt(0.375 / R)
        if not (abs(m["effect"] - 0.5) <= 4 * se and abs(m["se"] - se) <= 0.05 * se and m["ci95"][0] < 0.5 < m["ci95"][1]):
            bad.append((YEARS[y], m, se))
        if not m["effect"] == (pol[:, y] - base[:, y]).mean():
            bad.append(("not the paired mean", m["effect"]))
    ok(not bad, "effect on the mean count: 0.5 within 4 se, paired se within 5% of sqrt(0.375/R), CI covers 0.5",
       *bad)
    ok(e["mean_count"][0]["effect"] == 0 and e["mean_count"][0]["se"] == 0, "no effect and se 0 in the initial year")
    # exact change in P(count >= 5) in 2028
    dist = syn.exact(P, 4)["count"][3]
    conv = np.convolve(dist, [0.5625, 0.375, 0.0625])
    pb, pp = dist[5:].sum(), conv[5:].sum()
    t = e["p_target"][0]
    # var of the paired indicator difference: P(I_p != I_b) - (pp - pb)^2, I_p >= I_b always here
    se = np.sqrt(((pp - pb) - (pp - pb) ** 2) / R)
    ok(abs(t["effect"] - (pp - pb)) <= 4 * se and abs(t["se"] - se) <= 0.05 * se and abs(t["base"] - pb) < 0.02,
       "change in P(count >= 5 in 2028): %.4f vs exact %.4f (se %.4f)" % (t["effect"], pp - pb, se), t)
    pk = e["park_top_last_year"]
    want3 = (tier2[:, 3, 3] == 1).mean() - (tier[:, 3, 3] == 1).mean()
    d3 = (tier2[:, 3, 3] == 1).astype(float) - (tier[:, 3, 3] == 1)
    ok(len(pk) == P and all(q["effect"] == 0 and q["se"] == 0 for i, q in enumerate(pk) if i != 3) and
       abs(pk[3]["effect"] - want3) < 1e-12 and abs(pk[3]["se"] - d3.std(ddof=1) / np.sqrt(R)) < 1e-12 and
       pk[3]["year"] == 2028, "per-park change in P(top tier in 2028): park 3 changed by exactly %.4f, the others 0"
       % want3, pk[3])
    z = js["policies"][1]
    ok(all(m["effect"] == 0 and m["se"] == 0 for m in z["mean_count"]), "a policy identical to the baseline has "
       "effect 0 with se 0 (pairing removes all noise)")

    # table and CSV agree with JSON
    p = ps("compare", fb, fp, fq, "--target", "2028:5")
    row = [l for l in p.stdout.splitlines() if l.startswith("plus")]
    m = e["mean_count"][3]
    want = "%+.3f (%.3f) [%+.3f, %+.3f] {%.3f}" % (m["effect"], m["se"], m["ci95"][0], m["ci95"][1], m["se_unpaired"])
    ok(p.returncode == 0 and len(row) == 2 and want in row[0], "the table shows the 2028 effect as in --json: " + want,
       p.stdout)
    p = ps("compare", fb, fp, fq, "--csv", "--target", "2028:5")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    r = [x for x in rows if x["policy"] == "plus" and x["quantity"] == "mean_count" and x["year"] == "2028"]
    ok(len(rows) == 2 * (4 + 1 + P) and len(r) == 1 and float(r[0]["effect"]) == m["effect"] and
       float(r[0]["se"]) == m["se"], "--csv parses (26 rows) and agrees with --json", p.stdout[:500])

    # real runs: common random numbers make pairing sharper
    runs = {}
    for name, extra_args in (("off", LEVERS_OFF + ["--set", "scenario.name=off"]), ("on", [])):
        out = os.path.join(tmp, name + ".h5")
        q = subprocess.run([PARKSIM, "run", TINY, "-o", out, "--quiet", "-r", "300"] + extra_args, capture_output=True,
                           text=True)
        runs[name] = out
        ok(q.returncode == 0, "parksim run tiny, levers %s, 300 replicates" % name, q.stderr)
    p = ps("compare", runs["off"], runs["on"], "--json")
    js = json.loads(p.stdout) if p.returncode == 0 else {"policies": [{"mean_count": []}]}
    last = js["policies"][0]["mean_count"][-1] if js["policies"][0]["mean_count"] else {}
    ok(last and last["se"] < 0.8 * last["se_unpaired"] and last["ci95"][0] > 0,
       "tiny, levers on vs off in 2028: paired se %.3f < 0.8 x unpaired se %.3f, and the effect %+.3f is "
       "positive with 95%% confidence" % (last.get("se", 0), last.get("se_unpaired", 0), last.get("effect", 0)),
       p.stderr)

    # refusals
    def refuse(desc, other, *words):
        q = ps("compare", fb, other)
        ok(q.returncode == 2 and fb in q.stderr and other in q.stderr and all(w in q.stderr for w in words)
           and q.stdout == "", "refuses %s: exit 2, names both files and %s" % (desc, ", ".join(words)), q.stderr)

    f = os.path.join(tmp, "seed.h5")
    syn.write_run(f, pol, tier, seed=6)
    refuse("a different seed", f, "seed")
    f = os.path.join(tmp, "reps.h5")
    syn.write_run(f, pol[:R - 1], tier[:R - 1], seed=5)
    refuse("a different replicate count", f, "replicates", str(R - 1))
    f = os.path.join(tmp, "parks.h5")
    syn.write_run(f, pol, tier, seed=5, codes=["park%02d" % i for i in range(7)] + ["other"])
    refuse("a different park list", f, "park 7", "other")
    f = os.path.join(tmp, "parks2.h5")
    syn.write_run(f, pol, tier[:, :, :7], seed=5)
    refuse("a different park count", f, "8 parks", "7")
    f = os.path.join(tmp, "years.h5")
    syn.write_run(f, pol, tier, seed=5, years=(2026, 2027, 2028, 2029))
    refuse("different years", f, "years")
    q = ps("compare", fb)
    ok(q.returncode == 2 and "baseline and at least one policy" in q.stderr, "one file only: exit 2", q.stderr)
    q = ps("compare", runs["off"], runs["on"], "--target", "2040:1")
    ok(q.returncode == 2 and "2040" in q.stderr, "a target year not in the files: exit 2", q.stderr)


if __name__ == "__main__":
    sys.exit(run_main(main, "parkstat-compare."))
