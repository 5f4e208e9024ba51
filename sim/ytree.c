/** \file ytree.c
 * YAML trees built from libyaml's document API. libyaml is the parser under
 * libcyaml; parksim walks the tree itself against its parameter table so that
 * range errors, `base:` inheritance and `--set` keep file:line:column.
 */
#include "ytree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static YNode *node_new(YKind kind, const char *file, int line, int col)
{
    YNode *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->file = xstrdup(file);
    n->line = line;
    n->col = col;
    if (!n->file) { free(n); return NULL; }
    return n;
}

void ytree_free(YNode *n)
{
    if (!n) return;
    for (int i = 0; i < n->n; i++) {
        ytree_free(n->items[i]);
        if (n->keys) free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->key_line);
    free(n->key_col);
    free(n->value);
    free(n->file);
    free(n);
}

/* Append a child (and key, for maps). Returns 0 on allocation failure. */
static int add_child(YNode *p, const char *key, int kl, int kc, YNode *c)
{
    YNode **items = realloc(p->items, (size_t)(p->n + 1) * sizeof *items);
    if (!items) return 0;
    p->items = items;
    if (p->kind == YN_MAP) {
        char **keys = realloc(p->keys, (size_t)(p->n + 1) * sizeof *keys);
        if (!keys) return 0;
        p->keys = keys;
        int *l = realloc(p->key_line, (size_t)(p->n + 1) * sizeof *l);
        if (!l) return 0;
        p->key_line = l;
        int *cc = realloc(p->key_col, (size_t)(p->n + 1) * sizeof *cc);
        if (!cc) return 0;
        p->key_col = cc;
        p->keys[p->n] = xstrdup(key);
        if (!p->keys[p->n]) return 0;
        p->key_line[p->n] = kl;
        p->key_col[p->n] = kc;
    }
    p->items[p->n++] = c;
    return 1;
}

YNode *ytree_get(const YNode *map, const char *key, int *index)
{
    if (!map || map->kind != YN_MAP) return NULL;
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) {
            if (index) *index = i;
            return map->items[i];
        }
    return NULL;
}

SimStatus ytree_put(YNode *map, const char *key, YNode *child)
{
    int j;
    if (ytree_get(map, key, &j)) {
        ytree_free(map->items[j]);
        map->items[j] = child;
        return SIM_OK;
    }
    if (!add_child(map, key, child->line, child->col, child)) {
        ytree_free(child);
        return SIM_ENOMEM;
    }
    return SIM_OK;
}

void ytree_remove(YNode *map, const char *key)
{
    int i;
    if (!ytree_get(map, key, &i)) return;
    ytree_free(map->items[i]);
    free(map->keys[i]);
    for (int j = i + 1; j < map->n; j++) {
        map->items[j - 1] = map->items[j];
        map->keys[j - 1] = map->keys[j];
        map->key_line[j - 1] = map->key_line[j];
        map->key_col[j - 1] = map->key_col[j];
    }
    map->n--;
}

/* Convert libyaml document node `id` (recursion depth limited against
 * hostile nesting). Returns NULL with err set. */
