/** \file test_assess.c
 * The annual assessment (agents/assess.c): indicator bands, park metrics,
 * weighted group and composite scores, tiers, the serious-incident veto, the
 * smart-level condition and per-group minimums. Every expected value is
 * computed by hand in the comment beside it.
 */
#include "tap.h"
#include "../agents/assess.h"
#include "../schedule/replicate.h"
#include "../sim/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static IndicatorParams band(int kind, double lo, double hi)
{
    IndicatorParams b;
    memset(&b, 0, sizeof b);
    b.metric = METRIC_REVENUE;
    b.weight = 1;
    b.band = kind;
    b.lo = lo;
    b.hi = hi;
    b.top = 0.3;
    b.mid = 0.7;
    return b;
}

/* Percentile score of each of n values. */
static void pct_all(const IndicatorParams *b, const double *v, int n, double *out)
{
    for (int i = 0; i < n; i++) out[i] = assess_band(b, v[i], v, n);
}

static int same(const double *a, const double *b, int n)
{
    for (int i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > 1e-12) return 0;
    return 1;
}

/* The 3-park scheme: group "econ" (weight 3, tier1_min 0): revenue linear 0..100
 * (weight 1), revenue_per_mu linear 0..10 (weight 3); group "safety" (weight 1,
 * tier1_min 50): incidents linear 2..0 (lower is better). Tiers: 60 / 40,
 * smart level 1 for the first tier, veto on. */
static AssessParams scheme(void)
{
    AssessParams a;
    memset(&a, 0, sizeof a);
    a.tier1_min = 60;
    a.tier2_min = 40;
    a.tier1_min_smart_level = 1;
    a.veto_serious_incident = 1;
    a.n_groups = 2;
    snprintf(a.group[0].name, sizeof a.group[0].name, "econ");
    a.group[0].weight = 3;
    a.group[0].tier1_min = 0;
    a.group[0].n_ind = 2;
    a.group[0].ind[0] = band(BAND_LINEAR, 0, 100);
    a.group[0].ind[1] = band(BAND_LINEAR, 0, 10);
    a.group[0].ind[1].metric = METRIC_REVENUE_PER_MU;
    a.group[0].ind[1].weight = 3;
    snprintf(a.group[1].name, sizeof a.group[1].name, "safety");
    a.group[1].weight = 1;
    a.group[1].tier1_min = 50;
    a.group[1].n_ind = 1;
    a.group[1].ind[0] = band(BAND_LINEAR, 2, 0);
    a.group[1].ind[0].metric = METRIC_INCIDENTS;
    return a;
}

typedef struct {
    double score[3], group[6], work[3];
    int8_t tier[3], veto[3];
    int top;
} Result;

static Result run(const AssessParams *a, const double *metrics, const int *smart, const int *serious)
{
    Result r;
    memset(&r, 0, sizeof r);
    r.top = assess_parks(a, 3, smart, metrics, serious, r.score, r.tier, r.veto, r.group, r.work);
    return r;
}

/* linear bands */
TEST(test_linear_bands)
{
    IndicatorParams b = band(BAND_LINEAR, 0, 10);
    is_double(assess_band(&b, 2.5, NULL, 0), 25, 1e-12, "linear 0..10 at 2.5 scores 25");
    is_double(assess_band(&b, 10, NULL, 0), 100, 1e-12, "linear 0..10 at 10 scores 100");
    is_double(assess_band(&b, -1, NULL, 0), 0, 0, "linear below lo clamps to 0");
    is_double(assess_band(&b, 12, NULL, 0), 100, 0, "linear above hi clamps to 100");
    b = band(BAND_LINEAR, 100, 600);
    is_double(assess_band(&b, 350, NULL, 0), 50, 1e-12, "linear 100..600 at 350 scores 50");
    b = band(BAND_LINEAR, 3, 0); /* reversed: lower is better */
    is_double(assess_band(&b, 1, NULL, 0), 200.0 / 3, 1e-12, "reversed linear 3..0 at 1 scores 100 (1-3)/(0-3) = 66.67");
    is_double(assess_band(&b, 0, NULL, 0), 100, 1e-12, "reversed linear at hi (0) scores 100");
    is_double(assess_band(&b, 3, NULL, 0), 0, 1e-12, "reversed linear at lo (3) scores 0");
    is_double(assess_band(&b, 5, NULL, 0), 0, 0, "reversed linear above lo clamps to 0");
    is_double(assess_band(&b, -2, NULL, 0), 100, 0, "reversed linear below hi clamps to 100");
}

