/** \file results.c
 * Buffers of ReplicateOut for a batch of replicates: one allocation per
 * array, holding the batch's replicates one after another, so that a batch
 * is written with one hyperslab per variable.
 */
#include "results.h"
#include "../policies/levers.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Every array of ReplicateOut: element size and axes (Y years, T months,
 * P parks, G groups, M metrics, L levers). */
typedef struct { size_t off, size; const char *dims, *name; } Member;
#define MEMBER(x, size, dims) {offsetof(ReplicateOut, x), size, dims, #x}
static const Member members[] = {
    MEMBER(top_tier_count, 4, "Y"), MEMBER(second_tier_count, 4, "Y"), MEMBER(score, 8, "YP"),
    MEMBER(tier, 1, "YP"),          MEMBER(veto, 1, "YP"),              MEMBER(group_score, 8, "YPG"),
    MEMBER(indicator, 8, "YPM"),    MEMBER(lever_spent, 8, "YPL"),      MEMBER(m_firms, 4, "TP"),
    MEMBER(m_entries, 4, "TP"),     MEMBER(m_exits, 4, "TP"),           MEMBER(m_mergers, 4, "TP"),
    MEMBER(m_upgrades, 4, "TP"),    MEMBER(m_incidents, 4, "TP"),       MEMBER(m_revenue, 8, "TP"),
    MEMBER(m_idle_mu, 8, "TP"),     MEMBER(m_tech, 8, "TP"),            MEMBER(m_projects, 4, "TP"),
    MEMBER(m_promotions, 4, "TP"),
};
#undef MEMBER
#define N_MEMBERS ((int)(sizeof members / sizeof members[0]))

static size_t count(const Member *m, const Params *p, int P)
{
    size_t n = 1;
    for (const char *c = m->dims; *c; c++)
        n *= *c == 'Y' ? (size_t)params_assess_years(p) : *c == 'T' ? (size_t)params_months(p) : *c == 'P' ? (size_t)P
           : *c == 'G' ? (size_t)p->assessment.n_groups : *c == 'M' ? (size_t)METRIC_COUNT : (size_t)LEVER_COUNT;
    return n;
}

static void **slot(ReplicateOut *o, const Member *m) { return (void **)((char *)o + m->off); }

size_t replicate_out_bytes(const Params *p, int n_parks)
{
    size_t n = 0;
    for (int i = 0; i < N_MEMBERS; i++) n += count(&members[i], p, n_parks) * members[i].size;
    return n;
}

SimStatus replicate_out_alloc(ReplicateOut *o, const Params *p, int n_parks, int n)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < N_MEMBERS; i++) {
        void *q = calloc((size_t)n * count(&members[i], p, n_parks), members[i].size);
        if (!q) {
            replicate_out_free(o);
            return SIM_ENOMEM;
        }
        *slot(o, &members[i]) = q;
    }
    return SIM_OK;
}

void replicate_out_free(ReplicateOut *o)
{
    for (int i = 0; i < N_MEMBERS; i++) free(*slot(o, &members[i]));
    memset(o, 0, sizeof *o);
}

ReplicateOut replicate_out_view(const ReplicateOut *o, const Params *p, int n_parks, int k)
{
    ReplicateOut v = *o;
    for (int i = 0; i < N_MEMBERS; i++) {
        char **q = (char **)slot(&v, &members[i]);
        *q += (size_t)k * count(&members[i], p, n_parks) * members[i].size;
    }
    return v;
}

const char *replicate_out_diff(const ReplicateOut *a, const ReplicateOut *b, const Params *p, int n_parks)
{
    for (int i = 0; i < N_MEMBERS; i++) {
        const void *x = *(void *const *)((const char *)a + members[i].off);
        const void *y = *(void *const *)((const char *)b + members[i].off);
        if (memcmp(x, y, count(&members[i], p, n_parks) * members[i].size)) return members[i].name;
    }
    return NULL;
}
