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

/* Philox4x64-10 written out (the same arithmetic as Random123's
 * philox4x64_R, checked against it in test_rng): a round multiplies words 0
 * and 2 by the round constants, and the key is bumped by the Weyl
 * constants between rounds. Written for one and for two counters: two
 * independent chains of multiplications keep the multiplier busy where one
 * waits on each round (about 20% less time per block). */
#define PHX_M0 UINT64_C(0xD2E7470EE14C6C93)
#define PHX_M1 UINT64_C(0xCA5A826395121157)
#define PHX_W0 UINT64_C(0x9E3779B97F4A7C15)
#define PHX_W1 UINT64_C(0xBB67AE8584CAA73B)

typedef unsigned __int128 u128;

#define PHX_ROUND(a0, a1, a2, a3, k0, k1)                          \
    do {                                                           \
        u128 p0_ = (u128)PHX_M0 * a0, p1_ = (u128)PHX_M1 * a2;     \
        uint64_t n0_ = (uint64_t)(p1_ >> 64) ^ a1 ^ k0;            \
        uint64_t n2_ = (uint64_t)(p0_ >> 64) ^ a3 ^ k1;            \
        a1 = (uint64_t)p1_;                                        \
        a3 = (uint64_t)p0_;                                        \
        a0 = n0_;                                                  \
        a2 = n2_;                                                  \
    } while (0)

/* Rounds 2..10, written out: -O2 does not unroll the loop, and the round
 * count is part of the stream definition. */
#define PHX_BUMP (k0 += PHX_W0, k1 += PHX_W1)
#define PHX_9(x) do { x; x; x; x; x; x; x; x; x; } while (0)

RngBlock rng_block(uint64_t seed, uint32_t replicate, uint64_t entity, uint32_t step, enum rng_site site)
{
    uint64_t a0 = entity, a1 = step, a2 = (uint64_t)site, a3 = replicate;
    uint64_t k0 = seed, k1 = RNG_KEY_TAG;
    PHX_ROUND(a0, a1, a2, a3, k0, k1);
    PHX_9(PHX_BUMP; PHX_ROUND(a0, a1, a2, a3, k0, k1));
    RngBlock b = {{a0, a1, a2, a3}};
    return b;
}

void rng_block2(uint64_t seed, uint32_t replicate, uint64_t e0, uint64_t e1, uint32_t step, enum rng_site site,
                RngBlock *o0, RngBlock *o1)
{
    uint64_t a0 = e0, a1 = step, a2 = (uint64_t)site, a3 = replicate;
    uint64_t b0 = e1, b1 = step, b2 = (uint64_t)site, b3 = replicate;
    uint64_t k0 = seed, k1 = RNG_KEY_TAG;
    PHX_ROUND(a0, a1, a2, a3, k0, k1);
    PHX_ROUND(b0, b1, b2, b3, k0, k1);
    PHX_9(PHX_BUMP; PHX_ROUND(a0, a1, a2, a3, k0, k1); PHX_ROUND(b0, b1, b2, b3, k0, k1));
    RngBlock x = {{a0, a1, a2, a3}}, y = {{b0, b1, b2, b3}};
    *o0 = x;
    *o1 = y;
}

/* Four lanes of doubles; GCC lowers the operations to whatever vector width
 * the target has (two SSE2 halves on plain x86-64). Each lane is computed
 * with the same IEEE operations in the same order as rng_normal_inv, and
 * ISO C mode does not contract a*b+c into a fused multiply-add, so the lanes
 * equal the scalar results bit for bit. Every lane gets the central formula
 * first; the lanes in the tails (15%, at random) are listed without a branch
 * and done after, because a test per lane would be mispredicted for about
 * one lane in four. */
typedef double v4d __attribute__((vector_size(32)));

enum { NORMAL_CHUNK = 256 };

static void normal_chunk(const RngBlock *b, int n, double *z)
{
    int tail[NORMAL_CHUNK], nt = 0, j = 0;
    for (; j + 4 <= n; j += 4) {
        v4d u = {rng_u52(b[j].w[0]), rng_u52(b[j + 1].w[0]), rng_u52(b[j + 2].w[0]), rng_u52(b[j + 3].w[0])};
        v4d q = u - 0.5;
        v4d r = 0.180625 - q * q;
        v4d num = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                      45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                   133.14166789178437745) * r + 3.387132872796366608;
        v4d den = ((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                      21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                   42.313330701600911252) * r + 1.0;
        v4d x = q * (num / den);
        for (int l = 0; l < 4; l++) {
            z[j + l] = x[l];
            tail[nt] = j + l;
            nt += !(fabs(q[l]) <= 0.425);
        }
    }
    for (; j < n; j++) z[j] = rng_normal(b[j].w[0]);
    for (int t = 0; t < nt; t++) z[tail[t]] = rng_normal_tail(rng_u52(b[tail[t]].w[0]));
}

void rng_normal_batch(const RngBlock *b, int n, double *z)
{
    for (int j = 0; j < n; j += NORMAL_CHUNK) normal_chunk(b + j, n - j < NORMAL_CHUNK ? n - j : NORMAL_CHUNK, z + j);
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
