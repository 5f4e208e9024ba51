/** \file test_cultivation.c
 * The cultivation lever (policies/cultivation.c) on hand cases: which firms
 * are eligible for the next tier (R&D, revenue and technology minima by
 * tier; a champion never), a firm's monthly promotion draw against its
 * tier's baseline hazard and the lever's (a lever promotion pays an award
 * from the park's budget, refused when it is short), and what a promotion
 * does to a firm. Every oracle is worked out by hand in the comment next to
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

TEST(test_eligibility)
{
    /* Minima by tier promoted from (0 none -> innovative, 1 -> 专精特新,
     * 2 -> little giant, 3 -> champion). */
    Params p = *base;
    const double rd[4] = {0.01, 0.03, 0.03, 0.03}, rev[4] = {0, 1000, 10000, 40000}, tech[4] = {0, 0.5, 0.5, 0.6};
    memcpy(p.cultivation.rd_min, rd, sizeof rd);
    memcpy(p.cultivation.revenue_min, rev, sizeof rev);
    memcpy(p.cultivation.tech_min, tech, sizeof tech);
    static const char *const tier[4] = {"none", "innovative", "specialised", "little giant"};
    for (int t = 0; t < 4; t++) {
        /* At the minima (revenue 0.1% above, as it is stored as a log): eligible.
         * R&D 1% below, revenue 0.1% below, tech 0.01 below: not (a zero
         * minimum cannot be undercut, so that case is skipped). */
        double r_ok = rev[t] > 0 ? rev[t] * 1.001 : 1.0;
        Firm f = mkfirm(1, r_ok, 1, tech[t], CLASS_B, -1, 0);
        f.rd = rd[t];
        f.cult = (uint8_t)t;
        int at_min = cultivation_eligible(&p, &f);
        Firm g = f;
        g.rd = rd[t] * 0.99;
        int rd_low = cultivation_eligible(&p, &g);
        g = f;
        firm_set_log_rev(&g, log(rev[t] * 0.999));
        int rev_low = rev[t] > 0 && cultivation_eligible(&p, &g);
        g = f;
        g.tech = tech[t] - 0.01;
        int tech_low = tech[t] > 0 && cultivation_eligible(&p, &g);
        ok(at_min && !rd_low && !rev_low && !tech_low,
           "cultivation tier %d (%s): eligible at rd %g, revenue %g+, tech %g; not with any of them below", t, tier[t],
           rd[t], rev[t], tech[t]);
    }
    Firm c = mkfirm(1, 1e9, 1, 1.0, CLASS_A, 0, 0);
    c.rd = 0.5;
    c.cult = CULT_CHAMPION;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.budget[LEVER_CULTIVATION] = 1000;
    int r = cultivation_firm(&p, 1.0, &ps, &c, 0.0);
    ok(!cultivation_eligible(&p, &c) && r == 0 && c.cult == CULT_CHAMPION && c.rd == 0.5 &&
       ps.budget[LEVER_CULTIVATION] == 1000, "a champion is never eligible and never promoted (u = 0, full intensity)");
}

