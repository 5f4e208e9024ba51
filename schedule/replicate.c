/** \file replicate.c
 * Schedule of one replicate (docs/MODEL.md, "Process overview and scheduling").
 *
 * Each month, park by park in park order:
 *   0. the levers' park_begin hooks (safety and smart-park investment, focus);
 *   1. every active firm, in array order: growth (with the levers' drift
 *      cuts), the firm_act hooks (upgrade decision, safety compliance),
 *      safety incident, exit (baseline, then the levers' forced exits; an
 *      exit leaves an idle site), then for a firm still in, the firm_late
 *      hooks (merger target marking, cultivation promotion);
 *   2. the park_end hooks: merger deals, the sites (clearing, entrants; none
 *      while a serious incident freezes new projects), a chain project;
 *   3. the month's park record.
 * At each year end: the levers' year_end hooks (smart-level step), the
 * assessment, the conservation checks, removal of exited and absorbed firms,
 * and the 亩均 land-use classification of the rest.
 * At each year start: lever budgets and every firm's growth variance (from
 * the state the year starts with; the year end before, which leaves that
 * state, draws the variances and counts the levers' needs park by park).
 * Parks do not interact within a month except through the assessment
 * (percentile bands) and the budget split, which both happen between months,
 * so the park order does not change results.
 *
 * Random words. Park-month block (RNG_PARK_MONTH): w0 chain project, w1
 * focus. Firm-month block (RNG_FIRM_MONTH): w0 growth, w1 exit (hi) and
 * incident (lo), w2 upgrade (hi) and merger mark (lo), w3 severity (hi) and
 * promotion (lo).
 */
#include "replicate.h"
#include "../agents/assess.h"
#include "../agents/firm.h"
#include "../agents/population.h"
#include "../agents/vmath.h"
#include "../policies/safety.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Timers around the passes of a park-month, only in the profile build
 * (replicate_pass_ticks) and only on x86-64: a sampling profiler on a
 * virtual machine places time unreliably, and a pass is too short for
 * clock_gettime to time without adding much of it; the time-stamp counter
 * costs a few ns a read. The counts are process-wide: the profile build
 * runs one replicate at a time. */
