#!/bin/sh
# Progress on stderr: one line per report when stderr is not a terminal, a
# line rewritten in place (\r) on a terminal, nothing with --quiet.
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"
cd "$repo" || exit 1
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
# check STATUS DESCRIPTION: a test line, with the run's stderr when it fails
check() { ok "$1" "$2" || sed 's/^/# /' "$T/err" | head -20; }

"$PARKSIM" run configs/test/tiny.yaml -o "$T/a.h5" --progress 0 > "$T/out" 2> "$T/err"
check $? "run with --progress 0 exits 0"
# 12 replicates in batches of 2: reports at 2, 4, ..., 12, then the final one.
reports=$(grep -c '^parksim: [0-9]*/12 replicates ([0-9]*%), [0-9.]* rep/s, ETA [0-9]* s$' "$T/err")
[ "$reports" -eq 6 ]; check $? "one ETA line per write round when not a terminal (got $reports, want 6)"
grep -q '^parksim: 12/12 replicates (100%), [0-9.]* rep/s, elapsed [0-9]* s$' "$T/err"; check $? "a final line with the elapsed time"
! grep -q "$(printf '\r')" "$T/err"; check $? "no carriage returns when stderr is not a terminal"

"$PARKSIM" run configs/test/tiny.yaml -o "$T/b.h5" > "$T/out" 2> "$T/err"
reports=$(grep -c 'ETA' "$T/err")
[ "$reports" -eq 0 ]; check $? "default: no ETA lines for a run shorter than 5 s (got $reports)"

"$PARKSIM" run configs/test/tiny.yaml -o "$T/c.h5" --quiet > "$T/out" 2> "$T/err"
[ $? -eq 0 ] && [ ! -s "$T/err" ] && [ ! -s "$T/out" ]; check $? "--quiet: exit 0, nothing on stderr or stdout"

if command -v script >/dev/null 2>&1; then
    # script(1) gives the run a terminal; stdout goes to a file, stderr stays on the terminal.
    script -qec "$PARKSIM run configs/test/tiny.yaml -o $T/d.h5 --progress 0 >/dev/null" /dev/null > "$T/err" 2>&1
    grep -q "$(printf '\r')parksim: [0-9]*/12 replicates" "$T/err"; check $? "on a terminal the progress line is rewritten in place (carriage return)"
    [ -f "$T/d.h5" ]; check $? "the terminal run wrote its file"
else
    skip 2 "script(1) not installed"
fi
done_testing
