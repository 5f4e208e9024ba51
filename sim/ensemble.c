/** \file ensemble.c
 * Work units are replicates. In round k, rank r computes the B replicates
 * starting at (k * size + r) * B, then all ranks write their blocks in one
 * collective call. A replicate's results depend only on (scenario, seed,
 * replicate), never on the rank that computes it, so every rank count gives
 * the same datasets. Memory per rank is B replicates of results plus one
 * replicate's agents, whatever the number of replicates.
 *
 * The file is written under "<out>.partial" and renamed only after the
 * finishing pass succeeded.
 */
#include "ensemble.h"
#include "io_h5.h"
#include "par.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a over bytes, seeded with the replicate index. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t replicate_digest(const OutDims *d, const ReplicateOut *o, int rep)
{
    uint64_t h = fnv(UINT64_C(0xcbf29ce484222325), &rep, sizeof rep);
    size_t YP = (size_t)d->Y * d->P;
    h = fnv(h, o->top_tier_count, (size_t)d->Y * 4);
    h = fnv(h, o->tier, YP);
    h = fnv(h, o->score, YP * 8);
    h = fnv(h, o->indicator, YP * d->M * 8);
    h = fnv(h, o->m_firms, (size_t)d->T * d->P * 4);
    h = fnv(h, o->m_revenue, (size_t)d->T * d->P * 8);
    return h;
}

/* Resident set size of this process in MB, from /proc (0 if unavailable). */
static double rss_mb(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp) return 0;
    char line[256];
    double kb = 0;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n)) kb = strtod(line + n, NULL);
    fclose(fp);
    return kb / 1024.0;
}

/* One progress report; *last is the time of the previous one (throttling). */
static void progress(const RunOptions *opt, int done, int total, double t0, double *last, int final)
{
    double now = par_wtime(), el = now - t0;
    int tty = isatty(STDERR_FILENO);
    double every = opt->progress_every >= 0 ? opt->progress_every : (tty ? 0.2 : 5.0);
    if (opt->quiet || (!final && now - *last < every)) return;
    *last = now;
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "%sparksim: %d/%d replicates (%.0f%%), %.1f rep/s, %s %.0f s%s", tty ? "\r" : "", done, total,
            100.0 * done / total, rate, final ? "elapsed" : "ETA", final ? el : eta, tty && !final ? "   " : "\n");
    fflush(stderr);
}

