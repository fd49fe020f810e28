/* map.c - one mapper per kind: a row's columns, parsed one by one, become the store rows of the
 * line; the store's write path validates them (model/resource.c) and writes them as one unit. */
#include "ingest_int.h"

#include <math.h>
#include <string.h>

#include "base/time.h"
#include "model/model.h"

#define BIT(k) (1u << (k))

enum { MRR_COL_ACCOUNT, MRR_COL_DATE, MRR_COL_MRR, MRR_COL_REASON };
enum { ORD_ID, ORD_CUSTOMER, ORD_TS, ORD_AMOUNT };
enum {
    TPC_ID,
    TPC_TS,
    TPC_ACCOUNT,
    TPC_CONTACT,
    TPC_CHANNEL,
    TPC_STAGE,
    TPC_TEAM,
    TPC_KIND,
    TPC_DURATION,
    TPC_STATUS,
    TPC_TEXT
};
enum { RS_ID, RS_TS, RS_ACCOUNT, RS_CONTACT, RS_SURVEY, RS_SCORE, RS_COMMENT, RS_TOUCHPOINT };
enum { RV_ID, RV_TS, RV_ACCOUNT, RV_CONTACT, RV_RATING, RV_TEXT };

static const char *const account_cols[] = {"id",    "name",           "plan",         "segment",
                                           "mrr",   "currency",       "seats",        "stage",
                                           "owner", "customer_since", "renewal_date", NULL};
static const char *const contact_cols[] = {"id",   "account_id", "email", "name",
                                           "role", "created_at", NULL};
static const char *const mrr_cols[] = {"account_id", "date", "mrr", "reason", NULL};
static const char *const order_cols[] = {"id", "customer_id", "ts", "amount", NULL};
static const char *const event_cols[] = {"message_id", "ts",    "account_id", "user_id",
                                         "event",      "value", NULL};
static const char *const touchpoint_cols[] = {
    "id",   "ts",   "account_id",       "contact_id", "channel", "stage",
    "team", "kind", "duration_minutes", "status",     "text",    NULL};
static const char *const response_cols[] = {
    "id", "ts", "account_id", "contact_id", "survey", "score", "comment", "touchpoint_id", NULL};
static const char *const review_cols[] = {"id",     "ts",   "account_id", "contact_id",
                                          "rating", "text", NULL};

/* ---- a line's rows ---- */

struct store_row *unit_row(struct ingest *in, size_t u, const struct resource_def *def)
{
    store_row_init(&in->rows[u], def, STORE_UPSERT);
    for (size_t f = 0; f < RESOURCE_MAX_FIELDS; f++)
        in->cols[u][f] = -1;
    if (in->rows_nr < u + 1)
        in->rows_nr = u + 1;
    return &in->rows[u];
}

void unit_text(struct ingest *in, size_t u, size_t f, const struct row *r, int k)
{
    if (!r->val[k].ptr)
        return;
    store_row_text(&in->rows[u], f, r->val[k].ptr);
    in->cols[u][f] = k;
}

/* Parses column k with parse(): sets field f of row u when the column is given. */
#define UNIT_PARSED(name, type, parse, set)                                                    \
    int name(struct ingest *in, size_t u, size_t f, const struct row *r, int k,                 \
             struct lf_err *err)                                                                \
    {                                                                                          \
        type v;                                                                                \
        if (!r->val[k].ptr)                                                                    \
            return 0;                                                                          \
        if (parse(r, k, &v, err) < 0)                                                          \
            return -1;                                                                         \
        set(&in->rows[u], f, v);                                                               \
        in->cols[u][f] = k;                                                                    \
        return 0;                                                                              \
    }
UNIT_PARSED(unit_time, int64_t, row_time, store_row_int)
UNIT_PARSED(unit_day, int64_t, row_day, store_row_int)
UNIT_PARSED(unit_int, int64_t, row_int, store_row_int)
UNIT_PARSED(unit_real, double, row_real, store_row_real)

