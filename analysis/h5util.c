/** \file h5util.c
 * String reading for parkstat (see h5util.h).
 */
#include "h5util.h"

#include "../base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int h5u_read_strings(hid_t id, int is_attr, size_t n, char **out)
{
    hid_t ft = is_attr ? H5Aget_type(id) : H5Dget_type(id);
    if (ft < 0) return -1;
    int rc = -1;
    hid_t mt = -1;
    for (size_t i = 0; i < n; i++) out[i] = NULL;
    if (H5Tget_class(ft) != H5T_STRING) goto done;
    if (H5Tis_variable_str(ft) > 0) {
        char **tmp = calloc(n ? n : 1, sizeof *tmp);
        mt = H5Tcopy(H5T_C_S1);
        /* the memory type must carry the file's character set, or HDF5 refuses the conversion */
        if (!tmp || mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Tset_cset(mt, H5Tget_cset(ft)) < 0) {
            free(tmp);
            goto done;
        }
        herr_t e = is_attr ? H5Aread(id, mt, tmp) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp);
        if (e < 0) { free(tmp); goto done; }
        rc = 0;
        for (size_t i = 0; i < n; i++)
            if (!(out[i] = strdup(tmp[i] ? tmp[i] : ""))) rc = -1;
        /* vlen strings were allocated by the library; give them back to it */
        hid_t sp = is_attr ? H5Aget_space(id) : H5Dget_space(id);
        if (sp < 0 || H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, tmp) < 0) rc = -1;
        if (sp >= 0) H5Sclose(sp);
        free(tmp);
    } else {
        size_t len = H5Tget_size(ft);
        char *buf = calloc(n * len + 1, 1);
        mt = H5Tcopy(ft);
        if (!buf || mt < 0) { free(buf); goto done; }
        herr_t e = is_attr ? H5Aread(id, mt, buf) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        if (e < 0) { free(buf); goto done; }
        rc = 0;
        for (size_t i = 0; i < n; i++) {
            /* fixed-length strings are NUL-padded or NUL-terminated, never longer than len */
            if (!(out[i] = malloc(len + 1))) { rc = -1; continue; }
            memcpy(out[i], buf + i * len, len);
            out[i][len] = '\0';
        }
        free(buf);
    }
done:
    if (rc < 0)
        for (size_t i = 0; i < n; i++) free(out[i]), out[i] = NULL;
    if (mt >= 0) H5Tclose(mt);
    H5Tclose(ft);
    return rc;
}

int h5u_attr_string(hid_t obj, const char *name, char **out)
{
    *out = NULL;
    if (H5Aexists(obj, name) <= 0) return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return 0;
    hid_t sp = H5Aget_space(a);
    int ok = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1 && h5u_read_strings(a, 1, 1, out) == 0;
    if (sp >= 0) H5Sclose(sp);
    H5Aclose(a);
    return ok;
}

int h5u_read_numeric(hid_t f, const char *name, hid_t memtype, size_t elsize, int maxrank, int *rank,
                     hsize_t *dims, void **buf)
{
    return h5u_read_numeric_at(f, name, -1, memtype, elsize, maxrank, rank, dims, buf);
}

int h5u_read_numeric_at(hid_t f, const char *name, long lead, hid_t memtype, size_t elsize, int maxrank, int *rank,
                        hsize_t *dims, void **buf)
{
    *buf = NULL;
    *rank = 0;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0) return 1;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    int rc = -1;
    hid_t sp = H5Dget_space(d), ft = H5Dget_type(d);
    H5T_class_t cls = ft >= 0 ? H5Tget_class(ft) : H5T_NO_CLASS;
    int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1, sl = lead >= 0;
    hsize_t all[H5S_MAX_RANK];
    if ((cls == H5T_INTEGER || cls == H5T_FLOAT) && r >= 1 + sl && r - sl <= maxrank &&
        H5Sget_simple_extent_dims(sp, all, NULL) == r && (!sl || (hsize_t)lead < all[0])) {
        size_t total = 1;
        int fits = 1;
        for (int i = sl; i < r && fits; i++) {
            if (all[i] == 0 || all[i] > (hsize_t)(SIZE_MAX / 2 / elsize / total)) fits = 0;
            else total *= (size_t)all[i];
            dims[i - sl] = all[i];
        }
        /* the slice: one row of the first axis, every element of the others */
        hsize_t start[H5S_MAX_RANK] = {(hsize_t)(sl ? lead : 0)}, count[H5S_MAX_RANK];
        for (int i = 0; i < r; i++) count[i] = i == 0 && sl ? 1 : all[i];
        hid_t ms = fits ? H5Screate_simple(r, count, NULL) : -1;
        if (ms >= 0 && (*buf = malloc(total * elsize)) &&
            H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
            H5Dread(d, memtype, ms, sp, H5P_DEFAULT, *buf) >= 0) {
            *rank = r - sl;
            rc = 0;
        }
        if (ms >= 0) H5Sclose(ms);
    }
    if (rc < 0) free(*buf), *buf = NULL;
    if (ft >= 0) H5Tclose(ft);
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

void h5u_free_strings(char **s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

hid_t h5u_open_readonly(const char *path)
{
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        sim_error("%s: %s", path, is == 0 ? "not an HDF5 file" : "cannot open (missing or unreadable)");
        return -1;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) sim_error("%s: cannot open as HDF5", path);
    return f;
}
