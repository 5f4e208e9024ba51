/** \file test_schedule.c
 * The replicate schedule (schedule/replicate.c): the yearly books. Each case
 * builds a real replicate of the tiny scenario, breaks one accounting rule
 * the way a bug in a process would, and checks that the check names the
 * failure; a clean replicate passes. A check that only caught some of these
 * (e.g. too many firms but not too few) would fail a case here.
 */
#include "tap.h"
#include "fixtures.h"
#include "../sim/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static Scenario tiny;

/* A fresh replicate of the tiny scenario after its initial assessment. */
static int fresh(Replicate *R, ReplicateOut *o)
{
    if (replicate_out_alloc(o, &tiny.p, tiny.n_parks, 1) != SIM_OK) return 0;
    return replicate_init(R, &tiny.p, tiny.parks, tiny.n_parks, 3, o) == SIM_OK;
}

/* The first active firm of park k. */
static Firm *first_active(Replicate *R, int k)
{
    ParkState *ps = &R->park[k];
    for (int i = 0; i < ps->n_firm; i++)
        if (ps->firm[i].status == FIRM_ACTIVE) return &ps->firm[i];
    return NULL;
}

static void test_clean_books(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    ok(okk && replicate_check_books(&R, 0) == SIM_OK, "a fresh replicate's books balance");
    SimStatus st = SIM_OK;
    while (okk && st == SIM_OK && !replicate_done(&R)) st = replicate_step(&R, &o);
    ok(okk && st == SIM_OK && replicate_check_books(&R, 99) == SIM_OK,
       "after every month of a run the books still balance (%ld entries, %ld exits, %ld absorbed)", R.entries, R.exits,
       R.absorbed);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* A firm leaves (its land becomes a site, as an exit does) but the exit is
 * not counted: fewer active firms than the ledger says. */
static void test_uncounted_exit(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 0) : NULL;
    if (f) {
        park_add_site(&R.park[0], f->land_mu, 0);
        f->land_mu = 0;
        f->status = FIRM_EXITED;
    }
    SimStatus st = f ? replicate_check_books(&R, 5) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "month 5: ") && strstr(R.err.msg, "active firms, expected"),
       "a firm lost without counting its exit is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* An exit counted but the firm still active: more firms than the ledger says. */
static void test_exit_not_removed(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    if (okk) R.exits++;
    SimStatus st = okk ? replicate_check_books(&R, 7) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "active firms, expected"),
       "an exit counted without removing the firm is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* An entrant counted twice, and an absorption counted without absorbing. */
static void test_entry_and_absorption(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    if (okk) R.entries++;
    ok(okk && replicate_check_books(&R, 1) == SIM_EMODEL, "an entry counted with no new firm is caught");
    if (okk) R.entries--, R.absorbed++;
    ok(okk && replicate_check_books(&R, 1) == SIM_EMODEL, "an absorption counted with no firm absorbed is caught");
    if (okk) R.absorbed--;
    ok(okk && replicate_check_books(&R, 1) == SIM_OK, "undoing both balances the books again");
    replicate_free(&R);
    replicate_out_free(&o);
}

/* Land moved without a record: a firm grows its land out of nothing, or a
 * site vanishes. */
static void test_land_unrecorded(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 1) : NULL;
    if (f) f->land_mu += 5;
    SimStatus st = f ? replicate_check_books(&R, 11) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "park 1: occupied + idle land"),
       "5 mu of land appearing on a firm is caught (%s)", R.err.msg);
    if (f) f->land_mu -= 5;
    int k = -1;
    for (int j = 0; okk && j < R.n_parks && k < 0; j++)
        if (R.park[j].n_site > 0) k = j;
    if (k >= 0) R.park[k].n_site--;
    st = k >= 0 ? replicate_check_books(&R, 11) : SIM_OK;
    ok(k >= 0 && st == SIM_EMODEL && strstr(R.err.msg, "occupied + idle land"),
       "an idle site vanishing is caught (%s)", R.err.msg);
    if (k >= 0) R.park[k].n_site++;
    replicate_free(&R);
    replicate_out_free(&o);
}

static void test_bad_firm(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    Firm *f = okk ? first_active(&R, 0) : NULL;
    if (f) f->log_rev = NAN;
    ok(f && replicate_check_books(&R, 2) == SIM_EMODEL && strstr(R.err.msg, "has revenue"),
       "a firm with a non-finite revenue is caught (%s)", R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* The schedule runs the check at every year end: a ledger broken in
 * December fails that month's step with SIM_EMODEL, and replicate_run says
 * why through its ErrBuf. */
static void test_year_end_runs_the_check(void)
{
    Replicate R;
    ReplicateOut o;
    int okk = fresh(&R, &o);
    SimStatus st = SIM_OK;
    for (int m = 0; okk && st == SIM_OK && m < 11; m++) st = replicate_step(&R, &o);
    ok(okk && st == SIM_OK, "January to November step cleanly");
    if (okk) R.exits++;
    st = okk ? replicate_step(&R, &o) : SIM_OK;
    ok(st == SIM_EMODEL && strstr(R.err.msg, "month 11:"), "December's step fails on the broken ledger (%s)",
       R.err.msg);
    replicate_free(&R);
    replicate_out_free(&o);
}

/* Every lever of the table has a distinct key, its id at its index, and the
 * parameters its descriptor points to. */
static void test_lever_table(void)
{
    int good = 1;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
        good &= t != NULL && t->id == (LeverId)id && t->key && t->n_keys > 0 && t->need != NULL;
        for (int j = 0; j < id; j++) good &= strcmp(lever_table[j]->key, t->key) != 0;
    }
    ok(good, "lever table: %d levers, each at its id, with a distinct key, parameters and a need", LEVER_COUNT);
    Params q = tiny.p;
    q.levers.chain.c.intensity = 0.375;
    q.levers.focus.cost_per_industry = 123;
    ok(lever_params(&q, LEVER_CHAIN)->intensity == 0.375 && lever_unit_cost(&q, LEVER_FOCUS) == 123 &&
           lever_unit_cost(&q, LEVER_SAFETY) == 0,
       "lever_params and lever_unit_cost read the fields the descriptors name");
}

int main(void)
{
    if (config_load(&tiny, "configs/test/tiny.yaml", NULL, 0) != SIM_OK) {
        printf("Bail out! cannot load configs/test/tiny.yaml (run from the repository root)\n");
        return 1;
    }
    test_clean_books();
    test_uncounted_exit();
    test_exit_not_removed();
    test_entry_and_absorption();
    test_land_unrecorded();
    test_bad_firm();
    test_year_end_runs_the_check();
    test_lever_table();
    config_free(&tiny);
    plan(tap_n);
    return done();
}
