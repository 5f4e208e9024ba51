/** \file test_focus.c
 * The focus lever (policies/focus.c) on hand cases: a park's monthly draw
 * to drop one leading industry, paid per industry from the park's budget,
 * never below the allowance assessment.focus_max_industries, nothing at
 * intensity 0. The lever in a whole-model run is tested in test_schedule.c. Every oracle is worked out by hand in the comment next to
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
    p.assessment.focus_max_industries = 3;
    p.levers.focus.rate_max = 0.5;
    p.levers.focus.cost_per_industry = 500;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.industries = 5;
    ps.budget[LEVER_FOCUS] = 1000;
    /* I = 0.8: annual rate 0.8 x 0.5 = 0.4, monthly probability 0.4/12 = 0.0333 */
    int r = focus_park_month(&p, 0.8, &ps, 0.025);
    ok(r == 1 && ps.industries == 4 && ps.budget[LEVER_FOCUS] == 500 && ps.spent[LEVER_FOCUS] == 500,
       "5 industries, u 0.025 < 0.8 x 0.5 / 12: one dropped, 500 paid");
    r = focus_park_month(&p, 0.8, &ps, 0.0375);
    ok(r == 0 && ps.industries == 4 && ps.budget[LEVER_FOCUS] == 500, "u 0.0375 >= 0.0333: none dropped");
    ps.budget[LEVER_FOCUS] = 400;
    r = focus_park_month(&p, 0.8, &ps, 0.008);
    ok(r == 0 && ps.industries == 4 && ps.budget[LEVER_FOCUS] == 400, "budget 400 < 500: none dropped, nothing paid");
    ps.budget[LEVER_FOCUS] = 10000;
    r = focus_park_month(&p, 0, &ps, 0.0);
    ok(r == 0 && ps.industries == 4 && ps.budget[LEVER_FOCUS] == 10000, "intensity 0: none dropped (no baseline consolidation)");
    int n = 0;
    for (int y = 0; y < 5; y++) n += focus_park_month(&p, 1.0, &ps, 0.0);
    ok(n == 1 && ps.industries == 3 && ps.budget[LEVER_FOCUS] == 9500,
       "4 industries, five sure draws: one dropped to the allowance 3, never below");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_park_month);
    config_free(&jx);
    return done_testing();
}
