#!/usr/bin/python3
"""tests/reliability_resume.t - kill-and-resume: nothing computed is lost,
nothing is recomputed, and the result is identical to an uninterrupted run.

The tiny scenario at 40 replicates (2 per batch) runs at np=2 with a
checkpoint after every batch and is SIGKILLed as a whole job (mpirun and
every rank at once, as a scheduler does) at chosen points: right after the
N-th checkpoint commit, in the middle of a commit (segment header written,
not yet synced or renamed; PARKSIM_TEST_HOOK stops rank 0 there), and at
moments the test does not choose (polling the checkpoint directory, it
kills as soon as a given number of replicates is committed, wherever the
job then is: computing, writing or committing; each kill must land before
the run finished). Each is resumed at np=1 and np=3 (once also killed
again during the resume). The final file must equal an uninterrupted run
dataset by dataset, bit for bit, with the same result_digest; the run must
report restored = replicates found in the checkpoint segments and computed
= the rest; the checkpoint must be gone afterwards. Signals (SIGUSR1 to
mpirun, SIGTERM to the ranks) must checkpoint and exit with code 3.
Mismatching and corrupt checkpoints must be refused (exit 2) by name.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import glob
import os
import shutil
import signal
import struct
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import children, h5_datasets, kill_job, PARKSIM, TINY, check, ok, run_main  # noqa: E402

R = 40
R_LONG = 400  # the wall-clock kills: long enough (200 commits) that a kill lands mid-run
HDR = struct.Struct("<8sII QQ ii Q Q 64s Q")  # SegHeader in sim/checkpoint.c


def cmd(np_, out, *extra, reps=R):
    c = [PARKSIM, "run", TINY, "-r", str(reps), "-o", out, "-q"] + list(extra)
    return (["mpirun", "-np", str(np_)] + c) if np_ else c


def run(np_, out, *extra, env=None, timeout=120, reps=R):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd(np_, out, *extra, reps=reps), capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def child_pids(pid):
    return [k for k, _ in children(pid)]


def stopped(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "T"
    except OSError:
        return False


def start(np_, out, *extra, env=None, reps=R):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.Popen(cmd(np_, out, *extra, reps=reps), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, text=True)


def kill_at_hook(out, hook, np_=2, *extra):
    """Run until rank 0 stops itself at `hook`, then SIGKILL the job."""
    p = start(np_, out, "--checkpoint-every", "0", *extra, env={"PARKSIM_TEST_HOOK": hook})
    line = p.stderr.readline()  # rank 0 prints the marker, then SIGSTOPs itself
    ok_hook = "parksim-test: stopped at" in line
    gone = kill_job(p)
    return ok_hook and gone, line


def segments(out):
    """Replicates in the committed segments (header n of each)."""
    reps = set()
    for f in glob.glob(out + ".ckpt/seg-*.pks"):
        with open(f, "rb") as fh:
            data = fh.read()
        h = HDR.unpack_from(data, 0)
        n, rep_bytes = h[6], h[7]
        off = HDR.size
        for _ in range(n):
            reps.add(struct.unpack_from("<i", data, off)[0])
            off += 8 + rep_bytes
    return reps


def datasets(path):
    out = h5_datasets(path)
    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs[k] for k in ("result_digest", "parksim_complete", "replicates_computed",
                                         "replicates_restored")}
    return out, attrs


def same_as_ref(path, ref):
    if not os.path.exists(path):
        return False, "no output file"
    got, ga = datasets(path)
    want, wa = ref
    if sorted(got) != sorted(want):
        return False, "different dataset lists: %s" % sorted(set(got) ^ set(want))
    bad = [k for k in want if got[k] != want[k]]
    if bad:
        return False, "datasets differ: %s" % bad
    if ga["result_digest"] != wa["result_digest"] or ga["parksim_complete"] != 1:
        return False, "digest %s vs %s, complete %s" % (ga["result_digest"], wa["result_digest"], ga["parksim_complete"])
    return True, ""


def counts(path):
    """(replicates_computed, replicates_restored) recorded in a finished file."""
    if not os.path.exists(path):
        return None
    with h5py.File(path, "r") as f:
        return int(f.attrs["replicates_computed"]), int(f.attrs["replicates_restored"])


def resume_and_check(tmp, out, np_, ref, label, reps=R):
    before = segments(out)
    rc, so, se = run(np_, out, "--resume", reps=reps)
    ok(rc == 0, "%s: resume at np=%d exits 0" % (label, np_), se)
    check("%s: final file equals the uninterrupted run, dataset by dataset, same result_digest" % label,
          lambda: same_as_ref(out, ref))
    ok(counts(out) == (reps - len(before), len(before)),
       "%s: %d replicates restored from the checkpoint, %d computed (none recomputed)" % (label, len(before),
                                                                                       reps - len(before)), counts(out))
    ok(not os.path.exists(out + ".ckpt") and not os.path.exists(out + ".partial"),
       "%s: checkpoint and .partial removed after success" % label, os.listdir(tmp))


def main(tmp):
    os.chdir(tmp)
    rc, so, se = run(2, "ref.h5")
    ok(rc == 0 and os.path.exists("ref.h5"), "uninterrupted reference run at np=2", se)
    ref = datasets("ref.h5")
    ok(not os.path.exists("ref.h5.ckpt"), "a finished run leaves no checkpoint")
    rc, so, se = run(2, "ref-ck.h5", "--checkpoint-every", "0")
    check("checkpointing after every batch does not change the result", lambda: same_as_ref("ref-ck.h5", ref))

    # Whole-job SIGKILL right after the N-th commit, resumed at another rank count.
    for n, np_ in ((1, 1), (3, 3), (6, 1)):
        out = "after%d.h5" % n
        killed, line = kill_at_hook(out, "after-commit:%d" % n)
        ok(killed, "after-commit %d: job stopped there and SIGKILLed (mpirun and ranks)" % n, line)
        reps = segments(out)
        ok(len(reps) == 4 * n, "after-commit %d: the checkpoint holds %d replicates" % (n, 4 * n), sorted(reps))
        ok(not os.path.exists(out), "after-commit %d: no final output after the kill" % n)
        resume_and_check(tmp, out, np_, ref, "after-commit %d" % n)

    # Killed in the middle of a commit: rank 0's segment has its header but was
    # neither synced nor renamed; the other rank's segment may be complete.
    out = "mid.h5"
    killed, line = kill_at_hook(out, "mid-commit:2")
    ok(killed, "mid-commit 2: job stopped inside the commit and SIGKILLed", line)
    spools = glob.glob(out + ".ckpt/spool-*.tmp")
    ok(len(spools) >= 1, "mid-commit 2: an uncommitted spool is left behind", os.listdir(out + ".ckpt"))
    resume_and_check(tmp, out, 3, ref, "mid-commit 2")

    # Killed twice: once in the first run, once during the resume (np=3), then finished at np=1.
    out = "twice.h5"
    killed, line = kill_at_hook(out, "after-commit:2")
    first = len(segments(out))
    ok(killed and first == 8 and not os.path.exists(out), "twice: first run killed after its 2nd commit (8 replicates)",
       line, first)
    killed, line = kill_at_hook(out, "after-commit:1", 3, "--resume")
    second = len(segments(out))
    ok(killed and first < second < R and not os.path.exists(out),
       "twice: the resume was killed too, after committing more (%d then %d replicates)" % (first, second), line)
    resume_and_check(tmp, out, 1, ref, "twice (%d then %d replicates checkpointed)" % (first, second))

    # SIGKILL at moments the test does not choose: as soon as at least `at`
    # replicates are committed, wherever the job then is. The longer run makes
    # sure the kill lands before the end; each kill must be seen to have done so.
    rc, so, se = run(2, "ref-long.h5", reps=R_LONG)
    ok(rc == 0, "uninterrupted reference run of %d replicates at np=2" % R_LONG, se)
    ref_long = datasets("ref-long.h5")
    for i, at in enumerate((2, 60, 160, 280)):
        out = "t%d.h5" % i
        p = start(2, out, "--checkpoint-every", "0", reps=R_LONG)
        pattern = out + ".ckpt/seg-*.pks"
        t0 = time.time()
        while p.poll() is None and time.time() - t0 < 60:
            # Each rank's segment of a commit holds its share of a round (one batch of 2).
            if 2 * len(glob.glob(pattern)) >= at:
                break
            time.sleep(0.002)
        kill_job(p)
        held = len(segments(out))
        ok(not os.path.exists(out) and 0 < held < R_LONG,
           "kill once >= %d replicates were committed: it landed mid-run (%d of %d checkpointed, no final file)"
           % (at, held, R_LONG), "exit %s" % p.returncode, os.listdir(tmp))
        np_ = 1 + i % 3
        resume_and_check(tmp, out, np_, ref_long, "kill at >= %d (%d checkpointed)" % (at, held), reps=R_LONG)
        c = counts(out)
        ok(c is not None and c[1] > 0, "kill at >= %d: the resumed run restored replicates (%s)" % (at, c))

    # Signals: checkpoint at the next batch boundary, stop with exit code 3.
    for sig, target in ((signal.SIGUSR1, "mpirun"), (signal.SIGTERM, "ranks")):
        out = "sig%d.h5" % sig
        p = start(2, out, env={"PARKSIM_TEST_HOOK": "after-batch:3"})
        line = p.stderr.readline()
        t0 = time.time()  # the marker comes just before rank 0 stops itself: wait for the stop
        while not any(stopped(q) for q in child_pids(p.pid)) and time.time() - t0 < 20:
            time.sleep(0.02)
        pids = [p.pid] if target == "mpirun" else child_pids(p.pid)
        for q in pids:
            os.kill(q, sig)
        time.sleep(0.5)  # mpirun forwards SIGUSR1 asynchronously
        for q in child_pids(p.pid):  # let the stopped rank 0 see the signal
            os.kill(q, signal.SIGCONT)
        try:
            _, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            kill_job(p)
            err = "timeout"
        name = signal.Signals(sig).name
        ok(p.returncode == 3, "%s to %s: exit code 3 (checkpointed, resumable)" % (name, target),
           "exit %s" % p.returncode, line, err)
        ok("--resume" in err and not os.path.exists(out) and not os.path.exists(out + ".partial"),
           "%s: says how to resume; no output and no .partial left" % name, err)
        ok(len(segments(out)) > 0, "%s: the checkpoint holds the finished batches" % name)
        resume_and_check(tmp, out, 2, ref, name)

    # Refusals: the checkpoint must match the run, and is left as it was.
    out = "keep.h5"
    killed, line = kill_at_hook(out, "after-commit:2")
    ok(killed and len(segments(out)) == 8, "a checkpoint of 8 replicates to refuse resumes from", line)
    snap = {f: open(f, "rb").read() for f in glob.glob(out + ".ckpt/seg-*")}
    for extra, what, needle in ((["-s", "7"], "another seed", "run.seed"),
                                (["-r", "41"], "another replicate count", "replicates"),
                                (["--set", "levers.mergers.intensity=0.2"], "another scenario", "different scenario")):
        p = subprocess.run(cmd(2, out, "--resume") + extra, capture_output=True, text=True, timeout=120)
        ok(p.returncode == 2 and needle in p.stderr and out + ".ckpt/seg-" in p.stderr,
           "resume with %s is refused (exit 2) naming the segment and the mismatch" % what, p.returncode, p.stderr)
    rc, so, se = run(2, out)
    ok(rc == 2 and "--resume" in se and "--force" in se,
       "a run over an existing checkpoint without --resume is refused (exit 2)", rc, se)
    ok(snap == {f: open(f, "rb").read() for f in glob.glob(out + ".ckpt/seg-*")},
       "the refused runs left the checkpoint untouched")

    # Corrupt checkpoints: refused by name, exit 2.
    segs = sorted(glob.glob(out + ".ckpt/seg-*.pks"))
    victim = segs[0]
    good = open(victim, "rb").read()
    cases = [("a flipped byte in the results", good[:-10] + bytes([good[-10] ^ 1]) + good[-9:], "checksum"),
             ("a truncated segment", good[:len(good) - 100], "corrupt"),
             ("a damaged header", good[:20] + b"\xff" + good[21:], "bad header"),
             ("an empty segment", b"", "corrupt")]
    for what, data, needle in cases:
        with open(victim, "wb") as f:
            f.write(data)
        rc, so, se = run(2, out, "--resume")
        ok(rc == 2 and needle in se and os.path.basename(victim) in se and not os.path.exists(out),
           "checkpoint with %s is refused (exit 2) naming the file" % what, rc, se)
    with open(victim, "wb") as f:
        f.write(good)
    resume_and_check(tmp, out, 2, ref, "repaired checkpoint")

    # --force without --resume discards an old checkpoint and starts again.
    out = "forced.h5"
    killed, line = kill_at_hook(out, "after-commit:1")
    ok(killed and len(segments(out)) == 4, "an old checkpoint of 4 replicates for --force to discard", line)
    rc, so, se = run(2, out, "--force")
    ok(rc == 0 and counts(out) == (R, 0), "--force discards the old checkpoint and computes every replicate",
       counts(out), se)
    check("--force run equals the reference", lambda: same_as_ref(out, ref))

    # --resume with no checkpoint starts from the beginning (a requeue script may always pass it).
    rc, so, se = run(1, "fresh.h5", "--resume")
    ok(rc == 0 and "starting from the beginning" in se, "--resume without a checkpoint starts afresh", se)
    check("that run equals the reference", lambda: same_as_ref("fresh.h5", ref))


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-resume-"))
