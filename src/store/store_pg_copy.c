/* store_pg_copy.c - the PostgreSQL engine's bulk path: many rows of one shape through COPY.
 *
 * Many rows of one shape go through COPY, in the text format, a megabyte at a time. Rows whose
 * key may be stored already go through a temporary table of the same columns and one INSERT …
 * SELECT in their order, so that the table's rules (its unique keys, the events' message-id
 * trigger) keep the first of each key exactly as inserts one by one would, and RETURNING tells
 * which rows were new. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_int.h"

/* ---- COPY: many rows of one shape, in the text format, a megabyte at a time ---- */

#define CHUNK (1 << 20)

/* A text value in COPY's text format: backslash, tab, newline and return escaped. */
static void add_text(struct buf *b, const char *s)
{
    const char *run_start = s;
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r" : NULL;
        if (!esc)
            continue;
        buf_add(b, run_start, (size_t)(s - run_start));
        buf_adds(b, esc);
        run_start = s + 1;
    }
    buf_add(b, run_start, (size_t)(s - run_start));
}

static void add_value(struct buf *b, char type, const struct value *v)
{
    if (v->null || (type == 'r' && !isfinite(v->r)) || (type == 't' && !v->s)) {
        buf_adds(b, "\\N");
    } else if (type == 't') {
        add_text(b, v->s);
    } else if (type == 'r') {
        char s[32];
        snprintf(s, sizeof(s), "%.17g", v->r);
        buf_adds(b, s);
    } else {
        char s[24];
        snprintf(s, sizeof(s), "%" PRId64, v->i);
        buf_adds(b, s);
    }
}

/* Sends b's rows and empties it. Each chunk leaves before the next is made: the connection is
 * non-blocking, so libpq would otherwise keep every chunk a frozen server does not take. */
static int put(struct store_pg *s, struct buf *b, struct lf_err *err)
{
    int ok = 1;
    while (b->len && (ok = PQputCopyData(s->conn, b->ptr, (int)b->len)) == 0)
        if (pg_flush_out(s, err) < 0) /* libpq's buffer full */
            return -1;
    if (ok != 1)
        return pg_fail(s, NULL, err, "COPY failed");
    buf_reset(b);
    return pg_flush_out(s, err);
}

/* COPY target(columns) FROM STDIN of b's rows, each preceded by its number when `ordinal`. */
static int copy_rows(struct store_pg *s, const char *target, const struct store_bulk *b,
                     bool ordinal, struct lf_err *err)
{
    struct buf sql = BUF_INIT, data = BUF_INIT;
    buf_addf(&sql, "COPY %s (%s", target, ordinal ? "lf_ord, " : "");
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&sql, "%s%s", c ? ", " : "", b->cols[c]);
    buf_adds(&sql, ") FROM STDIN");
    PGresult *res = pg_exec_now(s, buf_str(&sql), err);
    buf_release(&sql);
    if (!res)
        return -1;
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        pg_fail(s, res, err, "cannot COPY");
        PQclear(res);
        return -1;
    }
    PQclear(res);
    int rc = 0;
    for (size_t r = 0; r < b->nr && rc == 0; r++) {
        const struct value *row = b->v + r * (size_t)b->ncols;
        if (ordinal)
            buf_addf(&data, "%zu\t", r);
        for (int c = 0; c < b->ncols; c++) {
            if (c)
                buf_addc(&data, '\t');
            add_value(&data, b->types[c], &row[c]);
        }
        buf_addc(&data, '\n');
        if (data.len >= CHUNK)
            rc = put(s, &data, err);
    }
    if (rc == 0)
        rc = put(s, &data, err);
    buf_release(&data);
    /* the end of the data, or (after a failure) an abandoned COPY: the server's answer says
     * which, and why */
    if (!pg_up(s))
        return -1; /* given up while sending: nothing more to say to it */
    int ended;
    while ((ended = PQputCopyEnd(s->conn, rc == 0 ? NULL : "landfall stopped")) == 0)
        if (pg_flush_out(s, rc == 0 ? err : NULL) < 0)
            return -1;
    if (ended != 1 && rc == 0)
        rc = pg_fail(s, NULL, err, "COPY failed");
    for (;;) {
        if (pg_next(s, &res, rc == 0 ? err : NULL) < 0)
            return -1;
        if (!res)
            break;
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
            rc = pg_fail(s, res, err, "COPY failed");
        PQclear(res);
    }
    return rc;
}

/* The key of row r as the RETURNING clause answers it: its key columns' text, separated. */
static void row_key(const struct store_bulk *b, size_t r, struct buf *out)
{
    const struct value *row = b->v + r * (size_t)b->ncols;
    buf_reset(out);
    for (int k = 0; k < b->nkeys; k++) {
        if (k)
            buf_addc(out, '\x1f');
        const struct value *v = &row[b->keys[k]];
        if (v->null)
            continue;
        if (b->types[b->keys[k]] == 't')
            buf_adds(out, v->s ? v->s : "");
        else
            buf_addf(out, "%" PRId64, v->i);
    }
}

