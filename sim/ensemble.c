/** \file ensemble.c
 * Work units (tasks) are replicates; in a sweep, (point, replicate) pairs,
 * task = point * R + replicate. Round k covers the next size * B tasks;
 * in a run rank r takes the r-th block of B (use_dynamic()), in a sweep the
 * scheduler (par.h) hands them out dynamically, so a rank that drew cheap
 * tasks takes more, up to `cap`; then all ranks write what they hold in one
 * collective call. A task's results depend only on (scenario, point,
 * seed, replicate), never on the rank that computes it, so every rank count
 * and every assignment gives the same datasets. Memory per rank is `cap`
 * replicates of results plus one replicate's agents, whatever the number of
 * replicates and points (a sweep adds its design table, k doubles a point).
 *
 * The file is written under "<out>.partial" and renamed only after the
 * finishing pass succeeded. Computed replicates also go to the checkpoint
 * (checkpoint.h), committed every --checkpoint-every, on SIGTERM/SIGUSR1 and
 * before the finishing pass; on --resume a replicate found there is read
 * back instead of computed. HDF5 files are not crash-safe, so a resume
 * rewrites the whole .partial file from the checkpoint and new work.
 */
#include "ensemble.h"
#include "checkpoint.h"
#include "io_h5.h"
#include "par.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>


static uint64_t replicate_digest(const OutDims *d, const ReplicateOut *o, int rep)
{
    uint64_t h = fnv(FNV0, &rep, sizeof rep); /* seeded with the replicate index */
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

/* Set by SIGTERM/SIGUSR1 (Slurm sends one before the time limit); read at
 * the next round boundary, where all ranks agree to checkpoint and stop. */
static volatile sig_atomic_t g_stop_signal;

static void on_stop_signal(int sig) { g_stop_signal = sig; }

/* A collective HDF5 call that one rank left after an error leaves the others
 * waiting for ever; no MPI call can end that from inside. The watchdog ends
 * this rank instead (async-signal-safe: write and _exit), and mpirun then
 * stops the job because a rank exited without finalizing. */
static char g_watch_what[96];
static unsigned g_watch_secs;

static void on_watchdog(int sig)
{
    (void)sig;
    static const char a[] = "parksim: error: the HDF5 output did not progress for ";
    char num[16];
    int k = 0;
    unsigned v = g_watch_secs;
    char rev[16];
    do { rev[k++] = (char)('0' + v % 10); v /= 10; } while (v && k < 15);
    for (int i = 0; i < k; i++) num[i] = rev[k - 1 - i];
    ssize_t ignored = write(STDERR_FILENO, a, sizeof a - 1);
    ignored = write(STDERR_FILENO, num, (size_t)k);
    static const char b[] = " s while ";
    ignored = write(STDERR_FILENO, b, sizeof b - 1);
    ignored = write(STDERR_FILENO, g_watch_what, strlen(g_watch_what));
    static const char c[] = " (another rank failed?); stopping this rank (PARKSIM_IO_TIMEOUT sets the limit)\n";
    ignored = write(STDERR_FILENO, c, sizeof c - 1);
    (void)ignored;
    _exit(EXIT_RUNTIME);
}

/* A failed collective HDF5 call (dataset creation, a write) may have failed
 * on this rank only, while the others wait inside the library for it (seen
 * with a full disk: one rank's chunk allocation fails, the other's does not).
 * No agreement between the ranks is possible then, so the failing rank
 * removes the unfinished file itself and aborts the whole job. Replicates
 * already committed to the checkpoint stay for --resume. */
static _Noreturn void fail_fast(const char *tmp, const char *ckdir, int have_ckpt)
{
    if (unlink(tmp) != 0 && errno != ENOENT) sim_warn("could not remove the unfinished file %s: %s", tmp, strerror(errno));
    if (have_ckpt)
        fprintf(stderr, "parksim: replicates already committed to the checkpoint %s are kept; rerun with --resume to "
                        "continue from them\n", ckdir);
    sim_error("rank %d: stopping all ranks after the HDF5 failure above (exit code %d)", par_rank(), EXIT_RUNTIME);
    par_abort(EXIT_RUNTIME);
}

static void io_watchdog(unsigned secs, const char *what)
{
    if (secs == 0 || !what) {
        alarm(0);
        return;
    }
    snprintf(g_watch_what, sizeof g_watch_what, "%s", what);
    g_watch_secs = secs;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watchdog;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == 0) alarm(secs);
}

