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

int cultivation_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u)
{
    return cultivation_firm_coached(p, intensity, intensity > 0 ? cultivation_coaching(p, intensity) : 1.0, ps, f, u);
}

int cultivation_firm_coached(const Params *p, double intensity, double coaching, ParkState *ps, Firm *f, double u)
{
    /* Coaching and R&D support: a firm short of the next title's R&D rule
     * raises its R&D intensity, unpaid (the money goes to awards). Without
     * it few firms ever meet the rule (R&D is rare in the population) and
     * the lever could only speed up promotions that were coming anyway. */
    int t = f->cult;
    if (intensity > 0) {
        int short_of_rule = (t < CULT_CHAMPION) & (f->rd < p->cultivation.rd_min[t < CULT_CHAMPION ? t : 0]);
        f->rd *= short_of_rule ? coaching : 1.0; /* x * 1 is x exactly */
    }
    int elig = eligible_at(p, f, t);
    double base = p->cultivation.rate[t < CULT_CHAMPION ? t : 0];
    /* One test for "eligible and drawn", which is rarely true and so well
     * predicted, instead of a test of the eligibility first. */
    if (elig & (u < base / 12.0)) {
        cultivation_promote(p, f);
        return 1;
    }
    if (intensity > 0 && elig) {
        double lev = lever_rate(base, base * p->levers.cultivation.rate_multiplier_max, intensity);
        if (u < lev / 12.0 && lever_pay(ps, LEVER_CULTIVATION, p->levers.cultivation.award_per_promotion)) {
            cultivation_promote(p, f);
            return 2;
        }
    }
    return 0;
}

/* Firms that meet the next tier's rule. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)info;
    double n = 0;
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) n += cultivation_eligible(p, &ps->firm[i]);
    return n;
}

LEVER_FIRM_HOOK static void firm_late(LeverCtx *c, Firm *f, const RngBlock *b)
{
    if (!c->memo_set) { /* the coaching factor is the same for every firm of the park-month */
        c->memo = c->intensity > 0 ? cultivation_coaching(c->park.p, c->intensity) : 1.0;
        c->memo_set = 1;
    }
    if (cultivation_firm_coached(c->park.p, c->intensity, c->memo, c->park.ps, f, rng_u32_lo(b->w[3])))
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
    .firm_late = firm_late,
};
