/** \file calibrate.c
 * `parksim calibrate`: fit the model's free parameters to the published
 * figures of the 2025 starting point and report the fit (issue 3, item 3).
 *
 * Fitted, in this order (each fit only moves what the later ones read):
 *   1. population.size_sigma  -> share of firms above designated size (规上);
 *   2. population.tech_mean   -> digital coverage of above-scale firms;
 *   3. firm.exit_rate and firm.growth_drift -> the exit rate (exits per
 *      firm-year, all causes) and the baseline growth of aggregate park
 *      revenue, fitted in two alternating rounds since each moves the other;
 *   4. assessment.tier1_min   -> mean first-tier parks in the initial state;
 *   5. assessment.tier2_min   -> mean second-tier parks in the initial state.
 * Checked but not fitted: the cultivation-tier ratios, which follow directly
 * from population.*_share.
 *
 * Every statistic is a mean over calibration.replicates replicates with the
 * scenario's seed, so a fit is deterministic and each objective is a monotone
 * function of its parameter under common random numbers (the same firms, the
 * same draws); a bracketing root finder (Illinois variant of regula falsi)
 * then converges without derivatives. Runs on one process: each evaluation
 * of growth and exits simulates every replicate over the whole run, some
 * 40 evaluations in all (about 15 s for the Jiangxi default on one core).
 */
#include "calibrate.h"
#include "util.h"
#include "../agents/assess.h"
#include "../policies/levers.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parks with a verified initial tier that the calibration matches. */
#define CAL_MAX_FACTS 8

typedef struct {
    const Scenario *sc;
    Params p;          /* the parameters being fitted */
    ReplicateOut out;  /* one replicate's results */
    double *metrics;   /* [n][P][M] initial-state metrics, for the tier fit */
    int *serious;      /* [n][P] 1 if the park had a serious incident in the initial year (the veto) */
    int fact_park;     /* park whose verified tier is being matched */
    int n;             /* replicates */
    double t1;         /* tier1_min while tier2_min is fitted */
    SimStatus st;      /* first failure, if any */
    char err[256];
} Cal;

typedef struct { double coverage, above, ratio_spec, ratio_innov; } InitStats;

/* Initial-state statistics pooled over the replicates (and, if keep, the
 * metrics for the tier fit). Pooled ratios (total over total), so that
 * parks and replicates with more firms weigh more, as in provincial counts. */
static InitStats init_stats(Cal *c, int keep)
{
    InitStats s = {0, 0, 0, 0};
    int P = c->sc->n_parks;
    double firms = 0, above = 0, digital = 0, innov = 0, spec = 0, giant = 0;
    for (int r = 0; r < c->n && c->st == SIM_OK; r++) {
        Replicate R;
        SimStatus st = replicate_init(&R, &c->p, c->sc->parks, P, (uint32_t)r, &c->out);
        if (st != SIM_OK) {
            c->st = st;
            snprintf(c->err, sizeof c->err, "replicate %d: %s", r, st == SIM_ENOMEM ? "out of memory" : R.err.msg);
        }
        replicate_free(&R);
        for (int k = 0; k < P; k++) {
            const double *m = &c->out.indicator[k * METRIC_COUNT];
            double n = m[METRIC_FIRMS], na = m[METRIC_ABOVE_SCALE_SHARE] * n;
            firms += n;
            above += na;
            digital += m[METRIC_DIGITAL_COVERAGE] * na;
            innov += m[METRIC_INNOVATIVE_SHARE] * n;
            spec += m[METRIC_SPECIALISED_SHARE] * n;
            giant += m[METRIC_LITTLE_GIANTS] / 100.0 * n;
        }
        if (keep) {
            memcpy(&c->metrics[(size_t)r * P * METRIC_COUNT], c->out.indicator, (size_t)P * METRIC_COUNT * sizeof(double));
            /* The veto flags of the initial assessment stand for its serious incidents. */
            for (int k = 0; k < P; k++) c->serious[(size_t)r * P + k] = c->out.veto[k];
        }
    }
    s.above = firms > 0 ? above / firms : 0;
    s.coverage = above > 0 ? digital / above : 0;
    /* Published counts are of firms holding each title: tiers taken exclusively. */
    s.ratio_spec = giant > 0 ? (spec - giant) / giant : INFINITY;
    s.ratio_innov = giant > 0 ? (innov - spec) / giant : INFINITY;
    return s;
}

