/* Priors (sim/prior.c): each family's draws against its analytic moments
 * and bounds (truncated where bounded), the Dirichlet's sum, the choice's
 * frequencies, the keyed prior design, and every refusal of a bad priors
 * file with file:line:column and key. */
#include "config_fixtures.h"
#include "../sim/design.h"
#include "../sim/prior.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#define NDRAW 20000

static Params base;

/* The tiny scenario's Params: the base every priors file is checked against. */
static int load_base(void)
{
    Scenario sc;
    const char *p = put("s.yaml", PARKS_LINES);
    cap_begin();
    SimStatus st = config_load(&sc, p, NULL, 0);
    cap_end();
    if (st != SIM_OK) return 0;
    base = sc.p;
    config_free(&sc);
    return 1;
}

/* Draw NDRAW points of the priors in `text` with the prior design; x[NDRAW][k]. */
static double *draw(const char *text, Priors *pr)
{
    const char *path = put("p.yaml", text);
    cap_begin();
    SimStatus st = prior_load(pr, path, &base);
    cap_end();
    if (!ok(st == SIM_OK, "priors load")) { show(errtext); return NULL; }
    int k = pr->n_inputs;
    double *u = malloc((size_t)NDRAW * k * sizeof *u), *x = malloc((size_t)NDRAW * k * sizeof *x);
    char err[256];
    design_fill(DESIGN_PRIOR, k, NDRAW, NULL, 12345, u, err, sizeof err);
    for (int i = 0; i < NDRAW; i++) prior_transform(pr, &u[(size_t)i * k], &x[(size_t)i * k]);
    free(u);
    return x;
}

/* Column c of x against mean mu and variance var: within 4 se each (the se of
 * the variance from the sample's fourth central moment), and inside [lo, hi]. */
static void check_moments(const double *x, int k, int c, double mu, double var, double lo, double hi, const char *what)
{
    double s = 0, inside = 1;
    for (int i = 0; i < NDRAW; i++) {
        double v = x[(size_t)i * k + c];
        s += v;
        if (!(v >= lo && v <= hi)) inside = 0;
    }
    double m = s / NDRAW, s2 = 0, s4 = 0;
    for (int i = 0; i < NDRAW; i++) {
        double d = x[(size_t)i * k + c] - m;
        s2 += d * d, s4 += d * d * d * d;
    }
    double v2 = s2 / (NDRAW - 1), m4 = s4 / NDRAW;
    double se_m = sqrt(var / NDRAW), se_v = sqrt((m4 - v2 * v2) / NDRAW);
    ok(fabs(m - mu) < 4 * se_m, "%s: mean %.6g within 4 se (%.3g) of %.6g", what, m, se_m, mu);
    ok(fabs(v2 - var) < 4 * se_v, "%s: variance %.6g within 4 se (%.3g) of %.6g", what, v2, se_v, var);
    ok(inside, "%s: every draw inside [%g, %g]", what, lo, hi);
}

#define RS "  reason: r\n  source: s\n"

static void test_uniform(void)
{
    Priors pr;
    double *x = draw("priors:\n- key: mergers.synergy\n  dist: uniform\n  min: 0.02\n  max: 0.2\n" RS, &pr);
    if (!x) return;
    check_moments(x, 1, 0, 0.11, 0.18 * 0.18 / 12, 0.02, 0.2, "uniform(0.02, 0.2)");
    free(x), prior_free(&pr);
}

static void test_truncated_normal(void)
{
    /* N(0.1, 0.05) on [0.05, 0.3]: alpha = -1, beta = 4 */
    Priors pr;
    double *x = draw("priors:\n- key: firm.upgrade_rate\n  dist: normal\n  mean: 0.1\n  sd: 0.05\n  min: 0.05\n"
                     "  max: 0.3\n" RS, &pr);
    if (!x) return;
    double a = -1, b = 4, Z = gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    double pa = gsl_ran_ugaussian_pdf(a), pb = gsl_ran_ugaussian_pdf(b);
    double mu = 0.1 + 0.05 * (pa - pb) / Z;
    double var = 0.05 * 0.05 * (1 + (a * pa - b * pb) / Z - ((pa - pb) / Z) * ((pa - pb) / Z));
    check_moments(x, 1, 0, mu, var, 0.05, 0.3, "normal(0.1, 0.05) on [0.05, 0.3]");
    free(x), prior_free(&pr);
}

