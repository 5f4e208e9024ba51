/** \file prior.c
 * Priors files: parsing and checking (every problem reported with file,
 * line, column and key, then one failure), the inverse-CDF transform from
 * the unit cube, and setting drawn values into Params. docs/UNCERTAINTY.md
 * gives the method; docs/CONFIG.md "Priors" the syntax.
 */
#include "prior.h"
#include "config_internal.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

const char *const prior_dist_names[PD_COUNT] = {"uniform", "normal", "lognormal", "beta", "dirichlet", "choice"};

static const char WEIGHT_PREFIX[] = "assessment.groups.";

static const ParamSpec *spec_of(const char *key)
{
    int n;
    const ParamSpec *s = cfg_spec_table(&n);
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].key, key)) return &s[i];
    return NULL;
}

/* The group a weight key assessment.groups.NAME.weight names, or -1. */
static int weight_group(const AssessParams *a, const char *key)
{
    size_t np = sizeof WEIGHT_PREFIX - 1, n = strlen(key);
    if (strncmp(key, WEIGHT_PREFIX, np) || n < np + 8 || strcmp(key + n - 7, ".weight")) return -1;
    for (int g = 0; g < a->n_groups; g++) {
        size_t gl = strlen(a->group[g].name);
        if (gl == n - np - 7 && !strncmp(key + np, a->group[g].name, gl)) return g;
    }
    return -1;
}

/* A band end assessment.groups.GROUP.METRIC.lo (or .hi): its indicator, or
 * NULL; *hi says which end. */
static IndicatorParams *band_end(const AssessParams *a, const char *key, int *hi)
{
    size_t np = sizeof WEIGHT_PREFIX - 1, n = strlen(key);
    if (strncmp(key, WEIGHT_PREFIX, np) || n < np + 8) return NULL;
    if (!strcmp(key + n - 3, ".lo")) *hi = 0;
    else if (!strcmp(key + n - 3, ".hi")) *hi = 1;
    else return NULL;
    for (int g = 0; g < a->n_groups; g++) {
        const GroupParams *gp = &a->group[g];
        size_t gl = strlen(gp->name);
        if (strncmp(key + np, gp->name, gl) || key[np + gl] != '.') continue;
        const char *m = key + np + gl + 1;
        size_t ml = (size_t)(key + n - 3 - m);
        for (int i = 0; i < gp->n_ind; i++)
            if (strlen(metric_names[gp->ind[i].metric]) == ml && !strncmp(m, metric_names[gp->ind[i].metric], ml))
                return (IndicatorParams *)&gp->ind[i];
    }
    return NULL;
}

int prior_get_key(const Params *p, const char *key, double *v)
{
    int hi;
    const IndicatorParams *b = band_end(&p->assessment, key, &hi);
    if (b) {
        *v = hi ? b->hi : b->lo;
        return 0;
    }
    int g = weight_group(&p->assessment, key);
    if (g >= 0) {
        *v = p->assessment.group[g].weight;
        return 0;
    }
    const ParamSpec *s = spec_of(key);
    if (!s || (s->type != T_DBL && s->type != T_INT)) return -1;
    *v = s->type == T_INT ? *(const int *)((const char *)p + s->off) : *(const double *)((const char *)p + s->off);
    return 0;
}

const char *prior_key_unit(const char *key)
{
    size_t n = strlen(key);
    if (!strncmp(key, WEIGHT_PREFIX, sizeof WEIGHT_PREFIX - 1) && n > 3 &&
        (!strcmp(key + n - 3, ".lo") || !strcmp(key + n - 3, ".hi")))
        return "metric unit"; /* a band end: the unit of its metric (CONFIG.md 6.2) */
    const ParamSpec *s = spec_of(key);
    return s && s->unit && *s->unit ? s->unit : "1";
}

int prior_set_key(Params *p, const char *key, double v)
{
    int hi;
    IndicatorParams *b = band_end(&p->assessment, key, &hi);
    if (b) {
        if (!isfinite(v)) return -1;
        *(hi ? &b->hi : &b->lo) = v;
        return 0;
    }
    int g = weight_group(&p->assessment, key);
    if (g >= 0) {
        if (!(v >= 0 && v <= 1)) return -1;
        p->assessment.group[g].weight = v;
        return 0;
    }
    return config_set_number(p, key, v);
}

/* ---------------------------------------------------------------- parsing */

