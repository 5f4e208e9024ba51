/** \file firm.h
 * Enterprise processes that need no other agent: growth, exit hazard, safety
 * incidents, and the draw of a year's growth variance.
 */
#ifndef PARKSIM_FIRM_H
#define PARKSIM_FIRM_H

#include "park.h"

#include <math.h>

/** Standard deviation of annual log growth for a firm of log revenue `log_rev`:
 *  sigma(S) = growth_sigma * (S / growth_ref_revenue)^(-growth_size_beta)
 *  (Amaral et al. 1997, beta = 0.20 [V]). */
double firm_growth_sd(const Params *p, double log_rev);

/** The exponent of that: sigma(S) = growth_sigma * exp(firm_growth_sd_exponent()),
 *  in parts so that a batch can take the exps together (vmath_exp); the _at
 *  form takes log(growth_ref_revenue) computed once for the batch (the
 *  compiler does not hoist a call of log() out of a loop by itself). */
static inline double firm_growth_sd_exponent_at(const Params *p, double log_ref, double log_rev)
{
    return -p->firm.growth_size_beta * (log_rev - log_ref);
}
static inline double firm_growth_sd_exponent(const Params *p, double log_rev)
{
    return firm_growth_sd_exponent_at(p, log(p->firm.growth_ref_revenue), log_rev);
}

/** The year's variance from the standard deviation and the log of the uniform. */
static inline double firm_year_variance_of(double sd, double log_u)
{
    return -sd * sd * log_u;
}

/** Draw the variance of this year's log growth from uniform u:
 *  V = -sd^2 ln(u), i.e. exponential with mean sd^2. Monthly shocks
 *  N(0, V/12) then sum to an annual N(0, V) whose mixture over V is exactly
 *  Laplace with standard deviation sd (Stanley et al. 1996 [V]). */
double firm_year_variance(const Params *p, double log_rev, double u);

/** Set, from the variance V of a firm's log growth for the year, the
 *  standard deviation of its monthly shock, sqrt(V/12): the square root is
 *  taken once a year instead of every month, and V itself is not kept (no
 *  process reads it, and a smaller firm is less to fetch every month). */
static inline void firm_set_year_variance(Firm *f, double var_year)
{
    f->sd_month = sqrt(var_year / 12.0);
}

/** The monthly rates every firm of a run shares, computed once per month
 *  instead of once per firm (the compiler cannot hoist them out of the firm
 *  loop by itself). The hazard functions below are the only formulas. */
typedef struct {
    double exit, exit_d;     /**< monthly exit hazard, and of a D-class firm */
    double incident;         /**< monthly incident hazard of a firm with safety 0 and tech 0 */
    double incident_tech;    /**< firm.incident_tech_reduction */
    double drift, tech_drift;/**< firm.growth_drift, firm.tech_growth_effect */
} FirmRates;

FirmRates firm_rates(const Params *p);

/** Monthly log-growth increment from a standard normal z:
 *  firm_growth_step_of(firm_growth_drift_r(r, f) / 12.0, f, z), in parts so
 *  that a caller can make the division together with another. */
static inline double firm_growth_drift_r(const FirmRates *r, const Firm *f)
{
    return r->drift + r->tech_drift * f->tech;
}
static inline double firm_growth_step_of(double drift_month, const Firm *f, double z)
{
    return drift_month + f->sd_month * z;
}
static inline double firm_growth_step_r(const FirmRates *r, const Firm *f, double z)
{
    return firm_growth_step_of(firm_growth_drift_r(r, f) / 12.0, f, z);
}

/** Monthly exit hazard (probability) of an active firm. */
static inline double firm_exit_hazard_r(const FirmRates *r, const Firm *f)
{
    return f->lclass == CLASS_D ? r->exit_d : r->exit;
}

/** Monthly safety-incident hazard of an active firm. */
static inline double firm_incident_hazard_r(const FirmRates *r, const Firm *f)
{
    return r->incident * (1.0 - f->safety) * (1.0 - r->incident_tech * f->tech);
}

/** The same three for one firm, computing the rates from the parameters. */
double firm_growth_step(const Params *p, const Firm *f, double z);
double firm_exit_hazard(const Params *p, const Firm *f);
double firm_incident_hazard(const Params *p, const Firm *f);

#endif
