/* copy.c - a whole store copied into an empty one, table by table with every id kept, and
 * verified: each table's rows are counted and summed into an order-free checksum on both
 * sides (`landfall migrate --from … --to …`, SQLite ↔ PostgreSQL).
 *
 * The copy is generic: the tables and their columns come from the engines' catalogues
 * (store_ops.tables_sql, .columns_sql), so every table a migration adds is copied without a
 * line here. Tables are copied in creation order, so a table comes after those it refers to;
 * references to the same table (a contact merged into a later one) are checked at the commit
 * (.defer_sql; on PostgreSQL such a reference is declared DEFERRABLE). One transaction on the
 * destination: a failed copy leaves it empty. */
#include "store_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define COPY_COLUMNS 64

struct copy_table {
    char name[64];
    size_t nr;
    char col[COPY_COLUMNS][64];
    char kind[COPY_COLUMNS]; /* 'i' integer, 'r' real, 't' text (and everything else) */
    bool generated[COPY_COLUMNS]; /* the engine numbers it (an identity column) */
    int ts;                  /* the column "ts" (events' partitions), -1 when none */
};

/* The kind of a declared column type, on either engine ("INTEGER", "bigint", "double
 * precision", "REAL", "TEXT"…). */
static char column_kind(const char *type)
{
    char low[64];
    size_t n = 0;
    for (; type[n] && n + 1 < sizeof(low); n++)
        low[n] = (char)tolower((unsigned char)type[n]);
    low[n] = 0;
    if (strstr(low, "int"))
        return 'i';
    if (strstr(low, "real") || strstr(low, "double") || strstr(low, "numeric"))
        return 'r';
    return 't';
}

static bool engine_owned(const struct store *st, const char *table)
{
    for (const char *const *t = st->ops->workspace_tables; t && *t; t++)
        if (strcmp(*t, table) == 0)
            return true;
    return false;
}

/* The tables of st in creation order, with their columns; the engine's own tables left out. */
static int tables_read(struct store *st, struct copy_table **out, size_t *nr, struct lf_err *err)
{
    struct copy_table *t = NULL;
    size_t n = 0, cap = 0;
    struct sql *q = sql_new(st, st->ops->tables_sql, err), *c = NULL;
    int rc = q ? 0 : -1;
    while (rc == 0 && (rc = sql_step(st, q, err)) == 1) {
        const char *name = sql_text(st, q, 0);
        rc = 0;
        if (engine_owned(st, name))
            continue;
        if (strlen(name) >= sizeof(t->name)) {
            rc = err_set(err, LF_ESTORE, "table name '%.64s…' is too long to copy", name);
            break;
        }
        t = xgrow(t, sizeof(*t), n + 1, &cap);
        memset(&t[n], 0, sizeof(*t));
        snprintf(t[n].name, sizeof(t[n].name), "%s", name);
        t[n++].ts = -1;
    }
    sql_free(st, q);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!(c = sql_new(st, st->ops->columns_sql, err))) {
            rc = -1;
            break;
        }
        sql_bind_text(st, c, 1, t[i].name);
        while ((rc = sql_step(st, c, err)) == 1) {
            if (t[i].nr == COPY_COLUMNS) {
                rc = err_set(err, LF_ESTORE, "table '%s' has more than %d columns", t[i].name,
                             COPY_COLUMNS);
                break;
            }
            snprintf(t[i].col[t[i].nr], sizeof(t[i].col[0]), "%s", sql_text(st, c, 0));
            t[i].kind[t[i].nr] = column_kind(sql_text(st, c, 1) ? sql_text(st, c, 1) : "");
            t[i].generated[t[i].nr] = sql_int(st, c, 2) == 1;
            if (strcmp(t[i].col[t[i].nr], "ts") == 0)
                t[i].ts = (int)t[i].nr;
            t[i].nr++;
        }
        sql_free(st, c);
    }
    if (rc < 0) {
        free(t);
        return -1;
    }
    *out = t;
    *nr = n;
    return 0;
}

/* FNV-1a, 64 bits: one row's hash, from its values in a form both engines give alike. */
static uint64_t fnv_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static uint64_t row_hash(struct store *st, struct sql *q, const struct copy_table *t)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < t->nr; i++) {
        char tag = sql_null(st, q, (int)i) ? 'n' : t->kind[i];
        h = fnv_add(h, &tag, 1);
        if (tag == 'i') {
            int64_t v = st->ops->col_int(q, (int)i);
            h = fnv_add(h, &v, sizeof(v));
        } else if (tag == 'r') {
            double v = st->ops->col_real(q, (int)i);
            h = fnv_add(h, &v, sizeof(v));
        } else if (tag == 't') {
            const char *s = st->ops->col_text(q, (int)i);
            h = fnv_add(h, s, strlen(s) + 1);
        }
    }
    return h;
}

static void select_sql(struct buf *b, const struct copy_table *t)
{
    buf_adds(b, "SELECT ");
    for (size_t i = 0; i < t->nr; i++)
        buf_addf(b, "%s%s", i ? ", " : "", t->col[i]);
    buf_addf(b, " FROM %s", t->name);
}

