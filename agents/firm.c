/** \file firm.c
 * Firm-level rates. Every `*_rate` parameter is an annual hazard rate r
 * (events per year); the monthly probability is r/12, so an entity that stays
 * eligible has r events a year on average, and a one-off event (exit) happens
 * within a year with probability 1-(1-r/12)^12, which is within 1% of
 * 1-exp(-r) for r <= 0.5.
 */
#include "firm.h"

#include <math.h>

double firm_growth_sd(const Params *p, double log_rev)
{
    return p->firm.growth_sigma * exp(firm_growth_sd_exponent(p, log_rev));
}

double firm_year_variance(const Params *p, double log_rev, double u)
{
    return firm_year_variance_of(firm_growth_sd(p, log_rev), log(u));
}

FirmRates firm_rates(const Params *p)
{
    FirmRates r;
    r.exit = p->firm.exit_rate / 12.0;
    r.exit_d = r.exit * p->firm.exit_dclass_multiplier;
    r.incident = p->firm.incident_rate / 12.0;
    r.incident_tech = p->firm.incident_tech_reduction;
    r.drift = p->firm.growth_drift;
    r.tech_drift = p->firm.tech_growth_effect;
    return r;
}

double firm_growth_step(const Params *p, const Firm *f, double z)
{
    FirmRates r = firm_rates(p);
    return firm_growth_step_r(&r, f, z);
}

double firm_exit_hazard(const Params *p, const Firm *f)
{
    FirmRates r = firm_rates(p);
    return firm_exit_hazard_r(&r, f);
}

double firm_incident_hazard(const Params *p, const Firm *f)
{
    FirmRates r = firm_rates(p);
    return firm_incident_hazard_r(&r, f);
}
