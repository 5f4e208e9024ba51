/** \file io_h5.h
 * The HDF5 output file: its layout (docs/OUTPUT.md), the collective parallel
 * writes of replicate batches, and the serial finishing pass that adds
 * coordinates, dimension scales, strings and attributes (NetCDF-4 compatible).
 * The only file that calls HDF5.
 */
#ifndef PARKSIM_IO_H5_H
#define PARKSIM_IO_H5_H

#include "config.h"

#include <stdio.h>
#include "sweep.h"
#include <stdint.h>

typedef struct {
    int R, Y, T, P, G, M, L; /**< replicates, years, months, parks, groups, metrics, levers */
    int Q;                   /**< sweep points (a leading `point` dimension); 0 for a single run */
    int draws;               /**< the points are random draws of priors: the leading dimension is `draw` */
    int B;                   /**< chunk rows along `replicate` */
    int cap;                 /**< most replicates a rank writes at once */
    int monthly;             /**< write /park_month */
    int compression;         /**< deflate level */
    int summary;             /**< a sweep storing per-point summaries (docs/OUTPUT.md 3.7) */
    int K;                   /**< summary: points whose every array is kept (/park_year, /park_month) */
    const long *keep;        /**< summary: those points, increasing (the sweep's keep[]) */
} OutDims;

/** Facts about the run stored as root attributes. */
typedef struct {
    const char *history;      /**< the command line */
    const char *scenario_path;
    int nranks;
    uint64_t digest;          /**< order-independent hash of all replicate results */
    double loop_seconds, write_seconds;
    int computed;             /**< replicates computed by this invocation */
    int restored;             /**< replicates read back from a checkpoint (--resume) */
    const Sweep *sweep;       /**< NULL for a single run */
    const uint64_t *point_digest; /**< sweep: the digest of each point's replicates (as a run's result_digest) */
    double busy_min, busy_max;    /**< least and most seconds a rank spent computing */
} RunFacts;

typedef struct Output Output;

/** Print every data variable of an output file (from the results schema,
 *  schedule/results.c) as a Markdown table: group, name, shape, file type,
 *  units, storage when compression is on, long name (`parksim keys --outputs`). */
void out_print_schema_markdown(FILE *out);

/** Rank 0, before a --resume: whether the existing output `path` is the
 *  finished result of this very run (marked complete, the same resolved
 *  scenario, park file and sweep). *done = 1 and SIM_OK if so (a message
 *  says so); SIM_EEXIST, reported, if it is anything else. */
SimStatus out_check_done(const char *path, const Scenario *sc, const Sweep *sw, int *done);

/** Collective: create the file at `path` (truncating) with every data variable. */
SimStatus out_create(Output **o, const char *path, const OutDims *d);
/** Collective: write this rank's n (0..cap) results, batch row i to task
 *  rows[i] (point * R + replicate), rows increasing. */
SimStatus out_write_rows(Output *o, const int *rows, int n, const ReplicateOut *batch);
/** Collective, summary-mode sweeps only, after out_write_rows with the same
 *  rows: write the lever totals of the batch, tot[i] = [2][Y][L] of row i
 *  (spent, allotted; sweep_store.h). */
SimStatus out_write_totals(Output *o, const int *rows, int n, const double *tot);
/** Whether out_create got as far as creating the file: a later failure in a
 *  collective call (dataset creation, a write) may then be on some ranks only. */
int out_file_created(const Output *o);
/** Collective: close the parallel file. Returns the first error seen. */
SimStatus out_close(Output *o);
/** Serial (one rank): reopen `path` and add coordinates, dimension scales, park
 *  attributes, CF attributes and the run's metadata; the completion marker
 *  attribute `parksim_complete` is written last. */
SimStatus out_finalize(const char *path, const Scenario *sc, const OutDims *d, const RunFacts *f);

#endif
