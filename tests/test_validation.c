/** \file test_validation.c
 * Validation of the model against published figures (docs/VALIDATION.md):
 *
 *   1. annual log growth rates are Laplace-shaped (Stanley et al. 1996);
 *   2. their spread scales with size as S^-beta, beta near 0.2 (Amaral et al. 1997);
 *   3. the upper tail of firm sizes is Pareto with a CCDF exponent in 0.8-1.5
 *      (Axtell 2001; Heinrich & Dai 2016 for Chinese provinces);
 *   4. exit, merger, clearing and entry counts match what the parameters imply;
 *   5. the accounting invariants hold in every replicate, recomputed here
 *      independently of the model's own check.
 *
 * Everything goes through the public model API (config_load, replicate_init,
 * replicate_step, the Firm/Site/ParkState structs and the firm_* functions), so
 * new levers, which are off in the baseline scenario, do not touch these
 * tests. Firms are followed across months and years by gid.
 *
 * Every tolerance is a stated multiple (4) of a standard error derived from
 * the sample (analytic where the distribution is known, otherwise from the
 * spread over G independent batches of replicates), or a published range.
 * The draws are keyed Philox streams with fixed seeds, so the figures are
 * deterministic; a test that fails against the model is reported with
 * `# TODO` and a reason instead of being loosened.
 *
 * PARKSIM_TEST_SCALE (a number in (0, 1], default 1) scales the number of
 * replicates and pure-process draws down, for slow builds; the tolerances
 * follow the sample sizes, so they widen accordingly.
 */
#include "tap.h"
#include "../agents/firm.h"
#include "../schedule/replicate.h"
#include "../agents/population.h"
#include "../sim/config.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------------ samples */

/** One annual growth observation: log size at the start of the year, log
 *  growth over the year, the replicate (for batch standard errors) and
 *  whether the firm upgraded during the year. */
typedef struct { double s, g; int rep; int upgraded; } Obs;
typedef struct { Obs *o; size_t n, cap; } ObsVec;

static int obs_push(ObsVec *v, Obs x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 4096;
        Obs *o = realloc(v->o, cap * sizeof *o);
        if (!o) return 0;
        v->o = o;
        v->cap = cap;
    }
    v->o[v->n++] = x;
    return 1;
}

typedef struct { double *x; size_t n, cap; } DVec;

static int dvec_push(DVec *v, double x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 4096;
        double *o = realloc(v->x, cap * sizeof *o);
        if (!o) return 0;
        v->x = o;
        v->cap = cap;
    }
    v->x[v->n++] = x;
    return 1;
}

static int cmp_asc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_desc(const void *a, const void *b) { return cmp_asc(b, a); }

/* ------------------------------------------------------------------ statistics */

typedef struct { double mean, sd, exkurt; } Moments;

static Moments moments(const double *x, size_t n)
{
    Moments m = {0, 0, 0};
    if (n < 2) return m;
    for (size_t i = 0; i < n; i++) m.mean += x[i];
    m.mean /= (double)n;
    double m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m.mean, d2 = d * d;
        m2 += d2;
        m4 += d2 * d2;
    }
    m2 /= (double)n;
    m4 /= (double)n;
    m.sd = sqrt(m2);
    m.exkurt = m4 / (m2 * m2) - 3.0;
    return m;
}

/* Size bins of the growth analysis: width w in ln S (S in CNY 1e4) from 0,
 * NBIN of them, which covers revenues from 1 to e^(NBIN w). */
enum { NBIN = 64 };

/* Whether observation o belongs to batch b of G (b < 0: every observation). */
static int in_batch(const Obs *o, int b, int G) { return b < 0 || o->rep % G == b; }

static int bin_of(double s, double w)
{
    int k = (int)floor(s / w);
    return k < 0 ? 0 : k >= NBIN ? NBIN - 1 : k;
}

/** Bins used by the growth statistics, fixed once on the pooled sample so
 *  that every batch uses the same ones: at least nmin observations, and a
 *  lower edge at least 4 sigma(S) above ln S_min (log_min). Below that the
 *  min-revenue exit rule removes a visible part of the lower tail, and the
 *  survivors' growth is truncated (a selection effect, not the growth law);
 *  a Laplace variable falls below -4 sd with probability 0.5 e^(-4 sqrt 2)
 *  = 0.0017, and a path crosses a barrier about twice as often as it ends
 *  below it. Returns the number of bins kept. */
static int bins_mask(const Params *p, const ObsVec *v, double w, int nmin, double log_min, unsigned char use[NBIN])
{
    double n[NBIN] = {0};
    int kept = 0;
    for (size_t i = 0; i < v->n; i++) n[bin_of(v->o[i].s, w)]++;
    for (int k = 0; k < NBIN; k++) {
        double lo = k * w;
        use[k] = n[k] >= nmin && lo - log_min >= 4.0 * firm_growth_sd(p, lo);
        kept += use[k];
    }
    return kept;
}

/** Growth standardised within size bins, as Stanley et al. did: observations
 *  of one bin lose the bin mean and are divided by the bin sd. Appends to z;
 *  returns 0 on allocation failure. */
static int standardise_in_bins(const ObsVec *v, int b, int G, double w, const unsigned char use[NBIN], DVec *z)
{
    double n[NBIN] = {0}, s1[NBIN] = {0}, s2[NBIN] = {0};
    for (size_t i = 0; i < v->n; i++) {
        const Obs *o = &v->o[i];
        int k = bin_of(o->s, w);
        if (!in_batch(o, b, G) || !use[k]) continue;
        n[k]++;
        s1[k] += o->g;
        s2[k] += o->g * o->g;
    }
    double mean[NBIN], sd[NBIN];
    for (int k = 0; k < NBIN; k++) {
        mean[k] = n[k] > 0 ? s1[k] / n[k] : 0;
        sd[k] = n[k] > 1 ? sqrt(fmax(0, s2[k] - n[k] * mean[k] * mean[k]) / (n[k] - 1)) : 0;
    }
    for (size_t i = 0; i < v->n; i++) {
        const Obs *o = &v->o[i];
        int k = bin_of(o->s, w);
        if (!in_batch(o, b, G) || !use[k] || !(sd[k] > 0)) continue;
        if (!dvec_push(z, (o->g - mean[k]) / sd[k])) return 0;
    }
    return 1;
}

