/** \file rng.h
 * Keyed random draws: every draw is a pure function of
 * (run seed, replicate, entity id, step, call site).
 *
 * There is no per-rank or per-replicate generator state. A firm therefore sees
 * the same numbers whichever rank runs its replicate, in whatever order, and
 * whichever levers are switched on (common random numbers between scenarios).
 *
 * Derivation (documented in docs/MODEL.md, "Stochasticity"): Threefry4x64-20
 * (Random123, Salmon et al. SC11) with
 *     key     = { seed, RNG_KEY_TAG, 0, 0 }
 *     counter = { entity, step, site, replicate }
 * where the high 32 bits of counter word 3 are left zero for the GSL adapter,
 * which uses them to count blocks (Random123/gsl_microrng.h).
 */
#ifndef PARKSIM_RNG_H
#define PARKSIM_RNG_H

#include <math.h>
#include <stdint.h>
#include <string.h>
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
    RNG_FIRM_PRE     = 9   /**< per initial firm per quarter of the year before the run: word j for its month j, incident (low half), severity (high half) */
};

/** Second key word; changing it gives a disjoint family of streams. */
#define RNG_KEY_TAG UINT64_C(0x7061726b73696d31) /* "parksim1" */

/** Four 64-bit random words for one (seed, replicate, entity, step, site). */
typedef struct { uint64_t w[4]; } RngBlock;

/** The raw Threefry4x64-20 block for a key. */
RngBlock rng_block(uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site);

/** rng_block() for two entities with the same replicate, step and site, bit
 *  for bit, in less time than two calls. */
void rng_block2(uint64_t seed, uint32_t replicate, uint64_t e0, uint64_t e1, uint32_t step, enum rng_site site,
                RngBlock *o0, RngBlock *o1);

/** rng_block() for n entities with the same replicate, step and site:
 *  out[j] = rng_block(seed, replicate, entity[j], step, site) for j < n, bit
 *  for bit. n may be 0; neither array need be aligned beyond its type. Uses
 *  AVX-512 (F and VL) or AVX2 where the processor has it (asked at each
 *  call), the code of rng_block2() otherwise. */
void rng_blocks(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                enum rng_site site, RngBlock *out);

/** For tests and benchmarks: the implementations rng_blocks() chooses from,
 *  each with its contract. rng_simd_level() says which this machine runs:
 *  0 the scalar one only, 1 also rng_blocks_avx2, 2 also rng_blocks_avx512
 *  (AVX-512 F and VL, used on 256-bit vectors). Calling one on a machine
 *  without its instructions is an illegal instruction; on other
 *  architectures than x86-64 all are the scalar code and the level is 0. */
void rng_blocks_scalar(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                       enum rng_site site, RngBlock *out);
void rng_blocks_avx2(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                     enum rng_site site, RngBlock *out);
void rng_blocks_avx512(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                       enum rng_site site, RngBlock *out);
int rng_simd_level(void);

/** Uniform on the open interval (0,1) from the high or low 32 bits of a word:
 *  (x + 0.5) / 2^32, never 0 or 1, so log() and divisions are safe. */
static inline double rng_u32_hi(uint64_t w) { return ((double)(w >> 32) + 0.5) * (1.0 / 4294967296.0); }
static inline double rng_u32_lo(uint64_t w) { return ((double)(w & 0xffffffffu) + 0.5) * (1.0 / 4294967296.0); }
/** Uniform on (0,1) from the top 52 bits of a word: (x + 0.5) / 2^52 is exact
 *  in a double for every 52-bit x, so the largest value is 1 - 2^-53, never 1
 *  (53 bits would round the top value up to exactly 1). */
static inline double rng_u52(uint64_t w) { return ((double)(w >> 12) + 0.5) * (1.0 / 4503599627370496.0); }

/** The tails of rng_normal_inv (|u - 0.5| > 0.425), AS241's second and third
 *  rational functions, in two parts so that a batch can take the logarithms
 *  of its tail lanes together: rng_normal_tail_m(u) is min(u, 1 - u), and
 *  rng_normal_tail_log(u, log(m)) the normal deviate. The two choices on
 *  which side of 0.5 u lies are made without branches (a lane of the batch is
 *  in either tail at random, so a branch there would be mispredicted half
 *  the time): a select of bit patterns and a flip of the sign bit, which is
 *  what -x is. */
/** AS241's rational function for the near tail (r = sqrt(-log m) - 1.6,
 *  for sqrt(-log m) <= 5), as macros so that the scalar code below and the
 *  four-lane batch (agents/rng.c) evaluate the same expression. */
