/** \file rng.c
 * Philox4x64-10 keyed draws, raw and through GSL's gsl_rng interface (an
 * adapter that gives the words of Random123's gsl_microrng.h).
 * Pure: no global mutable state (the GSL type object is constant data).
 */
#include "rng.h"
#include "vmath.h"

#include <math.h>
#include <string.h>

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

/* ------------------------------------------------------------ GSL adapter */

/* GSL's view of a keyed stream: the words of Random123's GSL_MICRORNG
 * adapter for philox4x64 (gsl_microrng.h), in its order: block n of a
 * stream has the block count n in the high 32 bits of counter word 3 (our
 * layout leaves them zero), and get() returns the low 32 bits of words 3,
 * 2, 1, 0 of each block in turn. Blocks are made two at a time (n and n + 1
 * side by side, as rng_block2 does): most streams use two to four, and the
 * second costs little beside the first, whose latency it shares. */
typedef struct {
    uint64_t c[4], k0;  /* base counter; key word 0 (word 1 is RNG_KEY_TAG) */
    uint64_t r[2][4];   /* the block in use, and the next one where it was made beside it */
    uint64_t n;         /* blocks used so far */
    int elem, ahead;    /* words left in the block in use; whether r[1] holds the next block */
} PxState;

static void px_pair(PxState *st)
{
    uint64_t a0 = st->c[0], a1 = st->c[1], a2 = st->c[2], a3 = st->c[3] | st->n << 32;
    uint64_t b0 = st->c[0], b1 = st->c[1], b2 = st->c[2], b3 = st->c[3] | (st->n + 1) << 32;
    uint64_t k0 = st->k0, k1 = RNG_KEY_TAG;
    PHX_ROUND(a0, a1, a2, a3, k0, k1);
    PHX_ROUND(b0, b1, b2, b3, k0, k1);
    PHX_9(PHX_BUMP; PHX_ROUND(a0, a1, a2, a3, k0, k1); PHX_ROUND(b0, b1, b2, b3, k0, k1));
    st->r[0][0] = a0, st->r[0][1] = a1, st->r[0][2] = a2, st->r[0][3] = a3;
    st->r[1][0] = b0, st->r[1][1] = b1, st->r[1][2] = b2, st->r[1][3] = b3;
}

static inline unsigned long px_get_inline(PxState *st)
{
    if (st->elem == 0) {
        if (st->ahead) memcpy(st->r[0], st->r[1], sizeof st->r[0]);
        else px_pair(st);
        st->ahead = !st->ahead;
        st->n++;
        st->elem = 4;
    }
    return 0xffffffff & st->r[0][--st->elem];
}

static unsigned long px_get(void *vs) { return px_get_inline(vs); }
static double px_get_double_inline(PxState *st) { return px_get_inline(st) / 4294967296.; }
static double px_get_double(void *vs) { return px_get_double_inline(vs); }
static void px_set(void *vs, unsigned long s)
{
    PxState *st = vs;
    (void)s; /* the stream is set by rng_gsl_reset */
    st->elem = 0;
    st->ahead = 0;
    st->n = ~UINT64_C(0);
}
static const gsl_rng_type px_type = {"parksim-philox4x64", 0xffffffffUL, 0, sizeof(PxState),
                                     px_set,               px_get,      px_get_double};

/* ------------------------------------------------------------ batches */

void rng_blocks_scalar(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                       enum rng_site site, RngBlock *out)
{
    int j = 0;
    for (; j + 2 <= n; j += 2)
        rng_block2(seed, replicate, entity[j], entity[j + 1], step, site, &out[j], &out[j + 1]);
    if (j < n) out[j] = rng_block(seed, replicate, entity[j], step, site);
}

#if defined(__x86_64__)
#include <immintrin.h>

/* What a batch shares: every block of it has the same seed, step, site and
 * replicate, so only counter word 0 (the entity) differs between lanes. In
 * round 1 the product of word 2 (the site) is then the same for all lanes,
 * and in round 2 so is the product of word 0, which round 1 made from the
 * site, step and key alone. Computing those once per batch leaves 18 of the
 * 20 multiplications per block to the lanes; the words are the ones
 * rng_block computes, only fewer times. */
