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
#include "levers.h"

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
