/** \file model.h
 * The agent model: enterprises in parks, stepped monthly, parks assessed
 * yearly. One Replicate is one independent realisation of a whole province.
 *
 * Pure code: no MPI, no file I/O, no printing. Errors come back as SimStatus
 * values with a message in Replicate.errmsg for sim/ to report.
 */
#ifndef PARKSIM_MODEL_H
#define PARKSIM_MODEL_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "params.h"
#include "rng.h"
#include "../base/err.h"

/** Static description of a park, from the population CSV. */
typedef struct {
    char code[32];        /**< short ASCII identifier */
    char name[128];       /**< official name (UTF-8) */
    char city[48];        /**< prefecture-level city (UTF-8) */
    char size_class;      /**< 'L', 'M' or 'S' (DOMAIN-FACTS §5.1) */
    int firms;            /**< enterprises at the start */
    double revenue;       /**< park revenue at the start, CNY 1e4 per year */
    double land_mu;       /**< industrial land, mu */
    double idle_share;    /**< idle share of the land at the start, fraction */
    int n_chains;         /**< leading chains, 1..PARK_MAX_CHAINS */
    char chains[PARK_MAX_CHAINS][32]; /**< leading chain names */
    int industries;       /**< leading industries (metric leading_industries; MIIT/NDRC advise at most 3) */
    int smart_level;      /**< 0 初始级, 1 提升级, 2 top */
    double anchor_revenue;/**< revenue of the chain-leader firm, CNY 1e4 (0: none) */
} ParkInfo;

typedef enum { FIRM_ACTIVE = 0, FIRM_EXITED = 1, FIRM_MERGED = 2 } FirmStatus;
typedef enum { CULT_NONE = 0, CULT_INNOVATIVE, CULT_SPECIALISED, CULT_LITTLE_GIANT, CULT_CHAMPION } CultTier;
typedef enum { CLASS_A = 0, CLASS_B, CLASS_C, CLASS_D } LandClass;
typedef enum {
    LEVER_MERGERS = 0, LEVER_REVITALISATION, LEVER_UPGRADES, LEVER_CHAIN, LEVER_CULTIVATION,
    LEVER_SAFETY, LEVER_SMART, LEVER_LAND, LEVER_FOCUS, LEVER_COUNT
} LeverId;
/** Scenario key and output name of each lever ("mergers", ..., "focus"). */
extern const char *const lever_names[LEVER_COUNT];

/** One enterprise. Revenue is kept as its logarithm because growth is
 *  multiplicative and the size-dependent spread needs log size anyway. */
typedef struct {
    uint64_t gid;       /**< (park << 32) | serial: unique within a replicate, keys its draws */
    double log_rev;     /**< ln(revenue in CNY 1e4 per year) */
    double land_mu;     /**< land held, mu */
    double tech;        /**< technology/digital level, 0..1 */
    double rd;          /**< R&D intensity, fraction of revenue */
    double safety;      /**< safety compliance, 0..1 */
    double var_year;    /**< variance of this year's log growth (Laplace mixture) */
    int32_t born;       /**< month of entry (-1: initial population) */
    int8_t chain;       /**< leading chain index, -1 outside the leading chains */
    uint8_t link;       /**< link (position) on its chain, 0 = upstream */
    uint8_t status;     /**< FirmStatus */
    uint8_t cult;       /**< CultTier */
    uint8_t lclass;     /**< LandClass (亩均 class) from the last classification */
    uint8_t target;     /**< merger target this month: 1 baseline deal, 2 subsidised deal */
} Firm;

/** An idle plot. IDLE plots must be cleared (READY) before an entrant can use them. */
typedef struct { double mu; uint32_t id; int8_t ready; int32_t since; } Site;

typedef struct {
    Firm *firm; int n_firm, cap_firm;
    Site *site; int n_site, cap_site;
    uint32_t next_serial;      /**< serial of the next entrant */
    uint32_t next_site_id;
    double budget[LEVER_COUNT];/**< lever budget left this year, CNY 1e4 */
    double spent[LEVER_COUNT]; /**< lever budget spent this year, CNY 1e4 */
    double revenue_prev;       /**< revenue at the last assessment, CNY 1e4 */
    double score_prev;         /**< composite score at the last assessment (targeting rule) */
    double infra;              /**< shared safety/environment infrastructure level, 0..1 */
    double smart_invest;       /**< smart-park platform investment not yet used for a level, CNY 1e4 */
    int smart_level;           /**< 0 初始级, 1 提升级, 2 top */
    int industries;            /**< leading industries */
    int frozen_until;          /**< new projects frozen before this month (serious incident) */
    int incidents_year, serious_year;
    int entries_m, exits_m, mergers_m, upgrades_m, incidents_m, projects_m, promotions_m;
} ParkState;

