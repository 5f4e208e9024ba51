/** \file compare.c
 * `parkstat compare BASE.h5 POLICY.h5...`: the effect of each policy run
 * against the baseline, paired replicate by replicate.
 *
 * Both runs draw every random number from (seed, replicate, entity, step, call
 * site), so replicate r of the two runs shares its randomness wherever the
 * policy does not change what happens (common random numbers). The paired
 * difference d_r = policy_r - base_r then has variance var(B) + var(P) -
 * 2 cov(B, P), smaller than the unpaired var(B) + var(P) when the runs are
 * positively correlated; the table prints both standard errors so the gain is
 * visible. Pairing is valid only with the same seed, replicate count, parks and
 * years, which are checked.
 */
#include "compare.h"

#include "../base/err.h"
#include "common.h"
#include "runfile.h"
#include "stats.h"
#include "uncertainty_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void paired(const double *b, const double *p, double *d, int R, Paired *out)
{
    double sdb, sdp, sdd;
    for (int r = 0; r < R; r++) d[r] = p[r] - b[r];
    stats_mean_se(b, (size_t)R, &out->base, &sdb, NULL);
    stats_mean_se(p, (size_t)R, &out->policy, &sdp, NULL);
    stats_mean_se(d, (size_t)R, &out->effect, &sdd, &out->se);
    double t = stats_t_crit((size_t)R, 0.95);
    out->lo = out->effect - t * out->se;
    out->hi = out->effect + t * out->se;
    out->se_unpaired = sqrt((sdb * sdb + sdp * sdp) / R);
}

SimStatus compare_compute(RunFile *const *rf, int nf, const Targets *cmd, Comparison *c)
{
    memset(c, 0, sizeof *c);
    SimStatus rc = SIM_OK;
    for (int i = 1; i < nf && !rc; i++) rc = runfile_check_compatible(rf[0], rf[i], 1);
    if (!rc) rc = targets_for(rf[0], cmd, &c->tg);
    const Targets *tg = &c->tg;
    for (int t = 0; !rc && t < tg->n; t++)
        if (runfile_year_index(rf[0], tg->t[t].year) < 0)
            rc = sim_fail(SIM_EINVAL, "%s: target year %d is not in the file (years %d-%d)", rf[0]->path,
                          tg->t[t].year, rf[0]->years[0], rf[0]->years[rf[0]->Y - 1]);
    if (rc) return rc;
    const int R = rf[0]->R, Y = rf[0]->Y, NP = nf - 1, P = rf[0]->P, YL = Y - 1;
    c->NP = NP;
    c->ey = calloc((size_t)NP * (size_t)Y, sizeof *c->ey);
    c->et = calloc((size_t)NP * (size_t)(tg->n ? tg->n : 1), sizeof *c->et);
    c->ep = calloc((size_t)NP * (size_t)P, sizeof *c->ep);
    double *b = malloc((size_t)R * sizeof *b), *p = malloc((size_t)R * sizeof *p), *d = malloc((size_t)R * sizeof *d);
    if (!c->ey || !c->et || !c->ep || !b || !p || !d) rc = sim_fail(SIM_ENOMEM, "out of memory");
    for (int k = 0; !rc && k < NP; k++) {
        const RunFile *B = rf[0], *Pl = rf[k + 1];
        for (int y = 0; y < Y; y++) {
            for (int r = 0; r < R; r++) b[r] = B->top[(size_t)r * Y + y], p[r] = Pl->top[(size_t)r * Y + y];
            paired(b, p, d, R, &c->ey[(size_t)k * Y + y]);
        }
        for (int t = 0; t < tg->n; t++) {
            int y = runfile_year_index(B, tg->t[t].year);
            for (int r = 0; r < R; r++) {
                b[r] = B->top[(size_t)r * Y + y] >= tg->t[t].count;
                p[r] = Pl->top[(size_t)r * Y + y] >= tg->t[t].count;
            }
            paired(b, p, d, R, &c->et[(size_t)k * tg->n + t]);
        }
        for (int q = 0; q < P; q++) {
            for (int r = 0; r < R; r++) {
                b[r] = B->tier[((size_t)r * Y + YL) * P + q] == 1;
                p[r] = Pl->tier[((size_t)r * Y + YL) * P + q] == 1;
            }
            paired(b, p, d, R, &c->ep[(size_t)k * P + q]);
        }
    }
    free(b), free(p), free(d);
    return rc;
}

void compare_free(Comparison *c)
{
    free(c->ey), free(c->et), free(c->ep);
    c->ey = c->et = c->ep = NULL;
}

