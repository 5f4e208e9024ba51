/** \file sweep.c
 * Sweep files: parsing, the design's values, and the check of every point.
 */
#include "sweep.h"
#include "calibrate.h"
#include "ytree.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report at a node of the sweep file: FILE:LINE:COL: key: message. */
static int bad(const Sweep *sw, const YNode *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(const Sweep *sw, const YNode *at, const char *key, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at && at->line > 0) sim_error("%s:%d:%d: %s: %s", at->file, at->line, at->col, key, msg);
    else sim_error("%s: %s: %s", sw->path, key, msg);
    return 1;
}

static int scalar_double(const Sweep *sw, const YNode *n, const char *key, double *v)
{
    char *end;
    if (!n || n->kind != YN_SCALAR || !*n->value) return !bad(sw, n, key, "expected a number");
    errno = 0;
    *v = strtod(n->value, &end);
    if (*end || errno == ERANGE || !isfinite(*v)) return !bad(sw, n, key, "expected a finite number, got '%s'", n->value);
    return 1;
}

static int scalar_long(const Sweep *sw, const YNode *n, const char *key, long lo, long hi, long *v)
{
    double d = 0; /* set by scalar_double when it returns 1 */
    if (!scalar_double(sw, n, key, &d)) return 0;
    if (d != floor(d) || d < (double)lo || d > (double)hi)
        return !bad(sw, n, key, "expected a whole number from %ld to %ld, got '%s'", lo, hi, n->value);
    *v = (long)d;
    return 1;
}

const char *const sweep_store_names[3] = {"auto", "full", "summary"};

int sweep_summary_mode(const Sweep *sw, double bytes_per_task, int R)
{
    if (sw->store != SWEEP_STORE_AUTO) return sw->store == SWEEP_STORE_SUMMARY;
    return bytes_per_task * (double)sw->points * R > SWEEP_AUTO_SUMMARY_BYTES;
}

/* `store` and `keep_points`; the kept points are checked against the
 * design's size once it is known (check_keep). */
static int parse_store(Sweep *sw, const YNode *root, const YNode **keep_node)
{
    int errs = 0;
    const YNode *st = ytree_get(root, "store", NULL);
    if (st) {
        int found = -1;
        for (int i = 0; i < 3 && st->kind == YN_SCALAR; i++)
            if (!strcmp(st->value, sweep_store_names[i])) found = i;
        if (found < 0) errs += bad(sw, st, "store", "expected auto, full or summary");
        else sw->store = (SweepStore)found;
    }
    const YNode *kp = *keep_node = ytree_get(root, "keep_points", NULL);
    if (!kp) return errs;
    if (kp->kind != YN_SEQ)
        return errs + bad(sw, kp, "keep_points", "expected a list of point indices, e.g. [0, 12]");
    if (kp->n > SWEEP_MAX_KEEP)
        return errs + bad(sw, kp, "keep_points", "%d points; at most %d", kp->n, SWEEP_MAX_KEEP);
    for (int i = 0; i < kp->n; i++) {
        long v = 0; /* set when scalar_long returns 1 */
        if (!scalar_long(sw, kp->items[i], "keep_points", 0, 100000000L, &v)) { errs++; continue; }
        if (sw->n_keep > 0 && v <= sw->keep[sw->n_keep - 1]) {
            errs += bad(sw, kp->items[i], "keep_points", "expected increasing point indices without repeats, got %ld "
                        "after %ld", v, sw->keep[sw->n_keep - 1]);
            continue;
        }
        sw->keep[sw->n_keep++] = v;
    }
    if (!errs && sw->n_keep && sw->store == SWEEP_STORE_FULL)
        errs += bad(sw, kp, "keep_points", "a sweep with store: full keeps every point already; keep_points is for "
                    "store: summary (or auto)");
    return errs;
}

