/** \file levers.h
 * The lever framework: which levers exist (LEVER_LIST), what a lever is (the
 * LeverType descriptor), the context every lever acts in (LeverCtx), and what
 * the levers share: schedule, intensity, payment from the park's budget, and
 * the yearly split of each provincial budget across parks (policies/budget.c).
 *
 * Every lever raises a baseline rate toward a lever maximum,
 *     rate = base + intensity * (max - base),
 * so intensity 0 leaves every draw and every decision exactly as without the
 * lever (bit-identical output). Extra *actions* (subsidised upgrades and deals,
 * cleared sites) are paid from the park's share of the provincial budget; once
 * it is spent, only baseline actions happen. Facilitation that costs the budget
 * nothing in the model (investment promotion raising the letting rate and the
 * gap-filling share of entrants; matching raising the same-chain share of
 * acquirers; the safety lever's inspections closing compliance gaps; the
 * 亩均 lever's differentiated prices) follows intensity alone, so a lever
 * with budget 0 still has them.
 *
 * A lever module (policies/<key>.c, named by its scenario key) holds the
 * lever's mechanism, baseline included, and exports one LeverType. The
 * replicate schedule (schedule/replicate.c) calls the hooks of every lever in
 * table order at fixed points of the month; docs/MODEL.md, "Adding a lever",
 * lists what a new lever needs.
 *
 * Pure code (no MPI, no I/O, no printing); depends on agents/ and base/ only.
 */
#ifndef PARKSIM_LEVERS_H
#define PARKSIM_LEVERS_H

#include <stddef.h>
#include "../agents/park.h"

/** Every lever, in table order: X(ID suffix, scenario key). The order is the
 *  order of the output's `lever` dimension and of the hooks within a phase. */
#define LEVER_LIST(X)                                                                                  \
    X(MERGERS, mergers) X(REVITALISATION, revitalisation) X(UPGRADES, upgrades) X(CHAIN, chain)         \
    X(CULTIVATION, cultivation) X(SAFETY, safety) X(SMART, smart) X(LAND, land) X(FOCUS, focus)

#define LEVER_ENUM_(ID, key) LEVER_##ID,
typedef enum { LEVER_LIST(LEVER_ENUM_) LEVER_COUNT } LeverId;
#undef LEVER_ENUM_
_Static_assert(LEVER_COUNT <= PARK_ACCOUNTS, "each lever pays from its own park account");

/** Values a lever may keep in its context for one park-month. */
#define LEVER_MEMO 10

/** What a lever acts on, for one park in one month. */
typedef struct {
    ParkView park;        /**< parameters, the park (its state and firms), keys of its draws */
    int month;            /**< run month, 0 = January of run.start_year */
    double intensity;     /**< this lever's intensity this month (0 outside start..end) */
    int memo_set;         /**< memo holds values (0 in a fresh context, whose memo is not
                           *   initialised: a lever reads it only after it set memo_set) */
    /** Values the lever's firm hooks compute once per park-month instead of
     *  once per firm: the compiler cannot hoist them out of the firm loop
     *  across the hook's indirect call. */
    double memo[LEVER_MEMO];
} LeverCtx;

/** One lever-specific scenario key, levers.<lever>.<name>: a number. */
typedef struct {
    const char *name;     /**< key under levers.<lever>. */
    size_t off;           /**< offsetof(Params, ...) of its double */
    const char *def;      /**< default, as written in a scenario */
    double lo, hi;        /**< allowed range */
    const char *unit;
    const char *doc;      /**< meaning and source tag ([V], [A]) for docs/CONFIG.md */
} LeverKey;

/** A lever. Hooks may be NULL. Within each phase the schedule calls the hooks
 *  of all levers in table order; a hook runs every month whatever the
 *  intensity (the module holds the baseline process too), unless the lever
 *  is inert_when_off and off that month. Random words: the
 *  park-month block pb (w0 chain project, w1 focus) and the firm-month block
 *  b (w2 hi upgrade, w2 lo merger mark, w3 lo promotion); the other words
 *  belong to the agents' own processes (schedule/replicate.c). */
typedef struct {
    LeverId id;
    const char *key;      /**< scenario key (levers.<key>.*), output name, module file name */
    const char *what;     /**< a few words for generated docs, e.g. "M&A (兼并重组)" */
    size_t params;        /**< offsetof(Params, levers.<key>): its LeverParams comes first */
    size_t unit_cost;     /**< offsetof(Params, ...) of the price of one action paid whole; 0: any amount */
    const LeverKey *keys; /**< its own parameters */
    int n_keys;
    /** 1 if every hook of the lever changes nothing at intensity 0 (it has
     *  no baseline process): the schedule then skips its hooks in months
     *  when it is off. tests/test_levers.c checks the claim. */
    int inert_when_off;
    /** What the lever can act on in a park (eligible firms, idle land,
     *  missing links, an infrastructure gap, ...); 0 = nothing. Splits the
     *  budget under the `need` rule. */
    double (*need)(const Params *p, const ParkInfo *info, const ParkState *ps);
    /** Month start, before the park's firms. */
    void (*park_begin)(LeverCtx *c, const RngBlock *pb);
    /** Drift (a-1) the lever takes from a firm's log growth this month. */
    double (*drift_cut)(LeverCtx *c, const Firm *f);
    /** After a firm's growth, before its incident and exit draws. */
    void (*firm_act)(LeverCtx *c, Firm *f, const RngBlock *b);
    /** Exit the lever forces on a firm that the baseline keeps: u is the
     *  firm's exit uniform, hazard its baseline monthly exit hazard. */
    int (*firm_exit)(LeverCtx *c, const Firm *f, double u, double hazard);
    /** After a firm survived the month. */
    void (*firm_late)(LeverCtx *c, Firm *f, const RngBlock *b);
    /** Month end, after the park's firms: deals, entrants, projects. */
    SimStatus (*park_end)(LeverCtx *c, const RngBlock *pb);
    /** Year end, before the assessment reads `metrics` (METRIC_COUNT). */
    void (*year_end)(LeverCtx *c, double *metrics);
} LeverType;

