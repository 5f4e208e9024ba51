#!/bin/sh
# tests/cli.t - the command line: bad input is rejected with exit code 2, a
# message that names the file (file:line:column where the input has one) and
# the key, and no output (neither OUT.h5 nor OUT.h5.partial) is created; an
# existing output is never lost; help, --version and `validate` behave.
#
# Binaries: $PARKSIM (default <repo>/bin/parksim). Run from anywhere:
#   prove --exec '' tests/cli.t          or          tests/cli.t
. "$(dirname "$0")/env.sh"
. "$(dirname "$0")/tap.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/parksim-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

# Show the captured stderr of the last command (after a failure).
show() { diag "exit code: $rc" "stderr:"; sed 's/^/#     /' "$T/err"; }
# Run the binary in cwd $T/cwd (empty); sets rc, $T/out, $T/err.
run() {
    rm -rf "$T/cwd" && mkdir "$T/cwd"
    (cd "$T/cwd" && "$@") >"$T/out" 2>"$T/err"
    rc=$?
}
has() { grep -F -q -e "$1" "$T/err"; } # stderr contains the fixed string
# The three checks every bad input gets: exit 2, the message names what it
# should (every further argument is a fixed string stderr must contain), and
# nothing was written in the (empty) working directory: no OUT.h5, no .partial.
bad_input() { # bad_input LABEL NEEDLE...  (after `run`)
    label=$1
    shift
    ok "$([ "$rc" -eq 2 ]; echo $?)" "$label: exit code 2" || show
    miss=
    for needle in "$@"; do has "$needle" || miss="$miss '$needle'"; done
    ok "$([ -z "$miss" ]; echo $?)" "$label: message names$(printf " '%s'" "$@")" || { diag "missing:$miss"; show; }
    left=$(ls -A "$T/cwd")
    ok "$([ -z "$left" ]; echo $?)" "$label: no output and no .partial file created" || diag "left behind: $left"
}

if [ ! -x "$PARKSIM" ]; then
    skip_all "$PARKSIM not built (make all)"
fi

# ---------------------------------------------------------------- inputs
# Absolute paths everywhere, because each command runs in its own empty cwd.
I=$T/in
mkdir "$I"
cp "$repo/configs/test/parks-tiny.csv" "$I/parks.csv"
tiny=$repo/configs/test/tiny.yaml
# scenario with one thing wrong at a known line:column
mk() { # mk NAME LINE: writes $I/NAME.yaml with LINE (the problem) as line 5, in run:
    printf 'scenario:\n  name: %s\nrun:\n  replicates: 3\n%s\npopulation:\n  parks_file: parks.csv\n' "$1" "$2" >"$I/$1.yaml"
}
mk syntax '  seed: [1, 2'             # 5:? unterminated flow sequence
mk unknown '  yaers: 2'               # 5:3  unknown key, suggests run.years
mk type '  years: three'              # 5:10 wrong type
mk range '  years: 51'                # 5:10 out of range (1..50)
printf 'base: no-such-base.yaml\nscenario:\n  name: orphan\n' >"$I/nobase.yaml"
printf 'scenario:\n  name: noparks\npopulation:\n  parks_file: no-such-parks.csv\n' >"$I/noparks.yaml"
printf 'scenario:\n  name: good\nrun:\n  replicates: 2\npopulation:\n  parks_file: parks.csv\n' >"$I/good.yaml"
# an error in a base file is reported at the base file's line
printf 'base: range.yaml\nscenario:\n  name: child\n' >"$I/child.yaml"
# a bad cell in the park file: line 4 (the second park), column 'class'
sed '4s/,M,/,X,/' "$I/parks.csv" >"$I/badparks.csv"
printf 'scenario:\n  name: badcsv\npopulation:\n  parks_file: badparks.csv\n' >"$I/badcsv.yaml"
# cross-field checks: the key written in the file is at line 5, column 3 (7:5)
printf 'scenario: {name: tiers}\npopulation:\n  parks_file: parks.csv\nassessment:\n  tier2_min: 70\n' >"$I/tiers.yaml"
printf 'scenario: {name: shares}\npopulation:\n  parks_file: parks.csv\nfirm:\n  class_d_share: 0.6\n' >"$I/shares.yaml"
printf 'scenario: {name: leverend}\npopulation:\n  parks_file: parks.csv\nlevers:\n  mergers:\n    intensity: 1\n    end: 2025-06\n' >"$I/leverend.yaml"
# several errors are all reported in one pass
printf 'scenario:\n  name: many\nrun:\n  replicates: 0\n  years: x\npopulation:\n  parks_file: parks.csv\n' >"$I/many.yaml"