/* The rows through a temporary table: what was new is what RETURNING answers. */
static int copy_skipping(struct store_pg *s, const struct store_bulk *b, struct lf_err *err)
{
    struct buf sql = BUF_INIT, cols = BUF_INIT, key = BUF_INIT;
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&cols, "%s%s", c ? ", " : "", b->cols[c]);
    /* one table per shape and connection, made once and emptied before each use */
    char stage[96];
    snprintf(stage, sizeof(stage), "lf_stage_%s_%08" PRIx64, b->table,
             hash_bytes(cols.ptr, cols.len) & 0xffffffffu);
    /* events keyed by message id: their trigger's rule, set-based (migration 011) */
    bool events = strcmp(b->table, "events") == 0 && b->nkeys == 2 &&
                  strcmp(b->cols[b->keys[0]], "workspace_id") == 0 &&
                  strcmp(b->cols[b->keys[1]], "message_id") == 0;
    buf_addf(&sql,
             "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT 0::bigint AS lf_ord, %s FROM %s "
             "WITH NO DATA; TRUNCATE %s%s",
             stage, buf_str(&cols), b->table, stage,
             events ? "; SELECT set_config('landfall.events_checked', 'on', true)" : "");
    int rc = pg_run(s, buf_str(&sql), err);
    if (rc == 0)
        rc = copy_rows(s, stage, b, true, err);
    PGresult *res = NULL;
    if (rc == 0) {
        buf_reset(&sql);
        if (events) {
            /* the first row of each message id that event_messages did not hold: as the
             * trigger would keep, one row at a time, in the rows' order */
            struct buf picked = BUF_INIT;
            for (int c = 0; c < b->ncols; c++)
                buf_addf(&picked, "%sf.%s", c ? ", " : "", b->cols[c]);
            buf_addf(&sql,
                     "WITH firsts AS (SELECT DISTINCT ON (workspace_id, message_id) * FROM %s "
                     "ORDER BY workspace_id, message_id, lf_ord), fresh AS (INSERT INTO "
                     "event_messages (workspace_id, message_id) SELECT workspace_id, "
                     "message_id FROM firsts ON CONFLICT DO NOTHING RETURNING workspace_id, "
                     "message_id) INSERT INTO events (%s) SELECT %s FROM firsts f JOIN fresh n "
                     "ON n.workspace_id = f.workspace_id AND n.message_id = f.message_id "
                     "ORDER BY f.lf_ord ON CONFLICT DO NOTHING RETURNING ",
                     stage, buf_str(&cols), buf_str(&picked));
            buf_release(&picked);
        } else {
            buf_addf(&sql, "INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY lf_ord ON CONFLICT "
                           "DO NOTHING RETURNING ",
                     b->table, buf_str(&cols), buf_str(&cols), stage);
        }
        for (int k = 0; k < b->nkeys; k++)
            buf_addf(&sql, "%s%s", k ? ", " : "", b->cols[b->keys[k]]);
        res = pg_exec_now(s, buf_str(&sql), err);
        if (!res) {
            rc = -1;
        } else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = pg_fail(s, res, err, "cannot write the rows");
            PQclear(res);
            res = NULL;
        }
    }
    /* every other insert of the transaction goes through the trigger again (sent ahead) */
    if (rc == 0 && events)
        rc = pg_run_ahead(s, "SELECT set_config('landfall.events_checked', 'off', true)", err);
    if (rc == 0 && b->inserted) {
        /* the first row of each returned key is the one written: later ones were skipped */
        struct strmap returned;
        strmap_init(&returned);
        for (int i = 0; i < PQntuples(res); i++) {
            buf_reset(&key);
            for (int k = 0; k < b->nkeys; k++) {
                if (k)
                    buf_addc(&key, '\x1f');
                buf_adds(&key, PQgetvalue(res, i, k));
            }
            strmap_put(&returned, key.ptr ? key.ptr : "", key.len, 1);
        }
        for (size_t r = 0; r < b->nr; r++) {
            int64_t left = 0;
            row_key(b, r, &key);
            const char *k = key.ptr ? key.ptr : "";
            b->inserted[r] = strmap_get(&returned, k, key.len, &left) && left;
            if (b->inserted[r])
                strmap_put(&returned, k, key.len, 0);
        }
        strmap_release(&returned);
    }
    PQclear(res);
    buf_release(&sql);
    buf_release(&cols);
    buf_release(&key);
    return rc;
}

static int copy_insert(struct store_pg *s, const struct store_bulk *b, struct lf_err *err)
{
    if (b->nr == 0)
        return 0;
    if (b->skip_known)
        return copy_skipping(s, b, err);
    if (copy_rows(s, b->table, b, false, err) < 0)
        return -1;
    if (b->inserted)
        memset(b->inserted, 1, b->nr * sizeof(*b->inserted));
    return 0;
}

/* ---- bulk writes ---- */

/* Rows fewer than this are inserted one by one rather than copied. */
#define PG_COPY_MIN_ROWS 16

/* Many rows through COPY; events' months get their partitions first. */
int pg_insert_many(struct store *st, const struct store_bulk *b, struct lf_err *err)
{
    if (pg_drain(P(st), err) < 0)
        return -1;
    if (strcmp(b->table, "events") == 0) {
        int ts = -1;
        for (int c = 0; c < b->ncols; c++)
            if (strcmp(b->cols[c], "ts") == 0)
                ts = c;
        struct value ev[EVENT_NR] = {0};
        for (size_t r = 0; ts >= 0 && r < b->nr; r++) {
            ev[EVENT_TS] = b->v[r * (size_t)b->ncols + (size_t)ts];
            if (pg_before_insert(st, &resource_events, ev, err) < 0)
                return -1;
        }
    }
    /* a few rows (a small ingest request) cost less as inserts than a COPY through a
     * staging table: measured, one event a request was 1.8 times as fast so */
    if (b->nr < PG_COPY_MIN_ROWS)
        return store_insert_rows(st, b, err);
    return copy_insert(P(st), b, err);
}
