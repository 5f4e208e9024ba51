/** \file params.h
 * Every model parameter, as plain data with no pointers.
 *
 * The struct is filled by sim/config.c from a scenario file (every key, its
 * default, range and meaning is in the table there and in docs/CONFIG.md) and
 * broadcast to all ranks as bytes, which is why it holds no pointers.
 * Units: money in CNY 1e4 (万元), land in mu (亩, 1/15 ha), rates per year.
 */
#ifndef PARKSIM_PARAMS_H
#define PARKSIM_PARAMS_H

#include <stdint.h>

#define PS_PATH_MAX 512
#define PS_NAME_MAX 64
#define PS_TEXT_MAX 256
#define ASSESS_MAX_GROUPS 8
#define ASSESS_MAX_IND 8      /* indicators per group */
#define PARK_MAX_CHAINS 3     /* at most 3 leading industries (MIIT/NDRC 2025 guideline) */

/** Park-level quantities the assessment can score. Names in metric_names[]. */
typedef enum {
    METRIC_REVENUE = 0,         /* park revenue, CNY 1e8 (亿元) per year */
    METRIC_REVENUE_PER_MU,      /* revenue per mu of park land, CNY 1e4 per mu */
    METRIC_REVENUE_GROWTH,      /* park revenue growth over the year, fraction */
    METRIC_LEADING_SHARE,       /* revenue share of firms in the leading chains, fraction */
    METRIC_CHAIN_COMPLETENESS,  /* filled links / all links of the leading chains, fraction */
    METRIC_ANCHOR_REVENUE,      /* revenue of the largest firm, CNY 1e8 */
    METRIC_RD_INTENSITY,        /* revenue-weighted R&D intensity, fraction */
    METRIC_SPECIALISED_SHARE,   /* share of firms at 专精特新 tier or above, fraction */
    METRIC_TECH_LEVEL,          /* revenue-weighted technology/digital level, 0..1 */
    METRIC_DIGITAL_COVERAGE,    /* share of above-scale firms with tech >= threshold */
    METRIC_IDLE_SHARE,          /* idle land / park land, fraction */
    METRIC_SAFETY,              /* mean firm safety compliance, 0..1 */
    METRIC_INCIDENTS,           /* safety incidents in the year, count */
    METRIC_SMART_LEVEL,         /* park smart level: 0 初始级, 1 提升级, 2 top */
    METRIC_LEADING_INDUSTRIES,  /* number of leading industries */
    METRIC_FIRMS,               /* active firms, count */
    METRIC_ABOVE_SCALE_SHARE,   /* share of firms with revenue >= 2000 (规上) */
    METRIC_INFRASTRUCTURE,      /* shared safety/environment infrastructure level, 0..1 */
    METRIC_INNOVATIVE_SHARE,    /* share of firms at the innovative-SME tier or above */
    METRIC_LITTLE_GIANTS,       /* little giants and champions per 100 firms */
    METRIC_CHAIN_LEADERS,       /* leading-chain firms with revenue >= cultivation.chain_leader_revenue */
    METRIC_FROZEN,              /* 1 if new projects were frozen at the year end (serious incident) */
    METRIC_INCIDENTS_PER_100,   /* safety incidents in the year per 100 active firms */
    METRIC_COUNT
} Metric;

extern const char *const metric_names[METRIC_COUNT];
extern const char *const metric_units[METRIC_COUNT];
extern const char *const metric_long_names[METRIC_COUNT];

typedef enum { BAND_LINEAR = 0, BAND_LOG, BAND_PERCENTILE, BAND_COUNT } BandKind;

/** How each lever's provincial budget is split across parks (province.allocation). */
typedef enum { ALLOC_NEED = 0, ALLOC_EQUAL, ALLOC_STRONGEST, ALLOC_COUNT } AllocRule;
extern const char *const alloc_names[ALLOC_COUNT];
/** What happens to a park's unspent lever money at the year end (province.unspent). */
typedef enum { UNSPENT_POOL = 0, UNSPENT_CARRY, UNSPENT_LAPSE, UNSPENT_COUNT } UnspentRule;
extern const char *const unspent_names[UNSPENT_COUNT];
extern const char *const band_names[BAND_COUNT];

typedef struct {
    int metric;        /**< Metric */
    double weight;     /**< weight within the group (normalised over the group) */
    int band;          /**< BandKind */
    double lo, hi;     /**< linear/log: the values that score 0 and 100 (lo > hi: lower is better) */
    double top, mid;   /**< percentile: top share of parks scores 100, next up to `mid` scores 50 */
} IndicatorParams;

typedef struct {
    char name[32];
    double weight;     /**< group weight in the composite (normalised over groups) */
    double tier1_min;  /**< group score needed for the first tier, 0..100 */
    int n_ind;
    IndicatorParams ind[ASSESS_MAX_IND];
} GroupParams;

