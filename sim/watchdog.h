/** \file watchdog.h
 * The I/O watchdog. A collective HDF5 call that one rank left after an error
 * leaves the others waiting for ever; no MPI call can end that from inside.
 * The watchdog ends this rank instead (SIGALRM; async-signal-safe: write and
 * _exit with EXIT_RUNTIME), and mpirun then stops the job because a rank
 * exited without finalizing.
 */
#ifndef PARKSIM_WATCHDOG_H
#define PARKSIM_WATCHDOG_H

/** Arm the watchdog for `secs` seconds of `what` (named in the message), or
 *  disarm it with secs 0 or what NULL. */
void watchdog_arm(unsigned secs, const char *what);

#endif
