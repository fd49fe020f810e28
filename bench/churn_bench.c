/* churn_bench.c - bench/models.sh's landfall side for the churn model: a synthetic feature
 * matrix in the shape of the churn model's (accounts × monthly snapshots, 40 features, some
 * missing), and the timed work on it through liblandfall's gbm.h, as `landfall churn train` and
 * `churn score` do it.
 *   churn_bench gen ACCOUNTS SNAPSHOTS SEED FILE  the matrix as float32 rows: date index,
 *                                                 label, then the features (NaN = missing)
 *   churn_bench train FILE MODEL   trains on every row (depth 3, eta 0.05, 200 rounds, 80 %
 *                                  samples; no early stopping, so both sides grow the same
 *                                  trees) and saves the model; prints "seconds trees"
 *   churn_bench score FILE MODEL   the risk and the TreeSHAP contributions of the last
 *                                  snapshot's rows; prints "seconds rows mean_risk"
 *   churn_bench explain FILE MODEL the contributions' costs apart, in CPU seconds (steadier than
 *                                  wall time on a shared machine): building the model's tables,
 *                                  gbm_contribs on one thread and on two (the least of 8 calls
 *                                  each), XGBoost's own (gbm_contribs_ref) on one thread */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/rand.h"
#include "cs/churn.h"

#define FEATURES 40

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* churn_bench explain: see the top. XGBoost's pass runs on 5,000 rows (at about 100 µs a row),
 * scaled to all. */
static int explain(struct gbm *g, const struct gbm_data *d, float *c, struct lf_err *err)
{
    double t0 = cpu_seconds();
    int tabled = gbm_contribs_tabled(g, err);
    if (tabled < 0)
        return -1;
    printf("tables built: %s, CPU s %.4f\n", tabled ? "yes" : "no (XGBoost explains)",
           cpu_seconds() - t0);
    for (int threads = 1; threads <= 2; threads++) {
        double cpu = INFINITY, wall = INFINITY;
        for (int i = 0; i < 8; i++) {
            double c0 = cpu_seconds(), w0 = seconds();
            if (gbm_contribs(g, d, threads, c, err) < 0)
                return -1;
            cpu = fmin(cpu, cpu_seconds() - c0);
            wall = fmin(wall, seconds() - w0);
        }
        printf("gbm_contribs, %zu rows, %d thread(s): CPU s %.4f, wall s %.4f (least of 8)\n",
               d->rows_nr, threads, cpu, wall);
    }
    struct gbm_data some = *d;
    some.rows_nr = d->rows_nr < 5000 ? d->rows_nr : 5000;
    t0 = cpu_seconds();
    if (gbm_contribs_ref(g, &some, 1, c, err) < 0)
        return -1;
    double ref = cpu_seconds() - t0;
    printf("gbm_contribs_ref (XGBoost), %zu rows, 1 thread: CPU s %.4f, for %zu rows %.2f\n",
           some.rows_nr, ref, d->rows_nr, ref * (double)d->rows_nr / (double)some.rows_nr);
    return 0;
}

/* An account's latent health drifts from snapshot to snapshot; the features are noisy views of
 * it and of a few other traits, the label a draw from a logistic hazard. */
static int gen(size_t accounts, size_t snapshots, uint64_t seed, const char *path)
{
    struct rng g;
    rng_seed(&g, seed);
    FILE *f = fopen(path, "wb");
    if (!f)
        return fprintf(stderr, "churn_bench: cannot write '%s'\n", path), 1;
    float row[2 + FEATURES];
    double *health = xcalloc(accounts, sizeof(*health)), *trait = xcalloc(accounts, sizeof(*trait));
    for (size_t a = 0; a < accounts; a++) {
        health[a] = rng_normal(&g, 0, 1);
        trait[a] = rng_normal(&g, 0, 1);
    }
    for (size_t s = 0; s < snapshots; s++)
        for (size_t a = 0; a < accounts; a++) {
            health[a] = 0.8 * health[a] + rng_normal(&g, 0, 0.6);
            double eta = -2.2 - 1.1 * health[a] + 0.4 * trait[a];
            row[0] = (float)s;
            row[1] = rng_uniform(&g) < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
            for (int k = 0; k < FEATURES; k++) {
                double w = k < 10 ? 1.0 : k < 20 ? 0.4 : 0.0;
                double v = w * (k % 2 ? health[a] : trait[a]) + rng_normal(&g, 0, 1);
                row[2 + k] = k % 7 == 6 && rng_uniform(&g) < 0.1 ? NAN
                             : k % 5 == 4                        ? (float)(v > 0.5)
                                                                 : (float)v;
            }
            if (fwrite(row, sizeof(row), 1, f) != 1)
                return fprintf(stderr, "churn_bench: write failed\n"), 1;
        }
    free(health);
    free(trait);
    return fclose(f) != 0;
}

