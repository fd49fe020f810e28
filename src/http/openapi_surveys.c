/* openapi_surveys.c - the OpenAPI document's surveys (link pages, the in-app snippet, sends,
 * results, skips, settings and the closed loop's follow-ups and rules) and text analysis. */
#include "openapi_int.h"

/* ---- text ---- */

/* POST /v1/text/analyze: {"texts": [...]} → the table `landfall text analyze --json` prints. */
static void text_analyze_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                              json_t *op)
{
    (void)o, (void)rt;
    set(op, "description",
        strf("Computed in the server, nothing is sent elsewhere: VADER sentiment, the emotions "
             "of customer experience, the topics of the built-in taxonomy and the language "
             "(docs/text.md). Only English is scored: a text in another language gets its "
             "language and null sentiment. At most %d texts of at most %d bytes each (413 "
             "naming `texts` or `texts[I]`).",
             LF_TEXT_MAX_TEXTS, LF_TEXT_MAX_BYTES));
    json_t *texts = typed("array"), *item = typed("string");
    set(item, "description", str("a text, UTF-8"));
    set(texts, "items", item);
    set(texts, "maxItems", json_integer(LF_TEXT_MAX_TEXTS));
    json_t *body = json_pack("{s:s, s:{s:o}, s:[s]}", "type", "object", "properties", "texts",
                             texts, "required", "texts");
    set(op, "requestBody", body_of("the texts", body));
    if (!json_object_get(d->schemas, "TextResult")) {
        static const struct {
            const char *name;
            int type;
            const char *help;
        } cols[] = {
            {"index", LF_COL_INT, "the text's index in texts"},
            {"language", LF_COL_TEXT, "ISO 639-1 code, or und for a text without letters"},
            {"sentiment", LF_COL_TEXT, "positive, negative or neutral; null when not scored"},
            {"compound", LF_COL_REAL, "VADER's compound score, -1 to 1"},
            {"pos", LF_COL_REAL, "share of positive words"},
            {"neu", LF_COL_REAL, "share of neutral words"},
            {"neg", LF_COL_REAL, "share of negative words"},
            {"emotions", LF_COL_TEXT, "comma-separated, the strongest first"},
            {"topics", LF_COL_TEXT, "comma-separated, the first mentioned first"},
            {"notes", LF_COL_TEXT, "comma-separated: empty, html, truncated"}};
        json_t *row = typed("object"), *props = json_object(), *required = json_array();
        for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++) {
            set(props, cols[i].name, openapi_column_schema(cols[i].type, cols[i].help));
            push(required, str(cols[i].name));
        }
        set(row, "properties", props);
        set(row, "required", required);
        set(row, "additionalProperties", json_false());
        set(d->schemas, "TextRow", row);
        json_t *rows = typed("array");
        set(rows, "items", ref("schemas", "TextRow"));
        set(d->schemas, "TextResult",
            json_pack("{s:s, s:{s:{s:s, s:s}, s:o}, s:[s,s], s:b}", "type", "object", "properties",
                      "metric", "type", "string", "const", "text", "rows", rows, "required",
                      "metric", "rows", "additionalProperties", 0));
    }
}

/* ---- surveys ---- */

static void survey_form(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *form = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s]}", "type", "object",
                             "properties", "score", "type", "integer", "comment", "type", "string",
                             "choice", "type", "string", "required", "score");
    json_t *body = content_of("the form's fields", "application/x-www-form-urlencoded", form);
    set(body, "required", json_true());
    set(op, "requestBody", body);
}