/* Rows go into the destination in multi-row INSERTs (a round trip per row would make a copy
 * into PostgreSQL over a network last minutes for a small store): a batch of the source's
 * values, held until it is full. */
struct batch {
    struct store *to;
    const struct copy_table *t;
    size_t rows, cap;         /* rows held; rows per statement */
    struct sql *full;         /* the INSERT of cap rows, prepared once */
    struct cell {
        char tag;             /* 'n' null, 'i', 'r', 't' */
        int64_t i;
        double r;
        char *s;
    } *cells;                 /* cap × columns */
};

static void insert_sql(struct buf *b, const struct copy_table *t, size_t rows)
{
    buf_addf(b, "INSERT INTO %s (", t->name);
    for (size_t c = 0; c < t->nr; c++)
        buf_addf(b, "%s%s", c ? ", " : "", t->col[c]);
    buf_adds(b, ") VALUES ");
    for (size_t r = 0, p = 1; r < rows; r++) {
        buf_adds(b, r ? ", (" : "(");
        for (size_t c = 0; c < t->nr; c++, p++)
            buf_addf(b, "%s?%zu", c ? ", " : "", p);
        buf_addc(b, ')');
    }
}

static int batch_flush(struct batch *bt, struct lf_err *err)
{
    if (bt->rows == 0)
        return 0;
    struct store *to = bt->to;
    struct sql *q = bt->full;
    int rc = 0;
    if (bt->rows < bt->cap || !q) {
        struct buf text = BUF_INIT;
        insert_sql(&text, bt->t, bt->rows);
        rc = to->ops->prepare(to, buf_str(&text), false, &q, err);
        buf_release(&text);
        if (rc < 0)
            return -1;
        if (bt->rows == bt->cap)
            bt->full = q;
    }
    size_t n = bt->rows * bt->t->nr;
    for (size_t k = 0; k < n; k++) {
        struct cell *c = &bt->cells[k];
        int p = (int)k + 1;
        if (c->tag == 'n')
            to->ops->bind_null(q, p);
        else if (c->tag == 'i')
            to->ops->bind_int(q, p, c->i);
        else if (c->tag == 'r')
            to->ops->bind_real(q, p, c->r);
        else
            to->ops->bind_text(q, p, c->s);
        free(c->s);
        c->s = NULL;
    }
    rc = to->ops->step(q, err);
    to->ops->reset(q);
    if (q != bt->full)
        to->ops->finalize(q);
    bt->rows = 0;
    return rc < 0 ? -1 : 0;
}

/* Holds the current row of q (a row of the source st). */
static int batch_add(struct batch *bt, struct store *st, struct sql *q, struct lf_err *err)
{
    struct cell *row = &bt->cells[bt->rows * bt->t->nr];
    for (size_t i = 0; i < bt->t->nr; i++) {
        struct cell *c = &row[i];
        c->tag = sql_null(st, q, (int)i) ? 'n' : bt->t->kind[i];
        if (c->tag == 'i')
            c->i = st->ops->col_int(q, (int)i);
        else if (c->tag == 'r')
            c->r = st->ops->col_real(q, (int)i);
        else if (c->tag == 't')
            c->s = xstrdup(st->ops->col_text(q, (int)i));
    }
    return ++bt->rows == bt->cap ? batch_flush(bt, err) : 0;
}

static void batch_release(struct batch *bt)
{
    for (size_t k = 0; bt->cells && k < bt->cap * bt->t->nr; k++)
        free(bt->cells[k].s);
    free(bt->cells);
    if (bt->full)
        bt->to->ops->finalize(bt->full);
}

/* The rows of table t in st: their number and the sum of their hashes; with bt, each is also
 * written to bt's destination. */
static int table_pass(struct store *st, const struct copy_table *t, struct batch *bt,
                      struct store_copy_table *out, store_copy_fn progress, void *ctx,
                      struct lf_err *err)
{
    struct buf text = BUF_INIT;
    select_sql(&text, t);
    struct sql *q = sql_new(st, buf_str(&text), err);
    buf_release(&text);
    if (!q)
        return -1;
    struct store *into = bt ? bt->to : NULL;
    struct value ev[RESOURCE_MAX_FIELDS] = {0};
    int rc;
    out->rows = 0;
    out->sum = 0;
    while ((rc = sql_step(st, q, err)) == 1) {
        out->rows++;
        out->sum += row_hash(st, q, t);
        if (progress && out->rows % 10000 == 0)
            progress(ctx, t->name, out->rows);
        if (!into)
            continue;
        if (t->ts >= 0 && into->ops->before_insert && strcmp(t->name, "events") == 0) {
            ev[EVENT_TS].i = st->ops->col_int(q, t->ts); /* its month's partition */
            if (into->ops->before_insert(into, &resource_events, ev, err) < 0) {
                rc = -1;
                break;
            }
        }
        if ((rc = batch_add(bt, st, q, err)) < 0)
            break;
    }
    sql_free(st, q);
    if (rc == 0 && bt)
        rc = batch_flush(bt, err);
    if (rc < 0)
        return err_prefix(err, "table '%s' near row %lld", t->name, (long long)out->rows), -1;
    if (progress)
        progress(ctx, t->name, out->rows);
    return 0;
}

