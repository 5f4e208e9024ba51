/** \file fixtures.h
 * Building blocks the C unit tests share: loading a scenario, a firm with
 * given attributes, a park's arrays freed, a lever's parameters by id, the
 * context a lever acts in, one-park and hand-built replicates (a gap-filling
 * park, a chain-extension park, a province of identical parks), and the
 * switches that quiet the model down to the process a case tests.
 * Everything is static inline, so a file that does not use a helper does
 * not warn about it.
 */
#ifndef PARKSIM_TEST_FIXTURES_H
#define PARKSIM_TEST_FIXTURES_H

#include "../schedule/replicate.h"
#include "../policies/chain.h"
#include "../policies/cultivation.h"
#include "../policies/focus.h"
#include "../policies/land.h"
#include "../policies/levers.h"
#include "../policies/mergers.h"
#include "../policies/revitalisation.h"
#include "../policies/safety.h"
#include "../policies/smart.h"
#include "../policies/upgrades.h"
#include "../sim/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An active initial firm: R&D 0.01, safety 0.8, the rest as given. */
static inline Firm mkfirm(uint64_t gid, double rev, double land, double tech, int lclass, int chain, int link)
{
    Firm f;
    memset(&f, 0, sizeof f);
    f.gid = gid;
    firm_set_log_rev(&f, log(rev));
    f.land_mu = land;
    f.tech = tech;
    f.rd = 0.01;
    f.safety = 0.8;
    f.born = -1;
    f.lclass = (uint8_t)lclass;
    f.chain = (int8_t)chain;
    f.link = (uint8_t)link;
    return f;
}

static inline void park_clear(ParkState *ps)
{
    free(ps->firm);
    free(ps->site);
    memset(ps, 0, sizeof *ps);
}

/* Writable LeverParams of lever `id` in a test's own Params. */
static inline LeverParams *lever_c(Params *p, LeverId id)
{
    return (LeverParams *)lever_params(p, id); /* p is the caller's, so dropping const is sound */
}

/* The context a lever acts in for park k of R in `month` at `intensity`
 * (valid until the next call). */
static inline LeverCtx *at(Replicate *R, int k, int month, double intensity)
{
    static LeverCtx c;
    LeverCtx x = {replicate_park(R, k), month, intensity, 0, {0}};
    c = x;
    return &c;
}

/* Park k of R as the agents' processes see it (valid until the next call). */
static inline ParkView *view(Replicate *R, int k)
{
    static ParkView v;
    v = replicate_park(R, k);
    return &v;
}

/* Load a scenario; on failure say so as a TAP bail-out (returns 0). */
static inline int load_scenario(Scenario *sc, const char *path)
{
    if (config_load(sc, path, NULL, 0) == SIM_OK) return 1;
    printf("Bail out! cannot load %s (run from the repository root)\n", path);
    return 0;
}

/* ReplicateOut buffers of one replicate (schedule/results.c). */
static inline int out_alloc(ReplicateOut *o, const Params *p, int P)
{
    return replicate_out_alloc(o, p, P, 1) == SIM_OK;
}

/* Stop the test program: a fixture could not be built. */
static inline void bail_oom(void)
{
    printf("Bail out! out of memory\n");
    exit(1);
}

/* A one-park Replicate for the policy functions that take one. */
static inline int rep1(Replicate *R, const Params *p, const ParkInfo *info)
{
    return replicate_alloc(R, p, info, 1, 0) == SIM_OK;
}

/* Every lever off: hand cases switch on only what they test. */
static inline void levers_off(Params *p)
{
    for (int id = 0; id < LEVER_COUNT; id++) lever_c(p, (LeverId)id)->intensity = 0;
}

/* Quiet firm dynamics for the model-level runs: no exits, upgrades, mergers,
 * promotions, entrants or projects unless a case switches one on. */