typedef struct {
    uint64_t x1;             /* round 1: word 2 = hi(M0 * entity) ^ x1 */
    uint64_t x2;             /* round 2: word 0 = hi(M1 * word 2) ^ x2 */
    uint64_t x3;             /* round 2: word 2 = (round 1's word 3) ^ x3 */
    uint64_t b3;             /* round 2: word 3, the same for every lane */
    uint64_t k0[10], k1[10]; /* the key of each round */
} PhxBatch;

/* Filled in place: returning the struct by value made GCC copy it in
 * 16-byte moves right after the 8-byte stores of the keys, and the failed
 * store forwarding cost more than a block. */
static inline void phx_batch(PhxBatch *c, uint64_t seed, uint32_t replicate, uint32_t step, enum rng_site site)
{
    uint64_t k0 = seed, k1 = RNG_KEY_TAG;
    for (int r = 0; r < 10; r++) {
        c->k0[r] = k0;
        c->k1[r] = k1;
        PHX_BUMP;
    }
    u128 p1 = (u128)PHX_M1 * (uint64_t)site; /* round 1, word 2 */
    uint64_t a0 = (uint64_t)(p1 >> 64) ^ (uint64_t)step ^ seed, a1 = (uint64_t)p1;
    u128 q0 = (u128)PHX_M0 * a0;             /* round 2, word 0 */
    c->x1 = (uint64_t)replicate ^ RNG_KEY_TAG;
    c->x2 = a1 ^ (seed + PHX_W0);
    c->x3 = (uint64_t)(q0 >> 64) ^ (RNG_KEY_TAG + PHX_W1);
    c->b3 = (uint64_t)q0;
}

/* Only the functions below use AVX-512 instructions; the rest of the file,
 * and of the program, stays plain x86-64, and rng_blocks() calls them only
 * where rng_simd_level() found the instructions. AVX2 alone (four lanes,
 * no three-way xor, no masked shuffle) was measured no faster than the
 * scalar pairs, 7.5-7.8 against 7.4 ns a block, so it has no path. */
#define RNG_AVX512 __attribute__((target("avx512f,avx512vl")))
#define RNG_INLINE static inline __attribute__((always_inline))

/* There is no 64 x 64 -> 128-bit multiplication in the vector instructions:
 * vpmuludq multiplies the low 32 bits of each 64-bit lane. With a = ah:al,
 * the constant m = mh:ml and p_ij the partial products (p01 = al * mh):
 *     w  = (p00 >> 32) + (p01 mod 2^32)                    < 2^33
 *     x  = p10 + w       <= (2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1
 *     hi = p11 + (p01 >> 32) + (x >> 32)
 *     lo = (x mod 2^32) << 32 | (p00 mod 2^32)
 * so nothing overflows and no carry is lost. This order keeps the chain
 * from a to hi one addition shorter than adding p10 first, which matters:
 * a round waits on the previous one, and the loops below run independent
 * chains side by side to fill that wait. The low word is merged from x
 * and p00 by shuffles, which cost less than AVX-512's vpmullq. */

typedef struct { __m256i a0, a1, a2, a3; } Phx256;

/* Lanes to blocks, a 4 x 4 transpose; the first nb blocks are stored. */
RNG_INLINE RNG_AVX512 void phx256_store(const Phx256 *s, RngBlock *out, int nb)
{
    __m256i t0 = _mm256_unpacklo_epi64(s->a0, s->a1), t1 = _mm256_unpackhi_epi64(s->a0, s->a1);
    __m256i t2 = _mm256_unpacklo_epi64(s->a2, s->a3), t3 = _mm256_unpackhi_epi64(s->a2, s->a3);
    /* 128-bit half h of t0 holds words 0,1 of block 2h, of t2 its words 2,3 */
    if (nb > 0) _mm256_storeu_si256((void *)(out + 0), _mm256_permute2x128_si256(t0, t2, 0x20));
    if (nb > 1) _mm256_storeu_si256((void *)(out + 1), _mm256_permute2x128_si256(t1, t3, 0x20));
    if (nb > 2) _mm256_storeu_si256((void *)(out + 2), _mm256_permute2x128_si256(t0, t2, 0x31));
    if (nb > 3) _mm256_storeu_si256((void *)(out + 3), _mm256_permute2x128_si256(t1, t3, 0x31));
}

/* AVX-512 on 256-bit vectors: vpternlogq makes the three-way xor one
 * instruction, a masked shuffle merges the low word, and 32 registers hold
 * three chains. */
