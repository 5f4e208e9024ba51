#!/usr/bin/python3
"""tests/watchdog.t - the I/O watchdog ends a rank stuck in an HDF5 write.

A collective HDF5 write that never returns (a hung file system, or a partner
rank that left the collective) is ended by the watchdog after
PARKSIM_IO_TIMEOUT seconds (sim/ensemble.c, io_watchdog; docs/RELIABILITY.md).
The stall is injected from outside: tests/stall_write.c, preloaded into every
rank, makes writes to OUT.h5.partial hang once the first checkpoint commit
exists, i.e. inside the second batch's write, where the watchdog is armed.

Checks: the job ends within seconds (not after the 120 s stall) with exit 1,
parksim's watchdog message names the limit, the write and the variable; no
final output appears; the committed replicates resume to the same result.

Binaries: $PARKSIM (default <repo>/bin/parksim); the shim $STALL_SO (default
<repo>/build/tests/stall_write.so, built by `make check`).
"""
import glob
import os
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, TINY, need, ok, run_main  # noqa: E402

SHIM = os.environ.get("STALL_SO", os.path.join(REPO, "build", "tests", "stall_write.so"))
MSG = ("parksim: error: the HDF5 output did not progress for 1 s while writing a batch (another rank failed?); "
       "stopping this rank (PARKSIM_IO_TIMEOUT sets the limit)")


def run(args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    t0 = time.time()
    p = subprocess.run(args, capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.time() - t0


def main(tmp):
    os.chdir(tmp)
    if not os.path.exists(SHIM):
        need("the write-stalling shim %s is not built (make check builds it)" % SHIM, 7)
        return
    out = os.path.join(tmp, "out.h5")
    base = [PARKSIM, "run", TINY, "-r", "40", "-q", "-o", out]
    # The shim is preloaded into the ranks only (mpirun -x), not into mpirun. A
    # sanitizer build must accept a preloaded library ahead of its runtime.
    asan = os.environ.get("ASAN_OPTIONS", "")
    stall = ["mpirun", "-np", "2", "-x", "LD_PRELOAD=" + SHIM, "-x", "STALL_WRITE_PATH=out.h5.partial",
             "-x", "STALL_WRITE_WHEN=" + out + ".ckpt/seg-*", "-x", "STALL_WRITE_SECONDS=120",
             "-x", "PARKSIM_IO_TIMEOUT=1", "-x", "ASAN_OPTIONS=" + (asan + ":" if asan else "") +
             "verify_asan_link_order=0"]
    rc, so, se, secs = run(stall + base + ["--checkpoint-every", "0"])
    ok(rc == 1 and secs < 60, "a write stalled for 120 s: the job ends with exit 1 after %.1f s" % secs, rc, se[-2000:])
    ok(MSG in se, "the watchdog's message names the limit, the write and PARKSIM_IO_TIMEOUT", se[-2000:])
    ok(not os.path.exists(out), "no final output", os.listdir(tmp))
    ok(len(glob.glob(out + ".ckpt/seg-*.pks")) > 0, "the committed checkpoint is kept", os.listdir(tmp))

    rc, so, se, secs = run(["mpirun", "-np", "2"] + base + ["--resume"])
    ok(rc == 0, "--resume without the stall finishes", se[-2000:])
    rc2, so2, se2, _ = run(["mpirun", "-np", "2"] + base[:-1] + [os.path.join(tmp, "ref.h5")])
    digest = lambda p: h5py.File(p, "r").attrs["result_digest"]  # noqa: E731
    with h5py.File(out, "r") as f:
        restored = int(f.attrs["replicates_restored"])
    ok(restored > 0, "and restored %d replicates from the checkpoint" % restored)
    ok(rc2 == 0 and digest(out) == digest(os.path.join(tmp, "ref.h5")),
       "with the result_digest of an uninterrupted run", se2[-1000:])


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-watchdog-"))
