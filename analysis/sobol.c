/** \file sobol.c
 * Saltelli/Jansen estimators of Sobol' indices with a row bootstrap (sobol.h).
 */
#include "sobol.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Point estimates over the base rows rows[0..N-1] (a bootstrap sample, or 0..N-1).
 * s1[k], st[k] receive the indices; returns V (0 when the outputs of A and B are all
 * equal, and then s1/st are untouched). */
static double estimate(const double *y, int N, int k, const int *rows, double *s1, double *st, double *sum_s1)
{
    const size_t n = (size_t)N;
    /* mean and variance of A and B together, two-pass for accuracy */
    double m = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t j = 0; j < n; j++) {
        size_t r = rows ? (size_t)rows[j] : j;
        double a = y[r], b = y[n + r];
        m += a + b;
        lo = fmin(lo, fmin(a, b)), hi = fmax(hi, fmax(a, b));
    }
    if (!(hi > lo)) return 0;
    m /= 2.0 * N;
    double v = 0;
    for (size_t j = 0; j < n; j++) {
        size_t r = rows ? (size_t)rows[j] : j;
        double a = y[r] - m, b = y[n + r] - m;
        v += a * a + b * b;
    }
    v /= 2.0 * N;
    if (!(v > 0)) return 0;
    double sum = 0;
    for (int i = 0; i < k; i++) {
        const double *ab = y + (2 + (size_t)i) * n;
        double vi = 0, vti = 0;
        for (size_t j = 0; j < n; j++) {
            size_t r = rows ? (size_t)rows[j] : j;
            double fa = y[r], fb = y[n + r], fab = ab[r];
            /* centring f(B) does not change the expectation but removes the mean^2 term from
             * the estimator's variance when the output has a large mean (parksim's counts) */
            vi += (fb - m) * (fab - fa);
            vti += (fa - fab) * (fa - fab);
        }
        s1[i] = vi / N / v;
        st[i] = vti / (2.0 * N) / v;
        sum += s1[i];
    }
    *sum_s1 = sum;
    return v;
}

/* Percentile interval and sd of the finite values x[0..n-1] (sorted in place). */
static void interval(double *x, int n, double conf, double *se, double *lo, double *hi)
{
    if (n < 2) { *se = *lo = *hi = NAN; return; }
    gsl_sort(x, 1, (size_t)n);
    *se = gsl_stats_sd(x, 1, (size_t)n);
    *lo = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, (1 - conf) / 2);
    *hi = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, (1 + conf) / 2);
}

int sobol_indices(const double *y, int N, int k, int nboot, double conf, uint64_t seed, SobolIndex *idx,
                  SobolSummary *sum, char *err, size_t errlen)
{
    if (!y || !idx || !sum || N < 1 || k < 1) {
        snprintf(err, errlen, "Sobol indices need N >= 1 base rows and k >= 1 parameters (got N %d, k %d)", N, k);
        return SOBOL_EINVAL;
    }
    if (!(conf > 0 && conf < 1)) {
        snprintf(err, errlen, "confidence level %g; expected a number strictly between 0 and 1", conf);
        return SOBOL_EINVAL;
    }
    if (nboot < 0 || (nboot > 0 && nboot < 2.0 / (1 - conf))) {
        snprintf(err, errlen, "%d bootstrap samples for a %g interval; expected 0 or at least %.0f", nboot, conf,
                 ceil(2.0 / (1 - conf)));
        return SOBOL_EINVAL;
    }
    for (int i = 0; i < k; i++)
        idx[i] = (SobolIndex){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    *sum = (SobolSummary){.mean = NAN, .var = 0, .sum_s1 = NAN, .sum_s1_lo = NAN, .sum_s1_hi = NAN, .nboot = nboot};
    for (size_t j = 0; j < (size_t)N * (k + 2); j++)
        if (!isfinite(y[j])) {
            snprintf(err, errlen, "output %zu of %zu is %g; expected finite values", j, (size_t)N * (k + 2), y[j]);
            return SOBOL_EINVAL;
        }
    double *s1 = malloc((size_t)k * sizeof *s1), *st = malloc((size_t)k * sizeof *st);
    if (!s1 || !st) {
        free(s1), free(st);
        snprintf(err, errlen, "out of memory");
        return SOBOL_ENOMEM;
    }
    double sum_s1 = NAN;
    double v = estimate(y, N, k, NULL, s1, st, &sum_s1);
    double m = 0;
    for (size_t j = 0; j < 2 * (size_t)N; j++) m += y[j];
    sum->mean = m / (2.0 * N);
    if (v == 0) {
        free(s1), free(st);
        return SOBOL_ZERO_VAR;
    }
    sum->var = v, sum->sum_s1 = sum_s1;
    for (int i = 0; i < k; i++) idx[i].s1 = s1[i], idx[i].st = st[i];
    int rc = SOBOL_OK;
    if (nboot > 0) {
        /* bootstrap replicates stored per statistic: [2k+1][nboot] */
        double *bs = malloc((size_t)(2 * k + 1) * (size_t)nboot * sizeof *bs);
        int *rows = malloc((size_t)N * sizeof *rows);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!bs || !rows || !r) {
            snprintf(err, errlen, "out of memory for %d bootstrap samples", nboot);
            rc = SOBOL_ENOMEM;
        } else {
            gsl_rng_set(r, (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu));
            int good = 0;
            for (int b = 0; b < nboot; b++) {
                for (int j = 0; j < N; j++) rows[j] = (int)gsl_rng_uniform_int(r, (unsigned long)N);
                double ss;
                if (estimate(y, N, k, rows, s1, st, &ss) == 0) {
                    sum->boot_undefined++;
                    continue;
                }
                for (int i = 0; i < k; i++) {
                    bs[(size_t)i * nboot + good] = s1[i];
                    bs[(size_t)(k + i) * nboot + good] = st[i];
                }
                bs[(size_t)2 * k * nboot + good] = ss;
                good++;
            }
            for (int i = 0; i < k; i++) {
                interval(bs + (size_t)i * nboot, good, conf, &idx[i].s1_se, &idx[i].s1_lo, &idx[i].s1_hi);
                interval(bs + (size_t)(k + i) * nboot, good, conf, &idx[i].st_se, &idx[i].st_lo, &idx[i].st_hi);
            }
            double dummy;
            interval(bs + (size_t)2 * k * nboot, good, conf, &dummy, &sum->sum_s1_lo, &sum->sum_s1_hi);
        }
        gsl_rng_free(r);
        free(bs), free(rows);
    }
    free(s1), free(st);
    return rc;
}