#if defined(PARKSIM_PASS_PROFILE) && defined(__x86_64__)
#include <x86intrin.h>
static double pass_clock(void) { return (double)__rdtsc(); }
static double pass_ticks[PASS_COUNT], park_end_ticks[LEVER_COUNT];
#define PASS_START() double pass_t0_ = pass_clock()
#define PASS_END(NAME)                                                                                         \
    do {                                                                                                       \
        double t_ = pass_clock();                                                                              \
        pass_ticks[PASS_##NAME] += t_ - pass_t0_;                                                              \
        pass_t0_ = t_;                                                                                         \
    } while (0)
#define HOOK_START() double hook_t0_ = pass_clock()
#define HOOK_END(id) (park_end_ticks[id] += pass_clock() - hook_t0_)

int replicate_pass_ticks(double pass[PASS_COUNT], double park_end[LEVER_COUNT])
{
    memcpy(pass, pass_ticks, sizeof pass_ticks);
    memcpy(park_end, park_end_ticks, sizeof park_end_ticks);
    memset(pass_ticks, 0, sizeof pass_ticks);
    memset(park_end_ticks, 0, sizeof park_end_ticks);
    return 1;
}
#else
#define PASS_START() (void)0
#define PASS_END(NAME) (void)0
#define HOOK_START() (void)0
#define HOOK_END(id) (void)0

int replicate_pass_ticks(double pass[PASS_COUNT], double park_end[LEVER_COUNT])
{
    memset(pass, 0, PASS_COUNT * sizeof *pass);
    memset(park_end, 0, LEVER_COUNT * sizeof *park_end);
    return 0;
}
#endif

ParkView replicate_park(Replicate *R, int k)
{
    ParkView v = {R->p, &R->info[k], &R->park[k], k, R->rep, R->r};
    return v;
}

LeverCtx replicate_lever_ctx(Replicate *R, int k, int month, LeverId id)
{
    LeverCtx c = {replicate_park(R, k), month, lever_intensity(lever_params(R->p, id), month), 0, {0}};
    return c;
}

/* Whether lever id's hook runs in context c: a lever that is off that month
 * and whose hooks are inert then is skipped. */
static int hook_runs(const LeverCtx *c, LeverId id)
{
    return c->intensity > 0 || !lever_table[id]->inert_when_off;
}

/* Park k's indicators for year index y (0 = initial state) into the
 * metrics, after the levers' year_end hooks (a year y > 0). */
static void assess_park(Replicate *R, int k, int y)
{
    double *mk = &R->metrics[k * METRIC_COUNT];
    assess_park_metrics(R->p, &R->info[k], &R->park[k], y, mk);
    if (y > 0)
        for (int h = 0; h < R->year_end.n; h++) {
            LeverId id = R->year_end.id[h];
            LeverCtx c = replicate_lever_ctx(R, k, 12 * y - 1, id);
            if (hook_runs(&c, id)) lever_table[id]->year_end(&c, mk);
        }
    R->serious[k] = R->park[k].serious_year;
    R->smart[k] = R->park[k].smart_level;
}

/* The assessment of year index y across the parks, from their indicators
 * (assess_park), into out. */
static void assess_across(Replicate *R, ReplicateOut *out, int y)
{
    const Params *p = R->p;
    int P = R->n_parks, G = p->assessment.n_groups;
    int top = assess_parks(&p->assessment, P, R->smart, R->metrics, R->serious, &out->score[y * P],
                           &out->tier[y * P], &out->veto[y * P], &out->group_score[y * P * G], R->work);
    int second = 0;
    for (int k = 0; k < P; k++) second += out->tier[y * P + k] == 2;
    out->top_tier_count[y] = top;
    out->second_tier_count[y] = second;
    memcpy(&out->indicator[y * P * METRIC_COUNT], R->metrics, (size_t)P * METRIC_COUNT * sizeof(double));
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        for (int l = 0; l < LEVER_COUNT; l++) {
            out->lever_spent[(y * P + k) * LEVER_COUNT + l] = ps->spent[l];
            out->lever_allotted[(y * P + k) * LEVER_COUNT + l] = ps->allotted[l];
        }
        ps->revenue_prev = R->metrics[k * METRIC_COUNT + METRIC_REVENUE] * 1e4;
        ps->score_prev = out->score[y * P + k];
        ps->incidents_year = ps->serious_year = 0;
    }
}

/* Park k's part of the books (replicate_check_books): its firms' revenues
 * finite and land positive, its occupied and idle land the park's land;
 * its active firms added to *active. */
static SimStatus check_park_books(Replicate *R, int k, int month, long *active)
{
    const ParkState *ps = &R->park[k];
    double land = park_idle_mu(ps);
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        if (f->status != FIRM_ACTIVE) continue;
        ++*active;
        land += f->land_mu;
        if (!isfinite(f->log_rev) || !(f->land_mu > 0))
            return sim_record(&R->err, SIM_EMODEL, "replicate %u month %d park %d: firm %llu has revenue exp(%g) and land %g",
                              R->rep, month, k, (unsigned long long)f->gid, f->log_rev, f->land_mu);
    }
    double total = R->info[k].land_mu;
    if (fabs(land - total) > 1e-6 * (total + 1))
        return sim_record(&R->err, SIM_EMODEL,
                          "replicate %u month %d park %d: occupied + idle land = %.6f mu, park land = %.6f mu", R->rep,
                          month, k, land, total);
    return SIM_OK;
}

