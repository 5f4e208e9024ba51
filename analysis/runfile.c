/** \file runfile.c
 * Reading a parksim output file for analysis (see runfile.h).
 */
#include "runfile.h"

#include "../base/err.h"
#include "h5util.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dimensions of dataset `name`; returns its rank, or -1 when it is missing. */
static int ds_dims(hid_t f, const char *name, hsize_t *dims, int maxrank)
{
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    int r = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    if (r > maxrank || (r > 0 && H5Sget_simple_extent_dims(s, dims, NULL) < 0)) r = -1;
    if (s >= 0) H5Sclose(s);
    H5Dclose(d);
    return r;
}

static int ds_read(hid_t f, const char *name, hid_t memtype, void *buf)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    herr_t e = H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    H5Dclose(d);
    return e < 0 ? -1 : 0;
}

/* Read dataset `name`, or its slice [point, ...] when point >= 0. */
static int ds_read_at(hid_t f, const char *name, hid_t memtype, int point, void *buf)
{
    if (point < 0) return ds_read(f, name, memtype, buf);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t s = H5Dget_space(d);
    hsize_t dims[8], start[8] = {(hsize_t)point};
    int r = s < 0 ? -1 : H5Sget_simple_extent_ndims(s), e = -1;
    if (r >= 2 && r <= 8 && H5Sget_simple_extent_dims(s, dims, NULL) == r && (hsize_t)point < dims[0]) {
        dims[0] = 1;
        hid_t m = H5Screate_simple(r, dims, NULL);
        if (m >= 0 && H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, dims, NULL) >= 0 &&
            H5Dread(d, memtype, m, s, H5P_DEFAULT, buf) >= 0)
            e = 0;
        if (m >= 0) H5Sclose(m);
    }
    if (s >= 0) H5Sclose(s);
    H5Dclose(d);
    return e;
}

/* Tiers from the tier variable's flag_values (1..n); 3, the built-in scheme, when absent. */
static int read_ntiers(hid_t f, const char *tier_ds)
{
    int n = 3;
    hid_t d = H5Lexists(f, tier_ds, H5P_DEFAULT) > 0 ? H5Dopen2(f, tier_ds, H5P_DEFAULT) : -1;
    if (d < 0) return n;
    if (H5Aexists(d, "flag_values") > 0) {
        hid_t a = H5Aopen(d, "flag_values", H5P_DEFAULT);
        hid_t s = a >= 0 ? H5Aget_space(a) : -1;
        hssize_t k = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        if (k > 0 && k < 128) {
            int v[128];
            if (H5Aread(a, H5T_NATIVE_INT, v) >= 0) {
                n = 0;
                for (hssize_t i = 0; i < k; i++)
                    if (v[i] > n) n = v[i];
            }
        }
        if (s >= 0) H5Sclose(s);
        if (a >= 0) H5Aclose(a);
    }
    H5Dclose(d);
    return n;
}

