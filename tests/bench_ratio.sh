#!/bin/bash
# The full model against the bare kernel (tests/bench_kernel.c), measured side
# by side in one sitting: ROUNDS interleaved rounds of the kernel, the
# synthetic national population without levers and the same population with
# every lever of the all-levers scenario, one core each; the medians of
# firm-steps per second and the model's ratio to the kernel. The ratio, not
# the seconds, is the figure to quote: it does not depend on the machine's
# speed that day (docs/PERFORMANCE.md, "The model against a bare kernel").
# Usage: tests/bench_ratio.sh KERNEL_BINARY [ROUNDS]   (make bench runs it)
# PARKSIM_BEFORE=OTHER_BINARY adds that build's two runs to every round, so
# a change is measured against the build before it in the same sitting.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=${1:?usage: tests/bench_ratio.sh KERNEL_BINARY [ROUNDS]}
rounds=${2:-5}
PARKSIM=${PARKSIM:-bin/parksim}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rate() { awk -v k="$1:" '$1 == k { print $2 }'; }
model() { # NAME BINARY: the two national runs of one build
    echo "$1 $("$2" run configs/national-synthetic.yaml -r 16 -o "$tmp/o.h5" --force 2>&1 |
               rate enterprise_steps_per_second_per_core)" >> "$tmp/rates"
    echo "$1-all-levers $("$2" run configs/jiangxi-all-levers.yaml -r 16 -o "$tmp/o.h5" --force \
        --set population.parks_file=configs/parks/national-synthetic.csv 2>&1 |
        rate enterprise_steps_per_second_per_core)" >> "$tmp/rates"
}
for i in $(seq "$rounds"); do
    echo "kernel $("$kernel" 5 | rate kernel_firm_steps_per_second)" >> "$tmp/rates"
    model national "$PARKSIM"
    if [ -n "${PARKSIM_BEFORE:-}" ]; then model before "$PARKSIM_BEFORE"; fi
done
/usr/bin/python3 - "$tmp/rates" "$rounds" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, v = line.split()
    r[name].append(float(v))
k = statistics.median(r["kernel"])
print("the full model against the bare kernel (median of %s interleaved rounds, one core):" % sys.argv[2])
print("  %-22s %7.2f M firm-steps/s  (%.1f ns per firm-step)" % ("bare kernel", k / 1e6, 1e9 / k))
for name in ("national", "national-all-levers", "before", "before-all-levers"):
    if name not in r:
        continue
    m = statistics.median(r[name])
    print("  %-22s %7.2f M firm-steps/s  (%.1f ns)  ratio to the kernel %.2f" % (name, m / 1e6, 1e9 / m, m / k))
PY