/* The count of active firms against the entries, exits and absorptions. */
static SimStatus check_firm_count(Replicate *R, int month, long active)
{
    long expect = R->firms_start + R->entries - R->exits - R->absorbed;
    if (active != expect)
        return sim_record(&R->err, SIM_EMODEL,
                          "replicate %u month %d: %ld active firms, expected %ld = %ld + %ld entries - %ld exits - %ld absorbed",
                          R->rep, month, active, expect, R->firms_start, R->entries, R->exits, R->absorbed);
    return SIM_OK;
}

SimStatus replicate_check_books(Replicate *R, int month)
{
    long active = 0;
    SimStatus st;
    for (int k = 0; k < R->n_parks; k++)
        if ((st = check_park_books(R, k, month, &active)) != SIM_OK) return st;
    return check_firm_count(R, month, active);
}

/* Blocks of at most this many firms at a time on the stack (6 KB), for the
 * batch draws outside the month's step, which has buffers of its own. */
enum { DRAW_CHUNK = 128 };

/* Park k's firms' growth variances for year `year`; log_ref is
 * log(firm.growth_ref_revenue). */
static void draw_park_variances(Replicate *R, int k, int year, double log_ref)
{
    const Params *p = R->p;
    ParkState *ps = &R->park[k];
    for (int i = 0; i < ps->n_firm;) { /* the active firms' blocks a chunk at a time */
        Firm *f[DRAW_CHUNK];
        uint64_t gid[DRAW_CHUNK];
        RngBlock b[DRAW_CHUNK];
        int n = 0;
        for (; i < ps->n_firm && n < DRAW_CHUNK; i++)
            if (ps->firm[i].status == FIRM_ACTIVE) {
                f[n] = &ps->firm[i];
                gid[n++] = ps->firm[i].gid;
            }
        rng_blocks(p->run.seed, R->rep, gid, n, (uint32_t)year, RNG_FIRM_YEAR, b);
        /* firm_year_variance(), its exp and log four at a time */
        double e[DRAW_CHUNK], lu[DRAW_CHUNK];
        for (int j = 0; j < n; j++) {
            e[j] = firm_growth_sd_exponent_at(p, log_ref, f[j]->log_rev);
            lu[j] = rng_u52(b[j].w[0]);
        }
        vmath_exp(e, n, e);
        vmath_log(lu, n, lu);
        for (int j = 0; j < n; j++) e[j] = firm_year_variance_of(p->firm.growth_sigma * e[j], lu[j]);
        int j = 0;
#if defined(__SSE2__)
        /* firm_set_year_variance's sqrt(V / 12) for two firms at a time:
         * the divider and the square root are what this loop waits on,
         * and a lane rounds as the scalar operations do. */
        for (; j + 2 <= n; j += 2) {
            __m128d sd = _mm_sqrt_pd(_mm_div_pd(_mm_loadu_pd(&e[j]), _mm_set1_pd(12.0)));
            _mm_storel_pd(&f[j]->sd_month, sd);
            _mm_storeh_pd(&f[j + 1]->sd_month, sd);
        }
#endif
        for (; j < n; j++) firm_set_year_variance(f[j], e[j]);
    }
}

/* The levers with a hook at each point of the month, in table order. */
static void collect_hooks(Replicate *R)
{
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
#define ADD_IF(hook) if (t->hook) R->hook.id[R->hook.n++] = (LeverId)id
        ADD_IF(park_begin);
        ADD_IF(park_end);
        ADD_IF(year_end);
#undef ADD_IF
    }
}

SimStatus replicate_alloc(Replicate *R, const Params *p, const ParkInfo *info, int P, uint32_t rep)
{
    memset(R, 0, sizeof *R);
    R->p = p;
    R->info = info;
    R->n_parks = P;
    R->rep = rep;
    R->park = calloc((size_t)P, sizeof *R->park);
    R->metrics = malloc((size_t)P * METRIC_COUNT * sizeof *R->metrics);
    R->work = malloc(LEVERS_ALLOCATE_WORK(P) * sizeof *R->work); /* levers_allocate_year, and assess_parks (P) */
    R->needs = malloc((size_t)P * LEVER_COUNT * sizeof *R->needs);
    R->prepared = -1;
    R->serious = calloc((size_t)P, sizeof *R->serious);
    R->smart = calloc((size_t)P, sizeof *R->smart);
    R->r = rng_gsl_alloc();
    if (!R->park || !R->metrics || !R->work || !R->needs || !R->serious || !R->smart || !R->r) return SIM_ENOMEM;
    R->rates = firm_rates(p);
    collect_hooks(R);
    for (int k = 0; k < P; k++) {
        ParkState *ps = &R->park[k];
        ps->infra = safety_initial_infra(p, &info[k]);
        ps->smart_level = info[k].smart_level;
        ps->industries = info[k].industries;
    }
    return SIM_OK;
}

