/** \file levers.c
 * Lever schedule and budgets. Budget allocation "by need" is the simplest rule
 * consistent with the plan text; provincial targeting rules ("support the
 * strongest candidates") are a separate issue and will replace this split.
 */
#include "levers.h"

#include <math.h>

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
    default: return &p->levers.upgrades.c;
    }
}

/* Need of a park for a lever: what the lever can act on. */
static double need_of(const ParkState *ps, LeverId id)
{
    double n = 0;
    if (id == LEVER_REVITALISATION) return park_idle_mu(ps);
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        if (f->status != FIRM_ACTIVE) continue;
        if (id == LEVER_MERGERS) n += f->lclass >= CLASS_C;
        else n += f->tech < 1.0; /* the eligibility test of upgrades_firm() */
    }
    return n;
}

void levers_allocate_year(const Params *p, ParkState *parks, int P, int month, double *need)
{
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverParams *c = lever_params(p, (LeverId)id);
        /* Active in some month of this year? */
        int active = c->intensity > 0 && c->start <= month + 11 && c->end >= month;
        double total = 0;
        for (int k = 0; k < P; k++) {
            need[k] = active ? need_of(&parks[k], (LeverId)id) : 0;
            total += need[k];
        }
        for (int k = 0; k < P; k++) {
            parks[k].budget[id] = (active && total > 0) ? c->budget * need[k] / total : 0;
            parks[k].spent[id] = 0;
        }
    }
}
