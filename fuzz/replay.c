/** \file replay.c
 * Replays fuzz inputs through a harness without libFuzzer: each argument is
 * a file or a directory of files. Built with gcc for make check, so that the
 * corpus and every crash once found run in the normal suite. Prints one TAP
 * line per input; a crash or abort kills the process, which prove reports.
 */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int g_n;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void one(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        printf("not ok %d - %s: cannot open\n", ++g_n, path);
        return;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; }
            else buf = nb;
        }
    }
    fclose(fp);
    if (!buf) { printf("not ok %d - %s: out of memory\n", ++g_n, path); return; }
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    printf("ok %d - %s\n", ++g_n, path);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) { printf("not ok %d - %s: missing\n", ++g_n, argv[i]); continue; }
        if (!S_ISDIR(sb.st_mode)) { one(argv[i]); continue; }
        DIR *d = opendir(argv[i]);
        if (!d) { printf("not ok %d - %s: cannot list\n", ++g_n, argv[i]); continue; }
        char **names = NULL;
        size_t nn = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char **nb = realloc(names, (nn + 1) * sizeof *names);
            if (!nb) break;
            names = nb;
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[nn] = malloc(len);
            if (!names[nn]) break;
            snprintf(names[nn++], len, "%s/%s", argv[i], e->d_name);
        }
        closedir(d);
        qsort(names, nn, sizeof *names, cmp);
        for (size_t j = 0; j < nn; j++) { one(names[j]); free(names[j]); }
        free(names);
    }
    printf("1..%d\n", g_n);
    return 0;
}
