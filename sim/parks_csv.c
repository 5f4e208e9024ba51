/** \file parks_csv.c
 * The park population file: one header line naming the columns (any order;
 * unknown columns such as `basis` are kept in the text but not read), then
 * one park per line. Lines starting with '#' are comments. Fields may be
 * double-quoted ("" is a quote inside a quoted field).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The required columns, then the optional ones (N_REQUIRED onwards), which
 * may be absent from the header or empty on a line. */
enum { C_CODE, C_NAME, C_CITY, C_CLASS, C_FIRMS, C_REVENUE, C_LAND, C_IDLE, C_CHAINS, C_INDUSTRIES,
       C_SMART, C_ANCHOR, N_REQUIRED, C_REVIEWED = N_REQUIRED, C_TIER, N_COLS };
static const char *const col_names[N_COLS] = {"code", "name", "city", "class", "firms", "revenue", "land_mu",
                                              "idle_share", "chains", "industries", "smart_level", "anchor_revenue",
                                              "reviewed", "tier_2025"};

#define MAX_FIELDS 64
#define MAX_PARKS 100000
#define MAX_BYTES (64L << 20)

/* Split one line in place into fields; returns the count or -1 on a bad quote. */
static int split(char *line, char **f, int *colpos, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        colpos[n] = (int)(p - line) + 1;
        if (*p == '"') {
            char *w = ++p;
            f[n] = w;
            for (;;) {
                if (!*p) return -1;
                if (*p == '"') {
                    if (p[1] == '"') { *w++ = '"'; p += 2; continue; }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            *w = '\0';
            if (*p && *p != ',') return -1;
        } else {
            f[n] = p;
            while (*p && *p != ',') p++;
        }
        n++;
        if (!*p) break;
        *p++ = '\0';
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    return s;
}

static int num(const char *s, double *v)
{
    char *end;
    if (!*s) return 0;
    errno = 0;
    *v = strtod(s, &end);
    return !*end && errno != ERANGE && isfinite(*v);
}

/* Park codes seen so far: an open-addressing hash set of indices into the
 * parks array. The earlier pairwise comparison took 91 s for 100,000 parks
 * (the documented maximum); this is linear. */
typedef struct { int *slot; size_t cap; int dup; } CodeSet;

static uint64_t code_hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

/* Look `code` up (sets cs->dup); with `insert`, record an absent code as park
 * `idx` (only accepted parks are recorded). -1 on ENOMEM. */
static int code_seen(CodeSet *cs, const ParkInfo *parks, const char *code, int idx, int insert)
{
    cs->dup = 0;
    if ((size_t)idx * 2 >= cs->cap) {
        size_t ncap = cs->cap ? cs->cap * 2 : 256;
        int *ns = malloc(ncap * sizeof *ns);
        if (!ns) return -1;
        for (size_t i = 0; i < ncap; i++) ns[i] = -1;
        for (size_t i = 0; i < cs->cap; i++)
            if (cs->slot[i] >= 0) {
                size_t j = code_hash(parks[cs->slot[i]].code) & (ncap - 1);
                while (ns[j] >= 0) j = (j + 1) & (ncap - 1);
                ns[j] = cs->slot[i];
            }
        free(cs->slot);
        cs->slot = ns;
        cs->cap = ncap;
    }
    size_t j = code_hash(code) & (cs->cap - 1);
    for (; cs->slot[j] >= 0; j = (j + 1) & (cs->cap - 1))
        if (!strcmp(parks[cs->slot[j]].code, code)) { cs->dup = 1; return 0; }
    if (insert) cs->slot[j] = idx;
    return 0;
}

/* The whole park file into *out (malloc'd, NUL-terminated). */
static SimStatus read_file(const char *path, char **out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sim_fail(SIM_ECONFIG, "%s: cannot open park file: %s", path, strerror(errno));
    /* Grow the buffer as the file is read: allocating the 64 MiB limit up
     * front cost every load (the fuzzer ran at ~130 inputs/s because of it). */
    size_t bcap = 1 << 16, len = 0, got;
    char *buf = malloc(bcap + 1);
    if (!buf) { fclose(fp); return SIM_ENOMEM; }
    while ((got = fread(buf + len, 1, bcap - len, fp)) > 0) {
        len += got;
        if (len < bcap) continue;
        if (bcap > MAX_BYTES) break;
        char *nb = realloc(buf, 2 * bcap + 1);
        if (!nb) { free(buf); fclose(fp); return SIM_ENOMEM; }
        buf = nb;
        bcap *= 2;
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr) { free(buf); return sim_fail(SIM_ECONFIG, "%s: read error", path); }
    if (len > MAX_BYTES) { free(buf); return sim_fail(SIM_ECONFIG, "%s: park file larger than 64 MiB", path); }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        return sim_fail(SIM_ECONFIG, "%s: park file contains a NUL byte (not a text file?)", path);
    }
    *out = buf;
    return SIM_OK;
}

/* One data line (fields f at columns pos, nf of them, the line ll bytes
 * long) into park `idx` of parks, k, zeroed by the caller: prints every
 * problem and returns 1 if there was one, 0 if not, -1 if out of memory. */
static int parse_park(ParkInfo *k, int idx, const ParkInfo *parks, CodeSet *seen, char **f, const int *pos, int nf,
                      const int *col_of, size_t ll, const char *path, int lineno)
{
    int bad = 0;
#define FIELD(c) (col_of[c] >= 0 && col_of[c] < nf ? f[col_of[c]] : "")
#define FAIL(c, ...) do { sim_error("%s:%d:%d: column '%s': " __VA_ARGS__); bad = 1; } while (0)
#define POS(c) (col_of[c] >= 0 && col_of[c] < nf ? pos[col_of[c]] : (int)ll + 1)
    const char *code = FIELD(C_CODE);
    if (!*code || strlen(code) >= sizeof k->code) FAIL(C_CODE, "expected an identifier of 1 to %zu bytes, got '%s'", path, lineno, POS(C_CODE), "code", sizeof k->code - 1, code);
    else strcpy(k->code, code);
    if (code_seen(seen, parks, code, idx, 0) < 0) return -1;
    if (!bad && seen->dup) FAIL(C_CODE, "code '%s' already used on an earlier line", path, lineno, POS(C_CODE), "code", code);
    const char *name = FIELD(C_NAME);
    if (!*name || strlen(name) >= sizeof k->name) FAIL(C_NAME, "expected a name of 1 to %zu bytes", path, lineno, POS(C_NAME), "name", sizeof k->name - 1);
    else strcpy(k->name, name);
    const char *city = FIELD(C_CITY);
    if (strlen(city) >= sizeof k->city) FAIL(C_CITY, "longer than %zu bytes", path, lineno, POS(C_CITY), "city", sizeof k->city - 1);
    else strcpy(k->city, city);
    const char *cls = FIELD(C_CLASS);
    if (strlen(cls) != 1 || !strchr("LMS", cls[0])) FAIL(C_CLASS, "expected L, M or S, got '%s'", path, lineno, POS(C_CLASS), "class", cls);
    else k->size_class = cls[0];
    double v;
    if (!num(FIELD(C_FIRMS), &v) || v != floor(v) || v < 1 || v > 1e6)
        FAIL(C_FIRMS, "expected a whole number from 1 to 1000000, got '%s'", path, lineno, POS(C_FIRMS), "firms", FIELD(C_FIRMS));
    else k->firms = (int)v;
    if (!num(FIELD(C_REVENUE), &v) || !(v > 0) || v > 1e12)
        FAIL(C_REVENUE, "expected revenue in CNY 1e4 above 0, got '%s'", path, lineno, POS(C_REVENUE), "revenue", FIELD(C_REVENUE));
    else k->revenue = v;
    if (!num(FIELD(C_LAND), &v) || !(v > 0) || v > 1e9)
        FAIL(C_LAND, "expected land in mu above 0, got '%s'", path, lineno, POS(C_LAND), "land_mu", FIELD(C_LAND));
    else k->land_mu = v;
    if (!num(FIELD(C_IDLE), &v) || v < 0 || v >= 1)
        FAIL(C_IDLE, "expected a fraction in [0, 1), got '%s'", path, lineno, POS(C_IDLE), "idle_share", FIELD(C_IDLE));
    else k->idle_share = v;
    if (!num(FIELD(C_INDUSTRIES), &v) || v != floor(v) || v < 1 || v > 50)
        FAIL(C_INDUSTRIES, "expected a whole number from 1 to 50, got '%s'", path, lineno, POS(C_INDUSTRIES), "industries", FIELD(C_INDUSTRIES));
    else k->industries = (int)v;
    if (!num(FIELD(C_SMART), &v) || v != floor(v) || v < 0 || v > 2)
        FAIL(C_SMART, "expected 0 (初始级), 1 (提升级) or 2 (top), got '%s'", path, lineno, POS(C_SMART), "smart_level", FIELD(C_SMART));
    else k->smart_level = (int)v;
    if (!num(FIELD(C_ANCHOR), &v) || v < 0)
        FAIL(C_ANCHOR, "expected revenue in CNY 1e4 (0 for none), got '%s'", path, lineno, POS(C_ANCHOR), "anchor_revenue", FIELD(C_ANCHOR));
    else if (k->revenue > 0 && v >= k->revenue)
        FAIL(C_ANCHOR, "anchor revenue %g must be below the park revenue %g", path, lineno, POS(C_ANCHOR), "anchor_revenue", v, k->revenue);
    else k->anchor_revenue = v;
    if (*FIELD(C_REVIEWED) && (!num(FIELD(C_REVIEWED), &v) || (v != 0 && v != 1)))
        FAIL(C_REVIEWED, "expected 1 (checked against the 2022 standards), 0 or empty, got '%s'", path, lineno, POS(C_REVIEWED), "reviewed", FIELD(C_REVIEWED));
    else if (*FIELD(C_REVIEWED)) k->reviewed = (int)v;
    if (*FIELD(C_TIER) && (!num(FIELD(C_TIER), &v) || v != floor(v) || v < 1 || v > 3))
        FAIL(C_TIER, "expected 1 (一级), 2 (二级), 3 (三级) or empty (not known), got '%s'", path, lineno, POS(C_TIER), "tier_2025", FIELD(C_TIER));
    else if (*FIELD(C_TIER)) k->tier_2025 = (int)v;
    if (k->anchor_revenue > 0 && k->firms < 2)
        FAIL(C_FIRMS, "a park with an anchor firm needs at least 2 firms", path, lineno, POS(C_FIRMS), "firms");
    /* chains: 1..3 names separated by ';' */
    char chains[256];
    snprintf(chains, sizeof chains, "%s", FIELD(C_CHAINS));
    char *cs = NULL;
    for (char *c = strtok_r(chains, ";", &cs); c; c = strtok_r(NULL, ";", &cs)) {
        c = trim(c);
        if (!*c) continue;
        if (k->n_chains == PARK_MAX_CHAINS) {
            FAIL(C_CHAINS, "more than %d leading chains", path, lineno, POS(C_CHAINS), "chains", PARK_MAX_CHAINS);
            break;
        }
        if (strlen(c) >= sizeof k->chains[0]) {
            FAIL(C_CHAINS, "chain name '%s' longer than %zu bytes", path, lineno, POS(C_CHAINS), "chains", c, sizeof k->chains[0] - 1);
            break;
        }
        strcpy(k->chains[k->n_chains++], c);
    }
    if (k->n_chains == 0 && !bad) FAIL(C_CHAINS, "expected 1 to %d chain names separated by ';'", path, lineno, POS(C_CHAINS), "chains", PARK_MAX_CHAINS);
#undef FIELD
#undef FAIL
#undef POS
    return bad;
}

SimStatus parks_load_csv(const char *path, ParkInfo **parks, int *n_parks, char **text)
{
    *parks = NULL;
    *n_parks = 0;
    *text = NULL;
    char *buf = NULL;
    SimStatus st = read_file(path, &buf);
    if (st != SIM_OK) return st;
    *text = strdup(buf);
    if (!*text) { free(buf); return SIM_ENOMEM; }

    int col_of[N_COLS], have_header = 0, errors = 0, cap = 0, lineno = 0;
    ParkInfo *out = NULL;
    CodeSet seen = {NULL, 0, 0};
    char *save = NULL, *p = buf;
    if (!strncmp(p, "\xef\xbb\xbf", 3)) p += 3; /* UTF-8 byte-order mark */
    for (char *line = p; line && errors < 20; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        lineno++;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r') line[--ll] = '\0';
        char *t = trim(line);
        if (!*t || *t == '#') continue;
        char *f[MAX_FIELDS];
        int pos[MAX_FIELDS];
        int nf = split(line, f, pos, MAX_FIELDS);
        if (nf < 0) { sim_error("%s:%d: unterminated or misplaced quote", path, lineno); errors++; continue; }
        for (int i = 0; i < nf; i++) f[i] = trim(f[i]);
        if (!have_header) {
            for (int c = 0; c < N_COLS; c++) {
                col_of[c] = -1;
                for (int i = 0; i < nf; i++)
                    if (!strcmp(f[i], col_names[c])) col_of[c] = i;
                if (col_of[c] < 0 && c < N_REQUIRED) { sim_error("%s:%d: header lacks the column '%s'", path, lineno, col_names[c]); errors++; }
            }
            have_header = 1;
            if (errors) break;
            continue;
        }
        if (*n_parks >= MAX_PARKS) { sim_error("%s:%d: more than %d parks", path, lineno, MAX_PARKS); errors++; break; }
        if (*n_parks == cap) {
            cap = cap ? 2 * cap : 32;
            ParkInfo *np = realloc(out, (size_t)cap * sizeof *np);
            if (!np) { free(out); free(seen.slot); free(buf); return SIM_ENOMEM; }
            out = np;
        }
        ParkInfo *k = &out[*n_parks];
        memset(k, 0, sizeof *k);
        int bad = parse_park(k, *n_parks, out, &seen, f, pos, nf, col_of, ll, path, lineno);
        if (bad < 0) { free(out); free(seen.slot); free(buf); return SIM_ENOMEM; }
        if (!bad && code_seen(&seen, out, k->code, *n_parks, 1) < 0) { free(out); free(seen.slot); free(buf); return SIM_ENOMEM; }
        if (bad) errors++;
        else (*n_parks)++;
    }
    free(buf);
    free(seen.slot);
    if (!have_header && !errors) { sim_error("%s: no header line (the file is empty)", path); errors++; }
    if (!errors && *n_parks == 0) { sim_error("%s: no parks in the file", path); errors++; }
    if (errors) { free(out); *n_parks = 0; return SIM_ECONFIG; }
    *parks = out;
    return SIM_OK;
}
