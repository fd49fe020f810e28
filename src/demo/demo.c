/* demo.c - the generator's driver: options, signup dates, one account at a time, in batches. */
#include "demo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/progress.h"
#include "demo_int.h"

#define CONSUMER_SHARE 0.15 /* of the accounts are people buying without a contract */
#define GROWTH 1.5          /* signups per day grow from 1 to 1 + GROWTH times the first rate */

int demo_opts_resolve(struct lf_demo_opts *o, struct lf_err *err)
{
    if (o->accounts == 0)
        o->accounts = DEMO_DEFAULT_ACCOUNTS;
    if (o->accounts < 1 || o->accounts > DEMO_MAX_ACCOUNTS)
        return err_set(err, LF_EUSAGE, "%d accounts is outside 1..%d", o->accounts,
                       DEMO_MAX_ACCOUNTS);
    if (o->months == 0)
        o->months = DEMO_DEFAULT_MONTHS;
    if (o->months < DEMO_MIN_MONTHS || o->months > DEMO_MAX_MONTHS)
        return err_set(err, LF_EUSAGE, "%d months of history is outside %d..%d", o->months,
                       DEMO_MIN_MONTHS, DEMO_MAX_MONTHS);
    /* Whole days, so that runs on the same day give the same data. */
    o->end_ms = time_day_start(o->end_ms ? o->end_ms : time_now_ms());
    return 0;
}

/* The signup days of n accounts between first and last, denser as the business grows, in
 * order: account numbers follow signup order. The caller frees. */
static int64_t *signups(uint64_t seed, int n, int64_t first, int64_t last)
{
    struct rng r;
    rng_seed(&r, demo_mix(seed, UINT64_MAX));
    int64_t *d = xmalloc((size_t)n * sizeof(*d));
    for (int i = 0; i < n; i++) {
        /* One draw in each n-th of the distribution (stratified, so the growth curve is smooth),
         * through the inverse CDF of a density rising linearly from 1 to 1 + GROWTH. */
        double u = ((double)i + rng_uniform(&r)) / (double)n;
        double x = (sqrt(1.0 + GROWTH * (2.0 + GROWTH) * u) - 1.0) / GROWTH;
        d[i] = time_day_start(first + (int64_t)(x * (double)(last - first)));
    }
    return d;
}

/* The follow-ups of the batch just committed (their responses and comments' sentiments are
 * stored now), in a transaction of their own. */
static int followups(const struct demo_sink *sink, struct demo_rows *rows, struct lf_err *err)
{
    size_t nr;
    struct store *st;
    const struct demo_followup *f = demo_rows_followups(rows, &nr);
    if (!nr)
        return 0;
    if (sink->begin(sink->ctx, &st, err) < 0)
        return -1;
    for (size_t i = 0; i < nr; i++)
        if (sink->followup(sink->ctx, st, &f[i], err) < 0) {
            sink->abort(sink->ctx);
            return -1;
        }
    demo_rows_followups_reset(rows);
    return sink->commit(sink->ctx, err);
}

int demo_generate(const struct demo_sink *sink, int64_t ws, const struct lf_demo_opts *o,
                  struct lf_demo_result *out, struct lf_err *err)
{
    memset(out, 0, sizeof(*out));
    struct store *st = NULL;
    struct demo_rows *rows = demo_rows_new();
    int64_t end = o->end_ms;
    int64_t first = time_add_months(time_month_start(end), -o->months);
    int64_t *since = signups(o->seed, o->accounts, first, end - 14 * MS_PER_DAY);
    struct sim_account a;
    struct b2b b;
    sim_init(&a);
    b2b_init(&b);
    /* The loop adopted DEMO_LOOP_DAYS before the end, with generators of its own. */
    struct demo_loop loop = {end - DEMO_LOOP_DAYS * MS_PER_DAY, sink->follows, sink->ctx};
    struct rng loop_r;
    b.loop = sink->follows && sink->followup ? &loop : NULL;
    b.loop_r = &loop_r;
    struct progress bar;
    progress_init(&bar, "demo", (uint64_t)o->accounts, o->progress);
    bool open = false;
    int ret = -1;
    for (int i = 0; i < o->accounts; i++) {
        if (!open) {
            if (sink->begin(sink->ctx, &st, err) < 0)
                goto out;
            open = true;
        }
        /* Each account has its own generator, so it does not depend on the ones before it. */
        struct rng r;
        rng_seed(&r, demo_mix(o->seed, (uint64_t)i));
        rng_seed(&loop_r, demo_mix(o->seed ^ 0x6c6f6f70 /* "loop" */, (uint64_t)i));
        sim_reset(&a, i);
        a.customer_since = since[i];
        if (rng_bernoulli(&r, CONSUMER_SHARE)) {
            demo_consumer_simulate(&a, &r, end);
            if (b.loop)
                loop_consumer(&a, b.loop, &loop_r, end);
        } else {
            demo_b2b_simulate(&b, &a, &r, end);
        }
        if (demo_write(st, ws, &a, rows, end, out, err) < 0)
            goto out;
        if ((i + 1) % DEMO_BATCH == 0 || i + 1 == o->accounts) {
            open = false;
            if (sink->commit(sink->ctx, err) < 0 || (b.loop && followups(sink, rows, err) < 0))
                goto out;
        }
        progress_update(&bar, (uint64_t)i + 1);
    }
    progress_finish(&bar);
    ret = 0;
out:
    if (open)
        sink->abort(sink->ctx);
    demo_rows_free(rows);
    free(since);
    sim_release(&a);
    b2b_release(&b);
    return ret;
}
