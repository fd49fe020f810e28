/* surveys.c - surveys landfall sends itself: invitations within a fatigue budget, signed link
 * pages that record answers, the in-app snippet's question, response rates (docs/surveys.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "report/table.h"
#include "surveys.h"

#define DAY_MS 86400000LL

/* ---- what the surveys read: a survey, a contact and its account, as copies ---- */

struct srv {
    int64_t id, min, max, every;
    bool higher;
    char ext[257], kind[16], name[1025], question[1025], comment_q[1025], choice_q[1025];
    char choices[1025], aud[4][1025], trigger[16], channel[16], status[16], tp_kind[1025];
    char milestone[1025];
};

struct person {
    int64_t id, account_id;
    char ext[257], account_ext[257], email[1025], name[1025], role[1025];
    /* its account's */
    char plan[1025], segment[1025], stage[1025], owner[1025], account_name[1025];
};

static void copy(char *out, size_t size, const struct value *v)
{
    snprintf(out, size, "%s", !v->null && v->s ? v->s : "");
}

static int survey_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err;
    struct srv *s = ctx;
    s->id = id;
    copy(s->ext, sizeof(s->ext), &v[SURVEY_ID]);
    copy(s->kind, sizeof(s->kind), &v[SURVEY_KIND]);
    copy(s->name, sizeof(s->name), &v[SURVEY_NAME]);
    s->min = v[SURVEY_MIN].i;
    s->max = v[SURVEY_MAX].i;
    s->higher = v[SURVEY_HIGHER].i != 0;
    copy(s->question, sizeof(s->question), &v[SURVEY_QUESTION]);
    copy(s->comment_q, sizeof(s->comment_q), &v[SURVEY_COMMENT_Q]);
    copy(s->choice_q, sizeof(s->choice_q), &v[SURVEY_CHOICE_Q]);
    copy(s->choices, sizeof(s->choices), &v[SURVEY_CHOICES]);
    for (int i = 0; i < 4; i++)
        copy(s->aud[i], sizeof(s->aud[i]), &v[SURVEY_AUD_SEGMENT + i]);
    copy(s->trigger, sizeof(s->trigger), &v[SURVEY_TRIGGER]);
    copy(s->tp_kind, sizeof(s->tp_kind), &v[SURVEY_TP_KIND]);
    copy(s->milestone, sizeof(s->milestone), &v[SURVEY_MILESTONE]);
    s->every = v[SURVEY_EVERY].null ? 0 : v[SURVEY_EVERY].i;
    copy(s->channel, sizeof(s->channel), &v[SURVEY_CHANNEL]);
    copy(s->status, sizeof(s->status), &v[SURVEY_STATUS]);
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
static int survey_load(struct store *st, int64_t ws, const char *ext, struct srv *s,
                       struct lf_err *err)
{
    struct value key = {.s = ext};
    memset(s, 0, sizeof(*s));
    return store_get(st, ws, &resource_surveys, &key, survey_row, s, err);
}

static int survey_load_id(struct store *st, int64_t ws, int64_t id, struct srv *s,
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
    copy(p->ext, sizeof(p->ext), &v[CONTACT_ID]);
    p->account_id = v[CONTACT_ACCOUNT].null ? 0 : v[CONTACT_ACCOUNT].i;
    copy(p->account_ext, sizeof(p->account_ext), &v[CONTACT_ACCOUNT]);
    copy(p->email, sizeof(p->email), &v[CONTACT_EMAIL]);
    copy(p->name, sizeof(p->name), &v[CONTACT_NAME]);
    copy(p->role, sizeof(p->role), &v[CONTACT_ROLE]);
    return 0;
}

static int account_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err, (void)id;
    struct person *p = ctx;
    copy(p->plan, sizeof(p->plan), &v[ACCOUNT_PLAN]);
    copy(p->segment, sizeof(p->segment), &v[ACCOUNT_SEGMENT]);
    copy(p->stage, sizeof(p->stage), &v[ACCOUNT_STAGE]);
    copy(p->owner, sizeof(p->owner), &v[ACCOUNT_OWNER]);
    copy(p->account_name, sizeof(p->account_name), &v[ACCOUNT_NAME]);
    return 0;
}

