/* survey_trigger.c - the surveys' triggers: touchpoints, periodic surveys and milestone events
 * offer the surveys they make due, each within the fatigue budget. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "surveys_int.h"

/* ---- touchpoint triggers ---- */

struct tp_ids {
    int64_t *v;
    size_t nr, cap;
};

static int tp_change(void *ctx, const struct store_change_rec *c, struct lf_err *err)
{
    (void)err;
    struct tp_ids *t = ctx;
    if (c->resource != resource_touchpoints.code ||
        (c->op != STORE_INSERTED && c->op != STORE_UPDATED))
        return 0;
    t->v = xgrow(t->v, sizeof(*t->v), t->nr + 1, &t->cap);
    t->v[t->nr++] = c->row_id;
    return 0;
}

struct tp {
    int64_t contact_id;
    char kind[1025], status[16];
};

static int tp_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct tp *t = ctx;
    t->contact_id = v[TP_CONTACT].null ? 0 : v[TP_CONTACT].i;
    survey_copy_value(t->kind, sizeof(t->kind), &v[TP_KIND]);
    survey_copy_value(t->status, sizeof(t->status), &v[TP_STATUS]);
    return 0;
}

static int periodic_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_TRIGGER].null || !v[SURVEY_TRIGGER].s || strcmp(v[SURVEY_TRIGGER].s, "periodic") ||
        v[SURVEY_EVERY].null)
        return 0;
    return survey_pick_row_any(ctx, id, v, err);
}

static int contact_id_row(void *ctx, const struct contact *c, struct lf_err *err)
{
    (void)err;
    struct tp_ids *t = ctx;
    t->v = xgrow(t->v, sizeof(*t->v), t->nr + 1, &t->cap);
    t->v[t->nr++] = c->id;
    return 0;
}

static void mail_add(struct due *mails, const struct survey_send *d)
{
    mails->v = xgrow(mails->v, sizeof(*mails->v), mails->nr + 1, &mails->cap);
    mails->v[mails->nr++] = *d;
}

/* Offers survey s, as a trigger found it due, to p through the survey's channel: counted in
 * *sent or *skipped, its mail queued in mails to go after the commit. */
static int offer_due(struct store *st, int64_t ws, const struct survey_settings *cfg,
                     const struct srv *s, const struct person *p, int64_t touchpoint, int64_t now,
                     struct due *mails, size_t *sent, size_t *skipped, struct lf_err *err)
{
    struct lf_survey_send_result res = {0};
    struct survey_send d;
    if (survey_offer(st, ws, cfg, s, p, s->channel, touchpoint, now, &d, &res, err) < 0)
        return -1;
    if (!res.sent) {
        (*skipped)++;
        return 0;
    }
    (*sent)++;
    if (!strcmp(d.channel, "email"))
        mail_add(mails, &d);
    return 0;
}

/* Periodic surveys: every contact of the audience not offered the survey in its last
 * every_days is offered it now, within the budget (a contact outside the audience is not due,
 * so not a skip). */
static int periodic(struct store *st, int64_t ws, const struct survey_settings *cfg, int64_t now,
                    struct due *mails, size_t *sent, size_t *skipped, struct lf_err *err)
{
    struct pick pk = {0};
    struct tp_ids contacts = {0};
    struct store_query q = {0};
    int rc = -1;
    if (store_list(st, ws, &resource_surveys, &q, periodic_row, &pk, err) < 0)
        goto out;
    if (pk.nr && store_contacts_scan(st, ws, contact_id_row, &contacts, err) < 0)
        goto out;
    for (size_t i = 0; i < pk.nr; i++) {
        const struct srv *s = &pk.v[i];
        if (strcmp(s->status, "active") != 0)
            continue;
        for (size_t j = 0; j < contacts.nr; j++) {
            struct person p;
            char why[256];
            int64_t last;
            int found = store_survey_last_offer(st, ws, s->id, contacts.v[j], &last, err);
            if (found < 0)
                goto out;
            if (found && last > now - s->every * DAY_MS)
                continue;
            if ((found = survey_person_load_id(st, ws, contacts.v[j], &p, err)) < 0)
                goto out;
            if (!found || !survey_audience_fits(s, &p, why, sizeof(why)))
                continue;
            if (offer_due(st, ws, cfg, s, &p, 0, now, mails, sent, skipped, err) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    free(pk.v);
    free(contacts.v);
    return rc;
}

static int trigger_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_TRIGGER].null || !v[SURVEY_TRIGGER].s || strcmp(v[SURVEY_TRIGGER].s, "touchpoint"))
        return 0;
    return survey_pick_row_any(ctx, id, v, err);
}

