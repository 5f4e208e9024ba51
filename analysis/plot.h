/** \file plot.h */
#ifndef PARKSTAT_PLOT_H
#define PARKSTAT_PLOT_H
#include "../base/err.h"
SimStatus cmd_plot(int argc, char **argv);
#endif
