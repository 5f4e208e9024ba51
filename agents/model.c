/** \file model.c
 * Schedule of one replicate (docs/MODEL.md, "Process overview and scheduling").
 *
 * Each month, park by park in park order:
 *   0. park-level levers: focus, safety and smart-park investment;
 *   1. every active firm, in array order: growth, upgrade decision, safety
 *      compliance and incident, exit (leaving an idle site), cultivation
 *      promotion, marking as a merger target;
 *   2. the park's merger deals, in firm order;
 *   3. the park's sites: clearing of idle sites, entrants on cleared sites
 *      (none while a serious incident freezes new projects);
 *   4. a chain-extension project, if one comes;
 *   5. the month's park record.
 * At each year end: the smart-level step, the assessment, conservation
 * checks, removal of exited and absorbed firms, and the 亩均 land-use
 * classification of the rest.
 * At each year start: lever budgets and every firm's growth variance.
 * Parks do not interact within a month except through the assessment
 * (percentile bands) and the budget split, which both happen between months,
 * so the park order does not change results.
 */
#include "model.h"
#include "assess.h"
#include "firm.h"
#include "population.h"
#include "../policies/levers.h"
#include "../policies/mergers.h"
#include "../policies/revitalise.h"
#include "../policies/upgrades.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double park_idle_mu(const ParkState *ps)
{
    double mu = 0;
    for (int i = 0; i < ps->n_site; i++) mu += ps->site[i].mu;
    return mu;
}

void park_filled_links(const ParkState *ps, uint64_t filled[PARK_MAX_CHAINS])
{
    for (int c = 0; c < PARK_MAX_CHAINS; c++) filled[c] = 0;
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE && ps->firm[i].chain >= 0)
            filled[ps->firm[i].chain] |= UINT64_C(1) << ps->firm[i].link;
}

/* Sort order of the 亩均 classification: revenue per mu, descending; ties by
 * gid so that the order never depends on qsort's instability. */
static int by_productivity(const void *a, const void *b)
{
    const RankItem *x = a, *y = b;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    return x->gid < y->gid ? -1 : (x->gid > y->gid);
}

/* A-D classes by within-park rank of revenue per mu (亩均效益 evaluation:
 * A top 25%, B 26-70%, C 71-95%, D bottom 5% [V, DOMAIN-FACTS §3.4]). */
static SimStatus classify_park(Replicate *R, ParkState *ps)
{
    const Params *p = R->p;
    int n = 0;
    if (R->cap_order < ps->n_firm) {
        RankItem *o = realloc(R->order, (size_t)ps->n_firm * sizeof *o);
        if (!o) return SIM_ENOMEM;
        R->order = o;
        R->cap_order = ps->n_firm;
    }
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        if (f->status != FIRM_ACTIVE) continue;
        RankItem it = {f->log_rev - log(f->land_mu), f->gid, i};
        R->order[n++] = it;
    }
    qsort(R->order, (size_t)n, sizeof *R->order, by_productivity);
    double a = p->firm.class_a_share, d = p->firm.class_d_share, c = p->firm.class_c_share;
    for (int r = 0; r < n; r++) {
        double q = (r + 0.5) / n; /* mid-rank quantile from the top */
        ps->firm[R->order[r].idx].lclass = q < a ? CLASS_A : q < 1.0 - c - d ? CLASS_B : q < 1.0 - d ? CLASS_C : CLASS_D;
    }
    return SIM_OK;
}

static void compact_park(ParkState *ps)
{
    int j = 0;
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) ps->firm[j++] = ps->firm[i];
    ps->n_firm = j;
}

