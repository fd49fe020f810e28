/* store.c - opening a store by URL, the generic state of a connection, and transactions. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

int store_open(const char *url, const struct store_open_opts *opts, struct store **out,
               struct lf_err *err)
{
    bool create = !opts || opts->create;
    *out = NULL;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return store_pg_open(url, create, out, err);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return store_sqlite_open(url, create, out, err);
}

int store_clone(struct store *st, struct store **out, struct lf_err *err)
{
    return st->ops->clone(st, out, err);
}

void store_free(struct store *st)
{
    if (st)
        st->ops->close(st);
}

const char *store_engine(const struct store *st)
{
    return st->ops->name;
}

void store_base_init(struct store *st, const struct store_ops *ops, const char *url)
{
    st->ops = ops;
    st->url = xstrdup(url);
    strmap_init(&st->stmt_index);
    for (size_t i = 0; i < sizeof(st->cache) / sizeof(st->cache[0]); i++)
        strmap_init(&st->cache[i]);
    strmap_init(&st->contact_account);
    strmap_init(&st->names);
    st->cache_seq = -1;
}

void store_base_release(struct store *st)
{
    for (size_t i = 0; i < st->stmts_nr; i++)
        st->ops->finalize(st->stmts[i]);
    free(st->stmts);
    st->stmts = NULL;
    st->stmts_nr = st->stmts_cap = 0;
    strmap_release(&st->stmt_index);
    store_caches_drop(st);
    strmap_release(&st->names);
    free(st->url);
    st->url = NULL;
}

void store_caches_drop(struct store *st)
{
    st->cache_seq = -1;
    for (size_t i = 0; i < sizeof(st->cache) / sizeof(st->cache[0]); i++) {
        strmap_release(&st->cache[i]);
        strmap_init(&st->cache[i]);
    }
    strmap_release(&st->contact_account);
    strmap_init(&st->contact_account);
}

/* ---- transactions ---- */

/* The last change logged by any connection: what every cached id of a write depends on
 * (a row deleted or merged, a workspace reset, a contact's account: each is logged). */
static int last_change(struct store *st, int64_t *seq, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT COALESCE(MAX(seq), 0) FROM changes", err);
    return q ? sql_lookup(st, q, seq, err) : -1;
}

int store_begin(struct store *st, struct lf_err *err)
{
    int64_t seq = 0;
    if (st->in_read)
        store_read_end(st);
    if (st->ops->begin(st, true, err) < 0)
        return -1;
    st->in_write = true;
    if (last_change(st, &seq, err) < 0) {
        store_rollback(st);
        return -1;
    }
    /* the ids cached by the last transaction hold while nobody has logged a change since
     * (the log only grows): a writer that keeps to itself looks each account and contact up
     * once. Event names too, which only a workspace reset removes. */
    if (seq != st->cache_seq) {
        store_caches_drop(st);
        strmap_release(&st->names);
        strmap_init(&st->names);
    }
    return 0;
}

int store_commit(struct store *st, struct lf_err *err)
{
    int64_t seq = 0;
    if (last_change(st, &seq, err) < 0 || st->ops->commit(st, err) < 0) {
        store_rollback(st);
        return -1;
    }
    st->in_write = false;
    st->cache_seq = seq;
    return 0;
}

void store_rollback(struct store *st)
{
    st->ops->rollback(st);
    st->in_write = false;
    store_caches_drop(st);
    /* codes made inside the transaction are gone with it */
    strmap_release(&st->names);
    strmap_init(&st->names);
}

int store_read_begin(struct store *st, struct lf_err *err)
{
    if (st->in_write || st->in_read)
        return 0;
    if (st->ops->begin(st, false, err) < 0)
        return -1;
    st->in_read = true;
    return 0;
}

void store_read_end(struct store *st)
{
    if (!st->in_read)
        return;
    st->ops->rollback(st);
    st->in_read = false;
}
