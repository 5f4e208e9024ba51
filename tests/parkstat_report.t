#!/usr/bin/python3
"""tests/parkstat_report.t - `parkstat report`: one self-contained HTML page.

Inputs are real tiny runs (a baseline with every lever off, all levers on, one
lever on under a name full of HTML metacharacters), a real saltelli sweep and a
real run over draws of priors. Checks: every number in
the headline, per-park, lever, budget and Sobol' tables equals what summary,
compare and sensitivity print in JSON (or h5py computes) for the same files;
each section is present or absent as the inputs say; nothing outside the file
is referenced (no http(s), every image a data: PNG); text is escaped; --lang zh
changes the labels and not the numbers; bad input exits 2 and never leaves or
replaces a report. Then a real browser (Debian's chromium, headless) opens the
page: the screenshot is not blank, the DOM holds the title and the rows, and the
console is silent (a control page shows that a console message would be seen).
Last, Chinese glyphs are really drawn, not boxes: six characters drawn by
gnuplot in the charts' font are each recognised as the right character against
the font's own glyphs rendered by FreeType (PIL), which a font without them
fails (the control).
"""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKSTAT, REPO, TINY, ok, run_main, skip  # noqa: E402

LEVERS = ["mergers", "revitalisation", "upgrades", "chain", "cultivation", "safety", "smart", "land", "focus"]
OFF = [a for lv in LEVERS for a in ("--set", "levers.%s.intensity=0" % lv)]
ODD = "up<&>\"'x"
R = 20


def ps(*args, env=None):
    return subprocess.run([PARKSTAT] + list(args), capture_output=True, text=True, env=env)


def run(out, *sets):
    p = subprocess.run([PARKSIM, "run", TINY, "-r", str(R), "-o", out, "-q", "--force"] + list(sets),
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("parksim run failed: " + p.stderr)


def section(html, sid):
    m = re.search(r'<section id="%s">(.*?)</section>' % sid, html, re.S)
    return m.group(1) if m else None


def rows(html, table_id):
    """Cells of each row of the table with this id (tags stripped), header excluded."""
    m = re.search(r'<table[^>]*id="%s">(.*?)</table>' % table_id, html, re.S)
    if not m:
        return []
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        if "<td" in tr:
            out.append([re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)])
    return out


def unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'") \
            .replace("&amp;", "&")


