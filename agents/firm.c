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
    return p->firm.growth_sigma * exp(-p->firm.growth_size_beta * (log_rev - log(p->firm.growth_ref_revenue)));
}

double firm_year_variance(const Params *p, double log_rev, double u)
{
    double sd = firm_growth_sd(p, log_rev);
    return -sd * sd * log(u);
}

double firm_growth_step(const Params *p, const Firm *f, double z)
{
    double drift = p->firm.growth_drift + p->firm.tech_growth_effect * f->tech;
    return drift / 12.0 + sqrt(f->var_year / 12.0) * z;
}

double firm_exit_hazard(const Params *p, const Firm *f)
{
    double h = p->firm.exit_rate / 12.0;
    return f->lclass == CLASS_D ? h * p->firm.exit_dclass_multiplier : h;
}

double firm_incident_hazard(const Params *p, const Firm *f)
{
    return p->firm.incident_rate / 12.0 * (1.0 - f->safety) * (1.0 - p->firm.incident_tech_reduction * f->tech);
}
