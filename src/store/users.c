/* users.c - the dashboard's people in the store: users, failed sign-ins, sessions, saved views
 * and workspace settings, through the statement API (store_int.h). */
#include "users.h"

#include <string.h>

#include "base/mem.h"
#include "store_int.h"

#define USER_COLUMNS                                                                           \
    "u.id, u.workspace_id, u.ext_id, u.email, u.name, u.role, u.password_hash, u.created_at, " \
    "u.failed_logins, u.locked_until"

static void copy(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

/* Reads the USER_COLUMNS starting at column c. */
static void user_of(struct store *st, struct sql *q, int c, struct store_user *u)
{
    u->id = sql_id(st, q, c);
    u->ws = sql_id(st, q, c + 1);
    copy(u->name, sizeof(u->name), sql_text(st, q, c + 2));
    copy(u->email, sizeof(u->email), sql_text(st, q, c + 3));
    copy(u->display, sizeof(u->display), sql_text(st, q, c + 4));
    copy(u->role, sizeof(u->role), sql_text(st, q, c + 5));
    copy(u->hash, sizeof(u->hash), sql_text(st, q, c + 6));
    u->created_at = sql_id(st, q, c + 7);
    u->failed = sql_id(st, q, c + 8);
    u->locked_until = sql_id(st, q, c + 9);
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int store_user_insert(struct store *st, int64_t ws, const struct store_user *u, int64_t *id,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO users(workspace_id, ext_id, email, name, role, "
                                   "password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                   "?7) ON CONFLICT DO NOTHING RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, u->name);
    sql_bind_text(st, q, 3, or_null(u->email));
    sql_bind_text(st, q, 4, or_null(u->display));
    sql_bind_text(st, q, 5, u->role);
    sql_bind_text(st, q, 6, or_null(u->hash));
    sql_bind_int(st, q, 7, u->created_at);
    int found = sql_lookup(st, q, id, err);
    if (found == 0)
        return err_set(err, LF_ECONFLICT, "user '%s' exists", u->name);
    return found < 0 ? -1 : 0;
}

int store_user_find(struct store *st, int64_t ws, const char *name, int64_t id,
                    struct store_user *out, struct lf_err *err)
{
    struct sql *q = name ? sql_static(st, "SELECT " USER_COLUMNS " FROM users u WHERE "
                                          "u.workspace_id = ?1 AND u.ext_id = ?2", err)
                         : sql_static(st, "SELECT " USER_COLUMNS " FROM users u WHERE "
                                          "u.workspace_id = ?1 AND u.id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (name)
        sql_bind_text(st, q, 2, name);
    else
        sql_bind_int(st, q, 2, id);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        user_of(st, q, 0, out);
    sql_done(st, q);
    return rc;
}

struct user_sink {
    store_user_fn fn;
    void *ctx;
};

static int user_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct user_sink *k = arg;
    struct store_user u;
    user_of(st, q, 0, &u);
    return k->fn(k->ctx, &u, err);
}

int store_users_scan(struct store *st, int64_t ws, store_user_fn fn, void *ctx,
                     struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT " USER_COLUMNS " FROM users u WHERE u.workspace_id = ?1 "
                                "ORDER BY u.ext_id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_each(st, q, SQL_NEW, user_row, &(struct user_sink){fn, ctx}, err);
}

int store_user_update(struct store *st, int64_t ws, const struct store_user *u,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE users SET email = ?3, name = ?4, role = ?5, "
                                   "password_hash = ?6 WHERE workspace_id = ?1 AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, u->id);
    sql_bind_text(st, q, 3, or_null(u->email));
    sql_bind_text(st, q, 4, or_null(u->display));
    sql_bind_text(st, q, 5, u->role);
    sql_bind_text(st, q, 6, or_null(u->hash));
    return sql_changed(st, q, err);
}

int store_user_failures(struct store *st, int64_t id, int64_t failed, int64_t locked_until,
                        struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE users SET failed_logins = ?2, locked_until = ?3 "
                                   "WHERE id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    sql_bind_int(st, q, 2, failed);
    sql_bind_int(st, q, 3, locked_until);
    return sql_changed(st, q, err) < 0 ? -1 : 0;
}

int store_user_delete(struct store *st, int64_t ws, int64_t id, struct lf_err *err)
{
    static const char *const owned[] = {"DELETE FROM sessions WHERE user_id = ?1",
                                        "DELETE FROM views WHERE user_id = ?1"};
    struct store_user u;
    int found = store_user_find(st, ws, NULL, id, &u, err);
    if (found <= 0)
        return found;
    for (size_t i = 0; i < sizeof(owned) / sizeof(*owned); i++) {
        struct sql *q = sql_static(st, owned[i], err);
        if (!q)
            return -1;
        sql_bind_int(st, q, 1, id);
        if (sql_run(st, q, err) < 0)
            return -1;
    }
    struct sql *q = sql_static(st, "DELETE FROM users WHERE workspace_id = ?1 AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, id);
    return sql_changed(st, q, err);
}

int store_users_count(struct store *st, int64_t ws, const char *role, int64_t *out,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT count(*) FROM users WHERE workspace_id = ?1 AND "
                                   "role = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, role);
    return sql_lookup(st, q, out, err) < 0 ? -1 : 0;
}

/* ---- sessions ---- */

int store_session_insert(struct store *st, int64_t ws, int64_t user_id, const char *token_hash,
                         int64_t now, int64_t expires_at, int64_t *id, struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO sessions(workspace_id, user_id, token_hash, "
                                   "created_at, seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, "
                                   "?5) RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, user_id);
    sql_bind_text(st, q, 3, token_hash);
    sql_bind_int(st, q, 4, now);
    sql_bind_int(st, q, 5, expires_at);
    return sql_lookup(st, q, id, err) < 0 ? -1 : 0;
}

int store_session_find(struct store *st, const char *token_hash, struct store_session *out,
                       struct store_user *user, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT s.id, s.workspace_id, s.user_id, s.created_at, "
                                   "s.seen_at, s.expires_at, s.ended_at, " USER_COLUMNS
                                   " FROM sessions s JOIN users u ON u.id = s.user_id "
                                   "WHERE s.token_hash = ?1", err);
    if (!q)
        return -1;
    sql_bind_text(st, q, 1, token_hash);
    int rc = sql_step(st, q, err);
    if (rc == 1) {
        out->id = sql_id(st, q, 0);
        out->ws = sql_id(st, q, 1);
        out->user_id = sql_id(st, q, 2);
        out->created_at = sql_id(st, q, 3);
        out->seen_at = sql_id(st, q, 4);
        out->expires_at = sql_id(st, q, 5);
        out->ended_at = sql_int(st, q, 6);
        user_of(st, q, 7, user);
    }
    sql_done(st, q);
    return rc;
}

int store_session_seen(struct store *st, int64_t id, int64_t when, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE sessions SET seen_at = ?2 WHERE id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    sql_bind_int(st, q, 2, when);
    return sql_changed(st, q, err) < 0 ? -1 : 0;
}

int store_session_end(struct store *st, int64_t id, int64_t when, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE sessions SET ended_at = ?2 WHERE id = ?1 AND "
                                   "ended_at IS NULL", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    sql_bind_int(st, q, 2, when);
    return sql_changed(st, q, err) < 0 ? -1 : 0;
}

int store_sessions_end_user(struct store *st, int64_t user_id, int64_t when, struct lf_err *err)
{
    struct sql *q = sql_static(st, "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND "
                                   "ended_at IS NULL", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, user_id);
    sql_bind_int(st, q, 2, when);
    return sql_changed(st, q, err) < 0 ? -1 : 0;
}

/* ---- saved views ---- */

int store_view_insert(struct store *st, int64_t ws, const struct store_view *v, int64_t *id,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO views(workspace_id, user_id, page, name, query, "
                                   "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                   "ON CONFLICT DO NOTHING RETURNING id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, v->user_id);
    sql_bind_text(st, q, 3, v->page);
    sql_bind_text(st, q, 4, v->name);
    sql_bind_text(st, q, 5, v->query);
    sql_bind_int(st, q, 6, v->created_at);
    int found = sql_lookup(st, q, id, err);
    if (found == 0)
        return err_set_field(err, "name", LF_ECONFLICT, "a view '%s' of '%s' exists", v->name,
                             v->page);
    return found < 0 ? -1 : 0;
}

struct view_sink {
    store_view_fn fn;
    void *ctx;
};

static int view_row(void *arg, struct store *st, struct sql *q, struct lf_err *err)
{
    const struct view_sink *k = arg;
    struct store_view v = {.id = sql_id(st, q, 0),
                           .user_id = sql_id(st, q, 1),
                           .page = sql_text(st, q, 2),
                           .name = sql_text(st, q, 3),
                           .query = sql_text(st, q, 4),
                           .created_at = sql_id(st, q, 5)};
    return k->fn(k->ctx, &v, err);
}

int store_views_scan(struct store *st, int64_t user_id, const char *page, store_view_fn fn,
                     void *ctx, struct lf_err *err)
{
    /* two statements: PostgreSQL cannot type "?2 IS NULL OR page = ?2" once ?2 is bound */
    struct sql *q = page ? sql_new(st, "SELECT id, user_id, page, name, query, created_at FROM "
                                       "views WHERE user_id = ?1 AND page = ?2 "
                                       "ORDER BY page, name", err)
                         : sql_new(st, "SELECT id, user_id, page, name, query, created_at FROM "
                                       "views WHERE user_id = ?1 ORDER BY page, name", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, user_id);
    if (page)
        sql_bind_text(st, q, 2, page);
    return sql_each(st, q, SQL_NEW, view_row, &(struct view_sink){fn, ctx}, err);
}

int store_view_delete(struct store *st, int64_t user_id, int64_t id, struct lf_err *err)
{
    struct sql *q = sql_static(st, "DELETE FROM views WHERE user_id = ?1 AND id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, user_id);
    sql_bind_int(st, q, 2, id);
    return sql_changed(st, q, err);
}

/* ---- settings ---- */

int store_setting_get(struct store *st, int64_t ws, const char *name, char **out,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT value FROM settings WHERE workspace_id = ?1 AND "
                                   "name = ?2", err);
    *out = NULL;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        *out = xstrdup(sql_text(st, q, 0));
    sql_done(st, q);
    return rc < 0 ? -1 : 0;
}

int store_setting_set(struct store *st, int64_t ws, const char *name, const char *value,
                      struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO settings(workspace_id, name, value) VALUES "
                                   "(?1, ?2, ?3) ON CONFLICT (workspace_id, name) DO UPDATE "
                                   "SET value = excluded.value", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    sql_bind_text(st, q, 3, value);
    return sql_run(st, q, err);
}