/* The kept points must be points of the design. */
static SimStatus check_keep(const Sweep *sw, const YNode *kp)
{
    for (int i = 0; i < sw->n_keep; i++)
        if (sw->keep[i] >= sw->points) {
            const YNode *at = kp && kp->kind == YN_SEQ && i < kp->n ? kp->items[i] : kp;
            bad(sw, at, "keep_points", "point %ld is not in the design: it has points 0..%ld", sw->keep[i],
                sw->points - 1);
            return SIM_ECONFIG;
        }
    return SIM_OK;
}

static int parse_params(Sweep *sw, const YNode *seq)
{
    int errs = 0;
    if (!seq || seq->kind != YN_SEQ || seq->n == 0)
        return bad(sw, seq, "parameters", "expected a list of parameters, each with key, min and max");
    if (seq->n > SWEEP_MAX_PARAMS || seq->n > design_max_params(sw->design))
        return bad(sw, seq, "parameters", "%d parameters; a %s design takes at most %d", seq->n,
                   design_names[sw->design], design_max_params(sw->design) < SWEEP_MAX_PARAMS
                                                 ? design_max_params(sw->design) : SWEEP_MAX_PARAMS);
    sw->k = seq->n;
    for (int i = 0; i < seq->n; i++) {
        const YNode *m = seq->items[i];
        char where[64];
        snprintf(where, sizeof where, "parameters.%d", i);
        if (m->kind != YN_MAP) { errs += bad(sw, m, where, "expected a mapping with key, min and max"); continue; }
        for (int j = 0; j < m->n; j++) {
            const char *kk = m->keys[j];
            if (strcmp(kk, "key") && strcmp(kk, "min") && strcmp(kk, "max") && strcmp(kk, "levels"))
                errs += bad(sw, m->items[j], where, "unknown key '%s' (expected key, min, max, levels)", kk);
        }
        const YNode *kn = ytree_get(m, "key", NULL);
        if (!kn || kn->kind != YN_SCALAR || !*kn->value) { errs += bad(sw, kn ? kn : m, where, "missing 'key': the scenario key to vary"); continue; }
        if (strlen(kn->value) >= SWEEP_KEY_MAX) { errs += bad(sw, kn, where, "key too long"); continue; }
        snprintf(sw->key[i], SWEEP_KEY_MAX, "%s", kn->value);
        for (int j = 0; j < i; j++)
            if (!strcmp(sw->key[j], sw->key[i])) errs += bad(sw, kn, where, "'%s' is listed twice", sw->key[i]);
        double kmin, kmax;
        char err[512];
        if (config_sweep_key(sw->key[i], &kmin, &kmax, &sw->is_int[i], err, sizeof err) != 0) {
            errs += bad(sw, kn, where, "%s", err);
            continue;
        }
        const YNode *lo = ytree_get(m, "min", NULL), *hi = ytree_get(m, "max", NULL);
        if (!lo || !hi) { errs += bad(sw, m, where, "needs both min and max"); continue; }
        if (!scalar_double(sw, lo, "min", &sw->lower[i]) || !scalar_double(sw, hi, "max", &sw->upper[i])) { errs++; continue; }
        if (!(sw->lower[i] <= sw->upper[i])) errs += bad(sw, hi, sw->key[i], "max %g is below min %g", sw->upper[i], sw->lower[i]);
        else if (sw->lower[i] < kmin || sw->upper[i] > kmax)
            errs += bad(sw, sw->lower[i] < kmin ? lo : hi, sw->key[i], "the range [%g, %g] leaves the key's allowed range [%.15g, %.15g]",
                        sw->lower[i], sw->upper[i], kmin, kmax);
        const YNode *lv = ytree_get(m, "levels", NULL);
        sw->levels[i] = 1;
        if (sw->design == DESIGN_GRID) {
            long L;
            if (!lv) errs += bad(sw, m, sw->key[i], "a grid needs 'levels' (values from min to max, evenly spaced)");
            else if (!scalar_long(sw, lv, "levels", 1, 100000, &L)) errs++;
            else sw->levels[i] = (int)L;
        } else if (lv) {
            errs += bad(sw, lv, sw->key[i], "'levels' is for a grid design; a %s design takes 'points' at the top level",
                        design_names[sw->design]);
        }
    }
    return errs;
}

