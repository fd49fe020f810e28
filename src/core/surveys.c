/* surveys.c - surveys landfall sends itself (docs/surveys.md): what its parts read (a survey, a
 * contact and its account, as copies), the list of surveys, the workspace's survey settings,
 * and the tables of response rates and skips. Invitations and mail are survey_invite.c, the link
 * page and the in-app snippet survey_answer.c, the triggers survey_trigger.c; what they share is
 * surveys_int.h. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "report/table.h"
#include "surveys.h"
#include "surveys_int.h"

/* ---- what the surveys read: a survey, a contact and its account, as copies ---- */

void survey_copy_value(char *out, size_t size, const struct value *v)
{
    snprintf(out, size, "%s", !v->null && v->s ? v->s : "");
}

int survey_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err;
    struct srv *s = ctx;
    s->id = id;
    survey_copy_value(s->ext, sizeof(s->ext), &v[SURVEY_ID]);
    survey_copy_value(s->kind, sizeof(s->kind), &v[SURVEY_KIND]);
    survey_copy_value(s->name, sizeof(s->name), &v[SURVEY_NAME]);
    s->min = v[SURVEY_MIN].i;
    s->max = v[SURVEY_MAX].i;
    s->higher = v[SURVEY_HIGHER].i != 0;
    survey_copy_value(s->question, sizeof(s->question), &v[SURVEY_QUESTION]);
    survey_copy_value(s->comment_q, sizeof(s->comment_q), &v[SURVEY_COMMENT_Q]);
    survey_copy_value(s->choice_q, sizeof(s->choice_q), &v[SURVEY_CHOICE_Q]);
    survey_copy_value(s->choices, sizeof(s->choices), &v[SURVEY_CHOICES]);
    for (int i = 0; i < 4; i++)
        survey_copy_value(s->aud[i], sizeof(s->aud[i]), &v[SURVEY_AUD_SEGMENT + i]);
    survey_copy_value(s->trigger, sizeof(s->trigger), &v[SURVEY_TRIGGER]);
    survey_copy_value(s->tp_kind, sizeof(s->tp_kind), &v[SURVEY_TP_KIND]);
    survey_copy_value(s->milestone, sizeof(s->milestone), &v[SURVEY_MILESTONE]);
    s->every = v[SURVEY_EVERY].null ? 0 : v[SURVEY_EVERY].i;
    survey_copy_value(s->channel, sizeof(s->channel), &v[SURVEY_CHANNEL]);
    survey_copy_value(s->status, sizeof(s->status), &v[SURVEY_STATUS]);
    if (!s->channel[0])
        snprintf(s->channel, sizeof(s->channel), "link");
    if (!s->status[0])
        snprintf(s->status, sizeof(s->status), "active");
    if (!s->question[0]) /* the kinds' usual wording when the survey gives none */
        snprintf(s->question, sizeof(s->question), "%s",
                 !strcmp(s->kind, "nps")    ? "How likely are you to recommend us to a friend "
                                              "or colleague?"
                 : !strcmp(s->kind, "csat") ? "How satisfied are you with the help you got?"
                 : !strcmp(s->kind, "ces")  ? "How easy was it to get what you needed?"
                                            : "How would you rate us?");
    return 0;
}

/* 1 with *s, 0 when there is no such survey, -1. */
int survey_load(struct store *st, int64_t ws, const char *ext, struct srv *s,
                struct lf_err *err)
{
    struct value key = {.s = ext};
    memset(s, 0, sizeof(*s));
    return store_get(st, ws, &resource_surveys, &key, survey_row, s, err);
}

int survey_load_id(struct store *st, int64_t ws, int64_t id, struct srv *s,
                   struct lf_err *err)
{
    char ext[257];
    int rc = store_key_of(st, ws, &resource_surveys, id, ext, err);
    return rc <= 0 ? rc : survey_load(st, ws, ext, s, err);
}

