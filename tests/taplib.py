"""TAP helpers shared by the Python test files in tests/ (run by prove).

ok/skip/check print one TAP line each and count failures; run_main() makes a
temporary directory, runs the test's main(tmp), prints the plan at the end and
returns the exit status. Paths of the binaries come from $PARKSIM and
$PARKSTAT (set by `make asan` to the sanitizer builds).
"""
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PARKSIM = os.environ.get("PARKSIM", os.path.join(REPO, "bin", "parksim"))
PARKSTAT = os.environ.get("PARKSTAT", os.path.join(REPO, "bin", "parkstat"))
TINY = os.path.join(REPO, "configs", "test", "tiny.yaml")
PARKS_CSV = os.path.join(REPO, "configs", "test", "parks-tiny.csv")

# Open MPI as root (both variables needed), more ranks than cores, and no CMA single-copy
# (fails in containers); the same settings as the Makefile exports.
for _k, _v in (("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
               ("OMPI_MCA_rmaps_base_oversubscribe", "1"), ("OMPI_MCA_btl_vader_single_copy_mechanism", "none")):
    os.environ.setdefault(_k, _v)

_count = {"tests": 0, "failed": 0}


def ok(cond, desc, *diag, todo=None):
    """One TAP line; with todo="reason" a failure is expected and not counted (# TODO)."""
    _count["tests"] += 1
    print("%sok %d - %s%s" % ("" if cond else "not ", _count["tests"], desc, " # TODO " + todo if todo else ""))
    if not cond:
        _count["failed"] += 0 if todo else 1
        sys.stdout.flush()
        # A failure's diagnostics on stderr, as Test::More prints them: prove
        # shows them without -v, so a failure in CI explains itself (an
        # expected TODO failure's stay with the TAP on stdout).
        to = sys.stdout if todo else sys.stderr
        for d in diag:
            for line in str(d).splitlines():
                print("#   " + line, file=to)
        to.flush()
    sys.stdout.flush()
    return cond


def skip(reason, count=1):
    for _ in range(count):
        _count["tests"] += 1
        print("ok %d # SKIP %s" % (_count["tests"], reason))


def need(reason, count=1):
    """A prerequisite is missing: skip the `count` tests, except in CI (CI=true),
    which installs every prerequisite (.ci/run), so there a skip would hide that
    the check never ran: the tests fail instead."""
    if os.environ.get("CI") == "true":
        for _ in range(count):
            ok(False, "CI=true but %s" % reason)
    else:
        skip(reason, count)


def check(desc, fn, todo=None):
    """ok() on fn(), which returns a truth value or (truth, diagnostic); an exception fails."""
    try:
        r = fn()
        cond, diag = (r if isinstance(r, tuple) else (r, ""))
    except Exception:
        cond, diag = False, traceback.format_exc()
    return ok(bool(cond), desc, diag, todo=todo)


def run_main(main, prefix):
    """Run main(tmp) in a fresh temporary directory; the TAP plan comes last."""
    if not os.access(PARKSIM, os.X_OK):
        print("1..0 # SKIP %s not built (make all)" % PARKSIM)
        return 0
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        main(tmp)
    except Exception:
        ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % _count["tests"])
    return 1 if _count["failed"] else 0


def children(pid):
    """[(pid, state)] of the live child processes of pid, from /proc (state "T" = stopped)."""
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids.append((int(d), fields[0]))
            except OSError:
                pass
    return kids


def alive(pid):
    """Whether pid exists and is not a zombie, from /proc."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_job(p):
    """SIGKILL the process p (mpirun, say) and all its children at the same moment; wait until
    all are gone. True if none is left."""
    pids = [p.pid] + [k for k, _ in children(p.pid)]
    for q in pids:
        try:
            os.kill(q, signal.SIGKILL)
        except OSError:
            pass
    p.wait(timeout=30)
    t = time.time()
    while any(alive(q) for q in pids) and time.time() - t < 30:
        time.sleep(0.05)
    return not any(alive(q) for q in pids)


def h5_datasets(path):
    """{name: (dtype, shape, content)} of every dataset of an HDF5 file, content as bytes (or the
    repr of the values for variable-length strings): equal dicts mean bit-identical datasets."""
    import h5py
    import numpy as np
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                a = obj[()]
                if isinstance(a, np.ndarray) and a.dtype.kind != "O":
                    out[name] = (obj.dtype.str, obj.shape, a.tobytes())
                else:  # variable-length strings
                    out[name] = (obj.dtype.str, obj.shape, repr(a.tolist() if isinstance(a, np.ndarray) else a))
        f.visititems(visit)
    return out
