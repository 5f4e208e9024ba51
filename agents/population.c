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

/* The link of a firm on a leading chain, with P(link j) proportional to
 * 1/(j+1), from the partial sums of the harmonic series: worked out once
 * per park rather than per draw (twenty divisions a draw), and added in
 * the order 1, 1/2, 1/3, ..., so every sum, and every link, is the same
 * bit for bit whoever draws. */
typedef struct { int n; double acc[64]; } LinkPrep;

static void link_prep(int links, LinkPrep *lp)
{
    double acc = 0;
    lp->n = links;
    for (int j = 0; j < links; j++) lp->acc[j] = acc += 1.0 / (j + 1);
}

static int link_pick(const LinkPrep *lp, double u)
{
    double x = u * lp->acc[lp->n - 1];
    for (int j = 0; j < lp->n; j++)
        if (x < lp->acc[j]) return j;
    return lp->n - 1;
}

int population_link_draw(int links, double u)
{
    LinkPrep lp;
    link_prep(links, &lp);
    return link_pick(&lp, u);
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

/* The R&D intensity is rd_mean * exp of this, for the standard normal z. */
static double rd_exponent(const Params *p, double z)
{
    double s = p->population.rd_sigma;
    return s * z - 0.5 * s * s;
}

/* Where a new firm's draws come from: keyed blocks of its own (its id, its
 * site, RNG_FIRM_INIT or RNG_ENTRANT), one per step:
 *   step 0: w0, w1, w2 the 52-bit uniforms of its size (an entrant's
 *           revenue), technology and R&D normals (inverse CDF); w3 high a
 *           uniform for its title (an entrant's test for a missing link),
 *           w3 low for the test whether it is on a leading chain;
 *   step 1: the first attempts of the two gamma variates of its safety
 *           level (beta_draw);
 *   step 2: w0 high an entrant's pick among the missing links, w1 high its
 *           chain and w1 low its link;
 *   steps 3, 4, ...: further gamma attempts, where one was rejected.
 * No word serves two draws and every draw has its own word, so a firm's
 * attributes do not depend on what else it draws; the initial firms'
 * blocks and normals are computed a chunk at a time in vector lanes. */
enum { DRAW_MAIN = 0, DRAW_GAMMA = 1, DRAW_CHAIN = 2, DRAW_RETRY = 3 };

/* A Gamma(a) variate by Marsaglia & Tsang (2000, ACM TOMS 26:363), the
 * method of GSL's gsl_ran_gamma: for a >= 1 an attempt from a standard
 * normal z and a uniform u is accepted with probability above 0.95, and
 * the accepted values are exactly Gamma(a) whatever the source of the
 * independent uniforms; for a < 1 the variate of a + 1 times U^(1/a). */
typedef struct { double d, c, inv_a; int boost; } GammaPrep;

static void gamma_prep(GammaPrep *g, double a)
{
    g->boost = a < 1.0;
    g->d = (g->boost ? a + 1.0 : a) - 1.0 / 3.0;
    g->c = (1.0 / 3.0) / sqrt(g->d);
    g->inv_a = 1.0 / a;
}

/* One attempt: 1 and the variate (before the boost) in *x if accepted. */
static int gamma_try(const GammaPrep *g, double z, double u, double *x)
{
    double v = 1.0 + g->c * z;
    if (v <= 0) return 0;
    v = v * v * v;
    if (u < 1.0 - 0.0331 * (z * z) * (z * z) || log(u) < 0.5 * z * z + g->d * (1.0 - v + log(v))) {
        *x = g->d * v;
        return 1;
    }
    return 0;
}

/* Safety compliance ~ Beta(m c, (1 - m) c), m = population.safety_mean and
 * c = population.safety_concentration, as X / (X + Y) of two gamma
 * variates. X's first attempt takes the normal zx of w0 and the uniform of
 * w1 high of the firm's step-1 block b, Y's the normal zy of w2 and w3
 * high; their boosts w1 low and w3 low. A rejected attempt is tried again
 * from the same words of the firm's blocks of steps 3, 4, ... */
typedef struct { GammaPrep x, y; } BetaPrep;

static void beta_prep(const Params *p, BetaPrep *bp)
{
    double m = p->population.safety_mean, c = p->population.safety_concentration;
    gamma_prep(&bp->x, m * c);
    gamma_prep(&bp->y, (1.0 - m) * c);
}

static double beta_draw(const BetaPrep *bp, uint64_t seed, uint32_t rep, uint64_t gid, enum rng_site site,
                        const RngBlock *b, double zx, double zy)
{
    double x = 0, y = 0;
    int okx = gamma_try(&bp->x, zx, rng_u32_hi(b->w[1]), &x);
    int oky = gamma_try(&bp->y, zy, rng_u32_hi(b->w[3]), &y);
    for (uint32_t step = DRAW_RETRY; !(okx && oky); step++) {
        RngBlock r = rng_block(seed, rep, gid, step, site);
        if (!okx) okx = gamma_try(&bp->x, rng_normal(r.w[0]), rng_u32_hi(r.w[1]), &x);
        if (!oky) oky = gamma_try(&bp->y, rng_normal(r.w[2]), rng_u32_hi(r.w[3]), &y);
    }
    if (bp->x.boost) x *= pow(rng_u32_lo(b->w[1]), bp->x.inv_a);
    if (bp->y.boost) y *= pow(rng_u32_lo(b->w[3]), bp->y.inv_a);
    return x / (x + y);
}

/* Whether a firm is on a leading chain (w3 low of its step-0 block b0),
 * and if so its chain (uniform over the park's chains, w1 high of its
 * step-2 block b2) and link (link_pick, w1 low). */
static void draw_chain(const LinkPrep *lp, const ParkInfo *info, double leading_share, const RngBlock *b0,
                       const RngBlock *b2, Firm *f)
{
    if (rng_u32_lo(b0->w[3]) < leading_share) {
        int c = (int)(rng_u32_hi(b2->w[1]) * info->n_chains);
        f->chain = (int8_t)(c < info->n_chains ? c : info->n_chains - 1);
        f->link = (uint8_t)link_pick(lp, rng_u32_lo(b2->w[1]));
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

    /* A chunk of firms at a time: the chunk's keyed blocks in batches, then
     * the normals by inverse CDF, the logarithms and the exponentials of the
     * whole chunk together in vector lanes (bit for bit the scalar
     * functions), then each firm's draws that depend on them. */
    enum { INIT_CHUNK = 64, NU = 5 };
    double size_sigma = p->population.size_sigma, tail_share = p->population.tail_share;
    double c4 = p->population.champion_share, c3 = c4 + p->population.little_giant_share;
    double c2 = c3 + p->population.specialised_share, c1 = c2 + p->population.innovative_share;
    TierCuts cuts;
    tier_cuts(p, &cuts);
    BetaPrep beta;
    beta_prep(p, &beta);
    LinkPrep links;
    link_prep(p->population.chain_links, &links);
    double q_join = tail_share > 0 ? size_join(size_sigma, tail_share) : 0; /* once per park, not per tail firm */
    for (int i0 = 0; i0 < n; i0 += INIT_CHUNK) {
        int nc = n - i0 < INIT_CHUNK ? n - i0 : INIT_CHUNK;
        uint64_t gid[INIT_CHUNK];
        RngBlock b0[INIT_CHUNK], b1[INIT_CHUNK], b2[INIT_CHUNK];
        /* u[i nc + j]: firm j's uniform of normal i (size, technology, R&D,
         * the two gammas' first attempts); z their normals */
        double u[NU * INIT_CHUNK], z[NU * INIT_CHUNK], e_size[INIT_CHUNK], e_rd[INIT_CHUNK];
        int body[INIT_CHUNK];
        for (int j = 0; j < nc; j++) gid[j] = ((uint64_t)k << 32) | (uint64_t)(i0 + j);
        rng_blocks(p->run.seed, v->rep, gid, nc, DRAW_MAIN, RNG_FIRM_INIT, b0);
        rng_blocks(p->run.seed, v->rep, gid, nc, DRAW_GAMMA, RNG_FIRM_INIT, b1);
        rng_blocks(p->run.seed, v->rep, gid, nc, DRAW_CHAIN, RNG_FIRM_INIT, b2);
        for (int j = 0; j < nc; j++) {
            u[j] = rng_u52(b0[j].w[0]);
            u[nc + j] = rng_u52(b0[j].w[1]);
            u[2 * nc + j] = rng_u52(b0[j].w[2]);
            u[3 * nc + j] = rng_u52(b1[j].w[0]);
            u[4 * nc + j] = rng_u52(b1[j].w[2]);
        }
        rng_normal_inv_batch(u, NU * nc, z);
        for (int j = 0; j < nc; j++) {
            Firm *f = &ps->firm[i0 + j];
            memset(f, 0, sizeof *f);
            f->gid = gid[j];
            f->born = -1;
            f->lclass = CLASS_B;
            double uc = rng_u32_hi(b0[j].w[3]);
            f->cult = uc < c4 ? CULT_CHAMPION : uc < c3 ? CULT_LITTLE_GIANT : uc < c2 ? CULT_SPECIALISED
                    : uc < c1 ? CULT_INNOVATIVE : CULT_NONE;
            draw_chain(&links, info, p->population.leading_share, &b0[j], &b2[j], f);
            f->safety = beta_draw(&beta, p->run.seed, v->rep, gid[j], RNG_FIRM_INIT, &b1[j], z[3 * nc + j],
                                  z[4 * nc + j]);
            f->tech = clamp01(p->population.tech_mean + p->population.tech_sd * z[nc + j]);
            e_rd[j] = rd_exponent(p, z[2 * nc + j]);
            /* population_size_draw's body, its exp below; the tail (a power) as it is */
            body[j] = size_in_body(tail_share, u[j]);
            e_size[j] = body[j] ? size_sigma * z[j] : 0;
            /* log_rev temporarily holds the relative size; scaled below. */
            if (!body[j]) f->log_rev = size_tail(q_join, tail_share, p->population.tail_alpha, u[j]);
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
    RngBlock d0 = rng_block(p->run.seed, v->rep, f.gid, DRAW_MAIN, RNG_ENTRANT);
    RngBlock d1 = rng_block(p->run.seed, v->rep, f.gid, DRAW_GAMMA, RNG_ENTRANT);
    RngBlock d2 = rng_block(p->run.seed, v->rep, f.gid, DRAW_CHAIN, RNG_ENTRANT);

    int placed = 0;
    if (rng_u32_hi(d0.w[3]) < gap_share) {
        /* Missing links of the leading chains, in (chain, link) order. */
        const uint64_t *filled = park_links(ps);
        int L = p->population.chain_links;
        int n_missing = park_missing_in(filled, info->n_chains, L);
        if (n_missing > 0) {
            long pick = (long)(rng_u32_hi(d2.w[0]) * n_missing);
            if (pick >= n_missing) pick = n_missing - 1;
            for (int c = 0; c < info->n_chains && !placed; c++)
                for (int j = 0; j < L && !placed; j++)
                    if (!(filled[c] >> j & 1) && pick-- == 0) {
                        f.chain = (int8_t)c;
                        f.link = (uint8_t)j;
                        placed = 1;
                    }
        }
    }
    if (!placed) {
        LinkPrep lp;
        link_prep(p->population.chain_links, &lp);
        draw_chain(&lp, info, p->entry.leading_share, &d0, &d2, &f);
    }

    double s = p->entry.revenue_sigma;
    firm_set_log_rev(&f, log(mu * p->entry.revenue_per_mu * rev_scale) + s * rng_normal(d0.w[0]) - 0.5 * s * s);
    f.land_mu = mu;
    f.tech = clamp01(p->entry.tech_mean + p->entry.tech_sd * rng_normal(d0.w[1]));
    f.rd = p->population.rd_mean * exp(rd_exponent(p, rng_normal(d0.w[2])));
    BetaPrep beta;
    beta_prep(p, &beta);
    f.safety = beta_draw(&beta, p->run.seed, v->rep, f.gid, RNG_ENTRANT, &d1, rng_normal(d1.w[0]), rng_normal(d1.w[2]));
    RngBlock b = rng_block(p->run.seed, v->rep, f.gid, (uint32_t)(month / 12), RNG_FIRM_YEAR);
    firm_set_year_variance(&f, firm_year_variance(p, f.log_rev, rng_u52(b.w[0])));
    return park_add_firm(ps, &f);
}
