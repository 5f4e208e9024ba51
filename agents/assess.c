/** \file assess.c
 * Annual assessment. The scheme (groups, weights, bands, thresholds, vetoes)
 * is the replaceable default of SOURCES §5.4 [A]: the official
 * 《化工园区竞争力评价导则》 weights and cut-offs were not found (GAP §1.2).
 */
#include "assess.h"

#include <math.h>
#include <string.h>

const char *const metric_names[METRIC_COUNT] = {
    "revenue", "revenue_per_mu", "revenue_growth", "leading_share", "chain_completeness",
    "anchor_revenue", "rd_intensity", "specialised_share", "tech_level", "digital_coverage",
    "idle_share", "safety", "incidents", "smart_level", "leading_industries", "firms",
    "above_scale_share", "infrastructure", "innovative_share", "little_giants", "chain_leaders", "frozen",
    "incidents_per_100_firms"};

const char *const metric_units[METRIC_COUNT] = {
    "CNY 1e8 a-1", "CNY 1e4 mu-1 a-1", "1", "1", "1", "CNY 1e8 a-1", "1", "1", "1", "1",
    "1", "1", "incidents a-1", "1", "industries", "firms", "1", "1", "1", "firms per 100 firms", "firms", "1",
    "incidents per 100 firms a-1"};

const char *const metric_long_names[METRIC_COUNT] = {
    "park revenue at the assessment", "revenue per mu of park land", "park revenue growth over the year",
    "revenue share of the leading chains", "filled share of the leading-chain links", "revenue of the largest firm",
    "revenue-weighted R&D intensity", "share of firms at 专精特新 tier or above", "revenue-weighted technology level",
    "share of above-scale (规上) firms digitally retrofitted", "idle share of park land", "mean firm safety compliance",
    "safety incidents in the year", "park smart level (0 初始级, 1 提升级, 2 top)", "number of leading industries",
    "active enterprises", "share of firms above designated size (规上)",
    "shared safety and environment infrastructure level", "share of firms at the innovative-SME tier or above",
    "little giants and manufacturing champions per 100 firms", "chain-leader (链主) firms",
    "new projects frozen after a serious incident (1 yes)",
    "safety incidents in the year per 100 active firms"};

const char *const band_names[BAND_COUNT] = {"linear", "log", "percentile"};

/* 规上 (above designated size): main-business revenue of at least CNY 20 million,
 * the statistical definition used in China since 2011. */
#define ABOVE_SCALE_REVENUE 2000.0

void assess_park_metrics(const Params *p, const ParkInfo *info, const ParkState *ps,
                         int year_index, double *m)
{
    double rev = 0, rev_lead = 0, rev_max = 0, rd_w = 0, tech_w = 0, safety = 0;
    int n = 0, n_spec = 0, n_above = 0, n_digital = 0, n_innov = 0, n_giant = 0, n_leader = 0;
    int links = p->population.chain_links;
    /* chain_links is limited to 64 by the config table, so a uint64_t per chain holds its links */
    uint64_t filled[PARK_MAX_CHAINS] = {0}; /* park_filled_links(), in the same pass as the sums */

    /* Without a branch per firm: the tests below are close to coin tosses
     * across firms (above scale 45%, on a leading chain 70%, and at a year
     * end the firms that left are still in the array, at random places). A
     * firm that does not count adds +0 to sums of terms that are not
     * negative, which leaves them unchanged bit for bit, and 0 bits to the
     * links. */
    double leader_rev = p->cultivation.chain_leader_revenue, digital = p->firm.digital_threshold;
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        int in = f->status == FIRM_ACTIVE, lead = in & (f->chain >= 0), above = in & (f->rev >= ABOVE_SCALE_REVENUE);
        double r = in ? f->rev : 0.0;
        n += in;
        rev += r;
        rev_max = r > rev_max ? r : rev_max;
        rd_w += in ? r * f->rd : 0.0;
        tech_w += in ? r * f->tech : 0.0;
        safety += in ? f->safety : 0.0;
        n_spec += in & (f->cult >= CULT_SPECIALISED);
        n_innov += in & (f->cult >= CULT_INNOVATIVE);
        n_giant += in & (f->cult >= CULT_LITTLE_GIANT);
        n_leader += lead & (r >= leader_rev);
        n_above += above;
        n_digital += above & (f->tech >= digital);
        rev_lead += lead ? r : 0.0;
        filled[lead ? f->chain : 0] |= (uint64_t)lead << f->link;
    }
    int n_filled = 0;
    for (int c = 0; c < info->n_chains; c++) n_filled += __builtin_popcountll(filled[c]);

    double idle = park_idle_mu(ps);
    m[METRIC_REVENUE] = rev / 1e4;
    m[METRIC_REVENUE_PER_MU] = info->land_mu > 0 ? rev / info->land_mu : 0;
    m[METRIC_REVENUE_GROWTH] = (year_index > 0 && ps->revenue_prev > 0) ? rev / ps->revenue_prev - 1 : 0;
    m[METRIC_LEADING_SHARE] = rev > 0 ? rev_lead / rev : 0;
    m[METRIC_CHAIN_COMPLETENESS] = (double)n_filled / (double)(info->n_chains * links);
    m[METRIC_ANCHOR_REVENUE] = rev_max / 1e4;
    m[METRIC_RD_INTENSITY] = rev > 0 ? rd_w / rev : 0;
    m[METRIC_SPECIALISED_SHARE] = n ? (double)n_spec / n : 0;
    m[METRIC_TECH_LEVEL] = rev > 0 ? tech_w / rev : 0;
    m[METRIC_DIGITAL_COVERAGE] = n_above ? (double)n_digital / n_above : 0;
    m[METRIC_IDLE_SHARE] = info->land_mu > 0 ? idle / info->land_mu : 0;
    m[METRIC_SAFETY] = n ? safety / n : 0;
    m[METRIC_INCIDENTS] = ps->incidents_year;
    m[METRIC_SMART_LEVEL] = ps->smart_level;
    m[METRIC_LEADING_INDUSTRIES] = ps->industries;
    m[METRIC_FIRMS] = n;
    m[METRIC_ABOVE_SCALE_SHARE] = n ? (double)n_above / n : 0;
    m[METRIC_INFRASTRUCTURE] = ps->infra;
    m[METRIC_INNOVATIVE_SHARE] = n ? (double)n_innov / n : 0;
    m[METRIC_LITTLE_GIANTS] = n ? 100.0 * n_giant / n : 0;
    m[METRIC_CHAIN_LEADERS] = n_leader;
    /* Year index y ends with run month 12y - 1; frozen if projects are still barred next month. */
    m[METRIC_FROZEN] = ps->frozen_until > 12 * year_index;
    /* Per firm, so that a park's expected score does not fall with its size. */
    m[METRIC_INCIDENTS_PER_100] = n ? 100.0 * ps->incidents_year / n : 0;
}

