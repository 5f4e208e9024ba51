/** \file uncertainty_report.c
 * Tables (and summary's JSON member) of the chance/ignorance split (see
 * uncertainty_report.h and docs/UNCERTAINTY.md).
 */
#include "uncertainty_report.h"
#include "uncertainty.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALT 8

/* One quantity: P(count >= target) (threshold >= 0) or the mean count, of a
 * file or of the paired difference policy - baseline. */
typedef struct {
    char label[48];
    int year, threshold;
    int ok;                          /* the split is defined (D >= 2, n >= 2) */
    VarSplit v;
    double alt_v[MAX_ALT], alt_se[MAX_ALT];
    int alt_n[MAX_ALT];
} SplitRow;

/* Series of one quantity per replicate: indicator of count >= threshold, or the count. */
static void series(const RunFile *rf, int y, int threshold, double *x)
{
    for (int r = 0; r < rf->R; r++) {
        int c = rf->top[(size_t)r * rf->Y + y];
        x[r] = threshold >= 0 ? (double)(c >= threshold) : (double)c;
    }
}

/* Per alternative: the mean of the draw means of the draws that took it, with
 * its se over those draws. */
static void by_alternative(const double *x, const RunFile *rf, SplitRow *row)
{
    for (int a = 0; a < rf->n_alt && a < MAX_ALT; a++) {
        double s = 0, ss = 0;
        int nd = 0;
        for (int d = 0; d < rf->D; d++) {
            if (rf->alt[d] != a) continue;
            double m = 0;
            for (int j = 0; j < rf->n; j++) m += x[(size_t)d * rf->n + j];
            m /= rf->n;
            s += m, ss += m * m, nd++;
        }
        double mu = nd ? s / nd : NAN, var = nd > 1 ? (ss - nd * mu * mu) / (nd - 1) : NAN;
        row->alt_v[a] = mu;
        row->alt_se[a] = nd > 1 ? (var > 0 ? sqrt(var / nd) : 0.0) : NAN;
        row->alt_n[a] = nd;
    }
}

/* The rows of one file (pol NULL) or of the paired effect pol - rf: per target
 * P(count >= target), then the mean count of each target year. Returns the
 * number of rows, or -1 when out of memory. */
static int compute_rows(const RunFile *rf, const RunFile *pol, const Targets *tg, SplitRow *rows)
{
    double *x = malloc((size_t)rf->R * sizeof *x), *b = malloc((size_t)rf->R * sizeof *b);
    if (!x || !b) { free(x), free(b); return -1; }
    int nr = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < tg->n; t++) {
            int y = runfile_year_index(rf, tg->t[t].year), thr = pass == 0 ? tg->t[t].count : -1;
            if (y < 0) continue;
            SplitRow *r = &rows[nr++];
            memset(r, 0, sizeof *r);
            r->year = tg->t[t].year, r->threshold = thr;
            if (thr >= 0) snprintf(r->label, sizeof r->label, "%sP(>=%d in %d)", pol ? "d" : "", thr, r->year);
            else snprintf(r->label, sizeof r->label, "%smean count %d", pol ? "d " : "", r->year);
            series(rf, y, thr, x);
            if (pol) {
                series(pol, y, thr, b);
                for (int i = 0; i < rf->R; i++) x[i] = b[i] - x[i];
            }
            r->ok = var_split(x, rf->D, rf->n, SPLIT_NBOOT, rf->seed, &r->v) == 0;
            by_alternative(x, rf, r);
        }
    free(x), free(b);
    return nr;
}

static void print_rows(const RunFile *rf, const SplitRow *rows, int nr)
{
    printf("%-22s %-18s %-10s %-22s %-22s\n", "quantity", "value (se)", "total var", "chance share (se)",
           "ignorance share (se)");
    for (int i = 0; i < nr; i++) {
        const SplitRow *r = &rows[i];
        if (!r->ok) {
            printf("%-22s (needs at least 2 draws and 2 replicates per draw)\n", r->label);
            continue;
        }
        char a[48], b[48], c[48];
        snprintf(a, sizeof a, "%.4f (%.4f)", r->v.mean, r->v.mean_se);
        snprintf(b, sizeof b, "%.4f (%.4f)", r->v.chance_share, r->v.chance_share_se);
        snprintf(c, sizeof c, "%.4f (%.4f)", r->v.ignorance_share, r->v.ignorance_share_se);
        printf("%-22s %-18s %-10.4g %-22s %-22s\n", r->label, a, r->v.total, b, c);
    }
    if (!rf->n_alt) return;
    printf("per alternative of the choice (value (se over its draws)):\n%-22s", "quantity");
    for (int a = 0; a < rf->n_alt && a < MAX_ALT; a++) printf(" %-30s", rf->alt_name[a]);
    printf("\n");
    for (int i = 0; i < nr; i++) {
        printf("%-22s", rows[i].label);
        for (int a = 0; a < rf->n_alt && a < MAX_ALT; a++) {
            char cell[64];
            snprintf(cell, sizeof cell, "%.4f (%.4f) [%d draws]", rows[i].alt_v[a], rows[i].alt_se[a], rows[i].alt_n[a]);
            printf(" %-30s", cell);
        }
        printf("\n");
    }
}

