/* openapi_int.h - what the files of the OpenAPI document (openapi.c and its openapi_<area>.c)
 * share: the document being built, the JSON builders every line of them speaks, the declaration
 * of an operation, and the functions one of them calls in another. */
#ifndef HTTP_OPENAPI_INT_H
#define HTTP_OPENAPI_INT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "http_int.h"

struct lf_metric_info;
struct resource_def;

struct doc {
    json_t *root, *paths, *schemas, *responses, *tags;
    struct lf_err *err;
};

/* ---- small builders ---- */
/* static inline, with short names, so that each file keeps the vocabulary it was written in
 * without adding a global name to the library */

/* Sets o[key] = v, taking v. A NULL v is a declaration that jansson refused (text that is not
 * UTF-8): the programmer's mistake, never input. */
static inline void set(json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) < 0) {
        fprintf(stderr, "openapi: cannot set '%s'\n", key);
        abort();
    }
}

static inline void push(json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) < 0)
        abort();
}

static inline json_t *str(const char *s)
{
    return json_string(s ? s : "");
}

static inline json_t *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline json_t *strf(const char *fmt, ...)
{
    char s[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof(s), fmt, ap);
    va_end(ap);
    return json_string(s);
}

/* A bound as JSON: an integer when it is one, so that the document reads 1000, not 1000.0. */
static inline json_t *num(double v)
{
    if (v >= -9e15 && v <= 9e15 && v == (double)(long long)v)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static inline json_t *names(const char *const *list)
{
    json_t *a = json_array();
    for (size_t i = 0; list && list[i]; i++)
        push(a, str(list[i]));
    return a;
}

static inline json_t *ref(const char *kind, const char *name)
{
    json_t *o = json_object();
    set(o, "$ref", strf("#/components/%s/%s", kind, name));
    return o;
}

static inline json_t *typed(const char *type)
{
    json_t *o = json_object();
    set(o, "type", str(type));
    return o;
}

/* {"type": [type, "null"]}: a value that may be null. */
static inline json_t *nullable(const char *type)
{
    json_t *o = json_object(), *t = json_array();
    push(t, str(type));
    push(t, str("null"));
    set(o, "type", t);
    return o;
}
/* A JSON answer: {"description", "content": {"application/json": {"schema"}}}, taking schema. */
static inline json_t *answer_of(const char *description, json_t *schema)
{
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str(description));
    set(media, "schema", schema);
    set(content, "application/json", media);
    set(resp, "content", content);
    return resp;
}

static inline json_t *body_of(const char *description, json_t *schema)
{
    json_t *body = answer_of(description, schema);
    set(body, "required", json_true());
    return body;
}

/* A query or path parameter, taking schema. */
static inline json_t *param(const char *in, const char *name, bool required,
                            const char *description, json_t *schema)
{
    json_t *p = json_object();
    set(p, "name", str(name));
    set(p, "in", str(in));
    if (description && *description)
        set(p, "description", str(description));
    if (required)
        set(p, "required", json_true());
    set(p, "schema", schema);
    return p;
}

/* A string property described by description. */
static inline json_t *described_string(const char *description)
{
    json_t *t = typed("string");
    set(t, "description", str(description));
    return t;
}

static inline json_t *params_of(json_t *op)
{
    json_t *a = json_object_get(op, "parameters");
    if (!a) {
        a = json_array();
        set(op, "parameters", a);
    }
    return a;
}

static inline json_t *responses_of(json_t *op)
{
    json_t *o = json_object_get(op, "responses");
    if (!o) {
        o = json_object();
        set(op, "responses", o);
    }
    return o;
}

/* {"description", "content": {media_type: {"schema"}}}, taking schema. */
static inline json_t *content_of(const char *description, const char *media_type, json_t *schema)
{
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str(description));
    set(media, "schema", schema);
    set(content, media_type, media);
    set(resp, "content", content);
    return resp;
}

/* ---- the operations: one declaration each ---- */

/* A parameter that is a plain string, integer or boolean. */
struct op_param {
    const char *in, *name, *type, *doc;
    bool required;
};

/* A request body or an answer: a schema of components/schemas by name (ref), a bare type, or
 * {"FLAG": true} (flag), in media (NULL: JSON); none of them, a description alone. */
struct op_answer {
    const char *status, *doc, *ref, *type, *media, *flag;
};

struct op_decl;
/* What a declaration's fields cannot say, made by code: a schema built on the spot, parameters
 * with bounds, an operation made from the route itself (the resources'). */
