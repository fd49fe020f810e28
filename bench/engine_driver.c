/* engine_driver.c - landfall's side of bench/engine.sh: holds the analytics engine of a store
 * (loaded from its snapshot) and answers "Q K" lines on stdin by running query Q K times, printing
 * "median_ms min_ms rows digest…" (the digest: integer sums of the answer that the other tools
 * print too, so the run checks that every tool gives the same answer). Queries (NOW is argv[3]):
 *   1 DAU, WAU, MAU per account over the 30 days before NOW (engine_accounts, activity)
 *   2 weekly cohort retention of users by first activity (engine_cohorts)
 *   3 adoption breadth and depth per account over the 30 days before NOW (engine_accounts)
 *   4 the portfolio: 1 + 3 + last seen, days since, trend (engine_accounts, all)
 *   5 query 4 over an empty window: the 30 days after NOW + 400 days (every account is quiet)
 * Usage: engine_driver DB SNAPSHOT NOW_MS THREADS */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/time.h"
#include "engine/engine.h"
#include "store/store.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

/* The answer's digest, as bench/engine_bench.mjs computes it for every tool. */
struct digest {
    size_t rows;
    char text[256];
};

static void accounts_digest(const struct engine_accounts *a, int q, double days,
                            struct digest *d)
{
    long long pairs = 0, wau = 0, mau = 0, events = 0, features = 0, since = 0, active = 0;
    double trend = 0;
    for (size_t i = 0; i < a->nr; i++) {
        const struct engine_account_row *r = &a->rows[i];
        if (r->mau > 0 || r->events > 0)
            active++;
        pairs += llround(r->dau * days);
        wau += r->wau;
        mau += r->mau;
        events += r->events;
        features += r->features;
        if (r->days_since != LF_UNSET)
            since += r->days_since;
        if (!isnan(r->trend))
            trend += r->trend;
    }
    d->rows = a->nr;
    if (q == 1)
        snprintf(d->text, sizeof(d->text), "active=%lld pairs=%lld wau=%lld mau=%lld", active,
                 pairs, wau, mau);
    else if (q == 3)
        snprintf(d->text, sizeof(d->text), "active=%lld events=%lld features=%lld users=%lld",
                 active, events, features, mau);
    else
        snprintf(d->text, sizeof(d->text),
                 "active=%lld pairs=%lld wau=%lld mau=%lld events=%lld features=%lld "
                 "days_since=%lld trend=%.3f", active, pairs, wau, mau, events, features, since,
                 trend);
}

static void cohorts_digest(const struct engine_cohorts *c, struct digest *d)
{
    long long cells = 0, retained = 0, members = 0;
    for (size_t i = 0; i < c->nr; i++) {
        if (c->rows[i].retained > 0)
            cells++;
        retained += c->rows[i].retained;
        if (c->rows[i].period == 0)
            members += c->rows[i].size;
    }
    d->rows = (size_t)cells;
    snprintf(d->text, sizeof(d->text), "cells=%lld retained=%lld members=%lld", cells, retained,
             members);
}

/* Runs query q; *ms is the time of the engine's call alone (not the digest's). */
static int run(struct engine *e, int q, int64_t now, struct digest *d, double *ms,
               struct lf_err *err)
{
    static const unsigned what[] = {0, ENGINE_ACC_ACTIVITY, 0, ENGINE_ACC_ADOPTION,
                                    ENGINE_ACC_ALL, ENGINE_ACC_ALL};
    if (q == 2) {
        struct engine_query all = {.from = INT64_MIN, .to = INT64_MAX, .now = now};
        struct engine_cohorts c;
        double t0 = now_ms();
        if (engine_cohorts(e, &all, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                           ENGINE_FIRST_ACTIVITY, &c, err) < 0)
            return -1;
        *ms = now_ms() - t0;
        if (d)
            cohorts_digest(&c, d);
        engine_cohorts_free(&c);
        return 0;
    }
    if (q == 5)
        now += 400 * MS_PER_DAY;
    struct engine_query w = {.from = now - 30 * MS_PER_DAY, .to = now, .now = now,
                             .by = ENGINE_BY_ACCOUNT};
    struct engine_accounts a;
    double t0 = now_ms();
    if (engine_accounts(e, &w, what[q], &a, err) < 0)
        return -1;
    *ms = now_ms() - t0;
    if (d)
        accounts_digest(&a, q, 30.0, d);
    engine_accounts_free(&a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: engine_driver DB SNAPSHOT NOW_MS THREADS\n");
        return 2;
    }
    struct lf_err err = {0};
    struct store *st;
    struct store_workspace w;
    if (store_open(argv[1], NULL, &st, &err) < 0 ||
        store_workspace_ensure(st, "default", &w, &err) < 0) {
        fprintf(stderr, "engine_driver: %s\n", err.msg);
        return 1;
    }
    int64_t ws = w.id;
    struct engine_opts opts = {.threads = atoi(argv[4])};
    struct engine *e;
    struct engine_open_info info;
    if (engine_open(st, ws, argv[2], &opts, &e, &info, &err) < 0) {
        fprintf(stderr, "engine_driver: %s\n", err.msg);
        return 1;
    }
    if (info.origin != ENGINE_LOADED)
        fprintf(stderr, "engine_driver: %s\n", info.warning[0] ? info.warning : "built");
    int64_t now = strtoll(argv[3], NULL, 10);
    /* one untimed run of each query: the first allocates the scans' scratch */
    double ms[64];
    for (int q = 1; q <= 5; q++)
        if (run(e, q, now, NULL, ms, &err) < 0) {
            fprintf(stderr, "engine_driver: %s\n", err.msg);
            return 1;
        }
    printf("ready\n");
    fflush(stdout);
    int q, k;
    while (scanf("%d %d", &q, &k) == 2 && q >= 1 && q <= 5 && k >= 1 && k <= 64) {
        struct digest d = {0};
        for (int i = 0; i < k; i++) {
            if (run(e, q, now, i == 0 ? &d : NULL, &ms[i], &err) < 0) {
                fprintf(stderr, "engine_driver: %s\n", err.msg);
                return 1;
            }
        }
        qsort(ms, (size_t)k, sizeof(*ms), dbl_cmp);
        double median = k % 2 ? ms[k / 2] : (ms[k / 2 - 1] + ms[k / 2]) / 2;
        printf("%.3f %.3f %zu %s\n", median, ms[0], d.rows, d.text);
        fflush(stdout);
    }
    engine_free(e);
    store_free(st);
    return 0;
}