/* The contact and its account: 1, 0 when there is no such contact, -1. */
static int person_load(struct store *st, int64_t ws, const char *ext, struct person *p,
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

static int person_load_id(struct store *st, int64_t ws, int64_t id, struct person *p,
                          struct lf_err *err)
{
    char ext[257];
    int rc = store_key_of(st, ws, &resource_contacts, id, ext, err);
    return rc <= 0 ? rc : person_load(st, ws, ext, p, err);
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

/* ---- invitations ---- */

static bool audience_fits(const struct srv *s, const struct person *p, char *why, size_t size)
{
    static const char *const names[] = {"segment", "plan", "role", "stage"};
    const char *have[] = {p->segment, p->plan, p->role, p->stage};
    for (int i = 0; i < 4; i++)
        if (s->aud[i][0] && strcmp(s->aud[i], have[i]) != 0) {
            snprintf(why, size, "the survey asks %s '%.100s'; the contact's is '%.100s'", names[i],
                     s->aud[i], have[i]);
            return false;
        }
    return true;
}

/* Why contact p may not be asked survey s at `now`: 1 with skip->reason and detail, 0 when it
 * may, -1. The budgets count every survey and channel: a person is one person. */
static int fatigue(struct store *st, int64_t ws, const struct survey_settings *cfg,
                   const struct srv *s, const struct person *p, const char *channel,
                   int64_t now, struct survey_skip *skip, struct lf_err *err)
{
    int64_t last, account_nr, escalated;
    char when[32];
    if (strcmp(s->status, "active") != 0) {
        snprintf(skip->reason, sizeof(skip->reason), "paused");
        snprintf(skip->detail, sizeof(skip->detail), "survey '%.120s' is paused", s->ext);
        return 1;
    }
    if (!audience_fits(s, p, skip->detail, sizeof(skip->detail))) {
        snprintf(skip->reason, sizeof(skip->reason), "audience");
        return 1;
    }
    if (!strcmp(channel, "email") && !p->email[0]) {
        snprintf(skip->reason, sizeof(skip->reason), "no_email");
        snprintf(skip->detail, sizeof(skip->detail), "contact '%.120s' has no email", p->ext);
        return 1;
    }
    /* a periodic survey's own period may be longer than the budget's */
    int64_t contact_days = cfg->contact_days;
    if (!strcmp(s->trigger, "periodic") && s->every > contact_days)
        contact_days = s->every;
    if (store_survey_fatigue(st, ws, p->id, p->account_id, now - contact_days * DAY_MS + 1,
                             now - cfg->account_days * DAY_MS + 1,
                             now - cfg->quiet_days * DAY_MS + 1, &last, &account_nr, &escalated,
                             err) < 0)
        return -1;
    if (contact_days > 0 && last != LF_UNSET) {
        time_format_iso(last, when);
        snprintf(skip->reason, sizeof(skip->reason), "contact_budget");
        snprintf(skip->detail, sizeof(skip->detail),
                 "asked at %s; at most once per %lld days", when, (long long)contact_days);
        return 1;
    }
    if (p->account_id && cfg->account_days > 0 && account_nr >= cfg->account_max) {
        snprintf(skip->reason, sizeof(skip->reason), "account_budget");
        snprintf(skip->detail, sizeof(skip->detail),
                 "account '%.120s' was asked %lld times in %lld days; at most %lld", p->account_ext,
                 (long long)account_nr, (long long)cfg->account_days,
                 (long long)cfg->account_max);
        return 1;
    }
    if (cfg->quiet_days > 0 && escalated != LF_UNSET) {
        time_format_iso(escalated, when);
        snprintf(skip->reason, sizeof(skip->reason), "quiet_period");
        snprintf(skip->detail, sizeof(skip->detail),
                 "account '%.120s' had an escalation at %s; quiet for %lld days", p->account_ext,
                 when, (long long)cfg->quiet_days);
        return 1;
    }
    return 0;
}

static void link_of(const struct survey_settings *cfg, const char *token, char *url,
                    size_t size)
{
    size_t n = strlen(cfg->base_url);
    while (n && cfg->base_url[n - 1] == '/')
        n--;
    snprintf(url, size, "%.*s/s/%s", (int)n, cfg->base_url, token);
}

static int channel_known(const char *c)
{
    return !strcmp(c, "link") || !strcmp(c, "email") || !strcmp(c, "in-app");
}

/* The token of invitation d. */
static int token_of(const struct survey_settings *cfg, int64_t ws, const struct survey_send *d,
                    char out[SURVEY_TOKEN_MAX], struct lf_err *err)
{
    unsigned char key[SURVEY_KEY_BYTES];
    if (survey_key_decode(cfg->token_key, key, err) < 0)
        return -1;
    struct survey_token t = {.ws = ws,
                             .send = d->id,
                             .survey = d->survey_id,
                             .contact = d->contact_id,
                             .expires = d->expires_at / 1000};
    survey_token_make(key, &t, out);
    return 0;
}

static int deliver(struct lf *lf, const struct survey_settings *cfg, struct survey_send *d,
                   int64_t now, struct lf_err *err);

/* Decides and records an invitation in the caller's write transaction: *out says what. */
static int offer(struct store *st, int64_t ws, const struct survey_settings *cfg,
                 const struct srv *s, const struct person *p, const char *channel,
                 int64_t touchpoint, int64_t now, struct survey_send *d,
                 struct lf_survey_send_result *out, struct lf_err *err)
{
    struct survey_skip skip = {.survey_id = s->id,
                               .contact_id = p->id,
                               .account_id = p->account_id,
                               .touchpoint_id = touchpoint,
                               .at = now};
    int rc = fatigue(st, ws, cfg, s, p, channel, now, &skip, err);
    if (rc < 0)
        return -1;
    if (rc) {
        snprintf(out->skip, sizeof(out->skip), "%s", skip.reason);
        snprintf(out->detail, sizeof(out->detail), "%s", skip.detail);
        return store_survey_skip_insert(st, ws, &skip, err);
    }
    memset(d, 0, sizeof(*d));
    d->survey_id = s->id;
    d->contact_id = p->id;
    d->account_id = p->account_id;
    d->touchpoint_id = touchpoint;
    snprintf(d->channel, sizeof(d->channel), "%s", channel);
    snprintf(d->reason, sizeof(d->reason), "%s", touchpoint ? "touchpoint" : s->trigger);
    /* a link or an in-app question is out as soon as it is made; a mail when the relay has
     * taken it */
    bool mail = !strcmp(channel, "email");
    snprintf(d->status, sizeof(d->status), "%s", mail ? "pending" : "sent");
    d->created_at = now;
    d->expires_at = now + cfg->link_days * DAY_MS;
    d->sent_at = mail ? LF_UNSET : now;
    d->next_attempt_at = LF_UNSET;
    d->answered_at = LF_UNSET;
    if (store_survey_send_insert(st, ws, d, err) < 0 || token_of(cfg, ws, d, out->token, err) < 0)
        return -1;
    out->sent = true;
    out->send_id = d->id;
    snprintf(out->status, sizeof(out->status), "%s", d->status);
    link_of(cfg, out->token, out->url, sizeof(out->url));
    return 0;
}

int lf_survey_send(struct lf *lf, const struct lf_survey_send_opts *o,
                   struct lf_survey_send_result *out, struct lf_err *err)
{
    struct survey_settings cfg;
    struct srv s;
    struct person p;
    struct survey_send d;
    struct store *st;
    int64_t ws = lf->w->info.id, now = o->now ? o->now : time_now_ms(), tp = 0;
    memset(out, 0, sizeof(*out));
    if (!o->survey || !o->contact)
        return err_set(err, LF_EUSAGE, "a survey and a contact are needed");
    if (o->channel && !channel_known(o->channel))
        return err_set(err, LF_EINVAL, "channel '%s' is not link, email or in-app", o->channel);
    if (survey_settings_ensure(lf, &cfg, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int rc = survey_load(st, ws, o->survey, &s, err);
    if (rc == 0)
        err_set(err, LF_ENOENT, "survey '%s' does not exist", o->survey);
    if (rc <= 0)
        goto fail;
    rc = person_load(st, ws, o->contact, &p, err);
    if (rc == 0)
        err_set(err, LF_ENOENT, "contact '%s' does not exist", o->contact);
    if (rc <= 0)
        goto fail;
    if (o->touchpoint) {
        struct value key = {.s = o->touchpoint};
        rc = store_find(st, ws, &resource_touchpoints, &key, &tp, err);
        if (rc == 0)
            err_set(err, LF_ENOENT, "touchpoint '%s' does not exist", o->touchpoint);
        if (rc <= 0)
            goto fail;
    }
    const char *channel = o->channel ? o->channel : s.channel;
    if (offer(st, ws, &cfg, &s, &p, channel, tp, now, &d, out, err) < 0 ||
        core_tx_commit_lf(lf, err) < 0)
        goto fail;
    if (out->sent && !strcmp(channel, "email")) {
        if (deliver(lf, &cfg, &d, now, err) < 0)
            return -1;
        snprintf(out->status, sizeof(out->status), "%s", d.status);
        snprintf(out->detail, sizeof(out->detail), "%.250s", d.last_error);
    }
    return 0;
fail:
    core_tx_abort(lf->w->core);
    return -1;
}

/* ---- mail ---- */

static void html_text(struct buf *b, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '&': buf_adds(b, "&amp;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&#39;"); break;
        default: buf_addc(b, *s);
        }
}

/* The scale's two ends, as the page and the mail label them. */
static void scale_words(const struct srv *s, const char **low, const char **high)
{
    bool nps = !strcmp(s->kind, "nps");
    *low = nps ? "not at all likely" : s->higher ? "worst" : "best";
    *high = nps ? "extremely likely" : s->higher ? "best" : "worst";
}

static int compose(struct store *st, int64_t ws, const struct survey_settings *cfg,
                   const struct survey_send *d, struct buf *msg, char *to, size_t to_size,
                   struct lf_err *err)
{
    struct srv s;
    struct person p;
    char token[SURVEY_TOKEN_MAX], url[768], msgid[128];
    if (survey_load_id(st, ws, d->survey_id, &s, err) <= 0 ||
        person_load_id(st, ws, d->contact_id, &p, err) <= 0)
        return err->code ? -1 : err_set(err, LF_ENOENT, "the invitation's survey or contact is gone");
    if (token_of(cfg, ws, d, token, err) < 0)
        return -1;
    link_of(cfg, token, url, sizeof(url));
    snprintf(to, to_size, "%s", p.email);
    struct buf text = BUF_INIT, html = BUF_INIT;
    const char *low, *high;
    scale_words(&s, &low, &high);
    buf_addf(&text, "Hello%s%s,\n\n%s\n\n", p.name[0] ? " " : "", p.name, s.question);
    buf_adds(&html, "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>");
    html_text(&html, s.question);
    buf_adds(&html, "</p><p>");
    for (int64_t v = s.min; v <= s.max; v++) {
        buf_addf(&text, "%lld: %s?score=%lld\n", (long long)v, url, (long long)v);
        buf_adds(&html, "<a href=\"");
        html_text(&html, url);
        buf_addf(&html, "?score=%lld\" style=\"display:inline-block;padding:8px 12px;margin:2px;"
                        "border:1px solid #888;border-radius:4px;text-decoration:none\">%lld</a>",
                 (long long)v, (long long)v);
    }
    buf_addf(&text, "\n(%lld = %s, %lld = %s)\n\nOr answer here: %s\n", (long long)s.min, low,
             (long long)s.max, high, url);
    buf_addf(&html, "</p><p style=\"color:#666\">%lld = %s, %lld = %s</p>", (long long)s.min,
             low, (long long)s.max, high);
    buf_adds(&html, "<p><a href=\"");
    html_text(&html, url);
    buf_adds(&html, "\">Answer in your browser</a></p></body></html>");
    snprintf(msgid, sizeof(msgid), "<survey-%lld-%lld@landfall>", (long long)ws,
             (long long)d->id);
    mail_compose(msg, cfg->mail_from[0] ? cfg->mail_from : "landfall@localhost", p.email,
                 s.name[0] ? s.name : s.question, buf_str(&text), buf_str(&html), d->created_at,
                 msgid);
    buf_release(&text);
    buf_release(&html);
    return 0;
}

/* The envelope sender of a From header: the address of "Name <address>", or the whole. */
static const char *envelope_of(const char *from, char *out, size_t size)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!from[0])
        return "landfall@localhost";
    if (!lt || !gt)
        return from;
    snprintf(out, size, "%.*s", (int)(gt - lt - 1), lt + 1);
    return out;
}

/* Sends invitation d by mail and records the outcome: sent when the relay accepted it, else
 * failed with its error and the next attempt's time (5 minutes, doubling, 5 attempts). A relay
 * that refuses is not an error of the call: d->status says it. */
static int deliver(struct lf *lf, const struct survey_settings *cfg, struct survey_send *d,
                   int64_t now, struct lf_err *err)
{
    int64_t ws = lf->w->info.id;
    struct buf msg = BUF_INIT;
    struct lf_err why = {0};
    char to[1025], sender[256];
    struct store *st = core_read_begin(lf, err);
    int rc = st ? compose(st, ws, cfg, d, &msg, to, sizeof(to), err) : -1;
    core_read_end(lf, st);
    if (rc < 0)
        goto out;
    d->attempts++;
    if (!cfg->smtp_url[0])
        err_set(&why, LF_EIO, "no SMTP relay is configured (landfall surveys settings --smtp)");
    else
        mail_send(cfg->smtp_url, envelope_of(cfg->mail_from, sender, sizeof(sender)), to,
                  buf_str(&msg), msg.len, 30, &why);
    if (why.code) {
        snprintf(d->status, sizeof(d->status), "failed");
        snprintf(d->last_error, sizeof(d->last_error), "%.250s", why.msg);
        d->next_attempt_at = d->attempts >= 5 ? LF_UNSET
                                              : now + 5 * 60000LL * (1LL << (d->attempts - 1));
    } else {
        snprintf(d->status, sizeof(d->status), "sent");
        d->last_error[0] = '\0';
        d->sent_at = now;
        d->next_attempt_at = LF_UNSET;
    }
    if ((rc = core_tx_begin_lf(lf, &st, err)) < 0)
        goto out;
    if ((rc = store_survey_send_update(st, ws, d, err)) < 0 ||
        (rc = core_tx_commit_lf(lf, err)) < 0)
        core_tx_abort(lf->w->core);
out:
    buf_release(&msg);
    return rc < 0 ? -1 : 0;
}

struct due {
    struct survey_send *v;
    size_t nr, cap;
    int64_t now;
};

static int due_row(void *ctx, const struct survey_send *d, struct lf_err *err)
{
    (void)err;
    struct due *u = ctx;
    if (strcmp(d->channel, "email") != 0 || d->next_attempt_at == LF_UNSET ||
        d->next_attempt_at > u->now || d->expires_at <= u->now)
        return 0;
    u->v = xgrow(u->v, sizeof(*u->v), u->nr + 1, &u->cap);
    u->v[u->nr++] = *d;
    return 0;
}

int lf_surveys_retry(struct lf *lf, int64_t now, size_t *sent, size_t *failed,
                     struct lf_err *err)
{
    struct survey_settings cfg;
    struct due u = {.now = now ? now : time_now_ms()};
    int rc = -1;
    *sent = *failed = 0;
    if (survey_settings_ensure(lf, &cfg, err) < 0)
        return -1;
    struct store *st = core_read_begin(lf, err);
    int scan = st ? store_survey_sends_scan(st, lf->w->info.id, 0, "failed", due_row, &u, err)
                  : -1;
    core_read_end(lf, st);
    if (scan < 0)
        goto out;
    for (size_t i = 0; i < u.nr; i++) {
        if (deliver(lf, &cfg, &u.v[i], u.now, err) < 0)
            goto out;
        (*(strcmp(u.v[i].status, "sent") ? failed : sent))++;
    }
    rc = 0;
out:
    free(u.v);
    return rc;
}

/* ---- the link page ---- */

static void page_open(struct buf *b, const char *title)
{
    buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>");
    html_text(b, title);
    buf_adds(b, "</title><style>body{font-family:sans-serif;max-width:36em;margin:2em auto;"
                "padding:0 1em;line-height:1.4}.scale{display:flex;flex-wrap:wrap;gap:4px}"
                ".scale label{border:1px solid #888;border-radius:4px;padding:8px 10px}"
                "textarea{width:100%;min-height:6em}button{margin-top:1em;padding:8px 16px}"
                ".err{color:#a00}</style></head><body>\n");
}

static void page_close(struct buf *b)
{
    buf_adds(b, "</body></html>\n");
}

/* A page that says what went wrong, in words, never JSON. */
static void page_message(struct buf *b, const char *title, const char *text)
{
    page_open(b, title);
    buf_adds(b, "<h1>");
    html_text(b, title);
    buf_adds(b, "</h1><p>");
    html_text(b, text);
    buf_adds(b, "</p>\n");
    page_close(b);
}

static void page_form(struct buf *b, const struct srv *s, const char *token, int64_t chosen,
                      const char *comment, const char *choice, const char *problem)
{
    const char *low, *high;
    scale_words(s, &low, &high);
    page_open(b, s->name[0] ? s->name : s->question);
    buf_adds(b, "<form method=\"post\" action=\"/s/");
    html_text(b, token);
    buf_adds(b, "\">\n");
    if (problem) {
        buf_adds(b, "<p class=\"err\">");
        html_text(b, problem);
        buf_adds(b, "</p>\n");
    }
    buf_adds(b, "<fieldset><legend>");
    html_text(b, s->question);
    buf_adds(b, "</legend><div class=\"scale\">");
    for (int64_t v = s->min; v <= s->max; v++)
        buf_addf(b, "<label><input type=\"radio\" name=\"score\" value=\"%lld\" required%s> "
                    "%lld</label>",
                 (long long)v, v == chosen ? " checked" : "", (long long)v);
    buf_addf(b, "</div><p><small>%lld = %s, %lld = %s</small></p></fieldset>\n",
             (long long)s->min, low, (long long)s->max, high);
    if (s->choice_q[0] && s->choices[0]) {
        buf_adds(b, "<fieldset><legend>");
        html_text(b, s->choice_q);
        buf_adds(b, "</legend>");
        const char *p = s->choices;
        while (*p) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            char one[1025];
            snprintf(one, sizeof(one), "%.*s", (int)n, p);
            bool on = choice && !strcmp(choice, one);
            buf_adds(b, "<label><input type=\"radio\" name=\"choice\" value=\"");
            html_text(b, one);
            buf_addf(b, "\"%s> ", on ? " checked" : "");
            html_text(b, one);
            buf_adds(b, "</label><br>");
            p += n + (bar ? 1 : 0);
        }
        buf_adds(b, "</fieldset>\n");
    }
    if (s->comment_q[0] || !strcmp(s->kind, "nps")) {
        buf_adds(b, "<p><label for=\"comment\">");
        html_text(b, s->comment_q[0] ? s->comment_q : "What is the main reason for your score?");
        buf_adds(b, "</label><br><textarea id=\"comment\" name=\"comment\" maxlength=\"65536\">");
        if (comment)
            html_text(b, comment);
        buf_adds(b, "</textarea></p>\n");
    }
    buf_adds(b, "<button type=\"submit\">Send</button></form>\n");
    page_close(b);
}

