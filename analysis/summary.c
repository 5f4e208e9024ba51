/** \file summary.c
 * `parkstat summary` and `parkstat headline` (methods: docs/ANALYSIS.md).
 *
 * Replicates are independent and identically distributed, so every figure is
 * a Monte-Carlo estimate whose error shrinks as 1/sqrt(R); each is printed with
 * its standard error. Parks within one replicate are not independent, so
 * figures pooled over parks (the transition matrix) use the replicate as the
 * sampling unit.
 */
#include "summary.h"

#include "../base/err.h"
#include "common.h"
#include "runfile.h"
#include "stats.h"
#include "uncertainty_report.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const double summary_quantiles[3] = {0.05, 0.5, 0.95};

void count_stats(double *x, int R, CountStats *cs)
{
    gsl_sort(x, 1, (size_t)R);
    stats_mean_se(x, (size_t)R, &cs->mean, &cs->sd, &cs->mean_se);
    for (int k = 0; k < 3; k++) {
        double q = summary_quantiles[k];
        cs->q[k] = stats_quantile(x, (size_t)R, q);
        cs->q_se[k] = stats_quantile_se_mj(x, (size_t)R, q);
        if (stats_quantile_ci(x, (size_t)R, q, 0.95, &cs->q_lo[k], &cs->q_hi[k]) < 0)
            cs->q_lo[k] = cs->q_hi[k] = NAN;   /* too few replicates for a 95% interval */
    }
}

static double binom_se(double p, int R) { return sqrt(p * (1 - p) / R); }

void summary_free(Summary *s)
{
    free(s->cs);
    free(s->p_top), free(s->p_top_se), free(s->p_by), free(s->p_by_se);
    free(s->p_first), free(s->p_first_se), free(s->p_never), free(s->p_never_se);
    free(s->tr_n), free(s->tr_p), free(s->tr_se);
    spending_free(&s->money);
}

