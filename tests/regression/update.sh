#!/bin/bash
# make regress-update: rerun every case in cases.txt and rewrite its expected NAME.h5 when the
# values changed (an intended model change). Prints, per case, "unchanged" or what changed
# (parkstat regress --exact), so the change can be reviewed before committing the new files.
# Files of cases no longer listed are removed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/regression/common.sh"
command -v h5repack > /dev/null || { echo "regress-update: h5repack not found (apt-get install hdf5-tools)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/parksim-regress-update.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
changed=0
names=()
while read -r name args; do
    names+=("$name")
    # shellcheck disable=SC2086  # the arguments are words by design
    regression_run "$name" "$tmp/$name.h5" $args
    expected=$REGRESSION_DIR/$name.h5
    if [ ! -f "$expected" ]; then
        echo "$name: new"
    elif "$PARKSTAT" regress --exact --max-diffs 20 "$expected" "$tmp/$name.h5" > "$tmp/$name.diff" 2>&1; then
        echo "$name: unchanged"
        continue
    else
        echo "$name: CHANGED"
        sed 's/^/    /' "$tmp/$name.diff"
    fi
    mv "$tmp/$name.h5" "$expected"
    changed=$((changed + 1))
done < <(regression_cases)
for f in "$REGRESSION_DIR"/*.h5; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .h5)
    if [[ ! " ${names[*]} " =~ " $n " ]]; then echo "$n: removed (no longer in cases.txt)"; rm -f "$f"; changed=$((changed + 1)); fi
done
echo "regress-update: $changed of ${#names[@]} expected outputs rewritten in tests/regression/; review with git diff --stat and commit them"
