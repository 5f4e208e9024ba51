/** \file test_config.c
 * Scenario loading (sim/config.c, sim/config_value.c, sim/ytree.c): good files
 * resolve to the values written in them (or inherited, or defaulted), and every
 * class of bad input fails with SIM_ECONFIG and a message naming the file,
 * line, column and key ("parksim: error: FILE:LINE:COL: KEY: message").
 * The park file reader has its own test (test_parks_csv.c), and so has the
 * assessment schema (test_config_assess.c).
 *
 * Bad files are written into a mkdtemp() directory at run time; stderr is
 * redirected to a file around each call and searched (tests/config_fixtures.h).
 * Expected line:column positions are counted by hand from the file text
 * written beside them (1-based; a value's column is where its first character is).
 */
#include "config_fixtures.h"

/* good files: the shipped baseline */
TEST(test_load_jiangxi_baseline)
{
    Scenario sc;
    cap_begin();
    SimStatus st = config_load(&sc, "configs/jiangxi-baseline.yaml", NULL, 0);
    const char *err = cap_end();
    is_int(st, SIM_OK, "jiangxi-baseline.yaml loads");
    ok(err[0] == '\0', "nothing is printed on success");
    /* written in the file */
    ok(!strcmp(sc.p.name, "baseline"), "scenario.name from the file");
    ok(sc.p.run.seed == 20260101u, "run.seed = 20260101 from the file");
    is_int(sc.p.run.replicates, 1000, "run.replicates from the file");
    is_int(sc.p.run.start_year, 2026, "run.start_year from the file");
    is_int(sc.p.run.years, 3, "run.years from the file");
    /* defaults of the table (sim/config.c specs[]) */
    is_double(sc.p.firm.exit_rate, 0.0134, 0, "firm.exit_rate takes its default 0.0134");
    is_double(sc.p.population.tail_alpha, 1.1, 0, "population.tail_alpha takes its default 1.1");
    is_int(sc.p.population.chain_links, 10, "population.chain_links takes its default 10");
    ok(sc.p.levers.mergers.c.intensity == 0 && sc.p.levers.revitalisation.c.intensity == 0 &&
       sc.p.levers.upgrades.c.intensity == 0, "levers default to intensity 0");
    /* start/end default to the whole run: months 0 .. 3*12-1 */
    ok(sc.p.levers.upgrades.c.start == 0 && sc.p.levers.upgrades.c.end == 35, "lever months default to 0..35");
    is_int(sc.p.assessment.n_groups, 6, "the built-in assessment scheme has 6 groups");
    ok(!strcmp(sc.p.assessment.group[0].name, "economy") && sc.p.assessment.group[0].n_ind == 2 &&
       sc.p.assessment.group[0].ind[0].band == BAND_LOG && sc.p.assessment.group[0].ind[0].lo == 20 &&
       sc.p.assessment.group[0].ind[0].hi == 600, "built-in group 0 is economy with a log revenue band 20..600");
    ok(sc.p.assessment.group[3].ind[0].metric == METRIC_INCIDENTS_PER_100 && sc.p.assessment.group[3].ind[0].lo == 4 &&
       sc.p.assessment.group[3].ind[0].hi == 0, "built-in safety group scores incidents per 100 firms reversed (lo 4, hi 0)");
    /* the park file: 25 data lines (26 non-comment lines incl. the header) */
    is_int(sc.n_parks, 25, "the Jiangxi park file has 25 parks");
    const char *tail = "configs/parks/jiangxi-2025.csv";
    size_t lp = strlen(sc.p.population.parks_file), lt = strlen(tail);
    ok(sc.p.population.parks_file[0] == '/' && lp > lt && !strcmp(sc.p.population.parks_file + lp - lt, tail),
       "parks_file resolved to an absolute path (%s)", sc.p.population.parks_file);
    if (sc.n_parks == 25) {
        const ParkInfo *k = &sc.parks[0];
        ok(!strcmp(k->code, "jiujiang_petrochem") && k->size_class == 'L' && k->firms == 170 &&
           k->revenue == 5000000 && k->land_mu == 8065 && k->idle_share == 0.04 && k->n_chains == 2 &&
           !strcmp(k->chains[0], "refining") && !strcmp(k->chains[1], "aromatics") && k->industries == 2 &&
           k->smart_level == 1 && k->anchor_revenue == 3500000,
           "first park row read field by field");
        ok(!strcmp(sc.parks[24].code, "linchuan_chem") && sc.parks[24].anchor_revenue == 0 &&
           !strcmp(sc.parks[24].city, "抚州"), "last park row (UTF-8 city, no anchor)");
    } else {
        ok(0, "first park row read field by field");
        ok(0, "last park row");
    }
    ok(sc.resolved && strstr(sc.resolved, "seed: 20260101") && strstr(sc.resolved, "exit_rate: 0.013"),
       "the resolved scenario text lists written and default values");
    ok(sc.parks_csv && strstr(sc.parks_csv, "jiujiang_petrochem,"), "the park file text is kept");
    config_free(&sc);
    ok(sc.parks == NULL && sc.resolved == NULL && sc.parks_csv == NULL, "config_free clears the scenario");
}