SimStatus summary_compute(const RunFile *rf, const Targets *cmd, Summary *s)
{
    memset(s, 0, sizeof *s);
    s->rf = rf;
    SimStatus st = targets_for(rf, cmd, &s->tg);
    if (st) return st;
    const int R = rf->R, Y = rf->Y, P = rf->P, T = rf->ntiers;
    s->T = T;
    for (int t = 0; t < s->tg.n; t++)
        if (runfile_year_index(rf, s->tg.t[t].year) < 0)
            return sim_fail(SIM_EINVAL, "%s: target year %d (%s) is not in the file (years %d-%d)", rf->path,
                            s->tg.t[t].year, target_source_name(s->tg.src), rf->years[0], rf->years[Y - 1]);
    size_t py = (size_t)P * (size_t)Y, tt = (size_t)(Y > 1 ? Y - 1 : 1) * (size_t)T * (size_t)T;
    double *x = malloc((size_t)R * sizeof *x);
    s->cs = calloc((size_t)Y, sizeof *s->cs);
    s->p_top = calloc(py, sizeof(double)), s->p_top_se = calloc(py, sizeof(double));
    s->p_by = calloc(py, sizeof(double)), s->p_by_se = calloc(py, sizeof(double));
    s->p_first = calloc(py, sizeof(double)), s->p_first_se = calloc(py, sizeof(double));
    s->p_never = calloc((size_t)P, sizeof(double)), s->p_never_se = calloc((size_t)P, sizeof(double));
    s->tr_n = calloc(tt, sizeof(long)), s->tr_p = calloc(tt, sizeof(double)), s->tr_se = calloc(tt, sizeof(double));
    long *rowr = calloc((size_t)R * (size_t)T * (size_t)T, sizeof(long));   /* per-replicate transition counts */
    if (!x || !s->cs || !s->p_top || !s->p_top_se || !s->p_by || !s->p_by_se || !s->p_first || !s->p_first_se ||
        !s->p_never || !s->p_never_se || !s->tr_n || !s->tr_p || !s->tr_se || !rowr) {
        free(x), free(rowr);
        return sim_fail(SIM_ENOMEM, "out of memory");
    }
    for (int y = 0; y < Y; y++) {
        for (int r = 0; r < R; r++) x[r] = rf->top[(size_t)r * Y + y];
        count_stats(x, R, &s->cs[y]);
    }
    for (int t = 0; t < s->tg.n; t++) {
        TargetStats *q = &s->ts[t];
        q->year = s->tg.t[t].year, q->count = s->tg.t[t].count;
        int y = runfile_year_index(rf, q->year);
        for (int r = 0; r < R; r++) q->hits += rf->top[(size_t)r * Y + y] >= q->count;
        q->p = (double)q->hits / R;
        q->se = binom_se(q->p, R);
        stats_wilson(q->hits, R, 0.95, &q->lo, &q->hi);
    }
    /* per park: in-year, first-reached and reached-by frequencies */
    long *first = calloc((size_t)P * (size_t)(Y + 1), sizeof *first);   /* [P][Y+1], Y = never */
    long *intop = calloc(py, sizeof *intop);
    if (!first || !intop) {
        free(x), free(rowr), free(first), free(intop);
        return sim_fail(SIM_ENOMEM, "out of memory");
    }
    for (int r = 0; r < R; r++)
        for (int p = 0; p < P; p++) {
            int f = Y;
            for (int y = 0; y < Y; y++)
                if (rf->tier[((size_t)r * Y + y) * P + p] == 1) {
                    intop[(size_t)p * Y + y]++;
                    if (f == Y) f = y;
                }
            first[(size_t)p * (Y + 1) + f]++;
        }
    for (int p = 0; p < P; p++) {
        long cum = 0;
        for (int y = 0; y < Y; y++) {
            size_t i = (size_t)p * Y + y;
            cum += first[(size_t)p * (Y + 1) + y];
            s->p_top[i] = (double)intop[i] / R, s->p_top_se[i] = binom_se(s->p_top[i], R);
            s->p_by[i] = (double)cum / R, s->p_by_se[i] = binom_se(s->p_by[i], R);
            s->p_first[i] = (double)first[(size_t)p * (Y + 1) + y] / R;
            s->p_first_se[i] = binom_se(s->p_first[i], R);
        }
        s->p_never[p] = (double)first[(size_t)p * (Y + 1) + Y] / R;
        s->p_never_se[p] = binom_se(s->p_never[p], R);
    }
    free(first), free(intop);
    /* transitions y -> y+1: proportion n_ij / n_i pooled over replicates and parks;
     * its se is the ratio estimator's, with replicates as independent clusters:
     * se^2 = sum_r (a_r - p b_r)^2 / (R (R - 1) bbar^2), a_r = n_ij(r), b_r = n_i(r). */
    for (int y = 0; y + 1 < Y; y++) {
        memset(rowr, 0, (size_t)R * (size_t)T * (size_t)T * sizeof *rowr);
        long *n = s->tr_n + (size_t)y * T * T;
        for (int r = 0; r < R; r++)
            for (int p = 0; p < P; p++) {
                int a = rf->tier[((size_t)r * Y + y) * P + p] - 1, b = rf->tier[((size_t)r * Y + y + 1) * P + p] - 1;
                rowr[((size_t)r * T + a) * T + b]++;
                n[a * T + b]++;
            }
        for (int i = 0; i < T; i++) {
            long ni = 0;
            for (int j = 0; j < T; j++) ni += n[i * T + j];
            for (int j = 0; j < T; j++) {
                size_t k = ((size_t)y * T + i) * T + j;
                if (ni == 0) { s->tr_p[k] = s->tr_se[k] = NAN; continue; }
                double pr = (double)n[i * T + j] / ni, ss = 0, bbar = (double)ni / R;
                for (int r = 0; r < R; r++) {
                    long br = 0;
                    for (int jj = 0; jj < T; jj++) br += rowr[((size_t)r * T + i) * T + jj];
                    double d = (double)rowr[((size_t)r * T + i) * T + j] - pr * (double)br;
                    ss += d * d;
                }
                s->tr_p[k] = pr;
                s->tr_se[k] = R > 1 ? sqrt(ss / ((double)R * (R - 1))) / bbar : 0.0;
            }
        }
    }
    free(x), free(rowr);
    st = spending_read(rf, &s->money);
    if (st != SIM_OK) return st;
    return SIM_OK;
}

