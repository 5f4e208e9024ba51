/** \file plot.c
 * `parkstat plot FILE.h5... -o FIG.png`: two figures through gnuplot.
 *
 *   FIG.png        fan chart: top-tier count by year per scenario, median line
 *                  with 50% (25-75%) and 90% (5-95%) bands, targets marked
 *   FIG-parks.png  per-park bars of P(top tier in year), one panel per scenario
 *
 * The data go into the gnuplot script as inline data blocks, so the script is
 * a complete record of what was drawn (--script keeps it). gnuplot renders to
 * FIG.png.partial files that are renamed only when it succeeds, so a failed
 * plot never leaves a truncated PNG under the final name.
 */
#include "plot.h"

#include "../base/err.h"
#include "common.h"
#include "runfile.h"
#include "stats.h"

#include <errno.h>
#include <gsl/gsl_sort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const double fan_q[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* The charts' words in each language (Lang). */
static const struct {
    const char *fan_title, *xlabel, *ylabel, *band90, *band50, *median, *target, *bars_ylabel, *bars_title,
        *replicates;
} words[2] = {
    {"Top-tier parks: median, 50% and 90% bands over replicates; targets in red", "assessment year",
     "top-tier parks", "90%", "50%", "median", "target", "P(top tier)", "P(park at the top tier) by year",
     "replicates"},
    {"一级园区数：各重复的中位数及 50%、90% 区间；红色为目标", "评估年份", "一级园区数", "90%区间", "50%区间",
     "中位数", "目标", "一级概率", "各园区进入一级的概率（按年）", "次重复"},
};

/* gnuplot string literal body: double quotes and backslashes would end or escape it. */
static void gp_str(FILE *o, const char *s)
{
    for (; *s; s++) fputc(*s == '"' ? '\'' : *s == '\\' ? '/' : *s, o);
}

