/** \file common.c
 * Targets, output formats and quoting shared by parkstat's commands.
 */
#include "common.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int target_parse1(const char *s, Target *t)
{
    char *end;
    long y = strtol(s, &end, 10);
    if (end == s || *end != ':') return -1;
    const char *c = end + 1;
    long k = strtol(c, &end, 10);
    if (end == c || *end != '\0' || y < 1000 || y > 9999 || k < 0 || k > 1000000) return -1;
    t->year = (int)y;
    t->count = (int)k;
    return 0;
}

int targets_parse_list(const char *s, Targets *tg)
{
    tg->n = 0;
    char tok[64];
    while (*s) {
        while (*s && (isspace((unsigned char)*s) || *s == ',')) s++;
        if (!*s) break;
        size_t n = 0;
        while (s[n] && !isspace((unsigned char)s[n]) && s[n] != ',') n++;
        if (n >= sizeof tok || tg->n == MAX_TARGETS) return -1;
        memcpy(tok, s, n);
        tok[n] = '\0';
        if (target_parse1(tok, &tg->t[tg->n]) < 0) return -1;
        tg->n++;
        s += n;
    }
    return tg->n > 0 ? 0 : -1;
}

SimStatus targets_for(const RunFile *rf, const Targets *cmdline, Targets *out)
{
    if (cmdline && cmdline->n > 0) {
        *out = *cmdline;
        out->src = TG_CMDLINE;
        return SIM_OK;
    }
    if (rf->targets) {
        if (targets_parse_list(rf->targets, out) < 0)
            return sim_fail(SIM_EINVAL, "%s: root attribute targets = \"%s\"; expected YEAR:COUNT pairs like "
                            "\"2027:6 2028:10\" (at most %d)", rf->path, rf->targets, MAX_TARGETS);
        out->src = TG_FILE;
        return SIM_OK;
    }
    out->t[0] = (Target){2027, 6};
    out->t[1] = (Target){2028, 10};
    out->n = 2;
    out->src = TG_DEFAULT;
    return SIM_OK;
}

const char *target_source_name(TargetSource s)
{
    return s == TG_CMDLINE ? "command line" : s == TG_FILE ? "file" : "default";
}

void json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(o, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", o);
        else if (*p < 0x20) fprintf(o, "\\u%04x", *p);
        else fputc(*p, o);
    }
    fputc('"', o);
}

void json_num(FILE *o, double x)
{
    if (!isfinite(x)) fputs("null", o);
    else fprintf(o, "%.17g", x);
}

void csv_str(FILE *o, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, o);
        return;
    }
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"') fputc('"', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

int common_option(int argc, char **argv, int *i, OutFormat *fmt, Targets *cmd)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--json")) return *fmt = FMT_JSON, 1;
    if (!strcmp(a, "--csv")) return *fmt = FMT_CSV, 1;
    if (!strcmp(a, "--target")) {
        if (*i + 1 >= argc || cmd->n == MAX_TARGETS || target_parse1(argv[*i + 1], &cmd->t[cmd->n]) < 0) {
            sim_error("--target needs YEAR:COUNT, e.g. 2027:6 (at most %d targets)%s%s", MAX_TARGETS,
                      *i + 1 < argc ? "; got " : "", *i + 1 < argc ? argv[*i + 1] : "");
            return -1;
        }
        cmd->n++;
        ++*i;
        return 1;
    }
    return 0;
}

int is_help(const char *arg) { return !strcmp(arg, "--help") || !strcmp(arg, "-h"); }

SimStatus file_args(int argc, char **argv, const char *name, const char *usage, OutFormat *fmt, Targets *cmd,
                    Points *pts, const char ***files, int *nf, int *help)
{
    *nf = 0;
    *help = 0;
    *files = calloc((size_t)argc + 1, sizeof **files);
    if (!*files) return sim_fail(SIM_ENOMEM, "out of memory");
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage, stdout);
            *help = 1;
            return SIM_OK;
        }
        int c = common_option(argc, argv, &i, fmt, cmd);
        if (c == 0) c = point_option(argc, argv, &i, pts);
        if (c < 0) return SIM_EINVAL;
        if (c == 1) continue;
        if (argv[i][0] == '-') {
            sim_error("%s: unknown option '%s'", name, argv[i]);
            fputs(usage, stderr);
            return SIM_EINVAL;
        }
        (*files)[(*nf)++] = argv[i];
    }
    return SIM_OK;
}
