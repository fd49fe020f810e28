/* keys.c - API keys in the store: a prefix to find each by and a hash of the whole key. */
#include "store_int.h"

#include <string.h>

#define KEY_COLUMNS "id, workspace_id, name, prefix, hash, scope, created_at, revoked_at"

static void key_of(struct store *st, struct sql *q, struct api_key *k)
{
    const char *name = sql_text(st, q, 2);
    k->id = sql_id(st, q, 0);
    k->ws = sql_id(st, q, 1);
    snprintf(k->name, sizeof(k->name), "%s", name ? name : "");
    snprintf(k->prefix, sizeof(k->prefix), "%s", sql_text(st, q, 3));
    snprintf(k->hash, sizeof(k->hash), "%s", sql_text(st, q, 4));
    snprintf(k->scope, sizeof(k->scope), "%s", sql_text(st, q, 5));
    k->created_at = sql_id(st, q, 6);
    k->revoked_at = sql_int(st, q, 7);
}

int store_api_key_insert(struct store *st, int64_t ws, const struct api_key *k, int64_t *id,
                         struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO api_keys(workspace_id, name, prefix, hash, "
                                   "scope, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                   "ON CONFLICT DO NOTHING RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, k->name[0] ? k->name : NULL);
    sql_bind_text(st, q, 3, k->prefix);
    sql_bind_text(st, q, 4, k->hash);
    sql_bind_text(st, q, 5, k->scope);
    sql_bind_int(st, q, 6, k->created_at);
    int found = sql_lookup(st, q, id, err);
    if (found == 0)
        return err_set(err, LF_ECONFLICT, "an API key with prefix '%s' exists", k->prefix);
    return found < 0 ? -1 : 0;
}

int store_api_key_find(struct store *st, const char *prefix, struct api_key *out,
                       struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT " KEY_COLUMNS " FROM api_keys WHERE prefix = ?1", err);
    if (!q)
        return -1;
    sql_bind_text(st, q, 1, prefix);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        key_of(st, q, out);
    sql_done(st, q);
    return rc;
}

int store_api_key_revoke(struct store *st, int64_t ws, const char *prefix, int64_t when,
                         struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE api_keys SET revoked_at = ?3 WHERE workspace_id = ?1 "
                                   "AND prefix = ?2 AND revoked_at IS NULL", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, prefix);
    sql_bind_int(st, q, 3, when);
    return sql_changed(st, q, err);
}

struct key_sink {
    store_api_key_fn fn;
    void *ctx;
};

static int key_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct key_sink *k = arg;
    struct api_key a;
    key_of(st, q, &a);
    return k->fn(k->ctx, &a, err);
}

int store_api_keys_scan(struct store *st, int64_t ws, store_api_key_fn fn, void *ctx,
                        struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT " KEY_COLUMNS " FROM api_keys WHERE workspace_id = ?1 "
                                "ORDER BY id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_NEW, key_row, &(struct key_sink){fn, ctx}, err);
}
