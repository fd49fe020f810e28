/* store.c - picks the engine for a URL and forwards every call through its function table. */
#include "store.h"

#include <string.h>

#include "store_int.h"

int store_open(const char *url, struct store **out, struct lf_err *err)
{
    *out = NULL;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return err_set(err, LF_EUSAGE, "'%s': the PostgreSQL store is not part of this build",
                       url);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return store_sqlite_open(url, out, err);
}

void store_free(struct store *st)
{
    if (st)
        st->ops->close(st);
}

int store_workspace_ensure(struct store *st, const char *name, int64_t *ws, struct lf_err *err)
{
    return st->ops->workspace_ensure(st, name, ws, err);
}

int store_workspace_clear(struct store *st, int64_t ws, struct lf_err *err)
{
    return st->ops->workspace_clear(st, ws, err);
}

int store_counts(struct store *st, int64_t ws, struct store_counts *out, struct lf_err *err)
{
    return st->ops->counts(st, ws, out, err);
}

int store_begin(struct store *st, struct lf_err *err)
{
    return st->ops->begin(st, err);
}

int store_commit(struct store *st, struct lf_err *err)
{
    return st->ops->commit(st, err);
}

void store_rollback(struct store *st)
{
    st->ops->rollback(st);
}

int store_account_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                       struct lf_err *err)
{
    return st->ops->account_find(st, ws, ext_id, id, err);
}

int store_contact_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                       int64_t *account_id, struct lf_err *err)
{
    return st->ops->contact_find(st, ws, ext_id, id, account_id, err);
}

int store_touchpoint_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                          struct lf_err *err)
{
    return st->ops->touchpoint_find(st, ws, ext_id, id, err);
}

int store_survey_find(struct store *st, int64_t ws, const char *ext_id, struct survey *out,
                      struct lf_err *err)
{
    return st->ops->survey_find(st, ws, ext_id, out, err);
}

int store_account_upsert(struct store *st, int64_t ws, const struct account *a, int64_t today,
                         int64_t *id, enum store_change *change, struct lf_err *err)
{
    return st->ops->account_upsert(st, ws, a, today, id, change, err);
}

int store_contact_upsert(struct store *st, int64_t ws, const struct contact *c, int64_t *id,
                         enum store_change *change, struct lf_err *err)
{
    return st->ops->contact_upsert(st, ws, c, id, change, err);
}

int store_mrr_change_upsert(struct store *st, int64_t ws, const struct mrr_change *m,
                            enum store_change *change, struct lf_err *err)
{
    return st->ops->mrr_change_upsert(st, ws, m, change, err);
}

int store_order_upsert(struct store *st, int64_t ws, const struct order *o,
                       enum store_change *change, struct lf_err *err)
{
    return st->ops->order_upsert(st, ws, o, change, err);
}

int store_touchpoint_upsert(struct store *st, int64_t ws, const struct touchpoint *t, int64_t *id,
                            enum store_change *change, struct lf_err *err)
{
    return st->ops->touchpoint_upsert(st, ws, t, id, change, err);
}

int store_response_upsert(struct store *st, int64_t ws, const struct response *r,
                          enum store_change *change, struct lf_err *err)
{
    return st->ops->response_upsert(st, ws, r, change, err);
}

int store_survey_upsert(struct store *st, int64_t ws, const struct survey *s, int64_t *id,
                        struct lf_err *err)
{
    return st->ops->survey_upsert(st, ws, s, id, err);
}

int store_event_append(struct store *st, int64_t ws, const struct event *e,
                       enum store_change *change, struct lf_err *err)
{
    return st->ops->event_append(st, ws, e, change, err);
}

int store_accounts_scan(struct store *st, int64_t ws, store_account_fn fn, void *ctx,
                        struct lf_err *err)
{
    return st->ops->accounts_scan(st, ws, fn, ctx, err);
}

