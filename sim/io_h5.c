/** \file io_h5.c
 * HDF5 output. Layout (docs/OUTPUT.md): four groups, each a self-contained
 * NetCDF-4 dataset with its own coordinate variables, because xarray opens
 * one group at a time:
 *   /summary     [replicate, year]             tier counts
 *   /park_year   [replicate, year, park(, *)]  scores, tiers, metrics, spending
 *   /park_month  [replicate, time, park]       monthly park trajectories
 *   /parks       [park]                        static park attributes
 * Big variables are written collectively in replicate batches while the run
 * goes (chunked, shuffle + deflate). Coordinates, strings, dimension scales
 * and attributes are added afterwards by one rank in a serial pass; nothing
 * of that is big, and variable-length strings cannot be written in parallel.
 */
#include "io_h5.h"
#include "par.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef PARKSIM_VERSION
#define PARKSIM_VERSION "0.0.0"
#endif
#ifndef PARKSIM_BUILD
#define PARKSIM_BUILD "unknown"
#endif

typedef enum { K_I32, K_F64, K_I8 } Kind;

/* One data variable. dims lists the axes after `replicate`: Y year, T time,
 * P park, G group, L lever. `metric` >= 0 selects one metric out of the
 * [Y][P][M] indicator array (each metric is its own variable, with its unit). */
typedef struct {
    const char *group, *name, *dims;
    Kind kind;
    size_t member;
    int metric;
    const char *long_name, *units;
} VarSpec;

#define M(x) offsetof(ReplicateOut, x)
static const VarSpec base_vars[] = {
    {"summary", "top_tier_count", "Y", K_I32, M(top_tier_count), -1, "parks at the first competitiveness tier (一级)", "parks"},
    {"summary", "second_tier_count", "Y", K_I32, M(second_tier_count), -1, "parks at the second competitiveness tier (二级)", "parks"},
    {"park_year", "score", "YP", K_F64, M(score), -1, "composite competitiveness score (0-100)", "1"},
    {"park_year", "tier", "YP", K_I8, M(tier), -1, "competitiveness tier: 1 = 一级 (top), 2 = 二级, 3 = 三级", "1"},
    {"park_year", "veto", "YP", K_I8, M(veto), -1, "1 if a veto (serious incident) capped the tier", "1"},
    {"park_year", "group_score", "YPG", K_F64, M(group_score), -1, "indicator-group score (0-100)", "1"},
    {"park_year", "lever_spent", "YPL", K_F64, M(lever_spent), -1, "lever budget spent on the park in the year", "CNY 1e4"},
    {"park_month", "firms", "TP", K_I32, M(m_firms), -1, "active enterprises at month end", "firms"},
    {"park_month", "revenue", "TP", K_F64, M(m_revenue), -1, "park revenue (annual rate) at month end", "CNY 1e4 a-1"},
    {"park_month", "idle_land", "TP", K_F64, M(m_idle_mu), -1, "idle land (idle and cleared sites) at month end", "mu"},
    {"park_month", "tech_level", "TP", K_F64, M(m_tech), -1, "revenue-weighted technology/digital level", "1"},
    {"park_month", "entries", "TP", K_I32, M(m_entries), -1, "enterprises entering on cleared sites in the month", "firms"},
    {"park_month", "exits", "TP", K_I32, M(m_exits), -1, "enterprises exiting in the month", "firms"},
    {"park_month", "mergers", "TP", K_I32, M(m_mergers), -1, "enterprises absorbed by mergers in the month", "firms"},
    {"park_month", "upgrades", "TP", K_I32, M(m_upgrades), -1, "technology upgrades in the month", "upgrades"},
    {"park_month", "incidents", "TP", K_I32, M(m_incidents), -1, "safety incidents in the month", "incidents"},
};
#undef M
#define N_BASE ((int)(sizeof base_vars / sizeof base_vars[0]))
#define N_VARS (N_BASE + METRIC_COUNT)

