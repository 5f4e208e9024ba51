/** \file test_rng.c
 * Keyed random draws (agents/rng.c) and the growth scale mixture (agents/firm.c).
 *
 * Oracles:
 *  - Threefry4x64-20: an independent implementation written below
 *    (threefry_ref: loops over a table of rotation constants and the key
 *    schedule, not the written-out rounds of agents/rng.c), itself checked
 *    against the three Threefry4x64-20 known-answer vectors of Random123's
 *    tests/kat_vectors, as is the installed Random123 header. rng_block must
 *    then equal threefry_ref with the key/counter layout documented in
 *    agents/rng.h.
 *  - The GSL adapter: Random123/gsl_microrng.h returns the low 32 bits of the
 *    block words v[3], v[2], v[1], v[0], with the block count n ORed into the
 *    high 32 bits of counter word 3 (documented in that header); rng.c's own
 *    adapter is also compared with that header's GSL_MICRORNG, call for call.
 *  - Statistics: exact moments of the target distributions; each tolerance is
 *    stated beside its assertion as a multiple of the estimator's standard error.
 */
#include "tap.h"
#include "../agents/rng.h"
#include "../agents/firm.h"

#include <Random123/threefry.h>
#include <Random123/gsl_microrng.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the oracle */

/* Threefry4x64 with R rounds (Salmon et al. 2011, section 3, and the
 * Skein 1.3 specification it follows): rotation constants by round mod 8,
 * a key injection before round 0 and after every fourth round, key parity
 * 0x1BD11BDAA9FC1A22. */
static void threefry_ref(const uint64_t ctr[4], const uint64_t key[4], int R, uint64_t out[4])
{
    static const int rot[8][2] = {{14, 16}, {52, 57}, {23, 40}, {5, 37}, {25, 33}, {46, 12}, {58, 22}, {32, 32}};
    uint64_t ks[5] = {key[0], key[1], key[2], key[3], UINT64_C(0x1BD11BDAA9FC1A22)};
    for (int i = 0; i < 4; i++) ks[4] ^= key[i];
    uint64_t x[4];
    for (int i = 0; i < 4; i++) x[i] = ctr[i] + ks[i];
    for (int r = 0; r < R; r++) {
        /* even rounds mix (0,1) and (2,3), odd rounds (0,3) and (2,1) */
        int b0 = r % 2 ? 3 : 1, b1 = r % 2 ? 1 : 3;
        const int *c = rot[r % 8];
        x[0] += x[b0];
        x[b0] = (x[b0] << c[0]) | (x[b0] >> (64 - c[0]));
        x[b0] ^= x[0];
        x[2] += x[b1];
        x[b1] = (x[b1] << c[1]) | (x[b1] >> (64 - c[1]));
        x[b1] ^= x[2];
        if (r % 4 == 3) {
            int s = (r + 1) / 4;
            for (int i = 0; i < 4; i++) x[i] += ks[(s + i) % 5];
            x[3] += (uint64_t)s;
        }
    }
    memcpy(out, x, sizeof x);
}

/* Random123 tests/kat_vectors, lines "threefry4x64 20 ctr[4] key[4] out[4]". */
static const uint64_t kat[3][12] = {
    {0, 0, 0, 0, 0, 0, 0, 0,
     UINT64_C(0x09218ebde6c85537), UINT64_C(0x55941f5266d86105), UINT64_C(0x4bd25e16282434dc), UINT64_C(0xee29ec846bd2e40b)},
    {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
     UINT64_C(0x29c24097942bba1b), UINT64_C(0x0371bbfb0f6f4e11), UINT64_C(0x3c231ffa33f83a1c), UINT64_C(0xcd29113fde32d168)},
    {UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344), UINT64_C(0xa4093822299f31d0), UINT64_C(0x082efa98ec4e6c89),
     UINT64_C(0x452821e638d01377), UINT64_C(0xbe5466cf34e90c6c), UINT64_C(0xbe5466cf34e90c6c), UINT64_C(0xc0ac29b7c97c50dd),
     UINT64_C(0xa7e8fde591651bd9), UINT64_C(0xbaafd0c30138319b), UINT64_C(0x84a5c1a729e685b9), UINT64_C(0x901d406ccebc1ba4)},
};

/* The second key word, built from its documented spelling "parksim1"
 * (ASCII, most significant byte first). */
static uint64_t key_tag(void)
{
    const char *s = "parksim1";
    uint64_t t = 0;
    for (int i = 0; i < 8; i++) t = t << 8 | (unsigned char)s[i];
    return t;
}

/* rng_block as agents/rng.h documents it: key {seed, tag, 0, 0}, counter
 * {entity, step, site, replicate}. */
static void block_ref(uint64_t seed, uint32_t rep, uint64_t entity, uint32_t step, int site, uint64_t out[4])
{
    uint64_t ctr[4] = {entity, step, (uint64_t)site, rep}, key[4] = {seed, key_tag(), 0, 0};
    threefry_ref(ctr, key, 20, out);
}

static int block_eq(RngBlock b, const uint64_t w[4])
{
    return b.w[0] == w[0] && b.w[1] == w[1] && b.w[2] == w[2] && b.w[3] == w[3];
}

