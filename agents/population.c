/** \file population.c
 * Initial population and entrants.
 *
 * Sizes: lognormal body with a Pareto upper tail (Axtell 2001; China CCDF
 * exponents 1.0-1.5, Heinrich & Dai 2016 [V]); the default alpha = 1.1 and
 * the body spread are assumptions (docs/MODEL.md). Each initial firm draws
 * from its own keyed stream, so firm k of a park has the same attributes in
 * every scenario of a replicate.
 */
#include "population.h"
#include "firm.h"
#include "vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

/* Whether u falls in the lognormal body of the size distribution; if not,
 * in its Pareto tail. */
static int size_in_body(double tail_share, double u) { return u < 1.0 - tail_share || tail_share <= 0; }

/* The size at the join of body and tail, and a size in the tail from it. */
static double size_join(double sigma, double tail_share) { return exp(sigma * gsl_cdf_ugaussian_Pinv(1.0 - tail_share)); }
static double size_tail(double q, double tail_share, double alpha, double u)
{
    return q * pow((1.0 - u) / tail_share, -1.0 / alpha);
}

double population_size_draw(double sigma, double tail_share, double alpha, double u)
{
    if (size_in_body(tail_share, u)) return exp(sigma * gsl_cdf_ugaussian_Pinv(u));
    return size_tail(size_join(sigma, tail_share), tail_share, alpha, u);
}

int population_link_draw(int links, double u)
{
    double h = 0;
    for (int j = 0; j < links; j++) h += 1.0 / (j + 1);
    double x = u * h, acc = 0;
    for (int j = 0; j < links; j++) {
        acc += 1.0 / (j + 1);
        if (x < acc) return j;
    }
    return links - 1;
}

static double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

/* z mapped to the standard normal truncated below at a, by its quantile:
 * Phi^-1(Phi(a) + Phi(z) (1 - Phi(a))), with qa = Q(a) = 1 - Phi(a) given.
 * Upper tails for large a, so that the map stays accurate where Phi(a) is
 * close to 1. */
static double truncate_normal_q(double z, double a, double qa)
{
    double x = gsl_cdf_ugaussian_Qinv(qa * gsl_cdf_ugaussian_Q(z));
    return x > a ? x : a;
}

double population_truncate_normal(double z, double a)
{
    return truncate_normal_q(z, a, gsl_cdf_ugaussian_Q(a));
}

/* What the conditioning on a title takes from the parameters alone, for
 * each title's rule: where the R&D and the technology normals are truncated
 * (a) and Q(a). Worked out once per park, not once per title holder (38% of
 * firms by default), whose own draw then needs one Q and one inverse. */
typedef struct {
    int rd_on[CULT_CHAMPION], tech_on[CULT_CHAMPION];
    double rd_a[CULT_CHAMPION], rd_qa[CULT_CHAMPION], tech_a[CULT_CHAMPION], tech_qa[CULT_CHAMPION];
} TierCuts;

static void tier_cuts(const Params *p, TierCuts *tc)
{
    double s = p->population.rd_sigma, mean = p->population.rd_mean;
    double tm = p->population.tech_mean, ts = p->population.tech_sd;
    for (int rule = 0; rule < CULT_CHAMPION; rule++) {
        double rd_min = p->cultivation.rd_min[rule], tech_min = p->cultivation.tech_min[rule];
        tc->rd_on[rule] = rd_min > 0 && s > 0 && mean > 0;
        tc->rd_a[rule] = tc->rd_on[rule] ? (log(rd_min / mean) + 0.5 * s * s) / s : 0;
        tc->rd_qa[rule] = tc->rd_on[rule] ? gsl_cdf_ugaussian_Q(tc->rd_a[rule]) : 0;
        tc->tech_on[rule] = tech_min > 0 && ts > 0;
        tc->tech_a[rule] = tc->tech_on[rule] ? (tech_min - tm) / ts : 0;
        tc->tech_qa[rule] = tc->tech_on[rule] ? gsl_cdf_ugaussian_Q(tc->tech_a[rule]) : 0;
    }
}

/* An initial firm's R&D intensity and technology level conditioned on its
 * cultivation tier: a firm that holds a title meets the R&D and technology
 * rules of that title (the rule for entering tier t, cultivation.*_min[t-1]),
 * by the quantile map of its own draw, so the title holders keep the shape of
 * the distribution above the threshold and the order of their draws. */
