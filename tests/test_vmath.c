/** \file test_vmath.c
 * vmath_exp against the C library's exp(), bit for bit: millions of inputs
 * across the range the model uses (log revenues, kappa times log revenue)
 * and the whole double range, edges, special values, and every length and
 * offset of the four-lane blocks.
 */
#include "../agents/vmath.h"
#include "tap.h"

#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How many of f(x)'s n values differ from ref() bit for bit (-1: out of memory). */
static long differ_on(const double *x, int n, void (*f)(const double *, int, double *), double (*ref)(double))
{
    double *y = malloc((size_t)n * sizeof *y);
    if (!y) return -1;
    f(x, n, y);
    long d = 0;
    for (int i = 0; i < n; i++) {
        double e = ref(x[i]);
        d += memcmp(&e, &y[i], sizeof e) != 0;
    }
    free(y);
    return d;
}

enum { N_IN = 1 << 20 };

/* A buffer of N_IN inputs and a generator seeded with seed for filling it;
 * NULL (and a failed test) if out of memory. */
static double *inputs(gsl_rng **r, unsigned long seed)
{
    double *x = malloc((size_t)N_IN * sizeof *x);
    *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!x || !*r) {
        ok(0, "out of memory");
        free(x);
        if (*r) gsl_rng_free(*r);
        return NULL;
    }
    gsl_rng_set(*r, seed);
    return x;
}

/* 64 random bits (taus2 gives 32 a call), as a double's bit pattern. */
static uint64_t random_bits(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r), lo = gsl_rng_get(r);
    return hi << 32 ^ lo;
}

static void check_path(const char *name, void (*f)(const double *, int, double *))
{
    enum { N = N_IN };
    gsl_rng *r;
    double *x = inputs(&r, 20261205);
    if (!x) return;
    /* the model's range: log revenues (about -5..20) and kappa (1..10) times them */
    long d = 0;
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < N; i++) x[i] = -60.0 + 260.0 * gsl_rng_uniform(r);
        d += differ_on(x, N, f, exp);
    }
    ok(d == 0, "%s: exp of 4,194,304 values in [-60, 200] equals the library's (%ld differ)", name, d);
    /* every exponent: random bit patterns of finite doubles, both signs */
    d = 0;
    for (int rep = 0; rep < 2; rep++) {
        for (int i = 0; i < N; i++) {
            uint64_t b = random_bits(r);
            uint64_t e = (b >> 52) & 0x7ff;
            if (e == 0x7ff) b ^= UINT64_C(1) << 62; /* no infinities or NaNs here */
            memcpy(&x[i], &b, sizeof b);
        }
        d += differ_on(x, N, f, exp);
    }
    ok(d == 0, "%s: exp of 2,097,152 random finite doubles of every exponent equals the library's (%ld differ)", name, d);
    /* edges of the main range, special values, mixed in blocks with ordinary values */
    double edge[] = {0.0, -0.0, 0x1.0p-54, -0x1.0p-54, 0x1.fffffffffffffp-55, 0x1.0p-53, 511.9999999999999, 512.0,
                     -512.0, -511.9999999999999, 709.78, 709.79, -745.1, -745.2, -708.4, -708.39, 1e-300, -1e-300,
                     INFINITY, -INFINITY, NAN, 1.0, -1.0, 0.5, 2.5, 1e3, -1e3, 5e-324, 0x1.62e42fefa39efp-8,
                     -0x1.62e42fefa39efp-8, 0x1.62e42fefa39efp-9, 3.0};
    int ne = (int)(sizeof edge / sizeof edge[0]);
    d = 0;
    for (int i = 0; i < ne; i++) {
        double e = exp(edge[i]), y;
        f(&edge[i], 1, &y);
        d += memcmp(&e, &y, sizeof e) != 0;
        for (int off = 0; off < 4; off++) { /* the value in every lane of a block of ordinary ones */
            double blk[8] = {1.5, -2.25, 3.125, 7.0, 0.75, -0.5, 12.0, 19.5};
            blk[off] = edge[i];
            d += differ_on(blk, 8, f, exp) != 0;
        }
    }
    ok(d == 0, "%s: zeros, subnormals, the edges of the main range, overflow, underflow, infinities and NaN, "
               "alone and in each lane (%ld differ)", name, d);
    /* every length 0..37 and output in place */
    d = 0;
    for (int n = 0; n <= 37; n++) {
        double a[40], b[40];
        for (int i = 0; i < 40; i++) a[i] = b[i] = 0.37 * i - 3.0;
        f(a, n, a); /* in place */
        for (int i = 0; i < 40; i++) {
            double want = i < n ? exp(b[i]) : b[i];
            d += memcmp(&want, &a[i], sizeof want) != 0;
        }
    }
    ok(d == 0, "%s: lengths 0..37 in place, nothing written past the end (%ld differ)", name, d);
    gsl_rng_free(r);
    free(x);
}

