/* bulk.c - writing many rows at once: the append-only rows (events) the write path validated,
 * resolved and planned as it does every row, queued with copies of their values and written
 * by the engine's insert_many (PostgreSQL: COPY) when the transaction commits, when many are
 * queued, or when the caller flushes; each row's caller learns then whether it was new.
 *
 * Nothing in the write path reads an event back (events are referenced by no row and not in
 * the change log), so writing them later in the same transaction changes no answer; their
 * keys are kept apart by the table's unique rule, as a row-by-row insert would be. */
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Rows queued before the queue is written on its own: about 5 MB of events. */
#define PENDING_FLUSH 10000
/* Strings are copied into blocks that never move (a row's values point into them). */
#define BLOCK_SIZE (256 * 1024)

struct block {
    struct block *next;
    size_t used, size;
    char data[];
};

struct outcome {
    void (*fn)(void *ctx, int change);
    void *ctx;
};

/* The queue of one resource: every row in one shape (workspace_id and every field's column). */
struct queue {
    const struct resource_def *def;
    const char *cols[RESOURCE_MAX_FIELDS + 1];
    char types[RESOURCE_MAX_FIELDS + 2];
    int fields[RESOURCE_MAX_FIELDS + 1]; /* the field of each column; -1 for workspace_id */
    int ncols, key;                      /* key: the column of the resource's key */
    struct value *v;                     /* nr * ncols */
    struct outcome *out;
    size_t nr, cap;
};

struct store_pending {
    struct queue *queues;
    size_t queues_nr;
    size_t rows;
    struct block *blocks;
};

/* ---- the fallback: a prepared INSERT, row by row ---- */

static void insert_sql(struct buf *sql, const struct store_bulk *b)
{
    buf_addf(sql, "INSERT INTO %s(", b->table);
    for (int c = 0; c < b->ncols; c++)
        buf_addf(sql, "%s%s", c ? ", " : "", b->cols[c]);
    buf_adds(sql, ") VALUES (");
    for (int c = 0; c < b->ncols; c++)
        buf_addf(sql, "%s?%d", c ? ", " : "", c + 1);
    buf_addf(sql, ")%s", b->skip_known ? " ON CONFLICT DO NOTHING" : "");
}

static void bind_bulk(struct store *st, struct sql *q, int i, char type, const struct value *v)
{
    if (v->null)
        st->ops->bind_null(q, i);
    else if (type == 't')
        st->ops->bind_text(q, i, v->s);
    else if (type == 'r')
        sql_bind_real(st, q, i, v->r);
    else
        st->ops->bind_int(q, i, v->i);
}

int store_insert_many(struct store *st, const struct store_bulk *b, struct lf_err *err)
{
    if (b->nr == 0)
        return 0;
    if (st->ops->insert_many)
        return st->ops->insert_many(st, b, err);
    return store_insert_rows(st, b, err);
}

int store_insert_rows(struct store *st, const struct store_bulk *b, struct lf_err *err)
{
    struct buf text = BUF_INIT;
    insert_sql(&text, b);
    struct sql *q = sql_static(st, buf_str(&text), err);
    buf_release(&text);
    if (!q)
        return -1;
    for (size_t r = 0; r < b->nr; r++) {
        const struct value *row = b->v + r * (size_t)b->ncols;
        for (int c = 0; c < b->ncols; c++)
            bind_bulk(st, q, c + 1, b->types[c], &row[c]);
        int rc = sql_step(st, q, err);
        if (rc >= 0 && b->inserted)
            b->inserted[r] = sql_changes(st, q) > 0;
        sql_done(st, q);
        if (rc < 0)
            return err_prefix(err, "cannot write %s", b->table);
    }
    return 0;
}

/* ---- the queue ---- */

static const char *keep(struct store_pending *p, const char *s)
{
    size_t n = strlen(s) + 1;
    struct block *b = p->blocks;
    if (!b || b->size - b->used < n) {
        size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        b->next = p->blocks;
        p->blocks = b;
    }
    char *out = b->data + b->used;
    memcpy(out, s, n);
    b->used += n;
    return out;
}

static void blocks_free(struct store_pending *p)
{
    while (p->blocks) {
        struct block *next = p->blocks->next;
        free(p->blocks);
        p->blocks = next;
    }
}

/* The columns of def's bulk shape: every field the write path may insert. An append-only
 * table has no column defaults, so a field not given is NULL as if it were left out. */
