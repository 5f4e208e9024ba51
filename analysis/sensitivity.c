/** \file sensitivity.c
 * `parkstat sensitivity`: first-order and total Sobol' indices of the top-tier
 * count from the output of `parksim sweep` with the Saltelli design (the file
 * layout: docs/OUTPUT.md; the method: docs/ANALYSIS.md "Sensitivity analysis").
 *
 * The model output at a sweep point is a Monte-Carlo estimate: the mean over
 * the point's replicates of the top-tier count in a year (or the share of
 * replicates meeting the year's target). Its noise is estimated and printed
 * beside the output variance, because noise adds to the variance the indices
 * are shares of.
 */
#include "sensitivity.h"

#include "../base/err.h"
#include "common.h"
#include "h5util.h"
#include "sobol.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void sens_sweep_free(SensSweep *s)
{
    free(s->path), free(s->targets);
    h5u_free_strings(s->pname, (size_t)(s->k > 0 ? s->k : 0));
    free(s->lower), free(s->upper), free(s->years), free(s->top);
}

static int attr_int(hid_t f, const char *name, long long *v)
{
    if (H5Aexists(f, name) <= 0) return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t sp = H5Aget_space(a);
    int ok = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1 && H5Aread(a, H5T_NATIVE_LLONG, v) >= 0;
    if (sp >= 0) H5Sclose(sp);
    H5Aclose(a);
    return ok ? 0 : -1;
}

/* Read dataset `name` of the given shape (rank n, dims want[]) as memtype into buf
 * (allocated here). Returns SIM_OK, or after a message SIM_EINVAL naming what was
 * expected (missing, another shape, unreadable) or SIM_ENOMEM. */
static SimStatus read_ds(hid_t f, const SensSweep *s, const char *name, int n, const hsize_t *want, const char *shape,
                   hid_t memtype, size_t elsize, void **buf)
{
    *buf = NULL;
    hsize_t dims[4];
    hid_t d = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    int good = r == n && H5Sget_simple_extent_dims(sp, dims, NULL) == n;
    size_t total = 1;
    for (int i = 0; good && i < n; i++) {
        good = dims[i] == want[i];
        total *= (size_t)want[i];
    }
    if (sp >= 0) H5Sclose(sp);
    if (!good) {
        if (d >= 0) H5Dclose(d);
        return sim_fail(SIM_EINVAL, "%s: expected %s %s (docs/OUTPUT.md, the sweep file)%s", s->path, name, shape,
                        d < 0 ? "; it is missing" : "; it has another shape");
    }
    *buf = malloc(total * elsize + 1);
    if (!*buf) {
        H5Dclose(d);
        return sim_fail(SIM_ENOMEM, "out of memory reading %s", name);
    }
    herr_t e = H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf);
    H5Dclose(d);
    if (e < 0) return sim_fail(SIM_EINVAL, "%s: cannot read %s as %s", s->path, name, shape);
    return SIM_OK;
}

/* The design's promise (sim/design.h): row r of AB_i equals row r of A except column i,
 * which is row r of B. A file in another order would give meaningless indices. */
static SimStatus check_saltelli_order(const SensSweep *s, const double *v)
{
    const size_t N = (size_t)s->N, k = (size_t)s->k;
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < N; r++)
            for (size_t j = 0; j < k; j++) {
                double a = v[r * k + j], b = v[(N + r) * k + j], ab = v[((2 + i) * N + r) * k + j];
                if (ab != (j == i ? b : a))
                    return sim_fail(SIM_EINVAL, "%s: /sweep/values point %zu, parameter %zu is %.17g; the Saltelli "
                                    "order (block AB_%zu = A with parameter %zu from B) expects %.17g",
                                    s->path, (2 + i) * N + r, j, ab, i, i, j == i ? b : a);
            }
    return SIM_OK;
}

