#!/usr/bin/python3
"""Generate a national-scale SYNTHETIC park file for parksim (scaling benchmark).

    /usr/bin/python3 scripts/national-population.py [--parks 700] [--firms 100000]
                                                    [--seed 20260601] [-o FILE]

Writes a park file in the format of configs/parks/jiangxi-2025.csv (docs/CONFIG.md
section 5): the same 13 columns, one park per line. The parks are invented: codes
are `synNNNN`, names `SYNTHETIC park NNNN`, cities `synthetic_city_NNN`, and the
`basis` column of every row says `synthetic`. The file exists to measure how parksim
scales to the size of the national park population (about 700 recognised chemical
parks, SOURCES §3.1: 678-745 in 2024), not to describe real parks; no
result computed on it says anything about a real park or province.

Where each column comes from ([V] = a verified fact of docs/SOURCES.md, [J] = fitted on
or resampled from the Jiangxi file configs/parks/jiangxi-2025.csv, which the script
reads, [A] = an assumption of this script):

- revenue: the park falls in a revenue bracket with the national shares of the
  616 CPCIF key parks at the end of 2020, >1000亿 2.8%, 500-1000亿 5.7%, 100-500亿
  35.6%, <100亿 56.0% [V section 3.1]; within the bracket, log-uniform [A]; the open
  brackets are closed at 10亿 below and 3000亿 above [A].
- class: L from 300亿, M 100-300亿, S below 100亿 (the class cut-offs of docs/SOURCES.md
  section 5.1 [A there]). (The Jiangxi file classes 彭泽, at 250亿, as L; here the class
  is the revenue band only.)
- firms: ln firms = b ln revenue + e, e ~ N(0, s^2), with the slope b and the residual
  spread s of the least-squares fit on the Jiangxi file [J] (b about 0.73, s about
  0.16); the level is then scaled so that the parks hold exactly --firms firms in total
  (largest-remainder rounding, at least 2 per park). The total (100,000 by default) is
  the benchmark's size, not a verified count: it gives about 140 firms per park, twice
  the Jiangxi mean of 67, because the national population has more large parks and
  because the firm counts of the Jiangxi file cover only the chemical part of each park.
- land_mu: ln land = a + c ln revenue + e, fitted on the Jiangxi file likewise [J].
- chains (how many), industries (chains plus the extra ones), smart_level,
  idle_share, and whether the park has an anchor firm with what share of the park's
  revenue: the tuple of one Jiangxi park of the same class, drawn uniformly [J] (for a
  class the Jiangxi file lacks, all Jiangxi parks). In the Jiangxi file every L park and
  no M or S park has an anchor (SOURCES §5.1 allows 0-1 in M parks [A]).
- smart_level 2: about 50 smart chemical demonstration parks by 2025 [V section 1.7],
  i.e. round(50 * parks / 700) parks, drawn uniformly among the L parks [A] (the Jiangxi
  file has no level-2 park).
- chain names: drawn without replacement from the chain names of the Jiangxi file [J]
  (labels only: the model reads only how many chains a park has).

Determinism: one PCG64 stream seeded with --seed; only its raw 64-bit output is used
(turned into uniforms and, by Box-Muller, normals here), because numpy promises a fixed
stream for a bit generator but not for Generator's distribution methods. Numbers are
written rounded (revenue and land to whole units, shares to three decimals), so the
output is the same byte for byte for the same arguments and the same Jiangxi file.
tests/national.t checks that configs/parks/national-synthetic.csv is this script's
output with its default arguments; after changing the script or the Jiangxi file,
regenerate it:

    /usr/bin/python3 scripts/national-population.py -o configs/parks/national-synthetic.csv
"""
import argparse
import csv
import io
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
JIANGXI = os.path.join(os.path.dirname(HERE), "configs", "parks", "jiangxi-2025.csv")
YI = 1e4  # 1亿元 in the file's unit, CNY 1e4 (万元)

