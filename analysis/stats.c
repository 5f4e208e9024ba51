/** \file stats.c
 * parkstat's estimators and tests (see stats.h; methods in docs/ANALYSIS.md).
 * GSL provides the distributions; what GSL lacks (order-statistic intervals,
 * Maritz-Jarrett, Wilson, Fisher, Holm) is written out here.
 */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

void stats_mean_se(const double *x, size_t n, double *mean, double *sd, double *se)
{
    *mean = n ? gsl_stats_mean(x, 1, n) : NAN;
    double s = n > 1 ? gsl_stats_sd_m(x, 1, n, *mean) : 0.0;
    if (sd) *sd = s;
    if (se) *se = n > 1 ? s / sqrt((double)n) : 0.0;
}

double stats_quantile(const double *sorted, size_t n, double q)
{
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

/* Beta(a, b) distribution function that also covers the degenerate ends
 * a = 0 (all mass at 0) and b = 0 (all mass at 1) the Maritz-Jarrett weights
 * reach at the extreme order statistics. */
static double beta_cdf(double x, double a, double b)
{
    if (a <= 0) return 1.0;
    if (b <= 0) return x >= 1.0 ? 1.0 : 0.0;
    return gsl_cdf_beta_P(x, a, b);
}

double stats_quantile_se_mj(const double *sorted, size_t n, double q)
{
    if (n < 2) return 0.0;
    long m = (long)floor(q * (double)n + 0.5);
    if (m < 1) m = 1;
    if (m > (long)n) m = (long)n;
    double a = (double)(m - 1), b = (double)((long)n - m);
    double c1 = 0, c2 = 0, prev = 0;
    for (size_t i = 1; i <= n; i++) {
        double cur = beta_cdf((double)i / (double)n, a, b);
        double w = cur - prev;
        prev = cur;
        c1 += w * sorted[i - 1];
        c2 += w * sorted[i - 1] * sorted[i - 1];
    }
    double v = c2 - c1 * c1;
    return v > 0 ? sqrt(v) : 0.0;
}

/* Smallest j in [0, n] with P(Binomial(n, q) <= j) >= target. */
static long binom_cdf_search(size_t n, double q, double target)
{
    long lo = 0, hi = (long)n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (gsl_cdf_binomial_P((unsigned)mid, q, (unsigned)n) >= target) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

int stats_quantile_ci(const double *sorted, size_t n, double q, double level, double *lo, double *hi)
{
    *lo = n ? sorted[0] : NAN;
    *hi = n ? sorted[n - 1] : NAN;
    if (n < 2) return -1;
    double tail = (1.0 - level) / 2.0;
    /* l - 1 = the largest j with F(j) <= tail, i.e. (the smallest j with F(j) > tail) - 1. */
    long jl = binom_cdf_search(n, q, nextafter(tail, 1.0));
    if (gsl_cdf_binomial_P((unsigned)jl, q, (unsigned)n) <= tail) jl++;
    long l = jl;             /* 1-based order statistic: F(l - 1) <= tail */
    long u = binom_cdf_search(n, q, 1.0 - tail) + 1;
    if (l < 1 || u > (long)n) return -1;
    *lo = sorted[l - 1];
    *hi = sorted[u - 1];
    return 0;
}

void stats_wilson(long k, long n, double level, double *lo, double *hi)
{
    if (n <= 0) { *lo = 0; *hi = 1; return; }
    double z = gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - level) / 2.0);
    double p = (double)k / (double)n, nn = (double)n, z2 = z * z;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z / (1 + z2 / nn) * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    *lo = k == 0 ? 0.0 : centre - half;
    *hi = k == n ? 1.0 : centre + half;
}

