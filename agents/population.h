/** \file population.h
 * Initial population of a park and new entrants, drawn from keyed streams.
 */
#ifndef PARKSIM_POPULATION_H
#define PARKSIM_POPULATION_H

#include "park.h"

/** Build the firms and idle sites of park v->k for replicate v->rep. The park's
 *  revenue and land totals match its ParkInfo exactly; the split across
 *  firms is random (lognormal body, Pareto tail). */
SimStatus population_init_park(const ParkView *v);

/** Add an entrant on a site of `mu` in park v->k; with probability `gap_share` it
 *  takes a link missing from the park's leading chains (if any is missing).
 *  Its expected revenue per mu is rev_scale times entry.revenue_per_mu. */
SimStatus population_entrant(const ParkView *v, int month, double mu, double gap_share, double rev_scale);

/** Relative size draw from uniform u: lognormal(0, sigma) body below the
 *  (1 - tail_share) quantile, Pareto(alpha) above it, continuous at the join. */
double population_size_draw(double sigma, double tail_share, double alpha, double u);
/** An initial firm's R&D and technology conditioned on its cultivation tier:
 *  a title holder meets the R&D and technology rules of its title. */
void population_condition_on_tier(const Params *p, Firm *f);

/** Link on a chain from uniform u: popularity of link j proportional to 1/(j+1). */
int population_link_draw(int links, double u);

#endif