static void intro(const RunFile *rf)
{
    printf("\nuncertainty over the unknowns: %d draws of the priors x %d replicates each; spread split by the law of\n"
           "total variance into chance (model randomness given the unknowns) and ignorance (the unknowns);\n"
           "se over draws, shares' se by bootstrap over draws (%d resamples); docs/UNCERTAINTY.md.\n"
           "(The tables above pool the draws: their se treat replicates as independent, which draws sharing\n"
           "parameters are not; use the se here.)\n", rf->D, rf->n, SPLIT_NBOOT);
}

SimStatus uncertainty_print_summary(const RunFile *rf, const Targets *tg)
{
    SplitRow rows[2 * MAX_TARGETS];
    int nr = compute_rows(rf, NULL, tg, rows);
    if (nr < 0) return sim_fail(SIM_ENOMEM, "out of memory");
    intro(rf);
    print_rows(rf, rows, nr);
    return SIM_OK;
}

SimStatus uncertainty_print_compare(RunFile *const *rf, int nf, const Targets *tg)
{
    intro(rf[0]);
    printf("paired effect, policy - baseline, per replicate (same draw, same model random numbers):\n");
    for (int k = 1; k < nf; k++) {
        SplitRow rows[2 * MAX_TARGETS];
        int nr = compute_rows(rf[0], rf[k], tg, rows);
        if (nr < 0) return sim_fail(SIM_ENOMEM, "out of memory");
        printf("\n%s:\n", rf[k]->name);
        print_rows(rf[0], rows, nr);
    }
    return SIM_OK;
}

SimStatus uncertainty_json_summary(FILE *o, const RunFile *rf, const Targets *tg)
{
    SplitRow rows[2 * MAX_TARGETS];
    int nr = compute_rows(rf, NULL, tg, rows);
    if (nr < 0) return sim_fail(SIM_ENOMEM, "out of memory");
    fprintf(o, ",\n \"uncertainty\": {\"draws\": %d, \"per_draw\": %d, \"bootstrap\": %d, \"quantities\": [", rf->D,
            rf->n, SPLIT_NBOOT);
    for (int i = 0; i < nr; i++) {
        const SplitRow *r = &rows[i];
        const VarSplit *v = &r->v;
        fprintf(o, "%s\n  {\"quantity\": \"%s\", \"year\": %d", i ? "," : "", r->threshold >= 0 ? "p_ge" : "mean_count",
                r->year);
        if (r->threshold >= 0) fprintf(o, ", \"count\": %d", r->threshold);
        double f[] = {v->mean, v->mean_se, v->total, v->chance, v->ignorance, v->chance_share, v->chance_share_se,
                      v->ignorance_share, v->ignorance_share_se};
        static const char *const name[] = {"value", "value_se", "total_var", "chance_var", "ignorance_var",
                                           "chance_share", "chance_share_se", "ignorance_share", "ignorance_share_se"};
        for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
            fprintf(o, ", \"%s\": ", name[k]);
            json_num(o, r->ok ? f[k] : NAN);
        }
        fputs(", \"by_alternative\": [", o);
        for (int a = 0; a < rf->n_alt && a < MAX_ALT; a++) {
            fputs(a ? ", {\"name\": " : "{\"name\": ", o), json_str(o, rf->alt_name[a]);
            fputs(", \"value\": ", o), json_num(o, r->alt_v[a]), fputs(", \"se\": ", o), json_num(o, r->alt_se[a]);
            fprintf(o, ", \"draws\": %d}", r->alt_n[a]);
        }
        fputs("]}", o);
    }
    fputs("]}", o);
    return SIM_OK;
}
