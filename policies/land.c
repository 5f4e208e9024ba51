/** \file land.c
 * 亩均 land-efficiency pressure (docs/MODEL.md [V]: differentiated power,
 * water and land-use-tax prices by A-D class, and D-class firms pushed out).
 * With the lever, a D-class firm loses price_penalty_max × intensity of log
 * revenue a year (a C-class firm price_penalty_c_share of that: the
 * surcharges are graded by class), and a D-class firm's exit hazard rises from the baseline D-class hazard
 * toward forced_exit_rate_max; a forced exit (a draw between the two hazards)
 * happens only if the park's budget pays the compensation for its land. The
 * freed land becomes an idle site like any exit.
 */
#include "land.h"

/* The penalty by class (A, B, C, D), from a table rather than by tests of
 * the class: across firms they are close to coin tosses (A and B are 70%,
 * C 25%), and mispredicted branches for every firm every month cost more
 * than the table. */
static void drift_table(const Params *p, double intensity, double by_class[4])
{
    double pen = intensity > 0 ? intensity * p->levers.land.price_penalty_max : 0.0;
    by_class[0] = by_class[1] = 0.0;
    by_class[2] = pen * p->levers.land.price_penalty_c_share; /* 0 when off: the share is in [0, 1] */
    by_class[3] = pen;
}

double land_drift_penalty(const Params *p, double intensity, const Firm *f)
{
    double by_class[4];
    drift_table(p, intensity, by_class);
    return by_class[f->lclass & 3];
}

int land_forced_exit(const Params *p, double intensity, ParkState *ps, const Firm *f, double u, double base_hazard)
{
    /* u below the baseline hazard is a baseline exit, which the caller decides. */
    if (intensity <= 0 || f->lclass != CLASS_D || u < base_hazard) return 0;
    double lev = lever_rate(base_hazard * 12.0, p->levers.land.forced_exit_rate_max, intensity) / 12.0;
    return u < lev && lever_pay(ps, LEVER_LAND, p->levers.land.compensation_per_mu * f->land_mu);
}

/* Land of D-class firms, mu: what forced exits would compensate. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)p, (void)info;
    double n = 0;
    /* Without a branch per firm: a firm that does not count adds +0, which
     * leaves the sum unchanged bit for bit. */
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        n += (f->status == FIRM_ACTIVE) & (f->lclass == CLASS_D) ? f->land_mu : 0.0;
    }
    return n;
}

/* The table is the same for every firm of a park-month: built at the
 * park's first firm into the context's memo, then one load per firm
 * (building it per firm cost 0.45 ns per firm-step). */
LEVER_FIRM_HOOK double hook_land_drift_cut(LeverCtx *c, const Firm *f)
{
    if (!c->memo_set) {
        drift_table(c->park.p, c->intensity, c->memo);
        c->memo_set = 1;
    }
    return c->memo[f->lclass & 3];
}

LEVER_FIRM_HOOK int hook_land_firm_exit(LeverCtx *c, const Firm *f, double u, double hazard)
{
    return land_forced_exit(c->park.p, c->intensity, c->park.ps, f, u, hazard);
}

static const LeverKey keys[] = {
    {"forced_exit_rate_max", offsetof(Params, levers.land.forced_exit_rate_max), "0.25", 0, 12, "a-1",
     "Exit hazard rate of D-class firms at full intensity (0.25 a-1, i.e. forced out with probability 0.22 within a year) [A, SOURCES §5.3]"},
    {"price_penalty_max", offsetof(Params, levers.land.price_penalty_max), "0.05", 0, 1, "a-1",
     "Differentiated prices (power, water, land tax) on D-class firms, as lost log revenue per year at full intensity [A, mechanism V §3.4]"},
    {"price_penalty_c_share", offsetof(Params, levers.land.price_penalty_c_share), "0.5", 0, 1, "1",
     "Share of the D-class price penalty that C-class firms pay (differentiated prices reach class C too, V §3.4; the share is [A])"},
    {"compensation_per_mu", offsetof(Params, levers.land.compensation_per_mu), "10", 0, 1e6, "CNY 1e4 mu-1",
     "Compensation paid per mu of a forced exit [A]"},
};

const LeverType lever_type_land = {
    .id = LEVER_LAND,
    .key = "land",
    .what = "land-efficiency (亩均)",
    .params = offsetof(Params, levers.land),
    .unit_cost = 0,
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .inert_when_off = 1,
    .need = need,
    .drift_cut = hook_land_drift_cut,
    .firm_exit = hook_land_firm_exit,
};