static bool choice_listed(const char *choices, const char *c)
{
    size_t n = strlen(c);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !memcmp(p, c, n))
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

/* Whether s, of len bytes as sent (0: up to its NUL), holds a NUL: C would cut it short. */
static bool cut(const char *s, size_t len)
{
    return s && len && strlen(s) != len;
}

/* Reads a score: 0 with *v, or -1 when it is not an integer. */
static int score_parse(const char *s, int64_t *v)
{
    return s ? text_int(s, v) : -1;
}

/* Records answer a to invitation d in one transaction, once. 1 recorded, 0 it was answered
 * already, 2 refused (problem says why), -1 store. */
static int record(struct lf *lf, int64_t ws, int64_t send_id, const struct srv *s, int64_t score,
                  const struct lf_survey_answer *a, int64_t now, struct lf_err *problem,
                  struct lf_err *err)
{
    struct store *st;
    struct survey_send d;
    char ext[64];
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    /* read again under the write lock: two submits of one link record one answer */
    int rc = store_survey_send_get(st, ws, send_id, &d, err);
    if (rc <= 0 || !strcmp(d.status, "answered")) {
        core_tx_abort(lf->w->core);
        return rc < 0 ? -1 : 0;
    }
    struct store_row r;
    store_row_init(&r, &resource_responses, STORE_CREATE);
    snprintf(ext, sizeof(ext), "landfall-send-%lld", (long long)d.id);
    store_row_text(&r, RESP_ID, ext);
    store_row_int(&r, RESP_TS, now);
    store_row_ref(&r, RESP_CONTACT, NULL, d.contact_id);
    if (d.account_id)
        store_row_ref(&r, RESP_ACCOUNT, NULL, d.account_id);
    store_row_ref(&r, RESP_SURVEY, NULL, s->id);
    store_row_int(&r, RESP_SCORE, score);
    if (a->comment && *a->comment)
        store_row_text(&r, RESP_COMMENT, a->comment);
    if (a->choice && *a->choice)
        store_row_text(&r, RESP_CHOICE, a->choice);
    if (d.touchpoint_id)
        store_row_ref(&r, RESP_TOUCHPOINT, NULL, d.touchpoint_id);
    struct store_write_opts wo = {.now = now, .actor = "survey link"};
    if (store_write(st, ws, &r, 1, &wo, NULL, err) < 0)
        goto fail;
    if (r.err.code) {
        *problem = r.err;
        core_tx_abort(lf->w->core);
        return 2;
    }
    snprintf(d.status, sizeof(d.status), "answered");
    d.response_id = r.id;
    d.answered_at = now;
    if (store_survey_send_update(st, ws, &d, err) < 0 || core_tx_commit_lf(lf, err) < 0)
        goto fail;
    return 1;
fail:
    core_tx_abort(lf->w->core);
    return -1;
}