static double clamp100(double x) { return x < 0 ? 0 : (x > 100 ? 100 : x); }

double assess_band(const IndicatorParams *ind, double v, const double *values, int n)
{
    switch (ind->band) {
    case BAND_LOG: {
        /* Linear in log(value); values at or below zero score as the low anchor. */
        double lo = log(ind->lo), hi = log(ind->hi);
        if (!(v > 0)) return ind->lo < ind->hi ? 0 : 100;
        return clamp100(100.0 * (log(v) - lo) / (hi - lo));
    }
    case BAND_PERCENTILE: {
        /* Jiangsu-style: the share of parks strictly better than this one decides
         * the band, so tied parks share the better band. Direction: hi > lo means
         * higher values are better. */
        int better = 0, up = ind->hi > ind->lo;
        for (int j = 0; j < n; j++)
            if (up ? values[j] > v : values[j] < v) better++;
        double frac = (double)better / n;
        return frac < ind->top ? 100.0 : (frac < ind->mid ? 50.0 : 0.0);
    }
    default:
        return clamp100(100.0 * (v - ind->lo) / (ind->hi - ind->lo));
    }
}

int assess_parks(const AssessParams *a, int P, const int *smart_level, const double *metrics,
                 const int *serious, double *score, int8_t *tier, int8_t *veto,
                 double *group_score, double *work)
{
    int G = a->n_groups, top = 0;
    double wsum_g = 0;
    for (int g = 0; g < G; g++) wsum_g += a->group[g].weight;

    for (int i = 0; i < P; i++) score[i] = 0;
    for (int g = 0; g < G; g++) {
        const GroupParams *gp = &a->group[g];
        double wsum_i = 0;
        for (int k = 0; k < gp->n_ind; k++) wsum_i += gp->ind[k].weight;
        for (int i = 0; i < P; i++) group_score[i * G + g] = 0;
        for (int k = 0; k < gp->n_ind; k++) {
            const IndicatorParams *ind = &gp->ind[k];
            for (int i = 0; i < P; i++) work[i] = metrics[i * METRIC_COUNT + ind->metric];
            for (int i = 0; i < P; i++)
                group_score[i * G + g] += ind->weight / wsum_i * assess_band(ind, work[i], work, P);
        }
        for (int i = 0; i < P; i++) score[i] += gp->weight / wsum_g * group_score[i * G + g];
    }
    /* Focus: points off the composite for each leading industry beyond the
     * allowed number (MIIT/NDRC 2025: 原则上不宜超过3个主导产业 [V]; size [A]). */
    for (int i = 0; i < P; i++) {
        double extra = metrics[i * METRIC_COUNT + METRIC_LEADING_INDUSTRIES] - a->focus_max_industries;
        if (extra > 0) score[i] = fmax(0.0, score[i] - a->focus_penalty * extra);
    }
    for (int i = 0; i < P; i++) {
        int v = a->veto_serious_incident && serious[i] > 0;
        int t1 = !v && score[i] >= a->tier1_min && smart_level[i] >= a->tier1_min_smart_level;
        for (int g = 0; g < G && t1; g++)
            if (group_score[i * G + g] < a->group[g].tier1_min) t1 = 0;
        veto[i] = (int8_t)v;
        tier[i] = t1 ? 1 : (!v && score[i] >= a->tier2_min ? 2 : 3);
        top += t1;
    }
    return top;
}
