/* merge.c - merging a row into another of its resource (FIELD_MERGE: a contact an anonymous id
 * made, into the person it turned out to be). Nothing is moved: the merged row stays, hidden,
 * pointing at the one it merged into, and every read maps it there (sql.c, read.c). Events,
 * which have no index on their contact, are never rewritten, so a merge costs a few rows
 * whatever the history behind it. */
#include "store_int.h"

#include <string.h>

#include "base/buf.h"

static const char *merge_column(const struct resource_def *def)
{
    return def->fields[resource_merge_field(def)].column;
}

int store_merge_check(struct store *st, int64_t ws, const struct resource_def *def,
                      const char *key, const struct value *into, int64_t *id,
                      struct lf_err *refusal, struct lf_err *err)
{
    const char *name = def->fields[resource_merge_field(def)].name;
    char text[256];
    snprintf(text, sizeof(text),
             "SELECT c.id, c.%s, m.%s FROM %s c LEFT JOIN %s m ON m.id = c.%s "
             "WHERE c.workspace_id = ?1 AND c.%s = ?2",
             merge_column(def), sql_key_column(def), def->name, def->name, merge_column(def),
             sql_key_column(def));
    struct sql *q = sql_static(st, text, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, key);
    int rc = sql_step(st, q, err), ret = 1;
    *id = 0;
    if (rc == 1) {
        int64_t merged = sql_id(st, q, 1);
        *id = sql_id(st, q, 0);
        if (into->i && (*id == into->i || merged == into->i)) {
            ret = 2; /* one already */
        } else if (merged) {
            err_set_field(refusal, name, LF_ECONFLICT,
                          "%s '%s' was merged into '%s' already: a merge is final",
                          def->singular, key, sql_text(st, q, 2));
        }
    } else if (rc == 0 && into->s && strcmp(into->s, key) == 0) {
        ret = 2; /* an id merged into itself: nothing to do */
    }
    sql_done(st, q);
    return rc < 0 ? -1 : ret;
}

/* The fields `into` lacks take the merged row's: an email known only under the anonymous id
 * is kept. */
static int fill_gaps(struct store *st, const struct resource_def *def, int64_t from,
                     int64_t into, struct lf_err *err)
{
    struct buf text = BUF_INIT;
    buf_addf(&text, "UPDATE %s SET ", def->name);
    bool first = true;
    for (size_t i = 1; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (f->flags & (FIELD_MERGE | FIELD_READONLY | FIELD_DERIVED))
            continue;
        buf_addf(&text, "%s%s = COALESCE(%s, (SELECT f.%s FROM %s f WHERE f.id = ?1))",
                 first ? "" : ", ", f->column, f->column, f->column, def->name);
        first = false;
    }
    buf_adds(&text, " WHERE id = ?2");
    struct sql *q = sql_static(st, buf_str(&text), err);
    buf_release(&text);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, from);
    sql_bind_int(st, q, 2, into);
    return sql_run(st, q, err);
}

int store_merge_apply(struct store *st, int64_t ws, const struct resource_def *def,
                      int64_t from, int64_t into, bool existed, struct lf_err *err)
{
    char text[160];
    /* the rows merged into `from` follow it: a merged row always names a live one */
    snprintf(text, sizeof(text), "UPDATE %s SET %s = ?2 WHERE %s = ?1", def->name,
             merge_column(def), merge_column(def));
    struct sql *q = sql_static(st, text, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, from);
    sql_bind_int(st, q, 2, into);
    if (sql_run(st, q, err) < 0 || fill_gaps(st, def, from, into, err) < 0)
        return -1;
    /* keys cached as naming `from` (or a row merged into it) name `into` now */
    store_caches_drop(st);
    if (!existed) /* an id reserved for the contact: nothing was seen under it */
        return 0;
    int64_t from_account, into_account;
    if (store_account_of(st, def, from, &from_account, err) < 0 ||
        store_account_of(st, def, into, &into_account, err) < 0)
        return -1;
    /* to a reader the merged row is gone and the other one has changed (more events, maybe
     * more fields) */
    if (store_log_change(st, ws, def, from, from_account, STORE_DELETED, err) < 0)
        return -1;
    return store_log_change(st, ws, def, into, into_account, STORE_UPDATED, err);
}

int store_merged_delete(struct store *st, const struct resource_def *def, int64_t into,
                        struct lf_err *err)
{
    char text[160];
    snprintf(text, sizeof(text), "DELETE FROM %s WHERE %s = ?1", def->name, merge_column(def));
    struct sql *q = sql_static(st, text, err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, into);
    return sql_run(st, q, err);
}
