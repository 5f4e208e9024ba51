/** \file sobol.h
 * Sobol' sensitivity indices from a Saltelli design (sim/design.h): first-order
 * S_i by the estimator of Saltelli et al. (2010), total S_Ti by Jansen's (1999),
 * with bootstrap percentile intervals. Pure: no HDF5, no printing. Method and
 * references: docs/ANALYSIS.md "Sensitivity analysis".
 */
#ifndef PARKSTAT_SOBOL_H
#define PARKSTAT_SOBOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    double s1, s1_se, s1_lo, s1_hi;   /**< first-order index, bootstrap se and percentile interval */
    double st, st_se, st_lo, st_hi;   /**< total index, the same */
} SobolIndex;

typedef struct {
    double mean, var;       /**< of the 2N outputs of A and B (var with divisor 2N) */
    double sum_s1;          /**< sum of the S_i: 1 for an additive model, less with interactions */
    double sum_s1_lo, sum_s1_hi;
    int nboot;              /**< bootstrap samples drawn */
    int boot_undefined;     /**< of those, how many had zero variance (left out of the intervals) */
} SobolSummary;

enum { SOBOL_OK = 0, SOBOL_ZERO_VAR = 1, SOBOL_EINVAL = -1, SOBOL_ENOMEM = -2 };

/** Indices of k parameters from y[N*(k+2)] in the Saltelli order of design.h:
 *  y[0..N-1] = f(A), y[N..2N-1] = f(B), y[(2+i)N..(3+i)N-1] = f(AB_i).
 *    V    = variance of the 2N values f(A), f(B) (divisor 2N)
 *    S_i  = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V          (Saltelli et al. 2010)
 *    S_Ti = mean_j (f(A)_j - f(AB_i)_j)^2 / 2 / V           (Jansen 1999)
 *  Bootstrap: nboot resamples of the N base rows j with replacement; a drawn j
 *  brings its whole set f(A)_j, f(B)_j, f(AB_0)_j..f(AB_k-1)_j, because those
 *  k+2 runs share the row's coordinates and are not independent. Percentile
 *  interval at two-sided level `conf`; nboot 0 gives no intervals (NaN), else
 *  nboot >= 2/(1-conf) so each tail holds a sample. Deterministic in `seed`.
 *  idx[k] receives the indices. Returns SOBOL_OK; SOBOL_ZERO_VAR when every
 *  f(A) and f(B) is equal (the indices are undefined: NaN, var 0);
 *  SOBOL_EINVAL or SOBOL_ENOMEM with a message in err. */
int sobol_indices(const double *y, int N, int k, int nboot, double conf, uint64_t seed, SobolIndex *idx,
                  SobolSummary *sum, char *err, size_t errlen);

#endif
