/* store_sqlite.c - the SQLite engine of the store: WAL, foreign keys, migrations, cached statements. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "store_int.h"

extern const char *const store_migrations[];
extern const int store_migrations_nr;

/* Every statement the engine runs more than once, prepared on first use and kept. */
enum stmt_id {
    S_WS_FIND, S_WS_INSERT, S_SURVEY_BUILTIN,
    S_ACCOUNT_FIND, S_ACCOUNT_INSERT, S_ACCOUNT_UPDATE, S_ACCOUNT_MRR_STATE, S_ACCOUNT_MRR_SYNC,
    S_CONTACT_FIND, S_CONTACT_INSERT, S_CONTACT_UPDATE,
    S_MRR_FIND, S_MRR_INSERT, S_MRR_UPDATE,
    S_ORDER_FIND, S_ORDER_INSERT, S_ORDER_UPDATE,
    S_TP_FIND, S_TP_INSERT, S_TP_UPDATE,
    S_SURVEY_FIND, S_SURVEY_UPSERT,
    S_RESP_FIND, S_RESP_INSERT, S_RESP_UPDATE,
    S_NAME_INSERT, S_NAME_FIND, S_EVENT_INSERT,
    S_SCAN_ACCOUNTS, S_SCAN_CONTACTS, S_SCAN_MRR, S_SCAN_ORDERS, S_SCAN_EVENTS, S_SCAN_TP,
    S_SCAN_SURVEYS, S_SCAN_RESP,
    S_KEY_INSERT, S_KEY_FIND, S_KEY_REVOKE, S_SCAN_KEYS,
    S_NR
};