int unit_money(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
               const char *currency, struct lf_err *err)
{
    int64_t v;
    if (!r->val[k].ptr)
        return 0;
    if (row_money(r, k, currency, &v, err) < 0)
        return -1;
    store_row_int(&in->rows[u], f, v);
    in->cols[u][f] = k;
    return 0;
}

/* The column a refusal is about, from the field its error names; -1 when none. */
static int refused_column(const struct ingest *in, size_t u, const struct lf_err *why)
{
    const struct resource_def *def = in->rows[u].def;
    for (size_t f = 0; f < def->fields_nr; f++)
        if (why->field[0] && strcmp(def->fields[f].name, why->field) == 0)
            return in->cols[u][f];
    return -1;
}

int unit_write(struct ingest *in, const struct row *r, enum store_change *change,
               struct lf_err *err)
{
    struct store_write_stats stats = {0};
    size_t nr = in->rows_nr;
    in->rows_nr = 0;
    for (size_t u = 0; u < nr; u++)
        in->rows[u].unit = 1;
    if (store_write(in->st, in->ws, in->rows, nr, &in->wopts, &stats, err) < 0)
        return -1;
    if (in->rows[0].err.code) {
        size_t u = 0; /* the row the refusal is about: its field names a column of it */
        while (u + 1 < nr && !in->rows[u].culprit)
            u++;
        int k = refused_column(in, u, &in->rows[u].err);
        /* "FILE:LINE:COLUMN: reason": a reason that starts by naming the field says it once */
        const char *msg = in->rows[u].err.msg, *field = in->rows[u].err.field;
        size_t n = strlen(field);
        if (k >= 0 && n && msg[0] == '\'' && strncmp(msg + 1, field, n) == 0 &&
            strncmp(msg + 1 + n, "' ", 2) == 0)
            msg += n + 3;
        err_set(err, LF_EINVAL, "%s", msg);
        return row_fail(r, k, err);
    }
    *change = in->rows[0].change;
    for (size_t u = 1; u < nr; u++)
        if (in->rows[u].change != STORE_UNCHANGED && *change == STORE_UNCHANGED)
            *change = STORE_UPDATED;
    for (size_t u = 0; u < nr; u++) {
        const struct store_row *row = &in->rows[u];
        for (size_t f = 0; f < row->def->fields_nr; f++)
            if (row->stubbed >> f & 1) {
                if (row->def->fields[f].ref == &resource_accounts) {
                    in->res->stubs++;
                    ingest_note(in, r->line, "created stub account '%s'", row->v[f].s);
                }
            }
    }
    return 0;
}

/* A row that must name an account or a contact (or user). */
static int need_either(const struct row *r, int a, int b, const char *what, struct lf_err *err)
{
    if (r->val[a].ptr || r->val[b].ptr)
        return 0;
    err_set(err, LF_EINVAL, "%s needs %s or %s", what, r->name[a], r->name[b]);
    return row_fail(r, -1, err);
}

static int superseded(struct ingest *in, const struct row *r, enum store_change *change)
{
    if (!ingest_superseded(in, r))
        return 0;
    in->rows_nr = 0;
    *change = STORE_UNCHANGED;
    return 1;
}

/* ---- accounts ---- */

