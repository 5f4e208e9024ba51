/** \file summary.h
 * `parkstat summary`: per-file estimates with Monte-Carlo errors, and the
 * `headline` table that `make run` prints.
 */
#ifndef PARKSTAT_SUMMARY_H
#define PARKSTAT_SUMMARY_H

#include "../base/err.h"
#include "common.h"
#include "runfile.h"
#include "spending.h"

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

/** P(top-tier count >= count in year) over the replicates. */
typedef struct {
    int year, count;
    long hits;
    double p, se, lo, hi;     /**< estimate, binomial se, 95% Wilson interval */
} TargetStats;

/** Everything `summary` prints, from one file (docs/ANALYSIS.md section 3). */
typedef struct {
    const RunFile *rf;
    Targets tg;
    int T;                    /**< tiers */
    CountStats *cs;           /**< [Y] */
    TargetStats ts[MAX_TARGETS];
    double *p_top, *p_top_se; /**< [P][Y] P(tier 1 in year y) */
    double *p_by, *p_by_se;   /**< [P][Y] P(tier 1 in some year <= y) */
    double *p_first, *p_first_se; /**< [P][Y] P(first tier-1 year is y) */
    double *p_never, *p_never_se; /**< [P] */
    long *tr_n;               /**< [Y-1][T][T] transition counts pooled over replicates and parks */
    double *tr_p, *tr_se;     /**< [Y-1][T][T] row proportions and their cluster (replicate) se */
    Spending money;           /**< lever money held and spent per lever and year */
} Summary;

/** Compute s from rf (read with its tiers) and the targets (cmd's, else the file's, else the
 *  default). SIM_OK, or after a message SIM_EINVAL (a target year not in the file) or
 *  SIM_ENOMEM. s refers to rf; free with summary_free (also after a failure). */
SimStatus summary_compute(const RunFile *rf, const Targets *cmd, Summary *s);
void summary_free(Summary *s);

#endif
