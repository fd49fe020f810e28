/* read.c - reading resource rows: by key, listed with filters, sorting and keyset pages, and
 * the typed scans the metrics and the engine read, all through the SELECT built from each
 * resource's definition (sql.c). */
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Runs a statement built on sql_select, calling fn per row; returns the row count or -1. */
static int each_row(struct store *st, struct sql *q, const struct resource_def *def,
                    store_row_fn fn, void *ctx, struct lf_err *err)
{
    struct value v[RESOURCE_MAX_FIELDS];
    int rc, n = 0;
    while ((rc = sql_step(st, q, err)) == 1) {
        sql_row(st, q, def, v);
        if (fn(ctx, sql_id(st, q, 0), v, err) < 0)
            return -1;
        n++;
    }
    return rc < 0 ? -1 : n;
}

static void get_sql(struct buf *sql, const void *arg)
{
    const struct resource_def *def = arg;
    sql_select(sql, def);
    if (resource_merge_field(def) >= 0) { /* a merged row's key names the row it merged into */
        buf_adds(sql, " AND t.id = (");
        sql_find_key(sql, def);
        buf_adds(sql, ")");
    } else {
        buf_addf(sql, " AND t.%s = ?2", def->ext_key ? sql_key_column(def) : "id");
    }
}

/* The condition of filter f = ?p: a reference to a merging resource matches the rows that name
 * the row itself or one merged into it. */
static void filter_sql(struct buf *sql, const struct field_def *f, int p)
{
    int m = f->type == FIELD_REF ? resource_merge_field(f->ref) : -1;
    if (m >= 0)
        buf_addf(sql, " AND t.%s IN (SELECT id FROM %s WHERE id = ?%d OR %s = ?%d)", f->column,
                 f->ref->name, p, f->ref->fields[m].column, p);
    else
        buf_addf(sql, " AND t.%s IS NOT DISTINCT FROM ?%d", f->column, p);
}

int store_get(struct store *st, int64_t ws, const struct resource_def *def,
              const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err)
{
    char name[64];
    snprintf(name, sizeof(name), "g:%s", def->name);
    struct buf text = BUF_INIT;
    get_sql(&text, def);
    /* not cached: fn may read the store again */
    struct sql *q = sql_new(st, buf_str(&text), err);
    buf_release(&text);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (def->ext_key)
        sql_bind_text(st, q, 2, key->s);
    else
        sql_bind_int(st, q, 2, key->i);
    int n = each_row(st, q, def, fn, ctx, err);
    sql_free(st, q);
    return n < 0 ? -1 : n > 0;
}

/* How a sort column orders NULLs: as the lowest value of its type, so that keysets compare. */
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

int store_list(struct store *st, int64_t ws, const struct resource_def *def,
               const struct store_query *q, store_row_fn fn, void *ctx, struct lf_err *err)
{
    struct buf text = BUF_INIT;
    int param = 2, ret = -1;
    sql_select(&text, def);
    for (size_t i = 0; i < q->filters_nr; i++)
        filter_sql(&text, q->filter[i], param++);
    if (q->after) {
        buf_adds(&text, " AND (");
        sort_expr(&text, q->sort);
        buf_addf(&text, ", t.id) %s (?%d, ?%d)", q->desc ? "<" : ">", param, param + 1);
    }
    buf_adds(&text, " ORDER BY ");
    sort_expr(&text, q->sort);
    buf_addf(&text, "%s, t.id%s", q->desc ? " DESC" : "", q->desc ? " DESC" : "");
    if (q->limit)
        buf_addf(&text, " LIMIT %zu", q->limit);
    struct sql *s = sql_new(st, buf_str(&text), err);
    if (!s)
        goto out;
    sql_bind_int(st, s, 1, ws);
    param = 2;
    for (size_t i = 0; i < q->filters_nr; i++) {
        const struct field_def *f = q->filter[i];
        if (f->type == FIELD_REF || f->type == FIELD_DICT) /* the internal id or code */
            sql_bind_int(st, s, param++, q->filter_value[i].i);
        else
            sql_bind_value(st, s, param++, f, &q->filter_value[i]);
    }
    if (q->after) {
        if (q->sort)
            sql_bind_value(st, s, param, q->sort, &q->after_value);
        else
            sql_bind_int(st, s, param, q->after_id);
        sql_bind_int(st, s, param + 1, q->after_id);
    }
    ret = each_row(st, s, def, fn, ctx, err) < 0 ? -1 : 0;
out:
    sql_free(st, s);
    buf_release(&text);
    return ret;
}

