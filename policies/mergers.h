/** \file mergers.h
 * Mergers and acquisitions (兼并重组): stronger firms, preferably of the same
 * chain, acquire weak (亩均 class C/D) firms of their park; the combined firm
 * keeps part of the target's land and the rest becomes an idle site.
 */
#ifndef PARKSIM_MERGERS_H
#define PARKSIM_MERGERS_H

#include "levers.h"

/** Mark firm f as a merger target this month from uniform u (sets f->target to
 *  1 for a baseline deal, 2 for a subsidised one). Only weak firms qualify. */
void mergers_mark(const Params *p, double intensity, ParkState *ps, Firm *f, double u);

/** Index of the acquirer of ps->firm[t] chosen with r (already reset), or -1 if
 *  no firm qualifies (active, class mergers.acquirer_max_class or better, larger than the target).
 *  acc is scratch room for ps->n_firm doubles. */
int mergers_choose_acquirer(const Params *p, double intensity, const ParkState *ps, int t, gsl_rng *r, double *acc);

/** Combine target t into acquirer a, whose revenue gains `synergy` times the
 *  target's, and release land; returns SIM_ENOMEM if the
 *  released land could not be recorded. */
SimStatus mergers_combine(const Params *p, ParkState *ps, int a, int t, int month, double synergy);

/** Carry out every marked deal of the park this month, in firm order. Returns
 *  the number of firms absorbed through *n_done. */
SimStatus mergers_park(LeverCtx *c, int *n_done);

#endif
