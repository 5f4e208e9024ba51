/** \file util.h
 * Small helpers sim/ files share (no MPI, no HDF5).
 */
#ifndef PARKSIM_UTIL_H
#define PARKSIM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** FNV-1a offset basis: the starting value of a hash. */
#define FNV0 UINT64_C(0xcbf29ce484222325)

/** FNV-1a over n bytes, continuing from h: the result digest, checkpoint
 *  checksums and the scenario digest all use it, so they agree by design. */
static inline uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/** A running checksum of a byte stream that any split of the stream into
 *  pieces gives the same: the checkpoint spool's, over every record it
 *  holds (megabytes per replicate of the national population, where the
 *  byte-wise FNV-1a above, one multiplication waiting on the last per byte,
 *  cost about 1% of the run). Words of 8 bytes go to four lanes in turn
 *  (word j to lane j mod 4), so four chains of multiplications run side by
 *  side; each step h = (h ^ w) * M, h ^= h >> 29 is a bijection of h for a
 *  given word and one-to-one in the word for a given h, so a change of any
 *  one word always changes its lane, and the result. The last partial word
 *  is padded with zeros and the length folded in, so a stream and the same
 *  stream with zeros appended differ. Words are read in the machine's byte
 *  order: a spool is read back on the machine that wrote it. */
typedef struct {
    uint64_t h[4];
    uint64_t n;                /**< bytes added so far */
    unsigned char pend[32];    /**< bytes of the block not yet complete */
} Sum64;

#define SUM64_M UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t sum64_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * SUM64_M;
    return h ^ (h >> 29);
}

static inline void sum64_init(Sum64 *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 4; i++) s->h[i] = FNV0 + (uint64_t)i;
}

static inline void sum64_block(Sum64 *s, const unsigned char *q)
{
    for (int i = 0; i < 4; i++) {
        uint64_t w;
        memcpy(&w, q + 8 * i, 8);
        s->h[i] = sum64_step(s->h[i], w);
    }
}

/** Add n bytes at p to the stream. */
static inline void sum64_add(Sum64 *s, const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t have = (size_t)(s->n % 32);
    s->n += n;
    if (have) {
        size_t take = 32 - have < n ? 32 - have : n;
        memcpy(s->pend + have, c, take);
        c += take;
        n -= take;
        if (have + take < 32) return;
        sum64_block(s, s->pend);
    }
    for (; n >= 32; c += 32, n -= 32) sum64_block(s, c);
    memcpy(s->pend, c, n);
}

/** The checksum of the bytes added so far (the stream may go on after). */
static inline uint64_t sum64_value(const Sum64 *s)
{
    Sum64 t = *s;
    size_t have = (size_t)(t.n % 32);
    if (have) {
        memset(t.pend + have, 0, 32 - have);
        sum64_block(&t, t.pend);
    }
    uint64_t r = sum64_step(FNV0, t.n);
    for (int i = 0; i < 4; i++) r = sum64_step(r, t.h[i]);
    return r;
}

/** The directory part of `path` into dir ("." for a bare name, "/" for a file in /). */
static inline void path_dir(const char *path, char *dir, size_t len)
{
    snprintf(dir, len, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, len, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
}

/** The whole text of a file, NUL-terminated (malloc'd), or NULL if it cannot be read (errno says why). */
static inline char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    while (s) {
        size_t r = fread(s + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
        if (n + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) { free(s); s = NULL; }
            else s = t;
        }
    }
    if (s && ferror(f)) { free(s); s = NULL; }
    fclose(f);
    if (s) s[n] = '\0';
    return s;
}

#endif
