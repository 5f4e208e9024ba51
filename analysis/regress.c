/** \file regress.c
 * `parkstat regress`: are two runs the same? `--exact` (here) compares every
 * object, dataset value and deterministic attribute of the two files;
 * `--statistical` (regress_stat.c) tests whether two runs with different seeds
 * or model versions have the same distributions.
 *
 * `--exact` compares values, not storage: chunking, compression and object
 * addresses depend on the rank count and the HDF5 build and are ignored, and
 * dimension-scale attachments are compared by the scales' names instead of the
 * raw object references in DIMENSION_LIST/REFERENCE_LIST. Root attributes that
 * legitimately differ between two identical runs are skipped (regress_ignored;
 * the list is in docs/ANALYSIS.md).
 */
#include "regress.h"

#include "../base/err.h"
#include "common.h"
#include "h5util.h"
#include "regress_stat.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Root attributes that differ between runs of the same scenario and build. */
static const char *const regress_ignored[] = {
    "history",        /* date and command line */
    "date_created",   /* time of the run */
    "source",         /* version and git describe of the build */
    "parksim_version",
    "scenario_file",  /* the scenario path as typed */
    "nranks",         /* results do not depend on the rank count */
    "loop_seconds", "write_seconds", "busy_seconds_min", "busy_seconds_max",
    "replicates_computed", "replicates_restored", /* how the file was made (--resume), not what it holds */
    "compression",    /* output.compression: storage only, results do not depend on it */
    NULL};

/* Lines of the resolved scenario YAML that set storage only (docs/OUTPUT.md section 9:
 * results do not depend on them); dropped before the scenario attributes are compared. */
static const char *const scenario_storage_keys[] = {"chunk_replicates:", "compression:", NULL};

#define MAX_RANK 8

typedef struct {
    hid_t fa, fb;
    const char *pa, *pb;
    int max_show, shown, items;  /* items: differing objects, attributes or datasets */
    int failed;                  /* an HDF5 read failed: the comparison is incomplete */
} Ex;

/* One attribute's or dataset's values in a comparable form. */
typedef struct {
    H5T_class_t cls;
    int rank;
    hsize_t dims[MAX_RANK];
    size_t n;
    long long *i;
    double *d;
    char **s;
    unsigned char *raw;
    size_t rawsize;   /* bytes per element of raw */
    int opaque;       /* references or variable-length data: not compared by value */
} Vals;

static void vals_free(Vals *v)
{
    free(v->i), free(v->d), free(v->raw);
    h5u_free_strings(v->s, v->n);
    memset(v, 0, sizeof *v);
}

static int vals_read(hid_t id, int is_attr, Vals *v)
{
    memset(v, 0, sizeof *v);
    hid_t t = is_attr ? H5Aget_type(id) : H5Dget_type(id);
    hid_t sp = is_attr ? H5Aget_space(id) : H5Dget_space(id);
    int rc = -1;
    hid_t nt = -1;
    if (t < 0 || sp < 0) goto done;
    v->cls = H5Tget_class(t);
    v->rank = H5Sget_simple_extent_ndims(sp);
    if (v->rank < 0 || v->rank > MAX_RANK || H5Sget_simple_extent_dims(sp, v->dims, NULL) < 0) goto done;
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    if (np < 0) goto done;
    v->n = (size_t)np;
    size_t n1 = v->n ? v->n : 1;
    herr_t e = 0;
    if (v->cls == H5T_INTEGER) {
        hid_t mt = H5Tget_sign(t) == H5T_SGN_NONE ? H5T_NATIVE_ULLONG : H5T_NATIVE_LLONG;
        if (!(v->i = malloc(n1 * sizeof *v->i))) goto done;
        e = is_attr ? H5Aread(id, mt, v->i) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->i);
    } else if (v->cls == H5T_FLOAT) {
        if (!(v->d = malloc(n1 * sizeof *v->d))) goto done;
        e = is_attr ? H5Aread(id, H5T_NATIVE_DOUBLE, v->d) : H5Dread(id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->d);
    } else if (v->cls == H5T_STRING) {
        if (!(v->s = calloc(n1, sizeof *v->s))) goto done;
        e = h5u_read_strings(id, is_attr, v->n, v->s);
    } else if (H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tdetect_class(t, H5T_REFERENCE) > 0 || v->cls == H5T_STRING) {
        v->opaque = 1;
    } else {
        nt = H5Tget_native_type(t, H5T_DIR_ASCEND);
        if (nt < 0) goto done;
        v->rawsize = H5Tget_size(nt);
        if (!(v->raw = malloc(n1 * v->rawsize))) goto done;
        e = is_attr ? H5Aread(id, nt, v->raw) : H5Dread(id, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->raw);
    }
    rc = e < 0 ? -1 : 0;
