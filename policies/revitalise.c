/** \file revitalise.c
 * Idle-site dynamics. Baseline: an idle site is cleared with annual
 * probability land.clear_rate and a cleared site is let with annual
 * probability entry.rate. The lever raises both (clearing up to
 * clear_rate_max, paid per mu; letting up to entry_rate_max through
 * investment promotion) and raises the share of entrants placed on missing
 * chain links. 吉水 cleared 40% / 70% / ~100% of its idle land cumulatively
 * in three campaign years [V], which bounds clear_rate_max.
 */
#include "revitalise.h"
#include "../agents/population.h"

#include <string.h>

SimStatus revitalise_park(Replicate *R, int k, int month, double intensity, int *n_entries)
{
    const Params *p = R->p;
    ParkState *ps = &R->park[k];
    double clear_lev = lever_rate(p->land.clear_rate, p->levers.revitalisation.clear_rate_max, intensity);
    double entry = lever_rate(p->entry.rate, p->levers.revitalisation.entry_rate_max, intensity);
    double gap = lever_rate(p->entry.gap_fill_share, p->levers.revitalisation.gap_fill_share_max, intensity);
    *n_entries = 0;

    int i = 0;
    while (i < ps->n_site) {
        Site *s = &ps->site[i];
        /* Keyed by the site's own id, so a site's fate does not depend on how
         * many other sites exist (which levers change). */
        RngBlock b = rng_block(p->run.seed, R->rep, ((uint64_t)k << 32) | s->id, (uint32_t)month,
                               RNG_SITE_MONTH);
        if (!s->ready) {
            double u = rng_u52(b.w[0]);
            if (u < p->land.clear_rate / 12.0 ||
                (intensity > 0 && u < clear_lev / 12.0 &&
                 lever_pay(ps, LEVER_REVITALISATION, p->levers.revitalisation.cost_per_mu * s->mu))) {
                s->ready = 1;
                s->since = month;
            }
            i++;
            continue;
        }
        if (s->since < month && rng_u52(b.w[1]) < entry / 12.0 && month >= ps->frozen_until) {
            double mu = s->mu;
            /* Remove the site first, keeping order: population_entrant may grow the firm array only. */
            memmove(&ps->site[i], &ps->site[i + 1], (size_t)(ps->n_site - i - 1) * sizeof *ps->site);
            ps->n_site--;
            SimStatus st = population_entrant(R, k, month, mu, gap, 1.0);
            if (st != SIM_OK) return st;
            (*n_entries)++;
            continue;
        }
        i++;
    }
    return SIM_OK;
}