/* Number of words in which two blocks differ. */
static int words_differ(RngBlock a, RngBlock b)
{
    int n = 0;
    for (int i = 0; i < 4; i++) n += a.w[i] != b.w[i];
    return n;
}

/* ------------------------------------------------------------ moments */

typedef struct { double n, m1, m2, m3, m4; } Moments; /* running central moments (Welford/Terriberry) */

static void mom_add(Moments *s, double x)
{
    double n1 = s->n, n = n1 + 1, d = x - s->m1, dn = d / n, dn2 = dn * dn, t = d * dn * n1;
    s->m1 += dn;
    s->m4 += t * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * s->m2 - 4 * dn * s->m3;
    s->m3 += t * dn * (n - 2) - 3 * dn * s->m2;
    s->m2 += t;
    s->n = n;
}
static double mom_mean(const Moments *s) { return s->m1; }
static double mom_var(const Moments *s) { return s->m2 / s->n; }
static double mom_exkurt(const Moments *s) { return s->n * s->m4 / (s->m2 * s->m2) - 3.0; }

/* ---- 1. the oracle reproduces Random123's known answers */
TEST(test_threefry_oracle_kat)
{
    for (int i = 0; i < 3; i++) {
        uint64_t out[4];
        threefry_ref(&kat[i][0], &kat[i][4], 20, out);
        ok(!memcmp(out, &kat[i][8], sizeof out), "independent Threefry4x64-20 matches Random123 KAT vector %d", i);
    }
}

/* ---- the installed Random123 header agrees with the same vectors */
TEST(test_random123_header_kat)
{
    int good = 1;
    for (int i = 0; i < 3; i++) {
        threefry4x64_ctr_t c = {{kat[i][0], kat[i][1], kat[i][2], kat[i][3]}};
        threefry4x64_key_t k = {{kat[i][4], kat[i][5], kat[i][6], kat[i][7]}};
        threefry4x64_ctr_t r = threefry4x64_R(20, c, k);
        for (int j = 0; j < 4; j++) good &= r.v[j] == kat[i][8 + j];
    }
    ok(good, "Random123 threefry4x64_R(20) reproduces the three KAT vectors");
    ok(RNG_KEY_TAG == key_tag(), "RNG_KEY_TAG spells \"parksim1\"");
}

/* ---- 2. rng_block is Threefry4x64-20 under the documented key/counter layout */
TEST(test_block_layout)
{
    uint64_t w[4];
    block_ref(0, 0, 0, 0, 0, w);
    ok(block_eq(rng_block(0, 0, 0, 0, (enum rng_site)0), w), "rng_block(0,0,0,0,0) equals the oracle");
    block_ref(20260101, 7, (UINT64_C(3) << 32) | 17, 35, RNG_FIRM_MONTH, w);
    ok(block_eq(rng_block(20260101, 7, (UINT64_C(3) << 32) | 17, 35, RNG_FIRM_MONTH), w),
       "rng_block for a firm-month key equals the oracle");
    block_ref(UINT64_MAX, UINT32_MAX, UINT64_MAX, UINT32_MAX, RNG_PARK_MONTH, w);
    ok(block_eq(rng_block(UINT64_MAX, UINT32_MAX, UINT64_MAX, UINT32_MAX, RNG_PARK_MONTH), w),
       "rng_block with all-ones fields equals the oracle");
    /* 1000 pseudo-random keys */
    int good = 1;
    uint64_t x = 0x243f6a8885a308d3u;
    for (int i = 0; i < 1000 && good; i++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        uint64_t seed = x;
        uint32_t rep = (uint32_t)(x >> 17), step = (uint32_t)(x >> 40);
        uint64_t ent = x ^ (x << 13);
        int site = 1 + (int)(x >> 61);
        block_ref(seed, rep, ent, step, site, w);
        good = block_eq(rng_block(seed, rep, ent, step, (enum rng_site)site), w);
    }
    ok(good, "rng_block equals the oracle on 1000 further keys");
    /* the two-counter form, on the same keys paired with a neighbour entity */
    good = 1;
    for (int i = 0; i < 1000 && good; i++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        uint32_t rep = (uint32_t)(x >> 17), step = (uint32_t)(x >> 40);
        uint64_t ent = x ^ (x << 13), w2[4];
        int site = 1 + (int)(x >> 61);
        RngBlock b0, b1;
        rng_block2(x, rep, ent, ent + 1 + (x >> 50), step, (enum rng_site)site, &b0, &b1);
        block_ref(x, rep, ent, step, site, w);
        block_ref(x, rep, ent + 1 + (x >> 50), step, site, w2);
        good = block_eq(b0, w) && block_eq(b1, w2);
    }
    ok(good, "rng_block2 equals the oracle for both entities on 1000 keys");
}

/* ---- the batch form, rng_blocks, and each of its implementations equal
 * rng_block (itself checked against the oracle above) block for block */

typedef void (*BlocksFn)(uint64_t, uint32_t, const uint64_t *, int, uint32_t, enum rng_site, RngBlock *);

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Words where carries out of a lane, the top bit, a rotation's two halves
 * and all-ones are most likely to go wrong in a lane implementation. */
