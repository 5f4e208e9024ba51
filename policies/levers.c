/** \file levers.c
 * The lever table and what every lever shares: schedule, payment, parameters.
 */
#include "levers.h"

#define LEVER_DECL_(ID, key) extern const LeverType lever_type_##key;
LEVER_LIST(LEVER_DECL_)
#undef LEVER_DECL_

#define LEVER_ROW_(ID, key) [LEVER_##ID] = &lever_type_##key,
const LeverType *const lever_table[LEVER_COUNT] = {LEVER_LIST(LEVER_ROW_)};
#undef LEVER_ROW_

const char *const alloc_names[ALLOC_COUNT] = {"need", "equal", "strongest"};

double lever_intensity(const LeverParams *c, int month)
{
    return (c->intensity > 0 && month >= c->start && month <= c->end) ? c->intensity : 0.0;
}

int lever_pay(ParkState *ps, LeverId id, double cost)
{
    if (ps->budget[id] < cost) return 0;
    ps->budget[id] -= cost;
    ps->spent[id] += cost;
    return 1;
}

void lever_refund(ParkState *ps, LeverId id, double cost)
{
    ps->budget[id] += cost;
    ps->spent[id] -= cost;
}

const LeverParams *lever_params(const Params *p, LeverId id)
{
    return (const LeverParams *)((const char *)p + lever_table[id]->params);
}

double lever_unit_cost(const Params *p, LeverId id)
{
    size_t off = lever_table[id]->unit_cost;
    return off ? *(const double *)((const char *)p + off) : 0;
}

int lever_rule(const Params *p, LeverId id)
{
    int t = lever_params(p, id)->targeting;
    return t == 0 ? p->province.allocation : t - 1;
}

double lever_need(const Params *p, const ParkInfo *info, const ParkState *ps, LeverId id)
{
    return lever_table[id]->need ? lever_table[id]->need(p, info, ps) : 0;
}
