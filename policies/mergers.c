/** \file mergers.c
 * M&A mechanism. Rates: a weak firm is acquired with annual probability
 * mergers.rate (baseline; ~1.5-2% of all firms a year, near the 1.95% plant
 * ownership change via mergers of Maksimovic & Phillips 2001 [V]); acquirers
 * are larger and more productive (preferential selection, Maluck et al. 2017
 * [V]) and from the same chain with probability same_chain_share (55% same
 * industry [V]); for a target outside the leading chains, "same chain" means
 * another firm outside them (the same residual industry group). Which firms
 * may be targets and buyers is a pair of keys (the 亩均 class rules). The
 * lever raises the rate and the same-chain preference, steers deals towards
 * the largest firms (chain-leader formation, the plan's aim) and raises the
 * gain of the deals it pays for.
 */
#include "mergers.h"
#include "../agents/vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mergers_mark(const Params *p, double intensity, ParkState *ps, Firm *f, double u)
{
    f->target = 0;
    /* Whether a firm may be a target is close to a coin toss across firms:
     * tested together with the draw, which is rarely below the rate, the
     * branch is well predicted. */
    int may = f->lclass >= p->mergers.target_min_class;
    if (may & (u < p->mergers.rate / 12.0)) {
        f->target = 1;
        return;
    }
    /* Likewise the lever's test: one branch on all three, before the payment. */
    if ((intensity > 0) & may & (u < lever_rate(p->mergers.rate, p->levers.mergers.rate_max, intensity) / 12.0) &&
        lever_pay(ps, LEVER_MERGERS, p->levers.mergers.subsidy_per_deal))
        f->target = 2;
}

/* The context's memo (levers.h): the firms the firm hook marked this
 * park-month, for mergers_park. */
enum { MEMO_MARKED };

/* Whether firm i of the park may buy target t: active, of an allowed class,
 * larger, and (when same is set) of the target's chain. All tests are
 * evaluated, without early exits: across a park's firms each is close to a
 * coin toss, so a branch per test would be mispredicted often; this runs over
 * the whole park for every deal. */
static inline int may_buy(const Params *p, const Firm *f, int i, const Firm *tg, int t, int same)
{
    return (i != t) & (f->status == FIRM_ACTIVE) & !(f->lclass > p->mergers.acquirer_max_class) &
           !(f->log_rev <= tg->log_rev) & (!same | (f->chain == tg->chain));
}

/* x where ok is set, +0 elsewhere, as a select of bit patterns: adding +0 to
 * the running sum (a sum of positive revenues from +0) leaves it unchanged
 * bit for bit, so the sum is the sum over the buyers alone. */
static inline double masked(double x, int ok)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b &= -(uint64_t)ok;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The acquirer for target t; w holds each firm's weight exp(kappa * log_rev)
 * at the lever's kappa, or is NULL (then the weight is computed here); acc
 * has room for ps->n_firm running totals. */
