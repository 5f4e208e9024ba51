/** \file io_h5.c
 * HDF5 output. Layout (docs/OUTPUT.md): four groups, each a self-contained
 * NetCDF-4 dataset with its own coordinate variables, because xarray opens
 * one group at a time:
 *   /summary     [replicate, year]             tier counts
 *   /park_year   [replicate, year, park(, *)]  scores, tiers, metrics, spending
 *   /park_month  [replicate, time, park]       monthly park trajectories
 *   /parks       [park]                        static park attributes
 * Big variables are written collectively in replicate batches while the run
 * goes (chunked, shuffle + deflate): this file. Coordinates, strings,
 * dimension scales and attributes are added afterwards by one rank in a
 * serial pass (io_h5_finish.c); nothing of that is big, and variable-length
 * strings cannot be written in parallel.
 */
#include "io_h5_internal.h"
#include "sweep_store.h"
#include "util.h"
#include "par.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>


int n_vars(void) { return n_result_vars - 1 + METRIC_COUNT; }

/* metric_long_names (agents/assess.c) and the lever table (policies/levers.c) name the variables. */
VarSpec var_at(int i)
{
    for (int r = 0; r < n_result_vars; r++) {
        const ResultVar *x = &result_vars[r];
        if (x->name) {
            if (i-- == 0) {
                VarSpec v = {x->group, x->name, x->dims, x->type, x->off, -1, x->long_name, x->units, x->store};
                return v;
            }
        } else if (i < METRIC_COUNT) {
            VarSpec v = {x->group, metric_names[i], "YP", x->type, x->off, i, metric_long_names[i], metric_units[i],
                         result_metric_store(i)};
            return v;
        } else {
            i -= METRIC_COUNT;
        }
    }
    SIM_ASSERT(!"variable index out of range");
    VarSpec none = {0};
    return none;
}

int dim_len(const OutDims *d, char c)
{
    ResultDims r = {d->Y, d->T, d->P, d->G, d->M, d->L};
    return result_dim_len(&r, c);
}

/* Elements of one replicate in the variable's own layout. */
static size_t var_elems(const OutDims *d, const VarSpec *v)
{
    size_t n = 1;
    for (const char *c = v->dims; *c; c++) n *= (size_t)dim_len(d, *c);
    return n;
}

static hid_t mem_type(ResultType k)
{
    return k == RESULT_F64 ? H5T_NATIVE_DOUBLE : k == RESULT_I32 ? H5T_NATIVE_INT32 : H5T_NATIVE_SCHAR;
}
static hid_t file_type(ResultType k)
{
    return k == RESULT_F64 ? H5T_IEEE_F64LE : k == RESULT_I32 ? H5T_STD_I32LE : H5T_STD_I8LE;
}

int var_kept_only(const OutDims *d, const VarSpec *v) { return d->summary && strcmp(v->group, "summary"); }

int var_written(const OutDims *d, const VarSpec *v)
{
    return (d->monthly || strcmp(v->group, "park_month")) && (!var_kept_only(d, v) || d->K > 0);
}

static SimStatus create_summary_vars(Output *o);
static int select_kept(hid_t fs, hid_t ms, const OutDims *d, const char *dims, const int *rows, int n);
static SimStatus write_sum_var(Output *o, int which, const int *rows, int n, const void *src, int blocks);

static const char *file_type_name(ResultType k)
{
    return k == RESULT_F64 ? "H5T_IEEE_F64LE" : k == RESULT_I32 ? "H5T_STD_I32LE" : "H5T_STD_I8LE";
}

void out_print_schema_markdown(FILE *out)
{
    static const char axes[] = "YTPGML";
    static const char *const axis_names[] = {"year", "time", "park", "group", "metric", "lever"};
    fprintf(out, "| group | variable | shape | type | units | storage | long_name |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n_vars(); i++) {
        VarSpec v = var_at(i);
        char shape[96] = "(replicate";
        for (const char *c = v.dims; *c; c++) {
            strcat(shape, ", ");
            strcat(shape, axis_names[strchr(axes, *c) - axes]);
        }
        strcat(shape, ")");
        fprintf(out, "| %s | %s | %s | %s | %s | %s | %s |\n", v.group, v.name, shape, file_type_name(v.type), v.units,
                v.type == RESULT_F64 && v.store == RESULT_RAW ? "raw" : "deflate", v.long_name);
    }
}

