/** \file stall_write.c
 * LD_PRELOAD fault injection for tests/watchdog.t: makes writes to one file
 * hang, as a stuck file system or a collective HDF5 call whose partner rank
 * died would, without any hook in parksim itself.
 *
 *   STALL_WRITE_PATH  writes to a file whose path contains this text stall...
 *   STALL_WRITE_WHEN  ...once a file matching this glob(3) pattern exists
 *                     (e.g. OUT.h5.ckpt/seg-*: after the first checkpoint
 *                     commit, so the file's creation is not affected);
 *   STALL_WRITE_SECONDS  for this long (default 120), then the write proceeds.
 *
 * Built without sanitizers or MPI (gcc -shared -fPIC); intercepts the POSIX
 * write calls that Open MPI's I/O layer (fbtl posix) and HDF5's sec2 use.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void maybe_stall(int fd)
{
    const char *want = getenv("STALL_WRITE_PATH"), *when = getenv("STALL_WRITE_WHEN");
    if (!want || !*want) return;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return;
    path[n] = '\0';
    if (!strstr(path, want)) return;
    if (when && *when) {
        glob_t g;
        int found = glob(when, 0, NULL, &g) == 0 && g.gl_pathc > 0;
        globfree(&g);
        if (!found) return;
    }
    const char *s = getenv("STALL_WRITE_SECONDS");
    double secs = s ? atof(s) : 120;
    struct timespec end, now;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += (time_t)secs;
    do { /* a signal handler that returns (not the watchdog's) must not cut the stall short */
        struct timespec one = {0, 100000000};
        nanosleep(&one, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t len)
{
    maybe_stall(fd);
    return NEXT(write)(fd, buf, len);
}
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    maybe_stall(fd);
    return NEXT(pwrite)(fd, buf, len, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    maybe_stall(fd);
    return NEXT(pwrite64)(fd, buf, len, off);
}
ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    maybe_stall(fd);
    return NEXT(writev)(fd, iov, cnt);
}
ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    maybe_stall(fd);
    return NEXT(pwritev)(fd, iov, cnt, off);
}
ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
{
    maybe_stall(fd);
    return NEXT(pwritev64)(fd, iov, cnt, off);
}