/** Slope of ln(sd of growth) on ln(size) over the bins in use, one point per
 *  bin at the bin's mean ln S, weighted by the bin's count (the variance of
 *  a log sd is inversely proportional to the count). -slope estimates beta. */
static double sd_size_slope(const ObsVec *v, int b, int G, double w, const unsigned char use[NBIN])
{
    double n[NBIN] = {0}, sx[NBIN] = {0}, s1[NBIN] = {0}, s2[NBIN] = {0};
    for (size_t i = 0; i < v->n; i++) {
        const Obs *o = &v->o[i];
        int k = bin_of(o->s, w);
        if (!in_batch(o, b, G) || !use[k]) continue;
        n[k]++;
        sx[k] += o->s;
        s1[k] += o->g;
        s2[k] += o->g * o->g;
    }
    double W = 0, mx = 0, my = 0, X[NBIN], Y[NBIN];
    for (int k = 0; k < NBIN; k++) {
        if (n[k] < 2) continue;
        double mean = s1[k] / n[k], var = (s2[k] - n[k] * mean * mean) / (n[k] - 1);
        X[k] = sx[k] / n[k];
        Y[k] = 0.5 * log(var);
        W += n[k];
        mx += n[k] * X[k];
        my += n[k] * Y[k];
    }
    if (W <= 0) return NAN;
    mx /= W;
    my /= W;
    double sxy = 0, sxx = 0;
    for (int k = 0; k < NBIN; k++) {
        if (n[k] < 2) continue;
        sxy += n[k] * (X[k] - mx) * (Y[k] - my);
        sxx += n[k] * (X[k] - mx) * (X[k] - mx);
    }
    return sxx > 0 ? sxy / sxx : NAN;
}

/* Fitted Laplace (maximum likelihood: location = median, scale = mean absolute
 * deviation from it) and fitted Gaussian (mean, sd): lower and upper tail
 * probabilities, each computed directly so that AD's logarithms stay finite. */
typedef struct { int laplace; double loc, scale; } Fit;

static double fit_P(const Fit *f, double x)
{
    if (!f->laplace) return gsl_cdf_gaussian_P(x - f->loc, f->scale);
    double t = (x - f->loc) / f->scale;
    return t < 0 ? 0.5 * exp(t) : 1.0 - 0.5 * exp(-t);
}

static double fit_Q(const Fit *f, double x)
{
    if (!f->laplace) return gsl_cdf_gaussian_Q(x - f->loc, f->scale);
    double t = (x - f->loc) / f->scale;
    return t < 0 ? 1.0 - 0.5 * exp(t) : 0.5 * exp(-t);
}

static Fit fit_laplace(const double *sorted, size_t n)
{
    Fit f = {1, 0, 0};
    f.loc = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    for (size_t i = 0; i < n; i++) f.scale += fabs(sorted[i] - f.loc);
    f.scale /= (double)n;
    return f;
}

static Fit fit_gauss(const double *x, size_t n)
{
    Moments m = moments(x, n);
    Fit f = {0, m.mean, m.sd};
    return f;
}

/** Kolmogorov-Smirnov distance between the empirical CDF of sorted x and f. */
static double ks_dist(const double *sorted, size_t n, const Fit *f)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = fit_P(f, sorted[i]);
        double a = F - (double)i / n, c = (double)(i + 1) / n - F;
        if (a > d) d = a;
        if (c > d) d = c;
    }
    return d;
}

/** Anderson-Darling statistic A^2 of sorted x against f; it weights the tails,
 *  where Laplace and Gaussian differ most. */
static double ad_stat(const double *sorted, size_t n, const Fit *f)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double lp = log(fmax(fit_P(f, sorted[i]), 1e-300));
        double lq = log(fmax(fit_Q(f, sorted[n - 1 - i]), 1e-300));
        s += (2.0 * (double)i + 1.0) * (lp + lq);
    }
    return -(double)n - s / (double)n;
}

/** Hill estimator of the CCDF exponent from the top k of x (sorted descending):
 *  alpha = k / sum_{i<k} ln(x_i / x_k). */
static double hill(const double *desc, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += log(desc[i] / desc[k]);
    return (double)k / s;
}

/* Mean and standard error of the mean of G batch values. */
static void batch_se(const double *v, int G, double *mean, double *se)
{
    double m = 0, s = 0;
    for (int b = 0; b < G; b++) m += v[b];
    m /= G;
    for (int b = 0; b < G; b++) s += (v[b] - m) * (v[b] - m);
    *mean = m;
    *se = sqrt(s / (G - 1) / G);
}

/* ------------------------------------------------------------------ helpers */

static int load(Scenario *sc, const char *path)
{
    if (config_load(sc, path, NULL, 0) == SIM_OK) return 1;
    printf("Bail out! cannot load %s (run from the repository root)\n", path);
    return 0;
}

static double test_scale(void)
{
    const char *e = getenv("PARKSIM_TEST_SCALE");
    double s = e ? atof(e) : 1.0;
    return s > 0 && s <= 1 ? s : 1.0;
}

/* ------------------------------------------------------------------ invariants */

/** Accounting recomputed from the park states and the month's record after
 *  replicate_step of month m: land of active firms + all sites = park land,
 *  the recorded idle land and active firms agree with the park states, every
 *  active firm has a finite log revenue (so revenue > 0) and land > 0, and the
 *  recorded revenue is positive and finite. Returns the number of violations. */
