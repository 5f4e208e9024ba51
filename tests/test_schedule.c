/** \file test_schedule.c
 * The replicate schedule (schedule/replicate.c): one replicate's run from
 * replicate_init through every replicate_step, and what the schedule owns.
 *
 * The yearly books: each case builds a real replicate of the tiny scenario,
 * breaks one accounting rule the way a bug in a process would, and checks
 * that the check names the failure; a clean replicate passes. A check that
 * only caught some of these (e.g. too many firms but not too few) would fail
 * a case here. The lever table the schedule calls the hooks from is checked
 * for ids, keys and the parameters its descriptors name.
 *
 * Whole runs: the same replicate twice is bytewise identical and another
 * replicate differs; the monthly record keeps the stock-flow identity; the
 * books hold over Jiangxi with and without every lever. Model-level runs of
 * hand-built provinces (province_setup in fixtures.h, firm dynamics quieted
 * down to the process a case tests) check what several levers and processes
 * do together in replicate_step: incidents against park infrastructure, a
 * serious incident freezing its park, only forced exits paid by the land
 * lever, the focus lever within its window. Oracles are worked out by hand
 * beside each assertion; statistical checks use fixed keys and state their
 * tolerance.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario tiny, jx;
static const Params *base;

/* A fresh replicate of the tiny scenario after its initial assessment. */
static int fresh(Replicate *R, ReplicateOut *o)
{
    if (replicate_out_alloc(o, &tiny.p, tiny.n_parks, 1) != SIM_OK) return 0;
    return replicate_init(R, &tiny.p, tiny.parks, tiny.n_parks, 3, o) == SIM_OK;
}

/* The first active firm of park k. */
static Firm *first_active(Replicate *R, int k)
{
    ParkState *ps = &R->park[k];
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) return &ps->firm[i];
    return NULL;
}

TEST(test_clean_books)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    ok(okk && replicate_check_books(&R, 0) == SIM_OK, "a fresh replicate's books balance");
    SimStatus st = SIM_OK;
    while (okk && st == SIM_OK && !replicate_done(&R)) st = replicate_step(&R, &o);
    ok(okk && st == SIM_OK && replicate_check_books(&R, 99) == SIM_OK,
       "after every month of a run the books still balance (%ld entries, %ld exits, %ld absorbed)", R.entries, R.exits,
       R.absorbed);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* A firm leaves (its land becomes a site, as an exit does) but the exit is
 * not counted: fewer active firms than the ledger says. */
TEST(test_uncounted_exit)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 0) : NULL;
    if (f) {
        park_add_site(&R.park[0], f->land_mu, 0);
        f->land_mu = 0;
        f->status = FIRM_EXITED;
    }
    SimStatus st = f ? replicate_check_books(&R, 5) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "month 5: ") && strstr(R.err.msg, "active firms, expected"),
       "a firm lost without counting its exit is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* An exit counted but the firm still active: more firms than the ledger says. */
TEST(test_exit_not_removed)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    if (okk) R.exits++;
    SimStatus st = okk ? replicate_check_books(&R, 7) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "active firms, expected"),
       "an exit counted without removing the firm is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* An entrant counted twice, and an absorption counted without absorbing. */
TEST(test_entry_and_absorption)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    if (okk) R.entries++;
    ok(okk && replicate_check_books(&R, 1) == SIM_EMODEL, "an entry counted with no new firm is caught");
    if (okk) R.entries--, R.absorbed++;
    ok(okk && replicate_check_books(&R, 1) == SIM_EMODEL, "an absorption counted with no firm absorbed is caught");
    if (okk) R.absorbed--;
    ok(okk && replicate_check_books(&R, 1) == SIM_OK, "undoing both balances the books again");
    replicate_free(&R);
    replicate_out_free(&o);
}

/* Land moved without a record: a firm grows its land out of nothing, or a
 * site vanishes. */
TEST(test_land_unrecorded)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 1) : NULL;
    if (f) f->land_mu += 5;
    SimStatus st = f ? replicate_check_books(&R, 11) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "park 1: occupied + idle land"),
       "5 mu of land appearing on a firm is caught (%s)", R.err.msg);
    if (f) f->land_mu -= 5;
    int k = -1;
    for (int j = 0; okk && j < R.n_parks && k < 0; j++)
        if (R.park[j].n_site > 0) k = j;
    if (k >= 0) R.park[k].n_site--;
    st = k >= 0 ? replicate_check_books(&R, 11) : SIM_OK;
    ok(k >= 0 && st == SIM_EMODEL && strstr(R.err.msg, "occupied + idle land"),
       "an idle site vanishing is caught (%s)", R.err.msg);
    if (k >= 0) R.park[k].n_site++;
    replicate_free(&R);
    replicate_out_free(&o);
}