/* A key naming a file (`priors:`, `posterior:`), relative to the sweep file,
 * into sw->priors_path; the count of errors reported (0 or 1). */
static int file_key(Sweep *sw, const YNode *v, const char *key, const char *expected)
{
    char dir[PS_PATH_MAX + 16];
    path_dir(sw->path, dir, sizeof dir);
    int w = v->kind != YN_SCALAR || !*v->value ? -1
          : v->value[0] == '/' ? snprintf(sw->priors_path, sizeof sw->priors_path, "%s", v->value)
                               : snprintf(sw->priors_path, sizeof sw->priors_path, "%s/%s", dir, v->value);
    return w < 0 || w >= (int)sizeof sw->priors_path ? bad(sw, v, key, "%s", expected) : 0;
}

/* Everything of the file except the points' check. */
static int parse_file(Sweep *sw, YNode *root, const YNode **keep_node)
{
    int errs = 0;
    static const char *const known[] = {"scenario", "design", "points", "seed", "parameters", "priors", "store",
                                        "keep_points", "posterior"};
    for (int i = 0; i < root->n; i++) {
        int ok = 0;
        for (size_t j = 0; j < sizeof known / sizeof *known; j++) ok |= !strcmp(root->keys[i], known[j]);
        if (!ok) errs += bad(sw, root->items[i], root->keys[i], "unknown key (expected scenario, design, points, seed, parameters, priors, posterior, store or keep_points)");
    }
    errs += parse_store(sw, root, keep_node);
    const YNode *sc = ytree_get(root, "scenario", NULL);
    if (!sc || sc->kind != YN_SCALAR || !*sc->value) errs += bad(sw, sc, "scenario", "expected the path of the base scenario file");
    else {
        char dir[PS_PATH_MAX + 16];
        path_dir(sw->path, dir, sizeof dir);
        int n = sc->value[0] == '/' ? snprintf(sw->scenario, sizeof sw->scenario, "%s", sc->value)
                                    : snprintf(sw->scenario, sizeof sw->scenario, "%s/%s", dir, sc->value);
        if (n < 0 || n >= (int)sizeof sw->scenario) errs += bad(sw, sc, "scenario", "path too long");
    }
    const YNode *dn = ytree_get(root, "design", NULL);
    int d = -1;
    if (dn && dn->kind == YN_SCALAR)
        for (int i = 0; i < DESIGN_COUNT; i++)
            if (!strcmp(dn->value, design_names[i])) d = i;
    if (d < 0) return errs + bad(sw, dn, "design", "expected one of: grid lhs sobol saltelli prior%s%s%s", dn && dn->kind == YN_SCALAR ? "; got '" : "",
                                 dn && dn->kind == YN_SCALAR ? dn->value : "", dn && dn->kind == YN_SCALAR ? "'" : "");
    sw->design = (DesignKind)d;
    const YNode *pn = ytree_get(root, "points", NULL);
    long n = 0;
    if (sw->design == DESIGN_GRID) {
        if (pn) errs += bad(sw, pn, "points", "a grid takes 'levels' per parameter, not 'points'");
    } else if (!pn) {
        errs += bad(sw, NULL, "points", sw->design == DESIGN_SALTELLI ? "missing: the base rows N (the design has N*(k+2) points)"
                                                                       : "missing: the number of points");
    } else if (!scalar_long(sw, pn, "points", sw->design == DESIGN_SALTELLI ? 2 : 1, 100000000, &n)) {
        errs++;
    }
    sw->n = (int)n;
    const YNode *sn = ytree_get(root, "seed", NULL);
    sw->seed = 1;
    if (sn) {
        long s;
        if (!scalar_long(sw, sn, "seed", 0, 2147483647L, &s)) errs++;
        else sw->seed = (uint64_t)s;
        if (sw->design != DESIGN_LHS && sw->design != DESIGN_PRIOR && errs == 0) sim_warn("%s: seed: used by the lhs design only; ignored for %s", sw->path, design_names[sw->design]);
    }
    const YNode *pp = ytree_get(root, "posterior", NULL);
    if (pp) {
        /* The points are draws of the weighted particles of a posterior (posterior-predictive). */
        if (ytree_get(root, "parameters", NULL) || ytree_get(root, "priors", NULL))
            errs += bad(sw, pp, "posterior", "give one of 'parameters', 'priors' or 'posterior'");
        if (sw->design != DESIGN_PRIOR)
            errs += bad(sw, dn, "design", "a sweep over a posterior takes design prior (draws of its particles)");
        errs += file_key(sw, pp, "posterior", "expected the path of a posterior file");
        sw->prior = sw->posterior = 1;
        return errs;
    }
    const YNode *pv = ytree_get(root, "priors", NULL);
    if (pv) {
        /* The points are drawn from (design prior) or spread over (saltelli) the priors' distributions. */
        if (ytree_get(root, "parameters", NULL)) errs += bad(sw, pv, "priors", "give either 'parameters' or 'priors', not both");
        if (sw->design != DESIGN_PRIOR && sw->design != DESIGN_SALTELLI)
            errs += bad(sw, dn, "design", "a sweep over priors takes design prior (random draws) or saltelli");
        errs += file_key(sw, pv, "priors", "expected the path of a priors file");
        sw->prior = 1;
        return errs;
    }
    if (sw->design == DESIGN_PRIOR) errs += bad(sw, dn, "design", "design prior needs 'priors': the file to draw from");
    errs += parse_params(sw, ytree_get(root, "parameters", NULL));
    return errs;
}

