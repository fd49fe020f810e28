/* store_sqlite.c - the SQLite engine of the store: its primitives (open, prepare, bind, step,
 * transactions) and its migrations. WAL with synchronous=FULL: a commit is durable once it
 * returns. Every SQL statement comes from the generic code. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "store_int.h"

extern const char *const store_migrations[];
extern const int store_migrations_nr;

/* Transaction statements, prepared once: sqlite3_exec parses its text every time (a read of
 * an API key begins and ends one per request). */
enum { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK, TX_NR };
static const char *const tx_sql[TX_NR] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

struct store_sqlite {
    struct store base;
    sqlite3 *db;
    char *path;
    bool create;
    sqlite3_stmt *tx[TX_NR];
};

struct sql {
    sqlite3_stmt *stmt;
    struct store_sqlite *s;
};

static struct store_sqlite *S(struct store *st)
{
    return (struct store_sqlite *)st;
}

static int fail(struct store_sqlite *s, struct lf_err *err, const char *what)
{
    return err_set(err, LF_ESTORE, "'%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int sq_exec(struct store *st, const char *sql, struct lf_err *err)
{
    struct store_sqlite *s = S(st);
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, LF_ESTORE, "'%s': %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int sq_prepare(struct store *st, const char *sql, bool stream, struct sql **out,
                      struct lf_err *err)
{
    (void)stream; /* SQLite steps row by row anyway */
    struct store_sqlite *s = S(st);
    sqlite3_stmt *stmt;
    *out = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        return err_set(err, LF_EINTERNAL, "'%s': cannot prepare \"%.200s\": %s", s->path, sql,
                       sqlite3_errmsg(s->db));
    *out = xmalloc(sizeof(**out));
    (*out)->stmt = stmt;
    (*out)->s = s;
    return 0;
}

static void sq_finalize(struct sql *q)
{
    if (!q)
        return;
    sqlite3_finalize(q->stmt);
    free(q);
}

static void sq_bind_null(struct sql *q, int i)
{
    sqlite3_bind_null(q->stmt, i);
}

static void sq_bind_int(struct sql *q, int i, int64_t v)
{
    sqlite3_bind_int64(q->stmt, i, v);
}

static void sq_bind_real(struct sql *q, int i, double v)
{
    sqlite3_bind_double(q->stmt, i, v);
}

static void sq_bind_text(struct sql *q, int i, const char *v)
{
    sqlite3_bind_text(q->stmt, i, v, -1, SQLITE_TRANSIENT);
}

static int sq_step(struct sql *q, struct lf_err *err)
{
    int rc = sqlite3_step(q->stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    struct store_sqlite *s = q->s;
    if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, LF_ECONFLICT, "%s", sqlite3_errmsg(s->db));
    return fail(s, err, "a statement failed");
}

static void sq_reset(struct sql *q)
{
    sqlite3_reset(q->stmt);
}

static bool sq_col_null(struct sql *q, int i)
{
    return sqlite3_column_type(q->stmt, i) == SQLITE_NULL;
}

static int64_t sq_col_int(struct sql *q, int i)
{
    return sqlite3_column_int64(q->stmt, i);
}

static double sq_col_real(struct sql *q, int i)
{
    return sqlite3_column_double(q->stmt, i);
}

static const char *sq_col_text(struct sql *q, int i)
{
    return (const char *)sqlite3_column_text(q->stmt, i);
}

static int64_t sq_changes(struct sql *q)
{
    return sqlite3_changes64(q->s->db);
}

static int64_t sq_inserted_id(struct sql *q)
{
    return sqlite3_last_insert_rowid(q->s->db);
}

/* A statement left stepping pins the connection's read snapshot: a long-lived handle (the
 * server's) would then read stale data and fail to begin writing. Transactions therefore start
 * and end with every statement of the connection reset. */
static void reset_all(struct store_sqlite *s)
{
    for (sqlite3_stmt *q = sqlite3_next_stmt(s->db, NULL); q; q = sqlite3_next_stmt(s->db, q))
        if (sqlite3_stmt_busy(q))
            sqlite3_reset(q);
}

static int run_tx(struct store_sqlite *s, int which, struct lf_err *err)
{
    reset_all(s);
    if (!s->tx[which] && sqlite3_prepare_v3(s->db, tx_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                            &s->tx[which], NULL) != SQLITE_OK)
        return fail(s, err, tx_sql[which]);
    int rc = sqlite3_step(s->tx[which]);
    sqlite3_reset(s->tx[which]);
    return rc == SQLITE_DONE ? 0 : fail(s, err, tx_sql[which]);
}

static int sq_begin(struct store *st, bool write, struct lf_err *err)
{
    return run_tx(S(st), write ? TX_BEGIN_WRITE : TX_BEGIN, err);
}

static int sq_commit(struct store *st, struct lf_err *err)
{
    return run_tx(S(st), TX_COMMIT, err);
}

static void sq_rollback(struct store *st)
{
    struct store_sqlite *s = S(st);
    if (sqlite3_get_autocommit(s->db))
        reset_all(s);
    else
        run_tx(s, TX_ROLLBACK, NULL);
}

static int sq_clone(struct store *st, struct store **out, struct lf_err *err)
{
    return store_sqlite_open(S(st)->path, false, out, err);
}

static void sq_close(struct store *st)
{
    struct store_sqlite *s = S(st);
    store_base_release(st);
    for (int i = 0; i < TX_NR; i++)
        sqlite3_finalize(s->tx[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .clone = sq_clone,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_null = sq_bind_null,
    .bind_int = sq_bind_int,
    .bind_real = sq_bind_real,
    .bind_text = sq_bind_text,
    .step = sq_step,
    .reset = sq_reset,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_real = sq_col_real,
    .col_text = sq_col_text,
    .changes = sq_changes,
    .inserted_id = sq_inserted_id,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .tables_sql = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                  "'sqlite!_%' ESCAPE '!' ORDER BY rowid",
    .columns_sql = "SELECT name, type, 0 FROM pragma_table_info(?1) ORDER BY cid",
    .defer_sql = "PRAGMA defer_foreign_keys = ON",
};

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
        if (sq_exec(&s->base, "BEGIN IMMEDIATE", err) < 0)
            return -1;
        /* another process may have migrated while we waited for the lock */
        if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
            return fail(s, err, "cannot read the schema version");
        int now = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
        sqlite3_finalize(q);
        if (now > v) {
            sq_exec(&s->base, "COMMIT", NULL);
            v = now - 1;
            continue;
        }
        if (sq_exec(&s->base, store_migrations[v], err) < 0 ||
            sq_exec(&s->base, set_version, err) < 0) {
            sq_exec(&s->base, "ROLLBACK", NULL);
            return err_prefix(err, "migration %d failed", v + 1);
        }
        if (sq_exec(&s->base, "COMMIT", err) < 0)
            return -1;
    }
    return 0;
}

int store_schema_version(void)
{
    return store_migrations_nr;
}

int store_sqlite_open(const char *path, bool create, struct store **out, struct lf_err *err)
{
    *out = NULL;
    if (!*path)
        return err_set(err, LF_EUSAGE, "the store's path is empty");
    if (!create && access(path, F_OK) != 0)
        return err_set(err, LF_ENOENT, "no store at '%s' (%s); create one with 'landfall demo' "
                       "or 'landfall import', or give the right --db", path,
                       errno == ENOENT ? "no such file" : strerror(errno));
    struct store_sqlite *s = xcalloc(1, sizeof(*s));
    store_base_init(&s->base, &sqlite_ops, path);
    s->path = xstrdup(path);
    s->create = create;
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        err_set(err, LF_ESTORE, "cannot open '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 10000);
    sqlite3_extended_result_codes(s->db, 1);
    /* WAL with synchronous=FULL: a commit is durable once it returns, even on power loss. */
    if (sq_exec(&s->base, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
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
    sq_close(&s->base);
    return -1;
}
