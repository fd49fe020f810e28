/* resource.c - the field lists of the resources (DESIGN.md's domain model) and the checks every
 * write of them passes, whether it comes from an import, the demo, ingestion or the REST API. */
#include "resource.h"

#include <math.h>
#include <string.h>

#include "base/utf8.h"
#include "model.h"

#define ARRAY_NR(a) (sizeof(a) / sizeof((a)[0]))
#define ID_LEN 256     /* external ids: Segment's userId/groupId, CRM ids */
#define SHORT_LEN 1024 /* names, plans, owners… */
#define LONG_LEN 65536 /* ticket text, comments, JSON attributes */

static const char *const survey_kinds[] = {"nps", "csat", "ces", "custom", NULL};
static const char *const task_kinds[] = {"risk", "opportunity", "lifecycle", "follow-up", NULL};
static const char *const task_statuses[] = {"open", "in_progress", "done", "dismissed", NULL};
static const char *const survey_triggers[] = {"manual", "periodic", "touchpoint", "milestone",
                                              NULL};
static const char *const survey_channels[] = {"link", "email", "in-app", NULL};
static const char *const survey_statuses[] = {"active", "paused", NULL};
static const char *const outcome_statuses[] = {"open",  "on_track", "at_risk",
                                               "met",   "missed",   NULL};

#define KEY(d) {"id", "ext_id", FIELD_TEXT, FIELD_KEY, .max_len = ID_LEN, .doc = d}
#define SERIAL(d) {"id", "id", FIELD_INT, FIELD_KEY | FIELD_READONLY, .doc = d}
#define ATTRS {"attributes", "attrs", FIELD_JSON, 0, .doc = "custom attributes (a JSON object)"}

static const struct field_def account_fields[] = {
    [ACCOUNT_ID] = KEY("the account's id in your systems (Segment's groupId)"),
    [ACCOUNT_NAME] = {"name", "name", FIELD_TEXT, 0, .doc = "company or person name"},
    [ACCOUNT_PLAN] = {"plan", "plan", FIELD_TEXT, 0, .doc = "the plan it pays for"},
    [ACCOUNT_SEGMENT] = {"segment", "segment", FIELD_TEXT, 0, .doc = "smb, mid-market…"},
    /* Writing mrr records a point of the MRR history (HOOK_MRR_POINT), as an import does. */
    [ACCOUNT_MRR] = {"mrr", "mrr", FIELD_MONEY, FIELD_DERIVED, .check = CHECK_NONNEG,
                     .doc = "current monthly recurring revenue, minor units; writing it records "
                            "a point of the MRR history"},
    [ACCOUNT_CURRENCY] = {"currency", "currency", FIELD_TEXT, 0, .dflt = "USD",
                          .check = CHECK_CURRENCY, .doc = "ISO 4217 code of its money"},
    [ACCOUNT_SEATS] = {"seats", "seats", FIELD_INT, 0, .check = CHECK_NONNEG,
                       .doc = "seats purchased"},
    [ACCOUNT_STAGE] = {"stage", "stage", FIELD_TEXT, 0, .doc = "lifecycle stage"},
    [ACCOUNT_OWNER] = {"owner", "owner", FIELD_TEXT, 0, .doc = "the owning CSM"},
    [ACCOUNT_SINCE] = {"customer_since", "customer_since", FIELD_DATE, 0,
                       .doc = "the day it became a customer"},
    [ACCOUNT_RENEWAL] = {"renewal_date", "renewal_date", FIELD_DATE, 0,
                         .doc = "the next renewal"},
    [ACCOUNT_ATTRS] = ATTRS,
    [ACCOUNT_STUB] = {"stub", "stub", FIELD_BOOL, FIELD_READONLY,
                      .doc = "created for an unknown reference; details not known yet"},
};
static const char *const account_weak_refs[] = {"events.account_id", NULL};