static void prior_year_incidents(Replicate *R, int k);

SimStatus replicate_init(Replicate *R, const Params *p, const ParkInfo *info, int P, uint32_t rep,
                         ReplicateOut *out)
{
    SimStatus st = replicate_alloc(R, p, info, P, rep);
    if (st != SIM_OK) return st;
    /* Park by park, as at a year end: its firms are built, classified, take
     * their year before the run, are assessed and checked, and counted for
     * the first year's lever needs and growth variances while in cache. */
    long active = 0;
    double log_ref = log(p->firm.growth_ref_revenue);
    for (int k = 0; k < P; k++) {
        ParkView v = replicate_park(R, k);
        if (population_init_park(&v) != SIM_OK) return SIM_ENOMEM;
        if (park_classify(p, &R->park[k], &R->order, &R->cap_order) != SIM_OK) return SIM_ENOMEM;
        prior_year_incidents(R, k);
        R->firms_start += R->park[k].n_firm;
        assess_park(R, k, 0);
        if ((st = check_park_books(R, k, -1, &active)) != SIM_OK) return st;
        levers_park_needs(p, &info[k], &R->park[k], 0, &R->needs[(size_t)k * LEVER_COUNT]);
        draw_park_variances(R, k, 0, log_ref);
    }
    R->prepared = 0;
    assess_across(R, out, 0);
    return check_firm_count(R, -1, active);
}

/* The firm hooks of one park-month: whether each lever's hooks run, and
 * its context. The firm step calls the hooks by name from the lists of
 * policies/levers.h (LEVER_FIRM_ACT, ...), in table order, with each
 * lever's index a constant, and the compiler inlines them: an indirect call
 * per firm per hook cost more than most hooks' own work (5% of the run with
 * every lever on), and a direct call 3.5% more than the inlined hook. */
typedef struct {
    int run[LEVER_COUNT];
    LeverCtx *ctx;
} FirmHooks;

static void resolve_firm_hooks(LeverCtx *ctx, FirmHooks *fh)
{
    fh->ctx = ctx;
    for (int id = 0; id < LEVER_COUNT; id++) fh->run[id] = hook_runs(&ctx[id], (LeverId)id);
}

/* Whether firm f of park ps has a safety incident in month m, from the low
 * half of word w_inc (incident) and the high half of word w_sev (severity);
 * counted in the park's month and year, and a serious one for the veto and
 * perhaps the freeze. */
static void incident_draw(const Params *p, const FirmRates *fr, ParkState *ps, const Firm *f, uint64_t w_inc,
                          uint64_t w_sev, int m, double infra_factor)
{
    if (!(rng_u32_lo(w_inc) < firm_incident_hazard_r(fr, f) * infra_factor)) return;
    ps->incidents_m++;
    ps->incidents_year++;
    /* Nested on one uniform: a freezing incident is a serious one. */
    double u_sev = rng_u32_hi(w_sev);
    if (u_sev < p->firm.serious_share) {
        ps->serious_year++;
        if (u_sev < p->firm.serious_share * p->safety.freeze_share) safety_serious_incident(p, ps, m);
    }
}