/* ---- typed scans ---- */

struct typed {
    void *fn, *ctx;
    int (*emit)(void *fn, void *ctx, int64_t id, const struct value *v, struct lf_err *err);
};

static int typed_row(void *p, int64_t id, const struct value *v, struct lf_err *err)
{
    struct typed *t = p;
    return t->emit(t->fn, t->ctx, id, v, err);
}

/* Scans def's rows in workspace ws with an extra WHERE clause and an order. */
static int scan(struct store *st, int64_t ws, const struct resource_def *def, const char *where,
                const char *order, const int64_t *binds, size_t binds_nr, struct typed *t,
                struct lf_err *err)
{
    struct buf text = BUF_INIT;
    /* events are walked in id order, not through the workspace's message-id index */
    sql_select_by(&text, def,
                  def == &resource_events ? "t.workspace_id + 0 = ?1" : "t.workspace_id = ?1");
    buf_addf(&text, "%s ORDER BY %s", where, order);
    struct sql *q = sql_new(st, buf_str(&text), err);
    buf_release(&text);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    for (size_t i = 0; i < binds_nr; i++)
        sql_bind_int(st, q, (int)i + 2, binds[i]);
    int n = each_row(st, q, def, typed_row, t, err);
    sql_free(st, q);
    return n < 0 ? -1 : 0;
}

static const char *text_of(const struct value *v)
{
    return v->null ? NULL : v->s;
}

static int64_t int_of(const struct value *v)
{
    return v->null ? LF_UNSET : v->i;
}

static int64_t id_of(const struct value *v)
{
    return v->null ? 0 : v->i;
}

static int emit_account(void *fn, void *ctx, int64_t id, const struct value *v,
                        struct lf_err *err)
{
    struct account a = {.id = id,
                        .ext_id = v[ACCOUNT_ID].s,
                        .name = text_of(&v[ACCOUNT_NAME]),
                        .plan = text_of(&v[ACCOUNT_PLAN]),
                        .segment = text_of(&v[ACCOUNT_SEGMENT]),
                        .currency = text_of(&v[ACCOUNT_CURRENCY]),
                        .stage = text_of(&v[ACCOUNT_STAGE]),
                        .owner = text_of(&v[ACCOUNT_OWNER]),
                        .mrr = int_of(&v[ACCOUNT_MRR]),
                        .seats = int_of(&v[ACCOUNT_SEATS]),
                        .customer_since = int_of(&v[ACCOUNT_SINCE]),
                        .renewal_date = int_of(&v[ACCOUNT_RENEWAL]),
                        .attrs_json = text_of(&v[ACCOUNT_ATTRS]),
                        .stub = v[ACCOUNT_STUB].i != 0};
    return ((store_account_fn)fn)(ctx, &a, err);
}

int store_accounts_scan(struct store *st, int64_t ws, store_account_fn fn, void *ctx,
                        struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_account};
    return scan(st, ws, &resource_accounts, "", "t.id", NULL, 0, &t, err);
}

int store_accounts_some(struct store *st, int64_t ws, const int64_t *ids, size_t nr,
                        store_account_fn fn, void *ctx, struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_account};
    for (size_t i = 0; i < nr; i++)
        if (scan(st, ws, &resource_accounts, " AND t.id = ?2", "t.id", &ids[i], 1, &t, err) < 0)
            return -1;
    return 0;
}

static int emit_contact(void *fn, void *ctx, int64_t id, const struct value *v,
                        struct lf_err *err)
{
    struct contact c = {.id = id,
                        .account_id = id_of(&v[CONTACT_ACCOUNT]),
                        .ext_id = v[CONTACT_ID].s,
                        .account_ext_id = text_of(&v[CONTACT_ACCOUNT]),
                        .email = text_of(&v[CONTACT_EMAIL]),
                        .name = text_of(&v[CONTACT_NAME]),
                        .role = text_of(&v[CONTACT_ROLE]),
                        .created_at = int_of(&v[CONTACT_CREATED]),
                        .attrs_json = text_of(&v[CONTACT_ATTRS])};
    return ((store_contact_fn)fn)(ctx, &c, err);
}