static void test_truncated_lognormal(void)
{
    /* ln X ~ N(ln 0.5, 0.4) on [0.3, 2] */
    Priors pr;
    double *x = draw("priors:\n- key: levers.upgrades.rate_max\n  dist: lognormal\n  median: 0.5\n  sigma: 0.4\n"
                     "  min: 0.3\n  max: 2\n" RS, &pr);
    if (!x) return;
    double mu = log(0.5), s = 0.4, la = log(0.3), lb = log(2);
    double Z = gsl_cdf_ugaussian_P((lb - mu) / s) - gsl_cdf_ugaussian_P((la - mu) / s);
    double m1 = exp(mu + s * s / 2) * (gsl_cdf_ugaussian_P((lb - mu - s * s) / s) - gsl_cdf_ugaussian_P((la - mu - s * s) / s)) / Z;
    double m2 = exp(2 * mu + 2 * s * s) *
                (gsl_cdf_ugaussian_P((lb - mu - 2 * s * s) / s) - gsl_cdf_ugaussian_P((la - mu - 2 * s * s) / s)) / Z;
    check_moments(x, 1, 0, m1, m2 - m1 * m1, 0.3, 2, "lognormal(median 0.5, sigma 0.4) on [0.3, 2]");
    free(x), prior_free(&pr);
}

static void test_scaled_beta(void)
{
    Priors pr;
    double *x = draw("priors:\n- key: smart.coverage_improved\n  dist: beta\n  a: 2\n  b: 5\n  min: 0.4\n  max: 0.8\n" RS,
                     &pr);
    if (!x) return;
    double a = 2, b = 5, w = 0.4;
    check_moments(x, 1, 0, 0.4 + w * a / (a + b), w * w * a * b / ((a + b) * (a + b) * (a + b + 1)), 0.4, 0.8,
                  "beta(2, 5) on [0.4, 0.8]");
    free(x), prior_free(&pr);
}

static void test_dirichlet(void)
{
    Priors pr;
    double *x = draw("priors:\n- keys: [assessment.groups.economy.weight, assessment.groups.chain.weight,\n"
                     "         assessment.groups.innovation.weight, assessment.groups.safety.weight,\n"
                     "         assessment.groups.green.weight, assessment.groups.smart.weight]\n"
                     "  dist: dirichlet\n  alpha: [5, 3, 3, 3, 3, 3]\n" RS, &pr);
    if (!x) return;
    /* the weights as prior_apply sets them */
    double *w = malloc((size_t)NDRAW * 6 * sizeof *w), worst = 0;
    for (int i = 0; i < NDRAW; i++) {
        Params p = base;
        prior_apply(&pr, &x[(size_t)i * 6], &p);
        double s = 0;
        for (int g = 0; g < 6; g++) s += w[(size_t)i * 6 + g] = p.assessment.group[g].weight;
        if (fabs(s - 1) > worst) worst = fabs(s - 1);
    }
    ok(worst <= 4 * 2.2e-16, "dirichlet: every draw's weights sum to 1 within 4 ulps (worst %.3g)", worst);
    double a0 = 20;
    check_moments(w, 6, 0, 5 / a0, 5 * (a0 - 5) / (a0 * a0 * (a0 + 1)), 0, 1, "dirichlet: economy weight");
    check_moments(w, 6, 3, 3 / a0, 3 * (a0 - 3) / (a0 * a0 * (a0 + 1)), 0, 1, "dirichlet: safety weight");
    free(w), free(x), prior_free(&pr);
}

static void test_choice(void)
{
    Priors pr;
    double *x = draw("priors:\n- key: assessment.tier1_min_smart_level\n  dist: choice\n  values: [0, 1, 2]\n"
                     "  probs: [0.2, 0.5, 0.3]\n" RS, &pr);
    if (!x) return;
    int c[3] = {0, 0, 0}, other = 0;
    for (int i = 0; i < NDRAW; i++) {
        double v = x[i];
        if (v == 0 || v == 1 || v == 2) c[(int)v]++;
        else other++;
    }
    double p[3] = {0.2, 0.5, 0.3};
    int good = other == 0;
    for (int j = 0; j < 3; j++) good &= fabs((double)c[j] / NDRAW - p[j]) < 4 * sqrt(p[j] * (1 - p[j]) / NDRAW);
    ok(good, "choice: frequencies %d %d %d of %d within 4 se of 0.2 0.5 0.3, no other value", c[0], c[1], c[2], NDRAW);
    Params q = base;
    double one = 2;
    prior_apply(&pr, &one, &q);
    is_int(q.assessment.tier1_min_smart_level, 2, "choice: the value is set into the whole-number key");
    free(x), prior_free(&pr);
}