TEST(test_promotion)
{
    Params p = *base;
    const double rd[4] = {0.01, 0.03, 0.03, 0.03}, rev[4] = {0, 1000, 10000, 40000}, tech[4] = {0, 0.5, 0.5, 0.6};
    const double rate[4] = {0.12, 0.06, 0.024, 0.012};
    memcpy(p.cultivation.rd_min, rd, sizeof rd);
    memcpy(p.cultivation.revenue_min, rev, sizeof rev);
    memcpy(p.cultivation.tech_min, tech, sizeof tech);
    memcpy(p.cultivation.rate, rate, sizeof rate);
    p.cultivation.rd_gain = 0.2;
    p.levers.cultivation.rate_multiplier_max = 3;
    p.levers.cultivation.award_per_promotion = 50;
    /* An innovative SME meeting the 专精特新 rule: baseline 0.06/yr = 0.005 a
     * month; lever at I = 0.5: 0.06 + 0.5 (0.18 - 0.06) = 0.12/yr = 0.01 a
     * month; at I = 1: 0.18/yr = 0.015 a month. */
    Firm f0 = mkfirm(1, 2000, 1, 0.7, CLASS_B, 0, 0);
    f0.rd = 0.04;
    f0.cult = CULT_INNOVATIVE;
    ParkState ps;
    memset(&ps, 0, sizeof ps);

    Firm f = f0;
    ps.budget[LEVER_CULTIVATION] = 100;
    int r = cultivation_firm(&p, 0.5, &ps, &f, 0.004);
    ok(r == 1 && f.cult == CULT_SPECIALISED && fabs(f.rd - 0.048) < 1e-15 && ps.budget[LEVER_CULTIVATION] == 100 &&
           ps.spent[LEVER_CULTIVATION] == 0,
       "u 0.004 < 0.005: baseline promotion (1), one tier up, rd 0.04 x 1.2 = 0.048, nothing paid");
    f = f0;
    r = cultivation_firm(&p, 0.5, &ps, &f, 0.008);
    ok(r == 2 && f.cult == CULT_SPECIALISED && fabs(f.rd - 0.048) < 1e-15 && ps.budget[LEVER_CULTIVATION] == 50 &&
           ps.spent[LEVER_CULTIVATION] == 50,
       "u 0.008 between 0.005 and the lever's 0.01: lever promotion (2), award 50 paid");
    f = f0;
    ps.budget[LEVER_CULTIVATION] = 49;
    r = cultivation_firm(&p, 0.5, &ps, &f, 0.008);
    ok(r == 0 && !memcmp(&f, &f0, sizeof f) && ps.budget[LEVER_CULTIVATION] == 49 && ps.spent[LEVER_CULTIVATION] == 50,
       "same u with 49 left (< award 50): no promotion, firm unchanged, nothing paid");
    f = f0;
    ps.budget[LEVER_CULTIVATION] = 100;
    int r1 = cultivation_firm(&p, 0, &ps, &f, 0.008);
    Firm g = f0;
    int r2 = cultivation_firm(&p, 0, &ps, &g, 0.004);
    ok(r1 == 0 && f.cult == CULT_INNOVATIVE && r2 == 1 && g.cult == CULT_SPECIALISED && ps.budget[LEVER_CULTIVATION] == 100,
       "intensity 0: only the baseline hazard (0.008: none; 0.004: baseline), nothing paid");
    f = f0;
    r1 = cultivation_firm(&p, 0.5, &ps, &f, 0.0105);
    r2 = cultivation_firm(&p, 1.0, &ps, &f, 0.0105);
    ok(r1 == 0 && r2 == 2 && f.cult == CULT_SPECIALISED, "u 0.0105: above the lever's 0.01 at I = 0.5, below 0.015 at I = 1");
    f = f0;
    f.rd = 0.02; /* below the 专精特新 R&D minimum 0.03 */
    double left = ps.budget[LEVER_CULTIVATION];
    r = cultivation_firm(&p, 1.0, &ps, &f, 0.0);
    ok(r == 0 && f.cult == CULT_INNOVATIVE && ps.budget[LEVER_CULTIVATION] == left,
       "an ineligible firm is not promoted even at u = 0, nothing paid");
    /* Coaching: R&D short of the rule grows at rd_growth_max a year at I = 1 (a month's step), and not at all at I = 0 */
    ok(fabs(f.rd - 0.02 * exp(p.levers.cultivation.rd_growth_max / 12.0)) < 1e-15,
       "the lever raises the R&D of a firm short of the next rule by exp(rd_growth_max / 12) a month (%g)", f.rd);
    f.rd = 0.02;
    cultivation_firm(&p, 0, &ps, &f, 0.9);
    ok(f.rd == 0.02, "intensity 0: R&D unchanged");
    f.rd = 0.031;
    cultivation_firm(&p, 1.0, &ps, &f, 0.9);
    ok(f.rd == 0.031, "a firm that meets the R&D rule gets no more R&D from coaching");
    /* From 0.02 to the 0.03 rule at 0.3 a year: ln 1.5 / 0.3 = 1.35 years, i.e. 17 months (monthly steps) */
    f.rd = 0.02;
    int months = 0;
    p.levers.cultivation.rd_growth_max = 0.3;
    while (f.rd < p.cultivation.rd_min[CULT_INNOVATIVE] && months < 100) {
        cultivation_firm(&p, 1.0, &ps, &f, 0.9);
        months++;
    }
    is_int(months, 17, "coaching takes R&D 0.02 to the 0.03 rule in ceil(12 ln 1.5 / 0.3) = 17 months");
    /* The hazard is the one of the firm's tier: none -> innovative 0.12/yr
     * (0.01 a month), little giant -> champion 0.012/yr (0.001 a month). */
    f = mkfirm(2, 10, 1, 0, CLASS_B, -1, 0);
    f.rd = 0.01;
    r1 = cultivation_firm(&p, 0, &ps, &f, 0.0099);
    g = mkfirm(3, 50000, 1, 0.6, CLASS_A, 0, 0);
    g.rd = 0.03;
    g.cult = CULT_LITTLE_GIANT;
    Firm h = g;
    r2 = cultivation_firm(&p, 0, &ps, &g, 0.0009);
    int r3 = cultivation_firm(&p, 0, &ps, &h, 0.0011);
    ok(r1 == 1 && f.cult == CULT_INNOVATIVE && r2 == 1 && g.cult == CULT_CHAMPION && r3 == 0 && h.cult == CULT_LITTLE_GIANT,
       "hazard by tier: 0.0099 < 0.01 promotes an ordinary firm; a little giant 0.0009 < 0.001 yes, 0.0011 no");
    f = f0;
    cultivation_promote(&p, &f);
    cultivation_promote(&p, &f);
    ok(f.cult == CULT_LITTLE_GIANT && fabs(f.rd - 0.04 * 1.2 * 1.2) < 1e-15,
       "cultivation_promote: one tier a call, rd x (1 + rd_gain) each time (0.0576 after two)");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_eligibility);
    run_test(test_promotion);
    config_free(&jx);
    return done_testing();
}