static inline void quiet(Params *p)
{
    levers_off(p);
    p->firm.exit_rate = 0;
    p->firm.exit_min_revenue = 1e-3;
    p->firm.upgrade_rate = 0;
    p->firm.incident_rate = 0;
    p->mergers.rate = 0;
    p->land.clear_rate = 0;
    p->entry.rate = 0;
    p->chain.project_rate = 0;
    for (int t = 0; t < 4; t++) p->cultivation.rate[t] = 0;
}

/* A one-park Replicate with chain gaps for entrants and revitalisation
 * (population.chain_links must be 4): 2 leading chains of 4 links; chain 0
 * holds links 0, 1, 3 and a firm on link 2 that has exited, chain 1 all
 * four; 8 firms of 10 mu, no sites, next serial 8. */
static inline void gap_park_setup(Replicate *R, const Params *p, ParkInfo *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->code, sizeof info->code, "hand");
    info->n_chains = 2;
    info->land_mu = 1000;
    if (!rep1(R, p, info)) bail_oom();
    ParkState *ps = &R->park[0];
    Firm f;
    int links0[4] = {0, 1, 3, 2};
    for (int i = 0; i < 4; i++) {
        f = mkfirm((uint64_t)i, 1000, 10, 0.5, CLASS_B, 0, links0[i]);
        if (i == 3) f.status = FIRM_EXITED;
        park_add_firm(ps, &f);
    }
    for (int i = 0; i < 4; i++) {
        f = mkfirm((uint64_t)(4 + i), 1000, 10, 0.5, CLASS_B, 1, i);
        park_add_firm(ps, &f);
    }
    ps->next_serial = 8;
}

/* A one-park Replicate for chain extension: 2 leading chains of 4 links;
 * chain 0 holds links 0, 1, 3 (link 2 missing), chain 1 all four; each of
 * the 7 firms has 10 mu; idle sites of the given sizes (not cleared). */
static inline void chain_setup(Replicate *R, const Params *p, ParkInfo *info, char size, const double *sites, int ns)
{
    memset(info, 0, sizeof *info);
    snprintf(info->code, sizeof info->code, "hand");
    info->size_class = size;
    info->n_chains = 2;
    info->land_mu = 70;
    for (int i = 0; i < ns; i++) info->land_mu += sites[i];
    if (replicate_alloc(R, p, info, 1, 0) != SIM_OK) bail_oom();
    ParkState *ps = &R->park[0];
    const int chain[7] = {0, 0, 0, 1, 1, 1, 1}, link[7] = {0, 1, 3, 0, 1, 2, 3};
    for (int i = 0; i < 7; i++) {
        Firm f = mkfirm((uint64_t)i, 1000, 10, 0.5, CLASS_B, chain[i], link[i]);
        park_add_firm(ps, &f);
    }
    ps->next_serial = 7;
    for (int i = 0; i < ns; i++) park_add_site(ps, sites[i], -1);
}

/* A hand-built province for replicate_step runs: P parks (class L, one leading
 * chain) of n firms each, every firm with revenue 1e4, 1 mu, technology 0,
 * safety 0, class `lclass`, outside the leading chains; no idle land. */
static inline void province_setup(Replicate *R, const Params *p, ParkInfo *info, int P, int n, int lclass, int industries)
{
    memset(info, 0, (size_t)P * sizeof *info);
    for (int k = 0; k < P; k++) {
        snprintf(info[k].code, sizeof info[k].code, "p%d", k);
        info[k].size_class = 'L';
        info[k].firms = n;
        info[k].land_mu = n;
        info[k].n_chains = 1;
        info[k].industries = industries;
    }
    if (replicate_alloc(R, p, info, P, 0) != SIM_OK) bail_oom();
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        for (int i = 0; i < n; i++) {
            Firm f = mkfirm(((uint64_t)k << 32) | (uint64_t)i, 1e4, 1, 0, lclass, -1, 0);
            f.safety = 0;
            if (park_add_firm(ps, &f) != SIM_OK) bail_oom();
        }
        ps->next_serial = (uint32_t)n;
    }
    R->firms_start = (long)P * n;
}

#endif
