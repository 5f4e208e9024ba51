/** \file err.c
 * Error printing. Messages go to stderr with a fixed prefix so scripts can
 * grep them; the rank is not printed because only rank 0 reports input errors.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int sim_exit_code(SimStatus st)
{
    switch (st) {
    case SIM_OK: return EXIT_OK;
    case SIM_EINVAL: case SIM_ECONFIG: case SIM_EEXIST: return EXIT_BADINPUT;
    default: return EXIT_RUNTIME;
    }
}

/* Set on non-root ranks while they repeat rank 0's input checks, so each
 * input error is printed once. */
static int g_silent;

void sim_error_silence(int on) { g_silent = on; }

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    if (g_silent) return;
    fprintf(stderr, "parksim: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void sim_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
}

void sim_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void sim_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "parksim: internal error: assertion '%s' failed at %s:%d\n", cond, file, line);
    abort();
}
