/** \file firm.h
 * Enterprise processes that need no other agent: growth, exit hazard, safety
 * incidents, and the draw of a year's growth variance.
 */
#ifndef PARKSIM_FIRM_H
#define PARKSIM_FIRM_H

#include "park.h"

/** Standard deviation of annual log growth for a firm of log revenue `log_rev`:
 *  sigma(S) = growth_sigma * (S / growth_ref_revenue)^(-growth_size_beta)
 *  (Amaral et al. 1997, beta = 0.20 [V]). */
double firm_growth_sd(const Params *p, double log_rev);

/** Draw the variance of this year's log growth from uniform u:
 *  V = -sd^2 ln(u), i.e. exponential with mean sd^2. Monthly shocks
 *  N(0, V/12) then sum to an annual N(0, V) whose mixture over V is exactly
 *  Laplace with standard deviation sd (Stanley et al. 1996 [V]). */
double firm_year_variance(const Params *p, double log_rev, double u);

/** Monthly log-growth increment from a standard normal z. */
double firm_growth_step(const Params *p, const Firm *f, double z);

/** Monthly exit hazard (probability) of an active firm. */
double firm_exit_hazard(const Params *p, const Firm *f);

/** Monthly safety-incident hazard of an active firm. */
double firm_incident_hazard(const Params *p, const Firm *f);

#endif
