/** \file revitalise.c
 * Idle-site dynamics. Baseline: an idle site is cleared with annual
 * probability land.clear_rate and a cleared site is let with annual
 * probability entry.rate. The lever raises both (clearing up to
 * clear_rate_max, paid per mu; letting up to entry_rate_max through
 * investment promotion) and raises the share of entrants placed on missing
 * chain links. 吉水 cleared 40% / 70% / ~100% of its idle land cumulatively
 * in three campaign years [V], which sets clear_rate_max; the baseline sits
 * below the pace of the 3-year digestion rule.
 */
#include "revitalisation.h"
#include "../agents/population.h"

#include <string.h>

SimStatus revitalisation_park(LeverCtx *c, int *n_entries)
{
    const Params *p = c->park.p;
    ParkState *ps = c->park.ps;
    int k = c->park.k, month = c->month;
    double intensity = c->intensity;
    double clear_lev = lever_rate(p->land.clear_rate, p->levers.revitalisation.clear_rate_max, intensity);
    double entry = lever_rate(p->entry.rate, p->levers.revitalisation.entry_rate_max, intensity);
    double gap = lever_rate(p->entry.gap_fill_share, p->levers.revitalisation.gap_fill_share_max, intensity);
    *n_entries = 0;

    /* The sites' blocks a chunk at a time, in site order: a site's block
     * depends on its id alone, and a let site leaves the array, so the
     * chunk's remaining blocks stay in step with the sites that follow. */
    enum { SITE_CHUNK = 64 };
    RngBlock blk[SITE_CHUNK];
    int nb = 0, jb = 0;
    int i = 0;
    while (i < ps->n_site) {
        Site *s = &ps->site[i];
        if (jb == nb) {
            uint64_t id[SITE_CHUNK];
            nb = ps->n_site - i < SITE_CHUNK ? ps->n_site - i : SITE_CHUNK;
            for (int j = 0; j < nb; j++) id[j] = ((uint64_t)k << 32) | ps->site[i + j].id;
            rng_blocks(p->run.seed, c->park.rep, id, nb, (uint32_t)month, RNG_SITE_MONTH, blk);
            jb = 0;
        }
        /* Keyed by the site's own id, so a site's fate does not depend on how
         * many other sites exist (which levers change). */
        const RngBlock b = blk[jb++];
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
            SimStatus st = population_entrant(&c->park, month, mu, gap, 1.0);
            if (st != SIM_OK) return st;
            (*n_entries)++;
            continue;
        }
        i++;
    }
    return SIM_OK;
}

/* The budget pays for clearing: uncleared land only, mu. */
static double need(const Params *p, const ParkInfo *info, const ParkState *ps)
{
    (void)p, (void)info;
    double mu = 0;
    for (int i = 0; i < ps->n_site; i++) mu += ps->site[i].ready ? 0 : ps->site[i].mu;
    return mu;
}

static SimStatus park_end(LeverCtx *c, const RngBlock *pb)
{
    (void)pb;
    int n;
    SimStatus st = revitalisation_park(c, &n);
    c->park.ps->entries_m = n;
    return st;
}

static const LeverKey keys[] = {
    {"clear_rate_max", offsetof(Params, levers.revitalisation.clear_rate_max), "1.0", 0, 12, "a-1",
     "Idle-site clearing rate at full intensity: 吉水's campaign disposed of 40% of its idle land in the first year, 70% in two and ~100% in about 2.4 years, a hazard of about 1 a year (90% in 2.4 years) [V §3.4]"},
    {"entry_rate_max", offsetof(Params, levers.revitalisation.entry_rate_max), "1.0", 0, 12, "a-1",
     "Letting rate of cleared sites at full intensity [A]"},
    {"gap_fill_share_max", offsetof(Params, levers.revitalisation.gap_fill_share_max), "0.8", 0, 1, "1",
     "Share of entrants on missing chain links at full intensity [A]"},
    {"cost_per_mu", offsetof(Params, levers.revitalisation.cost_per_mu), "5", 0, 1e6, "CNY 1e4 mu-1",
     "Public cost of clearing a mu of idle land [A]"},
};

const LeverType lever_type_revitalisation = {
    .id = LEVER_REVITALISATION,
    .key = "revitalisation",
    .what = "site-revitalisation",
    .params = offsetof(Params, levers.revitalisation),
    .unit_cost = 0,
    .keys = keys,
    .n_keys = (int)(sizeof keys / sizeof keys[0]),
    .need = need,
    .park_end = park_end,
};