/* good files: every lever on */
TEST(test_load_jiangxi_all_levers)
{
    Scenario sc;
    cap_begin();
    SimStatus st = config_load(&sc, "configs/jiangxi-all-levers.yaml", NULL, 0);
    cap_end();
    is_int(st, SIM_OK, "jiangxi-all-levers.yaml (base: jiangxi-baseline.yaml) loads");
    ok(!strcmp(sc.p.name, "all-levers"), "the child's scenario.name overrides the base's");
    ok(sc.p.run.seed == 20260101u && sc.p.run.years == 3 && sc.p.run.replicates == 1000,
       "run.seed/years/replicates inherited from the base");
    ok(!strcmp(sc.p.description, "Jiangxi baseline + every lever at full intensity, budgets as in the single-lever scenarios"),
       "description from the child");
    is_double(sc.p.levers.mergers.c.intensity, 1.0, 0, "levers.mergers.intensity == 1");
    is_double(sc.p.levers.mergers.c.budget, 20000, 0, "levers.mergers.budget == 20000");
    is_double(sc.p.levers.revitalisation.c.budget, 30000, 0, "levers.revitalisation.budget == 30000");
    ok(sc.p.levers.upgrades.c.intensity == 1 && sc.p.levers.upgrades.c.budget == 30000, "levers.upgrades 1 / 30000");
    /* 2026-01 .. 2028-12 with start_year 2026: run months 0 .. 35 */
    ok(sc.p.levers.mergers.c.start == 0 && sc.p.levers.mergers.c.end == 35, "2026-01..2028-12 is run months 0..35");
    is_int(sc.n_parks, 25, "park file named by the base is found relative to the base");
    config_free(&sc);
}

/* good files: the test scenario */
TEST(test_load_tiny)
{
    Scenario sc;
    SimStatus st = config_load(&sc, "configs/test/tiny.yaml", NULL, 0);
    is_int(st, SIM_OK, "tiny.yaml loads");
    /* mergers 2026-07..2028-06 = months 6..29; revitalisation 2026-01..2027-12 = 0..23;
     * upgrades 2027-01..2028-12 = 12..35 */
    ok(sc.p.levers.mergers.c.start == 6 && sc.p.levers.mergers.c.end == 29 &&
       sc.p.levers.revitalisation.c.start == 0 && sc.p.levers.revitalisation.c.end == 23 &&
       sc.p.levers.upgrades.c.start == 12 && sc.p.levers.upgrades.c.end == 35, "lever months of tiny.yaml");
    ok(sc.p.run.seed == 424242u && sc.p.run.replicates == 12 && sc.p.run.chunk_replicates == 2 &&
       sc.p.levers.mergers.c.intensity == 0.7, "run keys and mergers intensity of tiny.yaml");
    ok(sc.n_parks == 3 && !strcmp(sc.parks[1].code, "beta") && sc.parks[1].anchor_revenue == 0 &&
       sc.parks[2].idle_share == 0.20 && sc.parks[2].smart_level == 0, "parks-tiny.csv read");
    config_free(&sc);
}