/* Assessment of year index y (0 = initial state) into out. */
static void assess_year(Replicate *R, ReplicateOut *out, int y)
{
    const Params *p = R->p;
    int P = R->n_parks, G = p->assessment.n_groups;
    for (int k = 0; k < P; k++) {
        double *mk = &R->metrics[k * METRIC_COUNT];
        assess_park_metrics(p, &R->info[k], &R->park[k], y, mk);
        /* The smart level steps up at the year end, before the assessment sees it. */
        if (y > 0 && smart_park_year(p, &R->park[k], mk[METRIC_DIGITAL_COVERAGE]))
            mk[METRIC_SMART_LEVEL] = R->park[k].smart_level;
        R->serious[k] = R->park[k].serious_year;
        R->smart[k] = R->park[k].smart_level;
    }
    int top = assess_parks(&p->assessment, P, R->smart, R->metrics, R->serious, &out->score[y * P],
                           &out->tier[y * P], &out->veto[y * P], &out->group_score[y * P * G], R->work);
    int second = 0;
    for (int k = 0; k < P; k++) second += out->tier[y * P + k] == 2;
    out->top_tier_count[y] = top;
    out->second_tier_count[y] = second;
    memcpy(&out->indicator[y * P * METRIC_COUNT], R->metrics, (size_t)P * METRIC_COUNT * sizeof(double));
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        for (int l = 0; l < LEVER_COUNT; l++) out->lever_spent[(y * P + k) * LEVER_COUNT + l] = ps->spent[l];
        ps->revenue_prev = R->metrics[k * METRIC_COUNT + METRIC_REVENUE] * 1e4;
        ps->score_prev = out->score[y * P + k];
        ps->incidents_year = ps->serious_year = 0;
    }
}

/* Accounting invariants, checked at every year end of every run. */
static SimStatus check_conservation(Replicate *R, int month)
{
    long active = 0;
    for (int k = 0; k < R->n_parks; k++) {
        const ParkState *ps = &R->park[k];
        double land = park_idle_mu(ps);
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            active++;
            land += f->land_mu;
            if (!isfinite(f->log_rev) || !(f->land_mu > 0)) {
                snprintf(R->errmsg, sizeof R->errmsg,
                         "replicate %u month %d park %d: firm %llu has revenue exp(%g) and land %g",
                         R->rep, month, k, (unsigned long long)f->gid, f->log_rev, f->land_mu);
                return SIM_EMODEL;
            }
        }
        double total = R->info[k].land_mu;
        if (fabs(land - total) > 1e-6 * (total + 1)) {
            snprintf(R->errmsg, sizeof R->errmsg,
                     "replicate %u month %d park %d: occupied + idle land = %.6f mu, park land = %.6f mu",
                     R->rep, month, k, land, total);
            return SIM_EMODEL;
        }
    }
    long expect = R->firms_start + R->entries - R->exits - R->absorbed;
    if (active != expect) {
        snprintf(R->errmsg, sizeof R->errmsg,
                 "replicate %u month %d: %ld active firms, expected %ld = %ld + %ld entries - %ld exits - %ld absorbed",
                 R->rep, month, active, expect, R->firms_start, R->entries, R->exits, R->absorbed);
        return SIM_EMODEL;
    }
    return SIM_OK;
}

static void draw_year_variances(Replicate *R, int year)
{
    const Params *p = R->p;
    for (int k = 0; k < R->n_parks; k++) {
        ParkState *ps = &R->park[k];
        for (int i = 0; i < ps->n_firm; i++) {
            Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            RngBlock b = rng_block(p->run.seed, R->rep, f->gid, (uint32_t)year, RNG_FIRM_YEAR);
            f->var_year = firm_year_variance(p, f->log_rev, rng_u52(b.w[0]));
        }
    }
}

