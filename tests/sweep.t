#!/usr/bin/python3
"""parksim sweep (docs/CONFIG.md "Sweep files", docs/OUTPUT.md 3.5).

Checks: every design's points (grid order, LHS strata, Sobol = --validate,
Saltelli blocks); the file's point dimension; a point's results equal, dataset
by dataset, a single `parksim run` of that point's scenario with the same
seed, and every point's digest equals that run's result_digest; identical
files at np = 1, 2, 3 and with the static schedule; a sweep killed after a
checkpoint resumes at another rank count to the same file; bad sweep files
and bad points are refused (exit 2, file:line:column, no output).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, check, run_main, children, PARKSIM, PARKSTAT, TINY  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

R = 6
GRID = """scenario: %s
design: grid
parameters:
  - key: levers.mergers.intensity
    min: 0
    max: 1
    levels: 3
  - key: firm.exit_rate
    min: 0.01
    max: 0.03
    levels: 2
""" % TINY


def sweep(np_, path, out, *extra, env=None, timeout=180):
    c = [PARKSIM, "sweep", path, "-r", str(R), "-o", out, "-q"] + list(extra)
    if np_:
        c = ["mpirun", "-np", str(np_)] + c
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(c, capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def single(out, sets):
    c = [PARKSIM, "run", TINY, "-r", str(R), "-o", out, "-q"]
    for k, v in sets:
        c += ["--set", "%s=%.17g" % (k, v)]
    p = subprocess.run(c, capture_output=True, text=True, timeout=120)
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


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main(tmp):
    os.chdir(tmp)
    write("grid.yaml", GRID)
    # --- grid: the points, the layout, identity with single runs
    p = subprocess.run([PARKSIM, "sweep", "grid.yaml", "--validate"], capture_output=True, text=True)
    lines = [l.split("\t") for l in p.stdout.splitlines() if not l.startswith("#")]
    ok(p.returncode == 0 and lines[0] == ["point", "levers.mergers.intensity", "firm.exit_rate"] and len(lines) == 7,
       "sweep --validate prints the 6 grid points under their keys", p.stdout, p.stderr)
    want = [(a, b) for a in (0, 0.5, 1) for b in (0.01, 0.03)]
    got = [(float(l[1]), float(l[2])) for l in lines[1:]]
    ok(np.allclose(got, want, rtol=0, atol=1e-15), "grid order: the last parameter varies fastest, levels evenly spaced", got)
    ok(not os.path.exists("grid.h5"), "--validate writes no output")

    rc, so, se = sweep(1, "grid.yaml", "g1.h5")
    ok(rc == 0, "a grid sweep at np=1 exits 0", se)
    d, a = data("g1.h5")
    ok(d["summary/top_tier_count"].shape == (6, R, 4) and d["park_year/score"].shape == (6, R, 4, 3),
       "every replicate variable has a leading point dimension: (point, replicate, ...)",
       d["summary/top_tier_count"].shape, d["park_year/score"].shape)
    ok(np.allclose(d["sweep/values"], want, rtol=0, atol=1e-15) and a["sweep_design"] == "grid" and
       int(a["sweep_points"]) == 6 and int(a["sweep_parameters"]) == 2 and int(a["sweep_base_rows"]) == 0,
       "/sweep/values and the sweep_* attributes describe the design")
    with h5py.File("g1.h5", "r") as f:
        names = [x.decode() if isinstance(x, bytes) else x for x in f["sweep/parameter_name"][()]]
        ok(names == ["levers.mergers.intensity", "firm.exit_rate"], "/sweep/parameter_name holds the keys", names)
        ok(int(f.attrs["replicates_computed"]) == 6 * R, "every (point, replicate) computed once: %d" % (6 * R),
           f.attrs["replicates_computed"])
        pdig = f["sweep/point_digest"][()]
    for q in range(6):
        rc, so, se = single("p%d.h5" % q, [("levers.mergers.intensity", want[q][0]), ("firm.exit_rate", want[q][1])])
        ds, sa = data("p%d.h5" % q)
        okq = rc == 0 and "%016x" % int(pdig[q]) == sa["result_digest"]
        ok(okq, "point %d's digest equals the result_digest of parksim run with its values as --set" % q,
           se, "%016x" % int(pdig[q]), sa.get("result_digest"))
        if q in (1, 4):
            bad = [k for k in ds if not k.startswith("parks/") and k in d and d[k].ndim == ds[k].ndim + 1
                   and d[k][q].tobytes() != ds[k].tobytes()]
            n = sum(1 for k in ds if k in d and d[k].ndim == ds[k].ndim + 1)
            ok(not bad and n >= 30, "point %d: all %d result datasets equal the single run's, value by value" % (q, n), bad)

    # --- any rank count, either schedule: the same file
    for np_ in (2, 3):
        rc, so, se = sweep(np_, "grid.yaml", "g%d.h5" % np_)
        ok(rc == 0, "np=%d exits 0" % np_, se)
        check("np=%d: the same datasets and digest as np=1" % np_, lambda: same_files("g1.h5", "g%d.h5" % np_))
    rc, so, se = sweep(2, "grid.yaml", "gs.h5", "--set", "run.chunk_replicates=1", env={"PARKSIM_SCHEDULE": "static"})
    ok(rc == 0, "the static schedule runs", se)
    check("static schedule, 1-replicate chunks: the same file", lambda: same_files("g1.h5", "gs.h5"))
    rc, so, se = sweep(3, "grid.yaml", "g3c.h5", "--set", "run.chunk_replicates=1")
    check("dynamic schedule at np=3 with 1-replicate chunks: the same file", lambda: same_files("g1.h5", "g3c.h5"))

    # --- LHS, Sobol, Saltelli
    write("lhs.yaml", GRID.replace("design: grid", "design: lhs\npoints: 8\nseed: 5").replace("    levels: 3\n", "")
          .replace("    levels: 2\n", ""))
    rc, so, se = sweep(2, "lhs.yaml", "lhs.h5")
    ok(rc == 0, "an LHS sweep runs", se)
    with h5py.File("lhs.h5", "r") as f:
        v = f["sweep/values"][()]
    u = np.column_stack([(v[:, 0] - 0) / 1.0, (v[:, 1] - 0.01) / 0.02])
    strata = [sorted(np.floor(u[:, j] * 8).astype(int).tolist()) for j in range(2)]
    ok(v.shape == (8, 2) and strata == [list(range(8))] * 2, "LHS: one point in each of 8 strata of every range", v)
    write("sobol.yaml", open("lhs.yaml").read().replace("design: lhs", "design: sobol").replace("seed: 5\n", ""))
    p = subprocess.run([PARKSIM, "sweep", "sobol.yaml", "--validate"], capture_output=True, text=True)
    vals = np.array([[float(x) for x in l.split("\t")[1:]] for l in p.stdout.splitlines()[2:]])
    ok(p.returncode == 0 and vals.shape == (8, 2) and np.allclose(vals[0], [0.5, 0.02]),
       "Sobol: 8 points, the first after the origin is the centre of the ranges", vals)
    write("salt.yaml", open("sobol.yaml").read().replace("design: sobol", "design: saltelli").replace("points: 8", "points: 4"))
    rc, so, se = sweep(2, "salt.yaml", "salt.h5")
    ok(rc == 0, "a Saltelli sweep runs", se)
    with h5py.File("salt.h5", "r") as f:
        v = f["sweep/values"][()]
        n_base = int(f.attrs["sweep_base_rows"])
        shape = f["summary/top_tier_count"].shape
    A, B = v[0:4], v[4:8]
    blocks = all(np.array_equal(v[(2 + i) * 4:(3 + i) * 4], np.where(np.arange(2) == i, B, A)) for i in range(2))
    ok(n_base == 4 and v.shape == (16, 2) and shape[0] == 16 and blocks,
       "Saltelli: N(k+2) = 16 points, rows A, B, then AB_i = A with column i from B", v)

    p = subprocess.run([PARKSTAT, "sensitivity", "salt.h5", "--json", "--bootstrap", "200"], capture_output=True, text=True)
    ok(p.returncode == 0 and "levers.mergers.intensity" in p.stdout and "firm.exit_rate" in p.stdout,
       "parkstat sensitivity reads the sweep file parksim wrote (Saltelli block order checked) and ranks both keys",
       p.stdout[:500], p.stderr)

    # --- resume a killed sweep at another rank count
    def kill_at(hook, *extra):
        q = subprocess.Popen(["mpirun", "-np", "2", PARKSIM, "sweep", "grid.yaml", "-r", str(R), "-o", "k.h5", "-q",
                              "--set", "run.chunk_replicates=1", "--checkpoint-every", "0"] + list(extra),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, PARKSIM_TEST_HOOK=hook))
        marker = q.stderr.readline()
        for x in [q.pid] + [k for k, _ in children(q.pid)]:
            try:
                os.kill(x, 9)
            except OSError:
                pass
        q.wait(timeout=30)
        return marker
    line = kill_at("after-commit:3")
    ok("stopped at after-commit 3" in line and not os.path.exists("k.h5"), "a sweep killed after its 3rd commit has no output", line)

    # Killed again right after the first commit of the resumed run: a resume
    # computes the missing tasks before rewriting restored ones, so that
    # commit already holds new work (6 tasks: 3 rounds x 2 ranks x 1).
    line = kill_at("after-commit:1", "--resume")
    ok("stopped at after-commit 1" in line, "the resumed sweep is killed after its first commit", line)
    rc, so, se = sweep(3, "grid.yaml", "k.h5", "--resume", "--set", "run.chunk_replicates=1")
    ok(rc == 0 and os.path.exists("k.h5"), "the sweep resumes at np=3", rc, se)
    check("the resumed sweep equals the uninterrupted one", lambda: same_files("g1.h5", "k.h5"))
    with h5py.File("k.h5", "r") as f:
        rest = int(f.attrs["replicates_restored"])
    ok(rest == 8, "a resume computes missing tasks first: the second start's first commit added 2 new tasks "
       "to the 6 of the first start (8 restored at the end, none recomputed)", rest)

    # --- refusals
    rc, so, se = sweep(None, "grid.yaml", "g1.h5")
    ok(rc == 2 and "exists" in se, "an existing output is refused without --force (exit 2)", se)
    bad = [
        ("unknown key", GRID + "colour: blue\n", "bad.yaml:12:9: colour: unknown key"),
        ("unknown design", GRID.replace("design: grid", "design: random"), "bad.yaml:2:9: design: expected one of"),
        ("not a scenario key", GRID.replace("levers.mergers.intensity", "levers.merger.intensity"),
         "is not a scenario key"),
        ("a run.* key", GRID.replace("firm.exit_rate", "run.years"), "cannot be swept"),
        ("a text key", GRID.replace("firm.exit_rate", "scenario.name"), "is not a number key"),
        ("max below min", GRID.replace("max: 0.03", "max: 0.001"), "bad.yaml:10:10: firm.exit_rate: max 0.001 is below min 0.01"),
        ("range outside the key's", GRID.replace("max: 1\n", "max: 2\n"), "bad.yaml:6:10: levers.mergers.intensity: the range [0, 2] leaves"),
        ("grid without levels", GRID.replace("    levels: 3\n", ""), "a grid needs 'levels'"),
        ("lhs with levels", GRID.replace("design: grid", "design: lhs\npoints: 4"), "'levels' is for a grid"),
        ("lhs without points", GRID.replace("design: grid", "design: lhs").replace("    levels: 3\n", "").replace("    levels: 2\n", ""),
         "points: missing"),
        ("a key listed twice", GRID.replace("firm.exit_rate", "levers.mergers.intensity"), "listed twice"),
        ("missing base scenario", GRID.replace(TINY, "nowhere.yaml"), "nowhere.yaml"),
    ]
    for label, text, msg in bad:
        write("bad.yaml", text)
        rc, so, se = sweep(None, "bad.yaml", "bad.h5")
        ok(rc == 2 and msg in se and not os.path.exists("bad.h5") and not os.path.exists("bad.h5.partial"),
           "refused: %s (exit 2, message names it, no output)" % label, rc, se)
    # A point that is not a valid scenario: tier2_min above tier1_min at one end of the range.
    write("bad.yaml", GRID.replace("firm.exit_rate", "assessment.tier2_min").replace("min: 0.01", "min: 40")
          .replace("max: 0.03", "max: 99"))
    rc, so, se = sweep(None, "bad.yaml", "bad.h5")
    ok(rc == 2 and "point 1 is not a valid scenario" in se and "assessment.tier2_min = 99" in se and
       not os.path.exists("bad.h5"), "a point that is not a valid scenario is named with its values (exit 2)", se)


sys.exit(run_main(main, "parksim-sweep-"))
