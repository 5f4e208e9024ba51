/** \file sweep_store.h
 * What a summary-mode sweep keeps of one (point, replicate) task
 * (docs/OUTPUT.md 3.7): the tier counts, every park's tier, the lever money
 * summed over parks, and the task's digest. The same bytes are the task's
 * short checkpoint record, so a restored task gives back exactly what a
 * computed one writes, and the run's digests do not depend on the mode.
 */
#ifndef PARKSIM_SWEEP_STORE_H
#define PARKSIM_SWEEP_STORE_H

#include "io_h5.h"

#include <stddef.h>
#include <stdint.h>

/** Bytes of a task's summary record: digest (u64), spent and allotted
 *  totals [Y][L] (f64 each), top and second tier counts [Y] (int32 each),
 *  tiers [Y][P] (int8). */
size_t store_rec_bytes(const OutDims *d);

/** The lever money of one replicate summed over parks, in park order from
 *  0.0: tot[0][Y][L] spent, tot[1][Y][L] allotted (CNY 1e4). */
void store_totals(const OutDims *d, const ReplicateOut *v, double *tot);

/** Pack the summary of one replicate (view v, its totals, its digest) into rec. */
void store_pack(const OutDims *d, const ReplicateOut *v, const double *tot, uint64_t digest, void *rec);

/** Unpack rec into the counts and tiers of view v (nothing else of v is
 *  touched), the totals and the digest. */
void store_unpack(const OutDims *d, const void *rec, ReplicateOut *v, double *tot, uint64_t *digest);

/** Row of point q among the kept points of a summary-mode sweep, or -1. */
int store_kept_row(const OutDims *d, long q);

#endif