/* log bands */
TEST(test_log_bands)
{
    IndicatorParams b = band(BAND_LOG, 10, 1000);
    is_double(assess_band(&b, 100, NULL, 0), 50, 1e-12, "log 10..1000 at 100 scores 50");
    is_double(assess_band(&b, pow(10, 1.5), NULL, 0), 25, 1e-12, "log 10..1000 at 10^1.5 scores 25");
    is_double(assess_band(&b, 10, NULL, 0), 0, 1e-12, "log at lo scores 0");
    is_double(assess_band(&b, 5000, NULL, 0), 100, 0, "log above hi clamps to 100");
    is_double(assess_band(&b, 1, NULL, 0), 0, 0, "log below lo clamps to 0");
    is_double(assess_band(&b, 0, NULL, 0), 0, 0, "log at 0 scores as the low anchor (0)");
    is_double(assess_band(&b, -5, NULL, 0), 0, 0, "log of a negative value scores 0");
    b = band(BAND_LOG, 200, 5); /* reversed */
    /* 100 (ln 20 - ln 200)/(ln 5 - ln 200) = 100 ln 10 / ln 40 = 62.42 */
    is_double(assess_band(&b, 20, NULL, 0), 100 * log(10.0) / log(40.0), 1e-12, "reversed log 200..5 at 20 scores 100 ln10/ln40");
    is_double(assess_band(&b, 0, NULL, 0), 100, 0, "reversed log at 0 scores 100 (beyond the good end)");
}

/* percentile bands */
TEST(test_percentile_bands)
{
    IndicatorParams b = band(BAND_PERCENTILE, 0, 1); /* higher is better; top 30%, mid 70% */
    /* Parks strictly better / 10: 10s -> 0 (100); 9 -> 0.3 (not < 0.3: 50); 8 -> 0.4;
     * 7 -> 0.5; 5 -> 0.6 (50); 3 -> 0.7 (not < 0.7: 0); 2 -> 0.8; 1 -> 0.9 (0). */
    const double v1[10] = {10, 10, 10, 5, 1, 7, 3, 2, 8, 9};
    const double w1[10] = {100, 100, 100, 50, 0, 50, 0, 0, 50, 50};
    double s[10];
    pct_all(&b, v1, 10, s);
    ok(same(s, w1, 10), "percentile: top 30%% score 100, up to 70%% score 50, the rest 0");
    /* Ties at a boundary: 10 has 0 better (100); the three 9s have 1 better
     * (0.2 < 0.3), so all three share 100 although 4 of 5 parks then score 100;
     * 1 has 4 better (0.8): 0. */
    const double v2[5] = {10, 9, 9, 9, 1}, w2[5] = {100, 100, 100, 100, 0};
    pct_all(&b, v2, 5, s);
    ok(same(s, w2, 5), "percentile: tied parks share the better band");
    const double v3[4] = {4, 4, 4, 4}, w3[4] = {100, 100, 100, 100};
    pct_all(&b, v3, 4, s);
    ok(same(s, w3, 4), "percentile: all parks tied all score 100");
    b = band(BAND_PERCENTILE, 1, 0); /* lower is better */
    /* better = strictly smaller: 0,0 -> 0 (100); 2 -> 2/5 = 0.4 (50); 5 -> 0.6 (50); 7 -> 0.8 (0) */
    const double v4[5] = {0, 2, 0, 7, 5}, w4[5] = {100, 50, 100, 0, 50};
    pct_all(&b, v4, 5, s);
    ok(same(s, w4, 5), "percentile with lo > hi: lower values are better");
    b = band(BAND_PERCENTILE, 0, 1);
    b.top = 0.1;
    b.mid = 0.1; /* no middle band */
    const double v5[4] = {3, 2, 1, 0}, w5[4] = {100, 0, 0, 0};
    pct_all(&b, v5, 4, s);
    ok(same(s, w5, 4), "percentile with top = mid = 0.1: only the best scores, nothing scores 50");
}

