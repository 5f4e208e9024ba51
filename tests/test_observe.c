/** \file test_observe.c
 * The distance of observations files (sim/observe.c): two-sided and one-sided
 * misses in tolerance units, their Euclidean norm, NaN summaries; and the
 * shipped Jiangxi observations file loads against its scenario.
 */
#include "tap.h"
#include "../sim/observe.h"

#include <math.h>
#include <string.h>

static Observations three(void)
{
    Observations ob;
    memset(&ob, 0, sizeof ob);
    ob.n = 3;
    ob.ob[0] = (Observation){.stat = OS_GROWTH, .dist = OD_ABS, .value = 0.05, .tolerance = 0.01};
    ob.ob[1] = (Observation){.stat = OS_PARK_TIER, .dist = OD_AT_LEAST, .value = 1, .tolerance = 0.25};
    ob.ob[2] = (Observation){.stat = OS_TIER2_PARKS, .dist = OD_AT_MOST, .value = 9, .tolerance = 3};
    return ob;
}

TEST(test_distance)
{
    Observations ob = three();
    /* misses: (0.0713-0.05)/0.01 = 2.13; share 0.8 below the floor 1: -0.8; 7.4 under the ceiling: 0 */
    double s[3] = {0.0713, 0.8, 7.4};
    is_double(obs_distance(&ob, s), sqrt(2.13 * 2.13 + 0.8 * 0.8), 1e-12, "misses in tolerance units, Euclidean norm");
    double t[3] = {0.05, 1.0, 12.3};
    is_double(obs_distance(&ob, t), 1.1, 1e-12, "a ceiling counts only above it (12.3 vs 9 with tolerance 3: 1.1)");
    double u[3] = {0.0287, 1.4, 2};
    is_double(obs_distance(&ob, u), 2.13, 1e-12, "a floor counts only below it; a two-sided miss below counts");
    double v[3] = {0.05, NAN, 9};
    ok(isnan(obs_distance(&ob, v)), "a NaN summary gives a NaN distance (never accepted)");
}

TEST(test_shipped_file)
{
    Scenario sc;
    memset(&sc, 0, sizeof sc);
    Observations ob;
    int st = (int)config_load(&sc, "configs/jiangxi-baseline.yaml", NULL, 0);
    ok(st == SIM_OK, "the Jiangxi baseline loads");
    if (st == SIM_OK) st = (int)obs_load(&ob, "configs/observations/jiangxi-2025.yaml", &sc);
    ok(st == SIM_OK && ob.n == 8 && ob.model == OM_PARKSIM, "configs/observations/jiangxi-2025.yaml loads: 8 facts");
    int jishui = -1;
    for (int i = 0; st == SIM_OK && i < ob.n; i++)
        if (ob.ob[i].stat == OS_PARK_TIER) jishui = i;
    ok(jishui >= 0 && !strcmp(sc.parks[ob.ob[jishui].park].code, "jishui_chem") && ob.ob[jishui].tier == 2 &&
       ob.ob[jishui].dist == OD_AT_LEAST, "the 吉水 fact names its park, tier 2, one-sided");
    if (st == SIM_OK) obs_free(&ob);
    config_free(&sc);
}

int main(void)
{
    run_test(test_distance);
    run_test(test_shipped_file);
    return done_testing();
}
