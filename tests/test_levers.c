/** \file test_levers.c
 * The three plan levers (policies/): schedule and budget, technology
 * upgrades, mergers and site revitalisation on small hand cases; then, on
 * the Jiangxi population, that a lever at intensity 0 leaves the output
 * bit-identical and that more intensity never lowers the lever's own direct
 * effect (common random numbers: the same replicates at every intensity).
 */
#include "tap.h"
#include "fixtures.h"
#include "../schedule/replicate.h"
#include "../agents/population.h"
#include "../policies/levers.h"
#include "../policies/mergers.h"
#include "../policies/revitalisation.h"
#include "../policies/upgrades.h"
#include "../sim/config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ReplicateOut buffers of one replicate (agents/results.c). */
static void out_free(ReplicateOut *o) { replicate_out_free(o); }
static int out_alloc(ReplicateOut *o, const Params *p, int P) { return replicate_out_alloc(o, p, P, 1) == SIM_OK; }

/* Name of the first member that differs, or NULL if all are bytewise identical. */
static const char *out_diff(ReplicateOut *a, ReplicateOut *b, const Params *p, int P)
{
    return replicate_out_diff(a, b, p, P);
}

/* ------------------------------------------------------------ hand-case helpers */

/* A one-park Replicate for the policy functions that take one. */
static int rep1(Replicate *R, const Params *p, const ParkInfo *info)
{
    return replicate_alloc(R, p, info, 1, 0) == SIM_OK;
}

static long sum_i32(const int32_t *x, size_t n)
{
    long s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return s;
}

/* Each step of e[0..n-1] moves in direction dir (1 up, -1 down) or stays
 * (within rounding: a saturated lever, e.g. infrastructure at its cap, gives
 * equal sums whose last bits differ), and the last differs from the first:
 * the lever acts, and more of it never acts less. */
static int monotone(const double *e, int n, int dir)
{
    for (int j = 1; j < n; j++)
        if (dir * (e[j] - e[j - 1]) < -1e-9 * (1 + fabs(e[j]))) return 0;
    return dir * (e[n - 1] - e[0]) > 0;
}