static int num(Ctx *cx, const YNode *n, const char *key, const char *what, double *v)
{
    if (!n || n->kind != YN_SCALAR || !cfg_parse_double(n->value, v)) {
        cfg_report(cx, n, key, "%s: expected a finite number%s%s%s", what, n && n->kind == YN_SCALAR ? ", got '" : "",
            n && n->kind == YN_SCALAR ? n->value : "", n && n->kind == YN_SCALAR ? "'" : "");
        return 0;
    }
    return 1;
}

/* A list of numbers (at most max); returns the count, or -1 after a report. */
static int num_list(Ctx *cx, const YNode *n, const char *key, const char *what, double *v, int max)
{
    if (!n || n->kind != YN_SEQ || n->n < 1 || n->n > max) {
        cfg_report(cx, n, key, "%s: expected a list of 1 to %d numbers", what, max);
        return -1;
    }
    for (int i = 0; i < n->n; i++)
        if (!num(cx, n->items[i], key, what, &v[i])) return -1;
    return n->n;
}

static void text(Ctx *cx, const YNode *m, const char *key, const char *name, char *out, size_t len)
{
    const YNode *t = ytree_get(m, name, NULL);
    out[0] = '\0';
    if (!t || t->kind != YN_SCALAR || !*t->value) {
        cfg_report(cx, t ? t : m, key, "'%s' is required: %s", name,
            !strcmp(name, "reason") ? "why this distribution (what is known, what is assumed)"
                                    : "where the numbers come from (docs/SOURCES.md section, or [A] with its basis)");
        return;
    }
    if (strlen(t->value) >= len) cfg_report(cx, t, key, "'%s' is longer than %zu characters", name, len - 1);
    snprintf(out, len, "%s", t->value);
}

/* The key's range and unit; whether it may carry a prior of this family. */

/* Keys that the initial (2025) state reads: the population, the R&D and
 * technology rules that condition the initial tiers, the infrastructure, the
 * incidents of the year before the run and the digital threshold of the
 * coverage metric. With a prior on any of them the cut-off refit recomputes
 * the 2025 state for every draw instead of once. */
static int shapes_initial_state(const char *key)
{
    static const char *const prefixes[] = {"population.", "cultivation.rd_min.", "cultivation.tech_min.",
                                           "safety.infra_", "firm.incident_", "firm.serious_share",
                                           "firm.digital_threshold"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(key, prefixes[i], strlen(prefixes[i]))) return 1;
    return 0;
}
static int check_key(Ctx *cx, const Priors *pr, const YNode *at, const char *key, PriorDist d, const Params *base,
                     double *kmin, double *kmax, const char **unit)
{
    if (weight_group(&base->assessment, key) >= 0) {
        if (d != PD_DIRICHLET) {
            cfg_report(cx, at, key, "a group weight takes a dirichlet prior over every group's weight (they sum to one)");
            return 0;
        }
        *kmin = 0, *kmax = 1, *unit = "1";
        return 1;
    }
    int hi;
    const IndicatorParams *b = band_end(&base->assessment, key, &hi);
    if (b) {
        if (d == PD_DIRICHLET || d == PD_CHOICE) {
            cfg_report(cx, at, key, "a band end takes a continuous prior (uniform, normal, lognormal, beta) with min and max");
            return 0;
        }
        if (b->band == BAND_PERCENTILE) {
            cfg_report(cx, at, key, "the scenario scores this indicator by percentile: its band ends are not used");
            return 0;
        }
        /* min and max are required (checked with the bounds); the other end must stay outside them */
        *kmin = b->band == BAND_LOG ? 1e-300 : -1e300, *kmax = 1e300, *unit = "metric unit";
        return 2;
    }
    const ParamSpec *s = spec_of(key);
    if (!s) {
        cfg_report(cx, at, key, "not a scenario key (see parksim keys; group weights are assessment.groups.NAME.weight, "
                                "band ends assessment.groups.NAME.METRIC.lo and .hi)");
        return 0;
    }
    if (s->type != T_DBL && s->type != T_INT) {
        cfg_report(cx, at, key, "not a number key (it is %s): only numbers can have a prior", cfg_type_word(s->type));
        return 0;
    }
    if (!strncmp(key, "run.", 4) || !strncmp(key, "output.", 7)) {
        cfg_report(cx, at, key, "run.* and output.* keys are the same in every draw; they cannot have a prior");
        return 0;
    }
    if (d == PD_DIRICHLET) {
        cfg_report(cx, at, key, "a dirichlet prior is for the assessment group weights (assessment.groups.NAME.weight), a "
                         "vector that sums to one; %s is not one of them", key);
        return 0;
    }
    if (s->type == T_INT && d != PD_CHOICE) {
        cfg_report(cx, at, key, "a whole-number key takes 'dist: choice' with whole values, not %s", prior_dist_names[d]);
        return 0;
    }
    if (pr->refit && (!strcmp(key, "assessment.tier1_min") || !strcmp(key, "assessment.tier2_min"))) {
        cfg_report(cx, at, key, "with 'cutoffs: refit' the tier cut-offs are refitted in every draw to "
                         "calibration.tier1_parks and tier2_parks: put the prior on those (or set 'cutoffs: fixed')");
        return 0;
    }
    *kmin = s->min, *kmax = s->max, *unit = s->unit && *s->unit ? s->unit : "1";
    return 1;
}

