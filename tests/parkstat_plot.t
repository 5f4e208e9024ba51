#!/usr/bin/python3
"""tests/parkstat_plot.t - `parkstat plot`: PNGs through gnuplot.

The fan chart and the per-park bars are valid PNG files (signature, IHDR
dimensions as requested, nonzero size); the gnuplot script they came from
(--script) holds exactly the numbers computed here with numpy (quantiles
5/25/50/75/95% by linear interpolation, means, per-park P(top tier)) and the
targets; without gnuplot the command fails with a clear message (exit 1) and
leaves no PNG or .partial file; bad arguments exit 2.
"""
import os
import re
import shutil
import struct
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parkstat_synth as syn  # noqa: E402
from taplib import PARKSTAT, ok, run_main, skip  # noqa: E402


def ps(*args, env=None):
    return subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True, env=env)


def png_size(path):
    """(width, height) from the IHDR chunk, or None if not a PNG."""
    with open(path, "rb") as f:
        head = f.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def blocks(script):
    """The inline data blocks of a gnuplot script: name -> rows of tokens."""
    out = {}
    for m in re.finditer(r"^\$(\w+) << EOD\n(.*?)^EOD$", script, re.M | re.S):
        out[m.group(1)] = [ln.split() for ln in m.group(2).splitlines() if ln and not ln.startswith("#")]
    return out


def main(tmp):
    if not shutil.which("gnuplot"):
        skip("gnuplot not installed (make deps)", 6)
        return
    rng = np.random.default_rng(3)
    files, tiers = [], []
    for i, name in enumerate(("base", "policy")):
        tier = syn.markov_tiers(rng, 500, 4, 6)
        f = os.path.join(tmp, name + ".h5")
        syn.write_run(f, (tier == 1).sum(axis=2), tier, name=name)
        files.append(f)
        tiers.append(tier)
    out = os.path.join(tmp, "fig.png")
    gp = os.path.join(tmp, "fig.gp")
    p = ps("plot", *files, "-o", out, "--script", gp, "--target", "2027:3", "--target", "2028:4")
    ok(p.returncode == 0 and out in p.stdout and "fig-parks.png" in p.stdout, "plot exits 0 and names both PNGs",
       p.stdout, p.stderr)
    bars = os.path.join(tmp, "fig-parks.png")
    ok(png_size(out) == (900, 560) and os.path.getsize(out) > 5000,
       "fan chart is a PNG of 900x560 (%s, %d bytes)" % (png_size(out), os.path.getsize(out) if os.path.exists(out) else 0))
    ok(png_size(bars) == (900, 60 + 380 * 2) and os.path.getsize(bars) > 5000,
       "per-park bars: a PNG with one 380-pixel panel per scenario (%s)" % (png_size(bars),))
    ok(not [n for n in os.listdir(tmp) if n.endswith(".partial") or n.endswith(".tmp")], "no .partial or temporary "
       "files left", os.listdir(tmp))

    script = open(gp).read()
    b = blocks(script)
    bad = []
    for i, tier in enumerate(tiers):
        top = (tier == 1).sum(axis=2)
        for y, row in enumerate(b.get("fan%d" % i, [])):
            want = [2025 + y] + [float("%.6g" % np.percentile(top[:, y], q)) for q in (5, 25, 50, 75, 95)] + \
                   [float("%.6g" % top[:, y].mean())]
            if [float(v) for v in row] != want:
                bad.append(("fan", i, row, want))
        pk = (tier == 1).mean(axis=0)                      # [year, park]
        for j, row in enumerate(b.get("parks%d" % i, [])):
            want = ['"park%02d"' % j] + ["%.6g" % v for v in pk[:, j]]
            if row != want:
                bad.append(("parks", i, row, want))
    ok(len(b.get("fan0", [])) == 4 and len(b.get("parks1", [])) == 6 and not bad,
       "the script's data blocks hold the quantiles, means and per-park P(top tier) computed with numpy", *bad[:4])
    ok(b.get("targets") == [["2027", "3"], ["2028", "4"]] and "title 'target'" in script,
       "the targets are in the script and drawn", b.get("targets"))
    ok("base 90%" in script and "policy median" in script, "each scenario has its bands and median in the legend")

    p = ps("plot", files[0], "-o", os.path.join(tmp, "small.png"), "--size", "640x400")
    ok(p.returncode == 0 and png_size(os.path.join(tmp, "small.png")) == (640, 400), "--size 640x400 is obeyed")

    # no gnuplot: clear message, exit 1, nothing written
    for desc, env in (("GNUPLOT=/nonexistent/gnuplot", dict(os.environ, GNUPLOT="/nonexistent/gnuplot")),
                      ("PATH without gnuplot", dict(os.environ, PATH=tmp))):
        o = os.path.join(tmp, "none.png")
        p = ps("plot", files[0], "-o", o, env=env)
        ok(p.returncode == 1 and "gnuplot not found" in p.stderr and "gnuplot-nox" in p.stderr and
           not os.path.exists(o) and not os.path.exists(o + ".partial"),
           "missing gnuplot (%s): exit 1, says how to install it, writes nothing" % desc, p.stderr)
    # a gnuplot that fails: exit 1, no PNG under the final name
    fake = os.path.join(tmp, "fakegnuplot")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho 'fake gnuplot failure' >&2\nexit 3\n")
    os.chmod(fake, 0o755)
    o = os.path.join(tmp, "fail.png")
    p = ps("plot", files[0], "-o", o, env=dict(os.environ, GNUPLOT=fake))
    ok(p.returncode == 1 and "gnuplot" in p.stderr and "exit status 3" in p.stderr and not os.path.exists(o),
       "a failing gnuplot: exit 1, its status reported, no PNG", p.stderr)

    for desc, args in (("no -o", [files[0]]), ("-o not .png", [files[0], "-o", os.path.join(tmp, "x.jpg")]),
                       ("bad --size", [files[0], "-o", out, "--size", "big"]), ("no files", ["-o", out])):
        p = ps("plot", *args)
        ok(p.returncode == 2, "bad arguments (%s): exit 2" % desc, p.stderr)


if __name__ == "__main__":
    sys.exit(run_main(main, "parkstat-plot."))
