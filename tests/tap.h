/** \file tap.h
 * Minimal TAP producer for the C unit tests (Debian has no C libtap).
 * ok()/is_double()/is_int() print one line each.
 *
 * Each behaviour is a named test function, run in main()
 * by run_test(), which prints "# name" before its lines; done_testing()
 * prints the plan 1..N after the last line (TAP allows a trailing plan)
 * and returns the exit status, so nobody keeps a count by hand:
 *
 *     TEST(test_wilson) { ok(...); is_double(...); }
 *     int main(void) { run_test(test_wilson); return done_testing(); }
 */
#ifndef PARKSIM_TAP_H
#define PARKSIM_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_fail;

static inline int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) tap_fail++;
    fflush(stdout);
    return cond;
}

/** Passes if |got - want| <= tol; prints both on failure. */
#define is_double(got, want, tol, ...) \
    do { double g_ = (got), w_ = (want); \
         if (!ok(fabs(g_ - w_) <= (tol), __VA_ARGS__)) \
             printf("#   got %.17g, want %.17g (tolerance %g)\n", g_, w_, (double)(tol)); } while (0)

#define is_int(got, want, ...) \
    do { long long g_ = (got), w_ = (want); \
         if (!ok(g_ == w_, __VA_ARGS__)) printf("#   got %lld, want %lld\n", g_, w_); } while (0)

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/** Defines a named test function: TEST(name) { ...assertions... } */
#define TEST(name) static void name(void)

/** Runs a test function, announcing it by name first. */
#define run_test(fn) tap_run_test_((fn), #fn)
static inline void tap_run_test_(void (*fn)(void), const char *name)
{
    printf("# %s\n", name);
    fflush(stdout);
    fn();
}

/** The trailing plan 1..N for the N lines printed; returns the exit status
 * (0 if every test passed; a file that ran no test fails). */
static inline int done_testing(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_fail > 0 || tap_n == 0;
}

#endif