/* the resolved scenario text loads back to the same parameters */
TEST(test_resolved_text_roundtrip)
{
    const char *files[3] = {"configs/test/tiny.yaml", "configs/jiangxi-baseline.yaml", "configs/jiangxi-all-levers.yaml"};
    for (int i = 0; i < 3; i++) {
        Scenario a, b;
        SimStatus sa = config_load(&a, files[i], NULL, 0), sb = SIM_EIO;
        if (sa == SIM_OK) {
            char rt[600];
            snprintf(rt, sizeof rt, "%s/resolved.yaml", dir);
            put("resolved.yaml", "");
            FILE *f = fopen(rt, "w");
            if (f) {
                fputs(a.resolved, f);
                fclose(f);
            }
            sb = config_load(&b, rt, NULL, 0);
        }
        ok(sa == SIM_OK && sb == SIM_OK && !memcmp(&a.p, &b.p, sizeof a.p) && a.n_parks == b.n_parks,
           "%s: the resolved text reloads to identical parameters", files[i]);
        if (sa == SIM_OK) config_free(&b);
        config_free(&a);
    }
}

/* --set */
TEST(test_set_overrides)
{
    Scenario sc;
    char *sets[] = {"run.seed=7", "levers.upgrades.intensity=0.5", "run.years=2", "firm.exit_rate=0.1",
                    "scenario.name=override"};
    cap_begin();
    SimStatus st = config_load(&sc, "configs/jiangxi-all-levers.yaml", sets, 5);
    const char *err = cap_end();
    is_int(st, SIM_OK, "--set overrides load");
    ok(err[0] == '\0', "--set overrides print nothing");
    ok(sc.p.run.seed == 7, "--set run.seed=7");
    is_double(sc.p.levers.upgrades.c.intensity, 0.5, 0, "--set levers.upgrades.intensity=0.5");
    is_int(sc.p.run.years, 2, "--set run.years=2");
    is_double(sc.p.firm.exit_rate, 0.1, 0, "--set of a key the files do not have (firm.exit_rate)");
    ok(!strcmp(sc.p.name, "override"), "--set scenario.name");
    /* 2 run years: the levers' end 2028-12 is clipped to month 23 */
    ok(sc.p.levers.upgrades.c.end == 23 && sc.p.levers.mergers.c.end == 23, "lever end clipped to the shorter run");
    ok(sc.resolved && strstr(sc.resolved, "seed: 7\n"), "resolved text shows the override");
    config_free(&sc);

    char *twice[] = {"run.seed=7", "run.seed=9"};
    st = config_load(&sc, "configs/jiangxi-baseline.yaml", twice, 2);
    ok(st == SIM_OK && sc.p.run.seed == 9, "the later of two --set wins");
    config_free(&sc);
}

/* bad YAML */
TEST(test_bad_yaml)
{
    /* "  name: a: b": the second ':' is character 10 of line 2 */
    put("syntax.yaml", "scenario:\n  name: a: b\n" PARKS_LINES);
    load_bad("{D}/syntax.yaml", NULL, 0, "YAML syntax error");
    says("parksim: error: {D}/syntax.yaml:2:10: YAML syntax error: mapping values are not allowed", "YAML syntax error");

    put("dup.yaml", PARKS_LINES "run:\n  seed: 1\n  seed: 2\n");
    load_bad("{D}/dup.yaml", NULL, 0, "duplicate key");
    says("parksim: error: {D}/dup.yaml:5:3: key 'seed' appears twice in the same mapping", "duplicate key");

    put("list.yaml", "- a\n- b\n");
    load_bad("{D}/list.yaml", NULL, 0, "top level a list");
    says("parksim: error: {D}/list.yaml:1:1: a scenario must be a mapping of keys", "top level a list");

    put("scalar.yaml", "just text\n");
    load_bad("{D}/scalar.yaml", NULL, 0, "top level a scalar");
    says("{D}/scalar.yaml:1:1: a scenario must be a mapping of keys", "top level a scalar");
}

