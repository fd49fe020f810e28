/* survey_invite.c - a survey's invitations: whether a contact may be asked (its audience, the
 * fatigue budget), the invitation recorded with its signed link, sent by mail, and retried. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "surveys.h"
#include "surveys_int.h"

/* ---- invitations ---- */

bool survey_audience_fits(const struct srv *s, const struct person *p, char *why, size_t size)
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
    if (!survey_audience_fits(s, p, skip->detail, sizeof(skip->detail))) {
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

/* Decides and records an invitation in the caller's write transaction: *out says what. */
int survey_offer(struct store *st, int64_t ws, const struct survey_settings *cfg,
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
    rc = survey_person_load(st, ws, o->contact, &p, err);
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
    if (survey_offer(st, ws, &cfg, &s, &p, channel, tp, now, &d, out, err) < 0 ||
        core_tx_commit_lf(lf, err) < 0)
        goto fail;
    if (out->sent && !strcmp(channel, "email")) {
        if (survey_deliver(lf, &cfg, &d, now, err) < 0)
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

void survey_html_text(struct buf *b, const char *s)
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
void survey_scale_words(const struct srv *s, const char **low, const char **high)
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
        survey_person_load_id(st, ws, d->contact_id, &p, err) <= 0)
        return err->code ? -1
                         : err_set(err, LF_ENOENT, "the invitation's survey or contact is gone");
    if (token_of(cfg, ws, d, token, err) < 0)
        return -1;
    link_of(cfg, token, url, sizeof(url));
    snprintf(to, to_size, "%s", p.email);
    struct buf text = BUF_INIT, html = BUF_INIT;
    const char *low, *high;
    survey_scale_words(&s, &low, &high);
    buf_addf(&text, "Hello%s%s,\n\n%s\n\n", p.name[0] ? " " : "", p.name, s.question);
    buf_adds(&html, "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>");
    survey_html_text(&html, s.question);
    buf_adds(&html, "</p><p>");
    for (int64_t v = s.min; v <= s.max; v++) {
        buf_addf(&text, "%lld: %s?score=%lld\n", (long long)v, url, (long long)v);
        buf_adds(&html, "<a href=\"");
        survey_html_text(&html, url);
        buf_addf(&html, "?score=%lld\" style=\"display:inline-block;padding:8px 12px;margin:2px;"
                        "border:1px solid #888;border-radius:4px;text-decoration:none\">%lld</a>",
                 (long long)v, (long long)v);
    }
    buf_addf(&text, "\n(%lld = %s, %lld = %s)\n\nOr answer here: %s\n", (long long)s.min, low,
             (long long)s.max, high, url);
    buf_addf(&html, "</p><p style=\"color:#666\">%lld = %s, %lld = %s</p>", (long long)s.min,
             low, (long long)s.max, high);
    buf_adds(&html, "<p><a href=\"");
    survey_html_text(&html, url);
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
int survey_deliver(struct lf *lf, const struct survey_settings *cfg, struct survey_send *d,
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
        if (survey_deliver(lf, &cfg, &u.v[i], u.now, err) < 0)
            goto out;
        (*(strcmp(u.v[i].status, "sent") ? failed : sent))++;
    }
    rc = 0;
out:
    free(u.v);
    return rc;
}
