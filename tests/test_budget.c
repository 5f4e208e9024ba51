/** \file test_budget.c
 * The yearly budget split (policies/budget.c, levers_allocate_year) and what
 * it reads from the lever framework: each lever's need in a park
 * (lever_need, through the descriptors' need functions), the targeting rules
 * (need, equal, strongest; a lever's own rule over the province's), whole
 * actions' worth for levers that pay whole actions, the province.budget cap,
 * the lever's months and the reset of what was spent.
 *
 * Every oracle is worked out by hand in the comment next to it; every
 * parameter an oracle depends on is set here, so changing a default in
 * sim/config.c cannot move these tests.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;

/* Budgets of lever `id` of 4 parks match want[] within 1e-9. */
static int budgets_are(const ParkState *parks, LeverId id, const double want[4])
{
    int good = 1;
    for (int k = 0; k < 4; k++) good &= fabs(parks[k].budget[id] - want[k]) < 1e-9;
    if (!good)
        printf("#   got %.6f %.6f %.6f %.6f, want %.6f %.6f %.6f %.6f\n", parks[0].budget[id], parks[1].budget[id],
               parks[2].budget[id], parks[3].budget[id], want[0], want[1], want[2], want[3]);
    return good;
}

/* Four firm-less parks with the given infrastructure levels. */
static void parks4(ParkState parks[4], const double infra[4])
{
    memset(parks, 0, 4 * sizeof *parks);
    for (int k = 0; k < 4; k++) parks[k].infra = infra[k];
}

TEST(test_split_by_need_three_levers)
{
    /* Budget split by need. Park 0: 3 firms below tech 1 (one of them class C,
     * one class D), 20 mu idle. Park 1: one firm below tech 1, one at tech 1
     * (class C), one exited (class D, not counted), 60 mu idle. Upgrades
     * need 3:1, mergers (C/D active) 2:1, revitalisation (idle mu) 20:60. */
    Params p = *base;
    p.levers.upgrades.c = (LeverParams){0, 35, 1, 1000, 0};
    p.levers.mergers.c = (LeverParams){0, 35, 0.5, 300, 0};
    p.levers.revitalisation.c = (LeverParams){0, 35, 1, 800, 0};
    ParkState parks[2];
    memset(parks, 0, sizeof parks);
    Firm f;
    f = mkfirm(1, 100, 1, 0.2, CLASS_A, 0, 0); park_add_firm(&parks[0], &f);
    f = mkfirm(2, 100, 1, 0.5, CLASS_C, 0, 1); park_add_firm(&parks[0], &f);
    f = mkfirm(3, 100, 1, 0.7, CLASS_D, 0, 2); park_add_firm(&parks[0], &f);
    f = mkfirm(4, 100, 1, 0.4, CLASS_B, 0, 0); park_add_firm(&parks[1], &f);
    f = mkfirm(5, 100, 1, 1.0, CLASS_C, 0, 1); park_add_firm(&parks[1], &f);
    f = mkfirm(6, 100, 1, 0.1, CLASS_D, 0, 2); f.status = FIRM_EXITED; park_add_firm(&parks[1], &f);
    park_add_site(&parks[0], 20, -1);
    park_add_site(&parks[1], 60, -1);
    parks[0].spent[LEVER_UPGRADES] = 7; /* reset by the allocation */
    double work[LEVERS_ALLOCATE_WORK(2)];
    ParkInfo pinfo[2];
    memset(pinfo, 0, sizeof pinfo);
    levers_allocate_year(&p, pinfo, parks, 2, 0, work);
    ok(fabs(parks[0].budget[LEVER_UPGRADES] - 750) < 1e-9 && fabs(parks[1].budget[LEVER_UPGRADES] - 250) < 1e-9 &&
       parks[0].spent[LEVER_UPGRADES] == 0, "upgrades budget 1000 split 3:1 by firms below tech 1 (750/250), spent reset");
    ok(parks[0].budget[LEVER_MERGERS] == 300 && parks[1].budget[LEVER_MERGERS] == 0,
       "mergers budget 300 = one 300 subsidy, shares 2:1 by class C/D firms: the whole unit to park 0 (largest remainder)");
    ok(fabs(parks[0].budget[LEVER_REVITALISATION] - 200) < 1e-9 && fabs(parks[1].budget[LEVER_REVITALISATION] - 600) < 1e-9,
       "revitalisation budget 800 split 20:60 by idle land (200/600)");
    p.levers.upgrades.c.intensity = 0;
    p.levers.mergers.c = (LeverParams){12, 35, 1, 300, 0}; /* starts in year 2 */
    levers_allocate_year(&p, pinfo, parks, 2, 0, work);
    ok(parks[0].budget[LEVER_UPGRADES] == 0 && parks[1].budget[LEVER_UPGRADES] == 0 &&
       parks[0].budget[LEVER_MERGERS] == 0 && parks[1].budget[LEVER_MERGERS] == 0,
       "no budget for a lever at intensity 0 or outside the year");
    levers_allocate_year(&p, pinfo, parks, 2, 12, work);
    ok(parks[0].budget[LEVER_MERGERS] == 300, "budget from the lever's first year on");
    park_clear(&parks[0]);
    park_clear(&parks[1]);
}