static int contact_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err;
    struct person *p = ctx;
    p->id = id;
    survey_copy_value(p->ext, sizeof(p->ext), &v[CONTACT_ID]);
    p->account_id = v[CONTACT_ACCOUNT].null ? 0 : v[CONTACT_ACCOUNT].i;
    survey_copy_value(p->account_ext, sizeof(p->account_ext), &v[CONTACT_ACCOUNT]);
    survey_copy_value(p->email, sizeof(p->email), &v[CONTACT_EMAIL]);
    survey_copy_value(p->name, sizeof(p->name), &v[CONTACT_NAME]);
    survey_copy_value(p->role, sizeof(p->role), &v[CONTACT_ROLE]);
    return 0;
}

static int account_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct person *p = ctx;
    survey_copy_value(p->plan, sizeof(p->plan), &v[ACCOUNT_PLAN]);
    survey_copy_value(p->segment, sizeof(p->segment), &v[ACCOUNT_SEGMENT]);
    survey_copy_value(p->stage, sizeof(p->stage), &v[ACCOUNT_STAGE]);
    survey_copy_value(p->owner, sizeof(p->owner), &v[ACCOUNT_OWNER]);
    survey_copy_value(p->account_name, sizeof(p->account_name), &v[ACCOUNT_NAME]);
    return 0;
}

/* The contact and its account: 1, 0 when there is no such contact, -1. */
int survey_person_load(struct store *st, int64_t ws, const char *ext, struct person *p,
                       struct lf_err *err)
{
    struct value key = {.s = ext};
    memset(p, 0, sizeof(*p));
    int rc = store_get(st, ws, &resource_contacts, &key, contact_row, p, err);
    if (rc <= 0 || !p->account_id || !p->account_ext[0])
        return rc;
    key.s = p->account_ext;
    return store_get(st, ws, &resource_accounts, &key, account_row, p, err) < 0 ? -1 : 1;
}

int survey_person_load_id(struct store *st, int64_t ws, int64_t id, struct person *p,
                          struct lf_err *err)
{
    char ext[257];
    int rc = store_key_of(st, ws, &resource_contacts, id, ext, err);
    return rc <= 0 ? rc : survey_person_load(st, ws, ext, p, err);
}

int survey_pick_row_any(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct pick *p = ctx;
    p->v = xgrow(p->v, sizeof(*p->v), p->nr + 1, &p->cap);
    memset(&p->v[p->nr], 0, sizeof(*p->v));
    return survey_row(&p->v[p->nr++], id, v, err);
}

/* ---- the list ---- */

static int list_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct srv s = {0};
    struct lf_table *t = ctx;
    char scale[48], when[1100], audience[4200] = "";
    static const char *const aud_names[] = {"segment", "plan", "role", "stage"};
    survey_row(&s, id, v, err);
    snprintf(scale, sizeof(scale), "%lld-%lld", (long long)s.min, (long long)s.max);
    if (!strcmp(s.trigger, "periodic"))
        snprintf(when, sizeof(when), "every %lld days", (long long)s.every);
    else if (!strcmp(s.trigger, "touchpoint"))
        snprintf(when, sizeof(when), "after a %s", s.tp_kind);
    else if (!strcmp(s.trigger, "milestone"))
        snprintf(when, sizeof(when), "on %s", s.milestone);
    else
        snprintf(when, sizeof(when), "%s", s.trigger[0] ? s.trigger : "manual");
    for (int i = 0; i < 4; i++) {
        size_t used = strlen(audience);
        if (s.aud[i][0])
            snprintf(audience + used, sizeof(audience) - used, "%s%s=%s", used ? ", " : "",
                     aud_names[i], s.aud[i]);
    }
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, s.ext);
    table_set_text(t, r, 1, s.kind);
    table_set_text(t, r, 2, s.name);
    table_set_text(t, r, 3, scale);
    table_set_text(t, r, 4, when);
    table_set_text(t, r, 5, s.channel);
    table_set_text(t, r, 6, audience[0] ? audience : "everyone");
    table_set_text(t, r, 7, s.status);
    table_set_text(t, r, 8, s.question);
    return 0;
}

