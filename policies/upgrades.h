/** \file upgrades.h
 * Technology/digital upgrades (智改数转网联): a firm invests in a step of
 * technology level; the lever subsidises extra upgrades.
 */
#ifndef PARKSIM_UPGRADES_H
#define PARKSIM_UPGRADES_H

#include "levers.h"

/** Decide this month's upgrade of active firm f from uniform u and apply it.
 *  Returns 0 (none), 1 (baseline upgrade) or 2 (subsidised upgrade). */
int upgrades_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u);

/** Apply one upgrade step to a firm: technology, productivity and safety. */
void upgrades_apply(const Params *p, Firm *f);

#endif
