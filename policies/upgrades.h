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

/** Upgrade projects a firm's size is worth: revenue / firm.upgrade_project_revenue, at least 1. */
double upgrades_projects(const Params *p, const Firm *f);

/** Apply one upgrade project to a firm worth m projects: 1/m of a whole-firm
 *  step of technology, productivity and safety. */
void upgrades_apply(const Params *p, Firm *f, double m);

/** The lever's subsidy of one project of a firm worth m projects. */
double upgrades_subsidy(const Params *p, const Firm *f, double m);

#endif
