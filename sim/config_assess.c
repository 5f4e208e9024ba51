/** \file config_assess.c
 * The assessment schema of a scenario: `assessment.groups`, each a weighted
 * group of indicators (a metric, a weight and a scoring band), parsed and
 * checked with the same messages as every other key; and the built-in
 * scheme used when a scenario names none.
 */
#include "config_internal.h"

#include <string.h>

/* The default assessment scheme (SOURCES §5.4: groups [V], all weights
 * and bands [A]), used when a scenario names no `assessment.groups`. */
static const char *const default_groups_yaml =
    "groups:\n"
    "- {name: economy, weight: 0.25, indicators: [\n"
    "    {metric: revenue, band: log, lo: 20, hi: 600},\n"
    "    {metric: revenue_per_mu, band: linear, lo: 100, hi: 600}]}\n"
    "- {name: chain, weight: 0.15, indicators: [\n"
    "    {metric: leading_share, band: linear, lo: 0.4, hi: 0.9},\n"
    "    {metric: chain_completeness, band: linear, lo: 0.5, hi: 1.0},\n"
    "    {metric: anchor_revenue, band: log, lo: 5, hi: 200}]}\n"
    "- {name: innovation, weight: 0.15, indicators: [\n"
    "    {metric: rd_intensity, band: linear, lo: 0.005, hi: 0.03},\n"
    "    {metric: specialised_share, band: linear, lo: 0.05, hi: 0.25},\n"
    "    {metric: little_giants, band: linear, lo: 0, hi: 3}]}\n"
    "- {name: safety, weight: 0.15, indicators: [\n"
    "    {metric: incidents_per_100_firms, band: linear, lo: 4, hi: 0},\n"
    "    {metric: safety, band: linear, lo: 0.7, hi: 0.95},\n"
    "    {metric: infrastructure, band: linear, lo: 0.2, hi: 0.9}]}\n"
    "- {name: green, weight: 0.15, indicators: [\n"
    "    {metric: idle_share, band: linear, lo: 0.15, hi: 0.0},\n"
    "    {metric: tech_level, band: linear, lo: 0.3, hi: 0.8}]}\n"
    "- {name: smart, weight: 0.15, indicators: [\n"
    "    {metric: smart_level, band: linear, lo: 0, hi: 2},\n"
    "    {metric: digital_coverage, band: linear, lo: 0.3, hi: 1.0}]}\n";

static int lookup_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s)) return i;
    return -1;
}

static void list_names(char *buf, size_t len, const char *const *names, int n)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        strncat(buf, names[i], len - strlen(buf) - 1);
        if (i + 1 < n) strncat(buf, ", ", len - strlen(buf) - 1);
    }
}

static void parse_indicator(Ctx *cx, const YNode *n, const char *path, IndicatorParams *ind)
{
    char key[160];
    int have_lo = 0, have_hi = 0;
    ind->metric = -1;
    ind->weight = 1;
    ind->band = BAND_LINEAR;
    ind->lo = 0;
    ind->hi = 1;
    ind->top = 0.3;
    ind->mid = 0.7;
    if (n->kind != YN_MAP) { cfg_report(cx, n, path, "expected a mapping {metric, weight, band, lo, hi}"); return; }
    for (int i = 0; i < n->n; i++) {
        const YNode *v = n->items[i];
        snprintf(key, sizeof key, "%s.%s", path, n->keys[i]);
        const char *k = n->keys[i];
        if (v->kind != YN_SCALAR) { cfg_report(cx, v, key, "expected a plain value"); continue; }
        double d;
        if (!strcmp(k, "metric")) {
            ind->metric = lookup_name(metric_names, METRIC_COUNT, v->value);
            if (ind->metric < 0) {
                char names[600];
                list_names(names, sizeof names, metric_names, METRIC_COUNT);
                cfg_report(cx, v, key, "unknown metric '%s' (one of: %s)", v->value, names);
            }
        } else if (!strcmp(k, "band")) {
            ind->band = lookup_name(band_names, BAND_COUNT, v->value);
            if (ind->band < 0) cfg_report(cx, v, key, "unknown band '%s' (one of: linear, log, percentile)", v->value);
        } else if (!strcmp(k, "weight") || !strcmp(k, "lo") || !strcmp(k, "hi") || !strcmp(k, "top") || !strcmp(k, "mid")) {
            if (!cfg_parse_double(v->value, &d)) { cfg_report(cx, v, key, "expected a number, got '%s'", v->value); continue; }
            if (!strcmp(k, "weight")) {
                if (d < 0 || d > 1e6) cfg_report(cx, v, key, "must be between 0 and 1e6, got %s", v->value);
                ind->weight = d;
            } else if (!strcmp(k, "lo")) { ind->lo = d; have_lo = 1; }
            else if (!strcmp(k, "hi")) { ind->hi = d; have_hi = 1; }
            else if (!strcmp(k, "top")) {
                if (d < 0 || d > 1) cfg_report(cx, v, key, "must be between 0 and 1, got %s", v->value);
                ind->top = d;
            } else {
                if (d < 0 || d > 1) cfg_report(cx, v, key, "must be between 0 and 1, got %s", v->value);
                ind->mid = d;
            }
        } else {
            YNode at = *v;
            at.line = n->key_line[i];
            at.col = n->key_col[i];
            cfg_report(cx, &at, key, "unknown key (indicator keys: metric, weight, band, lo, hi, top, mid)");
        }
    }
    if (ind->metric < 0 && !ytree_get(n, "metric", NULL)) cfg_report(cx, n, path, "missing key 'metric'");
    if (ind->band == BAND_LINEAR || ind->band == BAND_LOG) {
        if (!have_lo || !have_hi) cfg_report(cx, n, path, "a %s band needs both 'lo' and 'hi'", band_names[ind->band]);
        else if (ind->lo == ind->hi) cfg_report(cx, n, path, "'lo' and 'hi' must differ");
        if (ind->band == BAND_LOG && have_lo && have_hi && !(ind->lo > 0 && ind->hi > 0))
            cfg_report(cx, n, path, "a log band needs 'lo' and 'hi' above 0");
    } else if (ind->band == BAND_PERCENTILE && ind->top > ind->mid) {
        cfg_report(cx, n, path, "'top' (%g) must not exceed 'mid' (%g)", ind->top, ind->mid);
    }
}