static const uint64_t edge64[] = {
    0, 1, 2, UINT64_MAX, UINT64_MAX - 1, UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1, UINT64_C(0xffffffff),
    UINT64_C(0x100000000), UINT64_C(0xffffffff00000000), UINT64_C(0x80000000), UINT64_C(0x8000000080000000),
    UINT64_C(0x7fffffff7fffffff), UINT64_C(0xaaaaaaaaaaaaaaaa), UINT64_C(0x5555555555555555),
    UINT64_C(0xffffffff7fffffff), UINT64_C(0x00000001ffffffff), UINT64_C(0xD2E7470EE14C6C93),
    UINT64_C(0xCA5A826395121157)};
#define N_EDGE64 ((int)(sizeof edge64 / sizeof edge64[0]))
static const uint32_t edge32[] = {0, 1, UINT32_MAX, UINT32_MAX - 1, UINT32_C(0x80000000), UINT32_C(0x7fffffff)};
#define N_EDGE32 ((int)(sizeof edge32 / sizeof edge32[0]))

static uint64_t pick64(uint64_t *s)
{
    uint64_t r = splitmix(s);
    return r % 4 == 0 ? edge64[(r >> 8) % N_EDGE64] : splitmix(s);
}
static uint32_t pick32(uint64_t *s)
{
    uint64_t r = splitmix(s);
    return r % 4 == 0 ? edge32[(r >> 8) % N_EDGE32] : (uint32_t)(splitmix(s) >> 17);
}

/* The sites in use (1..9), 0, the ABC sampler's 101..103 and 255. */
static enum rng_site pick_site(uint64_t *s)
{
    static const unsigned sites[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 101, 102, 103, 255};
    return (enum rng_site)sites[splitmix(s) % (sizeof sites / sizeof sites[0])];
}

#define GUARD UINT64_C(0x5eed5eed5eed5eed)

/* One call of f on n entities drawn from *s with the output at word offset
 * off (0..7) of a 64-byte-aligned buffer and the entities at eoff: returns
 * the number of blocks that differ from rng_block plus the number of guard
 * words (two blocks on either side) that were written. */
static long check_call(BlocksFn f, uint64_t *s, int n, int off, int eoff, uint64_t *ebuf, uint64_t *obuf)
{
    uint64_t seed = pick64(s);
    uint32_t rep = pick32(s), step = pick32(s);
    enum rng_site site = pick_site(s);
    uint64_t *ent = ebuf + eoff;
    for (int j = 0; j < n; j++) ent[j] = pick64(s);
    /* obuf: [off words][2 guard blocks][n blocks][2 guard blocks] */
    size_t words = (size_t)off + 4 * ((size_t)n + 4);
    for (size_t i = 0; i < words; i++) obuf[i] = GUARD;
    RngBlock *out = (RngBlock *)(obuf + off + 8);
    f(seed, rep, ent, n, step, site, out);
    long bad = 0;
    for (size_t i = 0; i < (size_t)off + 8; i++) bad += obuf[i] != GUARD;
    for (size_t i = (size_t)off + 8 + 4 * (size_t)n; i < words; i++) bad += obuf[i] != GUARD;
    for (int j = 0; j < n; j++) {
        RngBlock r = rng_block(seed, rep, ent[j], step, site);
        bad += words_differ(r, out[j]) != 0;
    }
    return bad;
}