static const char *const stmt_sql[S_NR] = {
    [S_WS_FIND] = "SELECT id FROM workspaces WHERE ext_id = ?1",
    [S_WS_INSERT] = "INSERT INTO workspaces(ext_id, name, created_at) VALUES (?1, ?1, ?2)",
    [S_SURVEY_BUILTIN] =
        "INSERT OR IGNORE INTO surveys(workspace_id, ext_id, kind, name, scale_min, scale_max, "
        "higher_is_better) VALUES (?1, 'nps', 'nps', 'Net Promoter Score', 0, 10, 1), "
        "(?1, 'csat', 'csat', 'Customer Satisfaction', 1, 5, 1), "
        "(?1, 'ces', 'ces', 'Customer Effort Score', 1, 7, 1)",

    [S_ACCOUNT_FIND] = "SELECT id FROM accounts WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_ACCOUNT_INSERT] =
        "INSERT INTO accounts(workspace_id, ext_id, name, plan, segment, currency, seats, stage, "
        "owner, customer_since, renewal_date, attrs, stub) "
        "VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(?6, 'USD'), ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    /* Only given values (non-NULL) are written, and only when one of them differs, so that
     * sqlite3_changes() tells an update from an unchanged row. */
    [S_ACCOUNT_UPDATE] =
        "UPDATE accounts SET name = COALESCE(?3, name), plan = COALESCE(?4, plan), "
        "segment = COALESCE(?5, segment), currency = COALESCE(?6, currency), "
        "seats = COALESCE(?7, seats), stage = COALESCE(?8, stage), owner = COALESCE(?9, owner), "
        "customer_since = COALESCE(?10, customer_since), "
        "renewal_date = COALESCE(?11, renewal_date), attrs = COALESCE(?12, attrs), "
        "stub = stub AND ?13 "
        "WHERE id = ?1 AND ((?3 IS NOT NULL AND ?3 IS NOT name) OR "
        "(?4 IS NOT NULL AND ?4 IS NOT plan) OR (?5 IS NOT NULL AND ?5 IS NOT segment) OR "
        "(?6 IS NOT NULL AND ?6 IS NOT currency) OR (?7 IS NOT NULL AND ?7 IS NOT seats) OR "
        "(?8 IS NOT NULL AND ?8 IS NOT stage) OR (?9 IS NOT NULL AND ?9 IS NOT owner) OR "
        "(?10 IS NOT NULL AND ?10 IS NOT customer_since) OR "
        "(?11 IS NOT NULL AND ?11 IS NOT renewal_date) OR "
        "(?12 IS NOT NULL AND ?12 IS NOT attrs) OR (stub AND NOT ?13))",
    [S_ACCOUNT_MRR_STATE] =
        "SELECT a.mrr, a.customer_since, EXISTS (SELECT 1 FROM mrr_changes m WHERE "
        "m.account_id = a.id) FROM accounts a WHERE a.id = ?1",
    [S_ACCOUNT_MRR_SYNC] =
        "UPDATE accounts SET mrr = COALESCE((SELECT mrr FROM mrr_changes WHERE account_id = ?1 "
        "ORDER BY date DESC LIMIT 1), 0) WHERE id = ?1",

    [S_CONTACT_FIND] =
        "SELECT id, account_id FROM contacts WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_CONTACT_INSERT] =
        "INSERT INTO contacts(workspace_id, ext_id, account_id, email, name, role, created_at, "
        "attrs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_CONTACT_UPDATE] =
        "UPDATE contacts SET account_id = COALESCE(?3, account_id), email = COALESCE(?4, email), "
        "name = COALESCE(?5, name), role = COALESCE(?6, role), "
        "created_at = COALESCE(?7, created_at), attrs = COALESCE(?8, attrs) "
        "WHERE id = ?1 AND ((?3 IS NOT NULL AND ?3 IS NOT account_id) OR "
        "(?4 IS NOT NULL AND ?4 IS NOT email) OR (?5 IS NOT NULL AND ?5 IS NOT name) OR "
        "(?6 IS NOT NULL AND ?6 IS NOT role) OR (?7 IS NOT NULL AND ?7 IS NOT created_at) OR "
        "(?8 IS NOT NULL AND ?8 IS NOT attrs))",

    [S_MRR_FIND] = "SELECT id FROM mrr_changes WHERE account_id = ?1 AND date = ?2",
    [S_MRR_INSERT] = "INSERT INTO mrr_changes(workspace_id, account_id, date, mrr, reason) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_MRR_UPDATE] = "UPDATE mrr_changes SET mrr = ?2, reason = COALESCE(?3, reason) "
                     "WHERE id = ?1 AND (mrr IS NOT ?2 OR (?3 IS NOT NULL AND ?3 IS NOT reason))",

    [S_ORDER_FIND] = "SELECT id FROM orders WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_ORDER_INSERT] = "INSERT INTO orders(workspace_id, ext_id, account_id, contact_id, ts, "
                       "amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_ORDER_UPDATE] = "UPDATE orders SET account_id = ?3, contact_id = ?4, ts = ?5, amount = ?6 "
                       "WHERE id = ?1 AND (account_id IS NOT ?3 OR contact_id IS NOT ?4 OR "
                       "ts IS NOT ?5 OR amount IS NOT ?6)",

    [S_TP_FIND] = "SELECT id FROM touchpoints WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_TP_INSERT] = "INSERT INTO touchpoints(workspace_id, ext_id, ts, account_id, contact_id, "
                    "channel, stage, team, kind, duration_minutes, status, text, attrs) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [S_TP_UPDATE] =
        "UPDATE touchpoints SET ts = ?3, account_id = ?4, contact_id = ?5, channel = ?6, "
        "stage = ?7, team = ?8, kind = ?9, duration_minutes = ?10, status = ?11, text = ?12, "
        "attrs = ?13 WHERE id = ?1 AND (ts IS NOT ?3 OR account_id IS NOT ?4 OR "
        "contact_id IS NOT ?5 OR channel IS NOT ?6 OR stage IS NOT ?7 OR team IS NOT ?8 OR "
        "kind IS NOT ?9 OR duration_minutes IS NOT ?10 OR status IS NOT ?11 OR "
        "text IS NOT ?12 OR attrs IS NOT ?13)",

    [S_SURVEY_FIND] = "SELECT id, ext_id, kind, name, scale_min, scale_max, higher_is_better "
                      "FROM surveys WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_SURVEY_UPSERT] =
        "INSERT INTO surveys(workspace_id, ext_id, kind, name, scale_min, scale_max, "
        "higher_is_better) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(workspace_id, ext_id) DO UPDATE SET kind = excluded.kind, "
        "name = excluded.name, scale_min = excluded.scale_min, scale_max = excluded.scale_max, "
        "higher_is_better = excluded.higher_is_better RETURNING id",

    [S_RESP_FIND] = "SELECT id FROM responses WHERE workspace_id = ?1 AND ext_id = ?2",
    [S_RESP_INSERT] = "INSERT INTO responses(workspace_id, ext_id, ts, account_id, contact_id, "
                      "survey_id, score, comment, touchpoint_id) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_RESP_UPDATE] =
        "UPDATE responses SET ts = ?3, account_id = ?4, contact_id = ?5, survey_id = ?6, "
        "score = ?7, comment = ?8, touchpoint_id = ?9 WHERE id = ?1 AND (ts IS NOT ?3 OR "
        "account_id IS NOT ?4 OR contact_id IS NOT ?5 OR survey_id IS NOT ?6 OR "
        "score IS NOT ?7 OR comment IS NOT ?8 OR touchpoint_id IS NOT ?9)",

    [S_NAME_INSERT] = "INSERT OR IGNORE INTO event_names(workspace_id, name) VALUES (?1, ?2)",
    [S_NAME_FIND] = "SELECT id FROM event_names WHERE workspace_id = ?1 AND name = ?2",
    [S_EVENT_INSERT] = "INSERT OR IGNORE INTO events(workspace_id, message_id, ts, account_id, "
                       "contact_id, name_id, value, props) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",

    [S_SCAN_ACCOUNTS] =
        "SELECT a.id, a.ext_id, a.name, a.plan, a.segment, a.currency, a.stage, a.owner, a.mrr, "
        "a.seats, a.customer_since, a.renewal_date, a.attrs, a.stub FROM accounts a "
        "WHERE a.workspace_id = ?1 ORDER BY a.id",
    [S_SCAN_CONTACTS] =
        "SELECT c.id, c.account_id, c.ext_id, a.ext_id, c.email, c.name, c.role, c.created_at, "
        "c.attrs FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
        "WHERE c.workspace_id = ?1 ORDER BY c.id",
    [S_SCAN_MRR] = "SELECT m.id, m.account_id, a.ext_id, m.date, m.mrr, m.reason "
                   "FROM mrr_changes m JOIN accounts a ON a.id = m.account_id "
                   "WHERE m.workspace_id = ?1 ORDER BY m.account_id, m.date",
    [S_SCAN_ORDERS] = "SELECT o.id, o.account_id, o.contact_id, o.ext_id, o.ts, o.amount "
                      "FROM orders o WHERE o.workspace_id = ?1 ORDER BY o.ts, o.id",
    [S_SCAN_EVENTS] =
        "SELECT e.id, e.account_id, e.contact_id, e.message_id, n.name, e.ts, e.value, e.props "
        "FROM events e JOIN event_names n ON n.id = e.name_id "
        "WHERE +e.workspace_id = ?1 AND e.id > ?2 ORDER BY e.id", /* + : by rowid, not the index */
    [S_SCAN_TP] = "SELECT t.id, t.account_id, t.contact_id, t.ext_id, t.ts, t.channel, t.stage, "
                  "t.team, t.kind, t.duration_minutes, t.status, t.text, t.attrs "
                  "FROM touchpoints t WHERE t.workspace_id = ?1 ORDER BY t.ts, t.id",
    [S_SCAN_SURVEYS] = "SELECT id, ext_id, kind, name, scale_min, scale_max, higher_is_better "
                       "FROM surveys WHERE workspace_id = ?1 ORDER BY id",
    [S_SCAN_RESP] = "SELECT r.id, r.account_id, r.contact_id, r.survey_id, r.touchpoint_id, "
                    "r.ext_id, s.ext_id, r.ts, r.score, r.comment FROM responses r "
                    "JOIN surveys s ON s.id = r.survey_id WHERE r.workspace_id = ?1 "
                    "ORDER BY r.ts, r.id",

    [S_KEY_INSERT] = "INSERT INTO api_keys(workspace_id, name, prefix, hash, scope, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_KEY_FIND] = "SELECT id, workspace_id, name, prefix, hash, scope, created_at, revoked_at "
                   "FROM api_keys WHERE prefix = ?1",
    [S_KEY_REVOKE] = "UPDATE api_keys SET revoked_at = ?3 WHERE workspace_id = ?1 AND "
                     "prefix = ?2 AND revoked_at IS NULL",
    [S_SCAN_KEYS] = "SELECT id, workspace_id, name, prefix, hash, scope, created_at, revoked_at "
                    "FROM api_keys WHERE workspace_id = ?1 ORDER BY id",
};

struct store_sqlite {
    struct store base;
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[S_NR];
    struct strmap names; /* event name → event_names.id of workspace names_ws; dropped on
                          * rollback */
    int64_t names_ws;
    char survey_ext[128], survey_name[256]; /* storage for store_survey_find's strings */
    char key_strs[1024];                    /* storage for store_api_key_find's strings */
};

static struct store_sqlite *S(struct store *st)
{
    return (struct store_sqlite *)st;
}

static int fail(struct store_sqlite *s, struct lf_err *err, const char *what)
{
    return err_set(err, LF_ESTORE, "'%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* The statement `id`, reset and with its bindings cleared; NULL (and err set) on failure. */
static sqlite3_stmt *stmt(struct store_sqlite *s, enum stmt_id id, struct lf_err *err)
{
    if (!s->stmt[id]) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
                               NULL) != SQLITE_OK) {
            fail(s, err, "cannot prepare a statement");
            return NULL;
        }
    } else {
        sqlite3_reset(s->stmt[id]);
        sqlite3_clear_bindings(s->stmt[id]);
    }
    return s->stmt[id];
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

static void bind_int(sqlite3_stmt *q, int i, int64_t v) /* LF_UNSET binds NULL */
{
    if (v == LF_UNSET)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_int64(q, i, v);
}

static void bind_id(sqlite3_stmt *q, int i, int64_t v) /* id 0 (absent) binds NULL */
{
    if (v)
        sqlite3_bind_int64(q, i, v);
    else
        sqlite3_bind_null(q, i);
}

static void bind_real(sqlite3_stmt *q, int i, double v) /* NaN binds NULL */
{
    if (isnan(v))
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_double(q, i, v);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static int64_t col_int(sqlite3_stmt *q, int i) /* NULL reads as LF_UNSET */
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? LF_UNSET : sqlite3_column_int64(q, i);
}

static int64_t col_id(sqlite3_stmt *q, int i) /* NULL reads as 0 */
{
    return sqlite3_column_int64(q, i);
}

static double col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

/* Runs a statement that returns no rows (or ignores them). */
static int run(struct store_sqlite *s, sqlite3_stmt *q, struct lf_err *err, const char *what)
{
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        return fail(s, err, what);
    return 0;
}

/* Runs a one-row lookup: 1 with *id set, 0 when there is no row, -1 on error. */
static int lookup(struct store_sqlite *s, sqlite3_stmt *q, int64_t *id, struct lf_err *err)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        return 1;
    }
    return rc == SQLITE_DONE ? 0 : fail(s, err, "lookup failed");
}