double stats_fisher_2x2(long a, long b, long c, long d)
{
    long r1 = a + b, c1 = a + c, c2 = b + d, n = a + b + c + d;
    if (n == 0 || r1 == 0 || r1 == n || c1 == 0 || c2 == 0) return 1.0;
    long kmin = c1 - (n - r1) > 0 ? c1 - (n - r1) : 0, kmax = r1 < c1 ? r1 : c1;
    double pobs = gsl_ran_hypergeometric_pdf((unsigned)a, (unsigned)c1, (unsigned)c2, (unsigned)r1);
    double p = 0;
    /* Relative tolerance so that tables as likely as the observed one, equal up to
     * rounding in the log-gamma evaluation, are counted (as R's fisher.test does). */
    for (long k = kmin; k <= kmax; k++) {
        double pk = gsl_ran_hypergeometric_pdf((unsigned)k, (unsigned)c1, (unsigned)c2, (unsigned)r1);
        if (pk <= pobs * (1 + 1e-7)) p += pk;
    }
    return p > 1 ? 1.0 : p;
}

double stats_chisq_2xk(const long *a, const long *b, size_t K, int *df, double *chi2)
{
    double na = 0, nb = 0;
    for (size_t k = 0; k < K; k++) na += (double)a[k], nb += (double)b[k];
    *df = 0;
    *chi2 = 0;
    if (na == 0 || nb == 0) return 1.0;
    double N = na + nb, need = 5.0 * N / (na < nb ? na : nb);
    /* Pool adjacent categories into groups whose column total reaches `need`. */
    double *ga = malloc((K + 1) * sizeof *ga), *gb = malloc((K + 1) * sizeof *gb);
    if (!ga || !gb) { free(ga); free(gb); return NAN; }
    size_t G = 0;
    double sa = 0, sb = 0;
    for (size_t k = 0; k < K; k++) {
        sa += (double)a[k];
        sb += (double)b[k];
        if (sa + sb >= need) {
            ga[G] = sa, gb[G] = sb, G++;
            sa = sb = 0;
        }
    }
    if (sa + sb > 0) {
        if (G == 0) ga[G] = sa, gb[G] = sb, G++;
        else ga[G - 1] += sa, gb[G - 1] += sb;
    }
    double x = 0;
    for (size_t g = 0; g < G; g++) {
        double t = ga[g] + gb[g], ea = na * t / N, eb = nb * t / N;
        x += (ga[g] - ea) * (ga[g] - ea) / ea + (gb[g] - eb) * (gb[g] - eb) / eb;
    }
    free(ga);
    free(gb);
    *df = (int)G - 1;
    *chi2 = x;
    return G < 2 ? 1.0 : gsl_cdf_chisq_Q(x, (double)(G - 1));
}

typedef struct { double p; size_t i; } PIdx;

static int cmp_pidx(const void *x, const void *y)
{
    const PIdx *a = x, *b = y;
    if (a->p < b->p) return -1;
    if (a->p > b->p) return 1;
    return a->i < b->i ? -1 : a->i > b->i;   /* stable, so ties keep their order */
}

int stats_holm(const double *p, size_t m, double alpha, int *reject, double *adj)
{
    PIdx *s = malloc((m ? m : 1) * sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < m; i++) s[i] = (PIdx){p[i], i}, reject[i] = 0;
    qsort(s, m, sizeof *s, cmp_pidx);
    int nrej = 0, stopped = 0;
    double run = 0;
    for (size_t j = 0; j < m; j++) {
        double a = (double)(m - j) * s[j].p;
        if (a > 1) a = 1;
        if (a > run) run = a;
        if (adj) adj[s[j].i] = run;
        if (!stopped && s[j].p <= alpha / (double)(m - j)) reject[s[j].i] = 1, nrej++;
        else stopped = 1;
    }
    free(s);
    return nrej;
}

double stats_t_crit(size_t n, double level)
{
    double pr = 1.0 - (1.0 - level) / 2.0;
    if (n < 2) return gsl_cdf_ugaussian_Pinv(pr);
    return gsl_cdf_tdist_Pinv(pr, (double)(n - 1));
}
