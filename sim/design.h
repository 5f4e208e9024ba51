/** \file design.h
 * Experimental designs for parameter sweeps (docs/CONFIG.md "Sweep files",
 * docs/ANALYSIS.md "Sensitivity"): points in the unit cube [0,1]^k that the
 * sweep scales to each parameter's range. Pure: no MPI, no I/O, no printing.
 *
 * Point order is part of the output contract (docs/OUTPUT.md, the sweep
 * file): for DESIGN_SALTELLI with N base rows and k parameters there are
 * N*(k+2) points, rows 0..N-1 are matrix A, rows N..2N-1 matrix B, and rows
 * (2+i)*N .. (3+i)*N-1 are AB_i = A with column i taken from B (Saltelli
 * 2010, Table 2 / Eq. 4 design), i = 0..k-1.
 */
#ifndef PARKSIM_DESIGN_H
#define PARKSIM_DESIGN_H

#include <stddef.h>
#include <stdint.h>

typedef enum { DESIGN_GRID, DESIGN_LHS, DESIGN_SOBOL, DESIGN_SALTELLI, DESIGN_PRIOR, DESIGN_COUNT } DesignKind;

/** "grid", "lhs", "sobol", "saltelli", "prior" (index = DesignKind). */
extern const char *const design_names[DESIGN_COUNT];

/** Largest k each kind supports (GSL's Sobol generator has 40 dimensions,
 *  so Saltelli, which draws 2k, allows 20). */
int design_max_params(DesignKind kind);

/** Number of points the design has: grid = product of levels[i] (each >= 1);
 *  lhs and sobol = n; saltelli = n*(k+2). Returns -1 (and a message in err)
 *  if the arguments are out of range or the count overflows int. */
long design_count(DesignKind kind, int k, int n, const int *levels, char *err, size_t errlen);

/** Fill `unit` (design_count rows x k, row-major, caller-allocated) with the
 *  design in [0,1]^k. grid: level j of L is j/(L-1) (0.5 when L = 1), the
 *  last parameter varying fastest. lhs: one point in each of n equal strata
 *  per column, jittered uniformly inside the stratum, columns permuted
 *  independently; deterministic in `seed` (folded to 32 bits for mt19937).
 *  sobol: GSL's gsl_qrng_sobol from its first point, which is (1/2,...,1/2):
 *  GSL never returns the origin the textbook sequence starts with, so this
 *  is the standard sequence with the origin skipped and no further point is
 *  dropped. saltelli: the same sequence in 2k dimensions: row r of A = first
 *  k columns of point r, row r of B = last k. Use n a power of 2 for the
 *  sequence's balance. prior: independent uniforms on (0,1) for random draws
 *  of priors (sim/prior.h), point d coordinate i from Philox4x64-10 under a
 *  key of its own, {seed, "parkprio"}, counter {d, i, 0, 0}: point d is the
 *  same whatever n, and no model stream (key {seed, "parksim1"}) shares its
 *  numbers. `seed` is used by lhs and prior only. Returns 0, or -1 with a
 *  message in err. */
int design_fill(DesignKind kind, int k, int n, const int *levels, uint64_t seed, double *unit, char *err,
                size_t errlen);

#endif