static const char *qname[3] = {"q05", "median", "q95"};

static void fmt_ci(char *buf, size_t n, double lo, double hi)
{
    if (isnan(lo)) snprintf(buf, n, "[n/a]");
    else snprintf(buf, n, "[%g, %g]", lo, hi);
}

/* Lever money per year: spent of held (what the parks held at the start of
 * the year: the allotment and any money carried or pooled), totals over
 * parks, means over replicates; levers that never held money are left out. */
static void print_money(const Spending *m, const RunFile *rf)
{
    int any = 0;
    for (int i = 0; i < m->L * m->Y; i++) any |= m->spent[i] > 0 || m->held[i] > 0;
    if (!any) return;
    printf("\nlever money, CNY 1e4 (mean over replicates of the total over parks): spent (se) of held, share spent\n");
    printf("%-16s", "lever");
    for (int y = 1; y < m->Y; y++) printf("  %-34d", rf->years[y]);
    printf("\n");
    for (int l = 0; l < m->L; l++) {
        int used = 0;
        for (int y = 0; y < m->Y; y++) used |= m->spent[l * m->Y + y] > 0 || m->held[l * m->Y + y] > 0;
        if (!used) continue;
        printf("%-16s", m->lever_name[l]);
        for (int y = 1; y < m->Y; y++) {
            double sp = m->spent[l * m->Y + y], h = m->held[l * m->Y + y];
            char cell[64];
            if (isnan(h)) snprintf(cell, sizeof cell, "%.0f (%.0f) of -", sp, m->spent_se[l * m->Y + y]);
            else snprintf(cell, sizeof cell, "%.0f (%.0f) of %.0f, %.0f%%", sp, m->spent_se[l * m->Y + y], h,
                          h > 0 ? 100 * sp / h : 0.0);
            printf("  %-34s", cell);
        }
        printf("\n");
    }
}