done:
    if (nt >= 0) H5Tclose(nt);
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (rc < 0) vals_free(v);
    return rc;
}

static void fmt_index(char *buf, size_t len, const Vals *v, size_t flat)
{
    size_t idx[MAX_RANK];
    for (int k = v->rank - 1; k >= 0; k--) {
        idx[k] = v->dims[k] ? flat % v->dims[k] : 0;
        flat = v->dims[k] ? flat / v->dims[k] : 0;
    }
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int k = 0; k < v->rank && o < len; k++) o += (size_t)snprintf(buf + o, len - o, "%s%zu", k ? ", " : "", idx[k]);
    if (o < len) snprintf(buf + o, len - o, "]");
}

static void fmt_value(char *buf, size_t len, const Vals *v, size_t k)
{
    if (v->i) snprintf(buf, len, "%lld", v->i[k]);
    else if (v->d) snprintf(buf, len, "%.17g", v->d[k]);
    else if (v->s) {
        /* long strings (the scenario YAML) are cut; the line that differs is shown separately */
        snprintf(buf, len, "\"%.60s%s\"", v->s[k], strlen(v->s[k]) > 60 ? "..." : "");
        for (char *c = buf; *c; c++)
            if (*c == '\n') *c = '|';
    } else snprintf(buf, len, "(%zu bytes)", v->rawsize);
}

static int elem_equal(const Vals *a, const Vals *b, size_t k)
{
    if (a->i) return a->i[k] == b->i[k];
    if (a->d) return memcmp(&a->d[k], &b->d[k], sizeof(double)) == 0;   /* bit-identical */
    if (a->s) return strcmp(a->s[k], b->s[k]) == 0;
    if (a->raw) return memcmp(a->raw + k * a->rawsize, b->raw + k * b->rawsize, a->rawsize) == 0;
    return 1;
}

