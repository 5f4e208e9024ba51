/* The chance/ignorance split (analysis/uncertainty.c) on cases whose
 * components are known: a toy with analytic within- and between-draw
 * variances, a case with no chance, one with no ignorance, and the errors. */
#include "../analysis/uncertainty.h"
#include "tap.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

/* y = theta_d + eps, theta ~ N(0, sb^2), eps ~ N(0, sw^2): chance sw^2,
 * ignorance sb^2, shares sw^2/(sw^2+sb^2) and sb^2/(sw^2+sb^2). */
static double *toy(int D, int n, double sb, double sw, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double *y = malloc((size_t)D * n * sizeof *y);
    for (int d = 0; d < D; d++) {
        double th = gsl_ran_gaussian(r, sb);
        for (int j = 0; j < n; j++) y[(size_t)d * n + j] = th + gsl_ran_gaussian(r, sw);
    }
    gsl_rng_free(r);
    return y;
}

static void test_toy_known_components(void)
{
    /* D = 400, n = 10, sb = 1, sw = 2: chance 4, ignorance 1, shares 0.8/0.2.
     * se of W ~ 4*sqrt(2/(D(n-1))) = 0.094; of B ~ sqrt(2/D)*(1+0.4) = 0.10. Tolerance 4 se. */
    double *y = toy(400, 10, 1.0, 2.0, 11);
    VarSplit v;
    ok(var_split(y, 400, 10, 500, 1, &v) == 0, "toy: split computed");
    ok(fabs(v.chance - 4.0) < 0.4, "toy: chance %.3f within 0.4 of 4", v.chance);
    ok(fabs(v.ignorance - 1.0) < 0.4, "toy: ignorance %.3f within 0.4 of 1", v.ignorance);
    ok(fabs(v.ignorance_share - 0.2) < 4 * v.ignorance_share_se && v.ignorance_share_se > 0.005 &&
           v.ignorance_share_se < 0.06,
       "toy: ignorance share %.3f within 4 bootstrap se (%.3f) of 0.2", v.ignorance_share, v.ignorance_share_se);
    ok(fabs(v.chance_share + v.ignorance_share - 1) < 1e-12, "toy: the shares add up to 1");
    free(y);
}

static void test_bias_correction(void)
{
    /* Without the -W/n term the between-draw variance of the means would be
     * sb^2 + sw^2/n: with sb = 0, sw = 3, n = 4 that is 2.25, not 0. Averaged
     * over 50 seeds the corrected estimate must be near 0 (se ~ 0.05). */
    double sum = 0, raw = 0;
    for (int s = 0; s < 50; s++) {
        double *y = toy(200, 4, 0.0, 3.0, 100 + (unsigned long)s);
        VarSplit v;
        var_split(y, 200, 4, 0, 1, &v);
        sum += v.ignorance;
        raw += v.ignorance + v.chance / 4;
        free(y);
    }
    ok(fabs(sum / 50) < 0.15, "no ignorance: corrected ignorance averages %.4f, within 0.15 of 0", sum / 50);
    ok(fabs(raw / 50 - 2.25) < 0.2, "no ignorance: the uncorrected variance of draw means averages %.3f (2.25)", raw / 50);
}

static void test_no_chance(void)
{
    /* every replicate of a draw equal: chance 0, ignorance share exactly 1 */
    double *y = toy(50, 5, 1.0, 0.0, 3);
    VarSplit v;
    var_split(y, 50, 5, 200, 1, &v);
    ok(v.chance == 0 && v.ignorance_share == 1 && v.chance_share == 0, "no chance: shares 0 and 1 exactly (%g, %g)",
       v.chance_share, v.ignorance_share);
    ok(v.ignorance_share_se == 0, "no chance: the share's bootstrap se is 0");
    free(y);
}

static void test_no_spread(void)
{
    double y[12] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    VarSplit v;
    var_split(y, 3, 4, 100, 1, &v);
    ok(v.total == 0 && isnan(v.chance_share) && isnan(v.ignorance_share), "no spread: total 0, shares undefined (NaN)");
}

static void test_mean_se_and_sizes(void)
{
    /* se of the grand mean over draws: sqrt((sb^2 + sw^2/n)/D) = sqrt((1 + 4/10)/400) = 0.0592 */
    double *y = toy(400, 10, 1.0, 2.0, 21);
    VarSplit v;
    var_split(y, 400, 10, 0, 1, &v);
    ok(fabs(v.mean_se - 0.0592) < 0.008, "mean se %.4f within 0.008 of 0.0592", v.mean_se);
    ok(isnan(v.chance_share_se), "nboot 0: no bootstrap errors (NaN)");
    ok(var_split(y, 1, 10, 0, 1, &v) == -1 && var_split(y, 10, 1, 0, 1, &v) == -1, "D < 2 or n < 2 refused");
    free(y);
}

int main(void)
{
    run_test(test_toy_known_components);
    run_test(test_bias_correction);
    run_test(test_no_chance);
    run_test(test_no_spread);
    run_test(test_mean_se_and_sizes);
    return done_testing();
}