static void print_table(const Summary *s)
{
    const RunFile *rf = s->rf;
    const int Y = rf->Y, P = rf->P, T = s->T;
    printf("== %s (%s): %d replicates, seed %llu, targets", rf->name, rf->path, rf->R, (unsigned long long)rf->seed);
    for (int t = 0; t < s->tg.n; t++) printf(" %d:%d", s->tg.t[t].year, s->tg.t[t].count);
    printf(" (%s)\n\n", target_source_name(s->tg.src));
    printf("top-tier parks  mean (se)        sd      q05 (se) [95%% CI]        median (se) [95%% CI]     q95 (se) [95%% CI]\n");
    for (int y = 0; y < Y; y++) {
        const CountStats *c = &s->cs[y];
        printf("%-14d  %6.3f (%5.3f)  %6.3f", rf->years[y], c->mean, c->mean_se, c->sd);
        for (int k = 0; k < 3; k++) {
            char ci[48], cell[80];
            fmt_ci(ci, sizeof ci, c->q_lo[k], c->q_hi[k]);
            snprintf(cell, sizeof cell, "%g (%.3f) %s", c->q[k], c->q_se[k], ci);
            printf("  %-24s", cell);
        }
        printf("\n");
    }
    printf("\ntarget          P(count>=target) (se)  95%% Wilson        replicates meeting it\n");
    for (int t = 0; t < s->tg.n; t++) {
        const TargetStats *q = &s->ts[t];
        char lab[32];
        snprintf(lab, sizeof lab, ">=%d in %d", q->count, q->year);
        printf("%-16s %9.4f (%6.4f)       [%.4f, %.4f]  %ld/%d\n", lab, q->p, q->se, q->lo, q->hi, q->hits, rf->R);
    }
    static const char *const ptitle[3] = {"P(top tier in year) (se)", "P(reached top tier by year) (se)",
                                          "time to first top tier: P(first reached in year) (se)"};
    const double *pv[3] = {s->p_top, s->p_by, s->p_first}, *pe[3] = {s->p_top_se, s->p_by_se, s->p_first_se};
    for (int k = 0; k < 3; k++) {
        printf("\n%s\n%-20s", ptitle[k], "park");
        for (int y = 0; y < Y; y++) printf("  %-15d", rf->years[y]);
        if (k == 2) printf("  %-15s", "never");
        printf("\n");
        for (int p = 0; p < P; p++) {
            printf("%-20s", rf->park_code[p]);
            for (int y = 0; y < Y; y++)
                printf("  %6.4f (%6.4f)", pv[k][(size_t)p * Y + y], pe[k][(size_t)p * Y + y]);
            if (k == 2) printf("  %6.4f (%6.4f)", s->p_never[p], s->p_never_se[p]);
            printf("\n");
        }
    }
    for (int y = 0; y + 1 < Y; y++) {
        printf("\ntier transitions %d -> %d: P(tier in %d | tier in %d) (se), n parks x replicates\n", rf->years[y],
               rf->years[y + 1], rf->years[y + 1], rf->years[y]);
        printf("from \\ to");
        for (int j = 0; j < T; j++) printf("  tier %-12d", j + 1);
        printf("  n\n");
        for (int i = 0; i < T; i++) {
            long ni = 0;
            printf("tier %-4d", i + 1);
            for (int j = 0; j < T; j++) {
                size_t k = ((size_t)y * T + i) * T + j;
                ni += s->tr_n[k];
                if (isnan(s->tr_p[k])) printf("  %-17s", "-");
                else printf("  %6.4f (%6.4f)  ", s->tr_p[k], s->tr_se[k]);
            }
            printf("  %ld\n", ni);
        }
    }
    print_money(&s->money, rf);
    printf("\n");
}

static void json_arr(FILE *o, const double *v, int n)
{
    fputc('[', o);
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", o);
        json_num(o, v[i]);
    }
    fputc(']', o);
}

