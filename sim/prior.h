/** \file prior.h
 * Priors over the unknowns (docs/UNCERTAINTY.md, docs/CONFIG.md "Priors"):
 * a priors file gives number-valued scenario keys a distribution instead of
 * a value. Loading checks the file against the scenario's keys (errors name
 * file, line, column and key); a point of the unit cube maps to one value
 * per input through each prior's inverse CDF, so random draws and the
 * Saltelli design share one transform (the random draws are the `prior`
 * design of design.h). Pure: no MPI, no HDF5, no model runs.
 *
 * Inputs are the coordinates of the unit cube: one per scalar prior (the
 * key's value), one per component of a Dirichlet (its gamma variate, the
 * weight being the variate over the block's sum) and one per choice (the
 * index of the value or alternative taken).
 */
#ifndef PARKSIM_PRIOR_H
#define PARKSIM_PRIOR_H

#include "config.h"

#include <stdio.h>

#define PRIOR_MAX 32          /**< priors in one file */
#define PRIOR_MAX_INPUTS 40   /**< unit-cube coordinates in all */
#define PRIOR_MAX_CHOICES 8   /**< values or alternatives of one choice */
#define PRIOR_KEY_MAX 128
#define PRIOR_TEXT_MAX 600

typedef enum { PD_UNIFORM, PD_NORMAL, PD_LOGNORMAL, PD_BETA, PD_DIRICHLET, PD_CHOICE, PD_COUNT } PriorDist;

extern const char *const prior_dist_names[PD_COUNT];

typedef struct {
    PriorDist dist;
    int nkeys;                                /**< 1, or the components of a Dirichlet */
    char key[ASSESS_MAX_GROUPS][PRIOR_KEY_MAX]; /**< a choice between alternatives: key[0] is its name */
    char unit[32];
    double p1, p2;         /**< uniform: unused; normal: mean, sd; lognormal: mu, sigma (of ln x); beta: a, b */
    double lo, hi;         /**< support: uniform range, truncation of normal/lognormal, interval of a scaled beta */
    double alpha[ASSESS_MAX_GROUPS];          /**< Dirichlet */
    int n_choice;          /**< choice: values or alternatives */
    int is_alt;            /**< choice between alternatives (scenario overlays) rather than values of a key */
    double cval[PRIOR_MAX_CHOICES], prob[PRIOR_MAX_CHOICES];
    char alt_name[PRIOR_MAX_CHOICES][64];
    char alt_path[PRIOR_MAX_CHOICES][PS_PATH_MAX]; /**< "" = the scenario as it is */
    char reason[PRIOR_TEXT_MAX], source[PRIOR_TEXT_MAX];
    char file[PS_PATH_MAX];
    int line, col;
} Prior;

typedef struct {
    char path[PS_PATH_MAX];
    int refit;             /**< cutoffs: refit (1) or fixed (0) */
    int reinit;            /**< some prior's key shapes the 2025 state: a refit recomputes that state per draw */
    int n;
    Prior pr[PRIOR_MAX];
    int n_inputs;
    int alt;               /**< index of the choice between alternatives, -1 if none */
    char *text;            /**< the file's text (malloc'd), stored in the output */
} Priors;

/** Read and check `path` against the scenario `base` (its keys, ranges and
 *  assessment groups). Every problem is reported as FILE:LINE:COL: key:
 *  message; returns SIM_ECONFIG after them, SIM_OK, or SIM_ENOMEM/SIM_EIO. */
SimStatus prior_load(Priors *pr, const char *path, const Params *base);
void prior_free(Priors *pr);

/** Input i: its name, unit and support [lo, hi]. */
void prior_input(const Priors *pr, int i, char *name, size_t len, const char **unit, double *lo, double *hi);

/** Map u (n_inputs values in (0,1)) to the inputs x (natural units) through
 *  each prior's inverse CDF (truncated where bounded). */
void prior_transform(const Priors *pr, const double *u, double *x);

/** The alternative the inputs x choose (0 without a choice between alternatives). */
int prior_alternative(const Priors *pr, const double *x);

/** Keys that prior_apply sets, in order (values of scalar priors and choices
 *  of values, the Dirichlet's weights); with cut-offs refitted the caller adds
 *  assessment.tier1_min and tier2_min. Returns the count; names into key[]. */
int prior_applied_keys(const Priors *pr, char key[][PRIOR_KEY_MAX], int max);

/** Set the keys of the inputs x into p (weights normalised). Returns 0, or -1
 *  if a value is out of its key's range (cannot happen for checked priors). */
int prior_apply(const Priors *pr, const double *x, Params *p);

/** Get or set a number key, including the prior-only group weight keys
 *  assessment.groups.NAME.weight. Return 0, or -1 for an unknown key or a
 *  value out of range. */
int prior_get_key(const Params *p, const char *key, double *v);
/** The unit of a number key ("1" for a group weight or a key without one). */
const char *prior_key_unit(const char *key);
int prior_set_key(Params *p, const char *key, double v);

/** The priors as YAML comments and values (parksim validate). */
void prior_print(FILE *out, const Priors *pr);

#endif
