/* router.c - the route table: adding an endpoint is adding a row here and an api_<name>.c file. */
#include <string.h>

#include "http_int.h"
#include "landfall.h"

/* The six routes of a REST resource (src/app/resources.c: accounts, contacts, …). */
#define RESOURCE_ROUTES(name)                                                                  \
    {"GET", "/v1/" name, api_resource_list, AUTH_READ, BODY_NONE},                                 \
    {"POST", "/v1/" name, api_resource_create, AUTH_ADMIN, BODY_JSON},                              \
    {"GET", "/v1/" name "/:id", api_resource_get, AUTH_READ, BODY_NONE},                           \
    {"PUT", "/v1/" name "/:id", api_resource_replace, AUTH_ADMIN, BODY_JSON},                       \
    {"PATCH", "/v1/" name "/:id", api_resource_merge, AUTH_ADMIN, BODY_JSON},                       \
    {"DELETE", "/v1/" name "/:id", api_resource_delete, AUTH_ADMIN, BODY_NONE}

/* A row's last field, true, marks a route that computes: it runs on the compute pool
 * (compute.c), off the request threads. */
const struct route http_routes[] = {
    {"GET", "/healthz", api_healthz, AUTH_NONE, BODY_NONE},
    {"GET", "/metrics", api_metrics, AUTH_NONE, BODY_NONE},
    {"GET", "/openapi.json", api_openapi, AUTH_NONE, BODY_NONE},
    /* Segment's HTTP tracking API */
    {"POST", "/v1/batch", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/track", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/identify", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/group", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/page", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/screen", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/alias", api_segment, AUTH_INGEST, BODY_JSON},
    /* ... as analytics.js, Segment's browser library, sends it: the type's first letter */
    {"POST", "/v1/t", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/i", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/g", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/p", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/s", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/a", api_segment, AUTH_INGEST, BODY_JSON},
    {"POST", "/v1/b", api_segment, AUTH_INGEST, BODY_JSON},
    /* PostHog's capture endpoints (posthog-js posts to /e/, posthog-node and -python to /batch/) */
    {"POST", "/i/v0/e", api_posthog, AUTH_INGEST, BODY_POSTHOG},
    {"POST", "/e", api_posthog, AUTH_INGEST, BODY_POSTHOG},
    {"POST", "/engage", api_posthog, AUTH_INGEST, BODY_POSTHOG},
    {"POST", "/capture", api_posthog, AUTH_INGEST, BODY_POSTHOG},
    {"POST", "/batch", api_posthog, AUTH_INGEST, BODY_POSTHOG},
    /* the REST API */
    {"GET", "/v1/metrics", api_metrics_list, AUTH_READ, BODY_NONE},
    {"GET", "/v1/metrics/:name", api_metrics_get, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/reports", api_reports_list, AUTH_READ, BODY_NONE},
    {"GET", "/v1/reports/:name", api_reports_get, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/usage", api_usage_list, AUTH_READ, BODY_NONE},
    {"GET", "/v1/usage/:name", api_usage_get, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/cohorts", api_cohorts, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/survival", api_survival, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/keys", api_keys_list, AUTH_ADMIN, BODY_NONE},
    {"GET", "/v1/churn/models", api_churn_models_list, AUTH_READ, BODY_NONE},
    {"POST", "/v1/churn/models", api_churn_train, AUTH_LEAD, BODY_NONE, true},
    {"GET", "/v1/churn/scores", api_churn_scores, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/accounts/:id/churn", api_churn_explain, AUTH_READ, BODY_NONE, true},
    {"POST", "/v1/text/analyze", api_text_analyze, AUTH_READ, BODY_JSON},
    {"GET", "/v1/health", api_health_list, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/health/history", api_health_history, AUTH_READ, BODY_NONE},
    {"POST", "/v1/health/snapshot", api_health_snapshot, AUTH_ADMIN, BODY_NONE},
    {"GET", "/v1/accounts/:id/health", api_health_account, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/expansion", api_expansion, AUTH_READ, BODY_NONE, true},
    {"GET", "/v1/scorecards", api_scorecards_list, AUTH_READ, BODY_NONE},
    {"POST", "/v1/scorecards", api_scorecards_apply, AUTH_ADMIN, BODY_JSON},
    {"DELETE", "/v1/scorecards/:name", api_scorecards_retire, AUTH_ADMIN, BODY_NONE},
    RESOURCE_ROUTES("accounts"),
    RESOURCE_ROUTES("contacts"),
    RESOURCE_ROUTES("mrr_changes"),
    RESOURCE_ROUTES("orders"),
    {"GET", "/v1/events", api_resource_list, AUTH_READ, BODY_NONE},
    {"POST", "/v1/events", api_resource_create, AUTH_ADMIN, BODY_JSON},
    {"GET", "/v1/events/:id", api_resource_get, AUTH_READ, BODY_NONE},
    RESOURCE_ROUTES("touchpoints"),
    /* surveys landfall sends: before the resource routes, whose /v1/surveys/:id would match */
    {"GET", "/v1/surveys/snippet.js", api_survey_snippet, AUTH_NONE, BODY_NONE},
    {"GET", "/v1/surveys/eligible", api_survey_eligible, AUTH_NONE, BODY_NONE},
    {"POST", "/v1/surveys/:id/send", api_survey_send, AUTH_LEAD, BODY_JSON},
    {"GET", "/v1/surveys/:id/results", api_survey_results, AUTH_READ, BODY_NONE},
    {"GET", "/v1/survey-results", api_survey_results_all, AUTH_READ, BODY_NONE},
    {"GET", "/v1/survey-skips", api_survey_skips, AUTH_READ, BODY_NONE},
    {"GET", "/v1/followups", api_survey_followups, AUTH_READ, BODY_NONE},
    {"GET", "/v1/followups/recovery", api_survey_recovery, AUTH_READ, BODY_NONE},
    {"POST", "/v1/followups/:id/close", api_survey_followup_close, AUTH_LEAD, BODY_JSON},
    {"GET", "/v1/survey-settings", api_survey_settings_get, AUTH_READ, BODY_NONE},
    {"PATCH", "/v1/survey-settings", api_survey_settings_patch, AUTH_ADMIN, BODY_JSON},
    {"GET", "/v1/followups/rules", api_survey_rules, AUTH_READ, BODY_NONE},
    {"PATCH", "/v1/followups/rules/:name", api_survey_rule_set, AUTH_ADMIN, BODY_JSON},
    {"GET", "/s/:token", api_survey_page, AUTH_NONE, BODY_NONE},
    {"POST", "/s/:token", api_survey_answer, AUTH_NONE, BODY_FORM},
    RESOURCE_ROUTES("surveys"),
    RESOURCE_ROUTES("responses"),
    RESOURCE_ROUTES("tasks"),
    RESOURCE_ROUTES("outcomes"),
    {"GET", "/v1/accounts/:id/overview", api_account_overview, AUTH_READ, BODY_NONE, true},
    /* keys, users, sessions, saved views and settings: what the dashboard manages */
    {"POST", "/v1/keys", api_keys_create, AUTH_ADMIN, BODY_JSON},
    {"DELETE", "/v1/keys/:prefix", api_keys_revoke, AUTH_ADMIN, BODY_NONE},
    {"POST", "/v1/session", api_session_create, AUTH_NONE, BODY_JSON},
    {"GET", "/v1/session", api_session_get, AUTH_USER, BODY_NONE},
    {"DELETE", "/v1/session", api_session_delete, AUTH_USER, BODY_NONE},
    {"GET", "/v1/users", api_users_list, AUTH_ADMIN, BODY_NONE},
    {"POST", "/v1/users", api_users_create, AUTH_ADMIN, BODY_JSON},
    {"PATCH", "/v1/users/:name", api_users_update, AUTH_ADMIN, BODY_JSON},
    {"DELETE", "/v1/users/:name", api_users_delete, AUTH_ADMIN, BODY_NONE},
    {"GET", "/v1/views", api_views_list, AUTH_USER, BODY_NONE},
    {"POST", "/v1/views", api_views_create, AUTH_EDITOR, BODY_JSON},
    {"DELETE", "/v1/views/:id", api_views_delete, AUTH_EDITOR, BODY_NONE},
    {"GET", "/v1/workspace", api_workspace_get, AUTH_READ, BODY_NONE},
    {"PATCH", "/v1/workspace", api_workspace_patch, AUTH_ADMIN, BODY_JSON},
    /* the dashboard (docs/dashboard.md): each page's URL answers the page shell, whose
     * scripts render the page from this API (web/); then the files it loads */
    {"GET", "/", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/signin", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/portfolio", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/accounts/:id", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/experience", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/revenue", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/usage", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/settings", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/comments", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/surveys", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/health", web_page, AUTH_NONE, BODY_NONE},
    {"GET", "/assets/:build/:file", web_asset, AUTH_NONE, BODY_NONE},
    {NULL, NULL, NULL, 0, BODY_NONE},
};

size_t router_count(void)
{
    size_t n = 0;
    while (http_routes[n].method)
        n++;
    return n;
}

/* Matches path against pattern segment by segment; fills params from ':' segments. */
static bool match(const char *pattern, const char *path, size_t path_len,
                  char params[ROUTE_PARAMS][ROUTE_PARAM_MAX])
{
    const char *p = pattern, *s = path, *end = path + path_len;
    int np = 0;
    while (*p && s < end) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        const char *pseg = p, *sseg = s;
        while (*p && *p != '/')
            p++;
        while (s < end && *s != '/')
            s++;
        size_t plen = (size_t)(p - pseg), slen = (size_t)(s - sseg);
        if (pseg[0] == ':') {
            if (slen == 0 || slen >= ROUTE_PARAM_MAX || np == ROUTE_PARAMS)
                return false;
            memcpy(params[np], sseg, slen);
            params[np++][slen] = '\0';
        } else if (plen != slen || memcmp(pseg, sseg, slen) != 0) {
            return false;
        }
    }
    return !*p && s == end;
}

const struct route *router_match(const char *method, const char *path,
                                 char params[ROUTE_PARAMS][ROUTE_PARAM_MAX], bool *path_known)
{
    size_t len = strlen(path);
    if (len > 1 && path[len - 1] == '/')
        len--;
    /* HTTP asks every server to take HEAD wherever it takes GET (RFC 9110, 9.1) */
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    *path_known = false;
    for (const struct route *rt = http_routes; rt->method; rt++) {
        if (!match(rt->pattern, path, len, params))
            continue;
        if (strcmp(rt->method, method) == 0)
            return rt;
        *path_known = true;
    }
    return NULL;
}

void router_allow(const char *path, char out[ROUTE_ALLOW_MAX])
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    char params[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        bool known;
        if (!router_match(methods[i], path, params, &known))
            continue;
        size_t len = strlen(methods[i]);
        if (n + len + 3 > ROUTE_ALLOW_MAX)
            break;
        if (n) {
            memcpy(out + n, ", ", 2);
            n += 2;
        }
        memcpy(out + n, methods[i], len + 1);
        n += len;
    }
}