# ---------------------------------------------------------------- bad input
run "$PARKSIM" run "$I/absent.yaml" -o o.h5
bad_input "missing scenario file" "$I/absent.yaml"

run "$PARKSIM" run "$I/syntax.yaml" -o o.h5
bad_input "YAML syntax error" "$I/syntax.yaml:" "syntax error"
ok "$(grep -q "syntax.yaml:[56]:[0-9][0-9]*:" "$T/err"; echo $?)" "YAML syntax error: message gives line:column of the problem" || show

run "$PARKSIM" run "$I/unknown.yaml" -o o.h5
bad_input "unknown key" "$I/unknown.yaml:5:3:" "run.yaers" "run.years"

run "$PARKSIM" run "$I/type.yaml" -o o.h5
bad_input "wrong type" "$I/type.yaml:5:10:" "run.years" "three"

run "$PARKSIM" run "$I/range.yaml" -o o.h5
bad_input "out-of-range value" "$I/range.yaml:5:10:" "run.years" "51"

run "$PARKSIM" run "$I/nobase.yaml" -o o.h5
bad_input "missing base" "$I/nobase.yaml:1:7:" "base" "no-such-base.yaml"

run "$PARKSIM" run "$I/noparks.yaml" -o o.h5
bad_input "missing parks file" "no-such-parks.csv" "$I/noparks.yaml:4:15" "population.parks_file"

run "$PARKSIM" run "$I/child.yaml" -o o.h5
bad_input "bad value in a base file" "$I/range.yaml:5:10:" "run.years"

run "$PARKSIM" run "$I/many.yaml" -o o.h5
bad_input "two errors reported in one pass" "$I/many.yaml:4:15: run.replicates" "$I/many.yaml:5:10: run.years"

run "$PARKSIM" run "$I/good.yaml" -o o.h5 --set levers.mergers.intensity=1.5
bad_input "--set out-of-range value" "--set levers.mergers.intensity" "1.5"

run "$PARKSIM" run "$I/good.yaml" -o o.h5 --set run.yeers=2
bad_input "--set unknown key" "--set run.yeers" "run.years"

run "$PARKSIM" run "$I/good.yaml" -o o.h5 --set run.years
bad_input "--set without =value" "run.years" "key=value"

run "$PARKSIM" run "$I/good.yaml" -o o.h5 -r many
bad_input "-r with a non-number" "run.replicates" "many"

run "$PARKSIM" run "$I/good.yaml" -o o.h5 --frobnicate
bad_input "unknown option" "--frobnicate"

run "$PARKSIM" frobnicate "$I/good.yaml"
bad_input "unknown command" "frobnicate"

run "$PARKSIM" run
bad_input "missing scenario argument" "SCENARIO.yaml"

run "$PARKSIM" run "$I/good.yaml" -o
bad_input "missing option value" "-o" "value"

run "$PARKSIM" run "$I/badcsv.yaml" -o o.h5
bad_input "bad value in the parks file" "$I/badparks.csv:4:" "class" "X"

# Checks that involve two keys: the message must point at the key the user
# wrote (the line:column of its value), not at a partner that the file lacks.
run "$PARKSIM" run "$I/tiers.yaml" -o o.h5
bad_input "cross-check tier2_min > tier1_min" "$I/tiers.yaml:5:14:" "assessment.tier2_min"
run "$PARKSIM" run "$I/shares.yaml" -o o.h5
bad_input "cross-check class shares sum > 1" "$I/shares.yaml:5:18:" "firm.class_d_share"
run "$PARKSIM" run "$I/leverend.yaml" -o o.h5
bad_input "cross-check lever end before the run" "$I/leverend.yaml:7:10:" "levers.mergers.end"

# Bad input without -o: the default name <scenario.name>.h5 is not created either.
run "$PARKSIM" run "$I/range.yaml"
bad_input "bad input, default output name" "run.years"

# ---------------------------------------------------------------- runtime failure
# An output directory that does not exist is an I/O failure (exit 1), not bad input.
run "$PARKSIM" run "$I/good.yaml" -o nodir/o.h5 --quiet
ok "$([ "$rc" -eq 1 ]; echo $?)" "output directory missing: exit code 1 (runtime failure)" || show
ok "$(has "nodir/o.h5"; echo $?)" "output directory missing: message names the output path" || show
ok "$([ -z "$(ls -A "$T/cwd")" ]; echo $?)" "output directory missing: nothing left behind"
# An HDF5 failure (a directory where OUT.h5.partial goes): parksim says
# "library detail follows", and then HDF5's own lines must follow.
run sh -c 'mkdir o.h5.partial && exec "$0" run "$1" -o o.h5 --quiet' "$PARKSIM" "$I/good.yaml"
ok "$([ "$rc" -eq 1 ]; echo $?)" "HDF5 cannot create the file: exit code 1 (runtime failure)" || show
ok "$(has "o.h5.partial; library detail follows" && [ "$(grep -c -v '^parksim: ' "$T/err")" -gt 0 ]; echo $?)" \
    "HDF5 cannot create the file: the message names it and the HDF5 detail it announces is printed" || show

