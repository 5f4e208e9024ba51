/** \file test_revitalisation.c
 * The site-revitalisation lever (policies/revitalisation.c) on hand cases:
 * revitalisation_park clears idle sites (baseline rate, or the lever's paid
 * per mu from the park's budget) and lets cleared ones the month after
 * (the lever's letting rate costs nothing), and lets nothing while a serious
 * incident freezes the park. Oracles use rates of 12 a year, a sure monthly
 * draw, so no case depends on a random number. The gap-filling entrants it
 * places are tested in test_population.c.
 */
#include "tap.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Scenario jx;
static const Params *base;

TEST(test_clear_then_let)
{
    Params p = *base;
    p.population.chain_links = 4;
    ParkInfo info;
    Replicate R;
    gap_park_setup(&R, &p, &info);
    ParkState *ps = &R.park[0];
    /* Both chains have a gap: chain 0 link 2, chain 1 link 3; entrant serials
     * from 2058 on. */
    ps->firm[7].status = FIRM_EXITED;
    ps->next_serial = 2058;
    int n0 = ps->n_firm;

    /* revitalisation_park by hand: one idle site of 10 mu. */
    park_add_site(ps, 10, -1);
    p.land.clear_rate = 12;   /* monthly probability 1: always cleared */
    p.entry.rate = 0;
    int n = -1;
    revitalisation_park(at(&R, 0, 0, 0), &n);
    ok(ps->n_site == 1 && ps->site[0].ready == 1 && ps->site[0].since == 0 && n == 0,
       "an idle site is cleared (clear rate 12/yr = 1 a month) but not let in the same month");
    p.entry.rate = 12;
    revitalisation_park(at(&R, 0, 1, 0), &n);
    ok(ps->n_site == 0 && n == 1 && ps->n_firm == n0 + 1 && ps->firm[n0].land_mu == 10,
       "a cleared site is let the next month (entry rate 12/yr); the entrant takes its 10 mu");
    ps->n_firm = n0;
    ps->filled_valid = 0; /* the links kept with the entrant go with it */

    /* Lever clearing is paid per mu: 10 mu at 5 per mu = 50. */
    p.land.clear_rate = 0;
    p.entry.rate = 0;
    p.levers.revitalisation.clear_rate_max = 12;
    p.levers.revitalisation.entry_rate_max = 0;
    p.levers.revitalisation.cost_per_mu = 5;
    park_add_site(ps, 10, 1);
    revitalisation_park(at(&R, 0, 2, 0), &n);
    ok(ps->site[0].ready == 0, "baseline clear rate 0, lever off: the site stays idle");
    ps->budget[LEVER_REVITALISATION] = 49;
    revitalisation_park(at(&R, 0, 3, 1), &n);
    ok(ps->site[0].ready == 0 && ps->budget[LEVER_REVITALISATION] == 49, "lever clearing refused with 49 < 50 left");
    ps->budget[LEVER_REVITALISATION] = 50;
    revitalisation_park(at(&R, 0, 4, 1), &n);
    ok(ps->site[0].ready == 1 && ps->budget[LEVER_REVITALISATION] == 0 && ps->spent[LEVER_REVITALISATION] == 50,
       "lever clearing pays 5/mu x 10 mu = 50");
    /* The lever's letting rate needs no budget: entry_rate_max 12 at intensity 1. */
    p.levers.revitalisation.entry_rate_max = 12;
    revitalisation_park(at(&R, 0, 5, 1), &n);
    ok(n == 1 && ps->n_site == 0, "the lever's letting rate lets the cleared site");
    replicate_free(&R);
}

TEST(test_frozen_park_lets_nothing)
{
    Params p = *base;
    p.land.clear_rate = 12; /* monthly probability 1 */
    p.entry.rate = 12;
    const double none = 0;
    ParkInfo info;
    Replicate R;
    chain_setup(&R, &p, &info, 'L', &none, 0);
    ParkState *ps = &R.park[0];
    info.land_mu += 20;
    park_add_site(ps, 10, -1); /* idle: to be cleared */
    park_add_site(ps, 10, -1);
    ps->site[1].ready = 1;     /* cleared long ago: to be let */
    ps->frozen_until = 10;
    int n = -1;
    revitalisation_park(at(&R, 0, 5, 0), &n);
    ok(n == 0 && ps->n_firm == 7 && ps->n_site == 2 && ps->site[0].ready == 1 && ps->site[0].since == 5,
       "frozen: revitalisation_park lets no site, but the idle site is still cleared");
    revitalisation_park(at(&R, 0, 10, 0), &n);
    ok(n == 2 && ps->n_firm == 9 && ps->n_site == 0, "at month frozen_until both cleared sites are let");
    replicate_free(&R);
}

int main(void)
{
    if (!load_scenario(&jx, "configs/jiangxi-baseline.yaml")) return 1;
    base = &jx.p;
    run_test(test_clear_then_let);
    run_test(test_frozen_park_lets_nothing);
    config_free(&jx);
    return done_testing();
}
