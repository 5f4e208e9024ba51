/** \file chain.c
 * 补链延链 (chain extension). A project places a new firm on a link missing
 * from the park's leading chains, on the park's largest idle site (cleared as
 * part of the project), with revenue per mu chain.project_scale times an
 * ordinary entrant's. Projects arrive at chain.project_rate per large park-year
 * (medium and small parks: times chain.size_factor_m / _s); the lever raises
 * the rate toward rate_max (1 project per L park and 0.5 per M park a year,
 * docs/MODEL.md [A]) and pays cost_per_project for each project it adds.
 * A project needs a missing link, a site of at least chain.min_site_mu and a
 * park not frozen by a serious incident; otherwise the chance is lost.
 */
#include "chain.h"
#include "../agents/population.h"

#include <string.h>

/* Index of the largest site of at least min_mu, or -1. */
static int largest_site(const ParkState *ps, double min_mu)
{
    int best = -1;
    for (int i = 0; i < ps->n_site; i++)
        if (ps->site[i].mu >= min_mu && (best < 0 || ps->site[i].mu > ps->site[best].mu)) best = i;
    return best;
}

int chain_has_site(const Params *p, const ParkState *ps)
{
    return largest_site(ps, p->chain.min_site_mu) >= 0;
}

int chain_missing_links(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    return park_missing_links(info, ps, p->population.chain_links);
}

SimStatus chain_park_month(LeverCtx *c, double u, int *n_projects)
{
    const Params *p = c->park.p;
    const ParkInfo *info = c->park.info;
    ParkState *ps = c->park.ps;
    int month = c->month;
    double intensity = c->intensity;
    *n_projects = 0;
    double f = info->size_class == 'L' ? 1.0 : info->size_class == 'M' ? p->chain.size_factor_m : p->chain.size_factor_s;
    double base = p->chain.project_rate * f / 12.0;
    int subsidised = 0;
    if (!(u < base)) {
        if (!(intensity > 0 && u < lever_rate(p->chain.project_rate, p->levers.chain.rate_max, intensity) * f / 12.0))
            return SIM_OK;
        subsidised = 1;
    }
    if (month < ps->frozen_until || chain_missing_links(p, info, ps) == 0) return SIM_OK;
    int s = largest_site(ps, p->chain.min_site_mu);
    if (s < 0) return SIM_OK;
    if (subsidised && !lever_pay(ps, LEVER_CHAIN, p->levers.chain.cost_per_project)) return SIM_OK;
    double mu = ps->site[s].mu;
    memmove(&ps->site[s], &ps->site[s + 1], (size_t)(ps->n_site - s - 1) * sizeof *ps->site);
    ps->n_site--;
    SimStatus st = population_entrant(&c->park, month, mu, 1.0, p->chain.project_scale);
    if (st == SIM_OK) *n_projects = 1;
    return st;
}

/* Missing links, where a project could use a site. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    return chain_has_site(p, ps) ? chain_missing_links(p, info, ps) : 0;
}

static SimStatus park_end(LeverCtx *c, const RngBlock *pb)
{
    int n;
    SimStatus st = chain_park_month(c, rng_u52(pb->w[0]), &n);
    c->park.ps->projects_m = n;
    return st;
}

static const LeverKey keys[] = {
    {"rate_max", offsetof(Params, levers.chain.rate_max), "1.0", 0, 12, "a-1",
     "Chain-extension projects per large park-year at full intensity (1 per L park, 0.5 per M park) [A, SOURCES §5.3]"},
    {"cost_per_project", offsetof(Params, levers.chain.cost_per_project), "2000", 0, 1e9, "CNY 1e4",
     "Public cost of one chain-extension project (site preparation, incentives) [A]"},
};

const LeverType lever_type_chain = {
    .id = LEVER_CHAIN,
    .key = "chain",
    .what = "chain-extension (补链延链)",
    .params = offsetof(Params, levers.chain),
    .unit_cost = offsetof(Params, levers.chain.cost_per_project),
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .park_end = park_end,
};
