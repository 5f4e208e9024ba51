/** \file config_value.c
 * One scenario value: parse a scalar as its key's type (number, whole
 * number, boolean, month, choice, text) and check it against the key's range.
 */
#include "config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int cfg_parse_double(const char *s, double *out)
{
    char *end;
    if (!*s || isspace((unsigned char)*s)) return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) { *out = 1; return 1; }
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) { *out = 0; return 1; }
    return 0;
}

/* Month as absolute count year*12 + (month-1), or the sentinels INT_MIN/INT_MAX
 * for "start"/"end" of the run. */
static int parse_month(const char *s, int *out)
{
    if (!strcmp(s, "start")) { *out = INT_MIN; return 1; }
    if (!strcmp(s, "end")) { *out = INT_MAX; return 1; }
    int y, m;
    char tail;
    if (sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || strlen(s) != 7 || m < 1 || m > 12 || y < 1900 || y > 2200) return 0;
    *out = y * 12 + (m - 1);
    return 1;
}

/* Index of `word` in the space-separated `choices`, or -1. */
static int enum_index(const char *choices, const char *word)
{
    size_t n = strlen(word);
    int i = 0;
    for (const char *c = choices; *c; i++) {
        size_t len = strcspn(c, " ");
        if (len == n && n > 0 && !strncmp(c, word, n)) return i;
        c += len;
        while (*c == ' ') c++;
    }
    return -1;
}

const char *cfg_type_word(PType t)
{
    switch (t) {
    case T_INT: return "a whole number";
    case T_U64: return "a non-negative whole number below 2^64";
    case T_DBL: return "a number";
    case T_BOOL: return "true or false";
    case T_MONTH: return "a month as YYYY-MM, or start/end";
    case T_ENUM: return "one of the listed words";
    default: return "text";
    }
}

/* Parse and range-check one scalar into the Params field. Returns 1 if stored. */
int cfg_set_value(Ctx *cx, Params *p, const ParamSpec *s, const YNode *at, const char *text)
{
    char *field = (char *)p + s->off;
    if (at && at->kind != YN_SCALAR) {
        cfg_report(cx, at, s->key, "expected %s, got a %s", cfg_type_word(s->type), at->kind == YN_MAP ? "mapping" : "list");
        return 0;
    }
    switch (s->type) {
    case T_INT: {
        double v;
        if (!cfg_parse_double(text, &v) || v != floor(v)) {
            cfg_report(cx, at, s->key, "expected %s, got '%s'", cfg_type_word(s->type), text);
            return 0;
        }
        if (v < s->min || v > s->max) {
            cfg_report(cx, at, s->key, "must be between %.15g and %.15g, got %s", s->min, s->max, text);
            return 0;
        }
        *(int *)field = (int)v;
        return 1;
    }
    case T_U64: {
        char *end;
        errno = 0;
        if (!*text || *text == '-' || isspace((unsigned char)*text)) goto bad_u64;
        unsigned long long v = strtoull(text, &end, 10);
        if (*end || errno == ERANGE) goto bad_u64;
        *(uint64_t *)field = (uint64_t)v;
        return 1;
    bad_u64:
        cfg_report(cx, at, s->key, "expected %s, got '%s'", cfg_type_word(s->type), text);
        return 0;
    }
    case T_DBL: {
        double v;
        if (!cfg_parse_double(text, &v)) {
            cfg_report(cx, at, s->key, "expected %s, got '%s'", cfg_type_word(s->type), text);
            return 0;
        }
        if (v < s->min || v > s->max) {
            cfg_report(cx, at, s->key, "must be between %.15g and %.15g, got %s", s->min, s->max, text);
            return 0;
        }
        *(double *)field = v;
        return 1;
    }
    case T_BOOL: {
        int v;
        if (!parse_bool(text, &v)) {
            cfg_report(cx, at, s->key, "expected %s, got '%s'", cfg_type_word(s->type), text);
            return 0;
        }
        *(int *)field = v;
        return 1;
    }
    case T_MONTH: {
        int v;
        if (!parse_month(text, &v)) {
            cfg_report(cx, at, s->key, "expected %s, got '%s'", cfg_type_word(s->type), text);
            return 0;
        }
        *(int *)field = v;
        return 1;
    }
    case T_ENUM: {
        int v = enum_index(cfg_choices(s), text);
        if (v < 0) {
            cfg_report(cx, at, s->key, "expected one of: %s; got '%s'", cfg_choices(s), text);
            return 0;
        }
        *(int *)field = v;
        return 1;
    }
    case T_STR:
    case T_PATH:
        if (strlen(text) >= s->size) {
            cfg_report(cx, at, s->key, "text longer than %zu bytes", s->size - 1);
            return 0;
        }
        if ((size_t)s->min > strlen(text)) {
            cfg_report(cx, at, s->key, "must not be empty");
            return 0;
        }
        strcpy(field, text);
        return 1;
    }
    return 0;
}
