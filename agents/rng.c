/** \file rng.c
 * Threefry4x64-20 keyed draws, raw and through GSL's gsl_rng interface (an
 * adapter that gives the words of Random123's gsl_microrng.h).
 * Pure: no global mutable state (the GSL type object is constant data).
 */
#include "rng.h"
#include "vmath.h"

#include <math.h>
#include <string.h>

/* Threefry4x64-20 written out (the arithmetic of Random123's threefry4x64_R,
 * checked against it and against its published known answers in test_rng).
 * A round adds one word into another, rotates the second and xors the sum
 * into it, on two pairs of words; every fourth round adds the key schedule,
 * whose fifth word is the parity of the key. The macros work on plain
 * uint64_t and on GCC's vectors of them alike, so the scalar and the vector
 * code below are the same expressions. */
#define TF_PARITY UINT64_C(0x1BD11BDAA9FC1A22)
#define TF_ROTL(x, r) (((x) << (r)) | ((x) >> (64 - (r))))
#define TF_MIX(a, b, r) (a += b, b = TF_ROTL(b, r), b ^= a)
/* Four rounds with the rotation constants of rounds 0-3 (A) or 4-7 (B). */
#define TF_R4A(x0, x1, x2, x3)                                                                         \
    (TF_MIX(x0, x1, 14), TF_MIX(x2, x3, 16), TF_MIX(x0, x3, 52), TF_MIX(x2, x1, 57), TF_MIX(x0, x1, 23), \
     TF_MIX(x2, x3, 40), TF_MIX(x0, x3, 5), TF_MIX(x2, x1, 37))
#define TF_R4B(x0, x1, x2, x3)                                                                         \
    (TF_MIX(x0, x1, 25), TF_MIX(x2, x3, 33), TF_MIX(x0, x3, 46), TF_MIX(x2, x1, 12), TF_MIX(x0, x1, 58), \
     TF_MIX(x2, x3, 22), TF_MIX(x0, x3, 32), TF_MIX(x2, x1, 32))
/* The s-th key injection: words s .. s+3 of the five-word schedule, and s. */
#define TF_INJ(x0, x1, x2, x3, ks, s)                                                            \
    (x0 += (ks)[(s) % 5], x1 += (ks)[((s) + 1) % 5], x2 += (ks)[((s) + 2) % 5],                  \
     x3 += (ks)[((s) + 3) % 5] + (uint64_t)(s))
/* 20 rounds, written out: the round count is part of the stream definition. */
#define TF_20(x0, x1, x2, x3, ks)                                                                         \
    (TF_INJ(x0, x1, x2, x3, ks, 0), TF_R4A(x0, x1, x2, x3), TF_INJ(x0, x1, x2, x3, ks, 1),              \
     TF_R4B(x0, x1, x2, x3), TF_INJ(x0, x1, x2, x3, ks, 2), TF_R4A(x0, x1, x2, x3),                     \
     TF_INJ(x0, x1, x2, x3, ks, 3), TF_R4B(x0, x1, x2, x3), TF_INJ(x0, x1, x2, x3, ks, 4),              \
     TF_R4A(x0, x1, x2, x3), TF_INJ(x0, x1, x2, x3, ks, 5))

/* The key schedule of key {seed, RNG_KEY_TAG, 0, 0}. */
static inline void tf_key(uint64_t ks[5], uint64_t seed)
{
    ks[0] = seed, ks[1] = RNG_KEY_TAG, ks[2] = 0, ks[3] = 0;
    ks[4] = TF_PARITY ^ seed ^ RNG_KEY_TAG;
}

RngBlock rng_block(uint64_t seed, uint32_t replicate, uint64_t entity, uint32_t step, enum rng_site site)
{
    uint64_t ks[5];
    tf_key(ks, seed);
    uint64_t a0 = entity, a1 = step, a2 = (uint64_t)site, a3 = replicate;
    TF_20(a0, a1, a2, a3, ks);
    RngBlock b = {{a0, a1, a2, a3}};
    return b;
}

/* Two blocks side by side: a round of one block waits on the one before,
 * and the other block's round fills the wait. */
void rng_block2(uint64_t seed, uint32_t replicate, uint64_t e0, uint64_t e1, uint32_t step, enum rng_site site,
                RngBlock *o0, RngBlock *o1)
{
    uint64_t ks[5];
    tf_key(ks, seed);
    uint64_t a0 = e0, a1 = step, a2 = (uint64_t)site, a3 = replicate;
    uint64_t b0 = e1, b1 = step, b2 = (uint64_t)site, b3 = replicate;
    TF_20(a0, a1, a2, a3, ks);
    TF_20(b0, b1, b2, b3, ks);
    RngBlock x = {{a0, a1, a2, a3}}, y = {{b0, b1, b2, b3}};
    *o0 = x;
    *o1 = y;
}

