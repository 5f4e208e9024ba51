/** \file posterior.h
 * `parkstat posterior POST.h5`: the marginals of a posterior of `parksim abc`
 * beside its prior, the shrinkage per parameter, the tolerance schedule and
 * the fit to each observation (docs/ANALYSIS.md "Posteriors").
 */
#ifndef PARKSTAT_POSTERIOR_H
#define PARKSTAT_POSTERIOR_H

#include "../base/err.h"

SimStatus cmd_posterior(int argc, char **argv);

/** `parkstat predictive FILE.h5...` (predictive.c): the posterior-predictive
 *  headline of runs over draws: P(target), its credible interval over the
 *  draws, the ignorance share and the parameter that matters most. */
SimStatus cmd_predictive(int argc, char **argv);

#endif
