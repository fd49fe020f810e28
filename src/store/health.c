/* health.c - health in the store: scorecards (every version kept), the daily score history, and
 * the narrow reads the health measures load (tickets and success touchpoints, survey scores). */
#include "store_int.h"

#include <math.h>
#include <string.h>

#define SCORECARD_COLUMNS                                                                      \
    "id, name, version, segment, plan, definition, created_at, retired_at"

struct scorecard_sink {
    store_scorecard_fn fn;
    void *ctx;
};

static int scorecard_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct scorecard_sink *k = arg;
    struct store_scorecard s = {.id = sql_id(st, q, 0),
                                .name = sql_text(st, q, 1),
                                .version = sql_int(st, q, 2),
                                .segment = sql_text(st, q, 3),
                                .plan = sql_text(st, q, 4),
                                .definition = sql_text(st, q, 5),
                                .created_at = sql_int(st, q, 6),
                                .retired_at = sql_int(st, q, 7)};
    return k->fn(k->ctx, &s, err);
}

int store_scorecards_scan(struct store *st, int64_t ws, store_scorecard_fn fn, void *ctx,
                          struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT " SCORECARD_COLUMNS " FROM scorecards WHERE "
                                "workspace_id = ?1 ORDER BY name, version", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_NEW, scorecard_row, &(struct scorecard_sink){fn, ctx}, err);
}

int store_scorecard_insert(struct store *st, int64_t ws, const struct store_scorecard *s,
                           struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO scorecards(workspace_id, name, version, segment, "
                                   "plan, definition, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                                   "?6, ?7) ON CONFLICT DO NOTHING", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, s->name);
    sql_bind_int(st, q, 3, s->version);
    sql_bind_text(st, q, 4, s->segment);
    sql_bind_text(st, q, 5, s->plan);
    sql_bind_text(st, q, 6, s->definition);
    sql_bind_int(st, q, 7, s->created_at);
    int rc = sql_changed(st, q, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, LF_ECONFLICT, "scorecard '%s' has a version %lld already", s->name,
                       (long long)s->version);
    return 0;
}

int store_scorecard_retire(struct store *st, int64_t ws, const char *name, int64_t when,
                           struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE scorecards SET retired_at = ?3 WHERE workspace_id = ?1 "
                                   "AND name = ?2 AND retired_at IS NULL AND version = (SELECT "
                                   "max(version) FROM scorecards WHERE workspace_id = ?1 AND "
                                   "name = ?2)", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    sql_bind_int(st, q, 3, when);
    return sql_changed(st, q, err);
}

/* ---- the daily history ---- */

int store_health_day_put(struct store *st, int64_t ws, int64_t day,
                         const struct store_health_score *rows, size_t nr, struct lf_err *err)
{
    /* a day is written whole: accounts that lost their score that day lose their row */
    struct sql *q = sql_static(st, "DELETE FROM health_scores WHERE workspace_id = ?1 AND "
                                   "day = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, day);
    if (sql_run(st, q, err) < 0)
        return -1;
    q = sql_static(st, "INSERT INTO health_scores(workspace_id, account_id, day, score, band, "
                       "scorecard, version, measures_used, measures_total, components) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", err);
    if (!q)
        return -1;
    for (size_t i = 0; i < nr; i++) {
        const struct store_health_score *r = &rows[i];
        sql_bind_int(st, q, 1, ws);
        sql_bind_int(st, q, 2, r->account_id);
        sql_bind_int(st, q, 3, day);
        sql_bind_int(st, q, 4, r->score);
        sql_bind_text(st, q, 5, r->band);
        sql_bind_text(st, q, 6, r->scorecard);
        sql_bind_int(st, q, 7, r->version);
        sql_bind_int(st, q, 8, r->measures_used);
        sql_bind_int(st, q, 9, r->measures_total);
        sql_bind_text(st, q, 10, r->components);
        if (sql_run(st, q, err) < 0)
            return -1;
    }
    return 0;
}

struct health_sink {
    store_health_fn fn;
    void *ctx;
};

static int health_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct health_sink *k = arg;
    struct store_health_score s = {.account_id = sql_id(st, q, 0),
                                   .day = sql_int(st, q, 1),
                                   .score = (int)sql_int(st, q, 2),
                                   .band = sql_text(st, q, 3),
                                   .scorecard = sql_text(st, q, 4),
                                   .version = sql_int(st, q, 5),
                                   .measures_used = sql_int(st, q, 6),
                                   .measures_total = sql_int(st, q, 7),
                                   .components = sql_text(st, q, 8)};
    return k->fn(k->ctx, &s, err);
}