static void report(Ex *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(Ex *ex, const char *fmt, ...)
{
    ex->items++;
    if (ex->shown >= ex->max_show) return;
    ex->shown++;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Where two strings (the scenario YAML) first differ: the line in each. */
static void first_line_diff(const char *a, const char *b, int *line, char *la, char *lb, size_t len)
{
    int ln = 1;
    const char *sa = a, *sb = b;
    while (*a && *a == *b) {
        if (*a == '\n') ln++, sa = a + 1, sb = b + 1;
        a++, b++;
    }
    *line = ln;
    size_t na = strcspn(sa, "\n"), nb = strcspn(sb, "\n");
    snprintf(la, len, "%.*s", (int)(na < len - 1 ? na : len - 1), sa);
    snprintf(lb, len, "%.*s", (int)(nb < len - 1 ? nb : len - 1), sb);
}

/* The resolved scenario holds the park file as an absolute path, which depends on
 * where the repository is checked out; compare the file's base name instead. Storage-only
 * keys are dropped. */
static void normalise_scenario(char *s)
{
    char *p = s;
    for (char *line = s; *line;) {
        char *key = line + strspn(line, " "), *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);
        int drop = 0;
        for (int k = 0; scenario_storage_keys[k]; k++)
            if (!strncmp(key, scenario_storage_keys[k], strlen(scenario_storage_keys[k]))) drop = 1;
        if (drop) memmove(line, line + len, strlen(line + len) + 1);
        else line += len;
    }
    while ((p = strstr(p, "parks_file: \"")) != NULL) {
        char *v = p + strlen("parks_file: \""), *end = strchr(v, '"');
        if (!end) break;
        char *base = v;
        for (char *c = v; c < end; c++)
            if (*c == '/') base = c + 1;
        memmove(v, base, strlen(base) + 1);
        p = v;
    }
}

/* Compare values of two attributes or datasets called `what`. */
static void compare_vals(Ex *ex, const char *what, Vals *a, Vals *b, int is_scenario)
{
    if (a->cls != b->cls) {
        report(ex, "%s: type class differs (expected %d, actual %d)", what, (int)a->cls, (int)b->cls);
        return;
    }
    if (a->rank != b->rank || memcmp(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0])) {
        char da[128] = "", db[128] = "";
        size_t oa = 0, ob = 0;
        for (int k = 0; k < a->rank; k++) oa += (size_t)snprintf(da + oa, sizeof da - oa, "%s%llu", k ? "x" : "", (unsigned long long)a->dims[k]);
        for (int k = 0; k < b->rank; k++) ob += (size_t)snprintf(db + ob, sizeof db - ob, "%s%llu", k ? "x" : "", (unsigned long long)b->dims[k]);
        report(ex, "%s: shape differs (expected [%s], actual [%s])", what, a->rank ? da : "scalar",
               b->rank ? db : "scalar");
        return;
    }
    if (a->opaque || b->opaque) return;
    if ((a->raw || b->raw) && a->rawsize != b->rawsize) {
        report(ex, "%s: element size differs (expected %zu, actual %zu bytes)", what, a->rawsize, b->rawsize);
        return;
    }
    if (is_scenario && a->s && b->s && a->n == 1) normalise_scenario(a->s[0]), normalise_scenario(b->s[0]);
    size_t ndiff = 0, first = 0;
    for (size_t k = 0; k < a->n; k++)
        if (!elem_equal(a, b, k) && ndiff++ == 0) first = k;
    if (!ndiff) return;
    char idx[160] = "", va[128], vb[128];
    if (a->rank) fmt_index(idx, sizeof idx, a, first);
    fmt_value(va, sizeof va, a, first);
    fmt_value(vb, sizeof vb, b, first);
    report(ex, "%s%s: expected %s, actual %s (%zu of %zu elements differ)", what, idx, va, vb, ndiff, a->n);
    if (a->s && (strchr(a->s[first], '\n') || strchr(b->s[first], '\n')) && ex->shown <= ex->max_show) {
        int line;
        char la[200], lb[200];
        first_line_diff(a->s[first], b->s[first], &line, la, lb, sizeof la);
        printf("    first differing line %d: expected \"%s\", actual \"%s\"\n", line, la, lb);
    }
}

static int is_ignored(const char *obj, const char *attr)
{
    if (!strcmp(attr, "DIMENSION_LIST") || !strcmp(attr, "REFERENCE_LIST")) return 1;  /* compared as scale names */
    if (strcmp(obj, "/")) return 0;
    for (int k = 0; regress_ignored[k]; k++)
        if (!strcmp(attr, regress_ignored[k])) return 1;
    return 0;
}

typedef struct { char **names; size_t n, cap; } NameList;

static herr_t collect_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)loc, (void)info;
    NameList *l = data;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **nn = realloc(l->names, cap * sizeof *nn);
        if (!nn) return -1;
        l->names = nn, l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name))) return -1;
    l->n++;
    return 0;
}

static int attr_names(hid_t obj, NameList *l)
{
    memset(l, 0, sizeof *l);
    hsize_t idx = 0;
    return H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr, l) < 0 ? -1 : 0;
}

