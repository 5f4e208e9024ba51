/** \file sensitivity.h
 * `parkstat sensitivity SWEEP.h5`: Sobol' indices of the top-tier count from
 * a Saltelli sweep (docs/ANALYSIS.md "Sensitivity analysis").
 */
#ifndef PARKSTAT_SENSITIVITY_H
#define PARKSTAT_SENSITIVITY_H

#include "../base/err.h"
#include "common.h"
#include "sobol.h"

#include <stdint.h>

#define MAX_YEARS MAX_TARGETS

/** A saltelli sweep file as read for the indices. */
typedef struct {
    char *path, *targets;
    uint64_t seed;
    int N, k, npts, R, Y;
    char **pname;           /**< [k] */
    double *lower, *upper;  /**< [k] */
    int *years;             /**< [Y] */
    int *top;               /**< [npts][R][Y] */
} SensSweep;

/** The indices of one year. */
typedef struct {
    int year, target;       /**< target -1 when none applies */
    double *y;              /**< [npts] */
    double noise;           /**< mean over points of var(replicates)/R */
    int status;             /**< SOBOL_OK or SOBOL_ZERO_VAR */
    SobolIndex *ix;         /**< [k] */
    int *rank;              /**< [k] parameter indices by decreasing S_T */
    SobolSummary sum;
} SensYear;

typedef struct {
    SensSweep s;
    SensYear yr[MAX_YEARS];
    int ny;
} Sensitivity;

/** Read the saltelli sweep `file` and compute the indices for `years` (none: the targets'
 *  years, from cmd, else the file, else the default), of the mean count or (prob) of
 *  P(count >= target), with nboot bootstrap samples at level conf. SIM_OK, or after a message
 *  SIM_EINVAL (not a finished saltelli sweep, a year not in it) or SIM_ENOMEM. Free out with
 *  sens_free, also after a failure. */
SimStatus sens_compute(const char *file, const Targets *cmd, const int *years, int nyears, int prob, int nboot,
                       double conf, uint64_t seed, Sensitivity *out);
void sens_free(Sensitivity *sv);

SimStatus cmd_sensitivity(int argc, char **argv);

#endif