int store_contacts_scan(struct store *st, int64_t ws, store_contact_fn fn, void *ctx,
                        struct lf_err *err)
{
    return st->ops->contacts_scan(st, ws, fn, ctx, err);
}

int store_mrr_changes_scan(struct store *st, int64_t ws, store_mrr_fn fn, void *ctx,
                           struct lf_err *err)
{
    return st->ops->mrr_changes_scan(st, ws, fn, ctx, err);
}

int store_orders_scan(struct store *st, int64_t ws, store_order_fn fn, void *ctx,
                      struct lf_err *err)
{
    return st->ops->orders_scan(st, ws, fn, ctx, err);
}

int store_events_scan(struct store *st, int64_t ws, int64_t after_id, store_event_fn fn,
                      void *ctx, struct lf_err *err)
{
    return st->ops->events_scan(st, ws, after_id, fn, ctx, err);
}

int store_events_scan_brief(struct store *st, int64_t ws, int64_t after_id, int64_t upto_id,
                            store_event_fn fn, void *ctx, struct lf_err *err)
{
    return st->ops->events_scan_brief(st, ws, after_id, upto_id, fn, ctx, err);
}

int store_events_max_id(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    return st->ops->events_max_id(st, ws, out, err);
}

int store_open_reader(struct store *st, struct store **out, struct lf_err *err)
{
    return st->ops->open_reader(st, out, err);
}

int store_touchpoints_scan(struct store *st, int64_t ws, store_touchpoint_fn fn, void *ctx,
                           struct lf_err *err)
{
    return st->ops->touchpoints_scan(st, ws, fn, ctx, err);
}

int store_surveys_scan(struct store *st, int64_t ws, store_survey_fn fn, void *ctx,
                       struct lf_err *err)
{
    return st->ops->surveys_scan(st, ws, fn, ctx, err);
}

int store_responses_scan(struct store *st, int64_t ws, store_response_fn fn, void *ctx,
                         struct lf_err *err)
{
    return st->ops->responses_scan(st, ws, fn, ctx, err);
}

int store_api_key_insert(struct store *st, int64_t ws, const struct api_key *k, int64_t *id,
                         struct lf_err *err)
{
    return st->ops->api_key_insert(st, ws, k, id, err);
}

int store_api_key_find(struct store *st, const char *prefix, struct api_key *out,
                       struct lf_err *err)
{
    return st->ops->api_key_find(st, prefix, out, err);
}

int store_api_key_revoke(struct store *st, int64_t ws, const char *prefix, int64_t when,
                         struct lf_err *err)
{
    return st->ops->api_key_revoke(st, ws, prefix, when, err);
}

int store_api_keys_scan(struct store *st, int64_t ws, store_api_key_fn fn, void *ctx,
                        struct lf_err *err)
{
    return st->ops->api_keys_scan(st, ws, fn, ctx, err);
}

int store_rows_list(struct store *st, int64_t ws, const struct resource_def *def,
                    const struct row_query *q, store_row_fn fn, void *ctx, struct lf_err *err)
{
    return st->ops->rows_list(st, ws, def, q, fn, ctx, err);
}

int store_row_get(struct store *st, int64_t ws, const struct resource_def *def,
                  const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err)
{
    return st->ops->row_get(st, ws, def, key, fn, ctx, err);
}

int store_row_write(struct store *st, int64_t ws, const struct resource_def *def,
                    const struct value *key, const struct value *values, const bool *given,
                    int mode, int64_t *id, enum store_change *change, struct lf_err *err)
{
    return st->ops->row_write(st, ws, def, key, values, given, mode, id, change, err);
}

int store_row_delete(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct value *key, const char *actor, const char *row_json,
                     struct lf_err *err)
{
    return st->ops->row_delete(st, ws, def, key, actor, row_json, err);
}

int store_account_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err)
{
    return st->ops->account_mrr_sync(st, account_id, err);
}