static int choose_acquirer(const Params *p, double intensity, const ParkState *ps, int t, gsl_rng *r, const double *w,
                           double *acc)
{
    const Firm *tg = &ps->firm[t];
    double same = lever_rate(p->mergers.same_chain_share, p->levers.mergers.same_chain_share_max, intensity);
    /* Weight revenue^kappa: kappa 1 is preferential selection by size; the
     * lever steers deals further towards the largest firms, the chain
     * leaders the plan wants to grow. */
    double kappa = lever_rate(1.0, p->levers.mergers.leader_preference_max, intensity);
    int want_same = gsl_rng_uniform(r) < same;
    double u = gsl_rng_uniform(r);
    /* One pass over the park keeps the running total of the buyers' weights
     * after each firm in acc; the pick is the first firm whose running total
     * exceeds u times the total, found by bisection: the totals never
     * decrease, and one that exceeds the point and the total before it grew
     * there, so that firm is a buyer. This is the firm a second pass
     * accumulating the same weights in the same order would stop at. At
     * kappa 1 (the lever off) the weight is the revenue kept with the firm
     * (exp(1 * x) is exp(x) exactly); with the weights given, it is w[i].
     * Either is summed without a branch per firm; otherwise the exp is paid
     * only for the buyers. */
    const double *wt = kappa == 1.0 ? NULL : w;
    int kept = kappa == 1.0 || w, n = ps->n_firm;
    for (int pass_same = want_same; pass_same >= 0; pass_same--) {
        double total = 0;
        int last = -1;
        if (kept)
            for (int i = 0; i < n; i++) {
                int ok = may_buy(p, &ps->firm[i], i, tg, t, pass_same);
                total += masked(wt ? wt[i] : ps->firm[i].rev, ok);
                acc[i] = total;
                last = ok ? i : last;
            }
        else
            for (int i = 0; i < n; i++) {
                if (may_buy(p, &ps->firm[i], i, tg, t, pass_same)) {
                    total += exp(kappa * ps->firm[i].log_rev);
                    last = i;
                }
                acc[i] = total;
            }
        if (total <= 0) continue; /* no same-chain buyer: fall back to any buyer */
        double x = u * total;
        if (!(x < total)) return last; /* rounding at the top end */
        int lo = 0, hi = n - 1;          /* the first i with x < acc[i]: acc[hi] = total qualifies */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (x < acc[mid]) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
    return -1;
}

int mergers_choose_acquirer(const Params *p, double intensity, const ParkState *ps, int t, gsl_rng *r, double *acc)
{
    return choose_acquirer(p, intensity, ps, t, r, NULL, acc);
}

SimStatus mergers_combine(const Params *p, ParkState *ps, int a, int t, int month, double synergy)
{
    Firm *fa = &ps->firm[a], *ft = &ps->firm[t];
    double ra = fa->rev, rt = ft->rev, w = ra + rt;
    double release = ft->land_mu * p->mergers.land_release_share;

    fa->tech = (ra * fa->tech + rt * ft->tech) / w;
    fa->rd = (ra * fa->rd + rt * ft->rd) / w;
    fa->safety = (ra * fa->safety + rt * ft->safety) / w;
    if (ft->cult > fa->cult) fa->cult = ft->cult;
    firm_set_log_rev(fa, log(ra + rt * (1.0 + synergy)));
    fa->land_mu += ft->land_mu - release;
    ft->status = FIRM_MERGED;
    park_firm_left(ps, ft);
    ft->land_mu = 0;
    ft->target = 0;
    if (release > 0) return park_add_site(ps, release, month);
    return SIM_OK;
}

SimStatus mergers_park(LeverCtx *c, int *n_done)
{
    ParkState *ps = c->park.ps;
    const Params *p = c->park.p;
    int month = c->month;
    double intensity = c->intensity;
    /* With the lever on, each firm's weight revenue^kappa is an exp; it is
     * computed once per firm at the month's first deal, and again for an
     * acquirer whose revenue a deal changed, instead of twice per candidate
     * per deal (the same values: the same kappa and log revenue). */
    double kappa = lever_rate(1.0, p->levers.mergers.leader_preference_max, intensity), *w = NULL, *acc = NULL;
    SimStatus st = SIM_OK;
    *n_done = 0;
    /* Where the firm hook counted the month's marks (hook_mergers_firm_late),
     * the scan stops after the last marked firm (most park-months have none):
     * a deal clears only its own target's mark. */
    int left = c->memo_set ? (int)c->memo[MEMO_MARKED] : -1;
    for (int t = 0; t < ps->n_firm && left != 0; t++) {
        Firm *ft = &ps->firm[t];
        if (!ft->target) continue;
        left -= left > 0;
        int subsidised = ft->target == 2;
        ft->target = 0;
        if (ft->status != FIRM_ACTIVE) continue;
        if (!acc && !(acc = malloc((size_t)ps->n_firm * sizeof *acc))) { /* no firm is added during the deals */
            st = SIM_ENOMEM;
            break;
        }
        if (kappa != 1.0 && !w) {
            if (!(w = malloc((size_t)ps->n_firm * sizeof *w))) {
                st = SIM_ENOMEM;
                break;
            }
            for (int i = 0; i < ps->n_firm; i++) w[i] = kappa * ps->firm[i].log_rev;
            vmath_exp(w, ps->n_firm, w); /* exp of each, bit for bit, several at a time */
        }
        rng_gsl_reset(c->park.r, p->run.seed, c->park.rep, ft->gid, (uint32_t)month, RNG_ACQUIRER);
        int a = choose_acquirer(p, intensity, ps, t, c->park.r, w, acc);
        if (a < 0) {
            if (subsidised) lever_refund(ps, LEVER_MERGERS, p->levers.mergers.subsidy_per_deal); /* no buyer: not paid out */
            continue;
        }
        /* Post-merger integration support raises the gain of the deals the lever pays for. */
        double synergy = subsidised ? lever_rate(p->mergers.synergy, p->levers.mergers.synergy_max, intensity)
                                    : p->mergers.synergy;
        if ((st = mergers_combine(p, ps, a, t, month, synergy)) != SIM_OK) break;
        if (w) w[a] = exp(kappa * ps->firm[a].log_rev);
        (*n_done)++;
    }
    free(w);
    free(acc);
    return st;
}

/* Weak firms (亩均 class mergers.target_min_class or below): the targets a deal subsidy can buy. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)info;
    int n = 0; /* counted without a branch per firm, and in an int: exact either way */
    for (int i = 0; i < ps->n_firm; i++)
        n += (ps->firm[i].status == FIRM_ACTIVE) & (ps->firm[i].lclass >= p->mergers.target_min_class);
    return n;
}

