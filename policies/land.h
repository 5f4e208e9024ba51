/** \file land.h
 * 亩均 land-efficiency pressure: differentiated prices and forced exits of
 * D-class firms.
 */
#ifndef PARKSIM_LAND_H
#define PARKSIM_LAND_H

#include "levers.h"

/** Drift lost by a C- or D-class firm to differentiated prices, a-1. */
double land_drift_penalty(const Params *p, double intensity, const Firm *f);
/** Forced exit of a D-class firm from uniform u (the exit draw); pays compensation. */
int land_forced_exit(const Params *p, double intensity, ParkState *ps, const Firm *f, double u, double base_hazard);

#endif