static void survey_send_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *body =
        json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:[s,s,s]}, s:{s:s}}, s:[s]}", "type", "object",
                  "properties", "contact", "type", "string", "channel", "type", "string", "enum",
                  "link", "email", "in-app", "touchpoint", "type", "string", "required", "contact");
    set(op, "requestBody", body_of("who to ask, how, after what", body));
    json_t *res = json_pack("{s:s, s:{s:{s:s}, s:{s:[s,s]}, s:{s:[s,s]}, s:{s:[s,s]}, "
                            "s:{s:[s,s]}, s:{s:[s,s]}, s:{s:[s,s]}}}",
                            "type", "object", "properties", "sent", "type", "boolean", "send_id",
                            "type", "integer", "null", "status", "type", "string", "null", "skip",
                            "type", "string", "null", "detail", "type", "string", "null", "token",
                            "type", "string", "null", "url", "type", "string", "null");
    set(responses_of(op), "201", answer_of("sent: the invitation and its link", res));
    set(responses_of(op), "200", answer_of("not sent: `skip` says why", json_incref(res)));
}

static void followup_close_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                                json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *body = json_pack("{s:s, s:{s:{s:s, s:[s,s]}, s:{s:s}}, s:[s]}", "type", "object",
                             "properties", "outcome", "type", "string", "enum", "done", "dismissed",
                             "note", "type", "string", "required", "outcome");
    set(op, "requestBody", body_of("the outcome, and a note of what was done", body));
}

/* The survey settings' object: the fatigue budget, link lifetime, SLA; base_url read-only. */
static json_t *survey_settings_schema(void)
{
    json_t *props = json_object();
    const char *names[] = {"contact_days", "account_max", "account_days",
                           "quiet_days",   "link_days",   "sla_days"};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        set(props, names[i], typed("integer"));
    set(props, "base_url", json_pack("{s:[s,s]}", "type", "string", "null"));
    return json_pack("{s:s, s:o}", "type", "object", "properties", props);
}

static void survey_settings_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                                   json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200", answer_of("the settings", survey_settings_schema()));
}

static void survey_settings_patch_more(struct doc *d, const struct op_decl *o,
                                       const struct route *rt, json_t *op)
{
    json_t *body = survey_settings_schema();
    json_object_del(json_object_get(body, "properties"), "base_url");
    set(op, "requestBody", body_of("the settings to change", body));
    survey_settings_answer(d, o, rt, op);
}

static void survey_rule_set_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                                 json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *body = json_pack("{s:s, s:{s:{s:s}, s:{s:[s,s], s:i}, s:{s:s}}}", "type", "object",
                             "properties", "condition", "type", "string", "sla_days", "type",
                             "integer", "null", "minimum", 0, "enabled", "type", "boolean");
    set(op, "requestBody", body_of("what to change", body));
}

/* ---- the declarations ---- */

/* clang-format would break these macros' initializers at their braces */
/* clang-format off */
#define TOKEN_PARAM                                                                             \
    {"path", "token", "string", "the link's signed token (WS.SEND.SURVEY.CONTACT.EXPIRES.MAC)",  \
     true}
/* a survey link's page: its form, or a page saying why the link does not work */
#define PAGE_ANSWERS                                                                            \
    {"200", "the survey's form, or the thanks for an answer", .type = "string",                 \
     .media = "text/html"},                                                                     \
        {"404", "a page saying the link does not work", .type = "string", .media = "text/html"}, \
        {"410", "a page saying the link was used or has expired", .type = "string",             \
         .media = "text/html"}
/* clang-format on */