int map_account(struct ingest *in, size_t u, const struct row *r, struct lf_err *err)
{
    unit_row(in, u, &resource_accounts);
    if (row_need(r, ACC_ID, err) < 0)
        return -1;
    unit_text(in, u, ACCOUNT_ID, r, ACC_ID);
    unit_text(in, u, ACCOUNT_NAME, r, ACC_NAME);
    unit_text(in, u, ACCOUNT_PLAN, r, ACC_PLAN);
    unit_text(in, u, ACCOUNT_SEGMENT, r, ACC_SEGMENT);
    unit_text(in, u, ACCOUNT_CURRENCY, r, ACC_CURRENCY);
    unit_text(in, u, ACCOUNT_STAGE, r, ACC_STAGE);
    unit_text(in, u, ACCOUNT_OWNER, r, ACC_OWNER);
    if (r->extras)
        store_row_text(&in->rows[u], ACCOUNT_ATTRS, r->extras);
    if (unit_int(in, u, ACCOUNT_SEATS, r, ACC_SEATS, err) < 0 ||
        unit_day(in, u, ACCOUNT_SINCE, r, ACC_SINCE, err) < 0 ||
        unit_day(in, u, ACCOUNT_RENEWAL, r, ACC_RENEWAL, err) < 0)
        return -1;
    /* MRR is in the row's currency, else the stored account's, else USD (a new account's). */
    const char *currency = row_str(r, ACC_CURRENCY);
    if (!currency && r->val[ACC_MRR].ptr && ingest_currency(in, row_str(r, ACC_ID), &currency, err) < 0)
        return -1;
    return unit_money(in, u, ACCOUNT_MRR, r, ACC_MRR, currency, err);
}

static int import_account(struct ingest *in, const struct row *r, enum store_change *change,
                          struct lf_err *err)
{
    if (map_account(in, 0, r, err) < 0)
        return -1;
    if (superseded(in, r, change))
        return 0;
    if (unit_write(in, r, change, err) < 0)
        return -1;
    /* a new account's currency, for the money of later lines */
    const char *cur = row_str(r, ACC_CURRENCY);
    if (cur || *change == STORE_INSERTED)
        ingest_currency_put(in, row_str(r, ACC_ID), cur);
    return 0;
}

/* ---- contacts ---- */

int map_contact(struct ingest *in, size_t u, const struct row *r, struct lf_err *err)
{
    unit_row(in, u, &resource_contacts);
    if (row_need(r, CON_ID, err) < 0)
        return -1;
    unit_text(in, u, CONTACT_ID, r, CON_ID);
    unit_text(in, u, CONTACT_ACCOUNT, r, CON_ACCOUNT);
    unit_text(in, u, CONTACT_EMAIL, r, CON_EMAIL);
    unit_text(in, u, CONTACT_NAME, r, CON_NAME);
    unit_text(in, u, CONTACT_ROLE, r, CON_ROLE);
    if (r->extras)
        store_row_text(&in->rows[u], CONTACT_ATTRS, r->extras);
    return unit_time(in, u, CONTACT_CREATED, r, CON_CREATED, err);
}

static int import_contact(struct ingest *in, const struct row *r, enum store_change *change,
                          struct lf_err *err)
{
    if (map_contact(in, 0, r, err) < 0)
        return -1;
    if (superseded(in, r, change))
        return 0;
    return unit_write(in, r, change, err);
}

/* ---- mrr_changes ---- */

static int import_mrr(struct ingest *in, const struct row *r, enum store_change *change,
                      struct lf_err *err)
{
    const char *currency;
    unit_row(in, 0, &resource_mrr_changes);
    if (row_need(r, MRR_COL_ACCOUNT, err) < 0 || row_need(r, MRR_COL_DATE, err) < 0 ||
        row_need(r, MRR_COL_MRR, err) < 0 ||
        unit_day(in, 0, MRR_DATE, r, MRR_COL_DATE, err) < 0 ||
        ingest_currency(in, row_str(r, MRR_COL_ACCOUNT), &currency, err) < 0 ||
        unit_money(in, 0, MRR_MRR, r, MRR_COL_MRR, currency, err) < 0)
        return -1;
    unit_text(in, 0, MRR_ACCOUNT, r, MRR_COL_ACCOUNT);
    unit_text(in, 0, MRR_REASON, r, MRR_COL_REASON);
    if (superseded(in, r, change))
        return 0;
    return unit_write(in, r, change, err);
}

