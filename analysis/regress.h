/** \file regress.h */
#ifndef PARKSTAT_REGRESS_H
#define PARKSTAT_REGRESS_H
int cmd_regress(int argc, char **argv);
#endif
