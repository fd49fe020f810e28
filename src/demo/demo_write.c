/* demo_write.c - one simulated account as rows of the store's write path. */
#include "demo_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#include "model/model.h"

static size_t digits(char *out, size_t n, int64_t v, int width)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k < width)
        tmp[k++] = '0';
    while (k)
        out[n++] = tmp[--k];
    return n;
}

/* "PREFIX-AAAAAA-BBBB" (b's part left out when b < 0), numbers zero-padded: the ids sort in the
 * order they were generated. Hand-made because it runs once per event. */
static const char *ext_id(char out[48], const char *prefix, int64_t a, int64_t b, int width)
{
    size_t n = 0;
    for (const char *p = prefix; *p; p++)
        out[n++] = *p;
    out[n++] = '-';
    n = digits(out, n, a, 6);
    if (b >= 0) {
        out[n++] = '-';
        n = digits(out, n, b, width);
    }
    out[n] = '\0';
    return out;
}

static const char *const survey_ext[3] = {
    [SURVEY_NPS] = "nps", [SURVEY_CSAT] = "csat", [SURVEY_CES] = "ces"};

/* The rows of one account and the text they point into (reused from account to account). */
struct demo_rows {
    struct store_row *v;
    size_t nr, cap;
    struct buf text; /* ids and attributes, NUL-separated */
    size_t *at;      /* the offset of each string in text */
    size_t at_nr, at_cap;
    struct demo_followup *fus; /* of the accounts written since the last reset */
    size_t fus_nr, fus_cap;
};

struct demo_rows *demo_rows_new(void)
{
    return xcalloc(1, sizeof(struct demo_rows));
}

void demo_rows_free(struct demo_rows *rs)
{
    if (!rs)
        return;
    free(rs->v);
    free(rs->at);
    free(rs->fus);
    buf_release(&rs->text);
    free(rs);
}

static struct store_row *add(struct demo_rows *rs, const struct resource_def *def)
{
    rs->v = xgrow(rs->v, sizeof(*rs->v), rs->nr + 1, &rs->cap);
    struct store_row *r = &rs->v[rs->nr++];
    store_row_init(r, def, STORE_UPSERT);
    return r;
}

/* Keeps a string; str(rs, i) reads the i-th back once all are kept (text may move). */
static void keep(struct demo_rows *rs, const char *s)
{
    rs->at = xgrow(rs->at, sizeof(*rs->at), rs->at_nr + 1, &rs->at_cap);
    rs->at[rs->at_nr++] = rs->text.len;
    buf_add(&rs->text, s, strlen(s) + 1);
}

static const char *str(const struct demo_rows *rs, size_t i)
{
    return rs->text.ptr + rs->at[i];
}

static int64_t contact_id(const struct sim_account *a, int i)
{
    return i >= 0 ? a->contacts[i].id : 0;
}

/* Writes rs's rows; a refused one is the generator's bug. */
static int flush(struct store *st, int64_t ws, struct demo_rows *rs, int64_t now,
                 const char *account, struct lf_err *err)
{
    /* events in bulk (PostgreSQL: COPY at the commit; SQLite writes them at once): a demo's
     * message ids are its own, every one new */
    struct store_write_opts wo = {.now = now, .actor = "demo", .flags = STORE_BULK};
    if (store_write(st, ws, rs->v, rs->nr, &wo, NULL, err) < 0)
        return -1;
    for (size_t i = 0; i < rs->nr; i++)
        if (rs->v[i].err.code) {
            *err = rs->v[i].err;
            err_prefix(err, "the demo made an invalid %s for account %s (field '%s')",
                       rs->v[i].def->singular, account, rs->v[i].err.field);
            err->code = LF_EINTERNAL;
            return -1;
        }
    return 0;
}

