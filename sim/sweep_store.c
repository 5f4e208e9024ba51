/** \file sweep_store.c
 * See sweep_store.h. The record's fields are laid out widest first, so each
 * is naturally aligned within it.
 */
#include "sweep_store.h"

#include <string.h>

size_t store_rec_bytes(const OutDims *d)
{
    size_t Y = (size_t)d->Y, L = (size_t)d->L, P = (size_t)d->P;
    return sizeof(uint64_t) + 2 * Y * L * sizeof(double) + 2 * Y * sizeof(int32_t) + Y * P;
}

void store_totals(const OutDims *d, const ReplicateOut *v, double *tot)
{
    const int Y = d->Y, P = d->P, L = d->L;
    const double *src[2] = {v->lever_spent, v->lever_allotted};
    for (int k = 0; k < 2; k++)
        for (int y = 0; y < Y; y++)
            for (int l = 0; l < L; l++) {
                /* Sequential in park order: a reader that sums a full
                 * file's lever_spent over parks the same way gets the
                 * same bits (tests/sweep_summary.t). */
                double s = 0.0;
                for (int p = 0; p < P; p++) s += src[k][((size_t)y * P + p) * L + l];
                tot[((size_t)k * Y + y) * L + l] = s;
            }
}

void store_pack(const OutDims *d, const ReplicateOut *v, const double *tot, uint64_t digest, void *rec)
{
    size_t Y = (size_t)d->Y, L = (size_t)d->L, P = (size_t)d->P;
    char *c = rec;
    memcpy(c, &digest, sizeof digest), c += sizeof digest;
    memcpy(c, tot, 2 * Y * L * sizeof *tot), c += 2 * Y * L * sizeof *tot;
    memcpy(c, v->top_tier_count, Y * sizeof(int32_t)), c += Y * sizeof(int32_t);
    memcpy(c, v->second_tier_count, Y * sizeof(int32_t)), c += Y * sizeof(int32_t);
    memcpy(c, v->tier, Y * P);
}

void store_unpack(const OutDims *d, const void *rec, ReplicateOut *v, double *tot, uint64_t *digest)
{
    size_t Y = (size_t)d->Y, L = (size_t)d->L, P = (size_t)d->P;
    const char *c = rec;
    memcpy(digest, c, sizeof *digest), c += sizeof *digest;
    memcpy(tot, c, 2 * Y * L * sizeof *tot), c += 2 * Y * L * sizeof *tot;
    memcpy(v->top_tier_count, c, Y * sizeof(int32_t)), c += Y * sizeof(int32_t);
    memcpy(v->second_tier_count, c, Y * sizeof(int32_t)), c += Y * sizeof(int32_t);
    memcpy(v->tier, c, Y * P);
}

int store_kept_row(const OutDims *d, long q)
{
    for (int i = 0; i < d->K; i++)
        if (d->keep[i] == q) return i;
    return -1;
}