static int check_month(const Replicate *R, const ReplicateOut *o, int m, char *why, size_t wlen)
{
    int P = R->n_parks, bad = 0;
    for (int k = 0; k < P; k++) {
        const ParkState *ps = &R->park[k];
        double firm_land = 0, site_land = 0;
        int active = 0;
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            active++;
            firm_land += f->land_mu;
            if (!isfinite(f->log_rev) || !(f->land_mu > 0)) {
                if (!bad++) snprintf(why, wlen, "month %d park %d: firm with log revenue %g and land %g", m, k, f->log_rev, f->land_mu);
            }
        }
        for (int j = 0; j < ps->n_site; j++) site_land += ps->site[j].mu;
        double total = R->info[k].land_mu;
        int t = m * P + k;
        if (fabs(firm_land + site_land - total) > 1e-9 * total) {
            if (!bad++) snprintf(why, wlen, "month %d park %d: occupied %.9g + idle %.9g != land %.9g", m, k, firm_land, site_land, total);
        }
        if (fabs(o->m_idle_mu[t] - site_land) > 1e-9 * total) {
            if (!bad++) snprintf(why, wlen, "month %d park %d: recorded idle %.9g, sites hold %.9g", m, k, o->m_idle_mu[t], site_land);
        }
        if (o->m_firms[t] != active) {
            if (!bad++) snprintf(why, wlen, "month %d park %d: recorded %d firms, %d active", m, k, o->m_firms[t], active);
        }
        if (!(o->m_revenue[t] > 0) || !isfinite(o->m_revenue[t])) {
            if (!bad++) snprintf(why, wlen, "month %d park %d: revenue %g", m, k, o->m_revenue[t]);
        }
    }
    return bad;
}

/** The stock-flow identity from the monthly arrays alone: for each park and
 *  month, firms(t) = firms(t-1) + entries - exits - absorbed (t = 0 from the
 *  park file), and over the whole province firms at the end = firms at the
 *  start + all entries - all exits - all absorbed. Returns violations. */
static int check_flows(const ParkInfo *info, int P, int T, const ReplicateOut *o, char *why, size_t wlen)
{
    int bad = 0;
    long start = 0, in = 0, out = 0, end = 0;
    for (int k = 0; k < P; k++) start += info[k].firms;
    for (int t = 0; t < T; t++)
        for (int k = 0; k < P; k++) {
            int i = t * P + k, prev = t ? o->m_firms[i - P] : info[k].firms;
            in += o->m_entries[i];
            out += o->m_exits[i] + o->m_mergers[i];
            in += o->m_projects[i];
            if (o->m_firms[i] != prev + o->m_entries[i] + o->m_projects[i] - o->m_exits[i] - o->m_mergers[i] && !bad++)
                snprintf(why, wlen, "month %d park %d: %d firms after %d + %d entries + %d projects - %d - %d", t, k,
                         o->m_firms[i], prev, o->m_entries[i], o->m_projects[i], o->m_exits[i], o->m_mergers[i]);
        }
    for (int k = 0; k < P; k++) end += o->m_firms[(T - 1) * P + k];
    if (end != start + in - out && !bad++)
        snprintf(why, wlen, "end %ld firms != start %ld + entries - exits - absorbed %ld", end, start, in - out);
    return bad;
}

/* ------------------------------------------------------------------ the baseline run */

/** What one pass over a scenario's replicates collects. Expected counts are
 *  sums of the per-firm (per-site) monthly probabilities that the baseline
 *  parameters give for the state at the start of each month; they are
 *  meaningful only for a scenario without levers. */
typedef struct {
    ObsVec growth;              /* survivors' annual growth */
    long acquirer_years;        /* survivor-years excluded because the firm acquired */
    long entrant_years;         /* firms present at a year end that entered in the year */
    DVec init_rel;              /* initial non-anchor sizes / park median (all replicates) */
    DVec *init_raw;             /* [rep] every initial firm's revenue, anchors included */
    DVec *end_raw;              /* [rep] every firm's revenue after the last year */
    double firm_months, d_months, cd_months;
    double exits, exits_exp, exits_min_exp, exits_haz_exp, exits_month0;
    double deals, deals_exp, marks_exp;
    double clear, clear_exp, idle_site_months;
    double lets, lets_exp, ready_site_months;
    double idle_mu_months;      /* sum over months of idle land, mu */
    int step_fail, init_fail, month_bad_reps, flow_bad_reps;
    char why[256];
} Collect;

/* State of one firm at the start of a month. */
typedef struct { uint64_t gid; double log_rev, tech, var; int lclass, cand; } Pre;
/* State of one firm at the start of a year. */
typedef struct { uint64_t gid; double log_rev, land, tech; } YearStart;

