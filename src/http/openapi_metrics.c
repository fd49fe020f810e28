/* openapi_metrics.c - the OpenAPI document's metrics: one path per metric of the registry, with
 * its parameters and its columns, and the routes that name a metric in the URL. */
#include "openapi_int.h"

#include <string.h>

#include "base/buf.h"
#include "metrics/metrics.h"

/* The schema of a metric parameter as a query string carries it. */
static json_t *param_schema(const struct lf_metric_info *m, const struct lf_param_info *p,
                            const char **style, bool *explode)
{
    json_t *s, *items;
    *style = NULL;
    switch (p->type) {
    case LF_PARAM_INT:
    case LF_PARAM_REAL:
        s = typed(p->type == LF_PARAM_INT ? "integer" : "number");
        set(s, "minimum", num(p->min));
        set(s, "maximum", num(p->max));
        return s;
    case LF_PARAM_CHOICE:
        s = typed("string");
        set(s, "enum", names(p->choices));
        return s;
    case LF_PARAM_BOOL:
        return typed("boolean");
    case LF_PARAM_INTS:
        s = typed("array");
        items = typed("integer");
        set(items, "minimum", num(p->min));
        set(items, "maximum", num(p->max));
        set(s, "items", items);
        set(s, "minItems", json_integer(1));
        set(s, "maxItems", json_integer(p->max_items));
        *style = "form", *explode = false; /* days=7,30,90 */
        return s;
    case LF_PARAM_DIMS:
        s = typed("array");
        items = typed("string");
        set(items, "enum", names(m->dims));
        set(s, "items", items);
        set(s, "minItems", json_integer(1));
        set(s, "maxItems", json_integer(METRIC_BY_MAX));
        set(s, "uniqueItems", json_true());
        *style = "form", *explode = false; /* by=month,plan */
        return s;
    case LF_PARAM_FILTER: {
        struct buf pat = BUF_INIT;
        buf_adds(&pat, "^(");
        for (size_t i = 0; m->filters[i]; i++)
            buf_addf(&pat, "%s%s", i ? "|" : "", m->filters[i]);
        buf_adds(&pat, ")=");
        s = typed("array");
        items = typed("string");
        set(items, "pattern", str(buf_str(&pat)));
        buf_release(&pat);
        set(s, "items", items);
        set(s, "maxItems", json_integer(METRIC_WHERE_MAX));
        *style = "form", *explode = true; /* where=plan=pro&where=segment=smb */
        return s;
    }
    case LF_PARAM_TIME:
        s = typed("string");
        set(s, "examples",
            json_pack("[s,s,s]", "2026-01-01", "2026-01-01T09:30:00+01:00", "1767225600"));
        return s;
    default: /* TEXT */
        s = typed("string");
        set(s, "minLength", json_integer(1));
        return s;
    }
}

/* Whether metric m can take parameter p at all (a breakdown needs dimensions, a filter
 * fields). */
static bool param_usable(const struct lf_metric_info *m, const struct lf_param_info *p)
{
    if (p->type == LF_PARAM_DIMS)
        return m->dims && m->dims[0];
    if (p->type == LF_PARAM_FILTER)
        return m->filters && m->filters[0];
    return true;
}

static void metric_params(const struct lf_metric_info *m, json_t *op)
{
    json_t *list = params_of(op);
    for (size_t i = 0; i < m->params_nr; i++) {
        const struct lf_param_info *p = &m->params[i];
        const char *style;
        bool explode = true;
        if (!param_usable(m, p))
            continue;
        json_t *schema = param_schema(m, p, &style, &explode);
        struct buf text = BUF_INIT;
        buf_adds(&text, p->help);
        if (p->dflt && *p->dflt)
            buf_addf(&text, ". Default: %s.", p->dflt);
        if (p->type == LF_PARAM_TIME)
            buf_adds(&text, " An ISO 8601 date or date-time, or unix seconds.");
        json_t *q = param("query", p->name, false, buf_str(&text), schema);
        buf_release(&text);
        if (style) {
            set(q, "style", str(style));
            set(q, "explode", json_boolean(explode));
        }
        push(list, q);
    }
}

