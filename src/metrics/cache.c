/* cache.c - the slots in which metrics keep figures between calls of a running system (one per
 * metric of the registry, per workspace: core holds them), and whether what one keeps still
 * holds for a snapshot of the store (the change log). */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "metrics.h"

static size_t count(void)
{
    size_t n = 0;
    while (metric_defs[n])
        n++;
    return n;
}

size_t metric_index(const struct metric_def *def)
{
    size_t i = 0;
    while (metric_defs[i] && metric_defs[i] != def)
        i++;
    return i;
}

struct metric_cache *metric_caches_new(void)
{
    size_t n = count();
    struct metric_cache *c = xcalloc(n, sizeof(*c));
    for (size_t i = 0; i < n; i++)
        pthread_mutex_init(&c[i].mu, NULL);
    return c;
}

void metric_caches_free(struct metric_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0, n = count(); i < n; i++) {
        if (c[i].data && c[i].release)
            c[i].release(c[i].data);
        pthread_mutex_destroy(&c[i].mu);
    }
    free(c);
}

bool metric_keeps(const struct metric_ctx *c, const char *env)
{
    const char *off = getenv(env);
    if (!c->cache || (off && !strcmp(off, "0")))
        return false;
    /* filtered to one account the metrics read that account alone (metric_accounts): what is
     * kept is every account's */
    for (size_t i = 0; i < c->where_nr; i++)
        if (c->where[i].dim == DIM_ACCOUNT)
            return false;
    return true;
}

struct kept_check {
    const struct resource_def *const *defs;
    bool changed;
};

static int on_change(void *ctx, const struct store_change_rec *r, struct lf_err *err)
{
    (void)err;
    struct kept_check *k = ctx;
    if (r->resource == 0) /* a workspace reset */
        k->changed = true;
    for (size_t i = 0; k->defs[i] && !k->changed; i++)
        k->changed = r->resource == k->defs[i]->code;
    return 0;
}

int metric_kept_fresh(struct metric_ctx *c, bool kept, int64_t seq,
                      const struct resource_def *const *defs, int64_t *now, struct lf_err *err)
{
    int64_t events;
    if (store_feed_position(c->st, c->ws, now, &events, err) < 0)
        return -1;
    if (!kept)
        return 0;
    if (seq == *now)
        return 1;
    if (seq > *now) /* kept from a newer snapshot than c's */
        return 0;
    struct kept_check k = {defs, false};
    if (store_changes_scan(c->st, c->ws, seq, *now, on_change, &k, err) < 0)
        return -1;
    return !k.changed;
}
