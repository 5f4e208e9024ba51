#!/usr/bin/python3
"""tests/output.t - the layout of a parksim output file, read back with h5py.

A run of configs/test/tiny.yaml (3 parks, 12 replicates, 2026-2028) must give:
every group and dataset with the documented shapes and dtypes; coordinate
values (years, replicates, month-end times, park codes from the CSV); CF and
run attributes; internally consistent results (tier counts, tiers, vetoes,
scores, yearly vs monthly firm counts, lever spending only where a lever is
on); chunked, deflate-compressed data variables.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import csv
import datetime
import os
import re
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKS_CSV, TINY, check, need, ok, run_main  # noqa: E402


def text(v):
    """An attribute or string element as str (h5py gives fixed-length strings as bytes)."""
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


# ------------------------------------------------------------------ the documented layout
# Axes after `replicate`: year Y, time T, park P, group G, lever L.
METRICS = ["revenue", "revenue_per_mu", "revenue_growth", "leading_share", "chain_completeness",
           "anchor_revenue", "rd_intensity", "specialised_share", "tech_level", "digital_coverage",
           "idle_share", "safety", "incidents", "smart_level", "leading_industries", "firms",
           "above_scale_share", "infrastructure", "innovative_share", "little_giants", "chain_leaders", "frozen",
           "incidents_per_100_firms"]
LEVERS = ["mergers", "revitalisation", "upgrades", "chain", "cultivation", "safety", "smart", "land", "focus"]
I32, F64, I8 = np.dtype("<i4"), np.dtype("<f8"), np.dtype("i1")
DATA = {
    "summary": {"top_tier_count": ("replicate year", I32), "second_tier_count": ("replicate year", I32)},
    "park_year": dict({"score": ("replicate year park", F64), "tier": ("replicate year park", I8),
                       "veto": ("replicate year park", I8),
                       "group_score": ("replicate year park group", F64),
                       "lever_spent": ("replicate year park lever", F64),
                       "lever_allotted": ("replicate year park lever", F64)},
                      **{m: ("replicate year park", F64) for m in METRICS}),
    "park_month": dict({v: ("replicate time park", I32) for v in
                        ("firms", "entries", "exits", "mergers", "upgrades", "incidents", "projects", "promotions")},
                       **{v: ("replicate time park", F64) for v in ("revenue", "idle_land", "tech_level")}),
}
PARKS_NUM = {"firms_initial": I32, "revenue_initial": F64, "land": F64, "idle_share_initial": F64,
             "industries": I32, "smart_level": I32, "anchor_revenue": F64}
PARKS_STR = ("city", "size_class", "leading_chains")
COORDS = {  # group -> coordinate variables (dimension scales) and their labels
    "summary": {"replicate", "year"},
    "park_year": {"replicate", "year", "park", "group", "lever", "park_code", "park_name", "group_name", "lever_name"},
    "park_month": {"replicate", "time", "park", "park_code", "park_name"},
    "parks": {"park", "park_code", "park_name"},
}
SCALES = {"summary": ("replicate", "year"), "park_year": ("replicate", "year", "park", "group", "lever"),
          "park_month": ("replicate", "time", "park"), "parks": ("park",)}


def lever_windows(resolved):
    """{lever: (start 'YYYY-MM', end 'YYYY-MM', intensity, budget)} from the resolved scenario
    that `parksim validate` prints (the same text is stored as the `scenario` attribute)."""
    out, cur, in_levers = {}, None, False
    for line in resolved.splitlines():
        if re.match(r"^\S", line):
            in_levers = line.startswith("levers:")
            continue
        if not in_levers:
            continue
        m = re.match(r"^  (\w+):\s*$", line)
        if m:
            cur = out.setdefault(m.group(1), {})
            continue
        m = re.match(r"^    (\w+):\s*\"?([^\"]*)\"?\s*$", line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2)
    return out


def main(tmp):
    R, Y, T, G, L = 12, 4, 36, 6, len(LEVERS)
    with open(PARKS_CSV, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    codes = [r["code"] for r in rows]
    P = len(codes)
    out = os.path.join(tmp, "tiny.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-o", out, "--quiet"], capture_output=True, text=True)
    if not ok(p.returncode == 0 and os.path.exists(out), "parksim run tiny.yaml: exit 0, file written",
              "exit %d" % p.returncode, p.stderr):
        return
    dims = {"replicate": R, "year": Y, "time": T, "park": P, "group": G, "lever": L}
    f = h5py.File(out, "r")

    # ---- groups and datasets, shapes and dtypes
    check("the four groups are present",
          lambda: (set(f.keys()) == {"summary", "park_year", "park_month", "parks"}, sorted(f.keys())))
    for g, spec in DATA.items():
        def shapes(g=g, spec=spec):
            bad = []
            for name, (axes, dt) in spec.items():
                want = tuple(dims[a] for a in axes.split())
                if name not in f[g]:
                    bad.append("%s missing" % name)
                elif f[g][name].shape != want or f[g][name].dtype != dt:
                    bad.append("%s: %s %s, want %s %s" % (name, f[g][name].shape, f[g][name].dtype, want, dt))
            return not bad, "\n".join(bad)
        check("/%s: all %d data variables with the documented shapes and dtypes" % (g, len(spec)), shapes)
        check("/%s: no undocumented datasets" % g, lambda g=g: (
            set(f[g].keys()) == set(DATA[g]) | COORDS[g], sorted(set(f[g].keys()) ^ (set(DATA[g]) | COORDS[g]))))
    check("/parks: static park variables with shape (park,) and their dtypes", lambda: (
        all(f["parks"][k].shape == (P,) and f["parks"][k].dtype == dt for k, dt in PARKS_NUM.items())
        and all(f["parks"][k].shape == (P,) and h5py.check_string_dtype(f["parks"][k].dtype) for k in PARKS_STR)
        and set(f["parks"].keys()) == set(PARKS_NUM) | set(PARKS_STR) | COORDS["parks"],
        sorted(f["parks"].keys())))

    # ---- coordinates
    for g in ("summary", "park_year", "park_month"):
        check("/%s/replicate is 0..%d" % (g, R - 1),
              lambda g=g: np.array_equal(f[g]["replicate"][()], np.arange(R)))
    for g in ("summary", "park_year"):
        check("/%s/year is 2025..2028 (2025 = the initial state)" % g,
              lambda g=g: (f[g]["year"][()].tolist() == [2025, 2026, 2027, 2028], f[g]["year"][()]))
    tm = f["park_month"]["time"]
    check("/park_month/time: units 'days since 2026-01-01 ...', 36 strictly increasing values", lambda: (
        text(tm.attrs["units"]).startswith("days since 2026-01-01") and tm.shape == (T,)
        and bool(np.all(np.diff(tm[()]) > 0)), (text(tm.attrs["units"]), tm[()])))

    def month_ends():
        days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=float(t)) for t in tm[()]]
        want = [(2026 + m // 12, m % 12 + 1) for m in range(T)]
        return (all(float(t).is_integer() for t in tm[()]) and [(d.year, d.month) for d in days] == want
                and all((d + datetime.timedelta(days=1)).day == 1 for d in days), days[:3])
    # 2026-01-31 is day 30; 2028-12-31 is day 365 + 365 + 366 - 1 = 1095 (2028 is a leap year)
    check("/park_month/time: the end of each month 2026-01 .. 2028-12 (day 30 .. 1095)",
          lambda: (tm[0] == 30 and tm[-1] == 1095 and month_ends()[0], month_ends()[1]))
    for g in ("park_year", "park_month", "parks"):
        check("/%s/park_code equals the CSV codes %s, park_name the CSV names" % (g, codes), lambda g=g: (
            f[g]["park_code"].asstr()[()].tolist() == codes
            and f[g]["park_name"].asstr()[()].tolist() == [r["name"] for r in rows],
            f[g]["park_code"].asstr()[()]))
    check("/park_year/lever_name is the 9 levers in order; group_name has 6 names", lambda: (
        f["park_year"]["lever_name"].asstr()[()].tolist() == LEVERS
        and len(set(f["park_year"]["group_name"].asstr()[()])) == G))

    def scales_attached():
        bad = []
        for g, names in SCALES.items():
            for s in names:
                if text(f[g][s].attrs.get("CLASS", b"")) != "DIMENSION_SCALE":
                    bad.append("/%s/%s is not a dimension scale" % (g, s))
            for name in list(DATA.get(g, {})) + (list(PARKS_NUM) + list(PARKS_STR) if g == "parks" else []):
                ds = f[g][name]
                for ax, dim in enumerate(ds.dims):
                    got = [sc.name for sc in dim.values()]
                    if len(got) != 1 or not got[0].startswith("/%s/" % g):
                        bad.append("/%s/%s axis %d: scales %s" % (g, name, ax, got))
        return not bad, "\n".join(bad[:20])
    check("every axis of every data variable has one dimension scale of its own group", scales_attached)

    # ---- attributes
    def cf_attrs():
        bad = []
        for g in DATA:
            for name in DATA[g]:
                a = f[g][name].attrs
                for k in ("long_name", "units"):
                    if not text(a.get(k, b"")).strip():
                        bad.append("/%s/%s lacks %s" % (g, name, k))
                if "park" in DATA[g][name][0] and not set(text(a.get("coordinates", b"")).split()) >= {"park_code", "park_name"}:
                    bad.append("/%s/%s: coordinates attribute lacks park_code park_name" % (g, name))
        for name in PARKS_NUM:
            for k in ("long_name", "units"):
                if not text(f["parks"][name].attrs.get(k, b"")).strip():
                    bad.append("/parks/%s lacks %s" % (name, k))
        for name in PARKS_STR:
            if not text(f["parks"][name].attrs.get("long_name", b"")).strip():
                bad.append("/parks/%s lacks long_name" % name)
        return not bad, "\n".join(bad)
    check("long_name and units on every data variable; coordinates on every per-park variable", cf_attrs)
    check("tier has flag_values 1 2 3 and flag_meanings", lambda: (
        f["park_year"]["tier"].attrs["flag_values"].tolist() == [1, 2, 3]
        and len(text(f["park_year"]["tier"].attrs["flag_meanings"]).split()) == 3))
    a = f.attrs
    check("root attributes title, Conventions (CF), source, history present", lambda: (
        all(text(a.get(k, b"")).strip() for k in ("title", "source", "history"))
        and text(a["Conventions"]).startswith("CF-"), {k: a.get(k) for k in ("title", "Conventions")}))
    check("root seed 424242, replicates 12, parksim_complete 1, result_digest of 16 hex digits", lambda: (
        int(a["seed"]) == 424242 and int(a["replicates"]) == R and int(a["parksim_complete"]) == 1
        and re.fullmatch(r"[0-9a-f]{16}", text(a["result_digest"])),
        {k: a.get(k) for k in ("seed", "replicates", "parksim_complete", "result_digest")}))
    resolved = text(a["scenario"])
    v = subprocess.run([PARKSIM, "validate", TINY], capture_output=True, text=True)
    check("root scenario attribute is the resolved YAML that `parksim validate` prints",
          lambda: (resolved == v.stdout, resolved[:200]))
    check("root parks_csv attribute is the park file's text", lambda: (
        text(a["parks_csv"]) == open(PARKS_CSV, encoding="utf-8").read()))

    # ---- internal consistency
    py = f["park_year"]
    tier, veto, score = py["tier"][()], py["veto"][()], py["score"][()]
    top, second = f["summary"]["top_tier_count"][()], f["summary"]["second_tier_count"][()]
    check("top_tier_count[r,y] == number of parks with tier 1", lambda: (
        np.array_equal(top, (tier == 1).sum(axis=2)), top))
    check("second_tier_count[r,y] == number of parks with tier 2", lambda: (
        np.array_equal(second, (tier == 2).sum(axis=2)), second))
    check("tier values in {1, 2, 3}", lambda: (set(np.unique(tier).tolist()) <= {1, 2, 3}, np.unique(tier)))
    check("veto values in {0, 1} and veto == 1 implies tier == 3", lambda: (
        set(np.unique(veto).tolist()) <= {0, 1} and bool(np.all(tier[veto == 1] == 3))))
    check("score in [0, 100] and finite", lambda: (
        bool(np.all(np.isfinite(score)) and score.min() >= 0 and score.max() <= 100), (score.min(), score.max())))
    gs = py["group_score"][()]
    check("group_score in [0, 100]", lambda: (bool(gs.min() >= 0 and gs.max() <= 100), (gs.min(), gs.max())))
    fy, fm = py["firms"][()], f["park_month"]["firms"][()]
    check("/park_year/firms at year index y >= 1 equals /park_month/firms at month 12*y-1", lambda: (
        all(np.array_equal(fy[:, y, :], fm[:, 12 * y - 1, :]) for y in range(1, Y))))
    check("/park_year/firms at year index 0 equals /parks/firms_initial", lambda: (
        bool(np.all(fy[:, 0, :] == f["parks"]["firms_initial"][()][None, :]))))

    # ---- lever spending: zero where tiny.yaml has the lever off, never negative, within budget
    spent = py["lever_spent"][()]
    allotted = py["lever_allotted"][()]
    windows = lever_windows(resolved)
    years = py["year"][()].tolist()
    lever_names = py["lever_name"].asstr()[()].tolist()
    check("lever start/end read from tiny.yaml's resolved scenario", lambda: (
        set(windows) == set(lever_names) and all("start" in w and "end" in w for w in windows.values()), windows))
    try:
        import yaml  # python3-yaml: installed by `make deps` for this check
    except ImportError:
        yaml = None
    if yaml is None:
        need("python3-yaml not installed (make deps; cross-check of the lever windows with tiny.yaml)")
    else:
        def same_as_file():
            with open(TINY, encoding="utf-8") as fh:
                lv = yaml.safe_load(fh)["levers"]
            got = {k: (str(v["start"]), str(v["end"]), float(v["intensity"]), float(v["budget"])) for k, v in lv.items()}
            want = {k: (w["start"], w["end"], float(w["intensity"]), float(w["budget"])) for k, w in windows.items()}
            return got == want, "tiny.yaml: %s\nresolved: %s" % (got, want)
        check("the lever windows are those written in tiny.yaml", same_as_file)
    check("lever_spent is never negative", lambda: (bool(np.all(spent >= 0)), spent.min()))
    off_bad, on_total, over = [], {}, []
    for li, lever in enumerate(lever_names):
        w = windows.get(lever, {})
        if "start" not in w:
            continue
        y0, y1 = int(w["start"][:4]), int(w["end"][:4])
        on = float(w.get("intensity", 0)) > 0
        for yi, yr in enumerate(years):
            total = spent[:, yi, :, li].sum()
            if not (on and y0 <= yr <= y1):
                if np.any(spent[:, yi, :, li] != 0):
                    off_bad.append("%s %d (lever %s..%s): %g spent" % (lever, yr, w["start"], w["end"], total))
            else:
                on_total[(lever, yr)] = total
            # no park spends more than it held, and the parks held no more than
            # the year's budget and last year's unspent money (province.unspent: pool)
            held = allotted[:, yi, :, li]
            if np.any(spent[:, yi, :, li] > held * (1 + 1e-9) + 1e-9):
                over.append("%s %d: a park spent more than it held" % (lever, yr))
            prev = (allotted[:, yi - 1, :, li] - spent[:, yi - 1, :, li]).sum(axis=1) if yi > 0 else 0
            if np.any(held.sum(axis=1) > (float(w.get("budget", 0)) + prev) * (1 + 1e-9) + 1e-9):
                over.append("%s %d: more held than budget + last year's unspent" % (lever, yr))
    check("lever_spent is zero for every year and lever that tiny.yaml has off (%d lever-years on)" % len(on_total),
          lambda: (not off_bad and len(on_total) > 0, "\n".join(off_bad)))
    check("each lever spends something while on (the zero check is not vacuous)", lambda: (
        all(sum(v for (lv, _), v in on_total.items() if lv == lever) > 0 for lever in lever_names), on_total))
    check("per replicate and year, each park spends within what it held, and the parks within budget + unspent",
          lambda: (not over, over))

    # ---- the initial year is scored like the others: its incidents come from
    # the same hazard (the year before the run). With no upgrades and no
    # serious incidents nothing lowers the hazard between 2025 and 2026 but the
    # turnover of firms, so the two years' counts agree: about 700 incidents
    # each over 100 replicates (sd of the difference ~37, 5%); tolerance 15%.
    out3 = os.path.join(tmp, "incidents.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-o", out3, "-r", "100", "--quiet", "--set", "firm.incident_rate=1",
                        "--set", "firm.upgrade_rate=0", "--set", "firm.serious_share=0", "--set", "output.monthly=false"]
                       + sum([["--set", "levers.%s.intensity=0" % lv] for lv in lever_names], []),
                       capture_output=True, text=True)
    if ok(p.returncode == 0, "run with incident_rate 1, no upgrades, no serious incidents, no levers: exit 0", p.stderr):
        with h5py.File(out3, "r") as f3:
            inc = f3["park_year/incidents"][()]
            per100 = f3["park_year/incidents_per_100_firms"][()]
            firms = f3["park_year/firms"][()]
        n0, n1 = inc[:, 0, :].sum(), inc[:, 1, :].sum()
        check("incidents of 2025 within 15%% of those of 2026 (same hazard): %d vs %d" % (n0, n1),
              lambda: (n1 > 300 and abs(n0 / n1 - 1) < 0.15, (n0, n1)))
        check("incidents_per_100_firms = 100 incidents / active firms",
              lambda: (bool(np.all(firms > 0)) and bool(np.allclose(per100, 100.0 * inc / firms)),
                       (per100[0, 0], inc[0, 0], firms[0, 0])))

    # ---- storage
    # Continuous doubles are stored uncompressed (OUTPUT.md section 7); everything else is deflated.
    COMPRESSIBLE_F8 = {"lever_spent", "lever_allotted", "idle_land", "firms", "incidents", "smart_level", "leading_industries",
                       "chain_leaders", "frozen", "infrastructure", "little_giants", "chain_completeness",
                       "incidents_per_100_firms"}

    def storage():
        bad = []
        n_plain = 0
        for g in DATA:
            for name in DATA[g]:
                ds = f[g][name]
                want = None if ds.dtype == np.float64 and name not in COMPRESSIBLE_F8 else "gzip"
                n_plain += want is None
                if ds.chunks is None or ds.compression != want:
                    bad.append("/%s/%s: chunks %s, compression %s (want %s)" % (g, name, ds.chunks, ds.compression, want))
                elif ds.chunks[1:] != ds.shape[1:] or not 1 <= ds.chunks[0] <= R:
                    bad.append("/%s/%s: chunk %s for shape %s" % (g, name, ds.chunks, ds.shape))
        return not bad and n_plain > 0, "\n".join(bad)
    check("every data variable is chunked by replicate rows; integers, flags, counts and mostly-zero doubles are "
          "deflate-compressed, continuous doubles are not", storage)
    f.close()

    # ---- vetoes, forced: with every incident serious, vetoes happen and cap the tier
    out2 = os.path.join(tmp, "veto.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-o", out2, "-r", "4", "--quiet", "--set", "firm.incident_rate=1",
                        "--set", "firm.serious_share=1"], capture_output=True, text=True)
    if ok(p.returncode == 0, "run with firm.serious_share=1: exit 0", p.stderr):
        with h5py.File(out2, "r") as f2:
            t2, v2 = f2["park_year/tier"][()], f2["park_year/veto"][()]
            check("with serious incidents: some vetoes, and every vetoed park-year is tier 3",
                  lambda: (v2.sum() > 0 and bool(np.all(t2[v2 == 1] == 3)), (v2.sum(), t2[v2 == 1])))
            check("with serious incidents: the initial year 2025 has vetoes like the run years",
                  lambda: (v2[:, 0, :].sum() > 0, v2[:, 0, :]))
            top2 = f2["summary/top_tier_count"][()]
            check("with serious incidents: top_tier_count still equals the tier-1 park count",
                  lambda: np.array_equal(top2, (t2 == 1).sum(axis=2)))
    else:
        for _ in range(3):
            ok(False, "skipped after the failed run")

    # ---- output.monthly=false drops /park_month
    out3 = os.path.join(tmp, "nomonthly.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-o", out3, "-r", "2", "--quiet", "--set", "output.monthly=false"],
                       capture_output=True, text=True)
    def nomonthly():
        if p.returncode != 0:
            return False, p.stderr
        with h5py.File(out3, "r") as f3:
            return (set(f3.keys()) == {"summary", "park_year", "parks"} and int(f3.attrs["monthly"]) == 0,
                    sorted(f3.keys()))
    check("output.monthly=false: exit 0, no /park_month group, monthly attribute 0", nomonthly)

if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-output."))