static const char *const compare_usage =
    "usage: parkstat compare BASE.h5 POLICY.h5... [--point Q]... [--target YEAR:COUNT]... [--json | --csv]\n"
    "\n"
    "Effect of each policy run against the baseline, paired by replicate (common\n"
    "random numbers): per year the change in the mean top-tier count, and per\n"
    "target the change in P(count >= target), each with its paired standard error\n"
    "and 95% interval, and per park the change in P(top tier) in the last year;\n"
    "se_unpaired shows what independent runs would have given.\n"
    "The files must share seed, replicate count, years and parks (exit 2 if not).\n"
    "A sweep file stands for its points given with --point Q (repeatable, or Q1,Q2),\n"
    "in that order: `compare SWEEP.h5 --point 0 --point 7` compares point 7 with\n"
    "point 0 (the points of a sweep share seed and replicates).\n"
    "Exit codes: 0 ok, 1 I/O or memory failure, 2 bad input (usage, unfinished or\n"
    "mismatched files, bad target).\n";

SimStatus cmd_compare(int argc, char **argv)
{
    OutFormat fmt = FMT_TABLE;
    Targets cmd = {.n = 0};
    int nf = 0, help;
    const char **files;
    Points pts = {0};
    SimStatus rc = file_args(argc, argv, "compare", compare_usage, &fmt, &cmd, &pts, &files, &nf, &help);
    if (rc || help) { free(files); return rc; }
    RunFile **rf = NULL;
    int n = 0;
    rc = runfiles_read(files, nf, &pts, 1, &rf, &n);
    if (!rc && n < 2) {
        sim_error("compare needs a baseline and at least one policy file (or two points of a sweep: --point Q)");
        fputs(compare_usage, stderr);
        rc = SIM_EINVAL;
    }
    nf = n;
    Comparison cmp;
    memset(&cmp, 0, sizeof cmp);
    if (!rc) rc = compare_compute(rf, nf, &cmd, &cmp);
    if (rc) goto out;
    const int R = rf[0]->R, Y = rf[0]->Y, NP = nf - 1, P = rf[0]->P, YL = Y - 1;
    const Targets tg = cmp.tg;
    const Paired *ey = cmp.ey, *et = cmp.et, *ep = cmp.ep;
    if (!rc && fmt == FMT_TABLE) {
        printf("baseline: %s (%s), %d paired replicates, seed %llu; targets (%s)", rf[0]->name, rf[0]->path, R,
               (unsigned long long)rf[0]->seed, target_source_name(tg.src));
        for (int t = 0; t < tg.n; t++) printf(" %d:%d", tg.t[t].year, tg.t[t].count);
        printf("\n\nchange in the mean top-tier count, policy - baseline: effect (paired se) [95%% CI] {unpaired se}\n");
        printf("%-16s", "policy");
        for (int y = 0; y < Y; y++) printf("  %-38d", rf[0]->years[y]);
        printf("\n%-16s", "baseline mean");
        for (int y = 0; y < Y; y++) printf("  %-38.3f", ey[y].base);
        printf("\n");
        for (int k = 0; k < NP; k++) {
            printf("%-16s", rf[k + 1]->name);
            for (int y = 0; y < Y; y++) {
                const Paired *e = &ey[(size_t)k * Y + y];
                char cell[96];
                snprintf(cell, sizeof cell, "%+.3f (%.3f) [%+.3f, %+.3f] {%.3f}", e->effect, e->se, e->lo, e->hi,
                         e->se_unpaired);
                printf("  %-38s", cell);
            }
            printf("\n");
        }
        printf("\nchange in P(count >= target), policy - baseline: effect (paired se) [95%% CI]; baseline P\n");
        printf("%-16s", "policy");
        for (int t = 0; t < tg.n; t++) {
            char lab[40];
            snprintf(lab, sizeof lab, ">=%d in %d", tg.t[t].count, tg.t[t].year);
            printf("  %-38s", lab);
        }
        printf("\n%-16s", "baseline P");
        for (int t = 0; t < tg.n; t++) printf("  %-38.4f", et[t].base);
        printf("\n");
        for (int k = 0; k < NP; k++) {
            printf("%-16s", rf[k + 1]->name);
            for (int t = 0; t < tg.n; t++) {
                const Paired *e = &et[(size_t)k * tg.n + t];
                char cell[96];
                snprintf(cell, sizeof cell, "%+.4f (%.4f) [%+.4f, %+.4f]", e->effect, e->se, e->lo, e->hi);
                printf("  %-38s", cell);
            }
            printf("\n");
        }
        printf("\nchange in P(park at the top tier in %d), policy - baseline: effect (paired se) [95%% CI]\n",
               rf[0]->years[YL]);
        printf("%-20s  %-10s", "park", "baseline");
        for (int k = 0; k < NP; k++) printf("  %-34s", rf[k + 1]->name);
        printf("\n");
        for (int q = 0; q < P; q++) {
            printf("%-20s  %-10.4f", rf[0]->park_code[q], ep[q].base);
            for (int k = 0; k < NP; k++) {
                const Paired *e = &ep[(size_t)k * P + q];
                char cell[96];
                snprintf(cell, sizeof cell, "%+.4f (%.4f) [%+.4f, %+.4f]", e->effect, e->se, e->lo, e->hi);
                printf("  %-34s", cell);
            }
            printf("\n");
        }
    } else if (!rc && fmt == FMT_JSON) {
        printf("{\"baseline\": "), json_str(stdout, rf[0]->path);
        printf(", \"baseline_scenario\": "), json_str(stdout, rf[0]->name);
        printf(", \"replicates\": %d, \"seed\": %llu, \"targets_source\": \"%s\",\n \"policies\": [", R,
               (unsigned long long)rf[0]->seed, target_source_name(tg.src));
        for (int k = 0; k < NP; k++) {
            printf("%s\n  {\"file\": ", k ? "," : ""), json_str(stdout, rf[k + 1]->path);
            printf(", \"scenario\": "), json_str(stdout, rf[k + 1]->name);
            printf(",\n   \"mean_count\": [");
            for (int y = 0; y < Y; y++) {
                const Paired *e = &ey[(size_t)k * Y + y];
                printf("%s\n    {\"year\": %d, \"base\": ", y ? "," : "", rf[0]->years[y]);
                json_num(stdout, e->base), printf(", \"policy\": "), json_num(stdout, e->policy);
                printf(", \"effect\": "), json_num(stdout, e->effect), printf(", \"se\": "), json_num(stdout, e->se);
                printf(", \"ci95\": ["), json_num(stdout, e->lo), printf(", "), json_num(stdout, e->hi);
                printf("], \"se_unpaired\": "), json_num(stdout, e->se_unpaired), printf("}");
            }
            printf("],\n   \"p_target\": [");
            for (int t = 0; t < tg.n; t++) {
                const Paired *e = &et[(size_t)k * tg.n + t];
                printf("%s\n    {\"year\": %d, \"count\": %d, \"base\": ", t ? "," : "", tg.t[t].year, tg.t[t].count);
                json_num(stdout, e->base), printf(", \"policy\": "), json_num(stdout, e->policy);
                printf(", \"effect\": "), json_num(stdout, e->effect), printf(", \"se\": "), json_num(stdout, e->se);
                printf(", \"ci95\": ["), json_num(stdout, e->lo), printf(", "), json_num(stdout, e->hi);
                printf("], \"se_unpaired\": "), json_num(stdout, e->se_unpaired), printf("}");
            }
            printf("],\n   \"park_top_last_year\": [");
            for (int q = 0; q < P; q++) {
                const Paired *e = &ep[(size_t)k * P + q];
                printf("%s\n    {\"park\": ", q ? "," : ""), json_str(stdout, rf[0]->park_code[q]);
                printf(", \"year\": %d, \"base\": ", rf[0]->years[YL]);
                json_num(stdout, e->base), printf(", \"policy\": "), json_num(stdout, e->policy);
                printf(", \"effect\": "), json_num(stdout, e->effect), printf(", \"se\": "), json_num(stdout, e->se);
                printf(", \"ci95\": ["), json_num(stdout, e->lo), printf(", "), json_num(stdout, e->hi);
                printf("], \"se_unpaired\": "), json_num(stdout, e->se_unpaired), printf("}");
            }
            printf("]}");
        }
        printf("]}\n");
    } else if (!rc) {
        puts("baseline,policy,policy_file,quantity,year,threshold,base,policy_value,effect,se,lo,hi,se_unpaired");
        for (int k = 0; k < NP; k++)
            for (int q = 0; q < Y + tg.n; q++) {
                int is_t = q >= Y;
                const Paired *e = is_t ? &et[(size_t)k * tg.n + (q - Y)] : &ey[(size_t)k * Y + q];
                csv_str(stdout, rf[0]->name), putchar(','), csv_str(stdout, rf[k + 1]->name), putchar(',');
                csv_str(stdout, rf[k + 1]->path);
                if (is_t) printf(",p_ge,%d,%d", tg.t[q - Y].year, tg.t[q - Y].count);
                else printf(",mean_count,%d,", rf[0]->years[q]);
                printf(",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", e->base, e->policy, e->effect, e->se, e->lo,
                       e->hi, e->se_unpaired);
            }
        for (int k = 0; k < NP; k++)
            for (int q = 0; q < P; q++) {
                const Paired *e = &ep[(size_t)k * P + q];
                csv_str(stdout, rf[0]->name), putchar(','), csv_str(stdout, rf[k + 1]->name), putchar(',');
                csv_str(stdout, rf[k + 1]->path), printf(",p_top:"), csv_str(stdout, rf[0]->park_code[q]);
                printf(",%d,,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", rf[0]->years[YL], e->base, e->policy,
                       e->effect, e->se, e->lo, e->hi, e->se_unpaired);
            }
    }
    if (!rc && fmt == FMT_TABLE && rf[0]->D > 0) rc = uncertainty_print_compare(rf, nf, &tg);
out:
    compare_free(&cmp);
    for (int i = 0; i < nf && rf; i++) runfile_free(rf[i]);
    free(rf), free(files);
    if (!rc && fflush(stdout) != 0) rc = sim_fail(SIM_EIO, "writing the output failed");
    return rc;
}
