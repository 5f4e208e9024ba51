/** \file fuzz_scenario.c
 * libFuzzer harness for the scenario loader: YAML parsing, `base:`
 * inheritance, every key's parser and range check, cross-field checks and
 * --set overrides. The input is the scenario file; each line of the form
 * "#set key=value" (a YAML comment, so the file stays valid) is also passed
 * as a --set override, so that the fuzzer mutates overrides too.
 */
#include "fuzz_common.h"
#include "../sim/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], *sets[MAX_SETS];
    int n_sets;
    char *text = fuzz_input(data, size, "s.yaml", path, sizeof path, sets, MAX_SETS, &n_sets);
    if (!text) return 0;

    Scenario sc;
    SimStatus st = config_load(&sc, path, sets, n_sets);
    if (st == SIM_OK) {
        /* What run would rely on after a successful load. */
        if (!sc.resolved || sc.n_parks < 1 || !sc.parks) abort();
        if (sc.p.run.replicates < 1) abort();
    }
    config_free(&sc);
    free(text);
    return 0;
}