/* The incidents of the year before the run (months -12 .. -1), from the same
 * hazard as in the run, so that the initial assessment scores safety like
 * every other year; a freeze from a serious one late in that year carries
 * into the run. Only incidents are drawn: the initial population is the state
 * at the end of that year. A month needs two 32-bit uniforms per firm, so one
 * block serves four months: block q (step q of RNG_FIRM_PRE) gives month
 * -12 + 4q + j its incident from the low and its severity from the high half
 * of word j. What a draw changes (the park's counts, and the latest end of a
 * freeze) does not depend on the order of the draws, so a chunk of firms
 * takes its whole year before the next chunk. */
static void prior_year_incidents(Replicate *R, int k)
{
    const Params *p = R->p;
    ParkState *ps = &R->park[k];
    double infra_factor = 1.0 - p->safety.infra_effect * ps->infra;
    int n = ps->n_firm;
    for (int i = 0; i < n; i += DRAW_CHUNK) {
        const Firm *f = &ps->firm[i];
        int nc = n - i < DRAW_CHUNK ? n - i : DRAW_CHUNK;
        uint64_t gid[DRAW_CHUNK];
        RngBlock b[DRAW_CHUNK];
        for (int j = 0; j < nc; j++) gid[j] = f[j].gid;
        for (int q = 0; q < 3; q++) {
            rng_blocks(p->run.seed, R->rep, gid, nc, (uint32_t)q, RNG_FIRM_PRE, b);
            for (int w = 0; w < 4; w++)
                for (int j = 0; j < nc; j++)
                    incident_draw(p, &R->rates, ps, &f[j], b[j].w[w], b[j].w[w], -12 + 4 * q + w, infra_factor);
        }
    }
    ps->incidents_m = 0;
}

/* Two doubles in one register (GCC's vector extension; plain scalar code
 * where the target has no vector unit). */
typedef double v2d __attribute__((vector_size(16)));

/* The month's growth of the active firms act[0 .. n) of park ps: each
 * one's new log revenue into lr, and its exp into rv, by vmath_exp, several
 * at a time. A firm's growth reads its technology, tier and land class and
 * the levers' drift cuts, which only the firm's own later steps of the
 * month change, so it can be computed for all of them before the first
 * firm's step. */
static void growth_pass(Replicate *R, const ParkState *ps, const FirmHooks *fh, int n, double *lr, double *rv)
{
    const Params *p = R->p;
    for (int j = 0; j < n; j++) {
        const Firm *f = &ps->firm[R->act[j]];
        double drift_adj = p->cultivation.growth_bonus * f->cult;
#define DRIFT_(ID, key) if (fh->run[LEVER_##ID]) drift_adj -= hook_##key##_drift_cut(&fh->ctx[LEVER_##ID], f);
        LEVER_DRIFT_CUT(DRIFT_)
#undef DRIFT_
        /* The firm's two divisions by 12 in one two-lane division: the
         * divider is what this loop waits on, and a lane divides as the
         * scalar division does. */
        v2d num = {firm_growth_drift_r(&R->rates, f), drift_adj}, q = num / 12.0;
        lr[j] = f->log_rev + (firm_growth_step_of(q[0], f, R->z[j]) + q[1]);
    }
    vmath_exp(lr, n, rv);
}

/* One month of one active firm of park ps after its growth: the levers'
 * firm hooks, incident, exit. */
