/** \file chain.h
 * 补链延链 (chain extension): projects placing a new firm on a link missing
 * from the park's leading chains.
 */
#ifndef PARKSIM_CHAIN_H
#define PARKSIM_CHAIN_H

#include "levers.h"

/** Whether the park has an idle site a project could use. */
int chain_has_site(const Params *p, const ParkState *ps);
/** Links missing from the park's leading chains. */
int chain_missing_links(const Params *p, const ParkInfo *info, const ParkState *ps);
/** A possible project in the park this month, decided by uniform u. */
SimStatus chain_park_month(LeverCtx *c, double u, int *n_projects);

#endif
