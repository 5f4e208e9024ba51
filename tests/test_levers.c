/** \file test_levers.c
 * The lever framework (policies/levers.[ch]): the rate between a baseline
 * and a lever maximum, a lever's months, paying from a park's budget, the
 * parameters by id; then, table-wide on the Jiangxi population, that every
 * lever at intensity 0 leaves the output bit-identical (and at intensity 1
 * changes it), and that more intensity never lowers a lever's own direct
 * effect (common random numbers: the same replicates at every intensity).
 * The lever modules' own hand cases are in tests/test_<lever>.c, the yearly
 * budget split in tests/test_budget.c.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;
/* The Jiangxi file has no park with more than 3 leading industries, so
 * the focus lever is tested on a copy where every park has 5. */
static ParkInfo *jx5;

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

TEST(test_lever_rate)
{
    is_double(lever_rate(0.1, 0.5, 0), 0.1, 0, "lever_rate at intensity 0 is the baseline");
    is_double(lever_rate(0.1, 0.5, 1), 0.5, 0, "lever_rate at intensity 1 is the maximum");
    is_double(lever_rate(0.1, 0.5, 0.5), 0.3, 1e-15, "lever_rate at 0.5 is halfway: 0.1 + 0.5 * 0.4");
    is_double(lever_rate(0.1, 0.5, -1), 0.1, 0, "lever_rate at negative intensity is the baseline");
}

TEST(test_lever_intensity)
{
    LeverParams c = {3, 5, 0.7, 100, 0};
    ok(lever_intensity(&c, 2) == 0 && lever_intensity(&c, 3) == 0.7 && lever_intensity(&c, 5) == 0.7 &&
       lever_intensity(&c, 6) == 0, "lever_intensity: 0 before start, intensity on start..end inclusive, 0 after");
    c.intensity = 0;
    ok(lever_intensity(&c, 4) == 0, "lever_intensity of a lever at intensity 0 is 0 inside its months");
}

TEST(test_lever_pay)
{
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    ps.budget[LEVER_UPGRADES] = 100;
    int a = lever_pay(&ps, LEVER_UPGRADES, 60);
    int b = lever_pay(&ps, LEVER_UPGRADES, 50);
    ok(a == 1 && b == 0 && ps.budget[LEVER_UPGRADES] == 40 && ps.spent[LEVER_UPGRADES] == 60,
       "lever_pay pays 60 of 100, refuses 50 of the 40 left and spends nothing then");
    ok(lever_pay(&ps, LEVER_UPGRADES, 40) == 1 && ps.budget[LEVER_UPGRADES] == 0 && ps.budget[LEVER_MERGERS] == 0,
       "lever_pay can spend the budget exactly; other levers untouched");
}

TEST(test_lever_params)
{
    ok(lever_params(base, LEVER_MERGERS) == &base->levers.mergers.c &&
       lever_params(base, LEVER_REVITALISATION) == &base->levers.revitalisation.c &&
       lever_params(base, LEVER_UPGRADES) == &base->levers.upgrades.c, "lever_params maps ids to levers");
}

/* ================================================= intensity 0 is bit-identical */

TEST(test_intensity_zero_is_bit_identical)
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
            diff = replicate_out_diff(&o0, &o1, base, P);
        }
        ok(st_ok && !diff, "%s at intensity 0 with a budget: output bit-identical to the baseline%s%s", lever_name(id),
           diff ? "; differs in " : "", diff ? diff : "");
        /* and the comparison can fail: at intensity 1 the output changes */
        c->intensity = 1;
        replicate_run(base, parks, P, 0, &o0, &err);
        replicate_run(&q, parks, P, 0, &o1, &err);
        ok(replicate_out_diff(&o0, &o1, base, P) != NULL, "%s at intensity 1 changes the output", lever_name(id));
    }
    replicate_out_free(&o0);
    replicate_out_free(&o1);
}

/* ================================================= more intensity, no less effect */