static void key_mrr(const struct row *r, struct buf *out)
{
    int64_t ms;
    const char *why;
    buf_reset(out);
    if (r->val[MRR_COL_ACCOUNT].ptr && r->val[MRR_COL_DATE].ptr &&
        time_parse(r->val[MRR_COL_DATE].ptr, r->val[MRR_COL_DATE].len, &ms, &why) == 0)
        buf_addf(out, "%s%c%lld", r->val[MRR_COL_ACCOUNT].ptr, '\x1f',
                 (long long)time_day_start(ms));
}

/* ---- orders ---- */

/* The account of contact `ext`: 1 with *account (0 when the contact has none), 0 when there is
 * no such contact, -1 on error. */
struct contact_account {
    int64_t account;
    char ext[257];
};

static int on_contact(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)id, (void)err;
    struct contact_account *c = ctx;
    c->account = v[CONTACT_ACCOUNT].null ? 0 : v[CONTACT_ACCOUNT].i;
    snprintf(c->ext, sizeof(c->ext), "%s", v[CONTACT_ACCOUNT].null ? "" : v[CONTACT_ACCOUNT].s);
    return 0;
}

static int import_order(struct ingest *in, const struct row *r, enum store_change *change,
                        struct lf_err *err)
{
    const char *customer = row_str(r, ORD_CUSTOMER), *currency = NULL;
    struct store_row *o = unit_row(in, 0, &resource_orders);
    if (row_need(r, ORD_CUSTOMER, err) < 0 || row_need(r, ORD_TS, err) < 0 ||
        row_need(r, ORD_AMOUNT, err) < 0 || unit_time(in, 0, ORDER_TS, r, ORD_TS, err) < 0)
        return -1;
    /* The customer is an account (B2C: the person is the account), else a contact and its
     * account; unknown customers become stub accounts. */
    struct value key = {.s = customer};
    struct contact_account c = {0};
    int64_t id;
    int found = store_find(in->st, in->ws, &resource_accounts, &key, &id, err);
    if (found < 0)
        return -1;
    if (found) {
        store_row_ref(o, ORDER_ACCOUNT, NULL, id);
        in->cols[0][ORDER_ACCOUNT] = ORD_CUSTOMER;
    } else {
        found = store_get(in->st, in->ws, &resource_contacts, &key, on_contact, &c, err);
        if (found < 0)
            return -1;
        if (found && !c.account) {
            char shown[FIELD_SHOW];
            field_show(r->val[ORD_CUSTOMER], shown);
            err_set(err, LF_EINVAL, "customer '%s' is a contact without an account", shown);
            return row_fail(r, ORD_CUSTOMER, err);
        }
        if (found) {
            store_row_ref(o, ORDER_ACCOUNT, NULL, c.account);
            store_row_ref(o, ORDER_CONTACT, customer, 0);
            in->cols[0][ORDER_CONTACT] = ORD_CUSTOMER;
        } else {
            unit_text(in, 0, ORDER_ACCOUNT, r, ORD_CUSTOMER);
        }
        customer = found ? c.ext : customer;
    }
    if (ingest_currency(in, customer, &currency, err) < 0 ||
        unit_money(in, 0, ORDER_AMOUNT, r, ORD_AMOUNT, currency, err) < 0)
        return -1;
    if (r->val[ORD_ID].ptr) {
        unit_text(in, 0, ORDER_ID, r, ORD_ID);
    } else {
        field_derive_id_at(&in->id, o->v[ORDER_TS].i,
                           (const char *[]){row_str(r, ORD_CUSTOMER), row_str(r, ORD_AMOUNT)}, 2);
        store_row_text(o, ORDER_ID, buf_str(&in->id));
    }
    if (superseded(in, r, change))
        return 0;
    return unit_write(in, r, change, err);
}

/* ---- events ---- */

