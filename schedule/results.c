/** \file results.c
 * The results schema and the buffers of ReplicateOut for a batch of
 * replicates: one allocation per array, holding the batch's replicates one
 * after another, so that a batch is written with one hyperslab per variable.
 */
#include "results.h"
#include "../policies/levers.h"

#include <stdlib.h>
#include <string.h>

#define R(x) offsetof(ReplicateOut, x)
/* The order is the order of the variables in the file and of the arrays in
 * a checkpoint record; `digest` fixes the order of the result digest
 * independently, so that reordering this table does not change any digest. */
const ResultVar result_vars[] = {
    {R(top_tier_count), RESULT_I32, "Y", "summary", "top_tier_count", "parks",
     "parks at the first competitiveness tier (一级)", RESULT_DEFLATE, 1},
    {R(second_tier_count), RESULT_I32, "Y", "summary", "second_tier_count", "parks",
     "parks at the second competitiveness tier (二级)", RESULT_DEFLATE, 0},
    {R(score), RESULT_F64, "YP", "park_year", "score", "1", "composite competitiveness score (0-100)", RESULT_RAW, 3},
    {R(tier), RESULT_I8, "YP", "park_year", "tier", "1", "competitiveness tier: 1 = 一级 (top), 2 = 二级, 3 = 三级",
     RESULT_DEFLATE, 2},
    {R(veto), RESULT_I8, "YP", "park_year", "veto", "1",
     "1 if a serious incident triggered the veto rule (tier 3 that year)", RESULT_DEFLATE, 0},
    {R(group_score), RESULT_F64, "YPG", "park_year", "group_score", "1", "indicator-group score (0-100)", RESULT_RAW, 0},
    {R(lever_spent), RESULT_F64, "YPL", "park_year", "lever_spent", "CNY 1e4", "lever budget spent on the park in the year",
     RESULT_DEFLATE, 0},
    {R(lever_allotted), RESULT_F64, "YPL", "park_year", "lever_allotted", "CNY 1e4",
     "lever budget the park held at the start of the year (its allotment, and any money carried)", RESULT_DEFLATE, 0},
    {R(m_firms), RESULT_I32, "TP", "park_month", "firms", "firms", "active enterprises at month end", RESULT_DEFLATE, 5},
    {R(m_revenue), RESULT_F64, "TP", "park_month", "revenue", "CNY 1e4 a-1", "park revenue (annual rate) at month end",
     RESULT_RAW, 6},
    {R(m_idle_mu), RESULT_F64, "TP", "park_month", "idle_land", "mu", "idle land (idle and cleared sites) at month end",
     RESULT_DEFLATE, 0},
    {R(m_tech), RESULT_F64, "TP", "park_month", "tech_level", "1", "revenue-weighted technology/digital level", RESULT_RAW,
     0},
    {R(m_entries), RESULT_I32, "TP", "park_month", "entries", "firms",
     "enterprises entering on cleared sites in the month (chain projects excluded)", RESULT_DEFLATE, 0},
    {R(m_projects), RESULT_I32, "TP", "park_month", "projects", "firms",
     "chain-extension projects (new firms on missing links) in the month", RESULT_DEFLATE, 0},
    {R(m_promotions), RESULT_I32, "TP", "park_month", "promotions", "firms", "cultivation-tier promotions in the month",
     RESULT_DEFLATE, 0},
    {R(m_exits), RESULT_I32, "TP", "park_month", "exits", "firms", "enterprises exiting in the month", RESULT_DEFLATE, 0},
    {R(m_mergers), RESULT_I32, "TP", "park_month", "mergers", "firms", "enterprises absorbed by mergers in the month",
     RESULT_DEFLATE, 0},
    {R(m_upgrades), RESULT_I32, "TP", "park_month", "upgrades", "upgrades", "technology upgrades in the month",
     RESULT_DEFLATE, 0},
    {R(m_incidents), RESULT_I32, "TP", "park_month", "incidents", "incidents", "safety incidents in the month",
     RESULT_DEFLATE, 0},
    {R(indicator), RESULT_F64, "YPM", "park_year", NULL, NULL, "park metrics at the assessment, one variable each",
     RESULT_RAW, 4},
};
#undef R
const int n_result_vars = (int)(sizeof result_vars / sizeof result_vars[0]);
_Static_assert(sizeof result_vars / sizeof result_vars[0] == sizeof(ReplicateOut) / sizeof(void *),
               "every array of ReplicateOut has a row in result_vars");