TEST(test_vmath_check)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        ok(vmath_exp_agrees_with(exp) == 1, "the four-lane path agrees with this C library's exp on the check set");
        ok(vmath_exp_agrees_with(vmath_exp_nofma) == 0,
           "it disagrees with the same algorithm rounded without FMA, so a library running that variant is not mistaken for this one");
        ok(vmath_exp_agrees_with(expm1) == 0, "and with another function");
        return;
    }
#endif
    ok(vmath_exp_agrees_with(exp) == 0, "without AVX2 and FMA the four-lane path is never chosen");
}

TEST(test_vmath_exp)
{
    check_path("vmath_exp", vmath_exp);
}

TEST(test_vmath_exp_fma4)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        check_path("the four-lane path", vmath_exp_fma4);
        ok(vmath_exp_level() == 1, "on this processor (AVX2 and FMA) vmath_exp runs the four-lane path");
        return;
    }
#endif
    ok(vmath_exp_level() == 0, "without AVX2 and FMA vmath_exp calls the library (the four-lane path is not tested here)");
}

static void check_log_path(const char *name, void (*f)(const double *, int, double *))
{
    enum { N = N_IN };
    gsl_rng *r;
    double *x = inputs(&r, 5122026);
    if (!x) return;
    long d = 0;
    for (int rep = 0; rep < 2; rep++) { /* the normal tail's range, (0, 0.075], on a log scale and uniformly */
        for (int i = 0; i < N; i++)
            x[i] = i % 2 ? 0.075 * gsl_rng_uniform_pos(r) : 0.075 * exp(-37.0 * gsl_rng_uniform(r));
        d += differ_on(x, N, f, log);
    }
    ok(d == 0, "%s: log of 2,097,152 values in (0, 0.075] equals the library's (%ld differ)", name, d);
    d = 0;
    for (int rep = 0; rep < 2; rep++) { /* every exponent, both signs, zeros and subnormals among them */
        for (int i = 0; i < N; i++) {
            uint64_t b = random_bits(r);
            if (i % 7 == 0) b &= UINT64_C(0x7fffffffffffffff);
            memcpy(&x[i], &b, sizeof b);
        }
        d += differ_on(x, N, f, log);
    }
    ok(d == 0, "%s: log of 2,097,152 random bit patterns (every exponent, signs, NaNs) equals the library's (%ld differ)",
       name, d);
    double edge[] = {0.0, -0.0, 1.0, 0x1.fffffffffffffp-1, 0x1.0000000000001p0, 0.9375, 0.9374999999999999,
                     1.0644531249999998, 1.064453125, 5e-324, 0x1p-1022, 0x1.fffffffffffffp-1023, 0x1p-53,
                     INFINITY, -INFINITY, NAN, -1.0, 2.0, 0.5, 1e300, 0x1.fffffffffffffp1023, 0.075, 0.425};
    int ne = (int)(sizeof edge / sizeof edge[0]);
    d = 0;
    for (int i = 0; i < ne; i++)
        for (int off = 0; off < 4; off++) {
            double blk[8] = {0.01, 3.5, 0.0625, 7.0, 0.75, 1e-9, 12.0, 19.5};
            blk[off] = edge[i];
            d += differ_on(blk, 8, f, log) != 0;
        }
    ok(d == 0, "%s: zeros, subnormals, 1 and its neighbourhood, the edges of that, infinities, NaN and negatives "
               "in each lane (%ld differ)", name, d);
    gsl_rng_free(r);
    free(x);
}

TEST(test_vmath_log)
{
    check_log_path("vmath_log", vmath_log);
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        check_log_path("the four-lane log path", vmath_log_fma4);
        ok(vmath_log_level() == 1, "on this processor vmath_log runs the four-lane path");
    }
#endif
}

int main(void)
{
    run_test(test_vmath_check);
    run_test(test_vmath_exp);
    run_test(test_vmath_exp_fma4);
    run_test(test_vmath_log);
    return done_testing();
}