/* ------------------------------------------------------------ GSL adapter */

/* GSL's view of a keyed stream: the words of Random123's GSL_MICRORNG
 * adapter for threefry4x64 (gsl_microrng.h), in its order: block n of a
 * stream has the block count n in the high 32 bits of counter word 3 (our
 * layout leaves them zero), and get() returns the low 32 bits of words 3,
 * 2, 1, 0 of each block in turn. Blocks are made ahead, four at a time in
 * vector lanes where the processor has AVX2 (one block's rounds wait on each
 * other, and the four share the wait; most streams use two to five blocks),
 * two at a time otherwise, as rng_block2 does. */
typedef struct {
    uint64_t c[4], ks[5]; /* base counter; key schedule */
    uint64_t r[4][4];     /* the block in use, r[cur], and the ones made with it after it */
    uint64_t n;           /* blocks used so far */
    int elem, cur, ahead; /* words left in r[cur]; blocks after it in r */
    int simd;             /* rng_simd_level() when allocated, or less (rng_gsl_simd) */
} TfState;

static void tf_pair(TfState *st)
{
    uint64_t a0 = st->c[0], a1 = st->c[1], a2 = st->c[2], a3 = st->c[3] | st->n << 32;
    uint64_t b0 = st->c[0], b1 = st->c[1], b2 = st->c[2], b3 = st->c[3] | (st->n + 1) << 32;
    TF_20(a0, a1, a2, a3, st->ks);
    TF_20(b0, b1, b2, b3, st->ks);
    st->r[0][0] = a0, st->r[0][1] = a1, st->r[0][2] = a2, st->r[0][3] = a3;
    st->r[1][0] = b0, st->r[1][1] = b1, st->r[1][2] = b2, st->r[1][3] = b3;
    st->ahead = 1;
}

static void tf_quad(TfState *st); /* blocks n .. n + 3 in lanes, at st->simd (1 or 2) */

static inline unsigned long tf_get_inline(TfState *st)
{
    if (st->elem == 0) {
        if (st->ahead) {
            st->cur++;
            st->ahead--;
        } else {
            if (st->simd) tf_quad(st);
            else tf_pair(st);
            st->cur = 0;
        }
        st->n++;
        st->elem = 4;
    }
    return 0xffffffff & st->r[st->cur][--st->elem];
}

static unsigned long tf_get(void *vs) { return tf_get_inline(vs); }
static double tf_get_double(void *vs) { return tf_get_inline(vs) / 4294967296.; }
static void tf_set(void *vs, unsigned long s)
{
    TfState *st = vs;
    (void)s; /* the stream is set by rng_gsl_reset */
    st->elem = 0;
    st->cur = 0;
    st->ahead = 0;
    st->n = ~UINT64_C(0);
}
static const gsl_rng_type tf_type = {"parksim-threefry4x64", 0xffffffffUL, 0, sizeof(TfState),
                                     tf_set,                 tf_get,      tf_get_double};

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

/* Four lanes of 64-bit words; the same macros as the scalar code. */
typedef uint64_t v4u __attribute__((vector_size(32)));

#define RNG_INLINE static inline __attribute__((always_inline))

/* Lanes to blocks, a 4 x 4 transpose (x_k holds word k of four blocks). */
RNG_INLINE void tf_store4(const v4u *x, RngBlock *out)
{
    v4u x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    v4u t0 = __builtin_shuffle(x0, x1, (v4u){0, 4, 2, 6}), t1 = __builtin_shuffle(x0, x1, (v4u){1, 5, 3, 7});
    v4u t2 = __builtin_shuffle(x2, x3, (v4u){0, 4, 2, 6}), t3 = __builtin_shuffle(x2, x3, (v4u){1, 5, 3, 7});
    v4u r0 = __builtin_shuffle(t0, t2, (v4u){0, 1, 4, 5}), r1 = __builtin_shuffle(t1, t3, (v4u){0, 1, 4, 5});
    v4u r2 = __builtin_shuffle(t0, t2, (v4u){2, 3, 6, 7}), r3 = __builtin_shuffle(t1, t3, (v4u){2, 3, 6, 7});
    memcpy(out[0].w, &r0, sizeof r0);
    memcpy(out[1].w, &r1, sizeof r1);
    memcpy(out[2].w, &r2, sizeof r2);
    memcpy(out[3].w, &r3, sizeof r3);
}

