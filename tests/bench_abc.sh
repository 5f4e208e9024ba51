#!/bin/bash
# make bench, part 2: the cost of Bayesian calibration (docs/PERFORMANCE.md "ABC-SMC").
# Prints:
#  1. the sampler's own cost per proposal: ABC on the normal test model (its "simulation" is one
#     normal draw, so the time is the machinery: proposals, kernels, weights, scheduler, records)
#     with the shipped particle count, against the seconds of one Jiangxi simulation in ABC:
#     machinery overhead = the first over the second, PASS/FAIL against the 10% target;
#  2. replicates per second per core in ABC (each Jiangxi simulation runs abc.replicates
#     replicates, plus the 2025 state of as many for its 2025 summaries) against a plain
#     `parksim run` of the baseline at the same rank count;
#  3. the wall time of the shipped calibration (configs/observations/jiangxi-2025.yaml, what
#     `make calibrate` runs) on NP ranks, PASS/FAIL against 10 minutes.
# BENCH_ABC_FULL=0 skips 3 (about 4 minutes on 2 idle cores). NP [2].
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
NP=${NP:-2}
PARKSIM=${PARKSIM:-bin/parksim}
tmp=$(mktemp -d /tmp/parksim-bench-abc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3

# 1. machinery per proposal (200 particles, the shipped count), and a short Jiangxi calibration
sed -e "s|scenario: tiny.yaml|scenario: $PWD/configs/test/tiny.yaml|" \
    -e "s|priors: abc-normal-prior.yaml|priors: $PWD/configs/test/abc-normal-prior.yaml|" \
    -e 's/particles: 300/particles: 200/' -e 's/final_tolerance: 0.02/final_tolerance: 0.005/' \
    -e 's/min_acceptance: 0.02/min_acceptance: 0.002/' configs/test/abc-normal.yaml > "$tmp/toy.yaml"
mpirun -np "$NP" "$PARKSIM" abc "$tmp/toy.yaml" -o "$tmp/toy.h5" -q
sed -e "s|^scenario: ../|scenario: $PWD/configs/|" -e "s|^priors: ../|priors: $PWD/configs/|" \
    -e 's/  max_generations: 10/  max_generations: 4/' configs/observations/jiangxi-2025.yaml > "$tmp/jx.yaml"
mpirun -np "$NP" "$PARKSIM" abc "$tmp/jx.yaml" -o "$tmp/jx.h5" -q
# 2. a plain run of the same model on the same ranks
mpirun -np "$NP" "$PARKSIM" run configs/jiangxi-baseline.yaml -r 400 -o "$tmp/plain.h5" -q --set output.monthly=false
$py - "$tmp" "$NP" <<'PY'
import sys, h5py
tmp, npr = sys.argv[1], int(sys.argv[2])
def rate(path):
    with h5py.File(path, "r") as f:
        return float(f["seconds"][()].sum()) * npr / float(f["simulations"][()].sum()), int(f["simulations"][()].sum()), int(f.attrs["replicates_per_simulation"])
toy, ntoy, _ = rate(tmp + "/toy.h5")
jx, njx, reps = rate(tmp + "/jx.h5")
with h5py.File(tmp + "/plain.h5", "r") as f:
    plain = float(f.attrs["replicates"]) / (float(f.attrs["loop_seconds"]) * npr)
print("ABC-SMC on %d ranks (core-seconds per proposal = generation wall time x ranks / proposals):" % npr)
print("  machinery (normal test model, 200 particles, %d proposals): %.1f us per proposal" % (ntoy, toy * 1e6))
print("  Jiangxi simulation in ABC (%d simulations of %d replicates): %.1f ms per simulation" % (njx, reps, jx * 1e3))
ov = toy / jx
print("  machinery overhead: %.3f%% of a simulation  %s (target < 10%%)" % (100 * ov, "PASS" if ov < 0.10 else "FAIL"))
print("  replicates per core-second: %.1f in ABC (each with its 2025 summaries) against %.1f in a plain run (ratio %.2f)"
      % (reps / jx, plain, reps / jx / plain))
PY
if [ "${BENCH_ABC_FULL:-1}" != 0 ]; then
    t0=$(date +%s.%N)
    mpirun -np "$NP" "$PARKSIM" abc configs/observations/jiangxi-2025.yaml -o "$tmp/full.h5" -q
    t1=$(date +%s.%N)
    $py - "$tmp/full.h5" "$t0" "$t1" "$NP" <<'PY'
import sys, h5py
p, t0, t1, npr = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
with h5py.File(p, "r") as f:
    G, sims, tol, stop = len(f["tolerance"]), int(f["simulations"][()].sum()), float(f["tolerance"][-1]), f.attrs["stop_reason"]
stop = stop.decode() if isinstance(stop, bytes) else stop
w = t1 - t0
print("shipped Jiangxi calibration on %s ranks: %.0f s wall, %d generations, %d simulations, final tolerance %.3g (%s)  %s (target < 600 s)"
      % (npr, w, G, sims, tol, stop, "PASS" if w < 600 else "FAIL"))
PY
fi