static const struct field_def contact_fields[] = {
    [CONTACT_ID] = KEY("the person's id in your systems (Segment's userId)"),
    [CONTACT_ACCOUNT] = {"account_id", "account_id", FIELD_REF, 0, &resource_accounts,
                         .doc = "the account the person belongs to"},
    [CONTACT_EMAIL] = {"email", "email", FIELD_TEXT, 0, .check = CHECK_EMAIL, .doc = "email"},
    [CONTACT_NAME] = {"name", "name", FIELD_TEXT, 0, .doc = "full name"},
    [CONTACT_ROLE] = {"role", "role", FIELD_TEXT, 0,
                      .doc = "champion, decision maker, end user…"},
    [CONTACT_CREATED] = {"created_at", "created_at", FIELD_TIME, 0, .check = CHECK_PAST,
                         .doc = "when the person signed up"},
    [CONTACT_ATTRS] = ATTRS,
    [CONTACT_MERGED] = {"merged_into", "merged_into", FIELD_REF, FIELD_MERGE, &resource_contacts,
                        .max_len = ID_LEN,
                        .doc = "merges this contact into the one named (Segment's alias): its "
                               "events, responses and touchpoints count as that contact's, and "
                               "its id names that contact from then on; given alone with the id"},
};
static const char *const contact_weak_refs[] = {"events.contact_id", NULL};

/* A merge changes nothing else: the fields of the merged row do not overwrite the other's. */
static int merge_rule(const struct resource_def *def, const struct value *v, uint64_t given,
                      struct lf_err *err)
{
    int m = resource_merge_field(def);
    if (m < 0 || !(given >> m & 1))
        return 0;
    const char *name = def->fields[m].name;
    if (v[m].null)
        return err_set_field(err, name, LF_EINVAL, "'%s' cannot be cleared: a merge is final",
                             name);
    for (size_t i = 1; i < def->fields_nr; i++)
        if ((given >> i & 1) && (int)i != m)
            return err_set_field(err, def->fields[i].name, LF_EINVAL,
                                 "'%s' cannot be written with '%s': a merge is given alone",
                                 def->fields[i].name, name);
    return 0;
}

static const struct field_def mrr_change_fields[] = {
    [MRR_ID] = SERIAL("assigned by landfall"),
    [MRR_ACCOUNT] = {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED | FIELD_IDENTITY,
                     &resource_accounts, .doc = "the account"},
    [MRR_DATE] = {"date", "date", FIELD_DATE, FIELD_REQUIRED | FIELD_IDENTITY,
                  .doc = "from this day on the account pays `mrr`"},
    [MRR_MRR] = {"mrr", "mrr", FIELD_MONEY, FIELD_REQUIRED, .check = CHECK_NONNEG,
                 .doc = "minor units of the account's currency; 0 means churned"},
    [MRR_REASON] = {"reason", "reason", FIELD_TEXT, 0,
                    .doc = "why it churned or contracted"},
};

static const struct field_def order_fields[] = {
    [ORDER_ID] = KEY("the order's id in your systems"),
    [ORDER_ACCOUNT] = {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED,
                       &resource_accounts, .doc = "the customer (an account)"},
    [ORDER_CONTACT] = {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts,
                       .doc = "the person who ordered"},
    [ORDER_TS] = {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, .check = CHECK_PAST,
                  .doc = "when"},
    [ORDER_AMOUNT] = {"amount", "amount", FIELD_MONEY, FIELD_REQUIRED,
                      .doc = "minor units of the account's currency"},
};

static const struct field_def event_fields[] = {
    [EVENT_ID] = {"id", "message_id", FIELD_TEXT, FIELD_KEY, .max_len = ID_LEN,
                  .doc = "the message id (Segment's messageId): a retried event is stored once"},
    [EVENT_TS] = {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, .check = CHECK_PAST,
                  .doc = "when it happened"},
    [EVENT_ACCOUNT] = {"account_id", "account_id", FIELD_REF, FIELD_WEAK, &resource_accounts,
                       .doc = "the account"},
    [EVENT_CONTACT] = {"user_id", "contact_id", FIELD_REF, FIELD_WEAK, &resource_contacts,
                       .doc = "the user (a contact)"},
    [EVENT_NAME] = {"event", "name_id", FIELD_DICT, FIELD_REQUIRED, .max_len = 256,
                    .doc = "what happened: the feature used"},
    [EVENT_VALUE] = {"value", "value", FIELD_REAL, 0, .doc = "an optional number"},
    [EVENT_PROPS] = {"properties", "props", FIELD_JSON, 0, .doc = "the event's properties"},
};