TEST(test_blocks_batch)
{
    static const struct { const char *name; BlocksFn f; int level; } impl[] = {
        {"rng_blocks_scalar", rng_blocks_scalar, 0},
        {"rng_blocks_avx2", rng_blocks_avx2, 1},
        {"rng_blocks_avx512", rng_blocks_avx512, 2},
        {"rng_blocks", rng_blocks, 0},
    };
    int level = rng_simd_level();
    diag("this machine runs SIMD level %d (0 scalar, 1 AVX2, 2 AVX-512)", level);
#if defined(__x86_64__)
    int want = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2
               : __builtin_cpu_supports("avx2")                                          ? 1
                                                                                          : 0;
    is_int(level, want, "rng_simd_level agrees with the CPU's features");
#endif
    enum { BIG = 100003 };
    /* aligned_alloc wants a multiple of the alignment */
    uint64_t *ebuf = aligned_alloc(64, (BIG + 16 + 7) / 8 * 64);
    uint64_t *obuf = aligned_alloc(64, (4 * (BIG + 4) + 64 + 7) / 8 * 64);
    if (!ok(ebuf && obuf, "allocated the buffers")) {
        free(ebuf);
        free(obuf);
        return;
    }
    for (size_t v = 0; v < sizeof impl / sizeof impl[0]; v++) {
        if (impl[v].level > level) {
            ok(1, "# SKIP %s: this machine lacks the instructions (level %d < %d)", impl[v].name, level,
               impl[v].level);
            ok(1, "# SKIP %s on large batches", impl[v].name);
            continue;
        }
        uint64_t st = 0x243f6a8885a308d3u + v;
        /* every size 0..33 (each remainder of the 8-block passes, after
         * none to four of them: the padded pass and the scalar rest) at
         * every offset of output and input */
        long bad = 0, blocks = 0;
        for (int rep = 0; rep < 2000; rep++)
            for (int n = 0; n <= 33; n++) {
                bad += check_call(impl[v].f, &st, n, (rep + n) % 8, rep % 8, ebuf, obuf);
                blocks += n;
            }
        ok(bad == 0, "%s equals rng_block on %ld blocks in batches of 0..33, writes nothing else (%ld wrong)",
           impl[v].name, blocks, bad);
        long bad2 = 0, blocks2 = 0;
        static const int big[] = {1000, 1001, 4095, 4099, 65536 + 13, BIG, BIG - 5, 777, 20000, 16 * 1024};
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < (int)(sizeof big / sizeof big[0]); i++) {
                bad2 += check_call(impl[v].f, &st, big[i], (i + k) % 8, (i + 3) % 8, ebuf, obuf);
                blocks2 += big[i];
            }
        ok(bad2 == 0, "%s equals rng_block on %ld blocks in batches of up to %d (%ld wrong)", impl[v].name,
           blocks2, BIG, bad2);
    }
    /* the layout's own edges in one batch: every edge entity under the
     * extreme seeds, steps, sites and replicates */
    long bad = 0, blocks = 0;
    uint64_t st = 7;
    for (int a = 0; a < N_EDGE64; a++)
        for (int b = 0; b < N_EDGE32; b++)
            for (int c = 0; c < N_EDGE32; c++) {
                uint64_t seed = edge64[a];
                uint32_t step = edge32[b], rep = edge32[c];
                enum rng_site site = pick_site(&st);
                RngBlock out[N_EDGE64];
                for (size_t v = 0; v < sizeof impl / sizeof impl[0]; v++) {
                    if (impl[v].level > level) continue;
                    impl[v].f(seed, rep, edge64, N_EDGE64, step, site, out);
                    for (int j = 0; j < N_EDGE64; j++)
                        bad += words_differ(out[j], rng_block(seed, rep, edge64[j], step, site)) != 0;
                    blocks += N_EDGE64;
                }
            }
    ok(bad == 0, "every implementation here equals rng_block on %ld blocks of edge seeds, entities, steps, "
                 "replicates (%ld wrong)", blocks, bad);
    free(ebuf);
    free(obuf);
}

/* ---- 3. every key field matters */
TEST(test_key_fields_matter)
{
    RngBlock b = rng_block(11, 2, 3, 4, RNG_FIRM_MONTH);
    /* A different key gives an unrelated block: all four words differ
     * (a coincidence in one word has probability 2^-64). */
    ok(words_differ(b, rng_block(12, 2, 3, 4, RNG_FIRM_MONTH)) == 4, "seed changes the block");
    ok(words_differ(b, rng_block(11, 3, 3, 4, RNG_FIRM_MONTH)) == 4, "replicate changes the block");
    ok(words_differ(b, rng_block(11, 2, 4, 4, RNG_FIRM_MONTH)) == 4, "entity changes the block");
    ok(words_differ(b, rng_block(11, 2, 3, 5, RNG_FIRM_MONTH)) == 4, "step changes the block");
    ok(words_differ(b, rng_block(11, 2, 3, 4, RNG_FIRM_YEAR)) == 4, "site changes the block");
    ok(words_differ(b, rng_block(11, 2, 3 | (UINT64_C(1) << 32), 4, RNG_FIRM_MONTH)) == 4 &&
       words_differ(b, rng_block(11, 2, 4, 3, RNG_FIRM_MONTH)) == 4,
       "the park half of an entity id matters, and entity/step are not interchangeable");
}

/* ---- 4. uniforms stay in the open interval (0,1) */
TEST(test_uniform_open_interval)
{
    /* Hand values: (x + 0.5) / 2^32 and (x + 0.5) / 2^53. */
    is_double(rng_u32_hi(UINT64_C(1) << 63), 0.5 + 0.5 / 4294967296.0, 0, "rng_u32_hi(2^63) = (2^31 + 0.5) / 2^32");
    is_double(rng_u32_lo(3), 3.5 / 4294967296.0, 0, "rng_u32_lo(3) = 3.5 / 2^32");
    ok(rng_u32_hi(0) > 0 && rng_u32_lo(0) > 0 && rng_u52(0) > 0, "the smallest word maps above 0");
    ok(rng_u32_hi(UINT64_MAX) < 1 && rng_u32_lo(UINT64_MAX) < 1, "rng_u32_hi/lo of the largest word stay below 1");
    /* (2^53 - 1) + 0.5 is not a double: it rounds to 2^53, so 1.0 would come
     * out. The documented contract is the open interval. */
    ok(rng_u52(UINT64_MAX) < 1, "rng_u52 of the largest word stays below 1 (got %.17g)", rng_u52(UINT64_MAX));
    ok(rng_u52(UINT64_C(0xfffffffffffff800)) < 1, "rng_u52 of the top 53-bit value stays below 1");
    int good = 1;
    for (uint32_t i = 0; i < 250000; i++) {
        RngBlock b = rng_block(5, 0, i, 0, RNG_PARK_MONTH);
        for (int j = 0; j < 4; j++) {
            double a = rng_u32_hi(b.w[j]), c = rng_u32_lo(b.w[j]), d = rng_u52(b.w[j]);
            good &= a > 0 && a < 1 && c > 0 && c < 1 && d > 0 && d < 1;
        }
    }
    ok(good, "1e6 random words give uniforms strictly inside (0,1)");
}

