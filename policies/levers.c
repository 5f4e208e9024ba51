/** \file levers.c
 * Lever schedule, budgets and the provincial targeting rules. Each lever has a
 * yearly provincial budget; if the budgets add up to more than
 * province.budget, all are scaled down in proportion, so levers compete for
 * the same money. Each budget is then split across parks by the lever's
 * targeting rule: by need (what the lever can act on), equally among parks
 * with any need, or "support the strongest candidates" (the plan's wording):
 * the province.candidates parks with the best composite score at the last
 * assessment get candidate_share of it, by need among them, the others the
 * rest. Parks interact through this rule, which uses every park's score.
 */
#include "levers.h"

#include <math.h>

const char *const lever_names[LEVER_COUNT] = {"mergers", "revitalisation", "upgrades", "chain", "cultivation",
                                              "safety", "smart", "land", "focus"};
const char *const alloc_names[ALLOC_COUNT] = {"need", "equal", "strongest"};

double lever_intensity(const LeverParams *c, int month)
{
    return (c->intensity > 0 && month >= c->start && month <= c->end) ? c->intensity : 0.0;
}

int lever_pay(ParkState *ps, LeverId id, double cost)
{
    if (ps->budget[id] < cost) return 0;
    ps->budget[id] -= cost;
    ps->spent[id] += cost;
    return 1;
}

const LeverParams *lever_params(const Params *p, LeverId id)
{
    switch (id) {
    case LEVER_MERGERS: return &p->levers.mergers.c;
    case LEVER_REVITALISATION: return &p->levers.revitalisation.c;
    case LEVER_UPGRADES: return &p->levers.upgrades.c;
    case LEVER_CHAIN: return &p->levers.chain.c;
    case LEVER_CULTIVATION: return &p->levers.cultivation.c;
    case LEVER_SAFETY: return &p->levers.safety.c;
    case LEVER_SMART: return &p->levers.smart.c;
    case LEVER_LAND: return &p->levers.land.c;
    default: return &p->levers.focus.c;
    }
}

int lever_rule(const Params *p, LeverId id)
{
    int t = lever_params(p, id)->targeting;
    return t == 0 ? p->province.allocation : t - 1;
}

double lever_need(const Params *p, const ParkInfo *info, const ParkState *ps, LeverId id)
{
    switch (id) {
    case LEVER_REVITALISATION: { /* the budget pays for clearing: uncleared land only */
        double mu = 0;
        for (int i = 0; i < ps->n_site; i++) mu += ps->site[i].ready ? 0 : ps->site[i].mu;
        return mu;
    }
    case LEVER_CHAIN: return chain_has_site(p, ps) ? chain_missing_links(p, info, ps) : 0;
    case LEVER_SAFETY: return 1.0 - ps->infra;
    case LEVER_SMART: return ps->smart_level < 2 ? fmax(0.0, p->smart.cost[ps->smart_level] - ps->smart_invest) : 0;
    case LEVER_FOCUS: return ps->industries > p->assessment.focus_max_industries
                                 ? ps->industries - p->assessment.focus_max_industries : 0;
    default: break;
    }
    double n = 0;
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        if (f->status != FIRM_ACTIVE) continue;
        switch (id) {
        case LEVER_MERGERS: n += f->lclass >= CLASS_C; break;
        case LEVER_UPGRADES: n += f->tech < 1.0; break; /* the eligibility test of upgrades_firm() */
        case LEVER_CULTIVATION: n += cultivation_eligible(p, f); break;
        case LEVER_LAND: n += f->lclass == CLASS_D ? f->land_mu : 0; break;
        default: break;
        }
    }
    return n;
}

/* Total need over the parks with in[k] != 0. */
static double need_total(const double *need, const double *in, int P)
{
    double t = 0;
    for (int k = 0; k < P; k++) if (in[k] != 0) t += need[k];
    return t;
}

/* Cost of one action a lever pays for whole (a deal, an upgrade, a project,
 * an award, a dropped industry); 0 for levers that can spend any amount
 * (clearing per mu, infrastructure and platform investment, compensation). */
