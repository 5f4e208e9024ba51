/** \file posterior.c
 * `parkstat posterior`: reads a posterior file (docs/OUTPUT.md 3.9) and
 * prints, per parameter, the prior (generation 0, an unweighted sample of
 * it) and the posterior (the last generation, weighted): mean, sd, 5/50/95%
 * quantiles, and the shrinkage 1 - var(posterior) / var(prior) (0: the facts
 * say nothing about it; near 1: they pin it down). Then the generations and
 * the fit of each observation. --plot draws each marginal through gnuplot.
 */
#include "posterior.h"
#include "common.h"
#include "h5util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const usage =
    "usage: parkstat posterior POST.h5 [--json | --csv] [--plot FIG.png]\n"
    "\n"
    "The posterior of `parksim abc`: per parameter the prior and posterior mean,\n"
    "sd and 5/50/95% quantiles and the shrinkage 1 - var(post)/var(prior); the\n"
    "tolerance, acceptance rate and effective sample size of each generation; each\n"
    "observation with the weighted mean of the particles' summaries. --plot draws\n"
    "every marginal (prior and posterior histograms) into FIG.png with gnuplot.\n"
    "\n"
    "Exit codes: 0 ok; 1 I/O or memory failure, gnuplot missing or failed;\n"
    "2 bad usage or not a finished posterior file.\n";

typedef struct { double mean, sd, q[3]; } Marg;

typedef struct { double x; int i; } XI;

