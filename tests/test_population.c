/** \file test_population.c
 * The agents (agents/population.c, park.c, firm.c): the initial population
 * of every park (totals, attributes, idle sites, the anchor firm), entrants
 * filling chain gaps, the firm size and chain-link draws, the firm hazards
 * (firm.c, small enough to share this file with the population they act
 * on) and the 亩均 A-D classification of park.c.
 *
 * Oracles are hand computations written beside each assertion; random
 * properties use fixed keys and tolerances derived from the sample size.
 * Paths are relative to the repository root (`make check` runs from there).
 */
#include "tap.h"
#include "fixtures.h"
#include "../agents/firm.h"
#include "../agents/population.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario tiny, jx;

/* A Replicate ready for population_init_park. */
static int rep_setup(Replicate *R, const Params *p, const ParkInfo *info, int P, uint32_t rep)
{
    return replicate_alloc(R, p, info, P, rep) == SIM_OK;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Checks of population_init_park on every park of a scenario; returns the
 * number of parks violating each property in bad[0..5]. */
static void check_population(const Scenario *sc, uint32_t rep, int bad[6], double *worst_rev, double *worst_land)
{
    Replicate R;
    memset(bad, 0, 6 * sizeof *bad);
    *worst_rev = *worst_land = 0;
    if (!rep_setup(&R, &sc->p, sc->parks, sc->n_parks, rep)) { bad[0] = -1; replicate_free(&R); return; }
    for (int k = 0; k < sc->n_parks; k++) {
        const ParkInfo *info = &sc->parks[k];
        if (population_init_park(view(&R, k)) != SIM_OK) { bad[0]++; continue; }
        const ParkState *ps = &R.park[k];
        double rev = 0, land_f = 0, land_s = 0;
        int good_firms = 1;
        for (int i = 0; i < ps->n_firm; i++) {
            const Firm *f = &ps->firm[i];
            rev += exp(f->log_rev);
            land_f += f->land_mu;
            good_firms &= f->land_mu > 0 && isfinite(f->log_rev) && f->status == FIRM_ACTIVE && f->born == -1 &&
                          f->gid == (((uint64_t)k << 32) | (uint64_t)i) && f->tech >= 0 && f->tech <= 1 &&
                          f->safety > 0 && f->safety < 1 && (f->chain < info->n_chains);
        }
        for (int j = 0; j < ps->n_site; j++) land_s += ps->site[j].mu;
        double er = fabs(rev - info->revenue) / info->revenue;
        double el = fabs(land_f + land_s - info->land_mu) / info->land_mu;
        if (er > *worst_rev) *worst_rev = er;
        if (el > *worst_land) *worst_land = el;
        bad[1] += ps->n_firm != info->firms || !good_firms;
        bad[2] += er > 1e-9;
        bad[3] += el > 1e-9 || fabs(land_f - info->land_mu * (1 - info->idle_share)) > 1e-9 * info->land_mu;
        if (info->anchor_revenue > 0)
            bad[4] += fabs(exp(ps->firm[0].log_rev) - info->anchor_revenue) > 1e-9 * info->anchor_revenue ||
                      ps->firm[0].chain != 0 || ps->firm[0].link != 0;
        /* initial idle sites: round(idle / idle_site_mu), at least 1, summing to the idle land */
        double idle = info->land_mu * info->idle_share;
        long ns = lround(idle / sc->p.population.idle_site_mu);
        if (idle > 0 && ns < 1) ns = 1;
        bad[5] += ps->n_site != (idle > 0 ? ns : 0) || fabs(land_s - idle) > 1e-9 * info->land_mu;
    }
    replicate_free(&R);
}

/* ================================================= initial population */

TEST(test_initial_population_tiny)
{
    int bad[6];
    double wr, wl;
    check_population(&tiny, 0, bad, &wr, &wl);
    is_int(bad[0], 0, "tiny: population_init_park succeeds for every park");
    is_int(bad[1], 0, "tiny: firm counts and per-firm attributes as in the park file");
    ok(bad[2] == 0, "tiny: firm revenues add up to the park revenue (worst relative error %.2g)", wr);
    ok(bad[3] == 0, "tiny: firm land + idle sites = park land, occupied = land (1 - idle) (worst %.2g)", wl);
    is_int(bad[4], 0, "tiny: the anchor firm has exactly the anchor revenue and heads chain 0, link 0");
    is_int(bad[5], 0, "tiny: idle sites of about idle_site_mu add up to the idle land");
}

TEST(test_initial_population_jiangxi)
{
    int bad[6];
    double wr, wl;
    check_population(&jx, 3, bad, &wr, &wl);
    is_int(bad[0] + bad[1], 0, "Jiangxi: every park gets its firms");
    ok(bad[2] == 0, "Jiangxi: firm revenues add up to each park's revenue (worst %.2g)", wr);
    ok(bad[3] == 0, "Jiangxi: land adds up in each park (worst %.2g)", wl);
    is_int(bad[4], 0, "Jiangxi: anchor revenues reproduced");
    is_int(bad[5], 0, "Jiangxi: idle sites add up");
}

TEST(test_initial_sites_and_keys)
{
    /* Hand count for tiny: alpha 3000*0.05 = 150 mu -> 3 sites of 50; gamma
     * 800*0.20 = 160 mu -> round(3.2) = 3 sites of 53.33. */
    Replicate R;
    rep_setup(&R, &tiny.p, tiny.parks, tiny.n_parks, 0);
    population_init_park(view(&R, 0));
    population_init_park(view(&R, 2));
    ok(R.park[0].n_site == 3 && R.park[0].site[0].mu == 50 && R.park[2].n_site == 3 &&
       fabs(R.park[2].site[0].mu - 160.0 / 3) < 1e-12 && R.park[2].site[0].ready == 0,
       "tiny: alpha has 3 idle sites of 50 mu, gamma 3 of 53.33 mu, not yet cleared");
    /* same replicate, same firms; another replicate, other firms */
    Replicate R2, R3;
    rep_setup(&R2, &tiny.p, tiny.parks, tiny.n_parks, 0);
    rep_setup(&R3, &tiny.p, tiny.parks, tiny.n_parks, 1);
    population_init_park(view(&R2, 0));
    population_init_park(view(&R3, 0));
    ok(!memcmp(R.park[0].firm, R2.park[0].firm, (size_t)R.park[0].n_firm * sizeof(Firm)),
       "population_init_park is a pure function of the replicate");
    /* a firm drawn below population.min_revenue starts at it in either
     * replicate, so only the sizes above the floor are compared */
    int same = 0, floored = 0;
    double at_floor = log(tiny.p.population.min_revenue);
    for (int i = 1; i < R.park[0].n_firm; i++) {
        double a = R.park[0].firm[i].log_rev, b = R3.park[0].firm[i].log_rev;
        if (a == at_floor || b == at_floor) floored++;
        else same += a == b;
    }
    ok(same == 0, "another replicate draws other firm sizes (%d of %d above the floor equal)", same, 39 - floored);
    replicate_free(&R);
    replicate_free(&R2);
    replicate_free(&R3);
}

/* ================================================= entrants */

TEST(test_entrant_fills_the_gap)
{
    Params p = jx.p;
    p.population.chain_links = 4;
    ParkInfo info;
    Replicate R;
    gap_park_setup(&R, &p, &info);
    ParkState *ps = &R.park[0];
    /* chain 0: links 0, 1, 3 filled (link 2's firm has exited); chain 1: all 4 filled */
    int n0 = ps->n_firm, all_gap = 1, attrs = 1;
    for (int m = 0; m < 50; m++) {
        SimStatus st = population_entrant(view(&R, 0), m, 25, 1.0, 1.0);
        const Firm *e = &ps->firm[ps->n_firm - 1];
        all_gap &= st == SIM_OK && ps->n_firm == n0 + 1 && e->chain == 0 && e->link == 2;
        attrs &= e->land_mu == 25 && e->born == m && e->status == FIRM_ACTIVE && isfinite(e->log_rev) &&
                 e->sd_month > 0 && e->gid == (uint64_t)(8 + m) && e->cult == CULT_NONE;
        ps->n_firm = n0; /* take it out again: the gap stays open */
        ps->filled_valid = 0;
    }
    ok(all_gap, "an entrant with gap share 1 takes the one missing leading-chain link (chain 0, link 2)");
    ok(attrs, "entrant: land of its site, born this month, active, own serial, year variance drawn");

    /* Two gaps (chain 0 link 2, chain 1 link 3): every entrant takes one of
     * them, each about half the time (N = 2000: sd 0.011, tolerance 0.06).
     * The serials go on from the 50 above, as the draws are keyed by them. */
    ps->firm[7].status = FIRM_EXITED; /* chain 1, link 3 */
    park_firm_left(ps, &ps->firm[7]);
    int g0 = 0, other = 0;
    for (int m = 0; m < 2000; m++) {
        population_entrant(view(&R, 0), m, 25, 1.0, 1.0);
        const Firm *e = &ps->firm[ps->n_firm - 1];
        g0 += e->chain == 0 && e->link == 2;
        other += !((e->chain == 0 && e->link == 2) || (e->chain == 1 && e->link == 3));
        ps->n_firm = n0;
        ps->filled_valid = 0; /* the entrant taken away again */
    }
    is_int(other, 0, "with two gaps every gap-filling entrant takes one of them");
    is_double(g0 / 2000.0, 0.5, 0.06, "the two gaps are equally likely");
    replicate_free(&R);
}

/* A run of entrants with the park's kept links (park_links) gives the same
 * firms, bit for bit, as the same run finding the filled links afresh for
 * each entrant, and the kept links end equal to the links recomputed from
 * the firms; a firm of the chains that leaves drops them. */
TEST(test_entrant_link_cache)
{
    Params p = jx.p;
    p.population.chain_links = 8; /* gaps on both chains, filled one by one */
    ParkInfo info1, info2;
    Replicate R1, R2;
    gap_park_setup(&R1, &p, &info1);
    gap_park_setup(&R2, &p, &info2);
    int fails = 0, on_chain = 0;
    for (int i = 0; i < 60; i++) {
        R1.park[0].filled_valid = 0;
        fails += population_entrant(view(&R1, 0), 3, 25, 0.7, 1.0) != SIM_OK;
        fails += population_entrant(view(&R2, 0), 3, 25, 0.7, 1.0) != SIM_OK;
        on_chain += R1.park[0].firm[R1.park[0].n_firm - 1].chain >= 0;
    }
    ParkState *a = &R1.park[0], *b = &R2.park[0];
    is_int(fails, 0, "120 entrants added");
    ok(a->n_firm == b->n_firm && !memcmp(a->firm, b->firm, (size_t)a->n_firm * sizeof *a->firm),
       "60 entrants with the kept links equal those with the links found afresh, byte for byte (%d on a leading chain)",
       on_chain);
    uint64_t filled[PARK_MAX_CHAINS];
    park_filled_links(b, filled);
    ok(b->filled_valid && !memcmp(filled, b->filled, sizeof filled), "the kept links end equal to the links of the firms");
    int i = 0;
    while (i < b->n_firm && b->firm[i].chain < 0) i++;
    b->firm[i].status = FIRM_EXITED;
    park_firm_left(b, &b->firm[i]);
    ok(i < b->n_firm && !b->filled_valid, "a firm of the chains that leaves drops the kept links");
    replicate_free(&R1);
    replicate_free(&R2);
}

/* ================================================= size and link draws */

TEST(test_size_draw_by_hand)
{
    /* Body: exp(sigma Phi^-1(u)): u = 1/2 gives 1; u = Phi(1) = 0.841344746068543 gives e^sigma. */
    is_double(population_size_draw(1.2, 0.1, 1.1, 0.5), 1.0, 1e-15, "size draw at the median is 1");
    is_double(population_size_draw(1.2, 0.1, 1.1, 0.841344746068542948), exp(1.2), 1e-9, "size draw at Phi(1) is e^sigma");
    /* Tail: join q = exp(sigma Phi^-1(0.9)), Phi^-1(0.9) = 1.2815515655446004;
     * u = 1 - 0.1 * 2^-alpha gives 2q. */
    double q = exp(1.2 * 1.2815515655446004);
    is_double(population_size_draw(1.2, 0.1, 1.1, 1 - 0.1 * pow(2, -1.1)), 2 * q, 1e-9 * q, "size draw in the tail: Pareto above the join");
    is_double(population_size_draw(1.2, 0.1, 1.1, 0.9 + 1e-13) / population_size_draw(1.2, 0.1, 1.1, 0.9 - 1e-13), 1, 1e-9,
              "size draw is continuous at the join");
    is_double(population_size_draw(1.2, 0, 1.1, 0.999), exp(1.2 * 3.090232306167813), 1e-6,
              "tail_share 0: pure lognormal (Phi^-1(0.999) = 3.0902323)");
}

TEST(test_size_draw_tail)
{
    /* Hill estimator of the tail exponent on the top k of N draws:
     * alpha_hat = k / sum_{i<k} ln(x_(i) / x_(k)). The top k = 5000 of
     * N = 200000 lie inside the Pareto part (10% = 20000 draws), where
     * alpha_hat has standard error alpha / sqrt(k) = 1.4% of alpha;
     * tolerance 7% of alpha (5 se). */
    enum { N = 200000, K = 5000 };
    double *x = malloc(N * sizeof *x);
    const double alphas[2] = {1.1, 2.0};
    for (int a = 0; a < 2; a++) {
        int above = 0;
        double join = exp(1.2 * 1.2815515655446004);
        for (int i = 0; i < N; i++) {
            double u = rng_u52(rng_block(7, (uint32_t)a, (uint64_t)i, 0, RNG_FIRM_INIT).w[0]);
            x[i] = population_size_draw(1.2, 0.1, alphas[a], u);
            above += x[i] > join;
        }
        qsort(x, N, sizeof *x, cmp_desc);
        double s = 0;
        for (int i = 0; i < K; i++) s += log(x[i] / x[K]);
        double hill = K / s;
        diag("alpha %.1f: Hill estimate %.4f, tail share %.4f", alphas[a], hill, (double)above / N);
        is_double(hill, alphas[a], 0.07 * alphas[a], "Hill estimator on the top %d recovers tail_alpha %.1f", K, alphas[a]);
        /* share above the join: binomial sd sqrt(0.09/N) = 6.7e-4, tolerance 4e-3 (6 sd) */
        if (a == 0) is_double((double)above / N, 0.1, 4e-3, "tail_share of draws lie above the join");
    }
    free(x);
}

TEST(test_link_draw)
{
    /* Links: P(j) = (1/(j+1)) / H_L. On a grid of N uniforms each frequency is
     * exact up to 1/N per boundary (tolerance 2/N). H_10 = 7381/2520. */
    enum { NG = 1000000 };
    static int cnt[10];
    for (int i = 0; i < NG; i++) cnt[population_link_draw(10, (i + 0.5) / NG)]++;
    int good = 1;
    double worst = 0;
    for (int j = 0; j < 10; j++) {
        double want = (1.0 / (j + 1)) / (7381.0 / 2520.0), got = (double)cnt[j] / NG;
        if (fabs(got - want) > worst) worst = fabs(got - want);
        good &= fabs(got - want) <= 2.0 / NG;
    }
    ok(good, "population_link_draw frequencies are proportional to 1/(j+1) (worst error %.2g)", worst);
    /* P(0) = 1/H_10 = 0.341417; keyed draws, N = 1e5: sd 1.5e-3, tolerance 7.5e-3 */
    int zero = 0;
    for (int i = 0; i < 100000; i++) zero += population_link_draw(10, rng_u32_hi(rng_block(9, 0, (uint64_t)i, 0, RNG_ENTRANT).w[1])) == 0;
    is_double(zero / 1e5, 2520.0 / 7381.0, 7.5e-3, "with random uniforms, link 0 has share 1/H_10");
    ok(population_link_draw(10, 0.0) == 0 && population_link_draw(10, 0.999999999) == 9 &&
       population_link_draw(1, 0.7) == 0 && population_link_draw(3, 1.0 / 1.8333333333333333 - 1e-9) == 0 &&
       population_link_draw(3, 1.0 / 1.8333333333333333 + 1e-9) == 1,
       "link draw boundaries: H_3 = 11/6, link 0 below u = 6/11");
}

/* ================================================= firm hazards by hand */

TEST(test_exit_hazard)
{
    Params p = jx.p;
    Firm f;
    memset(&f, 0, sizeof f);
    p.firm.exit_rate = 0.06;
    p.firm.exit_dclass_multiplier = 3;
    f.lclass = CLASS_B;
    is_double(firm_exit_hazard(&p, &f), 0.005, 1e-15, "exit hazard = 0.06 / 12 for a class B firm");
    f.lclass = CLASS_C;
    is_double(firm_exit_hazard(&p, &f), 0.005, 1e-15, "class C firms have the baseline exit hazard");
    f.lclass = CLASS_D;
    is_double(firm_exit_hazard(&p, &f), 0.015, 1e-15, "class D firms: 3 x 0.005");
}

TEST(test_incident_hazard)
{
    Params p = jx.p;
    Firm f;
    memset(&f, 0, sizeof f);
    p.firm.incident_rate = 0.03;
    p.firm.incident_tech_reduction = 0.5;
    f.safety = 0.8;
    f.tech = 0.5;
    /* 0.03/12 * (1 - 0.8) * (1 - 0.5*0.5) = 0.0025 * 0.2 * 0.75 */
    is_double(firm_incident_hazard(&p, &f), 3.75e-4, 1e-15, "incident hazard = rate/12 (1-safety)(1-red tech)");
    f.safety = 0;
    f.tech = 0;
    is_double(firm_incident_hazard(&p, &f), 0.0025, 1e-15, "incident hazard at zero safety and tech is rate/12");
    p.firm.incident_tech_reduction = 1;
    f.tech = 1;
    is_double(firm_incident_hazard(&p, &f), 0, 0, "full tech with full reduction removes the hazard");
}

/* ================================================= classification */

TEST(test_classification_tiny)
{
    ReplicateOut o;
    Replicate R;
    out_alloc(&o, &tiny.p, tiny.n_parks);
    SimStatus st = replicate_init(&R, &tiny.p, tiny.parks, tiny.n_parks, 0, &o);
    is_int(st, SIM_OK, "replicate_init on tiny");
    /* Mid-rank quantile q = (r + 0.5)/n from the top: A q < 0.25, B q < 0.70,
     * C q < 0.95, D otherwise. n = 40: A r<=9 (10), B r<=27 (18), C r<=37 (10), D 2.
     * n = 20: A r<=4 (5), B r<=13 (9), C r<=18 (5), D 1. n = 10: A r<=1 (2),
     * B r<=6 (5), C r<=8 (2), D r = 9 (q = 0.95 is not below 0.95) (1). */
    const int want[3][4] = {{10, 18, 10, 2}, {5, 9, 5, 1}, {2, 5, 2, 1}};
    for (int k = 0; k < 3; k++) {
        int c[4] = {0};
        double lo[4], hi[4];
        for (int j = 0; j < 4; j++) { lo[j] = INFINITY; hi[j] = -INFINITY; }
        for (int i = 0; i < R.park[k].n_firm; i++) {
            const Firm *f = &R.park[k].firm[i];
            double key = f->log_rev - log(f->land_mu);
            c[f->lclass]++;
            if (key < lo[f->lclass]) lo[f->lclass] = key;
            if (key > hi[f->lclass]) hi[f->lclass] = key;
        }
        ok(c[0] == want[k][0] && c[1] == want[k][1] && c[2] == want[k][2] && c[3] == want[k][3],
           "park %s: A/B/C/D counts %d/%d/%d/%d (want %d/%d/%d/%d)", tiny.parks[k].code, c[0], c[1], c[2], c[3],
           want[k][0], want[k][1], want[k][2], want[k][3]);
        ok(lo[0] >= hi[1] && lo[1] >= hi[2] && lo[2] >= hi[3], "park %s: classes ordered by revenue per mu",
           tiny.parks[k].code);
    }
    /* the initial assessment (year index 0) reports the park file's totals */
    int P = tiny.n_parks, good = 1;
    for (int k = 0; k < P; k++) {
        const double *m = &o.indicator[k * METRIC_COUNT];
        good &= fabs(m[METRIC_REVENUE] - tiny.parks[k].revenue / 1e4) <= 1e-9 * m[METRIC_REVENUE] &&
                m[METRIC_FIRMS] == tiny.parks[k].firms && fabs(m[METRIC_IDLE_SHARE] - tiny.parks[k].idle_share) < 1e-12 &&
                m[METRIC_REVENUE_GROWTH] == 0 && m[METRIC_SMART_LEVEL] == tiny.parks[k].smart_level &&
                fabs(m[METRIC_REVENUE_PER_MU] - tiny.parks[k].revenue / tiny.parks[k].land_mu) < 1e-9 &&
                m[METRIC_ANCHOR_REVENUE] >= tiny.parks[k].anchor_revenue / 1e4 * (1 - 1e-12);
    }
    ok(good, "initial assessment: revenue, firms, idle share, growth 0, revenue per mu, anchor");
    replicate_free(&R);
    replicate_out_free(&o);
}

TEST(test_classification_jiangxi)
{
    /* the same on the Jiangxi population: counts from the rule, order */
    ReplicateOut o;
    Replicate R;
    out_alloc(&o, &jx.p, jx.n_parks);
    SimStatus st = replicate_init(&R, &jx.p, jx.parks, jx.n_parks, 2, &o);
    int bad_count = 0, bad_order = 0;
    for (int k = 0; k < jx.n_parks; k++) {
        int n = R.park[k].n_firm, c[4] = {0}, w[4] = {0};
        for (int r = 0; r < n; r++) {
            double qq = (r + 0.5) / n;
            w[qq < 0.25 ? 0 : qq < 0.7 ? 1 : qq < 0.95 ? 2 : 3]++;
        }
        double lo[4] = {INFINITY, INFINITY, INFINITY, INFINITY}, hi[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
        for (int i = 0; i < n; i++) {
            const Firm *f = &R.park[k].firm[i];
            double key = f->log_rev - log(f->land_mu);
            c[f->lclass]++;
            if (key < lo[f->lclass]) lo[f->lclass] = key;
            if (key > hi[f->lclass]) hi[f->lclass] = key;
        }
        bad_count += memcmp(c, w, sizeof c) != 0;
        bad_order += !(lo[0] >= hi[1] && lo[1] >= hi[2] && lo[2] >= hi[3]);
    }
    ok(st == SIM_OK && bad_count == 0, "Jiangxi: class shares 25/45/25/5%% by mid-rank in every park (%d parks off)", bad_count);
    is_int(bad_order, 0, "Jiangxi: classes ordered by revenue per mu in every park");
    replicate_free(&R);
    replicate_out_free(&o);
}

/* The order of the classification against qsort with the comparator the
 * model used before (key descending, gid ascending): equal on arrays of
 * every size 0..400 with many tied keys (keys from 8 values, so most items
 * tie and the gid decides), and on a run that is already sorted. */
static int qsort_rank(const void *a, const void *b)
{
    const RankItem *x = a, *y = b;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    return x->gid < y->gid ? -1 : (x->gid > y->gid);
}

TEST(test_rank_sort)
{
    enum { NMAX = 400 };
    static RankItem a[NMAX], b[NMAX], t[NMAX];
    int bad = 0;
    uint64_t x = 88172645463325252u; /* xorshift64 */
    for (int n = 0; n <= NMAX; n++)
        for (int rep = 0; rep < 3; rep++) {
            for (int i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                RankItem it = {rep == 2 ? -(double)i : (double)(x % 8), x >> 20, i};
                a[i] = b[i] = it;
            }
            park_rank_sort(a, t, n);
            qsort(b, (size_t)n, sizeof *b, qsort_rank);
            for (int i = 0; i < n; i++)
                if (a[i].key != b[i].key || a[i].gid != b[i].gid || a[i].idx != b[i].idx) {
                    bad++;
                    break;
                }
        }
    is_int(bad, 0, "park_rank_sort gives qsort's order on 1,203 arrays of 0..400 items with ties and sorted runs");

    /* park_rank_split: each part holds the items of the same part of the
     * sorted array (compared after sorting the part). */
    static RankItem s[NMAX];
    int split_bad = 0, cases = 0;
    for (int n = 0; n <= NMAX; n += (n < 40 ? 1 : 7))
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                RankItem it = {rep == 2 ? -(double)i : rep == 3 ? (double)i : (double)(x % 8), x >> 20, i};
                a[i] = b[i] = it;
            }
            int bound[3], nb = 0;
            for (int q = 0; q < 3 && n > 1; q++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                int v = 1 + (int)(x % (uint64_t)(n - 1));
                if (!nb || v > bound[nb - 1]) bound[nb++] = v;
            }
            park_rank_split(a, t, n, bound, nb);
            qsort(b, (size_t)n, sizeof *b, qsort_rank);
            for (int q = 0, from = 0; q <= nb; q++) {
                int to = q < nb ? bound[q] : n;
                memcpy(s, a + from, (size_t)(to - from) * sizeof *s);
                qsort(s, (size_t)(to - from), sizeof *s, qsort_rank);
                for (int i = 0; i < to - from; i++)
                    if (s[i].gid != b[from + i].gid || s[i].idx != b[from + i].idx) {
                        split_bad++;
                        break;
                    }
                from = to;
            }
            cases++;
        }
    is_int(split_bad, 0, "park_rank_split puts the sorted order's items on each side of every bound (%d arrays of 0..400 items, "
                         "up to 3 bounds, ties, sorted and reversed runs)", cases);
}