int map_event(struct ingest *in, size_t u, const struct row *r, struct lf_err *err)
{
    struct store_row *e = unit_row(in, u, &resource_events);
    if (row_need(r, EV_TS, err) < 0 || row_need(r, EV_NAME, err) < 0 ||
        need_either(r, EV_ACCOUNT, EV_USER, "an event", err) < 0 ||
        unit_time(in, u, EVENT_TS, r, EV_TS, err) < 0 ||
        unit_real(in, u, EVENT_VALUE, r, EV_VALUE, err) < 0)
        return -1;
    unit_text(in, u, EVENT_NAME, r, EV_NAME);
    unit_text(in, u, EVENT_ACCOUNT, r, EV_ACCOUNT);
    unit_text(in, u, EVENT_CONTACT, r, EV_USER);
    if (r->extras)
        store_row_text(e, EVENT_PROPS, r->extras);
    if (r->val[EV_MESSAGE].ptr) {
        unit_text(in, u, EVENT_ID, r, EV_MESSAGE);
    } else {
        field_derive_id_at(&in->id, e->v[EVENT_TS].i,
                           (const char *[]){row_str(r, EV_ACCOUNT), row_str(r, EV_USER),
                                            row_str(r, EV_NAME), row_str(r, EV_VALUE)},
                           4);
        store_row_text(e, EVENT_ID, buf_str(&in->id));
    }
    return 0;
}

static int import_event(struct ingest *in, const struct row *r, enum store_change *change,
                        struct lf_err *err)
{
    if (map_event(in, 0, r, err) < 0)
        return -1;
    return unit_write(in, r, change, err);
}

/* ---- touchpoints ---- */

static int import_touchpoint(struct ingest *in, const struct row *r, enum store_change *change,
                             struct lf_err *err)
{
    struct store_row *t = unit_row(in, 0, &resource_touchpoints);
    if (row_need(r, TPC_TS, err) < 0 ||
        need_either(r, TPC_ACCOUNT, TPC_CONTACT, "a touchpoint", err) < 0 ||
        unit_time(in, 0, TP_TS, r, TPC_TS, err) < 0 ||
        unit_real(in, 0, TP_DURATION, r, TPC_DURATION, err) < 0)
        return -1;
    static const int text_cols[][2] = {{TP_ACCOUNT, TPC_ACCOUNT}, {TP_CONTACT, TPC_CONTACT},
                                       {TP_CHANNEL, TPC_CHANNEL}, {TP_STAGE, TPC_STAGE},
                                       {TP_TEAM, TPC_TEAM},       {TP_KIND, TPC_KIND},
                                       {TP_STATUS, TPC_STATUS},   {TP_TEXT, TPC_TEXT}};
    for (size_t i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++)
        unit_text(in, 0, (size_t)text_cols[i][0], r, text_cols[i][1]);
    if (r->extras)
        store_row_text(t, TP_ATTRS, r->extras);
    if (r->val[TPC_ID].ptr) {
        unit_text(in, 0, TP_ID, r, TPC_ID);
    } else {
        field_derive_id_at(&in->id, t->v[TP_TS].i,
                           (const char *[]){row_str(r, TPC_ACCOUNT), row_str(r, TPC_CONTACT),
                                            row_str(r, TPC_CHANNEL), row_str(r, TPC_STAGE),
                                            row_str(r, TPC_TEAM), row_str(r, TPC_KIND),
                                            row_str(r, TPC_TEXT)},
                           7);
        store_row_text(t, TP_ID, buf_str(&in->id));
    }
    if (superseded(in, r, change))
        return 0;
    return unit_write(in, r, change, err);
}

/* ---- responses ---- */