RNG_INLINE RNG_AVX512 void mul256x(__m256i a, __m256i ml, __m256i mh, __m256i *hi, __m256i *lo)
{
    __m256i ah = _mm256_shuffle_epi32(a, _MM_SHUFFLE(3, 3, 1, 1));
    __m256i p00 = _mm256_mul_epu32(a, ml), p01 = _mm256_mul_epu32(a, mh);
    __m256i p10 = _mm256_mul_epu32(ah, ml), p11 = _mm256_mul_epu32(ah, mh);
    __m256i w = _mm256_add_epi64(_mm256_srli_epi64(p00, 32), _mm256_and_si256(p01, _mm256_set1_epi64x(0xffffffff)));
    __m256i x = _mm256_add_epi64(p10, w);
    *hi = _mm256_add_epi64(_mm256_add_epi64(p11, _mm256_srli_epi64(p01, 32)), _mm256_srli_epi64(x, 32));
    /* the odd (high) 32-bit halves from x's even ones, the even from p00 */
    *lo = _mm256_mask_shuffle_epi32(p00, 0xAA, x, _MM_SHUFFLE(2, 2, 0, 0));
}

RNG_INLINE RNG_AVX512 void phx256x_start(Phx256 *s, __m256i e, const PhxBatch *c)
{
    const __m256i m0l = _mm256_set1_epi64x((uint32_t)PHX_M0), m0h = _mm256_set1_epi64x(PHX_M0 >> 32);
    const __m256i m1l = _mm256_set1_epi64x((uint32_t)PHX_M1), m1h = _mm256_set1_epi64x(PHX_M1 >> 32);
    __m256i h, l;
    mul256x(e, m0l, m0h, &h, &l);
    __m256i w2 = _mm256_xor_si256(h, _mm256_set1_epi64x((long long)c->x1)), w3 = l;
    mul256x(w2, m1l, m1h, &h, &l);
    s->a0 = _mm256_xor_si256(h, _mm256_set1_epi64x((long long)c->x2));
    s->a1 = l;
    s->a2 = _mm256_xor_si256(w3, _mm256_set1_epi64x((long long)c->x3));
    s->a3 = _mm256_set1_epi64x((long long)c->b3);
}

#define PHX_XOR3 0x96 /* vpternlogq's truth table of a ^ b ^ c */

RNG_INLINE RNG_AVX512 void phx256x_round(Phx256 *s, uint64_t k0, uint64_t k1)
{
    const __m256i m0l = _mm256_set1_epi64x((uint32_t)PHX_M0), m0h = _mm256_set1_epi64x(PHX_M0 >> 32);
    const __m256i m1l = _mm256_set1_epi64x((uint32_t)PHX_M1), m1h = _mm256_set1_epi64x(PHX_M1 >> 32);
    __m256i h0, l0, h1, l1;
    mul256x(s->a0, m0l, m0h, &h0, &l0);
    mul256x(s->a2, m1l, m1h, &h1, &l1);
    s->a0 = _mm256_ternarylogic_epi64(h1, s->a1, _mm256_set1_epi64x((long long)k0), PHX_XOR3);
    s->a2 = _mm256_ternarylogic_epi64(h0, s->a3, _mm256_set1_epi64x((long long)k1), PHX_XOR3);
    s->a1 = l1;
    s->a3 = l0;
}

static inline __mmask8 lanes4(int m) { return (__mmask8)(m >= 4 ? 0xF : m <= 0 ? 0 : (1u << m) - 1); }

/* m blocks (1..12) in three chains of 4 lanes side by side; past m the
 * lanes compute on zeros, and neither array is touched there. */
RNG_INLINE RNG_AVX512 void phx256x_x12(const PhxBatch *c, const uint64_t *entity, int m, RngBlock *out)
{
    Phx256 s0, s1, s2;
    phx256x_start(&s0, _mm256_maskz_loadu_epi64(lanes4(m), entity), c);
    phx256x_start(&s1, _mm256_maskz_loadu_epi64(lanes4(m - 4), entity + 4), c);
    phx256x_start(&s2, _mm256_maskz_loadu_epi64(lanes4(m - 8), entity + 8), c);
    for (int r = 2; r < 10; r++) {
        phx256x_round(&s0, c->k0[r], c->k1[r]);
        phx256x_round(&s1, c->k0[r], c->k1[r]);
        phx256x_round(&s2, c->k0[r], c->k1[r]);
    }
    phx256_store(&s0, out, m);
    phx256_store(&s1, out + 4, m - 4);
    phx256_store(&s2, out + 8, m - 8);
}