/* The title holders of the initial population meet their title's rules, by
 * the quantile map of their own draw; the map is checked against its
 * formula written out here with GSL's functions, for every title and both
 * rules, and against the order of the draws. */
static void test_tier_conditioning(void)
{
    const Params *p = &jx.p;
    Replicate R;
    int built = rep_setup(&R, p, jx.parks, jx.n_parks, 3), holders = 0, miss = 0, by_rule[CULT_CHAMPION] = {0};
    for (int k = 0; built && k < jx.n_parks; k++) {
        if (population_init_park(view(&R, k)) != SIM_OK) { built = 0; break; }
        for (int i = 0; i < R.park[k].n_firm; i++) {
            const Firm *f = &R.park[k].firm[i];
            if (f->cult == CULT_NONE) continue;
            int rule = f->cult - 1;
            holders++;
            by_rule[rule]++;
            /* rd = mean exp(s x - s^2/2) with x >= a: at least rd_min but for the rounding of log and exp */
            miss += !(f->rd >= p->cultivation.rd_min[rule] * (1 - 1e-12)) ||
                    !(p->cultivation.tech_min[rule] <= 0 || f->tech >= p->cultivation.tech_min[rule] - 1e-12);
        }
    }
    replicate_free(&R);
    ok(built && holders > 100 && by_rule[0] > 0 && by_rule[1] > 0 && miss == 0,
       "Jiangxi replicate 3: all %d title holders meet their title's R&D and technology rules (%d miss; "
       "%d/%d/%d/%d by title)", holders, miss, by_rule[0], by_rule[1], by_rule[2], by_rule[3]);

    double s = p->population.rd_sigma, mean = p->population.rd_mean;
    double tm = p->population.tech_mean, ts = p->population.tech_sd;
    int differ = 0, cases = 0, order_bad = 0;
    for (int t = CULT_INNOVATIVE; t <= CULT_CHAMPION; t++) {
        int rule = t - 1;
        double prev_rd = 0, prev_tech = 0;
        for (int q = 1; q < 400; q++) { /* rd and tech rising with q: the outputs must not fall */
            double u = q / 400.0;
            Firm f;
            memset(&f, 0, sizeof f);
            f.cult = (uint8_t)t;
            f.rd = mean * exp(s * gsl_cdf_ugaussian_Pinv(u) - 0.5 * s * s);
            f.tech = u;
            double rd0 = f.rd, tech0 = f.tech;
            population_condition_on_tier(p, &f);
            double want_rd = rd0, want_tech = tech0;
            double rd_min = p->cultivation.rd_min[rule], tech_min = p->cultivation.tech_min[rule];
            if (rd_min > 0) {
                double z = (log(rd0 / mean) + 0.5 * s * s) / s, a = (log(rd_min / mean) + 0.5 * s * s) / s;
                double x = gsl_cdf_ugaussian_Qinv(gsl_cdf_ugaussian_Q(a) * gsl_cdf_ugaussian_Q(z));
                want_rd = mean * exp(s * (x > a ? x : a) - 0.5 * s * s);
            }
            if (tech_min > 0) {
                double z = (tech0 - tm) / ts, a = (tech_min - tm) / ts;
                double x = gsl_cdf_ugaussian_Qinv(gsl_cdf_ugaussian_Q(a) * gsl_cdf_ugaussian_Q(z));
                want_tech = tm + ts * (x > a ? x : a);
                want_tech = want_tech < 0 ? 0 : want_tech > 1 ? 1 : want_tech;
            }
            differ += f.rd != want_rd || f.tech != want_tech;
            order_bad += f.rd < prev_rd || f.tech < prev_tech;
            prev_rd = f.rd;
            prev_tech = f.tech;
            cases++;
        }
    }
    is_int(differ, 0, "population_condition_on_tier: the quantile map Qinv(Q(a) Q(z)), at least a, for R&D and "
                      "technology under every title (%d firms)", cases);
    is_int(order_bad, 0, "the map keeps the order of the draws");
}

