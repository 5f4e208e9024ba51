#!/usr/bin/python3
"""tests/prior.t - runs over draws of priors (parksim run --prior, sweeps over
priors) on the tiny scenario: bit-identical at np = 1, 2, 3 and after kill -9
and --resume; replicate r has the model random numbers of replicate r of a run
without priors; the chance/ignorance split on cases whose answer is known (a
prior that changes nothing: ignorance share ~ 0; an outcome fixed by the draw:
ignorance share exactly 1); Sobol' indices over priors give an inert key
S_T = 0; bad priors refused (exit 2, file:line:column, key, no output);
the file read by xarray; validate prints the priors.

Binaries: $PARKSIM, $PARKSTAT (default <repo>/bin/...).
"""
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKSTAT, REPO, TINY, check, h5_datasets, kill_job, ok, run_main  # noqa: E402

PRIORS = os.path.join(REPO, "configs", "test", "priors-tiny.yaml")
D, N = 6, 4


def run(np_, out, *extra, env=None):
    c = [PARKSIM, "run", TINY, "--prior=" + PRIORS, "--draws", str(D), "--per-draw", str(N), "-o", out, "-q",
         "--set", "output.monthly=false", "--set", "calibration.tier2_parks=1"] + list(extra)
    c = (["mpirun", "-np", str(np_)] + c) if np_ else c
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(c, capture_output=True, text=True, env=e, timeout=300)


def datasets(path):
    with h5py.File(path, "r") as f:
        digest = f.attrs["result_digest"]
    return h5_datasets(path), digest


def same(path, ref):
    if not os.path.exists(path):
        return False, "no output"
    got = datasets(path)
    bad = sorted(set(got[0]) ^ set(ref[0])) or [k for k in ref[0] if got[0][k] != ref[0][k]]
    return not bad and got[1] == ref[1], "differs: %s; digest %s vs %s" % (bad[:5], got[1], ref[1])