json_t *openapi_column_schema(int type, const char *help)
{
    static const char *const json_types[] = {[LF_COL_TEXT] = "string",
                                             [LF_COL_INT] = "integer",
                                             [LF_COL_REAL] = "number",
                                             [LF_COL_MONEY] = "integer",
                                             [LF_COL_PERCENT] = "number"};
    json_t *s = nullable(type >= 0 && type <= LF_COL_PERCENT ? json_types[type] : "string");
    set(s, "description", strf("%s (%s)", help ? help : "", lf_column_type_name(type)));
    return s;
}

/* components/schemas NameRow and NameResult of metric m; the name of the result. */
void openapi_metric_result(struct doc *d, const struct lf_metric_info *m, char result[128])
{
    char row_name[128];
    openapi_camel(m->name, "Row", row_name);
    openapi_camel(m->name, "Result", result);
    if (json_object_get(d->schemas, result))
        return;
    /* Every column a metric answers is declared (its dimension columns only with `by`), and
     * every row holds all of them, null where a figure is undefined. */
    json_t *row = typed("object"), *props = json_object(), *required = json_array();
    set(row, "description",
        strf("a row of %s: the dimension columns `by` asked for, in its order, then the "
             "metric's columns; null where a figure is undefined.",
             m->name));
    for (size_t i = 0; m->dims && m->dims[i]; i++) {
        json_t *s = typed("string");
        set(s, "description", strf("the %s of the row, with by=%s", m->dims[i], m->dims[i]));
        set(props, m->dims[i], s);
    }
    for (size_t i = 0; i < m->columns_nr; i++) {
        set(props, m->columns[i].name,
            openapi_column_schema(m->columns[i].type, m->columns[i].help));
        push(required, str(m->columns[i].name));
    }
    set(row, "properties", props);
    set(row, "required", required);
    set(row, "additionalProperties", json_false());
    set(d->schemas, row_name, row);

    json_t *res = typed("object"), *rp = json_object(), *rows = typed("array");
    set(res, "description", str(m->help));
    set(rp, "metric", json_pack("{s:s, s:s}", "type", "string", "const", m->name));
    set(rp, "time_zone",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "the workspace's IANA zone its periods were cut in"));
    set(rows, "items", ref("schemas", row_name));
    set(rp, "rows", rows);
    const struct metric_def *def = metric_find(m->name);
    if (def && (def->needs & PAGED)) {
        json_t *total = typed("integer");
        set(total, "minimum", json_integer(0));
        set(total, "description", str("the rows that pass the filters, of which rows is a page"));
        set(rp, "total", total);
    }
    set(res, "properties", rp);
    set(res, "required", json_pack("[s,s]", "metric", "rows"));
    set(res, "additionalProperties", json_false());
    set(d->schemas, result, res);
}

/* The operation of metric m with its own parameters and result: /v1/metrics/NAME, /v1/cohorts,
 * /v1/survival. */
void openapi_metric_op(struct doc *d, const struct lf_metric_info *m, const char *operation_id,
                       json_t *op)
{
    char result[128];
    openapi_metric_result(d, m, result);
    openapi_tag(d, op, "metrics", NULL);
    set(op, "operationId", str(operation_id));
    set(op, "summary", str(m->summary));
    set(op, "description", str(m->help));
    metric_params(m, op);
    json_t *ok = answer_of("the metric's rows, as `landfall metric NAME --json` prints them; "
                           "with Accept: text/csv, as --csv prints them",
                           ref("schemas", result));
    set(json_object_get(ok, "content"), "text/csv",
        json_pack("{s:{s:s}}", "schema", "type", "string"));
    set(responses_of(op), "200", ok);
    openapi_error_answer(d, op, HE_BAD_REQUEST);
}

