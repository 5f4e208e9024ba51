/** \file predictive.c
 * `parkstat predictive FILE.h5...`: the headline of posterior-predictive
 * runs (`parksim run --posterior`, docs/CALIBRATION.md): for each target, the
 * probability given the public facts (the mean over draws of the share of a
 * draw's replicates that meet it), a 90% credible interval of the
 * probability given the unknowns (the 5% and 95% quantiles over draws of
 * that share), the share of the spread that is ignorance (law of total
 * variance, the between-draw variance corrected for the within-draw
 * binomial noise, as in docs/UNCERTAINTY.md), and the calibrated parameter
 * that matters most (the largest squared correlation across draws between
 * its value and the draw's share: a first-order screen, not a Sobol' index).
 */
#include "posterior.h"
#include "common.h"
#include "h5util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage =
    "usage: parkstat predictive FILE.h5... [--target YEAR:COUNT]...\n"
    "\n"
    "For runs over draws of a posterior (parksim run --posterior) or of priors\n"
    "(--prior): per file and target, P(count >= target) pooled over the draws (the\n"
    "posterior-predictive probability), its 90% credible interval over the draws\n"
    "(what is still unknown), the share of ignorance in the spread, and the drawn\n"
    "parameter whose value correlates most with the draw's probability.\n"
    "\n"
    "Exit codes: 0 ok; 1 I/O or memory failure; 2 bad usage or a file that is not\n"
    "a finished run over draws.\n";

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quant(const double *sorted, int n, double q)
{
    double h = q * (n - 1);
    int i = (int)floor(h);
    return i + 1 < n ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

SimStatus predictive_read(const char *path, const Targets *cmd, Predictive *pr)
{
    memset(pr, 0, sizeof *pr);
    hid_t f = h5u_open_readonly(path);
    if (f < 0) return SIM_ECONFIG;
    SimStatus st = SIM_OK;
    char *design = NULL, *name = NULL, *tgs = NULL, **pn = NULL;
    int *cnt = NULL, *years = NULL, rank;
    double *vals = NULL;
    hsize_t d[3], e[3];
    if (H5Aexists(f, "parksim_complete") <= 0 || !h5u_attr_string(f, "sweep_design", &design) || strcmp(design, "prior"))
        st = sim_fail(SIM_ECONFIG, "%s: not a finished run over draws (parksim run --posterior or --prior)", path);
    if (!st && (h5u_read_numeric(f, "summary/top_tier_count", H5T_NATIVE_INT, sizeof(int), 3, &rank, d, (void **)&cnt) ||
                rank != 3))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read /summary/top_tier_count (draw, replicate, year)", path);
    if (!st && (h5u_read_numeric(f, "summary/year", H5T_NATIVE_INT, sizeof(int), 1, &rank, e, (void **)&years) || e[0] != d[2]))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read /summary/year", path);
    if (!st && (h5u_read_numeric(f, "sweep/applied_values", H5T_NATIVE_DOUBLE, 8, 2, &rank, e, (void **)&vals) ||
                e[0] != d[0]))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read /sweep/applied_values (draw, applied)", path);
    int D = (int)d[0], R = (int)d[1], Y = (int)d[2], m = st ? 0 : (int)e[1];
    if (!st) {
        hid_t ds = H5Dopen2(f, "sweep/applied_name", H5P_DEFAULT);
        pn = calloc((size_t)(m ? m : 1), sizeof *pn);
        if (ds < 0 || !pn || h5u_read_strings(ds, 0, (size_t)m, pn)) st = sim_fail(SIM_ECONFIG, "%s: cannot read /sweep/applied_name", path);
        if (ds >= 0) H5Dclose(ds);
    }
    Targets tg = {{{2027, 6}, {2028, 10}}, 2, TG_DEFAULT};
    if (cmd->n) tg = *cmd;
    else if (!st && h5u_attr_string(f, "targets", &tgs) && targets_parse_list(tgs, &tg) != 0)
        st = sim_fail(SIM_EINVAL, "%s: malformed targets attribute '%s'", path, tgs);
    if (!h5u_attr_string(f, "scenario_name", &name)) name = NULL;
    H5Fclose(f);
    double *p = st ? NULL : malloc((size_t)D * 2 * sizeof *p);
    if (!st && !p) st = sim_fail(SIM_ENOMEM, "out of memory");
    for (int t = 0; !st && t < tg.n; t++) {
        int y = -1;
        for (int k = 0; k < Y; k++)
            if (years[k] == tg.t[t].year) y = k;
        if (y < 0) { st = sim_fail(SIM_EINVAL, "%s: no year %d", path, tg.t[t].year); break; }
        double P = 0, within = 0;
        for (int q = 0; q < D; q++) {
            int hit = 0;
            for (int r = 0; r < R; r++) hit += cnt[((size_t)q * R + r) * Y + y] >= tg.t[t].count;
            p[q] = (double)hit / R;
            P += p[q] / D;
            within += R > 1 ? p[q] * (1 - p[q]) / (R - 1) / D : 0; /* unbiased noise of each draw's share */
        }
        double between = 0;
        for (int q = 0; q < D; q++) between += (p[q] - P) * (p[q] - P) / (D > 1 ? D - 1 : 1);
        /* one replicate per draw cannot tell chance from ignorance */
        double total = P * (1 - P), ign = total > 0 && R > 1 ? fmin(fmax((between - within) / total, 0), 1) : NAN;
        /* the parameter most correlated with the draw's share */
        int best = -1;
        double br2 = 0;
        for (int j = 0; j < m; j++) {
            double mx = 0, sxx = 0, sxy = 0, syy = 0;
            for (int q = 0; q < D; q++) mx += vals[(size_t)q * m + j] / D;
            for (int q = 0; q < D; q++) {
                double a = vals[(size_t)q * m + j] - mx, b = p[q] - P;
                sxx += a * a, sxy += a * b, syy += b * b;
            }
            double r2 = sxx > 0 && syy > 0 ? sxy * sxy / (sxx * syy) : 0;
            if (r2 > br2) br2 = r2, best = j;
        }
        memcpy(&p[D], p, (size_t)D * sizeof *p);
        qsort(&p[D], (size_t)D, sizeof *p, cmp_d);
        PredRow *row = &pr->row[pr->n++];
        row->year = tg.t[t].year, row->count = tg.t[t].count, row->draws = D;
        row->P = P, row->lo = quant(&p[D], D, 0.05), row->hi = quant(&p[D], D, 0.95), row->ign = ign;
        row->r2 = best >= 0 ? br2 : NAN;
        snprintf(row->param, sizeof row->param, "%s", best >= 0 ? pn[best] : "-");
    }
    if (!st) pr->name = name ? name : strdup(path), name = NULL;
    if (!st && !pr->name) st = sim_fail(SIM_ENOMEM, "out of memory");
    free(p); free(design); free(name); free(tgs); free(cnt); free(years); free(vals);
    if (pn) h5u_free_strings(pn, (size_t)m);
    return st;
}

void predictive_free(Predictive *pr)
{
    free(pr->name);
    memset(pr, 0, sizeof *pr);
}

static SimStatus one(const char *path, const Targets *cmd, int first)
{
    Predictive pr;
    SimStatus st = predictive_read(path, cmd, &pr);
    if (st) return st;
    if (first)
        printf("%-16s %-15s %7s  %-17s %10s  %-36s %6s\n", "scenario", "target", "P", "90% CrI over draws",
               "ignorance", "matters most (r^2 across draws)", "draws");
    for (int t = 0; t < pr.n; t++) {
        const PredRow *r = &pr.row[t];
        char tgt[32], cri[40], mm[64], ig[16];
        snprintf(tgt, sizeof tgt, ">=%d in %d", r->count, r->year);
        snprintf(cri, sizeof cri, "[%.3f, %.3f]", r->lo, r->hi);
        if (!isnan(r->r2)) snprintf(mm, sizeof mm, "%.28s (%.2f)", r->param, r->r2);
        else snprintf(mm, sizeof mm, "-");
        if (isnan(r->ign)) snprintf(ig, sizeof ig, "-");
        else snprintf(ig, sizeof ig, "%.2f", r->ign);
        printf("%-16.16s %-15s %7.3f  %-17s %10s  %-36s %6d\n", t ? "" : pr.name, tgt, r->P, cri, ig, mm, r->draws);
    }
    predictive_free(&pr);
    return SIM_OK;
}

SimStatus cmd_predictive(int argc, char **argv)
{
    Targets cmd = {{{0, 0}}, 0, TG_CMDLINE};
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) { fputs(usage, stdout); return SIM_OK; }
        if (!strcmp(argv[i], "--target") && i + 1 < argc) {
            if (cmd.n == MAX_TARGETS || target_parse1(argv[++i], &cmd.t[cmd.n]) != 0) {
                sim_error("predictive: --target: expected YEAR:COUNT, got '%s'", argv[i]);
                return SIM_EINVAL;
            }
            cmd.n++;
        } else if (argv[i][0] == '-') {
            sim_error("predictive: unknown option '%s'", argv[i]);
            fputs(usage, stderr);
            return SIM_EINVAL;
        } else nfiles++;
    }
    if (!nfiles) { fputs(usage, stderr); return SIM_EINVAL; }
    int first = 1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--target")) { i++; continue; }
        SimStatus st = one(argv[i], &cmd, first);
        if (st) return st;
        first = 0;
    }
    return SIM_OK;
}
