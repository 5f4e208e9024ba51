/** \file test_mergers.c
 * The M&A lever (policies/mergers.c) on hand cases: marking class C/D
 * targets (baseline deals free, subsidised deals paid from the park's
 * budget), combining a target into its acquirer, choosing the acquirer
 * (eligibility, revenue weights, the same-chain preference the lever
 * raises) and a park's month of deals with its refund. Oracles are worked
 * out by hand beside each assertion; the acquirer frequencies use keyed
 * draws and state their tolerance.
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

/* Replicate 1 holding only Jiangxi park k, its population built and classified. */
static int rep_setup2(Replicate *R, const Params *p, int k)
{
    if (replicate_alloc(R, p, &jx.parks[k], 1, 1) != SIM_OK) return 0;
    ParkView v = replicate_park(R, 0);
    v.k = k;
    return population_init_park(&v) == SIM_OK && park_classify(p, &R->park[0], &R->order, &R->cap_order) == SIM_OK;
}

TEST(test_mark_targets)
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
    p.mergers.target_min_class = CLASS_B;
    f.lclass = CLASS_B;
    mergers_mark(&p, 0, &ps, &f, 0.005);
    ok(f.target == 1, "mergers.target_min_class = B: class B firms become targets");
    f.lclass = CLASS_A;
    mergers_mark(&p, 0, &ps, &f, 0.005);
    ok(f.target == 0, "... and class A firms still are not");
}

TEST(test_combine)
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
    SimStatus st = mergers_combine(&p, &ps, 0, 1, 13, p.mergers.synergy);
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
    Firm a2 = mkfirm(3, 300, 10, 0.8, CLASS_A, 0, 0), t2 = mkfirm(4, 100, 6, 0.4, CLASS_C, 0, 1);
    park_add_firm(&ps, &a2);
    park_add_firm(&ps, &t2);
    mergers_combine(&p, &ps, 0, 1, 14, 0.15);
    is_double(exp(ps.firm[0].log_rev), 415, 1e-9, "a deal the lever pays for gains its own synergy (300 + 100 x 1.15)");
    park_clear(&ps);
}

TEST(test_choose_acquirer)
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
    double acc[8];

    p.mergers.same_chain_share = 1.0;
    p.levers.mergers.leader_preference_max = 1.0; /* weights revenue^1 at any intensity, until said otherwise */
    int only1 = 1;
    for (uint32_t m = 0; m < 500; m++) {
        rng_gsl_reset(r, 1, 0, 0, m, RNG_ACQUIRER);
        only1 &= mergers_choose_acquirer(&p, 0, &ps, 0, r, acc) == 1;
    }
    ok(only1, "asked for the same chain: always the one same-chain eligible buyer (firm 1)");

    /* Not asked: revenue-weighted among eligible {1: 200, 2: 300}; P(2) = 0.6.
     * N = 20000: sd sqrt(0.24/N) = 3.5e-3, tolerance 0.02 (6 sd). */
    p.mergers.same_chain_share = 0.0;
    int n2 = 0, outside = 0;
    for (uint32_t m = 0; m < 20000; m++) {
        rng_gsl_reset(r, 2, 0, 0, m, RNG_ACQUIRER);
        int a = mergers_choose_acquirer(&p, 0, &ps, 0, r, acc);
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
        n1 += mergers_choose_acquirer(&p, 0.5, &ps, 0, r, acc) == 1;
    }
    is_double(n1 / 20000.0, 0.7, 0.02, "lever intensity 0.5 raises the same-chain share to 0.5 (P(firm 1) = 0.7)");

    /* Chain-leader steering: with no same-chain preference and the weight
     * revenue^k, k = 1 + 1 (3 - 1) = 3 at intensity 1: P(firm 2) =
     * 300^3 / (200^3 + 300^3) = 27/35 = 0.771 (0.6 at k = 1); same tolerance. */
    p.mergers.same_chain_share = 0.0;
    p.levers.mergers.same_chain_share_max = 0.0;
    p.levers.mergers.leader_preference_max = 3.0;
    n2 = 0;
    for (uint32_t m = 0; m < 20000; m++) {
        rng_gsl_reset(r, 5, 0, 0, m, RNG_ACQUIRER);
        n2 += mergers_choose_acquirer(&p, 1.0, &ps, 0, r, acc) == 2;
    }
    is_double(n2 / 20000.0, 27.0 / 35.0, 0.02, "the lever steers deals to the larger buyer (revenue^3: P(firm 2) = 27/35)");
    p.levers.mergers.same_chain_share_max = 1.0;

    /* The class rules are keys: with buyers up to class C, firm 3 (1000, C)
     * joins the pool: P(3) = 1000 / 1500 at k = 1. */
    p.mergers.acquirer_max_class = CLASS_C;
    int n3 = 0;
    for (uint32_t m = 0; m < 20000; m++) {
        rng_gsl_reset(r, 6, 0, 0, m, RNG_ACQUIRER);
        n3 += mergers_choose_acquirer(&p, 0, &ps, 0, r, acc) == 3;
    }
    is_double(n3 / 20000.0, 2.0 / 3.0, 0.02, "mergers.acquirer_max_class = C lets class C firms buy (P(firm 3) = 2/3)");
    p.mergers.acquirer_max_class = CLASS_B;

    /* Same chain asked but none there: falls back to any buyer. Target 7
     * (chain 1, 700) has no larger active A/B firm at all: -1. */
    p.mergers.same_chain_share = 1.0;
    ps.firm[1].chain = 2;
    rng_gsl_reset(r, 4, 0, 0, 0, RNG_ACQUIRER);
    int fb = mergers_choose_acquirer(&p, 0, &ps, 0, r, acc);
    ok(fb == 1 || fb == 2, "no same-chain buyer: falls back to any eligible buyer");
    rng_gsl_reset(r, 4, 0, 0, 1, RNG_ACQUIRER);
    is_int(mergers_choose_acquirer(&p, 0, &ps, 7, r, acc), -1, "no eligible buyer: -1");
    gsl_rng_free(r);
    park_clear(&ps);
}

