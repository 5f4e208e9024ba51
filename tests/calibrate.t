#!/usr/bin/python3
"""tests/calibrate.t - `parksim calibrate` (issue 3, item 3).

The default Jiangxi scenario must reproduce the calibration targets: calibrating
it again finds parameters equal to the shipped defaults (a fixed point) and
meets every target within its stated tolerance. The fitted overlay is a valid
scenario that reproduces the fit; an existing overlay is not replaced without
--force; an unreachable target is reported (exit 1, NOT MET) and bad input is
exit 2.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, check, ok, run_main  # noqa: E402

BASELINE = os.path.join(REPO, "configs", "jiangxi-baseline.yaml")
FITTED = ["population.size_sigma", "population.tech_mean", "firm.growth_drift",
          "assessment.tier1_min", "assessment.tier2_min", "firm.exit_rate"]


def run(*args, cwd=None):
    return subprocess.run([PARKSIM, *args], capture_output=True, text=True, cwd=cwd)


def rows(out):
    """{quantity: (target, achieved, tolerance, parameter, value or None, met, status)} from the report;
    met is True for ok and for override (an assumed count given up for a verified park fact)."""
    got = {}
    for line in out.splitlines():
        m = re.match(r"^(.{34})\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(ok|NOT MET|override)$", line)
        if m:
            q = m.group(1).strip()
            v = None if m.group(6) == "-" else float(m.group(6))
            got[q] = (float(m.group(2)), float(m.group(3)), float(m.group(4)), m.group(5), v, m.group(7) != "NOT MET",
                      m.group(7))
    return got


def resolved(path, *sets):
    """{key: value} of `parksim validate` for the fitted keys."""
    p = run("validate", path, *sum([["--set", s] for s in sets], []))
    vals, sect = {}, []
    for line in p.stdout.splitlines():
        m = re.match(r"^( *)([a-z_0-9]+):\s*(.*)$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        sect = sect[:depth] + [m.group(2)]
        if m.group(3) and m.group(3) not in ("", "|"):
            vals[".".join(sect)] = m.group(3)
    return p.returncode, vals


def main(tmp):
    # ---- the shipped defaults are calibrated (default calibration.replicates)
    p = run("calibrate", BASELINE)
    r = rows(p.stdout)
    ok(p.returncode == 0, "calibrate the Jiangxi baseline: exit 0 (every target met)", p.stdout, p.stderr)
    ok(len(r) == 9 and all(v[5] for v in r.values()), "9 report rows, all met", p.stdout)
    fact = r.get("jishui_chem at tier <= 2, 2025")
    check("吉水, verified 二级, is at least 二级 in at least 80% of the replicates of 2025", lambda: (
        fact is not None and fact[1] >= 0.8 and fact[3] == "assessment.tier2_min", fact))
    t2row = r.get("second-tier parks, 2025")
    check("the assumed ~9 second-tier parks give way to the verified fact: override, more parks at 二级, same cut-off",
          lambda: (t2row is not None and t2row[6] == "override" and t2row[1] > t2row[0] + t2row[2]
                   and t2row[4] == fact[4], (t2row, fact)))
    check("each other achieved figure is within its stated tolerance of the target", lambda: (
        all(abs(a - t) <= tol or (q.endswith("little giant") and abs(a / t - 1) <= tol) or st == "override"
            or q.startswith("jishui")
            for q, (t, a, tol, _, _, _, st) in r.items()), r))
    p0 = run("calibrate", BASELINE, "-r", "30", "--set", "calibration.park_fact_share=0")
    r0 = rows(p0.stdout)
    check("with park_fact_share = 0 the fact asks nothing: no override, the count target is met", lambda: (
        p0.returncode == 0 and r0["second-tier parks, 2025"][6] == "ok"
        and r0["jishui_chem at tier <= 2, 2025"][4] is None, r0))
    rc, defaults = resolved(BASELINE)
    fitted = {v[3]: v[4] for v in r.values() if v[4] is not None}
    check("the fit lands on the shipped defaults (within 1% or 0.2 score points): the defaults are calibrated",
          lambda: (set(fitted) == set(FITTED) and all(
              abs(fitted[k] - float(defaults[k])) <= max(0.01 * abs(float(defaults[k])), 0.2 if "tier" in k else 0)
              for k in FITTED), "fitted %s\ndefaults %s" % (fitted, {k: defaults.get(k) for k in FITTED})))
    ok("fitted initial tiers:" in p.stdout, "the report states the fitted initial tier split")

    # ---- the overlay: written, a valid scenario, and a fixed point
    out = os.path.join(tmp, "fitted.yaml")
    p = run("calibrate", BASELINE, "-r", "20", "--set", "calibration.growth=0.07", "-o", out)
    r20 = rows(p.stdout)
    ok(p.returncode == 0 and os.path.exists(out) and not os.path.exists(out + ".partial"),
       "calibrate -r 20 with a 7% growth target -o fitted.yaml: exit 0, file written, no .partial left",
       p.stdout, p.stderr)
    rc, vals = resolved(out)
    f20 = {v[3]: v[4] for v in r20.values() if v[4] is not None}
    check("the overlay is a valid scenario holding the fitted values", lambda: (  # the report prints 6 digits
        rc == 0 and all(abs(float(vals[k]) - f20[k]) <= 1e-5 * max(1, abs(f20[k])) for k in FITTED), (vals, f20)))
    check("a 7% growth target needs more drift than 5% (the target moves the fit)", lambda: (
        f20["firm.growth_drift"] > float(defaults["firm.growth_drift"]) + 0.01, f20))
    before = open(out, encoding="utf-8").read()
    p = run("calibrate", BASELINE, "-r", "20", "-o", out)
    ok(p.returncode == 2 and "exists" in p.stderr and open(out, encoding="utf-8").read() == before,
       "an existing overlay is not replaced without --force (exit 2, file unchanged)", p.stderr)
    # The exit rate and the drift move each other's targets and are fitted in two alternating
    # rounds per call, so from a start as far as the 5% defaults are from a 7% target one call
    # lands close to, not exactly on, the joint fit: calibrating its overlay moves the values a
    # little (within 5%), and calibrating that overlay again moves them no more (within 2%).
    out2 = os.path.join(tmp, "fitted2.yaml")
    p = run("calibrate", out, "-r", "20", "--set", "calibration.growth=0.07", "-o", out2)
    r2 = rows(p.stdout)
    p3 = run("calibrate", out2, "-r", "20", "--set", "calibration.growth=0.07")
    r3 = rows(p3.stdout)

    def close(a, b, rel):
        return all(abs(b[q][4] - a[q][4]) <= rel * abs(a[q][4]) + 0.2 * ("tier" in a[q][3])
                   for q in a if a[q][4] is not None)
    check("calibrating the overlay again converges: within 5% of the first fit, then a fixed point (within 2%)",
          lambda: (p.returncode == 0 and p3.returncode == 0 and close(r20, r2, 0.05) and close(r2, r3, 0.02),
                   (r20, r2, r3, p.stderr, p3.stderr)))

    # ---- unreachable target, bad input
    p = run("calibrate", BASELINE, "-r", "5", "--set", "calibration.growth=0.9")
    ok(p.returncode == 1 and "NOT MET" in p.stdout, "an unreachable growth target (90%/yr): exit 1 and NOT MET",
       p.stdout, p.stderr)
    p = run("calibrate", BASELINE, "--set", "calibration.tier1_parks=x")
    ok(p.returncode == 2 and "calibration.tier1_parks" in p.stderr, "a bad target value: exit 2 naming the key",
       p.stderr)
    p = run("calibrate", "--help")
    ok(p.returncode == 0 and "usage: parksim calibrate" in p.stdout, "calibrate --help")


sys.exit(run_main(main, "parksim-calibrate."))
