/** \file results.h
 * What one replicate produces (ReplicateOut) and the buffers that hold a
 * batch of them.
 */
#ifndef PARKSIM_RESULTS_H
#define PARKSIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include "../agents/park.h"

/** What one replicate produces; arrays are views into batch buffers owned by sim/.
 *  Y = assessment years, T = months, P = parks, G = groups, M = METRIC_COUNT. */
typedef struct {
    int32_t *top_tier_count;    /**< [Y] */
    int32_t *second_tier_count; /**< [Y] */
    double *score;              /**< [Y][P] composite score, 0..100 */
    int8_t *tier;               /**< [Y][P] 1, 2 or 3 */
    int8_t *veto;               /**< [Y][P] 1 if a veto applied */
    double *group_score;        /**< [Y][P][G] */
    double *indicator;          /**< [Y][P][M] */
    double *lever_spent;        /**< [Y][P][LEVER_COUNT] CNY 1e4 */
    int32_t *m_firms, *m_entries, *m_exits, *m_mergers, *m_upgrades, *m_incidents; /**< [T][P] */
    int32_t *m_projects, *m_promotions;     /**< [T][P] chain projects, cultivation promotions */
    double *m_revenue, *m_idle_mu, *m_tech; /**< [T][P] */
} ReplicateOut;

/** Allocate the results of n replicates: each array holds n replicates one
 *  after another. SIM_ENOMEM (nothing left allocated) on failure. */
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
