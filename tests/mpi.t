#!/bin/sh
# tests/mpi.t - results do not depend on how the work is spread: the tiny
# scenario run alone (singleton, no mpirun) and under mpirun -np 1, 2 and 3,
# and with a different batch size, gives the same result_digest and
# identical datasets (values bit for bit, shapes, dtypes, attributes, the
# dimension scales attached); a different seed gives a different digest.
#
# Attributes allowed to differ between the files (they describe the run, not
# the results): on the root group history, nranks, date_created, loop_seconds,
# write_seconds, busy_seconds_min, busy_seconds_max; and, for the runs with another run.chunk_replicates or
# output.compression, also `scenario` (the resolved scenario text, which
# records that key). Dataset storage (chunk shape, filters) is not compared.
# Also: a rerun from the file's own `scenario` and `parks_csv` attributes gives
# the same digest (docs/OUTPUT.md section 6).
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"

[ -x "$PARKSIM" ] || skip_all "$PARKSIM not built (make all)"
command -v mpirun >/dev/null 2>&1 || skip_all "mpirun not installed"

T=$(mktemp -d "${TMPDIR:-/tmp}/parksim-mpi.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
tiny=$repo/configs/test/tiny.yaml


# The checker: `compare REF OTHER [IGNORED_ATTR...]` exits 0 if every group,
# dataset and attribute of the two files match; `attr FILE NAME` prints a root
# attribute; `chunkrows FILE DATASET` prints the first chunk dimension.
cat >"$T/check.py" <<'EOF'
import sys
import h5py
import numpy as np

# Root attributes that describe the run, not its results.
IGNORED_ROOT = {"history", "nranks", "date_created", "loop_seconds", "write_seconds", "busy_seconds_min",
                "busy_seconds_max"}


def norm_attr(f, name, v):
    """Attribute value in a comparable form; object references become paths."""
    if name == "DIMENSION_LIST":  # per axis, the dimension scales attached
        return [[f[r].name for r in axis] for axis in v]
    if name == "REFERENCE_LIST":  # on a scale: (dataset, axis) pairs
        return sorted((f[ref].name, int(ax)) for ref, ax in v)
    if isinstance(v, np.ndarray):
        return (v.dtype.str, v.shape, v.tolist())
    return v


def same_values(a, b):
    if a.dtype.kind == "O":  # variable-length strings
        return a.tolist() == b.tolist()
    return a.tobytes() == b.tobytes()  # bit for bit (NaN-safe)


def attrs(f, obj, ignore=()):
    return {k: norm_attr(f, k, obj.attrs[k]) for k in obj.attrs if k not in ignore}


def compare(ref, other, extra_ignored):
    diffs = []
    with h5py.File(ref, "r") as a, h5py.File(other, "r") as b:
        names_a, names_b = [], []
        a.visit(names_a.append)
        b.visit(names_b.append)
        if sorted(names_a) != sorted(names_b):
            diffs.append("objects differ: only in %s: %s; only in %s: %s" % (
                ref, sorted(set(names_a) - set(names_b)), other, sorted(set(names_b) - set(names_a))))
        root_ignore = IGNORED_ROOT | set(extra_ignored)
        if attrs(a, a, root_ignore) != attrs(b, b, root_ignore):
            ka, kb = attrs(a, a, root_ignore), attrs(b, b, root_ignore)
            diffs.append("root attributes differ: %s" % sorted(
                k for k in set(ka) | set(kb) if ka.get(k) != kb.get(k)))
        n = 0
        for name in sorted(set(names_a) & set(names_b)):
            x, y = a[name], b[name]
            if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset):
                diffs.append("%s: dataset in one file, group in the other" % name)
                continue
            if attrs(a, x) != attrs(b, y):
                diffs.append("%s: attributes differ" % name)
            if not isinstance(x, h5py.Dataset):
                continue
            n += 1
            if x.shape != y.shape or x.dtype != y.dtype:
                diffs.append("%s: %s %s vs %s %s" % (name, x.shape, x.dtype, y.shape, y.dtype))
            elif not same_values(x[()], y[()]):
                diffs.append("%s: values differ" % name)
    for d in diffs[:20]:
        print("# " + d)
    print("# compared %d datasets of %s with %s: %d difference(s)" % (n, ref, other, len(diffs)))
    return 1 if diffs else 0


cmd = sys.argv[1]
if cmd == "compare":
    sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4:]))
with h5py.File(sys.argv[2], "r") as f:
    if cmd == "attr":
        v = f.attrs[sys.argv[3]]
        print(v.decode() if isinstance(v, bytes) else v)
    elif cmd == "chunkrows":
        print(f[sys.argv[3]].chunks[0])
EOF

# run_one NAME [mpirun -np K] -- ARGS: runs parksim, writes $T/NAME.h5; sets rc
# and digest (from the result_digest line on stdout).
run_one() {
    name=$1
    shift
    launcher=
    while [ "$1" != "--" ]; do launcher="$launcher $1"; shift; done
    shift
    # shellcheck disable=SC2086
    $launcher "$PARKSIM" run "$tiny" -o "$T/$name.h5" "$@" >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    digest=$(sed -n 's/^result_digest: //p' "$T/$name.out")
    if [ "$rc" -ne 0 ]; then diag "$name: exit $rc" && sed 's/^/#   /' "$T/$name.err"; fi
}
attr() { "$PY" "$T/check.py" attr "$T/$1.h5" "$2" 2>/dev/null; }
compare() { # compare REF OTHER [IGNORED...]: diagnostics go to the TAP stream
    ref=$1 other=$2
    shift 2
    "$PY" "$T/check.py" compare "$T/$ref.h5" "$T/$other.h5" "$@"
}