/* Draws of priors: their count, the inputs of each and the alternative each took. */
static SimStatus read_draws(hid_t f, const char *path, RunFile *rf)
{
    hsize_t dv[2], da[1];
    if (ds_dims(f, "/sweep/values", dv, 2) != 2 || dv[0] < 1 || dv[1] < 1) {
        sim_error("%s: a run over priors without a 2-D /sweep/values [draw, parameter] (docs/OUTPUT.md)", path);
        return SIM_EINVAL;
    }
    rf->D = (int)dv[0], rf->k = (int)dv[1];
    if (!(rf->values = malloc((size_t)rf->D * (size_t)rf->k * sizeof *rf->values)))
        return sim_fail(SIM_ENOMEM, "out of memory");
    if (ds_read(f, "/sweep/values", H5T_NATIVE_DOUBLE, rf->values) < 0)
        return sim_fail(SIM_EIO, "%s: cannot read /sweep/values", path);
    if (ds_dims(f, "/sweep/alternative_name", da, 1) != 1) return SIM_OK;
    char *par = NULL;
    hid_t g = H5Gopen2(f, "/sweep", H5P_DEFAULT);
    int have = g >= 0 && h5u_attr_string(g, "alternative_parameter", &par);
    if (g >= 0) H5Gclose(g);
    char **names = calloc((size_t)rf->k, sizeof *names);
    hid_t d = names ? H5Dopen2(f, "/sweep/parameter_name", H5P_DEFAULT) : -1;
    int col = -1;
    if (have && d >= 0 && h5u_read_strings(d, 0, (size_t)rf->k, names) == 0)
        for (int i = 0; i < rf->k; i++)
            if (!strcmp(names[i], par)) col = i;
    if (d >= 0) H5Dclose(d);
    if (names) h5u_free_strings(names, (size_t)rf->k);
    free(par);
    rf->n_alt = (int)da[0];
    rf->alt_name = calloc((size_t)rf->n_alt + 1, sizeof *rf->alt_name);
    rf->alt = malloc((size_t)rf->D * sizeof *rf->alt);
    if (!rf->alt_name || !rf->alt) return sim_fail(SIM_ENOMEM, "out of memory");
    d = H5Dopen2(f, "/sweep/alternative_name", H5P_DEFAULT);
    int e = d < 0 ? -1 : h5u_read_strings(d, 0, (size_t)rf->n_alt, rf->alt_name);
    if (d >= 0) H5Dclose(d);
    if (e < 0 || col < 0) {
        sim_error("%s: /sweep/alternative_name without the alternative's input (the /sweep attribute "
                  "alternative_parameter naming a parameter_name)", path);
        return SIM_EINVAL;
    }
    for (int i = 0; i < rf->D; i++) {
        double v = rf->values[(size_t)i * rf->k + col];
        if (!(v >= 0 && v < rf->n_alt) || v != floor(v)) {
            sim_error("%s: draw %d takes alternative %g; expected 0..%d", path, i, v, rf->n_alt - 1);
            return SIM_EINVAL;
        }
        rf->alt[i] = (int)v;
    }
    return SIM_OK;
}

/* A sweep point's name: the scenario's, the point and its values. */
static SimStatus point_name(hid_t f, RunFile *rf)
{
    hsize_t dv[2];
    char buf[400];
    int n = snprintf(buf, sizeof buf, "%s (point %d", rf->name, rf->point);
    double *v = NULL;
    char **names = NULL;
    if (ds_dims(f, "/sweep/values", dv, 2) == 2 && dv[1] > 0 && dv[1] < 64 && (hsize_t)rf->point < dv[0] &&
        (v = malloc((size_t)dv[1] * sizeof *v)) && (names = calloc((size_t)dv[1], sizeof *names)) &&
        ds_read_at(f, "/sweep/values", H5T_NATIVE_DOUBLE, rf->point, v) == 0) {
        hid_t d = H5Dopen2(f, "/sweep/parameter_name", H5P_DEFAULT);
        if (d >= 0 && h5u_read_strings(d, 0, (size_t)dv[1], names) == 0)
            for (hsize_t i = 0; i < dv[1] && n < (int)sizeof buf - 8; i++)
                n += snprintf(buf + n, sizeof buf - (size_t)n, "%s %s=%.6g", i ? "," : ":", names[i], v[i]);
        if (d >= 0) H5Dclose(d);
    }
    if (names) h5u_free_strings(names, (size_t)dv[1]);
    free(v);
    if (n >= (int)sizeof buf - 8) snprintf(buf + sizeof buf - 8, 8, "...");
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ")");
    free(rf->name);
    return (rf->name = strdup(buf)) ? SIM_OK : sim_fail(SIM_ENOMEM, "out of memory");
}

SimStatus runfile_read(const char *path, int want_tier, RunFile **out)
{
    return runfile_read_point(path, want_tier, -1, out);
}

