/** \file results.h
 * What one replicate produces (ReplicateOut), described once: the schema
 * table result_vars[] gives every array its element type, shape, output
 * group and name, units, long name, storage class and place in the result
 * digest. The batch buffers below, the HDF5 writer (sim/io_h5.c), the
 * checkpoint spool (sim/checkpoint.c), the digest (sim/ensemble.c) and the
 * docs check (`parksim keys --outputs`, tests/docs_outputs.t) all iterate it.
 */
#ifndef PARKSIM_RESULTS_H
#define PARKSIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include "../agents/park.h"

/** What one replicate produces; arrays are views into batch buffers owned by sim/.
 *  Y = assessment years, T = months, P = parks, G = groups, M = METRIC_COUNT,
 *  L = LEVER_COUNT. */
typedef struct {
    int32_t *top_tier_count;    /**< [Y] */
    int32_t *second_tier_count; /**< [Y] */
    double *score;              /**< [Y][P] composite score, 0..100 */
    int8_t *tier;               /**< [Y][P] 1, 2 or 3 */
    int8_t *veto;               /**< [Y][P] 1 if a veto applied */
    double *group_score;        /**< [Y][P][G] */
    double *lever_spent;        /**< [Y][P][L] CNY 1e4 */
    double *lever_allotted;     /**< [Y][P][L] CNY 1e4 */
    int32_t *m_firms;           /**< [T][P] */
    double *m_revenue, *m_idle_mu, *m_tech; /**< [T][P] */
    int32_t *m_entries, *m_projects, *m_promotions, *m_exits, *m_mergers, *m_upgrades, *m_incidents; /**< [T][P] */
    double *indicator;          /**< [Y][P][M] */
} ReplicateOut;

/** Element type of a result array; the value is its size in bytes. */
typedef enum { RESULT_I8 = 1, RESULT_I32 = 4, RESULT_F64 = 8 } ResultType;

/** How the HDF5 writer stores a variable when output.compression > 0:
 *  shuffle + deflate, or raw (continuous doubles, which deflate shrinks by
 *  15-25% at most of the write time: docs/PERFORMANCE.md, "Output"). */
typedef enum { RESULT_DEFLATE = 0, RESULT_RAW } ResultStore;

/** One array of ReplicateOut. */
typedef struct {
    size_t off;             /**< offsetof(ReplicateOut, ...) */
    ResultType type;
    const char *dims;       /**< axes after `replicate`, one letter each: Y T P G M L */
    const char *group;      /**< output group: summary, park_year, park_month */
    const char *name;       /**< output variable; NULL for `indicator`: one variable per metric */
    const char *units;      /**< NULL for `indicator` (metric_units) */
    const char *long_name;
    ResultStore store;      /**< the indicator's store is per metric: result_metric_store() */
    int digest;             /**< place in the result digest, 1, 2, ...; 0: not hashed */
} ResultVar;

extern const ResultVar result_vars[];
extern const int n_result_vars;

/** Lengths of the axes of one scenario. */
typedef struct { int Y, T, P, G, M, L; } ResultDims;
ResultDims result_dims(const Params *p, int n_parks);
/** Elements of one replicate of variable v. */
size_t result_elems(const ResultVar *v, const ResultDims *d);
/** Length of axis `c` (one of Y T P G M L). */
int result_dim_len(const ResultDims *d, char c);
/** The array of variable v in o. */
void *result_data(const ReplicateOut *o, const ResultVar *v);
/** Storage of metric m's variable (the indicator array, one variable each). */
ResultStore result_metric_store(int metric);

/** Allocate the results of n >= 1 replicates: each array holds n replicates
 *  one after another. SIM_ENOMEM (nothing left allocated) on failure. */
SimStatus replicate_out_alloc(ReplicateOut *o, const Params *p, int n_parks, int n);
void replicate_out_free(ReplicateOut *o);
/** View of replicate k of a buffer made by replicate_out_alloc. */
ReplicateOut replicate_out_view(const ReplicateOut *o, const Params *p, int n_parks, int k);
/** Bytes of one replicate's results. */
size_t replicate_out_bytes(const Params *p, int n_parks);
/** Name of the first array in which two one-replicate results differ
 *  bytewise, or NULL if they are identical. */
const char *replicate_out_diff(const ReplicateOut *a, const ReplicateOut *b, const Params *p, int n_parks);

#endif
