/** \file par.h
 * The only MPI the rest of parksim sees. Wrappers are named by meaning; every
 * MPI return is checked and a failure aborts the whole job (there is no
 * recovering from a broken communicator).
 */
#ifndef PARKSIM_PAR_H
#define PARKSIM_PAR_H

#include <stddef.h>
#include <stdint.h>

void par_init(int *argc, char ***argv);
void par_finalize(void);
int par_rank(void);
int par_size(void);
static inline int par_is_root(void) { return par_rank() == 0; }
/** Abort every rank with an exit code (after a message has been printed). */
_Noreturn void par_abort(int code);
/** Broadcast bytes from rank 0. */
void par_bcast_bytes(void *buf, size_t n);
/** Broadcast a malloc'd buffer from rank 0: other ranks receive a new buffer
 *  (NULL for length 0); *n is set everywhere. Aborts on allocation failure. */
void par_bcast_alloc(void **buf, size_t *n);
/** Whether every rank passed ok != 0 (collective). */
int par_all_ok(int ok);
/** Maximum over ranks (collective). */
int par_max_int(int v);
double par_max_double(double v);
double par_sum_double(double v);
/** Sum mod 2^64 over ranks (collective); order-independent. */
uint64_t par_sum_u64(uint64_t v);
double par_wtime(void);

#endif