TEST(test_bad_firm)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 0) : NULL;
    if (f) f->log_rev = NAN;
    ok(f && replicate_check_books(&R, 2) == SIM_EMODEL && strstr(R.err.msg, "has revenue"),
       "a firm with a non-finite revenue is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* The schedule runs the check at every year end: a ledger broken in
 * December fails that month's step with SIM_EMODEL, and replicate_run says
 * why through its ErrBuf. */
TEST(test_year_end_runs_the_check)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    SimStatus st = SIM_OK;
    for (int m = 0; okk && st == SIM_OK && m < 11; m++) st = replicate_step(&R, &o);
    ok(okk && st == SIM_OK, "January to November step cleanly");
    if (okk) R.exits++;
    st = okk ? replicate_step(&R, &o) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "month 11:"), "December's step fails on the broken ledger (%s)",
       R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* Every lever of the table has a distinct key, its id at its index, and the
 * parameters its descriptor points to. */
TEST(test_lever_table)
{
    int good = 1;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
        good &= t != NULL && t->id == (LeverId)id && t->key && t->n_keys > 0 && t->need != NULL;
        for (int j = 0; j < id; j++) good &= strcmp(lever_table[j]->key, t->key) != 0;
    }
    ok(good, "lever table: %d levers, each at its id, with a distinct key, parameters and a need", LEVER_COUNT);
    Params q = tiny.p;
    q.levers.chain.c.intensity = 0.375;
    q.levers.focus.cost_per_industry = 123;
    ok(lever_params(&q, LEVER_CHAIN)->intensity == 0.375 && lever_unit_cost(&q, LEVER_FOCUS) == 123 &&
           lever_unit_cost(&q, LEVER_SAFETY) == 0,
       "lever_params and lever_unit_cost read the fields the descriptors name");
}

/* ================================================= whole runs */

TEST(test_determinism)
{
    ReplicateOut a, b, c;
    ErrBuf err;
    int P = tiny.n_parks;
    out_alloc(&a, &tiny.p, P);
    out_alloc(&b, &tiny.p, P);
    out_alloc(&c, &tiny.p, P);
    SimStatus s1 = replicate_run(&tiny.p, tiny.parks, P, 5, &a, &err);
    SimStatus s2 = replicate_run(&tiny.p, tiny.parks, P, 5, &b, &err);
    SimStatus s3 = replicate_run(&tiny.p, tiny.parks, P, 6, &c, &err);
    ok(s1 == SIM_OK && s2 == SIM_OK && s3 == SIM_OK, "tiny (all levers): replicate_run succeeds");
    ok(replicate_out_diff(&a, &b, &tiny.p, P) == NULL, "the same replicate twice gives bytewise identical output");
    int T = params_months(&tiny.p);
    ok(memcmp(a.m_revenue, c.m_revenue, (size_t)T * P * sizeof(double)) != 0 &&
       memcmp(a.m_firms, c.m_firms, (size_t)T * P * sizeof(int32_t)) != 0,
       "a different replicate gives different trajectories");
    /* month 0 starts from identical populations only if replicates share draws; they must not */
    ok(a.m_revenue[0] != c.m_revenue[0], "different replicates differ already in month 0");

    /* Stock-flow identity of the monthly record: active firms at the end of
     * month t = active at t-1 + entries - exits - mergers (t = 0 starts from
     * the park file's firm count). */
    int bad = 0;
    for (int t = 0; t < T; t++)
        for (int k = 0; k < P; k++) {
            int prev = t ? a.m_firms[(t - 1) * P + k] : tiny.parks[k].firms, i = t * P + k;
            bad += a.m_firms[i] != prev + a.m_entries[i] + a.m_projects[i] - a.m_exits[i] - a.m_mergers[i];
        }
    is_int(bad, 0, "firms(t) = firms(t-1) + entries + projects - exits - mergers in every park-month");
    int tiers_ok = 1;
    for (int y = 0; y < params_assess_years(&tiny.p); y++) {
        int t1 = 0, t2 = 0;
        for (int k = 0; k < P; k++) {
            int8_t t = a.tier[y * P + k];
            tiers_ok &= t >= 1 && t <= 3 && a.score[y * P + k] >= 0 && a.score[y * P + k] <= 100;
            t1 += t == 1;
            t2 += t == 2;
        }
        tiers_ok &= a.top_tier_count[y] == t1 && a.second_tier_count[y] == t2;
    }
    ok(tiers_ok, "tier counts agree with the per-park tiers; scores lie in 0..100");
    replicate_out_free(&a);
    replicate_out_free(&b);
    replicate_out_free(&c);
}