static void condition_on_tier(const Params *p, const TierCuts *tc, Firm *f)
{
    if (f->cult == CULT_NONE) return;
    int rule = f->cult - 1;
    double s = p->population.rd_sigma, mean = p->population.rd_mean;
    if (tc->rd_on[rule]) {
        double z = (log(f->rd / mean) + 0.5 * s * s) / s;
        f->rd = mean * exp(s * truncate_normal_q(z, tc->rd_a[rule], tc->rd_qa[rule]) - 0.5 * s * s);
    }
    double tm = p->population.tech_mean, ts = p->population.tech_sd;
    if (tc->tech_on[rule] && f->tech < 1.0) {
        double z = (f->tech - tm) / ts;
        f->tech = clamp01(tm + ts * truncate_normal_q(z, tc->tech_a[rule], tc->tech_qa[rule]));
    }
}

void population_condition_on_tier(const Params *p, Firm *f)
{
    TierCuts tc;
    tier_cuts(p, &tc);
    condition_on_tier(p, &tc, f);
}

/* The standard normal of gsl_ran_gaussian(r, 1) from its polar point (y,
 * r2) and lg = log(r2): 1 * y * sqrt(-2 lg / r2), and 1 * y is y. */
static double polar_normal(double y, double r2, double lg) { return y * sqrt(-2.0 * lg / r2); }

/* The R&D intensity is rd_mean * exp of this, for the standard normal z. */
static double rd_exponent(const Params *p, double z)
{
    double s = p->population.rd_sigma;
    return s * z - 0.5 * s * s;
}

static double safety_draw(const Params *p, gsl_rng *r)
{
    double m = p->population.safety_mean, c = p->population.safety_concentration;
    return gsl_ran_beta(r, m * c, (1.0 - m) * c);
}

/* Attributes common to initial firms and entrants, drawn from r (the
 * initial population draws them a chunk at a time, in population_init_park). */
static void draw_traits(const Params *p, gsl_rng *r, Firm *f)
{
    double y, r2;
    rng_gsl_polar(r, &y, &r2);
    f->rd = p->population.rd_mean * exp(rd_exponent(p, polar_normal(y, r2, log(r2))));
    f->safety = safety_draw(p, r);
}

static void draw_chain(const Params *p, const ParkInfo *info, gsl_rng *r, double leading_share, Firm *f)
{
    if (gsl_rng_uniform(r) < leading_share) {
        f->chain = (int8_t)gsl_rng_uniform_int(r, (unsigned long)info->n_chains);
        f->link = (uint8_t)population_link_draw(p->population.chain_links, gsl_rng_uniform(r));
    } else {
        f->chain = -1;
        f->link = 0;
    }
}

