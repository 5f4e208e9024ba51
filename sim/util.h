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
