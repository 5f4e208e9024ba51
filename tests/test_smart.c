/** \file test_smart.c
 * The smart-park lever (policies/smart.c) on hand cases: the park's own
 * monthly investment and what the lever pays on top from the park's budget
 * (capped by the need to the next level and by the budget left, nothing at
 * the top level), and the year-end step of the smart level (investment and
 * coverage both needed, one level a year, never beyond level 2). Every oracle is worked out by hand in the comment next to
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

/* The smart-park parameters every case here works out by hand. */
static Params smart_params(void)
{
    Params p = *base;
    p.smart.base_investment = 120;        /* 10 a month */
    p.smart.cost[0] = 1500;
    p.smart.cost[1] = 4000;
    p.smart.coverage[0] = 0.6;
    p.smart.coverage[1] = 0.85;
    p.levers.smart.investment_max = 1200; /* 100 a month at I = 1 */
    return p;
}

TEST(test_park_month)
{
    Params p = smart_params();
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.budget[LEVER_SMART] = 1000;
    smart_park_month(&p, 0, &ps);
    ok(ps.smart_invest == 10 && ps.budget[LEVER_SMART] == 1000, "intensity 0: the park's own 120/12 = 10 only, nothing paid");
    /* I = 0.5: own 10, then min(0.5 x 100, need 1500 - 20, budget 1000) = 50 */
    smart_park_month(&p, 0.5, &ps);
    ok(ps.smart_invest == 70 && ps.budget[LEVER_SMART] == 950 && ps.spent[LEVER_SMART] == 50,
       "I = 0.5: own 10 plus 50 paid (invest 10 -> 70)");
    ps.smart_invest = 1480; /* own 10 -> 1490; need 10 < 50 */
    smart_park_month(&p, 0.5, &ps);
    ok(ps.smart_invest == 1500 && ps.budget[LEVER_SMART] == 940 && ps.spent[LEVER_SMART] == 60,
       "paid investment capped by the need to the next level (10 of 50)");
    smart_park_month(&p, 0.5, &ps);
    ok(ps.smart_invest == 1510 && ps.budget[LEVER_SMART] == 940, "need met: own 10 only, nothing paid");
    ps.smart_invest = 0;
    ps.budget[LEVER_SMART] = 7;
    smart_park_month(&p, 1.0, &ps);
    ok(ps.smart_invest == 17 && ps.budget[LEVER_SMART] == 0 && ps.spent[LEVER_SMART] == 67,
       "paid investment capped by the budget left (7 of 100)");
    ps.smart_level = 2;
    ps.smart_invest = 0;
    ps.budget[LEVER_SMART] = 1000;
    smart_park_month(&p, 1.0, &ps);
    ok(ps.smart_invest == 10 && ps.budget[LEVER_SMART] == 1000, "at the top level the lever pays nothing (own 10 still added)");
}

TEST(test_year_step)
{
    Params p = smart_params();
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.budget[LEVER_SMART] = 1000;
    /* Year-end steps. */
    ps.smart_level = 0;
    ps.smart_invest = 1500;
    int s0 = smart_park_year(&p, &ps, 0.6);
    ok(s0 == 1 && ps.smart_level == 1 && ps.smart_invest == 0, "investment 1500 and coverage 0.6: level 0 -> 1, cost 1500 used");
    ps.smart_level = 0;
    ps.smart_invest = 1499.5;
    int s1 = smart_park_year(&p, &ps, 1.0);
    ps.smart_invest = 1500;
    int s2 = smart_park_year(&p, &ps, 0.59);
    ok(s1 == 0 && s2 == 0 && ps.smart_level == 0 && ps.smart_invest == 1500,
       "no step with investment 1499.5 < 1500, nor with coverage 0.59 < 0.6 (both are needed)");
    ps.smart_invest = 6000;
    s1 = smart_park_year(&p, &ps, 1.0);
    int l1 = ps.smart_level;
    double v1 = ps.smart_invest;
    s2 = smart_park_year(&p, &ps, 1.0); /* the next year */
    ok(s1 == 1 && l1 == 1 && v1 == 4500 && s2 == 1 && ps.smart_level == 2 && ps.smart_invest == 500,
       "investment 6000 covers both levels but steps one a year: 0 -> 1 (4500 left), then 1 -> 2 (500 left)");
    ps.smart_level = 1;
    ps.smart_invest = 5000;
    s1 = smart_park_year(&p, &ps, 0.84);
    ok(s1 == 0 && ps.smart_level == 1, "level 1 -> 2 needs coverage 0.85 (0.84: no)");
    ps.smart_level = 2;
    ps.smart_invest = 1e9;
    s2 = smart_park_year(&p, &ps, 1.0);
    ok(s2 == 0 && ps.smart_level == 2 && ps.smart_invest == 1e9, "never beyond level 2");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_park_month);
    run_test(test_year_step);
    config_free(&jx);
    return done_testing();
}