static void print_json(const Summary *s, int first)
{
    const RunFile *rf = s->rf;
    const int Y = rf->Y, P = rf->P, T = s->T;
    FILE *o = stdout;
    fputs(first ? "[\n" : ",\n", o);
    fputs("{\"file\": ", o), json_str(o, rf->path);
    fputs(", \"scenario\": ", o), json_str(o, rf->name);
    fprintf(o, ", \"replicates\": %d, \"seed\": %llu, \"tiers\": %d, \"years\": [", rf->R,
            (unsigned long long)rf->seed, T);
    for (int y = 0; y < Y; y++) fprintf(o, "%s%d", y ? ", " : "", rf->years[y]);
    fputs("],\n \"parks\": [", o);
    for (int p = 0; p < P; p++) fputs(p ? ", " : "", o), json_str(o, rf->park_code[p]);
    fprintf(o, "],\n \"targets_source\": \"%s\",\n \"top_tier_count\": [", target_source_name(s->tg.src));
    for (int y = 0; y < Y; y++) {
        const CountStats *c = &s->cs[y];
        fprintf(o, "%s\n  {\"year\": %d, \"mean\": ", y ? "," : "", rf->years[y]);
        json_num(o, c->mean), fputs(", \"mean_se\": ", o), json_num(o, c->mean_se);
        fputs(", \"sd\": ", o), json_num(o, c->sd);
        for (int k = 0; k < 3; k++) {
            fprintf(o, ", \"%s\": ", qname[k]), json_num(o, c->q[k]);
            fprintf(o, ", \"%s_se\": ", qname[k]), json_num(o, c->q_se[k]);
            fprintf(o, ", \"%s_ci95\": [", qname[k]), json_num(o, c->q_lo[k]), fputs(", ", o);
            json_num(o, c->q_hi[k]), fputc(']', o);
        }
        fputc('}', o);
    }
    fputs("],\n \"targets\": [", o);
    for (int t = 0; t < s->tg.n; t++) {
        const TargetStats *q = &s->ts[t];
        fprintf(o, "%s\n  {\"year\": %d, \"count\": %d, \"hits\": %ld, \"p\": ", t ? "," : "", q->year, q->count,
                q->hits);
        json_num(o, q->p), fputs(", \"se\": ", o), json_num(o, q->se);
        fputs(", \"wilson95\": [", o), json_num(o, q->lo), fputs(", ", o), json_num(o, q->hi), fputs("]}", o);
    }
    fputs("],\n \"park\": [", o);
    for (int p = 0; p < P; p++) {
        size_t i = (size_t)p * Y;
        fprintf(o, "%s\n  {\"code\": ", p ? "," : ""), json_str(o, rf->park_code[p]);
        fputs(", \"p_top\": ", o), json_arr(o, s->p_top + i, Y);
        fputs(", \"p_top_se\": ", o), json_arr(o, s->p_top_se + i, Y);
        fputs(", \"p_reached_by\": ", o), json_arr(o, s->p_by + i, Y);
        fputs(", \"p_reached_by_se\": ", o), json_arr(o, s->p_by_se + i, Y);
        fputs(", \"p_first\": ", o), json_arr(o, s->p_first + i, Y);
        fputs(", \"p_first_se\": ", o), json_arr(o, s->p_first_se + i, Y);
        fputs(", \"p_never\": ", o), json_num(o, s->p_never[p]);
        fputs(", \"p_never_se\": ", o), json_num(o, s->p_never_se[p]), fputc('}', o);
    }
    fputs("],\n \"transitions\": [", o);
    for (int y = 0; y + 1 < Y; y++) {
        fprintf(o, "%s\n  {\"from_year\": %d, \"to_year\": %d, \"counts\": [", y ? "," : "", rf->years[y],
                rf->years[y + 1]);
        for (int i = 0; i < T; i++) {
            fputs(i ? ", [" : "[", o);
            for (int j = 0; j < T; j++) fprintf(o, "%s%ld", j ? ", " : "", s->tr_n[((size_t)y * T + i) * T + j]);
            fputc(']', o);
        }
        fputs("], \"prob\": [", o);
        for (int i = 0; i < T; i++) fputs(i ? ", " : "", o), json_arr(o, s->tr_p + ((size_t)y * T + i) * T, T);
        fputs("], \"prob_se\": [", o);
        for (int i = 0; i < T; i++) fputs(i ? ", " : "", o), json_arr(o, s->tr_se + ((size_t)y * T + i) * T, T);
        fputs("]}", o);
    }
    fputs("]", o);
    const Spending *m = &s->money;
    fputs(",\n \"lever_money\": [", o);
    for (int l = 0; l < m->L; l++) {
        fputs(l ? ",\n  {\"lever\": " : "\n  {\"lever\": ", o), json_str(o, m->lever_name[l]);
        fputs(", \"spent\": ", o), json_arr(o, m->spent + (size_t)l * m->Y, m->Y);
        fputs(", \"spent_se\": ", o), json_arr(o, m->spent_se + (size_t)l * m->Y, m->Y);
        fputs(", \"held\": ", o), json_arr(o, m->held + (size_t)l * m->Y, m->Y), fputc('}', o);
    }
    fputs("]", o);
    if (rf->D > 0) uncertainty_json_summary(o, rf, &s->tg);
    fputs("}", o);
}

