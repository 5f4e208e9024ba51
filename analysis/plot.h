/** \file plot.h */
#ifndef PARKSTAT_PLOT_H
#define PARKSTAT_PLOT_H
int cmd_plot(int argc, char **argv);
#endif