static const char *const metric_long[METRIC_COUNT] = {
    "park revenue at the assessment", "revenue per mu of park land", "park revenue growth over the year",
    "revenue share of the leading chains", "filled share of the leading-chain links", "revenue of the largest firm",
    "revenue-weighted R&D intensity", "share of firms at 专精特新 tier or above", "revenue-weighted technology level",
    "share of above-scale (规上) firms digitally retrofitted", "idle share of park land", "mean firm safety compliance",
    "safety incidents in the year", "park smart level (0 初始级, 1 提升级, 2 top)", "number of leading industries",
    "active enterprises", "share of firms above designated size (规上)"};

static const char *const lever_names[LEVER_COUNT] = {"mergers", "revitalisation", "upgrades"};

static VarSpec var_at(int i)
{
    if (i < N_BASE) return base_vars[i];
    int m = i - N_BASE;
    VarSpec v = {"park_year", metric_names[m], "YP", K_F64, offsetof(ReplicateOut, indicator), m,
                 metric_long[m], metric_units[m]};
    return v;
}

static int dim_len(const OutDims *d, char c)
{
    switch (c) {
    case 'Y': return d->Y;
    case 'T': return d->T;
    case 'P': return d->P;
    case 'G': return d->G;
    case 'L': return d->L;
    default: return d->M;
    }
}

/* Elements of one replicate in the variable's own layout. */
static size_t var_elems(const OutDims *d, const VarSpec *v)
{
    size_t n = 1;
    for (const char *c = v->dims; *c; c++) n *= (size_t)dim_len(d, *c);
    return n;
}

static size_t kind_size(Kind k) { return k == K_F64 ? 8 : k == K_I32 ? 4 : 1; }
static hid_t mem_type(Kind k) { return k == K_F64 ? H5T_NATIVE_DOUBLE : k == K_I32 ? H5T_NATIVE_INT32 : H5T_NATIVE_SCHAR; }
static hid_t file_type(Kind k) { return k == K_F64 ? H5T_IEEE_F64LE : k == K_I32 ? H5T_STD_I32LE : H5T_STD_I8LE; }

static int var_written(const OutDims *d, const VarSpec *v) { return d->monthly || strcmp(v->group, "park_month"); }

/* ------------------------------------------------------------ batch buffers */

/* Elements per replicate of the ReplicateOut member behind a variable. */
static size_t member_elems(const OutDims *d, size_t member)
{
    if (member == offsetof(ReplicateOut, indicator)) return (size_t)d->Y * d->P * d->M;
    for (int i = 0; i < N_BASE; i++)
        if (base_vars[i].member == member) return var_elems(d, &base_vars[i]);
    return 0;
}

static size_t member_size(size_t member)
{
    for (int i = 0; i < N_BASE; i++)
        if (base_vars[i].member == member) return kind_size(base_vars[i].kind);
    return 8; /* indicator */
}

/* Every pointer member of ReplicateOut, in declaration order. */
static const size_t members[] = {
    offsetof(ReplicateOut, top_tier_count), offsetof(ReplicateOut, second_tier_count), offsetof(ReplicateOut, score),
    offsetof(ReplicateOut, tier), offsetof(ReplicateOut, veto), offsetof(ReplicateOut, group_score),
    offsetof(ReplicateOut, indicator), offsetof(ReplicateOut, lever_spent), offsetof(ReplicateOut, m_firms),
    offsetof(ReplicateOut, m_entries), offsetof(ReplicateOut, m_exits), offsetof(ReplicateOut, m_mergers),
    offsetof(ReplicateOut, m_upgrades), offsetof(ReplicateOut, m_incidents), offsetof(ReplicateOut, m_revenue),
    offsetof(ReplicateOut, m_idle_mu), offsetof(ReplicateOut, m_tech)};
#define N_MEMBERS ((int)(sizeof members / sizeof members[0]))

static void **member_ptr(ReplicateOut *o, size_t off) { return (void **)((char *)o + off); }

size_t out_bytes_per_replicate(const OutDims *d)
{
    size_t n = 0;
    for (int i = 0; i < N_MEMBERS; i++) n += member_elems(d, members[i]) * member_size(members[i]);
    return n;
}

SimStatus out_alloc_batch(const OutDims *d, ReplicateOut *b)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < N_MEMBERS; i++) {
        void *p = calloc((size_t)d->B * member_elems(d, members[i]), member_size(members[i]));
        if (!p) { out_free_batch(b); return SIM_ENOMEM; }
        *member_ptr(b, members[i]) = p;
    }
    return SIM_OK;
}

