/** \file bench_kernel.c
 * The bare kernel `make bench` measures the full model against: the least an
 * agent-based firm simulation of the national population's size can do per
 * firm-month, written plainly, so that the model's speed is quoted as a
 * ratio to it, measured in the same sitting, and not in seconds that depend
 * on the machine and the day (docs/PERFORMANCE.md, "The model against a
 * bare kernel").
 *
 * The workload, exactly: N = 100,000 firms in P = 26 parks (park = i mod P),
 * each with revenue S, technology level u and an active flag, as a struct of
 * arrays; S0 = exp(Normal(ln 50, 1.2)), u0 = Uniform(0, 0.5). For each of
 * T = 36 months, each firm in index order: g ~ Laplace(0, b) with
 * b = 0.03 S^-0.2 and S <- S e^g; with probability 0.01, u <- u + 0.1 (1 - u);
 * if S < 5, then with probability 0.05 the firm is replaced in place by an
 * entrant with S = 20, u = 0.1. After months 12, 24 and 36, each park's score
 * sum(S u) / sum(S) and the count of parks with a score above 0.3. One GSL
 * taus2 generator per replicate (gsl_ran_laplace, gsl_rng_uniform), -O2,
 * one core.
 *
 * Usage: bench_kernel [REPLICATES]   (default 5). Prints
 *   kernel_firm_steps_per_second: RATE      N T R / the replicates' time
 * with the count of high-scoring parks and the mean score, which depend on
 * every step (so that nothing is optimised away).
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 100000, P = 26, T = 36 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One replicate; returns the parks scoring above 0.3, summed over the three
 * year ends, and adds the scores to *score_sum. */
static long replicate(gsl_rng *r, double *S, double *u, unsigned char *active, double *score_sum)
{
    for (int i = 0; i < N; i++) {
        S[i] = exp(log(50.0) + gsl_ran_gaussian(r, 1.2));
        u[i] = 0.5 * gsl_rng_uniform(r);
        active[i] = 1;
    }
    long high = 0;
    for (int m = 1; m <= T; m++) {
        for (int i = 0; i < N; i++) {
            if (!active[i]) continue;
            double b = 0.03 * pow(S[i], -0.2);
            S[i] *= exp(gsl_ran_laplace(r, b));
            if (gsl_rng_uniform(r) < 0.01) u[i] += 0.1 * (1.0 - u[i]);
            if (S[i] < 5.0 && gsl_rng_uniform(r) < 0.05) {
                S[i] = 20.0;
                u[i] = 0.1;
            }
        }
        if (m % 12 == 0) {
            double su[P] = {0}, s[P] = {0};
            for (int i = 0; i < N; i++) {
                su[i % P] += S[i] * u[i];
                s[i % P] += S[i];
            }
            for (int k = 0; k < P; k++) {
                double score = s[k] > 0 ? su[k] / s[k] : 0;
                *score_sum += score;
                high += score > 0.3;
            }
        }
    }
    return high;
}

int main(int argc, char **argv)
{
    int R = argc > 1 ? atoi(argv[1]) : 5;
    if (R < 1) {
        fprintf(stderr, "usage: bench_kernel [REPLICATES >= 1]\n");
        return 2;
    }
    double *S = malloc(N * sizeof *S), *u = malloc(N * sizeof *u);
    unsigned char *active = malloc(N);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!S || !u || !active || !r) {
        fprintf(stderr, "bench_kernel: out of memory\n");
        return 1;
    }
    long high = 0;
    double score_sum = 0, t0 = now();
    for (int rep = 0; rep < R; rep++) {
        gsl_rng_set(r, (unsigned long)rep + 1);
        high += replicate(r, S, u, active, &score_sum);
    }
    double secs = now() - t0;
    printf("kernel_firm_steps_per_second: %.4g\nkernel_seconds: %.3f\nkernel_high_scoring_parks: %ld\n"
           "kernel_mean_score: %.6f\n", (double)N * T * R / secs, secs, high, score_sum / (3.0 * P * R));
    gsl_rng_free(r);
    free(S);
    free(u);
    free(active);
    return 0;
}
