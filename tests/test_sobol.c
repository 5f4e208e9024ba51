/** \file test_sobol.c
 * Sobol' indices (analysis/sobol.c) on designs from sim/design.c: a hand-worked
 * example, the Ishigami function (known indices), an additive linear model,
 * constant output, the bootstrap, and the refusals.
 *
 * Tolerances come from the bootstrap standard error: an estimate must lie
 * within 3 of its bootstrap se of the truth. For independent rows that fails
 * with probability 0.003 per index; the rows here are a Sobol' sequence, whose
 * errors are smaller than independent rows', so the check is conservative. The
 * design is deterministic and the bootstrap seed fixed, so so is the outcome.
 */
#include "../analysis/sobol.h"
#include "../sim/design.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static char err[256];

/* Ishigami: f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi), a = 7, b = 0.1.
 * With E[sin^2] = 1/2, E[sin^4] = 3/8, E[x^4] = pi^4/5, E[x^8] = pi^8/9:
 *   V1  = (1 + b pi^4/5)^2 / 2               (the x1 part: sin x1 (1 + b E[x3^4]))
 *   V2  = a^2 (3/8 - 1/4) = a^2/8
 *   V13 = b^2 pi^8 (1/9 - 1/25) / 2 = 8 b^2 pi^8 / 225   (Var(x3^4) E[sin^2 x1])
 *   V   = V1 + V2 + V13 = 1/2 + a^2/8 + b pi^4/5 + b^2 pi^8/18
 * S1 = V1/V = 0.3139, S2 = V2/V = 0.4424, S3 = 0; ST1 = (V1+V13)/V = 0.5576,
 * ST2 = S2 = 0.4424, ST3 = V13/V = 0.2437 (Ishigami & Homma 1990; Sobol' & Levitan 1999). */
