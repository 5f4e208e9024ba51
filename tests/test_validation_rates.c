/** \file test_validation_rates.c
 * Validation of the whole model against what its parameters imply
 * (docs/VALIDATION.md), items 4-5; items 1-3 (growth laws, size tail) are
 * in test_validation.c:
 *
 *   4. exit, merger, clearing and entry counts match what the parameters imply;
 *   5. the accounting invariants hold in every replicate, recomputed here
 *      independently of the model's own check (and the recomputed checks
 *      are shown to catch a planted error).
 *
 * Everything goes through the public model API (tests/validation.h), so
 * new levers, which are off in the baseline scenario, do not touch the
 * baseline figures; the all-levers scenario is checked for the invariants.
 * Expected counts are sums of the per-firm (per-site) monthly probabilities
 * the baseline parameters give for the state at the start of each month;
 * every tolerance is 4 Poisson standard errors of the expected count. The
 * draws are keyed streams with fixed seeds, so the figures are
 * deterministic; a test that fails against the model is reported with
 * `# TODO` and a reason instead of being loosened.
 *
 * PARKSIM_TEST_SCALE (a number in (0, 1], default 1) scales the number of
 * replicates down, for slow builds; the tolerances follow the sample sizes.
 */
#include "validation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { G = 20 };                 /* batches: the baseline runs at least 2 G replicates, as in test_validation.c */
static Scenario jx, all;
static const Params *p;
static double scale;
static int nrep;
static Collect C;                /* the baseline runs */

/* ============================================ 4. exit, merger, clearing and entry rates */

TEST(test_event_rates)
{
    double fy = C.firm_months / 12.0, d_share = C.d_months / C.firm_months;
    double r_x = p->firm.exit_rate, m_d = p->firm.exit_dclass_multiplier;
    diag("exits: %.0f in %.0f firm-years = %.4f a-1; expected %.1f = %.4f a-1: hazard %.4f "
         "(exit_rate %.3f x (1 + %.4f D share x (%.0f - 1)) = %.4f) + min-revenue rule %.4f",
         C.exits, fy, C.exits / fy, C.exits_exp, C.exits_exp / fy, C.exits_haz_exp / fy, r_x, d_share, m_d,
         r_x * (1 + d_share * (m_d - 1)), C.exits_min_exp / fy);
    is_double(C.exits, C.exits_exp, 4 * sqrt(C.exits_exp), "exits %.0f = %.1f expected from exit_rate, the D multiplier and exit_min_revenue within 4 Poisson se",
              C.exits, C.exits_exp);

    double cdy = C.cd_months / 12.0;
    diag("mergers: %.0f deals in %.0f C/D firm-years = %.4f a-1 (mergers.rate %.3f); expected %.1f after exits and "
         "%.1f targets without a buyer; all firms: %.4f a-1 (C/D share %.3f x rate = %.4f)",
         C.deals, cdy, C.deals / cdy, p->mergers.rate, C.deals_exp, C.marks_exp - C.deals_exp, C.deals / fy,
         C.cd_months / C.firm_months, C.cd_months / C.firm_months * p->mergers.rate);
    is_double(C.deals, C.deals_exp, 4 * sqrt(C.deals_exp),
              "merger deals %.0f = %.1f expected (mergers.rate per C/D firm-year) within 4 Poisson se", C.deals, C.deals_exp);

    double isy = C.idle_site_months / 12.0, rsy = C.ready_site_months / 12.0, idle_mu_y = C.idle_mu_months / 12.0;
    diag("clearing: %.0f in %.0f idle site-years = %.4f a-1 (land.clear_rate %.2f)", C.clear, isy, C.clear / isy, p->land.clear_rate);
    is_double(C.clear, C.clear_exp, 4 * sqrt(C.clear_exp), "site clearings %.0f = %.1f expected from land.clear_rate within 4 Poisson se",
              C.clear, C.clear_exp);
    diag("entry: %.0f entrants in %.0f cleared site-years = %.4f a-1 (entry.rate %.2f); %.2f entrants per 1000 mu of idle land a year",
         C.lets, rsy, C.lets / rsy, p->entry.rate, 1000 * C.lets / idle_mu_y);
    is_double(C.lets, C.lets_exp, 4 * sqrt(C.lets_exp), "entrants %.0f = %.1f expected from entry.rate within 4 Poisson se", C.lets, C.lets_exp);
}

/* An initial firm below exit_min_revenue leaves in the first month unless
 * that month's growth lifts it: an artefact of the initial size split
 * (MODEL.md §5.3 has no floor), which inflates January 2026's exits. */
TEST(test_no_initial_firm_below_min_revenue)
{
    long below = 0, n = 0;
    for (int r = 0; r < nrep; r++)
        for (size_t i = 0; i < C.init_raw[r].n; i++) {
            n++;
            below += C.init_raw[r].x[i] < p->firm.exit_min_revenue;
        }
    int T = params_months(p);
    diag("initial firms below firm.exit_min_revenue (%g): %ld of %ld (%.2f%%, %.1f per replicate); exits per replicate "
         "in the first month %.1f, in each later month %.1f", p->firm.exit_min_revenue, below, n, 100.0 * below / n,
         (double)below / nrep, C.exits_month0 / nrep, (C.exits - C.exits_month0) / nrep / (T - 1));
    ok(below == 0, "initial population: no firm starts below firm.exit_min_revenue (%ld do; population.min_revenue floors them)",
       below);
}

