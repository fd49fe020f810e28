/* survey_answer.c - answering a survey: the page a signed link opens, which records the answer
 * once, and the in-app snippet's question for a contact. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/time.h"
#include "core.h"
#include "surveys.h"
#include "surveys_int.h"

/* ---- the link page ---- */

static void page_open(struct buf *b, const char *title)
{
    buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>");
    survey_html_text(b, title);
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
    survey_html_text(b, title);
    buf_adds(b, "</h1><p>");
    survey_html_text(b, text);
    buf_adds(b, "</p>\n");
    page_close(b);
}

static void page_form(struct buf *b, const struct srv *s, const char *token, int64_t chosen,
                      const char *comment, const char *choice, const char *problem)
{
    const char *low, *high;
    survey_scale_words(s, &low, &high);
    page_open(b, s->name[0] ? s->name : s->question);
    buf_adds(b, "<form method=\"post\" action=\"/s/");
    survey_html_text(b, token);
    buf_adds(b, "\">\n");
    if (problem) {
        buf_adds(b, "<p class=\"err\">");
        survey_html_text(b, problem);
        buf_adds(b, "</p>\n");
    }
    buf_adds(b, "<fieldset><legend>");
    survey_html_text(b, s->question);
    buf_adds(b, "</legend><div class=\"scale\">");
    for (int64_t v = s->min; v <= s->max; v++)
        buf_addf(b, "<label><input type=\"radio\" name=\"score\" value=\"%lld\" required%s> "
                    "%lld</label>",
                 (long long)v, v == chosen ? " checked" : "", (long long)v);
    buf_addf(b, "</div><p><small>%lld = %s, %lld = %s</small></p></fieldset>\n",
             (long long)s->min, low, (long long)s->max, high);
    if (s->choice_q[0] && s->choices[0]) {
        buf_adds(b, "<fieldset><legend>");
        survey_html_text(b, s->choice_q);
        buf_adds(b, "</legend>");
        const char *p = s->choices;
        while (*p) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            char one[1025];
            snprintf(one, sizeof(one), "%.*s", (int)n, p);
            bool on = choice && !strcmp(choice, one);
            buf_adds(b, "<label><input type=\"radio\" name=\"choice\" value=\"");
            survey_html_text(b, one);
            buf_addf(b, "\"%s> ", on ? " checked" : "");
            survey_html_text(b, one);
            buf_adds(b, "</label><br>");
            p += n + (bar ? 1 : 0);
        }
        buf_adds(b, "</fieldset>\n");
    }
    if (s->comment_q[0] || !strcmp(s->kind, "nps")) {
        buf_adds(b, "<p><label for=\"comment\">");
        survey_html_text(b, s->comment_q[0] ? s->comment_q
                                            : "What is the main reason for your score?");
        buf_adds(b, "</label><br><textarea id=\"comment\" name=\"comment\" maxlength=\"65536\">");
        if (comment)
            survey_html_text(b, comment);
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


static int pick_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    if (v[SURVEY_CHANNEL].null || !v[SURVEY_CHANNEL].s || strcmp(v[SURVEY_CHANNEL].s, "in-app"))
        return 0;
    return survey_pick_row_any(ctx, id, v, err);
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
    int found = survey_person_load(st, ws, contact, &p, err);
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
        if (strcmp(pk.v[i].status, "active") ||
            !survey_audience_fits(&pk.v[i], &p, why, sizeof(why)))
            continue;
        memset(&res, 0, sizeof(res));
        if (survey_offer(st, ws, &cfg, &pk.v[i], &p, "in-app", 0, now, &d, &res, &none) < 0) {
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