static int exec(struct store_sqlite *s, const char *sql, struct lf_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, LF_ESTORE, "'%s': %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* ---- schema ---- */

static int migrate(struct store_sqlite *s, struct lf_err *err)
{
    sqlite3_stmt *q;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return fail(s, err, "cannot read the schema version");
    if (sqlite3_step(q) == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (version > store_migrations_nr)
        return err_set(err, LF_ESCHEMA,
                       "'%s' has schema version %d, newer than this landfall (%s, version %d); "
                       "use a newer landfall",
                       s->path, version, LANDFALL_VERSION, store_migrations_nr);
    for (int v = version; v < store_migrations_nr; v++) {
        char set_version[64];
        snprintf(set_version, sizeof(set_version), "PRAGMA user_version = %d", v + 1);
        if (exec(s, "BEGIN IMMEDIATE", err) < 0)
            return -1;
        if (exec(s, store_migrations[v], err) < 0 || exec(s, set_version, err) < 0) {
            exec(s, "ROLLBACK", NULL);
            return err_prefix(err, "migration %d failed", v + 1);
        }
        if (exec(s, "COMMIT", err) < 0)
            return -1;
    }
    return 0;
}

int store_schema_version(void)
{
    return store_migrations_nr;
}

static void sqlite_close(struct store *st)
{
    struct store_sqlite *s = S(st);
    for (int i = 0; i < S_NR; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    strmap_release(&s->names);
    free(s->path);
    free(s);
}

/* ---- workspaces, transactions ---- */

static int ws_ensure(struct store *st, const char *name, int64_t *ws, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = stmt(s, S_WS_FIND, err);
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int found = lookup(s, q, ws, err);
    sqlite3_reset(q); /* a long-lived handle (the server's) must not keep this read open */
    if (found != 0)
        return found < 0 ? -1 : 0;
    if (exec(s, "SAVEPOINT ws_ensure", err) < 0)
        return -1;
    if (!(q = stmt(s, S_WS_INSERT, err)))
        goto fail;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (int64_t)time(NULL) * 1000);
    if (run(s, q, err, "cannot create the workspace") < 0)
        goto fail;
    *ws = sqlite3_last_insert_rowid(s->db);
    if (!(q = stmt(s, S_SURVEY_BUILTIN, err)))
        goto fail;
    sqlite3_bind_int64(q, 1, *ws);
    if (run(s, q, err, "cannot create the built-in surveys") < 0)
        goto fail;
    return exec(s, "RELEASE ws_ensure", err);
fail:
    exec(s, "ROLLBACK TO ws_ensure", NULL);
    exec(s, "RELEASE ws_ensure", NULL);
    return -1;
}

static int ws_clear(struct store *st, int64_t ws, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    static const char *const tables[] = {
        "tasks", "rules", "health_scores", "scorecards", "outcomes", "responses", "touchpoints",
        "orders", "events", "event_names", "mrr_changes", "contacts", "accounts", NULL};
    if (exec(s, "SAVEPOINT ws_clear", err) < 0)
        return -1;
    for (int i = 0; tables[i]; i++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE workspace_id = %lld", tables[i],
                 (long long)ws);
        if (exec(s, sql, err) < 0)
            goto fail;
    }
    char sql[128];
    snprintf(sql, sizeof(sql), "DELETE FROM surveys WHERE workspace_id = %lld AND kind = 'custom'",
             (long long)ws);
    if (exec(s, sql, err) < 0)
        goto fail;
    strmap_release(&s->names);
    return exec(s, "RELEASE ws_clear", err);
fail:
    exec(s, "ROLLBACK TO ws_clear", NULL);
    exec(s, "RELEASE ws_clear", NULL);
    return -1;
}

static int counts(struct store *st, int64_t ws, struct store_counts *out, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    static const char *const tables[] = {"accounts", "contacts", "mrr_changes", "orders",
                                         "events", "touchpoints", "responses"};
    int64_t *fields[] = {&out->accounts, &out->contacts, &out->mrr_changes, &out->orders,
                         &out->events, &out->touchpoints, &out->responses};
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
        char sql[128];
        sqlite3_stmt *q;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE workspace_id = %lld", tables[i],
                 (long long)ws);
        if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
            return fail(s, err, "cannot count rows");
        int rc = sqlite3_step(q);
        *fields[i] = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_finalize(q);
        if (rc != SQLITE_ROW)
            return fail(s, err, "cannot count rows");
    }
    return 0;
}

/* Lookups leave their cached statement on its row. On a handle that lives long (the server's
 * writer) such a statement pins an old read snapshot: BEGIN IMMEDIATE then fails at once with
 * SQLITE_BUSY_SNAPSHOT once another process has written. Transactions start and end clean. */
static void reset_stmts(struct store_sqlite *s)
{
    for (int i = 0; i < S_NR; i++)
        if (s->stmt[i])
            sqlite3_reset(s->stmt[i]);
}

static int begin(struct store *st, struct lf_err *err)
{
    reset_stmts(S(st));
    return exec(S(st), "BEGIN IMMEDIATE", err);
}

static int commit(struct store *st, struct lf_err *err)
{
    int rc = exec(S(st), "COMMIT", err);
    reset_stmts(S(st));
    return rc;
}

static void rollback(struct store *st)
{
    struct store_sqlite *s = S(st);
    if (!sqlite3_get_autocommit(s->db))
        exec(s, "ROLLBACK", NULL);
    strmap_release(&s->names); /* ids cached inside the transaction may be gone */
}

/* ---- finds ---- */