int store_contacts_scan(struct store *st, int64_t ws, store_contact_fn fn, void *ctx,
                        struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_contact};
    return scan(st, ws, &resource_contacts, "", "t.id", NULL, 0, &t, err);
}

static int emit_mrr(void *fn, void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct mrr_change m = {.id = id,
                           .account_id = id_of(&v[MRR_ACCOUNT]),
                           .account_ext_id = text_of(&v[MRR_ACCOUNT]),
                           .date = v[MRR_DATE].i,
                           .mrr = v[MRR_MRR].i,
                           .reason = text_of(&v[MRR_REASON])};
    return ((store_mrr_fn)fn)(ctx, &m, err);
}

int store_mrr_changes_scan(struct store *st, int64_t ws, int64_t account_id, store_mrr_fn fn,
                           void *ctx, struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_mrr};
    if (account_id)
        return scan(st, ws, &resource_mrr_changes, " AND t.account_id = ?2", "t.date",
                    &account_id, 1, &t, err);
    return scan(st, ws, &resource_mrr_changes, "", "t.account_id, t.date", NULL, 0, &t, err);
}

static int emit_order(void *fn, void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct order o = {.id = id,
                      .account_id = id_of(&v[ORDER_ACCOUNT]),
                      .contact_id = id_of(&v[ORDER_CONTACT]),
                      .ext_id = v[ORDER_ID].s,
                      .customer_ext_id = text_of(&v[ORDER_ACCOUNT]),
                      .ts = v[ORDER_TS].i,
                      .amount = v[ORDER_AMOUNT].i};
    return ((store_order_fn)fn)(ctx, &o, err);
}

int store_orders_scan(struct store *st, int64_t ws, store_order_fn fn, void *ctx,
                      struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_order};
    return scan(st, ws, &resource_orders, "", "t.ts, t.id", NULL, 0, &t, err);
}

static int emit_touchpoint(void *fn, void *ctx, int64_t id, const struct value *v,
                           struct lf_err *err)
{
    struct touchpoint t = {.id = id,
                           .account_id = id_of(&v[TP_ACCOUNT]),
                           .contact_id = id_of(&v[TP_CONTACT]),
                           .ext_id = v[TP_ID].s,
                           .account_ext_id = text_of(&v[TP_ACCOUNT]),
                           .contact_ext_id = text_of(&v[TP_CONTACT]),
                           .ts = v[TP_TS].i,
                           .channel = text_of(&v[TP_CHANNEL]),
                           .stage = text_of(&v[TP_STAGE]),
                           .team = text_of(&v[TP_TEAM]),
                           .kind = text_of(&v[TP_KIND]),
                           .duration_minutes = v[TP_DURATION].null ? NAN : v[TP_DURATION].r,
                           .status = text_of(&v[TP_STATUS]),
                           .text = text_of(&v[TP_TEXT]),
                           .attrs_json = text_of(&v[TP_ATTRS])};
    return ((store_touchpoint_fn)fn)(ctx, &t, err);
}

int store_touchpoints_scan(struct store *st, int64_t ws, store_touchpoint_fn fn, void *ctx,
                           struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_touchpoint};
    return scan(st, ws, &resource_touchpoints, "", "t.ts, t.id", NULL, 0, &t, err);
}

static int kind_of(const char *kind)
{
    static const char *const kinds[] = {"nps", "csat", "ces"};
    for (int k = 0; k < 3; k++)
        if (kind && strcmp(kind, kinds[k]) == 0)
            return k;
    return SURVEY_CUSTOM;
}

static void survey_of(int64_t id, const struct value *v, struct survey *s)
{
    *s = (struct survey){.id = id,
                         .ext_id = v[SURVEY_ID].s,
                         .kind = kind_of(v[SURVEY_KIND].s),
                         .name = text_of(&v[SURVEY_NAME]),
                         .scale_min = (int)v[SURVEY_MIN].i,
                         .scale_max = (int)v[SURVEY_MAX].i,
                         .higher_is_better = v[SURVEY_HIGHER].i != 0};
}

static int emit_survey(void *fn, void *ctx, int64_t id, const struct value *v,
                       struct lf_err *err)
{
    struct survey s;
    survey_of(id, v, &s);
    return ((store_survey_fn)fn)(ctx, &s, err);
}

