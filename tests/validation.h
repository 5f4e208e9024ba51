/** \file validation.h
 * What the validation tests (test_validation.c, test_validation_rates.c)
 * share: growable samples, the accounting checks recomputed independently
 * of the model's own, and run_scenario, which runs replicates of a scenario
 * through the public model API (config_load, replicate_init, replicate_step,
 * the Firm/Site/ParkState structs and the firm_* functions) and collects
 * growth observations, firm sizes, and observed and expected event counts.
 * Firms are followed across months and years by gid.
 *
 * Every function is static inline, so a file that does not use one does
 * not warn about it.
 */
#ifndef PARKSIM_TEST_VALIDATION_H
#define PARKSIM_TEST_VALIDATION_H

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

/* The year's growth variance V of a firm, from the monthly standard
 * deviation sqrt(V / 12) the firm keeps (to the last bit or two; the
 * expectations here are compared with tolerances far wider). */
static inline double firm_var_year(const Firm *f) { return 12.0 * f->sd_month * f->sd_month; }

/* ------------------------------------------------------------------ samples */

/** One annual growth observation: log size at the start of the year, log
 *  growth over the year, the replicate (for batch standard errors) and
 *  whether the firm upgraded during the year. */
typedef struct { double s, g; int rep; int upgraded; } Obs;
typedef struct { Obs *o; size_t n, cap; } ObsVec;

static inline int obs_push(ObsVec *v, Obs x)
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

static inline int dvec_push(DVec *v, double x)
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

static inline int cmp_asc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline int cmp_desc(const void *a, const void *b) { return cmp_asc(b, a); }
/* ------------------------------------------------------------------ helpers */

/* Stop the test program with a TAP bail-out. */
static inline void bail(const char *why)
{
    printf("Bail out! %s\n", why);
    exit(1);
}

static inline int load(Scenario *sc, const char *path)
{
    if (config_load(sc, path, NULL, 0) == SIM_OK) return 1;
    printf("Bail out! cannot load %s (run from the repository root)\n", path);
    return 0;
}

static inline double test_scale(void)
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
static inline int check_month(const Replicate *R, const ReplicateOut *o, int m, char *why, size_t wlen)
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
static inline int check_flows(const ParkInfo *info, int P, int T, const ReplicateOut *o, char *why, size_t wlen)
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

/* What run_scenario keeps between the steps of one replicate. */
typedef struct {
    YearStart **ys;             /* [P] park k's active firms at the year start, by gid */
    int *nys;                   /* [P] how many */
    Pre *pre;                   /* every firm at the month start */
    int cap_pre;
    int *off;                   /* [P+1] park k's firms are pre[off[k] .. off[k+1]) */
    uint32_t *site_id0;         /* [P] next site id at the month start */
    double *let_k;              /* [P] cleared sites at risk of letting, per park */
    double clear_risk, let_risk; /* sites at risk of clearing and letting this month */
} Scratch;

/* Initial sizes: relative to the park's median non-anchor firm, and raw
 * (replicate index r). 0 if out of memory. */
static inline int record_initial_sizes(const Scenario *sc, const Replicate *R, int r, Collect *C)
{
    for (int k = 0; k < sc->n_parks; k++) {
        const ParkState *ps = &R->park[k];
        int first = sc->parks[k].anchor_revenue > 0, n = ps->n_firm - first;
        double *v = malloc((size_t)n * sizeof *v);
        if (!v) return 0;
        for (int i = 0; i < n; i++) v[i] = exp(ps->firm[first + i].log_rev);
        qsort(v, (size_t)n, sizeof *v, cmp_asc);
        double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
        int good = 1;
        for (int i = 0; i < n; i++) good &= dvec_push(&C->init_rel, v[i] / med);
        for (int i = 0; i < ps->n_firm; i++) good &= dvec_push(&C->init_raw[r], exp(ps->firm[i].log_rev));
        free(v);
        if (!good) return 0;
    }
    return 1;
}

/* Year start: remember every active firm. 0 if out of memory. */
static inline int record_year_start(const Replicate *R, Scratch *S)
{
    for (int k = 0; k < R->n_parks; k++) {
        const ParkState *ps = &R->park[k];
        YearStart *y = realloc(S->ys[k], (size_t)(ps->n_firm + 1) * sizeof *y);
        if (!y) return 0;
        S->ys[k] = y;
        S->nys[k] = 0;
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            YearStart e = {f->gid, f->log_rev, f->land_mu, f->tech};
            y[S->nys[k]++] = e;
        }
    }
    return 1;
}

/* Month start: firm and site states, park by park (all before the step,
 * which changes every park). 0 if out of memory. */