static int find_ext(struct store_sqlite *s, enum stmt_id id, int64_t ws, const char *ext,
                    int64_t *out, struct lf_err *err)
{
    sqlite3_stmt *q = stmt(s, id, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    sqlite3_bind_text(q, 2, ext, -1, SQLITE_STATIC);
    return lookup(s, q, out, err);
}

static int account_find(struct store *st, int64_t ws, const char *ext, int64_t *id,
                        struct lf_err *err)
{
    return find_ext(S(st), S_ACCOUNT_FIND, ws, ext, id, err);
}

static int contact_find(struct store *st, int64_t ws, const char *ext, int64_t *id,
                        int64_t *account_id, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int found = find_ext(s, S_CONTACT_FIND, ws, ext, id, err);
    if (found == 1 && account_id)
        *account_id = col_id(s->stmt[S_CONTACT_FIND], 1);
    return found;
}

static int touchpoint_find(struct store *st, int64_t ws, const char *ext, int64_t *id,
                           struct lf_err *err)
{
    return find_ext(S(st), S_TP_FIND, ws, ext, id, err);
}

static void survey_from_row(sqlite3_stmt *q, struct survey *out)
{
    static const char *const kinds[] = {"nps", "csat", "ces"};
    out->id = col_id(q, 0);
    out->ext_id = col_text(q, 1);
    out->kind = SURVEY_CUSTOM;
    for (int k = 0; k < 3; k++)
        if (strcmp(col_text(q, 2), kinds[k]) == 0)
            out->kind = k;
    out->name = col_text(q, 3);
    out->scale_min = sqlite3_column_int(q, 4);
    out->scale_max = sqlite3_column_int(q, 5);
    out->higher_is_better = sqlite3_column_int(q, 6) != 0;
}

static int survey_find(struct store *st, int64_t ws, const char *ext, struct survey *out,
                       struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int64_t id;
    int found = find_ext(s, S_SURVEY_FIND, ws, ext, &id, err);
    if (found != 1)
        return found;
    survey_from_row(s->stmt[S_SURVEY_FIND], out);
    snprintf(s->survey_ext, sizeof(s->survey_ext), "%s", out->ext_id);
    snprintf(s->survey_name, sizeof(s->survey_name), "%s", out->name ? out->name : "");
    out->ext_id = s->survey_ext;
    out->name = s->survey_name;
    sqlite3_reset(s->stmt[S_SURVEY_FIND]);
    return 1;
}

/* ---- upserts ---- */

/* Runs an UPDATE whose WHERE clause holds only when something differs. */
static int update_changes(struct store_sqlite *s, sqlite3_stmt *q, enum store_change *change,
                          struct lf_err *err)
{
    if (run(s, q, err, "cannot update a row") < 0)
        return -1;
    *change = sqlite3_changes(s->db) ? STORE_UPDATED : STORE_UNCHANGED;
    return 0;
}

static void bind_account(sqlite3_stmt *q, int64_t ws_or_id, const struct account *a)
{
    sqlite3_bind_int64(q, 1, ws_or_id);
    bind_text(q, 2, a->ext_id);
    bind_text(q, 3, a->name);
    bind_text(q, 4, a->plan);
    bind_text(q, 5, a->segment);
    bind_text(q, 6, a->currency);
    bind_int(q, 7, a->seats);
    bind_text(q, 8, a->stage);
    bind_text(q, 9, a->owner);
    bind_int(q, 10, a->customer_since);
    bind_int(q, 11, a->renewal_date);
    bind_text(q, 12, a->attrs_json);
    sqlite3_bind_int(q, 13, a->stub);
}

static int mrr_upsert(struct store *st, int64_t ws, const struct mrr_change *m,
                      enum store_change *change, struct lf_err *err);

/* An account's mrr column is a starting point or a new point of its MRR history. */
static int account_mrr(struct store_sqlite *s, int64_t ws, int64_t id, const struct account *a,
                       int64_t today, enum store_change *change, struct lf_err *err)
{
    sqlite3_stmt *q = stmt(s, S_ACCOUNT_MRR_STATE, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail(s, err, "cannot read an account's MRR");
    int64_t current = sqlite3_column_int64(q, 0), since = col_int(q, 1);
    bool history = sqlite3_column_int(q, 2) != 0;
    sqlite3_reset(q);
    if (history ? current == a->mrr : a->mrr == 0)
        return 0;
    struct mrr_change m = {.account_id = id, .mrr = a->mrr,
                           .date = !history && since != LF_UNSET ? since : today};
    enum store_change mc;
    if (mrr_upsert(&s->base, ws, &m, &mc, err) < 0)
        return -1;
    if (mc != STORE_UNCHANGED && *change == STORE_UNCHANGED)
        *change = STORE_UPDATED;
    return 0;
}

static int account_upsert(struct store *st, int64_t ws, const struct account *a, int64_t today,
                          int64_t *id, enum store_change *change, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int found = find_ext(s, S_ACCOUNT_FIND, ws, a->ext_id, id, err);
    if (found < 0)
        return -1;
    sqlite3_stmt *q = stmt(s, found ? S_ACCOUNT_UPDATE : S_ACCOUNT_INSERT, err);
    if (!q)
        return -1;
    bind_account(q, found ? *id : ws, a);
    if (found) {
        if (update_changes(s, q, change, err) < 0)
            return -1;
    } else {
        if (run(s, q, err, "cannot insert an account") < 0)
            return -1;
        *id = sqlite3_last_insert_rowid(s->db);
        *change = STORE_INSERTED;
    }
    if (a->mrr != LF_UNSET)
        return account_mrr(s, ws, *id, a, today, change, err);
    return 0;
}

static int contact_upsert(struct store *st, int64_t ws, const struct contact *c, int64_t *id,
                          enum store_change *change, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int found = find_ext(s, S_CONTACT_FIND, ws, c->ext_id, id, err);
    if (found < 0)
        return -1;
    sqlite3_stmt *q = stmt(s, found ? S_CONTACT_UPDATE : S_CONTACT_INSERT, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, found ? *id : ws);
    bind_text(q, 2, c->ext_id);
    bind_id(q, 3, c->account_id);
    bind_text(q, 4, c->email);
    bind_text(q, 5, c->name);
    bind_text(q, 6, c->role);
    bind_int(q, 7, c->created_at);
    bind_text(q, 8, c->attrs_json);
    if (found)
        return update_changes(s, q, change, err);
    if (run(s, q, err, "cannot insert a contact") < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(s->db);
    *change = STORE_INSERTED;
    return 0;
}

static int mrr_upsert(struct store *st, int64_t ws, const struct mrr_change *m,
                      enum store_change *change, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int64_t id = 0;
    sqlite3_stmt *q = stmt(s, S_MRR_FIND, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, m->account_id);
    sqlite3_bind_int64(q, 2, m->date);
    int found = lookup(s, q, &id, err);
    if (found < 0 || !(q = stmt(s, found ? S_MRR_UPDATE : S_MRR_INSERT, err)))
        return -1;
    if (found) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, m->mrr);
        bind_text(q, 3, m->reason);
        if (update_changes(s, q, change, err) < 0)
            return -1;
    } else {
        sqlite3_bind_int64(q, 1, ws);
        sqlite3_bind_int64(q, 2, m->account_id);
        sqlite3_bind_int64(q, 3, m->date);
        sqlite3_bind_int64(q, 4, m->mrr);
        bind_text(q, 5, m->reason);
        if (run(s, q, err, "cannot insert an MRR change") < 0)
            return -1;
        *change = STORE_INSERTED;
    }
    if (*change == STORE_UNCHANGED)
        return 0;
    if (!(q = stmt(s, S_ACCOUNT_MRR_SYNC, err)))
        return -1;
    sqlite3_bind_int64(q, 1, m->account_id);
    return run(s, q, err, "cannot update an account's MRR");
}

/* Finds ext in table `find`, then runs `insert` or `update`, whose parameters ?3… the caller
 * binds through `bind` (?1 is the workspace or the row id, ?2 the external id). */
static int upsert(struct store_sqlite *s, int64_t ws, const char *ext, enum stmt_id find,
                  enum stmt_id insert, enum stmt_id update,
                  void (*bind)(sqlite3_stmt *, const void *), const void *row, int64_t *id_out,
                  enum store_change *change, struct lf_err *err)
{
    int64_t id = 0;
    int found = find_ext(s, find, ws, ext, &id, err);
    if (found < 0)
        return -1;
    sqlite3_stmt *q = stmt(s, found ? update : insert, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, found ? id : ws);
    sqlite3_bind_text(q, 2, ext, -1, SQLITE_STATIC);
    bind(q, row);
    if (found) {
        if (update_changes(s, q, change, err) < 0)
            return -1;
    } else {
        if (run(s, q, err, "cannot insert a row") < 0)
            return -1;
        id = sqlite3_last_insert_rowid(s->db);
        *change = STORE_INSERTED;
    }
    if (id_out)
        *id_out = id;
    return 0;
}

static void bind_order(sqlite3_stmt *q, const void *row)
{
    const struct order *o = row;
    sqlite3_bind_int64(q, 3, o->account_id);
    bind_id(q, 4, o->contact_id);
    sqlite3_bind_int64(q, 5, o->ts);
    sqlite3_bind_int64(q, 6, o->amount);
}

static int order_upsert(struct store *st, int64_t ws, const struct order *o,
                        enum store_change *change, struct lf_err *err)
{
    return upsert(S(st), ws, o->ext_id, S_ORDER_FIND, S_ORDER_INSERT, S_ORDER_UPDATE, bind_order,
                  o, NULL, change, err);
}

static void bind_touchpoint(sqlite3_stmt *q, const void *row)
{
    const struct touchpoint *t = row;
    sqlite3_bind_int64(q, 3, t->ts);
    bind_id(q, 4, t->account_id);
    bind_id(q, 5, t->contact_id);
    bind_text(q, 6, t->channel);
    bind_text(q, 7, t->stage);
    bind_text(q, 8, t->team);
    bind_text(q, 9, t->kind);
    bind_real(q, 10, t->duration_minutes);
    bind_text(q, 11, t->status);
    bind_text(q, 12, t->text);
    bind_text(q, 13, t->attrs_json);
}

static int touchpoint_upsert(struct store *st, int64_t ws, const struct touchpoint *t,
                             int64_t *id, enum store_change *change, struct lf_err *err)
{
    return upsert(S(st), ws, t->ext_id, S_TP_FIND, S_TP_INSERT, S_TP_UPDATE, bind_touchpoint, t,
                  id, change, err);
}

static void bind_response(sqlite3_stmt *q, const void *row)
{
    const struct response *r = row;
    sqlite3_bind_int64(q, 3, r->ts);
    bind_id(q, 4, r->account_id);
    bind_id(q, 5, r->contact_id);
    sqlite3_bind_int64(q, 6, r->survey_id);
    sqlite3_bind_int(q, 7, r->score);
    bind_text(q, 8, r->comment);
    bind_id(q, 9, r->touchpoint_id);
}

static int response_upsert(struct store *st, int64_t ws, const struct response *r,
                           enum store_change *change, struct lf_err *err)
{
    return upsert(S(st), ws, r->ext_id, S_RESP_FIND, S_RESP_INSERT, S_RESP_UPDATE, bind_response,
                  r, NULL, change, err);
}

static int survey_upsert(struct store *st, int64_t ws, const struct survey *sv, int64_t *id,
                         struct lf_err *err)
{
    static const char *const kinds[] = {"nps", "csat", "ces", "custom"};
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = stmt(s, S_SURVEY_UPSERT, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    bind_text(q, 2, sv->ext_id);
    bind_text(q, 3, kinds[sv->kind]);
    bind_text(q, 4, sv->name);
    sqlite3_bind_int(q, 5, sv->scale_min);
    sqlite3_bind_int(q, 6, sv->scale_max);
    sqlite3_bind_int(q, 7, sv->higher_is_better);
    int found = lookup(s, q, id, err);
    sqlite3_reset(q);
    return found == 1 ? 0 : fail(s, err, "cannot store a survey");
}

/* ---- events ---- */

static int name_id(struct store_sqlite *s, int64_t ws, const char *name, int64_t *id,
                   struct lf_err *err)
{
    /* The cache holds one workspace's names: a handle nearly always works in one. */
    if (ws != s->names_ws) {
        strmap_release(&s->names);
        s->names_ws = ws;
    }
    size_t len = strlen(name);
    if (strmap_get(&s->names, name, len, id))
        return 0;
    sqlite3_stmt *q = stmt(s, S_NAME_INSERT, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    if (run(s, q, err, "cannot store an event name") < 0 ||
        find_ext(s, S_NAME_FIND, ws, name, id, err) != 1)
        return -1;
    strmap_put(&s->names, name, len, *id);
    return 0;
}

static int event_append(struct store *st, int64_t ws, const struct event *e,
                        enum store_change *change, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    int64_t nid;
    if (name_id(s, ws, e->name, &nid, err) < 0)
        return -1;
    sqlite3_stmt *q = stmt(s, S_EVENT_INSERT, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    sqlite3_bind_text(q, 2, e->message_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, e->ts);
    bind_id(q, 4, e->account_id);
    bind_id(q, 5, e->contact_id);
    sqlite3_bind_int64(q, 6, nid);
    if (e->has_value)
        sqlite3_bind_double(q, 7, e->value);
    bind_text(q, 8, e->props_json);
    if (run(s, q, err, "cannot insert an event") < 0)
        return -1;
    *change = sqlite3_changes(s->db) ? STORE_INSERTED : STORE_UNCHANGED;
    return 0;
}

/* ---- scans ---- */

/* Steps a scan statement bound to ws (and `after` when it is >= 0), calling row() per row. */
static int scan(struct store_sqlite *s, enum stmt_id id, int64_t ws, int64_t after,
                int (*row)(sqlite3_stmt *, void *fn, void *ctx, struct lf_err *), void *fn,
                void *ctx, struct lf_err *err)
{
    /* A scan statement stays busy while callbacks run, so it is prepared per scan: a callback
     * may itself call the store (scans nest). */
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, stmt_sql[id], -1, &q, NULL) != SQLITE_OK)
        return fail(s, err, "cannot prepare a scan");
    sqlite3_bind_int64(q, 1, ws);
    if (after >= 0)
        sqlite3_bind_int64(q, 2, after);
    int rc, ret = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (row(q, fn, ctx, err) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = fail(s, err, "scan failed");
    sqlite3_finalize(q);
    return ret;
}

static int row_account(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct account a = {
        .id = col_id(q, 0), .ext_id = col_text(q, 1), .name = col_text(q, 2),
        .plan = col_text(q, 3), .segment = col_text(q, 4), .currency = col_text(q, 5),
        .stage = col_text(q, 6), .owner = col_text(q, 7), .mrr = col_int(q, 8),
        .seats = col_int(q, 9), .customer_since = col_int(q, 10),
        .renewal_date = col_int(q, 11), .attrs_json = col_text(q, 12),
        .stub = sqlite3_column_int(q, 13) != 0};
    return ((store_account_fn)fn)(ctx, &a, err);
}

static int row_contact(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct contact c = {
        .id = col_id(q, 0), .account_id = col_id(q, 1), .ext_id = col_text(q, 2),
        .account_ext_id = col_text(q, 3), .email = col_text(q, 4), .name = col_text(q, 5),
        .role = col_text(q, 6), .created_at = col_int(q, 7), .attrs_json = col_text(q, 8)};
    return ((store_contact_fn)fn)(ctx, &c, err);
}

static int row_mrr(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct mrr_change m = {.id = col_id(q, 0), .account_id = col_id(q, 1),
                           .account_ext_id = col_text(q, 2), .date = col_id(q, 3),
                           .mrr = col_id(q, 4), .reason = col_text(q, 5)};
    return ((store_mrr_fn)fn)(ctx, &m, err);
}

static int row_order(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct order o = {.id = col_id(q, 0), .account_id = col_id(q, 1), .contact_id = col_id(q, 2),
                      .ext_id = col_text(q, 3), .ts = col_id(q, 4), .amount = col_id(q, 5)};
    return ((store_order_fn)fn)(ctx, &o, err);
}

static int row_event(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct event e = {.id = col_id(q, 0), .account_id = col_id(q, 1), .contact_id = col_id(q, 2),
                      .message_id = col_text(q, 3), .name = col_text(q, 4), .ts = col_id(q, 5),
                      .value = col_real(q, 6), .props_json = col_text(q, 7)};
    e.has_value = !isnan(e.value);
    return ((store_event_fn)fn)(ctx, &e, err);
}

static int row_touchpoint(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct touchpoint t = {
        .id = col_id(q, 0), .account_id = col_id(q, 1), .contact_id = col_id(q, 2),
        .ext_id = col_text(q, 3), .ts = col_id(q, 4), .channel = col_text(q, 5),
        .stage = col_text(q, 6), .team = col_text(q, 7), .kind = col_text(q, 8),
        .duration_minutes = col_real(q, 9), .status = col_text(q, 10), .text = col_text(q, 11),
        .attrs_json = col_text(q, 12)};
    return ((store_touchpoint_fn)fn)(ctx, &t, err);
}

static int row_survey(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct survey sv;
    survey_from_row(q, &sv);
    return ((store_survey_fn)fn)(ctx, &sv, err);
}

static int row_response(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct response r = {
        .id = col_id(q, 0), .account_id = col_id(q, 1), .contact_id = col_id(q, 2),
        .survey_id = col_id(q, 3), .touchpoint_id = col_id(q, 4), .ext_id = col_text(q, 5),
        .survey_ext_id = col_text(q, 6), .ts = col_id(q, 7), .score = sqlite3_column_int(q, 8),
        .comment = col_text(q, 9)};
    return ((store_response_fn)fn)(ctx, &r, err);
}

#define SCAN_FN(name, id, rowfn, fntype)                                                         \
    static int name(struct store *st, int64_t ws, fntype fn, void *ctx, struct lf_err *err)     \
    {                                                                                            \
        return scan(S(st), id, ws, -1, rowfn, (void *)fn, ctx, err);                             \
    }
SCAN_FN(accounts_scan, S_SCAN_ACCOUNTS, row_account, store_account_fn)
SCAN_FN(contacts_scan, S_SCAN_CONTACTS, row_contact, store_contact_fn)
SCAN_FN(mrr_scan, S_SCAN_MRR, row_mrr, store_mrr_fn)
SCAN_FN(orders_scan, S_SCAN_ORDERS, row_order, store_order_fn)
SCAN_FN(touchpoints_scan, S_SCAN_TP, row_touchpoint, store_touchpoint_fn)
SCAN_FN(surveys_scan, S_SCAN_SURVEYS, row_survey, store_survey_fn)
SCAN_FN(responses_scan, S_SCAN_RESP, row_response, store_response_fn)

static int events_scan(struct store *st, int64_t ws, int64_t after, store_event_fn fn, void *ctx,
                       struct lf_err *err)
{
    return scan(S(st), S_SCAN_EVENTS, ws, after < 0 ? 0 : after, row_event, (void *)fn, ctx,
                err);
}

/* ---- API keys ---- */

static int api_key_insert(struct store *st, int64_t ws, const struct api_key *k, int64_t *id,
                          struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = stmt(s, S_KEY_INSERT, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    bind_text(q, 2, k->name);
    bind_text(q, 3, k->prefix);
    bind_text(q, 4, k->hash);
    bind_text(q, 5, k->scope);
    sqlite3_bind_int64(q, 6, k->created_at);
    if (sqlite3_step(q) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
            return err_set(err, LF_ECONFLICT, "an API key with prefix '%s' exists", k->prefix);
        return fail(s, err, "cannot store an API key");
    }
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static void api_key_from_row(sqlite3_stmt *q, struct api_key *k)
{
    *k = (struct api_key){.id = col_id(q, 0), .ws = col_id(q, 1), .name = col_text(q, 2),
                          .prefix = col_text(q, 3), .hash = col_text(q, 4),
                          .scope = col_text(q, 5), .created_at = col_id(q, 6),
                          .revoked_at = col_int(q, 7)};
}

/* Copies a found key's strings into s->key_strs, so that the statement can be reset at once
 * (a statement left stepping would pin this connection's read snapshot). */
static const char *keep_str(struct store_sqlite *s, size_t *used, const char *v)
{
    if (!v)
        return NULL;
    size_t n = strlen(v) + 1, room = sizeof(s->key_strs) - *used;
    if (n > room)
        n = room;
    char *dst = s->key_strs + *used;
    memcpy(dst, v, n - 1);
    dst[n - 1] = '\0';
    *used += n;
    return dst;
}

static int api_key_find(struct store *st, const char *prefix, struct api_key *out,
                        struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = stmt(s, S_KEY_FIND, err);
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, prefix, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        size_t used = 0;
        api_key_from_row(q, out);
        out->name = keep_str(s, &used, out->name);
        out->prefix = keep_str(s, &used, out->prefix);
        out->hash = keep_str(s, &used, out->hash);
        out->scope = keep_str(s, &used, out->scope);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : fail(s, err, "cannot look up an API key");
}

static int api_key_revoke(struct store *st, int64_t ws, const char *prefix, int64_t when,
                          struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = stmt(s, S_KEY_REVOKE, err);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, ws);
    sqlite3_bind_text(q, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, when);
    if (run(s, q, err, "cannot revoke an API key") < 0)
        return -1;
    return sqlite3_changes(s->db) ? 1 : 0;
}

static int row_api_key(sqlite3_stmt *q, void *fn, void *ctx, struct lf_err *err)
{
    struct api_key k;
    api_key_from_row(q, &k);
    return ((store_api_key_fn)fn)(ctx, &k, err);
}

SCAN_FN(api_keys_scan, S_SCAN_KEYS, row_api_key, store_api_key_fn)

/* The engine's bulk read: no join, no text but the names, which come from one lookup table. */
static int events_scan_brief(struct store *st, int64_t ws, int64_t after, int64_t upto,
                             store_event_fn fn, void *ctx, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q = NULL;
    char **names = NULL; /* by event_names.id */
    size_t names_nr = 0;
    int rc, ret = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT id, name FROM event_names WHERE workspace_id = ?1", -1,
                           &q, NULL) != SQLITE_OK)
        return fail(s, err, "cannot prepare a scan");
    sqlite3_bind_int64(q, 1, ws);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        if (id < 0 || id > 100000000)
            continue;
        if ((size_t)id >= names_nr) {
            size_t nr = (size_t)id + 1;
            names = xrealloc(names, nr * sizeof(*names));
            memset(names + names_nr, 0, (nr - names_nr) * sizeof(*names));
            names_nr = nr;
        }
        names[id] = xstrdup(col_text(q, 1));
    }
    sqlite3_finalize(q);
    q = NULL;
    if (rc != SQLITE_DONE) {
        fail(s, err, "scan failed");
        goto out;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT id, account_id, contact_id, name_id, ts, value FROM "
                                  "events WHERE +workspace_id = ?1 AND id > ?2 AND id <= ?3 "
                                  "ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) {
        fail(s, err, "cannot prepare a scan");
        goto out;
    }
    sqlite3_bind_int64(q, 1, ws);
    sqlite3_bind_int64(q, 2, after < 0 ? 0 : after);
    sqlite3_bind_int64(q, 3, upto);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t nid = sqlite3_column_int64(q, 3);
        struct event e = {.id = col_id(q, 0), .account_id = col_id(q, 1),
                          .contact_id = col_id(q, 2), .ts = col_id(q, 4), .value = col_real(q, 5),
                          .name = nid >= 0 && (size_t)nid < names_nr && names[nid] ? names[nid]
                                                                                     : ""};
        e.has_value = !isnan(e.value);
        if (fn(ctx, &e, err) < 0)
            goto out;
    }
    if (rc != SQLITE_DONE) {
        fail(s, err, "scan failed");
        goto out;
    }
    ret = 0;
out:
    sqlite3_finalize(q);
    for (size_t i = 0; i < names_nr; i++)
        free(names[i]);
    free(names);
    return ret;
}

