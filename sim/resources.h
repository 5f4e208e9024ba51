/** \file resources.h
 * Memory and disk checks made on rank 0 before a run allocates or creates
 * anything: refuse a run whose result buffers cannot fit in memory or whose
 * results cannot fit on the disk, with the numbers, instead of an
 * out-of-memory kill or a full disk hours later. Also the peak memory the
 * run reports.
 */
#ifndef PARKSIM_RESOURCES_H
#define PARKSIM_RESOURCES_H

#include "config.h"
#include "io_h5.h"

/** Whether the result buffers of `size` ranks (as if on one node) fit in the
 *  available memory. Reports and returns SIM_EINVAL if not. */
SimStatus resources_check_memory(const Scenario *sc, const OutDims *d, int size);

/** Whether `tasks` replicates, `restored` of them already in the checkpoint,
 *  fit on the disk that holds out_path (the checkpoint holds every replicate
 *  uncompressed; the output holds them once more). Reports and returns
 *  SIM_EINVAL if they certainly do not. PARKSIM_TEST_NO_DISK_CHECK skips it. */
SimStatus resources_check_disk(const char *out_path, const Scenario *sc, const OutDims *d, long tasks, int restored);

/** A size field of /proc/self/status (e.g. "VmHWM:") in MB; 0 if unavailable. */
double resources_rss_mb(const char *field);

#endif
