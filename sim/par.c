/** \file par.c
 * MPI wrappers. MPI's default error handler on MPI_COMM_WORLD aborts the job
 * on any error, so the checks below are for the cases where it was changed
 * and to keep the promise that no MPI return goes unchecked.
 */
#include "par.h"
#include "err.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void check(int rc, const char *what)
{
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len = 0;
        if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "code %d", rc);
        fprintf(stderr, "parksim: error: MPI %s failed: %s\n", what, msg);
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
            fprintf(stderr, "parksim: error: rank %d: out of memory receiving %llu bytes\n", par_rank(), len);
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
