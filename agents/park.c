/** \file park.c
 * Park operations shared by the processes and levers that act on a park.
 */
#include "park.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double park_idle_mu(const ParkState *ps)
{
    double mu = 0;
    for (int i = 0; i < ps->n_site; i++) mu += ps->site[i].mu;
    return mu;
}

void park_filled_links(const ParkState *ps, uint64_t filled[PARK_MAX_CHAINS])
{
    /* Each chain's mask kept in a register (there are PARK_MAX_CHAINS, a
     * few), every firm's bit offered to each and kept, by a mask of all
     * ones or zeros, by its chain's: OR-ing the bits into an array in memory
     * would make each firm wait on the store of the one before on the same
     * chain (12 to 15 cycles a firm, against about 6). No branch per firm
     * either; a firm off the leading chains (chain -1), or gone, adds no bit. */
    uint64_t acc[PARK_MAX_CHAINS] = {0};
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        uint64_t bit = (uint64_t)(f->status == FIRM_ACTIVE) << f->link;
        for (int c = 0; c < PARK_MAX_CHAINS; c++) acc[c] |= bit & -(uint64_t)(f->chain == c);
    }
    for (int c = 0; c < PARK_MAX_CHAINS; c++) filled[c] = acc[c];
}

int park_missing_in(const uint64_t filled[PARK_MAX_CHAINS], int n_chains, int links)
{
    int n = 0;
    for (int c = 0; c < n_chains; c++) n += links - __builtin_popcountll(filled[c]);
    return n;
}

const uint64_t *park_links(ParkState *ps)
{
    if (!ps->filled_valid) {
        park_filled_links(ps, ps->filled);
        ps->filled_valid = 1;
    }
    return ps->filled;
}

int park_missing_links(const ParkInfo *info, const ParkState *ps, int links)
{
    uint64_t filled[PARK_MAX_CHAINS];
    if (ps->filled_valid) memcpy(filled, ps->filled, sizeof filled);
    else park_filled_links(ps, filled);
    return park_missing_in(filled, info->n_chains, links);
}

SimStatus park_add_firm(ParkState *ps, const Firm *f)
{
    if (ps->n_firm == ps->cap_firm) {
        int cap = ps->cap_firm ? 2 * ps->cap_firm : 16;
        Firm *nf = realloc(ps->firm, (size_t)cap * sizeof *nf);
        if (!nf) return SIM_ENOMEM;
        ps->firm = nf;
        ps->cap_firm = cap;
    }
    ps->firm[ps->n_firm++] = *f;
    if (ps->filled_valid && f->status == FIRM_ACTIVE && f->chain >= 0) ps->filled[f->chain] |= UINT64_C(1) << f->link;
    return SIM_OK;
}

SimStatus park_add_site(ParkState *ps, double mu, int month)
{
    if (ps->n_site == ps->cap_site) {
        int cap = ps->cap_site ? 2 * ps->cap_site : 16;
        Site *ns = realloc(ps->site, (size_t)cap * sizeof *ns);
        if (!ns) return SIM_ENOMEM;
        ps->site = ns;
        ps->cap_site = cap;
    }
    Site s = {mu, ps->next_site_id++, 0, month};
    ps->site[ps->n_site++] = s;
    return SIM_OK;
}

void park_compact(ParkState *ps)
{
    /* Each firm copied, kept if active: no branch per firm on the firms
     * that left, which are at random places. j <= i, so a copy never
     * overwrites a firm not yet read. */
    int j = 0;
    for (int i = 0; i < ps->n_firm; i++) {
        int in = ps->firm[i].status == FIRM_ACTIVE;
        ps->firm[j] = ps->firm[i];
        j += in;
    }
    ps->n_firm = j;
}

/* Sort order of the 亩均 classification: revenue per mu, descending; ties by
 * gid. The order is total (gids are unique), so every correct sort gives the
 * same result. */
static inline int rank_before(const RankItem *x, const RankItem *y)
{
    if (x->key != y->key) return x->key > y->key;
    return x->gid < y->gid;
}

/* Merge sort of a[0..n) with scratch t[0..n), insertion sort below 16
 * items: qsort's indirect comparison calls cost more than the sort itself
 * here (it runs for every park at every year end). */
