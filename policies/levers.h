/** \file levers.h
 * What the levers share: schedule, intensity, yearly budget and its split
 * across parks (targeting); and the entry points of the park-level levers
 * (chain extension, cultivation, safety, smart park, land efficiency, focus;
 * mergers, revitalisation and upgrades have their own headers).
 *
 * Every lever raises a baseline rate toward a lever maximum,
 *     rate = base + intensity * (max - base),
 * so intensity 0 leaves every draw and every decision exactly as without the
 * lever (bit-identical output). Extra *actions* (subsidised upgrades and deals,
 * cleared sites) are paid from the park's share of the provincial budget; once
 * it is spent, only baseline actions happen. Facilitation that costs the budget
 * nothing in the model (investment promotion raising the letting rate and the
 * gap-filling share of entrants; matching raising the same-chain share of
 * acquirers; the safety lever's inspections closing compliance gaps; the
 * 亩均 lever's differentiated prices) follows intensity alone, so a lever
 * with budget 0 still has them.
 */
#ifndef PARKSIM_LEVERS_H
#define PARKSIM_LEVERS_H

#include "../agents/model.h"

/** Rate between a baseline and a lever maximum. */
static inline double lever_rate(double base, double max, double intensity)
{
    return intensity > 0 ? base + intensity * (max - base) : base;
}

/** Pay `cost` from the park's budget of lever `id`; 0 (and nothing spent) if
 *  the budget left is short. */
int lever_pay(ParkState *ps, LeverId id, double cost);

/** The LeverParams of lever `id`. */
const LeverParams *lever_params(const Params *p, LeverId id);

/** Need of park k for lever `id`: what the lever can act on there (eligible
 *  firms, idle land, missing links, infrastructure gap, ...); 0 = nothing. */
double lever_need(const Params *p, const ParkInfo *info, const ParkState *ps, LeverId id);

/** The targeting rule (AllocRule) lever `id` uses. */
int lever_rule(const Params *p, LeverId id);

/** Split each active lever's budget for the year starting at `month` across
 *  parks by its targeting rule, after scaling the budgets down to
 *  province.budget if they exceed it, and reset what was spent. Levers that
 *  pay whole actions get whole actions' worth per park. `work` must hold
 *  4 * n_parks doubles. */
void levers_allocate_year(const Params *p, const ParkInfo *info, ParkState *parks, int n_parks, int month,
                          double *work);

/* ---- chain.c: 补链延链 */
/** Whether the park has an idle site a project could use. */
int chain_has_site(const Params *p, const ParkState *ps);
/** Links missing from park's leading chains. */
int chain_missing_links(const Params *p, const ParkInfo *info, const ParkState *ps);
/** A possible project in park k this month, decided by uniform u. */
SimStatus chain_park_month(Replicate *R, int k, int month, double intensity, double u, int *n_projects);

/* ---- cultivation.c: 梯度培育 */
/** Whether firm f meets the next tier's eligibility rule. */
int cultivation_eligible(const Params *p, const Firm *f);
void cultivation_promote(const Params *p, Firm *f);
/** Promotion decision from uniform u: 0 none, 1 baseline, 2 lever (paid). */
int cultivation_firm(const Params *p, double intensity, ParkState *ps, Firm *f, double u);

/* ---- safety.c: 安全环保 */
/** Lever investment in shared infrastructure for a month, paid from the budget. */
void safety_park_month(const Params *p, double intensity, ParkState *ps);
/** Lever compliance gain of one firm for a month. */
void safety_firm_month(const Params *p, double intensity, Firm *f);
/** Freeze new projects after a serious incident in `month`. */
void safety_serious_incident(const Params *p, ParkState *ps, int month);
double safety_initial_infra(const Params *p, char size_class);

/* ---- smart.c: 智慧园区 */
/** Platform investment of a month: the park's own, plus the lever's (paid). */
void smart_park_month(const Params *p, double intensity, ParkState *ps);
/** Year-end level step if investment and coverage suffice; 1 if it moved up. */
int smart_park_year(const Params *p, ParkState *ps, double digital_coverage);

/* ---- landuse.c: 亩均 pressure */
/** Drift lost by a C- or D-class firm to differentiated prices, a-1. */
double landuse_drift_penalty(const Params *p, double intensity, const Firm *f);
/** Forced exit of a D-class firm from uniform u (the exit draw); pays compensation. */
int landuse_forced_exit(const Params *p, double intensity, ParkState *ps, const Firm *f, double u, double base_hazard);

/* ---- focus.c: at most 3 leading industries */
/** Monthly decision (annual rate rate_max x intensity) of a park with too
 *  many leading industries to drop one. */
int focus_park_month(const Params *p, double intensity, ParkState *ps, double u);

#endif
