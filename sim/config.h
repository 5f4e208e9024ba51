/** \file config.h
 * Scenario loading: YAML (with `base:` inheritance and --set overrides)
 * checked against one parameter table, plus the park population CSV.
 */
#ifndef PARKSIM_CONFIG_H
#define PARKSIM_CONFIG_H

#include "../schedule/replicate.h"
#include "../base/err.h"
#include <stdio.h>

typedef struct {
    Params p;
    ParkInfo *parks;      /**< n_parks entries */
    int n_parks;
    char *resolved;       /**< every key with its resolved value, as YAML text */
    char *parks_csv;      /**< the park file's text, stored in the output */
    char priors[PS_PATH_MAX]; /**< the priors file the scenario names (top-level `priors:`), resolved; "" if none */
} Scenario;

/** Load `path`, apply `sets` ("key=value") in order, validate everything and
 *  read the park file. Every problem found is printed (file:line:column: key:
 *  what was expected) before returning SIM_ECONFIG; nothing is printed on
 *  success. The caller frees with config_free() in every case. */
SimStatus config_load(Scenario *sc, const char *path, char *const *sets, int n_sets);

/** config_load with the scenario overlay `overlay` (a file merged on top
 *  of the scenario and its bases, before `sets`; NULL for none): an
 *  alternative of a priors file (docs/CONFIG.md "Priors"). */
SimStatus config_load_overlay(Scenario *sc, const char *path, const char *overlay, char *const *sets, int n_sets);

void config_free(Scenario *sc);

/** Whether a sweep may vary `key`: a number key (T_DBL/T_INT) outside run.*
 *  and output.*. Gives its allowed range and whether it is an integer.
 *  Returns 0, or -1 with the reason in err. */
int config_sweep_key(const char *key, double *min, double *max, int *is_int, char *err, size_t errlen);

/** Set a number key in loaded Params directly, as a sweep point does (the
 *  sweep checks once, on rank 0, that this gives the same Params as loading
 *  the scenario with --set key=value). Returns 0, or -1 if the key is not a
 *  number key or v is out of its range or not integral for an integer key. */
int config_set_number(Params *p, const char *key, double v);

/** Print the table of scenario keys as Markdown (docs/CONFIG.md is made from it). */
void config_print_keys_markdown(FILE *out);

/** Load a park population CSV into *parks (malloc'd) and its text into *text.
 *  Errors name file, line and column. Returns SIM_ECONFIG on bad data. */
SimStatus parks_load_csv(const char *path, ParkInfo **parks, int *n_parks, char **text);

#endif