/* ============================================ 5. accounting invariants */

TEST(test_invariants_baseline)
{
    is_int(C.init_fail + C.step_fail, 0, "baseline: replicate_init and replicate_step return SIM_OK in all %d replicates", nrep);
    ok(C.month_bad_reps == 0, "baseline: land occupied + idle = park land, recorded idle land and firms = park states, revenue > 0, "
                              "every month of every replicate (%d replicates off) %s", C.month_bad_reps, C.month_bad_reps ? C.why : "");
    ok(C.flow_bad_reps == 0, "baseline: firms = start + entries - exits - absorbed in every park-month and at the end (%d replicates off) %s",
       C.flow_bad_reps, C.flow_bad_reps ? C.why : "");
}

TEST(test_invariants_all_levers)
{
    int nl = (int)lround(50 * scale);
    if (nl < 8) nl = 8;
    Collect L;
    memset(&L, 0, sizeof L);
    if (!run_scenario(&all, nl, 0, &L)) {
        printf("Bail out! all-levers run failed: %s\n", L.why);
        exit(1);
    }
    is_int(L.init_fail + L.step_fail, 0, "all levers: replicate_init and replicate_step return SIM_OK in all %d replicates", nl);
    ok(L.month_bad_reps == 0, "all levers: land, idle, firm and revenue records agree with the park states every month (%d replicates off) %s",
       L.month_bad_reps, L.month_bad_reps ? L.why : "");
    ok(L.flow_bad_reps == 0, "all levers: firms = start + entries - exits - absorbed (%d replicates off) %s", L.flow_bad_reps,
       L.flow_bad_reps ? L.why : "");
    diag("all levers: %.0f exits, %.0f deals, %.0f entrants in %d replicates", L.exits, L.deals, L.lets, nl);
    collect_free(&L, nl);
}

/* The checks themselves must be able to fail: break one thing at a time. */
TEST(test_checks_can_fail)
{
    ReplicateOut o;
    Replicate R;
    char why[256] = "";
    int P = jx.n_parks, T = params_months(p), caught = 1;
    if (replicate_out_alloc(&o, p, P, 1) != SIM_OK) bail("out of memory");
    SimStatus st = replicate_init(&R, p, jx.parks, P, 0, &o);
    for (int m = 0; st == SIM_OK && m < T; m++) st = replicate_step(&R, &o);
    caught &= st == SIM_OK && check_month(&R, &o, T - 1, why, sizeof why) == 0 && check_flows(jx.parks, P, T, &o, why, sizeof why) == 0;
    R.park[3].site[0].mu += 1e-3;
    caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
    R.park[3].site[0].mu -= 1e-3;
    o.m_idle_mu[(T - 1) * P + 5] *= 1 + 1e-6;
    caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
    o.m_idle_mu[(T - 1) * P + 5] /= 1 + 1e-6;
    caught &= check_month(&R, &o, T - 1, why, sizeof why) == 0;
    double keep = R.park[2].firm[1].log_rev;
    R.park[2].firm[1].log_rev = NAN;
    caught &= check_month(&R, &o, T - 1, why, sizeof why) >= 1;
    R.park[2].firm[1].log_rev = keep;
    ok(caught, "the land and record checks catch 0.001 mu of missing land, a 1e-6 error in recorded idle land and a NaN revenue");
    caught = 1;
    o.m_entries[17 * P + 4]++; /* an entry recorded that never happened */
    caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) >= 1;
    o.m_entries[17 * P + 4]--;
    caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) == 0;
    for (int t = 20; t < T; t++) o.m_firms[t * P + 6]--; /* a firm that vanished without an exit */
    caught &= check_flows(jx.parks, P, T, &o, why, sizeof why) >= 1;
    ok(caught, "the stock-flow check catches a recorded entry that did not happen and a firm lost without a record");
    replicate_free(&R);
    replicate_out_free(&o);
}

int main(void)
{
    scale = test_scale();
    if (!load(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    if (!load(&all, "configs/jiangxi-all-levers.yaml")) { config_free(&jx); return 1; }
    p = &jx.p;
    if (scale < 1) diag("PARKSIM_TEST_SCALE=%g: fewer replicates, wider tolerances", scale);
    nrep = (int)lround(200 * scale);
    if (nrep < 2 * G) nrep = 2 * G;
    if (!run_scenario(&jx, nrep, 0, &C)) { printf("Bail out! baseline run failed: %s\n", C.why); return 1; }
    diag("baseline: %d replicates, %zu survivor-years of growth; excluded %ld acquirer-years and %ld entrant-years",
         nrep, C.growth.n, C.acquirer_years, C.entrant_years);
    run_test(test_event_rates);
    run_test(test_no_initial_firm_below_min_revenue);
    run_test(test_invariants_baseline);
    run_test(test_invariants_all_levers);
    run_test(test_checks_can_fail);
    collect_free(&C, nrep);
    config_free(&jx);
    config_free(&all);
    return done_testing();
}
