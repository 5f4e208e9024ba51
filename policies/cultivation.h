/** \file cultivation.h
 * 梯度培育 (gradient cultivation): promotion up the tiers ordinary →
 * innovative SME → 专精特新 → little giant → champion.
 */
#ifndef PARKSIM_CULTIVATION_H
#define PARKSIM_CULTIVATION_H

#include "levers.h"

/** Whether firm f meets the next tier's eligibility rule. */
int cultivation_eligible(const Params *p, const Firm *f);
void cultivation_promote(const Params *p, Firm *f);
/** Promotion decision from uniform u: 0 none, 1 baseline, 2 lever (paid). */
int cultivation_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u);
/** The monthly factor on the R&D intensity of a firm short of its next
 *  title's R&D rule (coaching), at lever intensity > 0. */
double cultivation_coaching(const Params *p, double intensity);

#endif
