#!/usr/bin/python3
"""tests/parkstat_sensitivity.t - `parkstat sensitivity` on synthetic sweep files.

A synthetic sweep file in the layout of docs/OUTPUT.md (the sweep file) holds a
Saltelli design of N = 2048 base rows for k = 4 parameters on [-pi, pi] (A and B
independent uniform rows here, so the estimators' errors are those of
independent rows and the bootstrap se is their right scale), R = 40 replicates
per point. The top-tier count of replicate r at a point is floor(mu + u_r),
u_r ~ U(0,1) the same at every point (common random numbers, as parksim's
replicate streams), so its mean over replicates is mu up to the empirical CDF
error of the u_r:
  2025: mu = 3 everywhere                  -> zero variance, indices undefined
  2026: mu = 7.45 + 0.1 x1 + 0.05 x2       -> P(count >= 8) = mu - 7, linear:
                                              S = ST = (0.8, 0.2, 0, 0)
  2027: mu = 12 + Ishigami(x1, x2, x3)     -> S = (0.3139, 0.4424, 0, 0),
                                              ST = (0.5576, 0.4424, 0.2437, 0)
  2028: mu = 8 + 0.8 x1 + 0.4 x2 + 0.2 x4  -> S = ST = c^2/sum c^2 = (0.762, 0.190, 0, 0.048)
Tolerance: 4 bootstrap se (a correct estimator fails one check with
probability 6e-5) plus 0.01 for the staircase floor(mu + u_r) bends mu by
(error variance ~ 1/(6R) against output variances 1.7-14, under 0.01 of any
index). An ignored parameter has S_T = 0 exactly (f(AB_i) = f(A)).
Also: JSON, CSV and table agree; the Monte-Carlo noise equals numpy's; the
bootstrap seed; refusals (unfinished, not a sweep, not saltelli, wrong order,
bad options) with exit 2; `parkstat summary` refuses a sweep file.
"""
import csv
import io
import json
import math
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parkstat_synth as syn  # noqa: E402
from taplib import PARKSTAT, ok, run_main  # noqa: E402

N, K, R = 2048, 4, 40
YEARS = [2025, 2026, 2027, 2028]
NAMES = ["levers.mergers.intensity", "levers.upgrades.intensity", "levers.chain.intensity", "assessment.noise"]
S1_ISHI = [0.3139, 0.4424, 0.0, 0.0]
ST_ISHI = [0.5576, 0.4424, 0.2437, 0.0]
C28 = np.array([0.8, 0.4, 0.0, 0.2])
S_LIN = list(C28 ** 2 / (C28 ** 2).sum())
S_PROB = [0.8, 0.2, 0.0, 0.0]


def ps(*args):
    return subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True)


def saltelli(a, b):
    rows = [a, b]
    for i in range(a.shape[1]):
        ab = a.copy()
        ab[:, i] = b[:, i]
        rows.append(ab)
    return np.concatenate(rows)


def write_sweep(path, values, top, design="saltelli", n=N, complete=True, targets="2027:10 2028:9"):
    npts, k = values.shape
    with h5py.File(path, "w") as f:
        f.attrs["scenario_name"] = np.bytes_("synthetic-sweep")
        f.attrs.create("seed", 5, dtype="<u8")
        f.attrs.create("replicates", top.shape[1], dtype="<i4")
        f.attrs["targets"] = np.bytes_(targets)
        f.attrs["sweep_design"] = np.bytes_(design)
        f.attrs.create("sweep_points", npts, dtype="<i4")
        f.attrs.create("sweep_parameters", k, dtype="<i4")
        f.attrs.create("sweep_base_rows", n if design == "saltelli" else 0, dtype="<i4")
        g = f.create_group("sweep")
        g["parameter_name"] = np.array(NAMES[:k], dtype=h5py.string_dtype("utf-8"))
        g["lower"] = np.full(k, -math.pi)
        g["upper"] = np.full(k, math.pi)
        g["values"] = values
        g["point"] = np.arange(npts, dtype="<i4")
        g["parameter"] = np.arange(k, dtype="<i4")
        g["point_digest"] = np.arange(npts, dtype="<u8")
        s = f.create_group("summary")
        s["year"] = np.array(YEARS, dtype="<i4")
        s["top_tier_count"] = top.astype("<i4")
        if complete:
            f.attrs.create("parksim_complete", 1, dtype="<i4")