void openapi_metric_schemas(struct doc *d)
{
    /* GET /v1/metrics: each declaration (api_metrics.c writes it) */
    json_t *ptypes = json_array(), *ctypes = json_array();
    for (int t = LF_PARAM_TIME; t <= LF_PARAM_FILTER; t++)
        push(ptypes, str(lf_param_type_name(t)));
    for (int t = LF_COL_TEXT; t <= LF_COL_PERCENT; t++)
        push(ctypes, str(lf_column_type_name(t)));
    json_t *pinfo =
        json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s}}, s:{s:s}, "
                  "s:{s:s}}, s:[s,s,s,s]}",
                  "type", "object", "properties", "name", "type", "string", "type", "type",
                  "string", "enum", ptypes, "default", "type", "string", "help", "type", "string",
                  "choices", "type", "array", "items", "type", "string", "min", "type", "number",
                  "max", "type", "number", "required", "name", "type", "default", "help");
    json_t *cinfo =
        json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:o}, s:{s:s}}, s:[s,s,s]}", "type", "object",
                  "properties", "name", "type", "string", "type", "type", "string", "enum", ctypes,
                  "help", "type", "string", "required", "name", "type", "help");
    json_t *info = json_pack(
        "{s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:O}, s:{s:s, s:{s:s}}, "
        "s:{s:s, s:{s:s}}, s:{s:s, s:O}}, s:[s,s,s,s,s,s,s,s]}",
        "type", "object", "description", "a metric's declaration", "properties", "name", "type",
        "string", "group", "type", "string", "summary", "type", "string", "help", "type", "string",
        "params", "type", "array", "items", pinfo, "dimensions", "type", "array", "items", "type",
        "string", "filters", "type", "array", "items", "type", "string", "columns", "type", "array",
        "items", cinfo, "required", "name", "group", "summary", "help", "params", "dimensions",
        "filters", "columns");
    json_decref(pinfo);
    json_decref(cinfo);
    set(d->schemas, "MetricInfo", info);
    set(d->schemas, "MetricList",
        json_pack("{s:s, s:{s:{s:s, s:o}}, s:[s]}", "type", "object", "properties", "metrics",
                  "type", "array", "items", ref("schemas", "MetricInfo"), "required", "metrics"));

    /* any metric's answer, for the paths that name the metric in the URL */
    json_t *cell = json_pack("{s:[s,s,s]}", "type", "string", "number", "null");
    set(d->schemas, "MetricResult",
        json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:o}}}, s:[s,s]}", "type",
                  "object", "description",
                  "any metric's rows; /v1/metrics/NAME describes each metric's columns",
                  "properties", "metric", "type", "string", "time_zone", "type", "string", "rows",
                  "type", "array", "items", "type", "object", "additionalProperties", cell,
                  "required", "metric", "rows"));
}

/* The metric names of `group` ("" every group). */
static json_t *metric_names(const char *group)
{
    json_t *a = json_array();
    for (size_t i = 0; i < lf_metrics_count(); i++)
        if (!*group || !strcmp(lf_metric_at(i)->group, group))
            push(a, str(lf_metric_at(i)->name));
    return a;
}

#define BY_NAME_DOC                                                                                \
    "Any metric by name, its parameters given as query parameters. Each metric's own path, "       \
    "GET /v1/metrics/NAME, declares them with their types and its columns."

/* /v1/metrics/{name}, /v1/reports/{name}, /v1/usage/{name}: the metric named in the URL (of
 * group o->group, "" any), its parameters as free-form query parameters. */
static void by_name(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)d, (void)rt;
    json_t *name = typed("string");
    set(name, "enum", metric_names(o->group));
    push(params_of(op), param("path", "name", true, "the metric", name));
    json_t *free_form = typed("object");
    set(free_form, "additionalProperties", typed("string"));
    json_t *q =
        param("query", "params", false,
              "the metric's parameters, each as NAME=VALUE (see GET /v1/metrics)", free_form);
    set(q, "style", str("form"));
    set(q, "explode", json_true());
    push(params_of(op), q);
}

/* GET /v1/metrics/{name}, and one path per metric beside it, with its own parameters and
 * columns: what a client generator makes typed methods of. */
static void op_metric_get(struct doc *d, const struct op_decl *o, const struct route *rt,
                          json_t *op)
{
    by_name(d, o, rt, op);
    const char *colon = strchr(rt->pattern, ':');
    for (size_t i = 0; colon && i < lf_metrics_count(); i++) {
        const struct lf_metric_info *m = lf_metric_at(i);
        char path[256], id[96];
        snprintf(path, sizeof(path), "%.*s%s", (int)(colon - rt->pattern), rt->pattern, m->name);
        snprintf(id, sizeof(id), "metric_%s", m->name);
        for (char *p = id; *p; p++)
            if (*p == '-')
                *p = '_';
        json_t *item = json_object(), *mop = json_object();
        openapi_metric_op(d, m, id, mop);
        openapi_finish(d, rt, mop);
        set(item, "get", mop);
        set(d->paths, path, item);
    }
}