static SimStatus sweep_read(const char *path, SensSweep *s)
{
    memset(s, 0, sizeof *s);
    if (!(s->path = strdup(path))) return sim_fail(SIM_ENOMEM, "out of memory");
    hid_t f = h5u_open_readonly(path);
    if (f < 0) return SIM_EINVAL;
    SimStatus rc = SIM_EINVAL;
    char *design = NULL;
    double *values = NULL;
    if (H5Aexists(f, "parksim_complete") <= 0) {
        sim_error("%s: not a finished parksim output (no parksim_complete attribute: the sweep did not "
                  "complete or the file is not from parksim); refusing to analyse it", path);
        goto out;
    }
    if (!h5u_attr_string(f, "sweep_design", &design)) {
        sim_error("%s: not a sweep file (no sweep_design attribute; a single run's output?); expected the output "
                  "of parksim sweep with design saltelli", path);
        goto out;
    }
    if (strcmp(design, "saltelli")) {
        sim_error("%s: sweep_design is '%s'; Sobol' indices need a sweep with design saltelli (grid, lhs and sobol "
                  "designs have no A/B/AB_i blocks)", path, design);
        goto out;
    }
    long long N, k, npts;
    if (attr_int(f, "sweep_base_rows", &N) || attr_int(f, "sweep_parameters", &k) ||
        attr_int(f, "sweep_points", &npts)) {
        sim_error("%s: expected integer root attributes sweep_base_rows, sweep_parameters and sweep_points", path);
        goto out;
    }
    if (k < 1 || k > 20 || N < 2 || npts != N * (k + 2)) {
        sim_error("%s: sweep_base_rows %lld, sweep_parameters %lld, sweep_points %lld; expected N >= 2, "
                  "1 <= k <= 20 and points = N(k+2)", path, N, k, npts);
        goto out;
    }
    s->N = (int)N, s->k = (int)k, s->npts = (int)npts;
    if (H5Aexists(f, "seed") > 0) {
        hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
        if (a < 0 || H5Aread(a, H5T_NATIVE_UINT64, &s->seed) < 0) s->seed = 0;
        if (a >= 0) H5Aclose(a);
    }
    h5u_attr_string(f, "targets", &s->targets);
    hsize_t kk[1] = {(hsize_t)k}, pk[2] = {(hsize_t)npts, (hsize_t)k};
    if ((rc = read_ds(f, s, "/sweep/lower", 1, kk, "(parameter) float64", H5T_NATIVE_DOUBLE, sizeof(double),
                      (void **)&s->lower)) ||
        (rc = read_ds(f, s, "/sweep/upper", 1, kk, "(parameter) float64", H5T_NATIVE_DOUBLE, sizeof(double),
                      (void **)&s->upper)) ||
        (rc = read_ds(f, s, "/sweep/values", 2, pk, "(point, parameter) float64", H5T_NATIVE_DOUBLE,
                      sizeof(double), (void **)&values)))
        goto out;
    rc = SIM_EINVAL;
    s->pname = calloc((size_t)k + 1, sizeof *s->pname);
    if (!s->pname) { rc = sim_fail(SIM_ENOMEM, "out of memory"); goto out; }
    hid_t d = H5Lexists(f, "/sweep/parameter_name", H5P_DEFAULT) > 0 ? H5Dopen2(f, "/sweep/parameter_name", H5P_DEFAULT)
                                                                       : -1;
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    int e = sp < 0 || H5Sget_simple_extent_npoints(sp) != k || h5u_read_strings(d, 0, (size_t)k, s->pname) < 0;
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    if (e) {
        sim_error("%s: expected /sweep/parameter_name, %lld strings (docs/OUTPUT.md, the sweep file)", path, k);
        goto out;
    }
    if ((rc = check_saltelli_order(s, values))) goto out;
    /* years, then the counts with their leading point dimension */
    d = H5Lexists(f, "/summary/year", H5P_DEFAULT) > 0 ? H5Dopen2(f, "/summary/year", H5P_DEFAULT) : -1;
    sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t ny = 0;
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, &ny, NULL) != 1 || ny == 0) {
        sim_error("%s: expected 1-D /summary/year (docs/OUTPUT.md)", path);
        if (sp >= 0) H5Sclose(sp);
        if (d >= 0) H5Dclose(d);
        goto out;
    }
    H5Sclose(sp), H5Dclose(d);
    hid_t dc = H5Lexists(f, "/summary/top_tier_count", H5P_DEFAULT) > 0
                   ? H5Dopen2(f, "/summary/top_tier_count", H5P_DEFAULT)
                   : -1;
    hid_t sc = dc >= 0 ? H5Dget_space(dc) : -1;
    hsize_t dims[3] = {0, 0, 0};
    int good = sc >= 0 && H5Sget_simple_extent_ndims(sc) == 3 && H5Sget_simple_extent_dims(sc, dims, NULL) == 3 &&
               dims[0] == (hsize_t)npts && dims[1] > 0 && dims[2] == ny;
    if (sc >= 0) H5Sclose(sc);
    if (dc >= 0) H5Dclose(dc);
    if (!good) {
        sim_error("%s: expected /summary/top_tier_count of shape (point %lld, replicate, year %llu); it is %s", path,
                  npts, (unsigned long long)ny, dc < 0 ? "missing" : "another shape");
        goto out;
    }
    s->R = (int)dims[1], s->Y = (int)ny;
    hsize_t yy[1] = {ny};
    if ((rc = read_ds(f, s, "/summary/year", 1, yy, "(year) int32", H5T_NATIVE_INT, sizeof(int),
                      (void **)&s->years)) ||
        (rc = read_ds(f, s, "/summary/top_tier_count", 3, dims, "(point, replicate, year) int32", H5T_NATIVE_INT,
                      sizeof(int), (void **)&s->top)))
        goto out;
    rc = SIM_OK;
