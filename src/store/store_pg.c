/* store_pg.c - the PostgreSQL engine of the store, through libpq: its primitives (connect,
 * prepare, bind, step, transactions), its dialect ("?N" placeholders become "$N"), the monthly
 * partitions of the events table, and its migrations. Every SQL statement but those comes from
 * the generic code, as for SQLite.
 *
 * Values travel as text both ways (PostgreSQL parses a parameter by the type it infers from
 * where it stands). Small statements are prepared once and answer all their rows at once;
 * scans (prepared with `stream`) read through a cursor, a batch of rows at a time, so a scan of
 * 20 M events holds one batch in memory and other statements may run between its batches.
 *
 * A write transaction takes one cluster-wide advisory lock at its start, as SQLite's BEGIN
 * IMMEDIATE takes the file's: writers of every landfall node follow one another, so ids (events,
 * the change log) grow in commit order and a node tailing them by id misses nothing. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "store_int.h"

extern const char *const store_pg_migrations[];
extern const int store_pg_migrations_nr;

#define MAX_PARAMS 65535 /* PostgreSQL's own limit */
#define FETCH_ROWS 10000
/* pg_advisory_xact_lock keys: "landfall" in ASCII, and the migration's */
#define WRITE_LOCK 0x6c616e6466616c6cLL
#define MIGRATE_LOCK 0x6c616e646d696772LL

struct store_pg {
    struct store base;
    PGconn *conn;
    char *url;
    bool in_tx;
    unsigned next_name;      /* names of prepared statements and cursors */
    unsigned generation;     /* grows when the connection is made again: its statements are
                              * prepared again */
    struct strmap months;    /* "YYYYMM" → 1: event partitions known to exist */
};

struct sql {
    struct store_pg *s;
    char *text;              /* with $N placeholders */
    char name[24];           /* the prepared statement's, "" until prepared */
    unsigned generation;     /* the connection's when it was prepared */
    bool stream;
    int nparams;
    char **val;              /* nparams values, owned; NULL = SQL NULL */
    PGresult *res;
    int row, rows;           /* the current row of res (1-based once stepped), its rows */
    char cursor[24];         /* "" when no cursor is open */
    bool done;
    int64_t changes;
};

static struct store_pg *P(struct store *st)
{
    return (struct store_pg *)st;
}

/* ---- errors ---- */

/* err from a failed result (NULL: the connection's message). Constraint violations are
 * LF_ECONFLICT, as SQLite's are. */
static int fail(struct store_pg *s, const PGresult *res, struct lf_err *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    int code = state && strncmp(state, "23", 2) == 0 ? LF_ECONFLICT : LF_ESTORE;
    return err_set(err, code, "%s: %.*s", what, (int)n, msg);
}

/* Runs a command without parameters or rows; -1 with err when it failed. */
static int run(struct store_pg *s, const char *sql, struct lf_err *err)
{
    PGresult *res = PQexec(s->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail(s, res, err, "PostgreSQL");
    PQclear(res);
    return rc;
}

static int pg_exec(struct store *st, const char *sql, struct lf_err *err)
{
    return run(P(st), sql, err);
}

/* ---- statements ---- */

/* "?N" → "$N" outside string literals and quoted names: the generic code's placeholders in
 * PostgreSQL's spelling. */
static char *dialect(const char *sql, int *nparams)
{
    struct buf out = BUF_INIT;
    char quote = 0;
    *nparams = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            char *end;
            long n = strtol(p + 1, &end, 10);
            if (n > *nparams)
                *nparams = (int)n;
            buf_addf(&out, "$%ld", n);
            p = end - 1;
            continue;
        }
        buf_addc(&out, *p);
    }
    return buf_detach(&out);
}

static int pg_prepare(struct store *st, const char *sql, bool stream, struct sql **out,
                      struct lf_err *err)
{
    struct sql *q = xcalloc(1, sizeof(*q));
    q->s = P(st);
    q->stream = stream;
    q->text = dialect(sql, &q->nparams);
    if (q->nparams > MAX_PARAMS) {
        free(q->text);
        free(q);
        return err_set(err, LF_EINTERNAL, "\"%.200s\": more than %d parameters", sql,
                       MAX_PARAMS);
    }
    q->val = xcalloc(q->nparams ? (size_t)q->nparams : 1, sizeof(*q->val));
    *out = q;
    return 0;
}

