/** \file uncertainty_report.h
 * The chance/ignorance split of `parkstat summary` and `compare` for runs
 * over draws of priors (parksim run --prior): tables on stdout.
 */
#ifndef PARKSTAT_UNCERTAINTY_REPORT_H
#define PARKSTAT_UNCERTAINTY_REPORT_H

#include "common.h"

#include <stdio.h>

/** Bootstrap resamples over draws behind every error of the split. */
#define SPLIT_NBOOT 1000

/** P(count >= target) per target and the mean count per target year of one
 *  file with draws: value, its se over draws, and the split of the spread;
 *  per alternative of the priors' choice, when there is one. */
SimStatus uncertainty_print_summary(const RunFile *rf, const Targets *tg);

/** The same for the paired effect of each policy file against the baseline. */
SimStatus uncertainty_print_compare(RunFile *const *rf, int nf, const Targets *tg);

/** summary --json: the member `"uncertainty": {...}` (with its leading comma)
 *  of a file with draws, the numbers of uncertainty_print_summary. */
SimStatus uncertainty_json_summary(FILE *o, const RunFile *rf, const Targets *tg);

#endif
