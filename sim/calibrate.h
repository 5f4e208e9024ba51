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

/** The tier cut-offs refitted for other assessment parameters (a draw of
 *  the priors, docs/UNCERTAINTY.md): the initial-state metrics of
 *  calibration.replicates replicates are computed once by cutoff_fit_new;
 *  cutoff_fit then sets p's assessment.tier1_min and tier2_min so that the
 *  mean first- and second-tier counts of that 2025 state are
 *  p->calibration.tier1_parks and tier2_parks, with p's weights, bands and
 *  smart-level gate, then lowered where a park's verified tier asks for it,
 *  as `parksim calibrate` does (its steps 4-6). With reinit the 2025 state is
 *  first recomputed from p (a draw that changes the population, the initial
 *  tiers' rules, the infrastructure or the initial incidents); without it,
 *  what p sets there must be what was given to cutoff_fit_new. */
typedef struct CutoffFit CutoffFit;
SimStatus cutoff_fit_new(CutoffFit **f, const Scenario *sc, const Params *p);
/** Returns 1 if both counts are within calibration.tier_tol or given up for a
 *  verified park tier, 0 if not (the best cut-offs found are set), -1 on a
 *  failure (reported). n1, n2: the counts. */
int cutoff_fit(CutoffFit *f, Params *p, int reinit, double *n1, double *n2);
void cutoff_fit_free(CutoffFit *f);

/** The summaries of the calibration targets for parameters p over
 *  replicates 0..n-1 of p->run.seed (for ABC, docs/CALIBRATION.md): out[]
 *  indexed by CalSummary; share[k] (P entries) the share of replicates in
 *  which park k is at or above tier want[k] in 2025 (0 where want[k] is 0).
 *  Returns SIM_OK, or an error (reported). Runs on the calling process. */
enum { CAL_S_ABOVE, CAL_S_COVERAGE, CAL_S_RATIO_SPEC, CAL_S_RATIO_INNOV, CAL_S_EXIT, CAL_S_GROWTH, CAL_S_TIER1,
       CAL_S_TIER2, CAL_S_COUNT };
SimStatus calibrate_summaries(const Scenario *sc, const Params *p, int n, const int *want, double *out, double *share);

#endif
