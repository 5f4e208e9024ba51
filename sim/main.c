/** \file main.c
 * Command line: `parksim run`, `parksim validate`, `parksim keys`.
 *
 * Exit codes: 0 success; 1 runtime failure (I/O, HDF5, MPI, memory, model
 * invariant); 2 bad input (usage, scenario file, park file, existing output
 * without --force). Input is checked on rank 0 before any work, and no
 * output file is created for bad input.
 */
#include "config.h"
#include "ensemble.h"
#include "par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARKSIM_VERSION
#define PARKSIM_VERSION "0.0.0"
#endif
#ifndef PARKSIM_BUILD
#define PARKSIM_BUILD "unknown"
#endif

static const char *const usage_main =
    "usage: parksim COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO.yaml       run the Monte-Carlo ensemble, write HDF5\n"
    "  validate SCENARIO.yaml  check a scenario and print every resolved value\n"
    "  keys                    print the table of scenario keys (Markdown)\n"
    "\n"
    "Options: --help (also after a command), --version.\n"
    "Run under MPI with `mpirun -np K parksim run ...`, or alone without mpirun.\n"
    "\n"
    "Exit codes: 0 success; 1 runtime failure (I/O, HDF5, MPI, memory, model\n"
    "invariant); 2 bad input (usage, scenario, park file, output exists).\n";

static const char *const usage_run =
    "usage: parksim run SCENARIO.yaml [-o OUT.h5] [-r REPLICATES] [-s SEED]\n"
    "                   [--set key=value]... [--force] [--quiet]\n"
    "\n"
    "  -o, --output FILE     output file (default: <scenario.name>.h5)\n"
    "  -r, --replicates N    same as --set run.replicates=N\n"
    "  -s, --seed S          same as --set run.seed=S\n"
    "      --set key=value   override any scenario key (repeatable; see `parksim keys`)\n"
    "      --force           replace an existing output file\n"
    "  -q, --quiet           no progress or summary\n"
    "\n"
    "The file is written as OUT.h5.partial and renamed when complete.\n"
    "Exit codes: 0 success; 1 runtime failure; 2 bad input or existing output.\n";

static const char *const usage_validate =
    "usage: parksim validate SCENARIO.yaml [-r N] [-s S] [--set key=value]...\n"
    "\n"
    "Checks the scenario and its park file and prints every key with its\n"
    "resolved value (defaults included) as YAML. Exit 0 if valid, 2 if not.\n";

typedef struct {
    const char *cmd, *scenario, *out;
    char **sets;
    int n_sets, force, quiet, help;
    char rbuf[64], sbuf[96];
} Args;

/* Parse argv; returns 0 on success, 2 (after a message) on a usage error. */
static int parse_args(int argc, char **argv, Args *a)
{
    memset(a, 0, sizeof *a);
    a->sets = calloc((size_t)argc + 2, sizeof *a->sets);
    if (!a->sets) { sim_error("out of memory"); return EXIT_RUNTIME; }
    if (argc < 2) { fputs(usage_main, stderr); return EXIT_BADINPUT; }
    a->cmd = argv[1];
    if (!strcmp(a->cmd, "--help") || !strcmp(a->cmd, "-h")) { a->help = 1; return 0; }
    if (!strcmp(a->cmd, "--version")) return 0;
    if (strcmp(a->cmd, "run") && strcmp(a->cmd, "validate") && strcmp(a->cmd, "keys")) {
        sim_error("unknown command '%s' (expected run, validate or keys; see parksim --help)", a->cmd);
        return EXIT_BADINPUT;
    }
    int is_run = !strcmp(a->cmd, "run");
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VAL() do { if (!val) { sim_error("%s needs a value", o); return EXIT_BADINPUT; } i++; } while (0)
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) a->help = 1;
        else if (!strcmp(o, "--set")) { NEED_VAL(); a->sets[a->n_sets++] = argv[i]; }
        else if (!strncmp(o, "--set=", 6)) a->sets[a->n_sets++] = argv[i] + 6;
        else if (!strcmp(o, "-r") || !strcmp(o, "--replicates")) {
            NEED_VAL();
            snprintf(a->rbuf, sizeof a->rbuf, "run.replicates=%s", argv[i]);
            a->sets[a->n_sets++] = a->rbuf;
        } else if (!strcmp(o, "-s") || !strcmp(o, "--seed")) {
            NEED_VAL();
            snprintf(a->sbuf, sizeof a->sbuf, "run.seed=%s", argv[i]);
            a->sets[a->n_sets++] = a->sbuf;
        } else if (is_run && (!strcmp(o, "-o") || !strcmp(o, "--output"))) { NEED_VAL(); a->out = argv[i]; }
        else if (is_run && !strcmp(o, "--force")) a->force = 1;
        else if (is_run && (!strcmp(o, "--quiet") || !strcmp(o, "-q"))) a->quiet = 1;
        else if (o[0] == '-' && o[1]) { sim_error("%s: unknown option '%s' (see parksim %s --help)", a->cmd, o, a->cmd); return EXIT_BADINPUT; }
        else if (!a->scenario && strcmp(a->cmd, "keys")) a->scenario = o;
        else { sim_error("%s: unexpected argument '%s'", a->cmd, o); return EXIT_BADINPUT; }
