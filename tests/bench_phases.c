/** \file bench_phases.c
 * Where a replicate's time goes, in the model's own unit: nanoseconds per
 * firm-step (the firms active at each month's record, summed, as parksim
 * counts enterprise-steps), split into
 *   start      building the population, the year before the run's
 *              incidents, the first classification and assessment
 *              (replicate_init);
 *   months     every month, at the time of an ordinary one (a month that
 *              neither starts nor ends a year);
 *   year_start the months that start a year, less an ordinary month's time
 *              (lever budgets, the year's growth variances);
 *   year_end   the months that end a year, less an ordinary month's time
 *              (assessment, books, compaction, classification).
 * With --levers, the scenario is also run with each lever that is on
 * switched off (levers.<key>.intensity=0), in interleaved rounds, and each
 * lever's cost is the median of the differences: what the lever's hooks
 * and their consequences cost, per firm-step.
 * Built again as bench_passes, with timers around the passes of every
 * park-month (replicate.c under PARKSIM_PASS_PROFILE), it also splits the
 * months by pass: the active list, the blocks, the normals, the growth, the
 * firm steps, each lever's park_end hook, the record.
 * Built with the flags of bin/parksim (link-time optimisation included) and
 * run on one core, so that the parts add up to the rate `make bench`
 * measures; a sampling profiler on a virtual machine attributes time less
 * reliably than this split (docs/PERFORMANCE.md, "Where the time goes").
 *
 * Usage: bench_phases [--levers] SCENARIO [REPLICATES [KEY=VALUE ...]]
 * (default 8 replicates; exit 1 if the scenario does not load or a
 * replicate fails, 2 on a usage error).
 */
#include "../policies/levers.h"
#include "../schedule/replicate.h"
#include "../schedule/results.h"
#include "../sim/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROUNDS = 3, MAX_SETS = 64 };

#ifdef PARKSIM_PASS_PROFILE
#define PROGRAM "bench_passes"
#else
#define PROGRAM "bench_phases"
#endif

typedef struct { double all, start, months, year_start, year_end; } Phases;

static double now(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) {
        perror(PROGRAM ": clock_gettime");
        exit(1);
    }
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The phases of reps replicates of sc, in ns per firm-step; 0 or -1 with
 * the reason on stderr. */
static int measure(const Scenario *sc, int reps, Phases *ph, double *steps_per_rep)
{
    ReplicateOut out;
    if (replicate_out_alloc(&out, &sc->p, sc->n_parks, 1) != SIM_OK) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        return -1;
    }
    int T = params_months(&sc->p);
    double t_start = 0, t_month = 0, t_ys = 0, t_ye = 0, steps = 0;
    int n_month = 0, n_ys = 0, n_ye = 0;
    for (int r = 0; r < reps; r++) {
        Replicate R;
        double t0 = now();
        SimStatus st = replicate_init(&R, &sc->p, sc->parks, sc->n_parks, (uint32_t)r, &out);
        t_start += now() - t0;
        while (st == SIM_OK && !replicate_done(&R)) {
            int m = R.month;
            double a = now();
            st = replicate_step(&R, &out);
            double d = now() - a;
            if (m % 12 == 11) t_ye += d, n_ye++;
            else if (m % 12 == 0) t_ys += d, n_ys++;
            else t_month += d, n_month++;
        }
        if (st != SIM_OK) {
            fprintf(stderr, PROGRAM ": replicate %d failed: %s\n", r, R.err.msg);
            replicate_free(&R);
            replicate_out_free(&out);
            return -1;
        }
        replicate_free(&R);
        for (int i = 0; i < T * sc->n_parks; i++) steps += out.m_firms[i];
    }
    replicate_out_free(&out);
    /* A year-start or year-end month is also an ordinary month: its excess
     * over the mean ordinary month is the year's work. (A run has at least
     * one year, so ten ordinary months.) */
    double per_month = t_month / n_month, k = 1e9 / steps;
    ph->start = t_start * k;
    ph->months = (t_month + (n_ys + n_ye) * per_month) * k;
    ph->year_start = (t_ys - n_ys * per_month) * k;
    ph->year_end = (t_ye - n_ye * per_month) * k;
    ph->all = (t_start + t_month + t_ys + t_ye) * k;
    *steps_per_rep = steps / reps;
    return 0;
}

/* The months' time split by pass (replicate_pass_ticks), in the same unit
 * as the months: each pass's share of the timed passes times the months'
 * ns per firm-step. The timers are part of what they time: on the
 * development machine they add about 2 ns per firm-step to the months,
 * spread over the passes in proportion to the reads (two per pass). */
