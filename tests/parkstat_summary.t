#!/usr/bin/python3
"""tests/parkstat_summary.t - `parkstat summary` against exact answers.

A synthetic file (tests/parkstat_synth.py) holds R = 20000 replicates of 8
independent parks whose tiers follow a known 3-tier Markov chain, so the exact
answers are known: the top-tier count in each year is Poisson-binomial (mean,
sd, quantiles and tails exact), each park's P(top tier) in and by each year, the
time-to-first-top-tier distribution, and the transition matrix M.

Tolerances: an estimate must be within 4 of its exact standard errors of the
exact value (a correct estimator fails one such check with probability 6e-5;
the draws use a fixed seed, so the outcome is deterministic), and each reported
standard error within 5% (relative) of the exact one, or 0.002 absolute for
probabilities near 0 or 1. Also: --json, --csv and the table agree; targets
from the command line, the file's `targets` attribute, or the default; an
unfinished file and bad input are refused with exit 2.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parkstat_synth as syn  # noqa: E402
from taplib import PARKSIM, PARKSTAT, REPO, ok, run_main  # noqa: E402

R, Y, P = 20000, 4, 8
YEARS = [2025, 2026, 2027, 2028]


def ps(*args):
    return subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True)


def within(est, exact, se, k=4):
    return abs(est - exact) <= k * se + 1e-12


def se_ok(got, want):
    return abs(got - want) <= max(0.05 * want, 0.002)


def main(tmp):
    rng = np.random.default_rng(20260502)
    tier = syn.markov_tiers(rng, R, Y, P)
    top = (tier == 1).sum(axis=2)
    f = os.path.join(tmp, "syn.h5")
    syn.write_run(f, top, tier, seed=99, name="synthetic")
    ex = syn.exact(P, Y)

    p = ps("summary", f, "--json", "--target", "2027:4", "--target", "2028:5")
    ok(p.returncode == 0, "summary --json exits 0", p.stderr)
    js = json.loads(p.stdout)
    ok(isinstance(js, list) and len(js) == 1, "--json is a list with one object per file")
    s = js[0]
    ok(s["replicates"] == R and s["years"] == YEARS and s["parks"] == ["park%02d" % i for i in range(P)] and
       s["seed"] == 99 and s["scenario"] == "synthetic", "sizes, years, park codes, seed and name read from the file")

    # top-tier count: mean, sd, quantiles against the exact Poisson-binomial distribution
    bad = []
    for y in range(Y):
        dist = ex["count"][y]
        k = np.arange(len(dist))
        mu = (k * dist).sum()
        sd = np.sqrt(((k - mu) ** 2 * dist).sum())
        c = s["top_tier_count"][y]
        if not within(c["mean"], mu, sd / np.sqrt(R)):
            bad.append(("mean", y, c["mean"], mu))
        if not se_ok(c["mean_se"], sd / np.sqrt(R)):
            bad.append(("mean_se", y, c["mean_se"], sd / np.sqrt(R)))
        if abs(c["sd"] - sd) > 0.03 * sd:
            bad.append(("sd", y, c["sd"], sd))
        cdf = np.cumsum(dist)
        for name, q in (("q05", 0.05), ("median", 0.5), ("q95", 0.95)):
            xq = int(np.searchsorted(cdf, q))           # exact quantile inf{k: F(k) >= q}
            assert min(abs(cdf - q)) > 0.01             # not at a step, so the sample quantile is exact too
            if c[name] != xq or not (c[name + "_ci95"][0] <= xq <= c[name + "_ci95"][1]):
                bad.append((name, y, c[name], c[name + "_ci95"], xq))
    ok(not bad, "count mean (4 se), se (5%), sd (3%), q05/median/q95 equal the exact Poisson-binomial values "
       "and lie in their 95% intervals", *bad)

    # targets: P(count >= k) with se and Wilson interval
    bad = []
    for t in s["targets"]:
        y = YEARS.index(t["year"])
        pe = ex["count"][y][t["count"]:].sum()
        se = np.sqrt(pe * (1 - pe) / R)
        if not (within(t["p"], pe, se) and se_ok(t["se"], se) and t["wilson95"][0] <= pe <= t["wilson95"][1]
                and t["hits"] == int((top[:, y] >= t["count"]).sum())):
            bad.append((t, pe, se))
    ok(len(s["targets"]) == 2 and not bad, "P(count >= target) for 2027:4 and 2028:5: estimate, se, Wilson "
       "interval vs the exact tail", *bad)

    # per park, per year
    bad = []
    for i, pk in enumerate(s["park"]):
        for key, exk in (("p_top", "p_top"), ("p_reached_by", "p_by"), ("p_first", "p_first")):
            for y in range(Y):
                pe = ex[exk][y, i]
                se = np.sqrt(pe * (1 - pe) / R)
                if not (within(pk[key][y], pe, se) and se_ok(pk[key + "_se"][y], se)):
                    bad.append((pk["code"], key, YEARS[y], pk[key][y], pe))
        pe = ex["p_never"][i]
        if not within(pk["p_never"], pe, np.sqrt(pe * (1 - pe) / R)):
            bad.append((pk["code"], "never", pk["p_never"], pe))
        if abs(sum(pk["p_first"]) + pk["p_never"] - 1) > 1e-12:
            bad.append((pk["code"], "first+never != 1"))
    ok(not bad, "per park: P(top tier in year), P(reached by year), P(first reached in year), P(never) "
       "within 4 se of the exact chain values, se within 5%", *bad)

    # transitions: every year pair estimates M; counts add up to R * P
    bad = []
    for tr in s["transitions"]:
        n = np.array(tr["counts"])
        if n.sum() != R * P:
            bad.append(("count total", n.sum()))
        for i in range(3):
            for j in range(3):
                ni = n[i].sum()
                se = np.sqrt(M_ij * (1 - M_ij) / ni) if (M_ij := syn.M[i, j]) else 0
                if not within(tr["prob"][i][j], syn.M[i, j], se) or not se_ok(tr["prob_se"][i][j], se):
                    bad.append((tr["from_year"], i + 1, j + 1, tr["prob"][i][j], tr["prob_se"][i][j], syn.M[i, j], se))
    ok(len(s["transitions"]) == Y - 1 and not bad, "transition matrices estimate M within 4 se; the replicate-"
       "cluster se agrees with the binomial se for independent parks (5%)", *bad)
    direct = [[int(((tier[:, 0, :] == a + 1) & (tier[:, 1, :] == b + 1)).sum()) for b in range(3)] for a in range(3)]
    ok(s["transitions"][0]["counts"] == direct, "transition counts 2025->2026 equal a direct count", direct)

    # CSV agrees with JSON, row by row
    p = ps("summary", f, "--csv", "--target", "2027:4", "--target", "2028:5")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    bad = []
    for r in rows:
        v = float(r["value"])
        sec, st = r["section"], r["statistic"]
        if sec == "count":
            c = s["top_tier_count"][YEARS.index(int(r["year"]))]
            want = c[st]
        elif sec == "target":
            want = [t["p"] for t in s["targets"] if t["year"] == int(r["year"]) and t["count"] == int(r["threshold"])][0]
        elif sec == "park":
            pk = [q for q in s["park"] if q["code"] == r["park"]][0]
            key = {"p_reached_by": "p_reached_by"}.get(st, st)
            want = pk[key] if st == "p_never" else pk[key][YEARS.index(int(r["year"]))]
        else:
            tr = [t for t in s["transitions"] if t["from_year"] == int(r["year"])][0]
            want = (tr["prob"] if st == "prob" else tr["counts"])[int(r["from_tier"]) - 1][int(r["to_tier"]) - 1]
        if v != want:
            bad.append((r, want))
    n_expect = Y * 5 + 2 + P * (3 * Y + 1) + (Y - 1) * 9 * 2
    ok(p.returncode == 0 and len(rows) == n_expect and not bad, "--csv parses (%d rows) and every value equals "
       "the JSON" % n_expect, p.stderr, "%d rows" % len(rows), *bad[:5])

    # the table agrees with the JSON (rounded as printed)
    p = ps("summary", f, "--target", "2027:4", "--target", "2028:5")
    out = p.stdout
    bad = []
    for c in s["top_tier_count"]:
        m = re.search(r"^%d\s+(\S+) \((\S+)\)\s+(\S+)\s+(\S+) \((\S+)\)" % c["year"], out, re.M)
        if not m or m.groups() != ("%.3f" % c["mean"], "%.3f" % c["mean_se"], "%.3f" % c["sd"], "%g" % c["q05"], "%.3f" % c["q05_se"]):
            bad.append((c["year"], m and m.groups()))
    for t in s["targets"]:
        m = re.search(r"^>=%d in %d\s+(\S+) \((\S+)\)\s+\[(\S+), (\S+)\]\s+(\d+)/(\d+)" % (t["count"], t["year"]),
                      out, re.M)
        if not m or list(m.groups()) != ["%.4f" % t["p"], "%.4f" % t["se"], "%.4f" % t["wilson95"][0],
                                          "%.4f" % t["wilson95"][1], str(t["hits"]), str(R)]:
            bad.append((t, m and m.groups()))
    pk = s["park"][3]
    m = re.search(r"P\(top tier in year\).*?^%s\s+([^\n]*)$" % pk["code"], out, re.M | re.S)
    got = re.findall(r"(\d\.\d{4}) \(", m.group(1)) if m else []
    if got != ["%.4f" % v for v in pk["p_top"]]:
        bad.append(("park row", got, pk["p_top"]))
    ok(p.returncode == 0 and not bad, "the plain table shows the same numbers as --json", *bad)

    # targets: default, from the file's `targets` attribute, command line overrides
    p = ps("summary", f, "--json")
    d = json.loads(p.stdout)[0]
    ok([(t["year"], t["count"]) for t in d["targets"]] == [(2027, 6), (2028, 10)] and d["targets_source"] == "default",
       "default targets 2027:6 and 2028:10")
    g = os.path.join(tmp, "targets.h5")
    shutil.copy(f, g)
    with h5py.File(g, "a") as h:
        h.attrs["targets"] = np.bytes_("2026:2 2028:3")
    d = json.loads(ps("summary", g, "--json").stdout)[0]
    ok([(t["year"], t["count"]) for t in d["targets"]] == [(2026, 2), (2028, 3)] and d["targets_source"] == "file",
       "targets stored in the file (root attribute targets = '2026:2 2028:3') are used")
    d = json.loads(ps("summary", g, "--json", "--target", "2027:1").stdout)[0]
    ok([(t["year"], t["count"]) for t in d["targets"]] == [(2027, 1)] and d["targets_source"] == "command line",
       "--target overrides the file's targets")
    p = ps("headline", g)
    ok(p.returncode == 0 and "P(>=2 in 2026)" in p.stdout and "P(>=3 in 2028)" in p.stdout,
       "headline also uses the file's targets", p.stdout, p.stderr)
    with h5py.File(g, "a") as h:
        h.attrs["targets"] = np.bytes_("2027-6")
    p = ps("summary", g)
    ok(p.returncode == 2 and "targets" in p.stderr and "2027-6" in p.stderr and p.stdout == "",
       "a malformed targets attribute: exit 2, the message quotes it, nothing on stdout", p.stderr)

    # refusals
    u = os.path.join(tmp, "unfinished.h5")
    syn.write_run(u, top[:10], tier[:10], complete=False)
    p = ps("summary", u)
    ok(p.returncode == 2 and "parksim_complete" in p.stderr and u in p.stderr and p.stdout == "",
       "an unfinished file (no parksim_complete) is refused: exit 2, names the file", p.stderr)
    for cmd in (["headline", f, u], ["summary", f, u, "--json"]):
        p = ps(*cmd)
        ok(p.returncode == 2 and "parksim_complete" in p.stderr and p.stdout == "", "%s refuses the unfinished file before printing any result" % cmd[0], p.stdout)
    junk = os.path.join(tmp, "junk.h5")
    open(junk, "w").write("not hdf5\n")
    p = ps("summary", junk)
    ok(p.returncode == 2 and "not an HDF5 file" in p.stderr, "a non-HDF5 file: exit 2 with a message", p.stderr)
    p = ps("summary", os.path.join(tmp, "missing.h5"))
    ok(p.returncode == 2 and "missing.h5" in p.stderr, "a missing file: exit 2 naming it", p.stderr)
    p = ps("summary", f, "--target", "2031:4")
    ok(p.returncode == 2 and "2031" in p.stderr, "a target year not in the file: exit 2 naming the year", p.stderr)
    p = ps("summary", f, "--target", "27:x")
    ok(p.returncode == 2 and "YEAR:COUNT" in p.stderr, "a malformed --target: exit 2", p.stderr)
    p = ps("summary", f, "--bogus")
    ok(p.returncode == 2 and "--bogus" in p.stderr, "an unknown option: exit 2", p.stderr)

    # sizes come from the file: 5 parks, 6 years, no assumption of 3 levers or 4 years
    rng2 = np.random.default_rng(7)
    t6 = syn.markov_tiers(rng2, 50, 6, 5)
    h6 = os.path.join(tmp, "six.h5")
    syn.write_run(h6, (t6 == 1).sum(axis=2), t6, years=tuple(range(2030, 2036)))
    p = ps("summary", h6, "--json", "--target", "2035:2")
    d = json.loads(p.stdout)[0] if p.returncode == 0 else {}
    ok(d.get("years") == list(range(2030, 2036)) and len(d.get("park", [])) == 5 and len(d.get("transitions", [])) == 5,
       "6 years and 5 parks are read from the file", p.stderr)

    money(tmp)


def money(tmp):
    """The lever money of a real run: per lever and year, spent and held are the means over
    replicates of the totals over parks of /park_year/lever_spent and lever_allotted."""
    out = os.path.join(tmp, "tiny-money.h5")
    p = subprocess.run([PARKSIM, "run", os.path.join(REPO, "configs", "test", "tiny.yaml"), "-r", "8", "-o", out,
                        "--quiet", "--set", "output.monthly=false"], capture_output=True, text=True)
    if not ok(p.returncode == 0, "a tiny run with levers for the money table", p.stderr):
        return
    with h5py.File(out, "r") as f:
        spent = f["park_year/lever_spent"][()].sum(axis=2).mean(axis=0)   # [year][lever]
        held = f["park_year/lever_allotted"][()].sum(axis=2).mean(axis=0)
        names = f["park_year/lever_name"].asstr()[()].tolist()
    d = json.loads(ps("summary", out, "--json").stdout)[0]
    m = {x["lever"]: x for x in d.get("lever_money", [])}
    good = sorted(m) == sorted(names) and all(
        np.allclose(m[n]["spent"], spent[:, i], rtol=1e-12, atol=1e-9) and
        np.allclose(m[n]["held"], held[:, i], rtol=1e-12, atol=1e-9) for i, n in enumerate(names))
    ok(good, "summary --json lever_money: spent and held per lever and year equal h5py's means of the park totals",
       json.dumps(d.get("lever_money"))[:600])
    ok(all(spent[y, i] <= held[y, i] + 1e-9 for y in range(spent.shape[0]) for i in range(len(names))) and spent.sum() > 0,
       "every lever spends no more than the parks held, and something is spent")
    t = ps("summary", out).stdout
    ok("lever money, CNY 1e4" in t and re.search(r"of [0-9]+, [0-9]+%", t) is not None,
       "the table shows spent of held and the share spent", t[-800:])


if __name__ == "__main__":
    sys.exit(run_main(main, "parkstat-summary."))