void out_free_batch(ReplicateOut *b)
{
    for (int i = 0; i < N_MEMBERS; i++) free(*member_ptr(b, members[i]));
    memset(b, 0, sizeof *b);
}

ReplicateOut out_batch_view(const OutDims *d, const ReplicateOut *batch, int k)
{
    ReplicateOut v = *batch;
    for (int i = 0; i < N_MEMBERS; i++) {
        char **p = (char **)member_ptr(&v, members[i]);
        *p += (size_t)k * member_elems(d, members[i]) * member_size(members[i]);
    }
    return v;
}

/* ------------------------------------------------------------ parallel phase */

struct Output {
    hid_t file, dxpl;
    hid_t dset[N_VARS];
    OutDims d;
    double *gather; /* B * Y * P doubles for one metric of a batch */
    SimStatus status;
};

/* Report an HDF5 failure in parksim's words, then the library's error stack. */
static SimStatus h5fail(const char *what, const char *name)
{
    fprintf(stderr, "parksim: error: rank %d: HDF5 could not %s%s%s; library detail follows\n", par_rank(), what,
            name ? " " : "", name ? name : "");
    H5Eprint2(H5E_DEFAULT, stderr);
    return SIM_EIO;
}

static hid_t make_group(hid_t file, const char *name)
{
    htri_t e = H5Lexists(file, name, H5P_DEFAULT);
    if (e > 0) return H5Gopen2(file, name, H5P_DEFAULT);
    if (e < 0) return -1;
    return H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

SimStatus out_create(Output **po, const char *path, const OutDims *d)
{
    Output *o = calloc(1, sizeof *o);
    *po = o;
    if (!o) return SIM_ENOMEM;
    o->d = *d;
    o->file = o->dxpl = -1;
    for (int i = 0; i < N_VARS; i++) o->dset[i] = -1;
    o->gather = malloc((size_t)d->B * d->Y * d->P * sizeof *o->gather);
    if (!o->gather) return o->status = SIM_ENOMEM;

    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are printed by h5fail() */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return o->status = h5fail("set up MPI-IO file access for", path);
    }
    o->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0) return o->status = h5fail("create the output file", path);
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (o->dxpl < 0 || H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        return o->status = h5fail("set up collective transfers for", path);

    for (int i = 0; i < N_VARS; i++) {
        VarSpec v = var_at(i);
        if (!var_written(d, &v)) continue;
        hsize_t dims[5], chunk[5];
        int nd = 1;
        dims[0] = (hsize_t)d->R;
        chunk[0] = (hsize_t)(d->B < d->R ? d->B : d->R);
        for (const char *c = v.dims; *c; c++, nd++) dims[nd] = chunk[nd] = (hsize_t)dim_len(d, *c);
        hid_t g = make_group(o->file, v.group);
        hid_t sp = H5Screate_simple(nd, dims, NULL);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        int ok = g >= 0 && sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, nd, chunk) >= 0 &&
                 H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0;
        if (ok && d->compression > 0)
            ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)d->compression) >= 0;
        if (ok) o->dset[i] = H5Dcreate2(g, v.name, file_type(v.kind), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (sp >= 0) H5Sclose(sp);
        if (g >= 0) H5Gclose(g);
        if (!ok || o->dset[i] < 0) return o->status = h5fail("create dataset", v.name);
    }
    return SIM_OK;
}