static int run_scenario(const Scenario *sc, int nrep, int rep0, Collect *C)
{
    const Params *p = &sc->p;
    int P = sc->n_parks, T = params_months(p);
    ReplicateOut all;
    if (replicate_out_alloc(&all, p, P, nrep) != SIM_OK) return 0;
    Replicate R;
    memset(&R, 0, sizeof R); /* replicate_free of a zeroed or freed Replicate is a no-op */
    YearStart **ys = calloc((size_t)P, sizeof *ys);
    int *nys = calloc((size_t)P, sizeof *nys);
    Pre *pre = NULL;
    int cap_pre = 0, ok_all = 0;
    int *off = calloc((size_t)P + 1, sizeof *off);       /* park k's firms are pre[off[k] .. off[k+1]) */
    uint32_t *site_id0 = calloc((size_t)P, sizeof *site_id0);
    double *let_k = calloc((size_t)P, sizeof *let_k); /* cleared sites at risk of letting, per park */
    C->init_raw = calloc((size_t)nrep, sizeof *C->init_raw);
    C->end_raw = calloc((size_t)nrep, sizeof *C->end_raw);
    if (!ys || !nys || !off || !site_id0 || !let_k || !C->init_raw || !C->end_raw) goto out;
    const double log_min = log(p->firm.exit_min_revenue), pu = p->firm.upgrade_rate / 12.0;
    const double rm = p->mergers.rate / 12.0, rc = p->land.clear_rate / 12.0, re = p->entry.rate / 12.0;

    for (int r = 0; r < nrep; r++) {
        uint32_t rep = (uint32_t)(rep0 + r);
        ReplicateOut o = replicate_out_view(&all, p, P, r);
        if (replicate_init(&R, p, sc->parks, P, rep, &o) != SIM_OK) { C->init_fail++; replicate_free(&R); continue; }

        /* initial sizes: relative to the park's median non-anchor firm, and raw */
        for (int k = 0; k < P; k++) {
            const ParkState *ps = &R.park[k];
            int first = sc->parks[k].anchor_revenue > 0, n = ps->n_firm - first;
            double *v = malloc((size_t)n * sizeof *v);
            if (!v) goto out;
            for (int i = 0; i < n; i++) v[i] = exp(ps->firm[first + i].log_rev);
            qsort(v, (size_t)n, sizeof *v, cmp_asc);
            double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
            int good = 1;
            for (int i = 0; i < n; i++) good &= dvec_push(&C->init_rel, v[i] / med);
            for (int i = 0; i < ps->n_firm; i++) good &= dvec_push(&C->init_raw[r], exp(ps->firm[i].log_rev));
            free(v);
            if (!good) goto out;
        }

        int month_bad = 0;
        SimStatus st = SIM_OK;
        for (int m = 0; m < T && st == SIM_OK; m++) {
            if (m % 12 == 0) /* year start: remember every active firm */
                for (int k = 0; k < P; k++) {
                    const ParkState *ps = &R.park[k];
                    YearStart *y = realloc(ys[k], (size_t)(ps->n_firm + 1) * sizeof *y);
                    if (!y) goto out;
                    ys[k] = y;
                    nys[k] = 0;
                    for (int i = 0; i < ps->n_firm; i++) {
                        const Firm *f = &ps->firm[i];
                        if (f->status != FIRM_ACTIVE) continue;
                        YearStart e = {f->gid, f->log_rev, f->land_mu, f->tech};
                        y[nys[k]++] = e;
                    }
                }
            /* month start: firm and site states, park by park (all before the
             * step, which changes every park) */
            double clear_risk = 0, let_risk = 0;
            int npre_tot = 0;
            for (int k = 0; k < P; k++) npre_tot += R.park[k].n_firm;
            if (npre_tot > cap_pre) {
                Pre *q = realloc(pre, (size_t)npre_tot * sizeof *q);
                if (!q) goto out;
                pre = q;
                cap_pre = npre_tot;
            }
            for (int k = 0; k < P; k++) {
                const ParkState *ps = &R.park[k];
                double max_ab = -INFINITY;
                for (int i = 0; i < ps->n_firm; i++)
                    if (ps->firm[i].status == FIRM_ACTIVE && ps->firm[i].lclass <= CLASS_B && ps->firm[i].log_rev > max_ab)
                        max_ab = ps->firm[i].log_rev;
                off[k + 1] = off[k] + ps->n_firm;
                for (int i = 0; i < ps->n_firm; i++) {
                    const Firm *f = &ps->firm[i];
                    Pre e = {f->gid, f->log_rev, f->tech, f->var_year, f->lclass, f->log_rev < max_ab};
                    if (f->status != FIRM_ACTIVE) e.gid = UINT64_MAX; /* not at risk */
                    pre[off[k] + i] = e;
                }
                let_k[k] = 0;
                for (int j = 0; j < ps->n_site; j++) {
                    const Site *s = &ps->site[j];
                    if (!s->ready) { clear_risk += 1; C->idle_site_months++; }
                    else if (s->since < m) let_k[k] += 1;
                    C->idle_mu_months += s->mu;
                }
                site_id0[k] = ps->next_site_id;
            }

            st = replicate_step(&R, &o);
            if (st != SIM_OK) {
                if (!C->step_fail++) snprintf(C->why, sizeof C->why, "%s", R.err.msg);
                break;
            }

            char why[256];
            if (check_month(&R, &o, m, why, sizeof why)) {
                if (!month_bad++ && !C->month_bad_reps) snprintf(C->why, sizeof C->why, "replicate %u: %s", rep, why);
            }

            /* Expected exits, merger deals, clearings and lets of the month. */
            for (int k = 0; k < P; k++) {
                const ParkState *ps = &R.park[k];
                for (int i = off[k]; i < off[k + 1]; i++) {
                    Pre *e = &pre[i];
                    if (e->gid == UINT64_MAX) continue;
                    if (m % 12 == 0) { /* the year's variance is drawn inside the January step */
                        const Firm *f = &ps->firm[i - off[k]];
                        if (f->gid != e->gid) { snprintf(C->why, sizeof C->why, "firm order changed in January"); goto out; }
                        e->var = f->var_year;
                    }
                    Firm ff;
                    memset(&ff, 0, sizeof ff);
                    ff.lclass = (uint8_t)e->lclass;
                    double h = firm_exit_hazard(p, &ff);
                    /* The month's growth is N(drift/12, V/12) and comes before
                     * the exit test; a baseline upgrade (probability r_u/12 if
                     * T < 1) adds g_u before it too (MODEL.md §3, §7.1-7.4). */
                    double mu = (p->firm.growth_drift + p->firm.tech_growth_effect * e->tech) / 12.0;
                    double sd = sqrt(e->var / 12.0), x = log_min - e->log_rev - mu;
                    double q = e->tech < 1.0 ? pu : 0.0;
                    double pmin = (1 - q) * gsl_cdf_ugaussian_P(x / sd) + q * gsl_cdf_ugaussian_P((x - p->firm.upgrade_revenue_gain) / sd);
                    double pexit = 1.0 - (1.0 - pmin) * (1.0 - h);
                    C->exits_exp += pexit;
                    C->exits_min_exp += pmin;
                    C->exits_haz_exp += h;
                    C->firm_months += 1;
                    if (e->lclass == CLASS_D) C->d_months += 1;
                    if (e->lclass >= CLASS_C) {
                        /* a target is marked only if it did not exit, and a deal
                         * needs a larger A/B firm in the park (§7.6) */
                        C->cd_months += 1;
                        C->marks_exp += (1.0 - pexit) * rm;
                        if (e->cand) C->deals_exp += (1.0 - pexit) * rm;
                    }
                }
                /* No letting while a serious incident freezes new projects
                 * (safety.freeze_months, MODEL.md): a freeze that covers this
                 * month, set before or during it, shows as frozen_until > m. */
                if (ps->frozen_until <= m) {
                    let_risk += let_k[k];
                    C->ready_site_months += let_k[k];
                }
                /* sites released this month are idle during the site pass */
                clear_risk += ps->next_site_id - site_id0[k];
                C->idle_site_months += ps->next_site_id - site_id0[k];
                for (int j = 0; j < ps->n_site; j++) C->clear += ps->site[j].ready && ps->site[j].since == m;
                int t = m * P + k;
                C->exits += o.m_exits[t];
                if (m == 0) C->exits_month0 += o.m_exits[t];
                C->deals += o.m_mergers[t];
                C->lets += o.m_entries[t];
            }
            C->clear_exp += clear_risk * rc;
            C->lets_exp += let_risk * re;

            if (m % 12 == 11) { /* year end: survivors' growth, matched by gid */
                int y0 = m - 11;
                for (int k = 0; k < P; k++) {
                    const ParkState *ps = &R.park[k];
                    for (int i = 0; i < ps->n_firm; i++) {
                        const Firm *f = &ps->firm[i];
                        if (f->status != FIRM_ACTIVE) continue;
                        if (f->born >= y0) { C->entrant_years++; continue; }
                        /* linear search would be quadratic; the start list is sorted by gid too */
                        int lo = 0, hi = nys[k] - 1, at = -1;
                        while (lo <= hi) {
                            int mid = (lo + hi) / 2;
                            if (ys[k][mid].gid == f->gid) { at = mid; break; }
                            if (ys[k][mid].gid < f->gid) lo = mid + 1;
                            else hi = mid - 1;
                        }
                        if (at < 0) {
                            snprintf(C->why, sizeof C->why, "survivor %llu not found at the year start", (unsigned long long)f->gid);
                            goto out;
                        }
                        const YearStart *s0 = &ys[k][at];
                        /* only an acquisition changes an active firm's land */
                        if (f->land_mu != s0->land) { C->acquirer_years++; continue; }
                        Obs ob = {s0->log_rev, f->log_rev - s0->log_rev, r, f->tech != s0->tech};
                        if (!obs_push(&C->growth, ob)) { goto out; }
                    }
                }
            }
        }
        if (st == SIM_OK) {
            int good = 1;
            for (int k = 0; k < P; k++)
                for (int i = 0; i < R.park[k].n_firm; i++)
                    if (R.park[k].firm[i].status == FIRM_ACTIVE) good &= dvec_push(&C->end_raw[r], exp(R.park[k].firm[i].log_rev));
            if (!good) { goto out; }
            char why[256];
            if (check_flows(sc->parks, P, T, &o, why, sizeof why)) {
                if (!C->flow_bad_reps++) snprintf(C->why, sizeof C->why, "replicate %u: %s", rep, why);
            }
        }
        C->month_bad_reps += month_bad > 0;
        replicate_free(&R);
    }
    ok_all = 1;
out:
    replicate_free(&R);
    if (!ok_all && !C->why[0]) snprintf(C->why, sizeof C->why, "out of memory");
    if (ys)
        for (int k = 0; k < P; k++) free(ys[k]);
    free(ys);
    free(nys);
    free(pre);
    free(off);
    free(site_id0);
    free(let_k);
    replicate_out_free(&all);
    return ok_all;
}