/* One CSV row of the long format (see print_csv); ints < 0 and NaN doubles print empty. */
static void csv_row(const Summary *s, const char *section, const char *stat, int year, int to_year, const char *park,
                    int from_tier, int to_tier, int threshold, double v, double se, double lo, double hi)
{
    FILE *o = stdout;
    csv_str(o, s->rf->name), fputc(',', o), csv_str(o, s->rf->path);
    fprintf(o, ",%s,%s,", section, stat);
    if (year >= 0) fprintf(o, "%d", year);
    fputc(',', o);
    if (to_year >= 0) fprintf(o, "%d", to_year);
    fputc(',', o);
    if (park) csv_str(o, park);
    fputc(',', o);
    if (from_tier >= 0) fprintf(o, "%d", from_tier);
    fputc(',', o);
    if (to_tier >= 0) fprintf(o, "%d", to_tier);
    fputc(',', o);
    if (threshold >= 0) fprintf(o, "%d", threshold);
    double f[4] = {v, se, lo, hi};
    for (int k = 0; k < 4; k++) {
        fputc(',', o);
        if (!isnan(f[k])) fprintf(o, "%.17g", f[k]);
    }
    fputc('\n', o);
}

/* Long ("tidy") format: one estimate per row, for pandas/R. */
static void print_csv(const Summary *s, int first)
{
    const RunFile *rf = s->rf;
    const int Y = rf->Y, P = rf->P, T = s->T;
    if (first) puts("scenario,file,section,statistic,year,to_year,park,from_tier,to_tier,threshold,value,se,lo,hi");
    for (int y = 0; y < Y; y++) {
        const CountStats *c = &s->cs[y];
        csv_row(s, "count", "mean", rf->years[y], -1, NULL, -1, -1, -1, c->mean, c->mean_se, NAN, NAN);
        csv_row(s, "count", "sd", rf->years[y], -1, NULL, -1, -1, -1, c->sd, NAN, NAN, NAN);
        for (int k = 0; k < 3; k++)
            csv_row(s, "count", qname[k], rf->years[y], -1, NULL, -1, -1, -1, c->q[k], c->q_se[k], c->q_lo[k],
                    c->q_hi[k]);
    }
    for (int t = 0; t < s->tg.n; t++) {
        const TargetStats *q = &s->ts[t];
        csv_row(s, "target", "p_ge", q->year, -1, NULL, -1, -1, q->count, q->p, q->se, q->lo, q->hi);
    }
    for (int p = 0; p < P; p++) {
        for (int y = 0; y < Y; y++) {
            size_t i = (size_t)p * Y + y;
            csv_row(s, "park", "p_top", rf->years[y], -1, rf->park_code[p], -1, -1, -1, s->p_top[i], s->p_top_se[i],
                    NAN, NAN);
            csv_row(s, "park", "p_reached_by", rf->years[y], -1, rf->park_code[p], -1, -1, -1, s->p_by[i],
                    s->p_by_se[i], NAN, NAN);
            csv_row(s, "park", "p_first", rf->years[y], -1, rf->park_code[p], -1, -1, -1, s->p_first[i],
                    s->p_first_se[i], NAN, NAN);
        }
        csv_row(s, "park", "p_never", -1, -1, rf->park_code[p], -1, -1, -1, s->p_never[p], s->p_never_se[p], NAN,
                NAN);
    }
    for (int y = 0; y + 1 < Y; y++)
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++) {
                size_t k = ((size_t)y * T + i) * T + j;
                csv_row(s, "transition", "prob", rf->years[y], rf->years[y + 1], NULL, i + 1, j + 1, -1, s->tr_p[k],
                        s->tr_se[k], NAN, NAN);
                csv_row(s, "transition", "count", rf->years[y], rf->years[y + 1], NULL, i + 1, j + 1, -1,
                        (double)s->tr_n[k], NAN, NAN, NAN);
            }
    const Spending *m = &s->money;
    for (int l = 0; l < m->L; l++)
        for (int y = 0; y < m->Y; y++) {
            char stat[48];
            snprintf(stat, sizeof stat, "spent:%s", m->lever_name[l]);
            csv_row(s, "money", stat, rf->years[y], -1, NULL, -1, -1, -1, m->spent[l * m->Y + y],
                    m->spent_se[l * m->Y + y], NAN, NAN);
            snprintf(stat, sizeof stat, "held:%s", m->lever_name[l]);
            csv_row(s, "money", stat, rf->years[y], -1, NULL, -1, -1, -1, m->held[l * m->Y + y], NAN, NAN, NAN);
        }
}

