/** \file upgrades.c
 * Upgrade decisions. Monthly probability = annual rate / 12. A draw below the
 * baseline hazard is an unsubsidised upgrade; a draw between the baseline and
 * the lever hazard is a subsidised one if the park's budget pays for it. The
 * same uniform decides both, so a lever adds upgrades without changing which
 * baseline upgrades happen (common random numbers).
 */
#include "upgrades.h"

#include <math.h>

void upgrades_apply(const Params *p, Firm *f)
{
    f->tech = fmin(1.0, f->tech + p->firm.upgrade_step);
    f->log_rev += p->firm.upgrade_revenue_gain;
    f->safety += p->firm.upgrade_safety_gain * (1.0 - f->safety);
}

int upgrades_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u)
{
    if (f->tech >= 1.0) return 0;
    double base = p->firm.upgrade_rate / 12.0;
    if (u < base) {
        upgrades_apply(p, f);
        return 1;
    }
    if (intensity > 0) {
        double lev = lever_rate(p->firm.upgrade_rate, p->levers.upgrades.rate_max, intensity) / 12.0;
        if (u < lev && lever_pay(ps, LEVER_UPGRADES, p->levers.upgrades.subsidy_per_upgrade)) {
            upgrades_apply(p, f);
            return 2;
        }
    }
    return 0;
}