TEST(test_more_intensity_no_less_effect)
{
    /* Sums over replicates 0-5 at intensities 0, 0.25, ..., 1 with each lever's
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
                /* No park spends more than it holds, and the parks hold no more
                 * than the year's budget and last year's unspent money (pooled). */
                double left = 0;
                for (int y = 1; y < params_assess_years(&q); y++) {
                    double spent = 0, held = 0;
                    for (int k = 0; k < P; k++) {
                        size_t at = (size_t)(y * P + k) * LEVER_COUNT + id;
                        spent += o.lever_spent[at];
                        held += o.lever_allotted[at];
                        if (o.lever_spent[at] - o.lever_allotted[at] > spent_over)
                            spent_over = o.lever_spent[at] - o.lever_allotted[at];
                    }
                    if (held - budget[id] - left > spent_over) spent_over = held - budget[id] - left;
                    left = held - spent;
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
    ok(spent_over <= 1e-6,
       "no park spends more than it holds, and the parks hold no more than the budget and last year's unspent (excess %g)",
       spent_over);
    replicate_out_free(&o);
}

TEST(test_binding_budget)
{
    int P = jx.n_parks, T = params_months(base);
    ReplicateOut o;
    ErrBuf err;
    out_alloc(&o, base, P);
    /* A binding budget: upgrades at intensity 1 with 500 a year, province-wide.
     * Unspent money goes back to the province and is added to the next
     * year's budget (province.unspent = pool), so a year may spend more than
     * 500, but the spending up to the end of year y never exceeds 500 y. */
    Params q = *base;
    q.levers.upgrades.c = (LeverParams){0, T - 1, 1, 500, 0};
    replicate_run(&q, jx.parks, P, 0, &o, &err);
    double worst = 0, total = 0;
    for (int y = 1; y < params_assess_years(&q); y++) {
        for (int k = 0; k < P; k++) total += o.lever_spent[(y * P + k) * LEVER_COUNT + LEVER_UPGRADES];
        if (total - 500.0 * y > worst) worst = total - 500.0 * y;
    }
    ok(worst <= 1e-9 && total > 0,
       "a binding upgrades budget: spending to the end of each year at most 500 a year (worst excess %g, total %g)",
       worst, total);
    replicate_out_free(&o);
}

/* Every park and firm of a replicate, bytewise. */
static int parks_equal(const ParkState *a, const ParkState *b, int P)
{
    for (int k = 0; k < P; k++) {
        if (memcmp(&a[k], &b[k], sizeof a[k]) || memcmp(a[k].firm, b[k].firm, (size_t)a[k].n_firm * sizeof(Firm)) ||
            (a[k].n_site && memcmp(a[k].site, b[k].site, (size_t)a[k].n_site * sizeof(Site))))
            return 0;
    }
    return 1;
}

/* A lever that says it is inert when off (the schedule then skips its
 * hooks) really changes nothing at intensity 0: each of its hooks, called
 * on every park and firm of a Jiangxi replicate (with budgets in every
 * account, firms of every 亩均 class), leaves every byte of the parks as it
 * was, takes no drift and forces no exit; and the levers that hold a
 * baseline process (mergers, upgrades, ...) do not say so. */
TEST(test_inert_when_off)
{
    Params q = *base;
    q.levers.land.c = (LeverParams){0, 35, 0, 0, 0};
    Replicate R;
    ReplicateOut o;
    if (replicate_out_alloc(&o, &q, jx.n_parks, 1) != SIM_OK) bail_oom();
    if (replicate_init(&R, &q, jx.parks, jx.n_parks, 0, &o) != SIM_OK) bail_oom();
    for (int k = 0; k < R.n_parks; k++)
        for (int a = 0; a < PARK_ACCOUNTS; a++) R.park[k].budget[a] = 1e9;
    int P = R.n_parks, n_inert = 0;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
        if (!t->inert_when_off) continue;
        n_inert++;
        ParkState *copy = malloc((size_t)P * sizeof *copy);
        if (!copy) bail_oom();
        memcpy(copy, R.park, (size_t)P * sizeof *copy);
        Firm **firms = malloc((size_t)P * sizeof *firms);
        Site **sites = malloc((size_t)P * sizeof *sites);
        if (!firms || !sites) bail_oom();
        for (int k = 0; k < P; k++) { /* deep copies, compared after */
            firms[k] = malloc((size_t)(R.park[k].n_firm + 1) * sizeof(Firm));
            sites[k] = malloc((size_t)(R.park[k].n_site + 1) * sizeof(Site));
            if (!firms[k] || !sites[k]) bail_oom();
            memcpy(firms[k], R.park[k].firm, (size_t)R.park[k].n_firm * sizeof(Firm));
            if (R.park[k].n_site) /* a park without idle land has no site array */
                memcpy(sites[k], R.park[k].site, (size_t)R.park[k].n_site * sizeof(Site));
        }
        double drift = 0;
        int exits = 0;
        for (int m = 0; m < 3; m++)
            for (int k = 0; k < P; k++) {
                LeverCtx *c = at(&R, k, m, 0.0);
                RngBlock pb = rng_block(q.run.seed, 0, (uint64_t)k, (uint32_t)m, RNG_PARK_MONTH);
                if (t->park_begin) t->park_begin(c, &pb);
                for (int i = 0; i < R.park[k].n_firm; i++) {
                    Firm *f = &R.park[k].firm[i];
                    RngBlock b = rng_block(q.run.seed, 0, f->gid, (uint32_t)m, RNG_FIRM_MONTH);
                    if (t->drift_cut) drift += fabs(t->drift_cut(c, f));
                    if (t->firm_act) t->firm_act(c, f, &b);
                    if (t->firm_exit) exits += t->firm_exit(c, f, rng_u32_hi(b.w[1]), 0.0);
                    if (t->firm_late) t->firm_late(c, f, &b);
                }
                if (t->park_end && t->park_end(c, &pb) != SIM_OK) exits = -1;
            }
        for (int k = 0; k < P; k++) {
            copy[k].firm = R.park[k].firm; /* the arrays themselves are compared through firms/sites */
            copy[k].site = R.park[k].site;
        }
        int same = parks_equal(copy, R.park, P);
        for (int k = 0; k < P && same; k++)
            same = !memcmp(firms[k], R.park[k].firm, (size_t)copy[k].n_firm * sizeof(Firm)) &&
                   (!copy[k].n_site || !memcmp(sites[k], R.park[k].site, (size_t)copy[k].n_site * sizeof(Site)));
        ok(same && drift == 0 && exits == 0,
           "%s says it is inert when off: at intensity 0 its hooks change no park or firm, cut no drift, force no exit",
           t->key);
        for (int k = 0; k < P; k++) {
            free(firms[k]);
            free(sites[k]);
        }
        free(firms);
        free(sites);
        free(copy);
    }
    ok(n_inert >= 1 && !lever_table[LEVER_MERGERS]->inert_when_off && !lever_table[LEVER_UPGRADES]->inert_when_off &&
           !lever_table[LEVER_CULTIVATION]->inert_when_off && !lever_table[LEVER_SMART]->inert_when_off &&
           !lever_table[LEVER_REVITALISATION]->inert_when_off && !lever_table[LEVER_CHAIN]->inert_when_off,
       "the levers with a baseline process are never skipped (%d inert when off)", n_inert);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* The per-firm hook lists of levers.h name exactly the hooks the table
 * holds, and in table order: the schedule calls the hooks from the lists,
 * every other user of the levers reads the table. */
TEST(test_firm_hook_lists)
{
    double (*cut[LEVER_COUNT])(LeverCtx *, const Firm *) = {0};
    void (*act[LEVER_COUNT])(LeverCtx *, Firm *, const RngBlock *) = {0};
    int (*ex[LEVER_COUNT])(LeverCtx *, const Firm *, double, double) = {0};
    void (*late[LEVER_COUNT])(LeverCtx *, Firm *, const RngBlock *) = {0};
    int ordered = 1, last;
#define ORDER_(ID) ordered &= LEVER_##ID > last, last = LEVER_##ID;
#define CUT_(ID, key) cut[LEVER_##ID] = hook_##key##_drift_cut; ORDER_(ID)
#define ACT_(ID, key) act[LEVER_##ID] = hook_##key##_firm_act; ORDER_(ID)
#define EX_(ID, key) ex[LEVER_##ID] = hook_##key##_firm_exit; ORDER_(ID)
#define LATE_(ID, key) late[LEVER_##ID] = hook_##key##_firm_late; ORDER_(ID)
    last = -1;
    LEVER_DRIFT_CUT(CUT_)
    last = -1;
    LEVER_FIRM_ACT(ACT_)
    last = -1;
    LEVER_FIRM_EXIT(EX_)
    last = -1;
    LEVER_FIRM_LATE(LATE_)
#undef ORDER_
#undef CUT_
#undef ACT_
#undef EX_
#undef LATE_
    int differ = 0;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
        differ += (t->drift_cut != cut[id]) + (t->firm_act != act[id]) + (t->firm_exit != ex[id]) +
                  (t->firm_late != late[id]);
    }
    is_int(differ, 0, "the per-firm hook lists name exactly the table's per-firm hooks");
    ok(ordered, "each per-firm hook list is in table order");
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    jx5 = malloc((size_t)jx.n_parks * sizeof *jx5);
    if (!jx5) bail_oom();
    memcpy(jx5, jx.parks, (size_t)jx.n_parks * sizeof *jx5);
    for (int k = 0; k < jx.n_parks; k++) jx5[k].industries = 5;
    run_test(test_lever_rate);
    run_test(test_lever_intensity);
    run_test(test_lever_pay);
    run_test(test_lever_params);
    run_test(test_intensity_zero_is_bit_identical);
    run_test(test_more_intensity_no_less_effect);
    run_test(test_binding_budget);
    run_test(test_inert_when_off);
    run_test(test_firm_hook_lists);
    free(jx5);
    config_free(&jx);
    return done_testing();
}
