/** \file summary.h
 * `parkstat summary`: per-file estimates with Monte-Carlo errors, and the
 * `headline` table that `make run` prints.
 */
#ifndef PARKSTAT_SUMMARY_H
#define PARKSTAT_SUMMARY_H

#include "../base/err.h"

/** The commands; main turns the status into the exit code (sim_exit_code). */
SimStatus cmd_summary(int argc, char **argv);
SimStatus cmd_headline(int argc, char **argv);

/** Distribution of one year's top-tier count over replicates. */
typedef struct {
    double mean, sd, mean_se;
    double q[3], q_se[3], q_lo[3], q_hi[3];   /**< quantiles 0.05, 0.5, 0.95: value, MJ se, 95% CI */
} CountStats;

extern const double summary_quantiles[3];

/** Fill cs from R values (they are sorted in place). */
void count_stats(double *x, int R, CountStats *cs);

#endif