SimStatus out_write_batch(Output *o, int first, int n, const ReplicateOut *batch)
{
    const OutDims *d = &o->d;
    if (o->status != SIM_OK) return o->status;
    for (int i = 0; i < N_VARS; i++) {
        VarSpec v = var_at(i);
        if (!var_written(d, &v)) continue;
        size_t per = var_elems(d, &v);
        const void *src = *(void *const *)((const char *)batch + v.member);
        if (v.metric >= 0) { /* gather one metric out of [B][Y][P][M] */
            const double *ind = src;
            for (size_t e = 0; e < (size_t)n * per; e++) o->gather[e] = ind[e * (size_t)d->M + (size_t)v.metric];
            src = o->gather;
        }
        hsize_t start[5] = {(hsize_t)(n > 0 ? first : 0)}, count[5] = {(hsize_t)n};
        int nd = 1;
        for (const char *c = v.dims; *c; c++, nd++) {
            start[nd] = 0;
            count[nd] = (hsize_t)dim_len(d, *c);
        }
        hid_t fs = H5Dget_space(o->dset[i]);
        hid_t ms = H5Screate_simple(nd, n > 0 ? count : (hsize_t[5]){1, 1, 1, 1, 1}, NULL);
        int ok = fs >= 0 && ms >= 0;
        /* A rank with nothing this round still takes part in the collective write. */
        if (ok && n > 0) ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0;
        else if (ok) ok = H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0;
        if (ok) ok = H5Dwrite(o->dset[i], mem_type(v.kind), ms, fs, o->dxpl, src) >= 0;
        if (ms >= 0) H5Sclose(ms);
        if (fs >= 0) H5Sclose(fs);
        if (!ok) return o->status = h5fail("write dataset", v.name);
    }
    return SIM_OK;
}

SimStatus out_close(Output *o)
{
    if (!o) return SIM_ENOMEM;
    SimStatus st = o->status;
    for (int i = 0; i < N_VARS; i++)
        if (o->dset[i] >= 0 && H5Dclose(o->dset[i]) < 0 && st == SIM_OK) st = h5fail("close a dataset of", NULL);
    if (o->dxpl >= 0) H5Pclose(o->dxpl);
    if (o->file >= 0 && H5Fclose(o->file) < 0 && st == SIM_OK) st = h5fail("close the output file", NULL);
    free(o->gather);
    free(o);
    return st;
}

/* ------------------------------------------------------------ serial finish */

static int attr_str(hid_t obj, const char *name, const char *value)
{
    size_t len = strlen(value);
    hid_t t = H5Tcopy(H5T_C_S1);
    hid_t sp = H5Screate(H5S_SCALAR);
    int ok = t >= 0 && sp >= 0 && H5Tset_size(t, len ? len : 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLPAD) >= 0 &&
             H5Tset_cset(t, H5T_CSET_UTF8) >= 0;
    hid_t a = -1;
    if (ok) {
        if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
        a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        ok = a >= 0 && H5Awrite(a, t, len ? value : "") >= 0;
    }
    if (a >= 0 && H5Aclose(a) < 0) ok = 0;
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    return ok;
}

static int attr_num(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = sp >= 0 ? H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int ok = a >= 0 && H5Awrite(a, mtype, value) >= 0;
    if (a >= 0 && H5Aclose(a) < 0) ok = 0;
    if (sp >= 0) H5Sclose(sp);
    return ok;
}

/* 1-D dataset in group g. Returns the open dataset or -1. */
static hid_t write_1d(hid_t g, const char *name, hid_t ftype, hid_t mtype, hsize_t n, const void *data)
{
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t ds = sp >= 0 ? H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (ds >= 0 && n > 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        H5Dclose(ds);
        ds = -1;
    }
    if (sp >= 0) H5Sclose(sp);
    return ds;
}

static hid_t write_strings(hid_t g, const char *name, const char *const *s, hsize_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return -1;
    hid_t ds = -1;
    if (H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0) ds = write_1d(g, name, t, t, n, s);
    H5Tclose(t);
    return ds;
}

/* Days from Jan 1 of y0 to the last day of month m (0-based from Jan y0). */
static double month_end_days(int y0, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long days = 0;
    for (int i = 0; i <= m; i++) {
        int y = y0 + i / 12, mo = i % 12;
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        days += mdays[mo] + (mo == 1 && leap);
    }
    return (double)(days - 1);
}

/* Coordinates of one group: the dimension scales it needs and the string
 * labels that go with them. Returns 0 on failure. Fills scale[] by dim char. */
typedef struct { hid_t rep, year, time, park, group, lever; } Scales;

static int make_scale(hid_t ds, const char *dim, const char *long_name, const char *units)
{
    return ds >= 0 && H5DSset_scale(ds, dim) >= 0 && attr_str(ds, "long_name", long_name) &&
           (!units || attr_str(ds, "units", units));
}

