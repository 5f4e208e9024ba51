# Shared by tests/regression/update.sh and tests/parkstat_regression.t: the cases and how one is run.
# Sourced with $repo set to the repository root.
PARKSIM=${PARKSIM:-$repo/bin/parksim}
PARKSTAT=${PARKSTAT:-$repo/bin/parkstat}
# REGRESSION_DIR may point elsewhere so that tests/parkstat_regress.t can check the suite fails
REGRESSION_DIR=${REGRESSION_DIR:-$repo/tests/regression}

# Print "NAME ARGS..." for every case (comments and blank lines dropped).
regression_cases() { grep -v '^[[:space:]]*\(#\|$\)' "$REGRESSION_DIR/cases.txt"; }

# regression_run NAME OUT ARGS...: run one case alone (no mpirun) into OUT, storage repacked
# contiguous so the stored file stays small; parkstat regress --exact compares values, not storage.
regression_run() {
    local name=$1 out=$2
    shift 2
    local raw="$out.raw.h5"
    (cd "$repo" && "$PARKSIM" run "$@" -o "$raw" --quiet --force) || { echo "regression: parksim run failed for case $name" >&2; return 1; }
    h5repack -L -l CONTI "$raw" "$out" || { echo "regression: h5repack failed for case $name" >&2; rm -f "$raw"; return 1; }
    rm -f "$raw"
}