/* Mean yearly growth of aggregate park revenue over the run, averaged over
 * replicates, and the pooled exit rate (exits per firm-year), from one set
 * of runs. */
static void run_stats(Cal *c, double *growth_out, double *exit_out)
{
    int P = c->sc->n_parks, Y = c->p.run.years, T = params_months(&c->p);
    double sum = 0, exits = 0, firm_months = 0;
    *growth_out = *exit_out = NAN;
    for (int r = 0; r < c->n && c->st == SIM_OK; r++) {
        ErrBuf eb = {""};
        SimStatus st = replicate_run(&c->p, c->sc->parks, P, (uint32_t)r, &c->out, &eb);
        if (st != SIM_OK) snprintf(c->err, sizeof c->err, "%s", eb.msg);
        if (st != SIM_OK) {
            c->st = st;
            return;
        }
        double r0 = 0, rY = 0;
        for (int k = 0; k < P; k++) {
            r0 += c->out.indicator[k * METRIC_COUNT + METRIC_REVENUE];
            rY += c->out.indicator[((size_t)Y * P + k) * METRIC_COUNT + METRIC_REVENUE];
        }
        sum += pow(rY / r0, 1.0 / Y) - 1.0;
        /* firms at risk in month t: those at the end of month t-1 (the initial count for t = 0) */
        for (int t = 0; t < T; t++)
            for (int k = 0; k < P; k++) {
                exits += c->out.m_exits[t * P + k];
                firm_months += t ? c->out.m_firms[(t - 1) * P + k] : c->sc->parks[k].firms;
            }
    }
    *growth_out = sum / c->n;
    *exit_out = exits / (firm_months / 12.0);
}

static double growth(Cal *c) { double g, e; run_stats(c, &g, &e); return g; }
static double exit_share(Cal *c) { double g, e; run_stats(c, &g, &e); return e; }

typedef double (*Objective)(Cal *c, double x);

static double f_above(Cal *c, double x) { c->p.population.size_sigma = x; return init_stats(c, 0).above; }
static double f_coverage(Cal *c, double x) { c->p.population.tech_mean = x; return init_stats(c, 0).coverage; }
static double f_growth(Cal *c, double x) { c->p.firm.growth_drift = x; return growth(c); }
static double f_exit(Cal *c, double x) { c->p.firm.exit_rate = x; return exit_share(c); }

/* Mean tier counts over the kept initial-state metrics for thresholds t1, t2,
 * and (if at_or_above) per park the share of replicates at or above its
 * verified tier (parks without one: 0), or at or above want[k] if given. */
static void tier_counts_want(Cal *c, double t1, double t2, double *n1, double *n2, double *at_or_above, const int *want);
static void tier_counts(Cal *c, double t1, double t2, double *n1, double *n2, double *at_or_above)
{
    tier_counts_want(c, t1, t2, n1, n2, at_or_above, NULL);
}

static void tier_counts_want(Cal *c, double t1, double t2, double *n1, double *n2, double *at_or_above, const int *want)
{
    int P = c->sc->n_parks, G = c->p.assessment.n_groups;
    AssessParams a = c->p.assessment;
    a.tier1_min = t1;
    a.tier2_min = t2;
    double *score = malloc((size_t)P * sizeof *score), *group = malloc((size_t)P * G * sizeof *group),
           *work = malloc((size_t)P * sizeof *work);
    int8_t *tier = malloc((size_t)P), *veto = malloc((size_t)P);
    int *smart = malloc((size_t)P * sizeof *smart);
    long c1 = 0, c2 = 0;
    if (at_or_above)
        for (int k = 0; k < P; k++) at_or_above[k] = 0;
    if (score && group && work && tier && veto && smart) {
        for (int k = 0; k < P; k++) smart[k] = c->sc->parks[k].smart_level;
        for (int r = 0; r < c->n; r++) {
            c1 += assess_parks(&a, P, smart, &c->metrics[(size_t)r * P * METRIC_COUNT], &c->serious[(size_t)r * P],
                               score, tier, veto, group, work);
            for (int k = 0; k < P; k++) {
                c2 += tier[k] == 2;
                int v = want ? want[k] : c->sc->parks[k].tier_2025;
                if (at_or_above && v) at_or_above[k] += (tier[k] <= v) / (double)c->n;
            }
        }
    } else if (c->st == SIM_OK) {
        c->st = SIM_ENOMEM;
        snprintf(c->err, sizeof c->err, "out of memory");
    }
    free(score); free(group); free(work); free(tier); free(veto); free(smart);
    *n1 = (double)c1 / c->n;
    *n2 = (double)c2 / c->n;
}

