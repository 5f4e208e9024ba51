/** \file test_chain.c
 * The chain-extension lever (policies/chain.c) on hand cases: counting the
 * missing links of a park's leading chains, a month's project draw against
 * the baseline rate scaled by park size and the lever's (a lever project is
 * paid from the park's budget), where a project's firm goes (the missing
 * link, the largest idle site of at least chain.min_site_mu) and when no
 * project can happen (no link, no site, a frozen park); then the revenue of
 * project firms against ordinary entrants.
 *
 * Every oracle is worked out by hand in the comment next to it; every
 * parameter an oracle depends on is set here, so changing a default in
 * sim/config.c cannot move these tests. The statistical check uses keyed
 * draws and states its tolerance.
 */
#include "tap.h"
#include "fixtures.h"
#include "../agents/population.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;

/* Occupied (active firms) plus idle land of a park. */
static double park_land(const ParkState *ps)
{
    double mu = park_idle_mu(ps);
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) mu += ps->firm[i].land_mu;
    return mu;
}

/* The chain parameters of the hand cases. */
static void chain_params(Params *p)
{
    p->population.chain_links = 4;
    p->chain.project_rate = 1.2;      /* L park: 0.1 a month */
    p->chain.size_factor_m = 0.5;     /* M: 0.05 a month */
    p->chain.size_factor_s = 0.25;    /* S: 0.025 a month */
    p->chain.min_site_mu = 20;
    p->chain.project_scale = 1.5;
    p->levers.chain.rate_max = 3.6;   /* I = 0.5: 1.2 + 0.5 x 2.4 = 2.4/yr; L 0.2, M 0.1, S 0.05 a month */
    p->levers.chain.cost_per_project = 2000;
}

/* The hand cases' idle sites (not cleared), in this order. */
static const double sites[4] = {30, 15, 45, 25};

TEST(test_missing_links)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;

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
}

TEST(test_baseline_project)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

    /* Baseline project: u 0.05 < 0.1, lever on with money: not paid. */
    chain_setup(&R, &p, &info, 'L', sites, 4);
    ParkState *ps = &R.park[0];
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
}

TEST(test_lever_project)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

    /* Lever project: u 0.15 between 0.1 and 0.2. */
    chain_setup(&R, &p, &info, 'L', sites, 4);
    ParkState *ps = &R.park[0];
    ps->budget[LEVER_CHAIN] = 5000;
    SimStatus st = chain_park_month(at(&R, 0, 7, 0.5), 0.15, &n);
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
}

TEST(test_size_factors)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

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
}

TEST(test_no_missing_link)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

    /* No missing link: fill chain 0 link 2 first. */
    chain_setup(&R, &p, &info, 'L', sites, 4);
    ParkState *ps = &R.park[0];
    Firm x = mkfirm(50, 1000, 10, 0.5, CLASS_B, 0, 2);
    park_add_firm(ps, &x);
    ps->budget[LEVER_CHAIN] = 5000;
    chain_park_month(at(&R, 0, 0, 0.5), 0.15, &n);
    int nolink = n == 0 && ps->n_firm == 8 && ps->n_site == 4 && ps->budget[LEVER_CHAIN] == 5000;
    chain_park_month(at(&R, 0, 0, 0.5), 0.01, &n);
    nolink &= n == 0 && ps->n_firm == 8;
    ok(nolink, "no missing link: no project (baseline or lever), nothing paid");
    replicate_free(&R);
}

TEST(test_no_site_large_enough)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

    /* No site of 20 mu: sites 15 and 19.5. Then a site of exactly 20 qualifies. */
    const double small[2] = {15, 19.5};
    chain_setup(&R, &p, &info, 'L', small, 2);
    ParkState *ps = &R.park[0];
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
}

TEST(test_frozen_park)
{
    Params p = *base;
    chain_params(&p);
    ParkInfo info;
    Replicate R;
    int n = -1;

    /* Frozen: no project while month < frozen_until; the chance is not paid for. */
    chain_setup(&R, &p, &info, 'L', sites, 4);
    ParkState *ps = &R.park[0];
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

TEST(test_project_revenue)
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
        ps->filled_valid = 0; /* the links kept with the firm go with it */
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

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_missing_links);
    run_test(test_baseline_project);
    run_test(test_lever_project);
    run_test(test_size_factors);
    run_test(test_no_missing_link);
    run_test(test_no_site_large_enough);
    run_test(test_frozen_park);
    run_test(test_project_revenue);
    config_free(&jx);
    return done_testing();
}
