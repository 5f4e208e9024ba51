#!/usr/bin/python3
"""tests/slurm.t - the job scripts in scripts/slurm/ on a real, private, single-node Slurm.

The test starts its own munged (own key, socket, pid and log file), slurmctld and slurmd
(own slurm.conf from a template filled in by the test, free ports, everything under a fresh
temporary directory, including TmpFS, where srun's PMIx plugin makes its per-step directory
/tmp/spmix_appdir_UID_JOB.STEP by default: two private clusters both start at job 1, so
a shared /tmp makes the second one's srun steps fail; and job ids start at a random
FirstJobId, because Open MPI under srun names its shared-memory files after the job and step
id, and two jobs with the same ids crashed each other), so that a host Slurm or munged, or a
concurrent run of this test, is neither used nor disturbed, and
submits each script with `sbatch --wait` under a time limit:

- run-srun.sbatch and run-mpirun.sbatch: exit 0, a finished file (`parksim_complete`) whose
  result_digest equals `mpirun -np 1` of the same scenario; a second submission with the same
  output exits 2 and leaves the file byte for byte unchanged;
- array.sbatch: a list with comments, a blank line, a plain scenario and `--set`/`-s` lines;
  every task writes its own file, each equal to its own np=1 reference; an array index past
  the list's end exits 2 naming the list;
- long.sbatch (srun, then LAUNCHER=mpirun): once the first checkpoint segment exists the test
  sends SIGUSR1 to the batch shell only (`scancel --batch --signal=USR1`, exactly what
  `--signal=B:USR1@SECONDS` does before the time limit); the job must forward it to the ranks,
  exit 3 from parksim, requeue itself (same job id, Restarts=1), resume (restored > 0 and
  computed > 0, summing to R) and finish with a file identical to an uninterrupted np=1 run
  (result_digest and `parkstat regress --exact`), with the checkpoint gone.

sacct is not available (no accounting); the checks use sbatch --wait's exit code (the job's),
the job logs, the output files and `scontrol show job`. The daemons are stopped by the pids in
their pid files, on every exit path, and the test checks that no process it started is left.
Three settings keep the test fast, none changes what is tested: a requeued job waits the
credential lifetime before it may start again (AuthInfo cred_expire, 120 s by default: 5 here)
and then for the next pass of the scheduler (sched_interval, 60 s by default: 1 here); and
sbatch --wait polls every 2 s only while that is under MinJobAge/2 (else 8 s, then 32 s), so
MinJobAge=4 (completed jobs are forgotten after 4 s; the test reads the job's state while it
is still queued or running).
Without Slurm installed (`make deps` installs it) the whole file is skipped.
"""
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import alive, PARKSIM, PARKSTAT, REPO, TINY, check, ok, run_main  # noqa: E402

SCRIPTS = os.path.join(REPO, "scripts", "slurm")
BINARIES = ("munged", "munge", "unmunge", "slurmctld", "slurmd", "sbatch", "scontrol", "scancel",
            "squeue", "sinfo", "srun")
SBIN = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")
JOB_TIMEOUT = 120        # seconds for any one sbatch --wait; a stuck job must not hang CI
R_LONG = 200             # replicates of the long run (20 batches of 10)

CONF = """\
ClusterName=parksimtest
FirstJobId=@FIRSTJOB@
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=@DIR@/run/munge.sock,cred_expire=5
CredType=cred/munge
StateSaveLocation=@DIR@/state
SlurmdSpoolDir=@DIR@/spool
TmpFS=@DIR@/tmp
SlurmctldPidFile=@DIR@/run/slurmctld.pid
SlurmdPidFile=@DIR@/run/slurmd.pid
SlurmctldLogFile=@DIR@/log/slurmctld.log
SlurmdLogFile=@DIR@/log/slurmd.log
SlurmctldPort=@CTLDPORT@
SlurmdPort=@SLURMDPORT@
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
MinJobAge=4
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
"""


