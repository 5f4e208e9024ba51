/** \file rng.h
 * Keyed random draws: every draw is a pure function of
 * (run seed, replicate, entity id, step, call site).
 *
 * There is no per-rank or per-replicate generator state. A firm therefore sees
 * the same numbers whichever rank runs its replicate, in whatever order, and
 * whichever levers are switched on (common random numbers between scenarios).
 *
 * Derivation (documented in docs/MODEL.md, "Stochasticity"): Philox4x64-10
 * (Random123, Salmon et al. SC11) with
 *     key     = { seed, RNG_KEY_TAG }
 *     counter = { entity, step, site, replicate }
 * where the high 32 bits of counter word 3 are left zero for the GSL adapter,
 * which uses them to count blocks (Random123/gsl_microrng.h).
 */
#ifndef PARKSIM_RNG_H
#define PARKSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/** Call sites. Never renumber: the numbers are part of the stream derivation
 *  and changing one changes every result that uses it. */
enum rng_site {
    RNG_FIRM_MONTH   = 1,  /**< per firm per month: growth, exit, upgrade, merger, incident, promotion */
    RNG_FIRM_YEAR    = 2,  /**< per firm per year: growth variance of the year */
    RNG_FIRM_INIT    = 3,  /**< per initial firm: size, chain and link, technology, R&D, safety, tier */
    RNG_PARK_INIT    = 4,  /**< reserved (initial idle sites are split without draws) */
    RNG_SITE_MONTH   = 5,  /**< per idle site per month: clearing and letting */
    RNG_ENTRANT      = 6,  /**< per entrant: attributes of the new firm */
    RNG_ACQUIRER     = 7,  /**< per merger target per month: choice of acquirer */
    RNG_PARK_MONTH   = 8,  /**< per park per month: chain project (w0), focus (w1) */
    RNG_FIRM_PRE     = 9   /**< per initial firm per month of the year before the run: incident (w1), severity (w3) */
};

/** Second key word; changing it gives a disjoint family of streams. */
#define RNG_KEY_TAG UINT64_C(0x7061726b73696d31) /* "parksim1" */

/** Four 64-bit random words for one (seed, replicate, entity, step, site). */
typedef struct { uint64_t w[4]; } RngBlock;

/** The raw Philox4x64-10 block for a key; the hot path of the model. */
RngBlock rng_block(uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site);

/** Uniform on the open interval (0,1) from the high or low 32 bits of a word:
 *  (x + 0.5) / 2^32, never 0 or 1, so log() and divisions are safe. */
static inline double rng_u32_hi(uint64_t w) { return ((double)(w >> 32) + 0.5) * (1.0 / 4294967296.0); }
static inline double rng_u32_lo(uint64_t w) { return ((double)(w & 0xffffffffu) + 0.5) * (1.0 / 4294967296.0); }
/** Uniform on (0,1) from the top 52 bits of a word: (x + 0.5) / 2^52 is exact
 *  in a double for every 52-bit x, so the largest value is 1 - 2^-53, never 1
 *  (53 bits would round the top value up to exactly 1). */
static inline double rng_u52(uint64_t w) { return ((double)(w >> 12) + 0.5) * (1.0 / 4503599627370496.0); }

/** Standard normal from one word: the inverse normal CDF of rng_u52(w). */
double rng_normal(uint64_t w);

/** Allocate a gsl_rng whose stream is reset by rng_gsl_reset(); use it where a
 *  GSL distribution (gsl_ran_*) is wanted. Returns NULL on allocation failure. */
gsl_rng *rng_gsl_alloc(void);

/** Point a GSL generator at the stream for a key. Up to 4 * 2^32 draws may
 *  follow before the next reset. */
void rng_gsl_reset(gsl_rng *r, uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site);

#endif