#define RNG_AS241_TAIL_NUM(r)                                                                                     \
    (((((((7.7454501427834140764e-4 * (r) + 0.0227238449892691845833) * (r) + 0.24178072517745061177) * (r) +     \
         1.27045825245236838258) * (r) + 3.64784832476320460504) * (r) + 5.7694972214606914055) * (r) +           \
      4.6303378461565452959) * (r) + 1.42343711074968357734)
#define RNG_AS241_TAIL_DEN(r)                                                                                     \
    (((((((1.05075007164441684324e-9 * (r) + 5.475938084995344946e-4) * (r) + 0.0151986665636164571966) * (r) +  \
         0.14810397642748007459) * (r) + 0.68976733498510000455) * (r) + 1.6763848301838038494) * (r) +           \
      2.05319162663775882187) * (r) + 1.0)

static inline double rng_normal_tail_m(double u)
{
    uint64_t lo = -(uint64_t)(u < 0.5), bu, bv; /* all ones below 0.5 */
    double v = 1.0 - u, m;
    memcpy(&bu, &u, sizeof bu);
    memcpy(&bv, &v, sizeof bv);
    bu = (bu & lo) | (bv & ~lo);
    memcpy(&m, &bu, sizeof m);
    return m;
}

static inline double rng_normal_tail_log(double u, double log_m)
{
    uint64_t lo = -(uint64_t)(u < 0.5), bx;
    double x;
    double r = sqrt(-log_m);
    if (r <= 5.0) {
        r -= 1.6;
        x = RNG_AS241_TAIL_NUM(r) / RNG_AS241_TAIL_DEN(r);
    } else {
        r -= 5.0;
        double n = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                       0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
                    5.4637849111641143699) * r + 6.6579046435011037772;
        double d = ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                       7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                    0.59983220655588793769) * r + 1.0;
        x = n / d;
    }
    memcpy(&bx, &x, sizeof bx);
    bx ^= lo & UINT64_C(0x8000000000000000);
    memcpy(&x, &bx, sizeof x);
    return x;
}

/** The tail deviate for u, log taken here. */
static inline double rng_normal_tail(double u)
{
    return rng_normal_tail_log(u, log(rng_normal_tail_m(u)));
}

/** The inverse of the standard normal CDF at u in (0,1), by Wichura's AS241
 *  (Applied Statistics 37, 1988; relative error ~1e-16). Inline, because it
 *  runs for every firm every month: a call into libgsl cost about as much as
 *  the arithmetic. The rational functions are evaluated in the same order
 *  (Horner from the highest coefficient, numerator over denominator) as
 *  GSL's gsl_cdf_ugaussian_Pinv, so the two agree bit for bit; test_rng
 *  checks that on a million words and the tails. */
static inline double rng_normal_inv(double u)
{
    double q = u - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        double n = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                       45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                    133.14166789178437745) * r + 3.387132872796366608;
        double d = ((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                       21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                    42.313330701600911252) * r + 1.0;
        return q * (n / d);
    }
    return rng_normal_tail(u);
}

/** Standard normal from one word: the inverse normal CDF of rng_u52(w). */
static inline double rng_normal(uint64_t w) { return rng_normal_inv(rng_u52(w)); }

/** z[j] = rng_normal(b[j].w[0]) for j < n, bit for bit, four at a time
 *  (256-bit AVX where the processor has it). */
void rng_normal_batch(const RngBlock *b, int n, double *z);

/** For tests: the same without AVX (two SSE2 halves per four lanes). */
void rng_normal_batch_plain(const RngBlock *b, int n, double *z);

/** z[j] = rng_normal_inv(u[j]) for j < n, u[j] in (0,1), bit for bit (so
 *  gsl_cdf_ugaussian_Pinv's values), by the code of rng_normal_batch. */
void rng_normal_inv_batch(const double *u, int n, double *z);

/** Allocate a gsl_rng whose stream is reset by rng_gsl_reset(); use it where a
 *  GSL distribution (gsl_ran_*) is wanted. Returns NULL on allocation failure. */
gsl_rng *rng_gsl_alloc(void);

/** For tests: make r's blocks with the code of SIMD level `level` (see
 *  rng_simd_level; at most the machine's) from now on. The words are the
 *  same at every level. */
void rng_gsl_simd(gsl_rng *r, int level);

/** Point a GSL generator at the stream for a key. Up to 4 * 2^32 draws may
 *  follow before the next reset. */
void rng_gsl_reset(gsl_rng *r, uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site);

#endif