/* ---- 5. uniform moments: N = 1e6 of each.
 * mean: sd = sqrt(1/12 / N) = 2.9e-4, tolerance 1.5e-3 (5 sd);
 * variance 1/12: sd = sqrt((1/80 - 1/144) / N) = 7.5e-5, tolerance 4e-4 (5 sd). */
TEST(test_uniform_moments)
{
    Moments hi = {0}, u53 = {0};
    for (uint32_t i = 0; i < 500000; i++) {
        RngBlock b = rng_block(20260101, 1, i, 0, RNG_FIRM_INIT);
        mom_add(&hi, rng_u32_hi(b.w[0]));
        mom_add(&hi, rng_u32_lo(b.w[1]));
        mom_add(&u53, rng_u52(b.w[2]));
        mom_add(&u53, rng_u52(b.w[3]));
    }
    is_double(mom_mean(&hi), 0.5, 1.5e-3, "rng_u32_hi/lo mean is 1/2");
    is_double(mom_var(&hi), 1.0 / 12, 4e-4, "rng_u32_hi/lo variance is 1/12");
    is_double(mom_mean(&u53), 0.5, 1.5e-3, "rng_u52 mean is 1/2");
    is_double(mom_var(&u53), 1.0 / 12, 4e-4, "rng_u52 variance is 1/12");
}

/* ---- 6. rng_normal */
TEST(test_normal)
{
    /* Inversion: the word whose top 52 bits are x gives u = (x + 0.5)/2^52.
     * Oracles from tables of the normal distribution: Phi(1.959963984540054)
     * = 0.975 and Phi(0) = 0.5; the words are chosen so that u is within
     * 2^-53 of those, and dz/du = 1/phi(z) <= 17 keeps z within 1e-14. */
    uint64_t w975 = (uint64_t)(0.975 * 4503599627370496.0) << 12;
    is_double(rng_normal(w975), 1.959963984540054, 1e-12, "rng_normal inverts the normal CDF at u = 0.975");
    is_double(rng_normal(UINT64_C(1) << 63), 0, 1e-15, "rng_normal at u = 1/2 is 0");
    /* N = 1e6: mean sd 1e-3 (tol 5e-3); variance sd sqrt(2/N) = 1.4e-3 (tol 7e-3);
     * excess kurtosis sd sqrt(24/N) = 4.9e-3 (tol 0.03, 6 sd). */
    Moments z = {0};
    for (uint32_t i = 0; i < 250000; i++) {
        RngBlock b = rng_block(99, 3, i, 7, RNG_FIRM_MONTH);
        for (int j = 0; j < 4; j++) mom_add(&z, rng_normal(b.w[j]));
    }
    diag("normal: mean %.5f var %.5f excess kurtosis %.4f", mom_mean(&z), mom_var(&z), mom_exkurt(&z));
    is_double(mom_mean(&z), 0, 5e-3, "rng_normal mean is 0");
    is_double(mom_var(&z), 1, 7e-3, "rng_normal variance is 1");
    is_double(mom_exkurt(&z), 0, 0.03, "rng_normal excess kurtosis is 0");

    /* The inline AS241 must equal GSL's gsl_cdf_ugaussian_Pinv bit for bit
     * (the model's results depend on it): on a million keyed words (every
     * branch: 85% central, the rest intermediate) and on the deep tails,
     * u = (x + 0.5) 2^-52 and 1 - u for x = 0..2^20 step 1021, where
     * sqrt(-ln u) > 5 takes the far-tail branch. */
    long differ = 0, tail = 0;
    for (uint32_t i = 0; i < 250000; i++) {
        RngBlock b = rng_block(5, 1, i, 2, RNG_FIRM_MONTH);
        for (int j = 0; j < 4; j++) {
            double u = rng_u52(b.w[j]);
            differ += rng_normal_inv(u) != gsl_cdf_ugaussian_Pinv(u);
        }
    }
    for (uint64_t x = 0; x < (UINT64_C(1) << 20); x += 1021) {
        double u = rng_u52(x << 12), v = rng_u52((((UINT64_C(1) << 52) - 1 - x)) << 12);
        tail += sqrt(-log(u)) > 5.0;
        differ += rng_normal_inv(u) != gsl_cdf_ugaussian_Pinv(u);
        differ += rng_normal_inv(v) != gsl_cdf_ugaussian_Pinv(v);
    }
    ok(tail > 0, "the tail words reach the far-tail branch (%ld of them)", tail);
    /* the batch form, on 100,003 words (not a multiple of four) */
    enum { NB = 100003 };
    RngBlock *bb = malloc(NB * sizeof *bb);
    double *zb = malloc(NB * sizeof *zb);
    long bdiff = bb && zb ? 0 : -1;
    for (int i = 0; bb && zb && i < NB; i++) bb[i] = rng_block(6, 2, (uint64_t)i, 3, RNG_FIRM_MONTH);
    if (bb && zb) rng_normal_batch(bb, NB, zb);
    for (int i = 0; bdiff >= 0 && i < NB; i++) bdiff += zb[i] != rng_normal(bb[i].w[0]);
    ok(bdiff == 0, "rng_normal_batch equals rng_normal word by word (%ld of 100,003 differ)", bdiff);
    long pdiff = bb && zb ? 0 : -1;
    if (bb && zb) rng_normal_batch_plain(bb, NB, zb);
    for (int i = 0; pdiff >= 0 && i < NB; i++) pdiff += zb[i] != rng_normal(bb[i].w[0]);
    ok(pdiff == 0, "rng_normal_batch_plain (no AVX) equals rng_normal word by word (%ld of 100,003 differ)", pdiff);
    /* Far-tail words (sqrt(-log m) > 5: u within 2^-36 of 0 or 1) among near-tail and central
     * ones, in every lane position and group of four tail lanes, both batch forms. */
    long fdiff = 0, far = 0;
    for (int pos = 0; pos < 12; pos++) {
        RngBlock fb[40];
        double fz[40], pz[40];
        for (int i = 0; i < 40; i++) {
            uint64_t x = (uint64_t)(pos * 40 + i) * 37; /* < 2^15: u below e^-25 or above 1 - e^-25 */
            /* lanes: far tail at pos and pos+13, near tails every third, the rest central */
            uint64_t w = i == pos || i == pos + 13 ? (i % 2 ? x : ((UINT64_C(1) << 52) - 1 - x)) << 12
                       : i % 3 == 0 ? (UINT64_C(1) << 52) / 50 * (uint64_t)(1 + i % 2 * 48) << 12
                                    : (UINT64_C(1) << 63) + x * 977;
            fb[i].w[0] = w;
            fb[i].w[1] = fb[i].w[2] = fb[i].w[3] = 0;
            far += sqrt(-log(fmin(rng_u52(w), 1 - rng_u52(w)))) > 5.0;
        }
        rng_normal_batch(fb, 40, fz);
        rng_normal_batch_plain(fb, 40, pz);
        for (int i = 0; i < 40; i++) fdiff += (fz[i] != rng_normal(fb[i].w[0])) + (pz[i] != rng_normal(fb[i].w[0]));
    }
    ok(fdiff == 0 && far >= 24, "both batch forms equal rng_normal with far-tail words in every position (%ld of %ld far, %ld differ)",
       far, 12L * 40, fdiff);
    free(bb);
    free(zb);
    ok(differ == 0, "inline AS241 equals gsl_cdf_ugaussian_Pinv bit for bit (%ld of 1,002,054 differ)", differ);
}

