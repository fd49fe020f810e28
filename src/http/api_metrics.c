/* api_metrics.c - the metric registry over HTTP: GET /v1/metrics (every metric's declaration)
 * and GET /v1/metrics/NAME?PARAM=VALUE… (the document `landfall metric NAME --json` prints);
 * the older paths of the same metrics (/v1/reports/NAME, /v1/usage/NAME, /v1/cohorts,
 * /v1/survival) answer the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static const char *const param_types[] = {
    [LF_PARAM_TIME] = "time",     [LF_PARAM_INT] = "integer", [LF_PARAM_REAL] = "number",
    [LF_PARAM_CHOICE] = "choice", [LF_PARAM_TEXT] = "text",   [LF_PARAM_INTS] = "integers",
    [LF_PARAM_BOOL] = "boolean",  [LF_PARAM_DIMS] = "dimensions", [LF_PARAM_FILTER] = "filter"};
static const char *const col_types[] = {[LF_COL_TEXT] = "text", [LF_COL_INT] = "integer",
                                        [LF_COL_REAL] = "number", [LF_COL_MONEY] = "money",
                                        [LF_COL_PERCENT] = "fraction"};

const char *http_param_type_name(int type)
{
    return type >= 0 && type < (int)(sizeof(param_types) / sizeof(*param_types))
               ? param_types[type]
               : "?";
}

const char *http_column_type_name(int type)
{
    return type >= 0 && type < (int)(sizeof(col_types) / sizeof(*col_types)) ? col_types[type]
                                                                               : "?";
}

static void add_str(struct buf *b, const char *s)
{
    buf_add_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void add_names(struct buf *b, const char *const *names)
{
    buf_addc(b, '[');
    for (size_t i = 0; names && names[i]; i++) {
        if (i)
            buf_adds(b, ", ");
        add_str(b, names[i]);
    }
    buf_addc(b, ']');
}

static void add_metric(struct buf *b, const struct lf_metric_info *m)
{
    buf_adds(b, "{\"name\": ");
    add_str(b, m->name);
    buf_adds(b, ", \"group\": ");
    add_str(b, m->group);
    buf_adds(b, ", \"summary\": ");
    add_str(b, m->summary);
    buf_adds(b, ", \"help\": ");
    add_str(b, m->help);
    buf_adds(b, ", \"params\": [");
    for (size_t i = 0; i < m->params_nr; i++) {
        const struct lf_param_info *p = &m->params[i];
        buf_adds(b, i ? ", {\"name\": " : "{\"name\": ");
        add_str(b, p->name);
        buf_adds(b, ", \"type\": ");
        add_str(b, http_param_type_name(p->type));
        buf_adds(b, ", \"default\": ");
        add_str(b, p->dflt);
        buf_adds(b, ", \"help\": ");
        add_str(b, p->help);
        if (p->type == LF_PARAM_CHOICE) {
            buf_adds(b, ", \"choices\": ");
            add_names(b, p->choices);
        } else if (p->type == LF_PARAM_INT || p->type == LF_PARAM_REAL ||
                   p->type == LF_PARAM_INTS) {
            buf_addf(b, ", \"min\": %.17g, \"max\": %.17g", p->min, p->max);
        }
        buf_addc(b, '}');
    }
    buf_adds(b, "], \"dimensions\": ");
    add_names(b, m->dims);
    buf_adds(b, ", \"filters\": ");
    add_names(b, m->filters);
    buf_adds(b, ", \"columns\": [");
    for (size_t i = 0; i < m->columns_nr; i++) {
        buf_adds(b, i ? ", {\"name\": " : "{\"name\": ");
        add_str(b, m->columns[i].name);
        buf_adds(b, ", \"type\": ");
        add_str(b, http_column_type_name(m->columns[i].type));
        buf_adds(b, ", \"help\": ");
        add_str(b, m->columns[i].help);
        buf_addc(b, '}');
    }
    buf_adds(b, "]}");
}

void api_metrics_list(struct http_req *r)
{
    r->status = 200;
    buf_adds(&r->resp, "{\"metrics\": [");
    for (size_t i = 0; i < lf_metrics_count(); i++) {
        if (i)
            buf_adds(&r->resp, ",\n  ");
        add_metric(&r->resp, lf_metric_at(i));
    }
    buf_adds(&r->resp, "]}");
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
        add_str(&r->resp, m->name);
        buf_adds(&r->resp, ", \"description\": ");
        add_str(&r->resp, m->summary);
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

static int add_arg(void *ctx, const char *name, const char *value)
{
    lf_args_add(ctx, name, value);
    return 0;
}

/* Runs metric `name` of `group` ("" any) with the query parameters as its arguments. */
static void run(struct http_req *r, const char *name, const char *group, const char *list)
{
    const struct lf_metric_info *m = lf_metric_find(name);
    if (!m || (group[0] && strcmp(m->group, group) != 0)) {
        http_fail(r, HE_NOT_FOUND, NULL, "'%.100s' is not a%s metric; GET %s lists them", name,
                  group[0] ? (strcmp(group, "report") ? " usage" : " report") : "", list);
        return;
    }
    struct lf_args *args = lf_args_new();
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    http_query_each(r, add_arg, args);
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
    run(r, r->params[0], "", "/v1/metrics");
}

void api_reports_get(struct http_req *r)
{
    run(r, r->params[0], "report", "/v1/reports");
}

void api_usage_get(struct http_req *r)
{
    run(r, r->params[0], "usage", "/v1/usage");
}

void api_cohorts(struct http_req *r)
{
    run(r, "cohorts", "", "/v1/metrics");
}

void api_survival(struct http_req *r)
{
    run(r, "survival", "", "/v1/metrics");
}