/* ------------------------------------------------------------ parallel phase */

struct Output {
    hid_t file, dxpl;
    hid_t dset[MAX_VARS];
    hid_t sdset[N_SUM_VARS]; /* summary-mode sweeps (sweep_store.h) */
    OutDims d;
    double *gather; /* B * Y * P doubles for one metric of a batch */
    SimStatus status;
};

/* Report an HDF5 failure in parksim's words, then the library's error stack
 * (the current one, or `stack` if one was saved). Call it before any cleanup
 * call, which would clear the current stack. */
SimStatus h5fail_stack(const char *what, const char *name, hid_t stack)
{
    sim_error("rank %d: HDF5 could not %s%s%s; library detail follows", par_rank(), what, name ? " " : "",
              name ? name : "");
    H5Eprint2(stack >= 0 ? stack : H5E_DEFAULT, stderr);
    if (stack >= 0) H5Eclose_stack(stack);
    return SIM_EIO;
}

SimStatus h5fail(const char *what, const char *name) { return h5fail_stack(what, name, -1); }

/* Why a file cannot be created, in parksim's words, from its directory. */
static void explain_create_failure(const char *path)
{
    char dir[PS_PATH_MAX + 16];
    path_dir(path, dir, sizeof dir);
    struct stat sb;
    if (stat(dir, &sb) != 0)
        sim_error("cannot create %s: directory %s: %s", path, dir, strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        sim_error("cannot create %s: %s is not a directory", path, dir);
    else if (access(dir, W_OK) != 0)
        sim_error("cannot create %s: directory %s is not writable: %s", path, dir, strerror(errno));
}

hid_t make_group(hid_t file, const char *name)
{
    htri_t e = H5Lexists(file, name, H5P_DEFAULT);
    if (e > 0) return H5Gopen2(file, name, H5P_DEFAULT);
    if (e < 0) return -1;
    return H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

const SumVar sum_vars[N_SUM_VARS] = {
    {"tier", "YP", RESULT_I8, "1", "competitiveness tier: 1 = 一级 (top), 2 = 二级, 3 = 三级"},
    {"lever_spent_total", "YL", RESULT_F64, "CNY 1e4", "lever budget spent in the year, summed over parks"},
    {"lever_allotted_total", "YL", RESULT_F64, "CNY 1e4",
     "lever budget the parks held at the start of the year (allotments and money carried), summed over parks"},
};

/* The /summary variables of a summary-mode sweep, (point, replicate, ...),
 * chunked as the other per-task variables. */
static SimStatus create_summary_vars(Output *o)
{
    const OutDims *d = &o->d;
    hid_t g = make_group(o->file, "summary");
    if (g < 0) return o->status = h5fail("create group", "summary");
    for (int i = 0; i < N_SUM_VARS && o->status == SIM_OK; i++) {
        const SumVar *v = &sum_vars[i];
        hsize_t dims[4] = {(hsize_t)d->Q, (hsize_t)d->R}, chunk[4] = {1, (hsize_t)(d->B < d->R ? d->B : d->R)};
        for (int k = 0; k < 2; k++) dims[2 + k] = chunk[2 + k] = (hsize_t)dim_len(d, v->dims[k]);
        hid_t sp = H5Screate_simple(4, dims, NULL);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        int ok = sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 4, chunk) >= 0 &&
                 H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0;
        /* Tiers and mostly-zero lever money: what deflate shrinks well. */
        if (ok && d->compression > 0)
            ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)d->compression) >= 0;
        if (ok) o->sdset[i] = H5Dcreate2(g, v->name, file_type(v->type), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (!ok || o->sdset[i] < 0) o->status = h5fail("create dataset", v->name);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (sp >= 0) H5Sclose(sp);
    }
    H5Gclose(g);
    return o->status;
}

