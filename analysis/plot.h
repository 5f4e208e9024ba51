/** \file plot.h
 * `parkstat plot`: the fan chart and the per-park bars through gnuplot.
 */
#ifndef PARKSTAT_PLOT_H
#define PARKSTAT_PLOT_H

#include "../base/err.h"
#include "common.h"
#include "runfile.h"

/** The charts' font: a font with Chinese glyphs (Debian fonts-wqy-zenhei, installed by make
 *  deps), so that park names and the Chinese labels render as characters, not boxes. */
#define PLOT_FONT "WenQuanYi Zen Hei"

/** Draw the fan chart `out` (a name ending in .png) and the per-park bars OUT-parks.png of
 *  the files rf[0..nf-1] (read with their tiers; same years and parks) with targets tg and
 *  labels in `lang`. gnuplot writes .partial files renamed only on success; `keep`, if not
 *  NULL, keeps the script there. SIM_OK, or after a message SIM_EIO (gnuplot missing or
 *  failed, I/O) or SIM_ENOMEM. */
SimStatus plot_render(RunFile *const *rf, int nf, const Targets *tg, const char *out, const char *keep, int width,
                      int height, Lang lang);

/** The per-park chart's name for fan chart `out`: OUT without .png, then -parks.png (malloc'd). */
char *plot_parks_name(const char *out);

SimStatus cmd_plot(int argc, char **argv);

#endif
