/** \file spending.c
 * Lever money held and spent, per lever and year (spending.h).
 */
#include "spending.h"
#include "h5util.h"
#include "stats.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The money of every replicate per year and lever, totalled over parks,
 * tot[R][Y][L]: from a summary-mode sweep's /summary/<name>_total, else by
 * summing /park_year/<name> [R][Y][P][L] over parks in park order, as
 * parksim sums it for the summary (so both modes give the same bits). 1 if
 * absent, 0 read, -1 misshapen, -2 out of memory. */
static int read_tot(hid_t f, const char *name, const RunFile *rf, int *L, double **tot)
{
    hsize_t d[5];
    int rank;
    double *v = NULL;
    char path[96];
    *tot = NULL;
    if (rf->summary) {
        snprintf(path, sizeof path, "/summary/%s_total", name);
        int e = h5u_read_numeric_at(f, path, rf->point, H5T_NATIVE_DOUBLE, sizeof(double), 4, &rank, d, (void **)&v);
        if (e == 1) return 1;
        if (e == 0 && rank == 4 && rf->D > 0) { /* a run over draws: [draw][replicate]... are the replicates */
            d[0] *= d[1], d[1] = d[2], d[2] = d[3];
            rank = 3;
        }
        if (e < 0 || rank != 3 || d[0] != (hsize_t)rf->R || d[1] != (hsize_t)rf->Y || d[2] < 1 || d[2] > 64 ||
            (*L > 0 && d[2] != (hsize_t)*L)) {
            free(v);
            return -1;
        }
        *L = (int)d[2];
        *tot = v;
        return 0;
    }
    snprintf(path, sizeof path, "/park_year/%s", name);
    int e = h5u_read_numeric_at(f, path, rf->point, H5T_NATIVE_DOUBLE, sizeof(double), 5, &rank, d, (void **)&v);
    if (e == 1) return 1;
    if (e == 0 && rank == 5) { /* a run over draws: [draw][replicate]... are the replicates, draw-major */
        d[0] *= d[1];
        for (int i = 1; i < 4; i++) d[i] = d[i + 1];
        rank = 4;
    }
    if (e < 0 || rank != 4 || d[0] != (hsize_t)rf->R || d[1] != (hsize_t)rf->Y || d[2] != (hsize_t)rf->P ||
        d[3] < 1 || d[3] > 64 || (*L > 0 && d[3] != (hsize_t)*L)) {
        free(v);
        return -1;
    }
    const int R = rf->R, Y = rf->Y, P = rf->P, n = (int)d[3];
    if (!(*tot = malloc((size_t)R * Y * n * sizeof **tot))) {
        free(v);
        return -2;
    }
    for (int r = 0; r < R; r++)
        for (int y = 0; y < Y; y++)
            for (int l = 0; l < n; l++) {
                double s = 0.0;
                for (int p = 0; p < P; p++) s += v[(((size_t)r * Y + y) * P + p) * n + l];
                (*tot)[((size_t)r * Y + y) * n + l] = s;
            }
    free(v);
    *L = n;
    return 0;
}

/* Per lever and year, the mean over replicates (and its se) of the total
 * over parks of lever money `name` (lever_spent, lever_allotted), and if run
 * is given the same of the total over years per lever and over every lever
 * ([L + 1]); 1 if absent, 0 read, -1 misshapen, -2 out of memory. */
static int read_totals(hid_t f, const char *name, const RunFile *rf, int *L, double **mean, double **se, double **run,
                       double **run_se)
{
    double *v = NULL;
    int e = read_tot(f, name, rf, L, &v);
    if (e != 0) return e;
    const int R = rf->R, Y = rf->Y, n = *L;
    double *tot = malloc((size_t)R * sizeof *tot);
    *mean = malloc((size_t)n * Y * sizeof **mean);
    if (se) *se = malloc((size_t)n * Y * sizeof **se);
    if (!tot || !*mean || (se && !*se)) {
        free(v), free(tot);
        return -2;
    }
    for (int l = 0; l < n; l++)
        for (int y = 0; y < Y; y++) {
            for (int r = 0; r < R; r++) tot[r] = v[((size_t)r * Y + y) * n + l];
            double sd;
            stats_mean_se(tot, (size_t)R, &(*mean)[l * Y + y], &sd, se ? &(*se)[l * Y + y] : &sd);
        }
    if (run) {
        *run = malloc((size_t)(n + 1) * sizeof **run);
        *run_se = malloc((size_t)(n + 1) * sizeof **run_se);
        if (!*run || !*run_se) {
            free(v), free(tot);
            return -2;
        }
        for (int k = 0; k <= n; k++) {
            for (int r = 0; r < R; r++) {
                double t = 0;
                for (int y = 0; y < Y; y++)
                    for (int j = (k < n ? k : 0); j < (k < n ? k + 1 : n); j++) t += v[((size_t)r * Y + y) * n + j];
                tot[r] = t;
            }
            double sd;
            stats_mean_se(tot, (size_t)R, &(*run)[k], &sd, &(*run_se)[k]);
        }
    }
    free(v), free(tot);
    return 0;
}