const struct op_decl openapi_surveys_described[] = {
    /* text */
    {api_text_analyze, "text", "text_analyze",
     "the sentiment, emotions, topics and language of each text", .more = text_analyze_more,
     .answers = {{"200", "a row per text", .ref = "TextResult"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_TOO_LARGE)},

    /* surveys */
    {api_survey_page, "surveys", "survey_page",
     "a survey link's page: plain HTML, no key, no JavaScript needed",
     .params = {TOKEN_PARAM,
                {"query", "score", "integer",
                 "a score to show chosen (a mail's score buttons link here; nothing is recorded "
                 "until the form is sent)"}},
     .answers = {PAGE_ANSWERS}},
    {api_survey_answer, "surveys", "survey_answer",
     "records a link's answer as a response, once per link", .params = {TOKEN_PARAM},
     .more = survey_form,
     .answers = {PAGE_ANSWERS,
                 {"422", "the form again, saying what to correct", .type = "string",
                  .media = "text/html"}}},
    {api_survey_snippet, "surveys", "survey_snippet",
     "the in-app survey script a web app includes with a survey key",
     .answers = {{"200", "the script", .type = "string", .media = "text/javascript"}}},
    {api_survey_eligible, "surveys", "survey_eligible",
     "the in-app survey due to a contact now, within the fatigue budget (a survey or admin key, "
     "in the header or as ?key=)",
     .params = {{"query", "contact", "string", "the contact's id", true},
                {"query", "key", "string", "the survey key, for browsers"}},
     .answers = {{"200",
                  "{\"survey\": null, \"reason\": …} or the survey, its token and answer_url",
                  .type = "object"}},
     .errors = ERR(HE_UNAUTHORIZED) | ERR(HE_FORBIDDEN) | ERR(HE_NOT_FOUND)},
    {api_survey_send, "surveys", "survey_send",
     "offers the survey to a contact, within the fatigue budget",
     .params = {{"path", "id", "string", "the survey's id", true}}, .more = survey_send_more,
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND) | ERR(HE_INVALID)},
    {api_survey_results, "surveys", "survey_results",
     "invitations delivered and answered, and the response rate, by channel and segment (as "
     "`landfall surveys results --json`)",
     .params = {{"path", "id", "string", "the survey's id", true}},
     .answers = {{"200", "the table", .type = "object"}}},
    {api_survey_results_all, "surveys", "survey_results_all",
     "every survey's invitations delivered and answered, and the response rate, by survey, "
     "channel and segment (`landfall surveys results --json`)",
     .answers = {{"200", "the table", .type = "object"}}},
    {api_survey_skips, "surveys", "survey_skips",
     "who was not asked and why (as `landfall surveys skips --json`)",
     .params = {{"query", "contact", "string", "only this contact"}},
     .answers = {{"200", "the table", .type = "object"}}, .errors = ERR(HE_NOT_FOUND)},
    {api_survey_followups, "surveys", "survey_followups",
     "the closed loop's follow-ups, oldest first, with their tasks' status, account and owner",
     .answers = {{"200", "the table", .type = "object"}}},
    {api_survey_recovery, "surveys", "survey_recovery",
     "the closed loop's recovery report: follow-up rate, days to close, the NPS of those who "
     "answered again",
     .answers = {{"200", "the table", .type = "object"}}},

    {api_survey_followup_close, "surveys", "survey_followup_close",
     "closes a follow-up with its outcome, through its task (an admin key, or an admin's or a "
     "lead's session)",
     .params = {{"path", "id", "integer", "the follow-up's id", true}}, .more = followup_close_more,
     .answers = {{"200", "closed: {\"id\", \"outcome\"}", .type = "object"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND) | ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_survey_settings_get, "surveys", "survey_settings_get",
     "the fatigue budget, the links' lifetime and the follow-ups' SLA (docs/surveys.md)",
     .more = survey_settings_answer},
    {api_survey_settings_patch, "surveys", "survey_settings_patch",
     "changes the given survey settings; a bad one is a 422 naming it",
     .more = survey_settings_patch_more, .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {api_survey_rules, "surveys", "survey_rules",
     "the closed loop's rules, in the order they run (as `landfall surveys rules --json`)",
     .answers = {{"200", "the table", .type = "object"}}},
    {api_survey_rule_set, "surveys", "survey_rule_set",
     "changes a rule of the closed loop: its condition (`field op value` terms joined by `and`; "
     "fields survey.kind, score, sentiment), its SLA in business days (null: the settings'), "
     "whether it runs",
     .params = {NAME_PARAM("the rule's name")}, .more = survey_rule_set_more,
     .answers = {{"200", "the rules after", .type = "object"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND) | ERR(HE_INVALID)},
    {NULL},
};
