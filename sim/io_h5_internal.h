/** \file io_h5_internal.h
 * What the two halves of the HDF5 output share: io_h5.c (the file created,
 * the batches written collectively) and io_h5_finish.c (the serial pass that
 * adds coordinates and attributes, and the check of an existing output).
 * Only these files talk HDF5 in sim/.
 */
#ifndef PARKSIM_IO_H5_INTERNAL_H
#define PARKSIM_IO_H5_INTERNAL_H

#include "io_h5.h"

#include <hdf5.h>

/* One data variable of the file: a row of the results schema
 * (schedule/results.c), or one metric of its `indicator` row, which becomes
 * one (Y, P) variable per metric with the metric's units. */
typedef struct {
    const char *group, *name, *dims;
    ResultType type;
    size_t member;
    int metric; /* >= 0: this metric out of the [Y][P][M] indicator array */
    const char *long_name, *units;
    ResultStore store;
} VarSpec;

#define MAX_VARS 64

/* The variables only a summary-mode sweep writes, all in /summary with axes
 * (point, replicate, dims...) (docs/OUTPUT.md 3.7). */
typedef struct {
    const char *name, *dims;
    ResultType type;
    const char *units, *long_name;
} SumVar;
enum { SUM_TIER, SUM_SPENT, SUM_ALLOTTED, N_SUM_VARS };
extern const SumVar sum_vars[N_SUM_VARS];
/** Whether data variable v is in the file (output.monthly; a summary-mode
 *  sweep writes /park_year and /park_month for its kept points only). */
int var_written(const OutDims *d, const VarSpec *v);
/** Whether v's leading `point` axis holds the kept points only. */
int var_kept_only(const OutDims *d, const VarSpec *v);

/** Data variables of a file: every schema row, the indicator one per metric. */
int n_vars(void);
/** Data variable i, 0 <= i < n_vars(), in file order. */
VarSpec var_at(int i);
/** Length of axis c (Y T P G M L). */
int dim_len(const OutDims *d, char c);
/** Report an HDF5 failure in parksim's words, then the library's error stack
 *  (the current one, or `stack` if one was saved); returns SIM_EIO. */
SimStatus h5fail_stack(const char *what, const char *name, hid_t stack);
SimStatus h5fail(const char *what, const char *name);
/** Open group `name` of `file`, creating it if needed; -1 on failure. */
hid_t make_group(hid_t file, const char *name);

/** A scalar UTF-8 string attribute `name` = value on obj (replacing one of
 *  that name); 1 on success, 0 on any HDF5 failure. */
int io_attr_str(hid_t obj, const char *name, const char *value);
/** A scalar numeric attribute of file type ftype from a value of memory type
 *  mtype; 1 on success, 0 on any HDF5 failure. */
int io_attr_num(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value);

/** A fixed-length string attribute of obj as a malloc'ed text, or NULL if
 *  it is missing, of another type or unreadable. (io_h5_finish.c) */
char *io_attr_read_str(hid_t obj, const char *name);

#endif
