/* api_scores.c - health over HTTP: GET /v1/health (every customer's score), GET
 * /v1/accounts/ID/health (one account's explanation), GET /v1/health/history, POST
 * /v1/health/snapshot, and the scorecards: GET and POST /v1/scorecards, DELETE
 * /v1/scorecards/NAME; GET /v1/expansion. The scores are the health metrics of the registry. */
#include <jansson.h>
#include <string.h>

#include "http_int.h"

void api_health_list(struct http_req *r)
{
    api_metric_run(r, "health", NULL, NULL);
}

void api_health_account(struct http_req *r)
{
    api_metric_run(r, "health-explain", "account", r->params[0]);
}

void api_health_history(struct http_req *r)
{
    api_metric_run(r, "health-history", NULL, NULL);
}

void api_expansion(struct http_req *r)
{
    api_metric_run(r, "expansion", NULL, NULL);
}

void api_scorecards_list(struct http_req *r)
{
    api_metric_run(r, "scorecards", NULL, NULL);
}

/* ?date=DATE: the day to write (default today); answers {"day", "scored"}. */
void api_health_snapshot(struct http_req *r)
{
    struct lf_err err = {0};
    const char *date = http_query(r, "date");
    int64_t day = 0;
    size_t scored;
    if (date && lf_time_parse_local(http_lf(r), date, &day, &err) < 0) {
        http_fail(r, HE_BAD_REQUEST, "date", "%s", err.msg);
        return;
    }
    if (lf_health_snapshot(http_lf(r), day, &scored, &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    r->status = 200;
    buf_addf(&r->resp, "{\"scored\": %zu}", scored);
}

/* The body is the scorecard's JSON; answers 201 with its name and version when stored, 200
 * when the same definition was in force already; 400 naming the field of a bad one. */
void api_scorecards_apply(struct http_req *r)
{
    struct lf_err err = {0};
    char name[64];
    int64_t version;
    bool changed;
    /* the library reads the body as a C string: one that is not a JSON object (a raw NUL would
     * end it early, leaving what follows unread) is refused here, naming the field */
    json_t *whole = http_body_object(r);
    if (!whole)
        return;
    json_decref(whole);
    if (lf_health_scorecard_apply(http_lf(r), r->body, name, &version, &changed, &err) < 0) {
        if (err.code == LF_EINVAL)
            http_fail(r, HE_BAD_REQUEST, err.field[0] ? err.field : NULL, "%s", err.msg);
        else
            http_fail_err(r, &err, NULL);
        return;
    }
    r->status = changed ? 201 : 200;
    buf_adds(&r->resp, "{\"name\": ");
    buf_add_json_str(&r->resp, name, strlen(name));
    buf_addf(&r->resp, ", \"version\": %lld, \"changed\": %s}", (long long)version,
             changed ? "true" : "false");
}

void api_scorecards_retire(struct http_req *r)
{
    struct lf_err err = {0};
    if (lf_health_scorecard_retire(http_lf(r), r->params[0], &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    http_json(r, 200, "{\"retired\": true}");
}