/* rng_normal_inv_batch against GSL's gsl_cdf_ugaussian_Pinv, bit for bit:
 * the grid of gsl_rng_uniform_pos values (k / 2^32) near 0, 1/2 and 1,
 * where the central formula meets the tails, and random doubles, in
 * batches of every length up to 300 (every lane position and remainder). */
TEST(test_normal_inv_batch)
{
    enum { N = 300 };
    static double u[N], z[N];
    long differ = 0, values = 0;
    uint64_t x = 2463534242ULL;
    for (int len = 0; len <= N; len++) {
        for (int i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            switch ((i + len) % 4) {
            case 0: u[i] = (double)(1 + x % 4000) / 4294967296.0; break;               /* far lower tail */
            case 1: u[i] = 1.0 - (double)(1 + x % 4000) / 4294967296.0; break;         /* far upper tail */
            case 2: u[i] = 0.5 + ((double)(x % 2000000) - 1e6) / 2e6 * 0.5; break;      /* around 0.075 .. 0.925 */
            default: u[i] = ((double)(x >> 11) + 0.5) / 9007199254740992.0; break;     /* any double in (0,1) */
            }
            if (!(u[i] > 0 && u[i] < 1)) u[i] = 0.5;
        }
        rng_normal_inv_batch(u, len, z);
        for (int i = 0; i < len; i++) {
            double w = gsl_cdf_ugaussian_Pinv(u[i]);
            differ += memcmp(&w, &z[i], sizeof w) != 0;
            values++;
        }
    }
    /* the central formula's edges, |u - 1/2| = 0.425 */
    double edge[8] = {0.075, nextafter(0.075, 0), nextafter(0.075, 1), 0.925, nextafter(0.925, 0), nextafter(0.925, 1),
                      1.0 / 4294967296.0, 4294967295.0 / 4294967296.0};
    rng_normal_inv_batch(edge, 8, z);
    for (int i = 0; i < 8; i++) {
        double w = gsl_cdf_ugaussian_Pinv(edge[i]);
        differ += memcmp(&w, &z[i], sizeof w) != 0;
        values++;
    }
    ok(differ == 0, "rng_normal_inv_batch gives gsl_cdf_ugaussian_Pinv bit for bit (%ld of %ld values differ)", differ,
       values);
}

/* Random123's own adapter for threefry4x64, the definition of the GSL
 * stream: rng.c's adapter (blocks made ahead, two or four at a time) must
 * give its words exactly. */
GSL_MICRORNG(r123tf, threefry4x64);

/* The adapter against Random123's GSL_MICRORNG(threefry4x64), at every SIMD
 * level this machine has (the level decides how many blocks are made
 * ahead): streams of 1 to 60 calls (across the blocks made ahead, and
 * resets in the middle of them), and the GSL functions that read the type's
 * get and get_double. */
