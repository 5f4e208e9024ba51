/** \file runfile.h
 * One finished parksim output file, read into memory for analysis (the file
 * layout is docs/OUTPUT.md). Every size (replicates, years, parks, levers,
 * tiers) comes from the file; nothing is assumed.
 */
#ifndef PARKSTAT_RUNFILE_H
#define PARKSTAT_RUNFILE_H

#include "../base/err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *path;
    char *name;          /**< scenario_name, or the path when absent */
    char *targets;       /**< root attribute `targets` ("2027:6 2028:10"), NULL when absent */
    uint64_t seed;
    int has_seed;
    int R, Y, P;         /**< replicates, years, parks */
    int ntiers;          /**< tiers 1..ntiers (from tier's flag_values; 3 when absent) */
    int *years;          /**< [Y] calendar years */
    char **park_code;    /**< [P] */
    char **park_name;    /**< [P] from /parks/park_name (UTF-8, may be Chinese); the code when absent */
    int *top;            /**< [R][Y] top_tier_count */
    int point;           /**< the point read of a sweep file; -1 for any other file */
    int summary;         /**< that sweep stores summaries (docs/OUTPUT.md 3.7): its tiers and lever
                              totals are in /summary, its other arrays only for kept points */
    signed char *tier;   /**< [R][Y][P], NULL unless asked for */
    /* A run over draws of priors (parksim run --prior): R = D * n, replicate
     * r = d * n + j is replicate j of draw d. D = 0 for any other run. */
    int D, n;
    int k;               /**< inputs of the priors */
    double *values;      /**< [D][k] /sweep/values: each draw's inputs */
    int n_alt;           /**< alternatives of the priors' choice (0: none) */
    int *alt;            /**< [D] the alternative each draw took, NULL without */
    char **alt_name;     /**< [n_alt] */
} RunFile;

/** Read `path`: root attributes, /summary, and /park_year/tier when want_tier.
 *  Refuses a file without the parksim_complete marker. Returns SIM_OK, or after
 *  one message SIM_EINVAL for bad input (not HDF5, unfinished, wrong layout),
 *  SIM_ENOMEM for a memory failure; a dataset HDF5 cannot read is bad input too
 *  (SIM_EINVAL: a damaged file). */
SimStatus runfile_read(const char *path, int want_tier, RunFile **out);
/** As runfile_read, of point `point` of a sweep file (of either store mode) as
 *  if it were a single run: its name gets the point and its values. A sweep
 *  file needs point >= 0 (bad input otherwise, naming --point); other files
 *  need point < 0. */
SimStatus runfile_read_point(const char *path, int want_tier, int point, RunFile **out);

#define MAX_POINTS 64
/** The points chosen with --point (each sweep file on the command line
 *  stands for these points of it). */
typedef struct { int n, q[MAX_POINTS]; } Points;
/** Parse --point Q at argv[*i] (Q a whole number, or several separated by
 *  commas); 1 when consumed, 0 when not --point, -1 after an error message. */
int point_option(int argc, char **argv, int *i, Points *pts);
/** Whether `path` is a sweep file with a point dimension (not a run over
 *  draws of priors): 1 yes, 0 no, -1 unreadable (after a message). */
int runfile_is_sweep(const char *path);
/** Read every input of a command: each run file once, each sweep file once
 *  per point of pts (in their order). *rf (n entries) is freed by the caller
 *  with runfile_free of each and free, also after a failure. --point with no
 *  sweep file among the files, or a sweep file without --point, is bad
 *  input. */
SimStatus runfiles_read(const char *const *files, int nf, const Points *pts, int want_tier, RunFile ***rf, int *n);
void runfile_free(RunFile *rf);

/** Index of calendar year `year` in rf->years, or -1. */
int runfile_year_index(const RunFile *rf, int year);

/** Paired-comparison compatibility: same seed, replicate count, years and parks
 *  (park_code list, in order). Returns SIM_OK, or SIM_EINVAL after a message
 *  naming both files and what differs. With `same_runs` 0 only years and parks are checked (for
 *  two-sample tests between runs with different seeds or replicate counts). */
SimStatus runfile_check_compatible(const RunFile *a, const RunFile *b, int same_runs);
/** The same check without printing: 1 when compatible, else 0 with the reason in why. */
int runfile_compatible(const RunFile *a, const RunFile *b, int same_runs, char *why, size_t n);

#endif
