/** \file park.h
 * The agents and what holds them: enterprises (Firm), idle plots (Site) and
 * the state of one park (ParkState), with the park operations every layer
 * above uses (add a firm or a site, idle land, chain links, the yearly 亩均
 * classification).
 *
 * Pure code: no MPI, no file I/O, no printing; it depends on base/ and the
 * parameter block (params.h) only. Errors come back as SimStatus values.
 */
#ifndef PARKSIM_PARK_H
#define PARKSIM_PARK_H

#include <math.h>
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
    char size_class;      /**< 'L', 'M' or 'S' (docs/MODEL.md, park size classes) */
    int firms;            /**< enterprises at the start */
    double revenue;       /**< park revenue at the start, CNY 1e4 per year */
    double land_mu;       /**< industrial land, mu */
    double idle_share;    /**< idle share of the land at the start, fraction */
    int n_chains;         /**< leading chains, 1..PARK_MAX_CHAINS */
    char chains[PARK_MAX_CHAINS][32]; /**< leading chain names */
    int industries;       /**< leading industries (metric leading_industries; MIIT/NDRC advise at most 3) */
    int smart_level;      /**< 0 初始级, 1 提升级, 2 top */
    double anchor_revenue;/**< revenue of the chain-leader firm, CNY 1e4 (0: none) */
    int reviewed;         /**< 1: checked against the 2022 construction standards (复核 passed, or recognised since) */
    int tier_2025;        /**< verified competitiveness tier of the initial year (1..3), 0 unknown */
} ParkInfo;

typedef enum { FIRM_ACTIVE = 0, FIRM_EXITED = 1, FIRM_MERGED = 2 } FirmStatus;
typedef enum { CULT_NONE = 0, CULT_INNOVATIVE, CULT_SPECIALISED, CULT_LITTLE_GIANT, CULT_CHAMPION } CultTier;
typedef enum { CLASS_A = 0, CLASS_B, CLASS_C, CLASS_D } LandClass;

/** One enterprise. Revenue is kept as its logarithm because growth is
 *  multiplicative and the size-dependent spread needs log size anyway. */
typedef struct {
    uint64_t gid;       /**< (park << 32) | serial: unique within a replicate, keys its draws */
    double log_rev;     /**< ln(revenue in CNY 1e4 per year); set with firm_set_log_rev() */
    double rev;         /**< exp(log_rev), kept with it: the monthly record, the upgrade and the
                             cultivation rules all need the revenue itself, and one exp per
                             change is cheaper than one per use */
    double land_mu;     /**< land held, mu */
    double tech;        /**< technology/digital level, 0..1 */
    double rd;          /**< R&D intensity, fraction of revenue */
    double safety;      /**< safety compliance, 0..1 */
    double sd_month;    /**< sqrt(V / 12), V the variance of this year's log growth (Laplace mixture):
                             the standard deviation of this year's monthly shocks; set with
                             firm_set_year_variance() */
    int16_t born;       /**< month of entry (-1: initial population); run.years <= 50 keeps it below 600 */
    int8_t chain;       /**< leading chain index, -1 outside the leading chains */
    uint8_t link;       /**< link (position) on its chain, 0 = upstream */
    uint8_t status;     /**< FirmStatus */
    uint8_t cult;       /**< CultTier */
    uint8_t lclass;     /**< LandClass (亩均 class) from the last classification */
    uint8_t target;     /**< merger target this month: 1 baseline deal, 2 subsidised deal */
} Firm;

/** Set a firm's log revenue and the revenue kept with it. */
static inline void firm_set_log_rev(Firm *f, double log_rev)
{
    f->log_rev = log_rev;
    f->rev = exp(log_rev);
}

/** An idle plot. IDLE plots must be cleared (READY) before an entrant can use them. */
typedef struct { double mu; uint32_t id; int8_t ready; int32_t since; } Site;

/** Accounts of public money a park holds. The agents do not know what the
 *  accounts are for: policies/ names them (one per lever) and checks at
 *  compile time that it needs no more than this. */
#define PARK_ACCOUNTS 16

