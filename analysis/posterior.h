/** \file posterior.h
 * `parkstat posterior POST.h5`: the marginals of a posterior of `parksim abc`
 * beside its prior, the shrinkage per parameter, the tolerance schedule and
 * the fit to each observation (docs/ANALYSIS.md "Posteriors").
 */
#ifndef PARKSTAT_POSTERIOR_H
#define PARKSTAT_POSTERIOR_H

#include "../base/err.h"

SimStatus cmd_posterior(int argc, char **argv);

#endif