void sweep_point_params(const Sweep *sw, const Params *base, long q, Params *out)
{
    if (sw->prior) {
        *out = sw->n_alt ? sw->alt[(int)sw->values[q * sw->k + sw->alt_col]] : *base;
        for (int j = 0; j < sw->m; j++) {
            int rc = prior_set_key(out, sw->akey[j], sw->applied[q * sw->m + j]);
            SIM_ASSERT(rc == 0); /* checked by sweep_from_priors */
        }
        return;
    }
    *out = *base;
    for (int j = 0; j < sw->k; j++) {
        int rc = config_set_number(out, sw->key[j], sw->values[q * sw->k + j]);
        SIM_ASSERT(rc == 0); /* checked by sweep_load */
    }
}

static SimStatus sweep_load_priors(Sweep *sw, Scenario *base, char *const *sets, int n_sets)
{
    SimStatus st = config_load(base, sw->scenario, sets, n_sets);
    if (st != SIM_OK) return sim_fail(st, "%s: the base scenario %s is not valid (see above)", sw->path, sw->scenario);
    Priors pr;
    st = prior_load(&pr, sw->priors_path, &base->p);
    if (st == SIM_OK) {
        size_t n = strlen(sw->text) + strlen(pr.text) + 64;
        char *text = malloc(n);
        if (!text) st = sim_fail(SIM_ENOMEM, "out of memory");
        else {
            snprintf(text, n, "%s\n# the priors file:\n%s", sw->text, pr.text);
            st = sweep_from_priors(sw, base, sw->scenario, &pr, sw->design, sw->n, sets, n_sets, text);
            free(text);
        }
    }
    prior_free(&pr);
    return st;
}

/* An alternative's scenario must differ from the base in its assessment and
 * model keys only: the same parks, run and output (the file's shape). */
static SimStatus check_alternative(const Scenario *base, const Scenario *a, const char *name, const char *priors)
{
    const char *what = strcmp(base->parks_csv, a->parks_csv) ? "the park file"
                     : memcmp(&base->p.run, &a->p.run, sizeof a->p.run) ? "run.* keys"
                     : memcmp(&base->p.output, &a->p.output, sizeof a->p.output) ? "output.* keys"
                     : base->p.assessment.n_groups != a->p.assessment.n_groups ? "the number of assessment groups"
                     : NULL;
    for (int g = 0; !what && g < a->p.assessment.n_groups; g++)
        if (strcmp(base->p.assessment.group[g].name, a->p.assessment.group[g].name)) what = "the assessment group names";
    if (what) return sim_fail(SIM_ECONFIG, "%s: alternative '%s' changes %s; an alternative may change the model and "
                                           "the assessment only", priors, name, what);
    return SIM_OK;
}

