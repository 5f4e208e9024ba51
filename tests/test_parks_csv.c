/** \file test_parks_csv.c
 * The park file reader (sim/parks_csv.c): every class of bad park CSV fails
 * with SIM_ECONFIG, no parks and a message naming the file, line, column and
 * column name; a missing or bad park file reached through a scenario is also
 * traced to the population.parks_file key that named it; a good file with
 * quotes, a BOM, CRLF line ends and comments is read.
 *
 * Files are written into a mkdtemp() directory at run time and stderr is
 * captured around each call (tests/config_fixtures.h). Expected line:column
 * positions are counted by hand from the file text written beside them
 * (1-based; a field's column is where its first character is).
 */
#include "config_fixtures.h"

/* Load a park CSV directly, capturing stderr; checks SIM_ECONFIG and no parks. */
static void csv_bad(const char *path, const char *what)
{
    ParkInfo *parks = (ParkInfo *)1;
    int n = -1;
    char *text = NULL;
    cap_begin();
    SimStatus st = parks_load_csv(path, &parks, &n, &text);
    cap_end();
    ok(st == SIM_ECONFIG && parks == NULL && n == 0, "%s: parks_load_csv returns SIM_ECONFIG and no parks", what);
    free(text);
    if (parks != (ParkInfo *)1) free(parks);
}

#define HDR "code,name,city,class,firms,revenue,land_mu,idle_share,chains,industries,smart_level,anchor_revenue\n"

/* park file */
TEST(test_parks_file_missing)
{
    /* "  parks_file: nothere.csv": the value at column 15 */
    put("noparks.yaml", "population:\n  parks_file: nothere.csv\n");
    load_bad("{D}/noparks.yaml", NULL, 0, "missing parks file");
    says("parksim: error: {D}/nothere.csv: cannot open park file", "missing parks file");
    says("(park file named at {D}/noparks.yaml:2:15: population.parks_file)", "missing parks file is traced to its key");
}

