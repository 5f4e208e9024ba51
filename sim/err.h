/** \file err.h
 * Status codes and error reporting shared by every layer.
 *
 * Recoverable errors return a SimStatus and have already printed one message
 * through sim_error(); broken invariants use SIM_ASSERT. Only sim/ turns a
 * status into a process exit code (see sim_exit_code()).
 */
#ifndef PARKSIM_ERR_H
#define PARKSIM_ERR_H

typedef enum {
    SIM_OK = 0,
    SIM_EINVAL,   /**< bad argument or usage */
    SIM_ECONFIG,  /**< bad scenario or park data */
    SIM_EEXIST,   /**< output exists and --force was not given */
    SIM_ENOMEM,   /**< allocation failed */
    SIM_EIO,      /**< file, HDF5 or MPI I/O failed */
    SIM_EMODEL    /**< a model invariant failed (conservation check) */
} SimStatus;

/** Process exit codes (documented in README and `parksim --help`). */
enum {
    EXIT_OK = 0,        /**< success */
    EXIT_RUNTIME = 1,   /**< runtime failure: I/O, HDF5, MPI, memory, invariant */
    EXIT_BADINPUT = 2   /**< bad usage, scenario, park data, or output exists */
};

int sim_exit_code(SimStatus st);

/** Print "parksim: error: <message>" on stderr. */
void sim_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "parksim: warning: <message>" on stderr. */
void sim_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Suppress (1) or restore (0) sim_error/sim_warn output on this process. */
void sim_error_silence(int on);

_Noreturn void sim_assert_fail(const char *cond, const char *file, int line);
#define SIM_ASSERT(c) ((c) ? (void)0 : sim_assert_fail(#c, __FILE__, __LINE__))

#endif