/* Share of replicates in which park c->fact_park is at or above its verified
 * tier, with that tier's cut-off at x. */
static double fact_share(Cal *c, double x)
{
    int P = c->sc->n_parks, v = c->sc->parks[c->fact_park].tier_2025;
    double a, b, *share = malloc((size_t)P * sizeof *share);
    if (!share) {
        if (c->st == SIM_OK) c->st = SIM_ENOMEM;
        return 0;
    }
    tier_counts(c, v == 1 ? x : c->p.assessment.tier1_min, v == 2 ? x : c->p.assessment.tier2_min, &a, &b, share);
    double f = share[c->fact_park];
    free(share);
    return f;
}

static double f_tier1(Cal *c, double x) { double a, b; tier_counts(c, x, 0, &a, &b, NULL); return a; }
static double f_tier2(Cal *c, double x) { double a, b; tier_counts(c, c->t1, x, &a, &b, NULL); return b; }

/* Find x in [lo, hi] with f(x) within tol of target (f monotone, either
 * direction). Illinois regula falsi; for step functions (the tier counts)
 * it ends at the jump, and the side closer to the target is returned.
 * Returns 0 if the target is outside f's range on the bracket. */
static int solve(Cal *c, Objective f, double lo, double hi, double target, double tol, double *x_out, double *f_out)
{
    *x_out = lo, *f_out = NAN; /* what a failed evaluation leaves */
    double flo = f(c, lo) - target, fhi = f(c, hi) - target;
    if (c->st != SIM_OK) return 0;
    if (fabs(flo) <= tol || fabs(fhi) <= tol || (flo > 0) == (fhi > 0)) {
        int pick_lo = fabs(flo) <= fabs(fhi);
        *x_out = pick_lo ? lo : hi;
        *f_out = (pick_lo ? flo : fhi) + target;
        return fabs(*f_out - target) <= tol;
    }
    int side = 0;
    for (int it = 0; it < 80 && c->st == SIM_OK; it++) {
        double x = (lo * fhi - hi * flo) / (fhi - flo);
        if (!(x > fmin(lo, hi) && x < fmax(lo, hi)) || fabs(fhi - flo) < 1e-300) x = 0.5 * (lo + hi);
        if (it % 4 == 3) x = 0.5 * (lo + hi); /* bisection now and then: step functions stall regula falsi */
        double fx = f(c, x) - target;
        if (fabs(fx) <= tol) { *x_out = x; *f_out = fx + target; return 1; }
        if ((fx > 0) == (fhi > 0)) {
            hi = x; fhi = fx;
            if (side == 1) flo /= 2;
            side = 1;
        } else {
            lo = x; flo = fx;
            if (side == -1) fhi /= 2;
            side = -1;
        }
        if (fabs(hi - lo) < 1e-9 * (1 + fabs(lo))) break;
    }
    /* The bracket has shrunk onto a jump: take the closer side. */
    double a = f(c, lo) - target, b = f(c, hi) - target;
    int pick_lo = fabs(a) <= fabs(b);
    *x_out = pick_lo ? lo : hi;
    *f_out = (pick_lo ? a : b) + target;
    return fabs(*f_out - target) <= tol;
}