SimStatus sweep_from_priors(Sweep *sw, const Scenario *base, const char *scenario_path, const Priors *pr,
                            DesignKind design, int n, char *const *sets, int n_sets, const char *text)
{
    char err[512];
    int k = pr->n_inputs;
    if (k > SWEEP_MAX_PARAMS) return sim_fail(SIM_ECONFIG, "%s: %d inputs; at most %d", pr->path, k, SWEEP_MAX_PARAMS);
    sw->prior = 1, sw->k = k, sw->design = design, sw->n = n;
    if (design == DESIGN_PRIOR) sw->seed = base->p.run.seed;
    snprintf(sw->priors_path, sizeof sw->priors_path, "%s", pr->path);
    for (int i = 0; i < k; i++) {
        const char *unit;
        prior_input(pr, i, sw->key[i], SWEEP_KEY_MAX, &unit, &sw->lower[i], &sw->upper[i]);
        snprintf(sw->unit[i], sizeof sw->unit[i], "%s", unit);
        sw->levels[i] = 1;
    }
    long q = design_count(design, k, n, NULL, err, sizeof err);
    if (q < 1) return sim_fail(SIM_ECONFIG, "%s: %s", pr->path, err);
    sw->points = q;
    free(sw->text);
    sw->text = strdup(text);
    sw->values = malloc((size_t)q * (size_t)k * sizeof *sw->values);
    double *u = malloc((size_t)q * (size_t)k * sizeof *u);
    char ak[SWEEP_MAX_APPLIED][PRIOR_KEY_MAX];
    sw->m = prior_applied_keys(pr, ak, SWEEP_MAX_APPLIED - 2);
    if (pr->refit) {
        snprintf(ak[sw->m++], PRIOR_KEY_MAX, "assessment.tier1_min");
        snprintf(ak[sw->m++], PRIOR_KEY_MAX, "assessment.tier2_min");
    }
    for (int j = 0; j < sw->m; j++) {
        snprintf(sw->akey[j], SWEEP_KEY_MAX, "%s", ak[j]);
        snprintf(sw->aunit[j], sizeof sw->aunit[j], "%s", prior_key_unit(ak[j]));
    }
    sw->applied = malloc((size_t)q * (size_t)(sw->m ? sw->m : 1) * sizeof *sw->applied);
    int n_alt = pr->alt >= 0 ? 0 : 1;
    for (int i = 0; i < pr->n; i++)
        if (pr->pr[i].is_alt) n_alt = pr->pr[i].n_choice;
    sw->alt = malloc((size_t)n_alt * sizeof *sw->alt);
    if (!sw->text || !sw->values || !u || !sw->applied || !sw->alt) {
        free(u);
        return sim_fail(SIM_ENOMEM, "out of memory for %ld points", q);
    }
    if (design_fill(design, k, n, NULL, sw->seed, u, err, sizeof err) != 0) {
        free(u);
        return sim_fail(SIM_ECONFIG, "%s: %s", pr->path, err);
    }
    for (long r = 0; r < q; r++) prior_transform(pr, &u[r * k], &sw->values[r * k]);
    free(u);

    /* Each alternative as the scenario a user would run: the scenario, the
     * alternative's overlay, then the --set overrides. */
    SimStatus st = SIM_OK;
    sw->alt[0] = base->p;
    if (pr->alt >= 0) {
        const Prior *c = NULL;
        for (int i = 0; i < pr->n; i++)
            if (pr->pr[i].is_alt) c = &pr->pr[i];
        sw->n_alt = n_alt, sw->alt_col = pr->alt;
        for (int a = 0; a < n_alt && st == SIM_OK; a++) {
            snprintf(sw->alt_name[a], sizeof sw->alt_name[a], "%s", c->alt_name[a]);
            if (!c->alt_path[a][0]) { sw->alt[a] = base->p; continue; }
            Scenario s;
            st = config_load_overlay(&s, scenario_path, c->alt_path[a], sets, n_sets);
            if (st != SIM_OK) sim_error("%s: alternative '%s' (%s) is not a valid scenario (see above)", pr->path,
                                        c->alt_name[a], c->alt_path[a]);
            else st = check_alternative(base, &s, c->alt_name[a], pr->path);
            if (st == SIM_OK) sw->alt[a] = s.p;
            config_free(&s);
        }
    }
    CutoffFit *fit[PRIOR_MAX_CHOICES] = {NULL};
    for (int a = 0; pr->refit && a < n_alt && st == SIM_OK; a++) st = cutoff_fit_new(&fit[a], base, &sw->alt[a]);
    long misses = 0, bad_order = 0;
    for (long r = 0; r < q && st == SIM_OK; r++) {
        int a = pr->alt >= 0 ? prior_alternative(pr, &sw->values[r * k]) : 0;
        Params p = sw->alt[a];
        SIM_ASSERT(prior_apply(pr, &sw->values[r * k], &p) == 0); /* every value is inside its key's range */
        if (pr->refit) {
            double n1, n2;
            int rc = cutoff_fit(fit[a], &p, pr->reinit, &n1, &n2);
            if (rc < 0) st = SIM_EMODEL;
            misses += rc == 0;
        } else if (p.assessment.tier1_min < p.assessment.tier2_min && bad_order++ < 5) {
            sim_error("%s: point %ld: assessment.tier1_min (%g) is below assessment.tier2_min (%g); give the two "
                      "cut-offs priors that cannot cross, or use 'cutoffs: refit'", pr->path, r,
                      p.assessment.tier1_min, p.assessment.tier2_min);
        }
        for (int j = 0; j < sw->m && st == SIM_OK; j++)
            SIM_ASSERT(prior_get_key(&p, sw->akey[j], &sw->applied[r * sw->m + j]) == 0);
    }
    for (int a = 0; a < n_alt; a++) cutoff_fit_free(fit[a]);
    if (st == SIM_OK && bad_order) st = SIM_ECONFIG;
    if (st == SIM_OK) {
        /* What the points set, overlays and refits included, is part of the run's identity
         * (the checkpoint must match it; --resume compares it with a finished file's). */
        uint64_t h = fnv(FNV0, sw->applied, (size_t)q * (size_t)sw->m * sizeof *sw->applied);
        h = fnv(h, sw->values, (size_t)q * (size_t)k * sizeof *sw->values);
        size_t len = strlen(sw->text) + 64;
        char *t = realloc(sw->text, len);
        if (!t) return sim_fail(SIM_ENOMEM, "out of memory");
        sw->text = t;
        snprintf(t + strlen(t), 64, "\n# digest of every point's values: %016llx\n", (unsigned long long)h);
    }
    if (st == SIM_OK && misses)
        sim_warn("%s: in %ld of %ld points the refitted tier cut-offs leave the 2025 tier counts further than "
                 "calibration.tier_tol from calibration.tier1_parks/tier2_parks (the counts move in steps)",
                 pr->path, misses, q);
    return st;
}

