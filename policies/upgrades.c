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

/* Firms below the top technology level: the eligibility test of upgrades_firm(). */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)p, (void)info;
    double n = 0;
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) n += ps->firm[i].tech < 1.0;
    return n;
}

LEVER_FIRM_HOOK static void firm_act(LeverCtx *c, Firm *f, const RngBlock *b)
{
    if (upgrades_firm(c->park.p, c->intensity, c->park.ps, f, rng_u32_hi(b->w[2]))) c->park.ps->upgrades_m++;
}

static const LeverKey keys[] = {
    {"rate_max", offsetof(Params, levers.upgrades.rate_max), "0.5", 0, 12, "a-1",
     "Upgrade rate at full intensity (full 规上 coverage by 2027) [A, V §3.5]"},
    {"subsidy_per_upgrade", offsetof(Params, levers.upgrades.subsidy_per_upgrade), "50", 0, 1e9, "CNY 1e4",
     "Subsidy paid per lever upgrade [A]"},
};

const LeverType lever_type_upgrades = {
    .id = LEVER_UPGRADES,
    .key = "upgrades",
    .what = "technology-upgrade",
    .params = offsetof(Params, levers.upgrades),
    .unit_cost = offsetof(Params, levers.upgrades.subsidy_per_upgrade),
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .firm_act = firm_act,
};