/* ok: 1 met, 0 not met, 2 an assumed count given up for a verified park fact. */
typedef struct { char what[40]; const char *param; double target, achieved, tol, value; int ok, fitted; } Row;

static void print_row(const Row *r)
{
    char val[32];
    if (r->fitted) snprintf(val, sizeof val, "%.6g", r->value);
    else snprintf(val, sizeof val, "-");
    printf("%-34s %9.4g %9.4g %9.4g  %-26s %10s  %s\n", r->what, r->target, r->achieved, r->tol, r->param, val,
           r->ok == 2 ? "override" : r->ok ? "ok" : "NOT MET");
}

/* Write the fitted overlay atomically: a temporary file beside it, renamed. */
static SimStatus write_fitted(const char *path, const char *scenario, const Cal *c, int force)
{
    if (!force && access(path, F_OK) == 0)
        return sim_fail(SIM_EEXIST, "%s exists; use --force to replace it", path);
    /* `base:` is relative to the overlay's directory: name the scenario by
     * its absolute path unless both sit in the same directory. */
    char base[PATH_MAX], sdir[PATH_MAX], odir[PATH_MAX];
    const char *ss = strrchr(scenario, '/');
    path_dir(scenario, sdir, sizeof sdir);
    path_dir(path, odir, sizeof odir);
    char rs[PATH_MAX], ro[PATH_MAX];
    if (realpath(sdir, rs) && realpath(odir, ro) && !strcmp(rs, ro)) snprintf(base, sizeof base, "%s", ss ? ss + 1 : scenario);
    else if (!realpath(scenario, base)) snprintf(base, sizeof base, "%s", scenario);

    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return sim_fail(SIM_EIO, "cannot write %s: %s", tmp, strerror(errno));
    const Params *p = &c->p;
    int w = fprintf(f,
                    "# Fitted by `parksim calibrate %s` over %d replicates (seed %llu).\n"
                    "# Use it as a scenario, or as the base of one.\n"
                    "base: \"%s\"\n"
                    "population:\n  size_sigma: %.9g\n  tech_mean: %.9g\n"
                    "firm:\n  growth_drift: %.9g\n  exit_rate: %.9g\n"
                    "assessment:\n  tier1_min: %.9g\n  tier2_min: %.9g\n",
                    scenario, c->n, (unsigned long long)p->run.seed, base, p->population.size_sigma,
                    p->population.tech_mean, p->firm.growth_drift, p->firm.exit_rate, p->assessment.tier1_min, p->assessment.tier2_min);
    if (w < 0 || fclose(f) != 0) {
        int e = errno;
        remove(tmp);
        return sim_fail(SIM_EIO, "cannot write %s: %s", tmp, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return sim_fail(SIM_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(e));
    }
    return SIM_OK;
}

/* Steps 4-6: the tier cut-offs of c->p to the 2025 tier counts of
 * c->p.calibration, then lowered where a park's verified tier asks for it.
 * Verified park ratings come before the assumed counts: where a park with a
 * verified tier reaches it in too few replicates, that tier's cut-off is
 * lowered until it does, and the count row says the count was given up for
 * the fact. Writes its report rows to rows (room for 2 + CAL_MAX_FACTS) and
 * returns how many. */
static int fit_cutoffs(Cal *c, Row *rows)
{
    const Scenario *sc = c->sc;
    const Params *cal = &c->p;
    int nr = 0, ok;
    double x, fx, tol = cal->calibration.tier_tol;
    ok = solve(c, f_tier1, 0.0, 100.0, cal->calibration.tier1_parks, tol, &x, &fx);
    c->p.assessment.tier1_min = c->t1 = x;
    rows[nr++] = (Row){"first-tier parks, 2025", "assessment.tier1_min", cal->calibration.tier1_parks, fx, tol, x, ok, 1};

    ok = solve(c, f_tier2, 0.0, c->p.assessment.tier1_min, cal->calibration.tier2_parks, tol, &x, &fx);
    c->p.assessment.tier2_min = x;
    rows[nr++] = (Row){"second-tier parks, 2025", "assessment.tier2_min", cal->calibration.tier2_parks, fx, tol, x, ok, 1};

    int n_facts = 0;
    for (int k = 0; k < sc->n_parks && c->st == SIM_OK; k++) {
        int v = sc->parks[k].tier_2025;
        if (!v) continue;
        if (n_facts == CAL_MAX_FACTS) {
            sim_warn("more than %d parks with a verified tier: only the first %d are matched", CAL_MAX_FACTS, CAL_MAX_FACTS);
            break;
        }
        n_facts++;
        c->fact_park = k;
        double want = cal->calibration.park_fact_share;
        Row r = {"", v == 1 ? "assessment.tier1_min" : v == 2 ? "assessment.tier2_min" : "-", want, 0, 0, NAN, 0, 0};
        snprintf(r.what, sizeof r.what, "%.24s at tier <= %d, 2025", sc->parks[k].code, v);
        double cut = v == 1 ? c->p.assessment.tier1_min : c->p.assessment.tier2_min;
        r.achieved = v == 3 ? 1.0 : fact_share(c, cut);
        r.ok = r.achieved >= want;
        if (!r.ok && v < 3) {
            /* The share rises as the cut-off falls: the highest cut-off that meets it. */
            double lo = 0, hi = cut;
            r.ok = fact_share(c, lo) >= want;
            for (int it = 0; it < 60 && r.ok && c->st == SIM_OK; it++) {
                double mid = 0.5 * (lo + hi);
                if (fact_share(c, mid) >= want) lo = mid;
                else hi = mid;
            }
            if (r.ok) {
                if (v == 1) c->p.assessment.tier1_min = lo;
                else c->p.assessment.tier2_min = lo;
                r.achieved = fact_share(c, lo);
                r.value = lo;
                r.fitted = 1;
                Row *count = &rows[v == 1 ? 0 : 1];
                double n1, n2;
                tier_counts(c, c->p.assessment.tier1_min, c->p.assessment.tier2_min, &n1, &n2, NULL);
                count->achieved = v == 1 ? n1 : n2;
                count->value = lo;
                if (fabs(count->achieved - count->target) > count->tol) count->ok = 2;
            }
        }
        rows[nr++] = r;
    }
    return nr;
}

SimStatus calibrate_run(const Scenario *sc, const char *scenario_path, const char *out_path, int force, int *all_met)
{
    Cal c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.p = sc->p;
    c.n = sc->p.calibration.replicates;
    *all_met = 0;
    int P = sc->n_parks;
    if (out_path && !force && access(out_path, F_OK) == 0)
        return sim_fail(SIM_EEXIST, "%s exists; use --force to replace it", out_path);
    for (int id = 0; id < LEVER_COUNT; id++)
        if (lever_params(&c.p, (LeverId)id)->intensity > 0)
            sim_warn("lever %s is on: calibration targets describe the no-policy baseline", lever_name(id));
    if (replicate_out_alloc(&c.out, &c.p, P, 1) != SIM_OK ||
        !(c.metrics = malloc((size_t)c.n * P * METRIC_COUNT * sizeof *c.metrics)) ||
        !(c.serious = malloc((size_t)c.n * P * sizeof *c.serious))) {
        free(c.metrics);
        free(c.serious);
        replicate_out_free(&c.out);
        return sim_fail(SIM_ENOMEM, "out of memory for %d calibration replicates", c.n);
    }
    printf("parksim calibrate: %s, %d parks, %d replicates, seed %llu\n\n", scenario_path, P, c.n,
           (unsigned long long)c.p.run.seed);
    printf("%-34s %9s %9s %9s  %-26s %10s  %s\n", "quantity", "target", "achieved", "tolerance", "fitted parameter",
           "value", "status");

    Row rows[8 + CAL_MAX_FACTS];
    int nr = 0;
    double x, fx;
    int ok;

    ok = solve(&c, f_above, 0.05, 4.0, sc->p.calibration.above_scale_share, sc->p.calibration.share_tol / 4, &x, &fx) ||
         fabs(fx - sc->p.calibration.above_scale_share) <= sc->p.calibration.share_tol;
    c.p.population.size_sigma = x;
    rows[nr++] = (Row){"above-scale share, 2025", "population.size_sigma", sc->p.calibration.above_scale_share, fx, sc->p.calibration.share_tol, x, ok, 1};

    ok = solve(&c, f_coverage, 0.0, 1.0, sc->p.calibration.digital_coverage, sc->p.calibration.coverage_tol / 4, &x, &fx) ||
         fabs(fx - sc->p.calibration.digital_coverage) <= sc->p.calibration.coverage_tol;
    c.p.population.tech_mean = x;
    rows[nr++] = (Row){"digital coverage, 2025", "population.tech_mean", sc->p.calibration.digital_coverage, fx, sc->p.calibration.coverage_tol, x, ok, 1};

    InitStats s = init_stats(&c, 1);
    double rs = fabs(s.ratio_spec / sc->p.calibration.ratio_specialised - 1), ri = fabs(s.ratio_innov / sc->p.calibration.ratio_innovative - 1);
    rows[nr++] = (Row){"specialised SMEs per little giant", "(population.*_share)", sc->p.calibration.ratio_specialised, s.ratio_spec, sc->p.calibration.ratio_tol, 0, rs <= sc->p.calibration.ratio_tol, 0};
    rows[nr++] = (Row){"innovative SMEs per little giant", "(population.*_share)", sc->p.calibration.ratio_innovative, s.ratio_innov, sc->p.calibration.ratio_tol, 0, ri <= sc->p.calibration.ratio_tol, 0};

    /* Exits and growth depend on each other (small firms that shrink below
     * firm.exit_min_revenue leave; exits and entrants move aggregate growth):
     * two alternating rounds; the second starts next to the answer. */
    double cg = sc->p.calibration.growth, tg = sc->p.calibration.growth_tol;
    double ce = sc->p.calibration.exit_rate, te = sc->p.calibration.exit_tol;
    int ok_e = 0, ok_g = 0;
    double xe = c.p.firm.exit_rate, fe = NAN, xg = c.p.firm.growth_drift, fg = NAN;
    for (int round = 0; round < 2 && c.st == SIM_OK; round++) {
        ok_e = solve(&c, f_exit, 0.0, 0.5, ce, te / 4, &xe, &fe) || fabs(fe - ce) <= te;
        c.p.firm.exit_rate = xe;
        ok_g = solve(&c, f_growth, -0.3, 0.4, cg, tg / 4, &xg, &fg) || fabs(fg - cg) <= tg;
        c.p.firm.growth_drift = xg;
    }
    /* Report both at the final pair of values. */
    if (c.st == SIM_OK) {
        run_stats(&c, &fg, &fe);
        ok_e = fabs(fe - ce) <= te;
        ok_g = fabs(fg - cg) <= tg;
    }
    rows[nr++] = (Row){"exits per firm-year", "firm.exit_rate", ce, fe, te, xe, ok_e, 1};
    rows[nr++] = (Row){"aggregate revenue growth per year", "firm.growth_drift", cg, fg, tg, xg, ok_g, 1};

    nr += fit_cutoffs(&c, &rows[nr]);

    SimStatus st = c.st;
    if (st != SIM_OK) sim_error("calibration failed: %s", c.err);
    int met = 1;
    for (int i = 0; i < nr && st == SIM_OK; i++) {
        print_row(&rows[i]);
        met &= rows[i].ok != 0;
    }
    if (st == SIM_OK) {
        printf("\n%s\n", met ? "every target met within its tolerance"
                             : "some targets NOT met: see the rows above (the parameter is at the best value found)");
        /* For a third column: how the fitted scenario places the parks. */
        double n1, n2;
        tier_counts(&c, c.p.assessment.tier1_min, c.p.assessment.tier2_min, &n1, &n2, NULL);
        printf("fitted initial tiers: %.2f first, %.2f second, %.2f third (mean over replicates)\n", n1, n2, P - n1 - n2);
        if (out_path && (st = write_fitted(out_path, scenario_path, &c, force)) == SIM_OK)
            printf("wrote %s\n", out_path);
        *all_met = met;
    }
    free(c.metrics);
    free(c.serious);
    replicate_out_free(&c.out);
    return st;
}

/* ---------------------------------------------------------------- refit per draw */

struct CutoffFit { Cal c; };

SimStatus cutoff_fit_new(CutoffFit **out, const Scenario *sc, const Params *p)
{
    CutoffFit *f = *out = calloc(1, sizeof *f);
    if (!f) return sim_fail(SIM_ENOMEM, "out of memory");
    Cal *c = &f->c;
    c->sc = sc;
    c->p = *p;
    c->n = p->calibration.replicates;
    int P = sc->n_parks;
    if (replicate_out_alloc(&c->out, &c->p, P, 1) != SIM_OK ||
        !(c->metrics = malloc((size_t)c->n * P * METRIC_COUNT * sizeof *c->metrics)) ||
        !(c->serious = malloc((size_t)c->n * P * sizeof *c->serious)))
        return sim_fail(SIM_ENOMEM, "out of memory for %d calibration replicates", c->n);
    init_stats(c, 1);
    if (c->st != SIM_OK) return sim_fail(c->st, "the 2025 state for refitting the tier cut-offs: %s", c->err);
    return SIM_OK;
}

int cutoff_fit(CutoffFit *f, Params *p, int reinit, double *n1, double *n2)
{
    Cal *c = &f->c;
    Row rows[2 + CAL_MAX_FACTS];
    if (reinit) { /* the draw changes the 2025 state itself: recompute it with the draw's parameters */
        c->p = *p;
        c->p.calibration.replicates = c->n;
        init_stats(c, 1);
        if (c->st != SIM_OK) {
            sim_error("the 2025 state of a draw, for refitting the tier cut-offs: %s", c->err);
            return -1;
        }
    }
    c->p.assessment = p->assessment;
    c->p.calibration = p->calibration;
    int nr = fit_cutoffs(c, rows);
    p->assessment.tier1_min = c->p.assessment.tier1_min;
    p->assessment.tier2_min = c->p.assessment.tier2_min;
    if (c->st != SIM_OK) {
        sim_error("refitting the tier cut-offs: %s", c->err);
        return -1;
    }
    tier_counts(c, p->assessment.tier1_min, p->assessment.tier2_min, n1, n2, NULL);
    int ok = 1;
    for (int i = 0; i < nr; i++) ok &= rows[i].ok != 0;
    return ok;
}

void cutoff_fit_free(CutoffFit *f)
{
    if (!f) return;
    free(f->c.metrics);
    free(f->c.serious);
    replicate_out_free(&f->c.out);
    free(f);
}

/* ---------------------------------------------------------------- summaries for ABC */

SimStatus calibrate_summaries(const Scenario *sc, const Params *p, int n, const int *want, double *out, double *share)
{
    Cal c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.p = *p;
    c.n = n;
    int P = sc->n_parks;
    SimStatus st = SIM_OK;
    if (replicate_out_alloc(&c.out, &c.p, P, 1) != SIM_OK ||
        !(c.metrics = malloc((size_t)n * P * METRIC_COUNT * sizeof *c.metrics)) ||
        !(c.serious = malloc((size_t)n * P * sizeof *c.serious)))
        st = sim_fail(SIM_ENOMEM, "out of memory for %d replicates", n);
    if (st == SIM_OK) {
        InitStats s = init_stats(&c, 1);
        out[CAL_S_ABOVE] = s.above;
        out[CAL_S_COVERAGE] = s.coverage;
        out[CAL_S_RATIO_SPEC] = s.ratio_spec;
        out[CAL_S_RATIO_INNOV] = s.ratio_innov;
        if (c.st == SIM_OK)
            tier_counts_want(&c, p->assessment.tier1_min, p->assessment.tier2_min, &out[CAL_S_TIER1], &out[CAL_S_TIER2],
                             share, want);
        if (c.st == SIM_OK) run_stats(&c, &out[CAL_S_GROWTH], &out[CAL_S_EXIT]);
        if (c.st != SIM_OK) st = sim_fail(c.st, "simulation: %s", c.err);
    }
    free(c.metrics);
    free(c.serious);
    replicate_out_free(&c.out);
    return st;
}