out:
    free(design), free(values);
    H5Fclose(f);
    return rc;
}

static const char *const sens_usage =
    "usage: parkstat sensitivity SWEEP.h5 [--year YEAR]... [--output mean | prob] [--target YEAR:COUNT]...\n"
    "                            [--bootstrap B] [--conf LEVEL] [--seed S] [--json | --csv]\n"
    "\n"
    "First-order (S1) and total (ST) Sobol' indices of the top-tier count, per year, from the\n"
    "output of `parksim sweep` with design saltelli; parameters ranked by ST, each index with a\n"
    "bootstrap percentile interval. The output at a point is the mean top-tier count over its\n"
    "replicates (--output mean, the default) or the share of replicates with count >= the\n"
    "year's target (--output prob). Years: --year, else the years of the targets (--target,\n"
    "else the file's `targets` attribute, else 2027:6 2028:10). --bootstrap 1000 samples of the\n"
    "base rows, --conf 0.95, --seed 1 by default.\n"
    "Exit codes: 0 ok, 1 memory or output failure, 2 bad input (usage, unfinished or\n"
    "unreadable file, not a saltelli sweep).\n";

static SimStatus parse_num(const char *opt, const char *v, double lo, double hi, double *out)
{
    char *end;
    double x = v ? strtod(v, &end) : NAN;
    if (!v || end == v || *end || !(x >= lo && x <= hi))
        return sim_fail(SIM_EINVAL, "sensitivity: %s needs a number in [%g, %g]%s%s", opt, lo, hi, v ? "; got " : "",
                        v ? v : "");
    *out = x;
    return SIM_OK;
}

static const SobolIndex *cmp_ix;
static int by_st(const void *a, const void *b)
{
    const SobolIndex *x = &cmp_ix[*(const int *)a], *y = &cmp_ix[*(const int *)b];
    if (x->st != y->st) return x->st < y->st ? 1 : -1;
    return *(const int *)a - *(const int *)b;
}

static void print_table(const SensSweep *s, const SensYear *yr, int ny, int prob, int nboot, double conf,
                        unsigned long long bseed)
{
    printf("== %s: saltelli sweep, N = %d base rows x %d parameters = %d points, %d replicates each, seed %llu\n",
           s->path, s->N, s->k, s->npts, s->R, (unsigned long long)s->seed);
    printf("output Y: %s over a point's replicates; %d bootstrap samples of the base rows, %g%% percentile "
           "intervals, bootstrap seed %llu\n",
           prob ? "share of replicates with top-tier count >= target" : "mean top-tier count", nboot, 100 * conf,
           bseed);
    for (int t = 0; t < ny; t++) {
        const SensYear *r = &yr[t];
        printf("\n-- %d", r->year);
        if (prob) printf(" (target %d)", r->target);
        printf(": mean of Y %.4g, variance of Y %.4g, Monte-Carlo noise variance %.3g (%.1f%% of it)\n",
               r->sum.mean, r->sum.var, r->noise, r->sum.var > 0 ? 100 * r->noise / r->sum.var : 0.0);
        if (r->status == SOBOL_ZERO_VAR) {
            printf("   Y is the same at every point of A and B: variance 0, the indices are undefined "
                   "(no parameter moves this output)\n");
            continue;
        }
        printf("   sum of S1 %.3f [%.3f, %.3f] (1 for an additive model; less: interactions)\n", r->sum.sum_s1,
               r->sum.sum_s1_lo, r->sum.sum_s1_hi);
        if (r->sum.boot_undefined)
            printf("   %d of %d bootstrap samples had variance 0 and were left out\n", r->sum.boot_undefined, nboot);
        int w = 9;
        for (int i = 0; i < s->k; i++)
            if ((int)strlen(s->pname[i]) > w) w = (int)strlen(s->pname[i]);
        printf("   %-4s  %-*s  %8s %-19s  %8s %-19s  %s\n", "rank", w, "parameter", "S1", "[lo, hi]", "ST",
               "[lo, hi]", "range");
        for (int q = 0; q < s->k; q++) {
            int i = r->rank[q];
            const SobolIndex *x = &r->ix[i];
            char c1[48], c2[48];
            if (isnan(x->s1_lo)) snprintf(c1, sizeof c1, "[n/a]"), snprintf(c2, sizeof c2, "[n/a]");
            else {
                snprintf(c1, sizeof c1, "[%.3f, %.3f]", x->s1_lo, x->s1_hi);
                snprintf(c2, sizeof c2, "[%.3f, %.3f]", x->st_lo, x->st_hi);
            }
            printf("   %-4d  %-*s  %8.3f %-19s  %8.3f %-19s  %g..%g\n", q + 1, w, s->pname[i], x->s1, c1, x->st, c2,
                   s->lower[i], s->upper[i]);
        }
    }
    printf("\n");
}