typedef struct {
    double tier1_min;            /**< composite score for 一级 */
    double tier2_min;            /**< composite score for 二级 */
    int tier1_min_smart_level;   /**< smart level needed for 一级 */
    int veto_serious_incident;   /**< a serious incident in the year caps the tier at 三级 */
    int focus_max_industries;    /**< leading industries allowed without penalty (MIIT/NDRC: 3) */
    double focus_penalty;        /**< composite points lost per leading industry beyond that */
    int n_groups;
    GroupParams group[ASSESS_MAX_GROUPS];
} AssessParams;

/** What every lever has. Months count from January of run.start_year (0-based). */
typedef struct {
    int start;          /**< first month active */
    int end;            /**< last month active (inclusive) */
    double intensity;   /**< 0 = off (bit-identical to no lever), 1 = full */
    double budget;      /**< provincial budget per year, CNY 1e4 */
    int targeting;      /**< 0: province.allocation, else AllocRule + 1 */
} LeverParams;

typedef struct {
    char name[PS_NAME_MAX];
    char description[PS_TEXT_MAX];
    char targets[PS_NAME_MAX];  /**< "YEAR:COUNT ...": first-tier targets, written to the output for parkstat */

    struct { uint64_t seed; int replicates; int start_year; int years; int chunk_replicates; } run;

    struct {
        char parks_file[PS_PATH_MAX];
        double size_sigma, tail_alpha, tail_share, min_revenue;
        double leading_share;
        int chain_links;
        double land_elasticity;
        double tech_mean, tech_sd;
        double rd_mean, rd_sigma;
        double safety_mean, safety_concentration;
        double innovative_share, specialised_share, little_giant_share, champion_share;
        double idle_site_mu;
    } population;

    struct {
        double growth_drift, growth_sigma, growth_size_beta, growth_ref_revenue, tech_growth_effect;
        double exit_rate, exit_dclass_multiplier, exit_min_revenue;
        double class_a_share, class_c_share, class_d_share;
        double upgrade_rate, upgrade_step, upgrade_revenue_gain, upgrade_safety_gain, digital_threshold;
        double upgrade_project_revenue, upgrade_investment_share;
        double incident_rate, incident_tech_reduction, serious_share;
    } firm;

    struct { double rate, gap_fill_share, leading_share, revenue_per_mu, revenue_sigma, tech_mean, tech_sd; } entry;
    struct { double clear_rate; } land;
    struct { double rate, same_chain_share, land_release_share, synergy; int target_min_class, acquirer_max_class; } mergers;
    /** 补链延链: projects placing a firm on a missing leading-chain link. */
    struct { double project_rate, size_factor_m, size_factor_s, project_scale, min_site_mu; } chain;
    /** 梯度培育: promotion hazards (index = tier promoted from: 0 none→innovative ... 3 little giant→champion). */
    struct { double rate[4], rd_min[4], revenue_min[4], tech_min[4], growth_bonus, rd_gain, chain_leader_revenue; } cultivation;
    /** Shared safety/environment infrastructure and the new-project freeze. */
    struct { double infra_l, infra_m, infra_s, infra_reviewed, infra_effect, infra_cost_per_mu, freeze_share; int freeze_months; } safety;
    /** 智慧园区: platform investment and digital coverage needed for each level. */
    struct { double base_investment, cost[2], coverage[2]; } smart;
    /** Yearly provincial budget: cap on the levers' total and the split across parks. */
    struct { double budget; int allocation; int candidates; double candidate_share; int unspent; } province;

    struct {
        struct { LeverParams c; double rate_max, same_chain_share_max, leader_preference_max, synergy_max, subsidy_per_deal; } mergers;
        struct { LeverParams c; double clear_rate_max, entry_rate_max, gap_fill_share_max, cost_per_mu; } revitalisation;
        struct { LeverParams c; double rate_max, subsidy_share; } upgrades;
        struct { LeverParams c; double rate_max, cost_per_project; } chain;
        struct { LeverParams c; double rate_multiplier_max, rd_growth_max, award_per_promotion; } cultivation;
        struct { LeverParams c; double investment_max, compliance_gain_max; } safety;
        struct { LeverParams c; double investment_max; } smart;
        struct { LeverParams c; double forced_exit_rate_max, price_penalty_max, price_penalty_c_share, compensation_per_mu; } land;
        struct { LeverParams c; double rate_max, cost_per_industry; } focus;
    } levers;

    AssessParams assessment;

    /** Targets of `parksim calibrate` (published figures) and their tolerances. */
    struct {
        int replicates;
        double tier1_parks, tier2_parks, growth, exit_rate, digital_coverage, above_scale_share;
        double ratio_specialised, ratio_innovative; /* per little giant */
        double tier_tol, growth_tol, exit_tol, coverage_tol, share_tol, ratio_tol;
        double park_fact_share; /* replicates in which a park with a verified tier must reach it */
    } calibration;

    struct { int monthly; int compression; } output;
} Params;

/** Months in the run. */
static inline int params_months(const Params *p) { return 12 * p->run.years; }
/** Assessment years stored: the initial state (start_year - 1) plus each run year. */
static inline int params_assess_years(const Params *p) { return p->run.years + 1; }

#endif
