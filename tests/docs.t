#!/bin/sh
# The key table in docs/CONFIG.md is the one the parameter table prints.
cd "$(dirname "$0")/.." || exit 1
echo "1..1"
if out=$(tests/docs_keys.sh --check 2>&1); then
    echo "ok 1 - docs/CONFIG.md key table matches parksim keys"
else
    echo "not ok 1 - docs/CONFIG.md key table matches parksim keys"
    echo "$out" | sed 's/^/# /' | head -20
fi