SimStatus out_create(Output **po, const char *path, const OutDims *d)
{
    Output *o = calloc(1, sizeof *o);
    *po = o;
    if (!o) return SIM_ENOMEM;
    o->d = *d;
    o->file = o->dxpl = -1;
    SIM_ASSERT(n_vars() <= MAX_VARS);
    for (int i = 0; i < MAX_VARS; i++) o->dset[i] = -1;
    for (int i = 0; i < N_SUM_VARS; i++) o->sdset[i] = -1;
    o->gather = malloc((size_t)d->cap * d->Y * d->P * sizeof *o->gather);
    if (!o->gather) return o->status = SIM_ENOMEM;

    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are printed by h5fail() */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, par_comm(), par_io_info()) < 0) {
        o->status = h5fail("set up MPI-IO file access for", path);
        if (fapl >= 0) H5Pclose(fapl);
        return o->status;
    }
    /* Collective metadata writes. With HDF5 1.10.8's default (each rank writes
     * its share of dirty metadata independently), a compressed run with more
     * than about 1,400 chunks per dataset (23,000 Jiangxi replicates) failed
     * on one rank in a chunk-index flush ("unable to insert chunk address into
     * index ... H5FD__mpio_write(): file write failed") and left the other
     * rank waiting in the next collective write. With collective metadata
     * writes the same run and 40,000 replicates complete. */
    /* HDF5 1.8 object headers: attributes beyond 64 KiB (the park file text
     * of a few thousand parks, stored in `parks_csv`) move to dense storage
     * instead of failing the finishing pass, as they did with the default
     * earliest format. NetCDF-4 (HDF5 >= 1.8) reads them. */
    if (H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) {
        o->status = h5fail("set the file format bounds for", path);
        H5Pclose(fapl);
        return o->status;
    }
    if (H5Pset_coll_metadata_write(fapl, 1) < 0 || H5Pset_all_coll_metadata_ops(fapl, 1) < 0) {
        o->status = h5fail("set up collective metadata writes for", path);
        H5Pclose(fapl);
        return o->status;
    }
    o->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (o->file < 0) {
        /* Creation is collective and fails alike on every rank: report once. */
        if (par_rank() == 0) {
            explain_create_failure(path);
            h5fail("create the output file", path);
        }
        H5Pclose(fapl);
        return o->status = SIM_EIO;
    }
    H5Pclose(fapl);
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (o->dxpl < 0 || H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        return o->status = h5fail("set up collective transfers for", path);

    for (int i = 0; i < n_vars(); i++) {
        VarSpec v = var_at(i);
        if (!var_written(d, &v)) continue;
        hsize_t dims[6], chunk[6];
        int nd = 0;
        if (d->Q > 0) { /* a sweep: one chunk never spans two points */
            dims[nd] = (hsize_t)(var_kept_only(d, &v) ? d->K : d->Q);
            chunk[nd++] = 1;
        }
        dims[nd] = (hsize_t)d->R;
        chunk[nd++] = (hsize_t)(d->B < d->R ? d->B : d->R);
        for (const char *c = v.dims; *c; c++, nd++) dims[nd] = chunk[nd] = (hsize_t)dim_len(d, *c);
        hid_t g = make_group(o->file, v.group);
        hid_t sp = H5Screate_simple(nd, dims, NULL);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        int ok = g >= 0 && sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, nd, chunk) >= 0 &&
                 H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0;
        if (ok && d->compression > 0 && v.store == RESULT_DEFLATE)
            ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)d->compression) >= 0;
        if (ok) o->dset[i] = H5Dcreate2(g, v.name, file_type(v.type), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (!ok || o->dset[i] < 0) o->status = h5fail("create dataset", v.name); /* before cleanup clears the stack */
        if (dcpl >= 0) H5Pclose(dcpl);
        if (sp >= 0) H5Sclose(sp);
        if (g >= 0) H5Gclose(g);
        if (o->status != SIM_OK) return o->status;
    }
    return d->summary ? create_summary_vars(o) : SIM_OK;
}

int out_file_created(const Output *o) { return o && o->file >= 0; }

