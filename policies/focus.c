/** \file focus.c
 * Focus: MIIT/NDRC 2025 guidance says a park should in principle have no more
 * than 3 leading industries [V]; the assessment takes assessment.focus_penalty
 * points off the composite for each one beyond assessment.focus_max_industries.
 * The lever lets a park with too many drop one at the annual rate
 * rate_max × intensity (monthly probability rate/12, like every other rate),
 * paying cost_per_industry (relocation support). There is no baseline
 * consolidation: without the lever a park keeps its industries.
 */
#include "levers.h"

int focus_park_month(const Params *p, double intensity, ParkState *ps, double u)
{
    if (intensity <= 0 || ps->industries <= p->assessment.focus_max_industries) return 0;
    if (u < lever_rate(0.0, p->levers.focus.rate_max, intensity) / 12.0 &&
        lever_pay(ps, LEVER_FOCUS, p->levers.focus.cost_per_industry)) {
        ps->industries--;
        return 1;
    }
    return 0;
}