/* One touchpoint: offers each survey it triggers. */
static int trigger_one(struct store *st, int64_t ws, const struct survey_settings *cfg,
                       const struct pick *pk, int64_t tp_id, int64_t now, struct due *mails,
                       size_t *sent, size_t *skipped, struct lf_err *err)
{
    char ext[257];
    struct tp t = {0};
    struct person p;
    int rc = store_key_of(st, ws, &resource_touchpoints, tp_id, ext, err);
    struct value key = {.s = ext};
    if (rc > 0)
        rc = store_get(st, ws, &resource_touchpoints, &key, tp_row, &t, err);
    if (rc <= 0)
        return rc;
    /* a ticket triggers when it is resolved; a touchpoint without a status when it happens */
    if (!t.contact_id || (t.status[0] && strcmp(t.status, "resolved") != 0))
        return 0;
    for (size_t i = 0; i < pk->nr; i++) {
        const struct srv *s = &pk->v[i];
        if (!s->tp_kind[0] || strcmp(s->tp_kind, t.kind) != 0)
            continue;
        if ((rc = store_survey_sent_for(st, ws, s->id, tp_id, err)) != 0)
            return rc < 0 ? -1 : 0; /* offered for this touchpoint already */
        if ((rc = survey_person_load_id(st, ws, t.contact_id, &p, err)) <= 0)
            return rc;
        if (offer_due(st, ws, cfg, s, &p, tp_id, now, mails, sent, skipped, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- milestone triggers ---- */

/* An event older than this when the trigger reads it is history (a backfill, an import of
 * last year's events), not a milestone reached now: nobody is asked about it. */
#define MILESTONE_FRESH_DAYS 7

static int milestone_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_TRIGGER].null || !v[SURVEY_TRIGGER].s ||
        strcmp(v[SURVEY_TRIGGER].s, "milestone") || v[SURVEY_MILESTONE].null ||
        !v[SURVEY_MILESTONE].s || !*v[SURVEY_MILESTONE].s)
        return 0;
    return survey_pick_row_any(ctx, id, v, err);
}

struct ms_event {
    int64_t ts, contact_id, account_id;
    size_t survey; /* the index of the first survey whose milestone it is */
};

struct ms_events {
    const struct pick *pk;
    struct ms_event *v;
    size_t nr, cap;
};

static int ms_event_row(void *ctx, const struct event *e, struct lf_err *err)
{
    (void)err;
    struct ms_events *m = ctx;
    size_t i = 0;
    while (i < m->pk->nr && strcmp(m->pk->v[i].milestone, e->name) != 0)
        i++;
    if (i == m->pk->nr || (!e->contact_id && !e->account_id))
        return 0;
    m->v = xgrow(m->v, sizeof(*m->v), m->nr + 1, &m->cap);
    m->v[m->nr++] = (struct ms_event){e->ts, e->contact_id, e->account_id, i};
    return 0;
}

struct account_contacts {
    int64_t account_id;
    struct tp_ids ids;
};

static int account_contact_row(void *ctx, const struct contact *c, struct lf_err *err)
{
    struct account_contacts *a = ctx;
    return c->account_id == a->account_id ? contact_id_row(&a->ids, c, err) : 0;
}

/* One milestone event: each survey of its milestone is offered to its contact (an account's
 * event without a contact: to every contact of the account), once per survey and contact — a
 * contact reaches a milestone once, so a contact offered the survey or skipped for it before is
 * not asked again, whatever the budget said then. */
static int milestone_one(struct store *st, int64_t ws, const struct survey_settings *cfg,
                         const struct pick *pk, const struct ms_event *e, int64_t now,
                         struct due *mails, size_t *sent, size_t *skipped, struct lf_err *err)
{
    struct account_contacts ac = {.account_id = e->account_id};
    int rc = -1;
    if (e->ts < now - MILESTONE_FRESH_DAYS * DAY_MS)
        return 0;
    if (e->contact_id)
        contact_id_row(&ac.ids, &(struct contact){.id = e->contact_id}, err);
    else if (store_contacts_scan(st, ws, account_contact_row, &ac, err) < 0)
        goto out;
    for (size_t i = e->survey; i < pk->nr; i++) {
        const struct srv *s = &pk->v[i];
        if (strcmp(s->milestone, pk->v[e->survey].milestone) != 0)
            continue;
        for (size_t j = 0; j < ac.ids.nr; j++) {
            struct person p;
            int found = store_survey_handled(st, ws, s->id, ac.ids.v[j], err);
            if (found < 0)
                goto out;
            if (found)
                continue;
            if ((found = survey_person_load_id(st, ws, ac.ids.v[j], &p, err)) < 0)
                goto out;
            if (!found)
                continue;
            if (offer_due(st, ws, cfg, s, &p, 0, now, mails, sent, skipped, err) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    free(ac.ids.v);
    return rc;
}

/* The events past the trigger's position (the first run starts at the last event: older ones
 * are history) whose name is the milestone of an active milestone survey. */
static int milestones(struct store *st, int64_t ws, const struct survey_settings *cfg,
                      int64_t now, struct due *mails, size_t *sent, size_t *skipped,
                      int64_t *upto, struct lf_err *err)
{
    struct pick all = {0}, pk = {0};
    struct ms_events m = {.pk = &pk};
    struct store_query q = {0};
    int rc = -1;
    if (store_events_max_id(st, ws, upto, err) < 0)
        return -1;
    if (cfg->trigger_event < 0 || *upto <= cfg->trigger_event)
        return 0;
    if (store_list(st, ws, &resource_surveys, &q, milestone_row, &all, err) < 0)
        goto out;
    for (size_t i = 0; i < all.nr; i++) /* a paused one is not even a skip: it is not due */
        if (!strcmp(all.v[i].status, "active")) {
            pk.v = xgrow(pk.v, sizeof(*pk.v), pk.nr + 1, &pk.cap);
            pk.v[pk.nr++] = all.v[i];
        }
    if (pk.nr &&
        store_events_scan_brief(st, ws, cfg->trigger_event, *upto, ms_event_row, &m, err) < 0)
        goto out;
    for (size_t i = 0; i < m.nr; i++)
        if (milestone_one(st, ws, cfg, &pk, &m.v[i], now, mails, sent, skipped, err) < 0)
            goto out;
    rc = 0;
out:
    free(all.v);
    free(pk.v);
    free(m.v);
    return rc;
}

int lf_surveys_trigger(struct lf *lf, int64_t now, size_t *sent, size_t *skipped,
                       struct lf_err *err)
{
    struct survey_settings cfg;
    struct tp_ids ids = {0};
    struct pick pk = {0};
    struct due mails = {0};
    struct store *st;
    int64_t ws = lf->w->info.id, seq, events, upto = 0;
    int rc = -1;
    *sent = *skipped = 0;
    if (!now)
        now = time_now_ms();
    if (survey_settings_ensure(lf, &cfg, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    struct store_query q = {0};
    /* inside the write transaction: two runs at once read one position after the other */
    if (store_survey_settings_get(st, ws, &cfg, err) < 0 ||
        store_feed_position(st, ws, &seq, &events, err) < 0)
        goto fail;
    /* the first run starts where the log ends: older touchpoints are history */
    if (cfg.trigger_seq >= 0 &&
        (store_changes_scan(st, ws, cfg.trigger_seq, seq, tp_change, &ids, err) < 0 ||
         (ids.nr && store_list(st, ws, &resource_surveys, &q, trigger_row, &pk, err) < 0)))
        goto fail;
    for (size_t i = 0; i < ids.nr && pk.nr; i++)
        if (trigger_one(st, ws, &cfg, &pk, ids.v[i], now, &mails, sent, skipped, err) < 0)
            goto fail;
    if (periodic(st, ws, &cfg, now, &mails, sent, skipped, err) < 0 ||
        milestones(st, ws, &cfg, now, &mails, sent, skipped, &upto, err) < 0)
        goto fail;
    if (store_survey_trigger_seq(st, ws, seq, err) < 0 ||
        store_survey_trigger_event(st, ws, upto, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    rc = 0;
    for (size_t i = 0; i < mails.nr && rc == 0; i++)
        rc = survey_deliver(lf, &cfg, &mails.v[i], now, err);
    goto out;
fail:
    core_tx_abort(lf->w->core);
    *sent = *skipped = 0;
out:
    free(ids.v);
    free(pk.v);
    free(mails.v);
    return rc;
}
