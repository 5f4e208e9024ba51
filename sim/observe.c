/** \file observe.c
 * Observations files: parsing and checking (every problem reported with
 * file, line, column and key, then one failure) and the distance of a
 * simulation's summaries from the facts. docs/CALIBRATION.md gives the
 * method, docs/CONFIG.md "Observations files" the syntax.
 */
#include "observe.h"
#include "config_internal.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const obs_model_names[OM_COUNT] = {"parksim", "normal", "beta-binomial"};
const char *const obs_stat_names[OS_COUNT] = {
    "above_scale_share", "digital_coverage", "ratio_specialised", "ratio_innovative", "exit_rate", "growth",
    "tier1_parks", "tier2_parks", "park_tier", "mean", "successes"};
const char *const obs_dist_names[OD_COUNT] = {"abs", "at_least", "at_most"};

/* Which model produces a statistic. */
static ObsModel stat_model(ObsStat s) { return s == OS_MEAN ? OM_NORMAL : s == OS_SUCCESSES ? OM_BETA_BINOMIAL : OM_PARKSIM; }

static const YNode *get(const YNode *m, const char *k) { return ytree_get(m, k, NULL); }

static int num(Ctx *cx, const YNode *n, const char *key, double *v)
{
    if (!n || n->kind != YN_SCALAR || !cfg_parse_double(n->value, v)) {
        cfg_report(cx, n, key, "expected a finite number%s%s%s", n && n->kind == YN_SCALAR ? ", got '" : "",
                   n && n->kind == YN_SCALAR ? n->value : "", n && n->kind == YN_SCALAR ? "'" : "");
        return 0;
    }
    return 1;
}

/* A whole number in [lo, hi] (optional: absent leaves *v). */
static void whole(Ctx *cx, const YNode *m, const char *name, const char *key, long lo, long hi, long *v)
{
    const YNode *n = get(m, name);
    double x;
    if (!n) return;
    if (!num(cx, n, key, &x)) return;
    if (x != floor(x) || x < lo || x > hi) { cfg_report(cx, n, key, "expected a whole number from %ld to %ld, got %g", lo, hi, x); return; }
    *v = (long)x;
}

/* A number in (lo, hi] or [lo, hi] (optional). */
static void real(Ctx *cx, const YNode *m, const char *name, const char *key, double lo, double hi, int open_lo, double *v)
{
    const YNode *n = get(m, name);
    double x;
    if (!n) return;
    if (!num(cx, n, key, &x)) return;
    if ((open_lo ? !(x > lo) : !(x >= lo)) || !(x <= hi)) {
        cfg_report(cx, n, key, "expected a number in %s%g, %g], got %g", open_lo ? "(" : "[", lo, hi, x);
        return;
    }
    *v = x;
}

static void unknown_keys(Ctx *cx, const YNode *m, const char *where, const char *const *allowed, int n, const char *list)
{
    for (int i = 0; i < m->n; i++) {
        int k = 0;
        while (k < n && strcmp(m->keys[i], allowed[k])) k++;
        if (k < n) continue;
        YNode at = *m->items[i];
        at.line = m->key_line[i], at.col = m->key_col[i];
        char key[160];
        snprintf(key, sizeof key, "%s%s%s", where, *where ? "." : "", m->keys[i]);
        cfg_report(cx, &at, key, "unknown key (expected one of: %s)", list);
    }
}

/* A path relative to the observations file's directory. */
static void rel_path(Ctx *cx, const YNode *n, const char *key, const char *dir, char *out)
{
    if (!n || n->kind != YN_SCALAR || !*n->value) { cfg_report(cx, n, key, "expected a file path"); return; }
    int w = n->value[0] == '/' ? snprintf(out, PS_PATH_MAX, "%s", n->value) : snprintf(out, PS_PATH_MAX, "%s/%s", dir, n->value);
    if (w <= 0 || w >= PS_PATH_MAX) { cfg_report(cx, n, key, "path too long"); return; }
    FILE *f = fopen(out, "rb");
    if (!f) cfg_report(cx, n, key, "cannot open '%s': %s", out, strerror(errno));
    else fclose(f);
}