SimStatus model_alloc(Replicate *R, const Params *p, const ParkInfo *info, int P, uint32_t rep)
{
    memset(R, 0, sizeof *R);
    R->p = p;
    R->info = info;
    R->n_parks = P;
    R->rep = rep;
    R->park = calloc((size_t)P, sizeof *R->park);
    R->metrics = malloc((size_t)P * METRIC_COUNT * sizeof *R->metrics);
    R->work = malloc((size_t)4 * (size_t)P * sizeof *R->work); /* 4P: levers_allocate_year */
    R->serious = calloc((size_t)P, sizeof *R->serious);
    R->smart = calloc((size_t)P, sizeof *R->smart);
    R->r = rng_gsl_alloc();
    if (!R->park || !R->metrics || !R->work || !R->serious || !R->smart || !R->r) return SIM_ENOMEM;
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        ps->infra = safety_initial_infra(p, info[k].size_class);
        ps->smart_level = info[k].smart_level;
        ps->industries = info[k].industries;
    }
    return SIM_OK;
}

SimStatus model_init(Replicate *R, const Params *p, const ParkInfo *info, int P, uint32_t rep,
                     ReplicateOut *out)
{
    SimStatus st = model_alloc(R, p, info, P, rep);
    if (st != SIM_OK) return st;
    for (int k = 0; k < P; k++) {
        if (population_init_park(R, k) != SIM_OK) return SIM_ENOMEM;
        if (classify_park(R, &R->park[k]) != SIM_OK) return SIM_ENOMEM;
        R->firms_start += R->park[k].n_firm;
    }
    assess_year(R, out, 0);
    return check_conservation(R, -1);
}