static int events_max_id(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    sqlite3_stmt *q;
    *out = 0;
    /* from the last rowid backwards: stops at the workspace's last event */
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM events WHERE +workspace_id = ?1 "
                                  "ORDER BY id DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return fail(s, err, "cannot prepare a query");
    sqlite3_bind_int64(q, 1, ws);
    int rc = lookup(s, q, out, err);
    sqlite3_finalize(q);
    return rc < 0 ? -1 : 0;
}

static int open_reader(struct store *st, struct store **out, struct lf_err *err)
{
    return store_sqlite_open(S(st)->path, out, err);
}


/* ---- resource rows: SQL built from resource definitions (model/resource.c) ----
 * Column names come only from those definitions, never from a request, so the SQL cannot be
 * injected into. */

#define MAX_FIELDS 32

static void bind_value(sqlite3_stmt *q, int i, const struct field_def *f, const struct value *v)
{
    if (v->null) {
        sqlite3_bind_null(q, i);
        return;
    }
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_JSON:
        sqlite3_bind_text(q, i, v->s, -1, SQLITE_STATIC);
        break;
    case FIELD_REAL:
        sqlite3_bind_double(q, i, v->r);
        break;
    default:
        sqlite3_bind_int64(q, i, v->i);
    }
}

static void bind_key(sqlite3_stmt *q, int i, const struct resource_def *def,
                     const struct value *key)
{
    if (def->ext_key)
        sqlite3_bind_text(q, i, key->s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(q, i, key->i);
}

/* The SELECT list: t.id, then one expression per field. */
static void select_list(struct buf *sql, const struct resource_def *def)
{
    buf_adds(sql, "SELECT t.id");
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (f->type == FIELD_REF)
            buf_addf(sql, ", (SELECT r.ext_id FROM %s r WHERE r.id = t.%s)", f->ref->name,
                     f->column);
        else
            buf_addf(sql, ", t.%s", f->column);
    }
    buf_addf(sql, " FROM %s t WHERE t.workspace_id = ?1", def->name);
}