SimStatus ensemble_run(const Scenario *sc, const RunOptions *opt)
{
    const Params *p = &sc->p;
    int rank = par_rank(), size = par_size();
    OutDims d;
    d.R = p->run.replicates;
    d.Y = params_assess_years(p);
    d.T = params_months(p);
    d.P = sc->n_parks;
    d.G = p->assessment.n_groups;
    d.M = METRIC_COUNT;
    d.L = LEVER_COUNT;
    /* Batch: at most chunk_replicates, and no more than an even share, so that
     * small runs still use every rank. The same on every rank. */
    int share = (d.R + size - 1) / size;
    d.B = p->run.chunk_replicates < share ? p->run.chunk_replicates : share;
    d.monthly = p->output.monthly;
    d.compression = p->output.compression;

    char tmp[PS_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.partial", opt->out_path);

    /* Refuse to clobber, before any work. */
    int st_i = SIM_OK;
    if (rank == 0) {
        struct stat sb;
        if (!opt->force && stat(opt->out_path, &sb) == 0) {
            sim_error("%s exists; use --force to replace it (or choose another name with -o)", opt->out_path);
            st_i = SIM_EEXIST;
        }
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    if (st_i != SIM_OK) return (SimStatus)st_i;

    if (rank == 0 && !opt->quiet) {
        double mb = (double)replicate_out_bytes(p, d.P) * d.B / 1e6;
        fprintf(stderr, "parksim: %s: %d replicates x %d parks x %d months on %d rank%s; %d per write, %.1f MB of results per rank\n",
                p->name, d.R, d.P, d.T, size, size > 1 ? "s" : "", d.B, mb);
    }

    ReplicateOut batch;
    Output *out = NULL;
    SimStatus st = replicate_out_alloc(&batch, p, d.P, d.B);
    if (!par_all_ok(st == SIM_OK)) {
        if (st != SIM_OK) sim_error("rank %d: out of memory for %d replicates of results", rank, d.B);
        replicate_out_free(&batch);
        return SIM_ENOMEM;
    }
    st = out_create(&out, tmp, &d);
    int out_created = st == SIM_OK, io_broken = 0;
    double t0 = par_wtime(), t_last = t0, t_loop = 0, t_write = 0, firm_steps = 0;
    uint64_t digest = 0;
    char errmsg[256] = "";
    int rounds = (d.R + size * d.B - 1) / (size * d.B);
    for (int k = 0; k < rounds && par_all_ok(st == SIM_OK); k++) {
        int first = (k * size + rank) * d.B;
        int n = d.R - first;
        n = n < 0 ? 0 : (n > d.B ? d.B : n);
        double ta = par_wtime();
        for (int b = 0; b < n && st == SIM_OK; b++) {
            ReplicateOut v = replicate_out_view(&batch, p, d.P, b);
            st = model_run(p, sc->parks, d.P, (uint32_t)(first + b), &v, errmsg, sizeof errmsg);
            if (st == SIM_OK) {
                digest += replicate_digest(&d, &v, first + b);
                for (int i = 0; i < d.T * d.P; i++) firm_steps += v.m_firms[i];
            } else {
                sim_error("rank %d: %s", rank, errmsg);
            }
        }
        double tb = par_wtime();
        t_loop += tb - ta;
        if (!par_all_ok(st == SIM_OK)) break;
        st = out_write_batch(out, first, n, &batch);
        if (st != SIM_OK) io_broken = 1;
        t_write += par_wtime() - tb;
        if (rank == 0) {
            int done = (k + 1) * size * d.B;
            progress(opt, done < d.R ? done : d.R, d.R, t0, &t_last, 0);
        }
    }
    replicate_out_free(&batch);
    SimStatus cst = out_close(out);
    if (cst != SIM_OK && out_created) io_broken = 1;
    if (st == SIM_OK) st = cst;
    int ok = par_all_ok(st == SIM_OK);

    /* Everything below: rank 0 finishes and renames; other ranks wait for the verdict. */
    double loop_max = par_max_double(t_loop), write_max = par_max_double(t_write);
    double steps_total = par_sum_double(firm_steps);
    double rss = par_max_double(rss_mb("VmHWM:"));
    digest = par_sum_u64(digest);
    st_i = ok ? SIM_OK : (st != SIM_OK ? st : SIM_EIO);
    if (rank == 0) {
        if (ok) {
            RunFacts f = {opt->history, opt->scenario_path, size, digest, loop_max, write_max};
            st = out_finalize(tmp, sc, &d, &f);
            if (st == SIM_OK && rename(tmp, opt->out_path) != 0) {
                sim_error("cannot rename %s to %s: %s", tmp, opt->out_path, strerror(errno));
                st = SIM_EIO;
            }
            st_i = st;
        }
        if (st_i != SIM_OK && unlink(tmp) != 0 && errno != ENOENT)
            sim_warn("could not remove the unfinished file %s: %s", tmp, strerror(errno));
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    /* After a failed collective write or close, HDF5 may still hold the file
     * open, and MPI_Finalize would make it flush through a broken MPI-IO
     * handle (seen: a segfault in H5F__close_cb). The unfinished file is gone
     * by now; stop every rank at once with the runtime exit code instead. */
    if (par_max_int(io_broken)) {
        if (rank == 0) sim_error("stopping all ranks after the HDF5 failure above (exit code %d)", EXIT_RUNTIME);
        par_abort(EXIT_RUNTIME);
    }
    if (st_i == SIM_OK && rank == 0 && !opt->quiet) {
        progress(opt, d.R, d.R, t0, &t_last, 1);
        /* loop time is the slowest rank's; the rate per core divides by ranks */
        double rate = loop_max > 0 ? steps_total / loop_max / size : 0;
        fprintf(stderr, "parksim: wrote %s\n", opt->out_path);
        printf("scenario: %s\noutput: %s\nreplicates: %d\nranks: %d\nresult_digest: %016llx\n"
               "enterprise_steps: %.0f\nloop_seconds: %.3f\nwrite_seconds: %.3f\n"
               "enterprise_steps_per_second_per_core: %.4g\npeak_rss_mb_per_rank: %.1f\n",
               p->name, opt->out_path, d.R, size, (unsigned long long)digest, steps_total, loop_max, write_max, rate, rss);
        fflush(stdout);
    }
    return (SimStatus)st_i;
}
