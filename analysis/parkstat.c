/** \file parkstat.c
 * parkstat: post-processing of parksim output files. It reads the HDF5 files
 * only (docs/OUTPUT.md), never calls MPI and links no model code; the
 * statistics are documented in docs/ANALYSIS.md.
 *
 *   parkstat headline FILE.h5...               the table `make run` prints
 *   parkstat summary  FILE.h5...               estimates with Monte-Carlo errors
 *   parkstat compare  BASE.h5 POLICY.h5...     paired policy effects
 *   parkstat regress  EXPECTED.h5 ACTUAL.h5    --exact or --statistical
 *   parkstat plot     FILE.h5... -o FIG.png    fan chart and per-park bars (gnuplot)
 *   parkstat sensitivity SWEEP.h5              Sobol' indices from a saltelli sweep
 *   parkstat report   FILE.h5... -o R.html     everything above in one HTML page
 */
#include "../base/err.h"
#include "compare.h"
#include "plot.h"
#include "posterior.h"
#include "regress.h"
#include "report.h"
#include "sensitivity.h"
#include "summary.h"

#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const usage =
    "usage: parkstat COMMAND [ARGS]   (parkstat COMMAND --help for each)\n"
    "\n"
    "  headline FILE.h5... [--target YEAR:COUNT]...\n"
    "      top-tier count per scenario: mean, 90% interval, P(count >= target)\n"
    "  summary FILE.h5... [--target YEAR:COUNT]... [--json | --csv]\n"
    "      every estimate with its Monte-Carlo standard error and interval\n"
    "  compare BASE.h5 POLICY.h5... [--target YEAR:COUNT]... [--json | --csv]\n"
    "      paired effect of each policy run against the baseline, with intervals\n"
    "  regress --exact [--max-diffs N] EXPECTED.h5 ACTUAL.h5\n"
    "  regress --statistical [--alpha A] [--json] EXPECTED.h5 ACTUAL.h5\n"
    "      regression check: exit 0 equivalent, 1 different, 2 bad input or failure\n"
    "  plot FILE.h5... -o FIG.png [--target YEAR:COUNT]... [--script FIG.gp] [--size WxH]\n"
    "      fan chart FIG.png and per-park bars FIG-parks.png through gnuplot\n"
    "  sensitivity SWEEP.h5 [--year YEAR]... [--output mean|prob] [--target YEAR:COUNT]...\n"
    "              [--bootstrap B] [--conf LEVEL] [--seed S] [--json | --csv]\n"
    "      Sobol' indices (S1, ST) of the top-tier count from a saltelli sweep, ranked\n"
    "  report FILE.h5... -o REPORT.html [--lang en|zh] [--target YEAR:COUNT]... [--chart SCENARIO]...\n"
    "      one self-contained HTML page: headline, charts, per-park, lever effects,\n"
    "      budget, Sobol' ranking of sweep files, provenance\n"
    "  posterior POST.h5 [--json | --csv] [--plot FIG.png]\n"
    "      marginals of a posterior of parksim abc beside the prior, shrinkage, generations\n"
    "  predictive FILE.h5... [--target YEAR:COUNT]...\n"
    "      posterior-predictive headline of runs over draws: P, credible interval, ignorance share\n"
    "\n"
    "Targets default to the file's `targets` attribute, else 2027:6 and 2028:10.\n"
    "headline, summary, compare, plot and report read a sweep file (full or summary\n"
    "store) point by point: --point Q (repeatable, or Q1,Q2) stands for those points.\n"
    "\n"
    "Exit codes:\n"
    "  0  ok (regress: equivalent)\n"
    "  1  runtime failure: I/O, memory, gnuplot missing or failed (regress: different)\n"
    "  2  bad input: usage, unfinished or mismatched files (regress: also any failure)\n";

/* The HDF5 library (1.10) trusts some lengths stored in the file: a damaged file can make it read
 * out of bounds (e.g. a corrupted global heap under a variable-length string or a dimension list),
 * which no check before the call can foresee. Such a crash is bad input, not a parkstat failure:
 * the handler says so, naming the command line, and exits 2. Only async-signal-safe calls here. */
static int g_argc;
static char **g_argv;
static char g_altstack[1 << 16];

static void say(const char *s) { (void)!write(2, s, strlen(s)); }

static void crashed(int sig)
{
    char num[12], *p = num + sizeof num;
    *--p = '\0';
    do *--p = (char)('0' + sig % 10); while ((sig /= 10) > 0);
    say("parkstat: error: the HDF5 library crashed (signal ");
    say(p);
    say(") reading the input of `parkstat");
    for (int i = 1; i < g_argc; i++) say(" "), say(g_argv[i]);
    say("`: a damaged file (HDF5 does not check every length it reads); no output was completed\n");
    _exit(EXIT_BADINPUT);
}

static void catch_crashes(int argc, char **argv)
{
    g_argc = argc, g_argv = argv;
    stack_t ss = {.ss_sp = g_altstack, .ss_size = sizeof g_altstack};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crashed;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    if (sigaltstack(&ss, NULL) != 0) sa.sa_flags &= ~SA_ONSTACK;
    const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0) sim_warn("cannot install the handler of signal %d", sigs[i]);
}

int main(int argc, char **argv)
{
    sim_set_program("parkstat");
    /* a GSL failure returns its status to the caller instead of aborting */
    sim_install_gsl_handler();
    /* parkstat reports HDF5 failures in its own words; the library's stack is noise here */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    catch_crashes(argc, argv);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_BADINPUT : EXIT_OK;
    }
    const char *c = argv[1];
    int n = argc - 2;
    char **a = argv + 2;
    /* regress's result is its exit code (1 = different); the others return a status */
    if (!strcmp(c, "regress")) return cmd_regress(n, a);
    SimStatus (*cmd)(int, char **) = !strcmp(c, "headline")      ? cmd_headline
                                     : !strcmp(c, "summary")     ? cmd_summary
                                     : !strcmp(c, "compare")     ? cmd_compare
                                     : !strcmp(c, "plot")        ? cmd_plot
                                     : !strcmp(c, "sensitivity") ? cmd_sensitivity
                                     : !strcmp(c, "report")      ? cmd_report
                                     : !strcmp(c, "posterior")   ? cmd_posterior
                                     : !strcmp(c, "predictive")  ? cmd_predictive
                                                                 : NULL;
    if (cmd) return sim_exit_code(cmd(n, a));
    sim_error("unknown command '%s'; expected headline, summary, compare, regress, plot, sensitivity, report, posterior or predictive", c);
    fputs(usage, stderr);
    return EXIT_BADINPUT;
}