static int install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0;
}

/* Free bytes for an unprivileged writer in the directory of `path`; -1 if unknown. */
static double free_bytes_near(const char *path)
{
    char dir[PS_PATH_MAX + 16];
    path_dir(path, dir, sizeof dir);
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0) return -1;
    return (double)sv.f_bavail * (double)sv.f_frsize;
}

/* MemAvailable from /proc/meminfo in bytes; -1 if unknown. */
static double mem_available(void)
{
    FILE *fp = fopen("/proc/meminfo", "r");
    if (!fp) return -1;
    char line[256];
    double kb = -1;
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, "MemAvailable:", 13)) kb = strtod(line + 13, NULL);
    fclose(fp);
    return kb < 0 ? -1 : kb * 1024;
}

/* Rank 0, before anything is allocated or created: refuse a run whose result
 * buffers cannot fit in memory or whose results cannot fit on the disk, with
 * the numbers, instead of an out-of-memory kill or a full disk hours later. */
static SimStatus check_resources(const Scenario *sc, const OutDims *d, int size)
{
    double rep = (double)replicate_out_bytes(&sc->p, d->P);
    double buf = rep * d->cap * size; /* all ranks, as if on one node */
    double avail = mem_available();
    if (avail > 0 && buf > 0.8 * avail) {
        sim_error("the result buffers need %.0f MB (%d rank%s x %d replicates per write x %.2f MB per replicate) but "
                  "only %.0f MB of memory is available; lower run.chunk_replicates%s or use fewer ranks per node",
                  buf / 1e6, size, size > 1 ? "s" : "", d->cap, rep / 1e6, avail / 1e6,
                  d->monthly ? ", set output.monthly=false" : "");
        return SIM_EINVAL;
    }
    return SIM_OK;
}

/* The checkpoint holds every replicate uncompressed; the output holds them
 * once more (compressed by an unknown factor, or uncompressed at
 * output.compression=0). Refuse only what certainly cannot fit. */
static SimStatus check_disk(const RunOptions *opt, const Scenario *sc, const OutDims *d, long tasks, int restored)
{
    if (getenv("PARKSIM_TEST_NO_DISK_CHECK")) return SIM_OK; /* lets a test reach a real ENOSPC */
    double rep = (double)replicate_out_bytes(&sc->p, d->P);
    double left = (double)(tasks - restored);
    double need = rep * left + (d->compression > 0 ? 0 : rep * (double)tasks);
    double fr = free_bytes_near(opt->out_path);
    if (fr >= 0 && need > fr) {
        sim_error("%s: not enough disk space: %d replicates need at least %.1f MB (%.3f MB each in the checkpoint%s) "
                  "but %.1f MB are free; free space, write elsewhere with -o, or run fewer replicates",
                  opt->out_path, (int)(tasks - restored), need / 1e6, rep / 1e6,
                  d->compression > 0 ? "" : ", and as much again in the uncompressed output", fr / 1e6);
        return SIM_EINVAL;
    }
    return SIM_OK;
}

/* Which assignment a job uses. Sweeps default to the dynamic one: their
 * points may differ greatly in cost. Single runs default to the static one
 * (rank r takes the r-th block of B replicates of each round, one whole
 * chunk): replicates of one scenario cost about the same, and dynamic
 * grants interleave ranks' rows inside chunks, which made the collective
 * compressed writes slower (make bench: write 0.42 s at np=1 but 0.78 s at
 * np=2, and 71% parallel efficiency against 99% static). PARKSIM_SCHEDULE=
 * static|dynamic overrides either (benchmarks). Results are the same. */
static int use_dynamic(int size, const Sweep *sw)
{
    const char *e = getenv("PARKSIM_SCHEDULE");
    if (size < 2) return 0;
    if (e && !strcmp(e, "static")) return 0;
    if (e && !strcmp(e, "dynamic")) return 1;
    return sw != NULL;
}

/* The order in which tasks are taken: on a resume, the tasks the checkpoint
 * lacks come before the ones it has, so that a job stopped again soon after
 * it restarts (a short time limit, requeued) has computed something new
 * rather than spent its time rewriting restored results (seen: a requeued
 * run that made no progress for 15 starts). Commits cover whole rounds, so
 * both sets are a few contiguous spans. */