static const char *const summary_usage =
    "usage: parkstat summary FILE.h5... [--point Q]... [--target YEAR:COUNT]... [--json | --csv]\n"
    "\n"
    "Per file: the top-tier (一级) count by year (mean, sd, 5%/50%/95% quantiles,\n"
    "each with its Monte-Carlo standard error and 95% interval), P(count >= target)\n"
    "with se and 95% Wilson interval, per-park probabilities of the top tier in and\n"
    "by each year, time to first reach it, the tier transition matrices, and per\n"
    "lever and year the money the parks held and spent.\n"
    "A sweep file (parksim sweep, full or summary store) is read one point at a time:\n"
    "--point Q (repeatable, or Q1,Q2) reads point Q of every sweep file as a run.\n"
    "Targets: --target, else the file's `targets` attribute, else 2027:6 2028:10.\n"
    "Exit codes: 0 ok, 1 I/O or memory failure, 2 bad input (usage, unfinished file,\n"
    "bad target).\n";

SimStatus cmd_summary(int argc, char **argv)
{
    OutFormat fmt = FMT_TABLE;
    Targets cmd = {.n = 0};
    int nf = 0, help;
    const char **files;
    Points pts = {0};
    SimStatus rc = file_args(argc, argv, "summary", summary_usage, &fmt, &cmd, &pts, &files, &nf, &help);
    if (rc || help) { free(files); return rc; }
    if (nf == 0) { fputs(summary_usage, stderr); free(files); return SIM_EINVAL; }
    /* Compute everything before printing anything, so bad input never leaves half a document. */
    RunFile **rf = NULL;
    int n = 0;
    rc = runfiles_read(files, nf, &pts, 1, &rf, &n);
    nf = n;
    Summary *s = calloc((size_t)nf + 1, sizeof *s);
    if (!s) rc = rc ? rc : sim_fail(SIM_ENOMEM, "out of memory");
    for (int i = 0; i < nf && !rc; i++) rc = summary_compute(rf[i], &cmd, &s[i]);
    for (int i = 0; i < nf && !rc; i++) {
        if (fmt == FMT_JSON) print_json(&s[i], i == 0);
        else if (fmt == FMT_CSV) print_csv(&s[i], i == 0);
        else print_table(&s[i]);
        if (!rc && fmt == FMT_TABLE && rf[i]->D > 0) rc = uncertainty_print_summary(rf[i], &s[i].tg);
    }
    if (!rc && fmt == FMT_JSON) puts("\n]");
    for (int i = 0; i < nf; i++) {
        if (s) summary_free(&s[i]);
        if (rf) runfile_free(rf[i]);
    }
    free(files), free(rf), free(s);
    if (!rc && fflush(stdout) != 0) rc = sim_fail(SIM_EIO, "writing the output failed");
    return rc;
}

static const char *const headline_usage =
    "usage: parkstat headline FILE.h5... [--point Q]... [--target YEAR:COUNT]...\n"
    "\n"
    "Per scenario file: first-tier (一级) park count by target year, mean and\n"
    "90% interval over replicates, and P(count >= target). Default targets:\n"
    "2027:6 and 2028:10 (the Jiangxi plan). --point Q reads point Q of a sweep file.\n"
    "Exit codes: 0 ok, 1 I/O or memory failure, 2 bad input (usage, unfinished file,\n"
    "bad target).\n";

