/** \file assess.h
 * The annual competitiveness assessment: park metrics, indicator banding,
 * weighted group and composite scores, tiers and vetoes. Rules are data
 * (AssessParams), so an official scheme can replace the default without code.
 */
#ifndef PARKSIM_ASSESS_H
#define PARKSIM_ASSESS_H

#include "park.h"

/** Fill metrics[METRIC_COUNT] for one park at a year end. `year_index` 0 is the
 *  initial state (growth is then 0). */
void assess_park_metrics(const Params *p, const ParkInfo *info, const ParkState *ps,
                         int year_index, double *metrics);

/** Score one indicator value. For percentile bands `values` holds that metric for
 *  all n parks (same replicate and year) and is used for the ranking. */
double assess_band(const IndicatorParams *ind, double value, const double *values, int n);

/** Score every park and set tiers. metrics is [P][METRIC_COUNT]; serious is [P]
 *  (serious incidents in the year). Writes score[P], tier[P], veto[P],
 *  group_score[P][G]. `work` must hold P doubles. Returns the first-tier count. */
int assess_parks(const AssessParams *a, int n_parks, const int *smart_level, const double *metrics,
                 const int *serious, double *score, int8_t *tier, int8_t *veto,
                 double *group_score, double *work);

#endif