int main(void)
{
    plan(83);
    Scenario jx;
    if (config_load(&jx, "configs/jiangxi-baseline.yaml", NULL, 0) != SIM_OK) {
        printf("Bail out! cannot load configs/jiangxi-baseline.yaml (run from the repository root)\n");
        return 1;
    }
    const Params *base = &jx.p;

    /* ================================================= schedule and budget */
    {
        is_double(lever_rate(0.1, 0.5, 0), 0.1, 0, "lever_rate at intensity 0 is the baseline");
        is_double(lever_rate(0.1, 0.5, 1), 0.5, 0, "lever_rate at intensity 1 is the maximum");
        is_double(lever_rate(0.1, 0.5, 0.5), 0.3, 1e-15, "lever_rate at 0.5 is halfway: 0.1 + 0.5 * 0.4");
        is_double(lever_rate(0.1, 0.5, -1), 0.1, 0, "lever_rate at negative intensity is the baseline");
        LeverParams c = {3, 5, 0.7, 100, 0};
        ok(lever_intensity(&c, 2) == 0 && lever_intensity(&c, 3) == 0.7 && lever_intensity(&c, 5) == 0.7 &&
           lever_intensity(&c, 6) == 0, "lever_intensity: 0 before start, intensity on start..end inclusive, 0 after");
        c.intensity = 0;
        ok(lever_intensity(&c, 4) == 0, "lever_intensity of a lever at intensity 0 is 0 inside its months");

        ParkState ps;
        memset(&ps, 0, sizeof ps);
        ps.budget[LEVER_UPGRADES] = 100;
        int a = lever_pay(&ps, LEVER_UPGRADES, 60);
        int b = lever_pay(&ps, LEVER_UPGRADES, 50);
        ok(a == 1 && b == 0 && ps.budget[LEVER_UPGRADES] == 40 && ps.spent[LEVER_UPGRADES] == 60,
           "lever_pay pays 60 of 100, refuses 50 of the 40 left and spends nothing then");
        ok(lever_pay(&ps, LEVER_UPGRADES, 40) == 1 && ps.budget[LEVER_UPGRADES] == 0 && ps.budget[LEVER_MERGERS] == 0,
           "lever_pay can spend the budget exactly; other levers untouched");
        ok(lever_params(base, LEVER_MERGERS) == &base->levers.mergers.c &&
           lever_params(base, LEVER_REVITALISATION) == &base->levers.revitalisation.c &&
           lever_params(base, LEVER_UPGRADES) == &base->levers.upgrades.c, "lever_params maps ids to levers");

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
        double work[8];
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

    /* ================================================= upgrades */
    {
        Params p = *base;
        p.firm.upgrade_rate = 0.12;            /* baseline hazard 0.01 a month */
        p.levers.upgrades.rate_max = 0.6;      /* at intensity 0.5: (0.12 + 0.5*0.48)/12 = 0.03 */
        p.levers.upgrades.subsidy_per_upgrade = 50;
        p.firm.upgrade_step = 0.25;
        p.firm.upgrade_revenue_gain = 0.03;
        p.firm.upgrade_safety_gain = 0.2;
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        Firm f = mkfirm(1, exp(5), 10, 0.5, CLASS_B, 0, 0);

        ps.budget[LEVER_UPGRADES] = 100;
        int r = upgrades_firm(&p, 0.5, &ps, &f, 0.005);
        ok(r == 1 && ps.budget[LEVER_UPGRADES] == 100 && ps.spent[LEVER_UPGRADES] == 0 && f.tech == 0.75,
           "u below the baseline hazard: baseline upgrade (1), nothing paid, tech 0.5 -> 0.75");
        f.tech = 0.5;
        r = upgrades_firm(&p, 0.5, &ps, &f, 0.02);
        ok(r == 2 && ps.budget[LEVER_UPGRADES] == 50 && ps.spent[LEVER_UPGRADES] == 50 && f.tech == 0.75,
           "u between baseline (0.01) and lever hazard (0.03): subsidised upgrade (2), 50 paid");
        f.tech = 0.5;
        ps.budget[LEVER_UPGRADES] = 40;
        double lr = f.log_rev;
        r = upgrades_firm(&p, 0.5, &ps, &f, 0.02);
        ok(r == 0 && ps.budget[LEVER_UPGRADES] == 40 && f.tech == 0.5 && f.log_rev == lr,
           "same u with 40 left (< 50): no upgrade, nothing paid, firm unchanged");
        ps.budget[LEVER_UPGRADES] = 100;
        ok(upgrades_firm(&p, 0, &ps, &f, 0.02) == 0 && ps.budget[LEVER_UPGRADES] == 100, "intensity 0: only the baseline hazard");
        ok(upgrades_firm(&p, 0.5, &ps, &f, 0.04) == 0, "u above the lever hazard: no upgrade");
        ok(upgrades_firm(&p, 1.0, &ps, &f, 0.045) == 2, "intensity 1: lever hazard 0.6/12 = 0.05 > 0.045");
        f.tech = 1.0;
        ok(upgrades_firm(&p, 1.0, &ps, &f, 0.0) == 0, "a firm at tech 1 does not upgrade");

        f = mkfirm(1, exp(5), 10, 0.9, CLASS_B, 0, 0);
        f.safety = 0.8;
        upgrades_apply(&p, &f);
        /* tech min(1, 0.9 + 0.25) = 1; log revenue 5 + 0.03; safety 0.8 + 0.2 (1 - 0.8) = 0.84 */
        ok(f.tech == 1.0 && fabs(f.log_rev - 5.03) < 1e-12 && fabs(f.safety - 0.84) < 1e-12,
           "upgrades_apply: tech capped at 1, log revenue +0.03, safety gap closed by 20%%");
    }

    /* ================================================= mergers: marking */
    {
        Params p = *base;
        p.mergers.rate = 0.12;                 /* 0.01 a month */
        p.levers.mergers.rate_max = 0.36;      /* 0.03 a month at intensity 1; 0.02 at 0.5 */
        p.levers.mergers.subsidy_per_deal = 300;
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        ps.budget[LEVER_MERGERS] = 1000;
        Firm f = mkfirm(1, 100, 5, 0.5, CLASS_B, 0, 0);
        mergers_mark(&p, 1, &ps, &f, 0.001);
        ok(f.target == 0, "class B firms are never targets");
        f.lclass = CLASS_C;
        mergers_mark(&p, 1, &ps, &f, 0.005);
        ok(f.target == 1 && ps.budget[LEVER_MERGERS] == 1000, "class C, u < 0.01: baseline deal, nothing paid");
        f.lclass = CLASS_D;
        mergers_mark(&p, 1, &ps, &f, 0.02);
        ok(f.target == 2 && ps.budget[LEVER_MERGERS] == 700 && ps.spent[LEVER_MERGERS] == 300,
           "class D, 0.01 <= u < 0.03: subsidised deal, 300 paid");
        ps.budget[LEVER_MERGERS] = 100;
        mergers_mark(&p, 1, &ps, &f, 0.02);
        ok(f.target == 0 && ps.budget[LEVER_MERGERS] == 100, "subsidised deal refused when the budget is short");
        ps.budget[LEVER_MERGERS] = 1000;
        mergers_mark(&p, 0, &ps, &f, 0.02);
        ok(f.target == 0, "intensity 0: no lever deal");
        mergers_mark(&p, 0.5, &ps, &f, 0.019);
        int t1 = f.target;
        mergers_mark(&p, 0.5, &ps, &f, 0.021);
        ok(t1 == 2 && f.target == 0, "intensity 0.5: lever hazard 0.02 a month");
    }

    /* ================================================= mergers: combining */
    {
        Params p = *base;
        p.mergers.synergy = 0.05;
        p.mergers.land_release_share = 0.3;
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        Firm a = mkfirm(1, 300, 10, 0.8, CLASS_A, 0, 0), t = mkfirm(2, 100, 6, 0.4, CLASS_C, 0, 1);
        a.rd = 0.02; a.safety = 0.9; a.cult = CULT_INNOVATIVE;
        t.rd = 0.01; t.safety = 0.6; t.cult = CULT_SPECIALISED;
        park_add_firm(&ps, &a);
        park_add_firm(&ps, &t);
        ps.next_site_id = 7;
        SimStatus st = mergers_combine(&p, &ps, 0, 1, 13);
        const Firm *fa = &ps.firm[0], *ft = &ps.firm[1];
        /* revenue 300 + 100 * 1.05 = 405; land 10 + 6 - 0.3 * 6 = 14.2; released 1.8 mu;
         * revenue-weighted (300:100) tech 0.7, rd 0.0175, safety 0.825; cult the higher */
        ok(st == SIM_OK && fabs(exp(fa->log_rev) - 405) < 1e-9, "merged revenue = 300 + 100 (1 + synergy 0.05) = 405");
        ok(fabs(fa->land_mu - 14.2) < 1e-12 && ft->land_mu == 0, "acquirer keeps 70%% of the target's land (14.2 mu)");
        ok(ps.n_site == 1 && fabs(ps.site[0].mu - 1.8) < 1e-12 && ps.site[0].ready == 0 && ps.site[0].since == 13 &&
           ps.site[0].id == 7, "30%% of the target's land (1.8 mu) becomes a new idle site");
        ok(fabs(fa->tech - 0.7) < 1e-12 && fabs(fa->rd - 0.0175) < 1e-12 && fabs(fa->safety - 0.825) < 1e-12,
           "tech, R&D and safety are revenue-weighted (0.7, 0.0175, 0.825)");
        ok(fa->cult == CULT_SPECIALISED && ft->status == FIRM_MERGED && ft->target == 0 && fa->status == FIRM_ACTIVE,
           "the higher cultivation tier is kept; the target is marked merged");
        park_clear(&ps);
    }

    /* ================================================= mergers: choosing the acquirer */
    {
        Params p = *base;
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        Firm f;
        f = mkfirm(0, 100, 1, 0.5, CLASS_C, 0, 0); park_add_firm(&ps, &f);  /* 0 target */
        f = mkfirm(1, 200, 1, 0.5, CLASS_A, 0, 1); park_add_firm(&ps, &f);  /* 1 eligible, same chain */
        f = mkfirm(2, 300, 1, 0.5, CLASS_B, 1, 0); park_add_firm(&ps, &f);  /* 2 eligible, other chain */
        f = mkfirm(3, 1000, 1, 0.5, CLASS_C, 0, 2); park_add_firm(&ps, &f); /* 3 class C: not a buyer */
        f = mkfirm(4, 50, 1, 0.5, CLASS_A, 0, 3); park_add_firm(&ps, &f);   /* 4 smaller than the target */
        f = mkfirm(5, 5000, 1, 0.5, CLASS_A, 0, 4); f.status = FIRM_EXITED; park_add_firm(&ps, &f); /* 5 gone */
        f = mkfirm(6, 100, 1, 0.5, CLASS_A, 0, 5); park_add_firm(&ps, &f);  /* 6 same size: not larger */
        f = mkfirm(7, 700, 1, 0.5, CLASS_D, 1, 1); park_add_firm(&ps, &f);  /* 7 class D */
        gsl_rng *r = rng_gsl_alloc();

        p.mergers.same_chain_share = 1.0;
        int only1 = 1;
        for (uint32_t m = 0; m < 500; m++) {
            rng_gsl_reset(r, 1, 0, 0, m, RNG_ACQUIRER);
            only1 &= mergers_choose_acquirer(&p, 0, &ps, 0, r) == 1;
        }
        ok(only1, "asked for the same chain: always the one same-chain eligible buyer (firm 1)");

        /* Not asked: revenue-weighted among eligible {1: 200, 2: 300}; P(2) = 0.6.
         * N = 20000: sd sqrt(0.24/N) = 3.5e-3, tolerance 0.02 (6 sd). */
        p.mergers.same_chain_share = 0.0;
        int n2 = 0, outside = 0;
        for (uint32_t m = 0; m < 20000; m++) {
            rng_gsl_reset(r, 2, 0, 0, m, RNG_ACQUIRER);
            int a = mergers_choose_acquirer(&p, 0, &ps, 0, r);
            n2 += a == 2;
            outside += a != 1 && a != 2;
        }
        is_int(outside, 0, "only active class A/B firms larger than the target are chosen");
        is_double(n2 / 20000.0, 0.6, 0.02, "acquirers are chosen in proportion to revenue (300 of 500)");

        /* The lever raises the same-chain preference: same = 0 + 0.5 (1 - 0) = 0.5,
         * P(firm 1) = 0.5 + 0.5 * 0.4 = 0.7; same tolerance. */
        p.levers.mergers.same_chain_share_max = 1.0;
        int n1 = 0;
        for (uint32_t m = 0; m < 20000; m++) {
            rng_gsl_reset(r, 3, 0, 0, m, RNG_ACQUIRER);
            n1 += mergers_choose_acquirer(&p, 0.5, &ps, 0, r) == 1;
        }
        is_double(n1 / 20000.0, 0.7, 0.02, "lever intensity 0.5 raises the same-chain share to 0.5 (P(firm 1) = 0.7)");

        /* Same chain asked but none there: falls back to any buyer. Target 7
         * (chain 1, 700) has no larger active A/B firm at all: -1. */
        p.mergers.same_chain_share = 1.0;
        ps.firm[1].chain = 2;
        rng_gsl_reset(r, 4, 0, 0, 0, RNG_ACQUIRER);
        int fb = mergers_choose_acquirer(&p, 0, &ps, 0, r);
        ok(fb == 1 || fb == 2, "no same-chain buyer: falls back to any eligible buyer");
        rng_gsl_reset(r, 4, 0, 0, 1, RNG_ACQUIRER);
        is_int(mergers_choose_acquirer(&p, 0, &ps, 7, r), -1, "no eligible buyer: -1");
        gsl_rng_free(r);
        park_clear(&ps);
    }

    /* ================================================= mergers_park: refund and deal */
    {
        Params p = *base;
        p.levers.mergers.subsidy_per_deal = 300;
        ParkInfo info;
        memset(&info, 0, sizeof info);
        info.n_chains = 1;
        info.land_mu = 100;
        Replicate R;
        rep1(&R, &p, &info);
        ParkState *ps = &R.park[0];
        Firm f = mkfirm(0, 1000, 5, 0.5, CLASS_C, 0, 0);
        f.target = 2; /* subsidised deal already paid for */
        park_add_firm(ps, &f);
        f = mkfirm(1, 10, 5, 0.5, CLASS_A, 0, 1); /* too small to buy */
        park_add_firm(ps, &f);
        ps->budget[LEVER_MERGERS] = 0;
        ps->spent[LEVER_MERGERS] = 300;
        int n = -1;
        SimStatus st = mergers_park(at(&R, 0, 4, 1), &n);
        ok(st == SIM_OK && n == 0 && ps->budget[LEVER_MERGERS] == 300 && ps->spent[LEVER_MERGERS] == 0 &&
           ps->firm[0].target == 0 && ps->firm[0].status == FIRM_ACTIVE,
           "a subsidised target without a buyer: no deal, the subsidy is refunded");
        f = mkfirm(2, 5000, 5, 0.5, CLASS_A, 0, 2); /* now a buyer exists */
        park_add_firm(ps, &f);
        ps->firm[0].target = 1;
        st = mergers_park(at(&R, 0, 5, 0), &n);
        ok(st == SIM_OK && n == 1 && ps->firm[0].status == FIRM_MERGED && ps->firm[2].land_mu > 5 && ps->n_site == 1,
           "a baseline target with a buyer is absorbed by it");
        replicate_free(&R);
    }

    /* ================================================= revitalisation */
    {
        Params p = *base;
        p.population.chain_links = 4;
        ParkInfo info;
        memset(&info, 0, sizeof info);
        snprintf(info.code, sizeof info.code, "hand");
        info.n_chains = 2;
        info.land_mu = 1000;
        Replicate R;
        rep1(&R, &p, &info);
        ParkState *ps = &R.park[0];
        /* chain 0: links 0, 1, 3 filled (link 2's firm has exited); chain 1: all 4 filled */
        Firm f;
        int links0[4] = {0, 1, 3, 2};
        for (int i = 0; i < 4; i++) {
            f = mkfirm((uint64_t)i, 1000, 10, 0.5, CLASS_B, 0, links0[i]);
            if (i == 3) f.status = FIRM_EXITED;
            park_add_firm(ps, &f);
        }
        for (int i = 0; i < 4; i++) {
            f = mkfirm((uint64_t)(4 + i), 1000, 10, 0.5, CLASS_B, 1, i);
            park_add_firm(ps, &f);
        }
        ps->next_serial = 8;
        int n0 = ps->n_firm, all_gap = 1, attrs = 1;
        for (int m = 0; m < 50; m++) {
            SimStatus st = population_entrant(view(&R, 0), m, 25, 1.0, 1.0);
            const Firm *e = &ps->firm[ps->n_firm - 1];
            all_gap &= st == SIM_OK && ps->n_firm == n0 + 1 && e->chain == 0 && e->link == 2;
            attrs &= e->land_mu == 25 && e->born == m && e->status == FIRM_ACTIVE && isfinite(e->log_rev) &&
                     e->var_year > 0 && e->gid == (uint64_t)(8 + m) && e->cult == CULT_NONE;
            ps->n_firm = n0; /* take it out again: the gap stays open */
        }
        ok(all_gap, "an entrant with gap share 1 takes the one missing leading-chain link (chain 0, link 2)");
        ok(attrs, "entrant: land of its site, born this month, active, own serial, year variance drawn");

        /* Two gaps (chain 0 link 2, chain 1 link 3): every entrant takes one of
         * them, each about half the time (N = 2000: sd 0.011, tolerance 0.06). */
        ps->firm[7].status = FIRM_EXITED; /* chain 1, link 3 */
        int g0 = 0, other = 0;
        for (int m = 0; m < 2000; m++) {
            population_entrant(view(&R, 0), m, 25, 1.0, 1.0);
            const Firm *e = &ps->firm[ps->n_firm - 1];
            g0 += e->chain == 0 && e->link == 2;
            other += !((e->chain == 0 && e->link == 2) || (e->chain == 1 && e->link == 3));
            ps->n_firm = n0;
        }
        is_int(other, 0, "with two gaps every gap-filling entrant takes one of them");
        is_double(g0 / 2000.0, 0.5, 0.06, "the two gaps are equally likely");

        /* revitalisation_park by hand: one idle site of 10 mu. */
        ps->n_firm = n0;
        park_add_site(ps, 10, -1);
        p.land.clear_rate = 12;   /* monthly probability 1: always cleared */
        p.entry.rate = 0;
        int n = -1;
        revitalisation_park(at(&R, 0, 0, 0), &n);
        ok(ps->n_site == 1 && ps->site[0].ready == 1 && ps->site[0].since == 0 && n == 0,
           "an idle site is cleared (clear rate 12/yr = 1 a month) but not let in the same month");
        p.entry.rate = 12;
        revitalisation_park(at(&R, 0, 1, 0), &n);
        ok(ps->n_site == 0 && n == 1 && ps->n_firm == n0 + 1 && ps->firm[n0].land_mu == 10,
           "a cleared site is let the next month (entry rate 12/yr); the entrant takes its 10 mu");
        ps->n_firm = n0;

        /* Lever clearing is paid per mu: 10 mu at 5 per mu = 50. */
        p.land.clear_rate = 0;
        p.entry.rate = 0;
        p.levers.revitalisation.clear_rate_max = 12;
        p.levers.revitalisation.entry_rate_max = 0;
        p.levers.revitalisation.cost_per_mu = 5;
        park_add_site(ps, 10, 1);
        revitalisation_park(at(&R, 0, 2, 0), &n);
        ok(ps->site[0].ready == 0, "baseline clear rate 0, lever off: the site stays idle");
        ps->budget[LEVER_REVITALISATION] = 49;
        revitalisation_park(at(&R, 0, 3, 1), &n);
        ok(ps->site[0].ready == 0 && ps->budget[LEVER_REVITALISATION] == 49, "lever clearing refused with 49 < 50 left");
        ps->budget[LEVER_REVITALISATION] = 50;
        revitalisation_park(at(&R, 0, 4, 1), &n);
        ok(ps->site[0].ready == 1 && ps->budget[LEVER_REVITALISATION] == 0 && ps->spent[LEVER_REVITALISATION] == 50,
           "lever clearing pays 5/mu x 10 mu = 50");
        /* The lever's letting rate needs no budget: entry_rate_max 12 at intensity 1. */
        p.levers.revitalisation.entry_rate_max = 12;
        revitalisation_park(at(&R, 0, 5, 1), &n);
        ok(n == 1 && ps->n_site == 0, "the lever's letting rate lets the cleared site");
        replicate_free(&R);
    }

    /* The Jiangxi file has no park with more than 3 leading industries, so
     * the focus lever is tested on a copy where every park has 5. */
    ParkInfo *jx5 = malloc((size_t)jx.n_parks * sizeof *jx5);
    if (!jx5) {
        printf("Bail out! out of memory\n");
        return 1;
    }
    memcpy(jx5, jx.parks, (size_t)jx.n_parks * sizeof *jx5);
    for (int k = 0; k < jx.n_parks; k++) jx5[k].industries = 5;

    /* ================================================= intensity 0 is bit-identical */
    {
        int P = jx.n_parks;
        ReplicateOut o0, o1;
        ErrBuf err;
        out_alloc(&o0, base, P);
        out_alloc(&o1, base, P);
        
        for (int id = 0; id < LEVER_COUNT; id++) {
            Params q = *base;
            LeverParams *c = lever_c(&q, (LeverId)id);
            c->intensity = 0;
            c->budget = 1e6; /* money available, lever off */
            c->start = 0;
            c->end = params_months(&q) - 1;
            q.levers.mergers.rate_max = 0.9;     /* lever maxima that would matter if it were on */
            q.levers.mergers.same_chain_share_max = 1;
            q.levers.revitalisation.clear_rate_max = 3;
            q.levers.revitalisation.entry_rate_max = 3;
            q.levers.revitalisation.gap_fill_share_max = 1;
            q.levers.upgrades.rate_max = 0.9;
            q.levers.chain.rate_max = 6;
            q.levers.cultivation.rate_multiplier_max = 10;
            q.levers.safety.investment_max = 1e5;
            q.levers.safety.compliance_gain_max = 2;
            q.levers.smart.investment_max = 1e4;
            q.levers.land.forced_exit_rate_max = 2;
            q.levers.land.price_penalty_max = 0.5;
            q.levers.focus.rate_max = 1;
            const char *diff = NULL;
            int st_ok = 1;
            const ParkInfo *parks = id == LEVER_FOCUS ? jx5 : jx.parks;
            for (uint32_t r = 0; r < 2 && !diff; r++) {
                st_ok &= replicate_run(base, parks, P, r, &o0, &err) == SIM_OK;
                st_ok &= replicate_run(&q, parks, P, r, &o1, &err) == SIM_OK;
                diff = out_diff(&o0, &o1, base, P);
            }
            ok(st_ok && !diff, "%s at intensity 0 with a budget: output bit-identical to the baseline%s%s", lever_name(id),
               diff ? "; differs in " : "", diff ? diff : "");
            /* and the comparison can fail: at intensity 1 the output changes */
            c->intensity = 1;
            replicate_run(base, parks, P, 0, &o0, &err);
            replicate_run(&q, parks, P, 0, &o1, &err);
            ok(out_diff(&o0, &o1, base, P) != NULL, "%s at intensity 1 changes the output", lever_name(id));
        }
        out_free(&o0);
        out_free(&o1);
    }

    /* ================================================= more intensity, no less effect */
    {
        /* Sums over replicates 0-5 at intensities 0, 0.5, 1 with each lever's
         * budget from its configs/jiangxi-*.yaml scenario, common random
         * numbers. The direct effect of each lever on what it targets:
         * mergers: deals; revitalisation: entries and idle land; upgrades:
         * upgrades; chain: projects; cultivation: promotions; safety: park
         * infrastructure and firm compliance at the end; smart: smart levels
         * at the end; land: exits; focus: leading industries at the end. */
        int P = jx.n_parks, T = params_months(base), NR = 6, YL = params_assess_years(base) - 1;
        enum { NL = 5 }; /* intensities 0, 0.25, ..., 1: every step must keep the order */
        const double lev[NL] = {0, 0.25, 0.5, 0.75, 1};
        const double budget[LEVER_COUNT] = {20000, 30000, 30000, 24000, 5000, 40000, 20000, 10000, 2000};
        ReplicateOut o;
        ErrBuf err;
        out_alloc(&o, base, P);
        double eff[LEVER_COUNT][NL], eff2[LEVER_COUNT][NL], spent_over = 0;
        memset(eff, 0, sizeof eff);
        memset(eff2, 0, sizeof eff2);
        int fails = 0;
        for (int id = 0; id < LEVER_COUNT; id++)
            for (int j = 0; j < NL; j++) {
                Params q = *base;
                LeverParams *c = lever_c(&q, (LeverId)id);
                *c = (LeverParams){0, T - 1, lev[j], budget[id], 0};
                const ParkInfo *parks = id == LEVER_FOCUS ? jx5 : jx.parks;
                for (uint32_t r = 0; r < (uint32_t)NR; r++) {
                    fails += replicate_run(&q, parks, P, r, &o, &err) != SIM_OK;
                    const double *ind = &o.indicator[(size_t)YL * P * METRIC_COUNT];
                    double last_ind = 0, last_ind2 = 0;
                    for (int k = 0; k < P; k++) {
                        const double *mk = &ind[k * METRIC_COUNT];
                        last_ind += id == LEVER_SAFETY ? mk[METRIC_INFRASTRUCTURE] : id == LEVER_SMART ? mk[METRIC_SMART_LEVEL]
                                  : mk[METRIC_LEADING_INDUSTRIES];
                        last_ind2 += mk[METRIC_SAFETY];
                    }
                    size_t n = (size_t)T * P;
                    switch ((LeverId)id) {
                    case LEVER_MERGERS: eff[id][j] += sum_i32(o.m_mergers, n); break;
                    case LEVER_REVITALISATION:
                        eff[id][j] += sum_i32(o.m_entries, n);
                        for (int k = 0; k < P; k++) eff2[id][j] += o.m_idle_mu[(T - 1) * P + k];
                        break;
                    case LEVER_UPGRADES: eff[id][j] += sum_i32(o.m_upgrades, n); break;
                    case LEVER_CHAIN: eff[id][j] += sum_i32(o.m_projects, n); break;
                    case LEVER_CULTIVATION: eff[id][j] += sum_i32(o.m_promotions, n); break;
                    case LEVER_SAFETY: eff[id][j] += last_ind; eff2[id][j] += last_ind2; break;
                    case LEVER_SMART: eff[id][j] += last_ind; break;
                    case LEVER_LAND: eff[id][j] += sum_i32(o.m_exits, n); break;
                    default: eff[id][j] += last_ind; break;
                    }
                    /* the provincial budget is never exceeded in a year */
                    for (int y = 1; y < params_assess_years(&q); y++) {
                        double sum = 0;
                        for (int k = 0; k < P; k++) sum += o.lever_spent[(y * P + k) * LEVER_COUNT + id];
                        if (sum - budget[id] > spent_over) spent_over = sum - budget[id];
                    }
                }
            }
        is_int(fails, 0, "every run of the intensity sweep succeeds");
        static const char *const what[LEVER_COUNT] = {
            "merger count", "entries", "upgrade count", "chain projects", "cultivation promotions",
            "park infrastructure at the end", "smart levels at the end", "exits", "leading industries at the end"};
        for (int id = 0; id < LEVER_COUNT; id++) {
            double *e = eff[id];
            int dir = id == LEVER_FOCUS ? -1 : 1; /* focus lowers its target */
            ok(monotone(e, NL, dir), "%s: %s %s in intensity (%g, %g, %g, %g, %g)", lever_name(id), what[id],
               dir > 0 ? "non-decreasing" : "non-increasing", e[0], e[1], e[2], e[3], e[4]);
        }
        double *idle = eff2[LEVER_REVITALISATION], *comp = eff2[LEVER_SAFETY];
        ok(monotone(idle, NL, -1), "revitalisation: idle land at the end non-increasing in intensity (%.0f, %.0f, %.0f, %.0f, %.0f)",
           idle[0], idle[1], idle[2], idle[3], idle[4]);
        ok(monotone(comp, NL, 1), "safety: firm compliance at the end non-decreasing in intensity (%.3f, %.3f, %.3f, %.3f, %.3f)",
           comp[0], comp[1], comp[2], comp[3], comp[4]);
        ok(spent_over <= 1e-6, "yearly lever spending never exceeds any lever's provincial budget (excess %g)", spent_over);

        /* A binding budget: upgrades at intensity 1 with 500 a year and 50 a
         * subsidy pay for at most 10 subsidised upgrades a year, province-wide. */
        Params q = *base;
        q.levers.upgrades.c = (LeverParams){0, T - 1, 1, 500, 0};
        q.levers.upgrades.subsidy_per_upgrade = 50;
        replicate_run(&q, jx.parks, P, 0, &o, &err);
        double worst = 0, total = 0;
        for (int y = 1; y < params_assess_years(&q); y++) {
            double s = 0;
            for (int k = 0; k < P; k++) s += o.lever_spent[(y * P + k) * LEVER_COUNT + LEVER_UPGRADES];
            total += s;
            if (s > worst) worst = s;
        }
        ok(worst <= 500 + 1e-9 && total > 0, "a binding upgrades budget: at most 500 spent a year (max %g)", worst);
        out_free(&o);
    }

    free(jx5);
    config_free(&jx);
    return done();
}