SimStatus population_init_park(const ParkView *v)
{
    const Params *p = v->p;
    const ParkInfo *info = v->info;
    ParkState *ps = v->ps;
    int k = v->k;
    int n = info->firms;
    int has_anchor = info->anchor_revenue > 0;
    double rest = info->revenue - (has_anchor ? info->anchor_revenue : 0);
    double sum_x = 0, sum_land = 0;

    ps->firm = malloc((size_t)(n + n / 2 + 16) * sizeof *ps->firm);
    if (!ps->firm) return SIM_ENOMEM;
    ps->cap_firm = n + n / 2 + 16;
    ps->n_firm = n;
    ps->next_serial = (uint32_t)n;

    /* A chunk of firms at a time: first each firm's draws from its own
     * stream, in the order they are defined (size, chain, technology, R&D,
     * safety, tier), keeping the normals' polar points and the size's
     * uniform; then the logarithms and exponentials of the chunk together
     * (vmath, bit for bit the library's); then what depends on them. The
     * numbers drawn do not depend on those logarithms, so they are the
     * draws of the firm-by-firm order. */
    enum { INIT_CHUNK = 64 };
    double size_sigma = p->population.size_sigma, tail_share = p->population.tail_share;
    double c4 = p->population.champion_share, c3 = c4 + p->population.little_giant_share;
    double c2 = c3 + p->population.specialised_share, c1 = c2 + p->population.innovative_share;
    TierCuts cuts;
    tier_cuts(p, &cuts);
    double q_join = tail_share > 0 ? size_join(size_sigma, tail_share) : 0; /* once per park, not per tail firm */
    for (int i0 = 0; i0 < n; i0 += INIT_CHUNK) {
        int nc = n - i0 < INIT_CHUNK ? n - i0 : INIT_CHUNK;
        double y[2 * INIT_CHUNK], r2[2 * INIT_CHUNK], lg[2 * INIT_CHUNK], u_size[INIT_CHUNK];
        double e_size[INIT_CHUNK], e_rd[INIT_CHUNK];
        int body[INIT_CHUNK];
        for (int j = 0; j < nc; j++) {
            Firm *f = &ps->firm[i0 + j];
            memset(f, 0, sizeof *f);
            f->gid = ((uint64_t)k << 32) | (uint64_t)(i0 + j);
            f->born = -1;
            f->lclass = CLASS_B;
            rng_gsl_reset(v->r, p->run.seed, v->rep, f->gid, 0, RNG_FIRM_INIT);
            u_size[j] = rng_gsl_uniform_pos(v->r);
            draw_chain(p, info, v->r, p->population.leading_share, f);
            rng_gsl_polar(v->r, &y[2 * j], &r2[2 * j]);         /* technology */
            rng_gsl_polar(v->r, &y[2 * j + 1], &r2[2 * j + 1]); /* R&D (draw_traits) */
            f->safety = safety_draw(p, v->r);
            double u = rng_gsl_uniform(v->r);
            f->cult = u < c4 ? CULT_CHAMPION : u < c3 ? CULT_LITTLE_GIANT : u < c2 ? CULT_SPECIALISED
                    : u < c1 ? CULT_INNOVATIVE : CULT_NONE;
        }
        vmath_log(r2, 2 * nc, lg);
        double z_size[INIT_CHUNK]; /* gsl_cdf_ugaussian_Pinv of each, in lanes (rng_normal_inv_batch) */
        rng_normal_inv_batch(u_size, nc, z_size);
        for (int j = 0; j < nc; j++) {
            Firm *f = &ps->firm[i0 + j];
            double z_tech = polar_normal(y[2 * j], r2[2 * j], lg[2 * j]);
            f->tech = clamp01(p->population.tech_mean + p->population.tech_sd * z_tech);
            e_rd[j] = rd_exponent(p, polar_normal(y[2 * j + 1], r2[2 * j + 1], lg[2 * j + 1]));
            /* population_size_draw's body, its exp below; the tail (a power) as it is */
            body[j] = size_in_body(tail_share, u_size[j]);
            e_size[j] = body[j] ? size_sigma * z_size[j] : 0;
            /* log_rev temporarily holds the relative size; scaled below. */
            if (!body[j]) f->log_rev = size_tail(q_join, tail_share, p->population.tail_alpha, u_size[j]);
        }
        vmath_exp(e_rd, nc, e_rd);
        vmath_exp(e_size, nc, e_size);
        for (int j = 0; j < nc; j++) {
            Firm *f = &ps->firm[i0 + j];
            f->rd = p->population.rd_mean * e_rd[j];
            if (body[j]) f->log_rev = e_size[j];
            condition_on_tier(p, &cuts, f);
            if (!(has_anchor && i0 + j == 0)) sum_x += f->log_rev;
        }
    }
    if (has_anchor) { /* the chain leader heads leading chain 0 at its upstream link */
        ps->firm[0].chain = 0;
        ps->firm[0].link = 0;
    }
    /* Revenues, temporarily in log_rev; then a floor: no firm starts below
     * population.min_revenue (it would leave in the first month under the
     * minimum-revenue exit rule), the money coming from the firms above it in
     * proportion to their revenue, which keeps the park total exact. Repeated
     * because the scaling can push further firms under the floor; each round
     * floors at least one more firm, so at most n rounds. */
    int first = has_anchor ? 1 : 0;
    double floor_rev = p->population.min_revenue;
    for (int i = 0; i < n; i++) ps->firm[i].log_rev = i < first ? info->anchor_revenue : rest * ps->firm[i].log_rev / sum_x;
    if (n > first && rest / (n - first) <= floor_rev) {
        for (int i = first; i < n; i++) ps->firm[i].log_rev = rest / (n - first); /* too little for the floor: equal split */
    } else {
        for (int round = 0; round <= n; round++) {
            int floored = 0, below = 0;
            double free_sum = 0;
            for (int i = first; i < n; i++) {
                double r = ps->firm[i].log_rev;
                if (r <= floor_rev) floored++;
                else free_sum += r;
                below += r < floor_rev;
            }
            if (!below) break;
            double scale = (rest - floored * floor_rev) / free_sum;
            for (int i = first; i < n; i++) {
                Firm *f = &ps->firm[i];
                f->log_rev = f->log_rev <= floor_rev ? floor_rev : f->log_rev * scale;
            }
        }
    }
    for (int i0 = 0; i0 < n; i0 += 64) { /* the logs and exps of 64 firms at a time (vmath) */
        int nc = n - i0 < 64 ? n - i0 : 64;
        double lg[64], ex[64];
        for (int j = 0; j < nc; j++) lg[j] = ps->firm[i0 + j].log_rev;
        vmath_log(lg, nc, lg);
        vmath_exp(lg, nc, ex);
        for (int j = 0; j < nc; j++) {
            Firm *f = &ps->firm[i0 + j];
            double rev = f->log_rev;
            f->log_rev = lg[j]; /* firm_set_log_rev(f, log(rev)) */
            f->rev = ex[j];
            f->land_mu = pow(rev, p->population.land_elasticity);
            sum_land += f->land_mu;
        }
    }
    double occupied = info->land_mu * (1.0 - info->idle_share);
    for (int i = 0; i < n; i++) ps->firm[i].land_mu *= occupied / sum_land;

    /* Idle land at the start, in sites of about population.idle_site_mu;
     * the last site takes the remainder so the land totals are exact. */
    double idle = info->land_mu * info->idle_share;
    if (idle > 0) {
        long ns = lround(idle / p->population.idle_site_mu);
        if (ns < 1) ns = 1;
        double each = idle / (double)ns;
        for (long j = 0; j < ns; j++) {
            double mu = j + 1 < ns ? each : idle - each * (double)(ns - 1);
            if (park_add_site(ps, mu, -1) != SIM_OK) return SIM_ENOMEM;
        }
    }
    return SIM_OK;
}

