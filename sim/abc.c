/** \file abc.c
 * The ABC-SMC sampler of abc.h: the models that produce summaries, the
 * generations, the kernels and weights, the checkpoint and the progress.
 *
 * Generation 0 draws its particles from the priors and accepts them all
 * (tolerance infinite). Generation t >= 1 sets its tolerance to the
 * `quantile` of generation t-1's weighted distances (never below
 * final_tolerance); each particle then proposes until a simulation comes
 * within the tolerance: an ancestor j drawn by weight, moved by a normal
 * step with the ancestor's own covariance
 *     Sigma_j = sum_k w_k (z_k - z_j)(z_k - z_j)^T
 * over the particles k of generation t-1 already within the new tolerance
 * (the optimal local-covariance, OLCM, kernel of Filippi et al. 2013), and is weighted
 *     w_i ~ phi(z_i) / sum_j W_j N(z_i; z_j, Sigma_j)
 * (Beaumont et al. 2009), phi the N(0, I) prior density of the scores.
 * Every rank computes these from the same arrays in the same order, so
 * they agree bit for bit without being broadcast.
 *
 * Randomness: attempt a of particle p of generation t draws from the
 * keyed stream (abc seed, replicate p, entity a, step t, site ABC_SITE_*)
 * and simulates the model with run.seed = fnv(seed, t, p, a): no draw
 * depends on which rank runs the particle or on what ran before.
 */
#include "abc.h"
#include "calibrate.h"
#include "checkpoint.h"
#include "par.h"
#include "signals.h"
#include "util.h"
#include "../agents/rng.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

/* Call sites of the sampler's own draws: outside the model's rng_site
 * numbers, so its streams never meet a model stream. Never renumber. */
enum { ABC_SITE_PROPOSE = 101, ABC_SITE_TOY = 102, ABC_SITE_DRAW = 103 };

/* Kernel covariances are regularised by this multiple of the identity (in
 * normal scores, where the prior has unit variance): a population collapsed
 * onto one point would otherwise give a singular kernel. */
#define ABC_JITTER 1e-9

/* ---------------------------------------------------------------- models */

typedef struct {
    const Observations *ob;
    const Scenario *sc;
    const Priors *pr;
    CutoffFit *fit;
    int *want;          /* park_tier: the verified tier asked of each park (0: none) */
    double *share;      /* per park */
    gsl_rng *r;
} Model;

static SimStatus model_init(Model *mo, const Observations *ob, const Scenario *sc, const Priors *pr)
{
    memset(mo, 0, sizeof *mo);
    mo->ob = ob, mo->sc = sc, mo->pr = pr;
    if (!(mo->r = rng_gsl_alloc())) return sim_fail(SIM_ENOMEM, "out of memory");
    if (ob->model != OM_PARKSIM) return SIM_OK;
    mo->want = calloc((size_t)sc->n_parks, sizeof *mo->want);
    mo->share = calloc((size_t)sc->n_parks, sizeof *mo->share);
    if (!mo->want || !mo->share) return sim_fail(SIM_ENOMEM, "out of memory");
    for (int i = 0; i < ob->n; i++)
        if (ob->ob[i].stat == OS_PARK_TIER) mo->want[ob->ob[i].park] = ob->ob[i].tier;
    if (pr->refit) return cutoff_fit_new(&mo->fit, sc, &sc->p);
    return SIM_OK;
}

static void model_free(Model *mo)
{
    cutoff_fit_free(mo->fit);
    free(mo->want);
    free(mo->share);
    if (mo->r) gsl_rng_free(mo->r);
}

/* The keys a particle sets (prior_applied_keys, then the refitted cut-offs). */
static int model_keys(const Priors *pr, char key[][PRIOR_KEY_MAX])
{
    int m = prior_applied_keys(pr, key, ABC_MAX_APPLIED - 2);
    if (pr->refit) {
        snprintf(key[m++], PRIOR_KEY_MAX, "assessment.tier1_min");
        snprintf(key[m++], PRIOR_KEY_MAX, "assessment.tier2_min");
    }
    return m;
}

/* Simulate inputs x: summaries s[S] and the values set theta[m]. Returns 0,
 * or -1 after a message (a model failure stops the calibration). */
static int model_simulate(Model *mo, const double *x, uint64_t seed, int p, int a, int t, double *s, double *theta,
                          int m, char key[][PRIOR_KEY_MAX])
{
    const Observations *ob = mo->ob;
    if (ob->model != OM_PARKSIM) {
        /* Toy models: the parameter is the first input (the one prior). */
        rng_gsl_reset(mo->r, seed, (uint32_t)p, (uint64_t)a, (uint32_t)t, (enum rng_site)ABC_SITE_TOY);
        double th = x[0];
        theta[0] = th;
        if (ob->model == OM_NORMAL) s[0] = th + gsl_ran_gaussian(mo->r, ob->toy_sigma / sqrt((double)ob->toy_n));
        else s[0] = (double)gsl_ran_binomial(mo->r, th, (unsigned)ob->toy_n);
        return 0;
    }
    Params q = mo->sc->p;
    if (prior_apply(mo->pr, x, &q) != 0) {
        sim_error("abc: a particle's values are out of their keys' ranges");
        return -1;
    }
    if (mo->pr->refit) {
        double n1, n2;
        if (cutoff_fit(mo->fit, &q, mo->pr->reinit, &n1, &n2) < 0) return -1;
    }
    for (int j = 0; j < m; j++) SIM_ASSERT(prior_get_key(&q, key[j], &theta[j]) == 0);
    uint64_t k[4] = {seed, (uint64_t)t, (uint64_t)p, (uint64_t)a};
    q.run.seed = fnv(FNV0, k, sizeof k);
    double cs[CAL_S_COUNT];
    if (calibrate_summaries(mo->sc, &q, ob->abc.replicates, mo->want, cs, mo->share) != SIM_OK) return -1;
    for (int i = 0; i < ob->n; i++) {
        const Observation *o = &ob->ob[i];
        s[i] = o->stat == OS_PARK_TIER ? mo->share[o->park] : cs[o->stat];
    }
    return 0;
}

