/** \file ensemble.h
 * The ensemble driver: spreads replicates over ranks, runs the model,
 * streams results to HDF5 and reports progress and performance.
 */
#ifndef PARKSIM_ENSEMBLE_H
#define PARKSIM_ENSEMBLE_H

#include "config.h"

typedef struct {
    const char *out_path;     /**< final output path */
    const char *scenario_path;
    const char *history;      /**< command line, stored in the file */
    int force;                /**< replace an existing output */
    int quiet;                /**< no progress or summary on stderr/stdout */
    double progress_every;    /**< seconds between progress lines; < 0: 0.2 on a terminal, 5 otherwise */
} RunOptions;

/** Collective. Returns SIM_OK, or an error already reported on some rank; the
 *  final file exists only on SIM_OK, and an existing file is untouched otherwise. */
SimStatus ensemble_run(const Scenario *sc, const RunOptions *opt);

#endif
