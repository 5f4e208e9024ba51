/** \file posterior.h
 * `parkstat posterior POST.h5`: the marginals of a posterior of `parksim abc`
 * beside its prior, the shrinkage per parameter, the tolerance schedule and
 * the fit to each observation (docs/ANALYSIS.md "Posteriors").
 */
#ifndef PARKSTAT_POSTERIOR_H
#define PARKSTAT_POSTERIOR_H

#include "../base/err.h"
#include "common.h"

SimStatus cmd_posterior(int argc, char **argv);

/** `parkstat predictive FILE.h5...` (predictive.c): the posterior-predictive
 *  headline of runs over draws: P(target), its credible interval over the
 *  draws, the ignorance share and the parameter that matters most. */
SimStatus cmd_predictive(int argc, char **argv);

/** One target's row of the posterior-predictive headline. */
typedef struct {
    int year, count, draws;
    double P;          /**< P(count >= target) pooled over draws and replicates */
    double lo, hi;     /**< 5% and 95% quantiles over draws of the draw's share */
    double ign;        /**< ignorance share of the spread; NaN with one replicate per draw */
    double r2;         /**< squared correlation of `param` with the draw's share; NaN when none */
    char param[64];    /**< the drawn parameter that matters most, "-" when none */
} PredRow;

typedef struct {
    char *name;        /**< the scenario name (or the path) */
    int n;
    PredRow row[MAX_TARGETS];
} Predictive;

/** The headline of one run over draws (--posterior or --prior) for the
 *  targets `cmd` (or the file's, or the default). SIM_ECONFIG for a file
 *  that is not a finished run over draws. */
SimStatus predictive_read(const char *path, const Targets *cmd, Predictive *pr);
void predictive_free(Predictive *pr);

#endif