static int group_coords(hid_t g, const char *gname, const Scenario *sc, const OutDims *d, Scales *s)
{
    int ok = 1;
    s->rep = s->year = s->time = s->park = s->group = s->lever = -1;
    int nmax = d->R > d->T ? d->R : d->T;
    if (nmax < d->P) nmax = d->P;
    if (nmax < d->Y) nmax = d->Y;
    int32_t *iv = malloc((size_t)nmax * sizeof *iv);
    double *tv = malloc((size_t)d->T * sizeof *tv);
    const char **sv = malloc((size_t)(d->P > ASSESS_MAX_GROUPS ? d->P : ASSESS_MAX_GROUPS) * sizeof *sv);
    if (!iv || !tv || !sv) { free(iv); free(tv); free(sv); return 0; }
    int is_parks = !strcmp(gname, "parks");

    if (!is_parks) {
        for (int i = 0; i < d->R; i++) iv[i] = i;
        s->rep = write_1d(g, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)d->R, iv);
        ok = ok && make_scale(s->rep, "replicate", "Monte-Carlo replicate index", "1");
    }
    if (!strcmp(gname, "summary") || !strcmp(gname, "park_year")) {
        for (int i = 0; i < d->Y; i++) iv[i] = sc->p.run.start_year - 1 + i;
        s->year = write_1d(g, "year", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)d->Y, iv);
        ok = ok && make_scale(s->year, "year", "calendar year of the assessment (at year end; the first is the initial state)", "1");
    }
    if (!strcmp(gname, "park_month")) {
        char units[64];
        for (int i = 0; i < d->T; i++) tv[i] = month_end_days(sc->p.run.start_year, i);
        snprintf(units, sizeof units, "days since %04d-01-01 00:00:00", sc->p.run.start_year);
        s->time = write_1d(g, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, (hsize_t)d->T, tv);
        ok = ok && make_scale(s->time, "time", "end of the simulated month", units) &&
             attr_str(s->time, "calendar", "standard") && attr_str(s->time, "standard_name", "time");
    }
    if (strcmp(gname, "summary")) {
        for (int i = 0; i < d->P; i++) iv[i] = i;
        s->park = write_1d(g, "park", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)d->P, iv);
        ok = ok && make_scale(s->park, "park", "park index (row of the park file)", "1");
        hid_t x;
        for (int i = 0; i < d->P; i++) sv[i] = sc->parks[i].code;
        ok = ok && (x = write_strings(g, "park_code", sv, (hsize_t)d->P)) >= 0 &&
             H5DSattach_scale(x, s->park, 0) >= 0 && attr_str(x, "long_name", "park identifier") && H5Dclose(x) >= 0;
        for (int i = 0; i < d->P; i++) sv[i] = sc->parks[i].name;
        ok = ok && (x = write_strings(g, "park_name", sv, (hsize_t)d->P)) >= 0 &&
             H5DSattach_scale(x, s->park, 0) >= 0 && attr_str(x, "long_name", "park name") && H5Dclose(x) >= 0;
    }
    if (!strcmp(gname, "park_year")) {
        hid_t x;
        for (int i = 0; i < d->G; i++) iv[i] = i;
        s->group = write_1d(g, "group", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)d->G, iv);
        ok = ok && make_scale(s->group, "group", "assessment indicator group index", "1");
        for (int i = 0; i < d->G; i++) sv[i] = sc->p.assessment.group[i].name;
        ok = ok && (x = write_strings(g, "group_name", sv, (hsize_t)d->G)) >= 0 &&
             H5DSattach_scale(x, s->group, 0) >= 0 && attr_str(x, "long_name", "assessment indicator group") && H5Dclose(x) >= 0;
        for (int i = 0; i < d->L; i++) iv[i] = i;
        s->lever = write_1d(g, "lever", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)d->L, iv);
        ok = ok && make_scale(s->lever, "lever", "policy lever index", "1");
        ok = ok && (x = write_strings(g, "lever_name", lever_names, (hsize_t)d->L)) >= 0 &&
             H5DSattach_scale(x, s->lever, 0) >= 0 && attr_str(x, "long_name", "policy lever") && H5Dclose(x) >= 0;
    }
    free(iv);
    free(tv);
    free(sv);
    return ok;
}

