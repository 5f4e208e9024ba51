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
#include <stdlib.h>

const char *const unspent_names[UNSPENT_COUNT] = {"pool", "carry", "lapse"};

/* Total need over the parks with in[k] != 0. */
static double need_total(const double *need, const double *in, int P)
{
    double t = 0;
    for (int k = 0; k < P; k++) if (in[k] != 0) t += need[k];
    return t;
}

/* A park's remainder in the largest-remainder method, as a pair of doubles
 * (the remainder, the park's index; exact) so that it lives in the caller's
 * work array of doubles. Larger remainder first, ties to the lower park
 * index: a total order. */
static int remainder_before(const double *x, const double *y)
{
    return x[0] > y[0] || (x[0] == y[0] && x[1] < y[1]);
}

static void pair_swap(double *rem, int i, int j)
{
    double a = rem[2 * i], b = rem[2 * i + 1];
    rem[2 * i] = rem[2 * j], rem[2 * i + 1] = rem[2 * j + 1];
    rem[2 * j] = a, rem[2 * j + 1] = b;
}

/* Reorder the n pairs so that the first m (0 < m <= n) are the m first in
 * remainder_before's order (among themselves in any order): a quickselect,
 * linear on average, where a whole sort did n log n comparisons through
 * qsort's indirect calls. The order is total, so the m pairs are the same
 * whatever the pivots. */
static void select_first(double *rem, int n, int m)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        pair_swap(rem, (lo + hi) / 2, hi); /* the middle pair as the pivot, at hi */
        double piv[2] = {rem[2 * hi], rem[2 * hi + 1]};
        int store = lo;
        for (int i = lo; i < hi; i++)
            if (remainder_before(&rem[2 * i], piv)) pair_swap(rem, i, store++);
        pair_swap(rem, store, hi); /* the pivot in its place: store pairs come before it */
        if (store == m - 1 || store == m) return;
        if (store < m) lo = store + 1;
        else hi = store - 1;
    }
}

/* Turn shares (summing to 1) into park budgets. For a lever paying whole
 * actions, the budget is dealt in whole units by the largest-remainder
 * method (ties to the lower park index): a proportional split would leave
 * many parks a share below one action's cost, which they could never spend.
 * The units left after the whole parts go one each to the parks with the
 * largest remainders, selected once rather than searched for per unit (with
 * 700 parks the search cost more than the rest of the year's split). rem
 * has room for P pairs. */
static void apportion(double budget, double unit, const double *share, double *rem, ParkState *parks, int P, int id)
{
    if (!(unit > 0)) {
        for (int k = 0; k < P; k++) parks[k].budget[id] = budget * share[k];
        return;
    }
    double units = floor(budget / unit);
    double given = 0;
    int n = 0;
    for (int k = 0; k < P; k++) {
        double q = units * share[k], whole = floor(q);
        parks[k].budget[id] = whole * unit;
        double f = share[k] > 0 ? q - whole : -1;
        if (f >= 0) {
            rem[2 * n] = f;
            rem[2 * n + 1] = k;
            n++;
        }
        given += whole;
    }
    int extra = 0; /* the units left, at most one per park with a share */
    for (double left = units - given; left > 0.5 && extra < n; left -= 1) extra++;
    if (extra == 0) return;
    select_first(rem, n, extra);
    for (int j = 0; j < extra; j++) parks[(int)rem[2 * j + 1]].budget[id] += unit;
}

/* Split lever id's budget for the year across the parks by its targeting
 * rule (cand/other: the candidate parks of `strongest` and the rest); need[]
 * (what the lever can act on in each park) is overwritten with the shares. */
static void allot(const Params *p, int id, double budget, double *need, const double *cand, const double *other,
                  double *rem, ParkState *parks, int P)
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
    apportion(budget, lever_unit_cost(p, (LeverId)id), need, rem, parks, P, id);
}

/* Whether lever c acts in some month of the year starting at month. */
static int year_active(const LeverParams *c, int month)
{
    return c->intensity > 0 && c->start <= month + 11 && c->end >= month;
}

void levers_park_needs(const Params *p, const ParkInfo *info, const ParkState *ps, int month, double need[LEVER_COUNT])
{
    for (int id = 0; id < LEVER_COUNT; id++)
        need[id] = year_active(lever_params(p, (LeverId)id), month) ? lever_need(p, info, ps, (LeverId)id) : 0;
}

/* The split, with every lever's need in work + 3P (lever id's at id P + k). */
static void allocate(const Params *p, ParkState *parks, int P, int month, double *work)
{
    double *cand = work, *other = work + P, *left = work + 2 * P, *needs = work + 3 * P;
    double *rem = work + (3 + LEVER_COUNT) * (size_t)P; /* 2P */
    double total_budget = 0, scale = 1.0;
    int active[LEVER_COUNT], strongest = 0;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        active[id] = year_active(c, month);
        if (active[id]) total_budget += c->budget;
        strongest |= active[id] && lever_rule(p, (LeverId)id) == ALLOC_STRONGEST;
    }
    if (p->province.budget > 0 && total_budget > p->province.budget) scale = p->province.budget / total_budget;

    /* Candidates of the "strongest" rule, where a lever uses it: rank by the
     * composite score at the last assessment, ties to the lower park index
     * (a total order, so the split never depends on sorting details). Once
     * a year, so O(P^2) is fine. */
    for (int k = 0; k < P && strongest; k++) {
        int rank = 0;
        for (int j = 0; j < P; j++)
            rank += parks[j].score_prev > parks[k].score_prev || (parks[j].score_prev == parks[k].score_prev && j < k);
        cand[k] = rank < p->province.candidates;
        other[k] = !cand[k];
    }

    int rule = p->province.unspent;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        double *need = needs + id * P;
        /* Last year's unspent money is already authorised: it is not capped again. */
        double budget = active[id] ? c->budget * scale : 0, pooled = 0;
        for (int k = 0; k < P; k++) {
            left[k] = active[id] && rule != UNSPENT_LAPSE ? parks[k].budget[id] : 0;
            pooled += left[k];
            parks[k].budget[id] = 0;
            parks[k].spent[id] = 0;
        }
        if (rule == UNSPENT_POOL) budget += pooled;
        if (budget > 0) allot(p, id, budget, need, cand, other, rem, parks, P);
        for (int k = 0; k < P; k++) {
            if (rule == UNSPENT_CARRY) parks[k].budget[id] += left[k];
            parks[k].allotted[id] = parks[k].budget[id];
        }
    }
}

void levers_allocate_year_needs(const Params *p, ParkState *parks, int P, int month, const double *need, double *work)
{
    double *needs = work + 3 * P;
    for (int k = 0; k < P; k++)
        for (int id = 0; id < LEVER_COUNT; id++) needs[id * P + k] = need[k * LEVER_COUNT + id];
    allocate(p, parks, P, month, work);
}

void levers_allocate_year(const Params *p, const ParkInfo *info, ParkState *parks, int P, int month, double *work)
{
    /* Every lever's need, park by park: several levers count over a park's
     * firms, and one park's firms stay in cache from one count to the next,
     * where lever by lever each count would fetch the whole population
     * again. The needs do not depend on the budgets the split sets. */
    double *needs = work + 3 * P;
    for (int k = 0; k < P; k++) {
        double need[LEVER_COUNT];
        levers_park_needs(p, &info[k], &parks[k], month, need);
        for (int id = 0; id < LEVER_COUNT; id++) needs[id * P + k] = need[id];
    }
    allocate(p, parks, P, month, work);
}
