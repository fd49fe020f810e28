/* demo_write.c - writing one simulated account through the store API, resolving its ids. */
#include "demo_int.h"

#include <math.h>

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

int demo_surveys_find(struct store *st, int64_t ws, struct demo_surveys *out, struct lf_err *err)
{
    for (int i = 0; i < 3; i++) {
        struct survey s;
        int found = store_survey_find(st, ws, survey_ext[i], &s, err);
        if (found < 0)
            return -1;
        if (!found)
            return err_set(err, LF_ESTORE, "the built-in survey '%s' is missing", survey_ext[i]);
        out->id[i] = s.id;
    }
    return 0;
}

static int write_contacts(struct store *st, int64_t ws, struct sim_account *a, int64_t account_id,
                          const char *account_ext, struct lf_err *err)
{
    char id[48];
    struct buf attrs = BUF_INIT;
    int ret = -1;
    for (size_t i = 0; i < a->contacts_nr; i++) {
        struct sim_contact *sc = &a->contacts[i];
        buf_reset(&attrs);
        if (sc->left_at) {
            char day[16];
            time_format_date(sc->left_at, day);
            buf_addf(&attrs, "{\"left_at\":\"%s\"}", day);
        }
        struct contact c = {.account_id = account_id,
                            .ext_id = ext_id(id, "usr", a->index + 1, (int64_t)i + 1, 3),
                            .account_ext_id = account_ext,
                            .email = sim_str(a, sc->email),
                            .name = sim_str(a, sc->name),
                            .role = sc->role,
                            .created_at = sc->created_at,
                            .attrs_json = sc->left_at ? buf_str(&attrs) : NULL};
        enum store_change ch;
        if (store_contact_upsert(st, ws, &c, &sc->id, &ch, err) < 0)
            goto out;
    }
    ret = 0;
out:
    buf_release(&attrs);
    return ret;
}

static int64_t contact_id(const struct sim_account *a, int i)
{
    return i >= 0 ? a->contacts[i].id : 0;
}

int demo_write(struct store *st, int64_t ws, struct sim_account *a, const struct demo_surveys *sv,
               int64_t today, struct lf_demo_result *out, struct lf_err *err)
{
    char aid[48], id[48], tid[48];
    enum store_change ch;
    struct account acc = {.ext_id = ext_id(aid, "acc", a->index + 1, -1, 0),
                          .name = sim_str(a, a->name),
                          .plan = a->plan,
                          .segment = a->segment,
                          .currency = "USD",
                          .stage = a->stage,
                          .owner = a->owner,
                          .mrr = LF_UNSET,
                          .seats = a->seats,
                          .customer_since = a->customer_since,
                          .renewal_date = a->renewal_date,
                          .attrs_json = sim_str(a, a->attrs)};
    int64_t account_id;
    if (store_account_upsert(st, ws, &acc, today, &account_id, &ch, err) < 0 ||
        write_contacts(st, ws, a, account_id, aid, err) < 0)
        return -1;
    for (size_t i = 0; i < a->mrr_nr; i++) {
        struct mrr_change m = {.account_id = account_id,
                               .account_ext_id = aid,
                               .date = a->mrr[i].date,
                               .mrr = a->mrr[i].mrr,
                               .reason = a->mrr[i].reason};
        if (store_mrr_change_upsert(st, ws, &m, &ch, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < a->tps_nr; i++) {
        struct sim_touchpoint *s = &a->tps[i];
        struct touchpoint t = {.account_id = account_id,
                               .contact_id = contact_id(a, s->contact),
                               .ext_id = ext_id(id, "tp", a->index + 1, (int64_t)i + 1, 4),
                               .account_ext_id = aid,
                               .ts = s->ts,
                               .channel = s->channel,
                               .stage = s->stage,
                               .team = s->team,
                               .kind = s->kind,
                               .duration_minutes = s->duration,
                               .status = s->status,
                               .text = sim_str(a, s->text),
                               .attrs_json = sim_str(a, s->attrs)};
        if (store_touchpoint_upsert(st, ws, &t, &s->id, &ch, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < a->resps_nr; i++) {
        const struct sim_response *s = &a->resps[i];
        struct response r = {
            .account_id = account_id,
            .contact_id = contact_id(a, s->contact),
            .survey_id = sv->id[s->survey],
            .touchpoint_id = s->touchpoint >= 0 ? a->tps[s->touchpoint].id : 0,
            .ext_id = ext_id(id, "rsp", a->index + 1, (int64_t)i + 1, 4),
            .account_ext_id = aid,
            .survey_ext_id = survey_ext[s->survey],
            .touchpoint_ext_id =
                s->touchpoint >= 0 ? ext_id(tid, "tp", a->index + 1, s->touchpoint + 1, 4) : NULL,
            .ts = s->ts,
            .score = s->score,
            .comment = sim_str(a, s->comment)};
        if (store_response_upsert(st, ws, &r, &ch, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < a->events_nr; i++) {
        const struct sim_event *s = &a->events[i];
        struct event e = {.account_id = account_id,
                          .contact_id = contact_id(a, s->contact),
                          .message_id = ext_id(id, "evt", a->index + 1, (int64_t)i + 1, 6),
                          .name = s->feature < FEAT_NR ? demo_features[s->feature].name
                                                       : demo_consumer_events[s->feature - FEAT_NR],
                          .ts = s->ts,
                          .value = s->value >= 0 ? (double)s->value : NAN,
                          .has_value = s->value >= 0};
        if (store_event_append(st, ws, &e, &ch, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < a->orders_nr; i++) {
        const struct sim_order *s = &a->orders[i];
        struct order o = {.account_id = account_id,
                          .contact_id = contact_id(a, s->contact),
                          .ext_id = ext_id(id, "ord", a->index + 1, (int64_t)i + 1, 4),
                          .customer_ext_id = aid,
                          .ts = s->ts,
                          .amount = s->amount};
        if (store_order_upsert(st, ws, &o, &ch, err) < 0)
            return -1;
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
