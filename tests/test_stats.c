/** \file test_stats.c
 * parkstat's estimators and tests (analysis/stats.c) against known answers:
 * textbook values (Newcombe 1998 for Wilson, Fisher's tea tasting, Conover's
 * median interval), closed forms, and for the quantile error estimates a
 * fixed-seed simulation with stated tolerances.
 */
#include "../analysis/stats.h"
#include "tap.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <stdlib.h>

TEST(test_mean_quantile)
{
    double x[10];
    for (int i = 0; i < 10; i++) x[i] = i + 1;
    double m, sd, se;
    stats_mean_se(x, 10, &m, &sd, &se);
    is_double(m, 5.5, 1e-15, "mean of 1..10");
    is_double(sd, sqrt(55.0 / 6.0), 1e-14, "sd of 1..10 (divisor n-1)");
    is_double(se, sqrt(55.0 / 6.0) / sqrt(10.0), 1e-14, "se = sd/sqrt(n)");
    is_double(stats_quantile(x, 10, 0.05), 1.45, 1e-14, "q05 of 1..10 is 1.45 (linear interpolation, R type 7)");
    is_double(stats_quantile(x, 10, 0.5), 5.5, 1e-14, "median of 1..10");
    stats_mean_se(x, 1, &m, &sd, &se);
    ok(m == 1 && sd == 0 && se == 0, "one value: se 0, not NaN");
}

TEST(test_wilson)
{
    /* Newcombe (1998), Stat Med 17:857, Table II, method 3 (score, no continuity correction) */
    static const struct { long k, n; double lo, hi; } w[] = {
        {81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0, 0.1611}, {1, 29, 0.0061, 0.1718}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        double lo, hi;
        stats_wilson(w[i].k, w[i].n, 0.95, &lo, &hi);
        ok(fabs(lo - w[i].lo) <= 6e-5 && fabs(hi - w[i].hi) <= 6e-5,
           "Wilson 95%% for %ld/%ld is [%.4f, %.4f] (Newcombe 1998)", w[i].k, w[i].n, w[i].lo, w[i].hi);
    }
    double lo, hi;
    stats_wilson(12, 12, 0.95, &lo, &hi);
    is_double(hi, 1.0, 0, "Wilson upper bound is 1 at k = n");
    is_double(lo, 12.0 / (12.0 + 1.959963984540054 * 1.959963984540054), 1e-12,
              "Wilson lower bound at k = n is n/(n+z^2)");
}

TEST(test_fisher)
{
    is_double(stats_fisher_2x2(3, 1, 1, 3), 34.0 / 70.0, 1e-12, "Fisher exact, tea tasting [[3,1],[1,3]]: p = 34/70");
    is_double(stats_fisher_2x2(1, 9, 11, 3), 0.0027594561852200836, 1e-12,
              "Fisher exact [[1,9],[11,3]]: p = 0.002759 (R fisher.test)");
    is_double(stats_fisher_2x2(0, 50, 0, 50), 1.0, 0, "Fisher exact: no successes in either sample gives p = 1");
    double p = stats_fisher_2x2(0, 100, 100, 0);
    ok(p < 1e-50 && p > 0, "Fisher exact: 0/100 vs 100/100 is extreme (p = %.3g)", p);
    ok(stats_fisher_2x2(7, 3, 3, 7) == stats_fisher_2x2(3, 7, 7, 3), "Fisher exact is symmetric in the rows");
}

TEST(test_chisq)
{
    long a[2] = {30, 70}, b[2] = {50, 50};
    int df;
    double chi2, p = stats_chisq_2xk(a, b, 2, &df, &chi2);
    is_double(chi2, 25.0 / 3.0, 1e-12, "chi-square of [[30,70],[50,50]] is 8.333");
    is_int(df, 1, "df 1 for two categories");
    is_double(p, 0.0038924171227786, 1e-12, "p = Q(8.333; 1) = 0.003892");
    long c[4] = {1, 0, 49, 50}, d[4] = {0, 1, 50, 49};
    p = stats_chisq_2xk(c, d, 4, &df, &chi2);
    is_int(df, 1, "sparse categories are pooled until every expected count is >= 5 (4 categories -> 2)");
    is_double(chi2, 0.5 * (1 / 50.5 + 1 / 49.5), 1e-12, "chi-square after pooling {0,1,2} and {3}");
    long e[3] = {0, 40, 0}, f[3] = {0, 25, 0};
    p = stats_chisq_2xk(e, f, 3, &df, &chi2);
    ok(df == 0 && p == 1.0, "one category: cannot differ, df 0 and p = 1");
}