static void close_scales(Scales *s)
{
    hid_t *h[] = {&s->rep, &s->year, &s->time, &s->park, &s->group, &s->lever};
    for (int i = 0; i < 6; i++)
        if (*h[i] >= 0) H5Dclose(*h[i]);
}

static hid_t scale_for(const Scales *s, char c)
{
    switch (c) {
    case 'Y': return s->year;
    case 'T': return s->time;
    case 'P': return s->park;
    case 'G': return s->group;
    default: return s->lever;
    }
}

/* Static park attributes: /parks. */
static int write_parks(hid_t g, const Scenario *sc, const Scales *s)
{
    int P = sc->n_parks, ok = 1;
    const char **sv = malloc((size_t)P * sizeof *sv);
    int32_t *iv = malloc((size_t)P * sizeof *iv);
    double *dv = malloc((size_t)P * sizeof *dv);
    char (*chains)[PARK_MAX_CHAINS * 33] = malloc((size_t)P * sizeof *chains);
    char (*cls)[2] = malloc((size_t)P * sizeof *cls);
    if (!sv || !iv || !dv || !chains || !cls) ok = 0;
    hid_t x;
#define STRVAR(name, expr, ln) \
    for (int i = 0; ok && i < P; i++) sv[i] = (expr); \
    ok = ok && (x = write_strings(g, name, sv, (hsize_t)P)) >= 0 && H5DSattach_scale(x, s->park, 0) >= 0 && \
         attr_str(x, "long_name", ln) && H5Dclose(x) >= 0;
#define NUMVAR(name, arr, val, ftype, mtype, ln, un) \
    for (int i = 0; ok && i < P; i++) arr[i] = (val); \
    ok = ok && (x = write_1d(g, name, ftype, mtype, (hsize_t)P, arr)) >= 0 && H5DSattach_scale(x, s->park, 0) >= 0 && \
         attr_str(x, "long_name", ln) && attr_str(x, "units", un) && H5Dclose(x) >= 0;
    for (int i = 0; ok && i < P; i++) {
        chains[i][0] = '\0';
        for (int c = 0; c < sc->parks[i].n_chains; c++) {
            if (c) strcat(chains[i], ";");
            strcat(chains[i], sc->parks[i].chains[c]);
        }
        cls[i][0] = sc->parks[i].size_class;
        cls[i][1] = '\0';
    }
    /* park_code and park_name come with the coordinates (group_coords). */
    STRVAR("city", sc->parks[i].city, "prefecture-level city")
    STRVAR("size_class", cls[i], "size class: L, M or S (DOMAIN-FACTS 5.1)")
    STRVAR("leading_chains", chains[i], "leading chains, ';'-separated")
    NUMVAR("firms_initial", iv, sc->parks[i].firms, H5T_STD_I32LE, H5T_NATIVE_INT32, "enterprises at the start", "firms")
    NUMVAR("revenue_initial", dv, sc->parks[i].revenue, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, "park revenue at the start", "CNY 1e4 a-1")
    NUMVAR("land", dv, sc->parks[i].land_mu, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, "industrial land of the park", "mu")
    NUMVAR("idle_share_initial", dv, sc->parks[i].idle_share, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, "idle share of land at the start", "1")
    NUMVAR("industries", iv, sc->parks[i].industries, H5T_STD_I32LE, H5T_NATIVE_INT32, "number of leading industries", "industries")
    NUMVAR("smart_level", iv, sc->parks[i].smart_level, H5T_STD_I32LE, H5T_NATIVE_INT32, "park smart level (0 初始级, 1 提升级, 2 top)", "1")
    NUMVAR("anchor_revenue", dv, sc->parks[i].anchor_revenue, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, "revenue of the chain-leader firm at the start (0: none)", "CNY 1e4 a-1")
#undef STRVAR
#undef NUMVAR
    free(sv);
    free(iv);
    free(dv);
    free(chains);
    free(cls);
    return ok;
}