ResultStore result_metric_store(int metric)
{
    /* Counts, flags and mostly-constant metrics deflate well; the rest are
     * continuous doubles. */
    switch ((Metric)metric) {
    case METRIC_CHAIN_COMPLETENESS: case METRIC_INCIDENTS: case METRIC_SMART_LEVEL: case METRIC_LEADING_INDUSTRIES:
    case METRIC_FIRMS: case METRIC_INFRASTRUCTURE: case METRIC_LITTLE_GIANTS: case METRIC_CHAIN_LEADERS:
    case METRIC_FROZEN: case METRIC_INCIDENTS_PER_100:
        return RESULT_DEFLATE;
    default:
        return RESULT_RAW;
    }
}

ResultDims result_dims(const Params *p, int n_parks)
{
    ResultDims d = {params_assess_years(p), params_months(p), n_parks, p->assessment.n_groups, METRIC_COUNT,
                    LEVER_COUNT};
    return d;
}

int result_dim_len(const ResultDims *d, char c)
{
    switch (c) {
    case 'Y': return d->Y;
    case 'T': return d->T;
    case 'P': return d->P;
    case 'G': return d->G;
    case 'M': return d->M;
    default: return d->L;
    }
}

size_t result_elems(const ResultVar *v, const ResultDims *d)
{
    size_t n = 1;
    for (const char *c = v->dims; *c; c++) n *= (size_t)result_dim_len(d, *c);
    return n;
}

void *result_data(const ReplicateOut *o, const ResultVar *v)
{
    void *q;
    memcpy(&q, (const char *)o + v->off, sizeof q);
    return q;
}

static void set_data(ReplicateOut *o, const ResultVar *v, void *q) { memcpy((char *)o + v->off, &q, sizeof q); }

size_t replicate_out_bytes(const Params *p, int n_parks)
{
    ResultDims d = result_dims(p, n_parks);
    size_t n = 0;
    for (int i = 0; i < n_result_vars; i++) n += result_elems(&result_vars[i], &d) * result_vars[i].type;
    return n;
}

SimStatus replicate_out_alloc(ReplicateOut *o, const Params *p, int n_parks, int n)
{
    ResultDims d = result_dims(p, n_parks);
    memset(o, 0, sizeof *o);
    for (int i = 0; i < n_result_vars; i++) {
        void *q = calloc((size_t)n * result_elems(&result_vars[i], &d), result_vars[i].type);
        if (!q) {
            replicate_out_free(o);
            return SIM_ENOMEM;
        }
        set_data(o, &result_vars[i], q);
    }
    return SIM_OK;
}

void replicate_out_free(ReplicateOut *o)
{
    for (int i = 0; i < n_result_vars; i++) free(result_data(o, &result_vars[i]));
    memset(o, 0, sizeof *o);
}

ReplicateOut replicate_out_view(const ReplicateOut *o, const Params *p, int n_parks, int k)
{
    ResultDims d = result_dims(p, n_parks);
    ReplicateOut v = *o;
    for (int i = 0; i < n_result_vars; i++) {
        const ResultVar *r = &result_vars[i];
        set_data(&v, r, (char *)result_data(o, r) + (size_t)k * result_elems(r, &d) * r->type);
    }
    return v;
}

const char *replicate_out_diff(const ReplicateOut *a, const ReplicateOut *b, const Params *p, int n_parks)
{
    ResultDims d = result_dims(p, n_parks);
    for (int i = 0; i < n_result_vars; i++) {
        const ResultVar *r = &result_vars[i];
        if (memcmp(result_data(a, r), result_data(b, r), result_elems(r, &d) * r->type))
            return r->name ? r->name : "indicator";
    }
    return NULL;
}
