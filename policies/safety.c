/** \file safety.c
 * Safety and environment as a red line. Firm incident hazard (agents/firm.c)
 * falls with the firm's compliance, its technology and the park's shared
 * infrastructure (wastewater, hazardous-waste handling, monitoring), a level
 * in 0..1 that only investment raises. The lever pays for that investment
 * from the park's budget, at most investment_max a year, each CNY
 * safety.infra_cost_per_mu per mu of park land raising the level by 1, and it closes firms' compliance
 * gaps (inspections and rectification) at compliance_gain_max a year at full
 * intensity. A serious incident vetoes the top tier that year (agents/assess.c)
 * and, with probability safety.freeze_share, freezes new projects for
 * safety.freeze_months (docs/MODEL.md: a freeze after every 较大+ accident is
 * an assumption; the Yunnan rule freezes only after 重大+ ones, a share of
 * about 0.15).
 */
#include "safety.h"

#include <math.h>

void safety_park_month(const Params *p, double intensity, double land_mu, ParkState *ps)
{
    if (intensity <= 0 || ps->infra >= 1.0) return;
    /* Shared facilities are sized to the park: a level costs in proportion to its land. */
    double cost = p->safety.infra_cost_per_mu * land_mu;
    double want = intensity * p->levers.safety.investment_max / 12.0;
    /* No more than what lifts the level to 1. */
    want = fmin(want, (1.0 - ps->infra) * cost);
    double pay = fmin(want, ps->budget[LEVER_SAFETY]);
    if (pay > 0 && lever_pay(ps, LEVER_SAFETY, pay)) ps->infra = fmin(1.0, ps->infra + pay / cost);
}

void safety_firm_month(const Params *p, double intensity, Firm *f)
{
    if (intensity <= 0) return;
    f->safety += intensity * p->levers.safety.compliance_gain_max / 12.0 * (1.0 - f->safety);
}

void safety_serious_incident(const Params *p, ParkState *ps, int month)
{
    int until = month + p->safety.freeze_months;
    if (until > ps->frozen_until) ps->frozen_until = until;
}

double safety_initial_infra(const Params *p, const ParkInfo *info)
{
    if (info->reviewed) return p->safety.infra_reviewed; /* its shared facilities were checked recently */
    char c = info->size_class;
    return c == 'L' ? p->safety.infra_l : c == 'M' ? p->safety.infra_m : p->safety.infra_s;
}

/* The infrastructure gap. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)p, (void)info;
    return 1.0 - ps->infra;
}

static void park_begin(LeverCtx *c, const RngBlock *pb)
{
    (void)pb;
    safety_park_month(c->park.p, c->intensity, c->park.info->land_mu, c->park.ps);
}

LEVER_FIRM_HOOK void hook_safety_firm_act(LeverCtx *c, Firm *f, const RngBlock *b)
{
    (void)b;
    safety_firm_month(c->park.p, c->intensity, f);
}

static const LeverKey keys[] = {
    {"investment_max", offsetof(Params, levers.safety.investment_max), "3000", 0, 1e9, "CNY 1e4 a-1",
     "Shared-infrastructure investment per park-year at full intensity (wastewater, hazardous waste, monitoring) [A]"},
    {"compliance_gain_max", offsetof(Params, levers.safety.compliance_gain_max), "0.3", 0, 12, "a-1",
     "Rate at which inspections and rectification close a firm's compliance gap, at full intensity [A]"},
};

const LeverType lever_type_safety = {
    .id = LEVER_SAFETY,
    .key = "safety",
    .what = "safety-and-environment (安全环保)",
    .params = offsetof(Params, levers.safety),
    .unit_cost = 0,
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .inert_when_off = 1,
    .need = need,
    .park_begin = park_begin,
    .firm_act = hook_safety_firm_act,
};
