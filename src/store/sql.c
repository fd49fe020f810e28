/* sql.c - the statement API the generic store code runs SQL through (a statement cache over
 * the engine's primitives), and the SELECT every read of a resource shares, built from its
 * definition. Column and table names come only from the definitions, never from a request. */
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* ---- statements ---- */

static struct sql *cached(struct store *st, const char *key, size_t key_len, const char *text,
                          bool stream, struct lf_err *err)
{
    int64_t i;
    if (strmap_get(&st->stmt_index, key, key_len, &i))
        return st->stmts[i]; /* reset by sql_done after its last use */
    struct sql *q;
    if (st->ops->prepare(st, text, stream, &q, err) < 0)
        return NULL;
    st->stmts = xgrow(st->stmts, sizeof(*st->stmts), st->stmts_nr + 1, &st->stmts_cap);
    st->stmts[st->stmts_nr] = q;
    strmap_put(&st->stmt_index, key, key_len, (int64_t)st->stmts_nr++);
    return q;
}

struct sql *sql_cached(struct store *st, const char *key,
                       void (*build)(struct buf *sql, const void *arg), const void *arg,
                       struct lf_err *err)
{
    size_t len = strlen(key);
    int64_t i;
    if (strmap_get(&st->stmt_index, key, len, &i))
        return st->stmts[i];
    struct buf text = BUF_INIT;
    build(&text, arg);
    struct sql *q = cached(st, key, len, buf_str(&text), false, err);
    buf_release(&text);
    return q;
}

struct sql *sql_static(struct store *st, const char *text, struct lf_err *err)
{
    return cached(st, text, strlen(text), text, false, err);
}

struct sql *sql_scan(struct store *st, const char *text, struct lf_err *err)
{
    /* a key of its own: the same text may be cached as a plain statement too */
    struct buf key = BUF_INIT;
    buf_addf(&key, "scan:%s", text);
    struct sql *q = cached(st, key.ptr, key.len, text, true, err);
    buf_release(&key);
    return q;
}

struct sql *sql_new(struct store *st, const char *text, struct lf_err *err)
{
    struct sql *q;
    return st->ops->prepare(st, text, true, &q, err) < 0 ? NULL : q;
}

void sql_done(struct store *st, struct sql *q)
{
    if (q)
        st->ops->reset(q);
}

void sql_free(struct store *st, struct sql *q)
{
    if (q)
        st->ops->finalize(q);
}

int sql_exec(struct store *st, const char *text, struct lf_err *err)
{
    return st->ops->exec(st, text, err);
}

/* ---- binding ---- */

void sql_bind_text(struct store *st, struct sql *q, int i, const char *v)
{
    if (v)
        st->ops->bind_text(q, i, v);
    else
        st->ops->bind_null(q, i);
}

void sql_bind_int(struct store *st, struct sql *q, int i, int64_t v)
{
    if (v == LF_UNSET)
        st->ops->bind_null(q, i);
    else
        st->ops->bind_int(q, i, v);
}

void sql_bind_id(struct store *st, struct sql *q, int i, int64_t v)
{
    if (v)
        st->ops->bind_int(q, i, v);
    else
        st->ops->bind_null(q, i);
}

void sql_bind_real(struct store *st, struct sql *q, int i, double v)
{
    if (isnan(v))
        st->ops->bind_null(q, i);
    else
        st->ops->bind_real(q, i, v);
}

void sql_bind_value(struct store *st, struct sql *q, int i, const struct field_def *f,
                    const struct value *v)
{
    if (v->null) {
        st->ops->bind_null(q, i);
        return;
    }
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_JSON:
        st->ops->bind_text(q, i, v->s);
        break;
    case FIELD_REAL:
        st->ops->bind_real(q, i, v->r);
        break;
    case FIELD_REF:
        sql_bind_id(st, q, i, v->i);
        break;
    default: /* INT, TIME, DATE, MONEY, BOOL, DICT (its code) */
        st->ops->bind_int(q, i, v->i);
    }
}

/* ---- stepping and reading ---- */

int sql_step(struct store *st, struct sql *q, struct lf_err *err)
{
    return st->ops->step(q, err);
}

int sql_run(struct store *st, struct sql *q, struct lf_err *err)
{
    int rc;
    while ((rc = st->ops->step(q, err)) == 1)
        ;
    st->ops->reset(q);
    return rc < 0 ? -1 : 0;
}

int sql_each(struct store *st, struct sql *q, enum sql_kind kind, sql_row_fn *row, void *arg,
             struct lf_err *err)
{
    int rc, ret = 0;
    while ((rc = st->ops->step(q, err)) == 1)
        if (row(arg, st, q, err) < 0) {
            ret = -1;
            break;
        }
    if (rc < 0)
        ret = -1;
    if (kind == SQL_NEW)
        sql_free(st, q);
    else
        sql_done(st, q);
    return ret;
}

int sql_changed(struct store *st, struct sql *q, struct lf_err *err)
{
    int rc = st->ops->step(q, err);
    int64_t n = rc >= 0 ? st->ops->changes(q) : 0;
    st->ops->reset(q);
    return rc < 0 ? -1 : n > 0;
}

int sql_run_later(struct store *st, struct sql *q, struct lf_err *err)
{
    return st->ops->run_later ? st->ops->run_later(q, err) : sql_run(st, q, err);
}

