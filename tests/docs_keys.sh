#!/bin/bash
# Regenerate (default) or check (--check) the key table in docs/CONFIG.md
# between its BEGIN/END markers from `parksim keys`, the parameter table.
set -euo pipefail
cd "$(dirname "$0")/.."
PARKSIM=${PARKSIM:-bin/parksim}
doc=docs/CONFIG.md
new=$(mktemp)
trap 'rm -f "$new"' EXIT
awk -v keys="$("$PARKSIM" keys)" '
  /<!-- BEGIN parksim keys -->/ { print; print keys; skip = 1; next }
  /<!-- END parksim keys -->/   { skip = 0 }
  !skip { print }' "$doc" > "$new"
if [ "${1:-}" = --check ]; then
    diff -u "$doc" "$new" >&2 || { echo "docs/CONFIG.md key table is out of date: run make docs" >&2; exit 1; }
else
    cp "$new" "$doc"
fi