void cfg_parse_groups(Ctx *cx, const YNode *seq, AssessParams *a)
{
    char key[128];
    if (seq->kind != YN_SEQ) { cfg_report(cx, seq, "assessment.groups", "expected a list of groups"); return; }
    if (seq->n < 1 || seq->n > ASSESS_MAX_GROUPS) {
        cfg_report(cx, seq, "assessment.groups", "expected 1 to %d groups, got %d", ASSESS_MAX_GROUPS, seq->n);
        return;
    }
    a->n_groups = seq->n;
    for (int g = 0; g < seq->n; g++) {
        const YNode *gn = seq->items[g];
        GroupParams *gp = &a->group[g];
        memset(gp, 0, sizeof *gp);
        snprintf(gp->name, sizeof gp->name, "group%d", g);
        gp->weight = -1;
        snprintf(key, sizeof key, "assessment.groups.%d", g);
        if (gn->kind != YN_MAP) { cfg_report(cx, gn, key, "expected a mapping {name, weight, indicators}"); continue; }
        for (int i = 0; i < gn->n; i++) {
            const YNode *v = gn->items[i];
            const char *k = gn->keys[i];
            snprintf(key, sizeof key, "assessment.groups.%d.%s", g, k);
            double d;
            if (!strcmp(k, "indicators")) {
                if (v->kind != YN_SEQ || v->n < 1 || v->n > ASSESS_MAX_IND) {
                    cfg_report(cx, v, key, "expected a list of 1 to %d indicators", ASSESS_MAX_IND);
                    continue;
                }
                gp->n_ind = v->n;
                for (int j = 0; j < v->n; j++) {
                    char ik[160];
                    snprintf(ik, sizeof ik, "%s.%d", key, j);
                    parse_indicator(cx, v->items[j], ik, &gp->ind[j]);
                }
            } else if (v->kind != YN_SCALAR) {
                cfg_report(cx, v, key, "expected a plain value");
            } else if (!strcmp(k, "name")) {
                if (strlen(v->value) >= sizeof gp->name || !*v->value)
                    cfg_report(cx, v, key, "expected a name of 1 to %zu bytes", sizeof gp->name - 1);
                else strcpy(gp->name, v->value);
            } else if (!strcmp(k, "weight") || !strcmp(k, "tier1_min")) {
                if (!cfg_parse_double(v->value, &d)) { cfg_report(cx, v, key, "expected a number, got '%s'", v->value); continue; }
                if (!strcmp(k, "weight")) {
                    if (d < 0 || d > 1e6) cfg_report(cx, v, key, "must be between 0 and 1e6, got %s", v->value);
                    gp->weight = d;
                } else {
                    if (d < 0 || d > 100) cfg_report(cx, v, key, "must be between 0 and 100, got %s", v->value);
                    gp->tier1_min = d;
                }
            } else {
                YNode at = *v;
                at.line = gn->key_line[i];
                at.col = gn->key_col[i];
                cfg_report(cx, &at, key, "unknown key (group keys: name, weight, tier1_min, indicators)");
            }
        }
        snprintf(key, sizeof key, "assessment.groups.%d", g);
        if (gp->weight < 0) { cfg_report(cx, gn, key, "missing key 'weight'"); gp->weight = 0; }
        if (gp->n_ind == 0) cfg_report(cx, gn, key, "missing key 'indicators'");
        double ws = 0;
        for (int j = 0; j < gp->n_ind; j++) ws += gp->ind[j].weight;
        if (gp->n_ind > 0 && !(ws > 0)) cfg_report(cx, gn, key, "indicator weights must not all be 0");
    }
    double ws = 0;
    for (int g = 0; g < a->n_groups; g++) ws += a->group[g].weight;
    if (!(ws > 0)) cfg_report(cx, seq, "assessment.groups", "group weights must not all be 0");
}

/* Put the built-in assessment scheme into a scenario tree that names no
 * `assessment.groups`, so that it is parsed, echoed and overridable with
 * --set exactly like a scheme written in a file. */
SimStatus cfg_add_default_groups(YNode *root)
{
    YNode *a = ytree_get(root, "assessment", NULL);
    if (a && a->kind != YN_MAP) return SIM_OK; /* reported by walk() */
    if (a && ytree_get(a, "groups", NULL)) return SIM_OK;
    char err[512];
    YNode *def;
    SimStatus st = ytree_load_string(default_groups_yaml, "(built-in assessment scheme)", &def, err, sizeof err);
    SIM_ASSERT(st != SIM_ECONFIG);
    if (st != SIM_OK) return st;
    if (!a) { /* move the whole {groups: ...} mapping in as `assessment` */
        return ytree_put(root, "assessment", def);
    }
    int j;
    ytree_get(def, "groups", &j);
    YNode *g = def->items[j];
    def->items[j] = NULL;
    ytree_free(def);
    return ytree_put(a, "groups", g);
}
