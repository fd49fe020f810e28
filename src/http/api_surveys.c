/* api_surveys.c - survey links (/s/TOKEN, no key), the in-app snippet and its question, sends,
 * results, skips and follow-ups (docs/surveys.md). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http_int.h"
#include "landfall.h"

/* The link's page runs no script and loads nothing: its one inline <style> is all it may use.
 * Its URL carries the token, so it sends no Referer; no site may frame it to disguise it. */
static const char page_policy[] = "default-src 'none'; style-src 'unsafe-inline'; "
                                  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/* GET and POST /s/:token: the page, always HTML (a bad link gets a page that says so). */
static void page(struct http_req *r, const struct lf_survey_answer *a)
{
    struct lf_err err = {0};
    char *html = NULL;
    int status = 500;
    struct lf *lf = http_lf(r);
    if (!lf)
        return;
    if (lf_survey_page(lf, r->params[0], a ? NULL : http_query(r, "score"), a, 0, &status, &html,
                       &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    r->cors = true; /* the in-app snippet posts its answer here from the customer's app */
    http_add_header(r, "Content-Security-Policy", page_policy);
    http_add_header(r, "X-Frame-Options", "DENY");
    http_add_header(r, "Referrer-Policy", "no-referrer");
    buf_adds(&r->resp, html);
    free(html);
}

void api_survey_page(struct http_req *r)
{
    page(r, NULL);
}

void api_survey_answer(struct http_req *r)
{
    struct buf score = BUF_INIT, comment = BUF_INIT, choice = BUF_INIT;
    const char *body = r->body ? r->body : "";
    struct lf_survey_answer a = {0};
    if (http_form_value(body, r->body_len, "score", &score))
        a.score = buf_str(&score), a.score_len = score.len;
    if (http_form_value(body, r->body_len, "comment", &comment))
        a.comment = buf_str(&comment), a.comment_len = comment.len;
    if (http_form_value(body, r->body_len, "choice", &choice))
        a.choice = buf_str(&choice), a.choice_len = choice.len;
    page(r, &a);
    buf_release(&score);
    buf_release(&comment);
    buf_release(&choice);
}

/* The in-app snippet: a script a customer's app includes, with the survey key and the
 * contact's id as data attributes. Plain DOM, no framework; it asks once per page load. */
static const char snippet[] =
    "/* landfall in-app survey: <script src=\"BASE/v1/surveys/snippet.js\" data-key=\"KEY\"\n"
    " * data-contact=\"CONTACT_ID\"></script> */\n"
    "(function () {\n"
    "  var me = document.currentScript;\n"
    "  if (!me) return;\n"
    "  var base = me.src.replace(/\\/v1\\/surveys\\/snippet\\.js.*$/, '');\n"
    "  var key = me.getAttribute('data-key'), contact = me.getAttribute('data-contact');\n"
    "  if (!key || !contact) return;\n"
    "  var url = base + '/v1/surveys/eligible?contact=' + encodeURIComponent(contact) +\n"
    "            '&key=' + encodeURIComponent(key);\n"
    "  fetch(url).then(function (r) { return r.json(); }).then(function (d) {\n"
    "    if (!d || !d.survey) return;\n"
    "    var s = d.survey, box = document.createElement('div');\n"
    "    box.setAttribute('role', 'dialog');\n"
    "    box.style.cssText = 'position:fixed;bottom:16px;right:16px;max-width:360px;' +\n"
    "      'background:#fff;border:1px solid #888;border-radius:6px;padding:12px;' +\n"
    "      'font-family:sans-serif;z-index:2147483647';\n"
    "    var q = document.createElement('p');\n"
    "    q.textContent = s.question;\n"
    "    box.appendChild(q);\n"
    "    function send(score) {\n"
    "      var body = new URLSearchParams();\n"
    "      body.set('score', String(score));\n"
    "      var c = box.querySelector('textarea');\n"
    "      if (c && c.value) body.set('comment', c.value);\n"
    "      fetch(base + d.answer_url, {method: 'POST', body: body});\n"
    "      box.textContent = 'Thank you!';\n"
    "      setTimeout(function () { box.remove(); }, 2000);\n"
    "    }\n"
    "    if (s.comment_question) {\n"
    "      var t = document.createElement('textarea');\n"
    "      t.placeholder = s.comment_question;\n"
    "      t.style.width = '100%';\n"
    "      box.appendChild(t);\n"
    "    }\n"
    "    for (var v = s.scale_min; v <= s.scale_max; v++) {\n"
    "      var b = document.createElement('button');\n"
    "      b.textContent = String(v);\n"
    "      b.style.margin = '2px';\n"
    "      b.onclick = (function (n) { return function () { send(n); }; })(v);\n"
    "      box.appendChild(b);\n"
    "    }\n"
    "    var x = document.createElement('button');\n"
    "    x.textContent = '\\u00d7';\n"
    "    x.setAttribute('aria-label', 'close');\n"
    "    x.onclick = function () { box.remove(); };\n"
    "    box.appendChild(x);\n"
    "    document.body.appendChild(box);\n"
    "  }).catch(function () {});\n"
    "})();\n";

void api_survey_snippet(struct http_req *r)
{
    r->status = 200;
    r->content_type = "text/javascript; charset=utf-8";
    r->cors = true;
    buf_adds(&r->resp, snippet);
}

/* GET /v1/surveys/eligible: a survey key (or an admin key) in the header or as ?key=, since a
 * browser's cross-origin GET with an Authorization header needs a preflight the snippet
 * avoids; the key can do nothing else. */
void api_survey_eligible(struct http_req *r)
{
    char key[LF_KEY_SIZE + 1];
    const char *k = auth_header_key(http_header(r, "Authorization"), key) ? key
                                                                          : http_query(r, "key");
    struct lf_err err = {0};
    char *json = NULL;
    r->cors = true;
    if (auth_require(r, k, LF_SCOPE_SURVEY) < 0)
        return;
    if (lf_survey_eligible(r->lf, http_query(r, "contact"), 0, &json, &err) < 0) {
        http_fail_err(r, &err, err.code == LF_EUSAGE ? "contact" : NULL);
        return;
    }
    http_json(r, 200, json);
    free(json);
}

/* POST /v1/surveys/:id/send {"contact": ID, "channel": …, "touchpoint": …} */
void api_survey_send(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_survey_send_opts o = {.survey = r->params[0]};
    struct lf_survey_send_result res;
    json_t *body = http_body_object(r);
    if (!body)
        goto out;
    const char *names_in[] = {"contact", "channel", "touchpoint"};
    const char **slots[] = {&o.contact, &o.channel, &o.touchpoint};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(body, names_in[i]);
        if (v && !json_is_null(v) && !json_is_string(v)) {
            http_fail(r, HE_INVALID, names_in[i], "'%s' must be a string", names_in[i]);
            goto out;
        }
        *slots[i] = v && json_is_string(v) ? json_string_value(v) : NULL;
    }
    if (!o.contact) {
        http_fail(r, HE_INVALID, "contact", "'contact' is required");
        goto out;
    }
    if (lf_survey_send(r->lf, &o, &res, &err) < 0) {
        http_fail_err(r, &err, NULL);
        goto out;
    }
    r->status = res.sent ? 201 : 200;
    buf_addf(&r->resp, "{\"sent\": %s, \"send_id\": ", res.sent ? "true" : "false");
    if (res.sent)
        buf_addf(&r->resp, "%lld", (long long)res.send_id);
    else
        buf_adds(&r->resp, "null");
    const char *names[] = {"status", "skip", "detail", "token", "url"};
    const char *vals[] = {res.status, res.skip, res.detail, res.token, res.url};
    for (size_t i = 0; i < 5; i++) {
        buf_addf(&r->resp, ", \"%s\": ", names[i]);
        if (vals[i][0])
            buf_add_json_str(&r->resp, vals[i], strlen(vals[i]));
        else
            buf_adds(&r->resp, "null");
    }
    buf_addc(&r->resp, '}');
out:
    json_decref(body);
}

void api_survey_results(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_results(r->lf, r->params[0], &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

/* GET /v1/survey-results: every survey's, as `landfall surveys results` without a survey */
void api_survey_results_all(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_results(r->lf, NULL, &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

void api_survey_skips(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_skips(r->lf, http_query(r, "contact"), &t, &err) < 0)
        http_fail_err(r, &err, err.code == LF_ENOENT ? "contact" : NULL);
    else
        http_table(r, t);
}

void api_survey_followups(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_followups(r->lf, &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

void api_survey_recovery(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_recovery(r->lf, &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

/* The settings a page may show and change: the fatigue budget, the links' lifetime, the
 * follow-ups' SLA (the relay and its sender stay with `landfall surveys settings`). */
static const char *const setting_names[] = {"contact_days", "account_max", "account_days",
                                            "quiet_days",   "link_days",   "sla_days"};

static int64_t *setting_slot(struct lf_survey_settings *s, size_t i)
{
    int64_t *slots[] = {&s->contact_days, &s->account_max, &s->account_days,
                        &s->quiet_days,   &s->link_days,   &s->sla_days};
    return slots[i];
}

static void settings_answer(struct http_req *r, struct lf_survey_settings *s)
{
    buf_reset(&r->resp);
    buf_addc(&r->resp, '{');
    for (size_t i = 0; i < sizeof(setting_names) / sizeof(*setting_names); i++)
        buf_addf(&r->resp, "%s\"%s\": %lld", i ? ", " : "", setting_names[i],
                 (long long)*setting_slot(s, i));
    buf_adds(&r->resp, ", \"base_url\": ");
    if (s->base_url[0])
        buf_add_json_str(&r->resp, s->base_url, strlen(s->base_url));
    else
        buf_adds(&r->resp, "null");
    buf_addc(&r->resp, '}');
    r->status = 200;
}

/* GET /v1/survey-settings */
void api_survey_settings_get(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_survey_settings s;
    if (lf_survey_settings_get(r->lf, &s, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        settings_answer(r, &s);
}

/* PATCH /v1/survey-settings {"contact_days": N, …}: only the given numbers change. */
void api_survey_settings_patch(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_survey_settings s;
    json_t *body = http_body_object(r);
    if (!body)
        goto out;
    if (lf_survey_settings_get(r->lf, &s, &err) < 0) {
        http_fail_err(r, &err, NULL);
        goto out;
    }
    const char *name;
    json_t *v;
    json_object_foreach(body, name, v)
    {
        size_t i = 0, n = sizeof(setting_names) / sizeof(*setting_names);
        while (i < n && strcmp(setting_names[i], name) != 0)
            i++;
        if (i == n) {
            http_fail(r, HE_INVALID, name, "'%s' is not a survey setting this API changes",
                      name);
            goto out;
        }
        if (!json_is_integer(v)) {
            http_fail(r, HE_INVALID, name, "'%s' must be an integer", name);
            goto out;
        }
        *setting_slot(&s, i) = (int64_t)json_integer_value(v);
    }
    if (lf_survey_settings_set(r->lf, &s, &err) < 0) {
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
        goto out;
    }
    settings_answer(r, &s);
out:
    json_decref(body);
}

/* POST /v1/followups/:id/close {"outcome": "done"|"dismissed", "note": …} */
void api_survey_followup_close(struct http_req *r)
{
    struct lf_err err = {0};
    int64_t id = 0;
    json_t *body = NULL;
    if (text_int(r->params[0], &id) < 0 || id <= 0) {
        http_fail(r, HE_NOT_FOUND, NULL, "no follow-up '%s'", r->params[0]);
        goto out;
    }
    if (!(body = http_body_object(r)))
        goto out;
    json_t *o = json_object_get(body, "outcome"), *n = json_object_get(body, "note");
    if (!json_is_string(o)) {
        http_fail(r, HE_INVALID, "outcome", "'outcome' is required: done or dismissed");
        goto out;
    }
    if (n && !json_is_null(n) && !json_is_string(n)) {
        http_fail(r, HE_INVALID, "note", "'note' must be a string");
        goto out;
    }
    if (lf_survey_followup_close(r->lf, (int64_t)id, json_string_value(o),
                                 json_is_string(n) ? json_string_value(n) : NULL, &err) < 0) {
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
        goto out;
    }
    buf_reset(&r->resp);
    buf_addf(&r->resp, "{\"id\": %lld, \"outcome\": ", (long long)id);
    buf_add_json_str(&r->resp, json_string_value(o), strlen(json_string_value(o)));
    buf_addc(&r->resp, '}');
    r->status = 200;
out:
    json_decref(body);
}

void api_survey_rules(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    if (lf_survey_rules(r->lf, &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

/* {"condition": "…", "sla_days": N | null (the settings'), "enabled": bool}, each optional. */
void api_survey_rule_set(struct http_req *r)
{
    struct lf_err err = {0};
    struct lf_table *t = NULL;
    const char *condition = NULL;
    int64_t sla = -1;
    int enabled = -1;
    json_t *body = http_body_object(r);
    if (!body)
        goto out;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!strcmp(key, "condition") && json_is_string(v)) {
            condition = json_string_value(v);
        } else if (!strcmp(key, "sla_days") && (json_is_null(v) || json_is_integer(v))) {
            sla = json_is_null(v) ? -2 : (int64_t)json_integer_value(v);
            if (sla < 0) {
                http_fail(r, HE_INVALID, key, "'sla_days' must be 0 or more");
                goto out;
            }
        } else if (!strcmp(key, "enabled") && json_is_boolean(v)) {
            enabled = json_is_true(v);
        } else {
            http_fail(r, HE_INVALID, key, "'%s' is not condition (text), sla_days (integer or "
                      "null) or enabled (boolean)", key);
            goto out;
        }
    }
    if (lf_survey_rule_set(r->lf, r->params[0], condition, sla, enabled, &err) < 0 ||
        lf_survey_rules(r->lf, &t, &err) < 0)
        http_fail_err(r, &err, err.code == LF_EINVAL ? "condition" : NULL);
    else
        http_table(r, t);
out:
    json_decref(body);
}
