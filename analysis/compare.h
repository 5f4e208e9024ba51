/** \file compare.h */
#ifndef PARKSTAT_COMPARE_H
#define PARKSTAT_COMPARE_H
int cmd_compare(int argc, char **argv);
#endif