static void close_cursor(struct sql *q)
{
    if (!q->cursor[0])
        return;
    char sql[48];
    snprintf(sql, sizeof(sql), "CLOSE %s", q->cursor);
    /* fails only in an aborted transaction, whose end closes the cursor anyway */
    PQclear(PQexec(q->s->conn, sql));
    q->cursor[0] = '\0';
}

static void pg_reset(struct sql *q)
{
    PQclear(q->res);
    q->res = NULL;
    q->row = q->rows = 0;
    q->done = false;
    close_cursor(q);
}

static void pg_finalize(struct sql *q)
{
    if (!q)
        return;
    pg_reset(q);
    for (int i = 0; i < q->nparams; i++)
        free(q->val[i]);
    free(q->val);
    free(q->text);
    free(q);
}

static void bind(struct sql *q, int i, char *v)
{
    if (i < 1 || i > q->nparams) {
        free(v);
        return;
    }
    free(q->val[i - 1]);
    q->val[i - 1] = v;
}

static void pg_bind_null(struct sql *q, int i)
{
    bind(q, i, NULL);
}

static void pg_bind_int(struct sql *q, int i, int64_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%" PRId64, v);
    bind(q, i, xstrdup(s));
}

static void pg_bind_real(struct sql *q, int i, double v)
{
    char s[32];
    snprintf(s, sizeof(s), "%.17g", v);
    bind(q, i, xstrdup(s));
}

static void pg_bind_text(struct sql *q, int i, const char *v)
{
    bind(q, i, v ? xstrdup(v) : NULL);
}

/* Keeps res as q's rows; 0, or -1 with err. */
static int take(struct sql *q, PGresult *res, struct lf_err *err)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        int rc = fail(q->s, res, err, "a statement failed");
        PQclear(res);
        return rc;
    }
    const char *n = PQcmdTuples(res);
    q->changes = st == PGRES_COMMAND_OK && *n ? strtoll(n, NULL, 10) : 0;
    q->res = res;
    q->rows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    q->row = 0;
    return 0;
}

/* The next batch of an open cursor; 0, or -1 with err. */
static int fetch(struct sql *q, struct lf_err *err)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "FETCH %d FROM %s", FETCH_ROWS, q->cursor);
    PQclear(q->res);
    q->res = NULL;
    return take(q, PQexec(q->s->conn, sql), err);
}

/* Runs q: a prepared statement answering every row, or, for a scan inside a transaction, a
 * cursor read in batches. */
static int execute(struct sql *q, struct lf_err *err)
{
    struct store_pg *s = q->s;
    const char *const *vals = (const char *const *)q->val;
    if (q->stream && s->in_tx) {
        snprintf(q->cursor, sizeof(q->cursor), "lf_c%u", s->next_name++);
        struct buf decl = BUF_INIT;
        buf_addf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", q->cursor, q->text);
        PGresult *res = PQexecParams(s->conn, buf_str(&decl), q->nparams, NULL, vals, NULL,
                                     NULL, 0);
        buf_release(&decl);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            q->cursor[0] = '\0';
            int rc = fail(s, res, err, "a scan failed");
            PQclear(res);
            return rc;
        }
        PQclear(res);
        return fetch(q, err);
    }
    if (q->stream) /* outside a transaction: no cursor, every row at once */
        return take(q, PQexecParams(s->conn, q->text, q->nparams, NULL, vals, NULL, NULL, 0),
                    err);
    if (!q->name[0] || q->generation != s->generation) {
        char name[24];
        snprintf(name, sizeof(name), "lf_s%u", s->next_name++);
        PGresult *res = PQprepare(s->conn, name, q->text, q->nparams, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = fail(s, res, err, "cannot prepare a statement");
            PQclear(res);
            return rc;
        }
        PQclear(res);
        memcpy(q->name, name, sizeof(name));
        q->generation = s->generation;
    }
    return take(q, PQexecPrepared(s->conn, q->name, q->nparams, vals, NULL, NULL, 0), err);
}

static int pg_step(struct sql *q, struct lf_err *err)
{
    if (q->done)
        return 0;
    if (!q->res && execute(q, err) < 0) {
        q->done = true;
        return -1;
    }
    if (q->row < q->rows) {
        q->row++;
        return 1;
    }
    if (q->cursor[0] && q->rows == FETCH_ROWS) {
        if (fetch(q, err) < 0)
            return -1;
        if (q->rows > 0) {
            q->row = 1;
            return 1;
        }
    }
    q->done = true;
    close_cursor(q);
    return 0;
}

