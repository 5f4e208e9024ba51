#!/bin/bash
# make bench: performance figures of parksim on this machine (docs/PERFORMANCE.md).
# Prints, for the default Jiangxi scenarios:
#  - enterprise-steps per second per core over the simulation loop only
#    (initial population, model steps and assessments; HDF5 output excluded);
#  - the output write rate (result bytes and file bytes per second of write time);
#  - peak resident memory per rank at 10 and at 10,000 replicates (np=2),
#    which must not grow with the replicate count.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
BENCH_REPS=${BENCH_REPS:-1000}
BIG_REPS=${BIG_REPS:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

field() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "parksim: $(bin/parksim --version)"
echo
printf '%-28s %6s %5s %14s %10s %10s %12s %12s\n' run reps ranks "steps/s/core" loop_s write_s "write MB/s" "file MB/s"
run() { # name scenario reps np extra...
    local name=$1 sc=$2 reps=$3 np=$4; shift 4
    mpirun -np "$np" bin/parksim run "configs/$sc.yaml" -r "$reps" -o "$tmp/$name.h5" --force "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" \
        || { cat "$tmp/$name.err" >&2; exit 1; }
    local loop write rate bytes raw
    loop=$(field loop_seconds "$tmp/$name.out"); write=$(field write_seconds "$tmp/$name.out")
    rate=$(field enterprise_steps_per_second_per_core "$tmp/$name.out")
    bytes=$(stat -c %s "$tmp/$name.h5")
    # uncompressed result bytes: sum of dataset sizes as stored in memory
    raw=$(/usr/bin/python3 -c "import h5py,sys
f=h5py.File(sys.argv[1],'r'); n=0
def v(k,o):
    global n
    if isinstance(o,h5py.Dataset) and o.ndim and o.shape[0]==f.attrs['replicates']: n+=o.size*o.dtype.itemsize
f.visititems(v); print(n)" "$tmp/$name.h5")
    printf '%-28s %6d %5d %14.3g %10.2f %10.2f %12.1f %12.1f\n' "$name" "$reps" "$np" "$rate" "$loop" "$write" \
        "$(awk -v a="$raw" -v t="$write" 'BEGIN { print a / t / 1e6 }')" "$(awk -v a="$bytes" -v t="$write" 'BEGIN { print a / t / 1e6 }')"
}
run baseline-np1 jiangxi-baseline "$BENCH_REPS" 1
run all-levers-np1 jiangxi-all-levers "$BENCH_REPS" 1
run baseline-np1-no-monthly jiangxi-baseline "$BENCH_REPS" 1 --set output.monthly=false
run baseline-np2 jiangxi-baseline "$BENCH_REPS" 2
echo
echo "peak resident memory per rank (np=2, baseline; must not grow with replicates):"
for reps in 10 "$BIG_REPS"; do
    mpirun -np 2 bin/parksim run configs/jiangxi-baseline.yaml -r "$reps" -o "$tmp/mem.h5" --force >"$tmp/mem.out" 2>"$tmp/mem.err" \
        || { cat "$tmp/mem.err" >&2; exit 1; }
    printf '  %6d replicates: %6.1f MB per rank (file %.1f MB)\n' "$reps" "$(field peak_rss_mb_per_rank "$tmp/mem.out")" \
        "$(awk -v a="$(stat -c %s "$tmp/mem.h5")" 'BEGIN { print a / 1e6 }')"
done
