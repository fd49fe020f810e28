/* workspaces.c - workspaces (the tenants every row belongs to), their counts and reset, and
 * the change log the change feed follows. */
#include "store_int.h"

#include <string.h>

#include "base/time.h"

static int read_workspace(struct store *st, struct sql *q, struct store_workspace *out,
                          struct lf_err *err)
{
    int rc = sql_step(st, q, err);
    if (rc == 1) {
        out->id = sql_id(st, q, 0);
        snprintf(out->ext_id, sizeof(out->ext_id), "%s", sql_text(st, q, 1));
        snprintf(out->time_zone, sizeof(out->time_zone), "%s", sql_text(st, q, 2));
    }
    sql_done(st, q);
    return rc;
}

int store_workspace_find(struct store *st, const char *name, struct store_workspace *out,
                         struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT id, ext_id, timezone FROM workspaces WHERE ext_id = ?1",
                               err);
    if (!q)
        return -1;
    sql_bind_text(st, q, 1, name);
    return read_workspace(st, q, out, err);
}

int store_workspace_by_id(struct store *st, int64_t id, struct store_workspace *out,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT id, ext_id, timezone FROM workspaces WHERE id = ?1",
                               err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    return read_workspace(st, q, out, err);
}

int store_workspace_ensure(struct store *st, const char *name, struct store_workspace *out,
                           struct lf_err *err)
{
    int found = store_workspace_find(st, name, out, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    bool own = !st->in_write;
    if (own && store_begin(st, err) < 0)
        return -1;
    struct sql *q = sql_static(st, "INSERT INTO workspaces(ext_id, name, created_at) "
                                   "VALUES (?1, ?1, ?2) ON CONFLICT DO NOTHING", err);
    if (!q)
        goto fail;
    sql_bind_text(st, q, 1, name);
    sql_bind_int(st, q, 2, time_now_ms());
    if (sql_run(st, q, err) < 0 || store_workspace_find(st, name, out, err) != 1)
        goto fail;
    q = sql_static(st, "INSERT INTO surveys(workspace_id, ext_id, kind, name, scale_min, "
                       "scale_max, higher_is_better) VALUES "
                       "(?1, 'nps', 'nps', 'Net Promoter Score', 0, 10, 1), "
                       "(?1, 'csat', 'csat', 'Customer Satisfaction', 1, 5, 1), "
                       "(?1, 'ces', 'ces', 'Customer Effort Score', 1, 7, 1) "
                       "ON CONFLICT DO NOTHING", err);
    if (!q)
        goto fail;
    sql_bind_int(st, q, 1, out->id);
    if (sql_run(st, q, err) < 0 || (own && store_commit(st, err) < 0))
        goto fail;
    return 0;
fail:
    if (own)
        store_rollback(st);
    return -1;
}

int store_workspace_set_tz(struct store *st, int64_t ws, const char *tz, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE workspaces SET timezone = ?2 WHERE id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, tz);
    /* every process serving the workspace reads its settings again (core/feed.c) */
    return sql_run(st, q, err) < 0 ? -1
                                   : store_log_change(st, ws, NULL, ws, 0, STORE_UPDATED, err);
}

static int clear_table(struct store *st, int64_t ws, const char *table, struct lf_err *err)
{
    char text[128];
    snprintf(text, sizeof(text), "DELETE FROM %s WHERE workspace_id = ?1", table);
    struct sql *q = sql_static(st, text, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_run(st, q, err);
}

int store_workspace_clear(struct store *st, int64_t ws, struct lf_err *err)
{
    static const char *const tables[] = {
        "followups", "survey_skips", "survey_sends",
        "tasks", "rules", "health_scores", "scorecards", "outcomes", "responses", "touchpoints",
        "churn_models", "orders", "events", "event_names", "mrr_changes", "contacts", "accounts",
        NULL};
    const char *const *own = st->ops->workspace_tables;
    for (int i = 0; own && own[i]; i++)
        if (clear_table(st, ws, own[i], err) < 0)
            return -1;
    for (int i = 0; tables[i]; i++)
        if (clear_table(st, ws, tables[i], err) < 0)
            return -1;
    struct sql *q = sql_static(st, "DELETE FROM surveys WHERE workspace_id = ?1 AND "
                                   "ext_id NOT IN ('nps', 'csat', 'ces')", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (sql_run(st, q, err) < 0)
        return -1;
    store_caches_drop(st);
    strmap_release(&st->names);
    strmap_init(&st->names);
    return store_log_change(st, ws, NULL, 0, 0, STORE_DELETED, err);
}

int store_counts(struct store *st, int64_t ws, struct store_counts *out, struct lf_err *err)
{
    static const char *const tables[] = {"accounts", "contacts", "mrr_changes", "orders",
                                         "events", "touchpoints", "responses"};
    int64_t *fields[] = {&out->accounts, &out->contacts, &out->mrr_changes, &out->orders,
                         &out->events, &out->touchpoints, &out->responses};
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
        char text[128];
        snprintf(text, sizeof(text), "SELECT count(*) FROM %s WHERE workspace_id = ?1",
                 tables[i]);
        struct sql *q = sql_static(st, text, err);
        if (!q)
            return -1;
        sql_bind_int(st, q, 1, ws);
        if (sql_lookup(st, q, fields[i], err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the change log ---- */

int store_feed_position(struct store *st, int64_t ws, int64_t *seq, int64_t *event_id,
                        struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT max(seq) FROM changes WHERE workspace_id = ?1", err);
    *seq = 0;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        *seq = sql_id(st, q, 0);
    sql_done(st, q);
    if (rc < 0)
        return -1;
    return store_events_max_id(st, ws, event_id, err);
}

struct change_sink {
    store_change_fn fn;
    void *ctx;
};

static int change_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct change_sink *k = arg;
    struct store_change_rec c = {.seq = sql_id(st, q, 0),
                                 .resource = (int)sql_id(st, q, 1),
                                 .row_id = sql_id(st, q, 2),
                                 .account_id = sql_id(st, q, 3),
                                 .op = (int)sql_id(st, q, 4)};
    return k->fn(k->ctx, &c, err);
}

int store_changes_scan(struct store *st, int64_t ws, int64_t after, int64_t upto,
                       store_change_fn fn, void *ctx, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT seq, resource, row_id, account_id, op FROM changes "
                                "WHERE workspace_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
                            err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, after);
    sql_bind_int(st, q, 3, upto);
    return sql_each(st, q, SQL_NEW, change_row, &(struct change_sink){fn, ctx}, err);
}

int store_users_stamp(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE "
                                   "workspace_id = ?1 AND resource = ?2 AND op = ?3", err);
    *out = 0;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, resource_contacts.code);
    sql_bind_int(st, q, 3, STORE_DELETED);
    return sql_lookup(st, q, out, err) < 0 ? -1 : 0;
}
