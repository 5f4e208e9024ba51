#!/usr/bin/python3
"""How many chemical parks reach the first tier (一级)?  Read parksim output with xarray.

For each output file (one per scenario) this prints
  1. the distribution over Monte-Carlo replicates of the number of first-tier
     parks in one year (2028 unless --year says otherwise): counts and shares;
  2. per park, the probability of being at the first tier in each assessed
     year (2025 is the initial state, before any simulated year).

Usage:
    analysis/examples/top_tier.py results/jiangxi-baseline.h5 results/jiangxi-mergers.h5
    analysis/examples/top_tier.py --year 2027 results/*.h5

Needs only xarray and h5netcdf (Debian: /usr/bin/python3 with python3-xarray
and python3-h5netcdf), no parksim code. Copy it and adapt it.
"""
import argparse

import numpy as np
import xarray as xr

parser = argparse.ArgumentParser(description="First-tier parks in parksim output files")
parser.add_argument("files", nargs="+", help="parksim output files (.h5)")
parser.add_argument("--year", type=int, default=2028, help="year of the distribution (default 2028)")
args = parser.parse_args()

for path in args.files:
    # Each group of the file is a self-contained NetCDF-4 dataset; open it by name.
    # The root group holds the run's metadata (scenario name, seed, the resolved scenario...).
    meta = xr.open_dataset(path, engine="h5netcdf")
    summary = xr.open_dataset(path, group="summary", engine="h5netcdf")      # [replicate, year]
    park_year = xr.open_dataset(path, group="park_year", engine="h5netcdf")  # [replicate, year, park, ...]

    # 1. Number of first-tier parks in the year, one value per replicate.
    count = summary.top_tier_count.sel(year=args.year)
    n = count.sizes["replicate"]
    values, freq = np.unique(count.values, return_counts=True)
    print(f"== {meta.attrs['scenario_name']}  ({path}, {n} replicates)")
    print(f"first-tier parks in {args.year}: mean {float(count.mean()):.2f}")
    print("  count  replicates   share")
    for v, k in zip(values, freq):
        print(f"  {v:5d}  {k:10d}  {k / n:6.3f}")

    # 2. P(park at the first tier): the share of replicates with tier == 1,
    #    per park and year. park_code and park_name label the park axis.
    p_top = (park_year.tier == 1).mean("replicate").transpose("park", "year")
    print("P(first tier) by park and year:")
    print("  park      " + "".join(f"{y:>7d}" for y in park_year.year.values) + "  name")
    for i in range(p_top.sizes["park"]):
        row = p_top.isel(park=i)
        print(f"  {str(row.park_code.values):<8s}  " + "".join(f"{p:7.3f}" for p in row.values)
              + f"  {row.park_name.values}")
    print()
    for ds in (meta, summary, park_year):
        ds.close()
