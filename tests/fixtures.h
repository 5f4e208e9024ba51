/** \file fixtures.h
 * Hand-case building blocks the lever tests share (test_levers.c,
 * test_policies.c): a firm with given attributes, a park's arrays freed, a
 * lever's parameters by id.
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

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An active initial firm: R&D 0.01, safety 0.8, the rest as given. */
static inline Firm mkfirm(uint64_t gid, double rev, double land, double tech, int lclass, int chain, int link)
{
    Firm f;
    memset(&f, 0, sizeof f);
    f.gid = gid;
    f.log_rev = log(rev);
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
    LeverCtx x = {replicate_park(R, k), month, intensity};
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

#endif