def split(path, quantity, year):
    """The split of one quantity from `parkstat summary --json`, and the table's text."""
    js = json.loads(subprocess.run([PARKSTAT, "summary", path, "--json"], capture_output=True, text=True).stdout)
    table = subprocess.run([PARKSTAT, "summary", path], capture_output=True, text=True).stdout
    for q in js[0]["uncertainty"]["quantities"]:
        if q["quantity"] == quantity and q["year"] == year:
            return q, table
    return None, table


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main(tmp):
    ref_path = os.path.join(tmp, "np1.h5")
    p = run(0, ref_path)
    ok(p.returncode == 0, "run --prior at np=1", p.stderr)
    ref = datasets(ref_path)
    for np_ in (2, 3):
        out = os.path.join(tmp, "np%d.h5" % np_)
        p = run(np_, out)
        check("np=%d: every dataset bit-identical to np=1, same digest" % np_, lambda: same(out, ref))

    # kill -9 of the whole job after the 3rd checkpoint commit, resumed at np=3
    out = os.path.join(tmp, "killed.h5")
    c = ["mpirun", "-np", "2", PARKSIM, "run", TINY, "--prior=" + PRIORS, "--draws", str(D), "--per-draw", str(N),
         "-o", out, "-q", "--set", "output.monthly=false", "--set", "calibration.tier2_parks=1", "--set",
         "run.chunk_replicates=2", "--checkpoint-every", "0"]
    e = dict(os.environ, PARKSIM_TEST_HOOK="after-batch:3")
    job = subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    line = job.stderr.readline()
    while line and "parksim-test: stopped at" not in line:
        line = job.stderr.readline()
    gone = kill_job(job)  # whatever was read: never leave the job behind
    ok("parksim-test: stopped at" in line and gone, "kill -9 of the job after 3 committed batches", line)
    ok(not os.path.exists(out) and os.path.isdir(out + ".ckpt"), "no output, a checkpoint left")
    p = run(3, out, "--resume", "--set", "run.chunk_replicates=2")
    ok(p.returncode == 0, "resumed at np=3", p.stderr)
    # chunk_replicates changes only the storage layout, not a value
    check("after kill -9 and --resume: every dataset identical to the uninterrupted run", lambda: same(out, ref))
    with h5py.File(out, "r") as f:
        ok(int(f.attrs["replicates_restored"]) > 0, "the resume restored replicates from the checkpoint")

    # the report: a run over draws gets its own section, the numbers of parkstat predictive
    rep = os.path.join(tmp, "prior-report.html")
    p = subprocess.run([PARKSTAT, "report", ref_path, "-o", rep], capture_output=True, text=True)
    pr = subprocess.run([PARKSTAT, "predictive", ref_path], capture_output=True, text=True)
    html = open(rep, encoding="utf-8").read() if p.returncode == 0 and os.path.exists(rep) else ""
    Ps = []
    for l in pr.stdout.splitlines()[1:]:
        m = re.search(r">=(\d+) in (\d+)\s+([0-9.]+)\s+\[([0-9.]+), ([0-9.]+)\]", l)
        if m:
            Ps.append(m.groups())
    ok(p.returncode == 0 and pr.returncode == 0 and 'id="predictive-table"' in html and len(Ps) >= 2 and
       all("count ≥ %s in %s</td><td>%s</td><td>[%s, %s]" % g in html for g in Ps) and 'id="headline-table"' not in html,
       "parkstat report of a run over draws: the predictive section with parkstat predictive's numbers "
       "(and no fixed-parameter headline)", p.stderr, pr.stdout)

    # the file: draw dimension, names and units, readable by xarray
    with h5py.File(ref_path, "r") as f:
        ok(f["/summary/top_tier_count"].shape[:2] == (D, N), "top_tier_count is [draw, replicate, year]")
        names = [x.decode() for x in f["/sweep/applied_name"][()]]
        w = f["/sweep/applied_values"][()]
        gi = [i for i, n in enumerate(names) if n.endswith(".weight")]
        ok(len(gi) == 6 and np.all(np.abs(w[:, gi].sum(axis=1) - 1) < 1e-15),
           "the applied group weights of every draw sum to 1", str(w[:, gi].sum(axis=1)))
        ok("assessment.tier1_min" in names and "assessment.tier2_min" in names, "the refitted cut-offs are recorded")
        units = [x.decode() for x in f["/sweep/parameter_unit"][()]]
        ok(len(units) == f["/sweep/values"].shape[1], "every input has a unit")
    try:
        import xarray as xr
        s = xr.open_dataset(ref_path, group="summary", engine="h5netcdf")
        w = xr.open_dataset(ref_path, group="sweep", engine="h5netcdf")
        ok(s["top_tier_count"].dims == ("draw", "replicate", "year") and w["applied_values"].dims == ("draw", "applied")
           and list(w["applied_name"].values[:1]) == ["calibration.tier1_parks"],
           "xarray reads the draw, replicate, year and applied dimensions")
    except ImportError:
        ok(False, "xarray and h5netcdf installed (make deps)")

    # a prior on a key the 2025 state reads (the small parks' initial infrastructure): under refit
    # the 2025 state is recomputed per draw, so the refitted first-tier cut-off follows the draw
    infra = write(os.path.join(tmp, "infra.yaml"),
                  "priors:\n- key: safety.infra_s\n  dist: uniform\n  min: 0\n  max: 1\n  reason: r\n  source: s\n"
                  "- key: calibration.tier1_parks\n  dist: uniform\n  min: 1.4\n  max: 1.6\n  reason: r\n  source: s\n")
    ipath = os.path.join(tmp, "infra.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "--prior=" + infra, "--draws", "6", "--per-draw", "2", "-o", ipath, "-q",
                        "--set", "output.monthly=false", "--set", "calibration.replicates=20"],
                       capture_output=True, text=True)
    if ok(p.returncode == 0, "a prior on safety.infra_s under refit runs", p.stderr):
        with h5py.File(ipath, "r") as f:
            names = [x.decode() for x in f["/sweep/applied_name"][()]]
            w = f["/sweep/applied_values"][()]
            infra_s = w[:, names.index("safety.infra_s")]
            gamma_infra = f["/park_year/infrastructure"][:, 0, 0, 2]   # draw, first replicate, 2025, park gamma (S)
        ok(np.allclose(gamma_infra, infra_s), "each draw's small park starts at that draw's infra_s",
           str(gamma_infra), str(infra_s))

    # replicate r is replicate r of a run without priors: a prior that changes nothing
    inert = write(os.path.join(tmp, "inert.yaml"),
                  "cutoffs: fixed\npriors:\n- key: calibration.growth\n  dist: uniform\n  min: 0\n  max: 0.1\n"
                  "  reason: r\n  source: s\n")
    plain = os.path.join(tmp, "plain.h5")
    subprocess.run([PARKSIM, "run", TINY, "-r", "100", "-o", plain, "-q", "--set", "output.monthly=false"], check=True)
    pri = os.path.join(tmp, "inert.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "--prior=" + inert, "--draws", "20", "--per-draw", "5", "-o", pri, "-q",
                        "--set", "output.monthly=false"], capture_output=True, text=True)
    ok(p.returncode == 0, "run with an inert prior", p.stderr)
    with h5py.File(plain, "r") as a, h5py.File(pri, "r") as b:
        ok(np.array_equal(a["/summary/top_tier_count"][()], b["/summary/top_tier_count"][()].reshape(100, -1)) and
           np.array_equal(a["/park_year/score"][()], b["/park_year/score"][()].reshape(a["/park_year/score"].shape)),
           "replicate d*n+j of the prior run equals replicate d*n+j of the run without priors")
    q, table = split(pri, "mean_count", 2028)
    ok(q is not None and abs(q["ignorance_share"]) <= 3 * q["ignorance_share_se"] + 0.02,
       "inert prior: ignorance share %s within 3 bootstrap se (+0.02) of 0" % (q and q["ignorance_share"]),
       table[-900:])
    ok("chance share (se)" in table and "mean count 2028" in table, "the table shows the split too")

    # an outcome fixed by the draw: every park first tier or none
    fixed = write(os.path.join(tmp, "fixed.yaml"),
                  "cutoffs: fixed\npriors:\n- key: assessment.tier1_min\n  dist: choice\n  values: [0, 100]\n"
                  "  probs: [0.5, 0.5]\n  reason: r\n  source: s\n")
    det = os.path.join(tmp, "det.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "--prior=" + fixed, "--draws", "12", "--per-draw", "4", "-o", det, "-q",
                        "--set", "output.monthly=false", "--set", "assessment.tier2_min=0", "--set",
                        "assessment.veto_serious_incident=false", "--set", "assessment.tier1_min_smart_level=0",
                        "--set", "assessment.focus_penalty=0"], capture_output=True, text=True)
    ok(p.returncode == 0, "run with the outcome fixed by the draw", p.stderr)
    q, table = split(det, "mean_count", 2028)
    ok(q is not None and q["chance_share"] == 0 and q["ignorance_share"] == 1 and q["chance_var"] == 0,
       "no chance: chance share 0 and ignorance share 1 exactly", table[-900:])

    # compare: paired effects over the same draws; different priors refused
    pol = os.path.join(tmp, "pol.h5")
    run(0, pol, "--set", "levers.chain.intensity=0")
    p = subprocess.run([PARKSTAT, "compare", ref_path, pol], capture_output=True, text=True)
    ok(p.returncode == 0 and "d mean count 2028" in p.stdout and "per alternative" in p.stdout,
       "compare splits the paired effect, also per alternative", p.stdout[-600:] + p.stderr)
    other = os.path.join(tmp, "other.h5")
    subprocess.run([PARKSIM, "run", TINY, "--prior=" + inert, "--draws", str(D), "--per-draw", str(N), "-o", other,
                    "-q", "--set", "output.monthly=false"], check=True)
    p = subprocess.run([PARKSTAT, "compare", ref_path, other], capture_output=True, text=True)
    ok(p.returncode == 2 and "not draws of the same priors" in p.stderr, "compare refuses other draws", p.stderr)

    # Sobol' over priors: a key that cannot matter has S_T = 0
    sw = write(os.path.join(tmp, "sob.yaml"),
               "scenario: %s\ndesign: saltelli\npoints: 8\npriors: sob-priors.yaml\n" % TINY)
    write(os.path.join(tmp, "sob-priors.yaml"),
          "cutoffs: fixed\npriors:\n- key: calibration.growth\n  dist: uniform\n  min: 0\n  max: 0.1\n"
          "  reason: r\n  source: s\n- key: assessment.tier1_min\n  dist: uniform\n  min: 50\n  max: 75\n"
          "  reason: r\n  source: s\n- key: firm.serious_share\n  dist: beta\n  a: 2\n  b: 8\n"
          "  reason: r\n  source: s\n")
    so = os.path.join(tmp, "sob.h5")
    p = subprocess.run([PARKSIM, "sweep", sw, "-r", "4", "-o", so, "-q", "--set", "output.monthly=false"],
                       capture_output=True, text=True)
    ok(p.returncode == 0, "saltelli sweep over priors", p.stderr)
    p = subprocess.run([PARKSTAT, "sensitivity", so, "--json"], capture_output=True, text=True)
    try:
        js = json.loads(p.stdout)
        dy = [y for y in js["years"] if y["defined"]]
        rows = [x for y in dy for x in y["indices"] if x["parameter"] == "calibration.growth"]
        ok(dy and len(rows) == len(dy) and all(x["st"] == 0 and x["s1"] == 0 for x in rows),
           "inert key: S1 = ST = 0 in every year with a defined index", p.stdout[:800])
        act = [x for y in js["years"] for x in y["indices"] if x["parameter"] == "assessment.tier1_min"]
        ok(act and max(x["st"] for x in act) > 0.05, "the first-tier cut-off does matter (S_T > 0.05)", p.stdout[:800])
    except (ValueError, KeyError) as e:
        ok(False, "sensitivity --json readable", "%s %s %s" % (e, p.stdout[:500], p.stderr))

    # bad priors: exit 2, file:line:column and key, no output, before any work
    bad = write(os.path.join(tmp, "bad.yaml"),
                "priors:\n- key: mergers.synergy\n  dist: uniform\n  min: 0\n  max: 1.5\n  reason: r\n  source: s\n")
    out = os.path.join(tmp, "bad.h5")
    p = subprocess.run(["mpirun", "-np", "2", PARKSIM, "run", TINY, "--prior=" + bad, "-o", out],
                       capture_output=True, text=True)
    ok(p.returncode == 2 and "%s:5:8: mergers.synergy: bounds [0, 1.5] leave the key's valid range" % bad in p.stderr
       and not os.path.exists(out) and not os.path.exists(out + ".partial"),
       "bad priors: exit 2, file:line:column and key, no output", p.stderr)
    p = subprocess.run([PARKSIM, "run", TINY, "--prior", "-o", out], capture_output=True, text=True)
    ok(p.returncode == 2 and "names no priors file" in p.stderr, "--prior without a priors file: exit 2", p.stderr)
    p = subprocess.run([PARKSIM, "validate", TINY, "--prior=" + PRIORS], capture_output=True, text=True)
    ok(p.returncode == 0 and "# - levers.chain.rate_max ~ normal(mean 0.5, sd 0.2) on [0.1, 1]" in p.stdout,
       "validate prints the priors", p.stdout[-400:] + p.stderr)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-prior-"))