/* assess_parks: 3 parks by hand */
TEST(test_assess_parks_by_hand)
{
    AssessParams a = scheme();
    double m[3 * METRIC_COUNT];
    memset(m, 0, sizeof m);
    /* park:                 revenue  rev/mu  incidents  smart  serious */
    /*   P0                     80      10        0        1       0    */
    /*   P1                    100       8        1        0       0    */
    /*   P2                     60       6        2        2       1    */
    const double rev[3] = {80, 100, 60}, rpm[3] = {10, 8, 6}, inc[3] = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
        m[k * METRIC_COUNT + METRIC_REVENUE] = rev[k];
        m[k * METRIC_COUNT + METRIC_REVENUE_PER_MU] = rpm[k];
        m[k * METRIC_COUNT + METRIC_INCIDENTS] = inc[k];
    }
    int smart[3] = {1, 0, 2}, serious[3] = {0, 0, 1};
    Result r = run(&a, m, smart, serious);
    /* Weights normalise: indicators 1:3 -> 0.25/0.75, groups 3:1 -> 0.75/0.25.
     * econ:   P0 0.25*80 + 0.75*100 = 95; P1 0.25*100 + 0.75*80 = 85; P2 0.25*60 + 0.75*60 = 60
     * safety: P0 100 (0 incidents); P1 50; P2 0
     * score:  P0 0.75*95 + 0.25*100 = 96.25; P1 63.75 + 12.5 = 76.25; P2 45 + 0 = 45 */
    const double g_want[6] = {95, 100, 85, 50, 60, 0}, s_want[3] = {96.25, 76.25, 45};
    ok(same(r.group, g_want, 6), "group scores are weight-normalised band averages (95/100, 85/50, 60/0)");
    ok(same(r.score, s_want, 3), "composite scores 96.25, 76.25, 45");
    /* P0: 96.25 >= 60, smart 1 >= 1, safety 100 >= 50: tier 1.
     * P1: 76.25 >= 60 but smart 0 < 1: tier 2.
     * P2: serious incident: veto, tier 3 (45 would be tier 2 otherwise). */
    ok(r.tier[0] == 1 && r.tier[1] == 2 && r.tier[2] == 3, "tiers 1, 2, 3");
    ok(r.veto[0] == 0 && r.veto[1] == 0 && r.veto[2] == 1, "only P2 is vetoed");
    is_int(r.top, 1, "assess_parks returns the first-tier count (1)");

    /* weights normalise: scaling all group weights by 10 and indicator weights by 7 changes nothing */
    AssessParams a2 = a;
    for (int g = 0; g < 2; g++) {
        a2.group[g].weight *= 10;
        for (int j = 0; j < a2.group[g].n_ind; j++) a2.group[g].ind[j].weight *= 7;
    }
    Result r2 = run(&a2, m, smart, serious);
    ok(same(r2.score, r.score, 3) && same(r2.group, r.group, 6), "scaled weights give the same scores");

    /* veto off: P2 scores 45 >= 40: tier 2, no veto flag */
    a2 = a;
    a2.veto_serious_incident = 0;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[2] == 2 && r2.veto[2] == 0, "veto off: P2 (45) is tier 2");
    /* a serious incident caps even the best park: P0 with a serious incident */
    int serious0[3] = {1, 0, 1};
    r2 = run(&a, m, smart, serious0);
    ok(r2.tier[0] == 3 && r2.veto[0] == 1 && r2.top == 0, "a serious incident caps a 96.25 park at tier 3");

    /* smart-level condition: with level 0 required, P1 (76.25, safety 50 >= 50) is tier 1 */
    a2 = a;
    a2.tier1_min_smart_level = 0;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[1] == 1 && r2.top == 2, "smart level 0 required: P1 reaches tier 1 (2 first-tier parks)");
    a2.tier1_min_smart_level = 2;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[0] == 2 && r2.top == 0, "smart level 2 required: P0 (level 1) drops to tier 2");

    /* per-group tier1_min: econ needs 96 -> P0 (econ 95) is tier 2 */
    a2 = a;
    a2.group[0].tier1_min = 96;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[0] == 2 && r2.top == 0, "econ tier1_min 96: P0 (econ 95) misses tier 1 despite 96.25 overall");
    /* safety needs 50.01 -> P1 (safety 50) is tier 2 even with smart level 0 allowed */
    a2 = a;
    a2.tier1_min_smart_level = 0;
    a2.group[1].tier1_min = 50.01;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[1] == 2 && r2.tier[0] == 1, "safety tier1_min 50.01: P1 (safety 50) misses tier 1");

    /* thresholds are inclusive */
    a2 = a;
    a2.tier1_min = 96.25;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[0] == 1, "score equal to tier1_min (96.25) is tier 1");

    /* focus penalty: P0 has 5 leading industries, 3 allowed, 20 points each:
     * 96.25 - 40 = 56.25, below tier1_min 60 and above tier2_min 40 -> tier 2.
     * P1 has exactly 3: no penalty. */
    {
        double m3[3 * METRIC_COUNT];
        memcpy(m3, m, sizeof m3);
        m3[0 * METRIC_COUNT + METRIC_LEADING_INDUSTRIES] = 5;
        m3[1 * METRIC_COUNT + METRIC_LEADING_INDUSTRIES] = 3;
        a2 = a;
        a2.focus_max_industries = 3;
        a2.focus_penalty = 20;
        r2 = run(&a2, m3, smart, serious);
        is_double(r2.score[0], 56.25, 1e-9, "focus: 2 industries over the allowance cost 2 x 20 points");
        ok(r2.tier[0] == 2 && fabs(r2.score[1] - r.score[1]) < 1e-12, "focus: P0 drops to tier 2; P1 (3 industries) unchanged");
        a2.focus_penalty = 60;
        r2 = run(&a2, m3, smart, serious);
        is_double(r2.score[0], 0, 0, "focus: the penalty never takes the composite below 0");
    }
    a2.tier1_min = 96.26;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[0] == 2, "score just below tier1_min is tier 2");
    a2 = a;
    a2.veto_serious_incident = 0;
    a2.tier2_min = 45;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[2] == 2, "score equal to tier2_min (45) is tier 2");
    a2.tier2_min = 45.01;
    r2 = run(&a2, m, smart, serious);
    ok(r2.tier[2] == 3, "score below tier2_min is tier 3");

    /* a percentile indicator inside assess_parks ranks across the parks:
     * incidents {0, 1, 2}, lower better: better 0 (100), 1/3 (50), 2/3 (50) */
    a2 = a;
    a2.group[1].ind[0].band = BAND_PERCENTILE;
    a2.group[1].ind[0].lo = 1;
    a2.group[1].ind[0].hi = 0;
    r2 = run(&a2, m, smart, serious);
    ok(r2.group[1] == 100 && r2.group[3] == 50 && r2.group[5] == 50, "percentile indicator in a group: 100, 50, 50");
    /* P2: 0.75 * 60 + 0.25 * 50 = 57.5 */
    is_double(r2.score[2], 57.5, 1e-12, "composite with the percentile safety group: P2 57.5");
}