def model(values, u):
    x1, x2, x3, x4 = values.T
    mu = np.stack([np.full(len(x1), 3.0),
                   7.45 + 0.1 * x1 + 0.05 * x2,
                   12 + np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1),
                   8 + C28[0] * x1 + C28[1] * x2 + C28[3] * x4], axis=1)       # [point, year]
    return np.floor(mu[:, None, :] + u[None, :, None]).astype(np.int32)    # [point, replicate, year]


def close(est, truth, se):
    return abs(est - truth) <= 4 * se + 0.01


def check_indices(year, truth_s1, truth_st, desc):
    bad = []
    for ix in year["indices"]:
        i = NAMES.index(ix["parameter"])
        if not close(ix["s1"], truth_s1[i], ix["s1_se"]):
            bad.append(("S1", ix["parameter"], ix["s1"], ix["s1_se"], truth_s1[i]))
        if not close(ix["st"], truth_st[i], ix["st_se"]):
            bad.append(("ST", ix["parameter"], ix["st"], ix["st_se"], truth_st[i]))
    ok(not bad and len(year["indices"]) == K, desc, *bad)


def main(tmp):
    rng = np.random.default_rng(20261124)
    a = -math.pi + 2 * math.pi * rng.random((N, K))
    b = -math.pi + 2 * math.pi * rng.random((N, K))
    values = saltelli(a, b)
    u = rng.random(R)
    top = model(values, u)
    f = os.path.join(tmp, "sweep.h5")
    write_sweep(f, values, top)

    p = ps("sensitivity", f, "--json")
    ok(p.returncode == 0, "sensitivity --json exits 0", p.stderr)
    js = json.loads(p.stdout)
    ok(js["base_rows"] == N and js["points"] == N * (K + 2) and js["replicates"] == R and js["seed"] == 5 and
       [q["name"] for q in js["parameters"]] == NAMES and js["bootstrap"] == 1000 and js["conf"] == 0.95,
       "design, sizes, names and bootstrap settings reported")
    ok([y["year"] for y in js["years"]] == [2027, 2028] and [y["target"] for y in js["years"]] == [10, 9],
       "default years are those of the file's targets attribute (2027:10 2028:9)")
    y27, y28 = js["years"]
    check_indices(y27, S1_ISHI, ST_ISHI, "2027 (Ishigami): every S1 and ST within 4 bootstrap se + 0.01 of the truth")
    for ix in y27["indices"]:
        print("# 2027 %-26s S1 %.4f (se %.4f)  ST %.4f (se %.4f)" % (ix["parameter"], ix["s1"], ix["s1_se"],
                                                                     ix["st"], ix["st_se"]))
    ok([ix["parameter"] for ix in y27["indices"]] == NAMES and [ix["rank"] for ix in y27["indices"]] == [1, 2, 3, 4],
       "2027 ranked by ST: x1 > x2 > x3 > x4")
    last = y27["indices"][-1]
    ok(last["st"] == 0 and last["st_ci"] == [0, 0], "a parameter the output ignores has ST 0 and interval [0, 0]")
    ok(y27["sum_s1_ci"][0] <= 0.7563 <= y27["sum_s1_ci"][1] and y27["sum_s1"] < 0.85,
       "2027: sum of S1 below 1 (interaction), interval covers 0.7563", y27["sum_s1"], y27["sum_s1_ci"])
    check_indices(y28, S_LIN, S_LIN, "2028 (linear): S1 = ST = c^2/sum c^2 within 4 se + 0.01")
    ok([ix["parameter"] for ix in y28["indices"]] == [NAMES[0], NAMES[1], NAMES[3], NAMES[2]],
       "2028 ranked x1 > x2 > x4 > x3")
    ok(abs(y28["sum_s1"] - 1) < 0.05, "2028 additive: sum of S1 near 1 (%.4f)" % y28["sum_s1"])
    ym = top[:N * 2, :, 3].mean(axis=1)
    ok(abs(y28["variance"] - ym.var()) < 1e-9 * ym.var() and abs(y28["mean"] - ym.mean()) < 1e-9,
       "variance and mean of Y over A and B equal numpy's (divisor 2N)")
    noise = (top[:, :, 3].var(axis=1, ddof=1) / R).mean()
    ok(abs(y28["mc_noise_variance"] - noise) < 1e-12 + 1e-9 * noise,
       "Monte-Carlo noise = mean over points of var(replicates)/R, as numpy (%.4g)" % noise)
    ok(all(ix["s1_ci"][0] <= ix["s1"] <= ix["s1_ci"][1] and ix["st_ci"][0] <= ix["st"] <= ix["st_ci"][1]
           for y in js["years"] for ix in y["indices"]), "every estimate inside its own interval")

    # table and CSV carry the same numbers
    t = ps("sensitivity", f)
    ok(t.returncode == 0 and "-- 2027" in t.stdout and "-- 2028" in t.stdout and "sum of S1" in t.stdout and
       "Monte-Carlo noise" in t.stdout, "the table has a section per year with the sum of S1 and the noise", t.stderr)
    rows27 = [ln.split() for ln in t.stdout.split("-- 2028")[0].splitlines() if ln.strip().startswith(("1 ", "2 "))]
    ok(len(rows27) == 2 and rows27[0][1] == NAMES[0] and abs(float(rows27[0][2]) - y27["indices"][0]["s1"]) < 6e-4,
       "table rank 1 of 2027 is the JSON's, to 3 decimals", rows27)
    c = ps("sensitivity", f, "--csv")
    rows = list(csv.DictReader(io.StringIO(c.stdout)))
    okc = c.returncode == 0 and len(rows) == 2 * K
    for r in rows:
        y = y27 if r["year"] == "2027" else y28
        ix = y["indices"][int(r["rank"]) - 1]
        okc = okc and r["parameter"] == ix["parameter"] and float(r["s1"]) == ix["s1"] and \
            float(r["st_hi"]) == ix["st_ci"][1] and float(r["variance"]) == y["variance"]
    ok(okc, "--csv: one row per year and parameter, the JSON's numbers", c.stdout[:400])

    # --output prob on the linear year, with a command-line target
    p = ps("sensitivity", f, "--json", "--output", "prob", "--year", "2026", "--target", "2026:8")
    ok(p.returncode == 0, "--output prob --year 2026 --target 2026:8 exits 0", p.stderr)
    if p.returncode == 0:
        y26 = json.loads(p.stdout)["years"][0]
        check_indices(y26, S_PROB, S_PROB, "P(count >= 8) in 2026 = mu - 7: S1 = ST = (0.8, 0.2, 0, 0) within tolerance")
        sh = (top[:2 * N, :, 1] >= 8).mean(axis=1)
        ok(abs(y26["mean"] - sh.mean()) < 1e-12 and y26["target"] == 8, "prob output is the share meeting the target")
    else:
        ok(False, "prob indices"), ok(False, "prob mean")

    # zero variance: said, not NaN
    p = ps("sensitivity", f, "--json", "--year", "2025")
    y25 = json.loads(p.stdout)["years"][0] if p.returncode == 0 else {}
    ok(p.returncode == 0 and y25.get("defined") is False and y25["variance"] == 0 and y25["indices"] == [],
       "a constant year: defined false, variance 0, no indices", p.stderr)
    t = ps("sensitivity", f, "--year", "2025")
    ok(t.returncode == 0 and "indices are undefined" in t.stdout and "nan" not in t.stdout.lower(),
       "the table says the indices are undefined (no NaN)", t.stdout)

    # bootstrap settings
    p0 = json.loads(ps("sensitivity", f, "--json", "--bootstrap", "0").stdout)
    ok(p0["years"][0]["indices"][0]["s1_ci"] == [None, None] and
       p0["years"][0]["indices"][0]["s1"] == y27["indices"][0]["s1"], "--bootstrap 0: estimates, no intervals")
    a1 = ps("sensitivity", f, "--json", "--seed", "9").stdout
    a2 = ps("sensitivity", f, "--json", "--seed", "9").stdout
    j9 = json.loads(a1)
    ok(a1 == a2 and j9["years"][0]["indices"][0]["s1_ci"] != y27["indices"][0]["s1_ci"] and
       j9["years"][0]["indices"][0]["s1"] == y27["indices"][0]["s1"],
       "--seed: same seed same output; another seed other intervals, same estimates")

    # refusals
    def refused(desc, args, want):
        q = ps(*args)
        ok(q.returncode == 2 and want in q.stderr and q.stdout == "", desc, q.returncode, q.stderr)

    g = os.path.join(tmp, "unfinished.h5")
    write_sweep(g, values, top, complete=False)
    refused("a sweep without parksim_complete is refused", ["sensitivity", g], "parksim_complete")
    run = os.path.join(tmp, "run.h5")
    syn.write_run(run, np.zeros((5, 4), dtype=np.int32), codes=["a", "b"])
    refused("a plain run file is refused: not a sweep", ["sensitivity", run], "not a sweep file")
    lhs = os.path.join(tmp, "lhs.h5")
    write_sweep(lhs, values[:N], top[:N], design="lhs")
    refused("an lhs sweep is refused: saltelli needed", ["sensitivity", lhs], "design saltelli")
    bad = values.copy()
    bad[3 * N + 5, 0] += 0.5        # AB_1 row 5, a column that should be A's
    wo = os.path.join(tmp, "order.h5")
    write_sweep(wo, bad, top)
    refused("values not in the Saltelli block order are refused", ["sensitivity", wo], "Saltelli order")
    wn = os.path.join(tmp, "count.h5")
    write_sweep(wn, values, top, n=N - 1)
    refused("sweep_points != N(k+2) is refused", ["sensitivity", wn], "points = N(k+2)")
    refused("a missing file", ["sensitivity", os.path.join(tmp, "nope.h5")], "cannot open")
    refused("--output other", ["sensitivity", f, "--output", "median"], "mean or prob")
    refused("--bootstrap too few for the level", ["sensitivity", f, "--bootstrap", "10"], "at least 40")
    refused("--conf out of range", ["sensitivity", f, "--conf", "1.5"], "--conf needs")
    refused("a year not in the file", ["sensitivity", f, "--year", "2031"], "year 2031 is not in the file")
    refused("--output prob for a year without a target", ["sensitivity", f, "--output", "prob", "--year", "2026"],
            "needs a target for 2026")
    refused("two files", ["sensitivity", f, f], "one sweep file at a time")
    refused("an unknown option", ["sensitivity", f, "--frob"], "unknown option")
    q = ps("sensitivity")
    ok(q.returncode == 2 and "usage" in q.stderr, "no file: usage, exit 2")
    q = ps("sensitivity", "--help")
    ok(q.returncode == 0 and "Sobol" in q.stdout, "--help exits 0")
    refused("parkstat summary refuses a sweep file", ["summary", f], "parkstat sensitivity")
    refused("parkstat headline refuses a sweep file", ["headline", f], "sweep file")


sys.exit(run_main(main, "parkstat_sens."))
