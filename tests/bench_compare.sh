#!/bin/bash
# make bench-compare OLD=path/to/parksim [ROUNDS=5]: the simulation rate of two
# builds of parksim measured side by side in one sitting, so that a change's
# effect on speed does not depend on how busy the machine is that day.
# Each round runs, for both binaries in turn, the Jiangxi baseline and
# all-levers scenarios (1000 replicates) and the synthetic national
# population (16 replicates) at np=1, and reads enterprise_steps_per_second_per_core
# (the replicate loop only) from the run summary. Prints the median of the
# rounds for each binary and the ratio new/old.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: tests/bench_compare.sh OLD_PARKSIM [NEW_PARKSIM] [ROUNDS]}
new=${2:-bin/parksim}
rounds=${3:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old: $old ($("$old" --version))"
echo "new: $new ($("$new" --version))"
for i in $(seq "$rounds"); do
    for sc in "jiangxi-baseline 1000" "jiangxi-all-levers 1000" "national-synthetic 16"; do
        set -- $sc
        for which in old new; do
            bin=$old; [ $which = new ] && bin=$new
            rate=$("$bin" run "configs/$1.yaml" -r "$2" -o "$tmp/out.h5" --force 2>&1 |
                   awk '$1 == "enterprise_steps_per_second_per_core:" { print $2 }')
            echo "$1 $which ${rate:-nan}" >> "$tmp/rates"
        done
    done
done
/usr/bin/python3 - "$tmp/rates" "$rounds" <<'PY'
import collections, statistics, sys
r = collections.defaultdict(list)
for line in open(sys.argv[1]):
    sc, which, rate = line.split()
    r[(sc, which)].append(float(rate))
print("%-22s %14s %14s %7s   (median of %s interleaved rounds, M enterprise-steps/s/core)" % ("scenario", "old", "new", "new/old", sys.argv[2]))
for sc in ("jiangxi-baseline", "jiangxi-all-levers", "national-synthetic"):
    o, n = statistics.median(r[(sc, "old")]), statistics.median(r[(sc, "new")])
    spread = lambda v: "%.2f-%.2f" % (min(v) / 1e6, max(v) / 1e6)
    print("%-22s %6.2f [%s] %6.2f [%s] %7.3f" % (sc, o / 1e6, spread(r[(sc, "old")]), n / 1e6, spread(r[(sc, "new")]), n / o))
PY
