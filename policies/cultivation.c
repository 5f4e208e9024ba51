/** \file cultivation.c
 * 梯度培育 (gradient cultivation). A firm climbs the tiers ordinary →
 * innovative SME → 专精特新 → little giant → manufacturing champion, one step
 * at a time, with an annual promotion hazard that applies only while it meets
 * the next tier's eligibility rule (R&D intensity, revenue, technology level:
 * the shape of the MIIT criteria [V §3.6]; the numbers are assumptions). The
 * lever multiplies the hazards (support, coaching, application help) and pays
 * an award per promotion it adds; as everywhere, one uniform decides both the
 * baseline and the lever promotion, so the lever only adds promotions.
 * A promotion raises R&D (credentials bring innovation support), and each
 * tier adds cultivation.growth_bonus to the firm's drift (agents/firm.c).
 * The lever also raises the R&D of firms short of the next rule (coaching).
 */
#include "cultivation.h"

#include <math.h>

/* The rule as one expression without early exits: whether a firm meets
 * it is close to a coin toss across firms, so a branch per test would be
 * mispredicted about half the time, and this runs for every firm every
 * month. Each comparison is the negation of the original early exit's, so
 * NaN gives the same answer. */
static inline int eligible_at(const Params *p, const Firm *f, int t)
{
    int tt = t < CULT_CHAMPION ? t : 0; /* a champion reads tier 0's rule and is refused below */
    double rmin = p->cultivation.revenue_min[tt];
    return (t < CULT_CHAMPION) & !(f->rd < p->cultivation.rd_min[tt]) & !(f->tech < p->cultivation.tech_min[tt]) &
           ((rmin <= 0) | (f->rev >= rmin));
}

int cultivation_eligible(const Params *p, const Firm *f)
{
    return eligible_at(p, f, f->cult);
}

void cultivation_promote(const Params *p, Firm *f)
{
    f->cult++;
    f->rd *= 1.0 + p->cultivation.rd_gain;
}

double cultivation_coaching(const Params *p, double intensity)
{
    return exp(intensity * p->levers.cultivation.rd_growth_max / 12.0);
}

/* What is the same for every firm of a park-month, in m[0 .. 2 + 2 * CULT_CHAMPION):
 * the coaching factor; the largest monthly promotion rate of any tier, with
 * or without the lever; then each tier's monthly baseline rate (rate / 12)
 * and its monthly lever rate. The rates are the same values whether divided
 * per firm or once. */
enum { M_COACHING, M_UMAX, M_BASE, M_LEVER = M_BASE + CULT_CHAMPION, M_COUNT = M_LEVER + CULT_CHAMPION };
_Static_assert(M_COUNT <= LEVER_MEMO, "the month's values fit the lever memo");

static void month_values(const Params *p, double intensity, double *m)
{
    m[M_COACHING] = intensity > 0 ? cultivation_coaching(p, intensity) : 1.0;
    m[M_UMAX] = 0;
    for (int t = 0; t < CULT_CHAMPION; t++) {
        double base = p->cultivation.rate[t];
        m[M_BASE + t] = base / 12.0;
        m[M_LEVER + t] =
            intensity > 0 ? lever_rate(base, base * p->levers.cultivation.rate_multiplier_max, intensity) / 12.0 : 0;
        if (m[M_BASE + t] > m[M_UMAX]) m[M_UMAX] = m[M_BASE + t];
        if (m[M_LEVER + t] > m[M_UMAX]) m[M_UMAX] = m[M_LEVER + t];
    }
}

static inline int firm_r(const Params *p, double intensity, const double *m, ParkState *ps, Firm *f, double u)
{
    double coaching = m[M_COACHING];
    /* Coaching and R&D support: a firm short of the next title's R&D rule
     * raises its R&D intensity, unpaid (the money goes to awards). Without
     * it few firms ever meet the rule (R&D is rare in the population) and
     * the lever could only speed up promotions that were coming anyway. */
    int t = f->cult;
    if (intensity > 0) {
        int short_of_rule = (t < CULT_CHAMPION) & (f->rd < p->cultivation.rd_min[t < CULT_CHAMPION ? t : 0]);
        /* The factor by index, not by a conditional, which gcc turns into a
         * branch around the multiplication: across firms the test is close
         * to a coin toss, and the mispredicted branch cost about 4 ns per
         * firm-month. x * 1 is x exactly. */
        const double factor[2] = {1.0, coaching};
        f->rd *= factor[short_of_rule];
    }
    /* A promotion needs u below a tier's monthly rate: at or above the
     * largest, which is most firm-months, the rule need not be tested. */
    if (!(u < m[M_UMAX])) return 0;
    int elig = eligible_at(p, f, t), tt = t < CULT_CHAMPION ? t : 0;
    /* One test for "eligible and drawn", which is rarely true and so well
     * predicted, instead of a test of the eligibility first. */
    if (elig & (u < m[M_BASE + tt])) {
        cultivation_promote(p, f);
        return 1;
    }
    if (intensity > 0 && elig) {
        if (u < m[M_LEVER + tt] && lever_pay(ps, LEVER_CULTIVATION, p->levers.cultivation.award_per_promotion)) {
            cultivation_promote(p, f);
            return 2;
        }
    }
    return 0;
}

int cultivation_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u)
{
    double m[M_COUNT];
    month_values(p, intensity, m);
    return firm_r(p, intensity, m, ps, f, u);
}

/* Firms that meet the next tier's rule. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)info;
    int n = 0; /* counted without a branch per firm, and in an int: exact either way */
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        n += (f->status == FIRM_ACTIVE) & eligible_at(p, f, f->cult);
    }
    return n;
}

LEVER_FIRM_HOOK void hook_cultivation_firm_late(LeverCtx *c, Firm *f, const RngBlock *b)
{
    if (!c->memo_set) {
        month_values(c->park.p, c->intensity, c->memo);
        c->memo_set = 1;
    }
    if (firm_r(c->park.p, c->intensity, c->memo, c->park.ps, f, rng_u32_lo(b->w[3])))
        c->park.ps->promotions_m++;
}

static const LeverKey keys[] = {
    {"rate_multiplier_max", offsetof(Params, levers.cultivation.rate_multiplier_max), "2.5", 1, 20, "1",
     "Promotion hazards are multiplied by up to this at full intensity [A]"},
    {"rd_growth_max", offsetof(Params, levers.cultivation.rd_growth_max), "0.3", 0, 5, "a-1",
     "Yearly log growth of the R&D intensity of a firm short of its next title's R&D rule, at full intensity (coaching, R&D support) [A]"},
    {"award_per_promotion", offsetof(Params, levers.cultivation.award_per_promotion), "50", 0, 1e9, "CNY 1e4",
     "Award paid per lever-induced promotion [A]"},
};

const LeverType lever_type_cultivation = {
    .id = LEVER_CULTIVATION,
    .key = "cultivation",
    .what = "gradient-cultivation (梯度培育)",
    .params = offsetof(Params, levers.cultivation),
    .unit_cost = offsetof(Params, levers.cultivation.award_per_promotion),
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .firm_late = hook_cultivation_firm_late,
};
