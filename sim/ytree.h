/** \file ytree.h
 * A YAML document as a tree whose every node remembers where it came from
 * (file, line, column), so that a value that fails validation after `base:`
 * merging and `--set` overrides is still reported at its own source.
 */
#ifndef PARKSIM_YTREE_H
#define PARKSIM_YTREE_H

#include "../base/err.h"
#include <stddef.h>

typedef enum { YN_SCALAR, YN_MAP, YN_SEQ } YKind;

typedef struct YNode YNode;
struct YNode {
    YKind kind;
    char *value;     /**< scalar text (YN_SCALAR) */
    int quoted;      /**< scalar was quoted (so "3" is a string, not a number) */
    char *file;      /**< source file, or "--set" for command-line overrides */
    int line, col;   /**< 1-based position of the node (0 for --set) */
    int n;           /**< children (map entries or sequence items) */
    char **keys;     /**< map keys (YN_MAP) */
    int *key_line, *key_col; /**< positions of the map keys */
    YNode **items;   /**< children */
};

/** Load one YAML file. On error, writes "FILE:LINE:COL: message" to err and
 *  returns SIM_ECONFIG (SIM_EIO if the file cannot be read). An empty file is
 *  an empty mapping. The top level must be a mapping. */
SimStatus ytree_load_file(const char *path, YNode **out, char *err, size_t errlen);

/** ytree_load_file() that reports its message itself (sim_fail) and returns
 *  SIM_ENOMEM or, for every other failure, SIM_ECONFIG: what a loader of
 *  one input file wants. *out is NULL on failure. */
SimStatus ytree_load_reported(const char *path, YNode **out);

/** Load YAML from a string; `name` stands for the file in messages. */
SimStatus ytree_load_string(const char *text, const char *name, YNode **out, char *err, size_t errlen);

/** Merge `over` into `base`: mappings merge key by key, recursively; anything
 *  else in `over` replaces what `base` had. `over` is consumed. */
void ytree_merge(YNode *base, YNode *over);

/** Set the scalar at a dotted path ("a.b.0.c"), creating mappings on the way.
 *  Numeric segments index existing sequences. Returns SIM_ECONFIG with a
 *  message if the path crosses a scalar or a missing sequence item. */
SimStatus ytree_set(YNode *root, const char *path, const char *value, char *err, size_t errlen);

/** Child of a mapping by key, or NULL; *index receives its position if not NULL. */
YNode *ytree_get(const YNode *map, const char *key, int *index);

/** Put `child` under `key` in a mapping, replacing (and freeing) any value the
 *  key had; the mapping takes ownership. SIM_ENOMEM on allocation failure
 *  (child freed). */
SimStatus ytree_put(YNode *map, const char *key, YNode *child);

/** Remove a key from a mapping (freeing its value); no-op if absent. */
void ytree_remove(YNode *map, const char *key);

void ytree_free(YNode *n);

#endif