/* Select in `fs` the task rows of a batch, merging runs of consecutive
 * replicates of one point into one hyperslab each. HDF5 pairs memory and
 * file elements in the file selection's row-major order, so rows must be
 * increasing to land where the batch has them. */
static int select_rows(hid_t fs, const OutDims *d, const char *dims, const int *rows, int n)
{
    hsize_t start[6], count[6];
    int lead = d->Q > 0 ? 2 : 1, nd = lead;
    for (int i = 0; i < lead; i++) start[i] = 0, count[i] = 1;
    for (const char *c = dims; *c; c++, nd++) {
        start[nd] = 0;
        count[nd] = (hsize_t)dim_len(d, *c);
    }
    H5S_seloper_t op = H5S_SELECT_SET;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && rows[j] == rows[j - 1] + 1 && rows[j] / d->R == rows[i] / d->R) j++;
        if (d->Q > 0) {
            start[0] = (hsize_t)(rows[i] / d->R);
            start[1] = (hsize_t)(rows[i] % d->R);
            count[1] = (hsize_t)(j - i);
        } else {
            start[0] = (hsize_t)rows[i];
            count[0] = (hsize_t)(j - i);
        }
        if (H5Sselect_hyperslab(fs, op, start, NULL, count, NULL) < 0) return 0;
        op = H5S_SELECT_OR;
        i = j;
    }
    return 1;
}

/* The rows of a batch that belong to kept points (a summary-mode sweep's
 * /park_year and /park_month): in the file, at the point's kept row; in the
 * memory space ms of all n rows, the same rows. Selects none in both when
 * there are none. Returns 0 on an HDF5 failure. */
static int select_kept(hid_t fs, hid_t ms, const OutDims *d, const char *dims, const int *rows, int n)
{
    hsize_t fstart[6] = {0}, fcount[6], mstart[6] = {0}, mcount[6];
    int nd = 2;
    for (const char *c = dims; *c; c++, nd++) fcount[nd] = mcount[nd - 1] = (hsize_t)dim_len(d, *c);
    int any = 0;
    for (int i = 0; i < n;) {
        int kr = store_kept_row(d, rows[i] / d->R), j = i + 1;
        while (j < n && rows[j] == rows[j - 1] + 1 && rows[j] / d->R == rows[i] / d->R) j++;
        if (kr >= 0) {
            fstart[0] = (hsize_t)kr, fcount[0] = 1;
            fstart[1] = (hsize_t)(rows[i] % d->R), fcount[1] = (hsize_t)(j - i);
            mstart[0] = (hsize_t)i, mcount[0] = (hsize_t)(j - i);
            H5S_seloper_t op = any ? H5S_SELECT_OR : H5S_SELECT_SET;
            if (H5Sselect_hyperslab(fs, op, fstart, NULL, fcount, NULL) < 0 ||
                H5Sselect_hyperslab(ms, op, mstart, NULL, mcount, NULL) < 0)
                return 0;
            any = 1;
        }
        i = j;
    }
    return any || (H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0);
}

/* Collective: write n rows of summary variable `which` from src. A row of
 * src holds `blocks` arrays of the variable's per-task shape, and the
 * variable is block 0 of each (the lever totals: [2][Y][L] a row, spent
 * then allotted, so allotted is block 1). */
static SimStatus write_sum_var(Output *o, int which, const int *rows, int n, const void *src, int blocks)
{
    const OutDims *d = &o->d;
    const SumVar *v = &sum_vars[which];
    hsize_t a = (hsize_t)dim_len(d, v->dims[0]), b = (hsize_t)dim_len(d, v->dims[1]);
    hsize_t mdims[4] = {(hsize_t)(n > 0 ? n : 1), (hsize_t)blocks, a, b};
    hsize_t mstart[4] = {0, (hsize_t)(which == SUM_ALLOTTED), 0, 0}, mcount[4] = {(hsize_t)n, 1, a, b};
    hid_t fs = H5Dget_space(o->sdset[which]);
    hid_t ms = H5Screate_simple(4, mdims, NULL);
    int ok = fs >= 0 && ms >= 0;
    if (ok && n > 0)
        ok = select_rows(fs, d, v->dims, rows, n) &&
             H5Sselect_hyperslab(ms, H5S_SELECT_SET, mstart, NULL, mcount, NULL) >= 0;
    else if (ok)
        ok = H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0;
    if (ok) ok = H5Dwrite(o->sdset[which], mem_type(v->type), ms, fs, o->dxpl, src) >= 0;
    if (!ok) o->status = h5fail("write dataset", v->name);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    if (!par_all_ok(ok)) return o->status = o->status != SIM_OK ? o->status : SIM_EIO;
    return SIM_OK;
}

