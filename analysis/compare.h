/** \file compare.h
 * `parkstat compare`: paired effects of policy runs against a baseline.
 */
#ifndef PARKSTAT_COMPARE_H
#define PARKSTAT_COMPARE_H

#include "../base/err.h"
#include "common.h"
#include "runfile.h"

/** A paired difference of two per-replicate series. */
typedef struct {
    double base, policy;       /**< means */
    double effect, se, lo, hi; /**< mean of d, sd(d)/sqrt(R), 95% t interval */
    double se_unpaired;        /**< sqrt(var(B)/R + var(P)/R): what an unpaired design would give */
} Paired;

/** The effects of rf[1..nf-1] against the baseline rf[0] (all read with their tiers). */
typedef struct {
    Targets tg;     /**< the baseline's targets (or the command line's) */
    int NP;         /**< policies, nf - 1 */
    Paired *ey;     /**< [NP][Y] change in the mean top-tier count per year */
    Paired *et;     /**< [NP][targets] change in P(count >= target) */
    Paired *ep;     /**< [NP][P] change in P(park at the top tier) in the last year */
} Comparison;

/** Check that every file pairs with rf[0] (seed, replicates, years, parks) and that the
 *  target years are in it, then compute c. SIM_OK, or after a message SIM_EINVAL or
 *  SIM_ENOMEM; free c with compare_free (also after a failure). */
SimStatus compare_compute(RunFile *const *rf, int nf, const Targets *cmd, Comparison *c);
void compare_free(Comparison *c);

SimStatus cmd_compare(int argc, char **argv);

#endif