int sql_lookup(struct store *st, struct sql *q, int64_t *out, struct lf_err *err)
{
    int rc = st->ops->step(q, err);
    if (rc == 1)
        *out = st->ops->col_int(q, 0);
    st->ops->reset(q);
    return rc;
}

bool sql_null(struct store *st, struct sql *q, int i)
{
    return st->ops->col_null(q, i);
}

int64_t sql_int(struct store *st, struct sql *q, int i)
{
    return st->ops->col_null(q, i) ? LF_UNSET : st->ops->col_int(q, i);
}

int64_t sql_id(struct store *st, struct sql *q, int i)
{
    return st->ops->col_null(q, i) ? 0 : st->ops->col_int(q, i);
}

double sql_real(struct store *st, struct sql *q, int i)
{
    return st->ops->col_null(q, i) ? NAN : st->ops->col_real(q, i);
}

const char *sql_text(struct store *st, struct sql *q, int i)
{
    return st->ops->col_null(q, i) ? NULL : st->ops->col_text(q, i);
}

int64_t sql_changes(struct store *st, struct sql *q)
{
    return st->ops->changes(q);
}

void sql_value(struct store *st, struct sql *q, int c, const struct field_def *f,
               struct value *v)
{
    *v = (struct value){.null = st->ops->col_null(q, c)};
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_JSON:
        v->s = v->null ? NULL : st->ops->col_text(q, c);
        break;
    case FIELD_REAL:
        v->r = v->null ? NAN : st->ops->col_real(q, c);
        break;
    case FIELD_REF:
        v->i = v->null ? 0 : st->ops->col_int(q, c);
        v->s = sql_text(st, q, c + 1);
        v->null = v->null || !v->s; /* a weak reference to a row that is gone reads as null */
        break;
    case FIELD_DICT:
        v->i = v->null ? 0 : st->ops->col_int(q, c);
        v->s = sql_text(st, q, c + 1);
        break;
    default:
        v->i = v->null ? 0 : st->ops->col_int(q, c);
    }
}

/* ---- the SELECT of a resource ---- */

const char *sql_key_column(const struct resource_def *def)
{
    return def->fields[RESOURCE_KEY].column;
}

void sql_select(struct buf *out, const struct resource_def *def)
{
    sql_select_by(out, def, "t.workspace_id = ?1");
}

/* A reference to a resource whose rows merge (contacts) answers as the row its target was
 * merged into: the target and what it merged into are joined as rN and mN. */
static bool merging_ref(const struct field_def *f)
{
    return f->type == FIELD_REF && !(f->flags & FIELD_MERGE) && resource_merge_field(f->ref) >= 0;
}

void sql_select_by(struct buf *out, const struct resource_def *def, const char *where)
{
    struct buf joins = BUF_INIT;
    buf_adds(out, "SELECT t.id");
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        const char *key = f->type == FIELD_REF ? sql_key_column(f->ref) : NULL;
        if (f->flags & FIELD_MERGE) { /* never read back */
            buf_adds(out, ", NULL, NULL");
        } else if (merging_ref(f)) {
            int m = resource_merge_field(f->ref);
            buf_addf(out, ", COALESCE(m%zu.id, t.%s), COALESCE(m%zu.%s, r%zu.%s)", i, f->column, i,
                     key, i, key);
            buf_addf(&joins, " LEFT JOIN %s r%zu ON r%zu.id = t.%s LEFT JOIN %s m%zu ON m%zu.id = "
                             "r%zu.%s",
                     f->ref->name, i, i, f->column, f->ref->name, i, i, i,
                     f->ref->fields[m].column);
        } else if (f->type == FIELD_REF) {
            buf_addf(out, ", t.%s, (SELECT r.%s FROM %s r WHERE r.id = t.%s)", f->column, key,
                     f->ref->name, f->column);
        } else if (f->type == FIELD_DICT) {
            buf_addf(out, ", t.%s, (SELECT n.name FROM event_names n WHERE n.id = t.%s)",
                     f->column, f->column);
        } else {
            buf_addf(out, ", t.%s", f->column);
        }
    }
    buf_addf(out, " FROM %s t%s WHERE %s", def->name, buf_str(&joins), where);
    /* merged rows are hidden: their key is looked up through sql_find_key */
    int m = resource_merge_field(def);
    if (m >= 0)
        buf_addf(out, " AND t.%s IS NULL", def->fields[m].column);
    buf_release(&joins);
}

void sql_find_key(struct buf *out, const struct resource_def *def)
{
    int m = resource_merge_field(def);
    if (m >= 0)
        buf_addf(out, "SELECT COALESCE(%s, id) FROM %s WHERE workspace_id = ?1 AND %s = ?2",
                 def->fields[m].column, def->name, sql_key_column(def));
    else
        buf_addf(out, "SELECT id FROM %s WHERE workspace_id = ?1 AND %s = ?2", def->name,
                 sql_key_column(def));
}

void sql_columns(const struct resource_def *def, int cols[RESOURCE_MAX_FIELDS])
{
    int c = 1;
    for (size_t i = 0; i < def->fields_nr; i++) {
        cols[i] = c;
        c += def->fields[i].type == FIELD_REF || def->fields[i].type == FIELD_DICT ? 2 : 1;
    }
}

void sql_row(struct store *st, struct sql *q, const struct resource_def *def, struct value *v)
{
    int cols[RESOURCE_MAX_FIELDS];
    sql_columns(def, cols);
    for (size_t i = 0; i < def->fields_nr; i++)
        sql_value(st, q, cols[i], &def->fields[i], &v[i]);
}