static double unit_cost(const Params *p, LeverId id)
{
    switch (id) {
    case LEVER_MERGERS: return p->levers.mergers.subsidy_per_deal;
    case LEVER_UPGRADES: return p->levers.upgrades.subsidy_per_upgrade;
    case LEVER_CHAIN: return p->levers.chain.cost_per_project;
    case LEVER_CULTIVATION: return p->levers.cultivation.award_per_promotion;
    case LEVER_FOCUS: return p->levers.focus.cost_per_industry;
    default: return 0;
    }
}

/* Turn shares (summing to 1) into park budgets. For a lever paying whole
 * actions, the budget is dealt in whole units by the largest-remainder
 * method (ties to the lower park index): a proportional split would leave
 * many parks a share below one action's cost, which they could never spend. */
static void apportion(double budget, double unit, const double *share, double *frac, ParkState *parks, int P, int id)
{
    if (!(unit > 0)) {
        for (int k = 0; k < P; k++) parks[k].budget[id] = budget * share[k];
        return;
    }
    double units = floor(budget / unit);
    double given = 0;
    for (int k = 0; k < P; k++) {
        double q = units * share[k], whole = floor(q);
        parks[k].budget[id] = whole * unit;
        frac[k] = share[k] > 0 ? q - whole : -1;
        given += whole;
    }
    for (double left = units - given; left > 0.5; left -= 1) {
        int best = -1;
        for (int k = 0; k < P; k++)
            if (frac[k] >= 0 && (best < 0 || frac[k] > frac[best])) best = k;
        if (best < 0) break;
        parks[best].budget[id] += unit;
        frac[best] = -1;
    }
}

void levers_allocate_year(const Params *p, const ParkInfo *info, ParkState *parks, int P, int month, double *work)
{
    double *need = work, *cand = work + P, *other = work + 2 * P, *frac = work + 3 * P;
    double total_budget = 0, scale = 1.0;
    int active[LEVER_COUNT];
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        /* Active in some month of this year? */
        active[id] = c->intensity > 0 && c->start <= month + 11 && c->end >= month;
        if (active[id]) total_budget += c->budget;
    }
    if (p->province.budget > 0 && total_budget > p->province.budget) scale = p->province.budget / total_budget;

    /* Candidates of the "strongest" rule: rank by the composite score at the
     * last assessment, ties to the lower park index (a total order, so the
     * split never depends on sorting details). Once a year, so O(P^2) is fine. */
    for (int k = 0; k < P; k++) {
        int rank = 0;
        for (int j = 0; j < P; j++)
            rank += parks[j].score_prev > parks[k].score_prev || (parks[j].score_prev == parks[k].score_prev && j < k);
        cand[k] = rank < p->province.candidates;
        other[k] = !cand[k];
    }

    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        double budget = active[id] ? c->budget * scale : 0;
        for (int k = 0; k < P; k++) {
            need[k] = active[id] ? lever_need(p, &info[k], &parks[k], (LeverId)id) : 0;
            parks[k].budget[id] = 0;
            parks[k].spent[id] = 0;
        }
        if (!(budget > 0)) continue;
        /* need[] becomes each park's share of the budget. */
        int rule = lever_rule(p, (LeverId)id);
        if (rule == ALLOC_EQUAL) {
            int n = 0;
            for (int k = 0; k < P; k++) n += need[k] > 0;
            for (int k = 0; k < P; k++) need[k] = need[k] > 0 ? 1.0 / n : 0;
        } else if (rule == ALLOC_STRONGEST) {
            double tc = need_total(need, cand, P), to = need_total(need, other, P);
            /* A group with no need leaves its part to the other. */
            double sc = tc > 0 && to > 0 ? p->province.candidate_share : tc > 0 ? 1 : 0;
            for (int k = 0; k < P; k++)
                need[k] = cand[k] != 0 ? (tc > 0 ? sc * need[k] / tc : 0) : (to > 0 ? (1 - sc) * need[k] / to : 0);
        } else {
            double t = 0;
            for (int k = 0; k < P; k++) t += need[k];
            for (int k = 0; k < P; k++) need[k] = t > 0 ? need[k] / t : 0;
        }
        apportion(budget, unit_cost(p, (LeverId)id), need, frac, parks, P, id);
    }
}
