/** \file landuse.c
 * 亩均 land-efficiency pressure (DOMAIN-FACTS §3.4 [V]: differentiated power,
 * water and land-use-tax prices by A-D class, and D-class firms pushed out).
 * With the lever, a D-class firm loses price_penalty_max × intensity of log
 * revenue a year (a C-class firm price_penalty_c_share of that: the
 * surcharges are graded by class), and a D-class firm's exit hazard rises from the baseline D-class hazard
 * toward forced_exit_rate_max; a forced exit (a draw between the two hazards)
 * happens only if the park's budget pays the compensation for its land. The
 * freed land becomes an idle site like any exit.
 */
#include "levers.h"

double landuse_drift_penalty(const Params *p, double intensity, const Firm *f)
{
    if (intensity <= 0 || f->lclass < CLASS_C) return 0.0;
    double pen = intensity * p->levers.land.price_penalty_max;
    return f->lclass == CLASS_D ? pen : pen * p->levers.land.price_penalty_c_share;
}

int landuse_forced_exit(const Params *p, double intensity, ParkState *ps, const Firm *f, double u, double base_hazard)
{
    /* u below the baseline hazard is a baseline exit, which the caller decides. */
    if (intensity <= 0 || f->lclass != CLASS_D || u < base_hazard) return 0;
    double lev = lever_rate(base_hazard * 12.0, p->levers.land.forced_exit_rate_max, intensity) / 12.0;
    return u < lev && lever_pay(ps, LEVER_LAND, p->levers.land.compensation_per_mu * f->land_mu);
}
