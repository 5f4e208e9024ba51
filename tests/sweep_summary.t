#!/usr/bin/python3
"""Summary-mode sweeps (docs/OUTPUT.md 3.7, docs/CONFIG.md "Sweep files": store, keep_points).

Checks: a sweep with `store: summary` holds, for every (point, replicate), the
same tier counts and tiers as the full-mode sweep of the same seed, lever
totals equal to the full file's lever_spent/lever_allotted summed over parks
in park order (bit for bit), per-park tier counts equal to counting the full
file's tiers, the same result and point digests, and every array of the kept
points only; the file is bit-identical at np = 1, 2, 3 and after a kill -9 and
--resume at another rank count; its checkpoint spool is smaller per task;
xarray opens /summary with labelled axes; the parkstat commands read a point
of either mode alike (summary --point, compare between points, sensitivity
and report); bad store/keep_points are refused with file:line:column.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, check, run_main, children, PARKSIM, PARKSTAT, REPO, TINY  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

R = 6
GRID = """scenario: %s
design: grid
store: full
parameters:
  - {key: levers.mergers.intensity, min: 0, max: 1, levels: 3}
  - {key: firm.exit_rate, min: 0.01, max: 0.03, levels: 2}
""" % TINY
SUMMARY = GRID.replace("store: full", "store: summary\nkeep_points: [1, 4]")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def sweep(np_, path, out, *extra, env=None):
    c = [PARKSIM, "sweep", path, "-r", str(R), "-o", out, "-q"] + list(extra)
    if np_:
        c = ["mpirun", "-np", str(np_)] + c
    p = subprocess.run(c, capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=180)
    return p.returncode, p.stdout, p.stderr


def stat(*args):
    p = subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def data(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind != "O":
                out[name] = obj[()]
        f.visititems(visit)
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    return out, attrs


def same_files(a, b):
    (da, aa), (db, ab) = data(a), data(b)
    if sorted(da) != sorted(db):
        return False, "dataset lists differ: %s" % sorted(set(da) ^ set(db))
    bad = [k for k in da if da[k].shape != db[k].shape or da[k].tobytes() != db[k].tobytes()]
    return (not bad and aa["result_digest"] == ab["result_digest"]), "differ: %s" % bad


def park_sum(x):
    """Sum over the park axis (3 of point, replicate, year, park, lever) sequentially, as C does."""
    return np.cumsum(x, axis=3)[:, :, :, -1, :]


def kill_at(yaml, out, hook, *extra):
    q = subprocess.Popen(["mpirun", "-np", "2", PARKSIM, "sweep", yaml, "-r", str(R), "-o", out, "-q",
                          "--set", "run.chunk_replicates=1", "--checkpoint-every", "0"] + list(extra),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, PARKSIM_TEST_HOOK=hook))
    marker = q.stderr.readline()
    seg = sum(os.path.getsize(s) for s in glob.glob(out + ".ckpt/seg-*.pks"))
    for x in [q.pid] + [k for k, _ in children(q.pid)]:
        try:
            os.kill(x, 9)
        except OSError:
            pass
    q.wait(timeout=30)
    return marker, seg


def main(tmp):
    os.chdir(tmp)
    write("full.yaml", GRID)
    write("summ.yaml", SUMMARY)
    rc, so, se = sweep(1, "full.yaml", "full.h5")
    ok(rc == 0, "the full-mode sweep runs", se)
    rc, so, se = sweep(1, "summ.yaml", "s1.h5")
    ok(rc == 0, "the summary-mode sweep runs at np=1", se)
    (F, fa), (S, sa) = data("full.h5"), data("s1.h5")

    # --- what the summary holds equals what the full file gives
    ok(sa["sweep_store"] == "summary" and fa["sweep_store"] == "full", "root attribute sweep_store names the mode")
    for k in ("top_tier_count", "second_tier_count"):
        ok(np.array_equal(F["summary/" + k], S["summary/" + k]), "/summary/%s equals the full sweep's" % k)
    ok(np.array_equal(F["park_year/tier"], S["summary/tier"]) and S["summary/tier"].shape == (6, R, 4, 3),
       "/summary/tier (point, replicate, year, park) equals the full sweep's /park_year/tier")
    t = F["park_year/tier"]
    ok(np.array_equal((t == 1).sum(axis=1), S["summary/first_tier_replicates"]) and
       np.array_equal((t == 2).sum(axis=1), S["summary/second_tier_replicates"]),
       "first_tier_replicates and second_tier_replicates (point, year, park) equal the counts over the full tiers")
    spent = S["summary/lever_spent_total"]
    ok(park_sum(F["park_year/lever_spent"]).tobytes() == spent.tobytes() and spent.sum() > 0,
       "lever_spent_total equals the full lever_spent summed over parks, bit for bit (and is not all zero)")
    ok(park_sum(F["park_year/lever_allotted"]).tobytes() == S["summary/lever_allotted_total"].tobytes(),
       "lever_allotted_total equals the full lever_allotted summed over parks, bit for bit")
    ok(sa["result_digest"] == fa["result_digest"] and np.array_equal(F["sweep/point_digest"], S["sweep/point_digest"]),
       "result_digest and every point_digest equal the full sweep's (a digest covers every array)")
    ok(list(S["park_year/point"]) == [1, 4] and list(S["park_month/point"]) == [1, 4],
       "/park_year and /park_month hold the kept points 1 and 4 (their point coordinate)")
    full_vars = [k for k in F if k.split("/")[0] in ("park_year", "park_month") and F[k].ndim >= 4]
    bad = [k for k in full_vars if k not in S or F[k][[1, 4]].tobytes() != S[k].tobytes()]
    ok(len(full_vars) >= 30 and not bad, "every array of the kept points equals the full sweep's (%d)" % len(full_vars), bad)
    ok(os.path.getsize("s1.h5") < os.path.getsize("full.h5"), "the summary file is smaller",
       os.path.getsize("s1.h5"), os.path.getsize("full.h5"))

    write("nokeep.yaml", GRID.replace("store: full", "store: summary"))
    rc, so, se = sweep(2, "nokeep.yaml", "nk.h5")
    with h5py.File("nk.h5", "r") as f:
        groups = sorted(f.keys())
    ok(rc == 0 and groups == ["parks", "summary", "sweep"], "without keep_points: no /park_year or /park_month", groups, se)
    write("auto.yaml", GRID.replace("store: full\n", ""))
    rc, so, se = sweep(1, "auto.yaml", "auto.h5")
    with h5py.File("auto.h5", "r") as f:
        mode = f.attrs["sweep_store"].decode()
    ok(rc == 0 and mode == "full", "store defaults to auto, full for a small sweep", mode, se)

    # --- any rank count and a kill -9 with --resume: the same file
    for np_ in (2, 3):
        rc, so, se = sweep(np_, "summ.yaml", "s%d.h5" % np_, "--set", "run.chunk_replicates=2")
        ok(rc == 0, "np=%d exits 0" % np_, se)
        check("np=%d: the same datasets and digest as np=1" % np_, lambda: same_files("s1.h5", "s%d.h5" % np_))
    line, seg_s = kill_at("summ.yaml", "k.h5", "after-commit:3")
    ok("stopped at after-commit 3" in line and not os.path.exists("k.h5"), "a summary sweep killed after its 3rd commit "
       "has no output", line)
    rc, so, se = sweep(3, "summ.yaml", "k.h5", "--resume", "--set", "run.chunk_replicates=1")
    ok(rc == 0 and os.path.exists("k.h5"), "it resumes at np=3", rc, se)
    check("the resumed summary sweep equals the uninterrupted one", lambda: same_files("s1.h5", "k.h5"))
    with h5py.File("k.h5", "r") as f:
        ok(int(f.attrs["replicates_restored"]) == 6, "6 tasks came back from the spool", f.attrs["replicates_restored"])
    line, seg_f = kill_at("full.yaml", "kf.h5", "after-commit:3")
    # Three commits of 2 ranks x 1 task: tasks 0-5 (point 0: short records, point 1: kept, full ones).
    ok(0 < seg_s < 0.75 * seg_f, "the summary sweep's spool after 6 tasks is smaller than the full sweep's "
       "(%d against %d bytes; half its tasks are of a kept point)" % (seg_s, seg_f))
    write("nokeep2.yaml", GRID.replace("store: full", "store: summary"))
    line, seg_n = kill_at("nokeep2.yaml", "kn.h5", "after-commit:3")
    ok(0 < seg_n < seg_f / 3, "without kept points the spool is under a third of the full one (%d against %d bytes)"
       % (seg_n, seg_f))

    # --- netCDF readers
    p = subprocess.run(["/usr/bin/python3", "-c", """
