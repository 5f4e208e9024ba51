/** \file replicate.h
 * The schedule of one replicate: one independent realisation of a whole
 * province, stepped monthly, its parks assessed yearly. This layer sits
 * above agents/ and policies/: it owns a replicate's state, calls the agents'
 * processes and every lever's hooks (policies/levers.h) in a fixed order,
 * runs the assessment and checks the books every year.
 *
 * Pure code: no MPI, no file I/O, no printing. Errors come back as SimStatus
 * values with the message in Replicate.err for the engine to report.
 */
#ifndef PARKSIM_REPLICATE_H
#define PARKSIM_REPLICATE_H

#include "results.h"
#include "../policies/levers.h"
#include "../agents/firm.h"

/** The levers that have a hook of one kind, in table order. */
typedef struct { int n; LeverId id[LEVER_COUNT]; } HookList;

typedef struct {
    const Params *p;
    const ParkInfo *info;
    int n_parks;
    uint32_t rep;
    int month;               /**< next month to simulate */
    ParkState *park;
    gsl_rng *r;              /**< GSL view of keyed streams (reset before each use) */
    /* which levers act at each point of the month (from lever_table) */
    HookList park_begin, park_end, year_end; /* the firm hooks are called by lever index (replicate.c) */
    /* scratch for the assessment and the yearly classification */
    double *metrics;         /**< [P][METRIC_COUNT] */
    double *work;            /**< [LEVERS_ALLOCATE_WORK(P)]: the budget split, and assess_parks */
    double *needs;           /**< [P][LEVER_COUNT]: the parks' lever needs for the year starting at month `prepared` */
    int prepared;            /**< month whose year-start work (needs, growth variances) is done, or -1 */
    int *serious, *smart;    /**< [P] */
    RankItem *order; int cap_order;
    /* the month's draws of a park's firms, made in a pass before the firm
     * step (independent of the firms' state, so they pipeline) */
    int *act; RngBlock *blk; double *z; int cap_step; /**< [cap_step]: active firms' indices, blocks, normals */
    uint64_t *gid;           /**< [cap_step]: active firms' ids, the keys of their blocks */
    double *lr, *rv;         /**< [cap_step]: active firms' log revenue after the month's growth, and its exp */
    FirmRates rates;         /**< the firms' monthly rates (firm_rates) */
    /* conservation ledger, checked every year end */
    long firms_start, entries, exits, absorbed;
    ErrBuf err;
} Replicate;

/** Set up replicate `rep` with empty parks and its scratch space, without
 *  building the population (replicate_init does both). Free with
 *  replicate_free() in every case; SIM_ENOMEM on allocation failure. */
SimStatus replicate_alloc(Replicate *R, const Params *p, const ParkInfo *info, int n_parks, uint32_t rep);

/** Build the initial population of replicate `rep` and assess it (year index 0);
 *  like a year end, it also draws the first year's growth variances and counts
 *  the levers' needs for its budgets.
 *  Returns SIM_ENOMEM (replicate left freeable) on allocation failure. */
SimStatus replicate_init(Replicate *R, const Params *p, const ParkInfo *info, int n_parks,
                         uint32_t rep, ReplicateOut *out);
/** Simulate one month; at a year end also assess the parks, and unless it
 *  is the last, draw the next year's growth variances and count the levers'
 *  needs for its budgets from the state it leaves (a change a caller makes to
 *  the state between the year end and the next month does not reach them).
 *  Returns SIM_EMODEL
 *  with R->err set if a conservation check fails, SIM_ENOMEM on allocation failure. */
SimStatus replicate_step(Replicate *R, ReplicateOut *out);
/** Whether all months have been simulated. */
static inline int replicate_done(const Replicate *R) { return R->month >= params_months(R->p); }
void replicate_free(Replicate *R);

/** Run a whole replicate: init, every month, free. On failure `err` (if not
 *  NULL) says what failed. */
SimStatus replicate_run(const Params *p, const ParkInfo *info, int n_parks, uint32_t rep,
                        ReplicateOut *out, ErrBuf *err);

/** The view of park k that agents' processes take. */
ParkView replicate_park(Replicate *R, int k);
/** The context lever `id` acts in for park k in `month`. */
LeverCtx replicate_lever_ctx(Replicate *R, int k, int month, LeverId id);

/** The passes of a park-month (step_park), in order, then the parts of the
 *  work of a year's start and end (replicate_step): X(NAME, label). */
#define REPLICATE_PASSES(X)                                                                                  \
    X(BEGIN, "park start (contexts, park block, park_begin hooks)") X(GATHER, "active list")                  \
    X(BLOCKS, "firm-month blocks") X(NORMALS, "normals") X(GROWTH, "growth and its exp")                      \
    X(STEPS, "firm steps (firm hooks, incident, exit)") X(PARK_END, "park_end hooks") X(RECORD, "park record")
#define REPLICATE_YEAR_PARTS(X)                                                                              \
    X(BUDGETS, "lever budgets (levers_allocate_year)") X(VARIANCES, "growth variances")                       \
    X(ASSESS, "assessment (metrics, year_end hooks, tiers)") X(BOOKS, "books")                                \
    X(COMPACT, "removal of firms that left") X(CLASSIFY, "land-use (mu-jun) classification")
#define REPLICATE_PASS_ENUM_(NAME, label) PASS_##NAME,
typedef enum { REPLICATE_PASSES(REPLICATE_PASS_ENUM_) REPLICATE_YEAR_PARTS(REPLICATE_PASS_ENUM_) PASS_COUNT } ReplicatePass;
#undef REPLICATE_PASS_ENUM_
enum { PASS_MONTH_COUNT = PASS_BUDGETS }; /* the passes of a park-month come first */

/** Time spent in each pass of every park-month and each part of the years'
 *  work (PASS_MONTH_COUNT and on), and in each lever's
 *  park_end hook (part of PASS_PARK_END), since the last call, in ticks of
 *  an unstated clock (compare them as shares); then reset. Only a build of
 *  replicate.c with PARKSIM_PASS_PROFILE defined, on x86-64, keeps these
 *  timers (tests/bench_phases.c, as build/bench_passes): there it returns
 *  1. The model's own build has none, returns 0 and gives zeros. */
int replicate_pass_ticks(double pass[PASS_COUNT], double park_end[LEVER_COUNT]);

/** The accounting invariants (land of every park, the firm count against
 *  entries, exits and absorptions, finite revenues), checked at every year
 *  end: SIM_EMODEL with R->err set if one fails. `month` names the check. */
SimStatus replicate_check_books(Replicate *R, int month);

#endif