/* Eight blocks, entities e[0..8), as two chains of four lanes side by side:
 * one chain's round waits on its previous one, and the other's fills the
 * wait, which keeps the vector units busy. */
RNG_INLINE void tf_x8(const uint64_t ks[5], uint64_t c1, uint64_t c2, uint64_t c3, const uint64_t *e, RngBlock *out)
{
    v4u a0, b0;
    memcpy(&a0, e, sizeof a0);
    memcpy(&b0, e + 4, sizeof b0);
    v4u a1 = {c1, c1, c1, c1}, a2 = {c2, c2, c2, c2}, a3 = {c3, c3, c3, c3};
    v4u b1 = a1, b2 = a2, b3 = a3;
    TF_20(a0, a1, a2, a3, ks);
    TF_20(b0, b1, b2, b3, ks);
    v4u a[4] = {a0, a1, a2, a3}, b[4] = {b0, b1, b2, b3};
    tf_store4(a, out);
    tf_store4(b, out + 4);
}

/* Twelve blocks as three chains: with AVX-512's 32 vector registers the
 * third chain fits beside the other two without spills and fills the
 * vector units better (3.9 against 4.4 ns a block); AVX2's 16 registers
 * hold two. */
RNG_INLINE void tf_x12(const uint64_t ks[5], uint64_t c1, uint64_t c2, uint64_t c3, const uint64_t *e, RngBlock *out)
{
    v4u a0, b0, d0;
    memcpy(&a0, e, sizeof a0);
    memcpy(&b0, e + 4, sizeof b0);
    memcpy(&d0, e + 8, sizeof d0);
    v4u a1 = {c1, c1, c1, c1}, a2 = {c2, c2, c2, c2}, a3 = {c3, c3, c3, c3};
    v4u b1 = a1, b2 = a2, b3 = a3, d1 = a1, d2 = a2, d3 = a3;
    TF_20(a0, a1, a2, a3, ks);
    TF_20(b0, b1, b2, b3, ks);
    TF_20(d0, d1, d2, d3, ks);
    v4u a[4] = {a0, a1, a2, a3}, b[4] = {b0, b1, b2, b3}, d[4] = {d0, d1, d2, d3};
    tf_store4(a, out);
    tf_store4(b, out + 4);
    tf_store4(d, out + 8);
}

/* The batch in passes of `wide` (8 or 12) blocks, then of 8; a rest of
 * three to seven is padded to a pass of 8 (cheaper than scalar blocks, whose rounds
 * wait on each other), a rest of one or two goes to the scalar pair. */
RNG_INLINE void tf_blocks_vec(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                              enum rng_site site, RngBlock *out, int wide)
{
    uint64_t ks[5];
    tf_key(ks, seed);
    int j = 0;
    if (wide == 12)
        for (; n - j >= 12; j += 12) tf_x12(ks, step, (uint64_t)site, replicate, entity + j, out + j);
    for (; n - j >= 8; j += 8) tf_x8(ks, step, (uint64_t)site, replicate, entity + j, out + j);
    if (n - j >= 3) { /* at most 7 left here */
        uint64_t e[8] = {0};
        RngBlock o[8];
        memcpy(e, entity + j, (size_t)(n - j) * sizeof *e);
        tf_x8(ks, step, (uint64_t)site, replicate, e, o);
        memcpy(out + j, o, (size_t)(n - j) * sizeof *o);
        j = n;
    }
    if (j < n) rng_blocks_scalar(seed, replicate, entity + j, n - j, step, site, out + j);
}

/* The adapter's blocks n .. n + 3 in the four lanes of one chain: the
 * lanes differ in the block count, in counter word 3. */
RNG_INLINE void tf_quad_vec(TfState *st)
{
    uint64_t c0 = st->c[0], c1 = st->c[1], c2 = st->c[2], c3 = st->c[3], n = st->n;
    v4u x0 = {c0, c0, c0, c0}, x1 = {c1, c1, c1, c1}, x2 = {c2, c2, c2, c2};
    v4u x3 = {c3 | n << 32, c3 | (n + 1) << 32, c3 | (n + 2) << 32, c3 | (n + 3) << 32};
    TF_20(x0, x1, x2, x3, st->ks);
    RngBlock o[4];
    v4u x[4] = {x0, x1, x2, x3};
    tf_store4(x, o);
    memcpy(st->r, o, sizeof st->r);
    st->ahead = 3;
}

