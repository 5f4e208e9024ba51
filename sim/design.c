/** \file design.c
 * Experimental designs in the unit cube (see design.h). Pure: GSL and Random123 only.
 */
#include "design.h"

#include <Random123/philox.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const design_names[DESIGN_COUNT] = {"grid", "lhs", "sobol", "saltelli", "prior"};

/* GSL's Sobol generator has 40 dimensions; the Saltelli design draws 2k of them.
 * Grid and LHS have no intrinsic limit; 64 keeps every count and row within int
 * and is far beyond what a sweep of parksim's levers needs. */
#define SOBOL_DIMS 40
#define OTHER_MAX 64

int design_max_params(DesignKind kind)
{
    switch (kind) {
    case DESIGN_SOBOL: return SOBOL_DIMS;
    case DESIGN_SALTELLI: return SOBOL_DIMS / 2;
    case DESIGN_GRID:
    case DESIGN_LHS:
    case DESIGN_PRIOR: return OTHER_MAX;
    default: return 0;
    }
}

long design_count(DesignKind kind, int k, int n, const int *levels, char *err, size_t errlen)
{
    if (kind < 0 || kind >= DESIGN_COUNT) {
        snprintf(err, errlen, "unknown design kind %d; expected grid, lhs, sobol, saltelli or prior", (int)kind);
        return -1;
    }
    const char *name = design_names[kind];
    int kmax = design_max_params(kind);
    if (k < 1 || k > kmax) {
        snprintf(err, errlen, "%s design with %d parameters; expected 1..%d", name, k, kmax);
        return -1;
    }
    long count;
    if (kind == DESIGN_GRID) {
        if (!levels) {
            snprintf(err, errlen, "grid design without levels; expected one level count per parameter");
            return -1;
        }
        count = 1;
        for (int i = 0; i < k; i++) {
            if (levels[i] < 1) {
                snprintf(err, errlen, "grid levels of parameter %d is %d; expected at least 1", i + 1, levels[i]);
                return -1;
            }
            if (count > INT_MAX / levels[i]) {
                snprintf(err, errlen, "grid design has more than %d points (the product of the levels overflows)",
                         INT_MAX);
                return -1;
            }
            count *= levels[i];
        }
    } else {
        if (n < 1) {
            snprintf(err, errlen, "%s design with %d %s; expected at least 1", name, n,
                     kind == DESIGN_SALTELLI ? "base rows" : "points");
            return -1;
        }
        long mult = kind == DESIGN_SALTELLI ? k + 2 : 1;
        if (n > INT_MAX / mult) {
            snprintf(err, errlen, "%s design with %d base rows and %d parameters has more than %d points", name, n, k,
                     INT_MAX);
            return -1;
        }
        count = (long)n * mult;
    }
    /* the caller allocates count*k doubles; keep that within size_t and int indexing */
    if (count > INT_MAX / k) {
        snprintf(err, errlen, "%s design: %ld points x %d parameters is more than %d values", name, count, k, INT_MAX);
        return -1;
    }
    return count;
}

static void fill_grid(int k, const int *levels, long count, double *unit)
{
    /* mixed-radix counter, last parameter fastest */
    int idx[OTHER_MAX] = {0};
    for (long p = 0; p < count; p++) {
        for (int i = 0; i < k; i++) {
            int L = levels[i];
            unit[p * k + i] = L == 1 ? 0.5 : (double)idx[i] / (L - 1);
        }
        for (int i = k - 1; i >= 0; i--) {
            if (++idx[i] < levels[i]) break;
            idx[i] = 0;
        }
    }
}