static void test_band_end(void)
{
    /* the default scheme's revenue_per_mu band is linear 100 .. 600 */
    Priors pr;
    double *x = draw("priors:\n- key: assessment.groups.economy.revenue_per_mu.hi\n  dist: uniform\n  min: 400\n"
                     "  max: 900\n" RS, &pr);
    if (!x) return;
    check_moments(x, 1, 0, 650, 500.0 * 500 / 12, 400, 900, "band end uniform(400, 900)");
    Params q = base;
    double v = 777;
    prior_apply(&pr, &v, &q);
    double got;
    ok(prior_get_key(&q, "assessment.groups.economy.revenue_per_mu.hi", &got) == 0 && got == 777 &&
           q.assessment.group[0].ind[1].hi == 777 && q.assessment.group[0].ind[1].lo == 100,
       "band end: the draw sets the indicator's hi and nothing else");
    free(x), prior_free(&pr);
}

static void test_prior_design_keyed(void)
{
    /* draw d is the same whatever the number of draws; another seed differs */
    double a[5 * 3], b[9 * 3], c[5 * 3];
    char err[128];
    design_fill(DESIGN_PRIOR, 3, 5, NULL, 7, a, err, sizeof err);
    design_fill(DESIGN_PRIOR, 3, 9, NULL, 7, b, err, sizeof err);
    design_fill(DESIGN_PRIOR, 3, 5, NULL, 8, c, err, sizeof err);
    ok(!memcmp(a, b, sizeof a), "prior design: the first 5 draws of 9 are the 5 draws of 5");
    ok(memcmp(a, c, sizeof a) != 0, "prior design: another seed gives other draws");
    int inside = 1;
    for (int i = 0; i < 15; i++) inside &= a[i] > 0 && a[i] < 1;
    ok(inside, "prior design: every coordinate in (0, 1)");
}

/* A bad file: SIM_ECONFIG and the message at file:line:column with the key. */
static void bad(const char *name, const char *text, const char *pattern, const char *what)
{
    Priors pr;
    const char *path = put(name, text);
    cap_begin();
    SimStatus st = prior_load(&pr, path, &base);
    cap_end();
    is_int(st, SIM_ECONFIG, "%s: refused", what);
    says(pattern, what);
    prior_free(&pr);
}