# ---------------------------------------------------------------- same digest at any rank count
run_one single --
d0=$digest
ok "$([ "$rc" -eq 0 ] && [ -n "$d0" ]; echo $?)" "singleton run: exit 0, result_digest $d0"
ok "$([ "$(attr single result_digest)" = "$d0" ] && [ "$(attr single parksim_complete)" = 1 ]; echo $?)" \
    "singleton run: the file carries the same result_digest and is complete"

for np in 1 2 3; do
    run_one "np$np" mpirun -np "$np" --
    ok "$([ "$rc" -eq 0 ] && [ "$digest" = "$d0" ]; echo $?)" "mpirun -np $np: exit 0, result_digest $digest equals the singleton's"
    ok "$([ "$(attr "np$np" nranks)" = "$np" ] && [ "$(attr "np$np" result_digest)" = "$d0" ]; echo $?)" \
        "mpirun -np $np: file says nranks=$np and carries the same digest"
done

# ---------------------------------------------------------------- identical datasets
diag "ignored root attributes: history nranks date_created loop_seconds write_seconds busy_seconds_min busy_seconds_max"
for np in 1 2 3; do
    compare single "np$np"
    ok $? "mpirun -np $np: every dataset and attribute identical to the singleton run's"
done

# ---------------------------------------------------------------- the seed matters
run_one seed -- -s 1
ok "$([ "$rc" -eq 0 ] && [ -n "$digest" ] && [ "$digest" != "$d0" ]; echo $?)" "-s 1: a different result_digest ($digest)"
compare single seed >"$T/seed.cmp"
cmp_rc=$?
ok "$([ "$cmp_rc" -ne 0 ] && grep -q 'top_tier_count: values differ\|score: values differ' "$T/seed.cmp"; echo $?)" \
    "-s 1: the datasets differ too" || sed 's/^/#/' "$T/seed.cmp"

# ---------------------------------------------------------------- batching does not matter
run_one chunk1 mpirun -np 2 -- --set run.chunk_replicates=1
ok "$([ "$rc" -eq 0 ] && [ "$digest" = "$d0" ]; echo $?)" "mpirun -np 2 --set run.chunk_replicates=1: same result_digest"
r1=$("$PY" "$T/check.py" chunkrows "$T/chunk1.h5" park_year/score)
r2=$("$PY" "$T/check.py" chunkrows "$T/single.h5" park_year/score)
ok "$([ "$r1" = 1 ] && [ "$r2" = 2 ]; echo $?)" "the batching really differs (chunk rows $r1 vs $r2)"
diag "also ignored here: scenario (the resolved text records run.chunk_replicates)"
compare single chunk1 scenario
ok $? "mpirun -np 2 --set run.chunk_replicates=1: every dataset identical to the singleton run's"

# ---------------------------------------------------------------- storage options do not matter
run_one nozip -- --set output.compression=0
ok "$([ "$rc" -eq 0 ] && [ "$digest" = "$d0" ]; echo $?)" "--set output.compression=0: same result_digest"
compare single nozip scenario compression
ok $? "--set output.compression=0: every dataset identical (only the resolved scenario text and the compression attribute differ)"

# ---------------------------------------------------------------- rerun from the file alone
# docs/OUTPUT.md 6: the `scenario` and `parks_csv` attributes are enough to rerun.
mkdir "$T/rerun"
"$PY" - "$T/single.h5" "$T/rerun" <<'EOF' || diag "could not extract the scenario"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    open(sys.argv[2] + "/s.yaml", "wb").write(f.attrs["scenario"])
    open(sys.argv[2] + "/parks.csv", "wb").write(f.attrs["parks_csv"])
EOF
(cd "$T/rerun" && "$PARKSIM" run s.yaml --set population.parks_file=parks.csv -o re.h5) >"$T/re.out" 2>"$T/re.err"
rc=$?
digest=$(sed -n 's/^result_digest: //p' "$T/re.out")
ok "$([ "$rc" -eq 0 ] && [ "$digest" = "$d0" ]; echo $?)" "rerun from the file's scenario and parks_csv attributes: same result_digest" ||
    sed 's/^/#   /' "$T/re.err"

# ---------------------------------------------------------------- ragged last round
# 7 replicates on 3 ranks in batches of 2: in the second round one rank has one
# replicate and two have none but still join the collective write.
run_one r7single -- -r 7
d7=$digest
run_one r7np3 mpirun -np 3 -- -r 7
ok "$([ "$rc" -eq 0 ] && [ -n "$d7" ] && [ "$digest" = "$d7" ]; echo $?)" "-r 7 (ragged last round): mpirun -np 3 gives the singleton's digest $d7"
compare r7single r7np3
ok $? "-r 7: mpirun -np 3 datasets identical to the singleton run's"

done_testing