static float *load(const char *path, size_t *rows)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fprintf(stderr, "churn_bench: cannot read '%s'\n", path), NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *v = xmalloc((size_t)len);
    if (fread(v, 1, (size_t)len, f) != (size_t)len)
        return fclose(f), free(v), NULL;
    fclose(f);
    *rows = (size_t)len / sizeof(float) / (2 + FEATURES);
    return v;
}

int main(int argc, char **argv)
{
    struct lf_err err = {0};
    if (argc == 6 && !strcmp(argv[1], "gen"))
        return gen(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10),
                   strtoull(argv[4], NULL, 10), argv[5]);
    if (argc != 4 ||
        (strcmp(argv[1], "train") && strcmp(argv[1], "score") && strcmp(argv[1], "explain"))) {
        fputs("usage: churn_bench gen ACCOUNTS SNAPSHOTS SEED FILE | train FILE MODEL | score "
              "FILE MODEL | explain FILE MODEL\n",
              stderr);
        return 2;
    }
    size_t rows;
    float *all = load(argv[2], &rows);
    if (!all)
        return 1;
    /* the features and labels apart, as the product holds them */
    float *x = xmalloc(rows * FEATURES * sizeof(*x)), *y = xmalloc(rows * sizeof(*y));
    float last = 0;
    for (size_t r = 0; r < rows; r++) {
        memcpy(x + r * FEATURES, all + r * (2 + FEATURES) + 2, FEATURES * sizeof(*x));
        y[r] = all[r * (2 + FEATURES) + 1];
        last = fmaxf(last, all[r * (2 + FEATURES)]);
    }
    int rc = 1;
    if (!strcmp(argv[1], "train")) {
        struct gbm_params p;
        struct gbm *g = NULL;
        struct buf b = BUF_INIT;
        gbm_params_default(&p);
        p.rounds = 200;
        p.early_stop = 0;
        struct gbm_data d = {x, rows, FEATURES, y, NULL};
        double t0 = seconds();
        if (gbm_train(&p, &d, NULL, &g, NULL, &err) < 0)
            goto out;
        double t1 = seconds();
        if (gbm_save(g, &b, &err) < 0)
            goto out;
        FILE *f = fopen(argv[3], "wb");
        if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0)
            goto out;
        printf("%.4f %d\n", t1 - t0, gbm_rounds(g));
        gbm_free(g);
        buf_release(&b);
        rc = 0;
    } else {
        struct buf b = BUF_INIT;
        struct gbm *g = NULL;
        FILE *f = fopen(argv[3], "rb");
        char chunk[65536];
        size_t n;
        while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_add(&b, chunk, n);
        if (!f || gbm_load(b.ptr, b.len, &g, &err) < 0)
            goto out;
        fclose(f);
        size_t first = 0;
        while (first < rows && all[first * (2 + FEATURES)] < last)
            first++;
        size_t nr = rows - first;
        float *risk = xmalloc(nr * sizeof(*risk));
        float *c = xmalloc(nr * (FEATURES + 1) * sizeof(*c));
        struct gbm_data d = {x + first * FEATURES, nr, FEATURES, NULL, NULL};
        if (!strcmp(argv[1], "explain")) {
            rc = explain(g, &d, c, &err) < 0;
            free(risk);
            free(c);
            gbm_free(g);
            buf_release(&b);
            goto out;
        }
        double t0 = seconds();
        if (gbm_contribs(g, &d, 0, c, &err) < 0)
            goto out;
        double sum = 0;
        for (size_t i = 0; i < nr; i++) {
            double m = 0;
            for (size_t j = 0; j <= FEATURES; j++)
                m += c[i * (FEATURES + 1) + j];
            risk[i] = (float)(1 / (1 + exp(-m)));
            sum += risk[i];
        }
        double t1 = seconds();
        printf("%.4f %zu %.6f\n", t1 - t0, nr, sum / (double)nr);
        free(risk);
        free(c);
        gbm_free(g);
        buf_release(&b);
        rc = 0;
    }
out:
    if (err.msg[0])
        fprintf(stderr, "churn_bench: %s\n", err.msg);
    free(all);
    free(x);
    free(y);
    return rc;
}