/* Why 256-bit vectors and not 512: with 512-bit multiplications in every
 * park's step this processor (Sapphire Rapids class) ran the whole core
 * about 7% slower, and the model gained nothing from blocks at 5.1 ns a
 * block in 16 lanes of 512 bits; three chains of 4 lanes take 6.1 ns
 * (scalar pairs 7.4) without the penalty, and the national population
 * steps 5% more firms a second.
 * Fewer than 9 blocks (a call's or what is left) go to the scalar pairs:
 * a lone pass waits on its latency, about as long as 9 of their blocks. */
RNG_AVX512 void rng_blocks_avx512(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n,
                                  uint32_t step, enum rng_site site, RngBlock *out)
{
    int j = 0;
    if (n >= 9) {
        PhxBatch c;
        phx_batch(&c, seed, replicate, step, site);
        for (; n - j >= 12; j += 12) phx256x_x12(&c, entity + j, 12, out + j);
        if (n - j >= 9) {
            phx256x_x12(&c, entity + j, n - j, out + j);
            j = n;
        }
        /* GCC 12 leaves vzeroupper out before the tail call below, and with
         * the upper halves dirty every legacy-SSE instruction of the rest
         * of the program (the model's doubles, libm's exp) waits to merge
         * them: the model ran 3.5 times slower. */
        _mm256_zeroupper();
    }
    rng_blocks_scalar(seed, replicate, entity + j, n - j, step, site, out + j);
}

int rng_simd_level(void)
{
    /* __builtin_cpu_supports reads what libgcc found at start-up (CPUID, and
     * whether the kernel saves the wider registers): a load and a test, so
     * it is asked on every call rather than kept in a variable. */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
}

#else /* not x86-64: the scalar code under every name */

void rng_blocks_avx512(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                       enum rng_site site, RngBlock *out)
{
    rng_blocks_scalar(seed, replicate, entity, n, step, site, out);
}

int rng_simd_level(void) { return 0; }

#endif

