/* store_sqlite_rows.c - SQL built from resource definitions: list with filters, sort and keyset
 * pagination, get, create/replace/merge, audited delete. Column names come only from the
 * definitions in model/resource.c, never from a request, so the SQL cannot be injected into. */
#include <math.h>
#include <string.h>

#include "base/buf.h"
#include "base/time.h"
#include "store_sqlite_int.h"

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
    return rc == SQLITE_DONE ? n : store_sqlite_fail(st, err, "cannot read rows");
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

int sqlite_rows_list(struct store *st, int64_t ws, const struct resource_def *def,
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
    if (sqlite3_prepare_v2(store_sqlite_db(st), buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        store_sqlite_fail(st, err, "cannot prepare a listing");
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

int sqlite_row_get(struct store *st, int64_t ws, const struct resource_def *def,
                   const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err)
{
    struct buf sql = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    int ret = -1;
    select_list(&sql, def);
    buf_addf(&sql, " AND t.%s = ?2", key_column(def));
    if (sqlite3_prepare_v2(store_sqlite_db(st), buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        store_sqlite_fail(st, err, "cannot prepare a lookup");
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
    if (sqlite3_prepare_v2(store_sqlite_db(st), sql, -1, &stmt, NULL) != SQLITE_OK)
        return store_sqlite_fail(st, err, "cannot prepare a lookup");
    sqlite3_bind_int64(stmt, 1, ws);
    bind_key(stmt, 2, def, key);
    int rc = sqlite3_step(stmt), ret = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 0);
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = store_sqlite_fail(st, err, "lookup failed");
    }
    sqlite3_finalize(stmt);
    return ret;
}

/* Turns a constraint failure into LF_ECONFLICT with SQLite's reason; other failures stay
 * LF_ESTORE. */
static int write_failed(struct store *st, const struct resource_def *def, struct lf_err *err)
{
    sqlite3 *db = store_sqlite_db(st);
    int ext = sqlite3_extended_errcode(db);
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
        return err_set(err, LF_ECONFLICT, "the %s is referred to by other rows, or refers to "
                       "one that does not exist", def->singular);
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        return err_set(err, LF_ECONFLICT, "the %s breaks a constraint: %s", def->singular,
                       sqlite3_errmsg(db));
    return store_sqlite_fail(st, err, "cannot write a row");
}

static bool writable(const struct field_def *f, const bool *given, size_t i)
{
    /* Read-only fields are written only when landfall itself gives them (created_at). */
    return !(f->flags & (FIELD_KEY | FIELD_DERIVED)) && (!(f->flags & FIELD_READONLY) || given[i]);
}

static int insert(struct store *st, int64_t ws, const struct resource_def *def,
                  const struct value *key, const struct value *v, const bool *given,
                  int64_t *id, struct lf_err *err)
{
    struct buf sql = BUF_INIT, vals = BUF_INIT;
    sqlite3_stmt *stmt = NULL;
    int ret = -1, param = 2;
    buf_addf(&sql, "INSERT INTO %s(workspace_id", def->name);
    buf_adds(&vals, "?1");
    if (def->ext_key) {
        buf_adds(&sql, ", ext_id");
        buf_addf(&vals, ", ?%d", param++);
    }
    for (size_t i = 0; i < def->fields_nr; i++)
        if (writable(&def->fields[i], given, i) && (given[i] || def->fields[i].dflt)) {
            buf_addf(&sql, ", %s", def->fields[i].column);
            buf_addf(&vals, ", ?%d", param++);
        }
    buf_addf(&sql, ") VALUES (%s)", buf_str(&vals));
    if (sqlite3_prepare_v2(store_sqlite_db(st), buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        store_sqlite_fail(st, err, "cannot prepare an insert");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, ws);
    param = 2;
    if (def->ext_key)
        sqlite3_bind_text(stmt, param++, key->s, -1, SQLITE_STATIC);
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (!writable(f, given, i) || !(given[i] || f->dflt))
            continue;
        if (given[i])
            bind_value(stmt, param++, f, &v[i]);
        else
            sqlite3_bind_text(stmt, param++, f->dflt, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        write_failed(st, def, err);
        goto out;
    }
    *id = sqlite3_last_insert_rowid(store_sqlite_db(st));
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
    int ret = -1, param = 2;
    buf_addf(&sql, "UPDATE %s SET ", def->name);
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (!writable(f, given, i) || !(given[i] || replace))
            continue;
        buf_addf(&sql, "%s%s = ?%d", param > 2 ? ", " : "", f->column, param);
        buf_addf(&differs, "%s%s IS NOT ?%d", param > 2 ? " OR " : "", f->column, param);
        param++;
    }
    if (param == 2) { /* nothing to write */
        *change = STORE_UNCHANGED;
        ret = 0;
        goto out;
    }
    buf_addf(&sql, " WHERE id = ?1 AND (%s)", buf_str(&differs));
    if (sqlite3_prepare_v2(store_sqlite_db(st), buf_str(&sql), -1, &stmt, NULL) != SQLITE_OK) {
        store_sqlite_fail(st, err, "cannot prepare an update");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, id);
    param = 2;
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (!writable(f, given, i) || !(given[i] || replace))
            continue;
        if (given[i])
            bind_value(stmt, param++, f, &v[i]);
        else if (f->dflt)
            sqlite3_bind_text(stmt, param++, f->dflt, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, param++);
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        write_failed(st, def, err);
        goto out;
    }
    *change = sqlite3_changes(store_sqlite_db(st)) ? STORE_UPDATED : STORE_UNCHANGED;
    ret = 0;
out:
    sqlite3_finalize(stmt);
    buf_release(&sql);
    buf_release(&differs);
    return ret;
}

int sqlite_row_write(struct store *st, int64_t ws, const struct resource_def *def,
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

static int exec(struct store *st, const char *sql, struct lf_err *err)
{
    if (sqlite3_exec(store_sqlite_db(st), sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_sqlite_fail(st, err, sql);
    return 0;
}

int sqlite_row_delete(struct store *st, int64_t ws, const struct resource_def *def,
                      const struct value *key, const char *actor, const char *row_json,
                      struct lf_err *err)
{
    int64_t id;
    int found = find(st, ws, def, key, &id, err);
    if (found <= 0)
        return found;
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *audit = NULL, *del = NULL;
    char sql[128];
    int ret = -1;
    if (exec(st, "SAVEPOINT row_delete", err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?1", def->name);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO audit_log(workspace_id, at, actor, action, resource, "
                           "row_key, data) VALUES (?1, ?2, ?3, 'delete', ?4, ?5, ?6)",
                           -1, &audit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK) {
        store_sqlite_fail(st, err, "cannot prepare a delete");
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
        store_sqlite_fail(st, err, "cannot write the audit log");
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
        exec(st, "ROLLBACK TO row_delete", NULL);
    exec(st, "RELEASE row_delete", ret < 0 ? NULL : err);
    return ret;
}

int sqlite_account_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(store_sqlite_db(st),
                           "UPDATE accounts SET mrr = COALESCE((SELECT mrr FROM mrr_changes "
                           "WHERE account_id = ?1 ORDER BY date DESC LIMIT 1), 0) WHERE id = ?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return store_sqlite_fail(st, err, "cannot prepare an MRR update");
    sqlite3_bind_int64(stmt, 1, account_id);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : store_sqlite_fail(st, err, "cannot update an account's MRR");
}