static const struct field_def touchpoint_fields[] = {
    [TP_ID] = KEY("the interaction's id in your systems (a ticket number…)"),
    [TP_TS] = {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, .check = CHECK_PAST, .doc = "when"},
    [TP_ACCOUNT] = {"account_id", "account_id", FIELD_REF, 0, &resource_accounts,
                    .doc = "the account"},
    [TP_CONTACT] = {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts,
                    .doc = "the person"},
    [TP_CHANNEL] = {"channel", "channel", FIELD_TEXT, 0, .vocab = model_channels,
                    .doc = "how"},
    [TP_STAGE] = {"stage", "stage", FIELD_TEXT, 0, .vocab = model_stages,
                  .doc = "journey stage"},
    [TP_TEAM] = {"team", "team", FIELD_TEXT, 0, .vocab = model_teams,
                 .doc = "the team that handled it"},
    [TP_KIND] = {"kind", "kind", FIELD_TEXT, 0, .doc = "ticket, demo call, QBR…"},
    [TP_DURATION] = {"duration_minutes", "duration_minutes", FIELD_REAL, 0,
                     .check = CHECK_NONNEG, .doc = "length; for tickets, time to resolution"},
    [TP_STATUS] = {"status", "status", FIELD_TEXT, 0, .vocab = model_touchpoint_statuses,
                   .doc = "open or resolved (tickets)"},
    [TP_TEXT] = {"text", "text", FIELD_TEXT, 0, .max_len = LONG_LEN,
                 .doc = "what was said or written"},
    [TP_ATTRS] = ATTRS,
};

static const struct field_def survey_fields[] = {
    [SURVEY_ID] = KEY("the survey's id; nps, csat and ces are built in"),
    [SURVEY_KIND] = {"kind", "kind", FIELD_TEXT, FIELD_REQUIRED, .vocab = survey_kinds,
                     .doc = "nps, csat, ces or custom"},
    [SURVEY_NAME] = {"name", "name", FIELD_TEXT, 0, .doc = "a name to show"},
    [SURVEY_MIN] = {"scale_min", "scale_min", FIELD_INT, FIELD_REQUIRED, .check = CHECK_RANGE,
                    .min = -1000, .max = 1000, .doc = "the lowest score"},
    [SURVEY_MAX] = {"scale_max", "scale_max", FIELD_INT, FIELD_REQUIRED, .check = CHECK_RANGE,
                    .min = -1000, .max = 1000, .doc = "the highest score"},
    [SURVEY_HIGHER] = {"higher_is_better", "higher_is_better", FIELD_BOOL, FIELD_REQUIRED,
                       .doc = "the scale's direction"},
    /* What landfall asks when it sends the survey itself (docs/surveys.md). */
    [SURVEY_QUESTION] = {"question", "question", FIELD_TEXT, 0,
                         .doc = "the score question, shown on the page, the mail and in-app"},
    [SURVEY_COMMENT_Q] = {"comment_question", "comment_question", FIELD_TEXT, 0,
                          .doc = "an optional open question under the score"},
    [SURVEY_CHOICE_Q] = {"choice_question", "choice_question", FIELD_TEXT, 0,
                         .doc = "an optional multiple-choice question"},
    [SURVEY_CHOICES] = {"choices", "choices", FIELD_TEXT, 0,
                        .doc = "its answers, separated by '|'"},
    [SURVEY_AUD_SEGMENT] = {"audience_segment", "audience_segment", FIELD_TEXT, 0,
                            .doc = "only contacts of accounts in this segment"},
    [SURVEY_AUD_PLAN] = {"audience_plan", "audience_plan", FIELD_TEXT, 0,
                         .doc = "only contacts of accounts on this plan"},
    [SURVEY_AUD_ROLE] = {"audience_role", "audience_role", FIELD_TEXT, 0,
                         .doc = "only contacts with this role"},
    [SURVEY_AUD_STAGE] = {"audience_stage", "audience_stage", FIELD_TEXT, 0,
                          .doc = "only contacts of accounts in this lifecycle stage"},
    [SURVEY_TRIGGER] = {"trigger", "trigger_kind", FIELD_TEXT, 0, .vocab = survey_triggers,
                        .dflt = "manual",
                        .doc = "manual, periodic (every_days), touchpoint or milestone"},
    [SURVEY_EVERY] = {"every_days", "every_days", FIELD_INT, 0, .check = CHECK_RANGE, .min = 1,
                      .max = 3660, .doc = "periodic: days between two asks of one contact"},
    [SURVEY_TP_KIND] = {"touchpoint_kind", "touchpoint_kind", FIELD_TEXT, 0,
                        .doc = "touchpoint: the kind that triggers it (ticket…)"},
    [SURVEY_MILESTONE] = {"milestone_event", "milestone_event", FIELD_TEXT, 0,
                          .doc = "milestone: the event that triggers it"},
    [SURVEY_CHANNEL] = {"channel", "channel", FIELD_TEXT, 0, .vocab = survey_channels,
                        .dflt = "link", .doc = "link, email or in-app"},
    [SURVEY_STATUS] = {"status", "status", FIELD_TEXT, 0, .vocab = survey_statuses,
                       .dflt = "active", .doc = "active or paused (a paused survey is not sent)"},
};

