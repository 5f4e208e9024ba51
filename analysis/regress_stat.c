/** \file regress_stat.c
 * `parkstat regress --statistical` (methods and error rates: docs/ANALYSIS.md).
 *
 * The family of tests: per assessment year, a chi-square test of homogeneity of
 * the top-tier count distribution (adjacent counts pooled to expected >= 5);
 * per park and year, Fisher's exact test of P(top tier). Quantities that cannot
 * differ (both runs constant at the same value) are not tested. Holm's step-down
 * procedure keeps the probability of calling two equivalent runs different at
 * or below alpha, whatever the dependence between the tests.
 */
#include "regress_stat.h"

#include "../base/err.h"
#include "common.h"
#include "regress.h"
#include "runfile.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char what[160];     /* the quantity */
    char detail[160];   /* the estimates in each run */
    char test[40];
    double p, adj;
    int reject;
} Test;

int regress_statistical(const char *pa, const char *pb, double alpha, int json)
{
    RunFile *a = NULL, *b = NULL;
    SimStatus st = runfile_read(pa, 1, &a);
    if (!st) st = runfile_read(pb, 1, &b);
    if (!st) st = runfile_check_compatible(a, b, 0);
    if (st) {
        runfile_free(a), runfile_free(b);
        return EXIT_BADINPUT;   /* whatever failed: regress's 1 means "different" */
    }
    int rc = EXIT_BADINPUT;
    const int Y = a->Y, P = a->P;
    int maxc = P;
    for (size_t i = 0; i < (size_t)a->R * Y; i++) maxc = a->top[i] > maxc ? a->top[i] : maxc;
    for (size_t i = 0; i < (size_t)b->R * Y; i++) maxc = b->top[i] > maxc ? b->top[i] : maxc;
    size_t cap = (size_t)Y * (size_t)(P + 1);
    Test *t = calloc(cap, sizeof *t);
    long *ca = calloc((size_t)maxc + 1, sizeof *ca), *cb = calloc((size_t)maxc + 1, sizeof *cb);
    int nt = 0, untestable = 0;
    if (!t || !ca || !cb) {
        sim_fail(SIM_ENOMEM, "out of memory");
        goto out;
    }
    for (int y = 0; y < Y; y++) {
        memset(ca, 0, ((size_t)maxc + 1) * sizeof *ca);
        memset(cb, 0, ((size_t)maxc + 1) * sizeof *cb);
        double ma = 0, mb = 0;
        for (int r = 0; r < a->R; r++) ca[a->top[(size_t)r * Y + y]]++, ma += a->top[(size_t)r * Y + y];
        for (int r = 0; r < b->R; r++) cb[b->top[(size_t)r * Y + y]]++, mb += b->top[(size_t)r * Y + y];
        int df;
        double chi2, p = stats_chisq_2xk(ca, cb, (size_t)maxc + 1, &df, &chi2);
        if (isnan(p)) {   /* its work space could not be allocated */
            sim_fail(SIM_ENOMEM, "out of memory");
            goto out;
        }
        if (df == 0) { untestable++; continue; }
        Test *q = &t[nt++];
        snprintf(q->what, sizeof q->what, "top-tier count distribution %d", a->years[y]);
        snprintf(q->detail, sizeof q->detail, "mean %.3f vs %.3f", ma / a->R, mb / b->R);
        snprintf(q->test, sizeof q->test, "chi2=%.2f df=%d", chi2, df);
        q->p = p;
    }
    for (int y = 0; y < Y; y++)
        for (int p = 0; p < P; p++) {
            long ka = 0, kb = 0;
            for (int r = 0; r < a->R; r++) ka += a->tier[((size_t)r * Y + y) * P + p] == 1;
            for (int r = 0; r < b->R; r++) kb += b->tier[((size_t)r * Y + y) * P + p] == 1;
            if ((ka == 0 && kb == 0) || (ka == a->R && kb == b->R)) { untestable++; continue; }
            Test *q = &t[nt++];
            snprintf(q->what, sizeof q->what, "P(top tier) %s %d", a->park_code[p], a->years[y]);
            snprintf(q->detail, sizeof q->detail, "%.4f vs %.4f", (double)ka / a->R, (double)kb / b->R);
            snprintf(q->test, sizeof q->test, "Fisher exact");
            q->p = stats_fisher_2x2(ka, a->R - ka, kb, b->R - kb);
        }
    double *pv = malloc(((size_t)nt + 1) * sizeof *pv), *adj = malloc(((size_t)nt + 1) * sizeof *adj);
    int *rej = malloc(((size_t)nt + 1) * sizeof *rej);
    int nrej = -1;
    if (pv && adj && rej) {
        for (int i = 0; i < nt; i++) pv[i] = t[i].p;
        nrej = stats_holm(pv, (size_t)nt, alpha, rej, adj);
    }
    if (nrej < 0) {
        free(pv), free(adj), free(rej);
        sim_fail(SIM_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < nt; i++) t[i].adj = adj[i], t[i].reject = rej[i];
    free(pv), free(adj), free(rej);
    if (json) {
        printf("{\"expected\": "), json_str(stdout, pa), printf(", \"actual\": "), json_str(stdout, pb);
        printf(", \"alpha\": %g, \"correction\": \"holm\", \"untestable\": %d, \"different\": %s,\n \"tests\": [", alpha,
               untestable, nrej ? "true" : "false");
        for (int i = 0; i < nt; i++) {
            printf("%s\n  {\"quantity\": ", i ? "," : ""), json_str(stdout, t[i].what);
            printf(", \"estimates\": "), json_str(stdout, t[i].detail);
            printf(", \"test\": "), json_str(stdout, t[i].test);
            printf(", \"p\": "), json_num(stdout, t[i].p), printf(", \"p_holm\": "), json_num(stdout, t[i].adj);
            printf(", \"reject\": %s}", t[i].reject ? "true" : "false");
        }
        printf("]}\n");
    } else {
        printf("regress --statistical: expected %s (%d replicates, seed %llu), actual %s (%d replicates, seed %llu)\n",
               pa, a->R, (unsigned long long)a->seed, pb, b->R, (unsigned long long)b->seed);
        printf("%d tests, Holm-corrected at family-wise alpha = %g; %d quantities constant and equal in both runs "
               "(not tested)\n\n", nt, alpha, untestable);
        printf("%-40s  %-22s  %-18s  %10s  %10s  verdict\n", "quantity", "expected vs actual", "test", "p", "p (Holm)");
        for (int i = 0; i < nt; i++)
            printf("%-40s  %-22s  %-18s  %10.3g  %10.3g  %s\n", t[i].what, t[i].detail, t[i].test, t[i].p, t[i].adj,
                   t[i].reject ? "DIFFERENT" : "same");
        printf("\n");
        if (nrej) {
            printf("DIFFERENT: %d of %d quantities differ at family-wise alpha %g:\n", nrej, nt, alpha);
            for (int i = 0; i < nt; i++)
                if (t[i].reject) printf("  %s (%s, p = %.3g, Holm %.3g)\n", t[i].what, t[i].detail, t[i].p, t[i].adj);
        } else {
            printf("EQUIVALENT: no quantity differs at family-wise alpha %g\n", alpha);
        }
    }
    rc = nrej ? REGRESS_DIFFERENT : EXIT_OK;
out:
    free(t), free(ca), free(cb);
    runfile_free(a), runfile_free(b);
    return rc;
}