static void compare_attrs(Ex *ex, const char *obj, hid_t oa, hid_t ob)
{
    NameList la, lb;
    if (attr_names(oa, &la) < 0 || attr_names(ob, &lb) < 0) {
        report(ex, "%s: cannot list attributes", obj);
        ex->failed = 1;
        return;
    }
    for (size_t k = 0; k < la.n; k++) {
        const char *nm = la.names[k];
        if (is_ignored(obj, nm)) continue;
        char what[512];
        snprintf(what, sizeof what, "attribute %s%s%s", obj, strcmp(obj, "/") ? "@" : "", nm);
        if (H5Aexists(ob, nm) <= 0) {
            report(ex, "%s: missing in actual", what);
            continue;
        }
        hid_t a = H5Aopen(oa, nm, H5P_DEFAULT), b = H5Aopen(ob, nm, H5P_DEFAULT);
        Vals va, vb;
        if (a < 0 || b < 0 || vals_read(a, 1, &va) < 0) {
            report(ex, "%s: cannot read in expected", what), ex->failed = 1;
        } else {
            if (vals_read(b, 1, &vb) < 0) report(ex, "%s: cannot read in actual", what), ex->failed = 1;
            else compare_vals(ex, what, &va, &vb, !strcmp(obj, "/") && !strcmp(nm, "scenario")), vals_free(&vb);
            vals_free(&va);
        }
        if (a >= 0) H5Aclose(a);
        if (b >= 0) H5Aclose(b);
    }
    for (size_t k = 0; k < lb.n; k++)
        if (!is_ignored(obj, lb.names[k]) && H5Aexists(oa, lb.names[k]) <= 0)
            report(ex, "attribute %s%s%s: not in expected (only in actual)", obj, strcmp(obj, "/") ? "@" : "",
                   lb.names[k]);
    h5u_free_strings(la.names, la.n);
    h5u_free_strings(lb.names, lb.n);
}

static herr_t scale_name(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did, (void)dim;
    char *buf = data;
    size_t o = strlen(buf);
    if (o + 2 < 256) {
        if (o) buf[o++] = ' ', buf[o] = '\0';
        if (H5Iget_name(dsid, buf + o, 256 - o) < 0) return -1;
    }
    return 0;
}

/* The names of the dimension scales attached to each dimension of a dataset. */
static void compare_scales(Ex *ex, const char *obj, hid_t da, hid_t db, int rank)
{
    for (int k = 0; k < rank; k++) {
        char na[256] = "", nb[256] = "";
        int ia = H5DSget_num_scales(da, (unsigned)k), ib = H5DSget_num_scales(db, (unsigned)k);
        if (ia > 0) H5DSiterate_scales(da, (unsigned)k, NULL, scale_name, na);
        if (ib > 0) H5DSiterate_scales(db, (unsigned)k, NULL, scale_name, nb);
        if (strcmp(na, nb))
            report(ex, "dataset %s: dimension %d scale differs (expected '%s', actual '%s')", obj, k, na, nb);
    }
}