static int page_ws(struct lf *wl, const char *token, const char *preset,
                   const struct lf_survey_answer *a, int64_t now, int *status, struct buf *b,
                   struct lf_err *err)
{
    static const char bad_title[] = "This survey link does not work";
    static const char bad_text[] = "The link may have been cut short when it was copied. "
                                   "Please open it again from the message you received.";
    int64_t ws = wl->w->info.id;
    struct survey_settings cfg;
    struct survey_token t;
    struct survey_send d;
    struct srv s;
    struct lf_err why = {0};
    unsigned char key[SURVEY_KEY_BYTES];
    struct store *st = core_read_begin(wl, err);
    if (!st)
        return -1;
    int rc = store_survey_settings_get(st, ws, &cfg, err);
    if (rc == 1)
        rc = survey_key_decode(cfg.token_key, key, err) < 0 ? -1 : 1;
    if (rc == 1 && survey_token_verify(key, token, strlen(token), &t, &why) < 0)
        rc = 0;
    if (rc == 1)
        rc = store_survey_send_get(st, ws, t.send, &d, err);
    if (rc == 1 && (d.survey_id != t.survey || d.contact_id != t.contact))
        rc = 0;
    if (rc == 1)
        rc = survey_load_id(st, ws, d.survey_id, &s, err);
    core_read_end(wl, st);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        *status = 404;
        page_message(b, bad_title, bad_text);
        return 0;
    }
    if (!strcmp(d.status, "answered")) {
        *status = 410;
        page_message(b, "Thank you, you have answered already",
                     "This link has been used: your answer is recorded. Each link takes one "
                     "answer.");
        return 0;
    }
    if (t.expires * 1000 <= now) {
        *status = 410;
        page_message(b, "This survey has closed",
                     "The link has expired. Thank you for your time all the same.");
        return 0;
    }
    int64_t score = LF_UNSET;
    if (!a) {
        *status = 200;
        if (preset && score_parse(preset, &score) == 0 && (score < s.min || score > s.max))
            score = LF_UNSET;
        page_form(b, &s, token, score, NULL, NULL, NULL);
        return 0;
    }
    const char *problem = NULL;
    char text[300];
    if (cut(a->comment, a->comment_len) || cut(a->choice, a->choice_len)) {
        problem = "Your answer holds a NUL character (%00), which no text may hold: please "
                  "remove it.";
    } else if (cut(a->score, a->score_len) || score_parse(a->score, &score) < 0 || score < s.min ||
               score > s.max) {
        snprintf(text, sizeof(text), "Please choose a score from %lld to %lld.",
                 (long long)s.min, (long long)s.max);
        problem = text;
    } else if (a->choice && *a->choice && !choice_listed(s.choices, a->choice)) {
        problem = "Please choose one of the answers listed.";
    }
    if (!problem) {
        struct lf_err refused = {0};
        rc = record(wl, ws, d.id, &s, score, a, now, &refused, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            *status = 410;
            page_message(b, "Thank you, you have answered already",
                         "This link has been used: your answer is recorded.");
            return 0;
        }
        if (rc == 1) {
            /* The closed loop reads what was just committed; an answer recorded stands even
             * when the loop fails now: its next run (any answer, `landfall surveys loop`)
             * finds the response in the change log. */
            size_t opened;
            struct lf_err ignored = {0};
            lf_surveys_loop(wl, now, &opened, &ignored);
            *status = 200;
            page_message(b, "Thank you", "Your answer is recorded. It helps us do better.");
            return 0;
        }
        snprintf(text, sizeof(text), "Your answer could not be recorded: %.200s.", refused.msg);
        problem = text;
    }
    *status = 422;
    page_form(b, &s, token, score, a->comment, a->choice, problem);
    return 0;
}

