/** \file test_design.c
 * The sweep designs (sim/design.c): grid order and levels, the Latin hypercube's
 * one-point-per-stratum property and its seed, the Sobol sequence against GSL
 * and its balance, the Saltelli row blocks the sweep file promises
 * (design.h), and every refusal.
 */
#include "../sim/design.h"
#include "tap.h"

#include <gsl/gsl_qrng.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static char err[256];

TEST(test_grid)
{
    int lv[3] = {3, 2, 4};
    long c = design_count(DESIGN_GRID, 3, 0, lv, err, sizeof err);
    is_int(c, 24, "grid 3x2x4 has 24 points (n is ignored)");
    double u[24 * 3];
    ok(design_fill(DESIGN_GRID, 3, 0, lv, 0, u, err, sizeof err) == 0, "grid fills");
    /* last parameter fastest: point p = ((i0*2)+i1)*4+i2 */
    int bad = 0;
    for (int i0 = 0; i0 < 3; i0++)
        for (int i1 = 0; i1 < 2; i1++)
            for (int i2 = 0; i2 < 4; i2++) {
                const double *x = u + ((i0 * 2 + i1) * 4 + i2) * 3;
                bad += x[0] != i0 / 2.0 || x[1] != i1 / 1.0 || x[2] != i2 / 3.0;
            }
    ok(bad == 0, "grid point order: last parameter fastest, level j of L is j/(L-1) (%d wrong)", bad);
    ok(u[0] == 0 && u[1] == 0 && u[2] == 0 && u[69] == 1 && u[70] == 1 && u[71] == 1,
       "grid spans the corners 0 and 1");
    int one[2] = {1, 3};
    double v[3 * 2];
    ok(design_fill(DESIGN_GRID, 2, 0, one, 0, v, err, sizeof err) == 0 && v[0] == 0.5 && v[2] == 0.5 &&
           v[4] == 0.5 && v[1] == 0 && v[3] == 0.5 && v[5] == 1,
       "a single level sits at the middle, 0.5");
}

/* Every column of an LHS: floor(n x) is a permutation of 0..n-1 and x in [0,1). */
static int lhs_strata_ok(const double *u, int n, int k)
{
    char *seen = malloc((size_t)n);
    int good = seen != NULL;
    for (int j = 0; j < k && good; j++) {
        memset(seen, 0, (size_t)n);
        for (int i = 0; i < n; i++) {
            double x = u[(size_t)i * k + j];
            int s = (int)(x * n);
            if (!(x >= 0 && x < 1) || seen[s]) { good = 0; break; }
            seen[s] = 1;
        }
    }
    free(seen);
    return good;
}

TEST(test_lhs)
{
    enum { N = 200, K = 5 };
    static double a[N * K], b[N * K], c[N * K], d[N * K];
    is_int(design_count(DESIGN_LHS, K, N, NULL, err, sizeof err), N, "lhs count is n");
    ok(design_fill(DESIGN_LHS, K, N, NULL, 42, a, err, sizeof err) == 0, "lhs fills");
    ok(lhs_strata_ok(a, N, K), "lhs: exactly one point in each of n strata in every column");
    design_fill(DESIGN_LHS, K, N, NULL, 42, b, err, sizeof err);
    ok(!memcmp(a, b, sizeof a), "lhs is deterministic in the seed");
    design_fill(DESIGN_LHS, K, N, NULL, 43, c, err, sizeof err);
    ok(lhs_strata_ok(c, N, K) && memcmp(a, c, sizeof a), "another seed gives another (valid) hypercube");
    design_fill(DESIGN_LHS, K, N, NULL, 42 | (7ull << 40), d, err, sizeof err);
    ok(memcmp(a, d, sizeof a), "seeds differing only in the high 32 bits differ");
    /* columns permuted independently: the rank correlation of two columns of a random
     * LHS has sd 1/sqrt(n-1) = 0.071; |r| < 0.3 (4.2 sd) for every pair */
    double worst = 0;
    for (int i = 0; i < K; i++)
        for (int j = i + 1; j < K; j++) {
            double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
            for (int p = 0; p < N; p++) {
                double x = a[p * K + i], y = a[p * K + j];
                sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
            }
            double r = (sxy - sx * sy / N) / sqrt((sxx - sx * sx / N) * (syy - sy * sy / N));
            if (fabs(r) > worst) worst = fabs(r);
        }
    ok(worst < 0.3, "lhs columns are not correlated (largest |r| %.3f < 0.3)", worst);
    double one;
    ok(design_fill(DESIGN_LHS, 1, 1, NULL, 5, &one, err, sizeof err) == 0 && one >= 0 && one < 1,
       "a one-point hypercube is a point in [0,1)");
}