static void rank_sort(RankItem *a, RankItem *t, int n)
{
    if (n <= 16) {
        for (int i = 1; i < n; i++) {
            RankItem x = a[i];
            int j = i;
            for (; j > 0 && rank_before(&x, &a[j - 1]); j--) a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    int h = n / 2;
    rank_sort(a, t, h);
    rank_sort(a + h, t + h, n - h);
    if (!rank_before(&a[h], &a[h - 1])) return; /* already in order */
    int i = 0, j = h, o = 0;
    while (i < h && j < n) t[o++] = rank_before(&a[j], &a[i]) ? a[j++] : a[i++];
    while (i < h) t[o++] = a[i++];
    /* what is left of the second half is in place already */
    for (int q = 0; q < o; q++) a[q] = t[q];
}

void park_rank_sort(RankItem *a, RankItem *scratch, int n)
{
    rank_sort(a, scratch, n);
}

static inline void rank_swap(RankItem *a, int i, int j)
{
    RankItem t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Whether x ranks before y, as one expression without early exits: within
 * a partition the outcome is a coin toss, so a branch on it would be
 * mispredicted half the time. */
static inline int rank_before_nb(const RankItem *x, const RankItem *y)
{
    return (x->key > y->key) | ((x->key == y->key) & (x->gid < y->gid));
}

/* Reorders a[lo..hi) so that, for each of the nb sorted bounds inside the
 * range, every item before the bound ranks before every item after it: a
 * quickselect that recurses only into parts holding a bound. The order is
 * total, so the set of items on each side of a bound is the one a full sort
 * gives. Pivots are medians of three; below 16 items, or where the pivots
 * go badly (depth), the range is sorted instead, so the worst case stays
 * n log n. A partition writes each item both to the front of the range (in
 * place: the front never passes the item being read) and to the scratch t,
 * and moves on the front or the scratch by the outcome of the comparison:
 * no branch on it, and no chain of swaps through memory. */
static void rank_partition(RankItem *a, RankItem *t, int lo, int hi, const int *bound, int nb, int depth)
{
    while (nb > 0 && bound[0] <= lo) bound++, nb--;
    while (nb > 0 && bound[nb - 1] >= hi) nb--;
    if (nb == 0) return;
    if (hi - lo <= 16 || depth <= 0) {
        rank_sort(a + lo, t + lo, hi - lo);
        return;
    }
    int mid = lo + (hi - lo) / 2, last = hi - 1;
    if (rank_before(&a[mid], &a[lo])) rank_swap(a, mid, lo);
    if (rank_before(&a[last], &a[lo])) rank_swap(a, last, lo);
    if (rank_before(&a[last], &a[mid])) rank_swap(a, last, mid);
    RankItem pv = a[mid]; /* the median of the three */
    a[mid] = a[last];
    int i = lo, r = 0;
    for (int j = lo; j < last; j++) {
        RankItem x = a[j];
        int before = rank_before_nb(&x, &pv);
        a[i] = x;
        t[r] = x;
        i += before;
        r += !before;
    }
    a[i] = pv;
    memcpy(&a[i + 1], t, (size_t)r * sizeof *t);
    rank_partition(a, t, lo, i, bound, nb, depth - 1);
    rank_partition(a, t, i + 1, hi, bound, nb, depth - 1);
}

void park_rank_split(RankItem *a, RankItem *scratch, int n, const int *bound, int nb)
{
    int depth = 2;
    for (int m = n; m > 1; m >>= 1) depth += 2;
    rank_partition(a, scratch, 0, n, bound, nb, depth);
}

/* 亩均效益 evaluation: A top 25%, B 26-70%, C 71-95%, D bottom 5% (docs/MODEL.md;
 * the shares are parameters). */
SimStatus park_classify(const Params *p, ParkState *ps, RankItem **order, int *cap)
{
    int n = 0;
    if (*cap < ps->n_firm) { /* the items, then as many for the sort's scratch */
        RankItem *o = realloc(*order, 2 * (size_t)ps->n_firm * sizeof *o);
        if (!o) return SIM_ENOMEM;
        *order = o;
        *cap = ps->n_firm;
    }
    RankItem *ord = *order;
    for (int i = 0; i < ps->n_firm; i++) {
        const Firm *f = &ps->firm[i];
        if (f->status != FIRM_ACTIVE) continue;
        RankItem it = {f->log_rev - log(f->land_mu), f->gid, i};
        ord[n++] = it;
    }
    /* The class of a firm depends only on which of four rank ranges holds
     * its rank, so the firms need only be split at the three bounds, not
     * sorted: in linear expected time instead of n log n. */
    double a = p->firm.class_a_share, d = p->firm.class_d_share, c = p->firm.class_c_share;
    int bound[CLASS_D], nb = 0;
    LandClass prev = CLASS_A;
    for (int r = 0; r < n; r++) {
        double q = (r + 0.5) / n; /* mid-rank quantile from the top */
        LandClass cl = q < a ? CLASS_A : q < 1.0 - c - d ? CLASS_B : q < 1.0 - d ? CLASS_C : CLASS_D;
        if (cl != prev && nb < CLASS_D) bound[nb++] = r;
        prev = cl;
    }
    park_rank_split(ord, ord + *cap, n, bound, nb);
    for (int r = 0; r < n; r++) {
        double q = (r + 0.5) / n;
        ps->firm[ord[r].idx].lclass = q < a ? CLASS_A : q < 1.0 - c - d ? CLASS_B : q < 1.0 - d ? CLASS_C : CLASS_D;
    }
    return SIM_OK;
}
