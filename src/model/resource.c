/* resource.c - the field lists of the REST resources (DESIGN.md's domain model). */
#include "resource.h"

#include <string.h>

#include "model.h"

#define ARRAY_NR(a) (sizeof(a) / sizeof((a)[0]))
#define RESOURCE(var, nm, sing, ext, flds, weak)                                                 \
    const struct resource_def var = {nm, sing, ext, flds, ARRAY_NR(flds), weak}

static const char *const survey_kinds[] = {"nps", "csat", "ces", "custom", NULL};
static const char *const task_kinds[] = {"risk", "opportunity", "lifecycle", "follow-up", NULL};
static const char *const task_statuses[] = {"open", "in_progress", "done", "dismissed", NULL};
static const char *const outcome_statuses[] = {"open",  "on_track", "at_risk",
                                               "met",   "missed",   NULL};

static const struct field_def account_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"name", "name", FIELD_TEXT, 0, NULL, NULL},
    {"plan", "plan", FIELD_TEXT, 0, NULL, NULL},
    {"segment", "segment", FIELD_TEXT, 0, NULL, NULL},
    /* Writing mrr records a point of the MRR history (dated today), as an import does. */
    {"mrr", "mrr", FIELD_MONEY, FIELD_DERIVED, NULL, NULL},
    {"currency", "currency", FIELD_TEXT, 0, NULL, NULL, "USD"},
    {"seats", "seats", FIELD_INT, 0, NULL, NULL},
    {"stage", "stage", FIELD_TEXT, 0, NULL, NULL},
    {"owner", "owner", FIELD_TEXT, 0, NULL, NULL},
    {"customer_since", "customer_since", FIELD_DATE, 0, NULL, NULL},
    {"renewal_date", "renewal_date", FIELD_DATE, 0, NULL, NULL},
    {"attributes", "attrs", FIELD_JSON, 0, NULL, NULL},
    {"stub", "stub", FIELD_BOOL, FIELD_READONLY, NULL, NULL},
};
static const char *const account_weak_refs[] = {"events.account_id", NULL};
RESOURCE(resource_accounts, "accounts", "account", true, account_fields, account_weak_refs);

static const struct field_def contact_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, 0, &resource_accounts, NULL},
    {"email", "email", FIELD_TEXT, 0, NULL, NULL},
    {"name", "name", FIELD_TEXT, 0, NULL, NULL},
    {"role", "role", FIELD_TEXT, 0, NULL, NULL},
    {"created_at", "created_at", FIELD_TIME, 0, NULL, NULL},
    {"attributes", "attrs", FIELD_JSON, 0, NULL, NULL},
};
static const char *const contact_weak_refs[] = {"events.contact_id", NULL};
RESOURCE(resource_contacts, "contacts", "contact", true, contact_fields, contact_weak_refs);

static const struct field_def mrr_change_fields[] = {
    {"id", "id", FIELD_INT, FIELD_KEY | FIELD_READONLY, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED, &resource_accounts, NULL},
    {"date", "date", FIELD_DATE, FIELD_REQUIRED, NULL, NULL},
    {"mrr", "mrr", FIELD_MONEY, FIELD_REQUIRED, NULL, NULL},
    {"reason", "reason", FIELD_TEXT, 0, NULL, NULL},
};
RESOURCE(resource_mrr_changes, "mrr_changes", "mrr change", false, mrr_change_fields, NULL);

static const struct field_def order_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED, &resource_accounts, NULL},
    {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts, NULL},
    {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, NULL, NULL},
    {"amount", "amount", FIELD_MONEY, FIELD_REQUIRED, NULL, NULL},
};
RESOURCE(resource_orders, "orders", "order", true, order_fields, NULL);

static const struct field_def touchpoint_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, 0, &resource_accounts, NULL},
    {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts, NULL},
    {"channel", "channel", FIELD_TEXT, 0, NULL, model_channels},
    {"stage", "stage", FIELD_TEXT, 0, NULL, model_stages},
    {"team", "team", FIELD_TEXT, 0, NULL, model_teams},
    {"kind", "kind", FIELD_TEXT, 0, NULL, NULL},
    {"duration_minutes", "duration_minutes", FIELD_REAL, 0, NULL, NULL},
    {"status", "status", FIELD_TEXT, 0, NULL, model_touchpoint_statuses},
    {"text", "text", FIELD_TEXT, 0, NULL, NULL},
    {"attributes", "attrs", FIELD_JSON, 0, NULL, NULL},
};
RESOURCE(resource_touchpoints, "touchpoints", "touchpoint", true, touchpoint_fields, NULL);