/* Find an executable: a name with a slash as is, otherwise along $PATH. */
static int find_exe(const char *name, char *out, size_t len)
{
    if (strchr(name, '/')) {
        snprintf(out, len, "%s", name);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, len, "%.*s/%s", (int)n, path, name);
        if (n && access(out, X_OK) == 0) return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* The widest park name in em at the charts' font: a character of three or four UTF-8 bytes
 * (Chinese) is about 1 em wide, others about 0.55 em. */
static double label_em(const RunFile *f)
{
    double best = 0;
    for (int p = 0; p < f->P; p++) {
        double w = 0;
        for (const unsigned char *c = (const unsigned char *)f->park_name[p]; *c; c++)
            if ((*c & 0xC0) != 0x80) w += *c >= 0xE0 ? 1.0 : 0.55;
        if (w > best) best = w;
    }
    return best;
}

static SimStatus write_script(FILE *o, RunFile *const *rf, int nf, const Targets *tg, const char *fan_out,
                              const char *bars_out, int width, int height, Lang lang)
{
    const int L = lang == LANG_ZH;
    const int Y = rf[0]->Y, P = rf[0]->P;
    fprintf(o, "# parkstat plot: the data are the inline blocks below (docs/ANALYSIS.md)\n");
    /* names are UTF-8: gnuplot then measures them in characters, not bytes, for the margins */
    fprintf(o, "set encoding utf8\n");
    for (int i = 0; i < nf; i++) {
        const RunFile *f = rf[i];
        double *x = malloc((size_t)f->R * sizeof *x);
        if (!x) return sim_fail(SIM_ENOMEM, "out of memory");
        fprintf(o, "# scenario %d: %s (%s), %d replicates\n$fan%d << EOD\n# year q05 q25 median q75 q95 mean\n", i,
                f->name, f->path, f->R, i);
        for (int y = 0; y < Y; y++) {
            for (int r = 0; r < f->R; r++) x[r] = f->top[(size_t)r * Y + y];
            gsl_sort(x, 1, (size_t)f->R);
            double m;
            stats_mean_se(x, (size_t)f->R, &m, NULL, NULL);
            fprintf(o, "%d", f->years[y]);
            for (int k = 0; k < 5; k++) fprintf(o, " %.6g", stats_quantile(x, (size_t)f->R, fan_q[k]));
            fprintf(o, " %.6g\n", m);
        }
        fprintf(o, "EOD\n$parks%d << EOD\n# park", i);
        for (int y = 0; y < Y; y++) fprintf(o, " P%d", f->years[y]);
        fprintf(o, "\n");
        for (int p = 0; p < P; p++) {
            fprintf(o, "\"");
            gp_str(o, f->park_name[p]);
            fprintf(o, "\"");
            for (int y = 0; y < Y; y++) {
                long k = 0;
                for (int r = 0; r < f->R; r++) k += f->tier[((size_t)r * Y + y) * P + p] == 1;
                fprintf(o, " %.6g", (double)k / f->R);
            }
            fprintf(o, "\n");
        }
        fprintf(o, "EOD\n");
        free(x);
    }
    fprintf(o, "$targets << EOD\n# year count\n");
    for (int t = 0; t < tg->n; t++) fprintf(o, "%d %d\n", tg->t[t].year, tg->t[t].count);
    fprintf(o, "EOD\n\n");
    /* pngcairo draws antialiased, transparent bands; plain png (libgd) is the fallback */
    fprintf(o, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo noenhanced size %d,%d font '%s,10' } "
               "else { set terminal png noenhanced size %d,%d }\n", width, height, PLOT_FONT, width, height);
    fprintf(o, "set output \"");
    gp_str(o, fan_out);
    fprintf(o, "\"\nset title \"%s\"\n", words[L].fan_title);
    fprintf(o, "set xlabel '%s'\nset ylabel '%s'\nset key outside right top\nset grid ytics\n", words[L].xlabel,
            words[L].ylabel);
    fprintf(o, "set xrange [%g:%g]\nset xtics 1\nset yrange [0:*]\nset offsets 0, 0, 1, 0\n", rf[0]->years[0] - 0.25,
            rf[0]->years[Y - 1] + 0.25);
    fprintf(o, "plot \\\n");
    for (int i = 0; i < nf; i++) {
        int lc = i + 1;
        fprintf(o, "  $fan%d using 1:2:6 with filledcurves fs transparent solid 0.15 noborder lc %d title \"", i, lc);
        gp_str(o, rf[i]->name);
        fprintf(o, " %s\", \\\n  $fan%d using 1:3:5 with filledcurves fs transparent solid 0.35 noborder lc %d "
                   "title \"", words[L].band90, i, lc);
        gp_str(o, rf[i]->name);
        fprintf(o, " %s\", \\\n  $fan%d using 1:4 with linespoints lw 2 pt 7 lc %d title \"", words[L].band50, i, lc);
        gp_str(o, rf[i]->name);
        fprintf(o, " %s\", \\\n", words[L].median);
    }
    fprintf(o, "  $targets using 1:2 with points pt 9 ps 2.5 lc rgb 'red' title '%s'\nunset output\n\n",
            words[L].target);
    /* per-park bars: one panel per scenario, taller when the upright names need more than ~110 pixels */
    const int panel = 380 + (int)(label_em(rf[0]) * 13.0 > 110 ? label_em(rf[0]) * 13.0 - 110 : 0);
    fprintf(o, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo noenhanced size %d,%d font '%s,10' } "
               "else { set terminal png noenhanced size %d,%d }\n", width, 60 + panel * nf, PLOT_FONT, width,
            60 + panel * nf);
    fprintf(o, "set output \"");
    gp_str(o, bars_out);
    fprintf(o, "\"\nreset\nset multiplot layout %d,1\nset style data histograms\n"
               "set style histogram clustered gap 1\nset style fill solid 0.85 border -1\nset yrange [0:1]\n"
               "set ylabel '%s'\nset grid ytics\nset key outside right top\nset xtics rotate by 90 right scale 0 nomirror\n", nf,
            words[L].bars_ylabel);
    for (int i = 0; i < nf; i++) {
        fprintf(o, "set title \"");
        gp_str(o, rf[i]->name);
        fprintf(o, ": %s, %d %s\"\nplot $parks%d using 2:xtic(1) title '%d'", words[L].bars_title, rf[i]->R,
                words[L].replicates, i, rf[i]->years[0]);
        for (int y = 1; y < Y; y++) fprintf(o, ", '' using %d title '%d'", y + 2, rf[i]->years[y]);
        fprintf(o, "\n");
    }
    fprintf(o, "unset multiplot\nunset output\n");
    return SIM_OK;
}