static int import_response(struct ingest *in, const struct row *r, enum store_change *change,
                           struct lf_err *err)
{
    struct store_row *p = unit_row(in, 0, &resource_responses);
    if (row_need(r, RS_TS, err) < 0 || row_need(r, RS_SURVEY, err) < 0 ||
        row_need(r, RS_SCORE, err) < 0 || unit_time(in, 0, RESP_TS, r, RS_TS, err) < 0 ||
        unit_int(in, 0, RESP_SCORE, r, RS_SCORE, err) < 0)
        return -1;
    unit_text(in, 0, RESP_ACCOUNT, r, RS_ACCOUNT);
    unit_text(in, 0, RESP_CONTACT, r, RS_CONTACT);
    unit_text(in, 0, RESP_SURVEY, r, RS_SURVEY);
    unit_text(in, 0, RESP_COMMENT, r, RS_COMMENT);
    unit_text(in, 0, RESP_TOUCHPOINT, r, RS_TOUCHPOINT);
    if (r->val[RS_ID].ptr) {
        unit_text(in, 0, RESP_ID, r, RS_ID);
    } else {
        field_derive_id_at(&in->id, p->v[RESP_TS].i,
                           (const char *[]){row_str(r, RS_ACCOUNT), row_str(r, RS_CONTACT),
                                            row_str(r, RS_SURVEY), row_str(r, RS_SCORE),
                                            row_str(r, RS_COMMENT), row_str(r, RS_TOUCHPOINT)},
                           6);
        store_row_text(p, RESP_ID, buf_str(&in->id));
    }
    if (superseded(in, r, change))
        return 0;
    return unit_write(in, r, change, err);
}

/* ---- reviews ---- */

/* A review (G2, Capterra, an app store…) is a rating and a text: the response of its author to
 * the survey 'review' (custom, 1..5 stars, made by the first review), so that every metric and
 * text analysis of responses reads it; it rates a touchpoint of channel and kind "review", at
 * the advocacy stage, which puts it in the customer's journey and keeps the other columns (the
 * site, a title, a link) as its attributes. docs/import.md says why not a resource of its own. */