static void collect_free(Collect *C, int nrep)
{
    free(C->growth.o);
    free(C->init_rel.x);
    for (int r = 0; r < nrep; r++) {
        if (C->init_raw) free(C->init_raw[r].x);
        if (C->end_raw) free(C->end_raw[r].x);
    }
    free(C->init_raw);
    free(C->end_raw);
}

/* ------------------------------------------------------------------ pure growth process */

/** Annual log growth of n firm-years from the model's growth functions alone
 *  (firm_year_variance, then twelve firm_growth_step), with ln S uniform on
 *  [5, 16] (CNY 1.5e6 to 8.9e10 a year, the range of the Jiangxi firms) and
 *  T uniform on [0, 1]; keyed draws from a test seed. z gets each growth
 *  minus its drift over the model's sigma(S): exactly unit-variance Laplace
 *  if the process is what MODEL.md §7.1 says. */
static int pure_growth(const Params *p, long n, int G, ObsVec *v, DVec *z)
{
    const uint64_t seed = 0x76616c6964617465; /* "validate" */
    for (long i = 0; i < n; i++) {
        RngBlock b = rng_block(seed, 0, (uint64_t)i, 0, RNG_FIRM_INIT);
        Firm f;
        memset(&f, 0, sizeof f);
        f.log_rev = 5.0 + 11.0 * rng_u52(b.w[0]);
        f.tech = rng_u52(b.w[1]);
        f.var_year = firm_year_variance(p, f.log_rev, rng_u52(rng_block(seed, 0, (uint64_t)i, 0, RNG_FIRM_YEAR).w[0]));
        double g = 0;
        for (uint32_t m = 0; m < 12; m++)
            g += firm_growth_step(p, &f, rng_normal(rng_block(seed, 0, (uint64_t)i, m, RNG_FIRM_MONTH).w[0]));
        Obs o = {f.log_rev, g, (int)(i % G), 0};
        double drift = p->firm.growth_drift + p->firm.tech_growth_effect * f.tech;
        if (!obs_push(v, o) || !dvec_push(z, (g - drift) / firm_growth_sd(p, f.log_rev))) return 0;
    }
    return 1;
}

/* Kolmogorov distribution: P(sqrt(n) D > 1.95) = 0.001 for a fully specified
 * continuous distribution (Smirnov's table). With fitted parameters the null
 * distribution of D is narrower, so this bound is conservative there. */
#define KS_CRIT_001 1.95

/* n Var(sample kurtosis) for unit-variance Laplace data, by the delta method
 * on (m2, m4): (mu8 - mu4^2) + 4 mu4^2 (mu4 - 1) - 4 mu4 (mu6 - mu4) with the
 * Laplace moments mu4 = 6, mu6 = 90, mu8 = 2520: 2484 + 720 - 2016 = 1188. */
#define LAPLACE_KURT_NVAR 1188.0

