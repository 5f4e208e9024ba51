/** \file rng.c
 * Philox4x64-10 keyed draws, raw and through GSL's gsl_rng interface.
 * Pure: no global mutable state (the GSL type object is constant data).
 */
#include "rng.h"

#include <math.h>
#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

/* Defines gsl_rng_pxrng and pxrng_reset(); the adapter ORs a block count into
 * the high 32 bits of counter word 3, which our layout leaves zero. */
GSL_MICRORNG(pxrng, philox4x64);

static philox4x64_ctr_t make_ctr(uint32_t replicate, uint64_t entity, uint32_t step,
                                 enum rng_site site)
{
    philox4x64_ctr_t c = {{entity, step, (uint64_t)site, replicate}};
    return c;
}

RngBlock rng_block(uint64_t seed, uint32_t replicate, uint64_t entity, uint32_t step,
                   enum rng_site site)
{
    philox4x64_key_t k = {{seed, RNG_KEY_TAG}};
    philox4x64_ctr_t r = philox4x64(make_ctr(replicate, entity, step, site), k);
    RngBlock b = {{r.v[0], r.v[1], r.v[2], r.v[3]}};
    return b;
}

gsl_rng *rng_gsl_alloc(void)
{
    return gsl_rng_alloc(gsl_rng_pxrng);
}

void rng_gsl_reset(gsl_rng *r, uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site)
{
    philox4x64_key_t k = {{seed, RNG_KEY_TAG}};
    pxrng_reset(r, make_ctr(replicate, entity, step, site), k);
}