static int review_survey(struct ingest *in, struct lf_err *err)
{
    struct store_survey found;
    int rc = store_survey_find(in->st, in->ws, "review", &found, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    /* a unit of its own, before the line's: the line's response refers to it */
    struct store_row sv;
    store_row_init(&sv, &resource_surveys, STORE_UPSERT);
    store_row_text(&sv, SURVEY_ID, "review");
    store_row_text(&sv, SURVEY_KIND, "custom");
    store_row_text(&sv, SURVEY_NAME, "Reviews (1-5 stars)");
    store_row_int(&sv, SURVEY_MIN, 1);
    store_row_int(&sv, SURVEY_MAX, 5);
    store_row_int(&sv, SURVEY_HIGHER, 1);
    if (store_write(in->st, in->ws, &sv, 1, &in->wopts, NULL, err) < 0)
        return -1;
    if (sv.err.code)
        return err_set(err, LF_EINTERNAL, "cannot make the survey 'review': %s", sv.err.msg);
    return 0;
}

static int import_review(struct ingest *in, const struct row *r, enum store_change *change,
                         struct lf_err *err)
{
    int64_t rating;
    enum store_change tp_change = STORE_UNCHANGED;
    if (row_need(r, RV_ID, err) < 0 || row_need(r, RV_TS, err) < 0 ||
        row_need(r, RV_RATING, err) < 0 ||
        need_either(r, RV_ACCOUNT, RV_CONTACT, "a review", err) < 0 ||
        row_int(r, RV_RATING, &rating, err) < 0)
        return -1;
    /* the touchpoint is written first (the response refers to it), so the rating is checked
     * before anything is: a line is stored whole or not at all */
    if (rating < 1 || rating > 5) {
        err_set(err, LF_EINVAL, "rating %lld is outside 1..5", (long long)rating);
        return row_fail(r, RV_RATING, err);
    }
    if (superseded(in, r, change))
        return 0;
    if (review_survey(in, err) < 0)
        return -1;
    struct store_row *t = unit_row(in, 0, &resource_touchpoints);
    if (unit_time(in, 0, TP_TS, r, RV_TS, err) < 0)
        return -1;
    buf_reset(&in->id);
    buf_addf(&in->id, "review:%s", row_str(r, RV_ID));
    store_row_text(t, TP_ID, buf_str(&in->id));
    unit_text(in, 0, TP_ACCOUNT, r, RV_ACCOUNT);
    unit_text(in, 0, TP_CONTACT, r, RV_CONTACT);
    store_row_text(t, TP_CHANNEL, "review");
    store_row_text(t, TP_KIND, "review");
    store_row_text(t, TP_STAGE, "advocacy");
    if (r->extras)
        store_row_text(t, TP_ATTRS, r->extras);
    if (unit_write(in, r, &tp_change, err) < 0)
        return -1;
    struct store_row *p = unit_row(in, 0, &resource_responses);
    unit_time(in, 0, RESP_TS, r, RV_TS, err);
    store_row_int(p, RESP_SCORE, rating);
    in->cols[0][RESP_SCORE] = RV_RATING;
    unit_text(in, 0, RESP_ID, r, RV_ID);
    unit_text(in, 0, RESP_ACCOUNT, r, RV_ACCOUNT);
    unit_text(in, 0, RESP_CONTACT, r, RV_CONTACT);
    store_row_text(p, RESP_SURVEY, "review");
    unit_text(in, 0, RESP_COMMENT, r, RV_TEXT);
    store_row_text(p, RESP_TOUCHPOINT, buf_str(&in->id));
    if (unit_write(in, r, change, err) < 0)
        return -1;
    if (*change == STORE_UNCHANGED && tp_change != STORE_UNCHANGED)
        *change = STORE_UPDATED;
    return 0;
}

/* ---- the table ---- */

/* Rows whose identity is their first column (an id); "" when it is not given. */
static void key_first(const struct row *r, struct buf *out)
{
    buf_reset(out);
    if (r->val[0].ptr)
        buf_add(out, r->val[0].ptr, r->val[0].len);
}

const struct kind_map ingest_kinds[LF_KIND_NR] = {
    [LF_KIND_ACCOUNTS] = {"accounts", account_cols, BIT(ACC_ID), 0, EXTRAS_ATTRS, key_first, "id",
                          import_account},
    [LF_KIND_CONTACTS] = {"contacts", contact_cols, BIT(CON_ID), 0, EXTRAS_ATTRS, key_first, "id",
                          import_contact},
    [LF_KIND_MRR_CHANGES] = {"mrr_changes", mrr_cols,
                             BIT(MRR_COL_ACCOUNT) | BIT(MRR_COL_DATE) | BIT(MRR_COL_MRR), 0,
                             EXTRAS_NONE, key_mrr, "account_id and date", import_mrr},
    [LF_KIND_ORDERS] = {"orders", order_cols, BIT(ORD_CUSTOMER) | BIT(ORD_TS) | BIT(ORD_AMOUNT), 0,
                        EXTRAS_NONE, key_first, "id", import_order},
    /* Events are never updated: a message id seen before is skipped, so the first one wins. */
    [LF_KIND_EVENTS] = {"events", event_cols, BIT(EV_TS) | BIT(EV_NAME),
                        BIT(EV_ACCOUNT) | BIT(EV_USER), EXTRAS_PROPS, NULL, NULL, import_event},
    [LF_KIND_TOUCHPOINTS] = {"touchpoints", touchpoint_cols, BIT(TPC_TS),
                             BIT(TPC_ACCOUNT) | BIT(TPC_CONTACT), EXTRAS_ATTRS, key_first, "id",
                             import_touchpoint},
    [LF_KIND_RESPONSES] = {"responses", response_cols, BIT(RS_TS) | BIT(RS_SURVEY) | BIT(RS_SCORE),
                           0, EXTRAS_NONE, key_first, "id", import_response},
    [LF_KIND_REVIEWS] = {"reviews", review_cols, BIT(RV_ID) | BIT(RV_TS) | BIT(RV_RATING),
                         BIT(RV_ACCOUNT) | BIT(RV_CONTACT), EXTRAS_ATTRS, key_first, "id",
                         import_review},
};