int lf_survey_page(struct lf *lf, const char *token, const char *preset,
                   const struct lf_survey_answer *answer, int64_t now, int *status,
                   char **html, struct lf_err *err)
{
    struct buf b = BUF_INIT;
    struct survey_token t;
    struct lf_err why = {0};
    struct lf *wl = NULL;
    int rc = 0;
    if (!now)
        now = time_now_ms();
    if (!token || survey_token_parse(token, strlen(token), &t, &why) < 0 ||
        lf_workspace_by_id(lf, t.ws, &wl, &why) < 0) {
        if (why.code == LF_ESTORE) {
            *err = why;
            return -1;
        }
        *status = 404;
        page_message(&b, "This survey link does not work",
                     "The link may have been cut short when it was copied. Please open it "
                     "again from the message you received.");
    } else {
        rc = page_ws(wl, token, preset, answer, now, status, &b, err);
    }
    lf_close(wl);
    if (rc < 0) {
        buf_release(&b);
        return -1;
    }
    *html = buf_detach(&b);
    return 0;
}

/* ---- the in-app snippet ---- */

struct pick {
    struct srv *v;
    size_t nr, cap;
};

static int pick_row_any(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    struct pick *p = ctx;
    p->v = xgrow(p->v, sizeof(*p->v), p->nr + 1, &p->cap);
    memset(&p->v[p->nr], 0, sizeof(*p->v));
    return survey_row(&p->v[p->nr++], id, v, err);
}

