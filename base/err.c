/** \file err.c
 * Error printing. Messages go to stderr with the program's name as a fixed
 * prefix so scripts can grep them; the rank is not printed because only rank
 * 0 reports input errors.
 */
#include "err.h"

#include <gsl/gsl_errno.h>
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

static const char *g_program = "parksim";

void sim_set_program(const char *name) { g_program = name; }
const char *sim_program(void) { return g_program; }

/* Set on non-root ranks while they repeat rank 0's input checks, so each
 * input error is printed once. */
static int g_silent;

void sim_error_silence(int on) { g_silent = on; }

/* The whole line goes out in one write: ranks of one job share stderr, and
 * a line written in pieces interleaves with another rank's (a pipe keeps a
 * single write of up to PIPE_BUF bytes whole). */
static void vreport(const char *kind, const char *fmt, va_list ap)
{
    if (g_silent) return;
    char line[4096];
    int n = snprintf(line, sizeof line, "%s: %s: ", g_program, kind);
    if (n < 0) return;
    if ((size_t)n < sizeof line) {
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        if (m > 0) n += m;
    }
    if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2; /* truncated: keep the newline */
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, stderr);
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

SimStatus sim_fail(SimStatus st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return st;
}

SimStatus sim_record(ErrBuf *e, SimStatus st, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

static void gsl_to_sim(const char *reason, const char *file, int line, int gsl_errno)
{
    sim_error("GSL: %s (%s, at %s:%d)", reason, gsl_strerror(gsl_errno), file, line);
}

void sim_install_gsl_handler(void) { gsl_set_error_handler(gsl_to_sim); }

void sim_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "%s: internal error: assertion '%s' failed at %s:%d\n", g_program, cond, file, line);
    abort();
}