static YNode *convert(yaml_document_t *doc, int id, const char *file, int depth, char *err, size_t errlen)
{
    yaml_node_t *yn = yaml_document_get_node(doc, id);
    if (!yn) { snprintf(err, errlen, "%s: malformed YAML document", file); return NULL; }
    int line = (int)yn->start_mark.line + 1, col = (int)yn->start_mark.column + 1;
    if (depth > 64) { snprintf(err, errlen, "%s:%d:%d: nesting deeper than 64 levels", file, line, col); return NULL; }
    YNode *n;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n = node_new(YN_SCALAR, file, line, col);
        if (!n) goto oom;
        n->value = malloc(yn->data.scalar.length + 1);
        if (!n->value) { ytree_free(n); goto oom; }
        memcpy(n->value, yn->data.scalar.value, yn->data.scalar.length);
        n->value[yn->data.scalar.length] = '\0';
        if (strlen(n->value) != yn->data.scalar.length) {
            snprintf(err, errlen, "%s:%d:%d: value contains a NUL byte", file, line, col);
            ytree_free(n);
            return NULL;
        }
        n->quoted = yn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        return n;
    case YAML_SEQUENCE_NODE:
        n = node_new(YN_SEQ, file, line, col);
        if (!n) goto oom;
        for (yaml_node_item_t *it = yn->data.sequence.items.start; it < yn->data.sequence.items.top; it++) {
            YNode *c = convert(doc, *it, file, depth + 1, err, errlen);
            if (!c) { ytree_free(n); return NULL; }
            if (!add_child(n, NULL, 0, 0, c)) { ytree_free(c); ytree_free(n); goto oom; }
        }
        return n;
    case YAML_MAPPING_NODE:
        n = node_new(YN_MAP, file, line, col);
        if (!n) goto oom;
        for (yaml_node_pair_t *pr = yn->data.mapping.pairs.start; pr < yn->data.mapping.pairs.top; pr++) {
            yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
            int kl = (int)kn->start_mark.line + 1, kc = (int)kn->start_mark.column + 1;
            if (kn->type != YAML_SCALAR_NODE) {
                snprintf(err, errlen, "%s:%d:%d: mapping keys must be plain names", file, kl, kc);
                ytree_free(n);
                return NULL;
            }
            const char *key = (const char *)kn->data.scalar.value;
            if (ytree_get(n, key, NULL)) {
                snprintf(err, errlen, "%s:%d:%d: key '%s' appears twice in the same mapping", file, kl, kc, key);
                ytree_free(n);
                return NULL;
            }
            YNode *c = convert(doc, pr->value, file, depth + 1, err, errlen);
            if (!c) { ytree_free(n); return NULL; }
            if (!add_child(n, key, kl, kc, c)) { ytree_free(c); ytree_free(n); goto oom; }
        }
        return n;
    default:
        snprintf(err, errlen, "%s:%d:%d: empty YAML node", file, line, col);
        return NULL;
    }
oom:
    snprintf(err, errlen, "%s: out of memory while reading", file);
    return NULL;
}

/* Parse the single document of an initialised parser into *out. */
static SimStatus load_parser(yaml_parser_t *parser, const char *name, YNode **out, char *err, size_t errlen)
{
    yaml_document_t doc;
    SimStatus st = SIM_OK;
    if (!yaml_parser_load(parser, &doc)) {
        /* libyaml reports where it gave up; the context mark says where the
         * unfinished construct (an unclosed bracket, say) began. */
        if (parser->context)
            snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s (%s that starts at line %zu, column %zu)", name,
                     parser->problem_mark.line + 1, parser->problem_mark.column + 1,
                     parser->problem ? parser->problem : "unknown problem", parser->context,
                     parser->context_mark.line + 1, parser->context_mark.column + 1);
        else
            snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s", name, parser->problem_mark.line + 1,
                     parser->problem_mark.column + 1, parser->problem ? parser->problem : "unknown problem");
        return SIM_ECONFIG;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        *out = node_new(YN_MAP, name, 1, 1);
        if (!*out) st = SIM_ENOMEM;
    } else if (root->type != YAML_MAPPING_NODE) {
        snprintf(err, errlen, "%s:%zu:%zu: a scenario must be a mapping of keys (key: value)", name,
                 root->start_mark.line + 1, root->start_mark.column + 1);
        st = SIM_ECONFIG;
    } else {
        *out = convert(&doc, 1, name, 0, err, errlen);
        if (!*out) st = SIM_ECONFIG;
    }
    yaml_document_delete(&doc);
    /* A second document in the same file would be silently ignored. */
    if (st == SIM_OK) {
        yaml_document_t doc2;
        if (!yaml_parser_load(parser, &doc2)) {
            snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s", name,
                     parser->problem_mark.line + 1, parser->problem_mark.column + 1,
                     parser->problem ? parser->problem : "unknown problem");
            st = SIM_ECONFIG;
        } else {
            if (yaml_document_get_root_node(&doc2)) {
                snprintf(err, errlen, "%s: more than one YAML document in the file", name);
                st = SIM_ECONFIG;
            }
            yaml_document_delete(&doc2);
        }
        if (st != SIM_OK) {
            ytree_free(*out);
            *out = NULL;
        }
    }
    return st;
}

