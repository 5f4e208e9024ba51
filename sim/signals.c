/** \file signals.c
 * SIGTERM/SIGUSR1: set a flag and return (async-signal-safe); the ensemble
 * driver polls it between rounds (signals.h).
 */
#include "signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t g_stop_signal;

static void on_stop_signal(int sig) { g_stop_signal = sig; }

int signals_install_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0;
}

int signals_stop_requested(void) { return g_stop_signal != 0; }