static int cmp_xi(const void *a, const void *b)
{
    const XI *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* Weighted moments and 5/50/95% quantiles (the smallest x whose cumulative weight reaches q). */
static Marg marginal(const double *x, const double *w, int n, int stride)
{
    Marg m = {0, 0, {0, 0, 0}};
    XI *idx = malloc((size_t)n * sizeof *idx);
    double tw = 0;
    for (int i = 0; i < n; i++) tw += w ? w[i] : 1;
    for (int i = 0; i < n; i++) m.mean += (w ? w[i] : 1) / tw * x[(size_t)i * stride];
    for (int i = 0; i < n; i++) {
        double e = x[(size_t)i * stride] - m.mean;
        m.sd += (w ? w[i] : 1) / tw * e * e;
    }
    m.sd = sqrt(m.sd);
    if (!idx) return m;
    for (int i = 0; i < n; i++) idx[i] = (XI){x[(size_t)i * stride], i};
    qsort(idx, (size_t)n, sizeof *idx, cmp_xi);
    const double qs[3] = {0.05, 0.5, 0.95};
    for (int k = 0; k < 3; k++) {
        double acc = 0;
        m.q[k] = idx[n - 1].x;
        for (int i = 0; i < n; i++) {
            acc += (w ? w[idx[i].i] : 1) / tw;
            if (acc >= qs[k]) { m.q[k] = idx[i].x; break; }
        }
    }
    free(idx);
    return m;
}

typedef struct {
    int G, N, m, S;
    char **key, **unit, **obs;
    double *th, *w, *tol, *acc, *ess, *observed, *otol, *summ;
    long long *sims;
    char *stop, *method;
} Post;

static void post_free(Post *p)
{
    h5u_free_strings(p->key, (size_t)p->m);
    h5u_free_strings(p->unit, (size_t)p->m);
    h5u_free_strings(p->obs, (size_t)p->S);
    free(p->th); free(p->w); free(p->tol); free(p->acc); free(p->ess); free(p->observed); free(p->otol);
    free(p->summ); free(p->sims); free(p->stop); free(p->method);
}

static SimStatus post_read(const char *path, Post *p)
{
    memset(p, 0, sizeof *p);
    hid_t f = h5u_open_readonly(path);
    if (f < 0) return SIM_ECONFIG;
    char *title = NULL;
    SimStatus st = SIM_OK;
    if (!h5u_attr_string(f, "title", &title) || strcmp(title, "parksim ABC-SMC posterior"))
        st = sim_fail(SIM_ECONFIG, "%s: not a posterior file of parksim abc (title '%s')", path, title ? title : "");
    else if (H5Aexists(f, "parksim_complete") <= 0)
        st = sim_fail(SIM_ECONFIG, "%s: the posterior was not finished (no parksim_complete)", path);
    int rank;
    hsize_t d[3];
    if (!st && (h5u_read_numeric(f, "theta_history", H5T_NATIVE_DOUBLE, 8, 3, &rank, d, (void **)&p->th) || rank != 3))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read theta_history (generation, particle, parameter)", path);
    if (!st) p->G = (int)d[0], p->N = (int)d[1], p->m = (int)d[2];
    hsize_t e[3];
    if (!st && (h5u_read_numeric(f, "weight_history", H5T_NATIVE_DOUBLE, 8, 2, &rank, e, (void **)&p->w) || rank != 2 ||
                e[0] != d[0] || e[1] != d[1]))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read weight_history (generation, particle)", path);
    const char *gv[3] = {"tolerance", "acceptance_rate", "ess"};
    double **gp[3] = {&p->tol, &p->acc, &p->ess};
    for (int i = 0; i < 3 && !st; i++)
        if (h5u_read_numeric(f, gv[i], H5T_NATIVE_DOUBLE, 8, 1, &rank, e, (void **)gp[i]) || e[0] != d[0])
            st = sim_fail(SIM_ECONFIG, "%s: cannot read %s (generation)", path, gv[i]);
    if (!st && (h5u_read_numeric(f, "simulations", H5T_NATIVE_LLONG, 8, 1, &rank, e, (void **)&p->sims) || e[0] != d[0]))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read simulations", path);
    if (!st && (h5u_read_numeric(f, "observed", H5T_NATIVE_DOUBLE, 8, 1, &rank, e, (void **)&p->observed)))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read observed", path);
    if (!st) p->S = (int)e[0];
    if (!st && (h5u_read_numeric(f, "observation_tolerance", H5T_NATIVE_DOUBLE, 8, 1, &rank, e, (void **)&p->otol) ||
                e[0] != (hsize_t)p->S))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read observation_tolerance", path);
    if (!st && (h5u_read_numeric(f, "summary", H5T_NATIVE_DOUBLE, 8, 2, &rank, e, (void **)&p->summ) ||
                e[0] != (hsize_t)p->N || e[1] != (hsize_t)p->S))
        st = sim_fail(SIM_ECONFIG, "%s: cannot read summary (particle, observation)", path);
    const char *sv[3] = {"parameter", "parameter_units", "observation"};
    char ***sp[3] = {&p->key, &p->unit, &p->obs};
    for (int i = 0; i < 3 && !st; i++) {
        size_t n = i < 2 ? (size_t)p->m : (size_t)p->S;
        hid_t ds = H5Dopen2(f, sv[i], H5P_DEFAULT);
        *sp[i] = calloc(n ? n : 1, sizeof(char *));
        if (ds < 0 || !*sp[i] || h5u_read_strings(ds, 0, n, *sp[i]) != 0)
            st = sim_fail(SIM_ECONFIG, "%s: cannot read %s", path, sv[i]);
        if (ds >= 0) H5Dclose(ds);
    }
    if (!st) {
        h5u_attr_string(f, "stop_reason", &p->stop);
        h5u_attr_string(f, "method", &p->method);
    }
    free(title);
    H5Fclose(f);
    return st;
}

/* Each marginal as a pair of histograms (prior, posterior) in one panel per parameter. */
static SimStatus plot(const Post *p, const char *out)
{
    size_t ol = strlen(out);
    char *script = malloc(ol + 16), *tmp = malloc(ol + 16);
    if (!script || !tmp) { free(script); free(tmp); return sim_fail(SIM_ENOMEM, "out of memory"); }
    snprintf(script, ol + 16, "%s.gp.tmp", out);
    snprintf(tmp, ol + 16, "%s.partial", out);
    FILE *o = fopen(script, "w");
    SimStatus st = SIM_OK;
    if (!o) st = sim_fail(SIM_EIO, "posterior: cannot write %s: %s", script, strerror(errno));
    if (!st) {
        int cols = p->m < 3 ? p->m : 3, rows = (p->m + cols - 1) / cols;
        fprintf(o, "set terminal pngcairo size %d,%d font 'sans,9'\nset output '%s'\n", 420 * cols, 300 * rows, tmp);
        fprintf(o, "set multiplot layout %d,%d\nset style fill transparent solid 0.5\nset key top right\n", rows, cols);
        const int B = 30;
        size_t last = (size_t)(p->G - 1) * p->N;
        for (int j = 0; j < p->m; j++) {
            double lo = INFINITY, hi = -INFINITY;
            for (int i = 0; i < p->N; i++)
                for (int g = 0; g < p->G; g += p->G - 1 ? p->G - 1 : 1) {
                    double v = p->th[((size_t)g * p->N + i) * p->m + j];
                    lo = fmin(lo, v), hi = fmax(hi, v);
                }
            if (!(hi > lo)) hi = lo + 1;
            double h = (hi - lo) / B, pr[30] = {0}, po[30] = {0};
            for (int i = 0; i < p->N; i++) {
                int b0 = (int)((p->th[(size_t)i * p->m + j] - lo) / h), b1 = (int)((p->th[(last + i) * p->m + j] - lo) / h);
                pr[b0 < B ? b0 : B - 1] += 1.0 / p->N / h;
                po[b1 < B ? b1 : B - 1] += p->w[last + i] / h;
            }
            fprintf(o, "$d%d << EOD\n", j);
            for (int b = 0; b < B; b++) fprintf(o, "%.9g %.9g %.9g\n", lo + (b + 0.5) * h, pr[b], po[b]);
            fprintf(o, "EOD\nset title '%s [%s]' noenhanced\nset boxwidth %.9g\n", p->key[j], p->unit[j], h);
            fprintf(o, "plot $d%d using 1:2 with boxes title 'prior', $d%d using 1:3 with boxes title 'posterior'\n", j, j);
        }
        fprintf(o, "unset multiplot\nunset output\n");
        if (fclose(o) != 0) st = sim_fail(SIM_EIO, "posterior: writing %s failed", script);
    }
    if (!st) {
        const char *gp = getenv("GNUPLOT") && *getenv("GNUPLOT") ? getenv("GNUPLOT") : "gnuplot";
        pid_t pid = fork();
        if (pid < 0) st = sim_fail(SIM_EIO, "posterior: cannot start gnuplot: %s", strerror(errno));
        else if (pid == 0) {
            execlp(gp, gp, script, (char *)NULL);
            _exit(127);
        } else {
            int ws;
            while (waitpid(pid, &ws, 0) < 0)
                if (errno != EINTR) break;
            struct stat sb;
            if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || stat(tmp, &sb) != 0 || sb.st_size == 0)
                st = sim_fail(SIM_EIO, "posterior: gnuplot ('%s') failed or is missing (Debian: gnuplot-nox)", gp);
            else if (rename(tmp, out) != 0)
                st = sim_fail(SIM_EIO, "posterior: cannot rename %s to %s: %s", tmp, out, strerror(errno));
        }
    }
    if (st) unlink(tmp);
    unlink(script);
    free(script);
    free(tmp);
    return st;
}