typedef struct {
    Firm *firm; int n_firm, cap_firm;
    Site *site; int n_site, cap_site;
    uint32_t next_serial;      /**< serial of the next entrant */
    uint32_t next_site_id;
    double budget[PARK_ACCOUNTS]; /**< budget left this year per account, CNY 1e4 */
    double spent[PARK_ACCOUNTS];  /**< budget spent this year per account, CNY 1e4 */
    double allotted[PARK_ACCOUNTS]; /**< budget the park held at the start of this year (new money and any carried), CNY 1e4 */
    double revenue_prev;       /**< revenue at the last assessment, CNY 1e4 */
    double score_prev;         /**< composite score at the last assessment (targeting rule) */
    double infra;              /**< shared safety/environment infrastructure level, 0..1 */
    double smart_invest;       /**< smart-park platform investment not yet used for a level, CNY 1e4 */
    int smart_level;           /**< 0 初始级, 1 提升级, 2 top */
    int industries;            /**< leading industries */
    int frozen_until;          /**< new projects frozen before this month (serious incident) */
    int incidents_year, serious_year;
    int entries_m, exits_m, mergers_m, upgrades_m, incidents_m, projects_m, promotions_m;
    /** The leading-chain links held by active firms (park_filled_links), kept
     *  from one look to the next while no firm of the chains leaves: set by
     *  park_links(), updated by park_add_firm(), cleared by park_firm_left(). */
    uint64_t filled[PARK_MAX_CHAINS];
    int filled_valid;
} ParkState;

/** One park of one replicate, as the processes that act on a whole park see
 *  it: the parameters, its description and state, the keys of its draws. */
typedef struct {
    const Params *p;
    const ParkInfo *info;
    ParkState *ps;
    int k;                /**< park index: keys the park's draws and its firms' gids */
    uint32_t rep;         /**< replicate: keys every draw */
    gsl_rng *r;           /**< GSL view of keyed streams, reset before each use */
} ParkView;

/** Sort item of the yearly land-use classification. */
typedef struct { double key; uint64_t gid; int idx; } RankItem;

/** Idle land of a park (idle and ready sites), mu. */
double park_idle_mu(const ParkState *ps);

/** Bitmaps of the leading-chain links held by active firms: bit j of
 *  filled[c] is set if some active firm sits on link j of chain c. */
void park_filled_links(const ParkState *ps, uint64_t filled[PARK_MAX_CHAINS]);

/** The park's filled-links bitmaps (as park_filled_links), from its
 *  cache if that is valid, else found and kept. */
const uint64_t *park_links(ParkState *ps);

/** Firm f of the park has just left (exited or absorbed): the kept links
 *  are dropped if it was on a leading chain. Every change of a firm's
 *  status away from FIRM_ACTIVE calls this. */
static inline void park_firm_left(ParkState *ps, const Firm *f)
{
    if (f->chain >= 0) ps->filled_valid = 0;
}

/** Links missing from the first n_chains chains of a filled-links bitmap. */
int park_missing_in(const uint64_t filled[PARK_MAX_CHAINS], int n_chains, int links);
/** Links missing from the park's leading chains (`links` per chain), from
 *  the kept links where they are valid. */
int park_missing_links(const ParkInfo *info, const ParkState *ps, int links);

/** Append an idle (not yet cleared) site of `mu` to a park. SIM_ENOMEM on failure. */
SimStatus park_add_site(ParkState *ps, double mu, int month);
/** Append a firm to a park (copied), and its link to the kept links.
 *  SIM_ENOMEM on failure. */
SimStatus park_add_firm(ParkState *ps, const Firm *f);
/** Remove the firms that exited or were absorbed, keeping the order of the rest. */
void park_compact(ParkState *ps);

/** Sort rank items by key, descending, ties by gid ascending (the order of
 *  the 亩均 classification); `scratch` holds n items. */
void park_rank_sort(RankItem *a, RankItem *scratch, int n);
/** Reorder a[0..n) so that for each of the nb increasing bounds b every
 *  item before b ranks before every item from b on (the items on each side
 *  are those a sort would put there; the order within a side is not
 *  sorted). scratch holds n items. */
void park_rank_split(RankItem *a, RankItem *scratch, int n, const int *bound, int nb);

/** 亩均 classes A-D of the active firms by within-park rank of revenue per
 *  mu. `order` is scratch space the caller keeps, 2 `cap` items (grown here). */
SimStatus park_classify(const Params *p, ParkState *ps, RankItem **order, int *cap);

#endif