SimStatus cmd_headline(int argc, char **argv)
{
    Targets cmd = {.n = 0};
    Points pts = {0};
    OutFormat fmt = FMT_TABLE;
    int nf = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) return sim_fail(SIM_ENOMEM, "out of memory");
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) { fputs(headline_usage, stdout); free(files); return SIM_OK; }
        int c = common_option(argc, argv, &i, &fmt, &cmd);
        if (c == 0 && (c = point_option(argc, argv, &i, &pts)) == 1) continue;
        if (c < 0) { free(files); return SIM_EINVAL; }
        if (c == 1 && fmt == FMT_TABLE) continue;
        if (c == 1 || argv[i][0] == '-') {
            free(files);
            return sim_fail(SIM_EINVAL, "headline: unknown option '%s' (summary has --json and --csv)", argv[i]);
        }
        files[nf++] = argv[i];
    }
    if (nf == 0) { fputs(headline_usage, stderr); free(files); return SIM_EINVAL; }
    /* Read and check every file first, so bad input never leaves half a table. The header
     * needs one target list for every file: the command line's or the first file's. */
    SimStatus rc = SIM_OK;
    Targets tg;
    RunFile **rf = NULL;
    int n = 0;
    rc = runfiles_read(files, nf, &pts, 0, &rf, &n);
    nf = n;
    if (rc == 0) rc = targets_for(rf[0], &cmd, &tg);
    for (int i = 0; i < nf && rc == 0; i++)
        for (int t = 0; t < tg.n && rc == 0; t++)
            if (runfile_year_index(rf[i], tg.t[t].year) < 0)
                rc = sim_fail(SIM_EINVAL, "%s: year %d is not in the file (years %d-%d)", rf[i]->path, tg.t[t].year,
                              rf[i]->years[0], rf[i]->years[rf[i]->Y - 1]);
    if (rc == 0) {
        printf("%-16s", "scenario");
        for (int t = 0; t < tg.n; t++) printf("  %d top-tier parks ", tg.t[t].year);
        for (int t = 0; t < tg.n; t++) printf("  P(>=%d in %d)", tg.t[t].count, tg.t[t].year);
        printf("  replicates\n");
    }
    for (int i = 0; i < nf && rc == 0; i++) {
        const RunFile *f = rf[i];
        double *x = malloc((size_t)f->R * sizeof *x);
        if (!x) { rc = sim_fail(SIM_ENOMEM, "out of memory"); break; }
        printf("%-16s", f->name);
        double prob[MAX_TARGETS];
        for (int t = 0; t < tg.n; t++) {
            int y = runfile_year_index(f, tg.t[t].year), hit = 0;
            for (int r = 0; r < f->R; r++) {
                x[r] = f->top[(size_t)r * f->Y + y];
                hit += f->top[(size_t)r * f->Y + y] >= tg.t[t].count;
            }
            CountStats cs;
            count_stats(x, f->R, &cs);
            prob[t] = (double)hit / f->R;
            char cell[64];
            snprintf(cell, sizeof cell, "%.1f  [%g, %g]", cs.mean, cs.q[0], cs.q[2]);
            printf("  %-21s", cell);
        }
        for (int t = 0; t < tg.n; t++)
            printf("  %*.3f", (int)(strlen("P(>= in )") + 4 + (tg.t[t].count >= 10)), prob[t]);
        printf("  %d\n", f->R);
        free(x);
    }
    for (int i = 0; i < nf && rf; i++) runfile_free(rf[i]);
    free(rf);
    free(files);
    if (!rc && fflush(stdout) != 0) rc = sim_fail(SIM_EIO, "writing the output failed");
    return rc;
}