static bool pg_col_null(struct sql *q, int i)
{
    return !q->res || PQgetisnull(q->res, q->row - 1, i);
}

static int64_t pg_col_int(struct sql *q, int i)
{
    if (pg_col_null(q, i))
        return 0;
    const char *v = PQgetvalue(q->res, q->row - 1, i);
    if (*v == 't' || *v == 'f') /* a boolean (EXISTS …), as SQLite's 1 and 0 */
        return *v == 't';
    return strtoll(v, NULL, 10);
}

static double pg_col_real(struct sql *q, int i)
{
    return pg_col_null(q, i) ? 0 : strtod(PQgetvalue(q->res, q->row - 1, i), NULL);
}

static const char *pg_col_text(struct sql *q, int i)
{
    return pg_col_null(q, i) ? NULL : PQgetvalue(q->res, q->row - 1, i);
}

static int64_t pg_changes(struct sql *q)
{
    return q->changes;
}

/* ---- transactions ---- */

static int pg_begin(struct store *st, bool write, struct lf_err *err)
{
    struct store_pg *s = P(st);
    if (PQstatus(s->conn) != CONNECTION_OK) { /* the server restarted: connect again */
        PQreset(s->conn);
        if (PQstatus(s->conn) != CONNECTION_OK)
            return fail(s, NULL, err, "cannot reach PostgreSQL");
        s->generation++;
        strmap_release(&s->months);
        strmap_init(&s->months);
    }
    /* a read sees one snapshot throughout, as SQLite's read transaction does */
    char sql[128];
    snprintf(sql, sizeof(sql), "%s", write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (run(s, sql, err) < 0)
        return -1;
    s->in_tx = true;
    if (write) {
        snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)", (long long)WRITE_LOCK);
        if (run(s, sql, err) < 0) {
            run(s, "ROLLBACK", NULL);
            s->in_tx = false;
            return -1;
        }
    }
    return 0;
}

static int pg_commit(struct store *st, struct lf_err *err)
{
    struct store_pg *s = P(st);
    PGresult *res = PQexec(s->conn, "COMMIT");
    /* a transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written */
    int rc = PQresultStatus(res) != PGRES_COMMAND_OK ? fail(s, res, err, "cannot commit")
             : strcmp(PQcmdStatus(res), "COMMIT") != 0
                 ? err_set(err, LF_ESTORE, "the transaction was rolled back by PostgreSQL")
                 : 0;
    PQclear(res);
    s->in_tx = false;
    return rc;
}

static void pg_rollback(struct store *st)
{
    struct store_pg *s = P(st);
    if (s->in_tx)
        run(s, "ROLLBACK", NULL);
    s->in_tx = false;
    /* partitions made by the transaction are gone with it */
    strmap_release(&s->months);
    strmap_init(&s->months);
}

/* ---- the events' monthly partitions ---- */

/* Before an event is written, the partition of its month exists: created in the writer's
 * transaction (under the write lock, so nodes do not race), remembered per connection. */
static int pg_before_insert(struct store *st, const struct resource_def *def,
                            const struct value *v, struct lf_err *err)
{
    struct store_pg *s = P(st);
    if (def != &resource_events)
        return 0;
    int64_t from = time_month_start(v[EVENT_TS].i), to = time_add_months(from, 1);
    char key[16];
    time_format_month(from, key); /* "2024-03": events_2024_03 */
    key[4] = '_';
    int64_t known;
    if (strmap_get(&s->months, key, strlen(key), &known))
        return 0;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "CREATE TABLE IF NOT EXISTS events_%s PARTITION OF events FOR VALUES FROM "
             "(%lld) TO (%lld)",
             key, (long long)from, (long long)to);
    if (run(s, sql, err) < 0)
        return -1;
    strmap_put(&s->months, key, strlen(key), 1);
    return 0;
}

/* ---- the connection ---- */

static int pg_clone(struct store *st, struct store **out, struct lf_err *err)
{
    return store_pg_open(P(st)->url, false, out, err);
}

