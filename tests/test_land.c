/** \file test_land.c
 * The 亩均 land-use lever (policies/land.c) on hand cases: the drift penalty
 * of differentiated prices on class D (and, scaled, class C) firms, and the
 * forced exit of class D firms above the baseline hazard, paid as
 * compensation per mu from the park's budget. Forced exits in a whole-model
 * run are tested in test_schedule.c. Every oracle is worked out by hand in the comment next to
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

TEST(test_drift_penalty)
{
    Params p = *base;
    p.levers.land.price_penalty_max = 0.05;
    p.levers.land.forced_exit_rate_max = 0.6;
    p.levers.land.compensation_per_mu = 10;
    Firm f = mkfirm(1, 100, 4, 0.5, CLASS_D, -1, 0);
    p.levers.land.price_penalty_c_share = 0.5;
    int ab_zero = 1;
    for (int c = CLASS_A; c <= CLASS_B; c++) {
        Firm g = f;
        g.lclass = (uint8_t)c;
        ab_zero &= land_drift_penalty(&p, 1.0, &g) == 0;
    }
    Firm gc = f;
    gc.lclass = CLASS_C;
    ok(fabs(land_drift_penalty(&p, 0.6, &f) - 0.03) < 1e-15 && ab_zero && land_drift_penalty(&p, 0, &f) == 0 &&
       fabs(land_drift_penalty(&p, 0.6, &gc) - 0.015) < 1e-15,
       "drift penalty: 0.6 x 0.05 = 0.03 for class D, half (0.015) for class C; 0 for A-B; 0 at intensity 0");
}

TEST(test_forced_exit)
{
    Params p = *base;
    p.levers.land.price_penalty_max = 0.05;
    p.levers.land.forced_exit_rate_max = 0.6;
    p.levers.land.compensation_per_mu = 10;
    Firm f = mkfirm(1, 100, 4, 0.5, CLASS_D, -1, 0);
    p.levers.land.price_penalty_c_share = 0.5;
    /* Baseline D hazard h = 0.01 a month (0.12/yr); lever at I = 0.5:
     * 0.12 + 0.5 (0.6 - 0.12) = 0.36/yr = 0.03 a month. Land 4 mu x 10 = 40. */
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.budget[LEVER_LAND] = 100;
    int r = land_forced_exit(&p, 0.5, &ps, &f, 0.02, 0.01);
    ok(r == 1 && ps.budget[LEVER_LAND] == 60 && ps.spent[LEVER_LAND] == 40,
       "D class, u 0.02 between 0.01 and 0.03: forced exit, compensation 4 mu x 10 = 40 paid");
    ps.budget[LEVER_LAND] = 39;
    r = land_forced_exit(&p, 0.5, &ps, &f, 0.02, 0.01);
    ok(r == 0 && ps.budget[LEVER_LAND] == 39 && ps.spent[LEVER_LAND] == 40, "compensation 40 > 39 left: refused, nothing paid");
    ps.budget[LEVER_LAND] = 100;
    int above = land_forced_exit(&p, 0.5, &ps, &f, 0.035, 0.01);
    int off = land_forced_exit(&p, 0, &ps, &f, 0.02, 0.01);
    Firm c = f;
    c.lclass = CLASS_C;
    int cls = land_forced_exit(&p, 1.0, &ps, &c, 0.02, 0.01);
    ok(!above && !off && !cls && ps.budget[LEVER_LAND] == 100,
       "no forced exit above the lever hazard (0.035), at intensity 0, or for a class C firm; nothing paid");
    /* A draw below the baseline hazard is a baseline exit: the schedule only asks
     * land_forced_exit when u >= h (short-circuit ||), but the function
     * itself would call it forced and pay compensation. */
    r = land_forced_exit(&p, 0.5, &ps, &f, 0.005, 0.01);
    ok(r == 0 && ps.budget[LEVER_LAND] == 100,
       "u 0.005 below the baseline hazard 0.01 is not a forced exit and is not compensated");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_drift_penalty);
    run_test(test_forced_exit);
    config_free(&jx);
    return done_testing();
}