static const struct field_def response_fields[] = {
    [RESP_ID] = KEY("the response's id in your systems"),
    [RESP_TS] = {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, .check = CHECK_PAST,
                 .doc = "when it was given"},
    [RESP_ACCOUNT] = {"account_id", "account_id", FIELD_REF, 0, &resource_accounts,
                      .doc = "the account"},
    [RESP_CONTACT] = {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts,
                      .doc = "the person who answered"},
    [RESP_SURVEY] = {"survey", "survey_id", FIELD_REF, FIELD_REQUIRED, &resource_surveys,
                     .doc = "nps, csat, ces or a custom survey's id"},
    [RESP_SCORE] = {"score", "score", FIELD_INT, FIELD_REQUIRED,
                    .doc = "on the survey's scale"},
    [RESP_COMMENT] = {"comment", "comment", FIELD_TEXT, 0, .max_len = LONG_LEN,
                      .doc = "what they wrote"},
    [RESP_TOUCHPOINT] = {"touchpoint_id", "touchpoint_id", FIELD_REF, 0, &resource_touchpoints,
                         .doc = "the interaction it rates"},
    [RESP_CHOICE] = {"choice", "choice", FIELD_TEXT, 0,
                     .doc = "the answer to the survey's multiple-choice question"},
};

static const struct field_def task_fields[] = {
    [TASK_ID] = SERIAL("assigned by landfall"),
    [TASK_ACCOUNT] = {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED, &resource_accounts,
                      .doc = "the account"},
    [TASK_KIND] = {"kind", "kind", FIELD_TEXT, FIELD_REQUIRED, .vocab = task_kinds,
                   .doc = "risk, opportunity, lifecycle or follow-up"},
    [TASK_TITLE] = {"title", "title", FIELD_TEXT, FIELD_REQUIRED, .doc = "what to do"},
    [TASK_OWNER] = {"owner", "owner", FIELD_TEXT, 0, .doc = "who does it"},
    [TASK_DUE] = {"due_date", "due_date", FIELD_DATE, 0, .doc = "by when"},
    [TASK_STATUS] = {"status", "status", FIELD_TEXT, 0, .vocab = task_statuses, .dflt = "open",
                     .doc = "open, in_progress, done or dismissed"},
    [TASK_NOTE] = {"note", "note", FIELD_TEXT, 0, .max_len = LONG_LEN,
                   .doc = "the outcome of the task"},
    [TASK_CREATED] = {"created_at", "created_at", FIELD_TIME, FIELD_READONLY,
                      .doc = "set by landfall"},
};

static const struct field_def outcome_fields[] = {
    [OUTCOME_ID] = SERIAL("assigned by landfall"),
    [OUTCOME_ACCOUNT] = {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED,
                         &resource_accounts, .doc = "the account"},
    [OUTCOME_STATEMENT] = {"statement", "statement", FIELD_TEXT, FIELD_REQUIRED,
                           .doc = "the outcome the customer wants"},
    [OUTCOME_METRIC] = {"metric", "metric", FIELD_TEXT, 0, .doc = "how success is measured"},
    [OUTCOME_BASELINE] = {"baseline", "baseline", FIELD_REAL, 0, .doc = "where it started"},
    [OUTCOME_TARGET] = {"target", "target", FIELD_REAL, 0, .doc = "where it should get"},
    [OUTCOME_DUE] = {"due_date", "due_date", FIELD_DATE, 0, .doc = "by when"},
    [OUTCOME_STATUS] = {"status", "status", FIELD_TEXT, 0, .vocab = outcome_statuses,
                        .dflt = "open", .doc = "open, on_track, at_risk, met or missed"},
    [OUTCOME_EVIDENCE] = {"evidence", "evidence", FIELD_TEXT, 0, .max_len = LONG_LEN,
                          .doc = "what shows it (Demonstrate)"},
    [OUTCOME_EXPECTATIONS] = {"expectations", "expectations", FIELD_TEXT, 0,
                              .max_len = LONG_LEN,
                              .doc = "the experience that goes with it"},
};

static int survey_rule(const struct resource_def *def, const struct value *v, uint64_t given,
                       struct lf_err *err)
{
    (void)def;
    if ((given >> SURVEY_MIN & 1) && (given >> SURVEY_MAX & 1) && !v[SURVEY_MIN].null &&
        !v[SURVEY_MAX].null && v[SURVEY_MIN].i >= v[SURVEY_MAX].i)
        return err_set_field(err, "scale_max", LF_EINVAL,
                             "'scale_max' must be greater than 'scale_min'");
    return 0;
}