SimStatus runfile_read_point(const char *path, int want_tier, int point, RunFile **out)
{
    *out = NULL;
    hid_t f = h5u_open_readonly(path);
    if (f < 0) return SIM_EINVAL;
    SimStatus st = SIM_EINVAL;
    RunFile *rf = calloc(1, sizeof *rf);
    if (!rf || !(rf->path = strdup(path))) { st = sim_fail(SIM_ENOMEM, "out of memory"); goto fail; }
    if (H5Aexists(f, "parksim_complete") <= 0) {
        sim_error("%s: not a finished parksim output (no parksim_complete attribute: the run did not "
                  "complete or the file is not from parksim); refusing to analyse it", path);
        goto fail;
    }
    /* a sweep's variables have a leading point dimension: reading them as one run would mix points;
     * draws of priors are one run whose replicates are grouped by draw */
    char *design = NULL;
    if (H5Aexists(f, "sweep_design") > 0 && h5u_attr_string(f, "sweep_design", &design) && !strcmp(design, "prior")) {
        free(design);
        design = NULL;
        rf->summary = h5u_attr_string(f, "sweep_store", &design) && !strcmp(design, "summary");
        free(design);
        if ((st = read_draws(f, path, rf)) != SIM_OK) goto fail;
        st = SIM_EINVAL;
    } else if (H5Aexists(f, "sweep_design") > 0) {
        /* one point of a sweep is read as the run of its scenario */
        free(design);
        design = NULL;
        if (point < 0) {
            hsize_t dq[4];
            int nq = ds_dims(f, "/summary/top_tier_count", dq, 4) >= 1 ? (int)dq[0] : 0;
            sim_error("%s: a sweep file of %d points (parksim sweep); choose the points to read with --point Q "
                      "(0..%d), e.g. --point 0 --point %d; parkstat sensitivity reads a saltelli sweep whole",
                      path, nq, nq - 1, nq - 1);
            goto fail;
        }
        rf->summary = h5u_attr_string(f, "sweep_store", &design) && !strcmp(design, "summary");
        free(design);
    }
    rf->point = point;
    if (point >= 0 && H5Aexists(f, "sweep_design") <= 0) {
        sim_error("%s: --point %d is for sweep files; this is a single run's output", path, point);
        goto fail;
    }
    int sw = point >= 0;
    const char *tier_ds = rf->summary ? "/summary/tier" : "/park_year/tier";
    const char *code_ds = rf->summary ? "/summary/park_code" : "/park_year/park_code";
    if (!h5u_attr_string(f, "scenario_name", &rf->name) && !(rf->name = strdup(path))) {
        st = sim_fail(SIM_ENOMEM, "out of memory");
        goto fail;
    }
    h5u_attr_string(f, "targets", &rf->targets);
    if (H5Aexists(f, "seed") > 0) {
        hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
        rf->has_seed = a >= 0 && H5Aread(a, H5T_NATIVE_UINT64, &rf->seed) >= 0;
        if (a >= 0) H5Aclose(a);
    }
    hsize_t dy[1], dc[3], dt[4], dp[1];
    int lead = rf->D > 0 || sw; /* draws: [draw, replicate, ...] read as [draw * replicate, ...]; a point: its slice */
    if (ds_dims(f, "/summary/year", dy, 1) != 1 || ds_dims(f, "/summary/top_tier_count", dc, 2 + lead) != 2 + lead ||
        (sw && dc[0] <= (hsize_t)point && (sim_error("%s: --point %d is not in the sweep: it has points 0..%d", path,
                                                     point, (int)dc[0] - 1), 1)) ||
        (sw && (dc[0] = dc[1], dc[1] = dc[2], 0)) ||
        (rf->D > 0 && (dc[0] != (hsize_t)rf->D || (dc[0] *= dc[1], dc[1] = dc[2], 0)))) {
        sim_error("%s: expected 1-D /summary/year and 2-D /summary/top_tier_count [replicate, year] "
                  "(docs/OUTPUT.md)", path);
        goto fail;
    }
    if (dc[1] != dy[0] || dc[0] == 0 || dy[0] == 0) {
        sim_error("%s: /summary/top_tier_count is %llux%llu but there are %llu years; expected [replicate, year] "
                  "with at least one of each", path, (unsigned long long)dc[0], (unsigned long long)dc[1],
                  (unsigned long long)dy[0]);
        goto fail;
    }
    if (ds_dims(f, code_ds, dp, 1) != 1) {
        sim_error("%s: expected 1-D %s (docs/OUTPUT.md)", path, code_ds);
        goto fail;
    }
    rf->R = (int)dc[0];
    if (rf->D > 0) rf->n = rf->R / rf->D;
    rf->Y = (int)dy[0];
    rf->P = (int)dp[0];
    rf->ntiers = read_ntiers(f, tier_ds);
    rf->years = malloc((size_t)rf->Y * sizeof *rf->years);
    rf->top = malloc((size_t)rf->R * (size_t)rf->Y * sizeof *rf->top);
    rf->park_code = calloc((size_t)rf->P + 1, sizeof *rf->park_code);
    if (!rf->years || !rf->top || !rf->park_code) { st = sim_fail(SIM_ENOMEM, "out of memory"); goto fail; }
    if (ds_read(f, "/summary/year", H5T_NATIVE_INT, rf->years) < 0 ||
        ds_read_at(f, "/summary/top_tier_count", H5T_NATIVE_INT, point, rf->top) < 0) {
        st = sim_fail(SIM_EINVAL, "%s: cannot read /summary (a damaged file?)", path);
        goto fail;
    }
    hid_t d = H5Dopen2(f, code_ds, H5P_DEFAULT);
    int e = d < 0 ? -1 : h5u_read_strings(d, 0, (size_t)rf->P, rf->park_code);
    if (d >= 0) H5Dclose(d);
    if (e < 0) {
        st = sim_fail(SIM_EINVAL, "%s: cannot read %s as strings (a damaged file?)", path, code_ds);
        goto fail;
    }
    if (!(rf->park_name = calloc((size_t)rf->P + 1, sizeof *rf->park_name))) {
        st = sim_fail(SIM_ENOMEM, "out of memory");
        goto fail;
    }
    d = ds_dims(f, "/parks/park_name", dp, 1) == 1 && dp[0] == (hsize_t)rf->P
            ? H5Dopen2(f, "/parks/park_name", H5P_DEFAULT) : -1;
    if (d >= 0) {
        h5u_read_strings(d, 0, (size_t)rf->P, rf->park_name);   /* all set, or all NULL on failure */
        H5Dclose(d);
    }
    for (int p = 0; p < rf->P; p++)   /* names absent or unreadable: the codes stand in */
        if (!rf->park_name[p] && !(rf->park_name[p] = strdup(rf->park_code[p]))) {
            st = sim_fail(SIM_ENOMEM, "out of memory");
            goto fail;
        }
    if (want_tier) {
        if (ds_dims(f, tier_ds, dt, 3 + lead) != 3 + lead || (sw && dt[0] <= (hsize_t)point) ||
            (sw && (dt[0] = dt[1], dt[1] = dt[2], dt[2] = dt[3], 0)) ||
            (rf->D > 0 && (dt[0] *= dt[1], dt[1] = dt[2], dt[2] = dt[3], 0)) || dt[0] != dc[0] || dt[1] != dy[0] ||
            dt[2] != dp[0]) {
            st = sim_fail(SIM_EINVAL, "%s: expected %s of shape [%s%d replicates, %d years, %d parks]", path, tier_ds,
                          sw ? "point, " : "", rf->R, rf->Y, rf->P);
            goto fail;
        }
        rf->tier = malloc((size_t)rf->R * (size_t)rf->Y * (size_t)rf->P);
        if (!rf->tier) { st = sim_fail(SIM_ENOMEM, "out of memory"); goto fail; }
        if (ds_read_at(f, tier_ds, H5T_NATIVE_SCHAR, point, rf->tier) < 0) {
            st = sim_fail(SIM_EINVAL, "%s: cannot read %s (a damaged file?)", path, tier_ds);
            goto fail;
        }
        for (size_t i = 0; i < (size_t)rf->R * (size_t)rf->Y * (size_t)rf->P; i++)
            if (rf->tier[i] < 1 || rf->tier[i] > rf->ntiers) {
                st = sim_fail(SIM_EINVAL, "%s: /park_year/tier element %zu is %d; expected a tier 1..%d", path, i,
                              rf->tier[i], rf->ntiers);
                goto fail;
            }
    }
    if (sw && (st = point_name(f, rf)) != SIM_OK) goto fail;
    H5Fclose(f);
    *out = rf;
    return SIM_OK;
fail:
    H5Fclose(f);
    runfile_free(rf);
    return st;
}