SimStatus spending_read(const RunFile *rf, Spending *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->Y = rf->Y;
    hid_t f = h5u_open_readonly(rf->path);
    if (f < 0) return sim_fail(SIM_EINVAL, "%s: cannot open the file to read the lever money", rf->path);
    SimStatus st = SIM_OK;
    int L = 0;
    int e = read_totals(f, "lever_spent", rf, &L, &sp->spent, &sp->spent_se, &sp->run_spent, &sp->run_spent_se);
    if (e == 0) {
        int e2 = read_totals(f, "lever_allotted", rf, &L, &sp->held, NULL, NULL, NULL);
        if (e2 == 1 && !(sp->held = malloc((size_t)L * rf->Y * sizeof *sp->held))) e2 = -2;
        else if (e2 == 1)
            for (int i = 0; i < L * rf->Y; i++) sp->held[i] = NAN;
        e = e2 == 1 ? 0 : e2;
    }
    if (e == -2) st = sim_fail(SIM_ENOMEM, "out of memory");
    else if (e < 0)
        st = sim_fail(SIM_EINVAL, rf->summary ? "%s: expected /summary/lever_spent_total and lever_allotted_total of "
                                                "shape [point, %d replicates, %d years, lever] (docs/OUTPUT.md)"
                                              : "%s: expected /park_year/lever_spent and lever_allotted of shape [%d "
                                                "replicates, %d years, %d parks, lever] (docs/OUTPUT.md)",
                      rf->path, rf->R, rf->Y, rf->P);
    else if (e == 0) {
        sp->L = L;
        for (int i = 0; i < L * rf->Y && !st; i++)
            if (!isfinite(sp->spent[i]) || isinf(sp->held[i]))
                st = sim_fail(SIM_EINVAL, "%s: the lever money holds values that are not finite numbers", rf->path);
        for (int k = 0; k <= L && !st; k++)
            if (!isfinite(sp->run_spent[k]))
                st = sim_fail(SIM_EINVAL, "%s: the lever money holds values that are not finite numbers", rf->path);
        if (!st && !(sp->lever_name = calloc((size_t)L, sizeof *sp->lever_name))) st = sim_fail(SIM_ENOMEM, "out of memory");
        const char *ln = rf->summary ? "/summary/lever_name" : "/park_year/lever_name";
        hid_t dn = !st && H5Lexists(f, ln, H5P_DEFAULT) > 0 ? H5Dopen2(f, ln, H5P_DEFAULT) : -1;
        hid_t ds = dn >= 0 ? H5Dget_space(dn) : -1;
        if (!st && (ds < 0 || H5Sget_simple_extent_npoints(ds) != L ||
                    h5u_read_strings(dn, 0, (size_t)L, sp->lever_name) < 0))
            for (int l = 0; l < L && !st; l++) {
                char b[32];
                snprintf(b, sizeof b, "lever %d", l);
                if (!(sp->lever_name[l] = strdup(b))) st = sim_fail(SIM_ENOMEM, "out of memory");
            }
        if (ds >= 0) H5Sclose(ds);
        if (dn >= 0) H5Dclose(dn);
    }
    H5Fclose(f);
    return st;
}

void spending_free(Spending *sp)
{
    if (sp->lever_name) h5u_free_strings(sp->lever_name, (size_t)sp->L);
    free(sp->spent), free(sp->spent_se), free(sp->held), free(sp->run_spent), free(sp->run_spent_se);
    memset(sp, 0, sizeof *sp);
}