/* park_filled_links against its definition written out here (a bit per
 * link held by an active firm of a leading chain), on random parks: every
 * chain, links 0 to 63, firms off the chains and firms that left. */
static void test_filled_links(void)
{
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    uint64_t x = 88172645463325252ULL;
    int differ = 0, bits = 0;
    for (int park = 0; park < 500; park++) {
        ps.n_firm = 0;
        int n = park % 200;
        for (int i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            Firm f;
            memset(&f, 0, sizeof f);
            f.chain = (int8_t)((int)(x % (PARK_MAX_CHAINS + 1)) - 1);
            f.link = (uint8_t)((x >> 8) % 64);
            f.status = (x >> 16) % 5 == 0 ? ((x >> 20) & 1 ? FIRM_EXITED : FIRM_MERGED) : FIRM_ACTIVE;
            if (park_add_firm(&ps, &f) != SIM_OK) bail_oom();
        }
        uint64_t want[PARK_MAX_CHAINS] = {0}, got[PARK_MAX_CHAINS];
        for (int i = 0; i < ps.n_firm; i++) {
            const Firm *f = &ps.firm[i];
            if (f->status == FIRM_ACTIVE && f->chain >= 0) want[f->chain] |= UINT64_C(1) << f->link;
        }
        park_filled_links(&ps, got);
        differ += memcmp(want, got, sizeof want) != 0;
        for (int c = 0; c < PARK_MAX_CHAINS; c++) bits += __builtin_popcountll(want[c]);
    }
    free(ps.firm);
    is_int(differ, 0, "park_filled_links: the links of the active firms of each leading chain (500 random parks, %d links)", bits);
}

