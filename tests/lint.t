#!/bin/bash
# tests/lint.t - make lint (scripts/lint.sh): the layer rules hold on the
# repository, and each kind of breach, planted in a copy of the source tree,
# makes lint fail with the file, the line and the rule.
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/parksim-lint.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
lint=$repo/scripts/lint.sh

out=$("$lint" "$repo" 2>&1)
rc=$?
ok $((rc != 0)) "the repository obeys the layer rules (exit $rc)"
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# plant SED_EXPR FILE PATTERN DESCRIPTION: in a fresh copy, insert a line
# after line 1 of FILE, run lint, expect exit 1 and PATTERN in the output.
plant() {
    local file=$1 line=$2 pattern=$3 what=$4
    rm -rf "$T/tree" && mkdir "$T/tree"
    (cd "$repo" && cp -r base agents policies schedule sim analysis fuzz "$T/tree/")
    sed -i "1a $line" "$T/tree/$file"
    local o r
    o=$("$lint" "$T/tree" 2>&1)
    r=$?
    [ $r -eq 1 ] && grep -qF -- "$pattern" <<< "$o"
    ok $? "$what"
    [ $r -eq 1 ] && grep -qF -- "$pattern" <<< "$o" || printf 'exit %s\n%s\n' "$r" "$o" | sed 's/^/#   /'
}

plant agents/firm.c '#include "../policies/levers.h"' \
    'agents/firm.c:2: includes ../policies/levers.h: agents/ is below policies/' \
    "agents/ including policies/ is refused"
plant policies/focus.c '#include "../schedule/replicate.h"' \
    'policies/focus.c:2: includes ../schedule/replicate.h: policies/ is below schedule/' \
    "policies/ including schedule/ is refused"
plant schedule/replicate.c '#include "../sim/config.h"' \
    'schedule/replicate.c:2: includes ../sim/config.h: schedule/ is below sim/' \
    "schedule/ including sim/ is refused"
plant base/err.c '#include "../agents/park.h"' \
    'base/err.c:2: includes ../agents/park.h: base/ is below agents/' \
    "base/ including any layer is refused"
plant analysis/stats.c '#include "../sim/config.h"' \
    'analysis/stats.c:2: includes ../sim/config.h: analysis/ may include only base/' \
    "analysis/ including simulator code is refused"
plant sim/main.c '#include "../analysis/stats.h"' \
    'sim/main.c:2: includes ../analysis/stats.h: only analysis/ uses analysis/' \
    "the simulator including analysis/ is refused"
plant sim/io_h5.c '#include <mpi.h>' \
    'sim/io_h5.c:2: includes <mpi.h>: only sim/par.c and sim/par.h talk MPI' \
    "<mpi.h> outside par.c/par.h is refused"
plant sim/checkpoint.c '#include <hdf5.h>' \
    'sim/checkpoint.c:2: includes <hdf5.h>: only sim/io_h5*.c write HDF5' \
    "<hdf5.h> outside io_h5*.c and analysis/ is refused"
plant agents/assess.c '#include <stdio.h>' \
    'agents/assess.c:2: includes <stdio.h>: agents/ is pure' \
    "stdio in a pure layer is refused"
plant policies/smart.c 'static void noisy(void) { printf("x"); }' \
    'policies/smart.c:2: prints or exits: policies/ is pure' \
    "printing in a pure layer is refused"
plant schedule/results.c 'static void bye(void) { exit(1); }' \
    'schedule/results.c:2: prints or exits: schedule/ is pure' \
    "exiting in a pure layer is refused"

# make lint runs the script and fails the build when a rule is broken
if command -v make >/dev/null; then
    make -s -C "$repo" lint > "$T/make.out" 2>&1
    ok $? "make lint passes on the repository"
fi
done_testing