static const double A7 = 7, B01 = 0.1;
static void ishigami_truth(double s1[3], double st[3])
{
    double p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
    double v1 = 0.5 * pow(1 + B01 * p4 / 5, 2), v2 = A7 * A7 / 8, v13 = 8 * B01 * B01 * p8 / 225;
    double v = v1 + v2 + v13;
    s1[0] = v1 / v, s1[1] = v2 / v, s1[2] = 0;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

static double *ishigami_outputs(int N)
{
    long n = design_count(DESIGN_SALTELLI, 3, N, NULL, err, sizeof err);
    double *u = malloc((size_t)n * 3 * sizeof *u), *y = malloc((size_t)n * sizeof *y);
    if (!u || !y || design_fill(DESIGN_SALTELLI, 3, N, NULL, 0, u, err, sizeof err)) {
        free(u), free(y);
        return NULL;
    }
    for (long p = 0; p < n; p++) {
        double x1 = -M_PI + 2 * M_PI * u[p * 3], x2 = -M_PI + 2 * M_PI * u[p * 3 + 1],
               x3 = -M_PI + 2 * M_PI * u[p * 3 + 2];
        y[p] = sin(x1) + A7 * sin(x2) * sin(x2) + B01 * pow(x3, 4) * sin(x1);
    }
    free(u);
    return y;
}

TEST(test_hand)
{
    /* N 2, k 1: A = (1, 3), B = (2, 6), AB_0 = (2, 5). Mean of A and B 3, V = (4+0+1+9)/4 = 3.5;
     * S = mean((B - 3)(AB - A)) / V = ((-1)(1) + (3)(2))/2 / 3.5 = 2.5/3.5;
     * ST = mean((A - AB)^2)/2 / V = ((1 + 4)/2)/2 / 3.5 = 1.25/3.5 */
    double y[6] = {1, 3, 2, 6, 2, 5}, z[6];
    SobolIndex ix;
    SobolSummary s;
    ok(sobol_indices(y, 2, 1, 0, 0.95, 1, &ix, &s, err, sizeof err) == SOBOL_OK, "hand example computes");
    is_double(s.mean, 3.0, 1e-15, "mean over A and B");
    is_double(s.var, 3.5, 1e-15, "variance over A and B, divisor 2N");
    is_double(ix.s1, 2.5 / 3.5, 1e-15, "S1 = mean((f(B) - mean) (f(AB) - f(A))) / V");
    is_double(ix.st, 1.25 / 3.5, 1e-15, "ST = mean((f(A) - f(AB))^2) / 2 / V");
    ok(isnan(ix.s1_lo) && isnan(ix.st_hi), "no bootstrap: no intervals (NaN)");
    for (int i = 0; i < 6; i++) z[i] = y[i] + 1000;
    SobolIndex iz;
    sobol_indices(z, 2, 1, 0, 0.95, 1, &iz, &s, err, sizeof err);
    ok(fabs(iz.s1 - ix.s1) < 1e-12 && fabs(iz.st - ix.st) < 1e-12,
       "adding a constant to the output leaves the indices alone (f(B) is centred)");
}

TEST(test_ishigami)
{
    double t1[3], tt[3];
    ishigami_truth(t1, tt);
    ok(fabs(t1[0] - 0.3139) < 5e-5 && fabs(t1[1] - 0.4424) < 5e-5 && fabs(tt[0] - 0.5576) < 5e-5 &&
           fabs(tt[2] - 0.2437) < 5e-5,
       "analytic Ishigami indices 0.3139 0.4424 0 / 0.5576 0.4424 0.2437");
    enum { NBIG = 8192, NSMALL = 2048, NBOOT = 1000 };
    double *y = ishigami_outputs(NBIG), *ys = ishigami_outputs(NSMALL);
    if (!ok(y && ys, "Ishigami outputs on a Saltelli design of N = %d and %d", NBIG, NSMALL)) exit(1);
    SobolIndex ix[3], is[3];
    SobolSummary s, ss;
    ok(sobol_indices(y, NBIG, 3, NBOOT, 0.95, 7, ix, &s, err, sizeof err) == SOBOL_OK &&
           sobol_indices(ys, NSMALL, 3, NBOOT, 0.95, 7, is, &ss, err, sizeof err) == SOBOL_OK,
       "indices with %d bootstrap samples", NBOOT);
    for (int i = 0; i < 3; i++) {
        diag("N %d x%d: S1 %.4f (se %.4f) [%.4f, %.4f] true %.4f; ST %.4f (se %.4f) [%.4f, %.4f] true %.4f", NBIG,
             i + 1, ix[i].s1, ix[i].s1_se, ix[i].s1_lo, ix[i].s1_hi, t1[i], ix[i].st, ix[i].st_se, ix[i].st_lo,
             ix[i].st_hi, tt[i]);
        ok(fabs(ix[i].s1 - t1[i]) <= 3 * ix[i].s1_se, "S%d %.4f within 3 bootstrap se (%.4f) of %.4f", i + 1,
           ix[i].s1, ix[i].s1_se, t1[i]);
        ok(fabs(ix[i].st - tt[i]) <= 3 * ix[i].st_se, "ST%d %.4f within 3 bootstrap se (%.4f) of %.4f", i + 1,
           ix[i].st, ix[i].st_se, tt[i]);
        ok(ix[i].s1_lo <= t1[i] && t1[i] <= ix[i].s1_hi, "95%% interval of S%d covers the truth", i + 1);
        ok(ix[i].st_lo <= tt[i] && tt[i] <= ix[i].st_hi, "95%% interval of ST%d covers the truth", i + 1);
        /* the bootstrap se of a mean of N iid terms is ~ sd/sqrt(N): 4x the rows halves the width.
         * The bootstrap's own error in a width (B = 1000) is a few percent; allow 1.7..2.35 */
        double r1 = (is[i].s1_hi - is[i].s1_lo) / (ix[i].s1_hi - ix[i].s1_lo);
        double rt = (is[i].st_hi - is[i].st_lo) / (ix[i].st_hi - ix[i].st_lo);
        ok(r1 > 1.7 && r1 < 2.35 && rt > 1.7 && rt < 2.35,
           "x%d: intervals at N = %d are %.2f (S1) and %.2f (ST) times those at N = %d (expected 2 = sqrt 4)", i + 1,
           NSMALL, r1, rt, NBIG);
    }
    ok(ix[0].st > ix[1].st && ix[1].st > ix[2].st, "total indices rank x1 > x2 > x3");
    double ts = t1[0] + t1[1] + t1[2];
    ok(s.sum_s1_lo <= ts && ts <= s.sum_s1_hi && s.sum_s1 < 0.9,
       "sum of S1 %.4f [%.4f, %.4f] covers %.4f: below 1, the x1-x3 interaction", s.sum_s1, s.sum_s1_lo,
       s.sum_s1_hi, ts);
    ok(s.boot_undefined == 0 && s.nboot == NBOOT, "every bootstrap sample defined");
    free(y), free(ys);
}

TEST(test_linear)
{
    /* y = sum c_i x_i, x_i ~ U(0,1): additive, S_i = ST_i = c_i^2 / sum c^2; c_4 = 0 makes
     * f(AB_4) = f(A) exactly, so S_4 = ST_4 = 0 without error */
    enum { N = 4096, K = 4 };
    const double c[K] = {1, 2, 3, 0}, c2 = 14;
    static double u[N * (K + 2) * K], y[N * (K + 2)];
    design_fill(DESIGN_SALTELLI, K, N, NULL, 0, u, err, sizeof err);
    for (int p = 0; p < N * (K + 2); p++) {
        y[p] = 5;
        for (int i = 0; i < K; i++) y[p] += c[i] * u[p * K + i];
    }
    SobolIndex ix[K];
    SobolSummary s;
    ok(sobol_indices(y, N, K, 500, 0.9, 3, ix, &s, err, sizeof err) == SOBOL_OK, "linear model computes");
    for (int i = 0; i < 3; i++) {
        double t = c[i] * c[i] / c2;
        ok(fabs(ix[i].s1 - t) <= 3 * ix[i].s1_se && fabs(ix[i].st - t) <= 3 * ix[i].st_se,
           "x%d: S1 %.4f (se %.4f), ST %.4f (se %.4f) within 3 se of c^2/sum c^2 = %.4f", i + 1, ix[i].s1, ix[i].s1_se,
           ix[i].st, ix[i].st_se, t);
    }
    ok(ix[3].st == 0 && ix[3].st_lo == 0 && ix[3].st_hi == 0 && fabs(ix[3].s1) < 1e-12,
       "a parameter the output ignores has ST = 0 exactly and S1 = 0");
    ok(fabs(s.sum_s1 - 1) < 0.05, "additive: the S1 sum to 1 (%.4f)", s.sum_s1);
    is_double(s.var, c2 / 12, 0.02 * c2 / 12, "output variance sum c^2/12 within 2%%");
}

TEST(test_degenerate)
{
    enum { N = 16, K = 2 };
    double y[N * (K + 2)];
    SobolIndex ix[K];
    SobolSummary s;
    for (int i = 0; i < N * (K + 2); i++) y[i] = 4.0;
    int rc = sobol_indices(y, N, K, 100, 0.95, 1, ix, &s, err, sizeof err);
    ok(rc == SOBOL_ZERO_VAR && s.var == 0 && s.mean == 4 && isnan(ix[0].s1) && isnan(ix[1].st) && isnan(ix[0].st_lo),
       "constant output: SOBOL_ZERO_VAR, variance 0, indices NaN");
    for (int i = 2 * N; i < N * (K + 2); i++) y[i] = i;
    ok(sobol_indices(y, N, K, 100, 0.95, 1, ix, &s, err, sizeof err) == SOBOL_ZERO_VAR,
       "A and B constant (AB varying): still undefined, V is 0");
    /* N = 2, row 0 has f(A) = f(B) = 1: a resample that draws row 0 twice (probability 1/4) has
     * V = 0. Of 200 samples ~50 (sd 6.1) are undefined; 25..75 is 4 sd either side */
    double z[6] = {1, 2, 1, 4, 1, 3};
    SobolIndex iz;
    ok(sobol_indices(z, 2, 1, 200, 0.95, 1, &iz, &s, err, sizeof err) == SOBOL_OK && s.boot_undefined > 25 &&
           s.boot_undefined < 75 && isfinite(iz.s1_lo),
       "bootstrap samples with zero variance are counted and left out (%d of 200, expected ~50)", s.boot_undefined);
}

TEST(test_bootstrap_seed)
{
    enum { N = 256 };
    double *y = ishigami_outputs(N);
    SobolIndex a[3], b[3], c[3];
    SobolSummary s;
    sobol_indices(y, N, 3, 200, 0.9, 11, a, &s, err, sizeof err);
    sobol_indices(y, N, 3, 200, 0.9, 11, b, &s, err, sizeof err);
    sobol_indices(y, N, 3, 200, 0.9, 12, c, &s, err, sizeof err);
    ok(!memcmp(a, b, sizeof a), "the bootstrap is deterministic in its seed");
    ok(a[0].s1 == c[0].s1 && a[0].s1_lo != c[0].s1_lo, "another seed: same estimates, other intervals");
    free(y);
}

TEST(test_errors)
{
    double y[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    SobolIndex ix[2];
    SobolSummary s;
    struct { int N, k, nboot; double conf; const char *want, *what; } c[] = {
        {0, 1, 0, 0.95, "N >= 1", "N 0"},
        {2, 0, 0, 0.95, "k >= 1", "k 0"},
        {2, 2, 0, 1.0, "strictly between 0 and 1", "level 1"},
        {2, 2, 0, 0.0, "strictly between 0 and 1", "level 0"},
        {2, 2, 10, 0.95, "at least 40", "10 samples for a 95% interval"},
        {2, 2, -1, 0.95, "expected 0 or", "-1 samples"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        err[0] = '\0';
        int rc = sobol_indices(y, c[i].N, c[i].k, c[i].nboot, c[i].conf, 1, ix, &s, err, sizeof err);
        ok(rc == SOBOL_EINVAL && strstr(err, c[i].want), "refused: %s (%s)", c[i].what, err);
    }
    y[5] = NAN;
    ok(sobol_indices(y, 2, 2, 0, 0.95, 1, ix, &s, err, sizeof err) == SOBOL_EINVAL && strstr(err, "output 5"),
       "refused: a NaN output (%s)", err);
}

int main(void)
{
    run_test(test_hand);
    run_test(test_ishigami);
    run_test(test_linear);
    run_test(test_degenerate);
    run_test(test_bootstrap_seed);
    run_test(test_errors);
    return done_testing();
}