SimStatus cmd_posterior(int argc, char **argv)
{
    const char *path = NULL, *fig = NULL;
    OutFormat fmt = FMT_TABLE;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) { fputs(usage, stdout); return SIM_OK; }
        if (!strcmp(argv[i], "--json")) fmt = FMT_JSON;
        else if (!strcmp(argv[i], "--csv")) fmt = FMT_CSV;
        else if (!strcmp(argv[i], "--plot") && i + 1 < argc) fig = argv[++i];
        else if (argv[i][0] == '-' || path) {
            sim_error("posterior: unexpected argument '%s'", argv[i]);
            fputs(usage, stderr);
            return SIM_EINVAL;
        } else path = argv[i];
    }
    if (!path) { fputs(usage, stderr); return SIM_EINVAL; }
    Post p;
    SimStatus st = post_read(path, &p);
    if (st) { post_free(&p); return st; }
    size_t last = (size_t)(p.G - 1) * p.N;
    Marg *pr = calloc((size_t)p.m, sizeof *pr), *po = calloc((size_t)p.m, sizeof *po);
    if (!pr || !po) { free(pr); free(po); post_free(&p); return sim_fail(SIM_ENOMEM, "out of memory"); }
    for (int j = 0; j < p.m; j++) {
        pr[j] = marginal(&p.th[j], NULL, p.N, p.m);
        po[j] = marginal(&p.th[last * p.m + j], &p.w[last], p.N, p.m);
    }
    double ess = p.ess[p.G - 1];
    if (fmt == FMT_JSON) {
        printf("{\"file\": ");
        json_str(stdout, path);
        printf(", \"generations\": %d, \"particles\": %d, \"ess\": ", p.G, p.N);
        json_num(stdout, ess);
        printf(", \"stop_reason\": ");
        json_str(stdout, p.stop ? p.stop : "");
        printf(", \"parameters\": [");
        for (int j = 0; j < p.m; j++) {
            printf("%s{\"name\": ", j ? ", " : "");
            json_str(stdout, p.key[j]);
            printf(", \"unit\": ");
            json_str(stdout, p.unit[j]);
            const Marg *ms[2] = {&pr[j], &po[j]};
            const char *nm[2] = {"prior", "posterior"};
            for (int k = 0; k < 2; k++) {
                printf(", \"%s\": {\"mean\": ", nm[k]);
                json_num(stdout, ms[k]->mean);
                printf(", \"sd\": ");
                json_num(stdout, ms[k]->sd);
                printf(", \"q05\": ");
                json_num(stdout, ms[k]->q[0]);
                printf(", \"q50\": ");
                json_num(stdout, ms[k]->q[1]);
                printf(", \"q95\": ");
                json_num(stdout, ms[k]->q[2]);
                printf("}");
            }
            printf(", \"shrinkage\": ");
            json_num(stdout, pr[j].sd > 0 ? 1 - po[j].sd * po[j].sd / (pr[j].sd * pr[j].sd) : NAN);
            printf("}");
        }
        printf("]}\n");
    } else if (fmt == FMT_CSV) {
        printf("parameter,unit,prior_mean,prior_sd,post_mean,post_sd,post_q05,post_q50,post_q95,shrinkage\n");
        for (int j = 0; j < p.m; j++) {
            csv_str(stdout, p.key[j]);
            putchar(',');
            csv_str(stdout, p.unit[j]);
            printf(",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", pr[j].mean, pr[j].sd, po[j].mean, po[j].sd, po[j].q[0],
                   po[j].q[1], po[j].q[2], pr[j].sd > 0 ? 1 - po[j].sd * po[j].sd / (pr[j].sd * pr[j].sd) : NAN);
        }
    } else {
        printf("posterior %s: %d particles (ESS %.0f) after %d generations; stopped: %s\n\n", path, p.N, ess, p.G,
               p.stop ? p.stop : "?");
        printf("%-34s %-8s %21s  %21s  %-27s %9s\n", "parameter", "unit", "prior mean (sd)", "posterior mean (sd)",
               "posterior 5% / 50% / 95%", "shrinkage");
        for (int j = 0; j < p.m; j++) {
            char a[40], b[40], c[48];
            snprintf(a, sizeof a, "%.4g (%.3g)", pr[j].mean, pr[j].sd);
            snprintf(b, sizeof b, "%.4g (%.3g)", po[j].mean, po[j].sd);
            snprintf(c, sizeof c, "%.4g / %.4g / %.4g", po[j].q[0], po[j].q[1], po[j].q[2]);
            printf("%-34s %-8s %21s  %21s  %-27s %9.2f\n", p.key[j], p.unit[j], a, b, c,
                   pr[j].sd > 0 ? 1 - po[j].sd * po[j].sd / (pr[j].sd * pr[j].sd) : NAN);
        }
        printf("\nshrinkage = 1 - var(posterior)/var(prior): 0 the facts say nothing about the parameter, 1 they fix it.\n");
        printf("Monte-Carlo error of a posterior mean: about sd / sqrt(ESS) = sd x %.3f.\n\n", 1 / sqrt(ess));
        printf("%-10s %12s %11s %8s %12s\n", "generation", "tolerance", "acceptance", "ESS", "simulations");
        for (int g = 0; g < p.G; g++)
            printf("%-10d %12.4g %11.3f %8.1f %12lld\n", g, p.tol[g], p.acc[g], p.ess[g], p.sims[g]);
        printf("\n%-24s %12s %12s %18s\n", "observation", "observed", "tolerance", "posterior mean");
        for (int s = 0; s < p.S; s++) {
            double mu = 0;
            for (int i = 0; i < p.N; i++) mu += p.w[last + i] * p.summ[(size_t)i * p.S + s];
            printf("%-24s %12.4g %12.4g %18.4g\n", p.obs[s], p.observed[s], p.otol[s], mu);
        }
    }
    if (fig) {
        st = plot(&p, fig);
        if (!st && fmt == FMT_TABLE) printf("\nwrote %s\n", fig);
    }
    free(pr);
    free(po);
    post_free(&p);
    return st;
}
