/** \file err.h
 * Status codes and error reporting shared by every layer (the common base:
 * it depends on nothing of the project).
 *
 * One status type, SimStatus, travels up every call chain. How a failure is
 * told depends on the layer:
 *  - the pure layers (agents/, policies/, the replicate schedule) never
 *    print: they return a status and put the message in an ErrBuf the caller
 *    owns (sim_record), because a replicate may fail on any rank and only the
 *    engine knows who should print;
 *  - the engine (sim/) and parkstat (analysis/) print one message and return
 *    the status in one step: `return sim_fail(SIM_EIO, "...")`.
 * Only main() turns a status into a process exit code (sim_exit_code), and
 * every exit uses the EXIT_* constants below.
 */
#ifndef PARKSIM_ERR_H
#define PARKSIM_ERR_H

#include <stddef.h>

typedef enum {
    SIM_OK = 0,
    SIM_EINVAL,   /**< bad argument or usage */
    SIM_ECONFIG,  /**< bad scenario or park data */
    SIM_EEXIST,   /**< output exists and --force was not given */
    SIM_ENOMEM,   /**< allocation failed */
    SIM_EIO,      /**< file, HDF5 or MPI I/O failed */
    SIM_EMODEL    /**< a model invariant failed (conservation check) */
} SimStatus;

/** Process exit codes (documented in README and `--help` of each program). */
enum {
    EXIT_OK = 0,        /**< success */
    EXIT_RUNTIME = 1,   /**< runtime failure: I/O, HDF5, MPI, memory, invariant */
    EXIT_BADINPUT = 2   /**< bad usage, scenario, park data, or output exists */
};

int sim_exit_code(SimStatus st);

/** The program name that prefixes every message ("parksim" until set). */
void sim_set_program(const char *name);
const char *sim_program(void);

/** Print "<program>: error: <message>" on stderr. */
void sim_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "<program>: warning: <message>" on stderr. */
void sim_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print an error like sim_error() and return `st`: one step for the
 *  report-and-return pairs of the engine and parkstat. */
SimStatus sim_fail(SimStatus st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Suppress (1) or restore (0) sim_error/sim_warn output on this process. */
void sim_error_silence(int on);

/** Message of a failure in a pure layer, for the engine to report. */
typedef struct { char msg[256]; } ErrBuf;
/** Put a message in `e` (if not NULL) without printing and return `st`. */
SimStatus sim_record(ErrBuf *e, SimStatus st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Route GSL's errors through sim_error() instead of GSL's default abort():
 *  the failing call then returns its GSL status, which the caller turns into
 *  a SimStatus. Call once at program start. */
void sim_install_gsl_handler(void);

_Noreturn void sim_assert_fail(const char *cond, const char *file, int line);
#define SIM_ASSERT(c) ((c) ? (void)0 : sim_assert_fail(#c, __FILE__, __LINE__))

#endif
