/** \file focus.c
 * Focus: MIIT/NDRC 2025 guidance says a park should in principle have no more
 * than 3 leading industries [V]; the assessment takes assessment.focus_penalty
 * points off the composite for each one beyond assessment.focus_max_industries.
 * The lever lets a park with too many drop one at the annual rate
 * rate_max × intensity (monthly probability rate/12, like every other rate),
 * paying cost_per_industry (relocation support). There is no baseline
 * consolidation: without the lever a park keeps its industries.
 */
#include "focus.h"

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

/* Leading industries beyond the number allowed without penalty. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)info;
    return ps->industries > p->assessment.focus_max_industries ? ps->industries - p->assessment.focus_max_industries
                                                               : 0;
}

static void park_begin(LeverCtx *c, const RngBlock *pb)
{
    focus_park_month(c->park.p, c->intensity, c->park.ps, rng_u52(pb->w[1]));
}

static const LeverKey keys[] = {
    {"rate_max", offsetof(Params, levers.focus.rate_max), "0.5", 0, 12, "a-1",
     "Rate (per year) at which a park with too many leading industries drops one, at full intensity [A]"},
    {"cost_per_industry", offsetof(Params, levers.focus.cost_per_industry), "500", 0, 1e9, "CNY 1e4",
     "Public cost of dropping one leading industry (relocation support) [A]"},
};

const LeverType lever_type_focus = {
    .id = LEVER_FOCUS,
    .key = "focus",
    .what = "focus (≤3 leading industries)",
    .params = offsetof(Params, levers.focus),
    .unit_cost = offsetof(Params, levers.focus.cost_per_industry),
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .inert_when_off = 1,
    .need = need,
    .park_begin = park_begin,
};