/* park metrics by hand */
TEST(test_park_metrics_by_hand)
{
    Scenario sc;
    if (config_load(&sc, "configs/test/tiny.yaml", NULL, 0) != SIM_OK) {
        printf("Bail out! cannot load configs/test/tiny.yaml (run from the repository root)\n");
        exit(1);
    }
    const Params *p = &sc.p; /* chain_links 10, digital_threshold 0.5 (defaults) */
    ParkInfo info;
    memset(&info, 0, sizeof info);
    info.land_mu = 100;
    info.n_chains = 2;
    info.smart_level = 1;
    info.industries = 2;
    ParkState ps;
    memset(&ps, 0, sizeof ps);
    /*        revenue  tech  rd    safety  cult              chain/link */
    /*   f0    3000    0.6   0.02  0.9     specialised        0 / 0     */
    /*   f1    1000    0.2   0.01  0.7     none               0 / 3     */
    /*   f2    1000    0.8   0     0.8     little giant      -1         */
    /*   f3    9999    exited (ignored)                                */
    const double rev[4] = {3000, 1000, 1000, 9999}, tech[4] = {0.6, 0.2, 0.8, 1}, rd[4] = {0.02, 0.01, 0, 1},
                 saf[4] = {0.9, 0.7, 0.8, 0};
    const int cult[4] = {CULT_SPECIALISED, CULT_NONE, CULT_LITTLE_GIANT, CULT_CHAMPION}, chain[4] = {0, 0, -1, 1},
              link[4] = {0, 3, 0, 5};
    for (int i = 0; i < 4; i++) {
        Firm f;
        memset(&f, 0, sizeof f);
        f.gid = (uint64_t)i;
        firm_set_log_rev(&f, log(rev[i]));
        f.land_mu = 20;
        f.tech = tech[i];
        f.rd = rd[i];
        f.safety = saf[i];
        f.cult = (uint8_t)cult[i];
        f.chain = (int8_t)chain[i];
        f.link = (uint8_t)link[i];
        f.status = i == 3 ? FIRM_EXITED : FIRM_ACTIVE;
        park_add_firm(&ps, &f);
    }
    park_add_site(&ps, 20, -1);
    ps.incidents_year = 2;
    ps.revenue_prev = 4000;
    /* park state, not the CSV row: levers change these */
    ps.smart_level = 1;
    ps.industries = 2;
    ps.infra = 0.45;
    ps.frozen_until = 13;
    double m[METRIC_COUNT];
    assess_park_metrics(p, &info, &ps, 1, m);
    /* revenue 5000 (CNY 1e4) = 0.5 (1e8); per mu 5000/100 = 50; growth 5000/4000 - 1 = 0.25 */
    is_double(m[METRIC_REVENUE], 0.5, 1e-12, "revenue in CNY 1e8: 5000e4 = 0.5");
    is_double(m[METRIC_REVENUE_PER_MU], 50, 1e-9, "revenue per mu of park land: 5000/100");
    is_double(m[METRIC_REVENUE_GROWTH], 0.25, 1e-12, "revenue growth 5000/4000 - 1");
    /* leading share (3000 + 1000)/5000; 2 filled links of 2 chains x 10 links */
    is_double(m[METRIC_LEADING_SHARE], 0.8, 1e-12, "leading-chain revenue share 0.8");
    is_double(m[METRIC_CHAIN_COMPLETENESS], 0.1, 1e-12, "chain completeness 2/20");
    is_double(m[METRIC_ANCHOR_REVENUE], 0.3, 1e-12, "largest firm 3000e4 = 0.3e8 (exited firm ignored)");
    /* R&D (3000*0.02 + 1000*0.01)/5000 = 0.014; tech (1800 + 200 + 800)/5000 = 0.56 */
    is_double(m[METRIC_RD_INTENSITY], 0.014, 1e-12, "revenue-weighted R&D 0.014");
    is_double(m[METRIC_TECH_LEVEL], 0.56, 1e-12, "revenue-weighted tech 0.56");
    is_double(m[METRIC_SPECIALISED_SHARE], 2.0 / 3, 1e-12, "specialised or higher: 2 of 3");
    /* above scale (>= 2000): f0 only, tech 0.6 >= 0.5 */
    is_double(m[METRIC_DIGITAL_COVERAGE], 1, 0, "digital coverage of above-scale firms: 1/1");
    is_double(m[METRIC_ABOVE_SCALE_SHARE], 1.0 / 3, 1e-12, "above-scale share 1/3");
    is_double(m[METRIC_IDLE_SHARE], 0.2, 1e-12, "idle share 20/100");
    is_double(m[METRIC_SAFETY], 0.8, 1e-12, "mean safety (0.9 + 0.7 + 0.8)/3");
    ok(m[METRIC_INCIDENTS] == 2 && m[METRIC_SMART_LEVEL] == 1 && m[METRIC_LEADING_INDUSTRIES] == 2 &&
       m[METRIC_FIRMS] == 3, "incidents, smart level, industries, active firms copied");
    is_double(m[METRIC_INFRASTRUCTURE], 0.45, 0, "infrastructure level from the park state");
    is_double(m[METRIC_INNOVATIVE_SHARE], 2.0 / 3, 1e-12, "innovative or higher: 2 of 3 (f0, f2)");
    is_double(m[METRIC_LITTLE_GIANTS], 100.0 / 3, 1e-12, "little giants or champions per 100 firms: 1 of 3");
    /* chain leaders: leading-chain firms at or above the threshold; none at the default 50亿 */
    ok(m[METRIC_CHAIN_LEADERS] == 0, "no chain leader below cultivation.chain_leader_revenue");
    ok(m[METRIC_FROZEN] == 1, "frozen: projects barred until month 13 > 12 (the year-1 end)");
    {
        Params q = *p;
        q.cultivation.chain_leader_revenue = 999; /* f1 has exp(log(1000)), which may round below 1000 */
        double m2[METRIC_COUNT];
        ps.frozen_until = 12;
        assess_park_metrics(&q, &info, &ps, 1, m2);
        ok(m2[METRIC_CHAIN_LEADERS] == 2 && m2[METRIC_FROZEN] == 0,
           "threshold 999: f0 and f1 (on chain 0) are chain leaders, f2 (off-chain) is not; freeze ended at 12");
    }
    assess_park_metrics(p, &info, &ps, 0, m);
    is_double(m[METRIC_REVENUE_GROWTH], 0, 0, "growth is 0 in the initial assessment");
    free(ps.firm);
    free(ps.site);
    config_free(&sc);
}

int main(void)
{
    run_test(test_linear_bands);
    run_test(test_log_bands);
    run_test(test_percentile_bands);
    run_test(test_assess_parks_by_hand);
    run_test(test_park_metrics_by_hand);
    return done_testing();
}