int lf_survey_list(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    static const struct lf_column_info cols[] = {
        {"id", LF_COL_TEXT},       {"kind", LF_COL_TEXT},   {"name", LF_COL_TEXT},
        {"scale", LF_COL_TEXT},    {"when", LF_COL_TEXT},   {"channel", LF_COL_TEXT},
        {"audience", LF_COL_TEXT}, {"status", LF_COL_TEXT}, {"question", LF_COL_TEXT}};
    struct lf_table *t = table_new_with("surveys", cols, sizeof(cols) / sizeof(*cols));
    struct store_query q = {0};
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_list(st, lf->w->info.id, &resource_surveys, &q, list_row, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

/* ---- settings ---- */

/* The workspace's settings, made with a fresh key on first use. */
int survey_settings_ensure(struct lf *lf, struct survey_settings *s, struct lf_err *err)
{
    int64_t ws = lf->w->info.id;
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_survey_settings_get(st, ws, s, err) : -1;
    core_read_end(lf, st);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char key[2 * SURVEY_KEY_BYTES + 1];
    survey_key_new(key);
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    /* The closed loop starts where the change log ends: responses from before surveys were
     * first used are history, not a queue of follow-ups. */
    int64_t seq, events;
    if (store_feed_position(st, ws, &seq, &events, err) < 0 ||
        store_survey_settings_ensure(st, ws, key, seq, err) < 0 ||
        store_survey_settings_get(st, ws, s, err) < 0 || core_tx_commit_lf(lf, err) < 0) {
        core_tx_abort(lf->w->core);
        return -1;
    }
    return 0;
}

int lf_survey_settings_get(struct lf *lf, struct lf_survey_settings *out, struct lf_err *err)
{
    struct survey_settings s;
    /* a read: settings never stored are the defaults a first use will store (showing them is
     * no use of surveys, and a GET writes nothing) */
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_survey_settings_get(st, lf->w->info.id, &s, err) : -1;
    core_read_end(lf, st);
    if (rc < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->contact_days = s.contact_days;
    out->account_max = s.account_max;
    out->account_days = s.account_days;
    out->quiet_days = s.quiet_days;
    out->link_days = s.link_days;
    out->sla_days = s.sla_days;
    snprintf(out->smtp_url, sizeof(out->smtp_url), "%s", s.smtp_url);
    snprintf(out->mail_from, sizeof(out->mail_from), "%s", s.mail_from);
    snprintf(out->base_url, sizeof(out->base_url), "%s", s.base_url);
    return 0;
}

int lf_survey_settings_set(struct lf *lf, const struct lf_survey_settings *in,
                           struct lf_err *err)
{
    struct survey_settings s;
    struct store *st;
    /* each number names its field, so a form can show the error beside it */
    const int64_t *days[] = {&in->contact_days, &in->account_days, &in->quiet_days,
                             &in->link_days, &in->sla_days};
    static const char *const day_names[] = {"contact_days", "account_days", "quiet_days",
                                            "link_days", "sla_days"};
    for (size_t i = 0; i < sizeof(days) / sizeof(*days); i++)
        if (*days[i] < 0 || *days[i] > 3660)
            return err_set_field(err, day_names[i], LF_EINVAL,
                                 "a number of days must lie in 0..3660, not %lld",
                                 (long long)*days[i]);
    if (in->account_max < 0 || in->account_max > 1000000)
        return err_set_field(err, "account_max", LF_EINVAL,
                             "the account budget must lie in 0..1000000, not %lld",
                             (long long)in->account_max);
    if (in->link_days < 1)
        return err_set_field(err, "link_days", LF_EINVAL, "links must live at least 1 day");
    if (in->smtp_url[0] && strncmp(in->smtp_url, "smtp://", 7) != 0 &&
        strncmp(in->smtp_url, "smtps://", 8) != 0)
        return err_set(err, LF_EINVAL, "the relay '%s' is not an smtp:// or smtps:// URL",
                       in->smtp_url);
    if (survey_settings_ensure(lf, &s, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    s.contact_days = in->contact_days;
    s.account_max = in->account_max;
    s.account_days = in->account_days;
    s.quiet_days = in->quiet_days;
    s.link_days = in->link_days;
    s.sla_days = in->sla_days;
    snprintf(s.smtp_url, sizeof(s.smtp_url), "%s", in->smtp_url);
    snprintf(s.mail_from, sizeof(s.mail_from), "%s", in->mail_from);
    snprintf(s.base_url, sizeof(s.base_url), "%s", in->base_url);
    /* the loop's position is the loop's: re-read it inside the transaction */
    struct survey_settings now;
    if (store_survey_settings_get(st, lf->w->info.id, &now, err) < 0)
        goto fail;
    s.loop_seq = now.loop_seq;
    if (store_survey_settings_put(st, lf->w->info.id, &s, err) < 0 ||
        core_tx_commit_lf(lf, err) < 0)
        goto fail;
    return 0;
fail:
    core_tx_abort(lf->w->core);
    return -1;
}


/* ---- tables ---- */

static int rate_row(void *ctx, const char *survey, const char *channel, const char *segment,
                    int64_t delivered, int64_t answered, int64_t undelivered, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, survey);
    table_set_text(t, r, 1, channel);
    if (segment)
        table_set_text(t, r, 2, segment);
    table_set_int(t, r, 3, delivered);
    table_set_int(t, r, 4, answered);
    if (delivered > 0)
        table_set_real(t, r, 5, 100.0 * (double)answered / (double)delivered);
    table_set_int(t, r, 6, undelivered);
    return 0;
}

int lf_survey_results(struct lf *lf, const char *survey, struct lf_table **out,
                      struct lf_err *err)
{
    static const struct lf_column_info cols[] = {
        {"survey", LF_COL_TEXT},   {"channel", LF_COL_TEXT}, {"segment", LF_COL_TEXT},
        {"delivered", LF_COL_INT}, {"answered", LF_COL_INT}, {"response_rate", LF_COL_PERCENT},
        /* mails the relay has not accepted (yet, or after the last attempt): reported, not
         * counted */
        {"not_delivered", LF_COL_INT}};
    struct lf_table *t = table_new_with("survey_results", cols, sizeof(cols) / sizeof(*cols));
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_survey_rates(st, lf->w->info.id, survey, rate_row, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

static int skip_row(void *ctx, const struct survey_skip *k, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    char when[32];
    size_t r = table_add_row(t);
    time_format_iso(k->at, when);
    table_set_text(t, r, 0, when);
    table_set_text(t, r, 1, k->survey_ext);
    table_set_text(t, r, 2, k->contact_ext);
    table_set_text(t, r, 3, k->reason);
    if (k->detail[0])
        table_set_text(t, r, 4, k->detail);
    return 0;
}

int lf_survey_skips(struct lf *lf, const char *contact, struct lf_table **out,
                    struct lf_err *err)
{
    static const char *const cols[] = {"at", "survey", "contact", "reason", "detail"};
    struct lf_table *t = table_new("survey_skips");
    for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
        table_add_column(t, cols[i], LF_COL_TEXT);
    int64_t id = 0;
    int rc = 0;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        rc = -1;
    if (rc == 0 && contact) {
        struct value key = {.s = contact};
        rc = store_find(st, lf->w->info.id, &resource_contacts, &key, &id, err);
        if (rc == 0)
            rc = err_set(err, LF_ENOENT, "contact '%s' does not exist", contact);
        else if (rc > 0)
            rc = 0;
    }
    if (rc == 0)
        rc = store_survey_skips_scan(st, lf->w->info.id, id, skip_row, t, err);
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}
