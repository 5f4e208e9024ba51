/** \file watchdog.c
 * The I/O watchdog (watchdog.h): an alarm whose handler prints what did not
 * progress and ends the rank.
 */
#include "watchdog.h"
#include "../base/err.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char g_watch_what[96];
static unsigned g_watch_secs;

static void on_watchdog(int sig)
{
    (void)sig;
    static const char a[] = "parksim: error: the HDF5 output did not progress for ";
    char num[16];
    int k = 0;
    unsigned v = g_watch_secs;
    char rev[16];
    do { rev[k++] = (char)('0' + v % 10); v /= 10; } while (v && k < 15);
    for (int i = 0; i < k; i++) num[i] = rev[k - 1 - i];
    ssize_t ignored = write(STDERR_FILENO, a, sizeof a - 1);
    ignored = write(STDERR_FILENO, num, (size_t)k);
    static const char b[] = " s while ";
    ignored = write(STDERR_FILENO, b, sizeof b - 1);
    ignored = write(STDERR_FILENO, g_watch_what, strlen(g_watch_what));
    static const char c[] = " (another rank failed?); stopping this rank (PARKSIM_IO_TIMEOUT sets the limit)\n";
    ignored = write(STDERR_FILENO, c, sizeof c - 1);
    (void)ignored;
    _exit(EXIT_RUNTIME);
}

void watchdog_arm(unsigned secs, const char *what)
{
    if (secs == 0 || !what) {
        alarm(0);
        return;
    }
    snprintf(g_watch_what, sizeof g_watch_what, "%s", what);
    g_watch_secs = secs;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watchdog;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == 0) alarm(secs);
}
