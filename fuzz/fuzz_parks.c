/** \file fuzz_parks.c
 * libFuzzer harness for the park population CSV loader.
 */
#include "fuzz_common.h"
#include "../sim/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/p.csv", fuzz_dir());
    fuzz_write(path, data, size);
    ParkInfo *parks;
    int n;
    char *text;
    SimStatus st = parks_load_csv(path, &parks, &n, &text);
    if (st == SIM_OK) {
        /* The invariants the model relies on. */
        if (n < 1 || !parks || !text) abort();
        for (int i = 0; i < n; i++)
            if (!isfinite(parks[i].revenue) || !isfinite(parks[i].land_mu) || parks[i].firms < 0 ||
                parks[i].n_chains < 1 || parks[i].n_chains > PARK_MAX_CHAINS)
                abort();
    }
    free(parks);
    free(text);
    return 0;
}
