#!/bin/sh
# docs/CONFIG.md shows what the program and the shipped files really hold:
# its key table is the one the parameter table prints, and its sweep example
# is configs/sweeps/jiangxi-levers.yaml verbatim.
cd "$(dirname "$0")/.." || exit 1
echo "1..2"
if out=$(tests/docs_keys.sh --check 2>&1); then
    echo "ok 1 - docs/CONFIG.md key table matches parksim keys"
else
    echo "not ok 1 - docs/CONFIG.md key table matches parksim keys"
    echo "$out" | sed 's/^/# /' | head -20
fi
f=configs/sweeps/jiangxi-levers.yaml
shown=$(awk -v f="# $f" '$0 == f { on = 1; next } on && /^```/ { exit } on' docs/CONFIG.md)
if [ -n "$shown" ] && [ "$shown" = "$(cat "$f")" ]; then
    echo "ok 2 - docs/CONFIG.md shows $f as it is"
else
    echo "not ok 2 - docs/CONFIG.md shows $f as it is"
    printf '%s\n' "$shown" | diff - "$f" | sed 's/^/# /' | head -20
fi