TEST(test_allocation_rules)
{
    /* Safety: need = 1 - infra, continuous (no unit cost), budget 700.
     * infra 0.5, 0.75, 1, 0 -> need 0.5, 0.25, 0, 1 (total 1.75). */
    Params p = *base;
    levers_off(&p);
    p.province.budget = 0;
    p.province.allocation = ALLOC_NEED;
    p.province.candidates = 2;
    p.province.candidate_share = 0.8;
    p.levers.safety.c = (LeverParams){0, 35, 1, 700, 0};
    ParkInfo info[4];
    memset(info, 0, sizeof info);
    ParkState parks[4];
    double work[LEVERS_ALLOCATE_WORK(4)];
    const double infra[4] = {0.5, 0.75, 1.0, 0.0};

    parks4(parks, infra);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double need_w[4] = {200, 100, 0, 400}; /* 700 x 0.5/1.75, 0.25/1.75, 0, 1/1.75 */
    ok(budgets_are(parks, LEVER_SAFETY, need_w), "need: 700 split 0.5 : 0.25 : 0 : 1 -> 200, 100, 0, 400");

    p.province.allocation = ALLOC_EQUAL;
    parks4(parks, infra);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double eq_w[4] = {700.0 / 3, 700.0 / 3, 0, 700.0 / 3};
    ok(budgets_are(parks, LEVER_SAFETY, eq_w), "equal: 700 / 3 to each of the three parks with any need, 0 to park 2");

    /* Strongest: scores 50, 70, 90, 60, 2 candidates -> parks 2 (90) and 1
     * (70). Candidates' need: 0.25 + 0 -> park 1 gets 0.8 x 700 = 560;
     * others (0.5, 1) share 140: 46.67 and 93.33. */
    p.province.allocation = ALLOC_STRONGEST;
    const double score[4] = {50, 70, 90, 60};
    parks4(parks, infra);
    for (int k = 0; k < 4; k++) parks[k].score_prev = score[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double st_w[4] = {140.0 / 3, 560, 0, 280.0 / 3};
    ok(budgets_are(parks, LEVER_SAFETY, st_w), "strongest: candidates (scores 90, 70) get 0.8 x 700 by need (560, 0), the rest 140 by need");

    const double infra_c0[4] = {0.5, 1, 1, 0}; /* candidates 1 and 2 have no need */
    parks4(parks, infra_c0);
    for (int k = 0; k < 4; k++) parks[k].score_prev = score[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double c0_w[4] = {700.0 / 3, 0, 0, 1400.0 / 3};
    ok(budgets_are(parks, LEVER_SAFETY, c0_w), "strongest: candidates without need pass their share on: the others get all 700 (1:2)");

    const double infra_o0[4] = {1, 0.75, 0.5, 1}; /* non-candidates 0 and 3 have no need */
    parks4(parks, infra_o0);
    for (int k = 0; k < 4; k++) parks[k].score_prev = score[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double o0_w[4] = {0, 700.0 / 3, 1400.0 / 3, 0};
    ok(budgets_are(parks, LEVER_SAFETY, o0_w), "strongest: others without need pass theirs on: candidates get all 700 (1:2)");

    /* Tied scores 80, 80, 80, 10: the lower indices 0 and 1 are the candidates. */
    const double infra_h[4] = {0.5, 0.5, 0.5, 0.5}, tie[4] = {80, 80, 80, 10};
    parks4(parks, infra_h);
    for (int k = 0; k < 4; k++) parks[k].score_prev = tie[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double tie_w[4] = {280, 280, 70, 70};
    ok(budgets_are(parks, LEVER_SAFETY, tie_w), "strongest: a score tie goes to the lower park index (280, 280 | 70, 70)");

    const double infra_1[4] = {1, 1, 1, 1};
    parks4(parks, infra_1);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double zero[4] = {0, 0, 0, 0};
    ok(budgets_are(parks, LEVER_SAFETY, zero), "no park with need: nobody gets money");
}

TEST(test_per_lever_targeting)
{
    Params p = *base;
    levers_off(&p);
    p.province.budget = 0;
    p.smart.cost[0] = 1500;
    p.levers.safety.c = (LeverParams){0, 35, 1, 700, 2}; /* targeting `equal` */
    p.levers.smart.c = (LeverParams){0, 35, 1, 600, 0};  /* targeting `province` */
    p.province.allocation = ALLOC_NEED;
    ParkInfo info[4];
    memset(info, 0, sizeof info);
    ParkState parks[4];
    double work[LEVERS_ALLOCATE_WORK(4)];
    const double infra[4] = {0.5, 0.75, 1.0, 0.0}, invest[4] = {0, 500, 1000, 1500};
    parks4(parks, infra);
    for (int k = 0; k < 4; k++) parks[k].smart_invest = invest[k]; /* smart need 1500, 1000, 500, 0 */
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double eq_w[4] = {700.0 / 3, 700.0 / 3, 0, 700.0 / 3}, sm_need[4] = {300, 200, 100, 0};
    int a = budgets_are(parks, LEVER_SAFETY, eq_w), b = budgets_are(parks, LEVER_SMART, sm_need);
    ok(a && b, "province `need`, safety targeting `equal`: safety split equally, smart (province) by need 300/200/100/0");
    ok(lever_rule(&p, LEVER_SAFETY) == ALLOC_EQUAL && lever_rule(&p, LEVER_SMART) == ALLOC_NEED,
       "lever_rule: targeting 2 = equal overrides; 0 follows province.allocation");

    p.province.allocation = ALLOC_EQUAL;
    p.levers.safety.c.targeting = 1; /* `need` */
    parks4(parks, infra);
    for (int k = 0; k < 4; k++) parks[k].smart_invest = invest[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double need_w[4] = {200, 100, 0, 400}, sm_eq[4] = {200, 200, 200, 0};
    a = budgets_are(parks, LEVER_SAFETY, need_w);
    b = budgets_are(parks, LEVER_SMART, sm_eq);
    ok(a && b, "province `equal`, safety targeting `need`: safety by need 200/100/0/400, smart (province) equal 200/200/200/0");
    p.levers.safety.c.targeting = 3;
    ok(lever_rule(&p, LEVER_SAFETY) == ALLOC_STRONGEST, "lever_rule: targeting 3 = strongest");
}

TEST(test_whole_units)
{
    /* Focus pays whole actions (cost_per_industry); need = industries - 3. */
    Params p = *base;
    levers_off(&p);
    p.province.budget = 0;
    p.province.allocation = ALLOC_NEED;
    p.assessment.focus_max_industries = 3;
    p.levers.focus.cost_per_industry = 100;
    p.levers.focus.c = (LeverParams){0, 35, 1, 1000, 0};
    ParkInfo info[4];
    memset(info, 0, sizeof info);
    ParkState parks[4];
    double work[LEVERS_ALLOCATE_WORK(4)];
    const double none[4] = {1, 1, 1, 1};

    /* 10 units; need 1, 2, 3, 0 -> quotas 1.667, 3.333, 5, 0: whole 1, 3, 5;
     * the one unit left goes to the largest remainder (park 0, 0.667). */
    const int ind1[4] = {4, 5, 6, 3};
    parks4(parks, none);
    for (int k = 0; k < 4; k++) parks[k].industries = ind1[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double w1[4] = {200, 300, 500, 0};
    ok(budgets_are(parks, LEVER_FOCUS, w1), "whole units: 10 x 100 by need 1:2:3 -> quotas 1.67, 3.33, 5 -> 2, 3, 5 units");

    /* Equal quotas 3.333: 3 each and the last unit to the lowest index. */
    const int ind2[4] = {4, 4, 4, 3};
    parks4(parks, none);
    for (int k = 0; k < 4; k++) parks[k].industries = ind2[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double w2[4] = {400, 300, 300, 0};
    ok(budgets_are(parks, LEVER_FOCUS, w2), "whole units: equal remainders, the spare unit goes to the lowest park index");

    /* Cost 300: floor(1000/300) = 3 units over 4 equal needs (quota 0.75):
     * a proportional split (250 each) could buy nothing anywhere. */
    p.levers.focus.cost_per_industry = 300;
    const int ind3[4] = {4, 4, 4, 4};
    parks4(parks, none);
    for (int k = 0; k < 4; k++) parks[k].industries = ind3[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double w3[4] = {300, 300, 300, 0};
    ok(budgets_are(parks, LEVER_FOCUS, w3), "whole units: 3 units of 300 over 4 parks -> 300, 300, 300, 0 (100 left unallocated)");

    /* Equal rule with units: parks 0, 1, 3 have need (of any size), 10 units -> 4, 3, 0, 3. */
    p.levers.focus.cost_per_industry = 100;
    p.province.allocation = ALLOC_EQUAL;
    const int ind4[4] = {4, 6, 3, 5};
    parks4(parks, none);
    for (int k = 0; k < 4; k++) parks[k].industries = ind4[k];
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double w4[4] = {400, 300, 0, 300};
    ok(budgets_are(parks, LEVER_FOCUS, w4), "whole units under `equal`: 10 units over 3 parks with need -> 4, 3, 0, 3");
}

TEST(test_province_cap_schedule_reset)
{
    Params p = *base;
    levers_off(&p);
    p.province.allocation = ALLOC_NEED;
    p.smart.cost[0] = 1500;
    p.levers.safety.c = (LeverParams){0, 35, 1, 600, 0};
    p.levers.smart.c = (LeverParams){0, 35, 1, 400, 0};
    p.levers.focus.c = (LeverParams){0, 35, 0, 1e6, 0}; /* intensity 0: inactive, must not count */
    ParkInfo info[4];
    memset(info, 0, sizeof info);
    ParkState parks[4];
    double work[LEVERS_ALLOCATE_WORK(4)];
    const double half[4] = {0.5, 0.5, 0.5, 0.5};

    /* Active budgets 600 + 400 = 1000 > cap 500: both scaled by 0.5.
     * Equal needs: safety 300/4 = 75 each, smart 200/4 = 50 each. */
    p.province.budget = 500;
    parks4(parks, half);
    for (int k = 0; k < 4; k++) parks[k].industries = 5, parks[k].budget[LEVER_FOCUS] = 123, parks[k].spent[LEVER_FOCUS] = 45,
                                parks[k].spent[LEVER_SAFETY] = 7;
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double s75[4] = {75, 75, 75, 75}, m50[4] = {50, 50, 50, 50}, zero[4] = {0, 0, 0, 0};
    int a = budgets_are(parks, LEVER_SAFETY, s75), b = budgets_are(parks, LEVER_SMART, m50);
    ok(a && b, "province.budget 500 < 600 + 400: both levers scaled by 0.5 (safety 75, smart 50 a park)");
    int reset = 1;
    for (int k = 0; k < 4; k++) reset &= parks[k].spent[LEVER_FOCUS] == 0 && parks[k].spent[LEVER_SAFETY] == 0;
    ok(budgets_are(parks, LEVER_FOCUS, zero) && reset,
       "an inactive lever (intensity 0, budget 1e6) gets 0, does not count against the cap; spent reset for all levers");

    p.province.budget = 2000;
    parks4(parks, half);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    const double s150[4] = {150, 150, 150, 150}, m100[4] = {100, 100, 100, 100};
    a = budgets_are(parks, LEVER_SAFETY, s150);
    b = budgets_are(parks, LEVER_SMART, m100);
    p.province.budget = 0;
    parks4(parks, half);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    ok(a && b && budgets_are(parks, LEVER_SAFETY, s150), "under the cap (2000) or no cap (0): budgets unscaled");

    /* Smart active only July-December 2026 (months 6-11): it counts in
     * 2026 (month 0), not in 2027 (month 12), where safety alone (600)
     * is capped to 500 (125 a park). */
    p.province.budget = 500;
    p.levers.smart.c = (LeverParams){6, 11, 1, 400, 0};
    parks4(parks, half);
    levers_allocate_year(&p, info, parks, 4, 0, work);
    a = budgets_are(parks, LEVER_SAFETY, s75) && budgets_are(parks, LEVER_SMART, m50);
    parks4(parks, half);
    for (int k = 0; k < 4; k++) parks[k].budget[LEVER_SMART] = 9;
    levers_allocate_year(&p, info, parks, 4, 12, work);
    const double s125[4] = {125, 125, 125, 125};
    b = budgets_are(parks, LEVER_SAFETY, s125) && budgets_are(parks, LEVER_SMART, zero);
    ok(a && b, "a lever active in part of the year counts that year; after its end it gets 0 and the cap is safety's alone");
}

TEST(test_lever_need)
{
    Params p = *base;
    p.population.chain_links = 4;
    p.chain.min_site_mu = 20;
    const double rd[4] = {0.01, 0.03, 0.03, 0.03}, rev[4] = {0, 1000, 10000, 40000}, tech[4] = {0, 0.5, 0.5, 0.6};
    memcpy(p.cultivation.rd_min, rd, sizeof rd);
    memcpy(p.cultivation.revenue_min, rev, sizeof rev);
    memcpy(p.cultivation.tech_min, tech, sizeof tech);
    p.smart.cost[0] = 1500;
    p.smart.cost[1] = 4000;
    p.assessment.focus_max_industries = 3;
    ParkInfo info;
    memset(&info, 0, sizeof info);
    info.n_chains = 1;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    /* f1 A tech 0.2 rd 0.01 (eligible), chain 0 link 0, 2 mu
     * f2 C tech 1.0 rd 0.005 (not eligible), chain 0 link 1, 3 mu
     * f3 D tech 0.99 rd 0.02 (eligible), 4 mu
     * f4 D exited, 5 mu (counts nowhere)
     * f5 D champion (not eligible), tech 0.3, 6 mu */
    Firm f;
    f = mkfirm(1, 100, 2, 0.2, CLASS_A, 0, 0); park_add_firm(&ps, &f);
    f = mkfirm(2, 100, 3, 1.0, CLASS_C, 0, 1); f.rd = 0.005; park_add_firm(&ps, &f);
    f = mkfirm(3, 100, 4, 0.99, CLASS_D, -1, 0); f.rd = 0.02; park_add_firm(&ps, &f);
    f = mkfirm(4, 100, 5, 0.1, CLASS_D, 0, 2); f.status = FIRM_EXITED; park_add_firm(&ps, &f);
    f = mkfirm(5, 100, 6, 0.3, CLASS_D, -1, 0); f.cult = CULT_CHAMPION; park_add_firm(&ps, &f);
    ps.infra = 0.25;
    ps.industries = 5;
    ps.smart_invest = 500;
    ok(lever_need(&p, &info, &ps, LEVER_MERGERS) == 3, "need mergers: active class C/D firms (f2, f3, f5) = 3");
    ok(lever_need(&p, &info, &ps, LEVER_UPGRADES) == 3, "need upgrades: active firms below tech 1 (f1, f3, f5) = 3");
    ok(lever_need(&p, &info, &ps, LEVER_CULTIVATION) == 2, "need cultivation: eligible active firms (f1, f3) = 2");
    ok(lever_need(&p, &info, &ps, LEVER_LAND) == 10, "need land: class D land of active firms (4 + 6) = 10 mu");
    ok(lever_need(&p, &info, &ps, LEVER_SAFETY) == 0.75, "need safety: 1 - infra 0.25 = 0.75");
    ok(lever_need(&p, &info, &ps, LEVER_FOCUS) == 2, "need focus: 5 industries - 3 = 2");
    ps.industries = 3;
    ok(lever_need(&p, &info, &ps, LEVER_FOCUS) == 0, "need focus: 3 industries: 0");
    double s0 = lever_need(&p, &info, &ps, LEVER_SMART);
    ps.smart_invest = 2000;
    double s1 = lever_need(&p, &info, &ps, LEVER_SMART);
    ps.smart_level = 1;
    ps.smart_invest = 1000;
    double s2 = lever_need(&p, &info, &ps, LEVER_SMART);
    ps.smart_level = 2;
    double s3 = lever_need(&p, &info, &ps, LEVER_SMART);
    ok(s0 == 1000 && s1 == 0 && s2 == 3000 && s3 == 0,
       "need smart: cost to the next level minus investment (1500 - 500; 0 when covered; 4000 - 1000; 0 at the top)");
    double c_nosite = lever_need(&p, &info, &ps, LEVER_CHAIN);
    ok(lever_need(&p, &info, &ps, LEVER_REVITALISATION) == 0 && c_nosite == 0, "no sites: revitalisation and chain need 0");
    park_add_site(&ps, 10, -1);
    park_add_site(&ps, 20.5, -1);
    ps.site[1].ready = 1;
    ok(lever_need(&p, &info, &ps, LEVER_REVITALISATION) == 10,
       "need revitalisation: uncleared idle land only, which is what its budget pays for (10, not the cleared 20.5)");
    ok(lever_need(&p, &info, &ps, LEVER_CHAIN) == 2, "need chain: missing links 2 and 3 of the one chain (f4 exited) = 2");
    /* Sites only below chain.min_site_mu: chain_park_month can never
     * place a project here, so the need should be 0; the allocation then
     * deals this park whole projects it cannot spend. */
    ps.site[1].mu = 19;
    ok(lever_need(&p, &info, &ps, LEVER_CHAIN) == 0,
       "need chain: 0 when no idle site reaches chain.min_site_mu (sites 10 and 19 < 20)");
    park_clear(&ps);
}

/* Whole units over many parks with many equal remainders: the budgets equal
 * those of the largest-remainder method as first defined, one unit at a
 * time to the park with the largest remainder left (ties to the lower
 * index), on 300 random splits of a mergers budget (need: a park's class
 * C/D firms, 0..6 of them, so that shares and remainders repeat) over 1 to
 * 60 parks, under each targeting rule. */
TEST(test_whole_units_match_unit_by_unit)
{
    Params p = *base;
    levers_off(&p);
    p.province.budget = 0;
    p.province.candidates = 3;
    p.province.candidate_share = 0.7;
    p.levers.mergers.subsidy_per_deal = 300;
    gsl_rng *g = rng_gsl_alloc();
    rng_gsl_reset(g, 7, 0, 0, 0, RNG_ACQUIRER);
    enum { PMAX = 60 };
    ParkState parks[PMAX];
    ParkInfo info[PMAX];
    double work[LEVERS_ALLOCATE_WORK(PMAX)], need[PMAX], share[PMAX], frac[PMAX];
    memset(info, 0, sizeof info);
    int bad = 0, split_units = 0;
    for (int trial = 0; trial < 300; trial++) {
        int P = 1 + (int)gsl_rng_uniform_int(g, PMAX);
        p.province.allocation = trial % 3 == 0 ? ALLOC_NEED : trial % 3 == 1 ? ALLOC_EQUAL : ALLOC_STRONGEST;
        p.levers.mergers.c = (LeverParams){0, 35, 1, 300.0 * (double)gsl_rng_uniform_int(g, 3 * PMAX), 0};
        memset(parks, 0, sizeof parks);
        double total = 0;
        for (int k = 0; k < P; k++) {
            int weak = (int)gsl_rng_uniform_int(g, 7);
            for (int i = 0; i < weak; i++) {
                Firm f = mkfirm((uint64_t)i, 100, 1, 0.5, CLASS_C, 0, 0);
                park_add_firm(&parks[k], &f);
            }
            parks[k].score_prev = (double)gsl_rng_uniform_int(g, 5); /* ties among the candidates too */
            need[k] = weak;
            total += weak;
        }
        levers_allocate_year(&p, info, parks, P, 0, work);
        /* the shares by the rule, as budget.c's allot computes them */
        int n_pos = 0;
        for (int k = 0; k < P; k++) n_pos += need[k] > 0;
        double tc = 0, to = 0, sc;
        int cand[PMAX];
        for (int k = 0; k < P; k++) {
            int rank = 0;
            for (int j = 0; j < P; j++)
                rank += parks[j].score_prev > parks[k].score_prev || (parks[j].score_prev == parks[k].score_prev && j < k);
            cand[k] = rank < p.province.candidates;
            if (cand[k]) tc += need[k];
            else to += need[k];
        }
        sc = tc > 0 && to > 0 ? p.province.candidate_share : tc > 0 ? 1 : 0;
        for (int k = 0; k < P; k++)
            share[k] = p.province.allocation == ALLOC_NEED    ? (total > 0 ? need[k] / total : 0)
                       : p.province.allocation == ALLOC_EQUAL ? (need[k] > 0 ? 1.0 / n_pos : 0)
                       : cand[k]                             ? (tc > 0 ? sc * need[k] / tc : 0)
                                                             : (to > 0 ? (1 - sc) * need[k] / to : 0);
        double budget = p.levers.mergers.c.budget, unit = 300, units = floor(budget / unit), given = 0, want[PMAX];
        for (int k = 0; k < P; k++) {
            double q = units * share[k], whole = floor(q);
            want[k] = whole * unit;
            frac[k] = share[k] > 0 ? q - whole : -1;
            given += whole;
        }
        if (total > 0 && budget > 0)
            for (double left = units - given; left > 0.5; left -= 1) {
                int best = -1;
                for (int k = 0; k < P; k++)
                    if (frac[k] >= 0 && (best < 0 || frac[k] > frac[best])) best = k;
                if (best < 0) break;
                want[best] += unit;
                frac[best] = -1;
                split_units++;
            }
        for (int k = 0; k < P; k++) {
            bad += parks[k].budget[LEVER_MERGERS] != (total > 0 && budget > 0 ? want[k] : 0);
            park_clear(&parks[k]);
        }
    }
    is_int(bad, 0, "whole units: every park's budget as the unit-by-unit largest remainder gives it");
    ok(split_units > 1000, "the remainders decided %d units", split_units);
    gsl_rng_free(g);
}

TEST(test_needs_given_match)
{
    /* The split from needs gathered park by park (levers_park_needs, as the
     * year end gathers them) is the split levers_allocate_year makes itself,
     * bit for bit, on the Jiangxi population with every lever on; a lever
     * outside its months that year has need 0, one inside the need of its
     * descriptor. Upgrades end at month 11, so they are off in year 2. */
    Scenario sc;
    if (!load_scenario(&sc, "configs/jiangxi-all-levers.yaml")) return;
    Params p = sc.p;
    p.levers.upgrades.c.end = 11;
    Replicate R;
    ReplicateOut out;
    if (!out_alloc(&out, &p, sc.n_parks)) bail_oom();
    if (replicate_init(&R, &p, sc.parks, sc.n_parks, 3, &out) != SIM_OK) bail_oom();
    int P = sc.n_parks, same = 1, off_zero = 1, on_match = 1;
    ParkState *a = malloc((size_t)P * sizeof *a);
    double *need = malloc((size_t)P * LEVER_COUNT * sizeof *need), *work = malloc(LEVERS_ALLOCATE_WORK(P) * sizeof *work);
    if (!a || !need || !work) bail_oom();
    for (int month = 0; month <= 12; month += 12) {
        for (int k = 0; k < P; k++) levers_park_needs(&p, &sc.parks[k], &R.park[k], month, &need[k * LEVER_COUNT]);
        for (int k = 0; k < P; k++) {
            off_zero &= month == 0 || need[k * LEVER_COUNT + LEVER_UPGRADES] == 0;
            on_match &= need[k * LEVER_COUNT + LEVER_MERGERS] == lever_need(&p, &sc.parks[k], &R.park[k], LEVER_MERGERS);
        }
        memcpy(a, R.park, (size_t)P * sizeof *a);
        levers_allocate_year(&p, sc.parks, a, P, month, work);
        levers_allocate_year_needs(&p, R.park, P, month, need, work);
        for (int k = 0; k < P; k++)
            same &= !memcmp(a[k].budget, R.park[k].budget, sizeof a[k].budget) &&
                    !memcmp(a[k].spent, R.park[k].spent, sizeof a[k].spent) &&
                    !memcmp(a[k].allotted, R.park[k].allotted, sizeof a[k].allotted);
        for (int k = 0; k < P; k++) R.park[k].budget[LEVER_MERGERS] *= 0.5; /* unspent money to pool into year 2 */
    }
    ok(same, "the split from needs gathered park by park equals levers_allocate_year's, bit for bit, in years 1 and 2");
    ok(off_zero, "levers_park_needs: a lever outside its months that year has need 0");
    ok(on_match, "levers_park_needs: an active lever's need is its descriptor's (lever_need)");
    free(a);
    free(need);
    free(work);
    replicate_free(&R);
    replicate_out_free(&out);
    config_free(&sc);
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_split_by_need_three_levers);
    run_test(test_allocation_rules);
    run_test(test_per_lever_targeting);
    run_test(test_whole_units);
    run_test(test_whole_units_match_unit_by_unit);
    run_test(test_province_cap_schedule_reset);
    run_test(test_lever_need);
    run_test(test_needs_given_match);
    config_free(&jx);
    return done_testing();
}
