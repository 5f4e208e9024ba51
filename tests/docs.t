#!/bin/sh
# docs/CONFIG.md shows what the program and the shipped files really hold:
# its key table is the one the parameter table prints, and its sweep example
# is configs/sweeps/jiangxi-levers.yaml verbatim.
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"
cd "$repo" || exit 1
out=$(tests/docs_keys.sh --check 2>&1)
ok $? "docs/CONFIG.md key table matches parksim keys" || echo "$out" | sed 's/^/# /' | head -20
f=configs/sweeps/jiangxi-levers.yaml
shown=$(awk -v f="# $f" '$0 == f { on = 1; next } on && /^```/ { exit } on' docs/CONFIG.md)
[ -n "$shown" ] && [ "$shown" = "$(cat "$f")" ]
ok $? "docs/CONFIG.md shows $f as it is" || printf '%s\n' "$shown" | diff - "$f" | sed 's/^/# /' | head -20
done_testing
