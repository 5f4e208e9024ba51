/** \file report.h
 * `parkstat report FILE.h5... -o REPORT.html`: a self-contained HTML report
 * (docs/ANALYSIS.md "report").
 */
#ifndef PARKSTAT_REPORT_H
#define PARKSTAT_REPORT_H

#include "../base/err.h"

SimStatus cmd_report(int argc, char **argv);

#endif