static herr_t visit_a(hid_t root, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    Ex *ex = data;
    char path[1024];
    snprintf(path, sizeof path, "/%s", name);
    H5O_info_t oi;
    if (H5Oget_info_by_name(root, name, &oi, H5P_DEFAULT) < 0) {
        report(ex, "%s: cannot inspect in expected", path);
        ex->failed = 1;
        return 0;
    }
    if (H5Lexists(ex->fb, path, H5P_DEFAULT) <= 0) {
        report(ex, "%s %s: missing in actual", oi.type == H5O_TYPE_GROUP ? "group" : "dataset", path);
        return 0;
    }
    H5O_info_t ob;
    if (H5Oget_info_by_name(ex->fb, path, &ob, H5P_DEFAULT) < 0 || ob.type != oi.type) {
        report(ex, "%s: object type differs", path);
        return 0;
    }
    hid_t a = H5Oopen(ex->fa, path, H5P_DEFAULT), b = H5Oopen(ex->fb, path, H5P_DEFAULT);
    if (a < 0 || b < 0) {
        report(ex, "%s: cannot open", path);
        ex->failed = 1;
    } else {
        if (oi.type == H5O_TYPE_DATASET) {
            Vals va, vb;
            char what[1100];
            snprintf(what, sizeof what, "dataset %s", path);
            if (vals_read(a, 0, &va) < 0) report(ex, "%s: cannot read in expected", what), ex->failed = 1;
            else {
                if (vals_read(b, 0, &vb) < 0) report(ex, "%s: cannot read in actual", what), ex->failed = 1;
                else {
                    compare_vals(ex, what, &va, &vb, 0);
                    if (va.rank == vb.rank) compare_scales(ex, path, a, b, va.rank);
                    vals_free(&vb);
                }
                vals_free(&va);
            }
        }
        compare_attrs(ex, path, a, b);
    }
    if (a >= 0) H5Oclose(a);
    if (b >= 0) H5Oclose(b);
    return 0;
}

static herr_t visit_b(hid_t root, const char *name, const H5L_info_t *info, void *data)
{
    (void)root, (void)info;
    Ex *ex = data;
    char path[1024];
    snprintf(path, sizeof path, "/%s", name);
    if (H5Lexists(ex->fa, path, H5P_DEFAULT) <= 0) report(ex, "%s: not in expected (only in actual)", path);
    return 0;
}

/* Open a file for regress; SIM_OK, or SIM_EINVAL after a message. */
static SimStatus open_complete(const char *path, hid_t *f)
{
    if (H5Fis_hdf5(path) <= 0) return sim_fail(SIM_EINVAL, "%s: missing, unreadable or not an HDF5 file", path);
    *f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*f < 0) return sim_fail(SIM_EINVAL, "%s: cannot open as HDF5", path);
    if (H5Aexists(*f, "parksim_complete") <= 0) {
        H5Fclose(*f);
        return sim_fail(SIM_EINVAL, "%s: not a finished parksim output (no parksim_complete attribute); refusing to "
                        "compare it", path);
    }
    return SIM_OK;
}

/* The exit code: EXIT_OK identical, REGRESS_DIFFERENT, EXIT_BADINPUT (regress.h). */
static int regress_exact(const char *pa, const char *pb, int max_show)
{
    Ex ex = {.pa = pa, .pb = pb, .max_show = max_show};
    if (open_complete(pa, &ex.fa)) return EXIT_BADINPUT;
    if (open_complete(pb, &ex.fb)) { H5Fclose(ex.fa); return EXIT_BADINPUT; }
    printf("regress --exact: expected %s, actual %s\n", pa, pb);
    compare_attrs(&ex, "/", ex.fa, ex.fb);
    if (H5Lvisit(ex.fa, H5_INDEX_NAME, H5_ITER_INC, visit_a, &ex) < 0 ||
        H5Lvisit(ex.fb, H5_INDEX_NAME, H5_ITER_INC, visit_b, &ex) < 0)
        ex.failed = 1;
    H5Fclose(ex.fa);
    H5Fclose(ex.fb);
    if (ex.items > ex.shown) printf("... and %d more differences (--max-diffs to show more)\n", ex.items - ex.shown);
    if (ex.failed) {
        sim_error("regress: could not read everything in %s and %s; the comparison is incomplete", pa, pb);
        return EXIT_BADINPUT;
    }
    if (ex.items) {
        printf("DIFFERENT: %d differing datasets, attributes or objects\n", ex.items);
        return REGRESS_DIFFERENT;
    }
    printf("IDENTICAL: every dataset and deterministic attribute matches\n");
    return EXIT_OK;
}