/* The destination has the source's tables and columns (the same schema version gives them),
 * and holds no row. Which columns the destination numbers itself is noted in src. */
static int check_target(struct store *to, struct copy_table *src, size_t nr,
                        const char *to_url, struct lf_err *err)
{
    struct copy_table *dst;
    size_t dnr;
    if (tables_read(to, &dst, &dnr, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nr; i++) {
        const struct copy_table *d = NULL;
        for (size_t j = 0; j < dnr && !d; j++)
            if (strcmp(dst[j].name, src[i].name) == 0)
                d = &dst[j];
        if (!d) {
            rc = err_set(err, LF_ESCHEMA, "'%s' has no table '%s'", to_url, src[i].name);
            break;
        }
        for (size_t c = 0; rc == 0 && c < src[i].nr; c++) {
            bool found = false;
            for (size_t k = 0; k < d->nr && !found; k++)
                if ((found = strcmp(d->col[k], src[i].col[c]) == 0))
                    src[i].generated[c] = d->generated[k];
            if (!found)
                rc = err_set(err, LF_ESCHEMA, "'%s': table '%s' has no column '%s'", to_url,
                             src[i].name, src[i].col[c]);
        }
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT 1 FROM %s LIMIT 1", src[i].name);
        struct sql *q = rc == 0 ? sql_new(to, sql, err) : NULL;
        if (rc == 0 && !q)
            rc = -1;
        if (q) {
            int has = sql_step(to, q, err);
            sql_free(to, q);
            if (has < 0)
                rc = -1;
            else if (has == 1)
                rc = err_set(err, LF_ECONFLICT,
                             "'%s' is not empty (table '%s' has rows): copy into a new store",
                             to_url, src[i].name);
        }
    }
    free(dst);
    return rc;
}

static int copy_tables(struct store *from, struct store *to, const struct copy_table *t,
                       size_t nr, struct store_copy_report *rep, store_copy_fn progress,
                       void *ctx, struct lf_err *err)
{
    if (to->ops->defer_sql && sql_exec(to, to->ops->defer_sql, err) < 0)
        return -1;
    for (size_t i = 0; i < nr; i++) {
        /* about 30,000 parameters a statement at most: within both engines' limits */
        struct batch bt = {.to = to, .t = &t[i], .cap = t[i].nr ? 30000 / t[i].nr : 1};
        if (bt.cap > 500)
            bt.cap = 500;
        bt.cells = xcalloc(bt.cap * (t[i].nr ? t[i].nr : 1), sizeof(*bt.cells));
        int rc = table_pass(from, &t[i], &bt, &rep->table[i], progress, ctx, err);
        batch_release(&bt);
        if (rc < 0)
            return -1;
        /* the engine's numbering goes on after the copied numbers */
        for (size_t c = 0; to->ops->ids_sql && c < t[i].nr; c++) {
            if (!t[i].generated[c])
                continue;
            char sql[512];
            snprintf(sql, sizeof(sql), to->ops->ids_sql, t[i].name, t[i].col[c]);
            if (sql_exec(to, sql, err) < 0)
                return -1;
        }
    }
    return 0;
}

int store_copy(struct store *from, struct store *to, store_copy_fn progress, void *ctx,
               struct store_copy_report *rep, struct lf_err *err)
{
    struct copy_table *t = NULL;
    size_t nr = 0;
    memset(rep, 0, sizeof(*rep));
    int rc = store_read_begin(from, err);
    if (rc == 0)
        rc = tables_read(from, &t, &nr, err);
    if (rc == 0 && nr > STORE_COPY_TABLES)
        rc = err_set(err, LF_ESTORE, "'%s' has %zu tables, more than %d", from->url, nr,
                     STORE_COPY_TABLES);
    if (rc == 0)
        rc = check_target(to, t, nr, to->url, err);
    if (rc == 0 && (rc = store_begin(to, err)) == 0) {
        rc = copy_tables(from, to, t, nr, rep, progress, ctx, err);
        rc = rc == 0 ? store_commit(to, err) : (store_rollback(to), -1);
    }
    store_read_end(from);
    /* read back what was committed, and compare */
    for (size_t i = 0; rc == 0 && i < nr; i++) {
        struct store_copy_table back;
        snprintf(rep->table[i].name, sizeof(rep->table[i].name), "%s", t[i].name);
        if ((rc = store_read_begin(to, err)) == 0)
            rc = table_pass(to, &t[i], NULL, &back, NULL, NULL, err);
        store_read_end(to);
        if (rc == 0 && (back.rows != rep->table[i].rows || back.sum != rep->table[i].sum))
            rc = err_set(err, LF_ESTORE,
                         "table '%s': %lld rows (checksum %016llx) copied, %lld (%016llx) read "
                         "back",
                         t[i].name, (long long)rep->table[i].rows,
                         (unsigned long long)rep->table[i].sum, (long long)back.rows,
                         (unsigned long long)back.sum);
        rep->rows += rep->table[i].rows;
    }
    rep->nr = rc == 0 ? nr : 0;
    free(t);
    return rc;
}