# ---------------------------------------------------------------- existing output
O=$T/keep
mkdir "$O"
printf 'precious results, not HDF5\n' >"$O/out.h5"
cp "$O/out.h5" "$O/orig"
(cd "$O" && "$PARKSIM" run "$I/good.yaml" -o out.h5 --quiet) >"$T/out" 2>"$T/err"
rc=$?
ok "$([ "$rc" -eq 2 ]; echo $?)" "existing output without --force: exit code 2" || show
ok "$(has "out.h5" && has "--force"; echo $?)" "existing output: message names the file and --force" || show
ok "$(cmp -s "$O/out.h5" "$O/orig"; echo $?)" "existing output: file left byte-identical"
ok "$([ ! -e "$O/out.h5.partial" ]; echo $?)" "existing output: no .partial file created"

(cd "$O" && "$PARKSIM" run "$I/good.yaml" -o out.h5 --force) >"$T/out" 2>"$T/err"
rc=$?
ok "$([ "$rc" -eq 0 ]; echo $?)" "--force: exit code 0" || show
digest=$(sed -n 's/^result_digest: //p' "$T/out")
"$PY" - "$O/out.h5" "$digest" >"$T/py" 2>&1 <<'EOF'
import sys, h5py
path, digest = sys.argv[1:]
with h5py.File(path, "r") as f:
    a = f.attrs
    assert int(a["parksim_complete"]) == 1, "parksim_complete"
    assert a["result_digest"].decode() == digest, (a["result_digest"], digest)
    assert f["summary/top_tier_count"].shape == (2, 4), f["summary/top_tier_count"].shape
EOF
ok $? "--force: the file was replaced by a complete parksim output (digest $digest)" || sed 's/^/#   /' "$T/py"
ok "$([ ! -e "$O/out.h5.partial" ]; echo $?)" "--force: no .partial file left"

# ---------------------------------------------------------------- help, version
# Each help states the exit codes that command can give, each with its meaning
# (tests/docs_cli.t checks them against docs/CONFIG.md).
for cmd in "" run validate; do
    case $cmd in
        validate) codes='Exit 0 if valid, 2 if not\.' ;;
        *) codes='Exit codes: 0 success; 1 runtime failure[^;]*; 2 bad input[^;]*; 3 stopped [^.]*checkpoint' ;;
    esac
    # shellcheck disable=SC2086
    "$PARKSIM" $cmd --help >"$T/out" 2>"$T/err"
    rc=$?
    ok "$([ "$rc" -eq 0 ]; echo $?)" "parksim ${cmd:+$cmd }--help: exit code 0" || show
    ok "$(tr '\n' ' ' <"$T/out" | sed 's/  */ /g' | grep -q -e "$codes"; echo $?)" \
        "parksim ${cmd:+$cmd }--help: states the exit codes and their meanings" || sed 's/^/#   /' "$T/out"
done
"$PARKSIM" --version >"$T/out" 2>"$T/err"
rc=$?
ok "$([ "$rc" -eq 0 ] && grep -q '^parksim [0-9]' "$T/out"; echo $?)" "parksim --version: exit 0, prints 'parksim VERSION'" || show

# ---------------------------------------------------------------- validate
# Flatten validate's YAML into key=value lines (the assessment.groups list is skipped).
flat() {
    awk '/^ *- / || /^ *#/ { next }
         match($0, /^ */) {
             lvl = RLENGTH / 2; line = substr($0, RLENGTH + 1)
             i = index(line, ":"); if (!i) next
             k = substr(line, 1, i - 1); v = substr(line, i + 1); sub(/^ /, "", v)
             key[lvl] = k; p = key[0]; for (j = 1; j <= lvl; j++) p = p "." key[j]
             if (v != "") { gsub(/^"|"$/, "", v); print p "=" v }
         }' "$1"
}
get() { sed -n "s/^$(printf '%s' "$2" | sed 's/\./\\./g')=//p" "$1"; } # get FLATFILE KEY