static void queue_init(struct queue *q, const struct resource_def *def)
{
    memset(q, 0, sizeof(*q));
    q->def = def;
    q->cols[0] = "workspace_id";
    q->types[0] = 'i';
    q->fields[0] = -1;
    q->ncols = 1;
    q->key = -1;
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (f->flags & (FIELD_DERIVED | FIELD_MERGE))
            continue;
        if (i == 0)
            q->key = q->ncols;
        q->cols[q->ncols] = f->column;
        q->types[q->ncols] = f->type == FIELD_TEXT || f->type == FIELD_JSON ? 't'
                             : f->type == FIELD_REAL                        ? 'r'
                                                                            : 'i';
        q->fields[q->ncols++] = (int)i;
    }
}

static struct queue *queue_of(struct store_pending *p, const struct resource_def *def)
{
    for (size_t i = 0; i < p->queues_nr; i++)
        if (p->queues[i].def == def)
            return &p->queues[i];
    p->queues = xrealloc(p->queues, (p->queues_nr + 1) * sizeof(*p->queues));
    struct queue *q = &p->queues[p->queues_nr++];
    queue_init(q, def);
    return q;
}

/* Writes one queue and tells each row's caller; empties it. */
static int queue_flush(struct store *st, struct queue *q, struct lf_err *err)
{
    if (!q->nr)
        return 0;
    bool *inserted = xcalloc(q->nr, sizeof(*inserted));
    int keys[2] = {0, q->key};
    struct store_bulk b = {.table = q->def->name,
                           .cols = q->cols,
                           .types = q->types,
                           .ncols = q->ncols,
                           .v = q->v,
                           .nr = q->nr,
                           .skip_known = true,
                           .keys = keys,
                           .nkeys = q->key >= 0 ? 2 : 1,
                           .inserted = inserted};
    int rc = store_insert_many(st, &b, err);
    if (rc == 0)
        for (size_t r = 0; r < q->nr; r++)
            if (q->out[r].fn)
                q->out[r].fn(q->out[r].ctx, inserted[r] ? STORE_INSERTED : STORE_UNCHANGED);
    free(inserted);
    q->nr = 0;
    return rc;
}

int store_flush(struct store *st, struct lf_err *err)
{
    struct store_pending *p = st->pending;
    int rc = 0;
    if (!p || !p->rows)
        return 0;
    for (size_t i = 0; i < p->queues_nr && rc == 0; i++)
        rc = queue_flush(st, &p->queues[i], err);
    if (rc < 0)
        store_pending_drop(st);
    p->rows = 0;
    blocks_free(p);
    return rc;
}

int store_pending_add(struct store *st, int64_t ws, const struct resource_def *def,
                      const struct value *v, uint64_t given, void (*appended)(void *, int),
                      void *ctx, struct lf_err *err)
{
    if (!st->pending)
        st->pending = xcalloc(1, sizeof(*st->pending));
    struct store_pending *p = st->pending;
    struct queue *q = queue_of(p, def);
    size_t n = (size_t)q->ncols;
    if (q->nr == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 256;
        q->v = xrealloc(q->v, q->cap * n * sizeof(*q->v));
        q->out = xrealloc(q->out, q->cap * sizeof(*q->out));
    }
    struct value *row = q->v + q->nr * n;
    row[0] = (struct value){.i = ws};
    for (int c = 1; c < q->ncols; c++) {
        const struct field_def *f = &def->fields[q->fields[c]];
        const struct value *src = &v[q->fields[c]];
        struct value *dst = &row[c];
        if (!(given >> q->fields[c] & 1)) {
            *dst = f->dflt ? (struct value){.s = keep(p, f->dflt)} : (struct value){.null = true};
            continue;
        }
        *dst = *src;
        if (f->type == FIELD_REF)
            dst->null = src->null || !src->i; /* a REF is its internal id; 0 is none */
        else if (f->type == FIELD_REAL)
            dst->null = src->null || isnan(src->r);
        if (q->types[c] == 't' && !dst->null)
            dst->s = keep(p, src->s);
        else
            dst->s = NULL;
    }
    q->out[q->nr++] = (struct outcome){appended, ctx};
    if (++p->rows >= PENDING_FLUSH)
        return store_flush(st, err);
    return 0;
}

void store_pending_drop(struct store *st)
{
    struct store_pending *p = st->pending;
    if (!p)
        return;
    for (size_t i = 0; i < p->queues_nr; i++)
        p->queues[i].nr = 0;
    p->rows = 0;
    blocks_free(p);
}

void store_pending_free(struct store *st)
{
    struct store_pending *p = st->pending;
    if (!p)
        return;
    for (size_t i = 0; i < p->queues_nr; i++) {
        free(p->queues[i].v);
        free(p->queues[i].out);
    }
    free(p->queues);
    blocks_free(p);
    free(p);
    st->pending = NULL;
}
