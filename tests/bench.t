#!/bin/bash
# tests/bench.t - the two measuring programs of `make bench` run and say what
# they promise (their figures are timings, so only their shape is checked):
#  - bench_kernel prints a positive kernel_firm_steps_per_second;
#  - bench_phases prints a replicate's time split into start, months, year
#    starts and year ends, which add up to the whole (to the printed rounding);
#  - bench_phases --levers prints one cost per lever that is on, by key;
#  - bad usage exits 2, a scenario that does not load exits 1;
#  - bench_passes (the same program with timers around the passes of every
#    park-month) splits the months by pass, the passes adding up to the
#    months and each lever's park_end hook inside the park_end pass, and the
#    years' work (budgets, variances, assessment, books, removals,
#    classification) in the same unit; the
#    model's own build (bench_phases) has no timers and prints no split.
# Binaries: $BENCH_DIR/bench_kernel, bench_phases, bench_passes (default build/).
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-$repo/build}
cd "$repo" || exit 1
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

out=$("$dir/bench_kernel" 1)
rate=$(awk '$1 == "kernel_firm_steps_per_second:" { print $2 }' <<<"$out")
awk -v r="$rate" 'BEGIN { exit !(r > 0) }'
ok $? "bench_kernel: a positive rate ($rate firm-steps/s)"

out=$("$dir/bench_phases" configs/test/tiny.yaml 2)
rc=$?
ok $rc "bench_phases on the tiny scenario exits 0"
val() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
all=$(val all) start=$(val start) months=$(val months) ys=$(val year_start) ye=$(val year_end)
awk -v a="$all" -v s="$start" -v m="$months" -v y="$ys" -v e="$ye" \
    'BEGIN { d = a - (s + m + y + e); exit !(a > 0 && s > 0 && m > 0 && d < 0.25 && d > -0.25) }'
ok $? "start + months + year starts + year ends = all ($start + $months + $ys + $ye vs $all)"
grep -q "^bench_phases: configs/test/tiny.yaml, 2 replicates, [1-9][0-9]* firm-steps each$" <<<"$out"
ok $? "the header names the scenario, the replicates and the firm-steps"

out=$("$dir/bench_phases" --levers configs/test/tiny.yaml 1)
got=$(awk '$1 == "lever" { print $2 }' <<<"$out" | tr '\n' ' ')
[ "$got" = "mergers revitalisation upgrades chain cultivation safety smart land focus " ]
ok $? "--levers: one cost for each of the 9 levers the tiny scenario has on, in table order ($got)"
out=$("$dir/bench_phases" --levers configs/test/tiny.yaml 1 levers.land.intensity=0)
! grep -q "lever land" <<<"$out" && grep -q "lever smart" <<<"$out"
ok $? "--levers leaves out a lever switched off by a setting"

! grep -q "the months by pass" <<<"$out"
ok $? "bench_phases (no timers) prints no split by pass"

if [ "$(uname -m)" = x86_64 ]; then
    out=$("$dir/bench_passes" configs/test/tiny.yaml 2)
    ok $? "bench_passes on the tiny scenario exits 0"
    grep -q "^bench_passes: configs/test/tiny.yaml, 2 replicates" <<<"$out"
    ok $? "bench_passes names itself"
    months=$(awk '$1 == "months" { print $2 }' <<<"$out")
    # the pass lines: label, ns, share%; the lever lines under park_end are indented further
    passes=$(awk '/the months by pass/ { on = 1; next } /the years/ { on = 0 } on' <<<"$out")
    years=$(awk '/the years. work by part/ { on = 1; next } on' <<<"$out")
    sum=$(awk '/^    [^ ]/ { s += $(NF - 1) } END { print s + 0 }' <<<"$passes")
    awk -v m="$months" -v s="$sum" 'BEGIN { d = m - s; exit !(m > 0 && d < 0.6 && d > -0.6) }'
    ok $? "the 8 passes add up to the months ($sum vs $months)"
    [ "$(grep -c '^    [^ ]' <<<"$passes")" = 8 ]
    ok $? "8 passes printed"
    [ "$(grep -c '^    [^ ]' <<<"$years")" = 6 ] && awk '{ if (!($NF >= 0)) exit 1 }' <<<"$years" &&
        grep -q "growth variances" <<<"$years" && grep -q "classification" <<<"$years"
    ok $? "6 parts of the years' work printed, none negative"
    got=$(awk '/^      [a-z]/ { printf "%s ", $1 }' <<<"$out")
    [ "$got" = "mergers revitalisation chain " ]
    ok $? "each lever with a park_end hook timed under the park_end pass ($got)"
    pe=$(awk '/^    park_end hooks/ { print $(NF - 1) }' <<<"$out")
    lev=$(awk '/^      [a-z]/ { s += $(NF - 1) } END { print s + 0 }' <<<"$out")
    awk -v a="$pe" -v b="$lev" 'BEGIN { exit !(b > 0 && b <= a + 0.15) }'
    ok $? "the levers' park_end hooks are part of the park_end pass ($lev of $pe)"
fi

"$dir/bench_phases" >/dev/null 2>&1
[ $? = 2 ]; ok $? "no scenario: exit 2"
err=$("$dir/bench_phases" configs/test/tiny.yaml 0 2>&1)
[ $? = 2 ] && grep -q "REPLICATES must be a positive integer" <<<"$err"
ok $? "0 replicates: exit 2, with the reason"
err=$("$dir/bench_phases" configs/test/tiny.yaml 1 no.such.key=1 2>&1)
[ $? = 1 ] && grep -q "unknown key" <<<"$err"
ok $? "an unknown key: exit 1, the loader's message"
"$dir/bench_phases" configs/test/no-such-file.yaml >/dev/null 2>&1
[ $? = 1 ]; ok $? "a missing scenario: exit 1"

echo "1..$n"
[ "$failed" = 0 ]
