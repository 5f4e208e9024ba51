/** \file test_policies.c
 * Hand cases for the six levers of commit ac9b150 (cultivation, safety,
 * smart park, 亩均 land pressure, focus, chain extension) and for the
 * provincial targeting (levers_allocate_year, lever_need). Every oracle is
 * worked out by hand in the comment next to it; every parameter an oracle
 * depends on is set here, so changing a default in sim/config.c cannot move
 * these tests. Statistical checks use fixed seeds and state their tolerance.
 *
 * Three of these tests found defects, since fixed: a forced exit on a draw
 * below the baseline hazard, a focus lever without a January never acting,
 * and chain money dealt to parks with no site a project could use.
 */
#include "tap.h"
#include "fixtures.h"
#include "../schedule/replicate.h"
#include "../agents/population.h"
#include "../policies/levers.h"
#include "../policies/revitalisation.h"
#include "../sim/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* Every lever off: hand cases switch on only what they test. */
static void levers_off(Params *p)
{
    for (int id = 0; id < LEVER_COUNT; id++) lever_c(p, (LeverId)id)->intensity = 0;
}

/* Occupied (active firms) plus idle land of a park. */
static double park_land(const ParkState *ps)
{
    double mu = park_idle_mu(ps);
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) mu += ps->firm[i].land_mu;
    return mu;
}

/* A one-park Replicate for chain extension: 2 leading chains of 4 links;
 * chain 0 holds links 0, 1, 3 (link 2 missing), chain 1 all four; each of
 * the 7 firms has 10 mu; idle sites of the given sizes (not cleared). */
static void chain_setup(Replicate *R, const Params *p, ParkInfo *info, char size, const double *sites, int ns)
{
    memset(info, 0, sizeof *info);
    snprintf(info->code, sizeof info->code, "hand");
    info->size_class = size;
    info->n_chains = 2;
    info->land_mu = 70;
    for (int i = 0; i < ns; i++) info->land_mu += sites[i];
    if (replicate_alloc(R, p, info, 1, 0) != SIM_OK) {
        printf("Bail out! out of memory\n");
        exit(1);
    }
    ParkState *ps = &R->park[0];
    const int chain[7] = {0, 0, 0, 1, 1, 1, 1}, link[7] = {0, 1, 3, 0, 1, 2, 3};
    for (int i = 0; i < 7; i++) {
        Firm f = mkfirm((uint64_t)i, 1000, 10, 0.5, CLASS_B, chain[i], link[i]);
        park_add_firm(ps, &f);
    }
    ps->next_serial = 7;
    for (int i = 0; i < ns; i++) park_add_site(ps, sites[i], -1);
}

/* A hand-built province for replicate_step runs: P parks (class L, one leading
 * chain) of n firms each, every firm with revenue 1e4, 1 mu, technology 0,
 * safety 0, class `lclass`, outside the leading chains; no idle land. */
static void province_setup(Replicate *R, const Params *p, ParkInfo *info, int P, int n, int lclass, int industries)
{
    memset(info, 0, (size_t)P * sizeof *info);
    for (int k = 0; k < P; k++) {
        snprintf(info[k].code, sizeof info[k].code, "p%d", k);
        info[k].size_class = 'L';
        info[k].firms = n;
        info[k].land_mu = n;
        info[k].n_chains = 1;
        info[k].industries = industries;
    }
    if (replicate_alloc(R, p, info, P, 0) != SIM_OK) {
        printf("Bail out! out of memory\n");
        exit(1);
    }
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        for (int i = 0; i < n; i++) {
            Firm f = mkfirm(((uint64_t)k << 32) | (uint64_t)i, 1e4, 1, 0, lclass, -1, 0);
            f.safety = 0;
            if (park_add_firm(ps, &f) != SIM_OK) {
                printf("Bail out! out of memory\n");
                exit(1);
            }
        }
        ps->next_serial = (uint32_t)n;
    }
    R->firms_start = (long)P * n;
}