/* Only the functions below use AVX instructions; the rest of the file,
 * and of the program, stays plain x86-64, and rng_blocks() calls them only
 * where rng_simd_level() found the instructions. With AVX-512 (F and VL) a
 * 64-bit rotate is one instruction (vprolq); AVX2 takes two shifts and an
 * or. Both on 256-bit vectors: with 512-bit ones this processor class
 * (Sapphire Rapids) ran the whole core slower. Each ends with vzeroupper:
 * with the upper halves dirty every legacy-SSE instruction of the rest of
 * the program (the model's doubles, libm's exp) waits to merge them, and
 * GCC 12 leaves it out before a tail call (the model ran 3.5 times slower). */
__attribute__((target("avx512f,avx512vl"))) void rng_blocks_avx512(uint64_t seed, uint32_t replicate,
                                                                    const uint64_t *entity, int n, uint32_t step,
                                                                    enum rng_site site, RngBlock *out)
{
    tf_blocks_vec(seed, replicate, entity, n, step, site, out, 12);
    _mm256_zeroupper();
}

__attribute__((target("avx2"))) void rng_blocks_avx2(uint64_t seed, uint32_t replicate, const uint64_t *entity,
                                                      int n, uint32_t step, enum rng_site site, RngBlock *out)
{
    tf_blocks_vec(seed, replicate, entity, n, step, site, out, 8);
    _mm256_zeroupper();
}

__attribute__((target("avx512f,avx512vl"))) static void tf_quad_avx512(TfState *st)
{
    tf_quad_vec(st);
    _mm256_zeroupper();
}

__attribute__((target("avx2"))) static void tf_quad_avx2(TfState *st)
{
    tf_quad_vec(st);
    _mm256_zeroupper();
}

static void tf_quad(TfState *st)
{
    if (st->simd == 2) tf_quad_avx512(st);
    else tf_quad_avx2(st);
}

int rng_simd_level(void)
{
    /* __builtin_cpu_supports reads what libgcc found at start-up (CPUID, and
     * whether the kernel saves the wider registers): a load and a test, so
     * it is asked on every call rather than kept in a variable. */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return 2;
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

#else /* not x86-64: the scalar code under every name */

void rng_blocks_avx512(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                       enum rng_site site, RngBlock *out)
{
    rng_blocks_scalar(seed, replicate, entity, n, step, site, out);
}

void rng_blocks_avx2(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                     enum rng_site site, RngBlock *out)
{
    rng_blocks_scalar(seed, replicate, entity, n, step, site, out);
}

int rng_simd_level(void) { return 0; }

static void tf_quad(TfState *st) { tf_pair(st); } /* not called: level 0 makes pairs */

#endif

void rng_blocks(uint64_t seed, uint32_t replicate, const uint64_t *entity, int n, uint32_t step,
                enum rng_site site, RngBlock *out)
{
    switch (rng_simd_level()) {
    case 2: rng_blocks_avx512(seed, replicate, entity, n, step, site, out); break;
    case 1: rng_blocks_avx2(seed, replicate, entity, n, step, site, out); break;
    default: rng_blocks_scalar(seed, replicate, entity, n, step, site, out);
    }
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

/* GCC cannot see that the tail arrays below are read only where the loop
 * before wrote them (the first nt), and warns; clearing 4 KB of them for
 * every park-month to silence it cost 0.4 ns per firm-step. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
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
    double m[NORMAL_CHUNK], uu[NORMAL_CHUNK];
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

#pragma GCC diagnostic pop

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
    gsl_rng *r = gsl_rng_alloc(&tf_type);
    if (r) ((TfState *)r->state)->simd = rng_simd_level();
    return r;
}

void rng_gsl_simd(gsl_rng *r, int level)
{
    TfState *st = r->state;
    int have = rng_simd_level();
    st->simd = level < 0 ? 0 : level > have ? have : level;
}

void rng_gsl_reset(gsl_rng *r, uint64_t seed, uint32_t replicate, uint64_t entity,
                   uint32_t step, enum rng_site site)
{
    TfState *st = r->state;
    st->c[0] = entity, st->c[1] = step, st->c[2] = (uint64_t)site, st->c[3] = replicate;
    tf_key(st->ks, seed);
    st->n = 0;
    st->elem = 0;
    st->cur = 0;
    st->ahead = 0;
}