LEVER_FIRM_HOOK void hook_mergers_firm_late(LeverCtx *c, Firm *f, const RngBlock *b)
{
    mergers_mark(c->park.p, c->intensity, c->park.ps, f, rng_u32_lo(b->w[2]));
    if (!c->memo_set) {
        c->memo[MEMO_MARKED] = 0;
        c->memo_set = 1;
    }
    if (f->target) c->memo[MEMO_MARKED] += 1; /* rarely true: well predicted; exact as a double */
}

static SimStatus park_end(LeverCtx *c, const RngBlock *pb)
{
    (void)pb;
    int n;
    SimStatus st = mergers_park(c, &n);
    c->park.ps->mergers_m = n;
    return st;
}

static const LeverKey keys[] = {
    {"rate_max", offsetof(Params, levers.mergers.rate_max), "0.15", 0, 12, "a-1",
     "Acquisition rate of weak firms at full intensity [A]"},
    {"same_chain_share_max", offsetof(Params, levers.mergers.same_chain_share_max), "0.9", 0, 1, "1",
     "Same-chain acquirer share at full intensity [A]"},
    {"leader_preference_max", offsetof(Params, levers.mergers.leader_preference_max), "3", 1, 10, "1",
     "Acquirers are weighted by revenue^k; k rises from 1 to this at full intensity, steering deals to the largest firms (链主 formation) [A]"},
    {"synergy_max", offsetof(Params, levers.mergers.synergy_max), "0.15", 0, 1, "1",
     "Revenue gain on the target's revenue in a deal the lever pays for, at full intensity (integration support) [A]"},
    {"subsidy_per_deal", offsetof(Params, levers.mergers.subsidy_per_deal), "300", 0, 1e9, "CNY 1e4",
     "Subsidy paid per lever deal [A]"},
};

const LeverType lever_type_mergers = {
    .id = LEVER_MERGERS,
    .key = "mergers",
    .what = "M&A",
    .params = offsetof(Params, levers.mergers),
    .unit_cost = offsetof(Params, levers.mergers.subsidy_per_deal),
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .firm_late = hook_mergers_firm_late,
    .park_end = park_end,
};