static void json_pair(FILE *o, double a, double b)
{
    fputc('[', o), json_num(o, a), fputs(", ", o), json_num(o, b), fputc(']', o);
}

static void print_json(const SensSweep *s, const SensYear *yr, int ny, int prob, int nboot, double conf,
                       unsigned long long bseed)
{
    FILE *o = stdout;
    fputs("{\"file\": ", o), json_str(o, s->path);
    fprintf(o, ", \"design\": \"saltelli\", \"base_rows\": %d, \"points\": %d, \"replicates\": %d, \"seed\": %llu,\n",
            s->N, s->npts, s->R, (unsigned long long)s->seed);
    fputs(" \"parameters\": [", o);
    for (int i = 0; i < s->k; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", o), json_str(o, s->pname[i]);
        fputs(", \"lower\": ", o), json_num(o, s->lower[i]), fputs(", \"upper\": ", o), json_num(o, s->upper[i]);
        fputc('}', o);
    }
    fprintf(o, "],\n \"output\": \"%s\", \"bootstrap\": %d, \"conf\": ", prob ? "prob" : "mean", nboot);
    json_num(o, conf);
    fprintf(o, ", \"bootstrap_seed\": %llu,\n \"years\": [", bseed);
    for (int t = 0; t < ny; t++) {
        const SensYear *r = &yr[t];
        fprintf(o, "%s\n  {\"year\": %d, \"target\": ", t ? "," : "", r->year);
        if (r->target >= 0) fprintf(o, "%d", r->target);
        else fputs("null", o);
        fprintf(o, ", \"defined\": %s, \"mean\": ", r->status == SOBOL_OK ? "true" : "false");
        json_num(o, r->sum.mean), fputs(", \"variance\": ", o), json_num(o, r->sum.var);
        fputs(", \"mc_noise_variance\": ", o), json_num(o, r->noise);
        fputs(", \"sum_s1\": ", o), json_num(o, r->sum.sum_s1);
        fputs(", \"sum_s1_ci\": ", o), json_pair(o, r->sum.sum_s1_lo, r->sum.sum_s1_hi);
        fprintf(o, ", \"bootstrap_undefined\": %d, \"indices\": [", r->sum.boot_undefined);
        for (int q = 0; q < s->k && r->status == SOBOL_OK; q++) {
            int i = r->rank[q];
            const SobolIndex *x = &r->ix[i];
            fprintf(o, "%s\n   {\"rank\": %d, \"parameter\": ", q ? "," : "", q + 1), json_str(o, s->pname[i]);
            fputs(", \"s1\": ", o), json_num(o, x->s1), fputs(", \"s1_se\": ", o), json_num(o, x->s1_se);
            fputs(", \"s1_ci\": ", o), json_pair(o, x->s1_lo, x->s1_hi);
            fputs(", \"st\": ", o), json_num(o, x->st), fputs(", \"st_se\": ", o), json_num(o, x->st_se);
            fputs(", \"st_ci\": ", o), json_pair(o, x->st_lo, x->st_hi), fputc('}', o);
        }
        fputs("]}", o);
    }
    fputs("]}\n", o);
}