# National revenue brackets (亿元) and their shares, SOURCES §3.1 [V]; the
# outer bounds 10 and 3000 are assumptions.
BRACKETS = [(10, 100, 0.560), (100, 500, 0.356), (500, 1000, 0.057), (1000, 3000, 0.028)]
L_FROM, M_FROM = 300 * YI, 100 * YI
SMART_DEMO_PARKS, NATIONAL_PARKS = 50, 700  # SOURCES §1.7 [V], 3.1 [V]
COLUMNS = ["code", "name", "city", "class", "firms", "revenue", "land_mu", "idle_share", "chains",
           "industries", "smart_level", "anchor_revenue", "basis"]


class Stream:
    """Uniforms and normals from the raw PCG64 output (a stream numpy keeps fixed)."""

    def __init__(self, seed):
        self.bg = np.random.PCG64(seed)

    def uniform(self):
        # 53 random bits in (0, 1): never 0, so log() below is safe
        return ((int(self.bg.random_raw()) >> 11) + 0.5) / 9007199254740992.0

    def normal(self):
        # one Box-Muller draw per call (the second one is thrown away: simplicity
        # over speed for 700 parks)
        u1, u2 = self.uniform(), self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def index(self, n):
        return min(int(self.uniform() * n), n - 1)


def read_jiangxi(path):
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if line.strip() and not line.lstrip().startswith("#")))
    if len(rows) < 3:
        sys.exit("%s: fewer than 3 parks, nothing to fit" % path)
    return rows


def fit(x, y):
    """Least squares y = a + b x; returns a, b and the residual sd (n - 2 degrees of freedom)."""
    b, a = np.polyfit(x, y, 1)
    r = y - (a + b * x)
    return float(a), float(b), float(math.sqrt((r @ r) / (len(x) - 2)))


def largest_remainder(weights, total, floor):
    """Whole numbers >= floor, proportional to weights, summing to total."""
    n = len(weights)
    if total < floor * n:
        sys.exit("--firms %d is too small for %d parks (at least %d each)" % (total, n, floor))
    share = (total - floor * n) * weights / weights.sum()
    whole = np.floor(share).astype(np.int64)
    rest = int(total - floor * n - whole.sum())
    # ties broken by park index, so that the result is deterministic
    order = sorted(range(n), key=lambda i: (-(share[i] - whole[i]), i))
    for i in order[:rest]:
        whole[i] += 1
    return whole + floor