void runfile_free(RunFile *rf)
{
    if (!rf) return;
    free(rf->path);
    free(rf->name);
    free(rf->targets);
    free(rf->years);
    h5u_free_strings(rf->park_code, (size_t)rf->P);
    h5u_free_strings(rf->park_name, (size_t)rf->P);
    free(rf->top);
    free(rf->tier);
    free(rf->values);
    free(rf->alt);
    h5u_free_strings(rf->alt_name, (size_t)rf->n_alt);
    free(rf);
}

int point_option(int argc, char **argv, int *i, Points *pts)
{
    if (strcmp(argv[*i], "--point")) return 0;
    const char *s = *i + 1 < argc ? argv[*i + 1] : NULL;
    while (s && *s) {
        char *end;
        long q = strtol(s, &end, 10);
        if (end == s || q < 0 || q > 100000000L || (*end && *end != ',') || pts->n == MAX_POINTS) {
            s = NULL;
            break;
        }
        pts->q[pts->n++] = (int)q;
        s = *end ? end + 1 : end;
    }
    if (!s) {
        sim_error("--point needs a sweep point index Q >= 0 (or several, comma-separated; at most %d points)%s%s",
                  MAX_POINTS, *i + 1 < argc ? "; got " : "", *i + 1 < argc ? argv[*i + 1] : "");
        return -1;
    }
    ++*i;
    return 1;
}

