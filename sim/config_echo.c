/** \file config_echo.c
 * What the parameter table prints: the resolved scenario as YAML (every key,
 * defaults included, stored in the output and printed by `parksim validate`)
 * and the Markdown key table (`parksim keys`, docs/CONFIG.md).
 */
#include "config_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Word number `i` of the space-separated `choices` into buf. */
static void enum_word(const char *choices, int i, char *buf, size_t len)
{
    const char *c = choices;
    for (; i > 0 && *c; i--) {
        c += strcspn(c, " ");
        while (*c == ' ') c++;
    }
    snprintf(buf, len, "%.*s", (int)strcspn(c, " "), c);
}

static void fmt_double(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, len, "%.17g", v);
}

/* Append to a growing string; returns 0 on allocation failure. */
typedef struct { char *s; size_t n, cap; int oom; } Str;
static void str_add(Str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_add(Str *b, const char *fmt, ...)
{
    if (b->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->n + (size_t)need + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)need + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = 1; return; }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

static void str_add_quoted(Str *b, const char *s)
{
    str_add(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') str_add(b, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) str_add(b, "\\x%02x", (unsigned char)*s);
        else str_add(b, "%c", *s);
    }
    str_add(b, "\"");
}

static void echo_value(Str *b, const Params *p, const ParamSpec *s)
{
    const char *field = (const char *)p + s->off;
    char num[64];
    switch (s->type) {
    case T_INT: str_add(b, "%d", *(const int *)field); break;
    case T_U64: str_add(b, "%llu", (unsigned long long)*(const uint64_t *)field); break;
    case T_DBL: fmt_double(num, sizeof num, *(const double *)field); str_add(b, "%s", num); break;
    case T_BOOL: str_add(b, "%s", *(const int *)field ? "true" : "false"); break;
    case T_ENUM: enum_word(cfg_choices(s), *(const int *)field, num, sizeof num); str_add(b, "%s", num); break;
    case T_MONTH: {
        int m = *(const int *)field + p->run.start_year * 12;
        str_add(b, "\"%04d-%02d\"", m / 12, m % 12 + 1);
        break;
    }
    default: str_add_quoted(b, field);
    }
}

char *cfg_echo_params(const Params *p)
{
    Str b = {0};
    char prev[128] = "";
    str_add(&b, "# parksim resolved scenario: every key, defaults included\n");
    int n_specs;
    const ParamSpec *specs = cfg_spec_table(&n_specs);
    for (int i = 0; i < n_specs; i++) {
        const ParamSpec *s = &specs[i];
        /* Print section headers where this key's sections differ from the last one's. */
        char cur[128];
        snprintf(cur, sizeof cur, "%s", s->key);
        char *last = strrchr(cur, '.');
        *last = '\0';
        if (strcmp(cur, prev)) {
            int depth = 0;
            const char *a = cur, *q = prev;
            /* common leading sections */
            while (1) {
                const char *ea = strchr(a, '.'), *eq = strchr(q, '.');
                size_t la = ea ? (size_t)(ea - a) : strlen(a), lq = eq ? (size_t)(eq - q) : strlen(q);
                if (la != lq || strncmp(a, q, la) || !*q) break;
                depth++;
                if (!ea || !eq) { a += la; break; }
                a = ea + 1;
                q = eq + 1;
            }
            /* print the remaining sections of cur */
            char rest[128];
            snprintf(rest, sizeof rest, "%s", cur);
            char *save = NULL;
            int d = 0;
            for (char *seg = strtok_r(rest, ".", &save); seg; seg = strtok_r(NULL, ".", &save), d++)
                if (d >= depth) str_add(&b, "%*s%s:\n", 2 * d, "", seg);
            snprintf(prev, sizeof prev, "%s", cur);
        }
        int d = 0;
        for (const char *c = s->key; *c; c++) d += *c == '.';
        str_add(&b, "%*s%s: ", 2 * d, "", strrchr(s->key, '.') + 1);
        echo_value(&b, p, s);
        str_add(&b, "\n");
        if (!strcmp(s->key, "assessment.veto_serious_incident")) {
            char n1[64], n2[64], n3[64];
            str_add(&b, "  groups:\n");
            for (int g = 0; g < p->assessment.n_groups; g++) {
                const GroupParams *gp = &p->assessment.group[g];
                fmt_double(n1, sizeof n1, gp->weight);
                fmt_double(n2, sizeof n2, gp->tier1_min);
                str_add(&b, "    - name: ");
                str_add_quoted(&b, gp->name);
                str_add(&b, "\n      weight: %s\n      tier1_min: %s\n      indicators:\n", n1, n2);
                for (int j = 0; j < gp->n_ind; j++) {
                    const IndicatorParams *in = &gp->ind[j];
                    fmt_double(n1, sizeof n1, in->weight);
                    str_add(&b, "        - {metric: %s, weight: %s, band: %s, ", metric_names[in->metric], n1,
                            band_names[in->band]);
                    fmt_double(n1, sizeof n1, in->lo);
                    fmt_double(n2, sizeof n2, in->hi);
                    str_add(&b, "lo: %s, hi: %s, ", n1, n2);
                    fmt_double(n1, sizeof n1, in->top);
                    fmt_double(n3, sizeof n3, in->mid);
                    str_add(&b, "top: %s, mid: %s}\n", n1, n3);
                }
            }
        }
    }
    if (b.oom) { free(b.s); return NULL; }
    return b.s;
}

void config_print_keys_markdown(FILE *out)
{
    fprintf(out, "| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n");
    int n_specs;
    const ParamSpec *specs = cfg_spec_table(&n_specs);
    for (int i = 0; i < n_specs; i++) {
        const ParamSpec *s = &specs[i];
        const char *t = s->type == T_INT ? "integer" : s->type == T_U64 ? "integer (64-bit)" : s->type == T_DBL ? "number"
                      : s->type == T_BOOL ? "boolean" : s->type == T_MONTH ? "month" : s->type == T_PATH ? "path"
                      : s->type == T_ENUM ? "choice" : "text";
        char range[96] = "";
        if (s->type == T_INT || s->type == T_DBL) snprintf(range, sizeof range, "%.15g .. %.15g", s->min, s->max);
        else if (s->type == T_MONTH) snprintf(range, sizeof range, "YYYY-MM, start, end");
        else if (s->type == T_ENUM) {
            snprintf(range, sizeof range, "%s", cfg_choices(s));
            for (char *c = range; *c; c++) if (*c == ' ') *c = '|';
        }
        else if (s->type == T_STR || s->type == T_PATH) snprintf(range, sizeof range, "up to %zu bytes", s->size - 1);
        else if (s->type == T_U64) snprintf(range, sizeof range, "0 .. 2^64-1");
        char def[80];
        if (s->type == T_PATH && !*s->def) snprintf(def, sizeof def, "(required)");
        else if (s->type == T_STR || s->type == T_PATH) snprintf(def, sizeof def, "`\"%s\"`", s->def);
        else snprintf(def, sizeof def, "`%s`", s->def);
        fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n", s->key, t, def, range,
                s->unit, s->help);
    }
}
