/** \file focus.h
 * Focus: a park with too many leading industries drops one.
 */
#ifndef PARKSIM_FOCUS_H
#define PARKSIM_FOCUS_H

#include "levers.h"

/** Monthly decision (annual rate rate_max x intensity) of a park with too
 *  many leading industries to drop one. */
int focus_park_month(const Params *p, double intensity, ParkState *ps, double u);

#endif