static SimStatus step_firm(Replicate *R, ParkState *ps, int m, const FirmHooks *fh, Firm *f, const RngBlock *bp,
                           double log_rev, double rev, double log_min_rev, double infra_factor)
{
    const Params *p = R->p;
    const RngBlock *b = bp;
    f->log_rev = log_rev; /* the month's growth (growth_pass), and rev = exp(log_rev) */
    f->rev = rev;
#define ACT_(ID, key) if (fh->run[LEVER_##ID]) hook_##key##_firm_act(&fh->ctx[LEVER_##ID], f, b);
    LEVER_FIRM_ACT(ACT_)
#undef ACT_
    incident_draw(p, &R->rates, ps, f, b->w[1], b->w[3], m, infra_factor);
    double u_exit = rng_u32_hi(b->w[1]), h_exit = firm_exit_hazard_r(&R->rates, f);
    /* A lever's forced exit is tried only where the baseline keeps the firm:
     * it may pay compensation. */
    int out = (f->log_rev < log_min_rev) | (u_exit < h_exit); /* one branch, rarely taken */
#define EXIT_(ID, key) if (!out && fh->run[LEVER_##ID]) out = hook_##key##_firm_exit(&fh->ctx[LEVER_##ID], f, u_exit, h_exit);
    LEVER_FIRM_EXIT(EXIT_)
#undef EXIT_
    if (out) {
        f->status = FIRM_EXITED;
        park_firm_left(ps, f);
        ps->exits_m++;
        R->exits++;
        SimStatus st = park_add_site(ps, f->land_mu, m);
        f->land_mu = 0;
        return st;
    }
#define LATE_(ID, key) if (fh->run[LEVER_##ID]) hook_##key##_firm_late(&fh->ctx[LEVER_##ID], f, b);
    LEVER_FIRM_LATE(LATE_)
#undef LATE_
    return SIM_OK;
}

/* The month's record of park k. */
static void record_park(const ParkState *ps, ReplicateOut *out, int t)
{
    double rev = 0, tech_w = 0;
    int active = 0;
    /* Without a branch per firm (firms that left this year are still in the
     * array, at random places): a gone firm adds +0, which leaves the sums
     * of positive terms unchanged bit for bit. */
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        int in = f->status == FIRM_ACTIVE;
        double r = in ? f->rev : 0.0, tk = in ? f->tech : 0.0;
        active += in;
        rev += r;
        tech_w += r * tk;
    }
    out->m_firms[t] = active;
    out->m_revenue[t] = rev;
    out->m_tech[t] = rev > 0 ? tech_w / rev : 0;
    out->m_idle_mu[t] = park_idle_mu(ps);
    out->m_entries[t] = ps->entries_m;
    out->m_exits[t] = ps->exits_m;
    out->m_mergers[t] = ps->mergers_m;
    out->m_upgrades[t] = ps->upgrades_m;
    out->m_incidents[t] = ps->incidents_m;
    out->m_projects[t] = ps->projects_m;
    out->m_promotions[t] = ps->promotions_m;
}