def which(name):
    for d in SBIN:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (held together so that they differ)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Slurm:
    """A private munged + slurmctld + slurmd under directory d."""

    def __init__(self, d):
        self.d = d
        self.conf = os.path.join(d, "slurm.conf")
        self.pidfiles = [os.path.join(d, "run", n + ".pid") for n in ("slurmd", "slurmctld", "munged")]
        self.started = []          # (name, pid) of each daemon started, for the leftover check

    def sh(self, *args, timeout=30, **kw):
        return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kw)

    def start(self):
        d = self.d
        # munged wants every directory above its socket searchable by all, the key private.
        os.chmod(d, 0o711)
        for sub, mode in (("run", 0o755), ("munge", 0o700), ("state", 0o700), ("spool", 0o700), ("log", 0o700),
                          ("tmp", 0o1777)):
            os.mkdir(os.path.join(d, sub), mode)
        with open(os.path.join(d, "munge", "key"), "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(os.path.join(d, "munge", "key"), 0o600)
        ctld, slurmd = free_ports(2)
        with open(self.conf, "w") as f:
            f.write(CONF.replace("@DIR@", d).replace("@CTLDPORT@", str(ctld)).replace("@SLURMDPORT@", str(slurmd))
                    .replace("@FIRSTJOB@", str(random.randrange(1000, 60000000))))
        os.environ["SLURM_CONF"] = self.conf     # the client commands, and every job, use it
        self.sock = os.path.join(d, "run", "munge.sock")
        p = self.sh(which("munged"), "--socket=" + self.sock, "--key-file=" + os.path.join(d, "munge", "key"),
                    "--pid-file=" + os.path.join(d, "run", "munged.pid"),
                    "--log-file=" + os.path.join(d, "log", "munged.log"),
                    "--seed-file=" + os.path.join(d, "munge", "seed"))
        self.note("munged", os.path.join(d, "run", "munged.pid"))
        if p.returncode != 0:
            return False, "munged: " + p.stderr
        m = subprocess.run("munge -n -S %s | unmunge -S %s" % (self.sock, self.sock), shell=True,
                           capture_output=True, text=True, timeout=30)
        if "Success" not in m.stdout:
            return False, "munge round trip: " + m.stdout + m.stderr
        p = self.sh(which("slurmctld"), "-f", self.conf)
        self.note("slurmctld", os.path.join(d, "run", "slurmctld.pid"))
        if p.returncode != 0:
            return False, "slurmctld: " + p.stderr
        p = self.sh(which("slurmd"), "-f", self.conf, "-N", "localhost")
        self.note("slurmd", os.path.join(d, "run", "slurmd.pid"))
        if p.returncode != 0:
            return False, "slurmd: " + p.stderr
        t = time.time()
        while time.time() - t < 30:
            s = self.sh("sinfo", "-h", "-o", "%T")
            if s.stdout.strip() == "idle":
                return True, ""
            time.sleep(0.2)
        return False, "node not idle after 30 s: %r\n%s" % (s.stdout, self.logs())

    def note(self, name, pidfile):
        """Remember a daemon's pid as soon as its pid file appears (daemonizing takes a moment)."""
        t = time.time()
        while time.time() - t < 10:
            try:
                with open(pidfile) as f:
                    self.started.append((name, int(f.read().split()[0])))
                    return
            except (OSError, ValueError, IndexError):
                time.sleep(0.05)

    def logs(self):
        out = []
        for n in ("slurmctld.log", "slurmd.log", "munged.log"):
            try:
                with open(os.path.join(self.d, "log", n)) as f:
                    out.append("== %s\n%s" % (n, "".join(f.readlines()[-15:])))
            except OSError:
                pass
        return "\n".join(out)

    def stop(self):
        """Cancel every job, then stop slurmd, slurmctld and munged by their pids and wait for each."""
        gone = []
        if os.path.exists(self.conf):
            try:
                self.sh("scancel", "--full", "--user=root", timeout=10)
                t = time.time()
                while time.time() - t < 15 and self.sh("squeue", "-h", timeout=10).stdout.strip():
                    time.sleep(0.2)
            except (OSError, subprocess.SubprocessError):
                pass
        for name, pid in sorted(self.started, key=lambda x: ("slurmd", "slurmctld", "munged").index(x[0])):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
            t = time.time()
            while alive(pid) and time.time() - t < 20:
                time.sleep(0.05)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
                time.sleep(0.2)
            gone.append((name, pid, not alive(pid)))
        return gone

    def leftovers(self):
        """Live processes started through this cluster: a daemon command line naming our
        directory, or anything (slurmstepd, job shells, ranks) with our SLURM_CONF in its environment."""
        mine, tag = [], ("SLURM_CONF=" + self.conf).encode()
        for e in os.listdir("/proc"):
            if not e.isdigit() or int(e) == os.getpid():
                continue
            try:
                with open("/proc/%s/cmdline" % e, "rb") as f:
                    cmd = f.read()
                with open("/proc/%s/environ" % e, "rb") as f:
                    env = f.read().split(b"\0")
            except OSError:
                continue
            if (self.d.encode() in cmd or tag in env) and alive(int(e)):
                mine.append("%s %s" % (e, cmd.replace(b"\0", b" ").decode(errors="replace")))
        return mine


def attrs(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        return {k: (a[k].decode() if isinstance(a[k], bytes) else a[k]) for k in
                ("result_digest", "parksim_complete", "replicates_computed", "replicates_restored") if k in a}


def digest(path):
    return str(attrs(path)["result_digest"])


def reference(tmp, name, *args):
    """An uninterrupted `mpirun -np 1` run of the tiny scenario with args; its result_digest."""
    out = os.path.join(tmp, "ref-" + name + ".h5")
    p = subprocess.run(["mpirun", "-np", "1", PARKSIM, "run", TINY, "-o", out, "-q"] + list(args),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return out, digest(out)


def sbatch(work, log, *args, timeout=JOB_TIMEOUT, background=False):
    """sbatch --wait ... in work/; (returncode, job id, log text); the returncode is the job's."""
    cmd = ["timeout", str(timeout), "sbatch", "--wait", "--chdir=" + work, "--output=" + os.path.join(work, log)] + list(args)
    if background:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return finish(p.returncode, p.stdout, p.stderr, work, log, time.time() - t)


def finish(rc, stdout, stderr, work, log, secs):
    m = re.search(r"Submitted batch job (\d+)", stdout)
    text = ""
    for f in sorted(os.listdir(work)):
        if re.fullmatch(log.replace("%A", r"\d+").replace("%a", r"\d+").replace("%j", r"\d+"), f):
            with open(os.path.join(work, f)) as fh:
                text += "== %s\n%s" % (f, fh.read())
    print("# %s: exit %d in %.1f s" % (log, rc, secs))
    return rc, (m.group(1) if m else None), text + ("\n== sbatch stderr\n" + stderr if stderr.strip() else "")


def same_datasets(a, b):
    """Every dataset of a is in b with the same dtype, shape and bytes, and vice versa."""
    names = {}
    for p in (a, b):
        with h5py.File(p, "r") as f:
            d = {}
            def add(n, o):
                if isinstance(o, h5py.Dataset):
                    v = o[()]
                    # strings come back as Python objects: compare their text, not pointers
                    d[n] = (o.dtype.str, o.shape, repr(v.tolist()) if v.dtype.kind == "O" else v.tobytes())
            f.visititems(add)
            names[p] = d
    bad = [n for n in set(names[a]) | set(names[b]) if names[a].get(n) != names[b].get(n)]
    return not bad and len(names[a]) > 0, "differ: %s" % sorted(bad)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def job_field(jobid, field):
    p = subprocess.run(["scontrol", "show", "job", jobid], capture_output=True, text=True, timeout=30)
    m = re.search(r"\b%s=(\S+)" % field, p.stdout)
    return m.group(1) if m else None


def script(name):
    return os.path.join(SCRIPTS, name)


def test_syntax():
    for n in ("run-srun.sbatch", "run-mpirun.sbatch", "array.sbatch", "long.sbatch"):
        p = subprocess.run(["bash", "-n", script(n)], capture_output=True, text=True)
        with open(script(n)) as f:
            text = f.read()
        cmds = [l for l in text.splitlines() if l.startswith("cmd=(")]
        ok(p.returncode == 0 and "\nset -euo pipefail\n" in text and cmds and not any("--force" in c for c in cmds),
           "%s: bash -n clean, set -euo pipefail, never passes --force" % n, p.stderr)


def test_single(work, ref_digest):
    for name, launcher in (("run-srun.sbatch", "srun --mpi=pmix"), ("run-mpirun.sbatch", "mpirun")):
        out = "single-%s.h5" % launcher.split()[0]
        rc, job, log = sbatch(work, "single-%s-%%j.out" % launcher.split()[0], script(name), TINY, out)
        ok(rc == 0, "%s: sbatch --wait exits 0 (job %s)" % (name, job), log)
        ok(("running: '%s'" % launcher.replace(" ", "' '")) in log and "parksim exit code: 0" in log,
           "%s: the log shows the %s command it ran and its exit code" % (name, launcher), log)
        path = os.path.join(work, out)
        check("%s: output finished (parksim_complete=1) and result_digest equals mpirun -np 1" % name,
              lambda: (attrs(path).get("parksim_complete") == 1 and digest(path) == ref_digest,
                       "%r vs %s" % (attrs(path), ref_digest)))
        # A second submission must not touch the finished file.
        before = sha(path), os.stat(path).st_mtime_ns
        rc, job, log = sbatch(work, "again-%s-%%j.out" % launcher.split()[0], script(name), TINY, out)
        ok(rc == 2 and "exists" in log and (sha(path), os.stat(path).st_mtime_ns) == before,
           "%s: an existing output is refused (job exit 2) and left byte for byte unchanged" % name, rc, log)
    rc, job, log = sbatch(work, "force-%j.out", script("run-srun.sbatch"), TINY, "single-srun.h5", "--force")
    ok(rc == 2 and "--force" in log and "not allowed" in log, "run-srun.sbatch refuses --force (exit 2)", rc, log)


def test_array(tmp, work, ref_digest):
    set_args = ["--set", "levers.upgrades.intensity=0.9", "-r", "6"]
    lst = os.path.join(work, "tasks.txt")
    with open(lst, "w") as f:
        f.write("# the tiny scenario three ways\n%s\n\n   # an indented comment\n%s %s\n%s -s 7\n"
                % (TINY, TINY, " ".join(set_args), TINY))
    os.mkdir(os.path.join(work, "arr"))
    _, ref2 = reference(tmp, "set", *set_args)
    _, ref3 = reference(tmp, "seed7", "-s", "7")
    rc, job, log = sbatch(work, "array-%A_%a.out", "--array=1-3", script("array.sbatch"), lst, "arr")
    ok(rc == 0, "array.sbatch --array=1-3: sbatch --wait exits 0 (job %s)" % job, log)
    files = sorted(os.listdir(os.path.join(work, "arr")))
    ok(files == ["task1-tiny.h5", "task2-tiny.h5", "task3-tiny.h5"], "one output per task, named by the task", files)
    ok(len(re.findall(r"(?m)^== array-\d+_\d\.out$", log)) == 3 and log.count("parksim exit code: 0") == 3,
       "one log per task, each with exit code 0", log)
    ok("running: " in log and "'levers.upgrades.intensity=0.9'" in log and "'-s' '7'" in log,
       "each task prints the list line and the command it ran", log)
    for i, want, what in ((1, ref_digest, "the plain scenario"), (2, ref2, "the --set line"), (3, ref3, "the -s 7 line")):
        p = os.path.join(work, "arr", "task%d-tiny.h5" % i)
        check("task %d (%s): finished, result_digest equals its own mpirun -np 1 run" % (i, what),
              lambda p=p, want=want: (os.path.exists(p) and attrs(p).get("parksim_complete") == 1
                                      and digest(p) == want, "%s want %s" % (os.path.exists(p) and attrs(p), want)))
    ok(len({ref_digest, ref2, ref3}) == 3, "the three tasks are really different runs")
    rc, job, log = sbatch(work, "array-bad-%A_%a.out", "--array=4", script("array.sbatch"), lst, "arr")
    ok(rc == 2 and "has no line (the list has 3 tasks" in log,
       "an array index past the list's end exits 2 naming the list", rc, log)


def parksim_ranks(conf):
    """{pid: state} of the parksim ranks running in the private cluster (SLURM_CONF in their environment)."""
    tag, ranks = ("SLURM_CONF=" + conf).encode(), {}
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open("/proc/%s/environ" % e, "rb") as f:
                    if tag not in f.read().split(b"\0"):
                        continue
                with open("/proc/%s/cmdline" % e, "rb") as f:
                    argv = f.read().split(b"\0")
                with open("/proc/%s/stat" % e) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if len(argv) > 1 and argv[1] == b"run" and os.path.basename(argv[0].decode()).startswith("parksim"):
                ranks[int(e)] = state
    return ranks


def usr1_pending(pid):
    """SIGUSR1 (10, bit 9) is pending for pid, per thread or process-wide."""
    with open("/proc/%d/status" % pid) as f:
        return any(int(l.split()[1], 16) & (1 << 9) for l in f if l.startswith(("SigPnd:", "ShdPnd:")))


def test_long(tmp, work, cluster, launcher, ref_path, ref_digest, args):
    """The checkpoint/requeue cycle, made deterministic: on the first start only, a wrapper sets
    PARKSIM_TEST_HOOK=after-commit:1, so rank 0 stops itself right after the first checkpoint
    commit; the test then signals the batch shell, waits until the forwarded SIGUSR1 is pending
    at rank 0, and lets it continue. The signal is therefore certain to arrive mid-run (a race
    against the run's end would make the test depend on the machine's load)."""
    out = "long-%s.h5" % launcher
    ckpt = os.path.join(work, out + ".ckpt")
    log = "long-%s-%%j.out" % launcher
    wrapper = os.path.join(work, "parksim-hook")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\n[ "${SLURM_RESTART_COUNT:-0}" = 0 ] && export PARKSIM_TEST_HOOK=after-commit:1\n'
                'exec %s "$@"\n' % PARKSIM)
    os.chmod(wrapper, 0o755)
    env_before = dict(os.environ)
    os.environ.update(LAUNCHER=launcher, CHECKPOINT_EVERY="0", PARKSIM=wrapper)
    t0 = time.time()
    try:
        proc = sbatch(work, log, script("long.sbatch"), TINY, out, *args, background=True)
    finally:
        os.environ.clear()
        os.environ.update(env_before)

    def wait_for(what, limit=60):
        t = time.time()
        while time.time() - t < limit and proc.poll() is None:
            r = what()
            if r:
                return r
            time.sleep(0.05)
        return None

    stopped = wait_for(lambda: [p for p, st in parksim_ranks(cluster.conf).items() if st == "T"])
    seg = os.path.isdir(ckpt) and any(n.startswith("seg-") for n in os.listdir(ckpt))
    q = subprocess.run(["squeue", "-h", "-o", "%i %j"], capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"(?m)^(\d+) parksim-long$", q)
    jobid = m.group(1) if m else None
    t_sig = time.time() - t0
    # What --signal=B:USR1@SECONDS sends before the time limit: SIGUSR1 to the batch shell only.
    sent = bool(stopped and seg and jobid) and subprocess.run(
        ["scancel", "--batch", "--signal=USR1", jobid], timeout=30).returncode == 0
    ok(sent, "long.sbatch (%s): rank 0 stopped after the first commit; signalled the batch shell of job %s (%.1f s)"
       % (launcher, jobid, t_sig), "stopped %s, segment %s, job %s, sbatch %s" % (stopped, seg, jobid, proc.poll()))
    pending = bool(sent and wait_for(lambda: usr1_pending(stopped[0]), 30))
    ok(pending, "long.sbatch (%s): the batch shell forwarded SIGUSR1 through %s to rank 0" % (launcher, launcher))
    for p in stopped or []:
        os.kill(p, signal.SIGCONT)
    # Follow the job through scontrol until sbatch --wait returns: (state, restart count) changes.
    history = []
    while proc.poll() is None and time.time() - t0 < JOB_TIMEOUT + 10:
        st = (job_field(jobid, "JobState"), job_field(jobid, "Restarts")) if jobid else (None, None)
        if st[0] and (not history or history[-1] != st):
            history.append(st)
            print("# %.1f s: job %s %s, Restarts=%s" % (time.time() - t0, jobid, st[0], st[1]))
        time.sleep(0.1)
    try:
        stdout, stderr = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    rc, job, log = finish(proc.returncode, stdout, stderr, work, log, time.time() - t0)
    ok(rc == 0, "long.sbatch (%s): sbatch --wait exits 0 after the requeue" % launcher, log)
    starts = re.findall(r"=== job (\d+) start (\d+) \(restart count (\d+)\)", log)
    ok([s[1:] for s in starts] == [("1", "0"), ("2", "1")] and len({s[0] for s in starts}) == 1,
       "one job id, started twice (restart count 0 then 1), both in the appended log", starts, log)
    first = log.split("start 2 ")[0]
    ok("got SIGUSR1" in first and "sending SIGUSR1 to %s" % launcher in first and "parksim exit code: 3" in first
       and "stopped by a signal after a checkpoint" in first and "requeueing job" in first,
       "first start: the batch shell got SIGUSR1, forwarded it to %s, parksim committed and exited 3, "
       "the script requeued the job" % launcher, first)
    # The requeue shows as RUNNING with Restarts=0, then queued again (PENDING, perhaps briefly
    # REQUEUED or COMPLETING) with Restarts=1, then RUNNING with Restarts=1.
    runs = [r for st, r in history if st == "RUNNING"]
    ok(runs and runs[0] == "0" and runs[-1] == "1" and ("PENDING", "1") in history,
       "scontrol: job %s ran, was queued again with Restarts=1, ran again" % jobid, history)
    path = os.path.join(work, out)
    a = attrs(path) if os.path.exists(path) else {}
    ok(a.get("parksim_complete") == 1 and a.get("replicates_restored", 0) > 0 and a.get("replicates_computed", 0) > 0
       and a["replicates_restored"] + a["replicates_computed"] == R_LONG,
       "the rerun resumed: restored %s + computed %s = %d" % (a.get("replicates_restored"), a.get("replicates_computed"),
                                                              R_LONG), a)
    ok(a.get("result_digest") == ref_digest, "result_digest equals an uninterrupted mpirun -np 1 run",
       "%s vs %s" % (a.get("result_digest"), ref_digest))
    check("every dataset identical to the uninterrupted run (values, dtypes, shapes)", lambda: same_datasets(ref_path, path))
    p = subprocess.run([PARKSTAT, "regress", "--exact", ref_path, path], capture_output=True, text=True, timeout=120)
    ok(p.returncode == 0, "parkstat regress --exact: identical to the uninterrupted run", p.stdout, p.stderr)
    ok(not os.path.exists(ckpt) and not os.path.exists(path + ".partial"), "checkpoint and .partial are gone")
    print("# long.sbatch (%s): %.1f s from submit to the end, signal at %.1f s" % (launcher, time.time() - t0, t_sig))
    # The same job script submitted again on the finished file (a rerun, or a requeue after the
    # rename): its --resume finds the result done; the job ends with exit 0, the file untouched.
    if not os.path.exists(path):
        return
    before, mtime = sha(path), os.stat(path).st_mtime
    env_before = dict(os.environ)
    os.environ.update(LAUNCHER=launcher, CHECKPOINT_EVERY="0")
    try:
        rc2, _, log2 = sbatch(work, "long-again-%s-%%j.out" % launcher, script("long.sbatch"), TINY, out, *args)
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    ok(rc2 == 0 and "is already complete for this scenario" in log2 and sha(path) == before
       and os.stat(path).st_mtime == mtime and not os.path.exists(ckpt),
       "long.sbatch (%s) again on the finished file: exit 0, nothing to do, the file untouched" % launcher, log2)


def test_long_abc(tmp, work):
    """long.sbatch with PARKSIM_COMMAND=abc runs a Bayesian calibration (the normal test model) to
    the posterior a direct run gives."""
    obs = os.path.join(REPO, "configs", "test", "abc-normal.yaml")
    ref = os.path.join(tmp, "abc-ref.h5")
    p = subprocess.run([PARKSIM, "abc", obs, "-o", ref, "-q"], capture_output=True, text=True)
    env_before = dict(os.environ)
    os.environ.update(LAUNCHER="mpirun", CHECKPOINT_EVERY="0", PARKSIM_COMMAND="abc")
    try:
        rc, _, log = sbatch(work, "long-abc-%j.out", script("long.sbatch"), obs, "abc-long.h5")
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    out = os.path.join(work, "abc-long.h5")
    same = False
    if p.returncode == 0 and rc == 0 and os.path.exists(out):
        with h5py.File(ref, "r") as a, h5py.File(out, "r") as b:
            same = all((a[k][()] == b[k][()]).all() for k in ("theta_history", "weight_history", "distance_history"))
    ok(same, "long.sbatch with PARKSIM_COMMAND=abc: exit 0, the posterior of a direct run", p.stderr, log)


def main(tmp):
    missing = [b for b in BINARIES if not which(b)]
    if missing:
        print("1..0 # SKIP Slurm/munge not installed (%s; `make deps` installs them)" % " ".join(missing))
        sys.exit(0)
    # Stop the daemons on every way out: normal end, exception, or a signal to the test.
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, lambda signum, frame: sys.exit(128 + signum))
    T0 = time.time()
    test_syntax()
    d = os.path.join(tmp, "slurm")
    os.mkdir(d)
    work = os.path.join(tmp, "work")
    os.mkdir(work)
    os.chmod(tmp, 0o711)
    cluster = Slurm(d)
    try:
        up, why = cluster.start()
        ok(up, "private munged + slurmctld + slurmd started, node idle (%.1f s)" % (time.time() - T0), why)
        if not up:
            return
        ref_path, ref_digest = reference(tmp, "tiny")
        t = time.time()
        test_single(work, ref_digest)
        print("# single runs: %.1f s" % (time.time() - t))
        t = time.time()
        test_array(tmp, work, ref_digest)
        print("# array: %.1f s" % (time.time() - t))
        long_args = ["-r", str(R_LONG), "--set", "run.chunk_replicates=10"]
        ref_long, ref_long_digest = reference(tmp, "long", *long_args)
        for launcher in ("srun", "mpirun"):
            test_long(tmp, work, cluster, launcher, ref_long, ref_long_digest, long_args)
        test_long_abc(tmp, work)
    finally:
        t = time.time()
        gone = cluster.stop()
        ok(len(gone) == 3 and all(g[2] for g in gone),
           "slurmd, slurmctld and munged stopped by their pids (%.1f s)" % (time.time() - t), gone)
        left = cluster.leftovers()
        ok(not left, "no process started by the test is left", *left)
        print("# whole test: %.1f s" % (time.time() - T0))


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-slurm."))
