/* cache.c - the slots in which metrics keep figures between calls of a running system (one per
 * metric of the registry, per workspace: core holds them), and whether what one keeps still
 * holds for a snapshot of the store (the change log). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "metrics.h"
#include "report/table.h"

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

/* ---- answers kept with the rows they were computed from ---- */

struct kept_answer {
    char *key;
    struct lf_table *t;
    uint64_t used;
};

char *metric_answer_key(const struct metric_ctx *c, int64_t from, int64_t to)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s\x1f%s\x1f%lld\x1f%lld", c->def->name, tz_name(c->tz), (long long)from,
             (long long)to);
    for (size_t i = 0; i < c->by_nr; i++)
        buf_addf(&b, "%cby %d", 0x1f, c->by[i]);
    for (size_t i = 0; i < c->where_nr; i++)
        buf_addf(&b, "\x1fwhere %d %s", c->where[i].dim, c->where[i].value);
    for (size_t i = 0; i < c->def->own_nr; i++) {
        const struct param_value *v = &c->p[i];
        if (!v->given)
            continue;
        buf_addf(&b, "\x1fp %zu %lld %.17g %s", i, (long long)v->i, v->r, v->s ? v->s : "");
        for (int k = 0; k < v->ints_nr; k++)
            buf_addf(&b, ",%d", v->ints[k]);
    }
    return buf_detach(&b);
}

/* Copies src's columns, rows and total into the empty table dst. */
static void table_copy(struct lf_table *dst, const struct lf_table *src)
{
    size_t cols = lf_table_columns(src), rows = lf_table_rows(src);
    for (size_t j = 0; j < cols; j++)
        table_add_column(dst, lf_table_column_name(src, j), lf_table_column_type(src, j));
    for (size_t i = 0; i < rows; i++) {
        size_t row = table_add_row(dst);
        for (size_t j = 0; j < cols; j++) {
            if (lf_table_is_null(src, i, j))
                continue;
            switch (lf_table_column_type(src, j)) {
            case LF_COL_INT:
            case LF_COL_MONEY:
                table_set_int(dst, row, j, lf_table_int(src, i, j));
                break;
            case LF_COL_REAL:
            case LF_COL_PERCENT:
                table_set_real(dst, row, j, lf_table_real(src, i, j));
                break;
            default:
                table_set_text(dst, row, j, lf_table_text(src, i, j));
            }
        }
    }
    if (lf_table_total(src) >= 0)
        table_set_total(dst, lf_table_total(src));
}

bool metric_answer_recall(struct metric_answers *k, const char *key, struct lf_table *t)
{
    for (size_t i = 0; k && i < k->nr; i++) {
        if (strcmp(k->a[i].key, key) != 0)
            continue;
        table_copy(t, k->a[i].t);
        k->a[i].used = ++k->clock;
        return true;
    }
    return false;
}

void metric_answer_keep(struct metric_answers *k, const char *key, const struct lf_table *t)
{
    if (!k || lf_table_rows(t) > METRIC_ANSWER_ROWS)
        return;
    size_t at = k->nr;
    if (k->nr == METRIC_ANSWERS) { /* the least recently used goes */
        at = 0;
        for (size_t i = 1; i < k->nr; i++)
            if (k->a[i].used < k->a[at].used)
                at = i;
        free(k->a[at].key);
        lf_table_free(k->a[at].t);
    } else {
        k->a = xgrow(k->a, sizeof(*k->a), k->nr + 1, &k->cap);
        k->nr++;
    }
    struct lf_table *copy = table_new(lf_table_name(t));
    table_set_time_zone(copy, lf_table_time_zone(t));
    table_copy(copy, t);
    k->a[at] = (struct kept_answer){xstrdup(key), copy, ++k->clock};
}

void metric_answers_release(struct metric_answers *k)
{
    for (size_t i = 0; i < k->nr; i++) {
        free(k->a[i].key);
        lf_table_free(k->a[i].t);
    }
    free(k->a);
    memset(k, 0, sizeof(*k));
}
