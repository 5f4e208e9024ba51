/** \file sensitivity.h
 * `parkstat sensitivity SWEEP.h5`: Sobol' indices of the top-tier count from
 * a Saltelli sweep (docs/ANALYSIS.md "Sensitivity analysis").
 */
#ifndef PARKSTAT_SENSITIVITY_H
#define PARKSTAT_SENSITIVITY_H

#include "../base/err.h"

SimStatus cmd_sensitivity(int argc, char **argv);

#endif
