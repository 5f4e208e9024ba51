#!/usr/bin/python3
"""tests/netcdf.t - an output file read by the NetCDF clients a researcher uses,
with no parksim code: ncdump (netcdf-bin), xarray with the h5netcdf engine,
and R's ncdf4 when it is installed (`make deps-r`; otherwise skipped, except
that with CI=true, where .ci/run installs it, the checks fail).

Per group the dimensions, their sizes and the variables must be what the
layout documents; xarray must give labelled dimensions, park_code/park_name as
coordinates, month-end datetimes and units; values must match h5py's.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, TINY, check, need, ok, run_main, skip  # noqa: E402


R_REPS, P = 12, 3
DIMS = {
    "summary": {"replicate": R_REPS, "year": 4},
    "park_year": {"replicate": R_REPS, "year": 4, "park": P, "group": 6, "lever": 9},
    "park_month": {"replicate": R_REPS, "time": 36, "park": P},
    "parks": {"park": P},
}
METRICS = ["revenue", "revenue_per_mu", "revenue_growth", "leading_share", "chain_completeness",
           "anchor_revenue", "rd_intensity", "specialised_share", "tech_level", "digital_coverage",
           "idle_share", "safety", "incidents", "smart_level", "leading_industries", "firms",
           "above_scale_share", "infrastructure", "innovative_share", "little_giants", "chain_leaders", "frozen",
           "incidents_per_100_firms"]
LEVERS = ["mergers", "revitalisation", "upgrades", "chain", "cultivation", "safety", "smart", "land", "focus"]
# variable -> its dimensions, per group (coordinate variables included)
VARS = {
    "summary": dict(replicate="replicate", year="year", top_tier_count="replicate year",
                    second_tier_count="replicate year"),
    "park_year": dict(dict(replicate="replicate", year="year", park="park", park_code="park", park_name="park",
                           group="group", group_name="group", lever="lever", lever_name="lever",
                           score="replicate year park", tier="replicate year park", veto="replicate year park",
                           group_score="replicate year park group", lever_spent="replicate year park lever",
                           lever_allotted="replicate year park lever"),
                      **{m: "replicate year park" for m in METRICS}),
    "park_month": dict(dict(replicate="replicate", time="time", park="park", park_code="park", park_name="park"),
                       **{v: "replicate time park" for v in ("firms", "entries", "exits", "mergers", "upgrades",
                                                             "incidents", "projects", "promotions", "revenue",
                                                             "idle_land", "tech_level")}),
    "parks": {v: "park" for v in ("park", "park_code", "park_name", "city", "size_class", "leading_chains",
                                  "firms_initial", "revenue_initial", "land", "idle_share_initial", "industries",
                                  "smart_level", "anchor_revenue")},
}
COORD_NAMES = {"replicate", "year", "time", "park", "group", "lever", "park_code", "park_name",
               "group_name", "lever_name"}


def parse_ncdump_header(txt):
    """{group: {"dims": {name: size}, "vars": {name: dims string}}} from `ncdump -h`."""
    out, cur, section = {}, None, None
    for line in txt.splitlines():
        m = re.match(r"^\s*group: (\w+) \{", line)
        if m:
            cur = out.setdefault(m.group(1), {"dims": {}, "vars": {}})
            continue
        s = line.strip()
        if s in ("dimensions:", "variables:"):
            section = s[:-1]
            continue
        if cur is None:
            continue
        if section == "dimensions":
            m = re.match(r"^(\w+) = (\d+) ;$", s)
            if m:
                cur["dims"][m.group(1)] = int(m.group(2))
        elif section == "variables":
            m = re.match(r"^(?:byte|ubyte|short|int|uint|int64|uint64|float|double|string|char) (\w+)(?:\(([^)]*)\))? ;$", s)
            if m:
                cur["vars"][m.group(1)] = " ".join(d.strip() for d in (m.group(2) or "").split(","))
    return out


def main(tmp):
    out = os.path.join(tmp, "tiny.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-o", out, "--quiet"], capture_output=True, text=True)
    if not ok(p.returncode == 0, "parksim run tiny.yaml: exit 0", p.stderr):
        return
    with h5py.File(out, "r") as f:
        years = f["summary/year"][()].tolist()
        top_h5 = f["summary/top_tier_count"][:, years.index(2028)]
        codes = f["parks/park_code"].asstr()[()].tolist()
        names = f["parks/park_name"].asstr()[()].tolist()

    # ---------------------------------------------------------------- ncdump
    if shutil.which("ncdump") is None:
        skip("ncdump not installed (netcdf-bin)", 2 + 2 * len(DIMS))
    else:
        p = subprocess.run(["ncdump", "-h", out], capture_output=True, text=True)
        hdr = parse_ncdump_header(p.stdout)
        ok(p.returncode == 0 and set(hdr) == set(DIMS), "ncdump -h: exit 0, lists the groups %s" % sorted(DIMS),
           p.stderr, sorted(hdr))
        for g in DIMS:
            got = hdr.get(g, {"dims": {}, "vars": {}})
            ok(got["dims"] == DIMS[g], "ncdump -h, group %s: dimensions %s" % (g, DIMS[g]), got["dims"])
            bad = sorted(v for v in set(VARS[g]) | set(got["vars"]) if got["vars"].get(v) != VARS[g].get(v))
            ok(not bad, "ncdump -h, group %s: the %d variables with their dimensions" % (g, len(VARS[g])),
               *["%s: ncdump (%s), expected (%s)" % (v, got["vars"].get(v), VARS[g].get(v)) for v in bad])
        p = subprocess.run(["ncdump", out], capture_output=True, text=True)
        ok(p.returncode == 0 and "Alpha Park" in p.stdout and "top_tier_count =" in p.stdout,
           "ncdump (full data, strings included): exit 0", p.stderr[-2000:])

    # ---------------------------------------------------------------- xarray
    try:
        import xarray as xr
    except ImportError:
        skip("xarray not installed (python3-xarray python3-h5netcdf)", 14)
        return
    ds = {}
    for g in DIMS:
        check("xarray.open_dataset(group=%r, engine='h5netcdf') opens" % g, lambda g=g: ds.__setitem__(
            g, xr.open_dataset(out, group=g, engine="h5netcdf")) or True)
    if len(ds) < len(DIMS):
        return

    def labelled():
        bad = []
        for g, d in ds.items():
            if dict(d.sizes) != DIMS[g]:
                bad.append("%s: sizes %s" % (g, dict(d.sizes)))
            for dim in d.dims:
                if dim not in d.indexes:
                    bad.append("%s: dimension %s has no coordinate" % (g, dim))
            for v in d.data_vars:
                if " ".join(d[v].dims) != VARS[g].get(v):
                    bad.append("%s/%s: dims %s" % (g, v, d[v].dims))
        return not bad, "\n".join(bad)
    check("xarray: every dimension of every group is labelled by its coordinate; variables have named dims",
          labelled)
    s = ds["summary"]
    check("xarray: year coordinate 2025..2028, replicate 0..11", lambda: (
        s.year.values.tolist() == [2025, 2026, 2027, 2028] and s.replicate.values.tolist() == list(range(R_REPS))))
    check("xarray: ds.top_tier_count.sel(year=2028) equals h5py's values", lambda: (
        np.array_equal(s.top_tier_count.sel(year=2028).values, top_h5),
        (s.top_tier_count.sel(year=2028).values, top_h5)))

    def park_coords(groups):
        bad = []
        for g in groups:
            for c in ("park_code", "park_name"):
                if c not in ds[g].coords:
                    bad.append("/%s: %s is a data variable, not a coordinate" % (g, c))
            if "park_code" in ds[g].variables and ds[g].park_code.values.tolist() != codes:
                bad.append("/%s: park_code %s" % (g, ds[g].park_code.values))
            if "park_name" in ds[g].variables and ds[g].park_name.values.tolist() != names:
                bad.append("/%s: park_name %s" % (g, ds[g].park_name.values))
            for v in ds[g].data_vars:
                if v not in ("park_code", "park_name") and "park" in ds[g][v].dims and not {"park_code", "park_name"} <= set(ds[g][v].coords):
                    bad.append("/%s/%s does not carry park_code/park_name" % (g, v))
        return not bad, "\n".join(bad[:10])
    check("xarray: park_code and park_name are coordinates (str values) of every per-park variable in park_year, "
          "park_month", lambda: park_coords(("park_year", "park_month")))
    check("xarray: park_code and park_name are coordinates of the /parks variables too",
          lambda: park_coords(("parks",)))
    check("xarray: group_name and lever_name are coordinates of group_score and lever_spent", lambda: (
        "group_name" in ds["park_year"].group_score.coords and "lever_name" in ds["park_year"].lever_spent.coords
        and ds["park_year"].lever_name.values.tolist() == LEVERS))
    t = ds["park_month"].time
    check("xarray: time decodes to datetime64 month ends, 2026-01-31 first, 2028-12-31 last", lambda: (
        np.issubdtype(t.dtype, np.datetime64) and str(t.values[0])[:10] == "2026-01-31"
        and str(t.values[-1])[:10] == "2028-12-31"
        and bool(np.all((t + np.timedelta64(1, "D")).dt.day.values == 1))
        and t.dt.month.values.tolist() == [m % 12 + 1 for m in range(36)], t.values[:3]))

    def units():
        bad = [g + "/" + v for g, d in ds.items() for v in d.data_vars
               if d[v].dtype.kind in "iuf" and not d[v].attrs.get("units")]
        bad += [g + "/" + v for g, d in ds.items() for v in d.data_vars if not d[v].attrs.get("long_name")]
        return (not bad and ds["park_year"].score.attrs["units"] == "1"
                and ds["park_month"].revenue.attrs["units"] == "CNY 1e4 a-1"
                and ds["park_month"].time.encoding.get("units", "").startswith("days since 2026-01-01"), bad)
    check("xarray: units and long_name visible on every numeric data variable; time units in encoding", units)
    check("xarray: tier and park-month firms read as in h5py", lambda: (
        np.array_equal(ds["park_year"].tier.values, h5py.File(out, "r")["park_year/tier"][()])
        and np.array_equal(ds["park_month"].firms.values, h5py.File(out, "r")["park_month/firms"][()])))
    root = xr.open_dataset(out, engine="h5netcdf")
    check("xarray: root attributes (title, Conventions, scenario_name, result_digest) visible", lambda: (
        root.attrs.get("Conventions", "").startswith("CF-") and root.attrs.get("scenario_name") == "tiny"
        and len(root.attrs.get("result_digest", "")) == 16 and root.attrs.get("title"), dict(root.attrs)))
    for d in list(ds.values()) + [root]:
        d.close()

    # ---------------------------------------------------------------- R ncdf4
    have_r = shutil.which("Rscript") is not None and subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(ncdf4))"], capture_output=True).returncode == 0
    if not have_r:
        need("R/ncdf4 not installed (make deps-r)", 2)
        return
    rcode = r'''
suppressPackageStartupMessages(library(ncdf4))
nc <- nc_open(commandArgs(trailingOnly = TRUE)[1])
year <- ncvar_get(nc, "summary/year")
top <- ncvar_get(nc, "summary/top_tier_count")   # R order: [year, replicate]
cat("top2028:", top[year == 2028, ], "\n")
cat("codes:", ncvar_get(nc, "park_year/park_code"), "\n")
cat("tunits:", ncatt_get(nc, "park_month/time", "units")$value, "\n")
nc_close(nc)
'''
    p = subprocess.run(["Rscript", "-e", rcode, out], capture_output=True, text=True)
    got = re.search(r"^top2028: (.*)$", p.stdout, re.M)
    ok(p.returncode == 0 and got is not None and [int(x) for x in got.group(1).split()] == top_h5.tolist(),
       "R ncdf4: top_tier_count for 2028 equals h5py's", p.stdout, p.stderr, top_h5)
    ok(re.search(r"^codes: %s\s*$" % " ".join(codes), p.stdout, re.M) is not None
       and "tunits: days since 2026-01-01" in p.stdout,
       "R ncdf4: park codes and time units read", p.stdout)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-netcdf."))
