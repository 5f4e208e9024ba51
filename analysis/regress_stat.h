/** \file regress_stat.h
 * `parkstat regress --statistical`: two-sample tests between two runs.
 */
#ifndef PARKSTAT_REGRESS_STAT_H
#define PARKSTAT_REGRESS_STAT_H

/** Returns the exit code: EXIT_OK when no test rejects at family-wise level alpha
 *  (Holm), REGRESS_DIFFERENT (regress.h) when one does, EXIT_BADINPUT on bad input
 *  or any failure. json selects machine-readable output. */
int regress_statistical(const char *expected, const char *actual, double alpha, int json);

#endif
