/** \file focus.c
 * Focus: MIIT/NDRC 2025 guidance says a park should in principle have no more
 * than 3 leading industries [V]; the assessment takes assessment.focus_penalty
 * points off the composite for each one beyond assessment.focus_max_industries.
 * The lever lets a park with too many drop one a year with probability
 * rate_max × intensity, paying cost_per_industry (relocation support). There
 * is no baseline consolidation: without the lever a park keeps its industries.
 */
#include "levers.h"

int focus_park_year(const Params *p, double intensity, ParkState *ps, double u)
{
    if (intensity <= 0 || ps->industries <= p->assessment.focus_max_industries) return 0;
    if (u < lever_rate(0.0, p->levers.focus.rate_max, intensity) &&
        lever_pay(ps, LEVER_FOCUS, p->levers.focus.cost_per_industry)) {
        ps->industries--;
        return 1;
    }
    return 0;
}
