/* map.c - one mapper per kind: a row's columns, checked one by one, become a model row that
 * goes to the store once its references are resolved. */
#include "ingest_int.h"

#include <math.h>

#include "base/time.h"
#include "model/model.h"

#define BIT(k) (1u << (k))

enum { MRR_ACCOUNT, MRR_DATE, MRR_MRR, MRR_REASON };
enum { ORD_ID, ORD_CUSTOMER, ORD_TS, ORD_AMOUNT };
enum {
    TP_ID,
    TP_TS,
    TP_ACCOUNT,
    TP_CONTACT,
    TP_CHANNEL,
    TP_STAGE,
    TP_TEAM,
    TP_KIND,
    TP_DURATION,
    TP_STATUS,
    TP_TEXT
};
enum { RS_ID, RS_TS, RS_ACCOUNT, RS_CONTACT, RS_SURVEY, RS_SCORE, RS_COMMENT, RS_TOUCHPOINT };

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

static int negative(const struct row *r, int k, struct lf_err *err)
{
    char shown[FIELD_SHOW];
    field_show(r->val[k], shown);
    err_set(err, LF_EINVAL, "'%s': must not be negative", shown);
    return row_fail(r, k, err);
}

/* A row that must name an account or a contact (or user). */
static int need_either(const struct row *r, int a, int b, const char *what, struct lf_err *err)
{
    if (r->val[a].ptr || r->val[b].ptr)
        return 0;
    err_set(err, LF_EINVAL, "%s needs %s or %s", what, r->name[a], r->name[b]);
    return row_fail(r, -1, err);
}

/* The contact (or user) of column kc, created under *account when unknown; a row without an
 * account takes the contact's. */
static int with_contact(struct ingest *in, const struct row *r, int kc, int64_t *account,
                        int64_t *contact, struct lf_err *err)
{
    int64_t contact_account;
    if (!r->val[kc].ptr)
        return 0;
    if (resolve_contact(in, r, kc, *account, contact, &contact_account, err) < 0)
        return -1;
    if (!*account)
        *account = contact_account;
    return 0;
}

/* ---- accounts ---- */

int map_account(struct ingest *in, const struct row *r, int64_t *id, enum store_change *change,
                struct lf_err *err)
{
    struct account a = {.ext_id = row_str(r, ACC_ID),
                        .name = row_str(r, ACC_NAME),
                        .plan = row_str(r, ACC_PLAN),
                        .segment = row_str(r, ACC_SEGMENT),
                        .stage = row_str(r, ACC_STAGE),
                        .owner = row_str(r, ACC_OWNER),
                        .attrs_json = r->extras};
    if (row_need(r, ACC_ID, err) < 0 || row_currency(r, ACC_CURRENCY, &a.currency, err) < 0 ||
        row_count(r, ACC_SEATS, &a.seats, err) < 0 ||
        row_day(r, ACC_SINCE, &a.customer_since, err) < 0 ||
        row_day(r, ACC_RENEWAL, &a.renewal_date, err) < 0)
        return -1;
    /* MRR is in the row's currency, else the stored account's, else USD (a new account's). */
    const char *currency = a.currency;
    if (!currency && r->val[ACC_MRR].ptr && resolve_currency(in, a.ext_id, &currency, err) < 0)
        return -1;
    if (row_money(r, ACC_MRR, currency, &a.mrr, err) < 0)
        return -1;
    if (a.mrr != LF_UNSET && a.mrr < 0)
        return negative(r, ACC_MRR, err);
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if (store_account_upsert(in->st, in->ws, &a, in->today, id, change, err) < 0)
        return -1;
    resolve_account_put(in, a.ext_id, *id,
                        a.currency                  ? a.currency
                        : *change == STORE_INSERTED ? "USD"
                                                    : NULL);
    return 0;
}

static int import_account(struct ingest *in, const struct row *r, enum store_change *change,
                          struct lf_err *err)
{
    int64_t id;
    return map_account(in, r, &id, change, err);
}

/* ---- contacts ---- */

int map_contact(struct ingest *in, const struct row *r, enum store_change *change,
                struct lf_err *err)
{
    struct contact c = {.ext_id = row_str(r, CON_ID),
                        .name = row_str(r, CON_NAME),
                        .role = row_str(r, CON_ROLE),
                        .attrs_json = r->extras};
    int64_t id;
    if (row_need(r, CON_ID, err) < 0 || row_email(r, CON_EMAIL, &c.email, err) < 0 ||
        row_time(r, CON_CREATED, &c.created_at, err) < 0)
        return -1;
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if (r->val[CON_ACCOUNT].ptr && resolve_account(in, r, CON_ACCOUNT, &c.account_id, err) < 0)
        return -1;
    if (store_contact_upsert(in->st, in->ws, &c, &id, change, err) < 0)
        return -1;
    resolve_contact_put(in, c.ext_id, id, c.account_id);
    return 0;
}

/* ---- mrr_changes ---- */

