/** \file observe.h
 * Observations files (docs/CALIBRATION.md, docs/CONFIG.md "Observations
 * files"): the public facts a Bayesian calibration conditions on, each with
 * the summary statistic the model produces for it, the observed value, a
 * tolerance that says how sure the source is, and how a miss is counted; the
 * model and scenario they are about, the priors, and the settings of the
 * ABC-SMC sampler. Loading checks everything (errors name file, line, column
 * and key) before any work. No MPI, no HDF5, no model runs.
 */
#ifndef PARKSIM_OBSERVE_H
#define PARKSIM_OBSERVE_H

#include "config.h"
#include "prior.h"

#define OBS_MAX 24            /**< observations in one file */
#define OBS_NAME_MAX 64
#define OBS_SOURCE_MAX 600

/** What produces the summaries: the park model, or a toy model whose
 *  posterior is known in closed form (for testing the sampler). */
typedef enum { OM_PARKSIM, OM_NORMAL, OM_BETA_BINOMIAL, OM_COUNT } ObsModel;
extern const char *const obs_model_names[OM_COUNT];

/** Summary statistics. The park model's are those `parksim calibrate` fits
 *  (means over the simulation's replicates); the toy models have one each. */
typedef enum {
    OS_ABOVE_SCALE_SHARE, OS_DIGITAL_COVERAGE, OS_RATIO_SPECIALISED, OS_RATIO_INNOVATIVE, OS_EXIT_RATE, OS_GROWTH,
    OS_TIER1_PARKS, OS_TIER2_PARKS, OS_PARK_TIER, /* the park model */
    OS_MEAN,       /* normal: the mean of n draws of N(theta, sigma^2) */
    OS_SUCCESSES,  /* beta-binomial: successes in n trials of probability theta */
    OS_COUNT
} ObsStat;
extern const char *const obs_stat_names[OS_COUNT];

/** How the miss s - value counts: two-sided, or one-sided (a floor or a ceiling). */
typedef enum { OD_ABS, OD_AT_LEAST, OD_AT_MOST, OD_COUNT } ObsDist;
extern const char *const obs_dist_names[OD_COUNT];

typedef struct {
    char name[OBS_NAME_MAX];
    ObsStat stat;
    ObsDist dist;
    double value;          /**< observed */
    double tolerance;      /**< scale of a miss, in the statistic's unit (> 0) */
    int park;              /**< park_tier: index of the park in the park file */
    int tier;              /**< park_tier: the verified tier (1-3) */
    char park_code[48];
    char source[OBS_SOURCE_MAX];
} Observation;

typedef struct {
    int particles;         /**< N, particles per generation */
    double quantile;       /**< next tolerance: this quantile of the last generation's distances */
    double final_tolerance;/**< stop once a generation reaches it */
    double min_acceptance; /**< stop when a generation accepts fewer proposals than this share */
    long max_simulations;  /**< stop when the simulations so far reach this many */
    int max_generations;   /**< stop after this many generations (the prior's included) */
    int replicates;        /**< replicates per simulation (park model) */
    uint64_t seed;         /**< the sampler's seed (default: the scenario's run.seed) */
    int seed_given;
} AbcSettings;

typedef struct {
    char path[PS_PATH_MAX];
    char scenario[PS_PATH_MAX];  /**< resolved against the file's directory */
    char priors[PS_PATH_MAX];    /**< resolved against the file's directory */
    ObsModel model;
    int toy_n;                   /**< toy models: data size n */
    double toy_sigma;            /**< normal: sd of one datum */
    AbcSettings abc;
    int n;
    Observation ob[OBS_MAX];
    char *text;                  /**< the file's text (malloc'd), stored in the posterior */
} Observations;

/** Read and check `path`. The scenario and park facts are checked against
 *  `sc` when it is not NULL (park codes, verified tiers); call again with it
 *  once the scenario the file names is loaded. Every problem is reported as
 *  FILE:LINE:COL: key: message; returns SIM_ECONFIG after them, SIM_OK, or
 *  SIM_ENOMEM/SIM_EIO. Free with obs_free(). */
SimStatus obs_load(Observations *ob, const char *path, const Scenario *sc);
void obs_free(Observations *ob);

/** The distance of summaries s (one per observation) from the observations:
 *  the Euclidean norm of the misses, each in units of its tolerance
 *  (one-sided misses count only on their side). NaN if a summary is NaN. */
double obs_distance(const Observations *ob, const double *s);

#endif