int runfile_is_sweep(const char *path)
{
    hid_t f = h5u_open_readonly(path);
    if (f < 0) return -1;
    char *design = NULL;
    int sw = H5Aexists(f, "sweep_design") > 0 && h5u_attr_string(f, "sweep_design", &design) && strcmp(design, "prior");
    free(design);
    H5Fclose(f);
    return sw;
}

SimStatus runfiles_read(const char *const *files, int nf, const Points *pts, int want_tier, RunFile ***rf, int *n)
{
    *n = 0;
    *rf = calloc((size_t)nf * (size_t)(pts->n > 0 ? pts->n : 1) + 1, sizeof **rf);
    if (!*rf) return sim_fail(SIM_ENOMEM, "out of memory");
    int any_sweep = 0;
    SimStatus rc = SIM_OK;
    for (int i = 0; i < nf && !rc; i++) {
        int sw = runfile_is_sweep(files[i]);
        if (sw < 0) return SIM_EINVAL;
        any_sweep |= sw;
        if (!sw || pts->n == 0) rc = runfile_read(files[i], want_tier, &(*rf)[(*n)++]);
        for (int k = 0; sw && k < pts->n && !rc; k++) rc = runfile_read_point(files[i], want_tier, pts->q[k], &(*rf)[(*n)++]);
    }
    if (!rc && pts->n > 0 && !any_sweep)
        rc = sim_fail(SIM_EINVAL, "--point is for sweep files; none of the files is one");
    return rc;
}

int runfile_year_index(const RunFile *rf, int year)
{
    for (int y = 0; y < rf->Y; y++)
        if (rf->years[y] == year) return y;
    return -1;
}

int runfile_compatible(const RunFile *a, const RunFile *b, int same_runs, char *why, size_t n)
{
    const char *fa = a->path, *fb = b->path;
    if (same_runs && a->R != b->R)
        return snprintf(why, n, "%s has %d replicates but %s has %d: a paired comparison needs the same replicates",
                        fa, a->R, fb, b->R), 0;
    if (same_runs && (a->D != b->D || a->k != b->k ||
                      (a->D && memcmp(a->values, b->values, (size_t)a->D * (size_t)a->k * sizeof *a->values))))
        return snprintf(why, n, "%s and %s are not draws of the same priors (%d and %d draws, or other values): "
                        "a paired comparison over the unknowns needs both runs with --prior, the same priors file, "
                        "seed and --draws", fa, fb, a->D, b->D), 0;
    if (same_runs && (a->has_seed != b->has_seed || a->seed != b->seed))
        return snprintf(why, n, "%s has seed %llu but %s has seed %llu: replicates are paired only when both runs "
                        "share the seed (common random numbers)", fa, (unsigned long long)a->seed, fb,
                        (unsigned long long)b->seed), 0;
    if (a->Y != b->Y || memcmp(a->years, b->years, (size_t)a->Y * sizeof *a->years))
        return snprintf(why, n, "%s has years %d-%d (%d) but %s has years %d-%d (%d): the years must match", fa,
                        a->years[0], a->years[a->Y - 1], a->Y, fb, b->years[0], b->years[b->Y - 1], b->Y), 0;
    if (a->P != b->P)
        return snprintf(why, n, "%s has %d parks but %s has %d: the parks must match", fa, a->P, fb, b->P), 0;
    for (int p = 0; p < a->P; p++)
        if (strcmp(a->park_code[p], b->park_code[p]))
            return snprintf(why, n, "park %d is '%s' in %s but '%s' in %s: the parks (park_code, in order) must "
                            "match", p, a->park_code[p], fa, b->park_code[p], fb), 0;
    return 1;
}

SimStatus runfile_check_compatible(const RunFile *a, const RunFile *b, int same_runs)
{
    char why[2048];
    if (runfile_compatible(a, b, same_runs, why, sizeof why)) return SIM_OK;
    return sim_fail(SIM_EINVAL, "%s", why);
}