static int emit(sqlite3_stmt *q, const struct resource_def *def, store_row_fn fn, void *ctx,
                struct lf_err *err)
{
    struct value v[MAX_FIELDS];
    for (size_t i = 0; i < def->fields_nr; i++) {
        int c = (int)i + 1, type = def->fields[i].type;
        v[i] = (struct value){.null = sqlite3_column_type(q, c) == SQLITE_NULL};
        if (type == FIELD_TEXT || type == FIELD_JSON || type == FIELD_REF)
            v[i].s = (const char *)sqlite3_column_text(q, c);
        else if (type == FIELD_REAL)
            v[i].r = sqlite3_column_double(q, c);
        else
            v[i].i = sqlite3_column_int64(q, c);
    }
    return fn(ctx, sqlite3_column_int64(q, 0), v, err);
}

/* Runs a prepared SELECT built by select_list, calling fn per row; returns the row count. */
static int each_row(struct store *st, sqlite3_stmt *q, const struct resource_def *def,
                    store_row_fn fn, void *ctx, struct lf_err *err)
{
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (emit(q, def, fn, ctx, err) < 0)
            return -1;
        n++;
    }
    return rc == SQLITE_DONE ? n : fail(S(st), err, "cannot read rows");
}

/* How a sort column orders NULLs: as the lowest value of its type, so keysets compare. */
static void sort_expr(struct buf *sql, const struct field_def *f)
{
    if (!f)
        buf_adds(sql, "t.id");
    else if (f->type == FIELD_TEXT)
        buf_addf(sql, "COALESCE(t.%s, '')", f->column);
    else if (f->type == FIELD_REAL)
        buf_addf(sql, "COALESCE(t.%s, -1e308)", f->column);
    else
        buf_addf(sql, "COALESCE(t.%s, -9223372036854775807)", f->column);
}