static int import_mrr(struct ingest *in, const struct row *r, enum store_change *change,
                      struct lf_err *err)
{
    struct mrr_change m = {.account_ext_id = row_str(r, MRR_ACCOUNT),
                           .reason = row_str(r, MRR_REASON)};
    const char *currency;
    if (row_need(r, MRR_ACCOUNT, err) < 0 || row_need(r, MRR_DATE, err) < 0 ||
        row_need(r, MRR_MRR, err) < 0 || row_day(r, MRR_DATE, &m.date, err) < 0 ||
        resolve_currency(in, m.account_ext_id, &currency, err) < 0 ||
        row_money(r, MRR_MRR, currency, &m.mrr, err) < 0)
        return -1;
    if (m.mrr < 0)
        return negative(r, MRR_MRR, err);
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if (resolve_account(in, r, MRR_ACCOUNT, &m.account_id, err) < 0)
        return -1;
    return store_mrr_change_upsert(in->st, in->ws, &m, change, err);
}

static void key_mrr(const struct row *r, struct buf *out)
{
    int64_t ms;
    const char *why;
    buf_reset(out);
    if (r->val[MRR_ACCOUNT].ptr && r->val[MRR_DATE].ptr &&
        time_parse(r->val[MRR_DATE].ptr, r->val[MRR_DATE].len, &ms, &why) == 0)
        buf_addf(out, "%s%c%lld", r->val[MRR_ACCOUNT].ptr, '\x1f', (long long)time_day_start(ms));
}

/* ---- orders ---- */

static int import_order(struct ingest *in, const struct row *r, enum store_change *change,
                        struct lf_err *err)
{
    struct order o = {.ext_id = row_str(r, ORD_ID), .customer_ext_id = row_str(r, ORD_CUSTOMER)};
    const char *currency = NULL;
    if (row_need(r, ORD_CUSTOMER, err) < 0 || row_need(r, ORD_TS, err) < 0 ||
        row_need(r, ORD_AMOUNT, err) < 0 || row_time(r, ORD_TS, &o.ts, err) < 0)
        return -1;
    /* The customer is an account (B2C: the person is the account), else a contact. */
    int found = resolve_customer(in, r, ORD_CUSTOMER, &o.account_id, &o.contact_id, err);
    if (found < 0)
        return -1;
    if (found && !o.account_id) {
        char shown[FIELD_SHOW];
        field_show(r->val[ORD_CUSTOMER], shown);
        err_set(err, LF_EINVAL, "customer '%s' is a contact without an account", shown);
        return row_fail(r, ORD_CUSTOMER, err);
    }
    if ((found && resolve_currency_of(in, o.account_id, &currency, err) < 0) ||
        row_money(r, ORD_AMOUNT, currency, &o.amount, err) < 0)
        return -1;
    if (!o.ext_id) {
        field_derive_id_at(&in->id, o.ts,
                           (const char *[]){o.customer_ext_id, row_str(r, ORD_AMOUNT)}, 2);
        o.ext_id = buf_str(&in->id);
    }
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if (!found && resolve_account(in, r, ORD_CUSTOMER, &o.account_id, err) < 0)
        return -1;
    return store_order_upsert(in->st, in->ws, &o, change, err);
}

/* ---- events ---- */

int map_event(struct ingest *in, const struct row *r, enum store_change *change, struct lf_err *err)
{
    struct event e = {.message_id = row_str(r, EV_MESSAGE),
                      .name = row_str(r, EV_NAME),
                      .account_ext_id = row_str(r, EV_ACCOUNT),
                      .user_ext_id = row_str(r, EV_USER),
                      .props_json = r->extras};
    if (row_need(r, EV_TS, err) < 0 || row_need(r, EV_NAME, err) < 0 ||
        need_either(r, EV_ACCOUNT, EV_USER, "an event", err) < 0 ||
        row_time(r, EV_TS, &e.ts, err) < 0 || row_real(r, EV_VALUE, &e.value, err) < 0)
        return -1;
    e.has_value = !isnan(e.value);
    if (!e.message_id) {
        field_derive_id_at(
            &in->id, e.ts,
            (const char *[]){e.account_ext_id, e.user_ext_id, e.name, row_str(r, EV_VALUE)}, 4);
        e.message_id = buf_str(&in->id);
    }
    if (e.account_ext_id && resolve_account(in, r, EV_ACCOUNT, &e.account_id, err) < 0)
        return -1;
    if (with_contact(in, r, EV_USER, &e.account_id, &e.contact_id, err) < 0)
        return -1;
    return store_event_append(in->st, in->ws, &e, change, err);
}

/* ---- touchpoints ---- */

