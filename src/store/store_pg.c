/* store_pg.c - the PostgreSQL engine of the store, through libpq: its table of primitives, its
 * opening (connect, migrate) and closing, the monthly partitions of the events table, the nodes'
 * change notices and the jobs' locks. Every SQL statement but those and the migrations' comes
 * from the generic code, as for SQLite. Its parts: the connection and its bounded waits
 * (store_pg_conn.c), statements and transactions (store_pg_sql.c), COPY (store_pg_copy.c); what
 * they share is store_pg_int.h. Only these files see libpq. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "store_pg_int.h"

extern const char *const store_pg_migrations[];
extern const int store_pg_migrations_nr;

/* pg_advisory_lock key of the migration: "landmigr" in ASCII */
#define MIGRATE_LOCK 0x6c616e646d696772LL

/* ---- the events' monthly partitions ---- */

/* Before an event is written, the partition of its month exists: created in the writer's
 * transaction (under the write lock, so nodes do not race), remembered per connection. */
int pg_before_insert(struct store *st, const struct resource_def *def,
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
    if (pg_run(s, sql, err) < 0)
        return -1;
    strmap_put(&s->months, key, strlen(key), 1);
    return 0;
}

/* ---- the connection ---- */

static int pg_clone(struct store *st, struct store **out, struct lf_err *err)
{
    if (store_pg_open(P(st)->url, false, out, err) < 0)
        return -1;
    /* the clone shares what its store knows of the server */
    struct store_pg *c = P(*out);
    free(c->gate);
    c->gate = P(st)->gate;
    atomic_fetch_add(&c->gate->refs, 1);
    return 0;
}

static void pg_close(struct store *st)
{
    struct store_pg *s = P(st);
    store_base_release(st);
    if (s->conn)
        PQsetnonblocking(s->conn, 1); /* its goodbye must not wait for a frozen server */
    PQfinish(s->conn);
    free(s->conninfo);
    if (s->gate && atomic_fetch_sub(&s->gate->refs, 1) == 1)
        free(s->gate);
    strmap_release(&s->months);
    free(s->slot);
    PQclear(s->kept);
    free(s->url);
    free(s);
}

static const char *const pg_extra_tables[] = {"event_messages", NULL};

/* ---- the nodes' change notices and the jobs' locks ---- */

/* Every write transaction tells the nodes' followers, at its commit (NOTIFY is delivered
 * then, once per transaction however often it was sent). */
static int pg_notify(struct store *st, struct lf_err *err)
{
    /* sent ahead: the commit reads its answer */
    return pg_run_ahead(P(st), "NOTIFY landfall_feed", err);
}

/* Waits for a notice of another connection's commit on this connection's socket. LISTEN is
 * sent again whenever the connection was made anew (its backend changed). */
static int pg_wait(struct store *st, int timeout_ms, struct lf_err *err)
{
    struct store_pg *s = P(st);
    if (!pg_up(s) && pg_reconnect(s, err) < 0) /* broken, or given up after no answer */
        return -1;
    if (pg_drain(s, err) < 0)
        return -1;
    int changed = 0;
    if (st->wait_mark != PQbackendPID(s->conn)) {
        if (pg_run(s, "LISTEN landfall_feed", err) < 0)
            return -1;
        st->wait_mark = PQbackendPID(s->conn);
        changed = 1; /* what happened before it listened is unknown */
    }
    /* notices read along with the answers of the last transaction wait in libpq's queue */
    for (PGnotify *n; (n = PQnotifies(s->conn)) != NULL;) {
        changed = 1;
        PQfreemem(n);
    }
    if (!changed) {
        struct pollfd pfd = {.fd = PQsocket(s->conn), .events = POLLIN};
        int ready = poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno != EINTR)
            return err_set(err, LF_ESTORE, "cannot wait for PostgreSQL: %s", strerror(errno));
        if (ready > 0 && !PQconsumeInput(s->conn))
            return 1; /* the connection broke: the next read makes it again, and sees all */
    }
    for (PGnotify *n; (n = PQnotifies(s->conn)) != NULL;) {
        changed = 1;
        PQfreemem(n);
    }
    return changed;
}