/* keys and values: unknown keys */
TEST(test_unknown_keys)
{
    put("unknown.yaml", PARKS_LINES "run:\n  sed: 5\n");
    load_bad("{D}/unknown.yaml", NULL, 0, "unknown key");
    says("parksim: error: {D}/unknown.yaml:4:3: run.sed: unknown key (did you mean 'run.seed'?)", "unknown key");

    put("unknown2.yaml", PARKS_LINES "firm:\n  exit_rat: 0.1\n");
    load_bad("{D}/unknown2.yaml", NULL, 0, "misspelt key");
    says("{D}/unknown2.yaml:4:3: firm.exit_rat: unknown key (did you mean 'firm.exit_rate'?)", "misspelt key");

    put("unknown3.yaml", PARKS_LINES "colour: red\n");
    load_bad("{D}/unknown3.yaml", NULL, 0, "unknown key far from all keys");
    says("{D}/unknown3.yaml:3:1: colour: unknown key (see docs/CONFIG.md for the keys)", "unknown key far from all keys");
}

/* keys and values: wrong types */
TEST(test_wrong_types)
{
    /* "  years: three": the value starts at column 10 */
    put("type.yaml", PARKS_LINES "run:\n  years: three\n");
    load_bad("{D}/type.yaml", NULL, 0, "wrong type (text for an integer)");
    says("parksim: error: {D}/type.yaml:4:10: run.years: expected a whole number, got 'three'", "wrong type");

    put("type2.yaml", PARKS_LINES "run:\n  years: 2.5\n");
    load_bad("{D}/type2.yaml", NULL, 0, "wrong type (fraction for an integer)");
    says("{D}/type2.yaml:4:10: run.years: expected a whole number, got '2.5'", "fraction for an integer");

    /* "  exit_rate: [1, 2]": '[' at column 14 */
    put("type3.yaml", PARKS_LINES "firm:\n  exit_rate: [1, 2]\n");
    load_bad("{D}/type3.yaml", NULL, 0, "wrong type (list for a number)");
    says("{D}/type3.yaml:4:14: firm.exit_rate: expected a number, got a list", "list for a number");

    /* "run: 5": the value at column 6 */
    put("type4.yaml", PARKS_LINES "run: 5\n");
    load_bad("{D}/type4.yaml", NULL, 0, "wrong type (value for a section)");
    says("{D}/type4.yaml:3:6: run: expected a section (a mapping of keys)", "value for a section");

    put("type5.yaml", PARKS_LINES "assessment:\n  veto_serious_incident: maybe\n");
    load_bad("{D}/type5.yaml", NULL, 0, "wrong type (boolean)");
    says("{D}/type5.yaml:4:26: assessment.veto_serious_incident: expected true or false, got 'maybe'", "boolean");
}

/* keys and values: out of range */
TEST(test_out_of_range)
{
    put("range.yaml", PARKS_LINES "run:\n  years: 99\n");
    load_bad("{D}/range.yaml", NULL, 0, "integer out of range");
    says("parksim: error: {D}/range.yaml:4:10: run.years: must be between 1 and 50, got 99", "integer out of range");

    put("range2.yaml", PARKS_LINES "firm:\n  exit_rate: 1.5\n");
    load_bad("{D}/range2.yaml", NULL, 0, "number out of range");
    says("{D}/range2.yaml:4:14: firm.exit_rate: must be between 0 and 1, got 1.5", "number out of range");

    put("range3.yaml", PARKS_LINES "run:\n  seed: -1\n");
    load_bad("{D}/range3.yaml", NULL, 0, "negative seed");
    says("{D}/range3.yaml:4:9: run.seed: expected a non-negative whole number below 2^64, got '-1'", "negative seed");
}

