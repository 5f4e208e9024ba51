/** \file resources.c
 * Memory and disk checks before a run (resources.h), from /proc/meminfo and
 * statvfs(3).
 */
#include "resources.h"
#include "sweep_store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

/* Free bytes for an unprivileged writer in the directory of `path`; -1 if unknown. */
static double free_bytes_near(const char *path)
{
    char dir[PS_PATH_MAX + 16];
    path_dir(path, dir, sizeof dir);
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0) return -1;
    return (double)sv.f_bavail * (double)sv.f_frsize;
}

/* MemAvailable from /proc/meminfo in bytes; -1 if unknown. */
static double mem_available(void)
{
    FILE *fp = fopen("/proc/meminfo", "r");
    if (!fp) return -1;
    char line[256];
    double kb = -1;
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, "MemAvailable:", 13)) kb = strtod(line + 13, NULL);
    fclose(fp);
    return kb < 0 ? -1 : kb * 1024;
}

double resources_rss_mb(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp) return 0;
    char line[256];
    double kb = 0;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n)) kb = strtod(line + n, NULL);
    fclose(fp);
    return kb / 1024.0;
}

SimStatus resources_check_memory(const Scenario *sc, const OutDims *d, int size)
{
    double rep = (double)replicate_out_bytes(&sc->p, d->P);
    double buf = rep * d->cap * size; /* all ranks, as if on one node */
    double avail = mem_available();
    if (avail > 0 && buf > 0.8 * avail)
        return sim_fail(SIM_EINVAL,
                        "the result buffers need %.0f MB (%d rank%s x %d replicates per write x %.2f MB per replicate) "
                        "but only %.0f MB of memory is available; lower run.chunk_replicates%s or use fewer ranks per node",
                        buf / 1e6, size, size > 1 ? "s" : "", d->cap, rep / 1e6, avail / 1e6,
                        d->monthly ? ", set output.monthly=false" : "");
    return SIM_OK;
}

/* Refuse only what certainly cannot fit: the output is compressed by an
 * unknown factor (or not at all at output.compression=0). */
SimStatus resources_check_disk(const char *out_path, const Scenario *sc, const OutDims *d, long tasks, int restored)
{
    if (getenv("PARKSIM_TEST_NO_DISK_CHECK")) return SIM_OK; /* lets a test reach a real ENOSPC */
    double rep = (double)replicate_out_bytes(&sc->p, d->P);
    if (d->summary) {
        /* A summary-mode sweep spools and writes a task's summary, and every
         * array only for the kept points' tasks (counted here as if all were
         * still to do). */
        double kept = (double)d->K * d->R;
        rep = (double)store_rec_bytes(d) + (tasks > 0 ? rep * kept / (double)tasks : 0);
    }
    double left = (double)(tasks - restored);
    double need = rep * left + (d->compression > 0 ? 0 : rep * (double)tasks);
    double fr = free_bytes_near(out_path);
    if (fr >= 0 && need > fr)
        return sim_fail(SIM_EINVAL,
                        "%s: not enough disk space: %d replicates need at least %.1f MB (%.3f MB each in the checkpoint%s) "
                        "but %.1f MB are free; free space, write elsewhere with -o, or run fewer replicates",
                        out_path, (int)(tasks - restored), need / 1e6, rep / 1e6,
                        d->compression > 0 ? "" : ", and as much again in the uncompressed output", fr / 1e6);
    return SIM_OK;
}