/* A job's session lock (jobs.c): held until given back or the connection dies. */
static int pg_job_lock(struct store *st, int64_t key, bool take, struct lf_err *err)
{
    struct store_pg *s = P(st);
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT pg_%sadvisory_%slock(%lld)", take ? "try_" : "",
             take ? "" : "un", (long long)key);
    if (!pg_up(s))
        return take ? pg_usable(s, err) : 0;
    if (pg_drain(s, err) < 0)
        return -1;
    PGresult *res = pg_exec_now(s, sql, err);
    if (!res)
        return -1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail(s, res, err, "cannot lock the job");
        PQclear(res);
        return rc;
    }
    int got = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return got;
}

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
    .run_later = pg_run_later,
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
    .insert_many = pg_insert_many,
    .notify = pg_notify,
    .wait = pg_wait,
    .job_lock = pg_job_lock,
};

/* ---- schema ---- */

/* The schema version: the landfall_schema row (0 for a new database). */
static int schema_version(struct store_pg *s, int *version, struct lf_err *err)
{
    PGresult *res = pg_exec_now(s, "SELECT version FROM landfall_schema", err);
    *version = 0;
    if (!res)
        return -1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail(s, res, err, "cannot read the schema version");
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
    if (pg_run(s, sql, err) < 0 ||
        pg_run(s, "CREATE TABLE IF NOT EXISTS landfall_schema (version INTEGER NOT NULL)", err) < 0)
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
        if (pg_run(s, "BEGIN", err) < 0)
            goto out;
        if (pg_run(s, store_pg_migrations[v], err) < 0 || pg_run(s, sql, err) < 0) {
            pg_run(s, "ROLLBACK", NULL);
            err_prefix(err, "migration %d failed", v + 1);
            goto out;
        }
        if (pg_run(s, "COMMIT", err) < 0)
            goto out;
    }
    rc = 0;
out:
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", (long long)MIGRATE_LOCK);
    pg_run(s, sql, NULL);
    return rc;
}

/* A connection to url, not migrated: *out is the caller's (pg_close). */
static int pg_connect(const char *url, struct store_pg **out, struct lf_err *err)
{
    struct store_pg *s = xcalloc(1, sizeof(*s));
    store_base_init(&s->base, &pg_ops, url);
    s->url = xstrdup(url);
    strmap_init(&s->months);
    s->gate = xcalloc(1, sizeof(*s->gate));
    atomic_init(&s->gate->refs, 1);
    *out = s;
    if (pg_bounds(s, url, err) < 0 || pg_reconnect(s, err) < 0)
        return -1;
    return 0;
}

int store_pg_open(const char *url, bool create, struct store **out, struct lf_err *err)
{
    (void)create; /* a database is created by its administrator; landfall makes the tables */
    *out = NULL;
    struct store_pg *s;
    if (pg_connect(url, &s, err) < 0 || migrate(s, err) < 0) {
        pg_close(&s->base);
        return -1;
    }
    *out = &s->base;
    return 0;
}

extern const char *const store_pg_migrations_names[];

int store_pg_schema(const char *url, struct store_schema *out, struct lf_err *err)
{
    *out = (struct store_schema){"postgres", 0, store_pg_migrations_nr, store_pg_migrations_names};
    struct store_pg *s;
    int rc = -1;
    PGresult *res = NULL;
    if (pg_connect(url, &s, err) < 0)
        goto out;
    /* a database landfall never opened has no landfall_schema: version 0 */
    static const char *const steps[] = {"SELECT to_regclass('landfall_schema') IS NOT NULL",
                                        "SELECT version FROM landfall_schema"};
    for (int i = 0; i < 2; i++) {
        PQclear(res);
        if (!(res = pg_exec_now(s, steps[i], err)))
            goto out;
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            const char *msg = PQresultErrorMessage(res);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                n--;
            err_set(err, LF_ESTORE, "cannot read the schema version of PostgreSQL (%s): %.*s",
                    s->where, (int)n, msg);
            goto out;
        }
        if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0) ||
            (i == 0 && strcmp(PQgetvalue(res, 0, 0), "t") != 0))
            break;
        if (i == 1)
            out->version = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    }
    rc = 0;
out:
    PQclear(res);
    pg_close(&s->base);
    return rc;
}