int store_health_scan(struct store *st, int64_t ws, int64_t account_id, int64_t from,
                      int64_t to, store_health_fn fn, void *ctx, struct lf_err *err)
{
    /* two statements, not "(?4 = 0 OR account_id = ?4)": a plan made before the binding cannot
     * use the primary key (workspace_id, account_id, day) for that, and read every account's
     * days of the window to keep one account's */
#define HEALTH_SELECT                                                                          \
    "SELECT account_id, day, score, band, scorecard, version, measures_used, measures_total, " \
    "components FROM health_scores WHERE workspace_id = ?1 AND day >= ?2 AND day < ?3"
    struct sql *q = account_id
                        ? sql_new(st, HEALTH_SELECT " AND account_id = ?4 ORDER BY day", err)
                        : sql_new(st, HEALTH_SELECT " ORDER BY account_id, day", err);
#undef HEALTH_SELECT
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, from);
    sql_bind_int(st, q, 3, to);
    if (account_id)
        sql_bind_int(st, q, 4, account_id);
    return sql_each(st, q, SQL_NEW, health_row, &(struct health_sink){fn, ctx}, err);
}

int store_health_last_day(struct store *st, int64_t ws, int64_t before, int64_t *out,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT max(day) FROM health_scores WHERE workspace_id = ?1 "
                                   "AND day < ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, before);
    int rc = sql_step(st, q, err);
    bool found = rc == 1 && !sql_null(st, q, 0);
    if (found)
        *out = sql_int(st, q, 0);
    sql_done(st, q);
    return rc < 0 ? -1 : found;
}

/* ---- the narrow reads of the health measures ---- */

struct touch_sink {
    store_touch_fn fn;
    void *ctx;
};

static int touch_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct touch_sink *k = arg;
    const char *status = sql_text(st, q, 2);
    struct store_touch t = {.account_id = sql_id(st, q, 0),
                            .ts = sql_int(st, q, 1),
                            .open = status && strcmp(status, "open") == 0,
                            .resolved = status && strcmp(status, "resolved") == 0,
                            .duration_minutes = sql_real(st, q, 3),
                            .ticket = sql_int(st, q, 4) == 1,
                            .success = sql_int(st, q, 5) == 1};
    return k->fn(k->ctx, &t, err);
}

int store_touches_scan(struct store *st, int64_t ws, int64_t account_id, store_touch_fn fn,
                       void *ctx, struct lf_err *err)
{
    /* tickets (a status, or the kind 'ticket') and the success team's touchpoints: no text;
     * one account walks its slice of touchpoints_account (account_id, ts) */
#define TOUCH_SELECT                                                                           \
    "SELECT account_id, ts, status, duration_minutes, CASE WHEN status IS NOT NULL OR kind = "  \
    "'ticket' THEN 1 ELSE 0 END, CASE WHEN team = 'success' THEN 1 ELSE 0 END FROM "           \
    "touchpoints WHERE workspace_id = ?1 AND (status IS NOT NULL OR kind = 'ticket' OR team = " \
    "'success') AND "
    struct sql *q = account_id
                        ? sql_scan(st, TOUCH_SELECT "account_id = ?2 ORDER BY ts, id", err)
                        : sql_scan(st, TOUCH_SELECT "account_id IS NOT NULL ORDER BY account_id, "
                                                    "ts, id", err);
#undef TOUCH_SELECT
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (account_id)
        sql_bind_int(st, q, 2, account_id);
    return sql_each(st, q, SQL_CACHED, touch_row, &(struct touch_sink){fn, ctx}, err);
}

int store_tickets_first(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    /* the partial index touchpoints_tickets (migration 014) holds exactly these rows by time:
     * the first is one step, whatever the number of touchpoints */
    struct sql *q = sql_static(st, "SELECT ts FROM touchpoints WHERE workspace_id = ?1 AND "
                                   "account_id IS NOT NULL AND (status IS NOT NULL OR kind = "
                                   "'ticket') ORDER BY ts LIMIT 1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    int rc = sql_step(st, q, err);
    *out = rc == 1 ? sql_int(st, q, 0) : LF_UNSET;
    sql_done(st, q);
    return rc < 0 ? -1 : 0;
}

struct score_sink {
    store_score_fn fn;
    void *ctx;
};

static int score_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct score_sink *k = arg;
    struct store_score s = {.account_id = sql_id(st, q, 0),
                            .ts = sql_int(st, q, 1),
                            .survey_id = sql_id(st, q, 2),
                            .score = (int)sql_int(st, q, 3)};
    return k->fn(k->ctx, &s, err);
}

int store_scores_scan(struct store *st, int64_t ws, int64_t account_id, store_score_fn fn,
                      void *ctx, struct lf_err *err)
{
    /* one account walks its slice of responses_account (account_id, ts) */
    struct sql *q = account_id
                        ? sql_scan(st, "SELECT account_id, ts, survey_id, score FROM responses "
                                       "WHERE workspace_id = ?1 AND account_id = ?2 ORDER BY ts, "
                                       "id", err)
                        : sql_scan(st, "SELECT account_id, ts, survey_id, score FROM responses "
                                       "WHERE workspace_id = ?1 AND account_id IS NOT NULL ORDER "
                                       "BY account_id, ts, id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (account_id)
        sql_bind_int(st, q, 2, account_id);
    return sql_each(st, q, SQL_CACHED, score_row, &(struct score_sink){fn, ctx}, err);
}
