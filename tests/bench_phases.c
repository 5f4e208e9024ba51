/** \file bench_phases.c
 * Where a replicate's time goes, in the model's own unit: nanoseconds per
 * firm-step (the firms active at each month's record, summed, as parksim
 * counts enterprise-steps), split into
 *   start      building the population, the year before the run's
 *              incidents, the first classification and assessment
 *              (replicate_init);
 *   months     the months that neither start nor end a year;
 *   year_start the months that start a year, less an ordinary month's time
 *              (lever budgets, the year's growth variances);
 *   year_end   the months that end a year, less an ordinary month's time
 *              (assessment, books, compaction, classification).
 * Built with the flags of bin/parksim (link-time optimisation included) and
 * run on one core, so that the parts add up to the rate `make bench`
 * measures; a sampling profiler on a virtual machine attributes time less
 * reliably than this split (docs/PERFORMANCE.md, "Where the time goes").
 *
 * Usage: bench_phases SCENARIO [REPLICATES [KEY=VALUE ...]]  (default 8)
 */
#include "../schedule/replicate.h"
#include "../schedule/results.h"
#include "../sim/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) {
        perror("bench_phases: clock_gettime");
        exit(1);
    }
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_phases SCENARIO [REPLICATES [KEY=VALUE ...]]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 8;
    if (reps < 1) {
        fprintf(stderr, "bench_phases: REPLICATES must be a positive integer, not '%s'\n", argv[2]);
        return 2;
    }
    Scenario sc;
    if (config_load(&sc, argv[1], argc > 3 ? argv + 3 : NULL, argc > 3 ? argc - 3 : 0) != SIM_OK) {
        config_free(&sc);
        return 1;
    }
    ReplicateOut out;
    if (replicate_out_alloc(&out, &sc.p, sc.n_parks, 1) != SIM_OK) {
        fprintf(stderr, "bench_phases: out of memory\n");
        return 1;
    }
    int T = params_months(&sc.p);
    double t_start = 0, t_month = 0, t_ys = 0, t_ye = 0, steps = 0;
    int n_month = 0, n_ys = 0, n_ye = 0;
    for (int r = 0; r < reps; r++) {
        Replicate R;
        double t0 = now();
        SimStatus st = replicate_init(&R, &sc.p, sc.parks, sc.n_parks, (uint32_t)r, &out);
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
            fprintf(stderr, "bench_phases: replicate %d failed: %s\n", r, R.err.msg);
            return 1;
        }
        replicate_free(&R);
        for (int i = 0; i < T * sc.n_parks; i++) steps += out.m_firms[i];
    }
    /* A year-start or year-end month is also an ordinary month: its excess
     * over the mean ordinary month is the year's work. */
    double per_month = n_month ? t_month / n_month : 0;
    double ys = t_ys - n_ys * per_month, ye = t_ye - n_ye * per_month;
    double total = t_start + t_month + t_ys + t_ye, k = 1e9 / steps;
    printf("bench_phases: %s, %d replicates, %.0f firm-steps each\n", argv[1], reps, steps / reps);
    printf("  %-11s %6.1f ns per firm-step\n", "all", total * k);
    printf("  %-11s %6.1f\n", "start", t_start * k);
    printf("  %-11s %6.1f   (all months as ordinary ones)\n", "months", (t_month + n_ys * per_month + n_ye * per_month) * k);
    printf("  %-11s %6.1f\n", "year_start", ys * k);
    printf("  %-11s %6.1f\n", "year_end", ye * k);
    replicate_out_free(&out);
    config_free(&sc);
    return 0;
}