/* park CSV */
TEST(test_parks_csv)
{
    const char *p;
    csv_bad(put("nocol.csv", "code,name,city,class,firms,revenue,land_mu,idle_share,chains,industries,smart_level\n"
                             "alpha,Alpha,Town,L,40,2000000,3000,0.05,refining,2,1\n"), "missing column");
    says("parksim: error: {D}/nocol.csv:1: header lacks the column 'anchor_revenue'", "missing column");

    /* "alpha,Alpha,Town," is 17 characters: class at column 18 */
    p = put("class.csv", HDR "alpha,Alpha,Town,X,40,2000000,3000,0.05,refining,2,1,900000\n");
    csv_bad(p, "bad class");
    says("parksim: error: {D}/class.csv:2:18: column 'class': expected L, M or S, got 'X'", "bad class");

    /* "alpha,Alpha,Town,L," is 19 characters: firms at column 20 */
    p = put("firms.csv", HDR "alpha,Alpha,Town,L,many,2000000,3000,0.05,refining,2,1,900000\n");
    csv_bad(p, "non-numeric firms");
    says("{D}/firms.csv:2:20: column 'firms': expected a whole number from 1 to 1000000, got 'many'", "non-numeric firms");

    p = put("firms2.csv", HDR "alpha,Alpha,Town,L,12.5,2000000,3000,0.05,refining,2,1,900000\n");
    csv_bad(p, "fractional firms");
    says("{D}/firms2.csv:2:20: column 'firms': expected a whole number from 1 to 1000000, got '12.5'", "fractional firms");

    /* "beta,Beta,Town,M,20,600000,1500,0.10,fine,1,1," is 46 characters: anchor at column 47 */
    p = put("anchor.csv", HDR "beta,Beta,Town,M,20,600000,1500,0.10,fine,1,1,700000\n");
    csv_bad(p, "anchor above revenue");
    says("{D}/anchor.csv:2:47: column 'anchor_revenue': anchor revenue 700000 must be below the park revenue 600000",
         "anchor above revenue");
    p = put("anchor2.csv", HDR "beta,Beta,Town,M,20,600000,1500,0.10,fine,1,1,600000\n");
    csv_bad(p, "anchor equal to revenue");
    says("{D}/anchor2.csv:2:47: column 'anchor_revenue': anchor revenue 600000 must be below the park revenue 600000",
         "anchor equal to revenue");

    p = put("dupcode.csv", HDR "alpha,Alpha,Town,L,40,2000000,3000,0.05,refining,2,1,900000\n"
                               "alpha,Alpha Two,Town,M,20,600000,1500,0.10,fine,1,1,0\n");
    csv_bad(p, "duplicate code");
    says("{D}/dupcode.csv:3:1: column 'code': code 'alpha' already used on an earlier line", "duplicate code");

    /* "gamma,Gamma,Town,S,10,150000,800,0.20," is 38 characters: chains at column 39 */
    p = put("chains.csv", HDR "gamma,Gamma,Town,S,10,150000,800,0.20,a;b;c;d,1,0,0\n");
    csv_bad(p, "more than 3 chains");
    says("{D}/chains.csv:2:39: column 'chains': more than 3 leading chains", "more than 3 chains");

    p = put("nochain.csv", HDR "gamma,Gamma,Town,S,10,150000,800,0.20,,1,0,0\n");
    csv_bad(p, "no chains");
    says("{D}/nochain.csv:2:39: column 'chains': expected 1 to 3 chain names", "no chains");

    p = put("idle.csv", HDR "gamma,Gamma,Town,S,10,150000,800,1.0,pharma,1,0,0\n");
    csv_bad(p, "idle share 1");
    says("{D}/idle.csv:2:34: column 'idle_share': expected a fraction in [0, 1), got '1.0'", "idle share 1");

    /* The optional columns: "gamma,Gamma,Town,S,10,150000,800,0.20,pharma,1,0,0," is 51 characters */
#define HDR2 "code,name,city,class,firms,revenue,land_mu,idle_share,chains,industries,smart_level,anchor_revenue,reviewed,tier_2025\n"
    p = put("reviewed.csv", HDR2 "gamma,Gamma,Town,S,10,150000,800,0.20,pharma,1,0,0,yes,\n");
    csv_bad(p, "reviewed not 0/1");
    says("{D}/reviewed.csv:2:52: column 'reviewed': expected 1 (checked against the 2022 standards), 0 or empty, got 'yes'",
         "reviewed not 0/1");
    p = put("tier.csv", HDR2 "gamma,Gamma,Town,S,10,150000,800,0.20,pharma,1,0,0,1,4\n");
    csv_bad(p, "tier_2025 out of range");
    says("{D}/tier.csv:2:54: column 'tier_2025': expected 1 (一级), 2 (二级), 3 (三级) or empty (not known), got '4'",
         "tier_2025 out of range");
    {
        ParkInfo *parks = NULL;
        int n = 0;
        char *text = NULL;
        p = put("opt.csv", HDR2 "gamma,Gamma,Town,S,10,150000,800,0.20,pharma,1,0,0,1,2\n"
                                "delta,Delta,Town,M,10,150000,800,0.20,pharma,1,0,0,,\n");
        SimStatus st = parks_load_csv(p, &parks, &n, &text);
        ok(st == SIM_OK && n == 2 && parks[0].reviewed == 1 && parks[0].tier_2025 == 2 && parks[1].reviewed == 0 &&
               parks[1].tier_2025 == 0,
           "optional columns read: reviewed 1 and tier 2; empty fields are 0 (not reviewed, tier not known)");
        free(parks);
        free(text);
        parks = NULL;
        text = NULL;
        p = put("noopt.csv", HDR "gamma,Gamma,Town,S,10,150000,800,0.20,pharma,1,0,0\n");
        st = parks_load_csv(p, &parks, &n, &text);
        ok(st == SIM_OK && n == 1 && parks[0].reviewed == 0 && parks[0].tier_2025 == 0,
           "a file without the optional columns still loads (not reviewed, tier not known)");
        free(parks);
        free(text);
    }
#undef HDR2

    p = put("empty.csv", "");
    csv_bad(p, "empty file");
    says("parksim: error: {D}/empty.csv: no header line (the file is empty)", "empty file");

    p = put("onlyhdr.csv", "# comment\n" HDR);
    csv_bad(p, "header but no parks");
    says("{D}/onlyhdr.csv: no parks in the file", "header but no parks");

    /* the same problem reached through a scenario names the key too */
    put("csvscen.yaml", "population:\n  parks_file: class.csv\n");
    load_bad("{D}/csvscen.yaml", NULL, 0, "bad park file named by a scenario");
    says("{D}/class.csv:2:18: column 'class'", "bad park file named by a scenario");
    says("(park file named at {D}/csvscen.yaml:2:15: population.parks_file)", "bad park file traced to its key");

    /* a good CSV with quotes, a BOM, CRLF and comments */
    p = put("good.csv", "\xef\xbb\xbf# parks\r\n" HDR
                        "\"q,1\",\"Quoted \"\"Park\"\"\",Town,S,10,150000,800,0.20,pharma; fine ,1,0,0\r\n");
    ParkInfo *parks = NULL;
    int n = 0;
    char *text = NULL;
    SimStatus st = parks_load_csv(p, &parks, &n, &text);
    ok(st == SIM_OK && n == 1 && !strcmp(parks[0].code, "q,1") && !strcmp(parks[0].name, "Quoted \"Park\"") &&
       parks[0].n_chains == 2 && !strcmp(parks[0].chains[1], "fine"),
       "quoted fields, BOM, CRLF and comments are read");
    free(parks);
    free(text);
}

int main(void)
{
    if (!cfg_fixture_begin("parks-csv")) return 1;
    run_test(test_parks_file_missing);
    run_test(test_parks_csv);
    cfg_fixture_end();
    return done_testing();
}