int demo_write(struct store *st, int64_t ws, struct sim_account *a, struct demo_rows *rs,
               int64_t today, struct lf_demo_result *out, struct lf_err *err)
{
    char id[48];
    /* every string the rows point to, first: the account, contacts (id and attributes),
     * touchpoints, responses, events, orders */
    rs->at_nr = 0;
    buf_reset(&rs->text);
    keep(rs, ext_id(id, "acc", a->index + 1, -1, 0));
    for (size_t i = 0; i < a->contacts_nr; i++) {
        char attrs[64] = "", day[16];
        if (a->contacts[i].left_at) {
            time_format_date(a->contacts[i].left_at, day);
            snprintf(attrs, sizeof(attrs), "{\"left_at\":\"%s\"}", day);
        }
        keep(rs, ext_id(id, "usr", a->index + 1, (int64_t)i + 1, 3));
        keep(rs, attrs);
    }
    size_t first_tp = rs->at_nr;
    for (size_t i = 0; i < a->tps_nr; i++)
        keep(rs, ext_id(id, "tp", a->index + 1, (int64_t)i + 1, 4));
    for (size_t i = 0; i < a->resps_nr; i++)
        keep(rs, ext_id(id, "rsp", a->index + 1, (int64_t)i + 1, 4));
    for (size_t i = 0; i < a->events_nr; i++)
        keep(rs, ext_id(id, "evt", a->index + 1, (int64_t)i + 1, 6));
    for (size_t i = 0; i < a->orders_nr; i++)
        keep(rs, ext_id(id, "ord", a->index + 1, (int64_t)i + 1, 4));
    const char *aid = str(rs, 0);
    int64_t now = today + MS_PER_DAY - 1; /* the generated business ends today */
    size_t k = 1;

    /* the account, then its contacts: the other rows name them by internal id */
    rs->nr = 0;
    struct store_row *acc = add(rs, &resource_accounts);
    store_row_text(acc, ACCOUNT_ID, aid);
    store_row_text(acc, ACCOUNT_NAME, sim_str(a, a->name));
    store_row_text(acc, ACCOUNT_PLAN, a->plan);
    store_row_text(acc, ACCOUNT_SEGMENT, a->segment);
    store_row_text(acc, ACCOUNT_CURRENCY, "USD");
    store_row_text(acc, ACCOUNT_STAGE, a->stage);
    store_row_text(acc, ACCOUNT_OWNER, a->owner);
    if (a->seats != LF_UNSET)
        store_row_int(acc, ACCOUNT_SEATS, a->seats);
    store_row_int(acc, ACCOUNT_SINCE, a->customer_since);
    if (a->renewal_date != LF_UNSET)
        store_row_int(acc, ACCOUNT_RENEWAL, a->renewal_date);
    if (sim_str(a, a->attrs))
        store_row_text(acc, ACCOUNT_ATTRS, sim_str(a, a->attrs));
    if (flush(st, ws, rs, now, aid, err) < 0)
        return -1;
    int64_t account_id = rs->v[0].id;
    rs->nr = 0;
    for (size_t i = 0; i < a->contacts_nr; i++, k += 2) {
        struct sim_contact *sc = &a->contacts[i];
        struct store_row *c = add(rs, &resource_contacts);
        store_row_text(c, CONTACT_ID, str(rs, k));
        store_row_ref(c, CONTACT_ACCOUNT, NULL, account_id);
        store_row_text(c, CONTACT_EMAIL, sim_str(a, sc->email));
        store_row_text(c, CONTACT_NAME, sim_str(a, sc->name));
        store_row_text(c, CONTACT_ROLE, sc->role);
        store_row_int(c, CONTACT_CREATED, sc->created_at);
        if (*str(rs, k + 1))
            store_row_text(c, CONTACT_ATTRS, str(rs, k + 1));
    }
    if (flush(st, ws, rs, now, aid, err) < 0)
        return -1;
    for (size_t i = 0; i < a->contacts_nr; i++)
        a->contacts[i].id = rs->v[i].id;

    /* then everything else, in one call */
    rs->nr = 0;
    for (size_t i = 0; i < a->mrr_nr; i++) {
        struct store_row *m = add(rs, &resource_mrr_changes);
        store_row_ref(m, MRR_ACCOUNT, NULL, account_id);
        store_row_int(m, MRR_DATE, a->mrr[i].date);
        store_row_int(m, MRR_MRR, a->mrr[i].mrr);
        if (a->mrr[i].reason)
            store_row_text(m, MRR_REASON, a->mrr[i].reason);
    }
    for (size_t i = 0; i < a->tps_nr; i++) {
        const struct sim_touchpoint *s = &a->tps[i];
        struct store_row *t = add(rs, &resource_touchpoints);
        store_row_text(t, TP_ID, str(rs, k++));
        store_row_int(t, TP_TS, s->ts);
        store_row_ref(t, TP_ACCOUNT, NULL, account_id);
        if (s->contact >= 0)
            store_row_ref(t, TP_CONTACT, NULL, contact_id(a, s->contact));
        store_row_text(t, TP_CHANNEL, s->channel);
        store_row_text(t, TP_STAGE, s->stage);
        store_row_text(t, TP_TEAM, s->team);
        store_row_text(t, TP_KIND, s->kind);
        if (!isnan(s->duration))
            store_row_real(t, TP_DURATION, s->duration);
        if (s->status)
            store_row_text(t, TP_STATUS, s->status);
        if (sim_str(a, s->text))
            store_row_text(t, TP_TEXT, sim_str(a, s->text));
        if (sim_str(a, s->attrs))
            store_row_text(t, TP_ATTRS, sim_str(a, s->attrs));
    }
    for (size_t i = 0; i < a->resps_nr; i++) {
        const struct sim_response *s = &a->resps[i];
        struct store_row *r = add(rs, &resource_responses);
        store_row_text(r, RESP_ID, str(rs, k++));
        store_row_int(r, RESP_TS, s->ts);
        store_row_ref(r, RESP_ACCOUNT, NULL, account_id);
        if (s->contact >= 0)
            store_row_ref(r, RESP_CONTACT, NULL, contact_id(a, s->contact));
        store_row_ref(r, RESP_SURVEY, survey_ext[s->survey], 0);
        store_row_int(r, RESP_SCORE, s->score);
        if (sim_str(a, s->comment))
            store_row_text(r, RESP_COMMENT, sim_str(a, s->comment));
        if (s->touchpoint >= 0)
            store_row_ref(r, RESP_TOUCHPOINT, str(rs, first_tp + (size_t)s->touchpoint), 0);
    }
    for (size_t i = 0; i < a->events_nr; i++) {
        const struct sim_event *s = &a->events[i];
        struct store_row *e = add(rs, &resource_events);
        store_row_text(e, EVENT_ID, str(rs, k++));
        store_row_int(e, EVENT_TS, s->ts);
        store_row_ref(e, EVENT_ACCOUNT, NULL, account_id);
        if (s->contact >= 0)
            store_row_ref(e, EVENT_CONTACT, NULL, contact_id(a, s->contact));
        store_row_text(e, EVENT_NAME, s->feature < FEAT_NR
                                          ? demo_features[s->feature].name
                                          : demo_consumer_events[s->feature - FEAT_NR]);
        if (s->value >= 0)
            store_row_real(e, EVENT_VALUE, (double)s->value);
    }
    for (size_t i = 0; i < a->orders_nr; i++) {
        const struct sim_order *s = &a->orders[i];
        struct store_row *o = add(rs, &resource_orders);
        store_row_text(o, ORDER_ID, str(rs, k++));
        store_row_ref(o, ORDER_ACCOUNT, NULL, account_id);
        if (s->contact >= 0)
            store_row_ref(o, ORDER_CONTACT, NULL, contact_id(a, s->contact));
        store_row_int(o, ORDER_TS, s->ts);
        store_row_int(o, ORDER_AMOUNT, s->amount);
    }
    if (flush(st, ws, rs, now, aid, err) < 0)
        return -1;
    /* the responses' ids, for the follow-ups written once they are committed */
    size_t first_resp = a->mrr_nr + a->tps_nr;
    for (size_t i = 0; i < a->fus_nr; i++) {
        const struct sim_followup *f = &a->fus[i];
        rs->fus = xgrow(rs->fus, sizeof(*rs->fus), rs->fus_nr + 1, &rs->fus_cap);
        struct demo_followup *d = &rs->fus[rs->fus_nr++];
        d->response_id = rs->v[first_resp + (size_t)f->resp].id;
        d->opened_at = a->resps[f->resp].ts;
        d->closed_at = f->worked ? f->closed_at : 0;
        d->outcome = f->worked ? (f->dismiss ? "dismissed" : "done") : NULL;
        d->note = f->worked ? f->note : NULL;
    }
    out->accounts++;
    out->contacts += a->contacts_nr;
    out->mrr_changes += a->mrr_nr;
    out->touchpoints += a->tps_nr;
    out->responses += a->resps_nr;
    out->events += a->events_nr;
    out->orders += a->orders_nr;
    return 0;
}

static int by_time(const void *x, const void *y)
{
    const struct demo_followup *a = x, *b = y;
    if (a->opened_at != b->opened_at)
        return a->opened_at < b->opened_at ? -1 : 1;
    return a->response_id < b->response_id ? -1 : a->response_id > b->response_id;
}

const struct demo_followup *demo_rows_followups(struct demo_rows *rs, size_t *nr)
{
    if (rs->fus_nr)
        qsort(rs->fus, rs->fus_nr, sizeof(*rs->fus), by_time);
    *nr = rs->fus_nr;
    return rs->fus;
}

void demo_rows_followups_reset(struct demo_rows *rs)
{
    rs->fus_nr = 0;
}
