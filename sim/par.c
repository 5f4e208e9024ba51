/** \file par.c
 * MPI wrappers. MPI's default error handler on MPI_COMM_WORLD aborts the job
 * on any error, so the checks below are for the cases where it was changed
 * and to keep the promise that no MPI return goes unchecked.
 */
#include "par.h"
#include "../base/err.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void check(int rc, const char *what)
{
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len = 0;
        if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "code %d", rc);
        sim_error("MPI %s failed: %s", what, msg);
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
        abort();
    }
}

void par_init(int *argc, char ***argv) { check(MPI_Init(argc, argv), "MPI_Init"); }
void par_finalize(void) { check(MPI_Finalize(), "MPI_Finalize"); }

int par_rank(void)
{
    int r;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
    return r;
}

int par_size(void)
{
    int s;
    check(MPI_Comm_size(MPI_COMM_WORLD, &s), "MPI_Comm_size");
    return s;
}

void par_abort(int code)
{
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code); /* not reached */
}

void par_bcast_bytes(void *buf, size_t n)
{
    /* MPI counts are int: send in pieces of at most 1 GiB. */
    char *p = buf;
    while (n > 0) {
        int k = n > (1u << 30) ? (1 << 30) : (int)n;
        check(MPI_Bcast(p, k, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
        p += k;
        n -= (size_t)k;
    }
}

void par_bcast_alloc(void **buf, size_t *n)
{
    unsigned long long len = *n;
    check(MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    if (!par_is_root()) {
        *n = (size_t)len;
        *buf = len ? malloc(len) : NULL;
        if (len && !*buf) {
            sim_error("rank %d: out of memory receiving %llu bytes", par_rank(), len);
            par_abort(EXIT_RUNTIME);
        }
    }
    if (len) par_bcast_bytes(*buf, (size_t)len);
}

int par_all_ok(int ok)
{
    int in = ok ? 1 : 0, out;
    check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

int par_max_int(int v)
{
    int out;
    check(MPI_Allreduce(&v, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

double par_max_double(double v)
{
    double out;
    check(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

double par_sum_double(double v)
{
    double out;
    check(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

uint64_t par_sum_u64(uint64_t v)
{
    uint64_t out;
    check(MPI_Allreduce(&v, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

double par_wtime(void) { return MPI_Wtime(); }

MPI_Comm par_comm(void) { return MPI_COMM_WORLD; }
MPI_Info par_io_info(void) { return MPI_INFO_NULL; }

void par_sum_u64_array(uint64_t *v, size_t n)
{
    while (n > 0) {
        int k = n > (1u << 26) ? (1 << 26) : (int)n;
        check(MPI_Allreduce(MPI_IN_PLACE, v, k, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
        v += k;
        n -= (size_t)k;
    }
}

/* ------------------------------------------------------------ scheduler
 * Protocol, per round: a worker (rank > 0) sends REQ {round, free} where
 * free > 0 is how many more tasks it can hold, or free = 0 to say it is full
 * and leaves the round. Rank 0 answers a request with GRANT {start, count},
 * count >= 1, or count = 0 when the range is used up (the worker then leaves
 * the round). Rank 0 leaves the round when its own share is done and every
 * worker has left, so no message of a round is in flight when the round's
 * collective write begins. */
enum { TAG_REQ = 7301, TAG_GRANT = 7302 };

struct Sched {
    int rank, size, cap;
    long round, lo, hi, next; /* rank 0: next unassigned index */
    int taken;                /* tasks this rank got this round */
    long q_start, q_count;    /* worker: granted, not yet taken */
    int outstanding, over;    /* worker: a request is in flight; the round is over for it */
    int left;                 /* rank 0: workers that left the round */
};

Sched *sched_new(int cap)
{
    Sched *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->rank = par_rank();
    s->size = par_size();
    s->cap = cap < 1 ? 1 : cap;
    s->round = -1;
    return s;
}

void sched_free(Sched *s) { free(s); }

void sched_round(Sched *s, long lo, long hi)
{
    s->round++;
    s->lo = s->next = lo;
    s->hi = hi;
    s->taken = 0;
    s->q_start = s->q_count = 0;
    s->outstanding = s->over = 0;
    s->left = 0;
}

/* Rank 0: answer one request that has arrived (blocking if `wait`).
 * Returns 1 if one was answered. */
static int serve_one(Sched *s, int wait)
{
    int flag = 1;
    MPI_Status stt;
    if (!wait) check(MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQ, MPI_COMM_WORLD, &flag, &stt), "MPI_Iprobe");
    if (!flag) return 0;
    long req[2];
    check(MPI_Recv(req, 2, MPI_LONG, MPI_ANY_SOURCE, TAG_REQ, MPI_COMM_WORLD, &stt), "MPI_Recv");
    if (req[0] != s->round) {
        sim_error("scheduler: rank %d asked in round %ld during round %ld", stt.MPI_SOURCE, req[0], s->round);
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    }
    if (req[1] <= 0) { /* full: it leaves the round */
        s->left++;
        return 1;
    }
    long remain = s->hi - s->next;
    long g = remain / (2L * s->size);
    if (g < 1) g = 1;
    if (g > req[1]) g = req[1];
    if (g > remain) g = remain;
    long grant[2] = {s->next, g};
    s->next += g;
    if (g == 0) s->left++;
    check(MPI_Send(grant, 2, MPI_LONG, stt.MPI_SOURCE, TAG_GRANT, MPI_COMM_WORLD), "MPI_Send");
    return 1;
}

static void worker_request(Sched *s)
{
    long req[2] = {s->round, s->cap - s->taken - s->q_count};
    check(MPI_Send(req, 2, MPI_LONG, 0, TAG_REQ, MPI_COMM_WORLD), "MPI_Send");
    s->outstanding = req[1] > 0;
    if (req[1] <= 0) s->over = 1;
}

static void worker_receive(Sched *s)
{
    long grant[2];
    check(MPI_Recv(grant, 2, MPI_LONG, 0, TAG_GRANT, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    s->outstanding = 0;
    if (grant[1] == 0) s->over = 1;
    else {
        s->q_start = grant[0];
        s->q_count = grant[1];
    }
}

long sched_next(Sched *s)
{
    if (s->size == 1) {
        if (s->next >= s->hi || s->taken >= s->cap) return -1;
        s->taken++;
        return s->next++;
    }
    if (s->rank == 0) {
        while (serve_one(s, 0)) {}
        if (s->next < s->hi && s->taken < s->cap) {
            s->taken++;
            return s->next++;
        }
        while (s->left < s->size - 1) serve_one(s, 1);
        return -1;
    }
    if (s->q_count == 0 && !s->over) {
        if (!s->outstanding) worker_request(s);
        if (s->outstanding) worker_receive(s);
    }
    if (s->q_count == 0) return -1;
    long t = s->q_start++;
    s->q_count--;
    s->taken++;
    /* Ask ahead, so the next grant travels while this task is computed. */
    if (s->q_count == 0 && !s->over && !s->outstanding && s->taken < s->cap) worker_request(s);
    return t;
}