static const char *const regress_usage =
    "usage: parkstat regress --exact [--max-diffs N] EXPECTED.h5 ACTUAL.h5\n"
    "       parkstat regress --statistical [--alpha A] [--json] EXPECTED.h5 ACTUAL.h5\n"
    "\n"
    "--exact: every dataset value (bit for bit), shape, dimension scale and\n"
    "  attribute must match, except the root attributes that differ between\n"
    "  identical runs (history, date_created, source, parksim_version,\n"
    "  scenario_file, nranks, loop_seconds, write_seconds,\n"
    "  busy_seconds_min, busy_seconds_max, replicates_computed,\n"
    "  replicates_restored, compression; the scenario's storage keys and\n"
    "  parks_file directory); prints the first\n"
    "  difference of each differing dataset or attribute (index and values).\n"
    "--statistical: two-sample tests between runs with different seeds or\n"
    "  versions: chi-square on the top-tier count distribution per year, Fisher\n"
    "  exact on P(top tier) per park and year; Holm correction at level --alpha\n"
    "  (default 0.05). Prints every test and which quantities differ.\n"
    "Exit codes: 0 equivalent, 1 different, 2 bad input (usage, unfinished or\n"
    "mismatched files) or any failure (unreadable files, memory, output).\n";

typedef struct {
    int mode;          /* 1 --exact, 2 --statistical */
    int max_show, json, help;
    double alpha;
    const char *f[2];
} RegressArgs;

static SimStatus regress_args(int argc, char **argv, RegressArgs *ra)
{
    int mode = 0, nf = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (is_help(a)) {
            fputs(regress_usage, stdout);
            ra->help = 1;
            return SIM_OK;
        }
        if (!strcmp(a, "--exact")) mode = mode == 2 ? -1 : 1;
        else if (!strcmp(a, "--statistical")) mode = mode == 1 ? -1 : 2;
        else if (!strcmp(a, "--json")) ra->json = 1;
        else if (!strcmp(a, "--alpha")) {
            double x = i + 1 < argc ? strtod(argv[i + 1], &end) : 0;
            if (i + 1 >= argc || *end || end == argv[i + 1] || !(x > 0 && x < 1))
                return sim_fail(SIM_EINVAL, "--alpha needs a significance level strictly between 0 and 1%s%s",
                                i + 1 < argc ? "; got " : "", i + 1 < argc ? argv[i + 1] : "");
            ra->alpha = x;
            i++;
        } else if (!strcmp(a, "--max-diffs")) {
            long m = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
            if (i + 1 >= argc || *end || m < 1 || m > 1000000)
                return sim_fail(SIM_EINVAL, "--max-diffs needs a positive count");
            ra->max_show = (int)m;
            i++;
        } else if (a[0] == '-') {
            sim_error("regress: unknown option '%s'", a);
            fputs(regress_usage, stderr);
            return SIM_EINVAL;
        } else if (nf < 2) ra->f[nf++] = a;
        else return sim_fail(SIM_EINVAL, "regress takes two files (EXPECTED.h5 ACTUAL.h5); extra '%s'", a);
    }
    if (mode <= 0 || nf != 2) {
        sim_error(mode < 0 ? "regress: give one of --exact and --statistical, not both"
                           : "regress needs --exact or --statistical and two files");
        fputs(regress_usage, stderr);
        return SIM_EINVAL;
    }
    ra->mode = mode;
    return SIM_OK;
}

int cmd_regress(int argc, char **argv)
{
    RegressArgs ra = {.max_show = 10, .alpha = 0.05};
    if (regress_args(argc, argv, &ra)) return EXIT_BADINPUT;
    if (ra.help) return EXIT_OK;
    int rc = ra.mode == 1 ? regress_exact(ra.f[0], ra.f[1], ra.max_show)
                          : regress_statistical(ra.f[0], ra.f[1], ra.alpha, ra.json);
    if (fflush(stdout) != 0) {
        sim_error("writing the output failed");
        return EXIT_BADINPUT;
    }
    return rc;
}
