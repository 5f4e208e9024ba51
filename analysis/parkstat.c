/** \file parkstat.c
 * Post-processing of parksim output files; needs no MPI and no parksim code
 * beyond the file layout (docs/OUTPUT.md).
 *
 *   parkstat headline FILE.h5... [--target YEAR:COUNT]...
 *
 * prints, per file (scenario), the first-tier park count in each target year:
 * mean, 90% interval (5th to 95th percentile) and P(count >= target).
 * Exit codes: 0 success, 1 I/O failure, 2 bad input (usage, unfinished file).
 */
#include "../sim/err.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 8

typedef struct { int year, count; } Target;

static const char *const usage =
    "usage: parkstat headline FILE.h5... [--target YEAR:COUNT]...\n"
    "\n"
    "Per scenario file: first-tier (一级) park count by target year, mean and\n"
    "90% interval over replicates, and P(count >= target). Default targets:\n"
    "2027:6 and 2028:10 (the Jiangxi plan). Exit 0 ok, 1 I/O error, 2 bad input.\n";

static int read_attr_str(hid_t f, const char *name, char *buf, size_t len)
{
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return 0;
    hid_t t = H5Aget_type(a);
    int ok = 0;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
        size_t n = H5Tget_size(t);
        char *tmp = calloc(n + 1, 1);
        if (tmp && H5Aread(a, t, tmp) >= 0) {
            snprintf(buf, len, "%s", tmp);
            ok = 1;
        }
        free(tmp);
    }
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return ok;
}

/* Read /summary: years [Y] and counts [R][Y]. Returns 0 ok, 1 I/O, 2 bad file. */
static int read_summary(const char *path, char *name, size_t nlen, int **years, int *Y, int **counts, int *R)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        sim_error("%s: cannot open as HDF5 (missing, unreadable or not an HDF5 file)", path);
        return 2;
    }
    int rc = 2;
    hid_t dy = -1, dc = -1, sy = -1, sc = -1;
    if (H5Aexists(f, "parksim_complete") <= 0) {
        sim_error("%s: not a finished parksim output (no parksim_complete marker)", path);
        goto done;
    }
    if (!read_attr_str(f, "scenario_name", name, nlen)) snprintf(name, nlen, "%s", path);
    dy = H5Dopen2(f, "/summary/year", H5P_DEFAULT);
    dc = H5Dopen2(f, "/summary/top_tier_count", H5P_DEFAULT);
    if (dy < 0 || dc < 0) { sim_error("%s: missing /summary/year or /summary/top_tier_count", path); goto done; }
    sy = H5Dget_space(dy);
    sc = H5Dget_space(dc);
    hsize_t ny, nc[2];
    if (H5Sget_simple_extent_ndims(sy) != 1 || H5Sget_simple_extent_ndims(sc) != 2) { sim_error("%s: unexpected dataset shapes", path); goto done; }
    H5Sget_simple_extent_dims(sy, &ny, NULL);
    H5Sget_simple_extent_dims(sc, nc, NULL);
    if (nc[1] != ny || nc[0] == 0) { sim_error("%s: /summary shapes disagree", path); goto done; }
    *Y = (int)ny;
    *R = (int)nc[0];
    *years = malloc(ny * sizeof **years);
    *counts = malloc(nc[0] * nc[1] * sizeof **counts);
    rc = 1;
    if (!*years || !*counts) { sim_error("out of memory"); goto done; }
    if (H5Dread(dy, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *years) < 0 ||
        H5Dread(dc, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *counts) < 0) {
        sim_error("%s: read error", path);
        goto done;
    }
    rc = 0;
done:
    if (sy >= 0) H5Sclose(sy);
    if (sc >= 0) H5Sclose(sc);
    if (dy >= 0) H5Dclose(dy);
    if (dc >= 0) H5Dclose(dc);
    H5Fclose(f);
    return rc;
}

static int headline(int argc, char **argv)
{
    Target tg[MAX_TARGETS];
    int nt = 0, nf = 0;
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) return 1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--target")) {
            if (i + 1 >= argc || nt == MAX_TARGETS || sscanf(argv[i + 1], "%d:%d", &tg[nt].year, &tg[nt].count) != 2) {
                sim_error("--target needs YEAR:COUNT (at most %d targets)", MAX_TARGETS);
                free(files);
                return 2;
            }
            nt++;
            i++;
        } else if (argv[i][0] == '-') {
            sim_error("unknown option '%s'", argv[i]);
            free(files);
            return 2;
        } else {
            files[nf++] = argv[i];
        }
    }
    if (nt == 0) {
        tg[0] = (Target){2027, 6};
        tg[1] = (Target){2028, 10};
        nt = 2;
    }
    if (nf == 0) { fputs(usage, stderr); free(files); return 2; }

    printf("%-16s", "scenario");
    for (int t = 0; t < nt; t++) printf("  %d top-tier parks ", tg[t].year);
    for (int t = 0; t < nt; t++) printf("  P(>=%d in %d)", tg[t].count, tg[t].year);
    printf("  replicates\n");
    int rc = 0;
    for (int i = 0; i < nf && rc == 0; i++) {
        char name[128];
        int *years = NULL, *counts = NULL, Y = 0, R = 0;
        rc = read_summary(files[i], name, sizeof name, &years, &Y, &counts, &R);
        double *x = rc == 0 ? malloc((size_t)R * sizeof *x) : NULL;
        if (rc == 0 && !x) rc = 1;
        double prob[MAX_TARGETS];
        if (rc == 0) printf("%-16s", name);
        for (int t = 0; t < nt && rc == 0; t++) {
            int y = -1;
            for (int k = 0; k < Y; k++)
                if (years[k] == tg[t].year) y = k;
            if (y < 0) {
                printf("\n");
                sim_error("%s: year %d is not in the file (years %d-%d)", files[i], tg[t].year, years[0], years[Y - 1]);
                rc = 2;
                break;
            }
            int hit = 0;
            for (int r = 0; r < R; r++) {
                x[r] = counts[r * Y + y];
                hit += counts[r * Y + y] >= tg[t].count;
            }
            gsl_sort(x, 1, (size_t)R);
            double mean = gsl_stats_mean(x, 1, (size_t)R);
            double lo = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)R, 0.05);
            double hi = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)R, 0.95);
            prob[t] = (double)hit / R;
            char cell[64];
            snprintf(cell, sizeof cell, "%.1f  [%g, %g]", mean, lo, hi);
            printf("  %-21s", cell);
        }
        if (rc == 0) {
            for (int t = 0; t < nt; t++) printf("  %*.3f", (int)(strlen("P(>= in )") + 4 + (tg[t].count >= 10)), prob[t]);
            printf("  %d\n", R);
        }
        free(x);
        free(years);
        free(counts);
    }
    free(files);
    return rc;
}

int main(int argc, char **argv)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "headline")) return headline(argc - 2, argv + 2);
    sim_error("unknown command '%s' (parkstat headline ...)", argv[1]);
    return 2;
}