typedef struct { long pos, task, len; } Span;
typedef struct { Span *span; int n; long n_missing; } TaskOrder;

static int task_order(TaskOrder *o, const Ckpt *ck, long tasks)
{
    memset(o, 0, sizeof *o);
    int cap = 0;
    long pos = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (long t = 0; t < tasks;) {
            int want = pass == 0 ? !ckpt_has(ck, (int)t) : ckpt_has(ck, (int)t);
            if (!want) { t++; continue; }
            long t0 = t;
            while (t < tasks && (pass == 0 ? !ckpt_has(ck, (int)t) : ckpt_has(ck, (int)t))) t++;
            if (o->n == cap) {
                cap = cap ? 2 * cap : 16;
                Span *g = realloc(o->span, (size_t)cap * sizeof *g);
                if (!g) { free(o->span); o->span = NULL; return -1; }
                o->span = g;
            }
            o->span[o->n++] = (Span){pos, t0, t - t0};
            pos += t - t0;
        }
        if (pass == 0) o->n_missing = pos;
    }
    return 0;
}

static long task_at(const TaskOrder *o, long pos)
{
    int lo = 0, hi = o->n - 1;
    while (lo < hi) { /* the last span starting at or before pos */
        int mid = (lo + hi + 1) / 2;
        if (o->span[mid].pos <= pos) lo = mid;
        else hi = mid - 1;
    }
    return o->span[lo].task + (pos - o->span[lo].pos);
}

/* The static assignment: rank r takes the r-th block of B tasks of the round. */
static long next_static(long lo, long hi, int rank, int B, int n)
{
    long t = lo + (long)rank * B + n;
    return n < B && t < hi ? t : -1;
}

