/* api_metrics.c - the metric registry over HTTP: GET /v1/metrics (every metric's declaration)
 * and GET /v1/metrics/NAME?PARAM=VALUE… (the document `landfall metric NAME --json` prints);
 * the older paths of the same metrics (/v1/reports/NAME, /v1/usage/NAME, /v1/cohorts,
 * /v1/survival) answer the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

void api_metrics_list(struct http_req *r)
{
    char *doc = lf_metrics_json();
    r->status = 200;
    buf_adds(&r->resp, doc);
    free(doc);
}

/* The older lists: {"reports"|"metrics": [{"name", "description"}…]} of one group. */
static void group_list(struct http_req *r, const char *key, const char *group)
{
    size_t n = 0;
    r->status = 200;
    buf_addf(&r->resp, "{\"%s\": [", key);
    for (size_t i = 0; i < lf_metrics_count(); i++) {
        const struct lf_metric_info *m = lf_metric_at(i);
        if (strcmp(m->group, group) != 0)
            continue;
        buf_adds(&r->resp, n++ ? ", {\"name\": " : "{\"name\": ");
        buf_add_json_str(&r->resp, m->name, strlen(m->name));
        buf_adds(&r->resp, ", \"description\": ");
        buf_add_json_str(&r->resp, m->summary, strlen(m->summary));
        buf_adds(&r->resp, "}");
    }
    buf_adds(&r->resp, "]}");
}

void api_reports_list(struct http_req *r)
{
    group_list(r, "reports", "report");
}

void api_usage_list(struct http_req *r)
{
    group_list(r, "metrics", "usage");
}

void http_table(struct http_req *r, struct lf_table *t)
{
    struct lf_err err = {0};
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    if (!f) {
        lf_table_free(t);
        http_fail(r, HE_INTERNAL, NULL, "out of memory");
        return;
    }
    int rc = lf_table_write(t, LF_FORMAT_JSON, f, &err);
    fclose(f);
    lf_table_free(t);
    if (rc < 0) {
        http_fail_err(r, &err, NULL);
    } else {
        r->status = 200;
        buf_add(&r->resp, doc, len);
    }
    free(doc);
}

struct query_args {
    struct lf_args *args;
    const char *const *skip; /* the parameters the route itself took, NULL-terminated, or NULL */
};

static int add_arg(void *ctx, const char *name, const char *value)
{
    struct query_args *q = ctx;
    for (const char *const *s = q->skip; s && *s; s++)
        if (strcmp(name, *s) == 0)
            return 0;
    lf_args_add(q->args, name, value);
    return 0;
}

/* Runs metric `name` of `group` ("" any) with the query parameters (but those of `skip`) as its
 * arguments. */
static void run(struct http_req *r, const char *name, const char *group, const char *list,
                const char *const *skip)
{
    const struct lf_metric_info *m = lf_metric_find(name);
    if (!m || (group[0] && strcmp(m->group, group) != 0)) {
        http_fail(r, HE_NOT_FOUND, NULL, "'%.100s' is not a%s metric; GET %s lists them", name,
                  group[0] ? (strcmp(group, "report") ? " usage" : " report") : "", list);
        return;
    }
    struct lf_args *args = lf_args_new();
    struct query_args q = {args, skip};
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    http_query_each(r, add_arg, &q);
    if (lf_metric(http_lf(r), m->name, args, &t, &err) < 0) {
        /* a parameter's fault is the request's: 400 naming it */
        if (err.field[0] && (err.code == LF_EINVAL || err.code == LF_EUSAGE))
            http_fail(r, HE_BAD_REQUEST, err.field, "%s", err.msg);
        else
            http_fail_err(r, &err, err.field[0] ? err.field : NULL);
    } else
        http_table(r, t);
    lf_args_free(args);
}

void api_metrics_get(struct http_req *r)
{
    run(r, r->params[0], "", "/v1/metrics", NULL);
}

void api_reports_get(struct http_req *r)
{
    run(r, r->params[0], "report", "/v1/reports", NULL);
}

void api_usage_get(struct http_req *r)
{
    run(r, r->params[0], "usage", "/v1/usage", NULL);
}

void api_cohorts(struct http_req *r)
{
    run(r, "cohorts", "", "/v1/metrics", NULL);
}

static bool query_true(struct http_req *r, const char *name)
{
    const char *v = http_query(r, name);
    return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

/* ?median=true is the survival-median metric, as `landfall survival --median`; ?project=true
 * the survival-projected one, as `landfall survival --project`. */
void api_survival(struct http_req *r)
{
    static const char *const skip[] = {"median", "project", NULL};
    bool median = query_true(r, "median"), project = query_true(r, "project");
    if (median && project) {
        http_fail(r, HE_BAD_REQUEST, "project",
                  "'median' and 'project' are other answers: ask for one of them");
        return;
    }
    run(r, median ? "survival-median" : project ? "survival-projected" : "survival", "",
        "/v1/metrics", skip);
}