SimStatus model_step(Replicate *R, ReplicateOut *out)
{
    const Params *p = R->p;
    int m = R->month, P = R->n_parks;
    SimStatus st;

    if (m % 12 == 0) {
        levers_allocate_year(p, R->info, R->park, P, m, R->work);
        draw_year_variances(R, m / 12);
    }
    double i_merge = lever_intensity(&p->levers.mergers.c, m);
    double i_revit = lever_intensity(&p->levers.revitalisation.c, m);
    double i_upgr = lever_intensity(&p->levers.upgrades.c, m);
    double i_chain = lever_intensity(&p->levers.chain.c, m);
    double i_cult = lever_intensity(&p->levers.cultivation.c, m);
    double i_safe = lever_intensity(&p->levers.safety.c, m);
    double i_smart = lever_intensity(&p->levers.smart.c, m);
    double i_land = lever_intensity(&p->levers.land.c, m);
    double i_focus = lever_intensity(&p->levers.focus.c, m);
    double log_min_rev = log(p->firm.exit_min_revenue); /* hoisted: log() is not pure for the compiler */

    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        ps->entries_m = ps->exits_m = ps->mergers_m = ps->upgrades_m = ps->incidents_m = 0;
        ps->projects_m = ps->promotions_m = 0;
        /* One Philox block per park-month: w0 chain project, w1 focus. */
        RngBlock pb = rng_block(p->run.seed, R->rep, (uint64_t)k, (uint32_t)m, RNG_PARK_MONTH);
        focus_park_month(p, i_focus, ps, rng_u52(pb.w[1]));
        safety_park_month(p, i_safe, ps);
        smart_park_month(p, i_smart, ps);
        double infra_factor = 1.0 - p->safety.infra_effect * ps->infra;

        int n_firm = ps->n_firm; /* entrants of this month are not stepped this month */
        for (int i = 0; i < n_firm; i++) {
            Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            /* One Philox block per firm-month; word use: w0 growth, w1 exit (hi)
             * and incident (lo), w2 upgrade (hi) and merger (lo), w3 severity (hi)
             * and promotion (lo). */
            RngBlock b = rng_block(p->run.seed, R->rep, f->gid, (uint32_t)m, RNG_FIRM_MONTH);
            double drift_adj = p->cultivation.growth_bonus * f->cult - landuse_drift_penalty(p, i_land, f);
            f->log_rev += firm_growth_step(p, f, rng_normal(b.w[0])) + drift_adj / 12.0;
            if (upgrades_firm(p, i_upgr, ps, f, rng_u32_hi(b.w[2]))) ps->upgrades_m++;
            safety_firm_month(p, i_safe, f);
            if (rng_u32_lo(b.w[1]) < firm_incident_hazard(p, f) * infra_factor) {
                ps->incidents_m++;
                ps->incidents_year++;
                /* Nested on one uniform: a freezing incident is a serious one. */
                double u_sev = rng_u32_hi(b.w[3]);
                if (u_sev < p->firm.serious_share) {
                    ps->serious_year++;
                    if (u_sev < p->firm.serious_share * p->safety.freeze_share) safety_serious_incident(p, ps, m);
                }
            }
            double u_exit = rng_u32_hi(b.w[1]), h_exit = firm_exit_hazard(p, f);
            if (f->log_rev < log_min_rev || u_exit < h_exit || landuse_forced_exit(p, i_land, ps, f, u_exit, h_exit)) {
                f->status = FIRM_EXITED;
                ps->exits_m++;
                R->exits++;
                if ((st = park_add_site(ps, f->land_mu, m)) != SIM_OK) return st;
                f->land_mu = 0;
                continue;
            }
            if (cultivation_firm(p, i_cult, ps, f, rng_u32_lo(b.w[3]))) ps->promotions_m++;
            mergers_mark(p, i_merge, ps, f, rng_u32_lo(b.w[2]));
        }
        int n;
        if ((st = mergers_park(R, k, m, i_merge, &n)) != SIM_OK) return st;
        ps->mergers_m = n;
        R->absorbed += n;
        if ((st = revitalise_park(R, k, m, i_revit, &n)) != SIM_OK) return st;
        ps->entries_m = n;
        R->entries += n;
        if ((st = chain_park_month(R, k, m, i_chain, rng_u52(pb.w[0]), &n)) != SIM_OK) return st;
        ps->projects_m = n;
        R->entries += n;

        int t = m * P + k;
        double rev = 0, tech_w = 0;
        int active = 0;
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            if (f->status != FIRM_ACTIVE) continue;
            double r = exp(f->log_rev);
            active++;
            rev += r;
            tech_w += r * f->tech;
        }
        out->m_firms[t] = active;
        out->m_revenue[t] = rev;
        out->m_tech[t] = rev > 0 ? tech_w / rev : 0;
        out->m_idle_mu[t] = park_idle_mu(ps);
        out->m_entries[t] = ps->entries_m;
        out->m_exits[t] = ps->exits_m;
        out->m_mergers[t] = ps->mergers_m;
        out->m_upgrades[t] = ps->upgrades_m;
        out->m_incidents[t] = ps->incidents_m;
        out->m_projects[t] = ps->projects_m;
        out->m_promotions[t] = ps->promotions_m;
    }

    if (m % 12 == 11) {
        assess_year(R, out, m / 12 + 1);
        if ((st = check_conservation(R, m)) != SIM_OK) return st;
        for (int k = 0; k < P; k++) {
            compact_park(&R->park[k]);
            if ((st = classify_park(R, &R->park[k])) != SIM_OK) return st;
        }
    }
    R->month++;
    return SIM_OK;
}

void model_free(Replicate *R)
{
    if (R->park)
        for (int k = 0; k < R->n_parks; k++) {
            free(R->park[k].firm);
            free(R->park[k].site);
        }
    free(R->park);
    free(R->metrics);
    free(R->work);
    free(R->serious);
    free(R->smart);
    free(R->order);
    if (R->r) gsl_rng_free(R->r);
    memset(R, 0, sizeof *R);
}

SimStatus model_run(const Params *p, const ParkInfo *info, int P, uint32_t rep, ReplicateOut *out,
                    char *errmsg, size_t errlen)
{
    Replicate R;
    SimStatus st = model_init(&R, p, info, P, rep, out);
    while (st == SIM_OK && !model_done(&R)) st = model_step(&R, out);
    if (st != SIM_OK && errmsg) {
        if (st == SIM_ENOMEM) snprintf(errmsg, errlen, "replicate %u: out of memory", rep);
        else snprintf(errmsg, errlen, "%s", R.errmsg);
    }
    model_free(&R);
    return st;
}