#define RESOURCE(var, nm, sing, code_, ext, append, flds, hks, rule, weak, doc_)               \
    _Static_assert(ARRAY_NR(flds) <= RESOURCE_MAX_FIELDS, "too many fields");                   \
    const struct resource_def var = {nm, sing, code_, ext, append, flds, ARRAY_NR(flds), hks,  \
                                     rule, weak, doc_}

RESOURCE(resource_accounts, "accounts", "account", 1, true, false, account_fields,
         HOOK_MRR_POINT, NULL, account_weak_refs,
         "customers: companies (B2B) or people (B2C), with plan, MRR and owner");
RESOURCE(resource_contacts, "contacts", "contact", 2, true, false, contact_fields, 0, merge_rule,
         contact_weak_refs, "people at accounts, also the product's users");
RESOURCE(resource_mrr_changes, "mrr_changes", "mrr change", 3, false, false, mrr_change_fields,
         HOOK_MRR_SYNC, NULL, NULL, "the MRR history: from a day on, an account pays an amount");
RESOURCE(resource_orders, "orders", "order", 4, true, false, order_fields, 0, NULL, NULL,
         "purchases of non-contractual customers");
RESOURCE(resource_events, "events", "event", 5, true, true, event_fields, HOOK_CONTACT_ACCOUNT,
         NULL, NULL, "product usage (Segment track calls); never changed once stored");
RESOURCE(resource_touchpoints, "touchpoints", "touchpoint", 6, true, false, touchpoint_fields,
         HOOK_CONTACT_ACCOUNT, NULL, NULL,
         "interactions between a customer and a team; support tickets are touchpoints");
RESOURCE(resource_surveys, "surveys", "survey", 7, true, false, survey_fields, HOOK_BUILTIN,
         survey_rule, NULL, "surveys and their scales");
RESOURCE(resource_responses, "responses", "response", 8, true, false, response_fields,
         HOOK_CONTACT_ACCOUNT | HOOK_SURVEY_SCALE, NULL, NULL,
         "answers to surveys (NPS, CSAT, CES, custom) and reviews");
RESOURCE(resource_tasks, "tasks", "task", 9, false, false, task_fields, 0, NULL, NULL,
         "calls to action for the owning team");
RESOURCE(resource_outcomes, "outcomes", "outcome", 10, false, false, outcome_fields, 0, NULL,
         NULL, "desired outcomes of an account's success plan");

const struct resource_def *const resources[] = {
    &resource_accounts,    &resource_contacts, &resource_mrr_changes, &resource_orders,
    &resource_events,      &resource_touchpoints, &resource_surveys,  &resource_responses,
    &resource_tasks,       &resource_outcomes, NULL};

const struct resource_def *resource_find(const char *name)
{
    for (size_t i = 0; resources[i]; i++)
        if (strcmp(resources[i]->name, name) == 0)
            return resources[i];
    return NULL;
}

int resource_merge_field(const struct resource_def *def)
{
    for (size_t i = 0; i < def->fields_nr; i++)
        if (def->fields[i].flags & FIELD_MERGE)
            return (int)i;
    return -1;
}

const struct resource_def *resource_by_code(int code)
{
    for (size_t i = 0; resources[i]; i++)
        if (resources[i]->code == code)
            return resources[i];
    return NULL;
}

