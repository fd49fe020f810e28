/* pg_copy.c - the PostgreSQL engine's bulk path: many rows of one shape through COPY, in the
 * text format, a megabyte at a time. Rows whose key may be stored already go through a
 * temporary table of the same columns and one INSERT … SELECT in their order, so that the
 * table's rules (its unique keys, the events' message-id trigger) keep the first of each key
 * exactly as inserts one by one would, and RETURNING tells which rows were new. */
#include "pg_copy.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strmap.h"

#define CHUNK (1 << 20)

/* err from a failed result: constraint violations are LF_ECONFLICT, as elsewhere. */
static int fail(PGconn *conn, PGresult *res, struct lf_err *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                                        : PQerrorMessage(conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    int code = state && strncmp(state, "23", 2) == 0 ? LF_ECONFLICT : LF_ESTORE;
    err_set(err, code, "%s: %.*s", what, (int)n, msg);
    PQclear(res);
    return -1;
}

static int run(PGconn *conn, const char *sql, struct lf_err *err)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail(conn, res, err, "PostgreSQL");
    PQclear(res);
    return 0;
}

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

static int put(PGconn *conn, struct buf *b, struct lf_err *err)
{
    if (b->len && PQputCopyData(conn, b->ptr, (int)b->len) != 1)
        return fail(conn, NULL, err, "COPY failed");
    buf_reset(b);
    return 0;
}

/* COPY target(columns) FROM STDIN of b's rows, each preceded by its number when `ordinal`. */
static int copy_rows(PGconn *conn, const char *target, const struct store_bulk *b, bool ordinal,
                     struct lf_err *err)
{
    struct buf sql = BUF_INIT, data = BUF_INIT;
    buf_addf(&sql, "COPY %s (%s", target, ordinal ? "lf_ord, " : "");
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&sql, "%s%s", c ? ", " : "", b->cols[c]);
    buf_adds(&sql, ") FROM STDIN");
    PGresult *res = PQexec(conn, buf_str(&sql));
    buf_release(&sql);
    if (PQresultStatus(res) != PGRES_COPY_IN)
        return fail(conn, res, err, "cannot COPY");
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
            rc = put(conn, &data, err);
    }
    if (rc == 0)
        rc = put(conn, &data, err);
    buf_release(&data);
    /* the end of the data, or (after a failure) an abandoned COPY: the server's answer says
     * which, and why */
    if (PQputCopyEnd(conn, rc == 0 ? NULL : "landfall stopped") != 1 && rc == 0)
        rc = fail(conn, NULL, err, "COPY failed");
    while ((res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
            rc = fail(conn, res, err, "COPY failed");
        else
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
static int copy_skipping(PGconn *conn, const struct store_bulk *b, struct lf_err *err)
{
    struct buf sql = BUF_INIT, cols = BUF_INIT, key = BUF_INIT;
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&cols, "%s%s", c ? ", " : "", b->cols[c]);
    /* one table per shape and connection, made once and emptied before each use */
    char stage[96];
    snprintf(stage, sizeof(stage), "lf_stage_%s_%08" PRIx64, b->table,
             hash_bytes(cols.ptr, cols.len) & 0xffffffffu);
    buf_addf(&sql,
             "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT 0::bigint AS lf_ord, %s FROM %s "
             "WITH NO DATA; TRUNCATE %s",
             stage, buf_str(&cols), b->table, stage);
    int rc = run(conn, buf_str(&sql), err);
    if (rc == 0)
        rc = copy_rows(conn, stage, b, true, err);
    PGresult *res = NULL;
    if (rc == 0) {
        buf_reset(&sql);
        buf_addf(&sql, "INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY lf_ord ON CONFLICT DO "
                       "NOTHING RETURNING ",
                 b->table, buf_str(&cols), buf_str(&cols), stage);
        for (int k = 0; k < b->nkeys; k++)
            buf_addf(&sql, "%s%s", k ? ", " : "", b->cols[b->keys[k]]);
        res = PQexec(conn, buf_str(&sql));
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = fail(conn, res, err, "cannot write the rows");
            res = NULL;
        }
    }
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

int pg_copy_insert(struct pg_conn *conn, const struct store_bulk *b, struct lf_err *err)
{
    if (b->nr == 0)
        return 0;
    if (b->skip_known)
        return copy_skipping(conn, b, err);
    if (copy_rows(conn, b->table, b, false, err) < 0)
        return -1;
    if (b->inserted)
        memset(b->inserted, 1, b->nr * sizeof(*b->inserted));
    return 0;
}
