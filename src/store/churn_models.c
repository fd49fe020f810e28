/* churn_models.c - the churn model's versions in the store: each with its features, figures
 * and trees, numbered per workspace. */
#include "store_int.h"

/* The scans' callback and its context, with what a row reads. */
struct model_sink {
    store_churn_model_fn fn;
    void *ctx;
    bool trees; /* the model's trees too (column 6) */
    bool found;
};

static int model_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    struct model_sink *k = arg;
    struct store_churn_model m = {.version = sql_int(st, q, 0),
                                  .created_at = sql_int(st, q, 1),
                                  .as_of = sql_int(st, q, 2),
                                  .horizon_days = sql_int(st, q, 3),
                                  .features = sql_text(st, q, 4),
                                  .metrics = sql_text(st, q, 5),
                                  .model = k->trees ? sql_text(st, q, 6) : NULL};
    k->found = true;
    return k->fn(k->ctx, &m, err);
}

int store_churn_model_insert(struct store *st, int64_t ws, const struct store_churn_model *m,
                             int64_t *version, struct lf_err *err)
{
    /* the next version in the same statement: the writer is one at a time, so no other
     * insert runs between the MAX and the INSERT */
    struct sql *q = sql_static(
        st,
        "INSERT INTO churn_models(workspace_id, version, created_at, as_of, horizon_days, "
        "features, metrics, model) SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, "
        "?6, ?7 FROM churn_models WHERE workspace_id = ?1 RETURNING version",
        err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, m->created_at);
    sql_bind_int(st, q, 3, m->as_of);
    sql_bind_int(st, q, 4, m->horizon_days);
    sql_bind_text(st, q, 5, m->features);
    sql_bind_text(st, q, 6, m->metrics);
    sql_bind_text(st, q, 7, m->model);
    int found = sql_lookup(st, q, version, err);
    if (found == 0)
        return err_set(err, LF_ESTORE, "the churn model was not stored");
    return found < 0 ? -1 : 0;
}

int store_churn_model_get(struct store *st, int64_t ws, int64_t version, store_churn_model_fn fn,
                          void *ctx, struct lf_err *err)
{
    struct sql *q =
        sql_static(st,
                   "SELECT version, created_at, as_of, horizon_days, features, metrics, model FROM "
                   "churn_models WHERE workspace_id = ?1 AND (?2 = 0 OR version = ?2) "
                   "ORDER BY version DESC LIMIT 1",
                   err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, version);
    struct model_sink k = {fn, ctx, .trees = true};
    if (sql_each(st, q, SQL_CACHED, model_row, &k, err) < 0)
        return -1;
    return k.found;
}

int store_churn_models_scan(struct store *st, int64_t ws, store_churn_model_fn fn, void *ctx,
                            struct lf_err *err)
{
    struct sql *q = sql_static(st,
                               "SELECT version, created_at, as_of, horizon_days, features, "
                               "metrics FROM churn_models WHERE workspace_id = ?1 "
                               "ORDER BY version DESC",
                               err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_CACHED, model_row, &(struct model_sink){fn, ctx}, err);
}