/* The initial firms' attributes drawn from their keyed blocks against their
 * distributions, on one park of 40,000 firms: the safety level against
 * Beta(m c, (1 - m) c) by the Kolmogorov-Smirnov distance (the 1% critical
 * value of D is 1.63 / sqrt(N) = 0.0082), for the default parameters and
 * for two where one or both gamma shapes are below 1 (the boosted variates);
 * the leading-chain share, the spread over the chains and the title shares
 * against their probabilities within 5 standard errors. */
static int cmp_asc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

TEST(test_initial_attribute_distributions)
{
    enum { N = 40000 };
    static const double set[3][2] = {{0.85, 10}, {0.95, 2}, {0.3, 0.5}}; /* mean, concentration */
    static double x[N];
    for (int t = 0; t < 3; t++) {
        Params p = jx.p;
        p.population.safety_mean = set[t][0];
        p.population.safety_concentration = set[t][1];
        ParkInfo info = jx.parks[0];
        info.firms = N;
        info.revenue = 1000.0 * N;
        info.anchor_revenue = 0;
        info.n_chains = 3;
        Replicate R;
        if (!ok(rep_setup(&R, &p, &info, 1, 3) && population_init_park(view(&R, 0)) == SIM_OK,
                "a park of %d firms is drawn (safety mean %g, concentration %g)", N, set[t][0], set[t][1])) {
            replicate_free(&R);
            continue;
        }
        const ParkState *ps = &R.park[0];
        for (int i = 0; i < N; i++) x[i] = ps->firm[i].safety;
        qsort(x, N, sizeof *x, cmp_asc);
        double a = set[t][0] * set[t][1], b = (1 - set[t][0]) * set[t][1], d = 0;
        /* by distinct values: x[i0 .. i1) are equal (a ratio rounds to 1.0
         * where Y is below 1e-16 X, an atom in doubles as in the beta law
         * rounded to doubles) */
        for (int i0 = 0, i1; i0 < N; i0 = i1) {
            for (i1 = i0 + 1; i1 < N && x[i1] == x[i0]; i1++) continue;
            double F = gsl_cdf_beta_P(x[i0], a, b);
            double lo = F - (double)i1 / N, hi = (double)i1 / N - F, below = F - (double)i0 / N;
            if (x[i0] < 1.0 && below > d) d = below; /* at 1.0 the jump is that atom */
            if (lo > d) d = lo;
            if (hi > d) d = hi;
        }
        ok(d < 1.63 / sqrt(N), "safety ~ Beta(%.3g, %.3g): Kolmogorov-Smirnov D = %.4f < %.4f", a, b, d,
           1.63 / sqrt(N));
        if (t == 0) {
            int lead = 0, per_chain[3] = {0}, titled[5] = {0};
            for (int i = 0; i < N; i++) {
                const Firm *f = &ps->firm[i];
                if (f->chain >= 0) {
                    lead++;
                    per_chain[f->chain]++;
                }
                titled[f->cult]++;
            }
            double q = p.population.leading_share, se = sqrt(q * (1 - q) / N);
            ok(fabs((double)lead / N - q) < 5 * se, "leading-chain share %.4f, want %.4f (5 se %.4f)",
               (double)lead / N, q, 5 * se);
            int even = 1;
            for (int c = 0; c < 3; c++)
                even &= fabs(per_chain[c] - lead / 3.0) < 5 * sqrt(lead * (1.0 / 3) * (2.0 / 3));
            ok(even, "the leading firms spread evenly over the 3 chains (%d, %d, %d)", per_chain[0], per_chain[1],
               per_chain[2]);
            double share[5] = {0, p.population.innovative_share, p.population.specialised_share,
                               p.population.little_giant_share, p.population.champion_share};
            share[0] = 1 - share[1] - share[2] - share[3] - share[4];
            int good = 1;
            for (int c = 0; c < 5; c++)
                good &= fabs((double)titled[c] / N - share[c]) < 5 * sqrt(share[c] * (1 - share[c]) / N) + 1e-12;
            ok(good, "the title shares match population.*_share within 5 se (none %d, top %d)", titled[0], titled[4]);
        }
        replicate_free(&R);
    }
}

int main(void)
{
    if (!load_scenario(&tiny, "configs/test/tiny.yaml")) return 1;
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) { config_free(&tiny); return 1; }
    run_test(test_initial_population_tiny);
    run_test(test_initial_population_jiangxi);
    run_test(test_initial_sites_and_keys);
    run_test(test_entrant_fills_the_gap);
    run_test(test_entrant_link_cache);
    run_test(test_size_draw_by_hand);
    run_test(test_size_draw_tail);
    run_test(test_link_draw);
    run_test(test_exit_hazard);
    run_test(test_incident_hazard);
    run_test(test_classification_tiny);
    run_test(test_classification_jiangxi);
    run_test(test_rank_sort);
    run_test(test_tier_conditioning);
    run_test(test_filled_links);
    run_test(test_initial_attribute_distributions);
    config_free(&tiny);
    config_free(&jx);
    return done_testing();
}
