/** \file sweep.h
 * Sweep files (docs/CONFIG.md, "Sweep files"): a base scenario, a design and
 * the parameters to vary with their ranges. Loading checks the file and
 * every point of the design (each point must be a valid scenario); it does
 * no MPI and writes no output. `parksim sweep` runs the points (ensemble.c).
 */
#ifndef PARKSIM_SWEEP_H
#define PARKSIM_SWEEP_H

#include "config.h"
#include "design.h"
#include "prior.h"

#define SWEEP_MAX_PARAMS 40
#define SWEEP_KEY_MAX 128
#define SWEEP_MAX_APPLIED (PRIOR_MAX_INPUTS + 2)
#define SWEEP_MAX_KEEP 64

/** What a sweep's output keeps of each (point, replicate) task
 *  (docs/OUTPUT.md 3.7): every array (full), or the per-replicate counts,
 *  tiers and lever totals, with every array only for the kept points
 *  (summary). `auto` is summary when the full results would exceed
 *  SWEEP_AUTO_SUMMARY_BYTES. */
typedef enum { SWEEP_STORE_AUTO = 0, SWEEP_STORE_FULL, SWEEP_STORE_SUMMARY } SweepStore;
extern const char *const sweep_store_names[3];
/** In-memory bytes of a sweep's full results above which `store: auto` keeps summaries. */
#define SWEEP_AUTO_SUMMARY_BYTES 16e9

typedef struct {
    char path[PS_PATH_MAX];           /**< the sweep file */
    char scenario[PS_PATH_MAX];       /**< the base scenario, resolved from the sweep file's directory */
    DesignKind design;
    int n;                            /**< lhs/sobol points; saltelli base rows N; grid: 0 */
    uint64_t seed;                    /**< design seed (lhs) */
    int k;                            /**< parameters */
    char key[SWEEP_MAX_PARAMS][SWEEP_KEY_MAX];
    double lower[SWEEP_MAX_PARAMS], upper[SWEEP_MAX_PARAMS];
    int levels[SWEEP_MAX_PARAMS];     /**< grid levels (1 elsewhere) */
    int is_int[SWEEP_MAX_PARAMS];     /**< integer key: values are rounded to the nearest integer */
    long points;                      /**< Q */
    double *values;                   /**< Q x k, the value each point uses */
    char *text;                       /**< the sweep file's text, stored in the output */
    /* Points drawn from priors (docs/UNCERTAINTY.md): values[] holds the
     * inputs (one per unit-cube coordinate), applied[] the keys each point
     * sets, weights normalised and tier cut-offs refitted. */
    int prior;                        /**< the points come from a priors file */
    char priors_path[PS_PATH_MAX];    /**< that file (a sweep file's `priors:` or `posterior:`, resolved) */
    int posterior;                    /**< the points are draws of a posterior of `parksim abc` (`posterior:`) */
    char unit[SWEEP_MAX_PARAMS][32];  /**< each input's unit */
    int m;                            /**< keys set per point */
    char akey[SWEEP_MAX_APPLIED][SWEEP_KEY_MAX];
    char aunit[SWEEP_MAX_APPLIED][32];
    double *applied;                  /**< Q x m: the value each point sets for each akey */
    int n_alt, alt_col;               /**< alternatives of a choice and its input column (n_alt 0: none) */
    char alt_name[PRIOR_MAX_CHOICES][64];
    Params *alt;                      /**< n_alt scenarios, one per alternative */
    SweepStore store;                 /**< the file's `store` */
    int n_keep;                       /**< points whose every array a summary-mode sweep keeps */
    long keep[SWEEP_MAX_KEEP];        /**< their indices, increasing */
} Sweep;

/** What reads a sweep file's `posterior:` (abc_sweep_load_posterior; NULL
 *  where posterior files cannot be read, and such a file is refused). */
typedef SimStatus (*SweepPosteriorLoader)(Sweep *sw, Scenario *base, char *const *sets, int n_sets);

/** Whether the sweep stores summaries: `store`, or for auto the size of
 *  its full results (bytes_per_task of results, R replicates a point). */
int sweep_summary_mode(const Sweep *sw, double bytes_per_task, int R);

/** Read and check `path` (errors name file, line, column and key), build
 *  the design and its values, and check every point: the base scenario with
 *  `sets` and the point's values as --set overrides must load, and setting
 *  the values directly into the base Params must give the same Params (so a
 *  point's results equal a single run of that scenario). `base` receives the
 *  base scenario (with `sets`). SIM_ECONFIG after messages on bad input.
 *  The caller frees both with sweep_free() and config_free(). */
SimStatus sweep_load(Sweep *sw, Scenario *base, const char *path, char *const *sets, int n_sets,
                     SweepPosteriorLoader posterior);

/** The Params of point q: base with the point's values set. */
void sweep_point_params(const Sweep *sw, const Params *base, long q, Params *out);

/** Points from the priors `pr` over the scenario at scenario_path (loaded
 *  with `sets` into `base`): the design's unit points (design prior: n
 *  random draws keyed by base->p.run.seed; saltelli: N = n base rows)
 *  through the priors' inverse CDFs; each alternative of a choice loaded as
 *  its own scenario; tier cut-offs refitted per point when pr->refit. `text`
 *  goes into the output and the checkpoint's identity. SIM_ECONFIG after
 *  messages when a point is not a valid scenario. Rank 0 only (no MPI). */
SimStatus sweep_from_priors(Sweep *sw, const Scenario *base, const char *scenario_path, const Priors *pr,
                            DesignKind design, int n, char *const *sets, int n_sets, const char *text);

void sweep_free(Sweep *sw);

#endif