TEST(test_gsl_adapter_r123)
{
    for (int level = 0; level <= rng_simd_level(); level++) {
        gsl_rng *a = rng_gsl_alloc(), *b = gsl_rng_alloc(gsl_rng_r123tf);
        if (a) rng_gsl_simd(a, level);
        long differ = 0, calls = 0;
        for (uint64_t e = 0; e < 20000 && a && b; e++) {
            uint64_t seed = 5 + e % 3;
            uint32_t rep = (uint32_t)(e % 11), step = (uint32_t)(e % 5);
            enum rng_site site = (enum rng_site)(e % 4);
            threefry4x64_ctr_t c = {{e, step, (uint64_t)site, rep}};
            threefry4x64_key_t k = {{seed, key_tag(), 0, 0}};
            rng_gsl_reset(a, seed, rep, e, step, site);
            r123tf_reset(b, c, k);
            int n = 1 + (int)(e % 60);
            for (int i = 0; i < n; i++) {
                switch ((e + (uint64_t)i) % 5) {
                case 0: differ += gsl_rng_get(a) != gsl_rng_get(b); break;
                case 1: differ += gsl_rng_uniform(a) != gsl_rng_uniform(b); break;
                case 2: differ += gsl_rng_uniform_pos(a) != gsl_rng_uniform_pos(b); break;
                case 3: differ += gsl_rng_uniform_int(a, 7 + e % 90) != gsl_rng_uniform_int(b, 7 + e % 90); break;
                default: differ += gsl_ran_gaussian_ziggurat(a, 1.0) != gsl_ran_gaussian_ziggurat(b, 1.0); break;
                }
                calls++;
            }
        }
        ok(a && b && differ == 0,
           "at SIMD level %d the adapter gives Random123's GSL_MICRORNG(threefry4x64) stream: %ld of %ld calls "
           "differ (20,000 streams of 1-60 calls: words, uniforms, integers, ziggurat normals)",
           level, differ, calls);
        if (a) gsl_rng_free(a);
        if (b) gsl_rng_free(b);
    }
}

/* ---- 7. the GSL adapter */
TEST(test_gsl_adapter)
{
    gsl_rng *r = rng_gsl_alloc();
    ok(r != NULL, "rng_gsl_alloc gives a generator");
    /* First 8 outputs = low halves of v3, v2, v1, v0 of block 0, then of
     * block 1 (block count in the high half of counter word 3). */
    uint64_t w0[4], w1[4];
    uint64_t ctr[4] = {42, 5, RNG_ENTRANT, 9}, key[4] = {777, key_tag(), 0, 0};
    threefry_ref(ctr, key, 20, w0);
    ctr[3] |= UINT64_C(1) << 32;
    threefry_ref(ctr, key, 20, w1);
    rng_gsl_reset(r, 777, 9, 42, 5, RNG_ENTRANT);
    int good = 1;
    for (int j = 3; j >= 0; j--) good &= gsl_rng_get(r) == (w0[j] & 0xffffffffu);
    for (int j = 3; j >= 0; j--) good &= gsl_rng_get(r) == (w1[j] & 0xffffffffu);
    ok(good, "the GSL stream is the documented sequence of Threefry words");

    /* Reproducible: a reset replays the stream; another key gives another. */
    enum { N = 1000 };
    static unsigned long a[N], b[N], c[N];
    rng_gsl_reset(r, 777, 9, 42, 5, RNG_ENTRANT);
    for (int i = 0; i < N; i++) a[i] = gsl_rng_get(r);
    rng_gsl_reset(r, 1, 1, 1, 1, RNG_FIRM_INIT); /* interleave another stream */
    for (int i = 0; i < 17; i++) (void)gsl_rng_get(r);
    rng_gsl_reset(r, 777, 9, 42, 5, RNG_ENTRANT);
    for (int i = 0; i < N; i++) b[i] = gsl_rng_get(r);
    rng_gsl_reset(r, 777, 9, 43, 5, RNG_ENTRANT);
    for (int i = 0; i < N; i++) c[i] = gsl_rng_get(r);
    ok(!memcmp(a, b, sizeof a), "rng_gsl_reset to the same key replays the same %d draws", N);
    int same = 0;
    for (int i = 0; i < N; i++) same += a[i] == c[i];
    ok(same < 5, "a different entity gives a different stream (%d of %d equal, expect ~0)", same, N);

    /* Uniform mean over 1e6 draws of one stream: sd 2.9e-4, tolerance 1.5e-3 (5 sd);
     * and over 1e5 streams of 10 draws (the model's use): sd 9.1e-4, tolerance 4.5e-3. */
    Moments m = {0}, ms = {0};
    rng_gsl_reset(r, 2026, 0, 0, 0, RNG_PARK_INIT);
    for (int i = 0; i < 1000000; i++) mom_add(&m, gsl_rng_uniform(r));
    is_double(mom_mean(&m), 0.5, 1.5e-3, "GSL adapter uniform mean over one long stream is 1/2");
    for (uint32_t e = 0; e < 100000; e++) {
        rng_gsl_reset(r, 2026, 1, e, 0, RNG_FIRM_INIT);
        for (int i = 0; i < 10; i++) mom_add(&ms, gsl_rng_uniform(r));
    }
    is_double(mom_mean(&ms), 0.5, 4.5e-3, "GSL adapter uniform mean over many short streams is 1/2");
    gsl_rng_free(r);
}