static SimStatus ensemble_exec(const Scenario *sc, const Sweep *sw, RunOptions *opt)
{
    const Params *p = &sc->p;
    int rank = par_rank(), size = par_size();
    OutDims d;
    d.R = p->run.replicates;
    d.Q = sw ? (int)sw->points : 0;
    d.Y = params_assess_years(p);
    d.T = params_months(p);
    d.P = sc->n_parks;
    d.G = p->assessment.n_groups;
    d.M = METRIC_COUNT;
    d.L = LEVER_COUNT;
    long tasks = (long)(d.Q > 0 ? d.Q : 1) * d.R;
    if (tasks > INT32_MAX) {
        if (rank == 0)
            sim_error("%ld points x %d replicates = %ld tasks; at most %d fit in one file: use fewer points or replicates, "
                      "or split the sweep", (long)d.Q, d.R, tasks, INT32_MAX);
        return SIM_EINVAL;
    }
    /* Round share: at most chunk_replicates per rank, and no more than an
     * even share, so that small runs still use every rank. A rank may hold
     * up to twice its share when others are slower (dynamic assignment). */
    long share = (tasks + size - 1) / size;
    d.B = p->run.chunk_replicates < share ? p->run.chunk_replicates : (int)share;
    int dynamic = use_dynamic(size, sw);
    d.cap = dynamic ? 2 * d.B : d.B;
    d.monthly = p->output.monthly;
    d.compression = p->output.compression;
    opt->interrupted = 0;

    char tmp[PS_PATH_MAX + 16], ckdir[PS_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.partial", opt->out_path);
    snprintf(ckdir, sizeof ckdir, "%s.ckpt", opt->out_path);

    /* Refuse to clobber, and refuse what cannot fit, before any work. */
    int st_i = SIM_OK;
    if (rank == 0) {
        struct stat sb;
        if (!opt->force && stat(opt->out_path, &sb) == 0) {
            sim_error("%s exists; use --force to replace it (or choose another name with -o)", opt->out_path);
            st_i = SIM_EEXIST;
        } else {
            st_i = check_resources(sc, &d, size);
        }
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    if (st_i != SIM_OK) return (SimStatus)st_i;

    ReplicateOut batch;
    Output *out = NULL;
    Ckpt *ck = NULL;
    /* At least two rows, so that the checkpoint can learn a replicate's layout. */
    SimStatus st = replicate_out_alloc(&batch, p, d.P, d.cap > 1 ? d.cap : 2);
    int *rows = malloc((size_t)d.cap * sizeof *rows);
    uint64_t *pdig = sw ? calloc((size_t)d.Q, sizeof *pdig) : NULL;
    Params *pp = sw ? malloc(sizeof *pp) : NULL;
    Sched *sch = sched_new(d.cap);
    if (!rows || (sw && (!pdig || !pp)) || !sch) st = SIM_ENOMEM;
#define FREE_WORK() do { replicate_out_free(&batch); free(rows); free(pdig); free(pp); sched_free(sch); } while (0)
    if (!par_all_ok(st == SIM_OK)) {
        if (st != SIM_OK) sim_error("rank %d: out of memory for %d replicates of results", rank, d.cap);
        FREE_WORK();
        return SIM_ENOMEM;
    }
    uint64_t sd = fnv(FNV0, sc->resolved, strlen(sc->resolved));
    sd = fnv(sd, sc->parks_csv ? sc->parks_csv : "", sc->parks_csv ? strlen(sc->parks_csv) : 0);
    if (sw) sd = fnv(sd, sw->text, strlen(sw->text));
    CkptKey key = {sd, p->run.seed, (int)tasks};
    st = ckpt_begin(&ck, ckdir, &key, opt->resume, opt->force, &batch, p, d.P);
    if (st != SIM_OK) {
        ckpt_end(ck, 0);
        FREE_WORK();
        return st;
    }
    int restored = ckpt_restored(ck);
    st_i = rank == 0 ? check_disk(opt, sc, &d, tasks, restored) : SIM_OK;
    par_bcast_bytes(&st_i, sizeof st_i);
    if (st_i != SIM_OK) {
        ckpt_end(ck, restored == 0); /* a directory made just now goes again */
        FREE_WORK();
        return (SimStatus)st_i;
    }
    if (!install_stop_handlers()) sim_warn("cannot install the SIGTERM/SIGUSR1 handlers: %s", strerror(errno));

    if (rank == 0 && !opt->quiet) {
        double mb = (double)replicate_out_bytes(p, d.P) * d.cap / 1e6;
        if (sw)
            fprintf(stderr, "parksim: sweep %s: %d points (%s) x %d replicates x %d parks x %d months on %d rank%s\n",
                    sw->path, d.Q, design_names[sw->design], d.R, d.P, d.T, size, size > 1 ? "s" : "");
        else
            fprintf(stderr, "parksim: %s: %d replicates x %d parks x %d months on %d rank%s\n", p->name, d.R, d.P, d.T,
                    size, size > 1 ? "s" : "");
        fprintf(stderr, "parksim: %d %s per rank per write (up to %d), %.1f MB of results per rank\n", d.B,
                sw ? "tasks" : "replicates", d.cap, mb);
        if (restored)
            fprintf(stderr, "parksim: resuming from %s: %d of %ld %s restored, %ld to compute\n", ckdir, restored, tasks,
                    sw ? "tasks" : "replicates", tasks - restored);
    }

    st = out_create(&out, tmp, &d);
    if (st != SIM_OK && out_file_created(out)) fail_fast(tmp, ckdir, restored);
    int out_created = st == SIM_OK, io_broken = 0, computed = 0, stopped = 0;
    double t0 = par_wtime(), t_last = t0, t_loop = 0, t_write = 0, t_busy = 0, firm_steps = 0, t_ckpt = t0;
    uint64_t digest = 0;
    ErrBuf errmsg = {""};
    long per_round = (long)size * d.B, cur_point = -1;
    TaskOrder ord;
    if (task_order(&ord, ck, tasks) != 0) st = SIM_ENOMEM;
    long n_missing = ord.n_missing;
    int rounds_a = (int)((n_missing + per_round - 1) / per_round);
    int rounds = rounds_a + (int)((tasks - n_missing + per_round - 1) / per_round);
    for (int k = 0; k < rounds && par_all_ok(st == SIM_OK); k++) {
        /* Positions, not tasks: the tasks missing from the checkpoint come
         * first (rounds_a rounds), the restored ones after, and no round
         * spans both, so positions map to increasing tasks within a round. */
        long lo = k < rounds_a ? k * per_round : n_missing + (long)(k - rounds_a) * per_round;
        long end = k < rounds_a ? n_missing : tasks;
        long hi = lo + per_round < end ? lo + per_round : end;
        int n = 0;
        double ta = par_wtime();
        sched_round(sch, lo, hi);
        long pos, t;
        /* After a failure the rank still takes its tasks (and drops them), so
         * that the round ends everywhere and the failure is agreed on below. */
        while ((pos = dynamic ? sched_next(sch) : next_static(lo, hi, rank, d.B, n)) >= 0) {
            t = task_at(&ord, pos);
            if (st != SIM_OK) {
                n++;
                continue;
            }
            ReplicateOut v = replicate_out_view(&batch, p, d.P, n);
            int task = (int)t, rep = (int)(t % d.R);
            long point = t / d.R;
            double tc = par_wtime();
            if (ckpt_has(ck, task)) {
                st = ckpt_load(ck, task, &v);
            } else {
                const Params *pt = p;
                if (sw) {
                    if (point != cur_point) sweep_point_params(sw, p, point, pp);
                    cur_point = point;
                    pt = pp;
                }
                st = replicate_run(pt, sc->parks, d.P, (uint32_t)rep, &v, &errmsg);
                if (st != SIM_OK) sim_error("rank %d: %s", rank, errmsg.msg);
                if (st == SIM_OK) {
                    computed++;
                    for (int i = 0; i < d.T * d.P; i++) firm_steps += v.m_firms[i];
                    st = ckpt_append(ck, task, &v);
                }
            }
            t_busy += par_wtime() - tc;
            if (st == SIM_OK) {
                uint64_t h = replicate_digest(&d, &v, rep);
                digest += h;
                if (pdig) pdig[point] += h;
            }
            rows[n++] = task;
        }
        /* The agreement is also the round's barrier: waiting for a slower rank
         * counts as loop time (imbalance), not as output. */
        int round_ok = par_all_ok(st == SIM_OK);
        double tb = par_wtime();
        t_loop += tb - ta;
        if (!round_ok) break;
        io_watchdog(opt->io_timeout, "writing a batch");
        st = out_write_rows(out, rows, n, &batch);
        io_watchdog(0, NULL);
        if (st != SIM_OK) fail_fast(tmp, ckdir, restored || computed);
        t_write += par_wtime() - tb;
        if (rank == 0) progress(opt, (int)hi, (int)tasks, t0, &t_last, 0);
        if (!par_all_ok(st == SIM_OK)) break;
        ckpt_test_hook("after-batch", k + 1);
        /* A safe point: every rank has finished and written the round. Rank 0
         * owns the clock; a signal on any rank counts. */
        int want = g_stop_signal ? 2 : (rank == 0 && opt->checkpoint_every >= 0 && par_wtime() - t_ckpt >= opt->checkpoint_every);
        want = par_max_int(want);
        if (want && k + 1 < rounds) {
            st = ckpt_commit(ck);
            t_ckpt = par_wtime();
            if (st != SIM_OK) break;
            if (want == 2) {
                stopped = 1;
                break;
            }
        }
    }
    free(ord.span);
    /* Everything computed goes into the checkpoint before the finishing pass,
     * so that a failure there costs no computation. */
    if (!io_broken && par_all_ok(st == SIM_OK) && !stopped) st = ckpt_commit(ck);
    replicate_out_free(&batch);
    free(rows);
    free(pp);
    sched_free(sch);
    rows = NULL, pp = NULL, sch = NULL;
    /* After a failure on any rank, the ranks' HDF5 states may differ (a write
     * that failed on one rank only, data cached on another), and the
     * collective close would then wait in different barriers for ever (seen
     * with a full disk). The unfinished file is useless: remove it and stop
     * every rank instead of closing it. */
    if (!par_all_ok(st == SIM_OK) && out_created) {
        if (rank == 0) {
            if (unlink(tmp) != 0 && errno != ENOENT)
                sim_warn("could not remove the unfinished file %s: %s", tmp, strerror(errno));
            if (restored || computed)
                fprintf(stderr, "parksim: replicates already committed to the checkpoint %s are kept; rerun with "
                                "--resume to continue from them\n", ckdir);
            sim_error("stopping all ranks after the failure above (exit code %d)", EXIT_RUNTIME);
        }
        par_abort(EXIT_RUNTIME);
    }
    io_watchdog(opt->io_timeout, "closing the output file");
    SimStatus cst = out_close(out);
    io_watchdog(0, NULL);
    if (cst != SIM_OK && out_created) io_broken = 1;
    if (st == SIM_OK) st = cst;
    int ok = par_all_ok(st == SIM_OK);

    /* Everything below: rank 0 finishes and renames; other ranks wait for the verdict. */
    double loop_max = par_max_double(t_loop), write_max = par_max_double(t_write);
    double steps_total = par_sum_double(firm_steps);
    double rss = par_max_double(rss_mb("VmHWM:"));
    int computed_all = (int)par_sum_double(computed);
    double busy_max = par_max_double(t_busy), busy_min = -par_max_double(-t_busy), busy_sum = par_sum_double(t_busy);
    digest = par_sum_u64(digest);
    if (pdig) par_sum_u64_array(pdig, (size_t)d.Q);
    st_i = ok ? SIM_OK : (st != SIM_OK ? st : SIM_EIO);
    if (rank == 0) {
        if (ok && !stopped) {
            RunFacts f = {opt->history, opt->scenario_path, size, digest, loop_max, write_max, computed_all, restored,
                          sw, pdig, busy_min, busy_max};
            st = out_finalize(tmp, sc, &d, &f);
            if (st == SIM_OK && rename(tmp, opt->out_path) != 0) {
                sim_error("cannot rename %s to %s: %s", tmp, opt->out_path, strerror(errno));
                st = SIM_EIO;
            }
            st_i = st;
        }
        if ((st_i != SIM_OK || stopped) && unlink(tmp) != 0 && errno != ENOENT)
            sim_warn("could not remove the unfinished file %s: %s", tmp, strerror(errno));
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    if (rank == 0 && st_i != SIM_OK && (restored || computed_all))
        fprintf(stderr, "parksim: replicates already committed to the checkpoint %s are kept; rerun with --resume "
                        "to continue from them\n", ckdir);
    /* After a failed collective write or close, HDF5 may still hold the file
     * open, and MPI_Finalize would make it flush through a broken MPI-IO
     * handle (seen: a segfault in H5F__close_cb). The unfinished file is gone
     * by now; stop every rank at once with the runtime exit code instead. */
    if (par_max_int(io_broken)) {
        if (rank == 0) sim_error("stopping all ranks after the HDF5 failure above (exit code %d)", EXIT_RUNTIME);
        par_abort(EXIT_RUNTIME);
    }
    ckpt_end(ck, st_i == SIM_OK && !stopped);
    if (stopped && st_i == SIM_OK) {
        opt->interrupted = 1;
        if (rank == 0)
            fprintf(stderr, "parksim: stopped by a signal after a checkpoint: %d of %ld %s are in %s; run again "
                            "with --resume to continue (exit code %d)\n",
                    restored + computed_all, tasks, sw ? "tasks" : "replicates", ckdir, EXIT_CHECKPOINTED);
        free(pdig);
        return SIM_OK;
    }
    if (st_i == SIM_OK && rank == 0 && !opt->quiet) {
        progress(opt, (int)tasks, (int)tasks, t0, &t_last, 1);
        /* loop time is the slowest rank's; the rate per core divides by ranks */
        double rate = loop_max > 0 ? steps_total / loop_max / size : 0;
        fprintf(stderr, "parksim: wrote %s\n", opt->out_path);
        printf("scenario: %s\noutput: %s\nreplicates: %d\nranks: %d\nresult_digest: %016llx\n"
               "replicates_computed: %d\nreplicates_restored: %d\n"
               "enterprise_steps: %.0f\nloop_seconds: %.3f\nwrite_seconds: %.3f\n"
               "enterprise_steps_per_second_per_core: %.4g\npeak_rss_mb_per_rank: %.1f\n"
               "busy_seconds_min: %.3f\nbusy_seconds_max: %.3f\nload_balance: %.4f\nschedule: %s\n",
               p->name, opt->out_path, d.R, size, (unsigned long long)digest, computed_all, restored, steps_total,
               loop_max, write_max, rate, rss, busy_min, busy_max, loop_max > 0 ? busy_sum / size / loop_max : 1.0,
               dynamic ? "dynamic" : "static");
        if (sw) printf("sweep_points: %d\nsweep_design: %s\n", d.Q, design_names[sw->design]);
        fflush(stdout);
    }
    free(pdig);
    return (SimStatus)st_i;
}

SimStatus ensemble_run(const Scenario *sc, RunOptions *opt) { return ensemble_exec(sc, NULL, opt); }

SimStatus ensemble_sweep(const Scenario *base, const Sweep *sw, RunOptions *opt)
{
    return ensemble_exec(base, sw, opt);
}