SimStatus out_finalize(const char *path, const Scenario *sc, const OutDims *d, const RunFacts *f)
{
    static const char *const groups[] = {"summary", "park_year", "park_month", "parks"};
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) return h5fail("reopen the output file", path);
    int ok = 1;
    for (int gi = 0; gi < 4 && ok; gi++) {
        if (gi == 2 && !d->monthly) continue;
        hid_t g = make_group(file, groups[gi]);
        Scales s = {-1, -1, -1, -1, -1, -1};
        ok = g >= 0 && group_coords(g, groups[gi], sc, d, &s);
        if (ok && gi == 3) ok = write_parks(g, sc, &s);
        for (int i = 0; ok && i < N_VARS; i++) {
            VarSpec v = var_at(i);
            if (strcmp(v.group, groups[gi])) continue;
            hid_t ds = H5Dopen2(g, v.name, H5P_DEFAULT);
            ok = ds >= 0 && H5DSattach_scale(ds, s.rep, 0) >= 0;
            int axis = 1;
            for (const char *c = v.dims; ok && *c; c++, axis++) ok = H5DSattach_scale(ds, scale_for(&s, *c), (unsigned)axis) >= 0;
            ok = ok && attr_str(ds, "long_name", v.long_name) && attr_str(ds, "units", v.units);
            if (ok && strchr(v.dims, 'P')) {
                char coords[64] = "park_code park_name";
                if (strchr(v.dims, 'G')) strcat(coords, " group_name");
                if (strchr(v.dims, 'L')) strcat(coords, " lever_name");
                ok = attr_str(ds, "coordinates", coords);
            }
            if (ok && !strcmp(v.name, "tier")) {
                int8_t fv[3] = {1, 2, 3};
                hsize_t three = 3;
                hid_t sp = H5Screate_simple(1, &three, NULL);
                hid_t a = H5Acreate2(ds, "flag_values", H5T_STD_I8LE, sp, H5P_DEFAULT, H5P_DEFAULT);
                ok = a >= 0 && H5Awrite(a, H5T_NATIVE_SCHAR, fv) >= 0 && H5Aclose(a) >= 0 && H5Sclose(sp) >= 0 &&
                     attr_str(ds, "flag_meanings", "first_tier second_tier third_tier");
            }
            if (ds >= 0 && H5Dclose(ds) < 0) ok = 0;
        }
        close_scales(&s);
        if (g >= 0 && H5Gclose(g) < 0) ok = 0;
    }

    /* Global attributes (CF where they fit) and what reproduces the run. */
    char when[32], src[160], dig[32];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
    snprintf(src, sizeof src, "parksim %s (build %s)", PARKSIM_VERSION, PARKSIM_BUILD);
    snprintf(dig, sizeof dig, "%016llx", (unsigned long long)f->digest);
    char hist[1200];
    snprintf(hist, sizeof hist, "%s: %s", when, f->history);
    int32_t reps = d->R, nranks = f->nranks, monthly = d->monthly;
    int32_t complete = 1;
    ok = ok && attr_str(file, "title", "parksim: chemical-park competitiveness ensemble") &&
         attr_str(file, "Conventions", "CF-1.8") && attr_str(file, "source", src) && attr_str(file, "history", hist) &&
         attr_str(file, "parksim_version", PARKSIM_VERSION) && attr_str(file, "scenario_name", sc->p.name) &&
         attr_str(file, "scenario_description", sc->p.description) && attr_str(file, "scenario_file", f->scenario_path) &&
         attr_str(file, "scenario", sc->resolved) && attr_str(file, "parks_csv", sc->parks_csv) &&
         attr_num(file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &sc->p.run.seed) &&
         attr_num(file, "replicates", H5T_STD_I32LE, H5T_NATIVE_INT32, &reps) &&
         attr_num(file, "monthly", H5T_STD_I32LE, H5T_NATIVE_INT32, &monthly) &&
         attr_num(file, "nranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &nranks) &&
         attr_num(file, "loop_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->loop_seconds) &&
         attr_num(file, "write_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &f->write_seconds) &&
         attr_str(file, "result_digest", dig) && attr_str(file, "date_created", when);
    /* Last: a file without this marker was not finished. */
    ok = ok && attr_num(file, "parksim_complete", H5T_STD_I32LE, H5T_NATIVE_INT32, &complete);
    if (H5Fclose(file) < 0) ok = 0;
    return ok ? SIM_OK : h5fail("finish the output file", path);
}