/* The acquirer as two passes over the park, the running total accumulated
 * twice and the first buyer past u times the total taken in the second:
 * the definition the bisection over one pass's totals must agree with. */
static int reference_acquirer(const Params *p, double intensity, const ParkState *ps, int t, gsl_rng *r)
{
    const Firm *tg = &ps->firm[t];
    double same = lever_rate(p->mergers.same_chain_share, p->levers.mergers.same_chain_share_max, intensity);
    double kappa = lever_rate(1.0, p->levers.mergers.leader_preference_max, intensity);
    int want_same = gsl_rng_uniform(r) < same;
    double u = gsl_rng_uniform(r);
    for (int pass_same = want_same; pass_same >= 0; pass_same--) {
        double total = 0, acc = 0;
        int last = -1;
#define BUYER(i)                                                                                          \
    ((i) != t && ps->firm[i].status == FIRM_ACTIVE && ps->firm[i].lclass <= p->mergers.acquirer_max_class && \
     ps->firm[i].log_rev > tg->log_rev && (!pass_same || ps->firm[i].chain == tg->chain))
#define WEIGHT(i) (kappa == 1.0 ? ps->firm[i].rev : exp(kappa * ps->firm[i].log_rev))
        for (int i = 0; i < ps->n_firm; i++)
            if (BUYER(i)) total += WEIGHT(i);
        if (total <= 0) continue;
        double x = u * total;
        for (int i = 0; i < ps->n_firm; i++)
            if (BUYER(i)) {
                acc += WEIGHT(i);
                last = i;
                if (x < acc) return i;
            }
        return last;
#undef BUYER
#undef WEIGHT
    }
    return -1;
}

/* Random parks (sizes 1..300, revenues over six orders of magnitude with
 * ties, every class and status, three chains), every kind of target, the
 * lever off (weights the revenues kept with the firms) and on (weights
 * computed as exps): the choice equals the two-pass definition's on every
 * draw. */