/* keys and values: months */
TEST(test_bad_months)
{
    /* "    start: 2026-13": value at column 12 */
    put("month.yaml", PARKS_LINES "levers:\n  mergers:\n    start: 2026-13\n");
    load_bad("{D}/month.yaml", NULL, 0, "bad month (13)");
    says("parksim: error: {D}/month.yaml:5:12: levers.mergers.start: expected a month as YYYY-MM, or start/end, got '2026-13'",
         "bad month");

    /* "    end: 2026/06": value at column 10 */
    put("month2.yaml", PARKS_LINES "levers:\n  upgrades:\n    end: 2026/06\n");
    load_bad("{D}/month2.yaml", NULL, 0, "bad month format (slash)");
    says("{D}/month2.yaml:5:10: levers.upgrades.end: expected a month as YYYY-MM, or start/end, got '2026/06'",
         "bad month format");

    put("month3.yaml", PARKS_LINES "levers:\n  upgrades:\n    start: 2026-1\n");
    load_bad("{D}/month3.yaml", NULL, 0, "bad month format (one digit)");
    says("{D}/month3.yaml:5:12: levers.upgrades.start: expected a month as YYYY-MM", "one-digit month");
}

/* keys and values: checks that involve two keys */
TEST(test_cross_field_checks)
{
    put("order.yaml", PARKS_LINES "levers:\n  upgrades:\n    start: 2027-06\n    end: 2027-01\n    intensity: 1\n");
    load_bad("{D}/order.yaml", NULL, 0, "lever start after end");
    /* reported at the end (the later of the two keys in the usual reading) */
    says("parksim: error: {D}/order.yaml:6:10: levers.upgrades.end: levers.upgrades.start is after levers.upgrades.end",
         "lever start after end");

    put("outside.yaml", PARKS_LINES "levers:\n  mergers:\n    start: 2030-01\n    end: 2030-06\n");
    load_bad("{D}/outside.yaml", NULL, 0, "lever outside the run");
    says("{D}/outside.yaml:5:12: levers.mergers.start: the lever starts after the run ends (2028-12)",
         "lever outside the run");

    put("tiers.yaml", PARKS_LINES "assessment:\n  tier1_min: 40\n  tier2_min: 50\n");
    load_bad("{D}/tiers.yaml", NULL, 0, "tier1_min below tier2_min");
    says("{D}/tiers.yaml:5:14: assessment.tier2_min: assessment.tier1_min (40) must not be below assessment.tier2_min (50)",
         "tier order");
}

/* keys and values: a required key */
TEST(test_required_key_missing)
{
    put("noparks_key.yaml", "run:\n  seed: 1\n");
    load_bad("{D}/noparks_key.yaml", NULL, 0, "parks_file missing");
    says("{D}/noparks_key.yaml: population.parks_file: required key is missing", "parks_file missing");
}