static int import_touchpoint(struct ingest *in, const struct row *r, enum store_change *change,
                             struct lf_err *err)
{
    struct touchpoint t = {.ext_id = row_str(r, TP_ID),
                           .kind = row_str(r, TP_KIND),
                           .text = row_str(r, TP_TEXT),
                           .attrs_json = r->extras};
    int64_t id;
    if (row_need(r, TP_TS, err) < 0 ||
        need_either(r, TP_ACCOUNT, TP_CONTACT, "a touchpoint", err) < 0 ||
        row_time(r, TP_TS, &t.ts, err) < 0 ||
        row_vocab(r, TP_CHANNEL, model_channels, &t.channel, err) < 0 ||
        row_vocab(r, TP_STAGE, model_stages, &t.stage, err) < 0 ||
        row_vocab(r, TP_TEAM, model_teams, &t.team, err) < 0 ||
        row_vocab(r, TP_STATUS, model_touchpoint_statuses, &t.status, err) < 0 ||
        row_real(r, TP_DURATION, &t.duration_minutes, err) < 0)
        return -1;
    if (t.duration_minutes < 0)
        return negative(r, TP_DURATION, err);
    if (!t.ext_id) {
        field_derive_id_at(&in->id, t.ts,
                           (const char *[]){row_str(r, TP_ACCOUNT), row_str(r, TP_CONTACT),
                                            t.channel, t.stage, t.team, t.kind, t.text},
                           7);
        t.ext_id = buf_str(&in->id);
    }
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if ((r->val[TP_ACCOUNT].ptr && resolve_account(in, r, TP_ACCOUNT, &t.account_id, err) < 0) ||
        with_contact(in, r, TP_CONTACT, &t.account_id, &t.contact_id, err) < 0 ||
        store_touchpoint_upsert(in->st, in->ws, &t, &id, change, err) < 0)
        return -1;
    resolve_touchpoint_put(in, t.ext_id, id);
    return 0;
}

/* ---- responses ---- */

static int import_response(struct ingest *in, const struct row *r, enum store_change *change,
                           struct lf_err *err)
{
    struct response p = {.ext_id = row_str(r, RS_ID), .comment = row_str(r, RS_COMMENT)};
    const struct survey *sv;
    int64_t score;
    if (row_need(r, RS_TS, err) < 0 || row_need(r, RS_SURVEY, err) < 0 ||
        row_need(r, RS_SCORE, err) < 0 || row_time(r, RS_TS, &p.ts, err) < 0 ||
        row_int(r, RS_SCORE, &score, err) < 0 || resolve_survey(in, r, RS_SURVEY, &sv, err) < 0)
        return -1;
    p.score = score < -1000000 ? -1000000 : score > 1000000 ? 1000000 : (int)score;
    p.survey_id = sv->id;
    if (model_score_check(sv, p.score, err) < 0)
        return row_fail(r, RS_SCORE, err);
    if (r->val[RS_TOUCHPOINT].ptr &&
        resolve_touchpoint(in, r, RS_TOUCHPOINT, &p.touchpoint_id, err) < 0)
        return -1;
    if (!p.ext_id) {
        field_derive_id_at(&in->id, p.ts,
                           (const char *[]){row_str(r, RS_ACCOUNT), row_str(r, RS_CONTACT),
                                            sv->ext_id, row_str(r, RS_SCORE), p.comment,
                                            row_str(r, RS_TOUCHPOINT)},
                           6);
        p.ext_id = buf_str(&in->id);
    }
    if (ingest_superseded(in, r)) {
        *change = STORE_UNCHANGED;
        return 0;
    }
    if ((r->val[RS_ACCOUNT].ptr && resolve_account(in, r, RS_ACCOUNT, &p.account_id, err) < 0) ||
        with_contact(in, r, RS_CONTACT, &p.account_id, &p.contact_id, err) < 0)
        return -1;
    return store_response_upsert(in->st, in->ws, &p, change, err);
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
                          map_contact},
    [LF_KIND_MRR_CHANGES] = {"mrr_changes", mrr_cols,
                             BIT(MRR_ACCOUNT) | BIT(MRR_DATE) | BIT(MRR_MRR), 0, EXTRAS_NONE,
                             key_mrr, "account_id and date", import_mrr},
    [LF_KIND_ORDERS] = {"orders", order_cols, BIT(ORD_CUSTOMER) | BIT(ORD_TS) | BIT(ORD_AMOUNT), 0,
                        EXTRAS_NONE, key_first, "id", import_order},
    /* Events are never updated: a message id seen before is skipped, so the first one wins. */
    [LF_KIND_EVENTS] = {"events", event_cols, BIT(EV_TS) | BIT(EV_NAME),
                        BIT(EV_ACCOUNT) | BIT(EV_USER), EXTRAS_PROPS, NULL, NULL, map_event},
    [LF_KIND_TOUCHPOINTS] = {"touchpoints", touchpoint_cols, BIT(TP_TS),
                             BIT(TP_ACCOUNT) | BIT(TP_CONTACT), EXTRAS_ATTRS, key_first, "id",
                             import_touchpoint},
    [LF_KIND_RESPONSES] = {"responses", response_cols, BIT(RS_TS) | BIT(RS_SURVEY) | BIT(RS_SCORE),
                           0, EXTRAS_NONE, key_first, "id", import_response},
};