static int sqlite_rows_list(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct row_query *q, store_row_fn fn, void *ctx, struct lf_err *err)
{
    struct buf sql = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    int ret = -1, param = 2;
    select_list(&sql, def);
    for (size_t i = 0; i < q->filters_nr; i++)
        buf_addf(&sql, " AND t.%s IS ?%d", q->filter[i]->column, param++);
    if (q->after) {
        buf_adds(&sql, " AND (");
        sort_expr(&sql, q->sort);
        buf_addf(&sql, ", t.id) %s (?%d, ?%d)", q->desc ? "<" : ">", param, param + 1);
    }
    buf_adds(&sql, " ORDER BY ");
    sort_expr(&sql, q->sort);
    buf_addf(&sql, "%s, t.id%s LIMIT %zu", q->desc ? " DESC" : "", q->desc ? " DESC" : "",
             q->limit);
    if (sqlite3_prepare_v2(S(st)->db, buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        fail(S(st), err, "cannot prepare a listing");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, ws);
    param = 2;
    for (size_t i = 0; i < q->filters_nr; i++) {
        /* A REF filter carries the internal id it was resolved to. */
        const struct field_def *f = q->filter[i];
        if (f->type == FIELD_REF)
            sqlite3_bind_int64(stmt, param++, q->filter_value[i].i);
        else
            bind_value(stmt, param++, f, &q->filter_value[i]);
    }
    if (q->after) {
        if (q->sort)
            bind_value(stmt, param, q->sort, &q->after_value);
        else
            sqlite3_bind_int64(stmt, param, q->after_id);
        sqlite3_bind_int64(stmt, param + 1, q->after_id);
    }
    ret = each_row(st, stmt, def, fn, ctx, err) < 0 ? -1 : 0;
out:
    sqlite3_finalize(stmt);
    buf_release(&sql);
    return ret;
}

static const char *key_column(const struct resource_def *def)
{
    return def->ext_key ? "ext_id" : "id";
}

static int sqlite_row_get(struct store *st, int64_t ws, const struct resource_def *def,
                   const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err)
{
    struct buf sql = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    int ret = -1;
    select_list(&sql, def);
    buf_addf(&sql, " AND t.%s = ?2", key_column(def));
    if (sqlite3_prepare_v2(S(st)->db, buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        fail(S(st), err, "cannot prepare a lookup");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, ws);
    bind_key(stmt, 2, def, key);
    ret = each_row(st, stmt, def, fn, ctx, err);
out:
    sqlite3_finalize(stmt);
    buf_release(&sql);
    return ret;
}

/* The internal id of the row with `key`: 1 found, 0 not, -1 error. */
static int find(struct store *st, int64_t ws, const struct resource_def *def,
                const struct value *key, int64_t *id, struct lf_err *err)
{
    char sql[160];
    sqlite3_stmt *stmt;
    snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE workspace_id = ?1 AND %s = ?2",
             def->name, key_column(def));
    if (sqlite3_prepare_v2(S(st)->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return fail(S(st), err, "cannot prepare a lookup");
    sqlite3_bind_int64(stmt, 1, ws);
    bind_key(stmt, 2, def, key);
    int rc = sqlite3_step(stmt), ret = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 0);
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = fail(S(st), err, "lookup failed");
    }
    sqlite3_finalize(stmt);
    return ret;
}

/* Turns a constraint failure into LF_ECONFLICT with SQLite's reason; other failures stay
 * LF_ESTORE. */
static int write_failed(struct store *st, const struct resource_def *def, struct lf_err *err)
{
    sqlite3 *db = S(st)->db;
    int ext = sqlite3_extended_errcode(db);
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
        return err_set(err, LF_ECONFLICT, "the %s is referred to by other rows, or refers to "
                       "one that does not exist", def->singular);
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, LF_ECONFLICT, "the %s breaks a constraint: %s", def->singular,
                       sqlite3_errmsg(db));
    return fail(S(st), err, "cannot write a row");
}

static bool writable(const struct field_def *f, const bool *given, size_t i)
{
    /* Read-only fields are written only when landfall itself gives them (created_at). */
    return !(f->flags & (FIELD_KEY | FIELD_DERIVED)) && (!(f->flags & FIELD_READONLY) || given[i]);
}

/* The fields a write sets, in order, into cols: the writable ones given, and those not given
 * when `absent` says so (1: the ones with a default; 2: all of them, cleared or defaulted).
 * Returns their number. */
static size_t written(const struct resource_def *def, const bool *given, int absent,
                      size_t cols[MAX_FIELDS])
{
    size_t n = 0;
    for (size_t i = 0; i < def->fields_nr; i++)
        if (writable(&def->fields[i], given, i) &&
            (given[i] || absent == 2 || (absent == 1 && def->fields[i].dflt)))
            cols[n++] = i;
    return n;
}

/* Binds field i's new value: the one given, else its default, else NULL. */
static void bind_written(sqlite3_stmt *stmt, int param, const struct field_def *f,
                         const struct value *v, bool given)
{
    if (given)
        bind_value(stmt, param, f, v);
    else if (f->dflt)
        sqlite3_bind_text(stmt, param, f->dflt, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, param);
}

static int insert(struct store *st, int64_t ws, const struct resource_def *def,
                  const struct value *key, const struct value *v, const bool *given,
                  int64_t *id, struct lf_err *err)
{
    struct buf sql = BUF_INIT, vals = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    size_t cols[MAX_FIELDS], n = written(def, given, 1, cols);
    int ret = -1, first = def->ext_key ? 3 : 2; /* ?1 the workspace, ?2 the ext id */
    buf_addf(&sql, "INSERT INTO %s(workspace_id%s", def->name, def->ext_key ? ", ext_id" : "");
    buf_adds(&vals, def->ext_key ? "?1, ?2" : "?1");
    for (size_t k = 0; k < n; k++) {
        buf_addf(&sql, ", %s", def->fields[cols[k]].column);
        buf_addf(&vals, ", ?%d", first + (int)k);
    }
    buf_addf(&sql, ") VALUES (%s)", buf_str(&vals));
    if (sqlite3_prepare_v2(S(st)->db, buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        fail(S(st), err, "cannot prepare an insert");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, ws);
    if (def->ext_key)
        sqlite3_bind_text(stmt, 2, key->s, -1, SQLITE_STATIC);
    for (size_t k = 0; k < n; k++)
        bind_written(stmt, first + (int)k, &def->fields[cols[k]], &v[cols[k]], given[cols[k]]);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        write_failed(st, def, err);
        goto out;
    }
    *id = sqlite3_last_insert_rowid(S(st)->db);
    ret = 0;
out:
    sqlite3_finalize(stmt);
    buf_release(&sql);
    buf_release(&vals);
    return ret;
}

/* UPDATE … SET the fields (all writable ones for a replace, the given ones for a merge) WHERE
 * something differs, so that the change count tells updated from unchanged. */