static int known_field(const char *k)
{
    static const char *const f[] = {"key", "keys", "name", "dist", "min", "max", "mean", "sd", "mu", "sigma", "median",
                                    "a", "b", "alpha", "concentration", "values", "probs", "alternatives", "reason",
                                    "source"};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (!strcmp(k, f[i])) return 1;
    return 0;
}

/* Bounds min/max: optional (defaults given), inside the key's range [kmin, kmax]. */
static void bounds(Ctx *cx, const YNode *m, const char *key, double dlo, double dhi, double kmin, double kmax,
                   int required, Prior *p)
{
    const YNode *lo = ytree_get(m, "min", NULL), *hi = ytree_get(m, "max", NULL);
    p->lo = dlo, p->hi = dhi;
    if (required && (!lo || !hi)) { cfg_report(cx, m, key, "a %s prior needs min and max", prior_dist_names[p->dist]); return; }
    if (lo && !num(cx, lo, key, "min", &p->lo)) return;
    if (hi && !num(cx, hi, key, "max", &p->hi)) return;
    if (!(p->lo < p->hi)) cfg_report(cx, hi ? hi : m, key, "max (%g) must be above min (%g)", p->hi, p->lo);
    else if (p->lo < kmin || p->hi > kmax)
        cfg_report(cx, p->lo < kmin ? (lo ? lo : m) : (hi ? hi : m), key,
            "bounds [%g, %g] leave the key's valid range [%.15g, %.15g]", p->lo, p->hi, kmin, kmax);
}

