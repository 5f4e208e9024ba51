/** \file safety.h
 * 安全环保 (safety and environment): shared infrastructure, compliance,
 * and the freeze of new projects after a serious incident.
 */
#ifndef PARKSIM_SAFETY_H
#define PARKSIM_SAFETY_H

#include "levers.h"

/** Lever investment in shared infrastructure for a month, paid from the budget. */
void safety_park_month(const Params *p, double intensity, double land_mu, ParkState *ps);
/** Lever compliance gain of one firm for a month. */
void safety_firm_month(const Params *p, double intensity, Firm *f);
/** Freeze new projects after a serious incident in `month`. */
void safety_serious_incident(const Params *p, ParkState *ps, int month);
double safety_initial_infra(const Params *p, const ParkInfo *info);

#endif
