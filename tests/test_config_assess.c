/** \file test_config_assess.c
 * The assessment schema of a scenario (sim/config_assess.c):
 * `assessment.groups` with their indicators and scoring bands. Every class of
 * bad group or indicator fails with SIM_ECONFIG and a message naming the
 * file, line, column and key; a good custom scheme replaces the built-in one,
 * with the indicator defaults filled in.
 *
 * Scenario files are written into a mkdtemp() directory at run time and
 * stderr is captured around each call (tests/config_fixtures.h). Expected
 * line:column positions are counted by hand from the file text written
 * beside them (1-based; a value's column is where its first character is).
 */
#include "config_fixtures.h"

/* assessment.groups */
TEST(test_groups_errors)
{
    /* "        - {metric: revenu, ...": 'revenu' at column 20, '{' at column 11 */
    put("metric.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      indicators:\n"
                                   "        - {metric: revenu, band: linear, lo: 0, hi: 1}\n");
    load_bad("{D}/metric.yaml", NULL, 0, "unknown metric");
    says("parksim: error: {D}/metric.yaml:8:20: assessment.groups.0.indicators.0.metric: unknown metric 'revenu' "
         "(one of: revenue, revenue_per_mu,", "unknown metric");

    put("logband.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      indicators:\n"
                                    "        - {metric: revenue, band: log, lo: 0, hi: 600}\n");
    load_bad("{D}/logband.yaml", NULL, 0, "log band with lo <= 0");
    says("parksim: error: {D}/logband.yaml:8:11: assessment.groups.0.indicators.0: a log band needs 'lo' and 'hi' above 0",
         "log band with lo <= 0");

    put("nolohi.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      indicators:\n"
                                   "        - {metric: revenue, band: linear, lo: 5}\n");
    load_bad("{D}/nolohi.yaml", NULL, 0, "linear band without hi");
    says("{D}/nolohi.yaml:8:11: assessment.groups.0.indicators.0: a linear band needs both 'lo' and 'hi'", "band without hi");

    /* "    - name: econ": the group mapping starts at 'name', column 7 */
    put("noweight.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      indicators:\n"
                                     "        - {metric: revenue, band: linear, lo: 0, hi: 1}\n");
    load_bad("{D}/noweight.yaml", NULL, 0, "group without weight");
    says("parksim: error: {D}/noweight.yaml:5:7: assessment.groups.0: missing key 'weight'", "missing weight");

    /* "      colour: red": the key at column 7 of line 7 */
    put("groupkey.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      colour: red\n"
                                     "      indicators:\n        - {metric: revenue, band: linear, lo: 0, hi: 1}\n");
    load_bad("{D}/groupkey.yaml", NULL, 0, "unknown group key");
    says("parksim: error: {D}/groupkey.yaml:7:7: assessment.groups.0.colour: unknown key "
         "(group keys: name, weight, tier1_min, indicators)", "unknown group key");

    put("indkey.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      indicators:\n"
                                   "        - {metric: revenue, band: linear, lo: 0, hi: 1, scale: 2}\n");
    /* 'scale' is at column 57 */
    load_bad("{D}/indkey.yaml", NULL, 0, "unknown indicator key");
    says("{D}/indkey.yaml:8:57: assessment.groups.0.indicators.0.scale: unknown key (indicator keys:", "unknown indicator key");

    put("pct.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 1\n      indicators:\n"
                                "        - {metric: revenue, band: percentile, top: 0.8, mid: 0.5}\n");
    load_bad("{D}/pct.yaml", NULL, 0, "percentile top above mid");
    says("{D}/pct.yaml:8:11: assessment.groups.0.indicators.0: 'top' (0.8) must not exceed 'mid' (0.5)", "top above mid");
}

/* a good custom scheme resolves */
TEST(test_custom_scheme)
{
    put("groups_ok.yaml", PARKS_LINES "assessment:\n  groups:\n    - name: econ\n      weight: 2\n      tier1_min: 40\n"
                                      "      indicators:\n"
                                      "        - {metric: revenue, band: log, lo: 10, hi: 1000, weight: 3}\n"
                                      "        - {metric: incidents, band: percentile, lo: 1, hi: 0}\n");
    Scenario sc;
    char p[600];
    expand("{D}/groups_ok.yaml", p, sizeof p);
    SimStatus st = config_load(&sc, p, NULL, 0);
    const AssessParams *a = &sc.p.assessment;
    ok(st == SIM_OK && a->n_groups == 1 && !strcmp(a->group[0].name, "econ") && a->group[0].weight == 2 &&
       a->group[0].tier1_min == 40 && a->group[0].n_ind == 2 && a->group[0].ind[0].band == BAND_LOG &&
       a->group[0].ind[0].weight == 3 && a->group[0].ind[1].metric == METRIC_INCIDENTS &&
       a->group[0].ind[1].band == BAND_PERCENTILE && a->group[0].ind[1].weight == 1 &&
       a->group[0].ind[1].top == 0.3 && a->group[0].ind[1].mid == 0.7,
       "a custom assessment scheme replaces the default (indicator defaults weight 1, top 0.3, mid 0.7)");
    config_free(&sc);
}

int main(void)
{
    if (!cfg_fixture_begin("config-assess")) return 1;
    run_test(test_groups_errors);
    run_test(test_custom_scheme);
    cfg_fixture_end();
    return done_testing();
}