/* ---- 8. growth: size scaling and the Laplace scale mixture */
TEST(test_growth_laplace)
{
    Params p;
    memset(&p, 0, sizeof p);
    p.firm.growth_sigma = 0.25;
    p.firm.growth_size_beta = 0.2;
    p.firm.growth_ref_revenue = 20000;
    p.firm.growth_drift = 0;        /* zero drift: the sum is the pure mixture */
    p.firm.tech_growth_effect = 0.03; /* with tech = 0 it adds nothing */
    double ref = log(20000.0);
    /* sigma (S/ref)^-beta: at S = ref it is sigma; at 32 ref, 32^-0.2 = 1/2. */
    is_double(firm_growth_sd(&p, ref), 0.25, 1e-15, "growth sd at the reference size is growth_sigma");
    is_double(firm_growth_sd(&p, ref + log(32.0)), 0.125, 1e-15, "growth sd at 32x the reference size halves (beta 0.2)");
    /* V = -sd^2 ln u: u = e^-1 gives sd^2. */
    is_double(firm_year_variance(&p, ref, exp(-1.0)), 0.0625, 1e-15, "year variance at u = 1/e is sd^2");
    Firm f;
    memset(&f, 0, sizeof f);
    firm_set_year_variance(&f, 0.12);
    f.tech = 0.5;
    p.firm.growth_drift = 0.06;
    /* drift/12 + sqrt(V/12) z = (0.06 + 0.03*0.5)/12 + sqrt(0.01)*2 */
    is_double(firm_growth_step(&p, &f, 2.0), 0.075 / 12 + 0.2, 1e-15, "growth step = drift/12 + sqrt(V/12) z");
    p.firm.growth_drift = 0;
    f.tech = 0;

    /* Annual sums of 12 monthly steps, each firm with its own year variance,
     * keyed exactly as in schedule/replicate.c. N = 200000 firm-years at the
     * reference size (sd = 0.25); a second sample at 32x the size (sd 0.125). */
    const int N = 200000;
    for (int size = 0; size < 2; size++) {
        double lr = ref + (size ? log(32.0) : 0), sd = firm_growth_sd(&p, lr);
        Moments s = {0}, v = {0};
        f.log_rev = lr;
        for (int i = 0; i < N; i++) {
            uint64_t gid = (UINT64_C(1) << 32) | (uint64_t)i;
            RngBlock by = rng_block(20260101, (uint32_t)size, gid, 0, RNG_FIRM_YEAR);
            double var_year = firm_year_variance(&p, f.log_rev, rng_u52(by.w[0]));
            firm_set_year_variance(&f, var_year);
            mom_add(&v, var_year);
            double x = 0;
            for (int m = 0; m < 12; m++) {
                RngBlock b = rng_block(20260101, (uint32_t)size, gid, (uint32_t)m, RNG_FIRM_MONTH);
                x += firm_growth_step(&p, &f, rng_normal(b.w[0]));
            }
            mom_add(&s, x);
        }
        if (size == 0) {
            /* E V = sd^2 (exponential); relative sd of the mean 1/sqrt(N) = 0.22%, tolerance 1.5%. */
            is_double(mom_mean(&v) / (sd * sd), 1, 0.015, "mean year variance is sd^2 (exponential mixing)");
            /* mean 0: sd = 0.25/sqrt(N) = 5.6e-4, tolerance 3e-3 (5 sd) */
            is_double(mom_mean(&s), 0, 3e-3, "annual log growth with zero drift has mean 0");
        }
        diag("size %s: sd %.5f (want %.5f), excess kurtosis %.3f (want 3)", size ? "32x" : "ref",
             sqrt(mom_var(&s)), sd, mom_exkurt(&s));
        /* sd of the Laplace: relative standard error of s is sqrt((kurt-1)/(4N))
         * = sqrt(5/(4N)) = 0.25%; tolerance 1.5% (6 se). */
        is_double(sqrt(mom_var(&s)) / sd, 1, 0.015, "annual growth sd equals firm_growth_sd (size %s)", size ? "32x" : "ref");
        /* Laplace excess kurtosis 3 (normal: 0). Standard error of the sample
         * kurtosis for a Laplace: sqrt((b8 - b4^2 - 4 b4 b6 + 4 b4^3)/N) with
         * standardised moments b4 = 6, b6 = 90, b8 = 2520: sqrt(1188/N) = 0.077.
         * Tolerance 0.4 (5 se; the estimator is right-skewed). */
        is_double(mom_exkurt(&s), 3, 0.4, "annual growth is Laplace-shaped: excess kurtosis 3, not 0 (size %s)",
                  size ? "32x" : "ref");
    }
}

int main(void)
{
    run_test(test_threefry_oracle_kat);
    run_test(test_random123_header_kat);
    run_test(test_block_layout);
    run_test(test_blocks_batch);
    run_test(test_key_fields_matter);
    run_test(test_uniform_open_interval);
    run_test(test_uniform_moments);
    run_test(test_normal);
    run_test(test_normal_inv_batch);
    run_test(test_gsl_adapter);
    run_test(test_gsl_adapter_r123);
    run_test(test_growth_laplace);
    return done_testing();
}