int main(void)
{
    plan(26);
    const double scale = test_scale();
    Scenario jx, all;
    if (!load(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    if (!load(&all, "configs/jiangxi-all-levers.yaml")) { config_free(&jx); return 1; }
    const Params *p = &jx.p;
    const double beta = p->firm.growth_size_beta, W = 0.5; /* bin width in ln S */
    enum { G = 20 };                                       /* batches for standard errors */
    if (scale < 1) diag("PARKSIM_TEST_SCALE=%g: fewer replicates and draws, wider tolerances", scale);

    /* ============================================ 1-2a. the growth process alone */
    {
        long n = lround(200000 * scale);
        ObsVec v = {0};
        DVec z = {0};
        if (!pure_growth(p, n, G, &v, &z)) { printf("Bail out! out of memory\n"); return 1; }
        Moments mz = moments(z.x, z.n);
        double se = sqrt(LAPLACE_KURT_NVAR / (double)z.n);
        diag("pure process, %zu firm-years: (g - drift)/sigma(S) has mean %.4f, sd %.4f, excess kurtosis %.3f (se %.3f)",
             z.n, mz.mean, mz.sd, mz.exkurt, se);
        is_double(mz.exkurt, 3.0, 4 * se, "pure growth process: excess kurtosis %.3f = 3 (Laplace) within 4 se = %.3f", mz.exkurt, 4 * se);
        qsort(z.x, z.n, sizeof *z.x, cmp_asc);
        Fit exact = {1, 0.0, 1.0 / sqrt(2.0)}, fg = fit_gauss(z.x, z.n);
        double dl = ks_dist(z.x, z.n, &exact), dg = ks_dist(z.x, z.n, &fg), rn = sqrt((double)z.n);
        diag("pure process: KS distance to unit Laplace %.5f (sqrt(n) D = %.2f), to fitted Gaussian %.5f (sqrt(n) D = %.1f)",
             dl, rn * dl, dg, rn * dg);
        ok(rn * dl < KS_CRIT_001 && rn * dg > KS_CRIT_001,
           "pure growth process: unit Laplace not rejected (sqrt(n) D = %.2f < %.2f), fitted Gaussian rejected (%.1f)",
           rn * dl, KS_CRIT_001, rn * dg);

        unsigned char use[NBIN];
        int nb = bins_mask(p, &v, W, 200, -INFINITY, use);
        double slope = sd_size_slope(&v, -1, G, W, use), bs[G], m, sem;
        for (int b = 0; b < G; b++) bs[b] = sd_size_slope(&v, b, G, W, use);
        batch_se(bs, G, &m, &sem);
        diag("pure process: slope of ln sd(g) on ln S over %d bins = %.4f (batch se %.4f); beta = %.2f", nb, slope, sem, beta);
        is_double(-slope, beta, 4 * sem, "pure growth process: sd scales as S^-%.4f, beta = %.2f within 4 se = %.4f", -slope, beta, 4 * sem);
        free(v.o);
        free(z.x);
    }

    /* ============================================ the baseline runs */
    int nrep = (int)lround(200 * scale);
    if (nrep < 2 * G) nrep = 2 * G;
    Collect C;
    memset(&C, 0, sizeof C);
    if (!run_scenario(&jx, nrep, 0, &C)) { printf("Bail out! baseline run failed: %s\n", C.why); return 1; }
    diag("baseline: %d replicates, %zu survivor-years of growth; excluded %ld acquirer-years and %ld entrant-years",
         nrep, C.growth.n, C.acquirer_years, C.entrant_years);

    /* ============================================ 1b. Laplace growth in the whole model */
    {
        unsigned char use[NBIN];
        double log_min = log(p->firm.exit_min_revenue);
        int nb = bins_mask(p, &C.growth, W, 200, log_min, use);
        DVec z = {0};
        if (!standardise_in_bins(&C.growth, -1, G, W, use, &z)) return 1;
        Moments mz = moments(z.x, z.n);
        double bk[G], m, se;
        for (int b = 0; b < G; b++) {
            DVec zb = {0};
            if (!standardise_in_bins(&C.growth, b, G, W, use, &zb)) return 1;
            bk[b] = moments(zb.x, zb.n).exkurt;
            free(zb.x);
        }
        batch_se(bk, G, &m, &se);
        diag("whole model: %zu survivor-years in %d size bins, excess kurtosis %.3f (batch se %.3f; Laplace-theory se %.3f)",
             z.n, nb, mz.exkurt, se, sqrt(LAPLACE_KURT_NVAR / (double)z.n));
        is_double(mz.exkurt, 3.0, 4 * se, "whole model: growth excess kurtosis %.3f = 3 (Laplace) within 4 se = %.3f", mz.exkurt, 4 * se);
        ok(mz.exkurt > 4 * se, "whole model: the Gaussian value 0 lies %.0f se below the excess kurtosis (more than 4)", mz.exkurt / se);
        qsort(z.x, z.n, sizeof *z.x, cmp_asc);
        Fit fl = fit_laplace(z.x, z.n), fg = fit_gauss(z.x, z.n);
        double dl = ks_dist(z.x, z.n, &fl), dg = ks_dist(z.x, z.n, &fg);
        double al = ad_stat(z.x, z.n, &fl), ag = ad_stat(z.x, z.n, &fg), rn = sqrt((double)z.n);
        diag("whole model: KS distance to fitted Laplace %.5f (sqrt(n) D = %.2f), to fitted Gaussian %.5f (%.1f); "
             "Anderson-Darling A2 %.1f vs %.1f", dl, rn * dl, dg, rn * dg, al, ag);
        ok(dl < dg && al < ag, "whole model: fitted Laplace closer than fitted Gaussian (KS %.4f < %.4f, AD %.1f < %.1f)", dl, dg, al, ag);
        ok(rn * dl < KS_CRIT_001, "whole model: fitted Laplace not rejected by KS at 0.1%% (sqrt(n) D = %.2f < %.2f)", rn * dl, KS_CRIT_001);
        free(z.x);

        /* ======================================== 2b. size-variance scaling */
        double slope = sd_size_slope(&C.growth, -1, G, W, use), bs[G];
        for (int b = 0; b < G; b++) bs[b] = sd_size_slope(&C.growth, b, G, W, use);
        batch_se(bs, G, &m, &se);
        diag("whole model: slope of ln sd(g) on ln S over %d bins = %.4f (batch se %.4f)", nb, slope, se);
        {   /* what the size rule leaves out: the truncated small-firm bins */
            unsigned char any[NBIN];
            int na = bins_mask(p, &C.growth, W, 200, -INFINITY, any), first = -1;
            for (int k = 0; k < NBIN && first < 0; k++) first = any[k] ? k : -1;
            double n0 = 0, s0 = 0, g1 = 0, g2 = 0;
            for (size_t i = 0; i < C.growth.n; i++) {
                const Obs *o = &C.growth.o[i];
                if (bin_of(o->s, W) != first) continue;
                n0++;
                s0 += o->s;
                g1 += o->g;
                g2 += o->g * o->g;
            }
            int kept0 = -1;
            for (int k = 0; k < NBIN && kept0 < 0; k++) kept0 = use[k] ? k : -1;
            diag("size rule: bins from ln S = %.1f (CNY %.0f 1e4) kept; with every bin of 200 observations (%d, from ln S = %.1f) "
                 "the slope would be %.4f; that first bin (mean ln S %.2f) grew by %.3f on average with sd %.3f, the model's sigma there is %.3f",
                 kept0 * W, exp(kept0 * W), na, first * W, sd_size_slope(&C.growth, -1, G, W, any), s0 / n0, g1 / n0,
                 sqrt(g2 / n0 - (g1 / n0) * (g1 / n0)), firm_growth_sd(p, s0 / n0));
        }
        is_double(-slope, beta, 4 * se, "whole model: sd of growth scales as S^-%.3f, firm.growth_size_beta %.2f within 4 se = %.3f",
                  -slope, beta, 4 * se);
        ok(-slope >= 0.15 && -slope <= 0.25, "whole model: beta %.3f within Amaral et al.'s 0.20 +- 0.05 (0.15-0.25)", -slope);
    }

    /* ============================================ 3. heavy upper tail */
    {
        double alpha = p->population.tail_alpha;
        qsort(C.init_rel.x, C.init_rel.n, sizeof *C.init_rel.x, cmp_desc);
        size_t k = C.init_rel.n / 50;
        double h = hill(C.init_rel.x, k), se = h / sqrt((double)k);
        diag("initial sizes / park median, %zu firms: Hill estimate on the top %zu (2%%) = %.4f (se %.4f); top 1%%: %.4f, top 5%%: %.4f",
             C.init_rel.n, k, h, se, hill(C.init_rel.x, C.init_rel.n / 100), hill(C.init_rel.x, C.init_rel.n / 20));
        is_double(h, alpha, 4 * se, "initial firm sizes: CCDF exponent %.3f = population.tail_alpha %.2f within 4 se = %.3f", h, alpha, 4 * se);
        ok(h >= 0.8 && h <= 1.5, "initial firm sizes: CCDF exponent %.3f in the published 0.8-1.5 band", h);

        /* The province as a statistician would see it: raw revenues of every
         * firm, anchors included, pooled over replicates. */
        DVec pool0 = {0}, pool1 = {0};
        int good = 1;
        for (int r = 0; r < nrep; r++) {
            for (size_t i = 0; i < C.init_raw[r].n; i++) good &= dvec_push(&pool0, C.init_raw[r].x[i]);
            for (size_t i = 0; i < C.end_raw[r].n; i++) good &= dvec_push(&pool1, C.end_raw[r].x[i]);
        }
        if (!good) { printf("Bail out! out of memory\n"); return 1; }
        qsort(pool0.x, pool0.n, sizeof *pool0.x, cmp_desc);
        qsort(pool1.x, pool1.n, sizeof *pool1.x, cmp_desc);
        double h0 = hill(pool0.x, pool0.n / 50), h1 = hill(pool1.x, pool1.n / 50);
        diag("province revenues, top 2%%: Hill %.4f in %d (%zu firm-replicates), %.4f in %d (%zu)", h0,
             p->run.start_year - 1, pool0.n, h1, p->run.start_year + p->run.years - 1, pool1.n);
        ok(h0 >= 0.8 && h0 <= 1.5, "province firm sizes %d: CCDF exponent %.3f in the published 0.8-1.5 band", p->run.start_year - 1, h0);
        ok(h1 >= 0.8 && h1 <= 1.5, "province firm sizes %d (after growth, exit, entry, mergers): CCDF exponent %.3f in 0.8-1.5",
           p->run.start_year + p->run.years - 1, h1);
        free(pool0.x);
        free(pool1.x);
    }

    /* ============================================ 4. exit, merger, clearing and entry rates */
    {
        double fy = C.firm_months / 12.0, d_share = C.d_months / C.firm_months;
        double r_x = p->firm.exit_rate, m_d = p->firm.exit_dclass_multiplier;
        diag("exits: %.0f in %.0f firm-years = %.4f a-1; expected %.1f = %.4f a-1: hazard %.4f "
             "(exit_rate %.3f x (1 + %.4f D share x (%.0f - 1)) = %.4f) + min-revenue rule %.4f",
             C.exits, fy, C.exits / fy, C.exits_exp, C.exits_exp / fy, C.exits_haz_exp / fy, r_x, d_share, m_d,
             r_x * (1 + d_share * (m_d - 1)), C.exits_min_exp / fy);
        is_double(C.exits, C.exits_exp, 4 * sqrt(C.exits_exp), "exits %.0f = %.1f expected from exit_rate, the D multiplier and exit_min_revenue within 4 Poisson se",
                  C.exits, C.exits_exp);

        double cdy = C.cd_months / 12.0;
        diag("mergers: %.0f deals in %.0f C/D firm-years = %.4f a-1 (mergers.rate %.3f); expected %.1f after exits and "
             "%.1f targets without a buyer; all firms: %.4f a-1 (C/D share %.3f x rate = %.4f)",
             C.deals, cdy, C.deals / cdy, p->mergers.rate, C.deals_exp, C.marks_exp - C.deals_exp, C.deals / fy,
             C.cd_months / C.firm_months, C.cd_months / C.firm_months * p->mergers.rate);
        is_double(C.deals, C.deals_exp, 4 * sqrt(C.deals_exp),
                  "merger deals %.0f = %.1f expected (mergers.rate per C/D firm-year) within 4 Poisson se", C.deals, C.deals_exp);

        double isy = C.idle_site_months / 12.0, rsy = C.ready_site_months / 12.0, idle_mu_y = C.idle_mu_months / 12.0;
        diag("clearing: %.0f in %.0f idle site-years = %.4f a-1 (land.clear_rate %.2f)", C.clear, isy, C.clear / isy, p->land.clear_rate);
        is_double(C.clear, C.clear_exp, 4 * sqrt(C.clear_exp), "site clearings %.0f = %.1f expected from land.clear_rate within 4 Poisson se",
                  C.clear, C.clear_exp);
        diag("entry: %.0f entrants in %.0f cleared site-years = %.4f a-1 (entry.rate %.2f); %.2f entrants per 1000 mu of idle land a year",
             C.lets, rsy, C.lets / rsy, p->entry.rate, 1000 * C.lets / idle_mu_y);
        is_double(C.lets, C.lets_exp, 4 * sqrt(C.lets_exp), "entrants %.0f = %.1f expected from entry.rate within 4 Poisson se", C.lets, C.lets_exp);
    }

    /* An initial firm below exit_min_revenue leaves in the first month unless
     * that month's growth lifts it: an artefact of the initial size split
     * (MODEL.md §5.3 has no floor), which inflates January 2026's exits. */
    {
        long below = 0, n = 0;
        for (int r = 0; r < nrep; r++)
            for (size_t i = 0; i < C.init_raw[r].n; i++) {
                n++;
                below += C.init_raw[r].x[i] < p->firm.exit_min_revenue;
            }
        int T = params_months(p);
        diag("initial firms below firm.exit_min_revenue (%g): %ld of %ld (%.2f%%, %.1f per replicate); exits per replicate "
             "in the first month %.1f, in each later month %.1f", p->firm.exit_min_revenue, below, n, 100.0 * below / n,
             (double)below / nrep, C.exits_month0 / nrep, (C.exits - C.exits_month0) / nrep / (T - 1));
        ok(below == 0, "initial population: no firm starts below firm.exit_min_revenue (%ld do; population.min_revenue floors them)",
           below);
    }

    /* ============================================ 5. accounting invariants */
    {
        is_int(C.init_fail + C.step_fail, 0, "baseline: replicate_init and replicate_step return SIM_OK in all %d replicates", nrep);
        ok(C.month_bad_reps == 0, "baseline: land occupied + idle = park land, recorded idle land and firms = park states, revenue > 0, "
                                  "every month of every replicate (%d replicates off) %s", C.month_bad_reps, C.month_bad_reps ? C.why : "");
        ok(C.flow_bad_reps == 0, "baseline: firms = start + entries - exits - absorbed in every park-month and at the end (%d replicates off) %s",
           C.flow_bad_reps, C.flow_bad_reps ? C.why : "");

        int nl = (int)lround(50 * scale);
        if (nl < 8) nl = 8;
        Collect L;
        memset(&L, 0, sizeof L);
        if (!run_scenario(&all, nl, 0, &L)) { printf("Bail out! all-levers run failed: %s\n", L.why); return 1; }
        is_int(L.init_fail + L.step_fail, 0, "all levers: replicate_init and replicate_step return SIM_OK in all %d replicates", nl);
        ok(L.month_bad_reps == 0, "all levers: land, idle, firm and revenue records agree with the park states every month (%d replicates off) %s",
           L.month_bad_reps, L.month_bad_reps ? L.why : "");
        ok(L.flow_bad_reps == 0, "all levers: firms = start + entries - exits - absorbed (%d replicates off) %s", L.flow_bad_reps,
           L.flow_bad_reps ? L.why : "");
        diag("all levers: %.0f exits, %.0f deals, %.0f entrants in %d replicates", L.exits, L.deals, L.lets, nl);
        collect_free(&L, nl);

        /* The checks themselves must be able to fail: break one thing at a time. */
        ReplicateOut o;
        Replicate R;
        char why[256] = "";
        int P = jx.n_parks, T = params_months(p), caught = 1;
        if (replicate_out_alloc(&o, p, P, 1) != SIM_OK) return 1;
        SimStatus st = replicate_init(&R, p, jx.parks, P, 0, &o);
        for (int m = 0; st == SIM_OK && m < T; m++) st = replicate_step(&R, &o);
        caught &= st == SIM_OK && check_month(&R, &o, T - 1, why, sizeof why) == 0 && check_flows(jx.parks, P, T, &o, why, sizeof why) == 0;
        R.park[3].site[0].mu += 1e-3;
        caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
        R.park[3].site[0].mu -= 1e-3;
        o.m_idle_mu[(T - 1) * P + 5] *= 1 + 1e-6;
        caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
        o.m_idle_mu[(T - 1) * P + 5] /= 1 + 1e-6;
        caught &= check_month(&R, &o, T - 1, why, sizeof why) == 0;
        double keep = R.park[2].firm[1].log_rev;
        R.park[2].firm[1].log_rev = NAN;
        caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
        R.park[2].firm[1].log_rev = keep;
        ok(caught, "the land and record checks catch 0.001 mu of missing land, a 1e-6 error in recorded idle land and a NaN revenue");
        caught = 1;
        o.m_entries[17 * P + 4]++; /* an entry recorded that never happened */
        caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) >= 1;
        o.m_entries[17 * P + 4]--;
        caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) == 0;
        for (int t = 20; t < T; t++) o.m_firms[t * P + 6]--; /* a firm that vanished without an exit */
        caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) >= 1;
        ok(caught, "the stock-flow check catches a recorded entry that did not happen and a firm lost without a record");
        replicate_free(&R);
        replicate_out_free(&o);
    }

    collect_free(&C, nrep);
    config_free(&jx);
    config_free(&all);
    return done();
}
