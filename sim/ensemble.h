/** \file ensemble.h
 * The ensemble driver: spreads replicates over ranks, runs the model,
 * streams results to HDF5 and reports progress and performance.
 */
#ifndef PARKSIM_ENSEMBLE_H
#define PARKSIM_ENSEMBLE_H

#include "config.h"
#include "sweep.h"

typedef struct {
    const char *out_path;     /**< final output path */
    const char *scenario_path;
    const char *history;      /**< command line, stored in the file */
    int force;                /**< replace an existing output */
    int quiet;                /**< no progress or summary on stderr/stdout */
    double progress_every;    /**< seconds between progress lines; < 0: 0.2 on a terminal, 5 otherwise */
    int resume;               /**< continue from the checkpoint OUT.ckpt if there is one */
    double checkpoint_every;  /**< seconds between checkpoint commits (0: every batch); < 0: only on signals and at the end */
    unsigned io_timeout;      /**< seconds one collective HDF5 write or close may take before the rank gives up */
    int interrupted;          /**< out: stopped after a signal-triggered checkpoint */
    int already_done;         /**< out: --resume found this run's finished output and left it as it was */
} RunOptions;

/** Exit code after a checkpoint triggered by SIGTERM/SIGUSR1: the run is
 *  unfinished but nothing computed is lost; rerun with --resume. */
enum { EXIT_CHECKPOINTED = 3 };

/** Collective. Returns SIM_OK, or an error already reported on some rank; the
 *  final file exists only on SIM_OK without opt->interrupted, and an existing
 *  file is untouched otherwise. With opt->resume, an existing output that is
 *  this run's finished result (same resolved scenario, park file and sweep)
 *  is left as it is: SIM_OK with opt->already_done; any other existing
 *  output is an error without --force. */
SimStatus ensemble_run(const Scenario *sc, RunOptions *opt);

/** Collective. Every point of the sweep `sw` (identical on every rank) over
 *  the base scenario, into one file with a leading `point` dimension; point
 *  q's results are those of a single run of the base scenario with the
 *  point's values set. Return and file guarantees as ensemble_run. */
SimStatus ensemble_sweep(const Scenario *base, const Sweep *sw, RunOptions *opt);

#endif