/* One month of park k. */
static SimStatus step_park(Replicate *R, int k, const double *intensity, double log_min_rev, ReplicateOut *out)
{
    const Params *p = R->p;
    int m = R->month;
    ParkState *ps = &R->park[k];
    SimStatus st;
    PASS_START();
    ps->entries_m = ps->exits_m = ps->mergers_m = ps->upgrades_m = ps->incidents_m = 0;
    ps->projects_m = ps->promotions_m = 0;
    LeverCtx ctx[LEVER_COUNT];
    ParkView v = replicate_park(R, k);
    /* Field by field, and the memo left to the lever (levers.h): building
     * each context whole, memo zeroed, and copying it costs 0.3 to 0.5 ns
     * more per firm-step (the compiler's wide copies wait on its own narrow
     * stores). */
    for (int id = 0; id < LEVER_COUNT; id++) {
        ctx[id].park = v;
        ctx[id].month = m;
        ctx[id].intensity = intensity[id];
        ctx[id].memo_set = 0;
    }
    RngBlock pb = rng_block(p->run.seed, R->rep, (uint64_t)k, (uint32_t)m, RNG_PARK_MONTH);
    for (int h = 0; h < R->park_begin.n; h++) {
        LeverId id = R->park_begin.id[h];
        if (hook_runs(&ctx[id], id)) lever_table[id]->park_begin(&ctx[id], &pb);
    }
    double infra_factor = 1.0 - p->safety.infra_effect * ps->infra;
    FirmHooks fh;
    resolve_firm_hooks(ctx, &fh);
    PASS_END(BEGIN);

    int n_firm = ps->n_firm; /* entrants of this month are not stepped this month */
    if (n_firm > R->cap_step) {
        int cap = n_firm + n_firm / 4 + 16;
        int grown = 1; /* each buffer keeps its old block if its realloc fails */
#define GROW_(buf)                                                  \
        do {                                                        \
            void *n_ = realloc((buf), (size_t)cap * sizeof *(buf)); \
            if (n_) (buf) = n_;                                     \
            else grown = 0;                                         \
        } while (0)
        GROW_(R->blk);
        GROW_(R->z);
        GROW_(R->act);
        GROW_(R->gid);
        GROW_(R->lr);
        GROW_(R->rv);
#undef GROW_
        if (!grown) return SIM_ENOMEM;
        R->cap_step = cap;
    }
    /* A firm's draws depend on its key alone, and only the firm's own step
     * changes its status, so the draws of the firms active now are made
     * first, in passes the processor can overlap: the blocks in SIMD lanes
     * where it has them, the normals four at a time. */
    const Firm *fm = ps->firm;
    int n_act = 0;
    for (int i = 0; i < n_firm; i++) { /* each firm written, kept if active: no branch per firm */
        R->gid[n_act] = fm[i].gid;
        R->act[n_act] = i;
        n_act += fm[i].status == FIRM_ACTIVE;
    }
    int j;
    PASS_END(GATHER);
    rng_blocks(p->run.seed, R->rep, R->gid, n_act, (uint32_t)m, RNG_FIRM_MONTH, R->blk);
    PASS_END(BLOCKS);
    rng_normal_batch(R->blk, n_act, R->z);
    PASS_END(NORMALS);
    growth_pass(R, ps, &fh, n_act, R->lr, R->rv);
    PASS_END(GROWTH);
    /* What would otherwise be waited for: the next park's firms (a month of
     * the national population is ~9 MB of firms, and each park's array is
     * its own allocation, which the hardware prefetcher does not cross) are
     * fetched while this park's firms are stepped; this park's idle sites,
     * which its end reads (about 22 a park, visited every month), and the
     * next park's own state, a few lines each, are asked for now. */
    const char *sites = (const char *)ps->site;
    for (size_t o = 0; o < (size_t)ps->n_site * sizeof *ps->site; o += 64) __builtin_prefetch(sites + o);
    if (k + 1 < R->n_parks)
        for (size_t o = 0; o < sizeof(ParkState); o += 64) __builtin_prefetch((const char *)&R->park[k + 1] + o);
    const char *next = k + 1 < R->n_parks ? (const char *)R->park[k + 1].firm : NULL;
    size_t next_bytes = next ? (size_t)R->park[k + 1].n_firm * sizeof(Firm) : 0, pf = 0;
    for (j = 0; j < n_act; j++) {
        for (int q = 0; q < 2 && pf < next_bytes; q++, pf += 64) __builtin_prefetch(next + pf);
        if ((st = step_firm(R, ps, m, &fh, &ps->firm[R->act[j]], &R->blk[j], R->lr[j], R->rv[j], log_min_rev,
                            infra_factor)) !=
            SIM_OK)
            return st;
    }
    PASS_END(STEPS);
    for (int h = 0; h < R->park_end.n; h++) {
        LeverId id = R->park_end.id[h];
        HOOK_START();
        if (hook_runs(&ctx[id], id) && (st = lever_table[id]->park_end(&ctx[id], &pb)) != SIM_OK) return st;
        HOOK_END(id);
    }
    R->absorbed += ps->mergers_m;
    R->entries += ps->entries_m + ps->projects_m;
    PASS_END(PARK_END);
    record_park(ps, out, m * R->n_parks + k);
    PASS_END(RECORD);
    return SIM_OK;
}

