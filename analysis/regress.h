/** \file regress.h */
#ifndef PARKSTAT_REGRESS_H
#define PARKSTAT_REGRESS_H
#include "../base/err.h"

/** regress answers a question, so its result is the exit code itself rather than
 *  a SimStatus: EXIT_OK equivalent, REGRESS_DIFFERENT, EXIT_BADINPUT for bad input
 *  and for any failure to read or compare (a runtime failure must not look like
 *  "different"). */
enum { REGRESS_DIFFERENT = 1 };

int cmd_regress(int argc, char **argv);
#endif