# A base sets a value, the child inherits it; other keys take their defaults.
printf 'scenario:\n  name: parent\nrun:\n  years: 2\nfirm:\n  exit_rate: 0.07\npopulation:\n  parks_file: parks.csv\n' >"$I/parent.yaml"
printf 'base: parent.yaml\nscenario:\n  name: kid\nrun:\n  years: 1\n' >"$I/kid.yaml"
"$PARKSIM" validate "$I/kid.yaml" >"$T/val" 2>"$T/err"
rc=$?
ok "$([ "$rc" -eq 0 ]; echo $?)" "validate: exit code 0 on a valid scenario" || show
flat "$T/val" >"$T/val.flat"
"$PARKSIM" keys >"$T/keys" 2>/dev/null
sed -n 's/^| `\([a-z_.]*\)` |.*/\1/p' "$T/keys" >"$T/keys.list"
nkeys=$(wc -l <"$T/keys.list")
missing=$(while read -r k; do grep -q "^$k=" "$T/val.flat" || echo "$k"; done <"$T/keys.list")
ok "$([ "$nkeys" -gt 50 ] && [ -z "$missing" ]; echo $?)" "validate prints a value for each of the $nkeys keys of 'parksim keys'" ||
    diag "missing: $missing"
grep -q '^  groups:' "$T/val"
ok $? "validate prints the assessment groups"
def=$(sed -n 's/^| `firm.growth_sigma` | [^|]* | `\([^`]*\)`.*/\1/p' "$T/keys")
got=$(get "$T/val.flat" firm.growth_sigma)
ok "$([ -n "$def" ] && [ "$got" = "$def" ]; echo $?)" "validate: a key set nowhere shows its default (firm.growth_sigma: $got, default $def)"
got=$(get "$T/val.flat" firm.exit_rate)
ok "$([ "$got" = 0.07 ]; echo $?)" "validate: a key set in the base is inherited (firm.exit_rate: $got)"
got=$(get "$T/val.flat" run.years)
ok "$([ "$got" = 1 ]; echo $?)" "validate: the child overrides its base (run.years: $got)"
got=$(get "$T/val.flat" population.parks_file)
ok "$([ "$got" = "$(cd "$I" && pwd -P)/parks.csv" ]; echo $?)" "validate: parks_file resolved relative to the file naming it ($got)"
# The shipped scenarios: jiangxi-mergers inherits run and population from jiangxi-baseline.
"$PARKSIM" validate "$repo/configs/jiangxi-mergers.yaml" 2>"$T/err" | flat /dev/stdin >"$T/jx.flat"
ok "$([ "$(get "$T/jx.flat" run.replicates)" = 1000 ] && [ "$(get "$T/jx.flat" levers.mergers.intensity)" = 1 ] &&
    [ "$(get "$T/jx.flat" population.parks_file)" = "$(cd "$repo/configs/parks" && pwd -P)/jiangxi-2025.csv" ]; echo $?)" \
    "validate configs/jiangxi-mergers.yaml: inherits run.replicates=1000 and parks_file from the baseline" ||
    diag "$(grep -e '^run\.' -e parks_file -e mergers.intensity "$T/jx.flat")"
# Command-line overrides show up in the resolved values.
"$PARKSIM" validate "$tiny" -r 7 -s 99 --set levers.mergers.intensity=0.25 >"$T/val" 2>"$T/err"
rc=$?
flat "$T/val" >"$T/val.flat"
ok "$([ "$rc" -eq 0 ] && [ "$(get "$T/val.flat" run.replicates)" = 7 ] && [ "$(get "$T/val.flat" run.seed)" = 99 ] &&
    [ "$(get "$T/val.flat" levers.mergers.intensity)" = 0.25 ]; echo $?)" \
    "validate -r 7 -s 99 --set levers.mergers.intensity=0.25: all three in the output" ||
    diag "$(grep -e '^run\.' -e 'mergers.intensity' "$T/val.flat")"
"$PARKSIM" validate "$I/range.yaml" >"$T/out" 2>"$T/err"
rc=$?
ok "$([ "$rc" -eq 2 ] && has "$I/range.yaml:5:10: run.years"; echo $?)" "validate: exit 2 and the located message on an invalid scenario" || show

# ---------------------------------------------------------------- under mpirun
if command -v mpirun >/dev/null 2>&1; then
    run mpirun -np 2 "$PARKSIM" run "$I/range.yaml" -o o.h5
    bad_input "mpirun -np 2, bad input" "$I/range.yaml:5:10:" "run.years"
    cnt=$(grep -c 'parksim: error' "$T/err")
    ok "$([ "$cnt" -eq 1 ]; echo $?)" "mpirun -np 2, bad input: the error is printed once, not once per rank ($cnt)" || show
    run mpirun -np 2 "$PARKSIM" run "$I/good.yaml" -o o.h5 --bogus
    cnt=$(grep -c 'parksim: error' "$T/err")
    ok "$([ "$rc" -eq 2 ] && [ "$cnt" -eq 1 ]; echo $?)" "mpirun -np 2, unknown option: exit 2, one message ($cnt)" || show
else
    skip 5 "mpirun not installed"
fi

done_testing
