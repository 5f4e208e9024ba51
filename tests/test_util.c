/** \file test_util.c
 * The spool checksum (Sum64, sim/util.h): the same value for any split of a
 * stream into pieces, a changed value for any one changed byte, and for a
 * stream with zeros appended.
 */
#include "../sim/util.h"
#include "tap.h"

#include <gsl/gsl_rng.h>

static uint64_t sum_whole(const unsigned char *b, size_t n)
{
    Sum64 s;
    sum64_init(&s);
    sum64_add(&s, b, n);
    return sum64_value(&s);
}

TEST(test_split_invariance)
{
    enum { N = 1000 };
    unsigned char b[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 7);
    for (int i = 0; i < N; i++) b[i] = (unsigned char)gsl_rng_uniform_int(r, 256);
    int bad = 0;
    for (size_t n = 0; n <= N; n += (n < 70 ? 1 : 37)) {
        uint64_t whole = sum_whole(b, n);
        for (int trial = 0; trial < 20; trial++) {
            Sum64 s;
            sum64_init(&s);
            size_t at = 0;
            while (at < n) {
                size_t k = gsl_rng_uniform_int(r, trial < 10 ? 9 : 70);
                if (k > n - at) k = n - at;
                sum64_add(&s, b + at, k);
                at += k;
                if (trial == 0) bad += sum64_value(&s) != sum_whole(b, at); /* the value midway, stream going on */
            }
            bad += sum64_value(&s) != whole;
        }
    }
    is_int(bad, 0, "the checksum of a stream does not depend on how it is split into pieces (lengths 0..1000)");
    gsl_rng_free(r);
}

TEST(test_detects_changes)
{
    enum { N = 200 };
    unsigned char b[N + 8];
    for (int i = 0; i < N; i++) b[i] = (unsigned char)(i * 37 + 11);
    uint64_t ref = sum_whole(b, N);
    int missed = 0;
    for (int i = 0; i < N; i++)
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1u << bit);
            missed += sum_whole(b, N) == ref;
            b[i] ^= (unsigned char)(1u << bit);
        }
    is_int(missed, 0, "each of the 1,600 single-bit flips of a 200-byte stream changes the checksum");
    int same_len = 0;
    for (int extra = 1; extra <= 8; extra++) {
        memset(b + N, 0, 8);
        same_len += sum_whole(b, N + (size_t)extra) == ref;
    }
    is_int(same_len, 0, "appending 1..8 zero bytes changes the checksum (the length is folded in)");
    uint64_t e = sum_whole(b, 0);
    unsigned char z = 0;
    ok(e != sum_whole(&z, 1), "the empty stream and one zero byte differ");
    /* Swapping two words that fall in different lanes, or the same lane,
     * is a change too. */
    unsigned char w[64];
    for (int i = 0; i < 64; i++) w[i] = (unsigned char)i;
    uint64_t r0 = sum_whole(w, 64);
    unsigned char t[8];
    memcpy(t, w, 8), memcpy(w, w + 32, 8), memcpy(w + 32, t, 8); /* words 0 and 4: the same lane */
    uint64_t r1 = sum_whole(w, 64);
    memcpy(t, w, 8), memcpy(w, w + 32, 8), memcpy(w + 32, t, 8);
    memcpy(t, w, 8), memcpy(w, w + 8, 8), memcpy(w + 8, t, 8); /* words 0 and 1: two lanes */
    uint64_t r2 = sum_whole(w, 64);
    ok(r1 != r0 && r2 != r0 && r1 != r2, "swapping two words, within a lane or across lanes, changes the checksum");
}

int main(void)
{
    run_test(test_split_invariance);
    run_test(test_detects_changes);
    return done_testing();
}