static int update(struct store *st, const struct resource_def *def, int64_t id,
                  const struct value *v, const bool *given, bool replace,
                  enum store_change *change, struct lf_err *err)
{
    struct buf sql = BUF_INIT, differs = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    size_t cols[MAX_FIELDS], n = written(def, given, replace ? 2 : 0, cols);
    int ret = -1;
    if (n == 0) { /* nothing to write */
        *change = STORE_UNCHANGED;
        return 0;
    }
    buf_addf(&sql, "UPDATE %s SET ", def->name);
    for (size_t k = 0; k < n; k++) { /* ?1 is the row id, the fields ?2… */
        const char *col = def->fields[cols[k]].column;
        buf_addf(&sql, "%s%s = ?%d", k ? ", " : "", col, (int)k + 2);
        buf_addf(&differs, "%s%s IS NOT ?%d", k ? " OR " : "", col, (int)k + 2);
    }
    buf_addf(&sql, " WHERE id = ?1 AND (%s)", buf_str(&differs));
    if (sqlite3_prepare_v2(S(st)->db, buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        fail(S(st), err, "cannot prepare an update");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, id);
    for (size_t k = 0; k < n; k++)
        bind_written(stmt, (int)k + 2, &def->fields[cols[k]], &v[cols[k]], given[cols[k]]);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        write_failed(st, def, err);
        goto out;
    }
    *change = sqlite3_changes(S(st)->db) ? STORE_UPDATED : STORE_UNCHANGED;
    ret = 0;
out:
    sqlite3_finalize(stmt);
    buf_release(&sql);
    buf_release(&differs);
    return ret;
}

static int sqlite_row_write(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct value *key, const struct value *values, const bool *given,
                     int mode, int64_t *id, enum store_change *change, struct lf_err *err)
{
    if (def->fields_nr > MAX_FIELDS)
        return err_set(err, LF_EINTERNAL, "resource '%s' has too many fields", def->name);
    int found = 0;
    if (def->ext_key || mode != STORE_CREATE) {
        found = find(st, ws, def, key, id, err);
        if (found < 0)
            return -1;
    }
    if (found && mode == STORE_CREATE)
        return err_set(err, LF_ECONFLICT, "%s '%s' exists already", def->singular, key->s);
    if (!found && (mode == STORE_MERGE || (mode == STORE_REPLACE && !def->ext_key))) {
        if (def->ext_key)
            return err_set(err, LF_ENOENT, "no %s '%s'", def->singular, key->s);
        return err_set(err, LF_ENOENT, "no %s %lld", def->singular, (long long)key->i);
    }
    if (!found) {
        *change = STORE_INSERTED;
        return insert(st, ws, def, key, values, given, id, err);
    }
    return update(st, def, *id, values, given, mode == STORE_REPLACE, change, err);
}

/* Whether any row of "table.column" holds id: 1, 0, or -1 on error. A scan where the column has
 * no index: deletes are rare and explicit. */
static int weak_ref_exists(struct store_sqlite *s, const char *ref, int64_t id,
                           struct lf_err *err)
{
    char sql[160];
    sqlite3_stmt *q;
    int dot = (int)strcspn(ref, ".");
    snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM %.*s WHERE %s = ?1)", dot, ref,
             ref + dot + 1);
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return fail(s, err, "cannot prepare a reference check");
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q), exists = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    return exists < 0 ? fail(s, err, "cannot check references") : exists;
}

static int sqlite_row_delete(struct store *st, int64_t ws, const struct resource_def *def,
                      const struct value *key, const char *actor, const char *row_json,
                      struct lf_err *err)
{
    int64_t id;
    int found = find(st, ws, def, key, &id, err);
    if (found <= 0)
        return found;
    sqlite3 *db = S(st)->db;
    sqlite3_stmt *audit = NULL, *del = NULL;
    char sql[128];
    int ret = -1;
    for (const char *const *ref = def->weak_refs; ref && *ref; ref++) {
        int referred = weak_ref_exists(S(st), *ref, id, err);
        if (referred < 0)
            return -1;
        if (referred)
            return err_set(err, LF_ECONFLICT, "%s '%s' is still referred to by %.*s; delete "
                           "those first", def->singular, key->s ? key->s : "",
                           (int)strcspn(*ref, "."), *ref);
    }
    if (exec(S(st), "SAVEPOINT row_delete", err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?1", def->name);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO audit_log(workspace_id, at, actor, action, resource, "
                           "row_key, data) VALUES (?1, ?2, ?3, 'delete', ?4, ?5, ?6)",
                           -1, &audit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK) {
        fail(S(st), err, "cannot prepare a delete");
        goto out;
    }
    char keytext[32];
    snprintf(keytext, sizeof(keytext), "%lld", (long long)key->i);
    sqlite3_bind_int64(audit, 1, ws);
    sqlite3_bind_int64(audit, 2, time_now_ms());
    sqlite3_bind_text(audit, 3, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(audit, 4, def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(audit, 5, def->ext_key ? key->s : keytext, -1, SQLITE_STATIC);
    sqlite3_bind_text(audit, 6, row_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(del, 1, id);
    if (sqlite3_step(audit) != SQLITE_DONE) {
        fail(S(st), err, "cannot write the audit log");
        goto out;
    }
    if (sqlite3_step(del) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
            err_set(err, LF_ECONFLICT, "%s '%s' is still referred to by other rows; delete "
                    "those first", def->singular, def->ext_key ? key->s : keytext);
        else
            write_failed(st, def, err);
        goto out;
    }
    ret = 1;
out:
    sqlite3_finalize(audit);
    sqlite3_finalize(del);
    if (ret < 0)
        exec(S(st), "ROLLBACK TO row_delete", NULL);
    exec(S(st), "RELEASE row_delete", ret < 0 ? NULL : err);
    return ret;
}

static int sqlite_account_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(S(st)->db,
                           "UPDATE accounts SET mrr = COALESCE((SELECT mrr FROM mrr_changes "
                           "WHERE account_id = ?1 ORDER BY date DESC LIMIT 1), 0) WHERE id = ?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return fail(S(st), err, "cannot prepare an MRR update");
    sqlite3_bind_int64(stmt, 1, account_id);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : fail(S(st), err, "cannot update an account's MRR");
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .workspace_ensure = ws_ensure,
    .workspace_clear = ws_clear,
    .counts = counts,
    .begin = begin,
    .commit = commit,
    .rollback = rollback,
    .account_find = account_find,
    .contact_find = contact_find,
    .touchpoint_find = touchpoint_find,
    .survey_find = survey_find,
    .account_upsert = account_upsert,
    .contact_upsert = contact_upsert,
    .mrr_change_upsert = mrr_upsert,
    .order_upsert = order_upsert,
    .touchpoint_upsert = touchpoint_upsert,
    .response_upsert = response_upsert,
    .survey_upsert = survey_upsert,
    .event_append = event_append,
    .accounts_scan = accounts_scan,
    .contacts_scan = contacts_scan,
    .mrr_changes_scan = mrr_scan,
    .orders_scan = orders_scan,
    .events_scan = events_scan,
    .events_scan_brief = events_scan_brief,
    .events_max_id = events_max_id,
    .open_reader = open_reader,
    .touchpoints_scan = touchpoints_scan,
    .surveys_scan = surveys_scan,
    .responses_scan = responses_scan,
    .api_key_insert = api_key_insert,
    .api_key_find = api_key_find,
    .api_key_revoke = api_key_revoke,
    .api_keys_scan = api_keys_scan,
    .rows_list = sqlite_rows_list,
    .row_get = sqlite_row_get,
    .row_write = sqlite_row_write,
    .row_delete = sqlite_row_delete,
    .account_mrr_sync = sqlite_account_mrr_sync,
};



int store_sqlite_open(const char *path, struct store **out, struct lf_err *err)
{
    struct store_sqlite *s = xcalloc(1, sizeof(*s));
    s->base.ops = &sqlite_ops;
    s->path = xstrdup(path);
    strmap_init(&s->names);
    *out = NULL;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        err_set(err, LF_ESTORE, "cannot open '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 10000);
    /* WAL with synchronous=FULL: a commit is durable once it returns, even on power loss. */
    if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536",
             err) < 0) {
        err_prefix(err, "cannot open '%s' as a landfall store", path);
        goto fail;
    }
    if (migrate(s, err) < 0)
        goto fail;
    *out = &s->base;
    return 0;
fail:
    sqlite_close(&s->base);
    return -1;
}