def generate(n_parks, n_firms, seed, jiangxi_path=JIANGXI):
    jx = read_jiangxi(jiangxi_path)
    ln_rev = np.log([float(r["revenue"]) for r in jx])
    _, b_firms, s_firms = fit(ln_rev, np.log([float(r["firms"]) for r in jx]))
    a_land, b_land, s_land = fit(ln_rev, np.log([float(r["land_mu"]) for r in jx]))
    chain_names = sorted({c.strip() for r in jx for c in r["chains"].split(";") if c.strip()})
    by_class = {}
    for r in jx:
        n_ch = len([c for c in r["chains"].split(";") if c.strip()])
        rev, anc = float(r["revenue"]), float(r["anchor_revenue"])
        by_class.setdefault(r["class"], []).append(
            (n_ch, int(r["industries"]) - n_ch, int(r["smart_level"]), float(r["idle_share"]), anc / rev))

    rs = Stream(seed)
    cum = np.cumsum([w for _, _, w in BRACKETS])
    parks = []
    for k in range(n_parks):
        u = rs.uniform() * cum[-1]
        lo, hi, _ = BRACKETS[min(int(np.searchsorted(cum, u, side="right")), len(BRACKETS) - 1)]
        rev = round(math.exp(math.log(lo) + rs.uniform() * (math.log(hi) - math.log(lo))) * YI)
        cls = "L" if rev >= L_FROM else "M" if rev >= M_FROM else "S"
        pool = by_class.get(cls) or [t for v in by_class.values() for t in v]
        n_ch, extra, smart, idle, anchor_share = pool[rs.index(len(pool))]
        names = list(chain_names)
        chains = []
        for _ in range(min(n_ch, len(names))):
            chains.append(names.pop(rs.index(len(names))))
        land = max(1, round(math.exp(a_land + b_land * math.log(rev) + s_land * rs.normal())))
        parks.append({
            "code": "syn%04d" % (k + 1), "name": "SYNTHETIC park %04d" % (k + 1),
            "city": "synthetic_city_%03d" % (1 + rs.index(300)), "class": cls, "revenue": rev,
            "land_mu": land, "idle_share": idle, "chains": ";".join(chains),
            "industries": max(1, len(chains) + extra), "smart_level": smart,
            "anchor_revenue": round(anchor_share * rev) if anchor_share > 0 else 0,
            "w_firms": math.exp(b_firms * math.log(rev) + s_firms * rs.normal()),
        })
    large = [p for p in parks if p["class"] == "L"]
    n_top = min(len(large), round(SMART_DEMO_PARKS * n_parks / NATIONAL_PARKS))
    for _ in range(n_top):
        large.pop(rs.index(len(large)))["smart_level"] = 2
    firms = largest_remainder(np.array([p["w_firms"] for p in parks]), n_firms, 2)
    for p, f in zip(parks, firms):
        p["firms"] = int(f)
        p["basis"] = "synthetic"
    return parks, {"b_firms": b_firms, "s_firms": s_firms, "a_land": a_land, "b_land": b_land, "s_land": s_land}


def render(parks, fits, args):
    out = io.StringIO()
    out.write("# SYNTHETIC national-scale park population for the scaling benchmark (make bench).\n")
    out.write("# NOT real parks: generated by scripts/national-population.py --parks %d --firms %d --seed %d\n"
              % (args.parks, args.firms, args.seed))
    out.write("# from the national revenue brackets (SOURCES §3.1) and fits on configs/parks/jiangxi-2025.csv\n")
    out.write("# (firms ~ revenue^%.3f, sd %.3f; land ~ revenue^%.3f, sd %.3f); see the script's docstring.\n"
              % (fits["b_firms"], fits["s_firms"], fits["b_land"], fits["s_land"]))
    out.write("# Units: revenue and anchor_revenue in CNY 1e4 (万元) per year; land in mu. Do not edit: regenerate.\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for p in parks:
        w.writerow([p["code"], p["name"], p["city"], p["class"], p["firms"], "%d" % p["revenue"],
                    "%d" % p["land_mu"], "%.3f" % p["idle_share"], p["chains"], p["industries"],
                    p["smart_level"], "%d" % p["anchor_revenue"], p["basis"]])
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parks", type=int, default=700, help="number of parks (default 700)")
    ap.add_argument("--firms", type=int, default=100000, help="total firms at the start (default 100000)")
    ap.add_argument("--seed", type=int, default=20260601, help="seed of the PCG64 stream (default 20260601)")
    ap.add_argument("-o", "--output", default="-", help="output file (default: standard output)")
    ap.add_argument("--jiangxi", default=JIANGXI, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not 1 <= args.parks <= 100000:
        ap.error("--parks must be from 1 to 100000 (the park file's limit)")
    if args.seed < 0:
        ap.error("--seed must be 0 or more")
    parks, fits = generate(args.parks, args.firms, args.seed, args.jiangxi)
    text = render(parks, fits, args)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, args.output)
    n = np.array([p["firms"] for p in parks])
    cls = [p["class"] for p in parks]
    print("national-population: %d parks (L %d, M %d, S %d), %d firms (median %d, max %d per park), "
          "revenue %.0f亿元" % (len(parks), cls.count("L"), cls.count("M"), cls.count("S"), n.sum(),
                              np.median(n), n.max(), sum(p["revenue"] for p in parks) / YI), file=sys.stderr)


if __name__ == "__main__":
    main()
