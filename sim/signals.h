/** \file signals.h
 * The stop request of a batch system: SIGTERM or SIGUSR1 (Slurm sends one
 * before the time limit) only sets a flag, which the ensemble driver reads
 * at the next round boundary, where all ranks agree to checkpoint and stop.
 */
#ifndef PARKSIM_SIGNALS_H
#define PARKSIM_SIGNALS_H

/** Install the SIGTERM/SIGUSR1 handlers. Returns 0 (with errno set) if
 *  either could not be installed, 1 otherwise. */
int signals_install_stop(void);

/** Whether a stop signal has arrived on this process. */
int signals_stop_requested(void);

#endif