/** Sort item of the yearly land-use classification. */
typedef struct { double key; uint64_t gid; int idx; } RankItem;

/** What one replicate produces; arrays are views into batch buffers owned by sim/.
 *  Y = assessment years, T = months, P = parks, G = groups, M = METRIC_COUNT. */
typedef struct {
    int32_t *top_tier_count;    /**< [Y] */
    int32_t *second_tier_count; /**< [Y] */
    double *score;              /**< [Y][P] composite score, 0..100 */
    int8_t *tier;               /**< [Y][P] 1, 2 or 3 */
    int8_t *veto;               /**< [Y][P] 1 if a veto applied */
    double *group_score;        /**< [Y][P][G] */
    double *indicator;          /**< [Y][P][M] */
    double *lever_spent;        /**< [Y][P][LEVER_COUNT] CNY 1e4 */
    int32_t *m_firms, *m_entries, *m_exits, *m_mergers, *m_upgrades, *m_incidents; /**< [T][P] */
    int32_t *m_projects, *m_promotions;     /**< [T][P] chain projects, cultivation promotions */
    double *m_revenue, *m_idle_mu, *m_tech; /**< [T][P] */
} ReplicateOut;

/** Allocate the results of n replicates: each array holds n replicates one
 *  after another. SIM_ENOMEM (nothing left allocated) on failure. */
SimStatus replicate_out_alloc(ReplicateOut *o, const Params *p, int n_parks, int n);
void replicate_out_free(ReplicateOut *o);
/** View of replicate k of a buffer made by replicate_out_alloc. */
ReplicateOut replicate_out_view(const ReplicateOut *o, const Params *p, int n_parks, int k);
/** Bytes of one replicate's results. */
size_t replicate_out_bytes(const Params *p, int n_parks);
/** Name of the first array in which two one-replicate results differ
 *  bytewise, or NULL if they are identical. */
const char *replicate_out_diff(const ReplicateOut *a, const ReplicateOut *b, const Params *p, int n_parks);

typedef struct {
    const Params *p;
    const ParkInfo *info;
    int n_parks;
    uint32_t rep;
    int month;               /**< next month to simulate */
    ParkState *park;
    gsl_rng *r;              /**< GSL view of keyed streams (reset before each use) */
    /* scratch for the assessment and the yearly classification */
    double *metrics;         /**< [P][METRIC_COUNT] */
    double *work;            /**< [P] */
    int *serious, *smart;    /**< [P] */
    RankItem *order; int cap_order;
    /* conservation ledger, checked every year end */
    long firms_start, entries, exits, absorbed;
    char errmsg[256];
} Replicate;

/** Set up replicate `rep` with empty parks and its scratch space, without
 *  building the population (model_init does both). Free with model_free()
 *  in every case; SIM_ENOMEM on allocation failure. */
SimStatus model_alloc(Replicate *R, const Params *p, const ParkInfo *info, int n_parks, uint32_t rep);

/** Build the initial population of replicate `rep` and assess it (year index 0).
 *  Returns SIM_ENOMEM (replicate left freeable) on allocation failure. */
SimStatus model_init(Replicate *R, const Params *p, const ParkInfo *info, int n_parks,
                     uint32_t rep, ReplicateOut *out);
/** Simulate one month; at a year end also assess the parks. Returns SIM_EMODEL
 *  with R->errmsg set if a conservation check fails, SIM_ENOMEM on allocation failure. */
SimStatus model_step(Replicate *R, ReplicateOut *out);
/** Whether all months have been simulated. */
static inline int model_done(const Replicate *R) { return R->month >= params_months(R->p); }
void model_free(Replicate *R);

/** Run a whole replicate: init, every month, free. */
SimStatus model_run(const Params *p, const ParkInfo *info, int n_parks, uint32_t rep,
                    ReplicateOut *out, char *errmsg, size_t errlen);

/** Idle land of a park (idle and ready sites), mu. */
double park_idle_mu(const ParkState *ps);

/** Bitmaps of the leading-chain links held by active firms: bit j of
 *  filled[c] is set if some active firm sits on link j of chain c. */
void park_filled_links(const ParkState *ps, uint64_t filled[PARK_MAX_CHAINS]);

/** Append an idle (not yet cleared) site of `mu` to a park. SIM_ENOMEM on failure. */
SimStatus park_add_site(ParkState *ps, double mu, int month);
/** Append a firm to a park (copied). SIM_ENOMEM on failure. */
SimStatus park_add_firm(ParkState *ps, const Firm *f);

/** Lever state for a month: effective intensity (0 when outside start..end). */
double lever_intensity(const LeverParams *c, int month);

#endif
