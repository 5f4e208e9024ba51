#!/bin/bash
# Replays the committed fuzz corpus (seeds, and every input that once crashed
# or hung a loader) through the harnesses, built with the normal compiler:
# a crash, an abort or a sanitizer report fails this test.
. "$(dirname "$0")/env.sh"
dir=${REPLAY_DIR:-$repo/build/fuzz}
n=0
for t in scenario parks; do
    out=$(cd "$repo" && timeout 120 "$dir/replay_$t" "tests/fuzz-corpus/$t" 2>&1)
    rc=$?
    count=$(grep -c '^ok ' <<<"$out")
    n=$((n + 1))
    if [ $rc = 0 ] && ! grep -q '^not ok' <<<"$out" && [ "$count" -gt 0 ]; then
        echo "ok $n - $t: $count corpus inputs replay cleanly"
    else
        echo "not ok $n - $t: replay failed (exit $rc)"
        tail -30 <<<"$out" | sed 's/^/# /'
    fi
done
echo "1..$n"