#undef NEED_VAL
    }
    if (!a->help && strcmp(a->cmd, "keys") && !a->scenario) {
        sim_error("%s: missing SCENARIO.yaml (see parksim %s --help)", a->cmd, a->cmd);
        return EXIT_BADINPUT;
    }
    return 0;
}

static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s) return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Rank 0 loads; the result goes to all ranks as bytes (Params has no pointers). */
static SimStatus load_everywhere(const Args *a, Scenario *sc)
{
    int st = SIM_OK;
    if (par_is_root()) st = config_load(sc, a->scenario, a->sets, a->n_sets);
    par_bcast_bytes(&st, sizeof st);
    if (st != SIM_OK) return (SimStatus)st;
    par_bcast_bytes(&sc->p, sizeof sc->p);
    size_t n = (size_t)sc->n_parks * sizeof *sc->parks;
    par_bcast_alloc((void **)&sc->parks, &n);
    sc->n_parks = (int)(n / sizeof *sc->parks);
    n = sc->resolved ? strlen(sc->resolved) + 1 : 0;
    par_bcast_alloc((void **)&sc->resolved, &n);
    n = sc->parks_csv ? strlen(sc->parks_csv) + 1 : 0;
    par_bcast_alloc((void **)&sc->parks_csv, &n);
    return SIM_OK;
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    int root = par_is_root();
    Args a;
    sim_error_silence(!root);
    int code = parse_args(argc, argv, &a);
    sim_error_silence(0);
    /* Only rank 0's messages are wanted; others parse the same argv silently. */
    if (code == 0 && a.help) {
        if (root) fputs(!strcmp(a.cmd, "run") ? usage_run : !strcmp(a.cmd, "validate") ? usage_validate : usage_main, stdout);
    } else if (code == 0 && !strcmp(a.cmd, "--version")) {
        if (root) printf("parksim %s (build %s)\n", PARKSIM_VERSION, PARKSIM_BUILD);
    } else if (code == 0 && !strcmp(a.cmd, "keys")) {
        if (root) config_print_keys_markdown(stdout);
    } else if (code == 0) {
        Scenario sc;
        memset(&sc, 0, sizeof sc);
        SimStatus st = load_everywhere(&a, &sc);
        if (st == SIM_OK && !strcmp(a.cmd, "validate")) {
            if (root) fputs(sc.resolved, stdout);
        } else if (st == SIM_OK) {
            char outbuf[PS_NAME_MAX + 8];
            snprintf(outbuf, sizeof outbuf, "%s.h5", sc.p.name);
            char *hist = join_args(argc, argv);
            RunOptions opt = {a.out ? a.out : outbuf, a.scenario, hist ? hist : "parksim", a.force, a.quiet};
            st = ensemble_run(&sc, &opt);
            free(hist);
        }
        code = sim_exit_code(st);
        config_free(&sc);
    }
    free(a.sets);
    fflush(stdout);
    par_finalize();
    return code;
}