static void parse_choice(Ctx *cx, const YNode *m, const char *key, const ParamSpec *s, Prior *p)
{
    const YNode *vals = ytree_get(m, "values", NULL), *alts = ytree_get(m, "alternatives", NULL);
    const YNode *pn = ytree_get(m, "probs", NULL);
    if ((vals != NULL) == (alts != NULL)) {
        cfg_report(cx, m, key, "a choice needs either 'values' (numbers of the key) or 'alternatives' (scenario overlays)");
        return;
    }
    if (alts) {
        p->is_alt = 1;
        if (alts->kind != YN_SEQ || alts->n < 2 || alts->n > PRIOR_MAX_CHOICES) {
            cfg_report(cx, alts, key, "alternatives: expected a list of 2 to %d mappings {name, base}", PRIOR_MAX_CHOICES);
            return;
        }
        p->n_choice = alts->n;
        char dir[PS_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", cx->scenario);
        char *sl = strrchr(dir, '/');
        if (sl) *sl = '\0';
        else snprintf(dir, sizeof dir, ".");
        for (int i = 0; i < alts->n; i++) {
            const YNode *a = alts->items[i];
            const YNode *nm = a->kind == YN_MAP ? ytree_get(a, "name", NULL) : NULL;
            const YNode *b = a->kind == YN_MAP ? ytree_get(a, "base", NULL) : NULL;
            if (!nm || nm->kind != YN_SCALAR || !*nm->value || strlen(nm->value) >= sizeof p->alt_name[i]) {
                cfg_report(cx, a, key, "alternative %d: expected a mapping with a 'name' (and 'base', an overlay file; none "
                                "for the scenario as it is)", i);
                continue;
            }
            for (int j = 0; j < a->n; j++)
                if (strcmp(a->keys[j], "name") && strcmp(a->keys[j], "base"))
                    cfg_report(cx, a->items[j], key, "alternative '%s': unknown key '%s' (expected name, base)", nm->value,
                        a->keys[j]);
            snprintf(p->alt_name[i], sizeof p->alt_name[i], "%s", nm->value);
            p->cval[i] = i;
            if (b) {
                if (b->kind != YN_SCALAR || !*b->value) { cfg_report(cx, b, key, "base: expected a file path"); continue; }
                int w = b->value[0] == '/' ? snprintf(p->alt_path[i], PS_PATH_MAX, "%s", b->value)
                                           : snprintf(p->alt_path[i], PS_PATH_MAX, "%s/%s", dir, b->value);
                FILE *f = w > 0 && w < PS_PATH_MAX ? fopen(p->alt_path[i], "rb") : NULL;
                if (!f) cfg_report(cx, b, key, "cannot open the overlay '%s': %s", p->alt_path[i], strerror(errno));
                else fclose(f);
            }
            for (int j = 0; j < i; j++)
                if (!strcmp(p->alt_name[j], p->alt_name[i])) cfg_report(cx, nm, key, "alternative '%s' is listed twice", nm->value);
        }
    } else {
        int n = num_list(cx, vals, key, "values", p->cval, PRIOR_MAX_CHOICES);
        if (n < 0) return;
        p->n_choice = n;
        for (int i = 0; i < n; i++) {
            if (s && !(p->cval[i] >= s->min && p->cval[i] <= s->max))
                cfg_report(cx, vals->items[i], key, "value %g is outside the key's valid range [%.15g, %.15g]", p->cval[i],
                    s->min, s->max);
            else if (s && s->type == T_INT && p->cval[i] != floor(p->cval[i]))
                cfg_report(cx, vals->items[i], key, "value %g: the key takes whole numbers", p->cval[i]);
        }
    }
    if (!pn) { cfg_report(cx, m, key, "a choice needs 'probs', one probability per %s", alts ? "alternative" : "value"); return; }
    int np = num_list(cx, pn, key, "probs", p->prob, PRIOR_MAX_CHOICES);
    if (np < 0) return;
    if (np != p->n_choice) { cfg_report(cx, pn, key, "%d probabilities for %d choices", np, p->n_choice); return; }
    double sum = 0;
    for (int i = 0; i < np; i++) {
        if (!(p->prob[i] >= 0 && p->prob[i] <= 1)) cfg_report(cx, pn->items[i], key, "probability %g is not in [0, 1]", p->prob[i]);
        sum += p->prob[i];
    }
    if (fabs(sum - 1) > 1e-9) cfg_report(cx, pn, key, "the probabilities sum to %.12g, not 1", sum);
}

static void parse_dirichlet(Ctx *cx, const YNode *m, const char *key, const Params *base, Prior *p)
{
    const YNode *al = ytree_get(m, "alpha", NULL), *cn = ytree_get(m, "concentration", NULL);
    if ((al != NULL) == (cn != NULL)) {
        cfg_report(cx, m, key, "a dirichlet needs either 'alpha' (one per key) or 'concentration' (alpha = concentration x "
                        "the scenario's weights)");
        return;
    }
    if (p->nkeys != base->assessment.n_groups) {
        cfg_report(cx, m, key, "a dirichlet over the group weights must list every group's weight (%d groups), not %d keys",
            base->assessment.n_groups, p->nkeys);
        return;
    }
    if (al) {
        double a[ASSESS_MAX_GROUPS];
        int n = num_list(cx, al, key, "alpha", a, ASSESS_MAX_GROUPS);
        if (n < 0) return;
        if (n != p->nkeys) { cfg_report(cx, al, key, "%d alpha values for %d keys", n, p->nkeys); return; }
        for (int i = 0; i < n; i++) {
            if (!(a[i] > 0 && a[i] <= 1e6)) cfg_report(cx, al->items[i], key, "alpha %g must be above 0 (and at most 1e6)", a[i]);
            p->alpha[i] = a[i];
        }
    } else {
        double c, tot = 0;
        if (!num(cx, cn, key, "concentration", &c)) return;
        if (!(c > 0 && c <= 1e6)) { cfg_report(cx, cn, key, "concentration %g must be above 0 (and at most 1e6)", c); return; }
        for (int i = 0; i < p->nkeys; i++) tot += base->assessment.group[weight_group(&base->assessment, p->key[i])].weight;
        for (int i = 0; i < p->nkeys; i++) {
            double w = base->assessment.group[weight_group(&base->assessment, p->key[i])].weight / tot;
            p->alpha[i] = c * w;
            if (!(p->alpha[i] > 0)) cfg_report(cx, cn, key, "the scenario's weight of %s is 0: give 'alpha' instead", p->key[i]);
        }
    }
    p->lo = 0, p->hi = 1;
}

static void parse_one(Ctx *cx, Priors *pr, const YNode *m, int idx, const Params *base)
{
    char where[64];
    snprintf(where, sizeof where, "priors.%d", idx);
    Prior *p = &pr->pr[pr->n];
    memset(p, 0, sizeof *p);
    snprintf(p->file, sizeof p->file, "%s", m->file ? m->file : cx->scenario);
    p->line = m->line, p->col = m->col;
    if (m->kind != YN_MAP) { cfg_report(cx, m, where, "expected a mapping {key, dist, ...}"); return; }
    int e0 = cx->n_err;
    for (int j = 0; j < m->n; j++)
        if (!known_field(m->keys[j])) {
            YNode at = *m->items[j];
            at.line = m->key_line[j], at.col = m->key_col[j];
            cfg_report(cx, &at, where, "unknown key '%s' (see docs/CONFIG.md \"Priors\")", m->keys[j]);
        }
    const YNode *dn = ytree_get(m, "dist", NULL);
    int d = -1;
    for (int i = 0; dn && dn->kind == YN_SCALAR && i < PD_COUNT; i++)
        if (!strcmp(dn->value, prior_dist_names[i])) d = i;
    if (d < 0) {
        cfg_report(cx, dn ? dn : m, where, "dist: expected one of uniform, normal, lognormal, beta, dirichlet, choice%s%s%s",
            dn && dn->kind == YN_SCALAR ? "; got '" : "", dn && dn->kind == YN_SCALAR ? dn->value : "",
            dn && dn->kind == YN_SCALAR ? "'" : "");
        return;
    }
    p->dist = (PriorDist)d;
    const YNode *kn = ytree_get(m, "key", NULL), *ks = ytree_get(m, "keys", NULL), *nm = ytree_get(m, "name", NULL);
    const YNode *alts = ytree_get(m, "alternatives", NULL);
    const char *label = where;
    if (alts) {
        if (!nm || nm->kind != YN_SCALAR || !*nm->value || kn || ks) {
            cfg_report(cx, m, where, "a choice between alternatives has a 'name' (and no key)");
            return;
        }
        snprintf(p->key[0], PRIOR_KEY_MAX, "%s", nm->value);
        p->nkeys = 1;
        label = p->key[0];
    } else if (d == PD_DIRICHLET) {
        if (!ks || ks->kind != YN_SEQ || ks->n < 2 || ks->n > ASSESS_MAX_GROUPS || kn) {
            cfg_report(cx, ks ? ks : m, where, "a dirichlet takes 'keys': a list of 2 to %d weight keys", ASSESS_MAX_GROUPS);
            return;
        }
        p->nkeys = ks->n;
        for (int i = 0; i < ks->n; i++) {
            const YNode *k = ks->items[i];
            if (k->kind != YN_SCALAR || strlen(k->value) >= PRIOR_KEY_MAX) { cfg_report(cx, k, where, "expected a key"); return; }
            snprintf(p->key[i], PRIOR_KEY_MAX, "%s", k->value);
        }
        label = p->key[0];
    } else {
        if (!kn || kn->kind != YN_SCALAR || !*kn->value || ks) {
            cfg_report(cx, kn ? kn : m, where, "expected 'key': the scenario key the prior is over");
            return;
        }
        if (strlen(kn->value) >= PRIOR_KEY_MAX) { cfg_report(cx, kn, where, "key too long"); return; }
        snprintf(p->key[0], PRIOR_KEY_MAX, "%s", kn->value);
        p->nkeys = 1;
        label = p->key[0];
    }
    /* keys: known, the right kind, each in one prior only */
    double kmin = -INFINITY, kmax = INFINITY;
    const char *unit = "1";
    const ParamSpec *s = NULL;
    if (!alts) {
        for (int i = 0; i < p->nkeys; i++) {
            const YNode *at = d == PD_DIRICHLET ? ks->items[i] : kn;
            if (!check_key(cx, pr, at, p->key[i], p->dist, base, &kmin, &kmax, &unit)) return;
            for (int j = 0; j < i; j++)
                if (!strcmp(p->key[j], p->key[i])) { cfg_report(cx, at, p->key[i], "listed twice"); return; }
            for (int q = 0; q < pr->n; q++)
                for (int j = 0; j < pr->pr[q].nkeys; j++)
                    if (!pr->pr[q].is_alt && !strcmp(pr->pr[q].key[j], p->key[i])) {
                        cfg_report(cx, at, p->key[i], "already has a prior (%s:%d:%d)", pr->pr[q].file, pr->pr[q].line,
                            pr->pr[q].col);
                        return;
                    }
        }
        s = spec_of(p->key[0]);
    }
    int is_band = 0, bh = 0;
    const IndicatorParams *band = alts ? NULL : band_end(&base->assessment, p->key[0], &bh);
    if (band) {
        is_band = 1;
        if (!ytree_get(m, "min", NULL) || !ytree_get(m, "max", NULL)) {
            cfg_report(cx, m, label, "a band end needs min and max");
            return;
        }
    }
    snprintf(p->unit, sizeof p->unit, "%s", unit);
    switch (p->dist) {
    case PD_UNIFORM:
        bounds(cx, m, label, kmin, kmax, kmin, kmax, 1, p);
        break;
    case PD_NORMAL:
    case PD_LOGNORMAL: {
        int lognormal = p->dist == PD_LOGNORMAL;
        const YNode *c = ytree_get(m, lognormal ? "mu" : "mean", NULL), *sd = ytree_get(m, lognormal ? "sigma" : "sd", NULL);
        const YNode *md = lognormal ? ytree_get(m, "median", NULL) : NULL;
        if (lognormal && (c != NULL) == (md != NULL)) {
            cfg_report(cx, m, label, "a lognormal needs either 'median' or 'mu' (the mean of ln x), and 'sigma'");
            break;
        }
        if (lognormal && md) {
            double med;
            if (!num(cx, md, label, "median", &med)) break;
            if (!(med > 0)) { cfg_report(cx, md, label, "median %g must be above 0", med); break; }
            p->p1 = log(med);
        } else if (!num(cx, c, label, lognormal ? "mu" : "mean", &p->p1)) break;
        if (!num(cx, sd, label, lognormal ? "sigma" : "sd", &p->p2)) break;
        if (!(p->p2 > 0)) { cfg_report(cx, sd, label, "%s %g must be above 0", lognormal ? "sigma" : "sd", p->p2); break; }
        bounds(cx, m, label, lognormal ? fmax(kmin, 0) : kmin, kmax, lognormal ? fmax(kmin, 0) : kmin, kmax, 0, p);
        if (cx->n_err) break;
        double a = lognormal ? (p->lo > 0 ? log(p->lo) : -INFINITY) : p->lo, b = lognormal ? log(p->hi) : p->hi;
        double mass = gsl_cdf_gaussian_P(b - p->p1, p->p2) - gsl_cdf_gaussian_P(a - p->p1, p->p2);
        if (!(mass > 1e-9)) cfg_report(cx, m, label, "the distribution puts almost no mass (%.3g) inside its bounds [%g, %g]", mass, p->lo, p->hi);
        break;
    }
    case PD_BETA: {
        const YNode *a = ytree_get(m, "a", NULL), *b = ytree_get(m, "b", NULL);
        if (!num(cx, a, label, "a", &p->p1) || !num(cx, b, label, "b", &p->p2)) break;
        if (!(p->p1 > 0 && p->p1 <= 1e6)) cfg_report(cx, a, label, "a %g must be above 0 (and at most 1e6)", p->p1);
        if (!(p->p2 > 0 && p->p2 <= 1e6)) cfg_report(cx, b, label, "b %g must be above 0 (and at most 1e6)", p->p2);
        bounds(cx, m, label, fmax(kmin, 0), fmin(kmax, 1), kmin, kmax, 0, p);
        break;
    }
    case PD_DIRICHLET:
        parse_dirichlet(cx, m, label, base, p);
        break;
    case PD_CHOICE:
        parse_choice(cx, m, label, s, p);
        break;
    default:
        break;
    }
    if (is_band && cx->n_err == e0) {
        double other = bh ? band->lo : band->hi;
        if (other >= p->lo && other <= p->hi)
            cfg_report(cx, m, label, "the band's other end (%g) lies inside [%g, %g]: a draw could collapse or reverse "
                                     "the band", other, p->lo, p->hi);
    }
    char reason_key[160];
    snprintf(reason_key, sizeof reason_key, "%s", label);
    text(cx, m, reason_key, "reason", p->reason, sizeof p->reason);
    text(cx, m, reason_key, "source", p->source, sizeof p->source);
    if (cx->n_err == e0) pr->n++;
}

SimStatus prior_load(Priors *pr, const char *path, const Params *base)
{
    memset(pr, 0, sizeof *pr);
    pr->alt = -1;
    pr->refit = 1;
    if (snprintf(pr->path, sizeof pr->path, "%s", path) >= (int)sizeof pr->path)
        return sim_fail(SIM_ECONFIG, "%s: path too long", path);
    YNode *root = NULL;
    SimStatus st = ytree_load_reported(path, &root);
    if (st != SIM_OK) return st;
    Ctx cx = {0, path};
    for (int i = 0; i < root->n; i++)
        if (strcmp(root->keys[i], "priors") && strcmp(root->keys[i], "cutoffs")) {
            YNode at = *root->items[i];
            at.line = root->key_line[i], at.col = root->key_col[i];
            cfg_report(&cx, &at, root->keys[i], "unknown key (a priors file has 'cutoffs' and 'priors')");
        }
    const YNode *c = ytree_get(root, "cutoffs", NULL);
    if (c) {
        if (c->kind == YN_SCALAR && !strcmp(c->value, "refit")) pr->refit = 1;
        else if (c->kind == YN_SCALAR && !strcmp(c->value, "fixed")) pr->refit = 0;
        else cfg_report(&cx, c, "cutoffs", "expected 'refit' (the tier cut-offs refitted to the 2025 tier counts in every draw) or 'fixed'");
    }
    const YNode *list = ytree_get(root, "priors", NULL);
    if (!list || list->kind != YN_SEQ || list->n < 1) cfg_report(&cx, list, "priors", "expected a list of priors");
    else if (list->n > PRIOR_MAX) cfg_report(&cx, list, "priors", "%d priors; at most %d", list->n, PRIOR_MAX);
    else
        for (int i = 0; i < list->n; i++) parse_one(&cx, pr, list->items[i], i, base);
    for (int i = 0; i < pr->n && !cx.n_err; i++) {
        const Prior *p = &pr->pr[i];
        int k = p->dist == PD_DIRICHLET ? p->nkeys : 1;
        if (p->is_alt) {
            if (pr->alt >= 0) cfg_report(&cx, NULL, p->key[0], "only one choice between alternatives per priors file");
            pr->alt = pr->n_inputs;
        }
        if (pr->n_inputs + k > PRIOR_MAX_INPUTS) cfg_report(&cx, NULL, p->key[0], "more than %d inputs in all", PRIOR_MAX_INPUTS);
        pr->n_inputs += k;
    }
    ytree_free(root);
    for (int q = 0; q < pr->n; q++)
        for (int i = 0; !pr->pr[q].is_alt && i < pr->pr[q].nkeys; i++)
            if (shapes_initial_state(pr->pr[q].key[i])) pr->reinit = 1;
    if (cx.n_err) return SIM_ECONFIG;
    if (!(pr->text = read_text_file(path))) return sim_fail(SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
    return SIM_OK;
}

void prior_free(Priors *pr)
{
    free(pr->text);
    pr->text = NULL;
}

/* ---------------------------------------------------------------- transform */

void prior_input(const Priors *pr, int i, char *name, size_t len, const char **unit, double *lo, double *hi)
{
    for (int q = 0; q < pr->n; q++) {
        const Prior *p = &pr->pr[q];
        int k = p->dist == PD_DIRICHLET ? p->nkeys : 1;
        if (i >= k) { i -= k; continue; }
        if (p->dist == PD_DIRICHLET) {
            snprintf(name, len, "%s~gamma", p->key[i]);
            *unit = "1", *lo = 0, *hi = INFINITY;
        } else if (p->dist == PD_CHOICE) {
            snprintf(name, len, "%s", p->key[0]);
            *unit = p->is_alt ? "alternative" : p->unit;
            *lo = p->is_alt ? 0 : p->cval[0], *hi = p->is_alt ? p->n_choice - 1 : p->cval[0];
            for (int j = 0; !p->is_alt && j < p->n_choice; j++) *lo = fmin(*lo, p->cval[j]), *hi = fmax(*hi, p->cval[j]);
        } else {
            snprintf(name, len, "%s", p->key[0]);
            *unit = p->unit, *lo = p->lo, *hi = p->hi;
        }
        return;
    }
    SIM_ASSERT(0);
}

/* Inverse CDF of N(m, s) truncated to [a, b] at u. */
static double trunc_normal(double u, double m, double s, double a, double b)
{
    double Fa = isfinite(a) ? gsl_cdf_gaussian_P(a - m, s) : 0, Fb = isfinite(b) ? gsl_cdf_gaussian_P(b - m, s) : 1;
    double q = Fa + u * (Fb - Fa);
    double x = q <= 0 ? a : q >= 1 ? b : m + gsl_cdf_gaussian_Pinv(q, s);
    return x < a ? a : x > b ? b : x;
}

void prior_transform(const Priors *pr, const double *u, double *x)
{
    int i = 0;
    for (int q = 0; q < pr->n; q++) {
        const Prior *p = &pr->pr[q];
        switch (p->dist) {
        case PD_UNIFORM:
            x[i] = p->lo + u[i] * (p->hi - p->lo);
            x[i] = x[i] > p->hi ? p->hi : x[i];
            i++;
            break;
        case PD_NORMAL:
            x[i] = trunc_normal(u[i], p->p1, p->p2, p->lo, p->hi);
            i++;
            break;
        case PD_LOGNORMAL: {
            double y = trunc_normal(u[i], p->p1, p->p2, p->lo > 0 ? log(p->lo) : -INFINITY, log(p->hi));
            x[i] = fmin(fmax(exp(y), p->lo), p->hi);
            i++;
            break;
        }
        case PD_BETA:
            x[i] = p->lo + (p->hi - p->lo) * gsl_cdf_beta_Pinv(u[i], p->p1, p->p2);
            x[i] = fmin(fmax(x[i], p->lo), p->hi);
            i++;
            break;
        case PD_DIRICHLET:
            for (int j = 0; j < p->nkeys; j++, i++) x[i] = gsl_cdf_gamma_Pinv(u[i], p->alpha[j], 1.0);
            break;
        case PD_CHOICE: {
            double c = 0;
            int j = 0;
            for (; j < p->n_choice - 1; j++) {
                c += p->prob[j];
                if (u[i] < c) break;
            }
            x[i] = p->cval[j];
            i++;
            break;
        }
        default:
            SIM_ASSERT(0);
        }
    }
}

int prior_alternative(const Priors *pr, const double *x)
{
    return pr->alt < 0 ? 0 : (int)x[pr->alt];
}

int prior_applied_keys(const Priors *pr, char key[][PRIOR_KEY_MAX], int max)
{
    int n = 0;
    for (int q = 0; q < pr->n; q++) {
        const Prior *p = &pr->pr[q];
        if (p->is_alt) continue;
        for (int j = 0; j < p->nkeys && n < max; j++) snprintf(key[n++], PRIOR_KEY_MAX, "%s", p->key[j]);
    }
    return n;
}

int prior_apply(const Priors *pr, const double *x, Params *p)
{
    int i = 0, rc = 0;
    for (int q = 0; q < pr->n; q++) {
        const Prior *o = &pr->pr[q];
        if (o->dist == PD_DIRICHLET) {
            /* w_j = g_j / sum g; the last weight is 1 minus the others, so the
             * weights sum to one within a few ulps whatever the variates. */
            double s = 0, acc = 0;
            for (int j = 0; j < o->nkeys; j++) s += x[i + j];
            for (int j = 0; j < o->nkeys; j++) {
                double w = j + 1 < o->nkeys ? x[i + j] / s : 1.0 - acc;
                if (w < 0) w = 0;
                acc += w;
                rc |= prior_set_key(p, o->key[j], w);
            }
            i += o->nkeys;
        } else {
            if (!o->is_alt) rc |= prior_set_key(p, o->key[0], x[i]);
            i++;
        }
    }
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- printing */

void prior_print(FILE *out, const Priors *pr)
{
    fprintf(out, "# priors: %s\n# cutoffs: %s\n", pr->path,
            pr->refit ? "refit (assessment.tier1_min/tier2_min refitted in every draw to calibration.tier1_parks/tier2_parks)"
                      : "fixed");
    for (int q = 0; q < pr->n; q++) {
        const Prior *p = &pr->pr[q];
        fprintf(out, "# - %s", p->key[0]);
        for (int j = 1; j < p->nkeys; j++) fprintf(out, ", %s", p->key[j]);
        fprintf(out, " ~ %s(", prior_dist_names[p->dist]);
        switch (p->dist) {
        case PD_UNIFORM: fprintf(out, "%g, %g)", p->lo, p->hi); break;
        case PD_NORMAL: fprintf(out, "mean %g, sd %g) on [%g, %g]", p->p1, p->p2, p->lo, p->hi); break;
        case PD_LOGNORMAL: fprintf(out, "median %g, sigma %g) on [%g, %g]", exp(p->p1), p->p2, p->lo, p->hi); break;
        case PD_BETA: fprintf(out, "a %g, b %g) on [%g, %g]", p->p1, p->p2, p->lo, p->hi); break;
        case PD_DIRICHLET:
            fprintf(out, "alpha");
            for (int j = 0; j < p->nkeys; j++) fprintf(out, " %.4g", p->alpha[j]);
            fprintf(out, ")");
            break;
        case PD_CHOICE:
            for (int j = 0; j < p->n_choice; j++) {
                if (p->is_alt) fprintf(out, "%s%s %g", j ? ", " : "", p->alt_name[j], p->prob[j]);
                else fprintf(out, "%s%g: %g", j ? ", " : "", p->cval[j], p->prob[j]);
            }
            fprintf(out, ")");
            break;
        default: break;
        }
        fprintf(out, " [%s]\n#     reason: %s\n#     source: %s\n", p->unit, p->reason, p->source);
    }
}