static void parse_abc(Ctx *cx, const YNode *m, AbcSettings *a)
{
    static const char *const keys[] = {"particles", "quantile", "final_tolerance", "min_acceptance", "max_simulations",
                                       "max_generations", "replicates", "seed"};
    if (m->kind != YN_MAP) { cfg_report(cx, m, "abc", "expected a mapping of sampler settings"); return; }
    unknown_keys(cx, m, "abc", keys, 8, "particles, quantile, final_tolerance, min_acceptance, max_simulations, "
                                        "max_generations, replicates, seed");
    long v;
    v = a->particles; whole(cx, m, "particles", "abc.particles", 10, 100000, &v); a->particles = (int)v;
    real(cx, m, "quantile", "abc.quantile", 0, 0.95, 1, &a->quantile);
    real(cx, m, "final_tolerance", "abc.final_tolerance", 0, 1e6, 0, &a->final_tolerance);
    real(cx, m, "min_acceptance", "abc.min_acceptance", 0, 1, 1, &a->min_acceptance);
    whole(cx, m, "max_simulations", "abc.max_simulations", 10, 1000000000L, &a->max_simulations);
    v = a->max_generations; whole(cx, m, "max_generations", "abc.max_generations", 1, 100, &v); a->max_generations = (int)v;
    v = a->replicates; whole(cx, m, "replicates", "abc.replicates", 1, 10000, &v); a->replicates = (int)v;
    const YNode *s = get(m, "seed");
    if (s) {
        char *end;
        errno = 0;
        unsigned long long x = s->kind == YN_SCALAR ? strtoull(s->value, &end, 10) : 0;
        if (s->kind != YN_SCALAR || !*s->value || *end || errno || s->value[0] == '-')
            cfg_report(cx, s, "abc.seed", "expected a whole number from 0 to 2^64-1");
        a->seed = x, a->seed_given = 1;
    }
}