TEST(test_choose_acquirer_matches_two_passes)
{
    Params p = *base;
    p.levers.mergers.same_chain_share_max = 0.9;
    p.levers.mergers.leader_preference_max = 3.0;
    gsl_rng *r = rng_gsl_alloc(), *g = rng_gsl_alloc();
    rng_gsl_reset(g, 11, 0, 0, 0, RNG_ACQUIRER);
    int cases = 0, differ = 0, found = 0;
    for (int park = 0; park < 400; park++) {
        ParkState ps;
        memset(&ps, 0, sizeof ps);
        int n = 1 + (int)gsl_rng_uniform_int(g, park % 4 ? 40 : 300);
        for (int i = 0; i < n; i++) {
            double rev = gsl_rng_uniform(g) < 0.2 ? 100 : exp(12 * gsl_rng_uniform(g));
            Firm f = mkfirm((uint64_t)i, rev, 1, 0.5, (int)gsl_rng_uniform_int(g, 4), (int)gsl_rng_uniform_int(g, 3), 0);
            if (gsl_rng_uniform(g) < 0.1) f.status = FIRM_EXITED;
            park_add_firm(&ps, &f);
        }
        double *acc = malloc((size_t)n * sizeof *acc);
        if (!acc) {
            ok(0, "out of memory");
            return;
        }
        for (int d = 0; d < 60; d++) {
            int t = (int)gsl_rng_uniform_int(g, (unsigned long)n);
            double intensity = d % 3 == 0 ? 0 : d % 3 == 1 ? 0.5 : 1.0;
            p.mergers.same_chain_share = d % 2 ? 0.55 : 1.0;
            rng_gsl_reset(r, 12, (uint32_t)park, (uint64_t)t, (uint32_t)d, RNG_ACQUIRER);
            int want = reference_acquirer(&p, intensity, &ps, t, r);
            rng_gsl_reset(r, 12, (uint32_t)park, (uint64_t)t, (uint32_t)d, RNG_ACQUIRER);
            int got = mergers_choose_acquirer(&p, intensity, &ps, t, r, acc);
            cases++;
            differ += got != want;
            found += want >= 0;
        }
        free(acc);
        park_clear(&ps);
    }
    is_int(differ, 0, "the bisection picks the two-pass definition's acquirer on every draw");
    ok(found > cases / 2, "most of the draws have a buyer (%d of %d)", found, cases);
    gsl_rng_free(r);
    gsl_rng_free(g);
}

TEST(test_park_refund_and_deal)
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

/* A park-month of deals after the firm hook has counted the marks (the
 * scan stops after the last marked firm) against the same month with a
 * fresh context (the whole park scanned): the same deals, every mark
 * cleared. Jiangxi parks at a high baseline rate, so that most months
 * have several targets, at two intensities. */
TEST(test_park_counted_marks)
{
    Params p = *base;
    p.mergers.rate = 3.0; /* a year's hazard: a quarter of the eligible firms a month */
    int cases = 0, differ = 0, marks = 0, left = 0;
    for (int k = 0; k < jx.n_parks; k++)
        for (int lev = 0; lev < 2; lev++) {
            Replicate A, B;
            if (!rep_setup2(&A, &p, k) || !rep_setup2(&B, &p, k)) bail_oom();
            ParkState *pa = &A.park[0], *pb = &B.park[0];
            pa->budget[LEVER_MERGERS] = pb->budget[LEVER_MERGERS] = 1e6;
            LeverCtx ca = *at(&A, 0, 7, lev ? 0.8 : 0);
            LeverCtx cb = *at(&B, 0, 7, lev ? 0.8 : 0);
            for (int i = 0; i < pa->n_firm; i++) {
                RngBlock b = rng_block(p.run.seed, 1, pa->firm[i].gid, 7, RNG_FIRM_MONTH);
                hook_mergers_firm_late(&ca, &pa->firm[i], &b);
                mergers_mark(&p, cb.intensity, pb, &pb->firm[i], rng_u32_lo(b.w[2]));
            }
            marks += (int)ca.memo[0];
            int na = -1, nb = -1;
            SimStatus sa = mergers_park(&ca, &na), sb = mergers_park(&cb, &nb);
            int same = sa == SIM_OK && sb == SIM_OK && na == nb && pa->n_firm == pb->n_firm &&
                       pa->n_site == pb->n_site && !memcmp(pa->firm, pb->firm, (size_t)pa->n_firm * sizeof *pa->firm);
            for (int i = 0; i < pa->n_firm; i++) left += pa->firm[i].target != 0;
            differ += !same;
            cases++;
            replicate_free(&A);
            replicate_free(&B);
        }
    ok(differ == 0 && left == 0 && marks > cases,
       "deals after counted marks equal deals after a whole-park scan (%d park-months, %d marks, %d differ, %d marks left)",
       cases, marks, differ, left);
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_mark_targets);
    run_test(test_combine);
    run_test(test_choose_acquirer);
    run_test(test_choose_acquirer_matches_two_passes);
    run_test(test_park_refund_and_deal);
    run_test(test_park_counted_marks);
    config_free(&jx);
    return done_testing();
}
