/** \file regress_stat.h
 * `parkstat regress --statistical`: two-sample tests between two runs.
 */
#ifndef PARKSTAT_REGRESS_STAT_H
#define PARKSTAT_REGRESS_STAT_H

/** Returns 0 when no test rejects at family-wise level alpha (Holm), 1 when one
 *  does, 2 on bad input. json selects machine-readable output. */
int regress_statistical(const char *expected, const char *actual, double alpha, int json);

#endif