SimStatus ytree_load_file(const char *path, YNode **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return SIM_ECONFIG;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(fp);
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", path);
        return SIM_ENOMEM;
    }
    yaml_parser_set_input_file(&parser, fp);
    SimStatus st = load_parser(&parser, path, out, err, errlen);
    yaml_parser_delete(&parser);
    if (ferror(fp) && st == SIM_OK) {
        snprintf(err, errlen, "%s: read error", path);
        ytree_free(*out);
        *out = NULL;
        st = SIM_EIO;
    }
    fclose(fp);
    return st;
}

SimStatus ytree_load_reported(const char *path, YNode **out)
{
    char err[1024];
    SimStatus st = ytree_load_file(path, out, err, sizeof err);
    return st == SIM_OK ? st : sim_fail(st == SIM_ENOMEM ? st : SIM_ECONFIG, "%s", err);
}

SimStatus ytree_load_string(const char *text, const char *name, YNode **out, char *err, size_t errlen)
{
    *out = NULL;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", name);
        return SIM_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    SimStatus st = load_parser(&parser, name, out, err, errlen);
    yaml_parser_delete(&parser);
    return st;
}

void ytree_merge(YNode *base, YNode *over)
{
    for (int i = 0; i < over->n; i++) {
        int j;
        YNode *b = ytree_get(base, over->keys[i], &j);
        YNode *o = over->items[i];
        if (b && b->kind == YN_MAP && o->kind == YN_MAP) {
            ytree_merge(b, o);
            over->items[i] = NULL;
            continue;
        }
        if (b) {
            ytree_free(b);
            base->items[j] = o;
            base->key_line[j] = over->key_line[i];
            base->key_col[j] = over->key_col[i];
        } else if (!add_child(base, over->keys[i], over->key_line[i], over->key_col[i], o)) {
            ytree_free(o);
        }
        over->items[i] = NULL;
    }
    ytree_free(over);
}

SimStatus ytree_set(YNode *root, const char *path, const char *value, char *err, size_t errlen)
{
    char buf[512];
    if (strlen(path) >= sizeof buf) {
        snprintf(err, errlen, "--set %s: key too long", path);
        return SIM_ECONFIG;
    }
    strcpy(buf, path);
    YNode *cur = root;
    char *save = NULL;
    char *seg = strtok_r(buf, ".", &save);
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        YNode *child = NULL;
        if (cur->kind == YN_SEQ) {
            char *end;
            long idx = strtol(seg, &end, 10);
            if (*end || idx < 0 || idx >= cur->n) {
                snprintf(err, errlen, "--set %s=%s: '%s' is not an item of the list (0..%d)", path, value, seg, cur->n - 1);
                return SIM_ECONFIG;
            }
            child = cur->items[idx];
            if (!next) {
                YNode *s = node_new(YN_SCALAR, "--set", 0, 0);
                if (!s || !(s->value = strdup(value))) { ytree_free(s); return SIM_ENOMEM; }
                ytree_free(child);
                cur->items[idx] = s;
                return SIM_OK;
            }
        } else if (cur->kind == YN_MAP) {
            int j;
            child = ytree_get(cur, seg, &j);
            if (!next) {
                YNode *s = node_new(YN_SCALAR, "--set", 0, 0);
                if (!s || !(s->value = strdup(value))) { ytree_free(s); return SIM_ENOMEM; }
                if (child) {
                    ytree_free(child);
                    cur->items[j] = s;
                    cur->key_line[j] = cur->key_col[j] = 0;
                } else if (!add_child(cur, seg, 0, 0, s)) {
                    ytree_free(s);
                    return SIM_ENOMEM;
                }
                return SIM_OK;
            }
            if (!child) {
                child = node_new(YN_MAP, "--set", 0, 0);
                if (!child || !add_child(cur, seg, 0, 0, child)) { ytree_free(child); return SIM_ENOMEM; }
            }
        } else {
            snprintf(err, errlen, "--set %s=%s: '%s' is inside a plain value, not a section", path, value, seg);
            return SIM_ECONFIG;
        }
        cur = child;
        seg = next;
    }
    snprintf(err, errlen, "--set %s: empty key", path);
    return SIM_ECONFIG;
}