/** Marks a per-firm hook (hook_<key>_<hook>, listed below): the module's
 *  own functions it calls are inlined into it, and it into the schedule's
 *  firm step. With its prototype (declared from the lists) in scope, `inline` makes the
 *  definition the external one the table points to (C11 6.7.4). */
#define LEVER_FIRM_HOOK __attribute__((flatten, always_inline)) inline

/** The levers with each per-firm hook, in table order: X(ID suffix, key).
 *  A per-firm hook is the module's function hook_<key>_<hook>, and the
 *  schedule calls it by that name, so that the compiler inlines it into the
 *  firm step: a call through the table, even one the link-time optimiser
 *  turns into a direct call, is resolved too late to be inlined, and those
 *  calls cost 3.5% of the run. The descriptor holds the same function;
 *  tests/test_levers.c checks that these lists and the table agree and that
 *  each list is in table order. */
#define LEVER_DRIFT_CUT(X) X(LAND, land)
#define LEVER_FIRM_ACT(X) X(UPGRADES, upgrades) X(SAFETY, safety)
#define LEVER_FIRM_EXIT(X) X(LAND, land)
#define LEVER_FIRM_LATE(X) X(MERGERS, mergers) X(CULTIVATION, cultivation)

#define LEVER_DECL_DRIFT_CUT_(ID, key) double hook_##key##_drift_cut(LeverCtx *c, const Firm *f);
#define LEVER_DECL_FIRM_ACT_(ID, key) void hook_##key##_firm_act(LeverCtx *c, Firm *f, const RngBlock *b);
#define LEVER_DECL_FIRM_EXIT_(ID, key) int hook_##key##_firm_exit(LeverCtx *c, const Firm *f, double u, double hazard);
#define LEVER_DECL_FIRM_LATE_(ID, key) void hook_##key##_firm_late(LeverCtx *c, Firm *f, const RngBlock *b);
LEVER_DRIFT_CUT(LEVER_DECL_DRIFT_CUT_)
LEVER_FIRM_ACT(LEVER_DECL_FIRM_ACT_)
LEVER_FIRM_EXIT(LEVER_DECL_FIRM_EXIT_)
LEVER_FIRM_LATE(LEVER_DECL_FIRM_LATE_)

/** The levers, indexed by LeverId (policies/levers.c). */
extern const LeverType *const lever_table[LEVER_COUNT];

/** Scenario key and output name of lever `id` ("mergers", ..., "focus"). */
static inline const char *lever_name(int id) { return lever_table[id]->key; }

/** Rate between a baseline and a lever maximum. */
static inline double lever_rate(double base, double max, double intensity)
{
    return intensity > 0 ? base + intensity * (max - base) : base;
}

/** Lever state for a month: effective intensity (0 when outside start..end). */
double lever_intensity(const LeverParams *c, int month);

/** Pay `cost` from the park's budget of lever `id`; 0 (and nothing spent) if
 *  the budget left is short. */
int lever_pay(ParkState *ps, LeverId id, double cost);
/** Give back a payment that bought nothing. */
void lever_refund(ParkState *ps, LeverId id, double cost);

/** The LeverParams of lever `id`. */
const LeverParams *lever_params(const Params *p, LeverId id);

/** Price of one action of lever `id` if it pays whole actions, else 0. */
double lever_unit_cost(const Params *p, LeverId id);

/** Need of a park for lever `id` (the descriptor's need; 0 without one). */
double lever_need(const Params *p, const ParkInfo *info, const ParkState *ps, LeverId id);

/** The targeting rule (AllocRule) lever `id` uses. */
int lever_rule(const Params *p, LeverId id);

/** Split each active lever's budget for the year starting at `month` across
 *  parks by its targeting rule, after scaling the budgets down to
 *  province.budget if they exceed it, and reset what was spent. Levers that
 *  pay whole actions get whole actions' worth per park. `work` must hold
 *  LEVERS_ALLOCATE_WORK(n_parks) doubles. (policies/budget.c) */
#define LEVERS_ALLOCATE_WORK(n_parks) ((size_t)(5 + LEVER_COUNT) * (size_t)(n_parks))
void levers_allocate_year(const Params *p, const ParkInfo *info, ParkState *parks, int n_parks, int month,
                          double *work);

/** Park ps's need for each lever in the year starting at `month` (0 for a
 *  lever not active in that year): the part of levers_allocate_year() that
 *  reads the park's firms, for a caller that visits the park anyway. */
void levers_park_needs(const Params *p, const ParkInfo *info, const ParkState *ps, int month,
                       double need[LEVER_COUNT]);

/** levers_allocate_year() with the needs given: need[k * LEVER_COUNT + id]
 *  from levers_park_needs() for park k in the parks' present state. */
void levers_allocate_year_needs(const Params *p, ParkState *parks, int n_parks, int month, const double *need,
                                double *work);

#endif
