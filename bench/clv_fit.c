/* clv_fit.c - bench/clv.sh's landfall side: draws customers from the BG/NBD process, or fits
 * BG/NBD to customers' summaries with liblandfall's bgnbd_fit, timing the fit alone.
 *   clv_fit gen N SEED FILE   N customers (r 0.25, α 4, a 0.8, b 2.5) observed for 91 to 364
 *                             whole days (T in weeks, as landfall's summaries: customers
 *                             without repeat purchases share them), as "x,t_x,T" lines
 *   clv_fit fit FILE          prints "seconds r alpha a b log_likelihood iterations" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "cs/clv.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gen(size_t n, uint64_t seed, const char *path)
{
    struct bgnbd_params truth = {0.25, 4.0, 0.8, 2.5};
    double *T = xmalloc(n * sizeof(*T));
    struct bgnbd_customer *c = xmalloc(n * sizeof(*c));
    for (size_t i = 0; i < n; i++)
        T[i] = (double)(91 + i % 274) / 7; /* 91 .. 364 days */
    bgnbd_simulate(&truth, T, n, seed, c);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "clv_fit: cannot write '%s'\n", path);
        return 1;
    }
    fputs("x,t_x,T\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.0f,%.10f,%.10f\n", c[i].x, c[i].t_x, c[i].T);
    fclose(f);
    free(T);
    free(c);
    return 0;
}

static int fit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "clv_fit: cannot read '%s'\n", path);
        return 1;
    }
    char line[256];
    size_t n = 0, cap = 0;
    struct bgnbd_customer *c = NULL;
    if (!fgets(line, sizeof(line), f)) /* the header */
        return 1;
    while (fgets(line, sizeof(line), f)) {
        struct bgnbd_customer k;
        if (sscanf(line, "%lf,%lf,%lf", &k.x, &k.t_x, &k.T) != 3)
            continue;
        c = xgrow(c, sizeof(*c), n + 1, &cap);
        c[n++] = k;
    }
    fclose(f);
    struct bgnbd_fit out;
    double t0 = seconds();
    int rc = bgnbd_fit(c, n, &out);
    double t1 = seconds();
    free(c);
    if (rc < 0) {
        fprintf(stderr, "clv_fit: %s\n", out.why);
        return 1;
    }
    printf("%.6f %.7g %.7g %.7g %.7g %.6f %d\n", t1 - t0, out.p.r, out.p.alpha, out.p.a, out.p.b,
           out.ll, out.iterations);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argv[4]);
    if (argc == 3 && strcmp(argv[1], "fit") == 0)
        return fit(argv[2]);
    fputs("usage: clv_fit gen N SEED FILE | clv_fit fit FILE\n", stderr);
    return 2;
}