/* base: */
TEST(test_base_errors)
{
    /* "base: nothere.yaml": the value at column 7 */
    put("nobase.yaml", "base: nothere.yaml\n" PARKS_LINES);
    load_bad("{D}/nobase.yaml", NULL, 0, "missing base file");
    says("parksim: error: {D}/nobase.yaml:1:7: base: cannot open base scenario '{D}/nothere.yaml'", "missing base file");

    put("cycle.yaml", "base: cycle.yaml\n" PARKS_LINES);
    load_bad("{D}/cycle.yaml", NULL, 0, "base cycle (a file whose base is itself)");
    says("parksim: error: {D}/cycle.yaml:1:7: base: more than 8 levels of base scenarios (is there a cycle?)",
         "base cycle");

    put("cyc_a.yaml", "base: cyc_b.yaml\n");
    put("cyc_b.yaml", "run:\n  seed: 3\nbase: cyc_a.yaml\n");
    load_bad("{D}/cyc_a.yaml", NULL, 0, "two-file base cycle");
    says("base: more than 8 levels of base scenarios", "two-file base cycle");

    put("chain.yaml", "base: mid.yaml\n");
    put("mid.yaml", "base: gone.yaml\n" PARKS_LINES);
    load_bad("{D}/chain.yaml", NULL, 0, "missing base of a base file");
    says("parksim: error: {D}/mid.yaml:1:7: base: cannot open base scenario '{D}/gone.yaml'", "missing base of a base file");

    put("badbase.yaml", "base: syntax.yaml\n");
    load_bad("{D}/badbase.yaml", NULL, 0, "base file with a syntax error");
    says("{D}/syntax.yaml:2:10: YAML syntax error", "syntax error reported in the base file");
}

/* base as a list: merged in order, later files win, the file itself last */
TEST(test_base_list)
{
    put("la.yaml", "run:\n  seed: 11\n  years: 2\nlevers:\n  chain: {intensity: 0.5, budget: 100}\n" PARKS_LINES);
    put("lb.yaml", "run:\n  seed: 12\nlevers:\n  chain: {intensity: 0.25}\nprovince: {allocation: strongest}\n");
    put("lc.yaml", "base: [la.yaml, lb.yaml]\nrun:\n  replicates: 7\n");
    Scenario sc;
    char path[PATH_MAX];
    cap_begin();
    SimStatus st = config_load(&sc, expand("{D}/lc.yaml", path, sizeof path), NULL, 0);
    cap_end();
    ok(st == SIM_OK && sc.p.run.seed == 12 && sc.p.run.years == 2 && sc.p.run.replicates == 7,
       "base list: the second base overrides the first (seed 12), keys only the first sets stay (years 2)");
    ok(st == SIM_OK && sc.p.levers.chain.c.intensity == 0.25 && sc.p.levers.chain.c.budget == 100 &&
       sc.p.province.allocation == ALLOC_STRONGEST,
       "base list: mappings merge key by key across the bases (chain intensity from lb, budget from la)");
    config_free(&sc);
    put("lbad.yaml", "base: []\n" PARKS_LINES);
    load_bad("{D}/lbad.yaml", NULL, 0, "an empty base list");
    says("{D}/lbad.yaml:1:7: base: expected the path of a base scenario file, or a list of them", "empty base list");
    put("lmiss.yaml", "base: [la.yaml, nothere.yaml]\n");
    load_bad("{D}/lmiss.yaml", NULL, 0, "a missing file in a base list");
    says("{D}/lmiss.yaml:1:17: base: cannot open base scenario '{D}/nothere.yaml'", "missing file in a base list");
}

/* scenario.targets */
TEST(test_targets)
{
    char *s1[] = {"scenario.targets=2027:6 2028:-1"};
    load_bad("configs/test/tiny.yaml", s1, 1, "a negative target count");
    says("--set scenario.targets: expected YEAR:COUNT pairs (years 1900..2200, whole counts >= 0), got '2027:6 2028:-1'",
         "negative target count");
    char *s2[] = {"scenario.targets=2027-6"};
    load_bad("configs/test/tiny.yaml", s2, 1, "a target without YEAR:COUNT");
    Scenario sc;
    char *s3[] = {"scenario.targets=2026:1  2028:3"};
    cap_begin();
    SimStatus st = config_load(&sc, "configs/test/tiny.yaml", s3, 1);
    cap_end();
    ok(st == SIM_OK && !strcmp(sc.p.targets, "2026:1  2028:3"), "well-formed targets load (extra spaces allowed)");
    config_free(&sc);
}