void rng_blocks(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                enum rng_site site, RngBlock *out)
{
    if (rng_simd_level()) rng_blocks_avx512(seed, replicate, entity, n, step, site, out);
    else rng_blocks_scalar(seed, replicate, entity, n, step, site, out);
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

/* The uniforms: word 0 of each block, or (uin not NULL, no blocks) given. */
#define NORMAL_U_(i) (uin ? uin[i] : rng_u52(b[i].w[0]))

static inline __attribute__((always_inline)) void normal_chunk_body(const RngBlock *b, const double *uin, int n,
                                                                    double *z)
{
    int tail[NORMAL_CHUNK], nt = 0, j = 0;
    for (; j + 4 <= n; j += 4) {
        v4d u = {NORMAL_U_(j), NORMAL_U_(j + 1), NORMAL_U_(j + 2), NORMAL_U_(j + 3)};
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
    for (; j < n; j++) z[j] = rng_normal_inv(NORMAL_U_(j));
    /* The tail lanes, four at a time: their logarithms by vmath_log (bit for
     * bit the library's), then rng_normal_tail_log's square root, rational
     * function and sign in lanes. A group with a lane in the far tail
     * (sqrt(-log m) > 5, about one draw in 10^11) goes lane by lane. */
    double m[NORMAL_CHUNK] = {0}, uu[NORMAL_CHUNK] = {0}; /* zeroed: GCC cannot see that the first nt are written */
    for (int t = 0; t < nt; t++) {
        uu[t] = NORMAL_U_(tail[t]);
        m[t] = rng_normal_tail_m(uu[t]);
    }
    vmath_log(m, nt, m);
    int t = 0;
    for (; t + 4 <= nt; t += 4) {
        v4d r = {sqrt(-m[t]), sqrt(-m[t + 1]), sqrt(-m[t + 2]), sqrt(-m[t + 3])};
        if (!((r[0] <= 5.0) & (r[1] <= 5.0) & (r[2] <= 5.0) & (r[3] <= 5.0))) {
            for (int l = 0; l < 4; l++) z[tail[t + l]] = rng_normal_tail_log(uu[t + l], m[t + l]);
            continue;
        }
        r -= 1.6;
        v4d x = RNG_AS241_TAIL_NUM(r) / RNG_AS241_TAIL_DEN(r);
        for (int l = 0; l < 4; l++) {
            uint64_t lo = -(uint64_t)(uu[t + l] < 0.5), bx; /* the sign as rng_normal_tail_log gives it */
            double xl = x[l];
            memcpy(&bx, &xl, sizeof bx);
            bx ^= lo & UINT64_C(0x8000000000000000);
            memcpy(&xl, &bx, sizeof xl);
            z[tail[t + l]] = xl;
        }
    }
    for (; t < nt; t++) z[tail[t]] = rng_normal_tail_log(uu[t], m[t]);
}

#undef NORMAL_U_

/* Each form compiled twice, for blocks and for given uniforms, so that the
 * body's choice between them is made by the compiler, not per value. */
static void normal_chunk_plain(const RngBlock *b, int n, double *z) { normal_chunk_body(b, NULL, n, z); }
static void normal_u_chunk_plain(const double *u, int n, double *z) { normal_chunk_body(NULL, u, n, z); }

#if defined(__x86_64__)
/* The same body compiled for AVX: one 256-bit instruction per four lanes
 * instead of two SSE2 halves (1.9 against 2.5 ns a value for the central
 * formula). The same IEEE operations in the same order (ISO C mode
 * contracts nothing into a fused multiply-add, and the target adds no FMA),
 * so the same bits; test_rng compares the two. */
__attribute__((target("avx"))) static void normal_chunk_avx(const RngBlock *b, int n, double *z)
{
    normal_chunk_body(b, NULL, n, z);
    _mm256_zeroupper(); /* legacy-SSE code follows (see rng_blocks_avx512) */
}
__attribute__((target("avx"))) static void normal_u_chunk_avx(const double *u, int n, double *z)
{
    normal_chunk_body(NULL, u, n, z);
    _mm256_zeroupper();
}
#endif

/* The form this processor runs, for blocks (uin NULL) or for given uniforms. */
static void normal_chunk(const RngBlock *b, const double *uin, int n, double *z)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx")) {
        if (uin) normal_u_chunk_avx(uin, n, z);
        else normal_chunk_avx(b, n, z);
        return;
    }
#endif
    if (uin) normal_u_chunk_plain(uin, n, z);
    else normal_chunk_plain(b, n, z);
}

void rng_normal_batch_plain(const RngBlock *b, int n, double *z)
{
    for (int j = 0; j < n; j += NORMAL_CHUNK)
        normal_chunk_plain(b + j, n - j < NORMAL_CHUNK ? n - j : NORMAL_CHUNK, z + j);
}

void rng_normal_batch(const RngBlock *b, int n, double *z)
{
    for (int j = 0; j < n; j += NORMAL_CHUNK)
        normal_chunk(b + j, NULL, n - j < NORMAL_CHUNK ? n - j : NORMAL_CHUNK, z + j);
}

void rng_normal_inv_batch(const double *u, int n, double *z)
{
    for (int j = 0; j < n; j += NORMAL_CHUNK)
        normal_chunk(NULL, u + j, n - j < NORMAL_CHUNK ? n - j : NORMAL_CHUNK, z + j);
}

gsl_rng *rng_gsl_alloc(void)
{
    return gsl_rng_alloc(&px_type);
}

void rng_gsl_reset(gsl_rng *r, uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site)
{
    PxState *st = r->state;
    st->c[0] = entity, st->c[1] = step, st->c[2] = (uint64_t)site, st->c[3] = replicate;
    st->k0 = seed;
    st->n = 0;
    st->elem = 0;
    st->ahead = 0;
}

double rng_gsl_uniform(gsl_rng *r)
{
    return px_get_double_inline(r->state); /* gsl_rng_uniform: the type's get_double */
}

double rng_gsl_uniform_pos(gsl_rng *r)
{
    double x;
    do x = px_get_double_inline(r->state); /* gsl_rng_uniform_pos */
    while (x == 0);
    return x;
}

void rng_gsl_polar(gsl_rng *r, double *y, double *r2)
{
    double x;
    do { /* a point of the square (-1, 1)^2, until it falls inside the unit circle (not at 0) */
        x = -1 + 2 * rng_gsl_uniform_pos(r);
        *y = -1 + 2 * rng_gsl_uniform_pos(r);
        *r2 = x * x + *y * *y;
    } while (*r2 > 1.0 || *r2 == 0);
}