typedef void op_fn(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op);

/* What a handler's operation is. describe() writes it in this order, which is the document's:
 * the shared schemas it refers to, the metric it answers (openapi_metric_op: its group, id,
 * summary, parameters and rows) or its group, id and summary, its description, params, what `more`
 * adds, body, answers, and the errors, in the enum's order. */
struct op_decl {
    http_handler fn;
    const char *tag, *id, *summary, *description;
    const char *metric;
    bool dashboard; /* refers to the dashboard's schemas (openapi_dashboard_schemas) */
    struct op_param params[4];
    op_fn *more;
    struct op_answer body, answers[4];
    unsigned errors;   /* ERR(HE_…) | … */
    const char *group; /* for metric_by_name and group_list: the registry's group, the key */
    int form;          /* for write_op: enum form */
};

#define ERR(he) (1u << (he))
/* clang-format would break the initializer at its braces */
/* clang-format off */
#define NAME_PARAM(doc) {"path", "name", "string", doc, true}
/* clang-format on */

/* The forms of a resource's schema (openapi_resources.c) */
enum form { ROW, CREATE, REPLACE, PATCH, LIST, FORM_NR };

/* Each area's declarations, ended by one whose fn is NULL; openapi.c looks a handler up in them.
 * A route whose handler none of them declares makes the document fail, so that a new endpoint
 * cannot go undocumented. */
extern const struct op_decl openapi_ingest_described[];
extern const struct op_decl openapi_metrics_described[];
extern const struct op_decl openapi_dashboard_described[];
extern const struct op_decl openapi_surveys_described[];
extern const struct op_decl openapi_health_described[];
extern const struct op_decl openapi_resources_described[];

/* ---- openapi.c: the document's frame ---- */

/* "mrr change", "churn-reasons" → "MrrChange", "ChurnReasons": the names client generators
 * make classes of. */
void openapi_camel(const char *s, const char *suffix, char out[128]);
/* Puts op in group `name`, declared at the top of the document the first time it is used;
 * description NULL: a fixed group's, or the resource's of that name. */
void openapi_tag(struct doc *d, json_t *op, const char *name, const char *description);
/* The error answer of http_error `he`, by reference to components/responses. */
void openapi_error_answer(struct doc *d, json_t *op, int he);
/* The codes of errors.c's table. */
json_t *openapi_error_codes(void);
/* What every operation of route rt has: who may call it, and the answer to any other failure. */
void openapi_finish(struct doc *d, const struct route *rt, json_t *op);
/* The declaration of handler fn, or NULL. */
const struct op_decl *openapi_decl_of(http_handler fn);
/* Whether route rt takes any query parameter (http_int.h says why). */
bool openapi_open_route(const struct route *rt, const struct op_decl *o);
/* The operation of route rt in d->paths, made empty when it is not there. */
json_t *openapi_operation(struct doc *d, const struct route *rt);
/* The document into *d: 0, or -1 with err. d->root is the caller's either way: json_decref. */
int openapi_doc_build(struct doc *d, struct lf_err *err);

/* ---- openapi_ingest.c ---- */

/* components/schemas of Segment's and PostHog's calls and of the ingestion's answers. */
void openapi_ingest_schemas(struct doc *d);

/* ---- openapi_metrics.c ---- */

/* The schema of a column of a table (a metric's, the text analysis', the churn model's). */
json_t *openapi_column_schema(int type, const char *help);
/* components/schemas NameRow and NameResult of metric m; the name of the result. */
void openapi_metric_result(struct doc *d, const struct lf_metric_info *m, char result[128]);
/* The operation of metric m with its own parameters and result: /v1/metrics/NAME, /v1/cohorts,
 * /v1/survival. */
void openapi_metric_op(struct doc *d, const struct lf_metric_info *m, const char *operation_id,
                       json_t *op);
/* components/schemas MetricInfo, MetricList and MetricResult. */
void openapi_metric_schemas(struct doc *d);
/* Whether o is a route that names its metric in the URL (whose parameters the registry
 * checks). */
bool openapi_metric_named(const struct op_decl *o);

/* ---- openapi_resources.c ---- */

/* components/schemas of resource def in `form`, made on first use; returns a $ref to it. */
json_t *openapi_resource_schema(struct doc *d, const struct resource_def *def, int form);

/* ---- openapi_dashboard.c ---- */

/* The schemas the dashboard's routes share, made once. */
void openapi_dashboard_schemas(struct doc *d);

#endif