static void print_passes(double months, const double *pass, const double *hook)
{
    static const char *label[PASS_COUNT] = {
#define PASS_LABEL_(NAME, text) text,
        REPLICATE_PASSES(PASS_LABEL_) REPLICATE_YEAR_PARTS(PASS_LABEL_)
#undef PASS_LABEL_
    };
    double total = 0;
    for (int i = 0; i < PASS_MONTH_COUNT; i++) total += pass[i];
    if (!(total > 0)) return;
    printf("  the months by pass, ns per firm-step (shares of the timed passes):\n");
    for (int i = 0; i < PASS_MONTH_COUNT; i++) {
        printf("    %-52s %5.1f  %4.1f%%\n", label[i], months * pass[i] / total, 100 * pass[i] / total);
        if (i == PASS_PARK_END)
            for (int id = 0; id < LEVER_COUNT; id++)
                if (hook[id] > 0)
                    printf("      %-50s %5.1f  %4.1f%%\n", lever_name(id), months * hook[id] / total, 100 * hook[id] / total);
    }
    printf("  the years' work by part, ns per firm-step (at the months' ns per tick):\n");
    for (int i = PASS_MONTH_COUNT; i < PASS_COUNT; i++) printf("    %-52s %5.2f\n", label[i], months * pass[i] / total);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median3(double *v)
{
    qsort(v, ROUNDS, sizeof *v, cmp_double);
    return v[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    int levers = argc > 1 && !strcmp(argv[1], "--levers"), a = 1 + levers;
    if (argc <= a || argv[a][0] == '-') {
        fprintf(stderr, "usage: " PROGRAM " [--levers] SCENARIO [REPLICATES [KEY=VALUE ...]]\n");
        return 2;
    }
    const char *path = argv[a];
    int reps = argc > a + 1 ? atoi(argv[a + 1]) : 8;
    if (reps < 1) {
        fprintf(stderr, PROGRAM ": REPLICATES must be a positive integer, not '%s'\n", argv[a + 1]);
        return 2;
    }
    int n_user = argc > a + 2 ? argc - (a + 2) : 0;
    if (n_user + 1 > MAX_SETS) {
        fprintf(stderr, PROGRAM ": at most %d KEY=VALUE settings\n", MAX_SETS - 1);
        return 2;
    }
    char *sets[MAX_SETS];
    for (int i = 0; i < n_user; i++) sets[i] = argv[a + 2 + i];

    /* config 0: the scenario as given; then one per lever that is on, off */
    Scenario sc[1 + LEVER_COUNT];
    int lever_of[1 + LEVER_COUNT], n_sc = 0, status = 0;
    char off[LEVER_COUNT][96];
    if (config_load(&sc[0], path, sets, n_user) != SIM_OK) {
        config_free(&sc[0]);
        return 1;
    }
    lever_of[n_sc++] = -1;
    for (int id = 0; levers && id < LEVER_COUNT; id++) {
        if (!(lever_params(&sc[0].p, (LeverId)id)->intensity > 0)) continue;
        snprintf(off[id], sizeof off[id], "levers.%s.intensity=0", lever_name(id));
        sets[n_user] = off[id];
        if (config_load(&sc[n_sc], path, sets, n_user + 1) != SIM_OK) {
            config_free(&sc[n_sc]);
            status = 1;
            break;
        }
        lever_of[n_sc++] = id;
    }

    Phases ph[ROUNDS][1 + LEVER_COUNT];
    double steps = 0, s = 0, pass[PASS_COUNT] = {0}, hook[LEVER_COUNT] = {0}, t_pass[PASS_COUNT], t_hook[LEVER_COUNT];
    int rounds = levers ? ROUNDS : 1, timed = 0;
    for (int r = 0; r < rounds && !status; r++)
        for (int c = 0; c < n_sc && !status; c++) {
            replicate_pass_ticks(t_pass, t_hook); /* the passes of the scenario as given only */
            if (measure(&sc[c], reps, &ph[r][c], &s) != 0) status = 1;
            if (c == 0) {
                steps = s;
                timed = replicate_pass_ticks(t_pass, t_hook);
                for (int i = 0; i < PASS_COUNT; i++) pass[i] += t_pass[i];
                for (int i = 0; i < LEVER_COUNT; i++) hook[i] += t_hook[i];
            }
        }
    if (!status) {
        printf("%s: %s, %d replicates, %.0f firm-steps each\n", PROGRAM, path, reps, steps);
        Phases *p0 = &ph[0][0];
        if (levers) { /* the median round of the scenario as given */
            double all[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) all[r] = ph[r][0].all;
            double mid = median3(all);
            for (int r = 0; r < ROUNDS; r++)
                if (ph[r][0].all == mid) p0 = &ph[r][0];
        }
        printf("  %-11s %6.1f ns per firm-step\n", "all", p0->all);
        printf("  %-11s %6.1f\n", "start", p0->start);
        printf("  %-11s %6.1f   (all months as ordinary ones)\n", "months", p0->months);
        printf("  %-11s %6.1f\n", "year_start", p0->year_start);
        printf("  %-11s %6.1f\n", "year_end", p0->year_end);
        if (timed) print_passes(p0->months, pass, hook);
        if (levers) printf("  each lever's cost (on minus off, median of %d interleaved rounds), ns per firm-step:\n", ROUNDS);
        for (int c = 1; c < n_sc; c++) {
            double d_all[ROUNDS], d_months[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                d_all[r] = ph[r][0].all - ph[r][c].all;
                d_months[r] = ph[r][0].months - ph[r][c].months;
            }
            printf("  lever %-15s %6.1f   (months %.1f)\n", lever_name(lever_of[c]), median3(d_all), median3(d_months));
        }
    }
    for (int c = 0; c < n_sc; c++) config_free(&sc[c]);
    return status;
}