SimStatus abc_check(const Observations *ob, const Priors *pr)
{
    if (pr->alt >= 0)
        return sim_fail(SIM_ECONFIG, "%s: a choice between scenario alternatives cannot be calibrated by abc (its "
                        "alternatives are whole scenarios); calibrate each alternative with its own priors file", pr->path);
    if (ob->model != OM_PARKSIM) {
        const Prior *p = &pr->pr[0];
        if (pr->n != 1 || pr->n_inputs != 1 || p->dist == PD_CHOICE)
            return sim_fail(SIM_ECONFIG, "%s: model %s takes one continuous prior (its parameter), not %d", pr->path,
                            obs_model_names[ob->model], pr->n_inputs);
        if (ob->model == OM_BETA_BINOMIAL && !(p->lo >= 0 && p->hi <= 1))
            return sim_fail(SIM_ECONFIG, "%s: model beta-binomial's parameter is a probability: its prior must lie in [0, 1]", pr->path);
        if (ob->n != 1) return sim_fail(SIM_ECONFIG, "%s: model %s has one observation", ob->path, obs_model_names[ob->model]);
    }
    return SIM_OK;
}

/* ---------------------------------------------------------------- kernels and weights */

typedef struct {
    int N, d;
    double *chol;   /* [N][d][d] lower Cholesky factor of each ancestor's kernel */
    double *logdet; /* [N] log |Sigma_j| / 2 */
    double *cum;    /* [N] cumulative weights */
} Kernels;

static void kernels_free(Kernels *k)
{
    free(k->chol);
    free(k->logdet);
    free(k->cum);
}

/* OLCM kernels of population (z, w, dist) for tolerance eps. */
static SimStatus kernels_build(Kernels *k, int N, int d, const double *z, const double *w, const double *dist, double eps)
{
    k->N = N, k->d = d;
    k->chol = calloc((size_t)N * d * d, sizeof *k->chol);
    k->logdet = calloc((size_t)N, sizeof *k->logdet);
    k->cum = calloc((size_t)N, sizeof *k->cum);
    if (!k->chol || !k->logdet || !k->cum) return sim_fail(SIM_ENOMEM, "out of memory for the kernels");
    double acc = 0;
    for (int j = 0; j < N; j++) k->cum[j] = acc += w[j];
    double wsum = 0;
    for (int i = 0; i < N; i++)
        if (dist[i] <= eps) wsum += w[i];
    for (int j = 0; j < N; j++) {
        double *L = &k->chol[(size_t)j * d * d];
        for (int i = 0; i < N; i++) {
            if (!(dist[i] <= eps) || wsum <= 0) continue;
            double wi = w[i] / wsum;
            for (int a = 0; a < d; a++)
                for (int b = 0; b <= a; b++)
                    L[a * d + b] += wi * (z[(size_t)i * d + a] - z[(size_t)j * d + a]) * (z[(size_t)i * d + b] - z[(size_t)j * d + b]);
        }
        for (int a = 0; a < d; a++) {
            L[a * d + a] += ABC_JITTER;
            for (int b = 0; b < a; b++) L[b * d + a] = L[a * d + b];
        }
        gsl_matrix_view mv = gsl_matrix_view_array(L, (size_t)d, (size_t)d);
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        int rc = gsl_linalg_cholesky_decomp1(&mv.matrix);
        gsl_set_error_handler(old);
        if (rc) { /* not positive definite in floating point: fall back to its diagonal */
            for (int a = 0; a < d; a++) {
                double v = 0;
                for (int i = 0; i < N; i++)
                    if (dist[i] <= eps && wsum > 0) {
                        double e = z[(size_t)i * d + a] - z[(size_t)j * d + a];
                        v += w[i] / wsum * e * e;
                    }
                for (int b = 0; b < d; b++) L[a * d + b] = 0;
                L[a * d + a] = sqrt(v + ABC_JITTER);
            }
        }
        double ld = 0;
        for (int a = 0; a < d; a++) {
            ld += log(L[a * d + a]);
            for (int b = a + 1; b < d; b++) L[a * d + b] = 0; /* keep only the lower factor */
        }
        k->logdet[j] = ld;
    }
    return SIM_OK;
}

/* log N(x; mu, L L^T) without the (2 pi)^(-d/2). */
static double log_kernel(const Kernels *k, int j, const double *x, const double *mu)
{
    int d = k->d;
    const double *L = &k->chol[(size_t)j * d * d];
    double y[PRIOR_MAX_INPUTS], q = 0;
    for (int a = 0; a < d; a++) { /* forward substitution L y = x - mu */
        double v = x[a] - mu[a];
        for (int b = 0; b < a; b++) v -= L[a * d + b] * y[b];
        y[a] = v / L[a * d + a];
        q += y[a] * y[a];
    }
    return -0.5 * q - k->logdet[j];
}

/* ---------------------------------------------------------------- checkpoint
 * OUT.ckpt/ holds `key` (the calibration's digest), pop-G.bin for every
 * finished generation (written whole, fsync'd, renamed) and the accepted
 * particles of the generation under way, rec-G-RANK-SESSION.bin, appended
 * one checksummed record at a time. A record torn by a kill fails its
 * checksum and is recomputed: the same keys give the same particle. */

typedef struct {
    char dir[PS_PATH_MAX + 8];
    int fd;             /* this rank's record file for the current generation, -1 if none */
    int session;        /* distinguishes the record files of successive resumes */
    long appended;      /* records this rank appended (test hook) */
} AbcCkpt;

/* Words of one particle: attempts, distance, z[d], theta[m], s[S]. */
static int rec_words(const AbcPosterior *po) { return 2 + po->d + po->m + po->S; }

/* A record: magic, generation, particle, the particle's words, checksum. */
#define REC_MAGIC UINT64_C(0x7061726b61626372) /* "parkabcr" */

