/** \file chain.c
 * 补链延链 (chain extension). A project places a new firm on a link missing
 * from the park's leading chains, on the park's largest idle site (cleared as
 * part of the project), with revenue per mu chain.project_scale times an
 * ordinary entrant's. Projects arrive at chain.project_rate per large park-year
 * (medium and small parks: times chain.size_factor_m / _s); the lever raises
 * the rate toward rate_max (1 project per L park and 0.5 per M park a year,
 * DOMAIN-FACTS §5.3 [A]) and pays cost_per_project for each project it adds.
 * A project needs a missing link, a site of at least chain.min_site_mu and a
 * park not frozen by a serious incident; otherwise the chance is lost.
 */
#include "levers.h"
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
    uint64_t filled[PARK_MAX_CHAINS];
    park_filled_links(ps, filled);
    int n = 0;
    for (int c = 0; c < info->n_chains; c++) n += p->population.chain_links - __builtin_popcountll(filled[c]);
    return n;
}

SimStatus chain_park_month(Replicate *R, int k, int month, double intensity, double u, int *n_projects)
{
    const Params *p = R->p;
    const ParkInfo *info = &R->info[k];
    ParkState *ps = &R->park[k];
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
    SimStatus st = population_entrant(R, k, month, mu, 1.0, p->chain.project_scale);
    if (st == SIM_OK) *n_projects = 1;
    return st;
}