/* The design's points of a parsed sweep file, each checked as a scenario. */
static SimStatus load_points(Sweep *sw, Scenario *base, const char *path, char *const *sets, int n_sets,
                             SweepPosteriorLoader posterior)
{
    char err[1024];
    SimStatus st;
    sw->text = read_text_file(path);
    if (!sw->text)
        return sim_fail(SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (sw->posterior)
        return posterior ? posterior(sw, base, sets, n_sets)
                         : sim_fail(SIM_ECONFIG, "%s: posterior: this program does not read posterior files", path);
    if (sw->prior) return sweep_load_priors(sw, base, sets, n_sets);
    long q = design_count(sw->design, sw->k, sw->n, sw->levels, err, sizeof err);
    if (q < 1)
        return sim_fail(SIM_ECONFIG, "%s: %s", path, err);
    sw->points = q;
    sw->values = malloc((size_t)q * (size_t)sw->k * sizeof *sw->values);
    if (!sw->values)
        return sim_fail(SIM_ENOMEM, "%s: out of memory for %ld points", path, q);
    if (design_fill(sw->design, sw->k, sw->n, sw->levels, sw->seed, sw->values, err, sizeof err) != 0)
        return sim_fail(SIM_ECONFIG, "%s: %s", path, err);
    for (long i = 0; i < q; i++)
        for (int j = 0; j < sw->k; j++) {
            double *v = &sw->values[i * sw->k + j];
            double u = *v;
            *v = u >= 1 ? sw->upper[j] : sw->lower[j] + u * (sw->upper[j] - sw->lower[j]);
            if (sw->is_int[j]) *v = floor(*v + 0.5);
        }

    /* The base scenario, then every point as the scenario a user would run
     * for it: base + sets + the point's values as --set key=%.17g (exact). */
    st = config_load(base, sw->scenario, sets, n_sets);
    if (st != SIM_OK) return sim_fail(st, "%s: the base scenario %s is not valid (see above)", path, sw->scenario);
    char **all = calloc((size_t)n_sets + (size_t)sw->k, sizeof *all);
    char *buf = malloc((size_t)sw->k * (SWEEP_KEY_MAX + 32));
    Params *direct = malloc(sizeof *direct);
    if (!all || !buf || !direct) {
        free(all); free(buf); free(direct);
        return sim_fail(SIM_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n_sets; i++) all[i] = sets[i];
    int bad_points = 0;
    for (long i = 0; i < q && bad_points < 5; i++) {
        for (int j = 0; j < sw->k; j++) {
            all[n_sets + j] = buf + (size_t)j * (SWEEP_KEY_MAX + 32);
            snprintf(all[n_sets + j], SWEEP_KEY_MAX + 32, "%s=%.17g", sw->key[j], sw->values[i * sw->k + j]);
        }
        Scenario one;
        SimStatus s1 = config_load(&one, sw->scenario, all, n_sets + sw->k);
        if (s1 == SIM_OK) {
            sweep_point_params(sw, &base->p, i, direct);
            if (memcmp(direct, &one.p, sizeof *direct) != 0) {
                /* A key whose value feeds other keys at load time cannot be set directly. */
                sim_error("%s: point %ld: setting the values directly does not reproduce loading the scenario with "
                          "--set; one of the keys is not sweepable this way", path, i);
                s1 = SIM_ECONFIG;
            }
        } else {
            sim_error("%s: point %ld is not a valid scenario (see above); its values:", path, i);
            for (int j = 0; j < sw->k; j++) fprintf(stderr, "  %s = %.17g\n", sw->key[j], sw->values[i * sw->k + j]);
        }
        config_free(&one);
        if (s1 != SIM_OK) {
            bad_points++;
            st = s1 == SIM_ENOMEM ? s1 : SIM_ECONFIG;
        }
    }
    free(all);
    free(buf);
    free(direct);
    return st;
}

SimStatus sweep_load(Sweep *sw, Scenario *base, const char *path, char *const *sets, int n_sets,
                     SweepPosteriorLoader posterior)
{
    memset(sw, 0, sizeof *sw);
    memset(base, 0, sizeof *base);
    if (snprintf(sw->path, sizeof sw->path, "%s", path) >= (int)sizeof sw->path)
        return sim_fail(SIM_ECONFIG, "%s: path too long", path);
    YNode *root = NULL;
    SimStatus st = ytree_load_reported(path, &root);
    if (st != SIM_OK) return st;
    const YNode *kp = NULL;
    int errs = parse_file(sw, root, &kp);
    st = errs ? SIM_ECONFIG : load_points(sw, base, path, sets, n_sets, posterior);
    if (st == SIM_OK) st = check_keep(sw, kp);
    ytree_free(root);
    return st;
}

void sweep_free(Sweep *sw)
{
    free(sw->values);
    free(sw->text);
    free(sw->applied);
    free(sw->alt);
    sw->values = NULL;
    sw->text = NULL;
    sw->applied = NULL;
    sw->alt = NULL;
}
