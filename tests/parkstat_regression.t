#!/bin/bash
# tests/parkstat_regression.t - the stored regression outputs in tests/regression/ still match.
#
# Every case in tests/regression/cases.txt is rerun alone and compared with its stored NAME.h5 by
# `parkstat regress --exact`; any difference in any dataset value or deterministic attribute fails
# the case, and the diagnostics name the dataset, index and both values. After an intended model
# change, `make regress-update` rewrites the stored files (README, "Regression tests").
#
# Binaries: $PARKSIM, $PARKSTAT (default <repo>/bin/...). Needs h5repack (hdf5-tools).
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"
. "$repo/tests/regression/common.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/parkstat-regression.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
{ [ -x "$PARKSIM" ] && [ -x "$PARKSTAT" ]; } || skip_all "$PARKSIM or $PARKSTAT not built"

cases=0
while read -r name args; do
    cases=$((cases + 1))
    expected=$REGRESSION_DIR/$name.h5
    if [ ! -f "$expected" ]; then
        ok 1 "case $name: stored $expected exists (make regress-update creates it)"
        continue
    fi
    size=$(stat -c %s "$expected")
    [ "$size" -le 100000 ]
    ok $? "case $name: stored file is small ($size bytes <= 100 KB)"
    # shellcheck disable=SC2086
    if ! regression_run "$name" "$T/$name.h5" $args 2> "$T/err"; then
        ok 1 "case $name: parksim run $args"
        sed 's/^/#   /' "$T/err"
        continue
    fi
    "$PARKSTAT" regress --exact --max-diffs 20 "$expected" "$T/$name.h5" > "$T/out" 2>&1
    rc=$?
    ok $rc "case $name: parkstat regress --exact matches tests/regression/$name.h5"
    if [ $rc -ne 0 ]; then
        sed 's/^/#   /' "$T/out"
        echo "#   an intended model change? review and run: make regress-update"
    fi
done < <(regression_cases)
[ "$cases" -ge 3 ]
ok $? "at least 3 regression cases listed in tests/regression/cases.txt ($cases)"
done_testing
