/** \file h5util.h
 * Small HDF5 readers shared by parkstat's commands: strings of either storage
 * (fixed-length or variable-length), which parksim uses for attributes and
 * label datasets respectively.
 */
#ifndef PARKSTAT_H5UTIL_H
#define PARKSTAT_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>

/** Read a scalar string attribute of `obj` into a malloc'd string. Returns 1 on
 *  success, 0 when the attribute is absent or not a scalar string. */
int h5u_attr_string(hid_t obj, const char *name, char **out);

/** Read a string attribute or dataset of n elements (`id` an attribute when
 *  is_attr, else a dataset) into n malloc'd strings. Returns 0 or -1. */
int h5u_read_strings(hid_t id, int is_attr, size_t n, char **out);

/** Open an HDF5 file read-only; on failure print why, naming the file, and
 *  return -1 (a missing file, not HDF5, unreadable). */
hid_t h5u_open_readonly(const char *path);

/** Read numeric dataset `name` of `f` as `memtype` (element size elsize) into *buf (malloc'd
 *  here), its rank into *rank and its extents into dims (at most maxrank). Returns 0, 1 when
 *  the dataset is absent, or -1 when it is not a numeric dataset of rank <= maxrank, is too
 *  large or cannot be read (*buf is NULL then). */
int h5u_read_numeric(hid_t f, const char *name, hid_t memtype, size_t elsize, int maxrank, int *rank,
                     hsize_t *dims, void **buf);

/** As h5u_read_numeric, of the slice [lead, ...] of a dataset whose first axis
 *  is a sweep's points (lead >= 0; the whole dataset when lead < 0): *rank and
 *  dims are the slice's, without that axis. Returns -1 also when lead is
 *  outside the first axis or the dataset has rank 1. */
int h5u_read_numeric_at(hid_t f, const char *name, long lead, hid_t memtype, size_t elsize, int maxrank, int *rank,
                        hsize_t *dims, void **buf);

/** Free n strings and the array. */
void h5u_free_strings(char **s, size_t n);

#endif
