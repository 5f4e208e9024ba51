/** \file checkpoint.h
 * Checkpoints of an ensemble run, by replicate (docs/RELIABILITY.md).
 *
 * The checkpoint of OUT.h5 is the directory OUT.h5.ckpt/. Each rank appends
 * the replicates it computes to its own spool file (spool-*.tmp, not synced);
 * a commit turns every rank's spool into an immutable segment: header with
 * checksums written, fsync, rename to seg-*.pks, fsync of the directory. A
 * segment therefore either exists complete or not at all, whenever the job
 * is killed, and segments record results by replicate index, so a resume may
 * use any rank count. On resume rank 0 validates every segment (sizes,
 * checksums, scenario digest, seed, replicate count, build) before any work.
 *
 * Collective functions must be called by every rank; the others are local.
 */
#ifndef PARKSIM_CHECKPOINT_H
#define PARKSIM_CHECKPOINT_H

#include "config.h"
#include <stdint.h>

/** What a checkpoint must match to be resumed. */
typedef struct {
    uint64_t scenario_digest; /**< resolved scenario text and park file text */
    uint64_t seed;
    int R;                    /**< replicates of the run */
    uint64_t short_bytes;     /**< bytes of a short record (a task's summary, sim/sweep_store.h); 0: none */
} CkptKey;

typedef struct Ckpt Ckpt;

/** Collective. Prepare `dir` for this run. Without `resume`, an existing
 *  checkpoint is an error (SIM_EEXIST) unless `force`, which removes it. With
 *  `resume`, every segment is validated and indexed (SIM_ECONFIG with a
 *  message naming the file for a mismatching or corrupt one); a missing
 *  directory means starting from the beginning. A record holds one
 *  replicate's arrays in the order of the results schema (schedule/results.h). */
SimStatus ckpt_begin(Ckpt **c, const char *dir, const CkptKey *key, int resume, int force, const Params *p,
                     int n_parks);
/** Whether replicate `rep` is in the checkpoint (restored, not recomputed). */
int ckpt_has(const Ckpt *c, int rep);
/** Replicates found in the checkpoint at ckpt_begin. */
int ckpt_restored(const Ckpt *c);
/** Bytes of one replicate in a segment (for the disk-space estimate). */
uint64_t ckpt_rep_bytes(const Ckpt *c);
/** Local. Read replicate `rep` from its segment into the one-replicate view `v`. */
SimStatus ckpt_load(Ckpt *c, int rep, ReplicateOut *v);
/** Local. Append computed replicate `rep` (view `v`) to this rank's spool. */
SimStatus ckpt_append(Ckpt *c, int rep, const ReplicateOut *v);
/** Whether `rep` is in the checkpoint as a short record (key.short_bytes
 *  opaque bytes, a summary-mode sweep's task) rather than a full one. */
int ckpt_is_short(const Ckpt *c, int rep);
/** Local. Read the short record of `rep` into buf (key.short_bytes). */
SimStatus ckpt_load_short(Ckpt *c, int rep, void *buf);
/** Local. Append the short record of computed task `rep` to this rank's spool. */
SimStatus ckpt_append_short(Ckpt *c, int rep, const void *buf);
/** Collective. Commit every rank's spool as a segment. SIM_OK on every rank
 *  only if every rank committed. */
SimStatus ckpt_commit(Ckpt *c);
/** Collective. Close; with `remove` (the output is finished) delete the
 *  checkpoint directory. Frees c. */
SimStatus ckpt_end(Ckpt *c, int remove);

/** Test hooks (PARKSIM_TEST_HOOK, docs/RELIABILITY.md): rank 0 stops itself
 *  with SIGSTOP at a chosen point so a test can SIGKILL the whole job there. */
void ckpt_test_hook(const char *point, int n);

/** write(2) all n bytes (retrying on EINTR and short writes); 0, or -1 with errno set. */
int ckpt_write_all(int fd, const void *p, size_t n);
/** fsync(2) a directory, so that a rename in it is durable; 0, or -1 with errno set. */
int ckpt_fsync_dir(const char *dir);

#endif
