#!/usr/bin/python3
"""tests/reliability_faults.t - faults: each provoked, then the outcome checked.

Unwritable output directory (read-only tmpfs; missing directory; a file in
the way), full disk (a 256 KiB tmpfs the test mounts: refused up front when
the estimate says it cannot fit, and a real ENOSPC in the middle of writing
when the estimate is bypassed), missing and corrupt input, a rank killed
with SIGKILL in an np=2 job (each rank in turn), and a --force run that
fails while an older output exists. For each: the documented non-zero exit,
a message in parksim's words naming the cause, every process gone within a
timeout (no hang), and existing files byte for byte as they were.

Needs root for mount(8); without it the tmpfs cases are skipped with the
reason. Binaries: $PARKSIM, $PARKSTAT (default <repo>/bin/...).
"""
import hashlib
import os
import re
import signal
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import children, PARKSIM, PARKSTAT, PARKS_CSV, TINY, check, ok, run_main, skip  # noqa: E402


def run(args, np_=None, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    c = ([PARKSIM] + args) if not np_ else (["mpirun", "-np", str(np_), PARKSIM] + args)
    p = subprocess.run(c, capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def mount_tmpfs(d, opts):
    os.makedirs(d, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", d], capture_output=True, text=True)
    return p.returncode == 0, p.stderr.strip()


def umount(d):
    subprocess.run(["umount", "-l", d], capture_output=True)


def main(tmp):
    os.chdir(tmp)
    # ------------------------------------------------------------ output directory
    rc, so, se = run(["run", TINY, "-q", "-o", "no/such/dir/out.h5"], np_=2)
    ok(rc == 1 and "no/such/dir" in se and "No such file or directory" in se,
       "missing output directory: exit 1, message names the directory and the cause", rc, se)
    open("afile", "w").close()
    rc, so, se = run(["run", TINY, "-q", "-o", "afile/out.h5"])
    ok(rc == 1 and "afile" in se and "Not a directory" in se, "a file in the output path: exit 1, named", rc, se)

    ro = os.path.join(tmp, "ro")
    mounted, why = mount_tmpfs(ro, "size=1m,ro")
    if not mounted:
        skip("cannot mount a tmpfs here (%s)" % why, 2)
    else:
        try:
            t0 = time.time()
            rc, so, se = run(["run", TINY, "-q", "-o", ro + "/out.h5"], np_=2)
            ok(rc == 1 and "Read-only file system" in se and ro in se and time.time() - t0 < 60,
               "read-only output directory: exit 1, message names it and the cause", rc, se)
            ok(os.listdir(ro) == [], "nothing was created there")
        finally:
            umount(ro)

    # ------------------------------------------------------------ full disk
    full = os.path.join(tmp, "full")
    mounted, why = mount_tmpfs(full, "size=256k")
    if not mounted:
        skip("cannot mount a tmpfs here (%s)" % why, 10)
    else:
        try:
            out = full + "/out.h5"
            rc, so, se = run(["run", TINY, "-q", "-r", "2000", "-o", out], np_=2)
            ok(rc == 2 and "not enough disk space" in se and "MB are free" in se,
               "a run that cannot fit is refused before any work (exit 2) with the numbers", rc, se)
            ok(os.listdir(full) == [], "the refused run created nothing", os.listdir(full))

            # The estimate bypassed: the disk really fills while writing.
            t0 = time.time()
            rc, so, se = run(["run", TINY, "-q", "-r", "40", "-o", out], np_=2,
                             env={"PARKSIM_TEST_NO_DISK_CHECK": "1"})
            ok(rc == 1 and time.time() - t0 < 90, "disk full while writing: exit 1, no hang (%.1f s)" % (time.time() - t0),
               rc, se)
            # Open MPI prints its own lines whenever it likes: the I/O layer
            # (OMPIO) the moment a write fails ("mca_fbtl_posix_pwritev: ..."),
            # and mpirun/ORTE ("[host:pid] ...", "mpirun: ...", framed help
            # messages) as it tears the job down. Of the rest, parksim's words
            # come first.
            # OMPIO writes its notice in pieces, which can land inside another
            # rank's line: take its words out before splitting into lines.
            quiet = re.sub(r"mca_fbtl_posix_pwritev: error in \(p\)write\(v\):(No space left on device)?\n?", "", se)
            # mpirun frames its help messages (the MPI_ABORT notice) in lines
            # of dashes and may print one before it forwards the ranks' own
            # lines: take the framed blocks out too.
            quiet = re.sub(r"(?ms)^-{20,}\n.*?^-{20,}\n?", "", quiet)
            own = [l for l in quiet.splitlines()
                   if l and not (l.startswith("mca_") or l.startswith("mpirun") or re.match(r"^\[[^\]]*\]", l))]
            ok(bool(own) and "parksim: error:" in own[0],
               "the first line (apart from Open MPI's own notices) is parksim's own words", se[:1500])
            # Where the space runs out decides whose write fails: the output's
            # (parksim names the dataset; HDF5/OMPIO the errno) or the checkpoint's.
            named = re.search(r"^parksim: error: rank \d+: (HDF5 could not write dataset \w+; library detail follows"
                              r"|cannot write checkpoint spool \S+: No space left on device"
                              r"|checkpoint failed: cannot \w+ \S+: No space left on device)$", se, re.M)
            ok(bool(named) and "No space left on device" in se,
               "the failed write is named by parksim, and the cause (No space left on device) is given", se[-2000:])
            ok(not os.path.exists(out) and not os.path.exists(out + ".partial"),
               "no output and no .partial left", os.listdir(full))

            # An older output on the full disk survives a --force run that fails.
            for f in os.listdir(full):
                p = os.path.join(full, f)
                if os.path.isdir(p):
                    for g in os.listdir(p):
                        os.unlink(os.path.join(p, g))
                    os.rmdir(p)
                else:
                    os.unlink(p)
            rc, so, se = run(["run", TINY, "-q", "-r", "1", "-o", out])
            ok(rc == 0, "a small older output fits", se)
            before = digest(out)
            rc, so, se = run(["run", TINY, "-q", "-r", "40", "--force", "-o", out], np_=2,
                             env={"PARKSIM_TEST_NO_DISK_CHECK": "1"})
            ok(rc == 1, "--force run on the full disk fails (exit 1)", rc, se)
            ok(os.path.exists(out) and digest(out) == before, "the older output is byte for byte intact")
            p = subprocess.run([PARKSTAT, "headline", out], capture_output=True, text=True)
            ok(p.returncode == 0, "and parkstat still reads it", p.stderr)
        finally:
            umount(full)

    # ------------------------------------------------------------ input
    rc, so, se = run(["run", "nope.yaml", "-q"])
    ok(rc == 2 and "nope.yaml" in se and "No such file" in se, "missing scenario: exit 2, named", rc, se)
    with open("bad.yaml", "wb") as f:
        f.write(b"\x00\xff\xfe garbage: [unclosed\n")
    rc, so, se = run(["run", "bad.yaml", "-q"])
    ok(rc == 2 and "bad.yaml" in se, "corrupt (binary) scenario: exit 2, named", rc, se)
    with open("s.yaml", "w") as f:
        f.write(open(TINY).read().replace("parks-tiny.csv", "missing.csv"))
    rc, so, se = run(["run", "s.yaml", "-q"])
    ok(rc == 2 and "missing.csv" in se, "missing park file: exit 2, named", rc, se)
    with open("p.csv", "w") as f:
        f.write(open(PARKS_CSV).read().replace("3000", "3O00"))
    with open("s2.yaml", "w") as f:
        f.write(open(TINY).read().replace("parks-tiny.csv", os.path.join(tmp, "p.csv")))
    rc, so, se = run(["run", "s2.yaml", "-q"])
    ok(rc == 2 and "p.csv:" in se and "land_mu" in se, "corrupt park file: exit 2, names file, line and column", rc, se)
    ok(not [f for f in os.listdir(".") if f.endswith((".h5", ".partial", ".ckpt"))], "bad input created no output")

    # ------------------------------------------------------------ a rank that dies
    rc, so, se = run(["run", TINY, "-q", "-r", "2", "-o", "old.h5"])
    before = digest("old.h5")
    for victim in (0, 1):
        p = subprocess.Popen(["mpirun", "-np", "2", PARKSIM, "run", TINY, "-q", "-r", "40", "--force", "-o", "old.h5",
                              "--checkpoint-every", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, PARKSIM_TEST_HOOK="after-batch:3"))
        marker = p.stderr.readline()
        # The marker is printed just before rank 0 stops itself: wait for the stop.
        t0 = time.time()
        kids = children(p.pid)
        while not any(st == "T" for _, st in kids) and time.time() - t0 < 20:
            time.sleep(0.02)
            kids = children(p.pid)
        stopped = [k for k, st in kids if st == "T"]   # rank 0 stopped itself at the hook
        running = [k for k, st in kids if st != "T"]
        target = stopped if victim == 0 else running
        if target:
            os.kill(target[0], signal.SIGKILL)
        for k, _ in kids:
            try:
                os.kill(k, signal.SIGCONT)
            except OSError:
                pass
        t0 = time.time()
        try:
            _, err = p.communicate(timeout=60)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            for k, _ in [(p.pid, "")] + kids:
                try:
                    os.kill(k, signal.SIGKILL)
                except OSError:
                    pass
            _, err = p.communicate()
        ok("stopped at after-batch" in marker and len(target) == 1, "rank %d: found and SIGKILLed" % victim, marker, kids)
        ok(not hung and p.returncode != 0,
           "rank %d killed: mpirun ends non-zero (%s) in %.1f s, no hang" % (victim, p.returncode, time.time() - t0),
           err[-1500:])
        time.sleep(0.5)
        ok(not any(os.path.exists("/proc/%d" % k) and open("/proc/%d/stat" % k).read().rsplit(")", 1)[1].split()[0] != "Z"
                   for k, _ in kids), "rank %d killed: no rank is left running" % victim)
        ok(digest("old.h5") == before, "rank %d killed: the existing output is byte for byte intact" % victim)
        check("rank %d killed: the committed replicates are resumable" % victim,
              lambda: os.path.isdir("old.h5.ckpt") and any(f.startswith("seg-") for f in os.listdir("old.h5.ckpt")))
    rc, so, se = run(["run", TINY, "-q", "-r", "40", "--force", "--resume", "-o", "old.h5"], np_=2)
    ok(rc == 0, "after the rank deaths, --force --resume finishes the run", se)
    with h5py.File("old.h5", "r") as f:
        ok(int(f.attrs["replicates_restored"]) > 0 and int(f.attrs["parksim_complete"]) == 1,
           "and used the checkpoint (%d restored)" % int(f.attrs["replicates_restored"]))

    # ------------------------------------------------------------ completion marker
    rc, so, se = run(["run", TINY, "-q", "-r", "2", "-o", "unmarked.h5"])
    with h5py.File("unmarked.h5", "a") as f:
        del f.attrs["parksim_complete"]
    p = subprocess.run([PARKSTAT, "headline", "unmarked.h5"], capture_output=True, text=True)
    ok(p.returncode != 0 and "parksim_complete" in p.stderr, "parkstat refuses a file without the completion marker",
       p.returncode, p.stderr)


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-faults-"))
