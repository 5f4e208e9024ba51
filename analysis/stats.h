/** \file stats.h
 * Estimators and tests used by parkstat, as plain functions on arrays: no
 * HDF5, no printing, so tests/test_stats.c can check each against a known
 * answer. The methods and their references are in docs/ANALYSIS.md.
 */
#ifndef PARKSTAT_STATS_H
#define PARKSTAT_STATS_H

#include <stddef.h>

/** Mean and Monte-Carlo standard error sd/sqrt(n) (sd with divisor n-1; se 0 when n < 2). */
void stats_mean_se(const double *x, size_t n, double *mean, double *sd, double *se);

/** Sample quantile of sorted data: GSL's linear interpolation (R type 7, numpy's default). */
double stats_quantile(const double *sorted, size_t n, double q);

/** Maritz-Jarrett standard error of the sample quantile x_(m), m = floor(q n + 0.5), of sorted data. */
double stats_quantile_se_mj(const double *sorted, size_t n, double q);

/** Distribution-free confidence interval for the q-quantile from order statistics:
 *  [x_(l), x_(u)] with P(X_(l) <= xi_q <= X_(u)) >= level, l and u chosen symmetric
 *  in the Binomial(n, q) tails. Returns 0, or -1 if n is too small for the level
 *  (then lo/hi are the sample minimum and maximum). */
int stats_quantile_ci(const double *sorted, size_t n, double q, double level, double *lo, double *hi);

/** Wilson score interval for k successes in n trials at two-sided level (e.g. 0.95). */
void stats_wilson(long k, long n, double level, double *lo, double *hi);

/** Two-sided Fisher exact test p-value of the 2x2 table [[a, b], [c, d]]
 *  (sum of the probabilities of the tables no more likely than the observed one). */
double stats_fisher_2x2(long a, long b, long c, long d);

/** Chi-square test of homogeneity between two samples of a discrete variable with
 *  K categories (counts a[k], b[k]). Adjacent categories are pooled, left to right,
 *  until every pooled cell has an expected count of at least 5 in both rows
 *  (Cochran's rule). Returns the p-value; *df and *chi2 receive the degrees of
 *  freedom and the statistic. With one pooled category (df 0) the samples cannot
 *  differ and the p-value is 1. */
double stats_chisq_2xk(const long *a, const long *b, size_t K, int *df, double *chi2);

/** Holm's step-down correction of m p-values at family-wise level alpha: reject[i]
 *  is set to 1 for rejected hypotheses; adj[i] (if not NULL) receives the
 *  Holm-adjusted p-value min(1, max_{j<=rank} (m-j+1) p_(j)). Returns the number rejected. */
int stats_holm(const double *p, size_t m, double alpha, int *reject, double *adj);

/** Two-sided Student-t critical value for n-1 degrees of freedom at the given level
 *  (the normal value when n is large or n < 2 makes it undefined). */
double stats_t_crit(size_t n, double level);

#endif