TEST(test_holm)
{
    double p[4] = {0.01, 0.04, 0.03, 0.005}, adj[4];
    int rej[4];
    int n = stats_holm(p, 4, 0.05, rej, adj);
    is_int(n, 2, "Holm at 0.05 rejects 2 of {0.01, 0.04, 0.03, 0.005}");
    ok(rej[0] && !rej[1] && !rej[2] && rej[3], "the rejected ones are 0.005 and 0.01 (0.03 > 0.05/2 stops)");
    ok(fabs(adj[0] - 0.03) < 1e-15 && fabs(adj[1] - 0.06) < 1e-15 && fabs(adj[2] - 0.06) < 1e-15 &&
           fabs(adj[3] - 0.02) < 1e-15, "Holm-adjusted p-values 0.03 0.06 0.06 0.02 (monotone)");
    double q[3] = {0.5, 0.9, 1.0};
    ok(stats_holm(q, 3, 0.05, rej, adj) == 0 && adj[2] == 1.0, "nothing rejected; adjusted p capped at 1");
}

TEST(test_quantile_ci)
{
    double x[100];
    for (int i = 0; i < 100; i++) x[i] = i + 1;
    double lo, hi;
    int r = stats_quantile_ci(x, 100, 0.5, 0.95, &lo, &hi);
    ok(r == 0 && lo == 40 && hi == 61, "95%% interval for the median of n = 100 is [x(40), x(61)] (Conover 1999), got "
       "[%g, %g]", lo, hi);
    r = stats_quantile_ci(x, 10, 0.05, 0.95, &lo, &hi);
    ok(r < 0, "n = 10 is too few for a 95%% interval of the 5%% quantile (reported as unavailable)");
    is_double(stats_t_crit(11, 0.95), 2.2281388519649385, 1e-10, "t critical value, 10 df, 95%%");

    /* Simulation with a fixed seed: standard normal samples of n = 201. The order-statistic
     * interval must cover the true median (0) and the true 95% quantile (1.6449) in at least
     * 95% of 2000 samples minus 3 binomial sd (0.95 - 3*0.0049 = 0.935); the mean Maritz-Jarrett
     * se must be within 10% of the empirical sd of the sample quantile. */
    enum { N = 201, REPS = 2000 };
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 20260501);
    static const double qs[2] = {0.5, 0.95}, truth[2] = {0.0, 1.6448536269514722};
    for (int k = 0; k < 2; k++) {
        double s[N], est[REPS], mj = 0;
        int cover = 0;
        for (int rep = 0; rep < REPS; rep++) {
            for (int i = 0; i < N; i++) s[i] = gsl_ran_ugaussian(g);
            gsl_sort(s, 1, N);
            est[rep] = s[(int)floor(qs[k] * N + 0.5) - 1];
            mj += stats_quantile_se_mj(s, N, qs[k]) / REPS;
            if (stats_quantile_ci(s, N, qs[k], 0.95, &lo, &hi) == 0 && lo <= truth[k] && truth[k] <= hi) cover++;
        }
        double m, sd;
        stats_mean_se(est, REPS, &m, &sd, NULL);
        ok(cover >= 0.935 * REPS, "order-statistic 95%% interval for the %g quantile covers the truth in %.3f of "
           "samples (>= 0.935)", qs[k], (double)cover / REPS);
        ok(fabs(mj / sd - 1) < 0.10, "Maritz-Jarrett se of the %g quantile %.4f vs empirical sd %.4f (within 10%%)",
           qs[k], mj, sd);
    }
    gsl_rng_free(g);
}

int main(void)
{
    run_test(test_mean_quantile);
    run_test(test_wilson);
    run_test(test_fisher);
    run_test(test_chisq);
    run_test(test_holm);
    run_test(test_quantile_ci);
    return done_testing();
}