static const struct field_def survey_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"kind", "kind", FIELD_TEXT, FIELD_REQUIRED, NULL, survey_kinds},
    {"name", "name", FIELD_TEXT, 0, NULL, NULL},
    {"scale_min", "scale_min", FIELD_INT, FIELD_REQUIRED, NULL, NULL},
    {"scale_max", "scale_max", FIELD_INT, FIELD_REQUIRED, NULL, NULL},
    {"higher_is_better", "higher_is_better", FIELD_BOOL, FIELD_REQUIRED, NULL, NULL},
};
RESOURCE(resource_surveys, "surveys", "survey", true, survey_fields, NULL);

static const struct field_def response_fields[] = {
    {"id", "ext_id", FIELD_TEXT, FIELD_KEY, NULL, NULL},
    {"ts", "ts", FIELD_TIME, FIELD_REQUIRED, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, 0, &resource_accounts, NULL},
    {"contact_id", "contact_id", FIELD_REF, 0, &resource_contacts, NULL},
    {"survey", "survey_id", FIELD_REF, FIELD_REQUIRED, &resource_surveys, NULL},
    {"score", "score", FIELD_INT, FIELD_REQUIRED, NULL, NULL},
    {"comment", "comment", FIELD_TEXT, 0, NULL, NULL},
    {"touchpoint_id", "touchpoint_id", FIELD_REF, 0, &resource_touchpoints, NULL},
};
RESOURCE(resource_responses, "responses", "response", true, response_fields, NULL);

static const struct field_def task_fields[] = {
    {"id", "id", FIELD_INT, FIELD_KEY | FIELD_READONLY, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED, &resource_accounts, NULL},
    {"kind", "kind", FIELD_TEXT, FIELD_REQUIRED, NULL, task_kinds},
    {"title", "title", FIELD_TEXT, FIELD_REQUIRED, NULL, NULL},
    {"owner", "owner", FIELD_TEXT, 0, NULL, NULL},
    {"due_date", "due_date", FIELD_DATE, 0, NULL, NULL},
    {"status", "status", FIELD_TEXT, 0, NULL, task_statuses, "open"},
    {"note", "note", FIELD_TEXT, 0, NULL, NULL},
    {"created_at", "created_at", FIELD_TIME, FIELD_READONLY, NULL, NULL},
};
RESOURCE(resource_tasks, "tasks", "task", false, task_fields, NULL);

static const struct field_def outcome_fields[] = {
    {"id", "id", FIELD_INT, FIELD_KEY | FIELD_READONLY, NULL, NULL},
    {"account_id", "account_id", FIELD_REF, FIELD_REQUIRED, &resource_accounts, NULL},
    {"statement", "statement", FIELD_TEXT, FIELD_REQUIRED, NULL, NULL},
    {"metric", "metric", FIELD_TEXT, 0, NULL, NULL},
    {"baseline", "baseline", FIELD_REAL, 0, NULL, NULL},
    {"target", "target", FIELD_REAL, 0, NULL, NULL},
    {"due_date", "due_date", FIELD_DATE, 0, NULL, NULL},
    {"status", "status", FIELD_TEXT, 0, NULL, outcome_statuses, "open"},
    {"evidence", "evidence", FIELD_TEXT, 0, NULL, NULL},
    {"expectations", "expectations", FIELD_TEXT, 0, NULL, NULL},
};
RESOURCE(resource_outcomes, "outcomes", "outcome", false, outcome_fields, NULL);

const struct resource_def *const resources[] = {
    &resource_accounts, &resource_contacts,  &resource_mrr_changes,
    &resource_orders,   &resource_touchpoints, &resource_surveys,
    &resource_responses, &resource_tasks,    &resource_outcomes,
    NULL};

const struct resource_def *resource_find(const char *name)
{
    for (size_t i = 0; resources[i]; i++)
        if (strcmp(resources[i]->name, name) == 0)
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