static int pick_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_CHANNEL].null || !v[SURVEY_CHANNEL].s || strcmp(v[SURVEY_CHANNEL].s, "in-app"))
        return 0;
    return pick_row_any(ctx, id, v, err);
}

static void json_text(struct buf *b, const char *s)
{
    buf_add_json_str(b, s, strlen(s));
}

int lf_survey_eligible(struct lf *lf, const char *contact, int64_t now, char **json,
                       struct lf_err *err)
{
    struct survey_settings cfg;
    struct person p;
    struct pick pk = {0};
    struct store *st;
    struct buf b = BUF_INIT;
    int64_t ws = lf->w->info.id;
    int rc = -1;
    if (!now)
        now = time_now_ms();
    if (!contact || !*contact)
        return err_set(err, LF_EUSAGE, "a contact is needed (?contact=ID)");
    if (survey_settings_ensure(lf, &cfg, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int found = person_load(st, ws, contact, &p, err);
    if (found == 0)
        err_set(err, LF_ENOENT, "contact '%s' does not exist", contact);
    struct store_query q = {0};
    if (found <= 0 || store_list(st, ws, &resource_surveys, &q, pick_row, &pk, err) < 0)
        goto fail;
    const char *reason = "no active in-app survey";
    struct lf_survey_send_result res;
    struct survey_send d;
    const struct srv *chosen = NULL;
    char last_reason[32] = "";
    for (size_t i = 0; i < pk.nr && !chosen; i++) {
        struct lf_err none = {0};
        char why[256];
        /* a paused survey or another audience's is not this contact's: not a skip to log */
        if (strcmp(pk.v[i].status, "active") || !audience_fits(&pk.v[i], &p, why, sizeof(why)))
            continue;
        memset(&res, 0, sizeof(res));
        if (offer(st, ws, &cfg, &pk.v[i], &p, "in-app", 0, now, &d, &res, &none) < 0) {
            *err = none;
            goto fail;
        }
        if (res.sent)
            chosen = &pk.v[i];
        else
            snprintf(last_reason, sizeof(last_reason), "%s", res.skip);
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto fail;
    if (!chosen) {
        buf_adds(&b, "{\"survey\": null, \"reason\": ");
        json_text(&b, last_reason[0] ? last_reason : reason);
        buf_adds(&b, "}");
    } else {
        buf_adds(&b, "{\"survey\": {\"id\": ");
        json_text(&b, chosen->ext);
        buf_adds(&b, ", \"kind\": ");
        json_text(&b, chosen->kind);
        buf_adds(&b, ", \"question\": ");
        json_text(&b, chosen->question);
        buf_adds(&b, ", \"comment_question\": ");
        json_text(&b, chosen->comment_q);
        buf_adds(&b, ", \"choice_question\": ");
        json_text(&b, chosen->choice_q);
        buf_adds(&b, ", \"choices\": ");
        json_text(&b, chosen->choices);
        buf_addf(&b, ", \"scale_min\": %lld, \"scale_max\": %lld}, \"token\": ",
                 (long long)chosen->min, (long long)chosen->max);
        json_text(&b, res.token);
        buf_adds(&b, ", \"answer_url\": ");
        char path[SURVEY_TOKEN_MAX + 8];
        snprintf(path, sizeof(path), "/s/%s", res.token);
        json_text(&b, path);
        buf_adds(&b, "}");
    }
    *json = buf_detach(&b);
    rc = 0;
    goto out;
fail:
    core_tx_abort(lf->w->core);
out:
    free(pk.v);
    buf_release(&b);
    return rc;
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
    copy(t->kind, sizeof(t->kind), &v[TP_KIND]);
    copy(t->status, sizeof(t->status), &v[TP_STATUS]);
    return 0;
}

static int periodic_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_TRIGGER].null || !v[SURVEY_TRIGGER].s || strcmp(v[SURVEY_TRIGGER].s, "periodic") ||
        v[SURVEY_EVERY].null)
        return 0;
    return pick_row_any(ctx, id, v, err);
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
    if (offer(st, ws, cfg, s, p, s->channel, touchpoint, now, &d, &res, err) < 0)
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
            if ((found = person_load_id(st, ws, contacts.v[j], &p, err)) < 0)
                goto out;
            if (!found || !audience_fits(s, &p, why, sizeof(why)))
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
    return pick_row_any(ctx, id, v, err);
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
        if ((rc = person_load_id(st, ws, t.contact_id, &p, err)) <= 0)
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
    return pick_row_any(ctx, id, v, err);
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
            if ((found = person_load_id(st, ws, ac.ids.v[j], &p, err)) < 0)
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
        rc = deliver(lf, &cfg, &mails.v[i], now, err);
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