SimStatus population_entrant(const ParkView *v, int month, double mu, double gap_share, double rev_scale)
{
    return population_entrant_cached(v, month, mu, gap_share, rev_scale, NULL);
}

SimStatus population_entrant_cached(const ParkView *v, int month, double mu, double gap_share, double rev_scale,
                                    LinkCache *links)
{
    const Params *p = v->p;
    const ParkInfo *info = v->info;
    ParkState *ps = v->ps;
    int k = v->k;
    Firm f;
    memset(&f, 0, sizeof f);
    f.gid = ((uint64_t)k << 32) | ps->next_serial++;
    f.born = month;
    f.lclass = CLASS_B;
    f.cult = CULT_NONE;
    rng_gsl_reset(v->r, p->run.seed, v->rep, f.gid, 0, RNG_ENTRANT);

    int placed = 0;
    if (gsl_rng_uniform(v->r) < gap_share) {
        /* Missing links of the leading chains, in (chain, link) order. */
        uint64_t filled[PARK_MAX_CHAINS];
        int L = p->population.chain_links;
        if (links && links->valid) {
            memcpy(filled, links->filled, sizeof filled);
        } else {
            park_filled_links(ps, filled);
            if (links) {
                memcpy(links->filled, filled, sizeof filled);
                links->valid = 1;
            }
        }
        int n_missing = park_missing_in(filled, info->n_chains, L);
        if (n_missing > 0) {
            long pick = (long)gsl_rng_uniform_int(v->r, (unsigned long)n_missing);
            for (int c = 0; c < info->n_chains && !placed; c++)
                for (int j = 0; j < L && !placed; j++)
                    if (!(filled[c] >> j & 1) && pick-- == 0) {
                        f.chain = (int8_t)c;
                        f.link = (uint8_t)j;
                        placed = 1;
                    }
        }
    }
    if (!placed) draw_chain(p, info, v->r, p->entry.leading_share, &f);

    double s = p->entry.revenue_sigma;
    firm_set_log_rev(&f, log(mu * p->entry.revenue_per_mu * rev_scale) + s * gsl_ran_gaussian(v->r, 1.0) - 0.5 * s * s);
    f.land_mu = mu;
    f.tech = clamp01(p->entry.tech_mean + p->entry.tech_sd * gsl_ran_gaussian(v->r, 1.0));
    draw_traits(p, v->r, &f);
    RngBlock b = rng_block(p->run.seed, v->rep, f.gid, (uint32_t)(month / 12), RNG_FIRM_YEAR);
    firm_set_year_variance(&f, firm_year_variance(p, f.log_rev, rng_u52(b.w[0])));
    if (links && links->valid && f.chain >= 0) links->filled[f.chain] |= UINT64_C(1) << f.link;
    return park_add_firm(ps, &f);
}
