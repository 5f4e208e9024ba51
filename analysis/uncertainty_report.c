/** \file uncertainty_report.c
 * Tables of the chance/ignorance split (see uncertainty_report.h and
 * docs/UNCERTAINTY.md).
 */
#include "uncertainty_report.h"
#include "uncertainty.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Series of one quantity per replicate: indicator of count >= target, or the count. */
static void series(const RunFile *rf, int y, int threshold, double *x)
{
    for (int r = 0; r < rf->R; r++) {
        int c = rf->top[(size_t)r * rf->Y + y];
        x[r] = threshold >= 0 ? (double)(c >= threshold) : (double)c;
    }
}

/* Policy minus baseline, replicate by replicate, into d (b: work space). */
static void diff_series(const RunFile *B, const RunFile *P, int y, int threshold, double *b, double *d)
{
    series(B, y, threshold, b);
    series(P, y, threshold, d);
    for (int r = 0; r < B->R; r++) d[r] -= b[r];
}

static void header(void)
{
    printf("%-22s %-18s %-10s %-22s %-22s\n", "quantity", "value (se)", "total var", "chance share (se)",
           "ignorance share (se)");
}

static void row(const char *label, const double *x, const RunFile *rf)
{
    VarSplit v;
    if (var_split(x, rf->D, rf->n, SPLIT_NBOOT, rf->seed, &v) != 0) {
        printf("%-22s (needs at least 2 draws and 2 replicates per draw)\n", label);
        return;
    }
    char a[48], b[48], c[48];
    snprintf(a, sizeof a, "%.4f (%.4f)", v.mean, v.mean_se);
    snprintf(b, sizeof b, "%.4f (%.4f)", v.chance_share, v.chance_share_se);
    snprintf(c, sizeof c, "%.4f (%.4f)", v.ignorance_share, v.ignorance_share_se);
    printf("%-22s %-18s %-10.4g %-22s %-22s\n", label, a, v.total, b, c);
}

/* Per alternative: the mean of the draw means of the draws that took it, with
 * its se over those draws. */
static void by_alternative(const char *label, const double *x, const RunFile *rf)
{
    printf("%-22s", label);
    for (int a = 0; a < rf->n_alt; a++) {
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
        char cell[64];
        snprintf(cell, sizeof cell, "%.4f (%.4f) [%d draws]", mu, nd > 1 ? (var > 0 ? sqrt(var / nd) : 0.0) : NAN, nd);
        printf(" %-30s", cell);
    }
    printf("\n");
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
    double *x = malloc((size_t)rf->R * sizeof *x);
    if (!x) return sim_fail(SIM_ENOMEM, "out of memory");
    intro(rf);
    header();
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && rf->n_alt) {
            printf("\nper alternative of the choice (value (se over its draws)):\n%-22s", "quantity");
            for (int a = 0; a < rf->n_alt; a++) printf(" %-30s", rf->alt_name[a]);
            printf("\n");
        } else if (pass == 1) {
            break;
        }
        for (int t = 0; t < tg->n; t++) {
            int y = runfile_year_index(rf, tg->t[t].year);
            if (y < 0) continue;
            char lab[48];
            snprintf(lab, sizeof lab, "P(>=%d in %d)", tg->t[t].count, tg->t[t].year);
            series(rf, y, tg->t[t].count, x);
            if (pass == 0) row(lab, x, rf);
            else by_alternative(lab, x, rf);
        }
        for (int t = 0; t < tg->n; t++) {
            int y = runfile_year_index(rf, tg->t[t].year);
            if (y < 0) continue;
            char lab[48];
            snprintf(lab, sizeof lab, "mean count %d", tg->t[t].year);
            series(rf, y, -1, x);
            if (pass == 0) row(lab, x, rf);
            else by_alternative(lab, x, rf);
        }
    }
    free(x);
    return SIM_OK;
}

SimStatus uncertainty_print_compare(RunFile *const *rf, int nf, const Targets *tg)
{
    const RunFile *B = rf[0];
    double *b = malloc((size_t)B->R * sizeof *b), *p = malloc((size_t)B->R * sizeof *p);
    if (!b || !p) { free(b), free(p); return sim_fail(SIM_ENOMEM, "out of memory"); }
    intro(B);
    printf("paired effect, policy - baseline, per replicate (same draw, same model random numbers):\n");
    for (int k = 1; k < nf; k++) {
        printf("\n%s:\n", rf[k]->name);
        header();
        for (int pass = 0; pass < 2; pass++)
            for (int t = 0; t < tg->n; t++) {
                int y = runfile_year_index(B, tg->t[t].year);
                if (y < 0) continue;
                char lab[48];
                if (pass == 0) snprintf(lab, sizeof lab, "dP(>=%d in %d)", tg->t[t].count, tg->t[t].year);
                else snprintf(lab, sizeof lab, "d mean count %d", tg->t[t].year);
                diff_series(B, rf[k], y, pass == 0 ? tg->t[t].count : -1, b, p);
                row(lab, p, B);
            }
        if (B->n_alt) {
            printf("per alternative:%7s", "");
            for (int a = 0; a < B->n_alt; a++) printf(" %-30s", B->alt_name[a]);
            printf("\n");
            for (int t = 0; t < tg->n; t++) {
                int y = runfile_year_index(B, tg->t[t].year);
                if (y < 0) continue;
                char lab[48];
                snprintf(lab, sizeof lab, "dP(>=%d in %d)", tg->t[t].count, tg->t[t].year);
                diff_series(B, rf[k], y, tg->t[t].count, b, p);
                by_alternative(lab, p, B);
            }
        }
    }
    free(b), free(p);
    return SIM_OK;
}