static void csv_num(FILE *o, double x)
{
    fputc(',', o);
    if (isfinite(x)) fprintf(o, "%.17g", x);
}

static void print_csv(const SensSweep *s, const SensYear *yr, int ny, int prob)
{
    FILE *o = stdout;
    puts("file,year,output,target,rank,parameter,s1,s1_se,s1_lo,s1_hi,st,st_se,st_lo,st_hi,variance,sum_s1");
    for (int t = 0; t < ny; t++) {
        const SensYear *r = &yr[t];
        /* an undefined year still gets a row per parameter, with empty indices */
        for (int q = 0; q < s->k; q++) {
            int i = r->status == SOBOL_OK ? r->rank[q] : q;
            const SobolIndex *x = &r->ix[i];
            csv_str(o, s->path);
            fprintf(o, ",%d,%s,", r->year, prob ? "prob" : "mean");
            if (r->target >= 0) fprintf(o, "%d", r->target);
            fputc(',', o);
            if (r->status == SOBOL_OK) fprintf(o, "%d", q + 1);
            fputc(',', o), csv_str(o, s->pname[i]);
            csv_num(o, x->s1), csv_num(o, x->s1_se), csv_num(o, x->s1_lo), csv_num(o, x->s1_hi);
            csv_num(o, x->st), csv_num(o, x->st_se), csv_num(o, x->st_lo), csv_num(o, x->st_hi);
            csv_num(o, r->sum.var), csv_num(o, r->sum.sum_s1);
            fputc('\n', o);
        }
    }
}

SimStatus sens_compute(const char *file, const Targets *cmd, const int *years_in, int nyears, int prob, int nboot,
                       double conf, uint64_t seed, Sensitivity *out)
{
    memset(out, 0, sizeof *out);
    const SensSweep *s = &out->s;
    SimStatus rc = sweep_read(file, &out->s);
    if (rc) return rc;
    /* targets: the years to analyse by default and, for --output prob, the thresholds */
    RunFile tf = {.path = s->path, .targets = s->targets};
    Targets tg;
    if ((rc = targets_for(&tf, cmd, &tg))) return rc;
    int years[MAX_YEARS];
    for (int t = 0; t < nyears; t++) years[t] = years_in[t];
    if (nyears == 0)
        for (int t = 0; t < tg.n; t++) years[nyears++] = tg.t[t].year;
    SensYear *yr = out->yr;
    out->ny = nyears;
    const int npts = s->npts, R = s->R, Y = s->Y, k = s->k;
    for (int t = 0; t < nyears && !rc; t++) {
        SensYear *r = &yr[t];
        r->year = years[t], r->target = -1;
        int yi = -1;
        for (int j = 0; j < Y; j++)
            if (s->years[j] == r->year) yi = j;
        if (yi < 0) {
            rc = sim_fail(SIM_EINVAL, "%s: year %d is not in the file (years %d-%d)", file, r->year, s->years[0],
                          s->years[Y - 1]);
            break;
        }
        for (int q = 0; q < tg.n; q++)
            if (tg.t[q].year == r->year) r->target = tg.t[q].count;
        if (prob && r->target < 0) {
            rc = sim_fail(SIM_EINVAL, "%s: --output prob needs a target for %d (--target %d:COUNT, or the file's "
                          "targets \"%s\")", file, r->year, r->year, s->targets ? s->targets : "");
            break;
        }
        r->y = malloc((size_t)npts * sizeof *r->y);
        r->ix = malloc((size_t)k * sizeof *r->ix);
        r->rank = malloc((size_t)k * sizeof *r->rank);
        if (!r->y || !r->ix || !r->rank) { rc = sim_fail(SIM_ENOMEM, "out of memory"); break; }
        double noise = 0;
        for (int p = 0; p < npts; p++) {
            /* Welford over the replicates: the point's estimate and its Monte-Carlo variance */
            double m = 0, m2 = 0;
            for (int q = 0; q < R; q++) {
                int c = s->top[((size_t)p * R + q) * Y + yi];
                double x = prob ? (double)(c >= r->target) : (double)c, d = x - m;
                m += d / (q + 1);
                m2 += d * (x - m);
            }
            r->y[p] = m;
            noise += R > 1 ? m2 / (R - 1) / R : 0;
        }
        r->noise = noise / npts;
        char err[256];
        r->status = sobol_indices(r->y, s->N, k, nboot, conf, seed, r->ix, &r->sum, err, sizeof err);
        if (r->status < 0) {
            rc = sim_fail(r->status == SOBOL_ENOMEM ? SIM_ENOMEM : SIM_EINVAL, "%s: %d: %s", file, r->year, err);
            break;
        }
        for (int i = 0; i < k; i++) r->rank[i] = i;
        if (r->status == SOBOL_OK) {
            cmp_ix = r->ix;
            qsort(r->rank, (size_t)k, sizeof *r->rank, by_st);
        }
    }
    return rc;
}

