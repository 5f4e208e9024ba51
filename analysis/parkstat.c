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
 */
#include "../base/err.h"
#include "compare.h"
#include "plot.h"
#include "regress.h"
#include "sensitivity.h"
#include "summary.h"

#include <hdf5.h>
#include <stdio.h>
#include <string.h>

static const char *const usage =
    "usage: parkstat COMMAND [ARGS]   (parkstat COMMAND --help for each)\n"
    "\n"
    "  headline FILE.h5... [--target YEAR:COUNT]...\n"
    "      top-tier count per scenario: mean, 90% interval, P(count >= target)\n"
    "  summary FILE.h5... [--target YEAR:COUNT]... [--json | --csv]\n"
    "      every estimate with its Monte-Carlo standard error and interval\n"
    "  compare BASE.h5 POLICY.h5... [--target YEAR:COUNT]... [--json | --csv]\n"
    "      paired effect of each policy run against the baseline, with intervals\n"
    "  regress --exact | --statistical [--alpha A] EXPECTED.h5 ACTUAL.h5\n"
    "      regression check: exit 0 equivalent, 1 different, 2 bad input\n"
    "  plot FILE.h5... -o FIG.png [--target YEAR:COUNT]... [--script FIG.gp]\n"
    "      fan chart FIG.png and per-park bars FIG-parks.png through gnuplot\n"
    "  sensitivity SWEEP.h5 [--year YEAR]... [--output mean|prob] [--bootstrap B] [--json | --csv]\n"
    "      Sobol' indices (S1, ST) of the top-tier count from a saltelli sweep, ranked\n"
    "\n"
    "Targets default to the file's `targets` attribute, else 2027:6 and 2028:10.\n"
    "Exit codes: 0 ok, 1 runtime failure (I/O, gnuplot) or, for regress, different,\n"
    "2 bad input (usage, unfinished or mismatched files).\n";

int main(int argc, char **argv)
{
    /* parkstat reports HDF5 failures in its own words; the library's stack is noise here */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *c = argv[1];
    if (!strcmp(c, "headline")) return cmd_headline(argc - 2, argv + 2);
    if (!strcmp(c, "summary")) return cmd_summary(argc - 2, argv + 2);
    if (!strcmp(c, "compare")) return cmd_compare(argc - 2, argv + 2);
    if (!strcmp(c, "regress")) return cmd_regress(argc - 2, argv + 2);
    if (!strcmp(c, "plot")) return cmd_plot(argc - 2, argv + 2);
    if (!strcmp(c, "sensitivity")) return cmd_sensitivity(argc - 2, argv + 2);
    sim_error("unknown command '%s'; expected headline, summary, compare, regress, plot or sensitivity", c);
    fputs(usage, stderr);
    return 2;
}