static int fill_lhs(int k, int n, uint64_t seed, double *unit, char *err, size_t errlen)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc((size_t)n * sizeof *perm);
    if (!r || !perm) {
        snprintf(err, errlen, "out of memory for a %d-point Latin hypercube", n);
        gsl_rng_free(r), free(perm);
        return -1;
    }
    /* mt19937 keeps 32 bits of its seed: fold the high half in so that 64-bit
     * seeds differing only there still give different designs */
    gsl_rng_set(r, (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu));
    for (int j = 0; j < k; j++) {
        for (int i = 0; i < n; i++) perm[i] = (size_t)i;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof *perm);
        for (int i = 0; i < n; i++) unit[(size_t)i * k + j] = ((double)perm[i] + gsl_rng_uniform(r)) / n;
    }
    free(perm);
    gsl_rng_free(r);
    return 0;
}

/* n points of GSL's Sobol sequence in d dimensions into q[n][d]. GSL's generator
 * starts at (1/2, ..., 1/2): it never returns the origin that the textbook
 * sequence (Joe & Kuo; SALib) begins with, so taking GSL's points from the first
 * is the standard sequence with the origin skipped, which Saltelli's estimators
 * need (a row of zeros in A and B would be identical in every AB_i). */
static int sobol_points(int d, int n, double *q, char *err, size_t errlen)
{
    gsl_qrng *g = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d);
    if (!g) {
        snprintf(err, errlen, "cannot allocate GSL's Sobol generator in %d dimensions", d);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (gsl_qrng_get(g, q + (size_t)i * d)) {
            snprintf(err, errlen, "GSL's Sobol generator failed at point %d", i);
            gsl_qrng_free(g);
            return -1;
        }
    gsl_qrng_free(g);
    return 0;
}

static int fill_saltelli(int k, int n, double *unit, char *err, size_t errlen)
{
    double *q = malloc((size_t)n * 2 * (size_t)k * sizeof *q);
    if (!q) {
        snprintf(err, errlen, "out of memory for a Saltelli design of %d base rows", n);
        return -1;
    }
    if (sobol_points(2 * k, n, q, err, errlen)) {
        free(q);
        return -1;
    }
    size_t K = (size_t)k, N = (size_t)n;
    for (size_t r = 0; r < N; r++) {
        const double *a = q + r * 2 * K, *b = a + K;
        memcpy(unit + r * K, a, K * sizeof *a);               /* A */
        memcpy(unit + (N + r) * K, b, K * sizeof *b);         /* B */
        for (size_t i = 0; i < K; i++) {                      /* AB_i: A with column i from B */
            double *ab = unit + ((2 + i) * N + r) * K;
            memcpy(ab, a, K * sizeof *a);
            ab[i] = b[i];
        }
    }
    free(q);
    return 0;
}

/* Second key word of the prior design's Philox key ("parkprio"); the model's
 * streams use "parksim1" (agents/rng.h). */
#define PRIOR_KEY_TAG UINT64_C(0x7061726b7072696f)

static void fill_prior(int k, int n, uint64_t seed, double *unit)
{
    philox4x64_key_t key = {{seed, PRIOR_KEY_TAG}};
    for (long d = 0; d < n; d++)
        for (int i = 0; i < k; i++) {
            philox4x64_ctr_t c = {{(uint64_t)d, (uint64_t)i, 0, 0}};
            philox4x64_ctr_t r = philox4x64(c, key);
            unit[d * k + i] = ((double)(r.v[0] >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* (0,1), 53 bits */
        }
}

int design_fill(DesignKind kind, int k, int n, const int *levels, uint64_t seed, double *unit, char *err,
                size_t errlen)
{
    long count = design_count(kind, k, n, levels, err, errlen);
    if (count < 0) return -1;
    if (!unit) {
        snprintf(err, errlen, "%s design: no output array", design_names[kind]);
        return -1;
    }
    switch (kind) {
    case DESIGN_GRID: fill_grid(k, levels, count, unit); return 0;
    case DESIGN_LHS: return fill_lhs(k, n, seed, unit, err, errlen);
    case DESIGN_SOBOL: return sobol_points(k, n, unit, err, errlen);
    case DESIGN_SALTELLI: return fill_saltelli(k, n, unit, err, errlen);
    case DESIGN_PRIOR: fill_prior(k, n, seed, unit); return 0;
    default: return -1;   /* design_count refused it */
    }
}