static inline int record_month_start(const Replicate *R, int m, Scratch *S, Collect *C)
{
    int P = R->n_parks;
    S->clear_risk = 0;
    S->let_risk = 0;
    int npre_tot = 0;
    for (int k = 0; k < P; k++) npre_tot += R->park[k].n_firm;
    if (npre_tot > S->cap_pre) {
        Pre *q = realloc(S->pre, (size_t)npre_tot * sizeof *q);
        if (!q) return 0;
        S->pre = q;
        S->cap_pre = npre_tot;
    }
    for (int k = 0; k < P; k++) {
        const ParkState *ps = &R->park[k];
        double max_ab = -INFINITY;
        for (int i = 0; i < ps->n_firm; i++)
            if (ps->firm[i].status == FIRM_ACTIVE && ps->firm[i].lclass <= CLASS_B && ps->firm[i].log_rev > max_ab)
                max_ab = ps->firm[i].log_rev;
        S->off[k + 1] = S->off[k] + ps->n_firm;
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            Pre e = {f->gid, f->log_rev, f->tech, firm_var_year(f), f->lclass, f->log_rev < max_ab};
            if (f->status != FIRM_ACTIVE) e.gid = UINT64_MAX; /* not at risk */
            S->pre[S->off[k] + i] = e;
        }
        S->let_k[k] = 0;
        for (int j = 0; j < ps->n_site; j++) {
            const Site *s = &ps->site[j];
            if (!s->ready) { S->clear_risk += 1; C->idle_site_months++; }
            else if (s->since < m) S->let_k[k] += 1;
            C->idle_mu_months += s->mu;
        }
        S->site_id0[k] = ps->next_site_id;
    }
    return 1;
}

/* Expected exits and merger deals of the firms of park k in month m (state
 * at the month start in S->pre), summed into C. 0 if the firm order changed. */