static void parse_one(Ctx *cx, Observations *ob, const YNode *m, int i)
{
    static const char *const keys[] = {"name", "statistic", "value", "tolerance", "distance", "park", "tier", "source"};
    char where[32];
    snprintf(where, sizeof where, "observations[%d]", i);
    if (m->kind != YN_MAP) { cfg_report(cx, m, where, "expected a mapping {name, statistic, value, tolerance, source}"); return; }
    int e0 = cx->n_err;
    Observation *o = &ob->ob[ob->n];
    memset(o, 0, sizeof *o);
    const YNode *nm = get(m, "name");
    if (!nm || nm->kind != YN_SCALAR || !*nm->value || strlen(nm->value) >= OBS_NAME_MAX) {
        cfg_report(cx, nm ? nm : m, where, "'name' is required (at most %d characters)", OBS_NAME_MAX - 1);
        return;
    }
    snprintf(o->name, sizeof o->name, "%s", nm->value);
    const char *key = o->name;
    for (int j = 0; j < ob->n; j++)
        if (!strcmp(ob->ob[j].name, o->name)) cfg_report(cx, nm, key, "observation '%s' is listed twice", o->name);
    unknown_keys(cx, m, key, keys, 8, "name, statistic, value, tolerance, distance, park, tier, source");
    const YNode *st = get(m, "statistic");
    int s = -1;
    for (int k = 0; st && st->kind == YN_SCALAR && k < OS_COUNT; k++)
        if (!strcmp(st->value, obs_stat_names[k])) s = k;
    if (s < 0) {
        cfg_report(cx, st ? st : m, key, "statistic: expected one of above_scale_share, digital_coverage, ratio_specialised, "
                   "ratio_innovative, exit_rate, growth, tier1_parks, tier2_parks, park_tier (model parksim), mean (model "
                   "normal), successes (model beta-binomial)");
        return;
    }
    o->stat = (ObsStat)s;
    if (stat_model(o->stat) != ob->model)
        cfg_report(cx, st, key, "statistic %s belongs to model %s, but the file's model is %s", obs_stat_names[s],
                   obs_model_names[stat_model(o->stat)], obs_model_names[ob->model]);
    char kv[OBS_NAME_MAX + 16], kt[OBS_NAME_MAX + 16];
    snprintf(kv, sizeof kv, "%s.value", key);
    snprintf(kt, sizeof kt, "%s.tolerance", key);
    if (!get(m, "value")) cfg_report(cx, m, key, "'value' is required: the observed value of the statistic");
    else num(cx, get(m, "value"), kv, &o->value);
    if (!get(m, "tolerance")) cfg_report(cx, m, key, "'tolerance' is required: how far the model may miss, in the statistic's unit (how sure the source is)");
    else {
        o->tolerance = NAN;
        real(cx, m, "tolerance", kt, 0, 1e12, 1, &o->tolerance);
    }
    const YNode *dn = get(m, "distance");
    o->dist = OD_ABS;
    if (dn) {
        int d = -1;
        for (int k = 0; dn->kind == YN_SCALAR && k < OD_COUNT; k++)
            if (!strcmp(dn->value, obs_dist_names[k])) d = k;
        if (d < 0) cfg_report(cx, dn, key, "distance: expected abs (two-sided), at_least or at_most (one-sided)");
        else o->dist = (ObsDist)d;
    }
    const YNode *pk = get(m, "park"), *tr = get(m, "tier");
    if (o->stat == OS_PARK_TIER) {
        if (!pk || pk->kind != YN_SCALAR || !*pk->value || strlen(pk->value) >= sizeof o->park_code)
            cfg_report(cx, pk ? pk : m, key, "park_tier needs 'park': the park's code in the park file");
        else snprintf(o->park_code, sizeof o->park_code, "%s", pk->value);
        long t = 0;
        if (!tr) cfg_report(cx, m, key, "park_tier needs 'tier': the verified tier (1, 2 or 3)");
        else {
            char kk[OBS_NAME_MAX + 16];
            snprintf(kk, sizeof kk, "%s.tier", key);
            whole(cx, m, "tier", kk, 1, 3, &t);
        }
        o->tier = (int)t;
        if (get(m, "value") && (o->value < 0 || o->value > 1))
            cfg_report(cx, get(m, "value"), key, "park_tier's value is the share of replicates at or above the tier: 0 to 1");
    } else if (pk || tr) {
        cfg_report(cx, pk ? pk : tr, key, "'park' and 'tier' belong to statistic park_tier");
    }
    if (o->stat == OS_SUCCESSES && get(m, "value") && (o->value < 0 || o->value > ob->toy_n || o->value != floor(o->value)))
        cfg_report(cx, get(m, "value"), key, "successes: expected a whole number from 0 to n = %d", ob->toy_n);
    const YNode *src = get(m, "source");
    if (!src || src->kind != YN_SCALAR || !*src->value)
        cfg_report(cx, src ? src : m, key, "'source' is required: where the fact comes from (docs/SOURCES.md section, or [A] with its basis)");
    else snprintf(o->source, sizeof o->source, "%s", src->value);
    if (cx->n_err == e0) ob->n++;
}

