/** \file smart.c
 * 智慧园区 (smart park). A park moves up one smart level (初始级 → 提升级 →
 * top, MIIT 2025 notice [V]) at a year end when its platform investment since
 * the last step reaches smart.cost of the next level and the digital coverage
 * of its above-scale firms reaches smart.coverage of that level (the
 * mechanics are assumptions). Parks invest smart.base_investment a year
 * themselves; the lever adds provincial money, at most investment_max a year
 * at full intensity, from the park's budget. Coverage comes from firm
 * upgrades (policies/upgrades.c), so the smart and upgrade levers complement.
 */
#include "smart.h"

#include <math.h>

void smart_park_month(const Params *p, double intensity, ParkState *ps)
{
    ps->smart_invest += p->smart.base_investment / 12.0;
    if (intensity <= 0 || ps->smart_level >= 2) return;
    double need = p->smart.cost[ps->smart_level] - ps->smart_invest;
    double pay = fmin(fmin(intensity * p->levers.smart.investment_max / 12.0, need), ps->budget[LEVER_SMART]);
    if (pay > 0 && lever_pay(ps, LEVER_SMART, pay)) ps->smart_invest += pay;
}

int smart_park_year(const Params *p, ParkState *ps, double digital_coverage)
{
    int l = ps->smart_level;
    if (l >= 2 || ps->smart_invest < p->smart.cost[l] || digital_coverage < p->smart.coverage[l]) return 0;
    ps->smart_invest -= p->smart.cost[l];
    ps->smart_level++;
    return 1;
}

/* Investment still missing for the next level. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)info;
    return ps->smart_level < 2 ? fmax(0.0, p->smart.cost[ps->smart_level] - ps->smart_invest) : 0;
}

static void park_begin(LeverCtx *c, const RngBlock *pb)
{
    (void)pb;
    smart_park_month(c->park.p, c->intensity, c->park.ps);
}

/* The level steps up at the year end, before the assessment sees it. */
static void year_end(LeverCtx *c, double *metrics)
{
    if (smart_park_year(c->park.p, c->park.ps, metrics[METRIC_DIGITAL_COVERAGE]))
        metrics[METRIC_SMART_LEVEL] = c->park.ps->smart_level;
}

static const LeverKey keys[] = {
    {"investment_max", offsetof(Params, levers.smart.investment_max), "1500", 0, 1e9, "CNY 1e4 a-1",
     "Provincial smart-platform investment per park-year at full intensity [A]"},
};

const LeverType lever_type_smart = {
    .id = LEVER_SMART,
    .key = "smart",
    .what = "smart-park (智慧园区)",
    .params = offsetof(Params, levers.smart),
    .unit_cost = 0,
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .park_begin = park_begin,
    .year_end = year_end,
};
