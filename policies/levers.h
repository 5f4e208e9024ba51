/** \file levers.h
 * What the three plan levers share: schedule, intensity and yearly budget.
 *
 * Every lever raises a baseline rate toward a lever maximum,
 *     rate = base + intensity * (max - base),
 * so intensity 0 leaves every draw and every decision exactly as without the
 * lever (bit-identical output). Extra *actions* (subsidised upgrades and deals,
 * cleared sites) are paid from the park's share of the provincial budget; once
 * it is spent, only baseline actions happen. Facilitation that costs the budget
 * nothing in the model (investment promotion raising the letting rate and the
 * gap-filling share of entrants; matching raising the same-chain share of
 * acquirers) follows intensity alone, so a lever with budget 0 still has them.
 */
#ifndef PARKSIM_LEVERS_H
#define PARKSIM_LEVERS_H

#include "../agents/model.h"

/** Rate between a baseline and a lever maximum. */
static inline double lever_rate(double base, double max, double intensity)
{
    return intensity > 0 ? base + intensity * (max - base) : base;
}

/** Pay `cost` from the park's budget of lever `id`; 0 (and nothing spent) if
 *  the budget left is short. */
int lever_pay(ParkState *ps, LeverId id, double cost);

/** The LeverParams of lever `id`. */
const LeverParams *lever_params(const Params *p, LeverId id);

/** Split each active lever's provincial budget for the year starting at
 *  `month` across parks in proportion to need (eligible firms or idle land),
 *  and reset what was spent. `need` must hold n_parks doubles. */
void levers_allocate_year(const Params *p, ParkState *parks, int n_parks, int month, double *need);

#endif
