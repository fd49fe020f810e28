/* hooks.c - what writes do beyond their own row: the MRR history behind an account's MRR, the
 * event-name dictionary, the change log, and explicit, audited deletes. */
#include "store_int.h"

#include <string.h>

#include "base/time.h"

int store_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err)
{
    if (!account_id)
        return 0;
    struct sql *q = sql_static(st, "UPDATE accounts SET mrr = COALESCE((SELECT mrr FROM "
                                   "mrr_changes WHERE account_id = ?1 ORDER BY date DESC "
                                   "LIMIT 1), 0) WHERE id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, account_id);
    return sql_run(st, q, err);
}

/* Returns 1 when the history changed, 0 when the MRR was already the account's, -1 on error. */
int store_hook_mrr_point(struct store *st, int64_t ws, int64_t account_id, int64_t mrr,
                         int64_t today, struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT a.mrr, a.customer_since, EXISTS (SELECT 1 FROM "
                                   "mrr_changes m WHERE m.account_id = a.id) FROM accounts a "
                                   "WHERE a.id = ?1", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, account_id);
    int rc = sql_step(st, q, err);
    int64_t current = rc == 1 ? sql_id(st, q, 0) : 0, since = rc == 1 ? sql_int(st, q, 1) : 0;
    bool history = rc == 1 && sql_id(st, q, 2) != 0;
    sql_done(st, q);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(err, LF_ESTORE, "account %lld vanished", (long long)account_id);
    /* An account's first MRR starts its history (at customer_since when known); later ones
     * are changes dated today. An account that never paid has no history to start. */
    if (history ? current == mrr : mrr == 0)
        return 0;
    struct store_row m;
    store_row_init(&m, &resource_mrr_changes, STORE_UPSERT);
    store_row_ref(&m, MRR_ACCOUNT, NULL, account_id);
    store_row_int(&m, MRR_DATE, !history && since != LF_UNSET ? since : today);
    store_row_int(&m, MRR_MRR, mrr);
    if (store_write(st, ws, &m, 1, NULL, NULL, err) < 0)
        return -1;
    if (m.err.code) {
        *err = m.err;
        return err_prefix(err, "cannot record the MRR of account %lld", (long long)account_id);
    }
    return m.change != STORE_UNCHANGED;
}

int store_name_code(struct store *st, int64_t ws, const char *name, int64_t *code,
                    struct lf_err *err)
{
    /* The cache holds one workspace's names: a handle nearly always works in one. */
    if (ws != st->names_ws) {
        strmap_release(&st->names);
        strmap_init(&st->names);
        st->names_ws = ws;
    }
    size_t len = strlen(name);
    if (strmap_get(&st->names, name, len, code))
        return 0;
    struct sql *q = sql_static(st, "INSERT INTO event_names(workspace_id, name) VALUES (?1, ?2) "
                                   "ON CONFLICT DO NOTHING", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    if (sql_run(st, q, err) < 0 ||
        !(q = sql_static(st, "SELECT id FROM event_names WHERE workspace_id = ?1 AND name = ?2",
                         err)))
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    int found = sql_lookup(st, q, code, err);
    if (found <= 0)
        return found < 0 ? -1 : err_set(err, LF_ESTORE, "event name '%s' vanished", name);
    strmap_put(&st->names, name, len, *code);
    return 0;
}

int store_log_change(struct store *st, int64_t ws, const struct resource_def *def, int64_t id,
                     int64_t account_id, int op, struct lf_err *err)
{
    struct sql *q = sql_static(st, "INSERT INTO changes(workspace_id, resource, row_id, "
                                   "account_id, op, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, def ? def->code : 0);
    sql_bind_int(st, q, 3, id);
    sql_bind_id(st, q, 4, account_id);
    sql_bind_int(st, q, 5, op);
    sql_bind_int(st, q, 6, time_now_ms());
    /* nothing reads the entry back in the transaction: an engine may send it ahead */
    return sql_run_later(st, q, err);
}

int store_account_of(struct store *st, const struct resource_def *def, int64_t id,
                     int64_t *account, struct lf_err *err)
{
    *account = def == &resource_accounts ? id : 0;
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].type == FIELD_REF && def->fields[i].ref == &resource_accounts) {
            char text[128];
            snprintf(text, sizeof(text), "SELECT %s FROM %s WHERE id = ?1",
                     def->fields[i].column, def->name);
            struct sql *q = sql_static(st, text, err);
            if (!q)
                return -1;
            sql_bind_int(st, q, 1, id);
            return sql_lookup(st, q, account, err) < 0 ? -1 : 0;
        }
    return 0;
}

/* ---- deletes ---- */

/* Whether any row of "table.column" holds id: 1, 0, or -1 on error. A scan where the column has
 * no index: deletes are rare and explicit. */
static int weak_ref_exists(struct store *st, const struct resource_def *def, const char *ref,
                           int64_t id, struct lf_err *err)
{
    char text[320];
    int dot = (int)strcspn(ref, "."), m = resource_merge_field(def);
    if (m >= 0) /* rows naming one merged into it are its too */
        snprintf(text, sizeof(text),
                 "SELECT EXISTS (SELECT 1 FROM %.*s WHERE %s IN (SELECT id FROM %s WHERE id = ?1 "
                 "OR %s = ?1))",
                 dot, ref, ref + dot + 1, def->name, def->fields[m].column);
    else
        snprintf(text, sizeof(text), "SELECT EXISTS (SELECT 1 FROM %.*s WHERE %s = ?1)", dot,
                 ref, ref + dot + 1);
    struct sql *q = sql_static(st, text, err);
    int64_t exists = 0;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    return sql_lookup(st, q, &exists, err) < 0 ? -1 : exists != 0;
}

int store_delete(struct store *st, int64_t ws, const struct resource_def *def,
                 const struct value *key, const char *actor, const char *row_json,
                 struct lf_err *err)
{
    char keytext[32], text[160];
    const char *name = def->ext_key ? key->s : keytext;
    int64_t id, account = 0;
    snprintf(keytext, sizeof(keytext), "%lld", (long long)key->i);
    if (!st->in_write)
        return err_set(err, LF_EINTERNAL, "store_delete outside a transaction");
    int found = store_find(st, ws, def, key, &id, err);
    if (found <= 0)
        return found;
    for (const char *const *ref = def->weak_refs; ref && *ref; ref++) {
        int referred = weak_ref_exists(st, def, *ref, id, err);
        if (referred < 0)
            return -1;
        if (referred)
            return err_set(err, LF_ECONFLICT, "%s '%s' is still referred to by %.*s; delete "
                           "those first", def->singular, name, (int)strcspn(*ref, "."), *ref);
    }
    if (store_account_of(st, def, id, &account, err) < 0)
        return -1;
    struct sql *audit = sql_static(st, "INSERT INTO audit_log(workspace_id, at, actor, action, "
                                       "resource, row_key, data) VALUES (?1, ?2, ?3, 'delete', "
                                       "?4, ?5, ?6)", err);
    if (!audit)
        return -1;
    sql_bind_int(st, audit, 1, ws);
    sql_bind_int(st, audit, 2, time_now_ms());
    sql_bind_text(st, audit, 3, actor);
    sql_bind_text(st, audit, 4, def->name);
    sql_bind_text(st, audit, 5, name);
    sql_bind_text(st, audit, 6, row_json);
    if (sql_run(st, audit, err) < 0)
        return -1;
    snprintf(text, sizeof(text), "DELETE FROM %s WHERE id = ?1", def->name);
    struct sql *del = sql_static(st, text, err);
    if (!del)
        return -1;
    sql_bind_int(st, del, 1, id);
    if ((resource_merge_field(def) >= 0 && store_merged_delete(st, def, id, err) < 0) ||
        sql_run(st, del, err) < 0) {
        if (err && err->code == LF_ECONFLICT)
            err_set(err, LF_ECONFLICT, "%s '%s' is still referred to by other rows; delete "
                    "those first", def->singular, name);
        return -1;
    }
    store_caches_drop(st);
    if (store_log_change(st, ws, def, id, account, STORE_DELETED, err) < 0)
        return -1;
    if ((def->hooks & HOOK_MRR_SYNC) && store_mrr_sync(st, account, err) < 0)
        return -1;
    return 1;
}