/* Run gnuplot on the script; SIM_OK, or SIM_EIO after a message. */
static SimStatus run_gnuplot(const char *exe, const char *script)
{
    pid_t pid = fork();
    if (pid < 0) return sim_fail(SIM_EIO, "plot: cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        execl(exe, exe, script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return sim_fail(SIM_EIO, "plot: waiting for gnuplot: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return sim_fail(SIM_EIO, "plot: gnuplot (%s) failed on %s (%s %d); its messages are above", exe, script,
                        WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    return SIM_OK;
}

char *plot_parks_name(const char *out)
{
    size_t ol = strlen(out), n = ol + 16;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%.*s-parks.png", (int)(ol > 4 ? ol - 4 : 0), out);
    return s;
}

SimStatus plot_render(RunFile *const *rf, int nf, const Targets *tg, const char *out, const char *keep, int width,
                      int height, Lang lang)
{
    char exe[4096];
    const char *gp = getenv("GNUPLOT") && *getenv("GNUPLOT") ? getenv("GNUPLOT") : "gnuplot";
    if (!find_exe(gp, exe, sizeof exe))
        /* a missing tool is a runtime failure (exit 1), not bad input */
        return sim_fail(SIM_EIO, "plot: gnuplot not found ('%s' %s); install it (Debian: apt-get install "
                        "gnuplot-nox, or make deps) or set GNUPLOT to its path", gp,
                        strchr(gp, '/') ? "is not executable" : "is not on PATH");
    SimStatus rc = SIM_OK;
    size_t ol = strlen(out);
    char *bars = plot_parks_name(out), *fan_tmp = malloc(ol + 16), *bars_tmp = malloc(ol + 24), *script = NULL;
    if (!bars || !fan_tmp || !bars_tmp) rc = sim_fail(SIM_ENOMEM, "out of memory");
    if (!rc) {
        snprintf(fan_tmp, ol + 16, "%s.partial", out);
        snprintf(bars_tmp, ol + 24, "%s.partial", bars);
        script = keep ? strdup(keep) : malloc(ol + 16);
        if (!script) rc = sim_fail(SIM_ENOMEM, "out of memory");
        else if (!keep) snprintf(script, ol + 16, "%s.gp.tmp", out);
    }
    if (!rc) {
        FILE *o = fopen(script, "w");
        if (!o) {
            rc = sim_fail(SIM_EIO, "plot: cannot write %s: %s", script, strerror(errno));
        } else {
            rc = write_script(o, rf, nf, tg, fan_tmp, bars_tmp, width, height, lang);
            if (fclose(o) != 0 && !rc) rc = sim_fail(SIM_EIO, "plot: writing %s failed: %s", script, strerror(errno));
        }
        if (!rc) rc = run_gnuplot(exe, script);
        if (!rc) {
            struct stat sa, sb;
            if (stat(fan_tmp, &sa) < 0 || sa.st_size == 0 || stat(bars_tmp, &sb) < 0 || sb.st_size == 0)
                rc = sim_fail(SIM_EIO, "plot: gnuplot exited 0 but did not write %s and %s", fan_tmp, bars_tmp);
            else if (rename(fan_tmp, out) < 0 || rename(bars_tmp, bars) < 0)
                rc = sim_fail(SIM_EIO, "plot: cannot rename the plots into place (%s, %s): %s", out, bars,
                              strerror(errno));
        }
        if (rc) unlink(fan_tmp), unlink(bars_tmp);
        if (!keep) unlink(script);
    }
    free(bars), free(fan_tmp), free(bars_tmp), free(script);
    return rc;
}

static const char *const plot_usage =
    "usage: parkstat plot FILE.h5... -o FIG.png [--target YEAR:COUNT]... [--script FIG.gp]\n"
    "                     [--size WIDTHxHEIGHT] [--lang en|zh] [--point Q]...\n"
    "\n"
    "Writes FIG.png, a fan chart of the top-tier count by year (median, 50% and\n"
    "90% bands) for each scenario with the targets marked, and FIG-parks.png,\n"
    "per-park bars of P(top tier) by year (one panel per scenario). Needs gnuplot\n"
    "(Debian: gnuplot-nox; $GNUPLOT overrides the program). --script keeps the\n"
    "gnuplot script, which holds every plotted number as inline data. --lang zh\n"
    "labels the charts in Chinese. Park names are drawn in the font " PLOT_FONT ".\n"
    "Exit codes: 0 ok, 1 gnuplot missing or failed, or an I/O or memory failure,\n"
    "2 bad input (usage, unfinished or mismatched files, bad target).\n";

SimStatus cmd_plot(int argc, char **argv)
{
    OutFormat fmt = FMT_TABLE;
    Targets cmd = {.n = 0};
    const char *out = NULL, *keep = NULL;
    int nf = 0, width = 900, height = 560;
    Lang lang = LANG_EN;
    SimStatus rc = SIM_OK;
    Points pts = {0};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) return sim_fail(SIM_ENOMEM, "out of memory");
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) { fputs(plot_usage, stdout); free(files); return SIM_OK; }
        int c = common_option(argc, argv, &i, &fmt, &cmd);
        if (c == 0 && (c = point_option(argc, argv, &i, &pts)) == 1) continue;
        if (c < 0) { free(files); return SIM_EINVAL; }
        if (c == 1 && fmt == FMT_TABLE) continue;
        if (c == 0 && !strcmp(argv[i], "--lang")) {
            if (i + 1 >= argc || (strcmp(argv[i + 1], "en") && strcmp(argv[i + 1], "zh"))) {
                free(files);
                return sim_fail(SIM_EINVAL, "plot: --lang needs en or zh");
            }
            lang = !strcmp(argv[++i], "zh") ? LANG_ZH : LANG_EN;
            continue;
        }
        if (c == 0 && (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--script") || !strcmp(argv[i], "--size"))) {
            if (i + 1 >= argc) {
                free(files);
                return sim_fail(SIM_EINVAL, "plot: %s needs a value", argv[i]);
            }
            if (argv[i][1] == 'o') out = argv[++i];
            else if (argv[i][2] == 's' && argv[i][3] == 'c') keep = argv[++i];
            else if (sscanf(argv[++i], "%dx%d", &width, &height) != 2 || width < 200 || height < 150 ||
                     width > 10000 || height > 10000) {
                free(files);
                return sim_fail(SIM_EINVAL, "plot: --size needs WIDTHxHEIGHT in pixels (200x150 to 10000x10000); "
                                "got %s", argv[i]);
            }
            continue;
        }
        if (c == 1 || argv[i][0] == '-') {
            sim_error("plot: unknown option '%s'", argv[i]);
            fputs(plot_usage, stderr);
            free(files);
            return SIM_EINVAL;
        }
        files[nf++] = argv[i];
    }
    size_t ol = out ? strlen(out) : 0;
    if (nf == 0 || !out || ol < 5 || strcmp(out + ol - 4, ".png")) {
        sim_error(nf == 0 ? "plot needs at least one file" : "plot needs -o FIG.png (a name ending in .png)");
        fputs(plot_usage, stderr);
        free(files);
        return SIM_EINVAL;
    }
    RunFile **rf = NULL;
    int n = 0;
    rc = runfiles_read(files, nf, &pts, 1, &rf, &n);
    nf = n;
    for (int i = 1; i < nf && !rc; i++) rc = runfile_check_compatible(rf[0], rf[i], 0);
    Targets tg;
    if (!rc) rc = targets_for(rf[0], &cmd, &tg);
    if (!rc) rc = plot_render(rf, nf, &tg, out, keep, width, height, lang);
    char *bars = rc ? NULL : plot_parks_name(out);
    if (!rc && !bars) rc = sim_fail(SIM_ENOMEM, "out of memory");
    if (!rc) printf("wrote %s (fan chart) and %s (per-park bars)%s%s\n", out, bars, keep ? "; script " : "",
                    keep ? keep : "");
    for (int i = 0; i < nf && rf; i++) runfile_free(rf[i]);
    free(rf), free(files), free(bars);
    return rc;
}