TEST(test_sobol)
{
    enum { N = 1024, K = 6 };
    static double u[N * K], g[K];
    ok(design_fill(DESIGN_SOBOL, K, N, NULL, 0, u, err, sizeof err) == 0, "sobol fills");
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, K);
    int diff = 0, origin = 0;
    for (int i = 0; i < N; i++) {
        gsl_qrng_get(q, g);
        diff += memcmp(g, u + i * K, sizeof g) != 0;
        int z = 1;
        for (int j = 0; j < K; j++) z &= u[i * K + j] == 0;
        origin += z;
    }
    gsl_qrng_free(q);
    ok(diff == 0, "sobol is gsl_qrng_sobol point for point (%d differ)", diff);
    ok(origin == 0 && u[0] == 0.5, "no point is the origin; the first is (1/2,...)");
    /* balance: for 2^m points of the sequence started at index 0 every dyadic interval of
     * length 2^-j (j <= m) holds exactly 2^(m-j) points in each dimension; GSL's points 1..2^m
     * differ from that set by one point (the origin out, x_{2^m} in), so every 1/16 bin
     * holds 64 +- 1 */
    int worst = 0;
    for (int j = 0; j < K; j++) {
        int bin[16] = {0};
        for (int i = 0; i < N; i++) bin[(int)(u[i * K + j] * 16)]++;
        for (int b = 0; b < 16; b++)
            if (abs(bin[b] - 64) > worst) worst = abs(bin[b] - 64);
    }
    ok(worst <= 1, "every 1/16 bin of every dimension holds 64 +- 1 of 1024 points (worst off by %d)", worst);
    /* low discrepancy: Warnock's closed form of the squared L2-star discrepancy,
     * T^2 = 3^-d - 2^(1-d)/n sum_i prod_k (1 - x_ik^2) + 1/n^2 sum_ij prod_k (1 - max(x_ik, x_jk)),
     * has expectation (2^-d - 3^-d)/n = 1.39e-5 for n independent uniform points (d = 6, n = 1024);
     * in 200 such random sets (mt19937, seed 4357) the smallest was 0.56 of that. The Sobol points
     * must be below a quarter of it (they measure 2.42e-6, 0.17). */
    double s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double p = 1;
        for (int j = 0; j < K; j++) p *= 1 - u[i * K + j] * u[i * K + j];
        s1 += p;
        for (int l = 0; l < N; l++) {
            double r = 1;
            for (int j = 0; j < K; j++) r *= 1 - fmax(u[i * K + j], u[l * K + j]);
            s2 += r;
        }
    }
    double t2 = pow(3, -K) - pow(2, 1 - K) / N * s1 + s2 / ((double)N * N), e2 = (pow(2, -K) - pow(3, -K)) / N;
    ok(t2 < e2 / 4, "squared L2-star discrepancy %.3g is below a quarter of random points' %.3g", t2, e2);
    double bad;
    ok(design_fill(DESIGN_SOBOL, 41, 1, NULL, 0, &bad, err, sizeof err) < 0 && strstr(err, "1..40"),
       "sobol refuses 41 dimensions: %s", err);
}

