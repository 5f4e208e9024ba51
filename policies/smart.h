/** \file smart.h
 * 智慧园区 (smart park): platform investment and the yearly level step.
 */
#ifndef PARKSIM_SMART_H
#define PARKSIM_SMART_H

#include "levers.h"

/** Platform investment of a month: the park's own, plus the lever's (paid). */
void smart_park_month(const Params *p, double intensity, ParkState *ps);
/** Year-end level step if investment and coverage suffice; 1 if it moved up. */
int smart_park_year(const Params *p, ParkState *ps, double digital_coverage);

#endif