static inline int expect_firms(const Params *p, const ParkState *ps, int k, int m, Scratch *S, Collect *C)
{
    const double log_min = log(p->firm.exit_min_revenue), pu = p->firm.upgrade_rate / 12.0;
    const double rm = p->mergers.rate / 12.0;
    for (int i = S->off[k]; i < S->off[k + 1]; i++) {
        Pre *e = &S->pre[i];
        if (e->gid == UINT64_MAX) continue;
        if (m % 12 == 0) { /* the year's variance is drawn inside the January step */
            const Firm *f = &ps->firm[i - S->off[k]];
            if (f->gid != e->gid) { snprintf(C->why, sizeof C->why, "firm order changed in January"); return 0; }
            e->var = firm_var_year(f);
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
    return 1;
}

/* Expected exits, merger deals, clearings and lets of month m, and the
 * counts the month's record shows. 0 if the firm order changed. */
static inline int expect_month(const Params *p, const Replicate *R, const ReplicateOut *o, int m, Scratch *S, Collect *C)
{
    int P = R->n_parks;
    const double rc = p->land.clear_rate / 12.0, re = p->entry.rate / 12.0;
    for (int k = 0; k < P; k++) {
        const ParkState *ps = &R->park[k];
        if (!expect_firms(p, ps, k, m, S, C)) return 0;
        /* No letting while a serious incident freezes new projects
         * (safety.freeze_months, MODEL.md): a freeze that covers this
         * month, set before or during it, shows as frozen_until > m. */
        if (ps->frozen_until <= m) {
            S->let_risk += S->let_k[k];
            C->ready_site_months += S->let_k[k];
        }
        /* sites released this month are idle during the site pass */
        S->clear_risk += ps->next_site_id - S->site_id0[k];
        C->idle_site_months += ps->next_site_id - S->site_id0[k];
        for (int j = 0; j < ps->n_site; j++) C->clear += ps->site[j].ready && ps->site[j].since == m;
        int t = m * P + k;
        C->exits += o->m_exits[t];
        if (m == 0) C->exits_month0 += o->m_exits[t];
        C->deals += o->m_mergers[t];
        C->lets += o->m_entries[t];
    }
    C->clear_exp += S->clear_risk * rc;
    C->lets_exp += S->let_risk * re;
    return 1;
}

/* Year end (month m): survivors' growth over the year, matched by gid, for
 * replicate index r. 0 on failure (C->why says why, or out of memory). */
static inline int record_year_growth(const Replicate *R, int m, int r, const Scratch *S, Collect *C)
{
    int y0 = m - 11;
    for (int k = 0; k < R->n_parks; k++) {
        const ParkState *ps = &R->park[k];
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            if (f->born >= y0) { C->entrant_years++; continue; }
            /* linear search would be quadratic; the start list is sorted by gid too */
            int lo = 0, hi = S->nys[k] - 1, at = -1;
            while (lo <= hi) {
                int mid = (lo + hi) / 2;
                if (S->ys[k][mid].gid == f->gid) { at = mid; break; }
                if (S->ys[k][mid].gid < f->gid) lo = mid + 1;
                else hi = mid - 1;
            }
            if (at < 0) {
                snprintf(C->why, sizeof C->why, "survivor %llu not found at the year start", (unsigned long long)f->gid);
                return 0;
            }
            const YearStart *s0 = &S->ys[k][at];
            /* only an acquisition changes an active firm's land */
            if (f->land_mu != s0->land) { C->acquirer_years++; continue; }
            Obs ob = {s0->log_rev, f->log_rev - s0->log_rev, r, f->tech != s0->tech};
            if (!obs_push(&C->growth, ob)) return 0;
        }
    }
    return 1;
}

/* Every month of one replicate (index r, number rep) from its initial
 * state in R: the step, the month's checks and expectations, the year's
 * growth; then the final sizes and the stock-flow check. 0 on failure. */
static inline int run_months(const Scenario *sc, Replicate *R, ReplicateOut *o, int r, uint32_t rep, Scratch *S, Collect *C)
{
    const Params *p = &sc->p;
    int P = sc->n_parks, T = params_months(p);
    int month_bad = 0;
    SimStatus st = SIM_OK;
    for (int m = 0; m < T && st == SIM_OK; m++) {
        if (m % 12 == 0 && !record_year_start(R, S)) return 0;
        if (!record_month_start(R, m, S, C)) return 0;

        st = replicate_step(R, o);
        if (st != SIM_OK) {
            if (!C->step_fail++) snprintf(C->why, sizeof C->why, "%s", R->err.msg);
            break;
        }

        char why[256];
        if (check_month(R, o, m, why, sizeof why)) {
            if (!month_bad++ && !C->month_bad_reps) snprintf(C->why, sizeof C->why, "replicate %u: %s", rep, why);
        }
        if (!expect_month(p, R, o, m, S, C)) return 0;
        if (m % 12 == 11 && !record_year_growth(R, m, r, S, C)) return 0;
    }
    if (st == SIM_OK) {
        int good = 1;
        for (int k = 0; k < P; k++)
            for (int i = 0; i < R->park[k].n_firm; i++)
                if (R->park[k].firm[i].status == FIRM_ACTIVE) good &= dvec_push(&C->end_raw[r], exp(R->park[k].firm[i].log_rev));
        if (!good) return 0;
        char why[256];
        if (check_flows(sc->parks, P, T, o, why, sizeof why)) {
            if (!C->flow_bad_reps++) snprintf(C->why, sizeof C->why, "replicate %u: %s", rep, why);
        }
    }
    C->month_bad_reps += month_bad > 0;
    return 1;
}

/** Replicates rep0 .. rep0 + nrep - 1 of a scenario, everything collected
 *  into C. 0 on failure, with C->why saying what failed. */
static inline int run_scenario(const Scenario *sc, int nrep, int rep0, Collect *C)
{
    const Params *p = &sc->p;
    int P = sc->n_parks;
    ReplicateOut all;
    if (replicate_out_alloc(&all, p, P, nrep) != SIM_OK) return 0;
    Replicate R;
    memset(&R, 0, sizeof R); /* replicate_free of a zeroed or freed Replicate is a no-op */
    Scratch S;
    memset(&S, 0, sizeof S);
    int ok_all = 0;
    S.ys = calloc((size_t)P, sizeof *S.ys);
    S.nys = calloc((size_t)P, sizeof *S.nys);
    S.off = calloc((size_t)P + 1, sizeof *S.off);
    S.site_id0 = calloc((size_t)P, sizeof *S.site_id0);
    S.let_k = calloc((size_t)P, sizeof *S.let_k);
    C->init_raw = calloc((size_t)nrep, sizeof *C->init_raw);
    C->end_raw = calloc((size_t)nrep, sizeof *C->end_raw);
    if (!S.ys || !S.nys || !S.off || !S.site_id0 || !S.let_k || !C->init_raw || !C->end_raw) goto out;

    for (int r = 0; r < nrep; r++) {
        uint32_t rep = (uint32_t)(rep0 + r);
        ReplicateOut o = replicate_out_view(&all, p, P, r);
        if (replicate_init(&R, p, sc->parks, P, rep, &o) != SIM_OK) { C->init_fail++; replicate_free(&R); continue; }
        if (!record_initial_sizes(sc, &R, r, C)) goto out;
        if (!run_months(sc, &R, &o, r, rep, &S, C)) goto out;
        replicate_free(&R);
    }
    ok_all = 1;
out:
    replicate_free(&R);
    if (!ok_all && !C->why[0]) snprintf(C->why, sizeof C->why, "out of memory");
    if (S.ys)
        for (int k = 0; k < P; k++) free(S.ys[k]);
    free(S.ys);
    free(S.nys);
    free(S.pre);
    free(S.off);
    free(S.site_id0);
    free(S.let_k);
    replicate_out_free(&all);
    return ok_all;
}

static inline void collect_free(Collect *C, int nrep)
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

#endif