/* A prior on a key the 2025 state reads makes a refit recompute that state per draw. */
static void test_reinit(void)
{
    static const struct { const char *key, *range; int reinit; } c[] = {
        {"firm.serious_share", "  min: 0.02\n  max: 0.2\n", 1},
        {"safety.infra_s", "  min: 0.1\n  max: 0.5\n", 1},
        {"population.tail_share", "  min: 0.05\n  max: 0.2\n", 1},
        {"cultivation.rd_min.specialised", "  min: 0.02\n  max: 0.04\n", 1},
        {"levers.upgrades.rate_max", "  min: 0.2\n  max: 1\n", 0},
        {"land.clear_rate", "  min: 0.1\n  max: 0.4\n", 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char text[512], name[32];
        snprintf(text, sizeof text, "priors:\n- key: %s\n  dist: uniform\n%s" RS, c[i].key, c[i].range);
        snprintf(name, sizeof name, "r%zu.yaml", i);
        Priors pr;
        cap_begin();
        SimStatus st = prior_load(&pr, put(name, text), &base);
        cap_end();
        ok(st == SIM_OK && pr.refit == 1 && pr.reinit == c[i].reinit, "%s under refit: accepted, the 2025 state %s",
           c[i].key, c[i].reinit ? "recomputed per draw" : "computed once");
        prior_free(&pr);
    }
}

static void test_refusals(void)
{
    bad("b1.yaml", "priors:\n- key: mergers.synergy\n  dist: uniform\n  min: 0\n  max: 1.5\n" RS,
        "{D}/b1.yaml:5:8: mergers.synergy: bounds [0, 1.5] leave the key's valid range [0, 1]", "bounds outside the range");
    bad("b3.yaml", "priors:\n- keys: [firm.serious_share, firm.exit_rate]\n  dist: dirichlet\n  alpha: [1, 1]\n" RS,
        "{D}/b3.yaml:2:10: firm.serious_share: a dirichlet prior is for the assessment group weights",
        "dirichlet over keys that are not a weight vector");
    bad("b4.yaml", "priors:\n- keys: [assessment.groups.economy.weight, assessment.groups.chain.weight]\n"
                   "  dist: dirichlet\n  alpha: [1, 1]\n" RS,
        "{D}/b4.yaml:2:3: assessment.groups.economy.weight: a dirichlet over the group weights must list every group's weight (6 groups), not 2 keys",
        "dirichlet over part of the weight vector");
    bad("b5.yaml", "priors:\n- key: assessment.tier1_min_smart_level\n  dist: choice\n  values: [0, 1]\n"
                   "  probs: [0.5, 0.6]\n" RS,
        "{D}/b5.yaml:5:10: assessment.tier1_min_smart_level: the probabilities sum to 1.1, not 1",
        "probabilities not summing to one");
    bad("b6.yaml", "priors:\n- key: firm.upgrade_rate\n  dist: normal\n  mean: 0.1\n  sd: -1\n" RS,
        "{D}/b6.yaml:5:7: firm.upgrade_rate: sd -1 must be above 0", "bad parameter");
    bad("b7.yaml", "priors:\n- key: firm.upgrade_rate\n  dist: uniform\n  min: 0\n  max: 0.5\n  source: s\n",
        "{D}/b7.yaml:2:3: firm.upgrade_rate: 'reason' is required", "missing reason");
    bad("b8.yaml", "priors:\n- key: firm.upgrade_rate\n  dist: normal\n  mena: 0.1\n  sd: 1\n" RS,
        "{D}/b8.yaml:4:3: priors.0: unknown key 'mena'", "unknown field");
    bad("b9.yaml", "priors:\n- key: assessment.tier1_min_smart_level\n  dist: uniform\n  min: 0\n  max: 2\n" RS,
        "{D}/b9.yaml:2:8: assessment.tier1_min_smart_level: a whole-number key takes 'dist: choice'",
        "continuous prior on a whole-number key");
    bad("b10.yaml", "priors:\n- key: assessment.tier1_min\n  dist: uniform\n  min: 50\n  max: 70\n" RS,
        "{D}/b10.yaml:2:8: assessment.tier1_min: with 'cutoffs: refit' the tier cut-offs are refitted",
        "a prior on a refitted cut-off");
    bad("b11.yaml", "priors:\n- key: firm.upgrade_rate\n  dist: gamma\n" RS,
        "{D}/b11.yaml:3:9: priors.0: dist: expected one of uniform, normal, lognormal, beta, dirichlet, choice; got 'gamma'",
        "unknown family");
    bad("b12.yaml", "priors:\n- key: run.seed\n  dist: uniform\n  min: 0\n  max: 9\n" RS,
        "{D}/b12.yaml:2:8: run.seed: not a number key", "a key that is not a number");
    bad("b14.yaml", "priors:\n- key: assessment.groups.economy.revenue_per_mu.hi\n  dist: uniform\n  min: 50\n"
                    "  max: 900\n" RS,
        "{D}/b14.yaml:2:3: assessment.groups.economy.revenue_per_mu.hi: the band's other end (100) lies inside [50, 900]",
        "a band end whose support holds the other end");
    bad("b15.yaml", "priors:\n- key: assessment.groups.economy.revenue_per_mu.lo\n  dist: normal\n  mean: 100\n"
                    "  sd: 10\n" RS,
        "{D}/b15.yaml:2:3: assessment.groups.economy.revenue_per_mu.lo: a band end needs min and max",
        "a band end without bounds");
    bad("b13.yaml", "priors:\n- key: firm.upgrade_rate\n  dist: uniform\n  min: 0\n  max: 0.5\n" RS
                    "- key: firm.upgrade_rate\n  dist: uniform\n  min: 0\n  max: 0.4\n" RS,
        "{D}/b13.yaml:8:8: firm.upgrade_rate: already has a prior ({D}/b13.yaml:2:3)", "two priors on one key");
}

int main(void)
{
    if (!cfg_fixture_begin("prior")) return 1;
    if (!load_base()) {
        printf("Bail out! the tiny scenario does not load\n");
        return 1;
    }
    run_test(test_uniform);
    run_test(test_truncated_normal);
    run_test(test_truncated_lognormal);
    run_test(test_scaled_beta);
    run_test(test_dirichlet);
    run_test(test_choice);
    run_test(test_band_end);
    run_test(test_prior_design_keyed);
    run_test(test_refusals);
    run_test(test_reinit);
    cfg_fixture_end();
    return done_testing();
}