def make_inputs(tmp):
    f = {k: os.path.join(tmp, k + ".h5") for k in ("base", "all", "odd", "draws")}
    run(f["base"], *OFF, "--set", "scenario.name=tinybase")
    run(f["all"])
    run(f["odd"], *OFF, "--set", "levers.upgrades.intensity=1", "--set", "scenario.name=" + ODD,
        "--set", "scenario.description=<script>alert(1)</script>")
    p = subprocess.run([PARKSIM, "run", TINY, "--prior=" + os.path.join(REPO, "configs", "test", "priors-tiny.yaml"),
                        "--draws", "4", "--per-draw", "3", "-o", f["draws"], "-q", "--set", "output.monthly=false"],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("parksim run --prior failed: " + p.stderr)
    sw = os.path.join(tmp, "salt.yaml")
    with open(sw, "w") as s:
        s.write("scenario: %s\ndesign: saltelli\npoints: 4\nparameters:\n"
                "  - {key: levers.upgrades.intensity, min: 0, max: 1}\n"
                "  - {key: levers.safety.intensity, min: 0, max: 1}\n" % TINY)
    f["sweep"] = os.path.join(tmp, "sweep.h5")
    p = subprocess.run([PARKSIM, "sweep", sw, "-r", "8", "-o", f["sweep"], "-q", "--set", "output.monthly=false"],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("parksim sweep failed: " + p.stderr)
    return f


def check_content(tmp, f, env):
    out = os.path.join(tmp, "r.html")
    p = ps("report", f["base"], f["all"], f["odd"], f["sweep"], "-o", out, env=env)
    ok(p.returncode == 0 and out in p.stdout and os.path.exists(out), "report exits 0 and names the page",
       p.stdout, p.stderr)
    left = [n for n in os.listdir(tmp) if n.endswith(".partial")] + os.listdir(env["TMPDIR"])
    ok(not left, "no .partial file and no temporary chart left behind", left)
    html = open(out, encoding="utf-8").read()
    ok("<title>parksim report: first-tier chemical parks</title>" in html and '<html lang="en">' in html,
       "English title and language by default")

    present = [s for s in ("headline", "predictive", "fan", "parks", "levers", "budget", "sobol", "provenance")
               if section(html, s) is not None]
    ok(present == ["headline", "fan", "parks", "levers", "budget", "sobol", "provenance"],
       "sections present: all but the runs over draws (no input is one)", present)
    toc = re.findall(r'<li><a href="#(\w+)">', html)
    ok(toc == present, "the contents list exactly the sections present", toc)

    # headline: the numbers of parkstat summary
    summ = json.loads(ps("summary", f["base"], f["all"], f["odd"], "--json").stdout)
    want = []
    for s in summ:
        c = {c["year"]: c for c in s["top_tier_count"]}
        want.append([s["scenario"], s["file"]] + ["%.2f [%g, %g]" % (c[y]["mean"], c[y]["q05"], c[y]["q95"])
                                                  for y in (2027, 2028)] +
                    ["%.3f ± %.3f" % (t["p"], t["se"]) for t in s["targets"]] + [str(R)])
    got = [[unescape(c) for c in r] for r in rows(html, "headline-table")]
    ok(got == want, "headline table: one row per run file, the figures of parkstat summary", got, want)

    # per park: names in Chinese, P(top) of summary
    bad = []
    for i, s in enumerate(summ):
        r = rows(html, "parks-%d" % i)
        for prow, park in zip(r, s["park"]):
            w = ["%.3f ± %.3f" % (p, e) for p, e in zip(park["p_top"], park["p_top_se"])]
            if prow[1] != park["code"] or prow[2:] != w:
                bad.append((prow, park["code"], w))
        if len(r) != len(s["park"]):
            bad.append(("rows", i, len(r)))
    ok(not bad, "per-park tables: P(first tier) by year of parkstat summary for every park", bad)
    ok(all(">%s<" % n in html for n in ("Alpha Park 甲", "Beta Park 乙", "Gamma Park 丙")),
       "per-park tables carry the parks' names from the file, Chinese included")

    # lever effects: parkstat compare against the file with no lever on
    cmp_ = json.loads(ps("compare", f["base"], f["all"], f["odd"], "--json").stdout)
    want = []
    for pol in cmp_["policies"]:
        mc = {m["year"]: m for m in pol["mean_count"]}
        want.append([pol["scenario"], "tinybase"] +
                    ["%+.3f [%+.3f, %+.3f]" % (mc[y]["effect"], mc[y]["ci95"][0], mc[y]["ci95"][1])
                     for y in (2027, 2028)] +
                    ["%+.4f [%+.4f, %+.4f]" % (t["effect"], t["ci95"][0], t["ci95"][1]) for t in pol["p_target"]])
    got = [[unescape(c) for c in r] for r in rows(html, "levers-table")]
    ok(got == want, "lever table: each lever file against the baseline found by its scenario, as compare", got, want)

    # budget: h5py's mean of the total per replicate
    got = rows(html, "budget-table")
    want = []
    for k in ("base", "all", "odd"):
        with h5py.File(f[k], "r") as h:
            sp = h["park_year/lever_spent"][()]
        tot = sp.sum(axis=(1, 2))                              # [replicate, lever]
        tot = np.concatenate([tot, tot.sum(axis=1, keepdims=True)], axis=1)
        se = tot.std(axis=0, ddof=1) / np.sqrt(tot.shape[0])
        want.append(["%.0f ± %.0f" % (m, e) for m, e in zip(tot.mean(axis=0), se)])
    ok([r[1:] for r in got] == want and float(got[2][3].split()[0]) > 0 and float(got[0][-1].split()[0]) == 0,
       "budget table: spending per lever and in total as h5py sums it (baseline 0, upgrades > 0)", got, want)

    # Sobol: the ranking and indices of parkstat sensitivity
    sens = json.loads(ps("sensitivity", f["sweep"], "--json").stdout)
    bad = []
    for y in sens["years"]:
        got = rows(html, "sobol-3-%d" % y["year"])
        w = [[str(ix["rank"]), ix["parameter"], "%.3f [%.3f, %.3f]" % (ix["s1"], ix["s1_ci"][0], ix["s1_ci"][1]),
              "%.3f [%.3f, %.3f]" % (ix["st"], ix["st_ci"][0], ix["st_ci"][1])] for ix in y["indices"]]
        if [r[:4] for r in got] != w:
            bad.append((y["year"], got, w))
    ok(sens["years"] and not bad, "Sobol' tables of the sweep: ranking and indices of parkstat sensitivity", bad)

    # provenance: each file's build and digest
    prov = section(html, "provenance") or ""
    bad = []
    for k in ("base", "all", "odd", "sweep"):
        with h5py.File(f[k], "r") as h:
            for a in ("source", "result_digest"):
                v = h.attrs[a]
                v = v.decode() if isinstance(v, bytes) else str(v)
                if ">%s<" % v not in prov:
                    bad.append((k, a, v))
    ok(not bad and "resolved scenario" in prov, "provenance: each file's build (source) and result digest", bad)

    # self-contained and escaped
    ok(not re.search(r"https?://", html, re.I) and "<script" not in html.lower() and "<link" not in html.lower()
       and "url(" not in html, "no http(s) reference, no script, no link, no CSS url()")
    srcs = re.findall(r'<img[^>]*src="([^"]*)"', html)
    pngs = [s.startswith("data:image/png;base64,") and
            base64.b64decode(s.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n" for s in srcs]
    ok(len(srcs) == 2 and all(pngs), "both charts are data: URIs holding PNG files", len(srcs), pngs)
    hrefs = re.findall(r'href="([^"]*)"', html)
    ok(all(h.startswith("#") for h in hrefs), "every link is to a section of the page", hrefs)
    ok("up&lt;&amp;&gt;&quot;&#39;x" in html and ODD not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html,
       "scenario names and descriptions are escaped (<&>\"' and a script tag)")

    # --lang zh: other labels, same numbers
    outz = os.path.join(tmp, "rz.html")
    p = ps("report", f["base"], f["all"], f["odd"], f["sweep"], "-o", outz, "--lang", "zh", env=env)
    zh = open(outz, encoding="utf-8").read() if p.returncode == 0 else ""
    en_words = ["Headline: first-tier parks", "Lever effects against the baseline", "Budget spent per lever",
                "Provenance: scenarios and build", "Contents"]
    ok('<html lang="zh-CN">' in zh and "<title>parksim 报告：一级化工园区</title>" in zh and "目录" in zh and
       "各杠杆预算支出" in zh and "技术改造 (upgrades)" in zh and not any(w in zh for w in en_words),
       "--lang zh: Chinese title, headings and lever names, no English heading left", p.stderr)
    strip = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]
    stripz = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", zh)]
    num = re.compile(r"^[-+0-9.\[\], ±]+$")
    ok([c for c in strip if num.match(c)] == [c for c in stripz if num.match(c)] and strip,
       "--lang zh: every numeric cell is the same as in English")
    return out, html


def check_sections(tmp, f, env):
    out = os.path.join(tmp, "one.html")
    p = ps("report", f["all"], "-o", out, env=env)
    html = open(out, encoding="utf-8").read() if p.returncode == 0 else ""
    ok(p.returncode == 0 and section(html, "levers") is None and section(html, "sobol") is None and
       section(html, "headline") is not None, "one file with levers and no baseline: no lever or Sobol' section",
       p.stderr)
    out = os.path.join(tmp, "draws.html")
    p = ps("report", f["base"], f["draws"], "-o", out, env=env)
    html = open(out, encoding="utf-8").read() if p.returncode == 0 else ""
    u = section(html, "predictive") or ""
    toc = re.findall(r'<li><a href="#(\w+)">', html)
    ok("runs over parameter draws" in u and 'id="predictive-table"' in u and toc[:2] == ["headline", "predictive"] and
       "tinybase" in (section(html, "headline") or ""), "a run over draws: its own section after the headline, "
       "the run file in the headline", p.stderr, toc)


def check_errors(tmp, f, env):
    keep = os.path.join(tmp, "keep.html")
    with open(keep, "w") as k:
        k.write("an older report\n")
    foreign = os.path.join(tmp, "foreign.h5")
    with h5py.File(foreign, "w") as h:
        h["x"] = np.arange(3)
    cases = [
        ("a missing file", [os.path.join(tmp, "nowhere.h5")], "nowhere.h5"),
        ("an HDF5 file that is not parksim's", [foreign], "parksim_complete"),
        ("a target year not in the files", [f["base"], f["sweep"], "--target", "2031:1"], "2031"),
        ("an unknown --chart", [f["base"], "--chart", "nosuch"], "nosuch"),
        ("--lang fr", [f["base"], "--lang", "fr"], "--lang"),
    ]
    for desc, args, msg in cases:
        p = ps("report", *args, "-o", keep, env=env)
        ok(p.returncode == 2 and "parkstat: error:" in p.stderr and msg in p.stderr and
           open(keep).read() == "an older report\n" and not os.path.exists(keep + ".partial"),
           "refused with exit 2 and a message, the existing report untouched: " + desc, p.returncode, p.stderr)
    p = ps("report", f["base"], env=env)
    ok(p.returncode == 2 and "-o REPORT.html" in p.stderr, "no -o: usage, exit 2", p.stderr)
    p = ps("report", f["base"], "-o", keep, env=dict(env, GNUPLOT="/nonexistent/gnuplot"))
    ok(p.returncode == 1 and "gnuplot" in p.stderr and open(keep).read() == "an older report\n",
       "gnuplot missing: exit 1, the existing report untouched", p.stderr)


def chromium(*args, tmp):
    c = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         "--user-data-dir=" + os.path.join(tmp, "chrome")] + list(args)
    return subprocess.run(c, capture_output=True, text=True, timeout=120)


def console(stderr):
    """Lines of the page's console (chromium logs each message as INFO:CONSOLE)."""
    return [ln for ln in stderr.splitlines() if ":CONSOLE" in ln]


def check_browser(tmp, out):
    if not shutil.which("chromium"):
        skip("chromium not installed (make test installs it)", 5)
        return
    from PIL import Image
    shot = os.path.join(tmp, "shot.png")
    p = chromium("--screenshot=" + shot, "--window-size=1200,1800", "file://" + out, tmp=tmp)
    ok(p.returncode == 0 and os.path.exists(shot), "chromium renders the page to a screenshot", p.stderr[-2000:])
    if os.path.exists(shot):
        img = Image.open(shot).convert("RGB")
        colours = img.getcolors(maxcolors=1 << 22)
        top = max(colours)[0]
        share = 1 - top / (img.width * img.height)
        ok(img.size == (1200, 1800) and len(colours) > 50 and share > 0.05,
           "the screenshot is not blank: %d colours, %.1f%% of pixels not background" % (len(colours), 100 * share))
    else:
        ok(False, "the screenshot is not blank (no screenshot)")
    cons = console(p.stderr)
    p = chromium("--dump-dom", "file://" + out, tmp=tmp)
    dom = p.stdout
    ok("<title>parksim report: first-tier chemical parks</title>" in dom and 'id="headline-table"' in dom and
       re.search(r'<td class="l">tinybase</td>', dom) and "Alpha Park 甲" in dom,
       "the browser's DOM holds the title, the headline table and its rows", dom[:300])
    ok(not cons and not console(p.stderr), "the console stays silent (no error, no blocked resource)", cons,
       console(p.stderr))
    ctl = os.path.join(tmp, "control.html")
    with open(ctl, "w") as c:
        c.write("<!DOCTYPE html><title>c</title><script>console.error('control-error')</script>"
                "<script>undefined_function()</script>")
    p = chromium("--dump-dom", "file://" + ctl, tmp=tmp)
    cons = console(p.stderr)
    ok(any("control-error" in ln for ln in cons) and any("Uncaught" in ln for ln in cons),
       "control: a console.error and an uncaught error on a page are seen this way", cons)


def cells(img, n):
    """n equal cells across the image: each the ink (dark pixels) cropped and scaled to 24x24."""
    from PIL import Image
    g = np.asarray(img.convert("L"), dtype=float)
    w = g.shape[1] / n
    out = []
    for i in range(n):
        c = g[:, int(i * w):int((i + 1) * w)]
        ink = c < 128
        if not ink.any():
            out.append(np.zeros(24 * 24))
            continue
        ys, xs = np.nonzero(ink)
        c = c[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        v = np.asarray(Image.fromarray(c.astype(np.uint8)).resize((24, 24), Image.BILINEAR), dtype=float)
        v = 255 - v
        out.append((v - v.mean()) / (v.std() + 1e-9))
    return [c.ravel() for c in out]


def pil_cells(fontfile, chars):
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(fontfile, 80)
    img = Image.new("L", (120 * len(chars), 160), 255)
    d = ImageDraw.Draw(img)
    for i, ch in enumerate(chars):
        d.text((120 * i + 20, 30), ch, font=font, fill=0)
    return cells(img, len(chars))


def recognised(drawn, ref):
    """Correlation matrix; each drawn cell must match its own character best, clearly."""
    c = np.array([[float(np.dot(a, b)) / len(a) for b in ref] for a in drawn])
    return all(int(np.argmax(c[i])) == i and c[i, i] > 0.5 for i in range(len(drawn))), c


def check_glyphs(tmp, f):
    if not shutil.which("gnuplot") or not shutil.which("fc-match"):
        skip("gnuplot or fontconfig missing", 4)
        return
    try:
        from PIL import ImageFont  # noqa: F401
    except ImportError:
        skip("python3-pil missing (make test installs it)", 4)
        return
    gp = os.path.join(tmp, "fig.gp")
    p = ps("plot", f["base"], "-o", os.path.join(tmp, "fig.png"), "--script", gp)
    script = open(gp, encoding="utf-8").read() if p.returncode == 0 else ""
    m = re.search(r"pngcairo .*font '([^,']+),", script)
    family = m.group(1) if m else ""
    ok(family and '"Alpha Park 甲"' in script and '"Gamma Park 丙"' in script,
       "parkstat plot draws the per-park chart with the park names (Chinese) in font '%s'" % family)
    chars = "甲乙园区级高"
    cjk = os.path.join(tmp, "cjk.png")
    gp2 = os.path.join(tmp, "cjk.gp")
    with open(gp2, "w", encoding="utf-8") as g:
        g.write("set terminal pngcairo size %d,160 font '%s,40' background rgb 'white'\nset output '%s'\n"
                "unset border\nunset tics\nunset key\nset margins 0,0,0,0\nset xrange [0:%d]\nset yrange [0:1]\n"
                % (120 * len(chars), family, cjk, len(chars)))
        for i, ch in enumerate(chars):
            g.write("set label %d \"%s\" at %g,0.5 center\n" % (i + 1, ch, i + 0.5))
        g.write("plot -1 notitle\nunset output\n")
    p = subprocess.run(["gnuplot", gp2], capture_output=True, text=True, timeout=60)
    from PIL import Image
    drawn = cells(Image.open(cjk), len(chars)) if p.returncode == 0 and os.path.exists(cjk) else []
    diff = [float(np.abs(a - b).mean()) for i, a in enumerate(drawn) for b in drawn[i + 1:]]
    ok(len(drawn) == len(chars) and min(diff) > 0.2, "gnuplot draws six distinct glyphs for six Chinese "
       "characters (identical boxes would not be): least mean difference %.2f" % (min(diff) if diff else -1), p.stderr)
    fontfile = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout
    good, c = recognised(drawn, pil_cells(fontfile, chars)) if drawn else (False, None)
    ok(good, "each drawn glyph is recognised as its character against the font's own glyphs (%s)" % fontfile,
       np.round(c, 2) if c is not None else "no cells")
    # control: a font without Chinese glyphs draws none of them; the same check must fail
    latin = [p for p in glob.glob("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    bad, c2 = recognised(drawn, pil_cells(latin[0], chars)) if latin and drawn else (True, None)
    ok(latin and not bad, "control: against a font without Chinese glyphs (DejaVu Sans) the check fails",
       np.round(c2, 2) if c2 is not None else "no DejaVu")


def main(tmp):
    env = dict(os.environ, TMPDIR=os.path.join(tmp, "t"))
    os.makedirs(env["TMPDIR"])
    f = make_inputs(tmp)
    out, _ = check_content(tmp, f, env)
    check_sections(tmp, f, env)
    check_errors(tmp, f, env)
    check_browser(tmp, out)
    check_glyphs(tmp, f)


sys.exit(run_main(main, "parkstat-report-"))