/* choice keys */
TEST(test_choice_keys)
{
    put("tgt.yaml", "levers:\n  smart: {targeting: equal}\n  chain: {targeting: strongest}\n" PARKS_LINES);
    Scenario sc;
    char path[PATH_MAX];
    cap_begin();
    SimStatus st = config_load(&sc, expand("{D}/tgt.yaml", path, sizeof path), NULL, 0);
    cap_end();
    ok(st == SIM_OK && sc.p.levers.smart.c.targeting == 1 + ALLOC_EQUAL &&
       sc.p.levers.chain.c.targeting == 1 + ALLOC_STRONGEST && sc.p.levers.upgrades.c.targeting == 0 &&
       sc.p.province.allocation == ALLOC_NEED,
       "targeting words stored per lever; unset levers follow province.allocation (default need)");
    ok(st == SIM_OK && sc.resolved && strstr(sc.resolved, "targeting: equal") && strstr(sc.resolved, "allocation: need"),
       "the resolved scenario echoes choice keys as their words");
    config_free(&sc);
    put("tgtbad.yaml", "levers:\n  smart: {targeting: richest}\n" PARKS_LINES);
    load_bad("{D}/tgtbad.yaml", NULL, 0, "an unknown targeting word");
    says("{D}/tgtbad.yaml:2:22: levers.smart.targeting: expected one of: province need equal strongest; got 'richest'",
         "unknown targeting word: file:line:col, key and the words allowed");
    char *s1[] = {"province.allocation=Need"};
    load_bad("configs/test/tiny.yaml", s1, 1, "--set province.allocation=Need (words are case-sensitive)");
    says("province.allocation: expected one of: need equal strongest; got 'Need'", "allocation word via --set");
}

/* --set errors */
TEST(test_set_errors)
{
    char *s1[] = {"run.seed"};
    load_bad("configs/test/tiny.yaml", s1, 1, "--set without '='");
    says("parksim: error: --set 'run.seed': expected key=value", "--set without '='");
    char *s2[] = {"=5"};
    load_bad("configs/test/tiny.yaml", s2, 1, "--set with an empty key");
    says("--set '=5': expected key=value", "--set with an empty key");
    char *s3[] = {"run.seed.x=1"};
    load_bad("configs/test/tiny.yaml", s3, 1, "--set into a plain value");
    says("parksim: error: --set run.seed.x=1: 'x' is inside a plain value, not a section", "--set into a plain value");
    char *s4[] = {"run.years=0"};
    load_bad("configs/test/tiny.yaml", s4, 1, "--set out of range");
    says("parksim: error: --set run.years: must be between 1 and 50, got 0", "--set out of range");
    char *s5[] = {"run.sead=3"};
    load_bad("configs/test/tiny.yaml", s5, 1, "--set of an unknown key");
    says("--set run.sead: unknown key (did you mean 'run.seed'?)", "--set of an unknown key");
    char *s6[] = {"levers.upgrades.start=2026-13"};
    load_bad("configs/test/tiny.yaml", s6, 1, "--set of a bad month");
    says("--set levers.upgrades.start: expected a month as YYYY-MM, or start/end, got '2026-13'", "--set of a bad month");
}

int main(void)
{
    if (!cfg_fixture_begin("config")) return 1;
    run_test(test_load_jiangxi_baseline);
    run_test(test_load_jiangxi_all_levers);
    run_test(test_load_tiny);
    run_test(test_resolved_text_roundtrip);
    run_test(test_set_overrides);
    run_test(test_bad_yaml);
    run_test(test_unknown_keys);
    run_test(test_wrong_types);
    run_test(test_out_of_range);
    run_test(test_bad_months);
    run_test(test_cross_field_checks);
    run_test(test_required_key_missing);
    run_test(test_base_errors);
    run_test(test_base_list);
    run_test(test_targets);
    run_test(test_choice_keys);
    run_test(test_set_errors);
    cfg_fixture_end();
    return done_testing();
}
