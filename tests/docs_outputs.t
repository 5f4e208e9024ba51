#!/usr/bin/python3
"""docs/OUTPUT.md describes the variables the results schema writes.

`parksim keys --outputs` prints the schema (schedule/results.c) as the writer
uses it. Every variable must have a row in its group's table of OUTPUT.md
(section 3.1 /summary, 3.2 /park_year, 3.3 /park_month) with the same units,
and, where the table has them, the same shape and type; every row of those
tables must be a variable the schema has; every double stored with deflate
must be named in section 7 (Storage). A run file holds exactly these
variables, each with its units.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, TINY, ok, run_main  # noqa: E402

SECTION = {"summary": "3.1", "park_year": "3.2", "park_month": "3.3"}


def schema():
    out = subprocess.run([PARKSIM, "keys", "--outputs"], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        group, name, shape, typ, units, store, long_name = cells[:6] + ["|".join(cells[6:])]
        rows.append(dict(group=group, name=name, shape=shape, type=typ, units=units, store=store, long_name=long_name))
    return rows


def doc_tables(text):
    """{section: [{column: cell}]} for the tables of sections 3.1-3.3 and the text of section 7."""
    tables = {}
    for sec in SECTION.values():
        m = re.search(r"^### %s .*?(?=^### |^## )" % re.escape(sec), text, re.S | re.M)
        rows = []
        header = None
        for line in (m.group(0) if m else "").splitlines():
            if not line.startswith("|"):
                header = None if not line.strip() else header
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                rows.append(dict(zip(header, cells)))
        tables[sec] = rows
    m = re.search(r"^## 7 Storage.*?(?=^## )", text, re.S | re.M)
    return tables, m.group(0) if m else ""


def main(tmp):
    rows = schema()
    ok(len(rows) > 20, "parksim keys --outputs lists the schema (%d variables)" % len(rows))
    with open(os.path.join(REPO, "docs", "OUTPUT.md"), encoding="utf-8") as f:
        tables, storage = doc_tables(f.read())
    for r in rows:
        sec = SECTION[r["group"]]
        doc = [d for d in tables[sec] if d.get("variable") == "`%s`" % r["name"]]
        problems = []
        if len(doc) != 1:
            problems.append("%d rows for it in section %s" % (len(doc), sec))
        else:
            d = doc[0]
            if d.get("units") != r["units"]:
                problems.append("units %r in the docs, %r written" % (d.get("units"), r["units"]))
            if "shape" in d and d["shape"] != r["shape"]:
                problems.append("shape %r in the docs, %r written" % (d["shape"], r["shape"]))
            if "type" in d and d["type"] != r["type"]:
                problems.append("type %r in the docs, %r written" % (d["type"], r["type"]))
        ok(not problems, "/%s/%s is documented in OUTPUT.md %s as written" % (r["group"], r["name"], sec), *problems)
    names = {(SECTION[r["group"]], "`%s`" % r["name"]) for r in rows}
    stale = ["%s %s" % (sec, d.get("variable")) for sec, t in tables.items() for d in t
             if d.get("variable") and (sec, d["variable"]) not in names]
    ok(not stale, "every variable OUTPUT.md lists in sections 3.1-3.3 is written", *stale)
    missing = [r["name"] for r in rows if r["type"] == "H5T_IEEE_F64LE" and r["store"] == "deflate"
               and not re.search(r"`(/\w+/)?%s`" % r["name"], storage)]
    ok(not missing, "every double stored with deflate is named in OUTPUT.md section 7", *missing)

    out = os.path.join(tmp, "t.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-r", "2", "-o", out, "--quiet"], capture_output=True, text=True)
    ok(p.returncode == 0, "a tiny run writes a file", p.stderr)
    try:
        import h5py
    except ImportError:
        ok(False, "h5py is installed (make deps)")
        return
    with h5py.File(out, "r") as f:
        got = {(g, n): f[g][n].attrs.get("units") for g in ("summary", "park_year", "park_month") for n in f[g]
               if n in {r["name"] for r in rows if r["group"] == g}}
    want = {(r["group"], r["name"]): r["units"] for r in rows}
    bad = ["/%s/%s: units %r, schema %r" % (g, n, got.get((g, n)), u) for (g, n), u in want.items()
           if (g, n) not in got or (got[(g, n)].decode() if isinstance(got[(g, n)], bytes) else got[(g, n)]) != u]
    ok(not bad, "the run file holds every schema variable with its units", *bad)


sys.exit(run_main(main, "parksim-docs-outputs."))
