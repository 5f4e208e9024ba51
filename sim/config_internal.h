/** \file config_internal.h
 * What the three parts of scenario loading share (private to config.c,
 * config_assess.c and config_echo.c):
 *  - config.c: the parameter table, loading (`base:` files, --set overrides)
 *    and the cross-field checks;
 *  - config_value.c: parsing and range-checking one value;
 *  - config_assess.c: the assessment schema (groups, indicators, bands);
 *  - config_echo.c: the resolved scenario as YAML and the Markdown key table.
 */
#ifndef PARKSIM_CONFIG_INTERNAL_H
#define PARKSIM_CONFIG_INTERNAL_H

#include "config.h"
#include "ytree.h"

#include <stddef.h>

typedef enum { T_INT, T_U64, T_DBL, T_BOOL, T_STR, T_PATH, T_MONTH, T_ENUM } PType;

/** One scenario key: the parameter table in config.c holds one per key. */
typedef struct {
    const char *key;
    PType type;
    size_t off, size;
    const char *def;   /* default, as it would be written in the file ("" = required for T_PATH) */
    double min, max;   /* inclusive range for numbers (T_STR: max length is size-1) */
    const char *unit;
    const char *help;
} ParamSpec;

/** The parameter table, in the order keys are echoed and documented: the
 *  keys of config.c with the levers' keys from the lever table. */
const ParamSpec *cfg_spec_table(int *n);

/** The space-separated words a T_ENUM key accepts (its value is the index). */
const char *cfg_choices(const ParamSpec *s);

/** Validation state: every problem is reported, and loading fails once at the end. */
typedef struct {
    int n_err;
    const char *scenario; /* top-level file, for messages without a node */
} Ctx;

/** Report one problem at node `at` (NULL: the scenario file; line 0: --set)
 *  for `key`, and count it. */
void cfg_report(Ctx *cx, const YNode *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** A finite number written in full; returns 0 (without reporting) if not. */
int cfg_parse_double(const char *s, double *out);

/** config_value.c: what a value of type t must be, for messages. */
const char *cfg_type_word(PType t);
/** config_value.c: parse and range-check one scalar `text` of key s (written
 *  at node `at`, NULL for a default) into its Params field; reports and
 *  returns 0 if it is not valid, returns 1 if stored. */
int cfg_set_value(Ctx *cx, Params *p, const ParamSpec *s, const YNode *at, const char *text);

/** config_assess.c: parse and check `assessment.groups` into a. */
void cfg_parse_groups(Ctx *cx, const YNode *seq, AssessParams *a);
/** config_assess.c: put the built-in assessment scheme into a scenario tree
 *  that names no `assessment.groups`. */
SimStatus cfg_add_default_groups(YNode *root);

/** config_echo.c: every key of p with its value, as YAML (malloc'd; NULL if
 *  out of memory). */
char *cfg_echo_params(const Params *p);

#endif
