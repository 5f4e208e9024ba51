/** \file spending.h
 * Lever money of a run file: per lever and year, what the parks held
 * (/park_year/lever_allotted: the year's allotment and any money carried)
 * and what they spent (/park_year/lever_spent), totals over parks, mean
 * over replicates (docs/ANALYSIS.md section 3, docs/MODEL.md 7.8).
 */
#ifndef PARKSTAT_SPENDING_H
#define PARKSTAT_SPENDING_H

#include "runfile.h"

typedef struct {
    int L, Y;                 /**< levers (0: the file has no lever money) and years */
    char **lever_name;        /**< [L] */
    double *spent, *spent_se; /**< [L][Y] mean over replicates of the total over parks, and its se */
    double *held;             /**< [L][Y] the same for the money held; NaN where the file has none */
    double *run_spent, *run_spent_se; /**< [L + 1] total spent over parks and years, mean over replicates and its
                                           se; entry L is the total over every lever */
} Spending;

/** Read sp from the file of rf (which must be rf->path). A file without
 *  lever_spent leaves sp->L = 0; one without lever_allotted (an older file)
 *  has held NaN. SIM_OK, or after a message SIM_EINVAL (a damaged or
 *  misshapen dataset) or SIM_ENOMEM. Free with spending_free, also after a
 *  failure. */
SimStatus spending_read(const RunFile *rf, Spending *sp);
void spending_free(Spending *sp);

#endif