void sens_free(Sensitivity *sv)
{
    for (int t = 0; t < sv->ny; t++) free(sv->yr[t].y), free(sv->yr[t].ix), free(sv->yr[t].rank);
    sens_sweep_free(&sv->s);
}

SimStatus cmd_sensitivity(int argc, char **argv)
{
    OutFormat fmt = FMT_TABLE;
    Targets cmd = {.n = 0};
    const char *file = NULL;
    int years[MAX_YEARS], nyears = 0, prob = 0;
    double nb = 1000, conf = 0.95, seedd = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) { fputs(sens_usage, stdout); return SIM_OK; }
        int c = common_option(argc, argv, &i, &fmt, &cmd);
        if (c < 0) return SIM_EINVAL;
        if (c == 1) continue;
        if (!strcmp(a, "--year")) {
            double y = 0;
            if (nyears == MAX_YEARS) return sim_fail(SIM_EINVAL, "sensitivity: at most %d --year options", MAX_YEARS);
            if (parse_num("--year", v, 1000, 9999, &y)) return SIM_EINVAL;
            if (y != floor(y)) return sim_fail(SIM_EINVAL, "sensitivity: --year needs a calendar year; got %s", v);
            years[nyears++] = (int)y, i++;
        } else if (!strcmp(a, "--output")) {
            if (!v || (strcmp(v, "mean") && strcmp(v, "prob")))
                return sim_fail(SIM_EINVAL, "sensitivity: --output needs mean or prob%s%s", v ? "; got " : "",
                                v ? v : "");
            prob = !strcmp(v, "prob"), i++;
        } else if (!strcmp(a, "--bootstrap")) {
            if (parse_num("--bootstrap", v, 0, 1e6, &nb)) return SIM_EINVAL;
            if (nb != floor(nb))
                return sim_fail(SIM_EINVAL, "sensitivity: --bootstrap needs a whole number; got %s", v);
            i++;
        } else if (!strcmp(a, "--conf")) {
            if (parse_num("--conf", v, 0.5, 0.999, &conf)) return SIM_EINVAL;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (parse_num("--seed", v, 0, 4294967295.0, &seedd)) return SIM_EINVAL;
            if (seedd != floor(seedd))
                return sim_fail(SIM_EINVAL, "sensitivity: --seed needs a whole number; got %s", v);
            i++;
        } else if (a[0] == '-') {
            sim_error("sensitivity: unknown option '%s'", a);
            fputs(sens_usage, stderr);
            return SIM_EINVAL;
        } else if (file) {
            return sim_fail(SIM_EINVAL, "sensitivity: one sweep file at a time; got '%s' and '%s'", file, a);
        } else file = a;
    }
    if (!file) { fputs(sens_usage, stderr); return SIM_EINVAL; }
    int nboot = (int)nb;
    if (nboot > 0 && nboot < 2.0 / (1 - conf))
        return sim_fail(SIM_EINVAL, "sensitivity: --bootstrap %d is too few for a %g interval; expected 0 or at least "
                        "%.0f", nboot, conf, ceil(2.0 / (1 - conf)));
    Sensitivity sv;
    SimStatus rc = sens_compute(file, &cmd, years, nyears, prob, nboot, conf, (uint64_t)seedd, &sv);
    const SensSweep *s = &sv.s;
    const SensYear *yr = sv.yr;
    nyears = sv.ny;
    if (!rc) {
        if (fmt == FMT_JSON) print_json(s, yr, nyears, prob, nboot, conf, (unsigned long long)seedd);
        else if (fmt == FMT_CSV) print_csv(s, yr, nyears, prob);
        else print_table(s, yr, nyears, prob, nboot, conf, (unsigned long long)seedd);
        if (fflush(stdout) != 0) rc = sim_fail(SIM_EIO, "writing the output failed");
    }
    sens_free(&sv);
    return rc;
}
