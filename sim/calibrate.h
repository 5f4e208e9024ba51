/** \file calibrate.h
 * `parksim calibrate`: fit the free parameters to the published 2025 figures
 * (calibration.* targets) and print the fit. docs/MODEL.md "Calibration".
 */
#ifndef PARKSIM_CALIBRATE_H
#define PARKSIM_CALIBRATE_H

#include "config.h"

/** Fit and report on stdout; with out_path, write the fitted keys as a YAML
 *  overlay of the scenario (refused if it exists, unless force). *all_met is
 *  1 if every target is within its tolerance. Runs on the calling process only. */
SimStatus calibrate_run(const Scenario *sc, const char *scenario_path, const char *out_path, int force, int *all_met);

#endif
