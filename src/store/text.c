/* text.c - the stored analyses of texts (survey comments, touchpoint texts): one row per text,
 * put and deleted by the core as it follows the change log, and the cursor of how far it read. */
#include "store_int.h"

#include <math.h>
#include <string.h>

#define RESULT_COLUMNS                                                                             \
    "source, row_id, language, scored, compound, pos, neu, neg, emotions, topics, notes, "         \
    "analyzed_at"

int store_text_cursor(struct store *st, int64_t ws, int64_t *seq, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT seq FROM text_cursor WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_lookup(st, q, seq, err);
}

int store_text_cursor_set(struct store *st, int64_t ws, int64_t seq, struct lf_err *err)
{
    struct sql *q = sql_static(st,
                               "INSERT INTO text_cursor(workspace_id, seq) VALUES (?1, ?2) "
                               "ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq",
                               err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, seq);
    return sql_run(st, q, err);
}

static const char *source_sql(int source)
{
    return source == STORE_TEXT_RESPONSE
               ? "SELECT comment FROM responses WHERE workspace_id = ?1 AND id = ?2"
               : "SELECT text FROM touchpoints WHERE workspace_id = ?1 AND id = ?2";
}

int store_text_source_get(struct store *st, int64_t ws, int source, int64_t row_id, struct buf *out,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, source_sql(source), err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, row_id);
    int rc = sql_step(st, q, err);
    const char *s = rc == 1 ? sql_text(st, q, 0) : NULL;
    buf_reset(out);
    if (s)
        buf_add(out, s, strlen(s));
    sql_done(st, q);
    return rc < 0 ? -1 : s != NULL;
}

int store_text_compound(struct store *st, int64_t ws, int source, int64_t row_id,
                        double *compound, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT compound FROM text_results WHERE workspace_id = ?1 "
                                   "AND source = ?2 AND row_id = ?3 AND scored = 1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, source);
    sql_bind_int(st, q, 3, row_id);
    int rc = sql_step(st, q, err);
    if (rc == 1) {
        *compound = sql_real(st, q, 0);
        rc = *compound == *compound; /* a NULL compound (NaN) is no score */
    }
    sql_done(st, q);
    return rc;
}

int store_text_put(struct store *st, int64_t ws, const struct store_text_result *r,
                   struct lf_err *err)
{
    struct sql *q = sql_static(
        st,
        "INSERT INTO text_results(workspace_id, " RESULT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (workspace_id, source, row_id) DO "
        "UPDATE SET language = excluded.language, scored = excluded.scored, compound = "
        "excluded.compound, pos = excluded.pos, neu = excluded.neu, neg = excluded.neg, "
        "emotions = excluded.emotions, topics = excluded.topics, notes = excluded.notes, "
        "analyzed_at = excluded.analyzed_at",
        err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, r->source);
    sql_bind_int(st, q, 3, r->row_id);
    sql_bind_text(st, q, 4, r->language);
    sql_bind_int(st, q, 5, r->scored);
    sql_bind_real(st, q, 6, r->scored ? r->compound : NAN);
    sql_bind_real(st, q, 7, r->scored ? r->pos : NAN);
    sql_bind_real(st, q, 8, r->scored ? r->neu : NAN);
    sql_bind_real(st, q, 9, r->scored ? r->neg : NAN);
    sql_bind_text(st, q, 10, r->scored ? r->emotions : NULL);
    sql_bind_text(st, q, 11, r->scored ? r->topics : NULL);
    sql_bind_text(st, q, 12, r->notes && *r->notes ? r->notes : NULL);
    sql_bind_int(st, q, 13, r->analyzed_at);
    return sql_run(st, q, err);
}

int store_text_delete(struct store *st, int64_t ws, int source, int64_t row_id, struct lf_err *err)
{
    struct sql *q = sql_static(st,
                               "DELETE FROM text_results WHERE workspace_id = ?1 AND "
                               "source = ?2 AND row_id = ?3",
                               err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, source);
    sql_bind_int(st, q, 3, row_id);
    return sql_run(st, q, err);
}

int store_text_clear(struct store *st, int64_t ws, struct lf_err *err)
{
    struct sql *q = sql_static(st, "DELETE FROM text_results WHERE workspace_id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_run(st, q, err);
}

int store_text_sources_count(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    struct sql *q = sql_static(
        st,
        "SELECT (SELECT count(*) FROM responses WHERE workspace_id = ?1 AND comment IS NOT "
        "NULL) + (SELECT count(*) FROM touchpoints WHERE workspace_id = ?1 AND text IS NOT NULL)",
        err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    *out = 0;
    return sql_lookup(st, q, out, err) < 0 ? -1 : 0;
}

/* The sources' scan: its callback, and which source the rows are of. */
struct source_sink {
    store_text_source_fn fn;
    void *ctx;
    int source;
};

static int source_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct source_sink *k = arg;
    return k->fn(k->ctx, k->source, sql_id(st, q, 0), sql_text(st, q, 1), err);
}

int store_text_sources_scan(struct store *st, int64_t ws, store_text_source_fn fn, void *ctx,
                            struct lf_err *err)
{
    static const struct {
        int source;
        const char *text;
    } sources[] = {
        {STORE_TEXT_RESPONSE, "SELECT id, comment FROM responses WHERE workspace_id = ?1 AND "
                              "comment IS NOT NULL ORDER BY id"},
        {STORE_TEXT_TOUCHPOINT, "SELECT id, text FROM touchpoints WHERE workspace_id = ?1 AND "
                                "text IS NOT NULL ORDER BY id"}};
    for (size_t i = 0; i < sizeof(sources) / sizeof(*sources); i++) {
        /* a scan of its own: the callback writes results between its rows */
        struct sql *q = sql_new(st, sources[i].text, err);
        if (!q)
            return -1;
        sql_bind_int(st, q, 1, ws);
        struct source_sink k = {fn, ctx, sources[i].source};
        if (sql_each(st, q, SQL_NEW, source_row, &k, err) < 0)
            return -1;
    }
    return 0;
}

struct result_sink {
    store_text_fn fn;
    void *ctx;
};

static int result_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct result_sink *k = arg;
    struct store_text_result r = {.source = (int)sql_id(st, q, 0),
                                  .row_id = sql_id(st, q, 1),
                                  .scored = sql_id(st, q, 3) != 0,
                                  .compound = sql_real(st, q, 4),
                                  .pos = sql_real(st, q, 5),
                                  .neu = sql_real(st, q, 6),
                                  .neg = sql_real(st, q, 7),
                                  .emotions = sql_text(st, q, 8),
                                  .topics = sql_text(st, q, 9),
                                  .notes = sql_text(st, q, 10),
                                  .analyzed_at = sql_id(st, q, 11)};
    const char *lang = sql_text(st, q, 2);
    snprintf(r.language, sizeof(r.language), "%s", lang ? lang : "");
    return k->fn(k->ctx, &r, err);
}

int store_text_results_scan(struct store *st, int64_t ws, store_text_fn fn, void *ctx,
                            struct lf_err *err)
{
    struct sql *q = sql_new(st,
                            "SELECT " RESULT_COLUMNS " FROM text_results WHERE "
                            "workspace_id = ?1 ORDER BY source, row_id",
                            err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_NEW, result_row, &(struct result_sink){fn, ctx}, err);
}
