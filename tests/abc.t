#!/usr/bin/python3
"""tests/abc.t - Bayesian calibration by ABC-SMC (parksim abc, docs/CALIBRATION.md) on the test
models whose posterior is known in closed form:

- conjugate normal (mean of n draws of N(theta, sigma^2), normal prior) and beta-binomial: in every
  generation, the weighted particles' mean and 5/50/95% quantiles match those of the exact ABC
  posterior at that generation's tolerance (computed here on a grid) within 4 Monte-Carlo standard
  errors (from the generation's effective sample size); the final generation matches the exact
  Bayesian posterior; and the error against the exact posterior falls as the tolerance falls;
- simulation-based calibration (Talts et al. 2018) of the normal model: the posterior CDF at the
  true parameter, over 60 data sets drawn from the prior, is uniform (chi-square over 5 bins,
  refused at p < 0.001) and the central 50% and 90% intervals cover it at their nominal rates
  (within the binomial 99.9% range);
- the park model (configs/test/abc-tiny.yaml, the code path of make calibrate): bit-identical at
  np = 1 and 3, particles that set the refitted tier cut-offs, summaries equal to the observed
  statistics' definitions (shares in [0, 1]);
- posterior-predictive runs (parksim run --posterior): each draw sets a particle's values; over 200
  draws the mean of the drawn values is the weighted posterior mean within 4 standard errors; the
  draws are the same in two scenarios run with the same seed (paired) and at np = 1 and 2; parkstat
  summary splits the spread into chance and ignorance on them;
- parkstat posterior: the shrinkage of the normal model's parameter is the analytic
  1 - var(post)/var(prior) = 0.78 within 0.1, the JSON parses, --plot writes a PNG, and a file
  that is not a posterior is refused (exit 2);
- bit-identical posterior at np = 1, 2, 3, and after kill -9 in the middle of a generation and
  --resume at another rank count, and after SIGUSR1 (exit 3) and --resume; a mismatching checkpoint, an existing output and bad
  observations files refused (exit 2; file:line:column and key); the file read by xarray.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import math
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import signal  # noqa: E402
import time  # noqa: E402

from taplib import PARKSIM, PARKSTAT, REPO, TINY, check, children, h5_datasets, kill_job, ok, run_main  # noqa: E402

T = os.path.join(REPO, "configs", "test")
NORMAL = os.path.join(T, "abc-normal.yaml")
BETABIN = os.path.join(T, "abc-betabin.yaml")


def abc(np_, obs, out, *extra, env=None):
    c = [PARKSIM, "abc", obs, "-o", out, "-q"] + list(extra)
    c = (["mpirun", "-np", str(np_)] + c) if np_ else c
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(c, capture_output=True, text=True, env=e, timeout=300)


def wquant(x, w, q):
    i = np.argsort(x, kind="stable")
    c = np.cumsum(w[i])
    return x[i][min(np.searchsorted(c, q * c[-1]), len(x) - 1)]


def grid_stats(theta, dens):
    """Mean, sd and the 5/50/95% quantiles of a density on a grid, and its pdf at them."""
    p = dens / dens.sum()
    m = float((theta * p).sum())
    sd = math.sqrt(float(((theta - m) ** 2 * p).sum()))
    c = np.cumsum(p)
    qs = [float(theta[np.searchsorted(c, q)]) for q in (0.05, 0.5, 0.95)]
    h = theta[1] - theta[0]
    pdf = [float(dens[np.searchsorted(c, q)] / (dens.sum() * h)) for q in (0.05, 0.5, 0.95)]
    return m, sd, qs, pdf


def Phi(x):
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def normal_abc_density(eps, grid):
    """The ABC posterior of the normal model at tolerance eps (exact posterior for eps = 0)."""
    m0, s0, n, sig, y = 0.1, 0.3, 10, 0.5, 0.42
    s = sig / math.sqrt(n)
    prior = np.exp(-0.5 * ((grid - m0) / s0) ** 2)
    if eps == 0:
        like = np.exp(-0.5 * ((y - grid) / s) ** 2)
    elif not np.isfinite(eps):
        like = np.ones_like(grid)
    else:
        like = Phi((y + eps - grid) / s) - Phi((y - eps - grid) / s)
    return prior * like


def betabin_abc_density(eps, grid):
    a, b, n, k = 2, 3, 20, 7
    prior = grid ** (a - 1) * (1 - grid) ** (b - 1)
    if not np.isfinite(eps):
        return prior
    like = np.zeros_like(grid)
    for j in range(n + 1):
        if abs(j - k) <= eps + 1e-12:
            like += math.comb(n, j) * grid ** j * (1 - grid) ** (n - j)
    return prior * like


def check_generations(path, density, grid, name):
    """Every generation against the exact ABC posterior at its tolerance; returns the final
    generation's errors against the exact posterior and the first tolerated one's."""
    with h5py.File(path, "r") as f:
        th, w, tol, ess = f["theta_history"][:, :, 0], f["weight_history"][()], f["tolerance"][()], f["ess"][()]
    bad = []
    for g in range(len(tol)):
        m, sd, qs, pdf = grid_stats(grid, density(tol[g], grid))
        x, ww = th[g], w[g]
        mu = float((x * ww).sum())
        if abs(mu - m) > 4 * sd / math.sqrt(ess[g]):
            bad.append("gen %d mean %.4f vs %.4f (4 SE %.4f)" % (g, mu, m, 4 * sd / math.sqrt(ess[g])))
        for q, qt, f_ in zip((0.05, 0.5, 0.95), qs, pdf):
            se = math.sqrt(q * (1 - q) / ess[g]) / f_
            got = wquant(x, ww, q)
            if abs(got - qt) > 4 * se:
                bad.append("gen %d q%.2f %.4f vs %.4f (4 SE %.4f)" % (g, q, got, qt, 4 * se))
    ok(not bad, "%s: every generation's mean and 5/50/95%% quantiles match the exact ABC posterior at its "
       "tolerance (%d generations, 4 MC standard errors)" % (name, len(tol)), *bad)

    m, sd, qs, _ = grid_stats(grid, density(0, grid))

    def err(g):
        x, ww = th[g], w[g]
        mu = float((x * ww).sum())
        s = math.sqrt(float((ww * (x - mu) ** 2).sum()))
        return abs(mu - m) / sd + abs(s / sd - 1)
    return err(len(tol) - 1), err(1), (m, sd), th[-1], w[-1], ess[-1], tol


def main(tmp):
    # ---- the normal model: accuracy in every generation and at the end
    out = os.path.join(tmp, "normal.h5")
    p = abc(0, NORMAL, out)
    ok(p.returncode == 0 and os.path.exists(out), "abc of the normal test model runs", p.stderr)
    grid = np.linspace(-1, 1.2, 22001)
    e_fin, e_1, (m, sd), x, w, ess, tol = check_generations(out, normal_abc_density, grid, "normal")
    mu = float((x * w).sum())
    s = math.sqrt(float((w * (x - mu) ** 2).sum()))
    ok(abs(mu - m) <= 4 * sd / math.sqrt(ess) and abs(s / sd - 1) <= 0.15,
       "normal: final posterior mean %.4f and sd %.4f vs exact %.4f and %.4f (tolerance: mean 4 SE = %.4f, sd 15%%)"
       % (mu, s, m, sd, 4 * sd / math.sqrt(ess)))
    ok(e_fin < e_1 and tol[-1] < tol[1], "normal: the error against the exact posterior falls with the tolerance "
       "(%.3f at tolerance %.3g, %.3f at %.3g)" % (e_1, tol[1], e_fin, tol[-1]))

    # ---- beta-binomial: exact at tolerance 0
    outb = os.path.join(tmp, "betabin.h5")
    p = abc(0, BETABIN, outb)
    ok(p.returncode == 0, "abc of the beta-binomial test model runs", p.stderr)
    gridb = np.linspace(1e-6, 1 - 1e-6, 20001)
    e_fin, e_1, (m, sd), x, w, ess, tol = check_generations(outb, betabin_abc_density, gridb, "beta-binomial")
    ok(tol[-1] == 0, "beta-binomial: the last tolerance is 0 (exact matches; posterior Beta(9, 16))", tol)
    ok(e_fin < e_1, "beta-binomial: the error against Beta(9, 16) falls with the tolerance (%.3f -> %.3f)" % (e_1, e_fin))

    # ---- bit-identical at np = 1, 2, 3
    ref = h5_datasets(out)
    ref.pop("seconds")

    def same(path):
        got = h5_datasets(path)
        got.pop("seconds", None)
        bad = sorted(set(got) ^ set(ref)) or [k for k in ref if got[k] != ref[k]]
        return not bad, "differs: %s" % bad[:5]
    for n in (1, 2, 3):
        o = os.path.join(tmp, "np%d.h5" % n)
        p = abc(n, NORMAL, o)
        ok(p.returncode == 0, "np=%d runs" % n, p.stderr)
        check("np=%d: the posterior is bit-identical to the run without mpirun" % n, lambda: same(o))

    # ---- kill -9 in the middle of a generation, resume at another rank count
    ok_ = os.path.join(tmp, "killed.h5")
    c = ["mpirun", "-np", "2", PARKSIM, "abc", NORMAL, "-o", ok_, "-q"]
    job = subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=dict(os.environ, PARKSIM_TEST_HOOK="abc-particle:500"))
    line = job.stderr.readline()
    while line and "parksim-test: stopped at" not in line:
        line = job.stderr.readline()
    gone = kill_job(job)
    ok("parksim-test: stopped at" in line and gone, "kill -9 of the job after 500 accepted particles on rank 0", line)
    recs = [f for f in os.listdir(ok_ + ".ckpt") if f.startswith("rec-")] if os.path.isdir(ok_ + ".ckpt") else []
    ok(not os.path.exists(ok_) and recs, "no output; a checkpoint with particles of the generation under way", recs)
    p = abc(3, NORMAL, ok_, "--resume")
    ok(p.returncode == 0, "resumed at np=3", p.stderr)
    check("after kill -9 and --resume: the posterior is bit-identical", lambda: same(ok_))
    ok(not os.path.exists(ok_ + ".ckpt"), "the checkpoint is removed once the posterior is written")
    p = abc(0, NORMAL, ok_, "--resume")
    p = subprocess.run([PARKSIM, "abc", NORMAL, "-o", ok_, "--resume"], capture_output=True, text=True)
    ok(p.returncode == 0 and "nothing to do" in p.stderr, "--resume of a finished posterior: exit 0, untouched", p.stderr)

    # ---- the park model on the tiny scenario
    tiny_obs = os.path.join(T, "abc-tiny.yaml")
    sets = ["--set", "calibration.tier1_parks=1", "--set", "calibration.tier2_parks=1"]
    t1, t3 = os.path.join(tmp, "tiny1.h5"), os.path.join(tmp, "tiny3.h5")
    p = abc(0, tiny_obs, t1, *sets)
    ok(p.returncode == 0, "abc of the park model on the tiny scenario", p.stderr)
    p = abc(3, tiny_obs, t3, *sets)
    ok(p.returncode == 0, "... at np=3", p.stderr)
    a1, a3 = (h5_datasets(t1), h5_datasets(t3)) if p.returncode == 0 else ({}, {1: 1})
    a1.pop("seconds", None)
    a3.pop("seconds", None)
    ok(a1 == a3, "park model: the posterior is bit-identical at np=1 and np=3")
    with h5py.File(t1, "r") as f:
        keys = [x.decode() for x in f["parameter"][()]]
        th, sm = f["theta_history"][()], f["summary"][()]
    ok(keys == ["population.size_sigma", "firm.growth_drift", "assessment.tier1_min", "assessment.tier2_min"]
       and (th[:, :, 2] > th[:, :, 3]).all() and (th[:, :, 3] > 0).all(),
       "park model: particles set the priors' keys and the refitted cut-offs (tier1_min > tier2_min > 0)", keys)
    ok(((sm[:, 0] > 0) & (sm[:, 0] < 1)).all() and (abs(sm[:, 1]) < 1).all() and ((sm[:, 2] >= 0) & (sm[:, 2] <= 3)).all(),
       "park model: summaries in range (a share, a growth rate, a count of 3 parks)")

    # ---- SIGUSR1 (a batch system's warning): exit 3, every accepted particle kept, the same posterior
    so = os.path.join(tmp, "signalled.h5")
    job = subprocess.Popen(["mpirun", "-np", "2", PARKSIM, "abc", NORMAL, "-o", so, "-q"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=dict(os.environ, PARKSIM_TEST_HOOK="abc-particle:300"))
    line = job.stderr.readline()
    while line and "parksim-test: stopped at" not in line:
        line = job.stderr.readline()
    ranks = [k for k, _ in children(job.pid)]
    for q in ranks:
        os.kill(q, signal.SIGUSR1)
    time.sleep(0.2)
    for q in ranks:
        os.kill(q, signal.SIGCONT)
    try:
        rc = job.wait(timeout=60)
        rest = job.stderr.read()
    except subprocess.TimeoutExpired:
        kill_job(job)
        rc, rest = None, "timeout"
    ok(rc == 3 and not os.path.exists(so) and "--resume" in rest, "SIGUSR1 to the ranks: exit 3, no output, a checkpoint",
       rc, rest)
    p = abc(1, NORMAL, so, "--resume")
    ok(p.returncode == 0, "resumed at np=1 after the signal", p.stderr)
    check("after SIGUSR1 and --resume: the posterior is bit-identical", lambda: same(so))

    # ---- posterior-predictive runs
    def pp(np_, o, *extra):
        c = [PARKSIM, "run", TINY, "--posterior", out, "--draws", "200", "--per-draw", "1", "-o", o, "-q", "--force",
             "--set", "output.monthly=false"] + list(extra)
        return subprocess.run((["mpirun", "-np", str(np_)] + c) if np_ else c, capture_output=True, text=True)
    o1, o2, o3 = (os.path.join(tmp, "pp%d.h5" % i) for i in (1, 2, 3))
    p = pp(0, o1)
    ok(p.returncode == 0, "run --posterior on the tiny scenario", p.stderr)
    with h5py.File(out, "r") as f:
        th, w = f["theta"][:, 0], f["weight"][()]
    with h5py.File(o1, "r") as f:
        vals = f["sweep/applied_values"][:, 0]
        names = [x.decode() for x in f["sweep/applied_name"][()]]
        design = f.attrs["sweep_design"]
    pm = float((w * th).sum())
    psd = math.sqrt(float((w * (th - pm) ** 2).sum()))
    ok(names == ["firm.growth_drift"] and (design == b"prior" or design == "prior") and all(v in set(th) for v in vals),
       "every draw sets the values of one particle (laid out as a run over draws)")
    ok(abs(vals.mean() - pm) <= 4 * psd / math.sqrt(len(vals)), "the drawn values' mean %.4f is the weighted posterior "
       "mean %.4f within 4 SE (%.4f)" % (vals.mean(), pm, 4 * psd / math.sqrt(len(vals))))
    p = pp(0, o2, "--set", "levers.chain.intensity=0")
    with h5py.File(o2, "r") as f:
        ok(p.returncode == 0 and np.array_equal(f["sweep/applied_values"][()][:, 0], vals),
           "another scenario with the same seed draws the same particles (paired)", p.stderr)
    p = pp(2, o3)
    ok(p.returncode == 0, "run --posterior at np=2", p.stderr)
    a, b = h5_datasets(o1), h5_datasets(o3) if p.returncode == 0 else {}
    ok(a.get("summary/top_tier_count") == b.get("summary/top_tier_count") and a.get("sweep/applied_values") == b.get("sweep/applied_values"),
       "run --posterior: results bit-identical at np=1 and np=2")
    # a sweep file naming the posterior: the same draws and results as run --posterior
    swf = os.path.join(tmp, "post-sweep.yaml")
    with open(swf, "w") as fh:
        fh.write("scenario: %s\ndesign: prior\npoints: 200\nposterior: %s\n" % (TINY, out))
    o5 = os.path.join(tmp, "pp5.h5")
    p = subprocess.run([PARKSIM, "sweep", swf, "-r", "1", "-o", o5, "-q", "--set", "output.monthly=false"],
                       capture_output=True, text=True)
    c = {}
    if p.returncode == 0:
        with h5py.File(o5, "r") as f, h5py.File(o1, "r") as g:
            c = {"vals": np.array_equal(f["sweep/applied_values"][()], g["sweep/applied_values"][()]),
                 "counts": np.array_equal(f["summary/top_tier_count"][()], g["summary/top_tier_count"][()])}
    ok(p.returncode == 0 and c.get("vals") and c.get("counts"),
       "a sweep file with 'posterior:' draws the particles run --posterior draws, with the same results", p.stderr, c)
    with open(swf, "w") as fh:
        fh.write("scenario: %s\ndesign: lhs\npoints: 4\nposterior: %s\n" % (TINY, out))
    p = subprocess.run([PARKSIM, "sweep", swf, "-o", os.path.join(tmp, "pp6.h5")], capture_output=True, text=True)
    ok(p.returncode == 2 and "post-sweep.yaml:2:" in p.stderr and "design prior" in p.stderr and
       not os.path.exists(os.path.join(tmp, "pp6.h5")), "a sweep over a posterior with another design is refused "
       "with file:line:column (exit 2)", p.stderr)

    # the same run storing summaries only (a posterior-predictive run at scale)
    o4 = os.path.join(tmp, "pp4.h5")
    p = pp(0, o4, "--store", "summary")
    c = b = {}
    if p.returncode == 0:
        with h5py.File(o4, "r") as f:
            c = {"store": f.attrs["sweep_store"], "digest": f.attrs["result_digest"],
                 "counts": f["summary/top_tier_count"][()].tolist(), "full": "park_year" in f}
        with h5py.File(o1, "r") as f:
            b = {"digest": f.attrs["result_digest"], "counts": f["summary/top_tier_count"][()].tolist()}
    ok(p.returncode == 0 and c.get("store") in (b"summary", "summary") and not c.get("full") and
       c.get("digest") == b.get("digest") and c.get("counts") == b.get("counts"),
       "run --posterior --store summary: the counts and digest of the full run, without /park_year", p.stderr)
    pa = subprocess.run([PARKSTAT, "predictive", o1], capture_output=True, text=True)
    pb = subprocess.run([PARKSTAT, "predictive", o4], capture_output=True, text=True)
    ok(pa.returncode == 0 and pa.stdout.splitlines()[1:] == pb.stdout.splitlines()[1:],
       "parkstat predictive gives the same table from the summary store", pa.stderr, pb.stderr, pb.stdout)
    sm = subprocess.run([PARKSTAT, "summary", o1], capture_output=True, text=True)
    ok(sm.returncode == 0 and "chance share" in sm.stdout and "ignorance share" in sm.stdout,
       "parkstat summary splits the posterior-predictive spread into chance and ignorance", sm.stderr)
    p = subprocess.run([PARKSIM, "run", TINY, "--posterior", os.path.join(tmp, "nope.h5"), "-o", os.path.join(tmp, "x.h5")],
                       capture_output=True, text=True)
    ok(p.returncode == 2 and "nope.h5" in p.stderr and not os.path.exists(os.path.join(tmp, "x.h5")),
       "run --posterior of a missing file: exit 2, no output", p.stderr)

    # ---- parkstat posterior
    import json
    js = subprocess.run([PARKSTAT, "posterior", out, "--json"], capture_output=True, text=True)
    try:
        j = json.loads(js.stdout)
        shr = j["parameters"][0]["shrinkage"]
    except Exception as e:  # noqa: BLE001
        j, shr = None, float("nan")
        ok(False, "parkstat posterior --json parses", str(e), js.stderr)
    exact = 1 - (0.13987572 / 0.3) ** 2
    ok(abs(shr - exact) <= 0.1, "parkstat posterior: shrinkage %.3f is the analytic %.3f within 0.1" % (shr, exact))
    fig = os.path.join(tmp, "post.png")
    t = subprocess.run([PARKSTAT, "posterior", out, "--plot", fig], capture_output=True, text=True)
    ok(t.returncode == 0 and "shrinkage" in t.stdout and "sample_mean" in t.stdout and os.path.getsize(fig) > 1000
       if os.path.exists(fig) else False, "parkstat posterior: the table and the marginal plot", t.stderr)
    t = subprocess.run([PARKSTAT, "posterior", o1], capture_output=True, text=True)
    ok(t.returncode == 2 and "not a posterior" in t.stderr, "parkstat posterior refuses a run file (exit 2)", t.stderr)

    # ---- refusals
    p = abc(0, NORMAL, out)
    ok(p.returncode == 2 and "exists" in p.stderr, "an existing posterior is refused without --force (exit 2)", p.stderr)
    os.makedirs(os.path.join(tmp, "other.h5.ckpt"))
    with open(os.path.join(tmp, "other.h5.ckpt", "key"), "w") as f:
        f.write("123 0\n")
    p = abc(0, NORMAL, os.path.join(tmp, "other.h5"), "--resume")
    ok(p.returncode == 2 and "another calibration" in p.stderr, "a checkpoint of another calibration is refused", p.stderr)

    def bad(text, want, desc):
        path = os.path.join(tmp, "bad.yaml")
        with open(path, "w") as f:
            f.write(text)
        p = abc(0, path, os.path.join(tmp, "bad.h5"))
        good = p.returncode == 2 and all(s in p.stderr for s in want) and not os.path.exists(os.path.join(tmp, "bad.h5"))
        ok(good, "refused: %s" % desc, p.stderr)

    head = "scenario: %s\npriors: %s\nmodel: normal\nn: 10\n" % (os.path.join(T, "tiny.yaml"), os.path.join(T, "abc-normal-prior.yaml"))
    obs = "observations:\n- name: m\n  statistic: mean\n  value: 0.4\n  tolerance: 1\n  source: x\n"
    bad(head + obs.replace("tolerance: 1", "tolerance: -1"), ["bad.yaml:9:14", "m.tolerance:", "(0, 1e+12]"], "a negative tolerance (file:line:col, key)")
    bad(head + obs.replace("statistic: mean", "statistic: median"), ["bad.yaml:7:14", "statistic: expected one of"], "an unknown statistic")
    bad(head + obs.replace("statistic: mean", "statistic: growth"), ["belongs to model parksim"], "a statistic of another model")
    bad(head + obs.replace("  source: x\n", ""), ["'source' is required"], "an observation without its source")
    bad(head + "abc:\n  particles: 3\n" + obs, ["bad.yaml:6:14", "abc.particles", "from 10"], "too few particles")
    bad(head + "abc:\n  speed: 3\n" + obs, ["bad.yaml:6:3", "abc.speed", "unknown key"], "an unknown sampler setting")
    bad(head.replace("tiny.yaml", "nope.yaml") + obs, ["bad.yaml:1:11", "scenario", "cannot open"], "a scenario that is not there")
    bad(head + obs + "- name: m\n  statistic: mean\n  value: 1\n  tolerance: 1\n  source: x\n", ["listed twice"], "a name twice")
    bad(head.replace("model: normal\n", "model: parksim\n").replace("n: 10\n", "") +
        obs.replace("statistic: mean", "statistic: park_tier\n  park: NOPE\n  tier: 2").replace("value: 0.4", "value: 1"),
        ["no park 'NOPE'"], "a park fact about a park the park file does not have")
    two = os.path.join(tmp, "two-priors.yaml")
    with open(two, "w") as f:
        f.write(open(os.path.join(T, "abc-normal-prior.yaml")).read() +
                "- key: firm.exit_rate\n  dist: uniform\n  min: 0\n  max: 1\n  reason: x\n  source: x\n")
    bad(head.replace(os.path.join(T, "abc-normal-prior.yaml"), two) + obs, ["one continuous prior"],
        "a test model with several priors")
    bad(head.replace(os.path.join(T, "abc-normal-prior.yaml"), os.path.join(T, "priors-tiny.yaml")) + obs,
        ["choice between scenario alternatives"], "priors with a choice between scenario alternatives")

    # ---- the file as xarray reads it
    try:
        import xarray as xr
        ds = xr.open_dataset(out, engine="h5netcdf")
        ok(ds["theta"].dims == ("particle", "parameter") and ds["weight_history"].dims == ("generation", "particle")
           and list(ds["parameter"].values) == ["firm.growth_drift"] and abs(float(ds["weight"].sum()) - 1) < 1e-12,
           "xarray reads the posterior: dimensions, parameter names, weights summing to 1")
    except ImportError:
        ok(True, "# SKIP xarray not installed")

    # ---- simulation-based calibration of the normal model
    rng = np.random.default_rng(20181105)
    L, ranks = 60, []
    cover50 = cover90 = 0
    text = open(NORMAL).read()
    for i in range(L):
        th = rng.normal(0.1, 0.3)
        y = rng.normal(th, 0.5 / math.sqrt(10))
        path = os.path.join(tmp, "sbc.yaml")
        with open(path, "w") as f:
            f.write(text.replace("value: 0.42", "value: %.17g" % y).replace("seed: 7", "seed: %d" % (100 + i))
                    .replace("particles: 300", "particles: 200").replace("final_tolerance: 0.02", "final_tolerance: 0.03")
                    .replace("scenario: tiny.yaml", "scenario: %s" % os.path.join(T, "tiny.yaml"))
                    .replace("priors: abc-normal-prior.yaml", "priors: %s" % os.path.join(T, "abc-normal-prior.yaml")))
        o = os.path.join(tmp, "sbc.h5")
        p = abc(0, path, o, "--force")
        if p.returncode != 0:
            ok(False, "SBC run %d" % i, p.stderr)
            return
        with h5py.File(o, "r") as f:
            x, w = f["theta"][:, 0], f["weight"][()]
        u = float(w[x < th].sum())
        ranks.append(u)
        cover50 += 0.25 <= u <= 0.75
        cover90 += 0.05 <= u <= 0.95
    counts = np.histogram(ranks, bins=5, range=(0, 1))[0]
    chi2 = float(((counts - L / 5) ** 2 / (L / 5)).sum())
    ok(chi2 < 18.47, "SBC: the posterior CDF at the true parameter is uniform over %d data sets (chi-square %.2f "
       "over 5 bins < 18.47, p > 0.001); counts %s" % (L, chi2, list(counts)))

    def binom_range(n, p_):
        sd_ = math.sqrt(n * p_ * (1 - p_))
        return n * p_ - 3.29 * sd_, n * p_ + 3.29 * sd_
    lo5, hi5 = binom_range(L, 0.5)
    lo9, hi9 = binom_range(L, 0.9)
    ok(lo5 <= cover50 <= hi5 and lo9 <= cover90 <= hi9, "SBC: the central 50%% and 90%% intervals cover the truth "
       "%d and %d times of %d (99.9%% ranges %.0f-%.0f and %.0f-%.0f)" % (cover50, cover90, L, lo5, hi5, lo9, hi9))


sys.exit(run_main(main, "abc-"))