TEST(test_conservation_baseline)
{
    ReplicateOut o;
    ErrBuf err = {""};
    int P = jx.n_parks, fails = 0;
    out_alloc(&o, &jx.p, P);
    for (uint32_t r = 0; r < 4; r++) {
        SimStatus st = replicate_run(&jx.p, jx.parks, P, r, &o, &err);
        if (st != SIM_OK) { fails++; diag("replicate %u: %s", r, err.msg); }
    }
    is_int(fails, 0, "Jiangxi baseline: conservation checks hold in replicates 0-3");
    replicate_out_free(&o);
}

TEST(test_conservation_all_levers)
{
    ReplicateOut o;
    ErrBuf err = {""};
    int P = jx.n_parks, fails = 0;
    Scenario all;
    if (config_load(&all, "configs/jiangxi-all-levers.yaml", NULL, 0) == SIM_OK) {
        out_alloc(&o, &all.p, P);
        fails = 0;
        long deals = 0, ups = 0, ent = 0;
        for (uint32_t r = 0; r < 4; r++) {
            SimStatus st = replicate_run(&all.p, all.parks, all.n_parks, r, &o, &err);
            if (st != SIM_OK) { fails++; diag("replicate %u: %s", r, err.msg); }
            for (int i = 0; i < params_months(&all.p) * P; i++) {
                deals += o.m_mergers[i];
                ups += o.m_upgrades[i];
                ent += o.m_entries[i];
            }
        }
        is_int(fails, 0, "Jiangxi all levers: conservation checks hold in replicates 0-3");
        ok(deals > 0 && ups > 0 && ent > 0, "all mechanisms ran (%ld mergers, %ld upgrades, %ld entries)", deals, ups, ent);
        replicate_out_free(&o);
    } else {
        ok(0, "jiangxi-all-levers.yaml loads");
        ok(0, "all mechanisms ran");
    }
    config_free(&all);
}

/* The links each park keeps (park_links) against the links of its firms,
 * after every month of Jiangxi replicates with every lever on: exits,
 * forced exits, deals, entrants and chain projects all change them. */
TEST(test_kept_links_all_levers)
{
    Scenario all;
    if (config_load(&all, "configs/jiangxi-all-levers.yaml", NULL, 0) != SIM_OK) {
        ok(0, "jiangxi-all-levers.yaml loads");
        return;
    }
    ReplicateOut o;
    if (!out_alloc(&o, &all.p, all.n_parks)) bail_oom();
    long checked = 0, stale = 0;
    SimStatus st = SIM_OK;
    for (uint32_t r = 0; r < 3 && st == SIM_OK; r++) {
        Replicate R;
        st = replicate_init(&R, &all.p, all.parks, all.n_parks, r, &o);
        while (st == SIM_OK && !replicate_done(&R)) {
            st = replicate_step(&R, &o);
            for (int k = 0; k < R.n_parks; k++) {
                const ParkState *ps = &R.park[k];
                if (!ps->filled_valid) continue;
                uint64_t want[PARK_MAX_CHAINS];
                park_filled_links(ps, want);
                checked++;
                stale += memcmp(want, ps->filled, sizeof want) != 0;
            }
        }
        replicate_free(&R);
    }
    ok(st == SIM_OK && checked > 1000 && stale == 0,
       "the links a park keeps equal its firms' links after every month (%ld park-months kept, %ld stale)", checked,
       stale);
    replicate_out_free(&o);
    config_free(&all);
}

/* ================================================= hand-built provinces */

TEST(test_incidents_and_infrastructure)
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
            bail_oom();
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

TEST(test_serious_incident_freezes_park)
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
        bail_oom();
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

TEST(test_land_pays_forced_exits_only)
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
        bail_oom();
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

TEST(test_focus_in_model)
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
        bail_oom();
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

int main(void)
{
    if (!load_scenario(&tiny, "configs/test/tiny.yaml")) return 1;
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) { config_free(&tiny); return 1; }
    base = &jx.p;
    run_test(test_clean_books);
    run_test(test_uncounted_exit);
    run_test(test_exit_not_removed);
    run_test(test_entry_and_absorption);
    run_test(test_land_unrecorded);
    run_test(test_bad_firm);
    run_test(test_year_end_runs_the_check);
    run_test(test_lever_table);
    run_test(test_determinism);
    run_test(test_conservation_baseline);
    run_test(test_conservation_all_levers);
    run_test(test_kept_links_all_levers);
    run_test(test_incidents_and_infrastructure);
    run_test(test_serious_incident_freezes_park);
    run_test(test_land_pays_forced_exits_only);
    run_test(test_focus_in_model);
    config_free(&tiny);
    config_free(&jx);
    return done_testing();
}
