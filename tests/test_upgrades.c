/** \file test_upgrades.c
 * The technology-upgrade lever (policies/upgrades.c) on hand cases: a
 * firm's monthly upgrade draw against the baseline hazard and the lever's
 * (a subsidised upgrade is paid from the park's budget, refused when it is
 * short), and what an upgrade does to a firm. Every oracle is worked out by
 * hand in the comment next to it; every parameter it depends on is set here.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;

TEST(test_upgrade_draw)
{
    Params p = *base;
    p.firm.upgrade_rate = 0.12;            /* baseline hazard 0.01 a month */
    p.levers.upgrades.rate_max = 0.6;      /* at intensity 0.5: (0.12 + 0.5*0.48)/12 = 0.03 */
    p.levers.upgrades.subsidy_share = 0.5;
    p.firm.upgrade_investment_share = 0.08;
    p.firm.upgrade_project_revenue = 1000;
    p.firm.upgrade_step = 0.25;
    p.firm.upgrade_revenue_gain = 0.03;
    p.firm.upgrade_safety_gain = 0.2;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    Firm f = mkfirm(1, exp(5), 10, 0.5, CLASS_B, 0, 0);
    /* revenue e^5 = 148.4 < one project: m = 1, subsidy 0.5 x 0.08 x 148.4 = 5.94 */
    double cost = upgrades_subsidy(&p, &f, 1);
    ok(upgrades_projects(&p, &f) == 1 && fabs(cost - 0.04 * exp(5)) < 1e-12,
       "a firm below one project's revenue is one project; subsidy = share x investment share x revenue (%g)", cost);

    ps.budget[LEVER_UPGRADES] = 100;
    int r = upgrades_firm(&p, 0.5, &ps, &f, 0.005);
    ok(r == 1 && ps.budget[LEVER_UPGRADES] == 100 && ps.spent[LEVER_UPGRADES] == 0 && f.tech == 0.75,
       "u below the baseline hazard: baseline upgrade (1), nothing paid, tech 0.5 -> 0.75");
    f.tech = 0.5;
    firm_set_log_rev(&f, 5);
    r = upgrades_firm(&p, 0.5, &ps, &f, 0.02);
    ok(r == 2 && ps.budget[LEVER_UPGRADES] == 100 - cost && ps.spent[LEVER_UPGRADES] == cost && f.tech == 0.75,
       "u between baseline (0.01) and lever hazard (0.03): subsidised upgrade (2), the subsidy paid");
    f.tech = 0.5;
    firm_set_log_rev(&f, 5);
    ps.budget[LEVER_UPGRADES] = cost / 2;
    double lr = f.log_rev;
    r = upgrades_firm(&p, 0.5, &ps, &f, 0.02);
    ok(r == 0 && ps.budget[LEVER_UPGRADES] == cost / 2 && f.tech == 0.5 && f.log_rev == lr,
       "same u with half the subsidy left: no upgrade, nothing paid, firm unchanged");
    ps.budget[LEVER_UPGRADES] = 100;
    ok(upgrades_firm(&p, 0, &ps, &f, 0.02) == 0 && ps.budget[LEVER_UPGRADES] == 100, "intensity 0: only the baseline hazard");
    ok(upgrades_firm(&p, 0.5, &ps, &f, 0.04) == 0, "u above the lever hazard: no upgrade");
    ok(upgrades_firm(&p, 1.0, &ps, &f, 0.045) == 2, "intensity 1: lever hazard 0.6/12 = 0.05 > 0.045");
    f.tech = 1.0;
    ok(upgrades_firm(&p, 1.0, &ps, &f, 0.0) == 0, "a firm at tech 1 does not upgrade");

    /* A firm of 35 projects' revenue: hazards x 35 (baseline 0.35 a month,
     * lever at intensity 0.5 capped at 1), each project 1/35 of a step, and
     * a subsidy for one project's revenue (0.5 x 0.08 x 1000 = 40). */
    Firm big = mkfirm(2, 35000, 100, 0.5, CLASS_A, 0, 0);
    double m = upgrades_projects(&p, &big);
    ok(fabs(m - 35) < 1e-9, "a firm of 35000 is worth 35 projects of 1000 (%g)", m);
    ps.budget[LEVER_UPGRADES] = 100;
    ps.spent[LEVER_UPGRADES] = 0;
    r = upgrades_firm(&p, 0.5, &ps, &big, 0.34);
    ok(r == 1 && fabs(big.tech - (0.5 + 0.25 / m)) < 1e-12 && fabs(big.log_rev - log(35000) - 0.03 / m) < 1e-12,
       "u = 0.34 < 0.35: a baseline project, 1/35 of the step and of the revenue gain");
    r = upgrades_firm(&p, 0.5, &ps, &big, 0.9);
    ok(r == 2 && fabs(ps.spent[LEVER_UPGRADES] - 40) < 1e-9,
       "u = 0.9 < min(1, 0.03 x 35): a subsidised project, 40 paid (one project's share, not the firm's)");
}

TEST(test_upgrades_apply)
{
    Params p = *base;
    p.firm.upgrade_step = 0.25;
    p.firm.upgrade_revenue_gain = 0.03;
    p.firm.upgrade_safety_gain = 0.2;
    Firm f = mkfirm(1, exp(5), 10, 0.9, CLASS_B, 0, 0);
    f.safety = 0.8;
    upgrades_apply(&p, &f, 1);
    /* tech min(1, 0.9 + 0.25) = 1; log revenue 5 + 0.03; safety 0.8 + 0.2 (1 - 0.8) = 0.84 */
    ok(f.tech == 1.0 && fabs(f.log_rev - 5.03) < 1e-12 && fabs(f.safety - 0.84) < 1e-12,
       "upgrades_apply: tech capped at 1, log revenue +0.03, safety gap closed by 20%%");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_upgrade_draw);
    run_test(test_upgrades_apply);
    config_free(&jx);
    return done_testing();
}
