/** \file budget.c
 * The yearly split of the levers' provincial budgets across parks. Each lever
 * has a yearly provincial budget; if the budgets add up to more than
 * province.budget, all are scaled down in proportion, so levers compete for
 * the same money. Each budget is then split across parks by the lever's
 * targeting rule: by need (what the lever can act on), equally among parks
 * with any need, or "support the strongest candidates" (the plan's wording):
 * the province.candidates parks with the best composite score at the last
 * assessment get candidate_share of it, by need among them, the others the
 * rest. Parks interact through this rule, which uses every park's score.
 * Money a park did not spend in a year goes by province.unspent: back to the
 * province, which adds it to the lever's next budget (pool, the default),
 * kept by the park on top of its next allotment (carry), or lost (lapse).
 * A lever that is not active in the new year loses its unspent money.
 */
#include "levers.h"

#include <math.h>

const char *const unspent_names[UNSPENT_COUNT] = {"pool", "carry", "lapse"};

/* Total need over the parks with in[k] != 0. */
static double need_total(const double *need, const double *in, int P)
{
    double t = 0;
    for (int k = 0; k < P; k++) if (in[k] != 0) t += need[k];
    return t;
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

/* Split lever id's budget for the year across the parks by its targeting
 * rule (cand/other: the candidate parks of `strongest` and the rest); need[]
 * (what the lever can act on in each park) is overwritten with the shares. */
static void allot(const Params *p, int id, double budget, double *need, const double *cand, const double *other,
                  double *frac, ParkState *parks, int P)
{
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
    apportion(budget, lever_unit_cost(p, (LeverId)id), need, frac, parks, P, id);
}

void levers_allocate_year(const Params *p, const ParkInfo *info, ParkState *parks, int P, int month, double *work)
{
    double *need = work, *cand = work + P, *other = work + 2 * P, *frac = work + 3 * P, *left = work + 4 * P;
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

    int rule = p->province.unspent;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        /* Last year's unspent money is already authorised: it is not capped again. */
        double budget = active[id] ? c->budget * scale : 0, pooled = 0;
        for (int k = 0; k < P; k++) {
            need[k] = active[id] ? lever_need(p, &info[k], &parks[k], (LeverId)id) : 0;
            left[k] = active[id] && rule != UNSPENT_LAPSE ? parks[k].budget[id] : 0;
            pooled += left[k];
            parks[k].budget[id] = 0;
            parks[k].spent[id] = 0;
        }
        if (rule == UNSPENT_POOL) budget += pooled;
        if (budget > 0) allot(p, id, budget, need, cand, other, frac, parks, P);
        for (int k = 0; k < P; k++) {
            if (rule == UNSPENT_CARRY) parks[k].budget[id] += left[k];
            parks[k].allotted[id] = parks[k].budget[id];
        }
    }
}
