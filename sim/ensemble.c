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
#include "resources.h"
#include "signals.h"
#include "sweep_store.h"
#include "util.h"
#include "watchdog.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a of one replicate's results, seeded with the replicate index: the
 * arrays the results schema marks for the digest, in the order it gives. */
static uint64_t replicate_digest(const OutDims *d, const ReplicateOut *o, int rep)
{
    ResultDims rd = {d->Y, d->T, d->P, d->G, d->M, d->L};
    uint64_t h = fnv(FNV0, &rep, sizeof rep);
    for (int place = 1;; place++) {
        const ResultVar *v = NULL;
        for (int i = 0; i < n_result_vars && !v; i++)
            if (result_vars[i].digest == place) v = &result_vars[i];
        if (!v) return h;
        h = fnv(h, result_data(o, v), result_elems(v, &rd) * v->type);
    }
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

/* The state of one run or sweep, from exec_prepare() to exec_finish(). */
typedef struct {
    const Scenario *sc;
    const Sweep *sw;          /* NULL for a single run */
    RunOptions *opt;
    const Params *p;
    int rank, size;
    OutDims d;
    long tasks;
    int dynamic;              /* dynamic assignment (use_dynamic()) */
    char tmp[PS_PATH_MAX + 16], ckdir[PS_PATH_MAX + 16];
    /* work buffers */
    ReplicateOut batch;       /* this rank's results of the round */
    int *rows;                /* their tasks */
    uint64_t *pdig;           /* sweep: digest of each point */
    Params *pp;               /* sweep: the current point's parameters */
    double *tot;              /* summary-mode sweep: lever totals of the batch, [cap][2][Y][L] */
    void *srec;               /* summary-mode sweep: one task's summary record */
    long cur_point;
    Sched *sch;
    Ckpt *ck;
    Output *out;
    TaskOrder ord;
    int rounds_a, rounds;     /* rounds over missing tasks; all rounds */
    /* progress */
    SimStatus st;             /* this rank's status; agreed on at each round's end */
    int restored, computed, out_created, stopped;
    double t0, t_last, t_loop, t_write, t_busy, firm_steps, t_ckpt;
    uint64_t digest;
} Exec;

static void free_work(Exec *x)
{
    replicate_out_free(&x->batch);
    free(x->rows);
    free(x->pp);
    free(x->tot);
    free(x->srec);
    sched_free(x->sch);
    x->rows = NULL, x->pp = NULL, x->sch = NULL, x->tot = NULL, x->srec = NULL;
}

/* The run's size, refusals (existing output, memory, disk), work buffers and
 * checkpoint, before any output is created. Returns the status to end the
 * run with if it cannot start (everything allocated then freed again). */
static SimStatus exec_prepare(Exec *x, const Scenario *sc, const Sweep *sw, RunOptions *opt)
{
    memset(x, 0, sizeof *x);
    x->sc = sc, x->sw = sw, x->opt = opt;
    const Params *p = x->p = &sc->p;
    int rank = x->rank = par_rank(), size = x->size = par_size();
    OutDims *d = &x->d;
    d->R = p->run.replicates;
    d->Q = sw ? (int)sw->points : 0;
    d->draws = sw && sw->design == DESIGN_PRIOR;
    d->Y = params_assess_years(p);
    d->T = params_months(p);
    d->P = sc->n_parks;
    d->G = p->assessment.n_groups;
    d->M = METRIC_COUNT;
    d->L = LEVER_COUNT;
    long tasks = x->tasks = (long)(d->Q > 0 ? d->Q : 1) * d->R;
    if (tasks > INT32_MAX) {
        if (rank == 0)
            sim_error("%ld points x %d replicates = %ld tasks; at most %d fit in one file: use fewer points or replicates, "
                      "or split the sweep", (long)d->Q, d->R, tasks, INT32_MAX);
        return SIM_EINVAL;
    }
    /* Round share: at most chunk_replicates per rank, and no more than an
     * even share, so that small runs still use every rank. A rank may hold
     * up to twice its share when others are slower (dynamic assignment). */
    long share = (tasks + size - 1) / size;
    d->B = p->run.chunk_replicates < share ? p->run.chunk_replicates : (int)share;
    x->dynamic = use_dynamic(size, sw);
    d->cap = x->dynamic ? 2 * d->B : d->B;
    d->monthly = p->output.monthly;
    d->compression = p->output.compression;
    if (sw) {
        d->summary = sweep_summary_mode(sw, (double)replicate_out_bytes(p, d->P), d->R);
        d->K = d->summary ? sw->n_keep : 0;
        d->keep = sw->keep;
    }
    opt->interrupted = 0;

    snprintf(x->tmp, sizeof x->tmp, "%s.partial", opt->out_path);
    snprintf(x->ckdir, sizeof x->ckdir, "%s.ckpt", opt->out_path);

    /* Refuse to clobber, and refuse what cannot fit, before any work. A
     * --resume that finds this very run's finished result (a job requeued
     * after the rename, a job script run again) has nothing to do. */
    int st_i = SIM_OK, done = 0;
    if (rank == 0) {
        struct stat sb;
        if (!opt->force && stat(opt->out_path, &sb) == 0)
            st_i = opt->resume ? out_check_done(opt->out_path, sc, sw, &done)
                               : sim_fail(SIM_EEXIST, "%s exists; use --force to replace it (or choose another name with -o)",
                                          opt->out_path);
        if (st_i == SIM_OK && !done) st_i = resources_check_memory(sc, d, size);
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    par_bcast_bytes(&done, sizeof done);
    if (st_i != SIM_OK) return (SimStatus)st_i;
    opt->already_done = done;
    if (done) {
        struct stat sb;
        if (rank == 0 && stat(x->ckdir, &sb) == 0)
            sim_warn("the checkpoint %s is left over from the run that wrote %s (stopped after the rename); it is no "
                     "longer needed and can be removed", x->ckdir, opt->out_path);
        return SIM_OK;
    }

    SimStatus st = replicate_out_alloc(&x->batch, p, d->P, d->cap);
    x->rows = malloc((size_t)d->cap * sizeof *x->rows);
    x->pdig = sw ? calloc((size_t)d->Q, sizeof *x->pdig) : NULL;
    x->pp = sw ? malloc(sizeof *x->pp) : NULL;
    x->sch = sched_new(d->cap);
    if (d->summary) {
        x->tot = malloc((size_t)d->cap * 2 * (size_t)d->Y * (size_t)d->L * sizeof *x->tot);
        x->srec = malloc(store_rec_bytes(d));
    }
    if (!x->rows || (sw && (!x->pdig || !x->pp)) || !x->sch || (d->summary && (!x->tot || !x->srec))) st = SIM_ENOMEM;
    if (!par_all_ok(st == SIM_OK)) {
        if (st != SIM_OK) sim_error("rank %d: out of memory for %d replicates of results", rank, d->cap);
        free_work(x);
        free(x->pdig);
        return SIM_ENOMEM;
    }
    uint64_t sd = fnv(FNV0, sc->resolved, strlen(sc->resolved));
    sd = fnv(sd, sc->parks_csv ? sc->parks_csv : "", sc->parks_csv ? strlen(sc->parks_csv) : 0);
    if (sw) sd = fnv(sd, sw->text, strlen(sw->text));
    CkptKey key = {sd, p->run.seed, (int)tasks, d->summary ? store_rec_bytes(d) : 0};
    st = ckpt_begin(&x->ck, x->ckdir, &key, opt->resume, opt->force, p, d->P);
    if (st != SIM_OK) {
        ckpt_end(x->ck, 0);
        free_work(x);
        free(x->pdig);
        return st;
    }
    x->restored = ckpt_restored(x->ck);
    st_i = rank == 0 ? resources_check_disk(opt->out_path, sc, d, tasks, x->restored) : SIM_OK;
    par_bcast_bytes(&st_i, sizeof st_i);
    if (st_i != SIM_OK) {
        ckpt_end(x->ck, x->restored == 0); /* a directory made just now goes again */
        free_work(x);
        free(x->pdig);
        return (SimStatus)st_i;
    }
    if (!signals_install_stop()) sim_warn("cannot install the SIGTERM/SIGUSR1 handlers: %s", strerror(errno));
    return SIM_OK;
}

/* Rank 0: what the run is about to do. */
static void exec_banner(const Exec *x)
{
    const OutDims *d = &x->d;
    const Sweep *sw = x->sw;
    int size = x->size;
    double mb = (double)replicate_out_bytes(x->p, d->P) * d->cap / 1e6;
    if (sw && sw->design == DESIGN_PRIOR)
        fprintf(stderr, "parksim: %s: %d draws of the priors %s x %d replicates x %d parks x %d months on %d rank%s\n",
                x->p->name, d->Q, sw->priors_path, d->R, d->P, d->T, size, size > 1 ? "s" : "");
    else if (sw)
        fprintf(stderr, "parksim: sweep %s: %d points (%s) x %d replicates x %d parks x %d months on %d rank%s\n",
                sw->path, d->Q, design_names[sw->design], d->R, d->P, d->T, size, size > 1 ? "s" : "");
    else
        fprintf(stderr, "parksim: %s: %d replicates x %d parks x %d months on %d rank%s\n", x->p->name, d->R, d->P,
                d->T, size, size > 1 ? "s" : "");
    fprintf(stderr, "parksim: %d %s per rank per write (up to %d), %.1f MB of results per rank\n", d->B,
            sw ? "tasks" : "replicates", d->cap, mb);
    if (sw)
        fprintf(stderr, "parksim: storing %s (store: %s)%s\n",
                d->summary ? "per-point summaries: counts, tiers and lever totals of every replicate" : "every array of every replicate",
                sweep_store_names[sw->store], d->summary && d->K ? "; every array of the kept points" : "");
    if (x->restored)
        fprintf(stderr, "parksim: resuming from %s: %d of %ld %s restored, %ld to compute\n", x->ckdir, x->restored,
                x->tasks, sw ? "tasks" : "replicates", x->tasks - x->restored);
}

/* Create the output and plan the rounds; a failure here is carried in x->st
 * into the rounds, where all ranks agree on it. */
static void exec_start(Exec *x)
{
    x->st = out_create(&x->out, x->tmp, &x->d);
    if (x->st != SIM_OK && out_file_created(x->out)) fail_fast(x->tmp, x->ckdir, x->restored);
    x->out_created = x->st == SIM_OK;
    x->t0 = x->t_last = x->t_ckpt = par_wtime();
    x->cur_point = -1;
    if (task_order(&x->ord, x->ck, x->tasks) != 0) x->st = SIM_ENOMEM;
    long per_round = (long)x->size * x->d.B, n_missing = x->ord.n_missing;
    x->rounds_a = (int)((n_missing + per_round - 1) / per_round);
    x->rounds = x->rounds_a + (int)((x->tasks - n_missing + per_round - 1) / per_round);
}

/* Compute (or restore from the checkpoint) task position `pos` into row n of
 * the batch. */
static void exec_task(Exec *x, long pos, int n)
{
    const Params *p = x->p;
    long t = task_at(&x->ord, pos);
    ReplicateOut v = replicate_out_view(&x->batch, p, x->d.P, n);
    /* Draws of priors: replicate r of the run is task r, with the model's
     * random numbers of replicate r of a run without priors (draws differ in
     * their noise; the same r is paired across scenarios). */
    int task = (int)t, rep = x->sw && x->sw->design == DESIGN_PRIOR ? task : (int)(t % x->d.R);
    long point = t / x->d.R;
    double tc = par_wtime();
    /* A summary-mode sweep spools only a task's summary, unless its point is kept. */
    double *tot = x->tot ? x->tot + (size_t)n * 2 * (size_t)x->d.Y * (size_t)x->d.L : NULL;
    int short_rec = x->d.summary && store_kept_row(&x->d, point) < 0, summed = 0;
    uint64_t h = 0;
    if (ckpt_has(x->ck, task) && ckpt_is_short(x->ck, task)) {
        x->st = ckpt_load_short(x->ck, task, x->srec);
        if (x->st == SIM_OK) store_unpack(&x->d, x->srec, &v, tot, &h), summed = 1;
    } else if (ckpt_has(x->ck, task)) {
        x->st = ckpt_load(x->ck, task, &v);
    } else {
        const Params *pt = p;
        if (x->sw) {
            if (point != x->cur_point) sweep_point_params(x->sw, p, point, x->pp);
            x->cur_point = point;
            pt = x->pp;
        }
        ErrBuf err = {""};
        x->st = replicate_run(pt, x->sc->parks, x->d.P, (uint32_t)rep, &v, &err);
        if (x->st != SIM_OK) sim_error("rank %d: %s", x->rank, err.msg);
        if (x->st == SIM_OK) {
            x->computed++;
            for (int i = 0; i < x->d.T * x->d.P; i++) x->firm_steps += v.m_firms[i];
            if (short_rec) {
                h = replicate_digest(&x->d, &v, rep);
                store_totals(&x->d, &v, tot);
                store_pack(&x->d, &v, tot, h, x->srec);
                summed = 1;
                x->st = ckpt_append_short(x->ck, task, x->srec);
            } else {
                x->st = ckpt_append(x->ck, task, &v);
            }
        }
    }
    x->t_busy += par_wtime() - tc;
    if (x->st == SIM_OK) {
        if (!summed) h = replicate_digest(&x->d, &v, rep);
        if (tot && !summed) store_totals(&x->d, &v, tot);
        x->digest += h;
        if (x->pdig) x->pdig[point] += h;
    }
    x->rows[n] = task;
}

/* Round k: compute this rank's tasks, write them collectively, and commit the
 * checkpoint when it is due or a stop signal came. Returns 1 if the run stops
 * here (a failure on some rank, or a stop signal), 0 to go on. */
static int exec_round(Exec *x, int k)
{
    /* Positions, not tasks: the tasks missing from the checkpoint come
     * first (rounds_a rounds), the restored ones after, and no round
     * spans both, so positions map to increasing tasks within a round. */
    long per_round = (long)x->size * x->d.B, n_missing = x->ord.n_missing;
    long lo = k < x->rounds_a ? k * per_round : n_missing + (long)(k - x->rounds_a) * per_round;
    long end = k < x->rounds_a ? n_missing : x->tasks;
    long hi = lo + per_round < end ? lo + per_round : end;
    int n = 0;
    double ta = par_wtime();
    sched_round(x->sch, lo, hi);
    long pos;
    /* After a failure the rank still takes its tasks (and drops them), so
     * that the round ends everywhere and the failure is agreed on below. */
    while ((pos = x->dynamic ? sched_next(x->sch) : next_static(lo, hi, x->rank, x->d.B, n)) >= 0) {
        if (x->st == SIM_OK) exec_task(x, pos, n);
        n++;
    }
    /* The agreement is also the round's barrier: waiting for a slower rank
     * counts as loop time (imbalance), not as output. */
    int round_ok = par_all_ok(x->st == SIM_OK);
    double tb = par_wtime();
    x->t_loop += tb - ta;
    if (!round_ok) return 1;
    watchdog_arm(x->opt->io_timeout, "writing a batch");
    x->st = out_write_rows(x->out, x->rows, n, &x->batch);
    if (x->st == SIM_OK && x->d.summary) x->st = out_write_totals(x->out, x->rows, n, x->tot);
    watchdog_arm(0, NULL);
    if (x->st != SIM_OK) fail_fast(x->tmp, x->ckdir, x->restored || x->computed);
    x->t_write += par_wtime() - tb;
    if (x->rank == 0) progress(x->opt, (int)hi, (int)x->tasks, x->t0, &x->t_last, 0);
    if (!par_all_ok(x->st == SIM_OK)) return 1;
    ckpt_test_hook("after-batch", k + 1);
    /* A safe point: every rank has finished and written the round. Rank 0
     * owns the clock; a signal on any rank counts. */
    int want = signals_stop_requested() ? 2
             : (x->rank == 0 && x->opt->checkpoint_every >= 0 && par_wtime() - x->t_ckpt >= x->opt->checkpoint_every);
    want = par_max_int(want);
    if (want && k + 1 < x->rounds) {
        x->st = ckpt_commit(x->ck);
        x->t_ckpt = par_wtime();
        if (x->st != SIM_OK) return 1;
        if (want == 2) {
            x->stopped = 1;
            return 1;
        }
    }
    return 0;
}

/* After the rounds: commit the checkpoint, free the work buffers and close
 * the output collectively. Returns whether every rank succeeded; sets
 * *io_broken if the close failed on this rank. Does not return after a
 * failure during the rounds (see below). */
static int exec_close(Exec *x, int *io_broken)
{
    free(x->ord.span);
    /* Everything computed goes into the checkpoint before the finishing pass,
     * so that a failure there costs no computation. */
    if (par_all_ok(x->st == SIM_OK) && !x->stopped) x->st = ckpt_commit(x->ck);
    free_work(x);
    /* After a failure on any rank, the ranks' HDF5 states may differ (a write
     * that failed on one rank only, data cached on another), and the
     * collective close would then wait in different barriers for ever (seen
     * with a full disk). The unfinished file is useless: remove it and stop
     * every rank instead of closing it. */
    if (!par_all_ok(x->st == SIM_OK) && x->out_created) {
        if (x->rank == 0) {
            if (unlink(x->tmp) != 0 && errno != ENOENT)
                sim_warn("could not remove the unfinished file %s: %s", x->tmp, strerror(errno));
            if (x->restored || x->computed)
                fprintf(stderr, "parksim: replicates already committed to the checkpoint %s are kept; rerun with "
                                "--resume to continue from them\n", x->ckdir);
            sim_error("stopping all ranks after the failure above (exit code %d)", EXIT_RUNTIME);
        }
        par_abort(EXIT_RUNTIME);
    }
    watchdog_arm(x->opt->io_timeout, "closing the output file");
    SimStatus cst = out_close(x->out);
    watchdog_arm(0, NULL);
    *io_broken = cst != SIM_OK && x->out_created;
    if (x->st == SIM_OK) x->st = cst;
    return par_all_ok(x->st == SIM_OK);
}

/* The run's totals over all ranks. */
typedef struct {
    double loop_max, write_max, steps_total, rss, busy_max, busy_min, busy_sum;
    int computed_all;
} Totals;

/* Rank 0: the final progress line and the run's summary on stdout. */
static void exec_report(const Exec *x, const Totals *tt)
{
    const OutDims *d = &x->d;
    double t_last = x->t_last;
    progress(x->opt, (int)x->tasks, (int)x->tasks, x->t0, &t_last, 1);
    /* loop time is the slowest rank's; the rate per core divides by ranks */
    double rate = tt->loop_max > 0 ? tt->steps_total / tt->loop_max / x->size : 0;
    fprintf(stderr, "parksim: wrote %s\n", x->opt->out_path);
    printf("scenario: %s\noutput: %s\nreplicates: %d\nranks: %d\nresult_digest: %016llx\n"
           "replicates_computed: %d\nreplicates_restored: %d\n"
           "enterprise_steps: %.0f\nloop_seconds: %.3f\nwrite_seconds: %.3f\n"
           "enterprise_steps_per_second_per_core: %.4g\npeak_rss_mb_per_rank: %.1f\n"
           "busy_seconds_min: %.3f\nbusy_seconds_max: %.3f\nload_balance: %.4f\nschedule: %s\n",
           x->p->name, x->opt->out_path, d->R, x->size, (unsigned long long)x->digest, tt->computed_all, x->restored,
           tt->steps_total, tt->loop_max, tt->write_max, rate, tt->rss, tt->busy_min, tt->busy_max,
           tt->loop_max > 0 ? tt->busy_sum / x->size / tt->loop_max : 1.0, x->dynamic ? "dynamic" : "static");
    /* A spool record: task index and kind (8 bytes), then the task's full
     * arrays or its summary (checkpoint.c); kept points' tasks are full. */
    if (x->sw)
        printf("sweep_points: %d\nsweep_design: %s\nsweep_store: %s\nspool_bytes_per_task: %llu\n", d->Q,
               design_names[x->sw->design], d->summary ? "summary" : "full",
               (unsigned long long)(8 + (d->summary ? store_rec_bytes(d) : replicate_out_bytes(x->p, d->P))));
    fflush(stdout);
}

/* Close the output, agree on the outcome, and on rank 0 finish the file
 * (out_finalize) and rename it into place; then end the checkpoint and
 * report. Returns the run's status, the same on every rank. */
static SimStatus exec_finish(Exec *x)
{
    int rank = x->rank, io_broken;
    int ok = exec_close(x, &io_broken);

    /* Everything below: rank 0 finishes and renames; other ranks wait for the verdict. */
    Totals tt;
    tt.loop_max = par_max_double(x->t_loop), tt.write_max = par_max_double(x->t_write);
    tt.steps_total = par_sum_double(x->firm_steps);
    tt.rss = par_max_double(resources_rss_mb("VmHWM:"));
    tt.computed_all = (int)par_sum_double(x->computed);
    tt.busy_max = par_max_double(x->t_busy), tt.busy_min = -par_max_double(-x->t_busy);
    tt.busy_sum = par_sum_double(x->t_busy);
    x->digest = par_sum_u64(x->digest);
    if (x->pdig) par_sum_u64_array(x->pdig, (size_t)x->d.Q);
    int st_i = ok ? SIM_OK : (x->st != SIM_OK ? x->st : SIM_EIO);
    if (rank == 0) {
        if (ok && !x->stopped) {
            RunFacts f = {x->opt->history, x->opt->scenario_path, x->size, x->digest, tt.loop_max, tt.write_max,
                          tt.computed_all, x->restored, x->sw, x->pdig, tt.busy_min, tt.busy_max};
            SimStatus st = out_finalize(x->tmp, x->sc, &x->d, &f);
            if (st == SIM_OK && rename(x->tmp, x->opt->out_path) != 0)
                st = sim_fail(SIM_EIO, "cannot rename %s to %s: %s", x->tmp, x->opt->out_path, strerror(errno));
            if (st == SIM_OK) ckpt_test_hook("after-rename", 1);
            st_i = st;
        }
        if ((st_i != SIM_OK || x->stopped) && unlink(x->tmp) != 0 && errno != ENOENT)
            sim_warn("could not remove the unfinished file %s: %s", x->tmp, strerror(errno));
    }
    par_bcast_bytes(&st_i, sizeof st_i);
    if (rank == 0 && st_i != SIM_OK && (x->restored || tt.computed_all))
        fprintf(stderr, "parksim: replicates already committed to the checkpoint %s are kept; rerun with --resume "
                        "to continue from them\n", x->ckdir);
    /* After a failed collective write or close, HDF5 may still hold the file
     * open, and MPI_Finalize would make it flush through a broken MPI-IO
     * handle (seen: a segfault in H5F__close_cb). The unfinished file is gone
     * by now; stop every rank at once with the runtime exit code instead. */
    if (par_max_int(io_broken)) {
        if (rank == 0) sim_error("stopping all ranks after the HDF5 failure above (exit code %d)", EXIT_RUNTIME);
        par_abort(EXIT_RUNTIME);
    }
    ckpt_end(x->ck, st_i == SIM_OK && !x->stopped);
    if (x->stopped && st_i == SIM_OK) {
        x->opt->interrupted = 1;
        if (rank == 0)
            fprintf(stderr, "parksim: stopped by a signal after a checkpoint: %d of %ld %s are in %s; run again "
                            "with --resume to continue (exit code %d)\n",
                    x->restored + tt.computed_all, x->tasks, x->sw ? "tasks" : "replicates", x->ckdir,
                    EXIT_CHECKPOINTED);
    } else if (st_i == SIM_OK && rank == 0 && !x->opt->quiet) {
        exec_report(x, &tt);
    }
    free(x->pdig);
    return (SimStatus)st_i;
}

static SimStatus ensemble_exec(const Scenario *sc, const Sweep *sw, RunOptions *opt)
{
    Exec x;
    SimStatus st = exec_prepare(&x, sc, sw, opt);
    if (st != SIM_OK || opt->already_done) return st;
    if (x.rank == 0 && !opt->quiet) exec_banner(&x);
    exec_start(&x);
    for (int k = 0; k < x.rounds && par_all_ok(x.st == SIM_OK); k++)
        if (exec_round(&x, k)) break;
    return exec_finish(&x);
}

SimStatus ensemble_run(const Scenario *sc, RunOptions *opt) { return ensemble_exec(sc, NULL, opt); }

SimStatus ensemble_sweep(const Scenario *base, const Sweep *sw, RunOptions *opt)
{
    return ensemble_exec(base, sw, opt);
}
