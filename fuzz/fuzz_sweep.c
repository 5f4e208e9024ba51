/** \file fuzz_sweep.c
 * libFuzzer harness for the sweep-file loader: YAML parsing, the design and
 * its parameters, the ranges against each key's allowed range, the design's
 * values and the check of every point against the base scenario. The input is
 * the sweep file; `scenario: base.yaml` reaches the base scenario and park file
 * fuzz_dir() provides, and lines "#set key=value" are passed as --set
 * overrides as in fuzz_scenario.c.
 */
#include "fuzz_common.h"
#include "../sim/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], *sets[MAX_SETS];
    int n_sets;
    char *text = fuzz_input(data, size, "w.yaml", path, sizeof path, sets, MAX_SETS, &n_sets);
    if (!text) return 0;

    Sweep sw;
    Scenario base;
    SimStatus st = sweep_load(&sw, &base, path, sets, n_sets, NULL);
    if (st == SIM_OK) {
        /* What `parksim sweep` relies on after a successful load. */
        if (!base.resolved || sw.k < 1 || sw.k > SWEEP_MAX_PARAMS || sw.points < 1 || !sw.values || !sw.text) abort();
        for (long q = 0; q < sw.points; q++)
            for (int j = 0; j < sw.k; j++) {
                double v = sw.values[q * sw.k + j];
                if (!isfinite(v) || v < sw.lower[j] - 0.5 || v > sw.upper[j] + 0.5) abort();
                if (!sw.is_int[j] && (v < sw.lower[j] || v > sw.upper[j])) abort();
            }
        Params p;
        sweep_point_params(&sw, &base.p, sw.points - 1, &p);
    }
    sweep_free(&sw);
    config_free(&base);
    free(text);
    return 0;
}