/* Quiet firm dynamics for the model-level runs: no exits, upgrades, mergers,
 * promotions, entrants or projects unless a case switches one on. */
static void quiet(Params *p)
{
    levers_off(p);
    p->firm.exit_rate = 0;
    p->firm.exit_min_revenue = 1e-3;
    p->firm.upgrade_rate = 0;
    p->firm.incident_rate = 0;
    p->mergers.rate = 0;
    p->land.clear_rate = 0;
    p->entry.rate = 0;
    p->chain.project_rate = 0;
    for (int t = 0; t < 4; t++) p->cultivation.rate[t] = 0;
}

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

int main(void)
{
    plan(103);
    Scenario jx;
    if (config_load(&jx, "configs/jiangxi-baseline.yaml", NULL, 0) != SIM_OK) {
        printf("Bail out! cannot load configs/jiangxi-baseline.yaml (run from the repository root)\n");
        return 1;
    }
    const Params *base = &jx.p;

    /* ================================================= cultivation: eligibility */
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
            g.log_rev = log(rev[t] * 0.999);
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

    /* ================================================= cultivation: promotion */
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
        ok(r == 0 && f.cult == CULT_INNOVATIVE && f.rd == 0.02 && ps.budget[LEVER_CULTIVATION] == left,
           "an ineligible firm is not promoted even at u = 0, nothing paid");
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

    /* ================================================= safety: park and firm */
    {
        Params p = *base;
        p.levers.safety.investment_max = 2400; /* 200 a month at I = 1 */
        p.safety.infra_cost = 10000;           /* 100 raise the level by 0.01 */
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        ps.infra = 0.5;
        ps.budget[LEVER_SAFETY] = 1000;
        /* I = 0.5: want 0.5 x 2400 / 12 = 100, cap (1 - 0.5) x 10000 = 5000: pay 100, infra + 0.01 */
        safety_park_month(&p, 0.5, &ps);
        ok(fabs(ps.infra - 0.51) < 1e-15 && ps.budget[LEVER_SAFETY] == 900 && ps.spent[LEVER_SAFETY] == 100,
           "safety_park_month I = 0.5: pays 100 (2400/12 x 0.5), infra 0.50 -> 0.51");
        ps.budget[LEVER_SAFETY] = 30;
        safety_park_month(&p, 0.5, &ps);
        ok(fabs(ps.infra - 0.513) < 1e-15 && ps.budget[LEVER_SAFETY] == 0 && ps.spent[LEVER_SAFETY] == 130,
           "budget 30 < 100: pays the 30 left, infra + 0.003");
        safety_park_month(&p, 0.5, &ps);
        ok(fabs(ps.infra - 0.513) < 1e-15 && ps.spent[LEVER_SAFETY] == 130, "no budget left: nothing paid, infra unchanged");
        /* Cap at 1: infra 0.75, I = 1 with investment_max 48000 (4000 a month):
         * only (1 - 0.75) x 10000 = 2500 is paid and infra is exactly 1. */
        p.levers.safety.investment_max = 48000;
        ps.infra = 0.75;
        ps.budget[LEVER_SAFETY] = 10000;
        ps.spent[LEVER_SAFETY] = 0;
        safety_park_month(&p, 1.0, &ps);
        ok(ps.infra == 1.0 && ps.budget[LEVER_SAFETY] == 7500 && ps.spent[LEVER_SAFETY] == 2500,
           "pays only what lifts infra to 1 (2500 of 4000 wanted); infra exactly 1");
        safety_park_month(&p, 1.0, &ps);
        ok(ps.infra == 1.0 && ps.budget[LEVER_SAFETY] == 7500, "at infra 1 nothing more is paid");
        ps.infra = 0.2;
        safety_park_month(&p, 0, &ps);
        ok(ps.infra == 0.2 && ps.budget[LEVER_SAFETY] == 7500 && ps.spent[LEVER_SAFETY] == 2500,
           "intensity 0: nothing paid, infra unchanged");

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

    /* ================================================= safety: the freeze */
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

    /* ================================================= smart park */
    {
        Params p = *base;
        p.smart.base_investment = 120;    /* 10 a month */
        p.smart.cost[0] = 1500;
        p.smart.cost[1] = 4000;
        p.smart.coverage[0] = 0.6;
        p.smart.coverage[1] = 0.85;
        p.levers.smart.investment_max = 1200; /* 100 a month at I = 1 */
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

    /* ================================================= land use (亩均) */
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
        /* A draw below the baseline hazard is a baseline exit: model.c only asks
         * land_forced_exit when u >= h (short-circuit ||), but the function
         * itself would call it forced and pay compensation. */
        r = land_forced_exit(&p, 0.5, &ps, &f, 0.005, 0.01);
        ok(r == 0 && ps.budget[LEVER_LAND] == 100,
           "u 0.005 below the baseline hazard 0.01 is not a forced exit and is not compensated");
    }

    /* ================================================= focus */
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
    /* ================================================= chain extension: hand cases */
    {
        Params p = *base;
        p.population.chain_links = 4;
        p.chain.project_rate = 1.2;      /* L park: 0.1 a month */
        p.chain.size_factor_m = 0.5;     /* M: 0.05 a month */
        p.chain.size_factor_s = 0.25;    /* S: 0.025 a month */
        p.chain.min_site_mu = 20;
        p.chain.project_scale = 1.5;
        p.levers.chain.rate_max = 3.6;   /* I = 0.5: 1.2 + 0.5 x 2.4 = 2.4/yr; L 0.2, M 0.1, S 0.05 a month */
        p.levers.chain.cost_per_project = 2000;
        const double sites[4] = {30, 15, 45, 25};
        ParkInfo info;
        Replicate R;
        int n = -1;

        chain_setup(&R, &p, &info, 'L', sites, 4);
        ParkState *ps = &R.park[0];
        ok(chain_missing_links(&p, &info, ps) == 1, "chain_missing_links: chain 0 lacks link 2, chain 1 is complete: 1");
        Firm x = mkfirm(99, 1000, 10, 0.5, CLASS_B, -1, 2); /* outside the leading chains: fills nothing */
        park_add_firm(ps, &x);
        ps->firm[4].status = FIRM_EXITED;                   /* chain 1 link 1: exited firms fill nothing */
        int m2 = chain_missing_links(&p, &info, ps);
        info.n_chains = 1;                                   /* only chain 0 is a leading chain */
        int m1 = chain_missing_links(&p, &info, ps);
        ok(m2 == 2 && m1 == 1, "an exited firm leaves its link missing (2); chains beyond n_chains are not counted (1)");
        replicate_free(&R);

        /* Baseline project: u 0.05 < 0.1, lever on with money: not paid. */
        chain_setup(&R, &p, &info, 'L', sites, 4);
        ps = &R.park[0];
        ps->budget[LEVER_CHAIN] = 5000;
        double land0 = park_land(ps);
        SimStatus st = chain_park_month(at(&R, 0, 7, 0.5), 0.05, &n);
        const Firm *e = &ps->firm[ps->n_firm - 1];
        ok(st == SIM_OK && n == 1 && ps->n_firm == 8 && e->chain == 0 && e->link == 2 && e->born == 7 &&
               e->status == FIRM_ACTIVE && e->gid == 7,
           "a project (u 0.05 < 0.1) places a new firm on the only missing link (chain 0, link 2)");
        ok(e->land_mu == 45 && ps->n_site == 3 && ps->site[0].mu == 30 && ps->site[1].mu == 15 && ps->site[2].mu == 25 &&
               fabs(park_land(ps) - land0) < 1e-9,
           "on the largest site (45 of 30, 15, 45, 25), removed from the list in order; land conserved");
        ok(ps->budget[LEVER_CHAIN] == 5000 && ps->spent[LEVER_CHAIN] == 0, "a baseline project is not paid for");
        replicate_free(&R);

        /* Lever project: u 0.15 between 0.1 and 0.2. */
        chain_setup(&R, &p, &info, 'L', sites, 4);
        ps = &R.park[0];
        ps->budget[LEVER_CHAIN] = 5000;
        st = chain_park_month(at(&R, 0, 7, 0.5), 0.15, &n);
        ok(st == SIM_OK && n == 1 && ps->budget[LEVER_CHAIN] == 3000 && ps->spent[LEVER_CHAIN] == 2000 && ps->n_site == 3,
           "u 0.15 between 0.1 and the lever's 0.2: a lever project, 2000 paid");
        replicate_free(&R);

        chain_setup(&R, &p, &info, 'L', sites, 4);
        ps = &R.park[0];
        ps->budget[LEVER_CHAIN] = 1999;
        chain_park_month(at(&R, 0, 7, 0.5), 0.15, &n);
        int short_none = n == 0 && ps->n_firm == 7 && ps->n_site == 4 && ps->budget[LEVER_CHAIN] == 1999;
        ps->budget[LEVER_CHAIN] = 5000;
        chain_park_month(at(&R, 0, 7, 0), 0.15, &n);
        int off_none = n == 0 && ps->n_firm == 7 && ps->budget[LEVER_CHAIN] == 5000;
        chain_park_month(at(&R, 0, 7, 0.5), 0.25, &n);
        int above_none = n == 0 && ps->n_firm == 7 && ps->n_site == 4;
        ok(short_none, "lever project refused with 1999 < 2000 left: no firm, site kept, nothing paid");
        ok(off_none && above_none, "no project for u 0.15 at intensity 0, nor for u 0.25 above the lever's 0.2");
        replicate_free(&R);

        /* Size factors. u 0.07: L -> baseline (< 0.1); M -> lever (0.05..0.1).
         * u 0.04: S -> lever (0.025..0.05); u 0.06: S -> none. */
        int got[4], paid[4];
        const char cls[4] = {'L', 'M', 'S', 'S'};
        const double us[4] = {0.07, 0.07, 0.04, 0.06};
        for (int c = 0; c < 4; c++) {
            chain_setup(&R, &p, &info, cls[c], sites, 4);
            R.park[0].budget[LEVER_CHAIN] = 5000;
            chain_park_month(at(&R, 0, 0, 0.5), us[c], &n);
            got[c] = n;
            paid[c] = R.park[0].spent[LEVER_CHAIN] == 2000;
            replicate_free(&R);
        }
        ok(got[0] == 1 && !paid[0] && got[1] == 1 && paid[1] && got[2] == 1 && paid[2] && got[3] == 0 && !paid[3],
           "size factors: u 0.07 is a baseline project in an L park, a lever one in an M park; S: u 0.04 lever, 0.06 none");

        /* No missing link: fill chain 0 link 2 first. */
        chain_setup(&R, &p, &info, 'L', sites, 4);
        ps = &R.park[0];
        x = mkfirm(50, 1000, 10, 0.5, CLASS_B, 0, 2);
        park_add_firm(ps, &x);
        ps->budget[LEVER_CHAIN] = 5000;
        chain_park_month(at(&R, 0, 0, 0.5), 0.15, &n);
        int nolink = n == 0 && ps->n_firm == 8 && ps->n_site == 4 && ps->budget[LEVER_CHAIN] == 5000;
        chain_park_month(at(&R, 0, 0, 0.5), 0.01, &n);
        nolink &= n == 0 && ps->n_firm == 8;
        ok(nolink, "no missing link: no project (baseline or lever), nothing paid");
        replicate_free(&R);

        /* No site of 20 mu: sites 15 and 19.5. Then a site of exactly 20 qualifies. */
        const double small[2] = {15, 19.5};
        chain_setup(&R, &p, &info, 'L', small, 2);
        ps = &R.park[0];
        ps->budget[LEVER_CHAIN] = 5000;
        chain_park_month(at(&R, 0, 0, 0.5), 0.15, &n);
        int nosite = n == 0 && ps->n_firm == 7 && ps->n_site == 2 && ps->budget[LEVER_CHAIN] == 5000;
        chain_park_month(at(&R, 0, 0, 0.5), 0.01, &n);
        nosite &= n == 0 && ps->n_firm == 7;
        park_add_site(ps, 20, 0);
        chain_park_month(at(&R, 0, 1, 0.5), 0.01, &n);
        ok(nosite && n == 1 && ps->firm[7].land_mu == 20 && ps->n_site == 2,
           "no site of chain.min_site_mu 20: no project, nothing paid; a site of exactly 20 is used");
        replicate_free(&R);

        /* Frozen: no project while month < frozen_until; the chance is not paid for. */
        chain_setup(&R, &p, &info, 'L', sites, 4);
        ps = &R.park[0];
        ps->budget[LEVER_CHAIN] = 5000;
        ps->frozen_until = 10;
        chain_park_month(at(&R, 0, 9, 0.5), 0.15, &n);
        int fz = n == 0 && ps->n_firm == 7 && ps->n_site == 4 && ps->budget[LEVER_CHAIN] == 5000;
        chain_park_month(at(&R, 0, 9, 0.5), 0.01, &n);
        fz &= n == 0 && ps->n_firm == 7;
        chain_park_month(at(&R, 0, 10, 0.5), 0.01, &n);
        ok(fz && n == 1, "frozen until month 10: no project in month 9 (lever or baseline), one in month 10");
        replicate_free(&R);
    }

    /* ================================================= chain extension: project revenue */
    {
        /* log revenue per mu of an entrant = ln(entry.revenue_per_mu x scale)
         * - s^2/2 + s z, so project firms (scale 1.5) and ordinary entrants
         * (scale 1) differ in mean by ln 1.5 = 0.4055. s = 0.5, N = 4000 each:
         * sd of the difference 0.5 sqrt(2/4000) = 0.0112; tolerance 0.045 (4 sd).
         * Each project's firm is taken out and its site put back, so every
         * project is on the same missing link and a 45-mu site; each entrant
         * has its own gid, hence its own keyed draws. */
        Params p = *base;
        p.population.chain_links = 4;
        p.chain.project_rate = 12; /* u = 0.5 < 1: always a baseline project */
        p.chain.min_site_mu = 20;
        p.chain.project_scale = 1.5;
        p.entry.revenue_per_mu = 100;
        p.entry.revenue_sigma = 0.5;
        const double site45 = 45;
        ParkInfo info;
        Replicate R;
        chain_setup(&R, &p, &info, 'L', &site45, 1);
        ParkState *ps = &R.park[0];
        const int N = 4000;
        double sp = 0, so = 0;
        int n, all_gap = 1, all_site = 1, fails = 0;
        for (int i = 0; i < N; i++) {
            fails += chain_park_month(at(&R, 0, i % 36, 0), 0.5, &n) != SIM_OK || n != 1;
            const Firm *e = &ps->firm[ps->n_firm - 1];
            all_gap &= e->chain == 0 && e->link == 2;
            all_site &= e->land_mu == 45 && ps->n_site == 0;
            sp += e->log_rev - log(e->land_mu);
            ps->n_firm--;
            park_add_site(ps, 45, -1);
        }
        for (int i = 0; i < N; i++) {
            fails += population_entrant(view(&R, 0), i % 36, 45, 0.0, 1.0) != SIM_OK;
            const Firm *e = &ps->firm[ps->n_firm - 1];
            so += e->log_rev - log(e->land_mu);
            ps->n_firm--;
        }
        ok(fails == 0 && all_gap && all_site, "%d projects in a row: each on the missing link and the 45-mu site", N);
        is_double(sp / N - so / N, log(1.5), 0.045,
                  "mean log revenue per mu: project firms - ordinary entrants = ln(project_scale 1.5) = 0.405 (+-0.045)");
        /* And the level: ln(150) - 0.125 = 4.886, sd 0.5/sqrt(4000) = 0.0079, tolerance 0.032. */
        is_double(sp / N, log(150) - 0.125, 0.032, "mean log revenue per mu of project firms = ln(100 x 1.5) - 0.5^2/2 (+-0.032)");
        replicate_free(&R);
    }

    /* ================================================= safety: the freeze in revitalisation_park */
    {
        Params p = *base;
        p.land.clear_rate = 12; /* monthly probability 1 */
        p.entry.rate = 12;
        const double none = 0;
        ParkInfo info;
        Replicate R;
        chain_setup(&R, &p, &info, 'L', &none, 0);
        ParkState *ps = &R.park[0];
        info.land_mu += 20;
        park_add_site(ps, 10, -1); /* idle: to be cleared */
        park_add_site(ps, 10, -1);
        ps->site[1].ready = 1;     /* cleared long ago: to be let */
        ps->frozen_until = 10;
        int n = -1;
        revitalisation_park(at(&R, 0, 5, 0), &n);
        ok(n == 0 && ps->n_firm == 7 && ps->n_site == 2 && ps->site[0].ready == 1 && ps->site[0].since == 5,
           "frozen: revitalisation_park lets no site, but the idle site is still cleared");
        revitalisation_park(at(&R, 0, 10, 0), &n);
        ok(n == 2 && ps->n_firm == 9 && ps->n_site == 0, "at month frozen_until both cleared sites are let");
        replicate_free(&R);
    }

    /* ================================================= safety: incident hazard and infrastructure */
    {
        /* Two parks of 2000 firms with compliance 0 and technology 0, so the
         * monthly hazard is incident_rate/12 x (1 - infra_effect x infra):
         * park 0 infra 0: 1/12; park 1 infra 1, effect 0.5: 1/24. Over 36
         * months: E[n0] = 6000, E[n1] = 3000, ratio 0.5. Poisson counts give
         * sd(n1/n0) = 0.5 sqrt(1/3000 + 1/6000) = 0.0112 (binomial is
         * narrower); tolerance 0.045 (4 sd). Serious incidents are switched
         * off so no freeze interferes. */
        Params p = *base;
        quiet(&p);
        p.run.years = 3;
        p.firm.incident_rate = 1.0;
        p.firm.incident_tech_reduction = 0.5;
        p.firm.serious_share = 0;
        p.safety.infra_effect = 0.5;
        const int P = 2, N = 2000, T = params_months(&p);
        ParkInfo info[2];
        ReplicateOut o[2];
        long cnt[3][2];
        int fails = 0;
        for (int run = 0; run < 3; run++) {
            Replicate R;
            if (replicate_out_alloc(&o[run % 2], &p, P, 1) != SIM_OK) {
                printf("Bail out! out of memory\n");
                return 1;
            }
            province_setup(&R, &p, info, P, N, CLASS_B, 1);
            R.park[0].infra = 0;
            R.park[1].infra = run == 2 ? 0 : 1; /* run 2: the same province with park 1 at infra 0 */
            while (!replicate_done(&R)) fails += replicate_step(&R, &o[run % 2]) != SIM_OK;
            for (int k = 0; k < P; k++) {
                cnt[run][k] = 0;
                for (int t = 0; t < T; t++) cnt[run][k] += o[run % 2].m_incidents[t * P + k];
            }
            replicate_free(&R);
            if (run == 1) {
                is_int(replicate_out_diff(&o[0], &o[1], &p, P) == NULL, 1,
                       "incident draws are keyed: the same province run twice gives identical output");
                replicate_out_free(&o[0]);
            }
        }
        /* run 2 is in o[0]; o[1] holds run 1 */
        int subset = 1;
        for (int t = 0; t < T; t++) subset &= o[1].m_incidents[t * P + 1] <= o[0].m_incidents[t * P + 1];
        replicate_out_free(&o[0]);
        replicate_out_free(&o[1]);
        is_int(fails, 0, "the hand province runs 36 months with every year-end check passing");
        is_double((double)cnt[0][0], 6000, 4 * sqrt(6000.0), "infra 0: %ld incidents in 72000 firm-months, expected 6000 (+-4 sd)",
                  cnt[0][0]);
        is_double((double)cnt[0][1] / (double)cnt[0][0], 0.5, 0.045,
                  "infra 1 with infra_effect 0.5: incident count ratio %ld/%ld near 0.5 (+-0.045, 4 Poisson sd)", cnt[0][1],
                  cnt[0][0]);
        ok(cnt[2][0] == cnt[0][0] && subset && cnt[2][1] > cnt[0][1],
           "common random numbers: park 1's incidents at infra 1 are a subset, month by month, of those at infra 0 (%ld < %ld); park 0 unchanged",
           cnt[0][1], cnt[2][1]);
    }

    /* ================================================= safety: a serious incident in the model freezes its park */
    {
        Params p = *base;
        quiet(&p);
        p.run.years = 1;
        p.firm.incident_rate = 0.12; /* 0.01 a month per firm */
        p.firm.serious_share = 1.0;  /* every incident is serious */
        p.safety.freeze_months = 12;
        const int P = 2, N = 50;
        ParkInfo info[2];
        ReplicateOut o;
        Replicate R;
        if (replicate_out_alloc(&o, &p, P, 1) != SIM_OK) {
            printf("Bail out! out of memory\n");
            return 1;
        }
        province_setup(&R, &p, info, P, N, CLASS_B, 1);
        int fails = 0, last[2] = {-1, -1}, until[2] = {-1, -1};
        while (!replicate_done(&R)) {
            int m = R.month;
            fails += replicate_step(&R, &o) != SIM_OK;
            for (int k = 0; k < P; k++) {
                if (o.m_incidents[m * P + k] > 0) last[k] = m;
                until[k] = R.park[k].frozen_until;
            }
        }
        /* E[incidents] per park = 50 x 12 x 0.01 = 6; P(none) = 0.99^600 = 0.0024 */
        ok(fails == 0 && last[0] >= 0 && last[1] >= 0 && until[0] == last[0] + 12 && until[1] == last[1] + 12,
           "every incident serious: each park frozen until its last incident month + 12 (%d, %d)", until[0], until[1]);
        replicate_free(&R);
        replicate_out_free(&o);
    }

    /* ================================================= land use in the model: only forced exits are paid */
    {
        /* 400 class-D firms, exit_rate 0.3, D multiplier 1: baseline hazard
         * h = 0.025 a month. Lever at I = 1 with a budget far above any
         * compensation (10 per mu, 1 mu each), 11 months (before the first
         * reclassification), no price penalty, so a firm's path does not
         * depend on the lever. The oracle replays each firm's keyed exit draw
         * (word 1, high half, of its firm-month block): it leaves in the first
         * month with u < lever hazard; that exit is a baseline one if u < h
         * (never paid), a forced one otherwise (paid 10).
         * A: lever off. B: forced_exit_rate_max 0.3, the baseline D rate, so
         * no forced exit is possible. C: forced_exit_rate_max 0.9 (0.075 a month). */
        Params p = *base;
        quiet(&p);
        p.run.years = 1;
        p.firm.exit_rate = 0.3;
        p.firm.exit_dclass_multiplier = 1;
        p.levers.land.c = (LeverParams){0, 11, 0, 1e6, 0};
        p.levers.land.price_penalty_max = 0;
        p.levers.land.compensation_per_mu = 10;
        const int P = 1, N = 400, M = 11;
        ParkInfo info[1];
        ReplicateOut o;
        if (replicate_out_alloc(&o, &p, P, 1) != SIM_OK) {
            printf("Bail out! out of memory\n");
            return 1;
        }
        long exits[3];
        double spent[3];
        int fails = 0;
        const double imax[3] = {0, 0.3, 0.9};
        for (int run = 0; run < 3; run++) {
            Replicate R;
            p.levers.land.c.intensity = run == 0 ? 0 : 1;
            p.levers.land.forced_exit_rate_max = imax[run];
            province_setup(&R, &p, info, P, N, CLASS_D, 1);
            for (int m = 0; m < M; m++) fails += replicate_step(&R, &o) != SIM_OK;
            exits[run] = R.exits;
            spent[run] = R.park[0].spent[LEVER_LAND];
            replicate_free(&R);
        }
        replicate_out_free(&o);
        double h = p.firm.exit_rate / 12.0, lev = lever_rate(h * 12.0, 0.9, 1.0) / 12.0;
        long base_exits = 0, lever_exits = 0, forced = 0;
        for (int i = 0; i < N; i++) {
            int gone_a = 0, gone_c = 0;
            for (int m = 0; m < M; m++) {
                double u = rng_u32_hi(rng_block(p.run.seed, 0, (uint64_t)i, (uint32_t)m, RNG_FIRM_MONTH).w[1]);
                if (!gone_a && u < h) gone_a = 1, base_exits++;
                if (!gone_c && u < lev) gone_c = 1, lever_exits++, forced += u >= h;
            }
        }
        ok(fails == 0 && exits[0] == base_exits && exits[1] == base_exits && spent[1] == 0,
           "lever hazard equal to the baseline D hazard: the %ld exits of the replayed draws, as without the lever; nothing paid",
           base_exits);
        ok(exits[2] == lever_exits && forced > 0 && fabs(spent[2] - 10.0 * (double)forced) < 1e-9,
           "forced_exit_rate_max 0.9: %ld exits as replayed, of which %ld forced, each paid 10 (spent %g); baseline exits unpaid",
           lever_exits, forced, spent[2]);
    }

    /* ================================================= focus in the model */
    {
        /* One park with 5 leading industries, focus lever rate_max 12 a year
         * at intensity 1 (monthly probability 1: a sure draw) with money for
         * several drops. */
        Params p = *base;
        quiet(&p);
        p.run.years = 2;
        p.assessment.focus_max_industries = 3;
        p.levers.focus.rate_max = 12;
        p.levers.focus.cost_per_industry = 500;
        ParkInfo info[1];
        ReplicateOut o;
        if (replicate_out_alloc(&o, &p, 1, 1) != SIM_OK) {
            printf("Bail out! out of memory\n");
            return 1;
        }
        int ind[2];
        for (int run = 0; run < 2; run++) {
            Replicate R;
            /* run 0: all of 2026; run 1: July-December 2026 only */
            p.levers.focus.c = run == 0 ? (LeverParams){0, 11, 1, 10000, 0} : (LeverParams){6, 11, 1, 10000, 0};
            province_setup(&R, &p, info, 1, 10, CLASS_B, 5);
            for (int m = 0; m < 12; m++) replicate_step(&R, &o);
            ind[run] = R.park[0].industries;
            replicate_free(&R);
        }
        replicate_out_free(&o);
        ok(ind[0] == 3, "focus lever on all year (sure monthly draw): 5 industries -> 3, the allowance, never below");
        /* A window without a January acts too (it once did not: decisions
         * were taken in January only, while the lever still drew its budget). */
        ok(ind[1] == 3, "focus lever on July-December only (sure monthly draw): 5 -> 3 within the window");
    }

    /* ================================================= allocation: the three rules */
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
        double work[16];
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

    /* ================================================= allocation: per-lever targeting */
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
        double work[16];
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

    /* ================================================= allocation: whole units */
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
        double work[16];
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

    /* ================================================= allocation: province cap, schedule, reset */
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
        double work[16];
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

    /* ================================================= lever_need */
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

    config_free(&jx);
    return done();
}