SimStatus replicate_step(Replicate *R, ReplicateOut *out)
{
    const Params *p = R->p;
    int m = R->month, P = R->n_parks;
    SimStatus st;

    if (m % 12 == 0) { /* the year's budgets; the needs and variances unless the year end before made them */
        PASS_START();
        if (R->prepared != m) {
            double log_ref = log(p->firm.growth_ref_revenue);
            for (int k = 0; k < P; k++) {
                levers_park_needs(p, &R->info[k], &R->park[k], m, &R->needs[(size_t)k * LEVER_COUNT]);
                PASS_END(BUDGETS);
                draw_park_variances(R, k, m / 12, log_ref);
                PASS_END(VARIANCES);
            }
            R->prepared = m;
        }
        levers_allocate_year_needs(p, R->park, P, m, R->needs, R->work);
        PASS_END(BUDGETS);
    }
    double intensity[LEVER_COUNT];
    for (int id = 0; id < LEVER_COUNT; id++) intensity[id] = lever_intensity(lever_params(p, (LeverId)id), m);
    double log_min_rev = log(p->firm.exit_min_revenue); /* hoisted: log() is not pure for the compiler */

    for (int k = 0; k < P; k++)
        if ((st = step_park(R, k, intensity, log_min_rev, out)) != SIM_OK) return st;

    if (m % 12 == 11) {
        /* Park by park, so that a park's firms, fetched once, stay in cache
         * from one part to the next (the national population is larger than
         * the cache): its indicators, its books, the removal of the firms
         * that left, its classes, and for the next year its lever needs and
         * its firms' growth variances, which read the state the next year
         * starts from (nothing changes it in between) and are keyed draws.
         * What a part reads of a park, the other parks' parts do not change;
         * the assessment across parks and the count of firms wait for all of
         * them, the budget split for the next month. After the last year
         * nothing reads the classes, needs or variances. */
        int y = m / 12 + 1, last = m + 1 >= params_months(p);
        long active = 0;
        double log_ref = log(p->firm.growth_ref_revenue);
        PASS_START();
        for (int k = 0; k < P; k++) {
            assess_park(R, k, y);
            PASS_END(ASSESS);
            if ((st = check_park_books(R, k, m, &active)) != SIM_OK) return st;
            PASS_END(BOOKS);
            park_compact(&R->park[k]);
            PASS_END(COMPACT);
            if (last) continue;
            if ((st = park_classify(p, &R->park[k], &R->order, &R->cap_order)) != SIM_OK) return st;
            PASS_END(CLASSIFY);
            levers_park_needs(p, &R->info[k], &R->park[k], m + 1, &R->needs[(size_t)k * LEVER_COUNT]);
            PASS_END(BUDGETS);
            draw_park_variances(R, k, y, log_ref);
            PASS_END(VARIANCES);
        }
        if (!last) R->prepared = m + 1;
        if ((st = check_firm_count(R, m, active)) != SIM_OK) return st;
        PASS_END(BOOKS);
        assess_across(R, out, y);
        PASS_END(ASSESS);
    }
    R->month++;
    return SIM_OK;
}

void replicate_free(Replicate *R)
{
    if (R->park)
        for (int k = 0; k < R->n_parks; k++) {
            free(R->park[k].firm);
            free(R->park[k].site);
        }
    free(R->park);
    free(R->metrics);
    free(R->work);
    free(R->needs);
    free(R->serious);
    free(R->smart);
    free(R->order);
    free(R->blk);
    free(R->z);
    free(R->act);
    free(R->gid);
    free(R->lr);
    free(R->rv);
    if (R->r) gsl_rng_free(R->r);
    memset(R, 0, sizeof *R);
}

SimStatus replicate_run(const Params *p, const ParkInfo *info, int P, uint32_t rep, ReplicateOut *out, ErrBuf *err)
{
    Replicate R;
    SimStatus st = replicate_init(&R, p, info, P, rep, out);
    while (st == SIM_OK && !replicate_done(&R)) st = replicate_step(&R, out);
    if (st == SIM_ENOMEM) sim_record(err, st, "replicate %u: out of memory", rep);
    else if (st != SIM_OK) sim_record(err, st, "%s", R.err.msg);
    replicate_free(&R);
    return st;
}
