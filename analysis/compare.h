/** \file compare.h */
#ifndef PARKSTAT_COMPARE_H
#define PARKSTAT_COMPARE_H
#include "../base/err.h"
SimStatus cmd_compare(int argc, char **argv);
#endif
