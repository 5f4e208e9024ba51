/** \file par.h
 * The only MPI the rest of parksim sees. Wrappers are named by meaning; every
 * MPI return is checked and a failure aborts the whole job (there is no
 * recovering from a broken communicator).
 */
#ifndef PARKSIM_PAR_H
#define PARKSIM_PAR_H

#include <mpi.h> /* for the two handles below, which parallel HDF5 takes */
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
/** The communicator and the MPI-IO hints of the output file, for parallel
 *  HDF5 (io_h5.c): no other unit uses MPI itself. */
MPI_Comm par_comm(void);
MPI_Info par_io_info(void);
/** Element-wise sum mod 2^64 over ranks of n values, in place (collective). */
void par_sum_u64_array(uint64_t *v, size_t n);

/* ---- Dynamic work assignment (docs/PERFORMANCE.md, "Load balance").
 * Work is a range of task indices per round; every rank asks for tasks until
 * the round's range is used up or it holds `cap` tasks, then the round ends
 * with a collective write. Rank 0 hands tasks out from a counter between its
 * own tasks (it computes too, so no core is idle as a pure coordinator), in
 * guided chunks: half the remaining range's even share, at least one. The
 * other ranks ask ahead, so a grant usually waits ready when they finish a
 * task. Which rank computes which task varies from run to run; results do
 * not, because each task is keyed by its index. */
typedef struct Sched Sched;
/** Collective. A scheduler whose ranks hold at most `cap` (>= 1) tasks per round. */
Sched *sched_new(int cap);
/** Collective: start a round over task indices [lo, hi). */
void sched_round(Sched *s, long lo, long hi);
/** The next task index for this rank in the current round, or -1 when this
 *  rank's part of the round is over (every rank then does the round's
 *  collective write). Indices come to each rank in increasing order. */
long sched_next(Sched *s);
void sched_free(Sched *s);

#endif
