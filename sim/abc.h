/** \file abc.h
 * `parksim abc`: Bayesian calibration by sequential Monte-Carlo ABC
 * (docs/CALIBRATION.md). Population Monte Carlo (Beaumont et al. 2009)
 * with adaptive tolerances (each a quantile of the last generation's
 * distances, Del Moral et al. 2012) and the optimal local-covariance
 * Gaussian kernels of Filippi et al. 2013. The sampler works on the priors'
 * normal scores z = Phi^-1(u), u the unit-cube point prior_transform maps to
 * the parameters: every prior of a priors file is then N(0, I) in z, and
 * the posterior in z maps to the parameters through the same transform.
 *
 * Every proposal and simulation is keyed by (seed, generation, particle,
 * attempt), and particles are tasks of the dynamic scheduler (par.h), so
 * the posterior is the same at any rank count; accepted particles are
 * appended to a checkpoint as they come, so a killed run resumes in the
 * middle of a generation and gives the same posterior.
 */
#ifndef PARKSIM_ABC_H
#define PARKSIM_ABC_H

#include "config.h"
#include "observe.h"
#include "prior.h"
#include "sweep.h"

#define ABC_MAX_APPLIED (PRIOR_MAX_INPUTS + 2)

/** The sampler's populations: generation g's particles are rows g*N.. of
 *  each array. theta holds the values the particle sets (natural units:
 *  keys of prior_applied_keys, then the refitted cut-offs). */
typedef struct {
    int N, d, m, S, G;             /**< particles, inputs (z), set keys, summaries, generations */
    char input[PRIOR_MAX_INPUTS][PRIOR_KEY_MAX];
    char key[ABC_MAX_APPLIED][PRIOR_KEY_MAX];
    char unit[ABC_MAX_APPLIED][32];
    double *z, *theta, *stats, *weight, *dist; /**< [G][N][d], [G][N][m], [G][N][S], [G][N], [G][N] */
    double *tol, *acc, *ess, *seconds;         /**< [G] tolerance, acceptance rate, effective sample size, wall time */
    long *sims;                                /**< [G] simulations of the generation */
    uint64_t seed;
    uint64_t digest;                           /**< of the observations, priors, scenario and settings */
    char stop[160];                            /**< why the sampler stopped */
} AbcPosterior;

typedef struct {
    const char *out_path;
    const char *history;      /**< the command line, stored in the file */
    int force, resume, quiet;
    double progress_every;    /**< seconds between progress lines within a generation (< 0: none) */
    double checkpoint_every;  /**< seconds between fsyncs of the particle records (< 0: at generation ends only) */
    int already_done;         /**< out: --resume found this calibration's finished posterior */
    int interrupted;          /**< out: stopped by SIGTERM/SIGUSR1 with every accepted particle on disk */
} AbcOptions;

/** Collective. Calibrate the scenario `sc` (identical on every rank) to the
 *  observations `ob` over the priors `pr`, writing the posterior to
 *  opt->out_path (OUT.partial, renamed when complete; an existing file is
 *  refused without --force and left untouched by a failure). Checkpoint in
 *  OUT.ckpt/. Returns SIM_OK or an error reported on some rank. */
SimStatus abc_run(const Observations *ob, const Scenario *sc, const Priors *pr, AbcOptions *opt);

/** Rank 0: check that the priors can be calibrated (no choice between
 *  scenario alternatives) and that the observations suit the model. */
SimStatus abc_check(const Observations *ob, const Priors *pr);

void abc_posterior_free(AbcPosterior *po);

/** Rank 0: the draws of a posterior-predictive run as a sweep over draws
 *  (laid out as `run --prior`, docs/UNCERTAINTY.md; calibrated_on, the
 *  posterior's scenario, goes into the run's identifying text): draw q takes particle
 *  j with probability weight[j], chosen by a keyed uniform of (base's
 *  run.seed, q), so every scenario run with the same seed takes the same
 *  particles (paired draws). Each draw sets the posterior's keys. SIM_ECONFIG
 *  with a message if a key cannot be set in this scenario. */
SimStatus abc_sweep_from_posterior(Sweep *sw, const Scenario *base, const AbcPosterior *po, const char *path,
                                   const char *calibrated_on, int draws, int per_draw);

/** Rank 0: the points of a sweep file with `posterior:` (sweep_load's
 *  loader for it): draws of the posterior's particles, as run --posterior
 *  takes them, with the sweep file's text first in the run's text. */
SimStatus abc_sweep_load_posterior(Sweep *sw, Scenario *base, char *const *sets, int n_sets);

/** io_h5_abc.c: write the posterior file at `path` (serial, one rank;
 *  NetCDF-4 compatible, docs/OUTPUT.md "Posterior files"). */
SimStatus abc_h5_write(const char *path, const AbcPosterior *po, const Observations *ob, const Priors *pr,
                       const Scenario *sc, const char *history);
/** io_h5_abc.c: read the last generation of a posterior file: N, m, key,
 *  unit, theta (N x m) and weight (N) of po are set (G = 1); the scenario
 *  it was calibrated on into scenario (PS_PATH_MAX). SIM_ECONFIG with a
 *  message for a file that is not a finished posterior. */
SimStatus abc_h5_read(const char *path, AbcPosterior *po, char *scenario);
/** io_h5_abc.c: whether `path` is the finished posterior with this digest. */
int abc_h5_is_done(const char *path, uint64_t digest);

#endif
