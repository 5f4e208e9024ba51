/** \file uncertainty.h
 * The spread of an answer split into chance and ignorance, from a nested
 * Monte-Carlo design: D draws of the unknowns (priors), n replicates of the
 * model's randomness per draw (docs/UNCERTAINTY.md). Pure: no HDF5, no
 * printing.
 *
 * For y[d*n + j], replicate j of draw d, with draw means m_d and unbiased
 * within-draw variances s2_d (divisor n-1):
 *   chance    W = mean_d s2_d                      estimates E[Var(Y | theta)]
 *   ignorance B = var_d(m_d) - W / n               estimates Var(E[Y | theta])
 *             (var_d with divisor D-1; var_d(m_d) has expectation
 *             Var(E[Y|theta]) + E[Var(Y|theta)] / n, hence the correction)
 *   total     V = W + B                            estimates Var(Y) (law of total variance)
 *   shares    W / V and B / V
 * These are the one-way random-effects ANOVA (method-of-moments) estimators
 * of the variance components; B may come out below 0 when the ignorance
 * part is small against chance (it is reported as it is, not clipped).
 * Monte-Carlo errors: bootstrap over draws (a resampled draw brings its n
 * replicates), the standard deviation of the statistic over the resamples.
 */
#ifndef PARKSTAT_UNCERTAINTY_H
#define PARKSTAT_UNCERTAINTY_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    double mean, mean_se;           /**< grand mean; se = sd of draw means / sqrt(D) (draws independent) */
    double total, chance, ignorance; /**< V, W, B */
    double chance_share, ignorance_share; /**< W / V, B / V (NaN when V = 0) */
    double total_se, chance_se, ignorance_se, chance_share_se, ignorance_share_se; /**< bootstrap over draws */
    int nboot;
} VarSplit;

/** Split y[D*n] (D >= 2, n >= 2). nboot resamples (0: no errors, NaN);
 *  deterministic in seed. Returns 0, or -1 for bad sizes or no memory. */
int var_split(const double *y, int D, int n, int nboot, uint64_t seed, VarSplit *out);

#endif
