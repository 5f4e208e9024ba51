#!/bin/bash
# Replays the committed fuzz corpus (seeds, and every input that once crashed
# or hung a loader) through the harnesses, built with the normal compiler:
# a crash, an abort or a sanitizer report fails this test.
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"
dir=${REPLAY_DIR:-$repo/build/fuzz}
for t in scenario parks sweep; do
    out=$(cd "$repo" && timeout 120 "$dir/replay_$t" "tests/fuzz-corpus/$t" 2>&1)
    rc=$?
    count=$(grep -c '^ok ' <<<"$out")
    [ $rc = 0 ] && ! grep -q '^not ok' <<<"$out" && [ "$count" -gt 0 ]
    ok $? "$t: $count corpus inputs replay cleanly (exit $rc)" || tail -30 <<<"$out" | sed 's/^/# /'
done
done_testing