const struct field_def *resource_field(const struct resource_def *r, const char *name)
{
    for (size_t i = 0; i < r->fields_nr; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

size_t field_max_len(const struct field_def *f)
{
    if (f->max_len)
        return f->max_len;
    if (f->type == FIELD_REF)
        return ID_LEN;
    return f->type == FIELD_JSON ? LONG_LEN : SHORT_LEN;
}

const char *field_type_name(int type)
{
    static const char *const names[] = {"text", "integer", "number", "time",       "date",
                                        "money", "boolean", "object", "reference", "text"};
    return type >= 0 && type < (int)ARRAY_NR(names) ? names[type] : "?";
}

/* ---- checks ---- */

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return false;
    return !strpbrk(s, " \t\r\n");
}

static int check_text(const struct field_def *f, const char *s, struct lf_err *err)
{
    size_t len = strlen(s), bad;
    if (!utf8_valid(s, len, &bad))
        return err_set_field(err, f->name, LF_EINVAL, "'%s' is not valid UTF-8 (byte %zu)",
                             f->name, bad + 1);
    if (len > field_max_len(f))
        return err_set_field(err, f->name, LF_EINVAL, "'%s' is %zu bytes, over its limit of %zu",
                             f->name, len, field_max_len(f));
    if (f->vocab && !model_in_vocab(f->vocab, s)) {
        char allowed[256];
        size_t n = 0;
        allowed[0] = '\0';
        for (const char *const *w = f->vocab; *w && n + 1 < sizeof(allowed); w++)
            n += (size_t)snprintf(allowed + n, sizeof(allowed) - n, "%s%s",
                                  w == f->vocab ? "" : ", ", *w);
        return err_set_field(err, f->name, LF_EINVAL, "'%.80s' is not a %s (one of: %s)", s,
                             f->name, allowed);
    }
    if (f->check == CHECK_CURRENCY && !model_currency_valid(s))
        return err_set_field(err, f->name, LF_EINVAL, "'%.80s' is not an ISO 4217 currency code (three capital letters)",
                             s);
    if (f->check == CHECK_EMAIL && !email_ok(s))
        return err_set_field(err, f->name, LF_EINVAL, "'%.80s' is not an email address", s);
    return 0;
}

/* Times landfall can hold: 1900-01-01 to 2200-01-01 (exclusive), in ms. */
#define TIME_MIN (-2208988800000LL)
#define TIME_MAX (7258118400000LL)
#define DAY_MS 86400000LL

static int check_time(const struct field_def *f, int64_t ms, int64_t now, struct lf_err *err)
{
    if (f->check == CHECK_PAST && (ms < 0 || ms > now + DAY_MS))
        return err_set_field(err, f->name, LF_EINVAL,
                             "'%s' must lie between 1970-01-01 and a day after now", f->name);
    if (ms < TIME_MIN || ms >= TIME_MAX)
        return err_set_field(err, f->name, LF_EINVAL,
                             "'%s' must lie between 1900-01-01 and 2199-12-31", f->name);
    return 0;
}

static int check_field(const struct field_def *f, const struct value *v, int64_t now,
                       struct lf_err *err)
{
    if (v->null)
        return 0;
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_DICT:
    case FIELD_JSON:
        if (!v->s)
            return err_set_field(err, f->name, LF_EINTERNAL, "'%s' has no text", f->name);
        if (f->type == FIELD_DICT && !*v->s)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be empty", f->name);
        return check_text(f, v->s, err);
    case FIELD_REF:
        if (v->s && !*v->s)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be empty", f->name);
        return v->s ? check_text(f, v->s, err) : 0;
    case FIELD_TIME:
    case FIELD_DATE:
        return check_time(f, v->i, now, err);
    case FIELD_REAL:
        if (!isfinite(v->r))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a finite number",
                                 f->name);
        if (f->check == CHECK_NONNEG && v->r < 0)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must not be negative", f->name);
        return 0;
    case FIELD_BOOL:
        if (v->i != 0 && v->i != 1)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be true or false", f->name);
        return 0;
    default: /* INT, MONEY */
        if (f->type == FIELD_MONEY && (v->i > MODEL_MONEY_MAX || v->i < -MODEL_MONEY_MAX))
            return err_set_field(err, f->name, LF_EINVAL,
                                 "'%s' is %lld minor units, over the largest amount, %lld", f->name,
                                 (long long)v->i, (long long)MODEL_MONEY_MAX);
        if (f->check == CHECK_NONNEG && v->i < 0)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must not be negative", f->name);
        if (f->check == CHECK_RANGE && (v->i < f->min || v->i > f->max))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must lie in %lld..%lld", f->name,
                                 (long long)f->min, (long long)f->max);
        return 0;
    }
}

int resource_check(const struct resource_def *def, const struct value *v, uint64_t given,
                   int64_t now, struct lf_err *err)
{
    for (size_t i = 0; i < def->fields_nr; i++)
        if ((given >> i & 1) && check_field(&def->fields[i], &v[i], now, err) < 0)
            return -1;
    if (def->ext_key && (given & 1)) {
        if (v[RESOURCE_KEY].null || !v[RESOURCE_KEY].s || !*v[RESOURCE_KEY].s)
            return err_set_field(err, def->fields[RESOURCE_KEY].name, LF_EINVAL,
                                 "'%s' cannot be empty", def->fields[RESOURCE_KEY].name);
    }
    return def->check ? def->check(def, v, given, err) : 0;
}