static void pg_close(struct store *st)
{
    struct store_pg *s = P(st);
    store_base_release(st);
    PQfinish(s->conn);
    strmap_release(&s->months);
    free(s->url);
    free(s);
}

static const char *const pg_extra_tables[] = {"event_messages", NULL};

static const struct store_ops pg_ops = {
    .name = "postgres",
    .clone = pg_clone,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_null = pg_bind_null,
    .bind_int = pg_bind_int,
    .bind_real = pg_bind_real,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .reset = pg_reset,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .changes = pg_changes,
    .inserted_id = NULL, /* INSERT … RETURNING id */
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .before_insert = pg_before_insert,
    .workspace_tables = pg_extra_tables,
    .tables_sql = "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
                  "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', "
                  "'p') AND NOT c.relispartition AND c.relname <> 'landfall_schema' ORDER BY "
                  "c.oid",
    .columns_sql = "SELECT attname::text, format_type(atttypid, atttypmod), CASE WHEN "
                   "attidentity <> '' THEN 1 ELSE 0 END FROM pg_attribute WHERE attrelid = "
                   "?1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    .defer_sql = "SET CONSTRAINTS ALL DEFERRED",
    .ids_sql = "SELECT setval(pg_get_serial_sequence('%1$s', '%2$s'), max(%2$s)) FROM %1$s "
               "HAVING max(%2$s) IS NOT NULL",
};

/* ---- schema ---- */

/* The schema version: the landfall_schema row (0 for a new database). */
static int schema_version(struct store_pg *s, int *version, struct lf_err *err)
{
    PGresult *res = PQexec(s->conn, "SELECT version FROM landfall_schema");
    *version = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = fail(s, res, err, "cannot read the schema version");
        PQclear(res);
        return rc;
    }
    if (PQntuples(res) > 0)
        *version = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return 0;
}

/* Applies the migrations this database lacks, each in its transaction, one node at a time. */
static int migrate(struct store_pg *s, struct lf_err *err)
{
    char sql[160];
    int version = 0, rc = -1;
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(%lld)", (long long)MIGRATE_LOCK);
    if (run(s, sql, err) < 0 ||
        run(s, "CREATE TABLE IF NOT EXISTS landfall_schema (version INTEGER NOT NULL)", err) < 0)
        goto out;
    if (schema_version(s, &version, err) < 0)
        goto out;
    if (version > store_pg_migrations_nr) {
        err_set(err, LF_ESCHEMA,
                "'%s' has schema version %d, newer than this landfall (%s, version %d); use a "
                "newer landfall",
                s->url, version, LANDFALL_VERSION, store_pg_migrations_nr);
        goto out;
    }
    for (int v = version; v < store_pg_migrations_nr; v++) {
        snprintf(sql, sizeof(sql), "DELETE FROM landfall_schema; INSERT INTO landfall_schema "
                                   "VALUES (%d)", v + 1);
        if (run(s, "BEGIN", err) < 0)
            goto out;
        if (run(s, store_pg_migrations[v], err) < 0 || run(s, sql, err) < 0) {
            run(s, "ROLLBACK", NULL);
            err_prefix(err, "migration %d failed", v + 1);
            goto out;
        }
        if (run(s, "COMMIT", err) < 0)
            goto out;
    }
    rc = 0;
out:
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", (long long)MIGRATE_LOCK);
    run(s, sql, NULL);
    return rc;
}

/* Ignores PostgreSQL's notices (CREATE … IF NOT EXISTS tells of each partition it skips). */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int store_pg_open(const char *url, bool create, struct store **out, struct lf_err *err)
{
    (void)create; /* a database is created by its administrator; landfall makes the tables */
    *out = NULL;
    struct store_pg *s = xcalloc(1, sizeof(*s));
    store_base_init(&s->base, &pg_ops, url);
    s->url = xstrdup(url);
    strmap_init(&s->months);
    s->conn = PQconnectdb(url);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(s->conn);
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n')
            n--;
        err_set(err, LF_ESTORE, "cannot connect to '%s': %.*s", url, (int)n, msg);
        goto fail;
    }
    PQsetNoticeProcessor(s->conn, quiet, NULL);
    if (run(s, "SET client_encoding = 'UTF8'; SET client_min_messages = warning", err) < 0 ||
        migrate(s, err) < 0)
        goto fail;
    *out = &s->base;
    return 0;
fail:
    pg_close(&s->base);
    return -1;
}