SimStatus obs_load(Observations *ob, const char *path, const Scenario *sc)
{
    memset(ob, 0, sizeof *ob);
    ob->abc = (AbcSettings){200, 0.5, 0, 0.01, 100000, 20, 4, 0, 0};
    ob->toy_sigma = 1;
    if (snprintf(ob->path, sizeof ob->path, "%s", path) >= (int)sizeof ob->path)
        return sim_fail(SIM_ECONFIG, "%s: path too long", path);
    YNode *root = NULL;
    SimStatus st = ytree_load_reported(path, &root);
    if (st != SIM_OK) return st;
    Ctx cx = {0, path};
    static const char *const top[] = {"scenario", "priors", "model", "n", "sigma", "abc", "observations"};
    unknown_keys(&cx, root, "", top, 7, "scenario, priors, model, n, sigma, abc, observations");
    char dir[PS_PATH_MAX];
    path_dir(path, dir, sizeof dir);
    const YNode *sn = get(root, "scenario"), *pn = get(root, "priors");
    if (!sn) cfg_report(&cx, NULL, "scenario", "required: the scenario file the facts are about");
    else rel_path(&cx, sn, "scenario", dir, ob->scenario);
    if (!pn) cfg_report(&cx, NULL, "priors", "required: the priors file of the calibrated unknowns");
    else rel_path(&cx, pn, "priors", dir, ob->priors);
    const YNode *mn = get(root, "model");
    ob->model = OM_PARKSIM;
    if (mn) {
        int k = -1;
        for (int j = 0; mn->kind == YN_SCALAR && j < OM_COUNT; j++)
            if (!strcmp(mn->value, obs_model_names[j])) k = j;
        if (k < 0) cfg_report(&cx, mn, "model", "expected parksim, normal or beta-binomial (the last two are test models with a known posterior)");
        else ob->model = (ObsModel)k;
    }
    long n = 0;
    whole(&cx, root, "n", "n", 1, 1000000, &n);
    ob->toy_n = (int)n;
    real(&cx, root, "sigma", "sigma", 0, 1e6, 1, &ob->toy_sigma);
    if (ob->model != OM_PARKSIM && !get(root, "n")) cfg_report(&cx, NULL, "n", "model %s needs n, the size of its data", obs_model_names[ob->model]);
    if (ob->model == OM_PARKSIM && (get(root, "n") || get(root, "sigma")))
        cfg_report(&cx, get(root, "n") ? get(root, "n") : get(root, "sigma"), get(root, "n") ? "n" : "sigma",
                   "n and sigma belong to the test models (normal, beta-binomial)");
    const YNode *ab = get(root, "abc");
    if (ab) parse_abc(&cx, ab, &ob->abc);
    const YNode *list = get(root, "observations");
    if (!list || list->kind != YN_SEQ || list->n < 1) cfg_report(&cx, list, "observations", "expected a list of observations");
    else if (list->n > OBS_MAX) cfg_report(&cx, list, "observations", "%d observations; at most %d", list->n, OBS_MAX);
    else
        for (int i = 0; i < list->n; i++) parse_one(&cx, ob, list->items[i], i);
    /* The park facts against the park file (observation i is list item i when nothing failed). */
    for (int i = 0; sc && !cx.n_err && i < ob->n; i++) {
        Observation *o = &ob->ob[i];
        if (o->stat != OS_PARK_TIER) continue;
        o->park = -1;
        for (int k = 0; k < sc->n_parks; k++)
            if (!strcmp(sc->parks[k].code, o->park_code)) o->park = k;
        const YNode *at = list->items[i];
        if (o->park < 0) cfg_report(&cx, get(at, "park"), o->name, "no park '%s' in the scenario's park file", o->park_code);
    }
    ytree_free(root);
    if (cx.n_err) return SIM_ECONFIG;
    if (!(ob->text = read_text_file(path))) return sim_fail(SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
    return SIM_OK;
}

void obs_free(Observations *ob)
{
    free(ob->text);
    ob->text = NULL;
}

double obs_distance(const Observations *ob, const double *s)
{
    double d2 = 0;
    for (int i = 0; i < ob->n; i++) {
        const Observation *o = &ob->ob[i];
        if (isnan(s[i])) return NAN;
        double miss = (s[i] - o->value) / o->tolerance;
        if (o->dist == OD_AT_LEAST) miss = miss < 0 ? miss : 0;
        if (o->dist == OD_AT_MOST) miss = miss > 0 ? miss : 0;
        d2 += miss * miss;
    }
    return sqrt(d2);
}
