/** \file revitalise.h
 * Site revitalisation (盘活闲置地块, 腾笼换鸟): idle plots are cleared and
 * re-let; entrants prefer links missing from the park's leading chains.
 */
#ifndef PARKSIM_REVITALISE_H
#define PARKSIM_REVITALISE_H

#include "levers.h"

/** Decide this month's fate of every site of park k: an idle site may be
 *  cleared (baseline or subsidised), a site cleared in an earlier month may
 *  receive an entrant. Entrants are created by population_entrant(). */
SimStatus revitalise_park(Replicate *R, int k, int month, double intensity, int *n_entries);

#endif
