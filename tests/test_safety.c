/** \file test_safety.c
 * The safety lever (policies/safety.c) on hand cases: the park's monthly
 * infrastructure investment paid from its budget (capped by the budget left
 * and by what lifts infrastructure to 1), the inspections closing a firm's
 * compliance gap (no budget), and the freeze a serious incident puts on a
 * park. Incidents and freezes in whole-model runs are tested in
 * test_schedule.c, the freeze's effect on letting in test_revitalisation.c
 * and on chain projects in test_chain.c. Every oracle is worked out by hand in the comment next to
 * it; every parameter an oracle depends on is set here, so changing a
 * default in sim/config.c cannot move these tests.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;

TEST(test_park_month)
{
    Params p = *base;
    p.levers.safety.investment_max = 2400; /* 200 a month at I = 1 */
    p.safety.infra_cost_per_mu = 10;       /* x 1000 mu = 10000 a level: 100 raise it by 0.01 */
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.infra = 0.5;
    ps.budget[LEVER_SAFETY] = 1000;
    /* I = 0.5: want 0.5 x 2400 / 12 = 100, cap (1 - 0.5) x 10000 = 5000: pay 100, infra + 0.01 */
    safety_park_month(&p, 0.5, 1000, &ps);
    ok(fabs(ps.infra - 0.51) < 1e-15 && ps.budget[LEVER_SAFETY] == 900 && ps.spent[LEVER_SAFETY] == 100,
       "safety_park_month I = 0.5: pays 100 (2400/12 x 0.5), infra 0.50 -> 0.51");
    ps.budget[LEVER_SAFETY] = 30;
    safety_park_month(&p, 0.5, 1000, &ps);
    ok(fabs(ps.infra - 0.513) < 1e-15 && ps.budget[LEVER_SAFETY] == 0 && ps.spent[LEVER_SAFETY] == 130,
       "budget 30 < 100: pays the 30 left, infra + 0.003");
    safety_park_month(&p, 0.5, 1000, &ps);
    ok(fabs(ps.infra - 0.513) < 1e-15 && ps.spent[LEVER_SAFETY] == 130, "no budget left: nothing paid, infra unchanged");
    /* Cap at 1: infra 0.75, I = 1 with investment_max 48000 (4000 a month):
     * only (1 - 0.75) x 10000 = 2500 is paid and infra is exactly 1. */
    p.levers.safety.investment_max = 48000;
    ps.infra = 0.75;
    ps.budget[LEVER_SAFETY] = 10000;
    ps.spent[LEVER_SAFETY] = 0;
    safety_park_month(&p, 1.0, 1000, &ps);
    ok(ps.infra == 1.0 && ps.budget[LEVER_SAFETY] == 7500 && ps.spent[LEVER_SAFETY] == 2500,
       "pays only what lifts infra to 1 (2500 of 4000 wanted); infra exactly 1");
    safety_park_month(&p, 1.0, 1000, &ps);
    ok(ps.infra == 1.0 && ps.budget[LEVER_SAFETY] == 7500, "at infra 1 nothing more is paid");
    ps.infra = 0.2;
    safety_park_month(&p, 0, 1000, &ps);
    ok(ps.infra == 0.2 && ps.budget[LEVER_SAFETY] == 7500 && ps.spent[LEVER_SAFETY] == 2500,
       "intensity 0: nothing paid, infra unchanged");
}

TEST(test_firm_month)
{
    Params p = *base;
    p.levers.safety.investment_max = 48000;
    p.safety.infra_cost_per_mu = 10;
    /* Compliance gap closed by I x gain / 12 a month: 0.6 + 0.5 x 0.3/12 x 0.4 = 0.605 */
    p.levers.safety.compliance_gain_max = 0.3;
    Firm f = mkfirm(1, 100, 1, 0.5, CLASS_B, -1, 0);
    f.safety = 0.6;
    safety_firm_month(&p, 0.5, &f);
    ok(fabs(f.safety - 0.605) < 1e-15, "safety_firm_month: gap 0.4 closed by 0.5 x 0.3 / 12 -> 0.605");
    safety_firm_month(&p, 0, &f);
    ok(fabs(f.safety - 0.605) < 1e-15, "safety_firm_month at intensity 0 changes nothing");
    p.levers.safety.compliance_gain_max = 12; /* the key's maximum: the whole gap in one month */
    int within = 1;
    for (int m = 0; m < 24; m++) {
        safety_firm_month(&p, 1.0, &f);
        within &= f.safety <= 1.0;
    }
    ok(within && f.safety == 1.0, "at the largest gain compliance reaches 1 and never exceeds it");
}

TEST(test_freeze)
{
    Params p = *base;
    p.safety.freeze_months = 12;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    safety_serious_incident(&p, &ps, 5);
    int a = ps.frozen_until;
    safety_serious_incident(&p, &ps, 3); /* an earlier month: would end at 15 */
    int b = ps.frozen_until;
    safety_serious_incident(&p, &ps, 10);
    ok(a == 17 && b == 17 && ps.frozen_until == 22,
       "serious incident in month 5: frozen until 17; one in month 3 does not shorten it; month 10 extends to 22");
    p.safety.freeze_months = 0;
    safety_serious_incident(&p, &ps, 30);
    ok(ps.frozen_until == 30, "freeze_months 0: frozen_until = the month itself, i.e. no month frozen");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_park_month);
    run_test(test_firm_month);
    run_test(test_freeze);
    config_free(&jx);
    return done_testing();
}