static void pack(const AbcPosterior *po, int g, int p, long attempts, uint64_t *w)
{
    size_t r = (size_t)g * po->N + (size_t)p;
    double dd = po->dist[r];
    w[0] = (uint64_t)attempts;
    memcpy(&w[1], &dd, 8);
    memcpy(&w[2], &po->z[r * po->d], (size_t)po->d * 8);
    memcpy(&w[2 + po->d], &po->theta[r * po->m], (size_t)po->m * 8);
    memcpy(&w[2 + po->d + po->m], &po->stats[r * po->S], (size_t)po->S * 8);
}

static long unpack(AbcPosterior *po, int g, int p, const uint64_t *w)
{
    size_t r = (size_t)g * po->N + (size_t)p;
    memcpy(&po->dist[r], &w[1], 8);
    memcpy(&po->z[r * po->d], &w[2], (size_t)po->d * 8);
    memcpy(&po->theta[r * po->m], &w[2 + po->d], (size_t)po->m * 8);
    memcpy(&po->stats[r * po->S], &w[2 + po->d + po->m], (size_t)po->S * 8);
    return (long)w[0];
}

static int ckpt_append_rec(AbcCkpt *c, const AbcPosterior *po, int g, int p, long attempts)
{
    if (c->fd < 0) {
        char path[PS_PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/rec-%d-%d-%d.bin", c->dir, g, par_rank(), c->session);
        c->fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (c->fd < 0) {
            sim_error("rank %d: cannot open the checkpoint record %s: %s", par_rank(), path, strerror(errno));
            return -1;
        }
    }
    int W = rec_words(po);
    uint64_t buf[3 + 2 + PRIOR_MAX_INPUTS + ABC_MAX_APPLIED + OBS_MAX + 1];
    buf[0] = REC_MAGIC, buf[1] = (uint64_t)g, buf[2] = (uint64_t)p;
    pack(po, g, p, attempts, &buf[3]);
    buf[3 + W] = fnv(FNV0, buf, (size_t)(3 + W) * 8);
    /* One write per record: a kill leaves at most the last one torn (its checksum fails). */
    if (ckpt_write_all(c->fd, buf, (size_t)(4 + W) * 8) != 0) {
        sim_error("rank %d: cannot append to the checkpoint in %s: %s", par_rank(), c->dir, strerror(errno));
        return -1;
    }
    c->appended++;
    ckpt_test_hook("abc-particle", (int)c->appended);
    return 0;
}

/* Rank 0: read every record of generation g into po; done[p] set. */
static void ckpt_read_recs(const AbcCkpt *c, AbcPosterior *po, int g, char *done, long *attempts)
{
    DIR *dd = opendir(c->dir);
    struct dirent *e;
    char prefix[32];
    int np = snprintf(prefix, sizeof prefix, "rec-%d-", g);
    int W = rec_words(po);
    uint64_t buf[3 + 2 + PRIOR_MAX_INPUTS + ABC_MAX_APPLIED + OBS_MAX + 1];
    while (dd && (e = readdir(dd))) {
        if (strncmp(e->d_name, prefix, (size_t)np)) continue;
        char path[PS_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
        FILE *f = fopen(path, "rb");
        while (f && fread(buf, 8, (size_t)(4 + W), f) == (size_t)(4 + W)) {
            if (buf[0] != REC_MAGIC || buf[1] != (uint64_t)g || buf[2] >= (uint64_t)po->N ||
                fnv(FNV0, buf, (size_t)(3 + W) * 8) != buf[3 + W])
                break; /* torn or foreign: the rest of this file is not trusted */
            int p = (int)buf[2];
            attempts[p] = unpack(po, g, p, &buf[3]);
            done[p] = 1;
        }
        if (f) fclose(f);
    }
    if (dd) closedir(dd);
}

/* Rank 0: a finished generation as pop-G.bin (temp, fsync, rename). */
static int ckpt_write_pop(const AbcCkpt *c, const AbcPosterior *po, int g)
{
    char path[PS_PATH_MAX + 64], tmp[PS_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/pop-%d.bin", c->dir, g);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    size_t N = (size_t)po->N, r = (size_t)g * N;
    double head[5] = {po->tol[g], po->acc[g], po->ess[g], (double)po->sims[g], po->seconds[g]};
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    uint64_t h = FNV0;
    int ok = fd >= 0;
#define PUT(ptr, bytes) do { if (ok) { ok = ckpt_write_all(fd, (ptr), (bytes)) == 0; h = fnv(h, (ptr), (bytes)); } } while (0)
    PUT(head, sizeof head);
    PUT(&po->z[r * po->d], N * po->d * 8);
    PUT(&po->theta[r * po->m], N * po->m * 8);
    PUT(&po->stats[r * po->S], N * po->S * 8);
    PUT(&po->weight[r], N * 8);
    PUT(&po->dist[r], N * 8);
#undef PUT
    if (ok) ok = ckpt_write_all(fd, &h, 8) == 0;
    if (ok) ok = fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (ok) ok = rename(tmp, path) == 0 && ckpt_fsync_dir(c->dir) == 0;
    if (!ok) sim_error("cannot write the checkpoint %s: %s", path, strerror(errno));
    return ok ? 0 : -1;
}

/* Rank 0: read pop-G.bin; 0 if it is there and whole. */
static int ckpt_read_pop(const AbcCkpt *c, AbcPosterior *po, int g)
{
    char path[PS_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/pop-%d.bin", c->dir, g);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t N = (size_t)po->N, r = (size_t)g * N;
    double head[5];
    uint64_t h = FNV0, sum = 0;
    int ok = 1;
#define GET(ptr, bytes) do { if (ok) { ok = fread((ptr), 1, (bytes), f) == (bytes); h = fnv(h, (ptr), (bytes)); } } while (0)
    GET(head, sizeof head);
    GET(&po->z[r * po->d], N * po->d * 8);
    GET(&po->theta[r * po->m], N * po->m * 8);
    GET(&po->stats[r * po->S], N * po->S * 8);
    GET(&po->weight[r], N * 8);
    GET(&po->dist[r], N * 8);
#undef GET
    if (ok) ok = fread(&sum, 8, 1, f) == 1 && sum == h;
    fclose(f);
    if (!ok) return -1;
    po->tol[g] = head[0], po->acc[g] = head[1], po->ess[g] = head[2], po->sims[g] = (long)head[3], po->seconds[g] = head[4];
    return 0;
}

static void ckpt_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[PS_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* ---------------------------------------------------------------- the sampler */

void abc_posterior_free(AbcPosterior *po)
{
    free(po->z); free(po->theta); free(po->stats); free(po->weight); free(po->dist);
    free(po->tol); free(po->acc); free(po->ess); free(po->seconds); free(po->sims);
    memset(po, 0, sizeof *po);
}

static SimStatus posterior_alloc(AbcPosterior *po, int G)
{
    size_t R = (size_t)G * po->N;
    po->z = calloc(R * po->d, 8);
    po->theta = calloc(R * (po->m ? po->m : 1), 8);
    po->stats = calloc(R * po->S, 8);
    po->weight = calloc(R, 8);
    po->dist = calloc(R, 8);
    po->tol = calloc((size_t)G, 8), po->acc = calloc((size_t)G, 8), po->ess = calloc((size_t)G, 8);
    po->seconds = calloc((size_t)G, 8), po->sims = calloc((size_t)G, sizeof *po->sims);
    if (!po->z || !po->theta || !po->stats || !po->weight || !po->dist || !po->tol || !po->acc || !po->ess ||
        !po->seconds || !po->sims)
        return sim_fail(SIM_ENOMEM, "out of memory for %d generations of %d particles", G, po->N);
    return SIM_OK;
}

/* Sorting by (distance, index): a total order, so ties cannot make ranks disagree. */
typedef struct { double d; int i; } DistIdx;

static int cmp_dist(const void *a, const void *b)
{
    const DistIdx *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The smallest distance whose cumulative weight reaches q (weights of
 * generation g). */
static double weighted_quantile(const AbcPosterior *po, int g, double q)
{
    int N = po->N;
    DistIdx *v = malloc((size_t)N * sizeof *v);
    SIM_ASSERT(v);
    const double *d = &po->dist[(size_t)g * N], *w = &po->weight[(size_t)g * N];
    for (int i = 0; i < N; i++) v[i] = (DistIdx){d[i], i};
    qsort(v, (size_t)N, sizeof *v, cmp_dist);
    double acc = 0, out = v[N - 1].d;
    for (int i = 0; i < N; i++) {
        acc += w[v[i].i];
        if (acc >= q) { out = v[i].d; break; }
    }
    free(v);
    return out;
}

/* The digest a checkpoint and a finished posterior must match. */
static uint64_t calib_digest(const Observations *ob, const Scenario *sc, const Priors *pr)
{
    uint64_t h = fnv(FNV0, ob->text, strlen(ob->text));
    h = fnv(h, pr->text, strlen(pr->text));
    if (sc->resolved) h = fnv(h, sc->resolved, strlen(sc->resolved));
    if (sc->parks_csv) h = fnv(h, sc->parks_csv, strlen(sc->parks_csv));
    int v[2] = {ob->abc.particles, ob->abc.replicates};
    h = fnv(h, v, sizeof v);
    h = fnv(h, &ob->abc.seed, sizeof ob->abc.seed);
    return h;
}

typedef struct {
    const Observations *ob;
    const Priors *pr;
    AbcPosterior *po;
    Model mo;
    Kernels k;
    AbcCkpt ck;
    int N, d, m, S;
    long cap;          /* most proposals of one particle before the generation is given up */
    char key[ABC_MAX_APPLIED][PRIOR_KEY_MAX];
} Abc;

/* Particle p of generation g: propose until accepted (or cap). Fills the
 * population row and returns the attempts (cap + 1 if none was accepted,
 * -1 on a model failure). */
static long particle(Abc *A, int g, int p, double eps)
{
    AbcPosterior *po = A->po;
    int d = A->d;
    size_t row = (size_t)g * A->N + (size_t)p;
    double z[PRIOR_MAX_INPUTS], u[PRIOR_MAX_INPUTS], x[PRIOR_MAX_INPUTS], s[OBS_MAX], th[ABC_MAX_APPLIED];
    gsl_rng *r = A->mo.r;
    for (long a = 0; a < A->cap; a++) {
        rng_gsl_reset(r, po->seed, (uint32_t)p, (uint64_t)a, (uint32_t)g, (enum rng_site)ABC_SITE_PROPOSE);
        if (g == 0) {
            for (int i = 0; i < d; i++) z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        } else {
            /* ancestor by weight: the first j whose cumulative weight exceeds U * total */
            double U = gsl_rng_uniform(r) * A->k.cum[A->N - 1];
            int lo = 0, hi = A->N - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (A->k.cum[mid] > U) hi = mid;
                else lo = mid + 1;
            }
            const double *L = &A->k.chol[(size_t)lo * d * d], *zj = &po->z[((size_t)(g - 1) * A->N + lo) * d];
            double e[PRIOR_MAX_INPUTS];
            for (int i = 0; i < d; i++) e[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
            for (int i = 0; i < d; i++) {
                z[i] = zj[i];
                for (int b = 0; b <= i; b++) z[i] += L[i * d + b] * e[b];
            }
        }
        for (int i = 0; i < d; i++) {
            u[i] = gsl_cdf_ugaussian_P(z[i]);
            /* the transform wants the open interval: far tails clamp to its last doubles */
            if (!(u[i] > 0)) u[i] = 1e-300;
            if (!(u[i] < 1)) u[i] = 1 - 1e-16;
        }
        prior_transform(A->pr, u, x);
        if (model_simulate(&A->mo, x, po->seed, p, (int)a, g, s, th, A->m, A->key) != 0) return -1;
        double dist = obs_distance(A->ob, s);
        if (dist <= eps) {
            memcpy(&po->z[row * d], z, (size_t)d * 8);
            memcpy(&po->theta[row * A->m], th, (size_t)A->m * 8);
            memcpy(&po->stats[row * A->S], s, (size_t)A->S * 8);
            po->dist[row] = dist;
            return a + 1;
        }
    }
    return A->cap + 1;
}

/* Weights of generation g (g >= 1) from the kernels of generation g-1. */
static void weigh(Abc *A, int g)
{
    AbcPosterior *po = A->po;
    int N = A->N, d = A->d;
    const double *W = &po->weight[(size_t)(g - 1) * N];
    double *w = &po->weight[(size_t)g * N], tot = 0;
    double *lw = malloc((size_t)N * sizeof *lw);
    SIM_ASSERT(lw);
    for (int i = 0; i < N; i++) {
        const double *zi = &po->z[((size_t)g * N + i) * d];
        double lp = 0;
        for (int a = 0; a < d; a++) lp -= 0.5 * zi[a] * zi[a];
        /* log-sum-exp over the ancestors: kernels can be narrow */
        double mx = -INFINITY;
        for (int j = 0; j < N; j++) {
            if (W[j] <= 0) continue;
            double v = log(W[j]) + log_kernel(&A->k, j, zi, &po->z[((size_t)(g - 1) * N + j) * d]);
            if (v > mx) mx = v;
        }
        double sum = 0;
        for (int j = 0; j < N; j++)
            if (W[j] > 0) sum += exp(log(W[j]) + log_kernel(&A->k, j, zi, &po->z[((size_t)(g - 1) * N + j) * d]) - mx);
        lw[i] = lp - (mx + log(sum));
    }
    double mx = -INFINITY;
    for (int i = 0; i < N; i++) mx = fmax(mx, lw[i]);
    for (int i = 0; i < N; i++) tot += w[i] = exp(lw[i] - mx);
    for (int i = 0; i < N; i++) w[i] /= tot;
    free(lw);
}

static double ess_of(const double *w, int N)
{
    double s = 0;
    for (int i = 0; i < N; i++) s += w[i] * w[i];
    return 1.0 / s;
}

SimStatus abc_run(const Observations *ob, const Scenario *sc, const Priors *pr, AbcOptions *opt)
{
    int root = par_is_root(), G = ob->abc.max_generations;
    Abc A;
    memset(&A, 0, sizeof A);
    AbcPosterior po;
    memset(&po, 0, sizeof po);
    A.ob = ob, A.pr = pr, A.po = &po;
    A.N = po.N = ob->abc.particles;
    A.d = po.d = pr->n_inputs;
    A.S = po.S = ob->n;
    po.seed = ob->abc.seed_given ? ob->abc.seed : sc->p.run.seed;
    A.cap = (long)ceil(20.0 / ob->abc.min_acceptance);
    A.ck.fd = -1;
    for (int i = 0; i < A.d; i++) {
        const char *unit;
        double lo, hi;
        prior_input(pr, i, po.input[i], PRIOR_KEY_MAX, &unit, &lo, &hi);
    }
    if (ob->model == OM_PARKSIM) {
        A.m = po.m = model_keys(pr, A.key);
    } else {
        A.m = po.m = 1;
        snprintf(A.key[0], PRIOR_KEY_MAX, "%s", pr->pr[0].key[0]);
    }
    for (int j = 0; j < A.m; j++) {
        snprintf(po.key[j], PRIOR_KEY_MAX, "%s", A.key[j]);
        snprintf(po.unit[j], sizeof po.unit[j], "%s", ob->model == OM_PARKSIM ? prior_key_unit(A.key[j]) : pr->pr[0].unit);
    }
    uint64_t digest = po.digest = calib_digest(ob, sc, pr);
    snprintf(A.ck.dir, sizeof A.ck.dir, "%s.ckpt", opt->out_path);

    /* Rank 0 decides, everyone follows: done already, refused, or start/resume. */
    int st = SIM_OK, start_gen = 0;
    if (root) {
        if (access(opt->out_path, F_OK) == 0) {
            if (opt->resume && abc_h5_is_done(opt->out_path, digest)) {
                opt->already_done = 1;
                fprintf(stderr, "parksim abc: %s is this calibration's finished posterior; nothing to do\n", opt->out_path);
            } else if (!opt->force) {
                st = sim_fail(SIM_EEXIST, "%s exists; use --force to replace it (or --resume to finish this calibration)", opt->out_path);
            }
        }
        struct stat sb;
        int have = stat(A.ck.dir, &sb) == 0;
        if (st == SIM_OK && !opt->already_done && have && !opt->resume) {
            if (opt->force) ckpt_remove_dir(A.ck.dir);
            else st = sim_fail(SIM_EEXIST, "the checkpoint %s exists; use --resume to continue it or --force to discard it", A.ck.dir);
        }
        char kpath[PS_PATH_MAX + 16];
        snprintf(kpath, sizeof kpath, "%s/key", A.ck.dir);
        if (st == SIM_OK && !opt->already_done && opt->resume && stat(A.ck.dir, &sb) == 0) {
            FILE *f = fopen(kpath, "r");
            unsigned long long k = 0;
            int sess = 0;
            if (!f || fscanf(f, "%llx %d", &k, &sess) != 2 || k != digest)
                st = sim_fail(SIM_ECONFIG, "%s is the checkpoint of another calibration (other observations, priors, "
                              "scenario or settings); use --force to discard it", A.ck.dir);
            if (f) fclose(f);
            A.ck.session = sess + 1;
        }
        if (st == SIM_OK && !opt->already_done) {
            if (mkdir(A.ck.dir, 0755) != 0 && errno != EEXIST)
                st = sim_fail(SIM_EIO, "cannot create the checkpoint %s: %s", A.ck.dir, strerror(errno));
            /* temp + rename: a kill while writing never leaves a key that refuses the next resume */
            char ktmp[PS_PATH_MAX + 24];
            snprintf(ktmp, sizeof ktmp, "%s.tmp", kpath);
            FILE *f = st == SIM_OK ? fopen(ktmp, "w") : NULL;
            if (st == SIM_OK && (!f || fprintf(f, "%llx %d\n", (unsigned long long)digest, A.ck.session) < 0))
                st = sim_fail(SIM_EIO, "cannot write %s: %s", ktmp, strerror(errno));
            if (f && fclose(f) != 0 && st == SIM_OK) st = sim_fail(SIM_EIO, "cannot write %s", ktmp);
            if (st == SIM_OK && rename(ktmp, kpath) != 0)
                st = sim_fail(SIM_EIO, "cannot rename %s to %s: %s", ktmp, kpath, strerror(errno));
        }
    }
    par_bcast_bytes(&st, sizeof st);
    int done = opt->already_done;
    par_bcast_bytes(&done, sizeof done);
    opt->already_done = done;
    if (st != SIM_OK || done) return (SimStatus)st;
    par_bcast_bytes(&A.ck.session, sizeof A.ck.session);

    st = posterior_alloc(&po, G);
    if (par_all_ok(st == SIM_OK)) st = model_init(&A.mo, ob, sc, pr);
    if (!par_all_ok(st == SIM_OK)) {
        model_free(&A.mo);
        abc_posterior_free(&po);
        return st != SIM_OK ? (SimStatus)st : SIM_EIO;
    }

    /* Resume: the finished generations, then the accepted particles of the next. */
    int W = rec_words(&po);
    size_t NW = (size_t)A.N * W;
    uint64_t *buf = calloc(NW, 8), *restored = calloc(NW, 8);
    char *have = calloc((size_t)A.N, 1);
    long *att = calloc((size_t)A.N, sizeof *att);
    if (!buf || !restored || !have || !att) {
        sim_error("rank %d: out of memory for %d particles", par_rank(), A.N);
        par_abort(EXIT_RUNTIME);
    }
    if (root && opt->resume)
        while (start_gen < G && ckpt_read_pop(&A.ck, &po, start_gen) == 0) start_gen++;
    par_bcast_bytes(&start_gen, sizeof start_gen);
    for (int g = 0; g < start_gen; g++) {
        size_t r = (size_t)g * A.N;
        par_bcast_bytes(&po.z[r * A.d], (size_t)A.N * A.d * 8);
        par_bcast_bytes(&po.theta[r * A.m], (size_t)A.N * A.m * 8);
        par_bcast_bytes(&po.stats[r * A.S], (size_t)A.N * A.S * 8);
        par_bcast_bytes(&po.weight[r], (size_t)A.N * 8);
        par_bcast_bytes(&po.dist[r], (size_t)A.N * 8);
        double h[5] = {po.tol[g], po.acc[g], po.ess[g], (double)po.sims[g], po.seconds[g]};
        par_bcast_bytes(h, sizeof h);
        po.tol[g] = h[0], po.acc[g] = h[1], po.ess[g] = h[2], po.sims[g] = (long)h[3], po.seconds[g] = h[4];
    }
    if (!signals_install_stop()) sim_warn("cannot install the SIGTERM/SIGUSR1 handlers: %s", strerror(errno));
    double last_sync = par_wtime();
    if (root && start_gen > 0 && !opt->quiet)
        fprintf(stderr, "parksim abc: resuming after generation %d (tolerance %.4g)\n", start_gen - 1, po.tol[start_gen - 1]);

    Sched *sch = sched_new(A.N);
    if (!sch) {
        sim_error("rank %d: out of memory", par_rank());
        par_abort(EXIT_RUNTIME);
    }
    long total_sims = 0;
    for (int g = 0; g < start_gen; g++) total_sims += po.sims[g];
    int final_gen = start_gen - 1, failed = 0;
    snprintf(po.stop, sizeof po.stop, "generation limit (abc.max_generations = %d)", G);
    double eps = INFINITY;
    int stop = 0;
    /* The decisions after generation g-1 (the tolerance of g), recomputed on resume. */
    for (int g = 0; g < G && !stop && !failed; g++) {
        if (g > 0) {
            double prev = po.tol[g - 1];
            double q = weighted_quantile(&po, g - 1, ob->abc.quantile);
            eps = fmax(q, ob->abc.final_tolerance);
            if (!(eps < prev)) {
                /* The quantile does not fall (discrete distances): the next distance below the last tolerance. */
                double best = -1;
                for (int i = 0; i < A.N; i++) {
                    double v = po.dist[(size_t)(g - 1) * A.N + i];
                    if (v < prev && v > best) best = v;
                }
                if (best < ob->abc.final_tolerance || best < 0) {
                    snprintf(po.stop, sizeof po.stop, "the tolerance cannot fall further (%.6g)", prev);
                    break;
                }
                eps = best;
            }
        }
        if (g < start_gen) continue;
        double t0 = par_wtime();
        kernels_free(&A.k);
        memset(&A.k, 0, sizeof A.k);
        if (g > 0) {
            size_t r = (size_t)(g - 1) * A.N;
            st = kernels_build(&A.k, A.N, A.d, &po.z[r * A.d], &po.weight[r], &po.dist[r], eps);
            if (!par_all_ok(st == SIM_OK)) { failed = 1; break; }
        }
        /* Particles of this generation already in the checkpoint. */
        memset(have, 0, (size_t)A.N);
        memset(restored, 0, NW * 8);
        if (root && opt->resume) {
            ckpt_read_recs(&A.ck, &po, g, have, att);
            for (int p = 0; p < A.N; p++)
                if (have[p]) pack(&po, g, p, att[p], &restored[(size_t)p * W]);
        }
        par_bcast_bytes(have, (size_t)A.N);
        par_bcast_bytes(restored, NW * 8);
        int n_restored = 0;
        for (int p = 0; p < A.N; p++) n_restored += have[p];
        if (root && n_restored && !opt->quiet)
            fprintf(stderr, "parksim abc: generation %d: %d particles restored from the checkpoint\n", g, n_restored);

        memset(buf, 0, NW * 8);
        int bad = 0, stopping = 0;
        long mine = 0;
        double last = par_wtime();
        sched_round(sch, 0, A.N);
        for (long t; (t = sched_next(sch)) >= 0;) {
            int p = (int)t;
            if (have[p]) {
                memcpy(&buf[(size_t)p * W], &restored[(size_t)p * W], (size_t)W * 8);
                continue;
            }
            /* a stop request: the particles not yet run are left to --resume (the scheduler still
             * hands them out, so every rank reaches the end of the round) */
            if (signals_stop_requested()) stopping = 1;
            if (stopping) continue;
            long a = bad ? 0 : particle(&A, g, p, eps);
            if (a < 0) { bad = 1; continue; }
            if (a > A.cap) { buf[(size_t)p * W] = (uint64_t)a; continue; } /* no acceptance: the generation is given up */
            pack(&po, g, p, a, &buf[(size_t)p * W]);
            if (ckpt_append_rec(&A.ck, &po, g, p, a) != 0) bad = 1;
            if (opt->checkpoint_every >= 0 && A.ck.fd >= 0 && par_wtime() - last_sync >= opt->checkpoint_every) {
                if (fsync(A.ck.fd) != 0) {
                    sim_error("rank %d: cannot fsync the checkpoint in %s: %s", par_rank(), A.ck.dir, strerror(errno));
                    bad = 1;
                }
                last_sync = par_wtime();
            }
            mine++;
            if (root && !opt->quiet && opt->progress_every >= 0 && par_wtime() - last >= opt->progress_every) {
                last = par_wtime();
                fprintf(stderr, "parksim abc: generation %d: tolerance %.4g: %ld particles accepted on rank 0, %.0f s\n", g,
                        eps, mine, last - t0);
            }
        }
        if (!par_all_ok(!bad)) { st = SIM_EMODEL; failed = 1; break; }
        if (!par_all_ok(!stopping)) {
            if (A.ck.fd >= 0 && fsync(A.ck.fd) != 0) sim_error("rank %d: cannot fsync the checkpoint: %s", par_rank(), strerror(errno));
            if (root)
                fprintf(stderr, "parksim abc: stopped by a signal in generation %d; every accepted particle is in %s "
                        "(run again with --resume)\n", g, A.ck.dir);
            opt->interrupted = 1;
            failed = 1;
            break;
        }
        par_sum_u64_array(buf, NW);
        long sims = 0;
        int gave_up = 0;
        for (int p = 0; p < A.N; p++) {
            long a = unpack(&po, g, p, &buf[(size_t)p * W]);
            if (a > A.cap) gave_up = 1;
            sims += a;
        }
        total_sims += sims;
        if (gave_up) {
            snprintf(po.stop, sizeof po.stop, "acceptance rate below the floor: a particle of generation %d found no "
                     "proposal within tolerance %.6g in %ld tries", g, eps, A.cap);
            break;
        }
        if (g == 0) for (int p = 0; p < A.N; p++) po.weight[p] = 1.0 / A.N;
        else weigh(&A, g);
        po.tol[g] = eps;
        po.sims[g] = sims;
        po.acc[g] = (double)A.N / (double)sims;
        po.ess[g] = ess_of(&po.weight[(size_t)g * A.N], A.N);
        po.seconds[g] = par_max_double(par_wtime() - t0);
        final_gen = g;
        if (A.ck.fd >= 0) { /* the generation is in pop-G.bin from here on */
            fsync(A.ck.fd);
            close(A.ck.fd);
            A.ck.fd = -1;
        }
        int wok = root ? ckpt_write_pop(&A.ck, &po, g) == 0 : 1;
        if (!par_all_ok(wok)) { st = SIM_EIO; failed = 1; break; }
        if (root && !opt->quiet) {
            double ratio = g >= 2 && po.tol[g - 1] > 0 && isfinite(po.tol[g - 1]) ? po.tol[g] / po.tol[g - 1] : NAN;
            double left = ob->abc.final_tolerance > 0 && ratio > 0 && ratio < 1 && po.tol[g] > ob->abc.final_tolerance
                              ? ceil(log(ob->abc.final_tolerance / po.tol[g]) / log(ratio)) : NAN;
            char eta[64] = "";
            if (isfinite(left)) {
                /* the tolerance falls geometrically at the last ratio; a generation costs at least the last one */
                double more = fmin(left, G - 1 - g);
                snprintf(eta, sizeof eta, ", ETA >= %.0f s (%.0f more generations)", more * po.seconds[g], more);
            }
            fprintf(stderr, "parksim abc: generation %d: tolerance %.4g, acceptance %.3f, ESS %.1f of %d, %ld simulations "
                    "(%ld in all), %.1f s%s\n", g, eps, po.acc[g], po.ess[g], A.N, sims, total_sims, po.seconds[g], eta);
        }
        if (g > 0 && eps <= ob->abc.final_tolerance) {
            snprintf(po.stop, sizeof po.stop, "final tolerance reached (%.6g)", eps);
            stop = 1;
        } else if (po.acc[g] < ob->abc.min_acceptance) {
            snprintf(po.stop, sizeof po.stop, "acceptance rate %.4g below the floor %.4g", po.acc[g], ob->abc.min_acceptance);
            stop = 1;
        } else if (total_sims >= ob->abc.max_simulations) {
            snprintf(po.stop, sizeof po.stop, "simulation budget used (%ld of abc.max_simulations = %ld)", total_sims,
                     ob->abc.max_simulations);
            stop = 1;
        }
    }
    sched_free(sch);
    kernels_free(&A.k);
    if (A.ck.fd >= 0) close(A.ck.fd);
    free(buf); free(restored); free(have); free(att);
    model_free(&A.mo);
    if (!failed && final_gen < 0) st = sim_fail(SIM_EMODEL, "abc: no generation finished (%s)", po.stop);
    if (!failed && st == SIM_OK) {
        po.G = final_gen + 1;
        if (root && !opt->quiet)
            fprintf(stderr, "parksim abc: stopped: %s; posterior = generation %d, %ld simulations\n", po.stop, final_gen,
                    total_sims);
        int wst = SIM_OK;
        if (root) {
            char tmp[PS_PATH_MAX + 16];
            snprintf(tmp, sizeof tmp, "%s.partial", opt->out_path);
            wst = abc_h5_write(tmp, &po, ob, pr, sc, opt->history);
            if (wst == SIM_OK && rename(tmp, opt->out_path) != 0)
                wst = sim_fail(SIM_EIO, "cannot rename %s to %s: %s", tmp, opt->out_path, strerror(errno));
            if (wst != SIM_OK) remove(tmp);
            else ckpt_remove_dir(A.ck.dir);
        }
        par_bcast_bytes(&wst, sizeof wst);
        st = wst;
    }
    abc_posterior_free(&po);
    return (SimStatus)st;
}

/* ---------------------------------------------------------------- posterior-predictive draws */

SimStatus abc_sweep_from_posterior(Sweep *sw, const Scenario *base, const AbcPosterior *po, const char *path,
                                   const char *calibrated_on, int draws, int per_draw)
{
    int m = po->m;
    if (m > SWEEP_MAX_PARAMS || m > SWEEP_MAX_APPLIED) return sim_fail(SIM_ECONFIG, "%s: %d parameters; at most %d", path, m, SWEEP_MAX_PARAMS);
    sw->prior = 1, sw->design = DESIGN_PRIOR, sw->n = draws, sw->seed = base->p.run.seed;
    sw->k = sw->m = m, sw->points = draws, sw->n_alt = 0;
    snprintf(sw->path, sizeof sw->path, "%s", path);
    snprintf(sw->priors_path, sizeof sw->priors_path, "%s", path);
    for (int j = 0; j < m; j++) {
        snprintf(sw->key[j], SWEEP_KEY_MAX, "%s", po->key[j]);
        snprintf(sw->akey[j], SWEEP_KEY_MAX, "%s", po->key[j]);
        snprintf(sw->unit[j], sizeof sw->unit[j], "%s", prior_key_unit(po->key[j]));
        snprintf(sw->aunit[j], sizeof sw->aunit[j], "%s", prior_key_unit(po->key[j]));
        sw->levels[j] = 1;
        sw->lower[j] = INFINITY, sw->upper[j] = -INFINITY;
        for (int i = 0; i < po->N; i++) {
            sw->lower[j] = fmin(sw->lower[j], po->theta[(size_t)i * m + j]);
            sw->upper[j] = fmax(sw->upper[j], po->theta[(size_t)i * m + j]);
        }
    }
    char text[2 * PS_PATH_MAX + 200];
    snprintf(text, sizeof text, "# parksim run --posterior: %d draws x %d replicates from the posterior %s (calibrated "
             "on %s)\n", draws, per_draw, path, calibrated_on);
    free(sw->text);
    sw->text = strdup(text);
    sw->values = malloc((size_t)draws * (size_t)(m ? m : 1) * sizeof *sw->values);
    sw->applied = malloc((size_t)draws * (size_t)(m ? m : 1) * sizeof *sw->applied);
    sw->alt = malloc(sizeof *sw->alt);
    double *cum = malloc((size_t)po->N * sizeof *cum);
    if (!sw->text || !sw->values || !sw->applied || !sw->alt || !cum) {
        free(cum);
        return sim_fail(SIM_ENOMEM, "out of memory for %d draws", draws);
    }
    sw->alt[0] = base->p;
    double acc = 0;
    for (int i = 0; i < po->N; i++) cum[i] = acc += po->weight[i];
    SimStatus st = SIM_OK;
    for (int q = 0; q < draws && st == SIM_OK; q++) {
        RngBlock b = rng_block(sw->seed, (uint32_t)q, 0, 0, (enum rng_site)ABC_SITE_DRAW);
        double U = rng_u52(b.w[0]) * acc;
        int lo = 0, hi = po->N - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (cum[mid] > U) hi = mid;
            else lo = mid + 1;
        }
        Params p = base->p;
        for (int j = 0; j < m; j++) {
            double v = po->theta[(size_t)lo * m + j];
            sw->values[(size_t)q * m + j] = sw->applied[(size_t)q * m + j] = v;
            if (prior_set_key(&p, po->key[j], v) != 0) {
                st = sim_fail(SIM_ECONFIG, "%s: parameter %s = %g cannot be set in the scenario %s (not its key, or out "
                              "of its range)", path, po->key[j], v, sw->scenario);
                break;
            }
        }
    }
    free(cum);
    return st;
}

/* A sweep file's `posterior:`: the points are draws of the posterior's
 * particles, as `parksim run --posterior` takes them (keyed by the base
 * scenario's seed and the draw, so paired across scenarios). */
SimStatus abc_sweep_load_posterior(Sweep *sw, Scenario *base, char *const *sets, int n_sets)
{
    SimStatus st = config_load(base, sw->scenario, sets, n_sets);
    if (st != SIM_OK) return sim_fail(st, "%s: the base scenario %s is not valid (see above)", sw->path, sw->scenario);
    AbcPosterior po;
    char scen[PS_PATH_MAX], path[PS_PATH_MAX], post[PS_PATH_MAX];
    memcpy(path, sw->path, sizeof path);
    memcpy(post, sw->priors_path, sizeof post);
    if ((st = abc_h5_read(post, &po, scen)) != SIM_OK) return sim_fail(st, "%s: posterior: %s (see above)", path, post);
    char *file_text = sw->text;
    sw->text = NULL;
    st = abc_sweep_from_posterior(sw, base, &po, post, scen, sw->n, base->p.run.replicates);
    abc_posterior_free(&po);
    memcpy(sw->path, path, sizeof path); /* the sweep file names the output and its errors */
    if (st == SIM_OK) {
        size_t n = strlen(file_text) + strlen(sw->text) + 8;
        char *t = malloc(n);
        if (!t) st = sim_fail(SIM_ENOMEM, "out of memory");
        else {
            snprintf(t, n, "%s\n%s", file_text, sw->text);
            free(sw->text);
            sw->text = t;
        }
    }
    free(file_text);
    return st;
}