import xarray as xr
s = xr.open_dataset("s1.h5", group="summary", engine="h5netcdf")
assert s.tier.dims == ("point", "replicate", "year", "park"), s.tier.dims
assert s.lever_spent_total.dims == ("point", "replicate", "year", "lever")
assert s.first_tier_replicates.dims == ("point", "year", "park")
assert list(s.lever_name.values)[0] == "mergers"
py = xr.open_dataset("s1.h5", group="park_year", engine="h5netcdf")
assert list(py.point.values) == [1, 4]
print(float(s.first_tier_replicates.sel(point=4).sum()), float(py.score.sel(point=4).mean()))
"""], capture_output=True, text=True)
    ok(p.returncode == 0, "xarray opens /summary and the kept /park_year with labelled axes", p.stdout, p.stderr)

    p = subprocess.run(["ncdump", "-h", "s1.h5"], capture_output=True, text=True)
    ok(p.returncode == 0 and "int first_tier_replicates(point, year, park)" in p.stdout and
       "double lever_spent_total(point, replicate, year, lever)" in p.stdout,
       "ncdump -h (netCDF-C) reads the summary file", p.stdout[-2000:], p.stderr)

    # --- parkstat reads a point of either mode alike
    def same_out(args, fa="full.h5", fs="s1.h5"):
        ra, oa, ea = stat(*[fa if x == "@" else x for x in args])
        rb, ob, eb = stat(*[fs if x == "@" else x for x in args])
        oa, ob = oa.replace(fa, "F"), ob.replace(fs, "F")
        return ra == 0 and rb == 0 and oa == ob and len(oa) > 200, (ea, eb, oa[:300], ob[:300])
    for args in (["summary", "@", "--point", "1"], ["summary", "@", "--point", "1,4", "--json"],
                 ["summary", "@", "--point", "0", "--point", "5", "--csv"], ["compare", "@", "--point", "0,3"],
                 ["compare", "@", "--point", "0", "--point", "3", "--point", "5", "--csv"],
                 ["headline", "@", "--point", "2,3"]):
        check("parkstat %s: the same output from the full and the summary sweep" % " ".join(args[:1] + args[2:]),
              lambda: same_out(args))
    rc, so, se = stat("summary", "s1.h5", "--point", "1")
    ok(rc == 0 and "(point 1: levers.mergers.intensity=0, firm.exit_rate=0.03)" in so.splitlines()[0] and
       "lever money" in so and "tier transitions" in so,
       "summary --point names the point and its values and has every section (tiers, money)", so[:400])
    p = subprocess.run([PARKSIM, "run", TINY, "-r", str(R), "-o", "p1.h5", "-q", "--set", "levers.mergers.intensity=0",
                        "--set", "firm.exit_rate=0.03"], capture_output=True, text=True)
    rc2, so2, se2 = stat("summary", "p1.h5")
    ok(p.returncode == 0 and rc2 == 0 and so.splitlines()[1:] == so2.splitlines()[1:],
       "summary --point 1 of the summary sweep equals summary of parksim run of point 1's scenario (after the title)",
       so2[:300], se2)
    with h5py.File("full.h5", "r") as f, h5py.File("old.h5", "w") as g:
        for k in f:
            f.copy(k, g)
        for k, v in f.attrs.items():
            if k != "sweep_store":
                g.attrs[k] = v
    check("a full sweep file without sweep_store (an older file) reads as before",
          lambda: same_out(["summary", "@", "--point", "4"], "full.h5", "old.h5"))
    for label, args, msg in [
            ("a sweep file without --point", ["summary", "s1.h5"], "choose the points to read with --point Q (0..5)"),
            ("a point outside the sweep", ["compare", "s1.h5", "--point", "0,6"], "--point 6 is not in the sweep"),
            ("--point without a sweep file", ["summary", "p1.h5", "--point", "1"], "--point is for sweep files"),
            ("--point without a number", ["summary", "s1.h5", "--point", "x"], "--point needs a sweep point index"),
            ("compare with one point", ["compare", "s1.h5", "--point", "2"], "compare needs a baseline")]:
        rc, so, se = stat(*args)
        ok(rc == 2 and msg in se and so == "", "refused: %s (exit 2, no output)" % label, rc, se, so[:200])

    # report: the same page from either mode but for the provenance of the file (its command,
    # sweep file and creation time)
    def page(f, out):
        rc, so, se = stat("report", f, "--point", "1,4", "-o", out)
        text = open(out, encoding="utf-8").read() if rc == 0 else ""
        prov = ("sweep file", "command", ">created<")
        return rc, [l for l in text.replace(f, "F").splitlines() if not any(p in l for p in prov)], se
    ra, la, ea = page("full.h5", "rf.html")
    rb, lb, eb = page("s1.h5", "rs.html")
    diff = [(x[:300], y[:300]) for x, y in zip(la, lb) if x != y][:3]
    ok(ra == 0 and rb == 0 and la == lb and any("point 4:" in l for l in lb),
       "report --point 1,4 gives the same page (headline, fan chart, parks, money) from either mode", ea, eb, diff,
       len(la), len(lb))

    p = subprocess.run([PARKSTAT, "plot", "s1.h5", "--point", "1,4", "-o", "fan.png"], capture_output=True, text=True)
    ok(p.returncode == 0 and os.path.getsize("fan.png") > 1000, "plot --point 1,4 draws two points of a summary sweep",
       p.stderr)

    # a saltelli sweep in summary mode: Sobol' indices as from the full file
    salt = GRID.replace("design: grid", "design: saltelli\npoints: 4").replace(", levels: 3", "").replace(", levels: 2", "")
    write("salt-full.yaml", salt)
    write("salt-summ.yaml", salt.replace("store: full", "store: summary"))
    rc1, _, e1 = sweep(2, "salt-full.yaml", "sf.h5")
    rc2, _, e2 = sweep(2, "salt-summ.yaml", "ss.h5")
    ok(rc1 == 0 and rc2 == 0, "saltelli sweeps in both modes run", e1, e2)
    check("parkstat sensitivity: the same indices (JSON) from the full and the summary sweep",
          lambda: same_out(["sensitivity", "@", "--json", "--bootstrap", "200"], "sf.h5", "ss.h5"))
    rc, so, se = stat("report", "ss.h5", "--point", "0", "-o", "salt.html")
    html = open("salt.html", encoding="utf-8").read() if rc == 0 else ""
    ok(rc == 0 and "Sobol" in html and "point 0:" in html, "report of a summary saltelli sweep: its Sobol' ranking "
       "and a chosen point", se)

    # --- a run over draws of priors (run --prior --store summary): the same summaries
    priors = os.path.join(REPO, "configs", "test", "priors-tiny.yaml")

    def prior_run(out, *extra):
        return subprocess.run([PARKSIM, "run", TINY, "--prior=" + priors, "--draws", "3", "--per-draw", "4", "-o", out,
                               "-q"] + list(extra), capture_output=True, text=True, timeout=120)
    pf, ps = prior_run("df.h5", "--store", "full"), prior_run("ds.h5", "--store", "summary")
    (DF, dfa), (DS, dsa) = data("df.h5"), data("ds.h5")
    ok(pf.returncode == 0 and ps.returncode == 0 and dsa.get("sweep_store") == "summary" and
       dsa["result_digest"] == dfa["result_digest"] and np.array_equal(DF["park_year/tier"], DS["summary/tier"]) and
       "park_year/score" not in DS, "run --prior --store summary: the tiers and digest of the full run, no /park_year",
       pf.stderr, ps.stderr)
    check("parkstat summary of the run over priors: the same output (with the split) from either store",
          lambda: same_out(["summary", "@"], "df.h5", "ds.h5"))
    p = subprocess.run([PARKSIM, "run", TINY, "--store", "summary", "-o", "x.h5"], capture_output=True, text=True)
    ok(p.returncode == 2 and "--store is for runs over draws" in p.stderr and not os.path.exists("x.h5"),
       "run --store without --prior or --posterior is refused (exit 2)", p.stderr)

    # --- refusals
    bad = [
        ("an unknown store", GRID.replace("store: full", "store: some"), "bad.yaml:3:8: store: expected auto, full or summary"),
        ("a kept point outside the design", SUMMARY.replace("[1, 4]", "[1, 6]"),
         "bad.yaml:4:18: keep_points: point 6 is not in the design: it has points 0..5"),
        ("kept points out of order", SUMMARY.replace("[1, 4]", "[4, 1]"), "bad.yaml:4:18: keep_points: expected increasing"),
        ("keep_points with store: full", SUMMARY.replace("store: summary", "store: full"),
         "keep_points: a sweep with store: full keeps every point already"),
        ("keep_points not a list", SUMMARY.replace("[1, 4]", "3"), "keep_points: expected a list of point indices"),
    ]
    for label, text, msg in bad:
        write("bad.yaml", text)
        rc, so, se = sweep(None, "bad.yaml", "bad.h5")
        ok(rc == 2 and msg in se and not os.path.exists("bad.h5"), "refused: %s (exit 2, file:line:column)" % label, rc, se)


sys.exit(run_main(main, "parksim-sweep-summary-"))