/* The older lists: {"reports"|"metrics": [{"name", "description"}]} of one group, o->group
 * being the key. */
static void group_list(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)d, (void)rt;
    const char *key = o->group;
    json_t *s = json_pack("{s:s, s:{s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}}, s:[s,s]}}}, s:[s]}",
                          "type", "object", "properties", key, "type", "array", "items", "type",
                          "object", "properties", "name", "type", "string", "description", "type",
                          "string", "required", "name", "description", "required", key);
    set(responses_of(op), "200", answer_of(o->summary, s));
}

/* /v1/survival: the survival metric, or with median=true survival-median. */
static void survival_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                          json_t *op)
{
    (void)o, (void)rt;
    char median[128], projected[128];
    openapi_metric_result(d, lf_metric_find("survival-median"), median);
    openapi_metric_result(d, lf_metric_find("survival-projected"), projected);
    push(params_of(op),
         param("query", "median", false, "true: the median lifetimes (the survival-median metric)",
               typed("boolean")));
    /* project=true takes the survival-projected metric's parameters: those survival lacks */
    json_t *more = json_object();
    metric_params(lf_metric_find("survival-projected"), more);
    size_t i;
    json_t *p;
    json_array_foreach(params_of(more), i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        bool known = false;
        size_t j;
        json_t *q;
        json_array_foreach(params_of(op), j, q) known |=
            strcmp(json_string_value(json_object_get(q, "name")), name) == 0;
        if (known)
            continue;
        set(p, "description",
            strf("with project=true: %s", json_string_value(json_object_get(p, "description"))));
        push(params_of(op), json_incref(p));
    }
    json_decref(more);
    push(params_of(op),
         param("query", "project", false,
               "true: retention per cohort projected by the shifted-beta-geometric model (the "
               "survival-projected metric, whose parameters it then takes); not with median",
               typed("boolean")));
    json_t *either = json_pack("{s:[o,o,o]}", "oneOf", ref("schemas", "SurvivalResult"),
                               ref("schemas", median), ref("schemas", projected));
    set(responses_of(op), "200",
        answer_of("the curves, with median=true the medians, with project=true the projection",
                  either));
}

/* Whether o names its metric in the URL: the registry, not the document, checks its
 * parameters. */
bool openapi_metric_named(const struct op_decl *o)
{
    return o->more == by_name || o->more == op_metric_get;
}

const struct op_decl openapi_metrics_described[] = {
    {api_metrics_list, "metrics", "metrics_list",
     "every metric's declaration: parameters, dimensions, columns",
     .answers = {{"200", "the metrics", .ref = "MetricList"}}},
    {api_metrics_get, "metrics", "metric_get", "any metric by name", BY_NAME_DOC, .group = "",
     .more = op_metric_get, .answers = {{"200", "the metric's rows", .ref = "MetricResult"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {api_reports_list, "metrics", "reports_list", "the report metrics (the older /v1/metrics)",
     .group = "reports", .more = group_list},
    {api_reports_get, "metrics", "report_get",
     "a report metric (the older path of /v1/metrics/NAME)", BY_NAME_DOC, .group = "report",
     .more = by_name, .answers = {{"200", "the metric's rows", .ref = "MetricResult"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {api_usage_list, "metrics", "usage_list", "the usage metrics (the older /v1/metrics)",
     .group = "metrics", .more = group_list},
    {api_usage_get, "metrics", "usage_get", "a usage metric (the older path of /v1/metrics/NAME)",
     BY_NAME_DOC, .group = "usage", .more = by_name,
     .answers = {{"200", "the metric's rows", .ref = "MetricResult"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {api_cohorts, .id = "cohorts", .metric = "cohorts"},
    {api_survival, .id = "survival", .metric = "survival", .more = survival_more},
    {NULL},
};
