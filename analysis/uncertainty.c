/** \file uncertainty.c
 * Chance and ignorance: variance components of a nested Monte-Carlo design
 * (see uncertainty.h).
 */
#include "uncertainty.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

/* W, B and the grand mean from per-draw means and within variances of the
 * draws idx[0..D-1] (a bootstrap resample, or every draw). */
static void components(const double *m, const double *s2, const int *idx, int D, int n, double *mean, double *W,
                       double *B, double *varm)
{
    double sm = 0, sw = 0;
    for (int i = 0; i < D; i++) sm += m[idx[i]], sw += s2[idx[i]];
    double gm = sm / D, ss = 0;
    for (int i = 0; i < D; i++) ss += (m[idx[i]] - gm) * (m[idx[i]] - gm);
    *mean = gm;
    *W = sw / D;
    *varm = ss / (D - 1);
    *B = *varm - *W / n;
}

static double share(double part, double total) { return total > 0 ? part / total : NAN; }

int var_split(const double *y, int D, int n, int nboot, uint64_t seed, VarSplit *o)
{
    if (D < 2 || n < 2 || nboot < 0) return -1;
    double *m = malloc((size_t)D * sizeof *m), *s2 = malloc((size_t)D * sizeof *s2);
    int *idx = malloc((size_t)D * sizeof *idx);
    if (!m || !s2 || !idx) { free(m), free(s2), free(idx); return -1; }
    for (int d = 0; d < D; d++) {
        const double *x = &y[(size_t)d * n];
        /* shifted by the first value: a draw whose replicates are all equal has a mean equal to
         * them and a within variance of exactly 0 */
        double s = 0, ss = 0;
        for (int j = 0; j < n; j++) s += x[j] - x[0];
        double a = x[0] + s / n;
        for (int j = 0; j < n; j++) ss += (x[j] - a) * (x[j] - a);
        m[d] = a, s2[d] = ss / (n - 1);
        idx[d] = d;
    }
    double varm;
    components(m, s2, idx, D, n, &o->mean, &o->chance, &o->ignorance, &varm);
    o->mean_se = sqrt(varm / D);
    o->total = o->chance + o->ignorance;
    o->chance_share = share(o->chance, o->total);
    o->ignorance_share = share(o->ignorance, o->total);
    o->nboot = nboot;
    o->total_se = o->chance_se = o->ignorance_se = o->chance_share_se = o->ignorance_share_se = NAN;
    gsl_rng *r = nboot ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (nboot && !r) { free(m), free(s2), free(idx); return -1; }
    if (r) {
        gsl_rng_set(r, (unsigned long)(seed ^ (seed >> 32)));
        double acc[5][2] = {{0}};
        int nshare = 0;
        for (int b = 0; b < nboot; b++) {
            for (int i = 0; i < D; i++) idx[i] = (int)gsl_rng_uniform_int(r, (unsigned long)D);
            double gm, W, B, vm;
            components(m, s2, idx, D, n, &gm, &W, &B, &vm);
            double v[5] = {W + B, W, B, share(W, W + B), share(B, W + B)};
            for (int k = 0; k < 3; k++) acc[k][0] += v[k], acc[k][1] += v[k] * v[k];
            if (!isnan(v[3])) {
                nshare++;
                for (int k = 3; k < 5; k++) acc[k][0] += v[k], acc[k][1] += v[k] * v[k];
            }
        }
        double se[5];
        for (int k = 0; k < 5; k++) {
            int nb = k < 3 ? nboot : nshare;
            double mu = nb ? acc[k][0] / nb : NAN, var = nb > 1 ? (acc[k][1] - nb * mu * mu) / (nb - 1) : NAN;
            se[k] = var > 0 ? sqrt(var) : 0;
            if (nb < 2) se[k] = NAN;
        }
        o->total_se = se[0], o->chance_se = se[1], o->ignorance_se = se[2];
        o->chance_share_se = se[3], o->ignorance_share_se = se[4];
        gsl_rng_free(r);
    }
    free(m), free(s2), free(idx);
    return 0;
}
