/** \file fuzz_common.c
 * See fuzz_common.h. The directory is under /dev/shm when it exists: the
 * harnesses write one file per input, and a disk would be the bottleneck.
 */
#include "fuzz_common.h"
#include "../base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_dir[256];

void fuzz_write(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || (n && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0) {
        perror(path);
        abort();
    }
}

char *fuzz_input(const uint8_t *data, size_t size, const char *name, char *path, size_t len, char **sets, int max,
                 int *n_sets)
{
    snprintf(path, len, "%s/%s", fuzz_dir(), name);
    fuzz_write(path, data, size);
    *n_sets = 0;
    char *text = malloc(size + 1);
    if (!text) return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *line = text; line && *n_sets < max;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        if (!strncmp(line, "#set ", 5)) sets[(*n_sets)++] = line + 5;
        line = nl ? nl + 1 : NULL;
    }
    return text;
}

static const char parks_csv[] =
    "code,name,city,class,firms,revenue,land_mu,idle_share,chains,industries,smart_level,anchor_revenue\n"
    "alpha,Alpha Park,Testcity,L,40,2000000,3000,0.05,refining;aromatics,2,1,900000\n"
    "beta,Beta Park,Testcity,M,20,600000,1500,0.10,fine_chemicals,1,1,0\n";

static const char base_yaml[] =
    "scenario: {name: base}\n"
    "run: {seed: 1, replicates: 2}\n"
    "population: {parks_file: parks.csv}\n";

const char *fuzz_dir(void)
{
    if (g_dir[0]) return g_dir;
    snprintf(g_dir, sizeof g_dir, "%s/parksim-fuzz-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        abort();
    }
    char p[512];
    snprintf(p, sizeof p, "%s/parks.csv", g_dir);
    fuzz_write(p, parks_csv, sizeof parks_csv - 1);
    snprintf(p, sizeof p, "%s/base.yaml", g_dir);
    fuzz_write(p, base_yaml, sizeof base_yaml - 1);
    /* Messages about bad input are the expected outcome; thousands per second
     * would drown the fuzzer's own output. */
    if (!getenv("FUZZ_VERBOSE")) sim_error_silence(1);
    return g_dir;
}
