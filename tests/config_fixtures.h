/** \file config_fixtures.h
 * What the scenario-loading tests (test_config.c, test_config_assess.c,
 * test_parks_csv.c) share: a mkdtemp() directory to write files into,
 * stderr captured to a file around a call and searched for a message, and
 * scenario files that fail to load.
 *
 * File texts and message patterns may contain {D}, replaced by the temporary
 * directory, and {P}, replaced by the absolute path of
 * configs/test/parks-tiny.csv. Every file sets up its own directory with
 * cfg_fixture_begin() and writes every file its tests read; nothing is shared
 * between test programs. Everything is static inline, so a file that does
 * not use a helper does not warn about it.
 */
#ifndef PARKSIM_TEST_CONFIG_FIXTURES_H
#define PARKSIM_TEST_CONFIG_FIXTURES_H

#include "tap.h"
#include "../sim/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The population section naming the tiny park file, for scenarios that need one. */
#define PARKS_LINES "population:\n  parks_file: {P}\n"

static char dir[256];       /* the temporary directory */
static char parks_abs[PATH_MAX]; /* absolute path of configs/test/parks-tiny.csv */
static char cap_path[400];  /* where stderr goes during a call */
static char errtext[32768]; /* what was printed */
static int saved_fd = -1;
static char made[64][400];  /* files to remove at the end */
static int n_made;

/* Make the temporary directory /tmp/parksim-test-TAG-XXXXXX and find the tiny
 * park file; prints "Bail out!" and returns 0 on failure. Run from the
 * repository root. */
static inline int cfg_fixture_begin(const char *tag)
{
    snprintf(dir, sizeof dir, "/tmp/parksim-test-%s-XXXXXX", tag);
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 0;
    }
    snprintf(cap_path, sizeof cap_path, "%s/stderr.txt", dir);
    snprintf(made[n_made++], sizeof made[0], "%s", cap_path);
    if (!realpath("configs/test/parks-tiny.csv", parks_abs)) {
        printf("Bail out! run from the repository root (configs/test/parks-tiny.csv: %s)\n", strerror(errno));
        return 0;
    }
    return 1;
}

/* Remove the files written and the temporary directory. */
static inline void cfg_fixture_end(void)
{
    for (int i = 0; i < n_made; i++) unlink(made[i]);
    rmdir(dir);
}

static inline void cap_begin(void)
{
    fflush(stderr);
    saved_fd = dup(2);
    int fd = open(cap_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
}

static inline const char *cap_end(void)
{
    fflush(stderr);
    dup2(saved_fd, 2);
    close(saved_fd);
    saved_fd = -1;
    errtext[0] = '\0';
    FILE *f = fopen(cap_path, "r");
    if (f) {
        size_t n = fread(errtext, 1, sizeof errtext - 1, f);
        errtext[n] = '\0';
        fclose(f);
    }
    return errtext;
}

/* Replace {D} by the temp directory and {P} by the absolute tiny park file. */
static inline const char *expand(const char *t, char *buf, size_t len)
{
    size_t o = 0;
    for (const char *c = t; *c && o + 1 < len; c++) {
        const char *rep = !strncmp(c, "{D}", 3) ? dir : !strncmp(c, "{P}", 3) ? parks_abs : NULL;
        if (rep) {
            o += (size_t)snprintf(buf + o, len - o, "%s", rep);
            if (o >= len) o = len - 1;
            c += 2;
        } else {
            buf[o++] = *c;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Write a file of the temp dir (content expanded) and return its path. */
static inline const char *put(const char *name, const char *content)
{
    static char path[400];
    char text[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    expand(content, text, sizeof text);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    int known = 0;
    for (int i = 0; i < n_made; i++) known |= !strcmp(made[i], path);
    if (!known && n_made < 64) snprintf(made[n_made++], sizeof made[0], "%s", path);
    return path;
}

static inline void show(const char *msg)
{
    const char *s = msg;
    while (*s) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        diag("  stderr: %.*s", n, s);
        s += n + (nl != NULL);
    }
}

/* The captured text contains the expanded pattern. */
static inline int says(const char *pattern, const char *what)
{
    char want[1024];
    expand(pattern, want, sizeof want);
    int hit = strstr(errtext, want) != NULL;
    if (!ok(hit, "%s: message \"%s\"", what, pattern)) show(errtext);
    return hit;
}

/* Load `path` (expanded) with sets, capturing stderr; checks SIM_ECONFIG. */
static inline void load_bad(const char *path, char *const *sets, int n_sets, const char *what)
{
    Scenario sc;
    char p[600];
    expand(path, p, sizeof p);
    cap_begin();
    SimStatus st = config_load(&sc, p, sets, n_sets);
    cap_end();
    is_int(st, SIM_ECONFIG, "%s: config_load returns SIM_ECONFIG", what);
    config_free(&sc);
}

#endif