int store_surveys_scan(struct store *st, int64_t ws, store_survey_fn fn, void *ctx,
                       struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_survey};
    return scan(st, ws, &resource_surveys, "", "t.id", NULL, 0, &t, err);
}

static int keep_survey(void *p, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err;
    struct store_survey *out = p;
    survey_of(id, v, &out->s);
    snprintf(out->ext_id, sizeof(out->ext_id), "%s", out->s.ext_id);
    snprintf(out->name, sizeof(out->name), "%s", out->s.name ? out->s.name : "");
    out->s.ext_id = out->ext_id;
    out->s.name = out->s.name ? out->name : NULL;
    return 0;
}

int store_survey_find(struct store *st, int64_t ws, const char *ext_id, struct store_survey *out,
                      struct lf_err *err)
{
    struct value key = {.s = ext_id};
    return store_get(st, ws, &resource_surveys, &key, keep_survey, out, err);
}

static int emit_response(void *fn, void *ctx, int64_t id, const struct value *v,
                         struct lf_err *err)
{
    struct response r = {.id = id,
                         .account_id = id_of(&v[RESP_ACCOUNT]),
                         .contact_id = id_of(&v[RESP_CONTACT]),
                         .survey_id = id_of(&v[RESP_SURVEY]),
                         .touchpoint_id = id_of(&v[RESP_TOUCHPOINT]),
                         .ext_id = v[RESP_ID].s,
                         .account_ext_id = text_of(&v[RESP_ACCOUNT]),
                         .contact_ext_id = text_of(&v[RESP_CONTACT]),
                         .survey_ext_id = text_of(&v[RESP_SURVEY]),
                         .touchpoint_ext_id = text_of(&v[RESP_TOUCHPOINT]),
                         .ts = v[RESP_TS].i,
                         .score = (int)v[RESP_SCORE].i,
                         .comment = text_of(&v[RESP_COMMENT])};
    return ((store_response_fn)fn)(ctx, &r, err);
}

int store_responses_scan(struct store *st, int64_t ws, store_response_fn fn, void *ctx,
                         struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_response};
    return scan(st, ws, &resource_responses, "", "t.ts, t.id", NULL, 0, &t, err);
}

/* ---- events ---- */

static int emit_event(void *fn, void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct event e = {.id = id,
                      .account_id = id_of(&v[EVENT_ACCOUNT]),
                      .contact_id = id_of(&v[EVENT_CONTACT]),
                      .message_id = v[EVENT_ID].s,
                      .account_ext_id = text_of(&v[EVENT_ACCOUNT]),
                      .user_ext_id = text_of(&v[EVENT_CONTACT]),
                      .name = v[EVENT_NAME].s ? v[EVENT_NAME].s : "",
                      .ts = v[EVENT_TS].i,
                      .value = v[EVENT_VALUE].null ? NAN : v[EVENT_VALUE].r,
                      .has_value = !v[EVENT_VALUE].null,
                      .props_json = text_of(&v[EVENT_PROPS])};
    return ((store_event_fn)fn)(ctx, &e, err);
}

int store_events_scan(struct store *st, int64_t ws, int64_t after_id, store_event_fn fn,
                      void *ctx, struct lf_err *err)
{
    struct typed t = {(void *)fn, ctx, emit_event};
    int64_t after = after_id < 0 ? 0 : after_id;
    return scan(st, ws, &resource_events, " AND t.id > ?2", "t.id", &after, 1, &t, err);
}

/* ---- contacts merged into others, for the scans that read contact ids bare ---- */

struct merged {
    int64_t from, into;
};

static int merged_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct merged *)a)->from, y = ((const struct merged *)b)->from;
    return (x > y) - (x < y);
}

