/** \file upgrades.c
 * Upgrade decisions. Monthly probability = annual rate / 12. A draw below the
 * baseline hazard is an unsubsidised upgrade; a draw between the baseline and
 * the lever hazard is a subsidised one if the park's budget pays for it. The
 * same uniform decides both, so a lever adds upgrades without changing which
 * baseline upgrades happen (common random numbers). Cost and effect scale
 * with the firm: an upgrade project covers at most firm.upgrade_project_revenue
 * of a firm's revenue and costs firm.upgrade_investment_share of the revenue
 * it covers (Jiangxi's 技改 figures, docs/MODEL.md 7.2), so a large firm runs
 * proportionally more, smaller projects.
 */
#include "upgrades.h"

#include <math.h>

/* min(x, 1) as fmin(1, x) gives it, NaN included (both give 1), without
 * fmin's call into libm, which gcc keeps unless -ffast-math: this runs for
 * every firm every month. */
static inline double cap1(double x) { return x < 1.0 ? x : 1.0; }

double upgrades_projects(const Params *p, const Firm *f)
{
    /* Most firms are smaller than one project: then rev / P <= 1 and the
     * answer is 1 without the division (correctly rounded division is
     * monotone, so the two agree exactly). */
    if (f->rev <= p->firm.upgrade_project_revenue) return 1.0;
    double m = f->rev / p->firm.upgrade_project_revenue;
    return m > 1.0 ? m : 1.0;
}

void upgrades_apply(const Params *p, Firm *f, double m)
{
    f->tech = cap1(f->tech + p->firm.upgrade_step / m);
    firm_set_log_rev(f, f->log_rev + p->firm.upgrade_revenue_gain / m);
    f->safety += p->firm.upgrade_safety_gain / m * (1.0 - f->safety);
}

double upgrades_subsidy(const Params *p, const Firm *f, double m)
{
    return p->levers.upgrades.subsidy_share * p->firm.upgrade_investment_share * f->rev / m;
}

int upgrades_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u)
{
    /* Whether the firm can still upgrade is tested together with the draw,
     * which is rarely below the rate: firms at the top level are common
     * enough for a branch of their own to be mispredicted often. */
    int below_top = f->tech < 1.0;
    /* A firm larger than one project runs m projects' worth of upgrades,
     * each on 1/m of it: the same expected gain as one whole-firm upgrade at
     * the rate, with less of a jump. */
    double m = upgrades_projects(p, f);
    double base = cap1(p->firm.upgrade_rate / 12.0 * m);
    if (below_top & (u < base)) {
        upgrades_apply(p, f, m);
        return 1;
    }
    if (intensity > 0) {
        double lev = cap1(lever_rate(p->firm.upgrade_rate, p->levers.upgrades.rate_max, intensity) / 12.0 * m);
        if ((below_top & (u < lev)) && lever_pay(ps, LEVER_UPGRADES, upgrades_subsidy(p, f, m))) {
            upgrades_apply(p, f, m);
            return 2;
        }
    }
    return 0;
}

/* Firms below the top technology level: the eligibility test of upgrades_firm(). */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)p, (void)info;
    int n = 0; /* counted without a branch per firm, and in an int: exact either way */
    for (int i = 0; i < ps->n_firm; i++) n += (ps->firm[i].status == FIRM_ACTIVE) & (ps->firm[i].tech < 1.0);
    return n;
}

LEVER_FIRM_HOOK void hook_upgrades_firm_act(LeverCtx *c, Firm *f, const RngBlock *b)
{
    if (upgrades_firm(c->park.p, c->intensity, c->park.ps, f, rng_u32_hi(b->w[2]))) c->park.ps->upgrades_m++;
}

static const LeverKey keys[] = {
    {"rate_max", offsetof(Params, levers.upgrades.rate_max), "0.5", 0, 12, "a-1",
     "Upgrade rate at full intensity (full 规上 coverage by 2027) [A, V §3.5]"},
    {"subsidy_share", offsetof(Params, levers.upgrades.subsidy_share), "0.1", 0, 1, "1",
     "Public share of an upgrade's investment (firm.upgrade_investment_share of the revenue it covers) paid by the lever [A]"},
};

const LeverType lever_type_upgrades = {
    .id = LEVER_UPGRADES,
    .key = "upgrades",
    .what = "technology-upgrade",
    .params = offsetof(Params, levers.upgrades),
    .unit_cost = 0, /* the subsidy scales with the firm */
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .firm_act = hook_upgrades_firm_act,
};
