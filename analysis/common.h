/** \file common.h
 * What parkstat's commands share: targets, output formats, and JSON/CSV quoting.
 */
#ifndef PARKSTAT_COMMON_H
#define PARKSTAT_COMMON_H

#include "../base/err.h"
#include "runfile.h"

#include <stdio.h>

#define MAX_TARGETS 16

typedef struct { int year, count; } Target;

/** Where a file's targets came from, for the output. */
typedef enum { TG_DEFAULT, TG_FILE, TG_CMDLINE } TargetSource;

typedef struct {
    Target t[MAX_TARGETS];
    int n;
    TargetSource src;
} Targets;

typedef enum { FMT_TABLE, FMT_JSON, FMT_CSV } OutFormat;

/** Language of the labels of a report and of its charts. */
typedef enum { LANG_EN, LANG_ZH } Lang;

/** Parse "YEAR:COUNT" into t. Returns 0, or -1 when malformed. */
int target_parse1(const char *s, Target *t);

/** Parse a list "2027:6 2028:10" (blank- or comma-separated). Returns 0 or -1. */
int targets_parse_list(const char *s, Targets *tg);

/** The targets for one file: the command line's if any, else the file's `targets`
 *  attribute, else 2027:6 2028:10. A malformed attribute is bad input (SIM_EINVAL,
 *  after a message). */
SimStatus targets_for(const RunFile *rf, const Targets *cmdline, Targets *out);

const char *target_source_name(TargetSource s);

/** JSON string literal (quoted, escaped) of s. */
void json_str(FILE *o, const char *s);
/** JSON number; NaN and infinities become null. */
void json_num(FILE *o, double x);
/** CSV field (quoted when it contains a comma, quote or newline). */
void csv_str(FILE *o, const char *s);

/** Parse the common options at argv[*i] (--json, --csv, --target Y:C); returns 1 when
 *  consumed, 0 when not an option of these, -1 after an error message. */
int common_option(int argc, char **argv, int *i, OutFormat *fmt, Targets *cmd);

/** True for --help and -h. */
int is_help(const char *arg);

/** Arguments of a command that takes the common options, --point and files: *files
 *  (freed by the caller, also on failure) gets the file names. *help is set
 *  when --help printed the usage (the command then stops with SIM_OK).
 *  Returns SIM_OK, SIM_ENOMEM, or SIM_EINVAL after a message (bad usage). */
SimStatus file_args(int argc, char **argv, const char *name, const char *usage, OutFormat *fmt, Targets *cmd,
                    Points *pts, const char ***files, int *nf, int *help);

#endif