/* The workspace's merged contacts, sorted: few next to the events. */
static int merged_load(struct store *st, int64_t ws, struct merged **out, size_t *nr,
                       struct lf_err *err)
{
    size_t cap = 0;
    int rc;
    *out = NULL;
    *nr = 0;
    struct sql *q = sql_static(st, "SELECT id, merged_into FROM contacts WHERE "
                                   "workspace_id = ?1 AND merged_into IS NOT NULL", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    while ((rc = sql_step(st, q, err)) == 1) {
        *out = xgrow(*out, sizeof(**out), *nr + 1, &cap);
        (*out)[(*nr)++] = (struct merged){sql_id(st, q, 0), sql_id(st, q, 1)};
    }
    sql_done(st, q);
    if (*nr)
        qsort(*out, *nr, sizeof(**out), merged_cmp);
    return rc < 0 ? -1 : 0;
}

static int64_t merged_into(const struct merged *m, size_t nr, int64_t contact)
{
    if (!nr || !contact)
        return contact;
    struct merged key = {contact, 0}, *hit = bsearch(&key, m, nr, sizeof(*m), merged_cmp);
    return hit ? hit->into : contact;
}

/* The engine's bulk read: no join, no text but the names, which come from one lookup table;
 * the contacts of merged ones are mapped here. */
int store_events_scan_brief(struct store *st, int64_t ws, int64_t after, int64_t upto,
                            store_event_fn fn, void *ctx, struct lf_err *err)
{
    char **names = NULL; /* by event_names.id */
    size_t names_nr = 0, merged_nr = 0;
    struct merged *merged = NULL;
    int rc, ret = -1;
    struct sql *q = NULL;
    if (merged_load(st, ws, &merged, &merged_nr, err) < 0)
        goto out;
    q = sql_static(st, "SELECT id, name FROM event_names WHERE workspace_id = ?1", err);
    if (!q)
        goto out;
    sql_bind_int(st, q, 1, ws);
    while ((rc = sql_step(st, q, err)) == 1) {
        int64_t id = sql_id(st, q, 0);
        if (id < 0 || id > 100000000)
            continue;
        if ((size_t)id >= names_nr) {
            size_t nr = (size_t)id + 1;
            names = xrealloc(names, nr * sizeof(*names));
            memset(names + names_nr, 0, (nr - names_nr) * sizeof(*names));
            names_nr = nr;
        }
        free(names[id]);
        names[id] = xstrdup(sql_text(st, q, 1));
    }
    sql_done(st, q);
    q = NULL;
    if (rc < 0)
        goto out;
    /* cached: fn (the engine's) reads nothing from the store */
    q = sql_scan(st, "SELECT id, account_id, contact_id, name_id, ts, value FROM events "
                       "WHERE workspace_id + 0 = ?1 AND id > ?2 AND id <= ?3 ORDER BY id", err);
    if (!q)
        goto out;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, after < 0 ? 0 : after);
    sql_bind_int(st, q, 3, upto);
    while ((rc = sql_step(st, q, err)) == 1) {
        int64_t nid = sql_id(st, q, 3);
        struct event e = {.id = sql_id(st, q, 0),
                          .account_id = sql_id(st, q, 1),
                          .contact_id = merged_into(merged, merged_nr, sql_id(st, q, 2)),
                          .ts = sql_id(st, q, 4),
                          .value = sql_real(st, q, 5),
                          .name = nid >= 0 && (size_t)nid < names_nr && names[nid] ? names[nid]
                                                                                     : ""};
        e.has_value = !isnan(e.value);
        if (fn(ctx, &e, err) < 0)
            goto out;
    }
    if (rc < 0)
        goto out;
    ret = 0;
out:
    if (q)
        sql_done(st, q);
    for (size_t i = 0; i < names_nr; i++)
        free(names[i]);
    free(names);
    free(merged);
    return ret;
}

int store_event_name_find(struct store *st, int64_t ws, const char *name, int64_t *code,
                          struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT id FROM event_names WHERE workspace_id = ?1 AND "
                                   "name = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_text(st, q, 2, name);
    return sql_lookup(st, q, code, err);
}

int store_events_max_id(struct store *st, int64_t ws, int64_t *out, struct lf_err *err)
{
    /* from the last rowid backwards: stops at the workspace's last event */
    struct sql *q = sql_static(st, "SELECT id FROM events WHERE workspace_id + 0 = ?1 "
                                   "ORDER BY id DESC LIMIT 1", err);
    *out = 0;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    return sql_lookup(st, q, out, err) < 0 ? -1 : 0;
}

int store_event_message_id(struct store *st, int64_t ws, int64_t id, char out[257],
                           struct lf_err *err)
{
    struct sql *q = sql_static(st, "SELECT message_id FROM events WHERE id = ?1 AND "
                                   "workspace_id = ?2", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, id);
    sql_bind_int(st, q, 2, ws);
    int rc = sql_step(st, q, err);
    if (rc == 1)
        snprintf(out, 257, "%s", sql_text(st, q, 0));
    sql_done(st, q);
    return rc;
}
