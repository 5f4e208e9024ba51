/** \file revitalisation.h
 * Site revitalisation (盘活闲置地块, 腾笼换鸟): idle plots are cleared and
 * re-let; entrants prefer links missing from the park's leading chains.
 */
#ifndef PARKSIM_REVITALISATION_H
#define PARKSIM_REVITALISATION_H

#include "levers.h"

/** Decide this month's fate of every site of the park: an idle site may be
 *  cleared (baseline or subsidised), a site cleared in an earlier month may
 *  receive an entrant. Entrants are created by population_entrant(). */
SimStatus revitalisation_park(LeverCtx *c, int *n_entries);

#endif
