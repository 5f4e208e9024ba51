#!/usr/bin/python3
"""tests/parkstat_badfiles.t - every parkstat command against damaged and foreign files.

Files: an empty file; a valid HDF5 file that is not parksim's; and from a real
run file and a real saltelli sweep file each: the first half only (truncated),
512 bytes overwritten in the middle, the stored first chunk of
/summary/top_tier_count overwritten, and the length of one object in the
file's global heap (a park code, a parameter name) made absurd, which makes
HDF5 1.10 itself copy out of bounds (analysis/parkstat.c catches the crash).

Every command (headline, summary, compare as baseline and as policy, regress
--exact both ways and --statistical, plot, sensitivity, report) gets every file
and must never die by a signal nor print a sanitizer report (the test also runs
under make asan). The empty, foreign, truncated, chunk and heap files must be
refused with exit 2 and a `parkstat: error:` message, leaving no output file.
Bytes overwritten in the middle may land where a command does not read: then it
must either refuse the file the same way or print exactly what it prints for
the intact file (regress --exact may also say "different", exit 1).
"""
import os
import shutil
import struct
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, PARKSTAT, TINY, ok, run_main  # noqa: E402


def heap_length(data, want):
    """The file's bytes with the size field of the global-heap object holding `want` set absurd
    (HDF5 file format, global heap collection "GCOL": 16-byte header, then objects of index (2),
    reference count (2), reserved (4), size (8) and the data padded to 8 bytes); None if absent."""
    b = bytearray(data)
    i = -1
    while True:
        i = data.find(b"GCOL", i + 1)
        if i < 0:
            return None
        size = struct.unpack("<Q", data[i + 8:i + 16])[0]
        j, end = i + 16, i + min(size, len(data) - i)
        while j + 16 <= end:
            idx, _, _, osize = struct.unpack("<HHIQ", data[j:j + 16])
            if idx == 0:
                break
            if data[j + 16:j + 16 + osize] == want:
                b[j + 8:j + 16] = b"\xa5" * 8
                return bytes(b)
            j += 16 + (osize + 7) // 8 * 8


def variants(path, heap_word):
    data = open(path, "rb").read()
    n = len(data)
    out = {"truncated": data[:n // 2]}
    mid = bytearray(data)
    mid[n // 2:n // 2 + 512] = b"\xa5" * 512
    out["middle"] = bytes(mid)
    with h5py.File(path, "r") as f:
        info = f["summary/top_tier_count"].id.get_chunk_info(0)
    ch = bytearray(data)
    ch[info.byte_offset:info.byte_offset + info.size] = b"\xa5" * info.size
    out["chunk"] = bytes(ch)
    out["heap"] = heap_length(data, heap_word)
    return out


def commands(x, good, same, d):
    """Each command with the file x; compare and regress --statistical pair it with the intact run
    file good, regress --exact with the intact file it was made from (same)."""
    png, html = os.path.join(d, "out.png"), os.path.join(d, "out.html")
    return [
        ("headline", ["headline", x]),
        ("summary", ["summary", x]),
        ("compare (policy)", ["compare", good, x]),
        ("compare (baseline)", ["compare", x, good]),
        ("regress --exact (actual)", ["regress", "--exact", same, x]),
        ("regress --exact (expected)", ["regress", "--exact", x, same]),
        ("regress --statistical", ["regress", "--statistical", good, x]),
        ("plot", ["plot", x, "-o", png]),
        ("sensitivity", ["sensitivity", x, "--bootstrap", "40"]),
        ("report", ["report", x, "-o", html]),
    ]


def ps(args):
    return subprocess.run([PARKSTAT] + args, capture_output=True, timeout=300)


def clean(p):
    e = p.stderr.decode("utf-8", "replace")
    return p.returncode >= 0 and "Sanitizer" not in e and "runtime error" not in e


def outputs(d):
    return sorted(n for n in os.listdir(d) if n.startswith("out"))


def main(tmp):
    run = os.path.join(tmp, "run.h5")
    p = subprocess.run([PARKSIM, "run", TINY, "-r", "20", "-o", run, "-q"], capture_output=True, text=True)
    ok(p.returncode == 0, "a tiny run file", p.stderr)
    sw = os.path.join(tmp, "salt.yaml")
    with open(sw, "w") as f:
        f.write("scenario: %s\ndesign: saltelli\npoints: 2\nparameters:\n"
                "  - {key: levers.upgrades.intensity, min: 0, max: 1}\n"
                "  - {key: levers.safety.intensity, min: 0, max: 1}\n" % TINY)
    sweep = os.path.join(tmp, "sweep.h5")
    p = subprocess.run([PARKSIM, "sweep", sw, "-r", "4", "-o", sweep, "-q", "--set", "output.monthly=false"],
                       capture_output=True, text=True)
    ok(p.returncode == 0, "a tiny saltelli sweep file", p.stderr)

    bad = {"empty": (b"", run)}
    foreign = os.path.join(tmp, "foreign.h5")
    with h5py.File(foreign, "w") as f:
        f["summary/top_tier_count"] = np.zeros((3, 4), dtype="<i4")
        f.attrs["title"] = "not parksim"
    bad["foreign HDF5"] = (open(foreign, "rb").read(), run)
    for src, word in ((run, b"alpha"), (sweep, b"levers.upgrades.intensity")):
        kind = "run" if src == run else "sweep"
        for name, data in variants(src, word).items():
            bad["%s %s" % (kind, name)] = (data, src)
    ok(all(v[0] is not None for v in bad.values()), "every damaged variant was made (the heap objects were found)",
       [k for k, v in bad.items() if v[0] is None])

    d = os.path.join(tmp, "d")
    os.makedirs(d)
    x = os.path.join(d, "x.h5")
    for label, (data, good) in bad.items():
        if data is None:
            continue
        ref = {}
        if label.endswith("middle"):   # what each command prints for the intact file at the same path
            shutil.copy(good, x)
            for desc, args in commands(x, run, good, d):
                r = ps(args)
                ref[desc] = (r.returncode, r.stdout)
                for n in outputs(d):
                    os.unlink(os.path.join(d, n))
        with open(x, "wb") as f:
            f.write(data)
        for desc, args in commands(x, run, good, d):
            p = ps(args)
            err = p.stderr.decode("utf-8", "replace")
            refused = p.returncode == 2 and "parkstat: error:" in err and "x.h5" in err and not outputs(d)
            if label.endswith("middle"):
                same = p.returncode == ref[desc][0] and p.stdout == ref[desc][1]
                differs = desc.startswith("regress --exact") and p.returncode == 1
                good_end = refused or same or differs
                what = "refused (exit 2), or the intact file's output"
            else:
                good_end = refused
                what = "refused with exit 2 and a message, no output"
            ok(clean(p) and good_end, "%s: %s: %s" % (label, desc, what), p.returncode, err[-600:])
            for n in outputs(d):
                os.unlink(os.path.join(d, n))


sys.exit(run_main(main, "parkstat-badfiles-"))