TEST(test_saltelli)
{
    enum { N = 64, K = 3 };
    static double u[N * (K + 2) * K], q[N * 2 * K];
    is_int(design_count(DESIGN_SALTELLI, K, N, NULL, err, sizeof err), N * (K + 2), "saltelli count is N(k+2)");
    ok(design_fill(DESIGN_SALTELLI, K, N, NULL, 0, u, err, sizeof err) == 0, "saltelli fills");
    ok(design_fill(DESIGN_SOBOL, 2 * K, N, NULL, 0, q, err, sizeof err) == 0, "the 2k-dimensional sobol sequence");
    int bad_a = 0, bad_b = 0, bad_ab = 0;
    for (int r = 0; r < N; r++) {
        for (int j = 0; j < K; j++) {
            bad_a += u[r * K + j] != q[r * 2 * K + j];
            bad_b += u[(N + r) * K + j] != q[r * 2 * K + K + j];
        }
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++) {
                double want = j == i ? q[r * 2 * K + K + j] : q[r * 2 * K + j];
                bad_ab += u[((2 + i) * N + r) * K + j] != want;
            }
    }
    ok(bad_a == 0, "rows 0..N-1 are A = first k sobol columns (%d wrong)", bad_a);
    ok(bad_b == 0, "rows N..2N-1 are B = last k sobol columns (%d wrong)", bad_b);
    ok(bad_ab == 0, "rows (2+i)N..(3+i)N-1 are A with column i from B (%d wrong)", bad_ab);
    int same = 0;
    for (int r = 0; r < N; r++)
        for (int j = 0; j < K; j++) same += u[r * K + j] == u[(N + r) * K + j];
    /* distinct Sobol dimensions meet only at occasional dyadic points (here 13 of 192, among them
     * the first row, (1/2,...) in A and B alike, which therefore adds nothing to the estimators) */
    ok(same < N * K / 8, "A and B share few coordinates (%d of %d)", same, N * K);
    is_int(design_max_params(DESIGN_SALTELLI), 20, "saltelli allows 20 parameters (40 sobol dimensions)");
}

TEST(test_errors)
{
    int lv[2] = {3, 0}, big[3] = {2000, 2000, 2000};
    double x[8];
    struct { DesignKind kind; int k, n; const int *lv; const char *want, *what; } c[] = {
        {DESIGN_GRID, 0, 1, lv, "expected 1..64", "grid with 0 parameters"},
        {DESIGN_GRID, 65, 1, lv, "expected 1..64", "grid with 65 parameters"},
        {DESIGN_GRID, 2, 1, lv, "parameter 2 is 0; expected at least 1", "grid level 0"},
        {DESIGN_GRID, 2, 1, NULL, "without levels", "grid without levels"},
        {DESIGN_GRID, 3, 1, big, "overflows", "grid of 8e9 points"},
        {DESIGN_LHS, 2, 0, NULL, "0 points; expected at least 1", "lhs with n 0"},
        {DESIGN_LHS, 2, -5, NULL, "-5 points", "lhs with n -5"},
        {DESIGN_LHS, 0, 5, NULL, "expected 1..64", "lhs with 0 parameters"},
        {DESIGN_SOBOL, 2, 0, NULL, "expected at least 1", "sobol with n 0"},
        {DESIGN_SOBOL, -1, 4, NULL, "expected 1..40", "sobol with -1 parameters"},
        {DESIGN_SALTELLI, 21, 4, NULL, "expected 1..20", "saltelli with 21 parameters"},
        {DESIGN_SALTELLI, 2, 0, NULL, "0 base rows", "saltelli with N 0"},
        {DESIGN_SALTELLI, 3, INT_MAX / 4, NULL, "more than", "saltelli N(k+2) beyond int"},
        {DESIGN_LHS, 64, INT_MAX / 32, NULL, "values", "lhs n*k beyond int"},
        {DESIGN_COUNT, 2, 4, NULL, "unknown design", "an unknown kind"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        err[0] = '\0';
        long n = design_count(c[i].kind, c[i].k, c[i].n, c[i].lv, err, sizeof err);
        int ok1 = n == -1 && strstr(err, c[i].want) != NULL;
        err[0] = '\0';
        int f = design_fill(c[i].kind, c[i].k, c[i].n, c[i].lv, 0, x, err, sizeof err);
        ok(ok1 && f == -1 && strstr(err, c[i].want), "refused: %s (%s)", c[i].what, err);
    }
    ok(design_fill(DESIGN_LHS, 2, 2, NULL, 0, NULL, err, sizeof err) == -1 && strstr(err, "no output"),
       "refused: no output array");
    ok(!strcmp(design_names[DESIGN_GRID], "grid") && !strcmp(design_names[DESIGN_LHS], "lhs") &&
           !strcmp(design_names[DESIGN_SOBOL], "sobol") && !strcmp(design_names[DESIGN_SALTELLI], "saltelli"),
       "design names match the sweep file's sweep_design values");
}

int main(void)
{
    run_test(test_grid);
    run_test(test_lhs);
    run_test(test_sobol);
    run_test(test_saltelli);
    run_test(test_errors);
    return done_testing();
}