SimStatus out_write_rows(Output *o, const int *rows, int n, const ReplicateOut *batch)
{
    const OutDims *d = &o->d;
    if (o->status != SIM_OK) return o->status;
    for (int i = 0; i < n_vars(); i++) {
        VarSpec v = var_at(i);
        if (!var_written(d, &v)) continue;
        size_t per = var_elems(d, &v);
        const void *src = *(void *const *)((const char *)batch + v.member);
        if (v.metric >= 0) { /* gather one metric out of [B][Y][P][M] */
            const double *ind = src;
            for (size_t e = 0; e < (size_t)n * per; e++) o->gather[e] = ind[e * (size_t)d->M + (size_t)v.metric];
            src = o->gather;
        }
        hsize_t mcount[5] = {(hsize_t)n};
        int nd = 1;
        for (const char *c = v.dims; *c; c++, nd++) mcount[nd] = (hsize_t)dim_len(d, *c);
        hid_t fs = H5Dget_space(o->dset[i]);
        hid_t ms = H5Screate_simple(nd, n > 0 ? mcount : (hsize_t[5]){1, 1, 1, 1, 1}, NULL);
        int ok = fs >= 0 && ms >= 0;
        /* A rank with nothing this round still takes part in the collective write. */
        if (ok && var_kept_only(d, &v)) ok = select_kept(fs, ms, d, v.dims, rows, n);
        else if (ok && n > 0) ok = select_rows(fs, d, v.dims, rows, n);
        else if (ok) ok = H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0;
        if (ok) ok = H5Dwrite(o->dset[i], mem_type(v.type), ms, fs, o->dxpl, src) >= 0;
        if (!ok) o->status = h5fail("write dataset", v.name); /* before H5Sclose clears the stack */
        if (ms >= 0) H5Sclose(ms);
        if (fs >= 0) H5Sclose(fs);
        /* A write can fail on one rank only (a metadata flush, say); without
         * agreeing here the others would wait in the next collective write
         * for ever. */
        if (!par_all_ok(ok)) return o->status = o->status != SIM_OK ? o->status : SIM_EIO;
    }
    if (d->summary) return write_sum_var(o, SUM_TIER, rows, n, batch->tier, 1);
    return SIM_OK;
}

SimStatus out_write_totals(Output *o, const int *rows, int n, const double *tot)
{
    if (o->status != SIM_OK) return o->status;
    SimStatus st = write_sum_var(o, SUM_SPENT, rows, n, tot, 2);
    return st == SIM_OK ? write_sum_var(o, SUM_ALLOTTED, rows, n, tot, 2) : st;
}

SimStatus out_close(Output *o)
{
    if (!o) return SIM_ENOMEM;
    SimStatus st = o->status;
    for (int i = 0; i < n_vars(); i++)
        if (o->dset[i] >= 0 && H5Dclose(o->dset[i]) < 0 && st == SIM_OK) st = h5fail("close a dataset of", NULL);
    for (int i = 0; i < N_SUM_VARS; i++)
        if (o->sdset[i] >= 0 && H5Dclose(o->sdset[i]) < 0 && st == SIM_OK) st = h5fail("close a dataset of", NULL);
    if (o->dxpl >= 0) H5Pclose(o->dxpl);
    if (o->file >= 0 && H5Fclose(o->file) < 0 && st == SIM_OK) st = h5fail("close the output file", NULL);
    free(o->gather);
    free(o);
    return st;
}

