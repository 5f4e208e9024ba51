#!/usr/bin/python3
"""tests/examples.t - the copyable analysis examples give the right numbers.

Runs analysis/examples/top_tier.py (xarray) and analysis/examples/top_tier.R
(ncdf4; skipped when R or ncdf4 is missing: `make deps-r`; with CI=true,
where .ci/run installs them, they fail instead) on two small outputs and checks every number they print against values computed here,
independently, with h5py: the distribution (counts, shares, mean) of the
first-tier park count in 2028 (and 2027 with --year) per scenario, and the
per-park, per-year probability of being at the first tier.

Also `parkstat headline` must agree with the same h5py values.

Binaries: $PARKSIM (default <repo>/bin/parksim), $PARKSTAT (<repo>/bin/parkstat).
"""
import os
import re
import shutil
import subprocess
import sys
import traceback

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKSTAT, TINY, need, ok, run_main, skip  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "analysis", "examples")


def expected(path, year):
    """What the examples must print for one file, computed with h5py."""
    with h5py.File(path, "r") as f:
        name = f.attrs["scenario_name"].decode()
        years = f["summary/year"][()].tolist()
        count = f["summary/top_tier_count"][:, years.index(year)]
        tier = f["park_year/tier"][()]                         # [replicate, year, park]
        codes = f["park_year/park_code"].asstr()[()].tolist()
    values, freq = np.unique(count, return_counts=True)
    n = len(count)
    p_top = (tier == 1).mean(axis=0)                             # [year, park]
    return {
        "name": name, "replicates": n, "year": year, "mean": "%.2f" % count.mean(),
        "dist": [(int(v), int(k), "%.3f" % (k / n)) for v, k in zip(values, freq)],
        "years": years,
        "parks": [(c, ["%.3f" % p for p in p_top[:, i]]) for i, c in enumerate(codes)],
    }


def parse(out):
    """The examples' output: one section per file, as the same structure as expected()."""
    secs = []
    for block in re.split(r"^(?=== )", out, flags=re.M):
        if not block.startswith("== "):
            continue
        lines = block.splitlines()
        m = re.match(r"^== (\S+)  \((.+), (\d+) replicates?\)$", lines[0])
        s = {"name": m.group(1), "file": m.group(2), "replicates": int(m.group(3)), "dist": [], "parks": []}
        part = None
        for line in lines[1:]:
            m = re.match(r"^first-tier parks in (\d+): mean (\S+)$", line)
            if m:
                s["year"], s["mean"] = int(m.group(1)), m.group(2)
            elif line.strip().startswith("count"):
                part = "dist"
            elif line.startswith("P(first tier)"):
                part = "head"
            elif part == "head":
                s["years"] = [int(t) for t in line.split()[1:-1]]
                part = "parks"
            elif part == "dist" and line.strip():
                v, k, share = line.split()
                s["dist"].append((int(v), int(k), share))
            elif part == "parks" and line.strip():
                tok = line.split()
                s["parks"].append((tok[0], tok[1:1 + len(s["years"])]))
        secs.append(s)
    return secs


def check_example(label, cmd, files, tmp):
    """Run one example on the files (default year, then --year 2027) and check its numbers."""
    p = subprocess.run(cmd + files, capture_output=True, text=True)
    if not ok(p.returncode == 0, "%s: exit 0 on %d files" % (label, len(files)), p.stderr):
        skip("%s failed" % label, 5)
        return
    try:
        got = parse(p.stdout)
    except Exception:
        got = []
        print("# " + traceback.format_exc().replace("\n", "\n# "))
    want = [expected(f, 2028) for f in files]
    ok([(s["name"], s["file"], s["replicates"]) for s in got] == [(w["name"], f, w["replicates"]) for w, f in
                                                                   zip(want, files)],
       "%s: one section per file, with scenario name and replicate count" % label, p.stdout)
    ok(len(got) == len(want) and all(s.get("year") == 2028 and s["dist"] == w["dist"] for s, w in zip(got, want)),
       "%s: 2028 top-tier count distribution (counts and shares) per scenario" % label,
       "got:  %s" % [s["dist"] for s in got], "want: %s" % [w["dist"] for w in want])
    ok(len(got) == len(want) and all(s.get("mean") == w["mean"] for s, w in zip(got, want)),
       "%s: mean 2028 top-tier count per scenario %s" % (label, [w["mean"] for w in want]),
       "got: %s" % [s.get("mean") for s in got])
    ok(len(got) == len(want) and all(s.get("years") == w["years"] and s["parks"] == w["parks"]
                                     for s, w in zip(got, want)),
       "%s: per-park probability of the first tier in each year %s" % (label, want[0]["years"]),
       "got:  %s" % [(s.get("years"), s["parks"]) for s in got],
       "want: %s" % [(w["years"], w["parks"]) for w in want])
    p = subprocess.run(cmd + ["--year", "2027", files[0]], capture_output=True, text=True)
    w = expected(files[0], 2027)
    got = parse(p.stdout) if p.returncode == 0 else []
    ok(len(got) == 1 and got[0].get("year") == 2027 and got[0]["dist"] == w["dist"] and got[0]["mean"] == w["mean"],
       "%s --year 2027: the 2027 distribution" % label, p.stdout, p.stderr, "want: %s" % w["dist"])


def main(tmp):
    files = []
    for name, extra in (("tiny", []), ("tiny-b", ["-r", "9", "-s", "7", "--set", "scenario.name=tiny-b"])):
        out = os.path.join(tmp, name + ".h5")
        p = subprocess.run([PARKSIM, "run", TINY, "-o", out, "--quiet"] + extra, capture_output=True, text=True)
        ok(p.returncode == 0, "parksim run %s: exit 0" % name, p.stderr)
        files.append(out)
    spread = [expected(f, 2028)["dist"] for f in files]
    ok(spread[0] != spread[1], "the two outputs have different distributions (the check can tell them apart)",
       spread)

    py = os.path.join(EXAMPLES, "top_tier.py")
    ok(os.access(py, os.X_OK) and open(py).readline().strip() == "#!/usr/bin/python3",
       "top_tier.py is executable with #!/usr/bin/python3")
    check_example("top_tier.py", [py], files, tmp)

    # parkstat headline: mean, 90% interval and P(count >= 1) in 2028 from the same files
    if not os.access(PARKSTAT, os.X_OK):
        skip("%s not built (make all)" % PARKSTAT)
    else:
        p = subprocess.run([PARKSTAT, "headline", "--target", "2028:1"] + files, capture_output=True, text=True)
        want = []
        for f in files:
            with h5py.File(f, "r") as h:
                c = h["summary/top_tier_count"][:, h["summary/year"][()].tolist().index(2028)].astype(float)
                want.append("%s %.1f [%g, %g] %.3f %d" % (
                    h.attrs["scenario_name"].decode(), c.mean(), np.percentile(c, 5), np.percentile(c, 95),
                    (c >= 1).mean(), len(c)))
        got = [" ".join(line.replace("[ ", "[").split()) for line in p.stdout.splitlines()[1:]]
        ok(p.returncode == 0 and got == want, "parkstat headline --target 2028:1 agrees with h5py: %s" % want,
           p.stdout, p.stderr)

    rs = os.path.join(EXAMPLES, "top_tier.R")
    have_r = shutil.which("Rscript") is not None and subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(ncdf4))"], capture_output=True).returncode == 0
    if have_r:
        check_example("top_tier.R", ["Rscript", rs], files, tmp)
    else:
        need("R/ncdf4 not installed (make deps-r)", 6)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-examples."))
