/* openapi.c - the OpenAPI 3.1 document of the HTTP API, generated from the declarations: the
 * route table (paths, methods, who may call, bodies), the metric registry (each metric's query
 * parameters and result columns) and the resource definitions (fields, types, checks), so that
 * it cannot drift from what the server does. GET /openapi.json and `landfall openapi` serve it. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "cs/churn.h"
#include "http_int.h"
#include "metrics/metrics.h"
#include "model/resource.h"

#define OPENAPI_VERSION "3.1.0"

struct doc {
    json_t *root, *paths, *schemas, *responses, *tags;
    struct lf_err *err;
};

/* ---- small builders ---- */

/* Sets o[key] = v, taking v. A NULL v is a declaration that jansson refused (text that is not
 * UTF-8): the programmer's mistake, never input. */
static void set(json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) < 0) {
        fprintf(stderr, "openapi: cannot set '%s'\n", key);
        abort();
    }
}

static void push(json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) < 0)
        abort();
}

static json_t *str(const char *s)
{
    return json_string(s ? s : "");
}

static json_t *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *strf(const char *fmt, ...)
{
    char s[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof(s), fmt, ap);
    va_end(ap);
    return json_string(s);
}

/* A bound as JSON: an integer when it is one, so that the document reads 1000, not 1000.0. */
static json_t *num(double v)
{
    if (v >= -9e15 && v <= 9e15 && v == (double)(long long)v)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *names(const char *const *list)
{
    json_t *a = json_array();
    for (size_t i = 0; list && list[i]; i++)
        push(a, str(list[i]));
    return a;
}

static json_t *ref(const char *kind, const char *name)
{
    json_t *o = json_object();
    set(o, "$ref", strf("#/components/%s/%s", kind, name));
    return o;
}

static json_t *typed(const char *type)
{
    json_t *o = json_object();
    set(o, "type", str(type));
    return o;
}

/* {"type": [type, "null"]}: a value that may be null. */
static json_t *nullable(const char *type)
{
    json_t *o = json_object(), *t = json_array();
    push(t, str(type));
    push(t, str("null"));
    set(o, "type", t);
    return o;
}

/* "mrr change", "churn-reasons" → "MrrChange", "ChurnReasons": the names client generators
 * make classes of. */
static void camel(const char *s, const char *suffix, char out[128])
{
    size_t n = 0;
    bool up = true;
    for (; *s && n + 1 < 128; s++) {
        if (*s == ' ' || *s == '_' || *s == '-') {
            up = true;
            continue;
        }
        out[n++] = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
        up = false;
    }
    out[n] = '\0';
    snprintf(out + n, 128 - n, "%s", suffix);
}

/* A JSON answer: {"description", "content": {"application/json": {"schema"}}}, taking schema. */
static json_t *answer_of(const char *description, json_t *schema)
{
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str(description));
    set(media, "schema", schema);
    set(content, "application/json", media);
    set(resp, "content", content);
    return resp;
}

static json_t *body_of(const char *description, json_t *schema)
{
    json_t *body = answer_of(description, schema);
    set(body, "required", json_true());
    return body;
}

/* The groups of operations but the resources' (each described by its definition); the document
 * lists them in the order of their first use. */
static const struct {
    const char *name, *description;
} fixed_tags[] = {
    {"server", "health, metrics and this document"},
    {"ingestion", "Segment's and PostHog's tracking APIs, for their libraries"},
    {"metrics", "every figure landfall computes, one declaration each (GET /v1/metrics)"},
    {"keys", "the workspace's API keys (`landfall keys` creates and revokes them too)"},
    {"text", "what texts say: sentiment, emotions, topics and language (docs/text.md)"},
    {"dashboard", "the web application: its pages, its files, and what it manages (sessions, "
                  "users and roles, saved views, the workspace's settings); docs/dashboard.md"},
    {"surveys", "surveys landfall sends: signed link pages, the in-app snippet, sends, results, "
                "skips and the closed loop's follow-ups (docs/surveys.md)"},
    {"churn", "the churn model: trained on the workspace's accounts, stored as versions, scoring "
              "and explaining each account (docs/churn.md)"},
};

/* Puts op in group `name`, declared at the top of the document the first time it is used;
 * description NULL: a fixed group's, or the resource's of that name. */
static void tag(struct doc *d, json_t *op, const char *name, const char *description)
{
    bool known = false;
    json_t *tags = json_array();
    for (size_t i = 0; i < json_array_size(d->tags) && !known; i++)
        known =
            !strcmp(json_string_value(json_object_get(json_array_get(d->tags, i), "name")), name);
    for (size_t i = 0; !description && i < sizeof(fixed_tags) / sizeof(*fixed_tags); i++)
        if (!strcmp(fixed_tags[i].name, name))
            description = fixed_tags[i].description;
    if (!description && resource_find(name))
        description = resource_find(name)->doc;
    if (!known) {
        json_t *t = json_object();
        set(t, "name", str(name));
        set(t, "description", str(description));
        push(d->tags, t);
    }
    push(tags, str(name));
    set(op, "tags", tags);
}

/* A query or path parameter, taking schema. */
static json_t *param(const char *in, const char *name, bool required, const char *description,
                     json_t *schema)
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
static json_t *described_string(const char *description)
{
    json_t *t = typed("string");
    set(t, "description", str(description));
    return t;
}

static json_t *params_of(json_t *op)
{
    json_t *a = json_object_get(op, "parameters");
    if (!a) {
        a = json_array();
        set(op, "parameters", a);
    }
    return a;
}

static json_t *responses_of(json_t *op)
{
    json_t *o = json_object_get(op, "responses");
    if (!o) {
        o = json_object();
        set(op, "responses", o);
    }
    return o;
}

/* The error answer of http_error `he`, by reference to components/responses. */
static void error_answer(struct doc *d, json_t *op, int he)
{
    char status[8];
    const char *code = http_error_code(he);
    snprintf(status, sizeof(status), "%d", http_error_status(he));
    if (!json_object_get(d->responses, code)) {
        json_t *resp = answer_of(http_error_doc(he), ref("schemas", "Error"));
        if (he == HE_RATE_LIMITED || he == HE_UNAVAILABLE) {
            json_t *headers = json_object(), *h = json_object();
            set(h, "description",
                str(he == HE_RATE_LIMITED
                        ? "seconds to wait before the next request"
                        : "seconds to wait before the next request, when the server is busy "
                          "or stopping (a failed store sends none)"));
            set(h, "schema", typed("integer"));
            set(headers, "Retry-After", h);
            set(resp, "headers", headers);
        }
        set(d->responses, code, resp);
    }
    set(responses_of(op), status, ref("responses", code));
}

/* ---- the shared schemas ---- */

/* The codes of errors.c's table. */
static json_t *error_codes(void)
{
    json_t *codes = json_array();
    for (int he = 0; he < HE_NR; he++)
        push(codes, str(http_error_code(he)));
    return codes;
}

static void error_schemas(struct doc *d)
{
    json_t *codes = error_codes();
    json_t *inner = typed("object"), *props = json_object(), *req = json_array();
    json_t *code = typed("string");
    set(code, "enum", codes);
    set(code, "description", str("what went wrong, one word per status (see the responses)"));
    set(props, "code", code);
    json_t *msg = typed("string");
    set(msg, "description", str("lowercase, for people; quotes the value at fault"));
    set(props, "message", msg);
    json_t *field = typed("string");
    set(field, "description",
        str("the input the error is about: a body field (\"seats\", \"traits.email\") or a "
            "query parameter (\"from\")"));
    set(props, "field", field);
    set(inner, "properties", props);
    push(req, str("code"));
    push(req, str("message"));
    set(inner, "required", req);
    set(inner, "additionalProperties", json_false());

    json_t *e = typed("object"), *eprops = json_object(), *ereq = json_array();
    set(e, "description", str("every error answer (src/http/errors.c)"));
    set(eprops, "error", inner);
    set(e, "properties", eprops);
    push(ereq, str("error"));
    set(e, "required", ereq);
    set(d->schemas, "Error", e);
}

static void ingest_schemas(struct doc *d, const char *const *segment_calls)
{
    /* one rejected item of a body */
    json_t *rej = typed("object"), *p = json_object(), *req = json_array();
    set(rej, "description", str("an item of the body that was not stored, and why"));
    json_t *index = typed("integer");
    set(index, "minimum", json_integer(0));
    set(index, "description", str("its index in the body's batch (0 for a single call)"));
    set(p, "index", index);
    set(p, "code", json_pack("{s:s, s:o}", "type", "string", "enum", error_codes()));
    set(p, "message", typed("string"));
    set(p, "field",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "the offending field's path (\"traits.email\")"));
    set(rej, "properties", p);
    for (const char *const *k = (const char *const[]){"index", "code", "message", NULL}; *k; k++)
        push(req, str(*k));
    set(rej, "required", req);
    set(rej, "additionalProperties", json_false());
    set(d->schemas, "IngestReject", rej);

    json_t *res = typed("object");
    p = json_object();
    req = json_array();
    set(res, "description",
        str("the answer to an ingestion request, sent once its events are durable"));
    set(p, "success", json_pack("{s:s, s:b}", "type", "boolean", "const", 1));
    static const struct {
        const char *name, *doc;
    } counts[] = {
        {"received", "items in the body"},
        {"accepted", "valid items, now durable"},
        {"inserted", "events new to the store"},
        {"duplicates", "events whose messageId (uuid) was stored already: a retry"},
    };
    push(req, str("success"));
    for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++) {
        json_t *c = typed("integer");
        set(c, "minimum", json_integer(0));
        set(c, "description", str(counts[i].doc));
        set(p, counts[i].name, c);
        push(req, str(counts[i].name));
    }
    json_t *arr = typed("array");
    set(arr, "items", ref("schemas", "IngestReject"));
    set(p, "rejected", arr);
    push(req, str("rejected"));
    set(res, "properties", p);
    set(res, "required", req);
    set(res, "additionalProperties", json_false());
    set(d->schemas, "IngestResult", res);

    /* 422: the error document, and every invalid item beside it */
    json_t *ie = json_object(), *all = json_array(), *extra = typed("object");
    p = json_object();
    arr = typed("array");
    set(arr, "items", ref("schemas", "IngestReject"));
    set(p, "rejected", arr);
    set(extra, "properties", p);
    set(extra, "required", json_pack("[s]", "rejected"));
    push(all, ref("schemas", "Error"));
    push(all, extra);
    set(ie, "description", str("no item of the body was valid: nothing was stored"));
    set(ie, "allOf", all);
    set(d->schemas, "IngestError", ie);

    /* Segment's calls: the fields landfall reads; others are accepted and ignored */
    json_t *call = typed("object");
    p = json_object();
    set(call, "description",
        str("a Segment call (segment.com/docs/connections/spec): track, page and screen calls "
            "are events; identify updates a contact, group an account, alias merges the "
            "contact previousId named into userId's. Other fields are accepted and ignored."));
    json_t *type = typed("string");
    set(type, "enum", names(segment_calls));
    set(type, "description",
        str("the call; required in a batch, implied by the path of a single call"));
    set(p, "type", type);
    static const struct {
        const char *name, *type, *doc;
    } fields[] = {
        {"userId", "string", "the contact's id; this or anonymousId"},
        {"anonymousId", "string", "an id for a user not known yet"},
        {"previousId", "string",
         "alias: the id merged into userId (its contact, events and answers become userId's)"},
        {"groupId", "string", "group: the account's id"},
        {"event", "string", "track: the event's name"},
        {"name", "string", "page, screen: the page's name"},
        {"messageId", "string", "the call's id: a retried call is stored once"},
        {"timestamp", "string", "ISO 8601: when it happened on the client's clock"},
        {"originalTimestamp", "string", "ISO 8601, used when timestamp is absent"},
        {"sentAt", "string", "ISO 8601: when the client sent it (corrects its clock's skew)"},
        {"properties", "object",
         "track, page, screen: kept with the event; `value` or "
         "`revenue` is its value"},
        {"traits", "object", "identify, group: the contact's or the account's fields"},
        {"context", "object", "`context.groupId` names the account of any call"},
        {"writeKey", "string", "a write key, when the request carries none in a header"},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        json_t *f = typed(fields[i].type);
        set(f, "description", str(fields[i].doc));
        set(p, fields[i].name, f);
    }
    set(call, "properties", p);
    set(d->schemas, "SegmentCall", call);

    json_t *batch = typed("object");
    p = json_object();
    set(batch, "description", str("Segment's batch: several calls, each with its type"));
    arr = typed("array");
    set(arr, "items", ref("schemas", "SegmentCall"));
    set(p, "batch", arr);
    set(p, "sentAt",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "ISO 8601: when the batch was sent"));
    set(p, "writeKey",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "a write key, when the request carries none in a header"));
    set(p, "context", typed("object"));
    set(batch, "properties", p);
    set(batch, "required", json_pack("[s]", "batch"));
    set(d->schemas, "SegmentBatch", batch);

    json_t *ev = typed("object");
    p = json_object();
    set(ev, "description",
        str("a PostHog event: $identify updates the person's contact ($set), $groupidentify "
            "the account ($group_key, $group_set); any other is an event whose account is "
            "properties.$groups' company (or organization, account, else the first)"));
    set(p, "event", json_pack("{s:s, s:i}", "type", "string", "minLength", 1));
    set(p, "distinct_id",
        json_pack("{s:[s,s], s:s}", "type", "string", "integer", "description",
                  "the person (a contact)"));
    set(p, "properties", typed("object"));
    set(p, "timestamp", json_pack("{s:s, s:s}", "type", "string", "description", "ISO 8601"));
    set(p, "offset",
        json_pack("{s:s, s:s}", "type", "integer", "description",
                  "ms before the body was sent, when there is no timestamp"));
    set(p, "uuid",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "the event's id: a retried event is stored once"));
    set(p, "api_key", json_pack("{s:s, s:s}", "type", "string", "description", "a write key"));
    set(p, "token",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "a write key (api_key's other name)"));
    set(ev, "properties", p);
    set(ev, "required", json_pack("[s]", "event"));
    set(d->schemas, "PostHogEvent", ev);

    json_t *pb = typed("object");
    p = json_object();
    set(pb, "description", str("PostHog's batch"));
    arr = typed("array");
    set(arr, "items", ref("schemas", "PostHogEvent"));
    set(p, "batch", arr);
    set(p, "api_key", json_pack("{s:s, s:s}", "type", "string", "description", "a write key"));
    set(p, "token", json_pack("{s:s}", "type", "string"));
    set(p, "sent_at", json_pack("{s:s, s:s}", "type", "string", "description", "ISO 8601"));
    set(pb, "properties", p);
    set(pb, "required", json_pack("[s]", "batch"));
    set(d->schemas, "PostHogBatch", pb);
}

/* ---- metrics ---- */

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

static json_t *column_schema(int type, const char *help)
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
static void metric_result(struct doc *d, const struct lf_metric_info *m, char result[128])
{
    char row_name[128];
    camel(m->name, "Row", row_name);
    camel(m->name, "Result", result);
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
        set(props, m->columns[i].name, column_schema(m->columns[i].type, m->columns[i].help));
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
static void metric_op(struct doc *d, const struct lf_metric_info *m, const char *operation_id,
                      json_t *op)
{
    char result[128];
    metric_result(d, m, result);
    tag(d, op, "metrics", NULL);
    set(op, "operationId", str(operation_id));
    set(op, "summary", str(m->summary));
    set(op, "description", str(m->help));
    metric_params(m, op);
    json_t *ok = answer_of("the metric's rows, as `landfall metric NAME --json` prints them; "
                           "with Accept: text/csv, as --csv prints them",
                           ref("schemas", result));
    set(json_object_get(ok, "content"), "text/csv", json_pack("{s:{s:s}}", "schema", "type",
                                                              "string"));
    set(responses_of(op), "200", ok);
    error_answer(d, op, HE_BAD_REQUEST);
}

static void metric_schemas(struct doc *d)
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

/* ---- resources ---- */

enum form { ROW, CREATE, REPLACE, PATCH, LIST, FORM_NR };
static const char *const form_suffix[FORM_NR] = {"", "Create", "Replace", "Patch", "List"};

static bool is_serial_key(const struct resource_def *def, const struct field_def *f)
{
    return (f->flags & FIELD_KEY) && !def->ext_key;
}

/* The schema of field f; in a body (`input`) the formats a client sends and the defaults. A
 * field may be null (missing) unless it is required or the key. */
static json_t *field_schema(const struct resource_def *def, const struct field_def *f, bool input)
{
    static const char *const json_types[] = {
        [FIELD_TEXT] = "string",  [FIELD_INT] = "integer", [FIELD_REAL] = "number",
        [FIELD_TIME] = "string",  [FIELD_DATE] = "string", [FIELD_MONEY] = "integer",
        [FIELD_BOOL] = "boolean", [FIELD_JSON] = "object", [FIELD_REF] = "string",
        [FIELD_DICT] = "string"};
    bool may_be_null = !(f->flags & (FIELD_REQUIRED | FIELD_KEY));
    const char *type = json_types[f->type];
    json_t *s = may_be_null ? nullable(type) : typed(type);
    struct buf text = BUF_INIT;
    buf_adds(&text, f->doc);
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_DICT:
    case FIELD_REF:
        if (f->type != FIELD_TEXT || (f->flags & FIELD_KEY))
            set(s, "minLength", json_integer(1));
        if (f->check == CHECK_CURRENCY)
            break; /* its pattern says it all */
        /* JSON Schema counts characters; the server counts bytes of UTF-8 */
        set(s, "maxLength", json_integer((json_int_t)field_max_len(f)));
        buf_addf(&text, "; at most %zu bytes of UTF-8", field_max_len(f));
        if (f->type == FIELD_REF)
            buf_addf(&text, "; the id of %s %s", strchr("aeiou", f->ref->singular[0]) ? "an" : "a",
                     f->ref->singular);
        break;
    case FIELD_INT:
    case FIELD_MONEY:
        set(s, "format", str("int64"));
        if (f->type == FIELD_MONEY && !strstr(f->doc, "minor units"))
            buf_adds(&text, "; minor units (cents) of the currency");
        break;
    case FIELD_TIME:
        set(s, "format", str("date-time"));
        break;
    case FIELD_DATE:
        set(s, "format", str("date"));
        break;
    default:
        break;
    }
    if (f->vocab) {
        json_t *e = names(f->vocab);
        if (may_be_null)
            push(e, json_null());
        set(s, "enum", e);
    }
    switch (f->check) {
    case CHECK_NONNEG:
        set(s, "minimum", json_integer(0));
        break;
    case CHECK_RANGE:
        set(s, "minimum", json_integer(f->min));
        set(s, "maximum", json_integer(f->max));
        break;
    case CHECK_CURRENCY:
        set(s, "pattern", str("^[A-Z]{3}$"));
        break;
    case CHECK_EMAIL: /* model/resource.c: one '@' with text on both sides, no blanks */
        set(s, "pattern", str("^[^@ \t\r\n]+@[^@ \t\r\n]+$"));
        break;
    case CHECK_PAST:
        buf_adds(&text, "; from 1970 to at most a day after now");
        break;
    default:
        break;
    }
    if (f->flags & FIELD_READONLY || is_serial_key(def, f))
        set(s, "readOnly", json_true());
    if (f->flags & FIELD_MERGE)
        set(s, "writeOnly", json_true());
    if (input && f->dflt) {
        set(s, "default", str(f->dflt));
        buf_addf(&text, "; %s when not given", f->dflt);
    }
    set(s, "description", str(buf_str(&text)));
    buf_release(&text);
    return s;
}

/* Whether a request body may carry field f (the key only where the client chooses it). */
static bool writable(const struct resource_def *def, const struct field_def *f)
{
    return !(f->flags & FIELD_READONLY) && !is_serial_key(def, f);
}

/* components/schemas of resource def in `form`, made on first use; returns a $ref to it. */
static json_t *resource_schema(struct doc *d, const struct resource_def *def, int form)
{
    char name[128];
    camel(def->singular, form_suffix[form], name);
    if (json_object_get(d->schemas, name))
        return ref("schemas", name);
    json_t *s = typed("object"), *props = json_object(), *req = json_array();
    if (form == LIST) {
        json_t *data = typed("array");
        set(data, "items", resource_schema(d, def, ROW));
        set(props, "data", data);
        json_t *next = nullable("string");
        set(next, "description",
            str("the cursor of the next page (pass it as ?cursor=), null on the last page"));
        set(props, "next_cursor", next);
        push(req, str("data"));
        push(req, str("next_cursor"));
        set(s, "description", strf("a page of %s", def->name));
    } else {
        for (size_t i = 0; i < def->fields_nr; i++) {
            const struct field_def *f = &def->fields[i];
            if ((form != ROW && !writable(def, f)) || (form == ROW && (f->flags & FIELD_MERGE)))
                continue;
            set(props, f->name, field_schema(def, f, form != ROW));
            /* every answer has every field; a create needs the required ones and its id */
            if (form == ROW || (form != PATCH && (f->flags & FIELD_REQUIRED)) ||
                (form == CREATE && (f->flags & FIELD_KEY)))
                push(req, str(f->name));
        }
        static const char *const what[FORM_NR] = {
            [CREATE] = "the body that creates",
            [REPLACE] = "the body that replaces (fields not given are cleared; `id`, when "
                        "given, must be the URL's)",
            [PATCH] = "the body that changes (only the given fields; null clears one)"};
        if (form == ROW)
            set(s, "description", str(def->doc));
        else
            set(s, "description",
                strf("%s %s %s", what[form], strchr("aeiou", def->singular[0]) ? "an" : "a",
                     def->singular));
    }
    set(s, "properties", props);
    if (json_array_size(req))
        set(s, "required", req);
    else
        json_decref(req);
    set(s, "additionalProperties", json_false());
    set(d->schemas, name, s);
    return ref("schemas", name);
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
 * the shared schemas it refers to, the metric it answers (metric_op: its group, id, summary,
 * parameters and rows) or its group, id and summary, its description, params, what `more`
 * adds, body, answers, and the errors, in the enum's order. */
struct op_decl {
    http_handler fn;
    const char *tag, *id, *summary, *description;
    const char *metric;
    bool dashboard; /* refers to the dashboard's schemas (dashboard_schemas) */
    struct op_param params[4];
    op_fn *more;
    struct op_answer body, answers[4];
    unsigned errors;   /* ERR(HE_…) | … */
    const char *group; /* for metric_by_name and group_list: the registry's group, the key */
    int form;          /* for write_op: enum form */
};

#define ERR(he) (1u << (he))


/* The resource a route serves: the path segment after "/v1/" (as api_resources.c reads it). */
static const struct resource_def *route_resource(struct doc *d, const struct route *rt)
{
    char name[64];
    const char *s = rt->pattern + strlen("/v1/");
    size_t n = strcspn(s, "/");
    snprintf(name, sizeof(name), "%.*s", (int)n, s);
    const struct resource_def *def = resource_find(name);
    if (!def)
        err_set(d->err, LF_EINTERNAL, "route '%s %s' serves no resource of model/resource.c",
                rt->method, rt->pattern);
    return def;
}

static void resource_tag(struct doc *d, const struct resource_def *def, json_t *op,
                         const char *verb, const char *summary)
{
    char id[96];
    tag(d, op, def->name, def->doc);
    snprintf(id, sizeof(id), "%s_%s", def->name, verb);
    set(op, "operationId", str(id));
    set(op, "summary", str(summary));
}

static void key_param(const struct resource_def *def, json_t *op)
{
    const struct field_def *key = &def->fields[RESOURCE_KEY];
    json_t *s = def->ext_key ? typed("string") : typed("integer");
    if (def->ext_key)
        set(s, "minLength", json_integer(1));
    push(params_of(op), param("path", "id", true, key->doc, s));
}

/* The names api_resources.c takes as paging rather than as filters. */
static bool paging_param(const char *name)
{
    return !strcmp(name, "sort") || !strcmp(name, "cursor") || !strcmp(name, "limit");
}

static void op_resource_list(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)o;
    const struct resource_def *def = route_resource(d, rt);
    if (!def)
        return;
    char summary[128];
    snprintf(summary, sizeof(summary), "list %s", def->name);
    resource_tag(d, def, op, "list", summary);
    set(op, "description",
        str("A page of rows in creation order, or sorted. Every other query parameter is a "
            "filter field=value (ANDed; a reference filters by the other row's id)."));
    json_t *list = params_of(op), *sorts = json_array();
    for (size_t i = 0; i < def->fields_nr; i++) {
        const struct field_def *f = &def->fields[i];
        if (f->type == FIELD_JSON || (f->flags & FIELD_MERGE) || paging_param(f->name))
            continue; /* an object cannot be filtered on, nor merged rows listed */
        json_t *s = field_schema(def, f, true);
        json_object_del(s, "readOnly");
        json_object_del(s, "default");
        json_object_del(s, "description");
        if (json_is_array(json_object_get(s, "type"))) /* ?field= never means null */
            set(s, "type", json_incref(json_array_get(json_object_get(s, "type"), 0)));
        json_t *e = json_object_get(s, "enum");
        if (e && json_is_null(json_array_get(e, json_array_size(e) - 1)))
            json_array_remove(e, json_array_size(e) - 1);
        push(list, param("query", f->name, false, f->doc, s));
        if (f->type != FIELD_REF && f->type != FIELD_DICT) {
            push(sorts, str(f->name));
            push(sorts, strf("-%s", f->name));
        }
    }
    json_t *sort = typed("string");
    set(sort, "enum", sorts);
    push(list, param("query", "sort", false, "a field to sort by; -field sorts descending", sort));
    push(list, param("query", "cursor", false, "the previous page's next_cursor", typed("string")));
    json_t *limit = typed("integer");
    set(limit, "minimum", json_integer(1));
    set(limit, "maximum", json_integer(PAGE_MAX));
    set(limit, "default", json_integer(PAGE_DEFAULT));
    push(list, param("query", "limit", false, "rows a page holds", limit));
    set(responses_of(op), "200", answer_of("a page of rows", resource_schema(d, def, LIST)));
    error_answer(d, op, HE_BAD_REQUEST);
}

static void op_resource_get(struct doc *d, const struct op_decl *o, const struct route *rt,
                            json_t *op)
{
    (void)o;
    const struct resource_def *def = route_resource(d, rt);
    if (!def)
        return;
    char summary[128];
    snprintf(summary, sizeof(summary), "get %s %s", strchr("aeiou", def->singular[0]) ? "an" : "a",
             def->singular);
    resource_tag(d, def, op, "get", summary);
    key_param(def, op);
    set(responses_of(op), "200", answer_of("the row", resource_schema(d, def, ROW)));
    error_answer(d, op, HE_NOT_FOUND);
}

static void write_op(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    static const char *const verbs[FORM_NR] = {
        [CREATE] = "create", [REPLACE] = "replace", [PATCH] = "update"};
    static const char *const what[FORM_NR] = {
        [CREATE] = "create", [REPLACE] = "replace (or create)", [PATCH] = "change"};
    int form = o->form;
    const struct resource_def *def = route_resource(d, rt);
    if (!def)
        return;
    char summary[128];
    snprintf(summary, sizeof(summary), "%s %s %s", what[form],
             strchr("aeiou", def->singular[0]) ? "an" : "a", def->singular);
    resource_tag(d, def, op, verbs[form], summary);
    if (form != CREATE)
        key_param(def, op);
    set(op, "requestBody", body_of(summary, resource_schema(d, def, form)));
    json_t *resp = responses_of(op);
    if (form != PATCH)
        set(resp, "201", answer_of("created: the row as stored", resource_schema(d, def, ROW)));
    if (form != CREATE || def->append_only)
        set(resp, "200",
            answer_of(def->append_only ? "stored already (an event is never "
                                         "changed): the row as stored"
                                       : "the row as stored",
                      resource_schema(d, def, ROW)));
    if (form == PATCH)
        error_answer(d, op, HE_NOT_FOUND);
    error_answer(d, op, HE_CONFLICT);
    error_answer(d, op, HE_INVALID);
}

static void op_resource_delete(struct doc *d, const struct op_decl *o, const struct route *rt,
                               json_t *op)
{
    (void)o;
    const struct resource_def *def = route_resource(d, rt);
    if (!def)
        return;
    char summary[128];
    snprintf(summary, sizeof(summary), "delete %s %s",
             strchr("aeiou", def->singular[0]) ? "an" : "a", def->singular);
    resource_tag(d, def, op, "delete", summary);
    set(op, "description",
        str("Deletes the row, recording the key that did and the row in the audit log. A row "
            "others refer to stays until they are gone (409)."));
    key_param(def, op);
    set(responses_of(op), "200", answer_of("deleted", ref("schemas", "Deleted")));
    error_answer(d, op, HE_NOT_FOUND);
    error_answer(d, op, HE_CONFLICT);
}

/* ---- the other routes: what their declarations cannot say ---- */

static void healthz_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                           json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("up", json_pack("{s:s, s:{s:{s:s, s:s}, s:{s:s}}, s:[s,s]}", "type", "object",
                                  "properties", "status", "type", "string", "const", "ok",
                                  "version", "type", "string", "required", "status", "version")));
}

/* The ingestion routes' common part: the body, the answers and the key in the body. */
static void ingest_op(struct doc *d, json_t *op, json_t *body_schema)
{
    set(op, "requestBody",
        body_of("JSON, optionally gzip- or deflate-compressed (Content-Encoding)", body_schema));
    set(responses_of(op), "200",
        answer_of("every valid item is durable; invalid ones are listed",
                  ref("schemas", "IngestResult")));
    set(responses_of(op), "422",
        answer_of("no item was valid: nothing was stored", ref("schemas", "IngestError")));
    error_answer(d, op, HE_BAD_REQUEST);
    error_answer(d, op, HE_TOO_LARGE);
    error_answer(d, op, HE_MEDIA_TYPE);
    error_answer(d, op, HE_UNAVAILABLE);
}

static void op_segment(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)o;
    const char *call = http_segment_call(rt->pattern);
    bool brief = strcmp(call, rt->pattern + strlen("/v1/")) != 0; /* analytics.js's /v1/t… */
    char id[64];
    tag(d, op, "ingestion", NULL);
    snprintf(id, sizeof(id), "segment_%s%s", call, brief ? "_browser" : "");
    set(op, "operationId", str(id));
    bool batch = !strcmp(call, "batch");
    const char *how = brief ? ", as analytics.js (the browser library) sends it" : "";
    set(op, "summary",
        batch ? strf("Segment: a batch of calls%s", how) : strf("Segment: a %s call%s", call, how));
    ingest_op(d, op, ref("schemas", batch ? "SegmentBatch" : "SegmentCall"));
}

static void op_posthog(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)o;
    char id[64];
    size_t n = 0;
    tag(d, op, "ingestion", NULL);
    n = (size_t)snprintf(id, sizeof(id), "posthog");
    for (const char *p = rt->pattern; *p && n + 1 < sizeof(id); p++)
        id[n++] = *p == '/' ? '_' : *p;
    id[n] = '\0';
    set(op, "operationId", str(id));
    set(op, "summary",
        strf("PostHog: capture events (%s, with or without a trailing slash)", rt->pattern));
    json_t *any = json_array(), *arr = typed("array");
    push(any, ref("schemas", "PostHogBatch"));
    push(any, ref("schemas", "PostHogEvent"));
    set(arr, "items", ref("schemas", "PostHogEvent"));
    push(any, arr);
    json_t *body = json_object();
    set(body, "description", str("a batch, one event, or an array of events"));
    set(body, "anyOf", any);
    ingest_op(d, op, body);

    /* PostHog's libraries also send the JSON base64-encoded, gzip-compressed, or in a form */
    json_t *how = typed("string"), *ways = json_array();
    push(ways, str("gzip-js"));
    push(ways, str("gzip"));
    push(ways, str("base64"));
    set(how, "enum", ways);
    push(params_of(op),
         param("query", "compression", false,
               "how the body (or the form's data field) is encoded; gzip is also recognised by "
               "its magic bytes, and a body that is not JSON is read as base64",
               how));
    json_t *form = typed("object"), *props = json_object();
    set(props, "data", described_string("the events: JSON, base64 of JSON, or compressed"));
    set(props, "compression", described_string("as the query's compression"));
    set(props, "api_key", described_string("the project's key, when no Authorization header is sent"));
    set(props, "token", described_string("the same, as newer libraries name it"));
    set(form, "properties", props);
    json_t *required = json_array();
    push(required, str("data"));
    set(form, "required", required);
    json_t *media = json_object();
    set(media, "schema", form);
    set(json_object_get(json_object_get(op, "requestBody"), "content"),
        "application/x-www-form-urlencoded", media);
}

static void finish(struct doc *d, const struct route *rt, json_t *op);

#define BY_NAME_DOC                                                                             \
    "Any metric by name, its parameters given as query parameters. Each metric's own path, "    \
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
        metric_op(d, m, id, mop);
        finish(d, rt, mop);
        set(item, "get", mop);
        set(d->paths, path, item);
    }
}

/* The older lists: {"reports"|"metrics": [{"name", "description"}]} of one group, o->group
 * being the key. */
static void group_list(struct doc *d, const struct op_decl *o, const struct route *rt,
                       json_t *op)
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
    metric_result(d, lf_metric_find("survival-median"), median);
    metric_result(d, lf_metric_find("survival-projected"), projected);
    push(params_of(op), param("query", "median", false,
                              "true: the median lifetimes (the survival-median metric)",
                              typed("boolean")));
    /* project=true takes the survival-projected metric's parameters: those survival lacks */
    json_t *more = json_object();
    metric_params(lf_metric_find("survival-projected"), more);
    size_t i;
    json_t *p;
    json_array_foreach(params_of(more), i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        bool known = false;
        size_t j;
        json_t *q;
        json_array_foreach(params_of(op), j, q)
            known |= strcmp(json_string_value(json_object_get(q, "name")), name) == 0;
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

static void keys_list_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                           json_t *op)
{
    (void)o, (void)rt;
    json_t *scopes = json_array();
    for (int s = LF_SCOPE_WRITE; s <= LF_SCOPE_SURVEY; s++)
        push(scopes, str(lf_scope_name(s)));
    json_t *key = json_pack(
        "{s:s, s:{s:{s:s}, s:{s:s, s:s}, s:{s:s, s:o}, s:{s:[s,s]}, s:{s:s, s:s}, "
        "s:{s:[s,s], s:s, s:s}}, s:[s,s,s,s,s,s], s:b}",
        "type", "object", "properties", "id", "type", "integer", "prefix", "type", "string",
        "description", "the key's first characters, which `landfall keys revoke` takes", "scope",
        "type", "string", "enum", scopes, "name", "type", "string", "null", "created", "type",
        "string", "format", "date-time", "revoked", "type", "string", "null", "format", "date-time",
        "description", "null while the key is live", "required", "id", "prefix", "scope", "name",
        "created", "revoked", "additionalProperties", 0);
    set(d->schemas, "Key", key);
    json_t *page = json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s,s]}}, s:[s,s], s:b}", "type", "object",
                             "properties", "data", "type", "array", "items", ref("schemas", "Key"),
                             "next_cursor", "type", "string", "null", "required", "data",
                             "next_cursor", "additionalProperties", 0);
    json_t *list = params_of(op), *limit = typed("integer");
    set(limit, "minimum", json_integer(1));
    set(limit, "maximum", json_integer(PAGE_MAX));
    set(limit, "default", json_integer(PAGE_DEFAULT));
    push(list, param("query", "limit", false, "keys a page holds", limit));
    push(list, param("query", "cursor", false, "the previous page's next_cursor", typed("string")));
    set(responses_of(op), "200", answer_of("a page of keys", page));
}

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
            set(props, cols[i].name, column_schema(cols[i].type, cols[i].help));
            push(required, str(cols[i].name));
        }
        set(row, "properties", props);
        set(row, "required", required);
        set(row, "additionalProperties", json_false());
        set(d->schemas, "TextRow", row);
        json_t *rows = typed("array");
        set(rows, "items", ref("schemas", "TextRow"));
        set(d->schemas, "TextResult",
            json_pack("{s:s, s:{s:{s:s, s:s}, s:o}, s:[s,s], s:b}", "type", "object",
                      "properties", "metric", "type", "string", "const", "text", "rows", rows,
                      "required", "metric", "rows", "additionalProperties", 0));
    }
}

/* /v1/accounts/{id}/health: health-explain, its account the path's, not a query parameter */
static void drop_account_param(struct doc *d, const struct op_decl *o, const struct route *rt,
                               json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *ps = params_of(op);
    for (size_t i = 0; i < json_array_size(ps); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(ps, i), "name")),
                    "account")) {
            json_array_remove(ps, i);
            break;
        }
}

static void health_snapshot_answer(struct doc *d, const struct op_decl *o,
                                   const struct route *rt, json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("how many accounts were scored",
                  json_pack("{s:s, s:{s:{s:s}}, s:[s]}", "type", "object", "properties",
                            "scored", "type", "integer", "required", "scored")));
}

static void scorecards_apply_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                                  json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(op, "requestBody",
        body_of("the scorecard",
                json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s]}",
                          "type", "object", "properties", "name", "type", "string", "segment",
                          "type", "string", "plan", "type", "string", "bands", "type", "object",
                          "measures", "type", "array", "required", "name", "measures")));
    json_t *ans = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s,s]}", "type", "object",
                            "properties", "name", "type", "string", "version", "type",
                            "integer", "changed", "type", "boolean", "required", "name",
                            "version", "changed");
    set(responses_of(op), "201", answer_of("stored, in force", json_incref(ans)));
    set(responses_of(op), "200", answer_of("the same definition was in force already", ans));
}

static void scorecards_retire_answer(struct doc *d, const struct op_decl *o,
                                     const struct route *rt, json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("retired", json_pack("{s:s, s:{s:{s:s}}, s:[s]}", "type", "object",
                                       "properties", "retired", "type", "boolean", "required",
                                       "retired")));
}

/* ---- the dashboard and what it manages ---- */

/* {"type": "string", "description": …} */
static json_t *text_prop(const char *description)
{
    return described_string(description);
}

static json_t *object_of(json_t *props, const char *const *required)
{
    json_t *o = typed("object");
    set(o, "properties", props);
    if (required)
        set(o, "required", names(required));
    set(o, "additionalProperties", json_false());
    return o;
}

static json_t *roles_enum(void)
{
    json_t *e = json_array();
    for (int r = LF_ROLE_ADMIN; r <= LF_ROLE_VIEWER; r++)
        push(e, str(lf_role_name(r)));
    return e;
}

/* The schemas the dashboard's routes share, made once. */
static void dashboard_schemas(struct doc *d)
{
    if (json_object_get(d->schemas, "User"))
        return;
    json_t *p = json_object(), *role = typed("string");
    set(role, "enum", roles_enum());
    set(role, "description", str("admin: everything; lead: reads everything, sees every account "
                                 "by default; csm: reads everything, sees their own book by "
                                 "default; viewer: reads, changes nothing"));
    set(p, "name", text_prop("the user name, which accounts' owner field holds"));
    set(p, "email", nullable("string"));
    set(p, "display_name", nullable("string"));
    set(p, "role", role);
    set(p, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(d->schemas, "User", object_of(p, (const char *const[]){"name", "email", "display_name",
                                                                "role", "created", NULL}));
    json_t *list = json_object(), *arr = typed("array");
    set(arr, "items", ref("schemas", "User"));
    set(list, "data", arr);
    set(d->schemas, "UserList", object_of(list, (const char *const[]){"data", NULL}));
    for (int create = 0; create < 2; create++) {
        json_t *b = json_object(), *r = typed("string"), *pw = typed("string");
        set(r, "enum", roles_enum());
        set(pw, "minLength", json_integer(LF_PASSWORD_MIN));
        set(pw, "maxLength", json_integer(1024));
        set(pw, "description", str("only an Argon2id hash of it is stored; a new one signs the "
                                   "user out everywhere"));
        if (create) {
            json_t *n = typed("string");
            set(n, "pattern", str("^[A-Za-z0-9._@-]{1,64}$"));
            set(b, "name", n);
        }
        set(b, "role", r);
        set(b, "email", nullable("string"));
        set(b, "display_name", nullable("string"));
        set(b, "password", pw);
        set(d->schemas, create ? "UserCreate" : "UserPatch",
            object_of(b, create ? (const char *const[]){"name", "role", "password", NULL} : NULL));
    }
    json_t *w = json_object();
    set(w, "name", text_prop("the workspace"));
    set(w, "time_zone", text_prop("IANA zone days, weeks and months are cut in"));
    set(w, "locale", text_prop("BCP 47 locale figures are written in (default en-US)"));
    set(w, "currency", text_prop("ISO 4217 currency of figures over accounts (default USD)"));
    set(w, "milestone", nullable("string"));
    set(d->schemas, "Workspace",
        object_of(w, (const char *const[]){"name", "time_zone", "locale", "currency",
                                          "milestone", NULL}));
    json_t *wp = json_object();
    set(wp, "time_zone", typed("string"));
    set(wp, "locale", typed("string"));
    set(wp, "currency", json_pack("{s:s, s:s}", "type", "string", "pattern", "^[A-Z]{3}$"));
    set(wp, "milestone", nullable("string"));
    set(d->schemas, "WorkspacePatch", object_of(wp, NULL));
    json_t *sp = json_object();
    set(sp, "user", ref("schemas", "User"));
    set(sp, "csrf", text_prop("the session's CSRF token (also the lf_csrf cookie): every "
                              "request of the session sends it in X-CSRF-Token"));
    set(sp, "expires", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(sp, "workspace", ref("schemas", "Workspace"));
    set(d->schemas, "Session",
        object_of(sp, (const char *const[]){"user", "csrf", "expires", "workspace", NULL}));
    json_t *vp = json_object();
    set(vp, "id", typed("integer"));
    set(vp, "page", text_prop("the page it belongs to (portfolio…)"));
    set(vp, "name", typed("string"));
    set(vp, "query", text_prop("the page's query string, without '?'"));
    set(vp, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(d->schemas, "View",
        object_of(vp, (const char *const[]){"id", "page", "name", "query", "created", NULL}));
    json_t *vl = json_object(), *va = typed("array");
    set(va, "items", ref("schemas", "View"));
    set(vl, "data", va);
    set(d->schemas, "ViewList", object_of(vl, (const char *const[]){"data", NULL}));
    json_t *vc = json_object();
    set(vc, "page", json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength", 64));
    set(vc, "name", json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength",
                              200));
    set(vc, "query", json_pack("{s:s, s:i}", "type", "string", "maxLength", 4000));
    set(d->schemas, "ViewCreate", object_of(vc, (const char *const[]){"page", "name", "query",
                                                                      NULL}));
}

/* "/accounts/:id" → "page_accounts_id", "/" → "page_root" */
static void page_id(const char *pattern, char out[96])
{
    size_t n = (size_t)snprintf(out, 96, "page_");
    if (!strcmp(pattern, "/"))
        snprintf(out + n, 96 - n, "root");
    for (const char *p = pattern + 1; *p && n + 1 < 96; p++)
        if (*p != ':')
            out[n++] = *p == '/' ? '_' : *p;
    if (strcmp(pattern, "/"))
        out[n] = '\0';
}

static void op_web_page(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)o;
    char id[96];
    page_id(rt->pattern, id);
    tag(d, op, "dashboard", NULL);
    set(op, "operationId", str(id));
    set(op, "summary", strf("the dashboard's page %s (the page shell; its scripts render it "
                            "from this API)", rt->pattern));
    if (strchr(rt->pattern, ':'))
        push(params_of(op), param("path", "id", true, "an account's id", typed("string")));
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str("the page shell, with its Content-Security-Policy and ETag"));
    set(media, "schema", typed("string"));
    set(content, "text/html", media);
    set(resp, "content", content);
    set(responses_of(op), "200", resp);
    set(responses_of(op), "304", json_pack("{s:s}", "description",
                                           "not modified (If-None-Match named its ETag)"));
}

static void session_body(struct doc *d, const struct op_decl *o, const struct route *rt,
                         json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *b = json_object();
    set(b, "user", typed("string"));
    set(b, "password", typed("string"));
    set(b, "workspace", text_prop("another workspace of the store than the server's, by name"));
    set(op, "requestBody", body_of("the credentials",
                                   object_of(b, (const char *const[]){"user", "password", NULL})));
}

static void keys_create_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *scopes = json_array(), *b = json_object(), *sc = typed("string");
    for (int s = LF_SCOPE_WRITE; s <= LF_SCOPE_ADMIN; s++)
        push(scopes, str(lf_scope_name(s)));
    set(sc, "enum", scopes);
    set(b, "scope", sc);
    set(b, "name", nullable("string"));
    set(op, "requestBody", body_of("the key's scope and name",
                                   object_of(b, (const char *const[]){"scope", NULL})));
    json_t *k = json_object();
    set(k, "key", text_prop("the key itself: lf_ and 43 base64url characters"));
    set(k, "id", typed("integer"));
    set(k, "prefix", typed("string"));
    set(k, "scope", json_pack("{s:s, s:o}", "type", "string", "enum", json_incref(scopes)));
    set(k, "name", nullable("string"));
    set(k, "created", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(k, "revoked", json_pack("{s:s}", "type", "null"));
    set(responses_of(op), "201",
        answer_of("the new key", object_of(k, (const char *const[]){"key", "id", "prefix",
                                                                     "scope", "name", "created",
                                                                     "revoked", NULL})));
}

/* /v1/accounts/{id}/overview: the days of usage and the answer, made of the resources' and the
 * usage metrics' schemas */
static void account_overview_more(struct doc *d, const struct op_decl *o,
                                  const struct route *rt, json_t *op)
{
    (void)o, (void)rt;
    json_t *days = typed("integer");
    set(days, "minimum", json_integer(1));
    set(days, "maximum", json_integer(3650));
    set(days, "default", json_integer(90));
    push(params_of(op), param("query", "days", false, "days of usage up to now", days));
    char row[128];
    json_t *u = json_object();
    set(u, "from", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    set(u, "to", json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
    static const struct {
        const char *key, *metric;
        bool many;
    } usage[] = {{"dau", "dau", true}, {"features", "feature-usage", true},
                 {"seats", "seats", false}, {"recency", "recency", false}};
    for (size_t i = 0; i < sizeof(usage) / sizeof(*usage); i++) {
        char result[128];
        metric_result(d, lf_metric_find(usage[i].metric), result);
        camel(usage[i].metric, "Row", row);
        if (usage[i].many) {
            json_t *a = typed("array");
            set(a, "items", ref("schemas", row));
            set(u, usage[i].key, a);
        } else {
            set(u, usage[i].key, json_pack("{s:[o,{s:s}]}", "oneOf", ref("schemas", row), "type",
                                           "null"));
        }
    }
    json_t *p = json_object();
    set(p, "account", resource_schema(d, resource_find("accounts"), ROW));
    set(p, "tenure_days", nullable("integer"));
    set(p, "renewal_days", nullable("integer"));
    set(p, "usage", object_of(u, (const char *const[]){"from", "to", "dau", "features", "seats",
                                                        "recency", NULL}));
    static const struct {
        const char *key, *resource;
    } lists[] = {{"mrr", "mrr_changes"},   {"responses", "responses"},
                 {"tickets", "touchpoints"}, {"touchpoints", "touchpoints"},
                 {"contacts", "contacts"}, {"outcomes", "outcomes"},
                 {"tasks", "tasks"}};
    json_t *req = json_pack("[s,s,s,s]", "account", "tenure_days", "renewal_days", "usage");
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        set(p, lists[i].key, resource_schema(d, resource_find(lists[i].resource), LIST));
        push(req, str(lists[i].key));
    }
    json_t *ov = object_of(p, NULL);
    set(ov, "required", req);
    set(d->schemas, "AccountOverview", ov);
}

/* ---- surveys ---- */

static json_t *content_of(const char *description, const char *media_type, json_t *schema)
{
    json_t *resp = json_object(), *content = json_object(), *media = json_object();
    set(resp, "description", str(description));
    set(media, "schema", schema);
    set(content, media_type, media);
    set(resp, "content", content);
    return resp;
}

static void survey_form(struct doc *d, const struct op_decl *o, const struct route *rt,
                        json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *form = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s]}", "type", "object",
                             "properties", "score", "type", "integer", "comment", "type",
                             "string", "choice", "type", "string", "required", "score");
    json_t *body = content_of("the form's fields", "application/x-www-form-urlencoded", form);
    set(body, "required", json_true());
    set(op, "requestBody", body);
}

static void survey_send_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)d, (void)o, (void)rt;
    json_t *body = json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:[s,s,s]}, s:{s:s}}, s:[s]}", "type",
                             "object", "properties", "contact", "type", "string", "channel",
                             "type", "string", "enum", "link", "email", "in-app", "touchpoint",
                             "type", "string", "required", "contact");
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
                             "properties", "outcome", "type", "string", "enum", "done",
                             "dismissed", "note", "type", "string", "required", "outcome");
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

static void survey_settings_answer(struct doc *d, const struct op_decl *o,
                                   const struct route *rt, json_t *op)
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

/* ---- the churn model (api_churn.c) ---- */

/* components/schemas `name`: a table as `landfall … --json` writes it, {"metric", "rows"}, of the
 * churn model's table `id` (cs/churn.h declares its columns); returns a reference to it. */
static json_t *table_schema(struct doc *d, const char *name, enum churn_table_id id)
{
    const struct churn_table *ct = &churn_tables[id];
    if (!json_object_get(d->schemas, name)) {
        json_t *props = json_object(), *req = json_array();
        for (size_t i = 0; i < ct->nr; i++) {
            set(props, ct->cols[i].name, column_schema(ct->cols[i].type, ct->cols[i].help));
            push(req, str(ct->cols[i].name));
        }
        json_t *row = json_object();
        set(row, "type", str("object"));
        set(row, "properties", props);
        set(row, "required", req);
        json_t *t = json_pack("{s:s, s:{s:{s:s, s:s}, s:{s:s, s:o}}, s:[s,s]}", "type", "object",
                              "properties", "metric", "type", "string", "const", ct->name, "rows",
                              "type", "array", "items", row, "required", "metric", "rows");
        set(d->schemas, name, t);
    }
    return ref("schemas", name);
}

static void churn_params(json_t *op, bool model, bool scores)
{
    json_t *list = params_of(op);
    push(list, param("query", "now", false,
                     "the features as of this instant, ISO 8601 or unix seconds (default: now)",
                     typed("string")));
    if (model) {
        json_t *v = typed("integer");
        set(v, "minimum", json_integer(1));
        push(list, param("query", "model", false, "the stored version (default: the latest)", v));
    }
    if (scores) {
        json_t *k = typed("integer"), *n = typed("integer");
        set(k, "minimum", json_integer(1));
        set(k, "maximum", json_integer(50));
        set(k, "default", json_integer(3));
        set(n, "minimum", json_integer(1));
        push(list, param("query", "drivers", false, "drivers given per account", k));
        push(list, param("query", "limit", false, "the riskiest N accounts only (default: all)",
                         n));
    }
}

static void churn_models_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                                json_t *op)
{
    (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("the versions", table_schema(d, "ChurnModels", CHURN_MODELS)));
}

static void churn_train_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                             json_t *op)
{
    (void)o, (void)rt;
    json_t *list = params_of(op);
    json_t *h = typed("integer"), *n = typed("integer"), *seed = typed("integer"),
           *min = typed("integer");
    set(h, "minimum", json_integer(1));
    set(h, "maximum", json_integer(3650));
    set(h, "default", json_integer(90));
    set(n, "minimum", json_integer(2));
    set(n, "maximum", json_integer(240));
    set(n, "default", json_integer(24));
    set(seed, "minimum", json_integer(0));
    set(seed, "default", json_integer(0));
    set(min, "minimum", json_integer(1));
    set(min, "default", json_integer(10));
    push(list, param("query", "horizon", false, "the label: churned within this many days", h));
    push(list, param("query", "snapshots", false, "month starts to take rows at", n));
    push(list, param("query", "seed", false, "the trees' samples: same data and seed, same model",
                     seed));
    push(list, param("query", "min_churners", false,
                     "fewer churners (or stayers) in training is refused (422)", min));
    churn_params(op, false, false);
    json_t *body = json_object(), *props = json_object();
    set(body, "type", str("object"));
    set(props, "version", typed("integer"));
    set(props, "summary", table_schema(d, "ChurnFit", CHURN_FIT));
    set(props, "calibration", table_schema(d, "ChurnCalibration", CHURN_CALIBRATION));
    set(props, "riskiest_held_out", table_schema(d, "ChurnDrivers", CHURN_DRIVERS));
    set(body, "properties", props);
    set(body, "required", json_pack("[s,s,s,s]", "version", "summary", "calibration",
                                    "riskiest_held_out"));
    set(responses_of(op), "201", answer_of("the model was stored", body));
}

static void churn_scores_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                              json_t *op)
{
    (void)o, (void)rt;
    churn_params(op, true, true);
    set(responses_of(op), "200",
        answer_of("the scores", table_schema(d, "ChurnScores", CHURN_SCORES)));
}

static void churn_explain_more(struct doc *d, const struct op_decl *o, const struct route *rt,
                               json_t *op)
{
    (void)o, (void)rt;
    churn_params(op, true, false);
    json_t *body = json_object(), *props = json_object();
    set(body, "type", str("object"));
    set(props, "account", typed("string"));
    set(props, "risk", typed("number"));
    set(props, "model", typed("integer"));
    set(props, "features", table_schema(d, "ChurnExplain", CHURN_EXPLAIN));
    set(body, "properties", props);
    set(body, "required", json_pack("[s,s,s,s]", "account", "risk", "model", "features"));
    set(responses_of(op), "200", answer_of("the explanation", body));
}

/* ---- the table ---- */

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
#define NAME_PARAM(doc) {"path", "name", "string", doc, true}

/* What each handler answers. A route whose handler is missing here makes the document fail,
 * so that a new endpoint cannot go undocumented. */
static const struct op_decl described[] = {
    {api_healthz, "server", "healthz", "is the server up and its store readable",
     .more = healthz_answer, .errors = ERR(HE_UNAVAILABLE)},
    {api_metrics, "server", "prometheus_metrics",
     "the server's metrics in Prometheus' text exposition format",
     .answers = {{"200", "requests by route and status, latencies, ingestion, commits",
                  .type = "string", .media = "text/plain"}}},
    {api_openapi, "server", "openapi", "this document (also docs/openapi.json, `landfall openapi`)",
     .answers = {{"200", "the OpenAPI " OPENAPI_VERSION " document", .type = "object"}}},
    {api_segment, .more = op_segment},
    {api_posthog, .more = op_posthog},

    /* metrics */
    {api_metrics_list, "metrics", "metrics_list",
     "every metric's declaration: parameters, dimensions, columns",
     .answers = {{"200", "the metrics", .ref = "MetricList"}}},
    {api_metrics_get, "metrics", "metric_get", "any metric by name", BY_NAME_DOC,
     .group = "", .more = op_metric_get,
     .answers = {{"200", "the metric's rows", .ref = "MetricResult"}},
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

    /* keys and text */
    {api_keys_list, "keys", "keys_list",
     "the workspace's keys, live and revoked (never the keys themselves)",
     .more = keys_list_more, .errors = ERR(HE_BAD_REQUEST)},
    {api_keys_create, "keys", "keys_create", "create a key: shown this once, only its hash is kept",
     .more = keys_create_more, .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {api_keys_revoke, "keys", "keys_revoke", "revoke a key at once, also for a running server",
     .params = {{"path", "prefix", "string", "the key's prefix (its first 11 characters)", true}},
     .answers = {{"200", "revoked", .flag = "revoked"}}, .errors = ERR(HE_NOT_FOUND)},
    {api_text_analyze, "text", "text_analyze",
     "the sentiment, emotions, topics and language of each text", .more = text_analyze_more,
     .answers = {{"200", "a row per text", .ref = "TextResult"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_TOO_LARGE)},

    /* health */
    {api_health_list, .id = "health_list", .metric = "health"},
    {api_health_history, .id = "health_history", .metric = "health-history"},
    {api_health_account, .id = "account_health", .metric = "health-explain",
     .params = {{"path", "id", "string", "the account's external id", true}},
     .more = drop_account_param, .errors = ERR(HE_NOT_FOUND)},
    {api_health_snapshot, "metrics", "health_snapshot",
     "write a day of the health history (landfall health snapshot)",
     "Scores every customer as of the day's start and stores the scores as that day of the "
     "history, replacing what it held.",
     .params = {{"query", "date", "string",
                 "the day (default: today, in the workspace's zone)"}},
     .more = health_snapshot_answer, .errors = ERR(HE_BAD_REQUEST)},
    {api_scorecards_list, .id = "scorecards_list", .metric = "scorecards"},
    {api_expansion, .id = "expansion", .metric = "expansion"},
    {api_scorecards_apply, "metrics", "scorecards_apply",
     "store a scorecard as a new version (landfall health scorecard apply)",
     "The body is the scorecard (docs/metrics.md, \"Health\"): name, optional segment and plan, "
     "bands, measures with a weight and thresholds or a linear band. The same definition as the "
     "version in force changes nothing (200); a bad one is refused with the field named (400).",
     .more = scorecards_apply_more, .errors = ERR(HE_BAD_REQUEST)},
    {api_scorecards_retire, "metrics", "scorecards_retire", "take a scorecard out of force",
     .params = {NAME_PARAM("the scorecard's name")}, .more = scorecards_retire_answer,
     .errors = ERR(HE_NOT_FOUND)},

    /* the resources: made from their definitions */
    {api_resource_list, .more = op_resource_list},
    {api_resource_create, .more = write_op, .form = CREATE},
    {api_resource_get, .more = op_resource_get},
    {api_resource_replace, .more = write_op, .form = REPLACE},
    {api_resource_merge, .more = write_op, .form = PATCH},
    {api_resource_delete, .more = op_resource_delete},
    {api_account_overview, "accounts", "accounts_overview",
     "an account's 360° view in one answer (the dashboard's account page)",
     .params = {{"path", "id", "string", "the account's id", true},
                {"query", "now", "string", "the instant taken as now (default: the clock)"}},
     .more = account_overview_more,
     .answers = {{"200", "the account's view", .ref = "AccountOverview"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},

    /* the dashboard */
    {api_session_create, "dashboard", "session_create",
     "sign in: sets the session's cookies (lf_session, HttpOnly; lf_csrf)",
     "A browser's request must come from this server's page (Origin, Sec-Fetch-Site). A wrong "
     "user name or password is 401 and counts against the client address's budget; after 5 "
     "consecutive failures each further one locks the user for twice as long as the one before "
     "(1 s to 15 min), answered 429 with Retry-After.",
     .dashboard = true, .more = session_body,
     .answers = {{"201", "signed in", .ref = "Session"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_UNAUTHORIZED) | ERR(HE_FORBIDDEN) |
               ERR(HE_RATE_LIMITED)},
    {api_session_get, "dashboard", "session_get", "who is signed in, and the workspace's settings",
     .dashboard = true, .answers = {{"200", "the session", .ref = "Session"}}},
    {api_session_delete, "dashboard", "session_delete",
     "sign out: ends the session and clears its cookies",
     .answers = {{"200", "signed out", .flag = "signed_out"}}},
    {api_users_list, "dashboard", "users_list", "the workspace's users and their roles",
     .dashboard = true, .answers = {{"200", "the users, by name", .ref = "UserList"}}},
    {api_users_create, "dashboard", "users_create", "add a user", .dashboard = true,
     .body = {.doc = "the user", .ref = "UserCreate"},
     .answers = {{"201", "added", .ref = "User"}}, .errors = ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_users_update, "dashboard", "users_update", "change a user's role, email, name or password",
     .dashboard = true, .params = {NAME_PARAM("the user name")},
     .body = {.doc = "what changes", .ref = "UserPatch"},
     .answers = {{"200", "changed", .ref = "User"}},
     .errors = ERR(HE_NOT_FOUND) | ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_users_delete, "dashboard", "users_delete",
     "delete a user, its sessions and saved views (not the last admin)",
     .params = {NAME_PARAM("the user name")}, .answers = {{"200", "deleted", .ref = "Deleted"}},
     .errors = ERR(HE_NOT_FOUND) | ERR(HE_CONFLICT)},
    {api_views_list, "dashboard", "views_list", "the signed-in user's saved views",
     .dashboard = true,
     .params = {{"query", "page", "string", "only those of this page"}},
     .answers = {{"200", "the views, by page and name", .ref = "ViewList"}}},
    {api_views_create, "dashboard", "views_create", "save a page's filters under a name",
     .dashboard = true, .body = {.doc = "the view", .ref = "ViewCreate"},
     .answers = {{"201", "saved", .ref = "View"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_CONFLICT) | ERR(HE_INVALID)},
    {api_views_delete, "dashboard", "views_delete",
     "delete one of the signed-in user's saved views",
     .params = {{"path", "id", "integer", "the view's id", true}},
     .answers = {{"200", "deleted", .ref = "Deleted"}}, .errors = ERR(HE_NOT_FOUND)},
    {api_workspace_get, "dashboard", "workspace_get",
     "the workspace's time zone, locale, currency and value milestone", .dashboard = true,
     .answers = {{"200", "the settings", .ref = "Workspace"}}},
    {api_workspace_patch, "dashboard", "workspace_update",
     "change the workspace's settings (a null milestone unsets it)", .dashboard = true,
     .body = {.doc = "what changes", .ref = "WorkspacePatch"},
     .answers = {{"200", "the settings", .ref = "Workspace"}},
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {web_page, .more = op_web_page},
    {web_asset, "dashboard", "asset",
     "a file of the dashboard, embedded in the binary: cached for a year under its build's URL, "
     "gzip when accepted",
     .params = {{"path", "build", "string", "the build's hash, in the page shell", true},
                {"path", "file", "string", "the file (app.js, app.css…)", true}},
     .answers = {{"200", "the file, with its ETag", .type = "string", .media = "*/*"},
                 {"304", "not modified"}},
     .errors = ERR(HE_NOT_FOUND)},

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
     "the closed loop's follow-ups and their tasks' status",
     .answers = {{"200", "the table", .type = "object"}}},
    {api_survey_recovery, "surveys", "survey_recovery",
     "the closed loop's recovery report: follow-up rate, days to close, the NPS of those who "
     "answered again",
     .answers = {{"200", "the table", .type = "object"}}},

    {api_survey_followup_close, "surveys", "survey_followup_close",
     "closes a follow-up with its outcome, through its task (an admin key, or an admin's or a "
     "lead's session)",
     .params = {{"path", "id", "integer", "the follow-up's id", true}},
     .more = followup_close_more,
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

    /* the churn model */
    {api_churn_models_list, "churn", "churn_models_list",
     "the stored churn models, newest first, with their test figures",
     .more = churn_models_answer},
    {api_churn_train, "churn", "churn_train",
     "train the churn model on the workspace's accounts and store it as the next version "
     "(`landfall churn train`)",
     .more = churn_train_more, .errors = ERR(HE_BAD_REQUEST) | ERR(HE_INVALID)},
    {api_churn_scores, "churn", "churn_scores",
     "every paying account's churn risk and drivers, riskiest first", .more = churn_scores_more,
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
    {api_churn_explain, "churn", "churn_explain",
     "one account's churn risk and every feature's part in it",
     .params = {{"path", "id", "string", "the account's id", true}}, .more = churn_explain_more,
     .errors = ERR(HE_BAD_REQUEST) | ERR(HE_NOT_FOUND)},
};

/* The declaration of handler fn, or NULL. */
static const struct op_decl *decl_of(http_handler fn)
{
    for (size_t i = 0; i < sizeof(described) / sizeof(*described); i++)
        if (described[i].fn == fn)
            return &described[i];
    return NULL;
}

/* The routes that take any parameter (http_int.h says why): those without a key or a session,
 * and the metrics', whose own declarations check them. */
static bool open_route(const struct route *rt, const struct op_decl *o)
{
    return rt->auth == AUTH_NONE || rt->auth == AUTH_INGEST || o->metric || o->more == by_name ||
           o->more == op_metric_get;
}

/* A body's or an answer's content, by its declaration. */
static json_t *answer_decl(const struct op_answer *a)
{
    if (!a->ref && !a->type && !a->flag)
        return json_pack("{s:s}", "description", a->doc);
    json_t *schema = a->ref    ? ref("schemas", a->ref)
                     : a->flag ? json_pack("{s:s, s:{s:{s:s, s:b}}, s:[s]}", "type", "object",
                                           "properties", a->flag, "type", "boolean", "const", 1,
                                           "required", a->flag)
                               : typed(a->type);
    return content_of(a->doc, a->media ? a->media : "application/json", schema);
}

/* Writes operation op of route rt from its declaration o. */
static void describe(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    if (o->dashboard)
        dashboard_schemas(d);
    if (o->metric)
        metric_op(d, lf_metric_find(o->metric), o->id, op);
    if (o->tag) {
        tag(d, op, o->tag, NULL);
        set(op, "operationId", str(o->id));
        set(op, "summary", str(o->summary));
    }
    if (o->description)
        set(op, "description", str(o->description));
    for (const struct op_param *p = o->params; p < o->params + 4 && p->name; p++)
        push(params_of(op), param(p->in, p->name, p->required, p->doc, typed(p->type)));
    if (o->more)
        o->more(d, o, rt, op);
    if (o->body.doc) {
        json_t *body = answer_decl(&o->body);
        set(body, "required", json_true());
        set(op, "requestBody", body);
    }
    for (const struct op_answer *a = o->answers; a < o->answers + 4 && a->status; a++)
        set(responses_of(op), a->status, answer_decl(a));
    for (int he = 0; he < HE_NR; he++)
        if (o->errors & ERR(he))
            error_answer(d, op, he);
}

/* Who may call: the security requirements of a route's auth. */
static void security(struct doc *d, const struct route *rt, json_t *op)
{
    json_t *alts = json_array();
    if (rt->auth == AUTH_USER || rt->auth == AUTH_EDITOR) {
        json_t *req = json_object(), *roles = json_array();
        if (rt->auth == AUTH_EDITOR)
            for (int r = LF_ROLE_ADMIN; r < LF_ROLE_VIEWER; r++)
                push(roles, str(lf_role_name(r)));
        set(req, "sessionCookie", roles);
        set(req, "csrfHeader", json_array());
        push(alts, req);
        error_answer(d, op, HE_UNAUTHORIZED);
        error_answer(d, op, HE_FORBIDDEN);
        error_answer(d, op, HE_RATE_LIMITED);
    } else if (rt->auth != AUTH_NONE) {
        int scope = rt->auth == AUTH_INGEST ? LF_SCOPE_WRITE
                    : rt->auth == AUTH_READ ? LF_SCOPE_READ
                                            : LF_SCOPE_ADMIN; /* AUTH_ADMIN, AUTH_LEAD */
        const char *schemes[] = {"bearerKey", "basicKey"};
        for (size_t i = 0; i < 2; i++) {
            json_t *req = json_object(), *roles = json_array();
            push(roles, str(lf_scope_name(scope)));
            set(req, schemes[i], roles);
            push(alts, req);
        }
        /* ingestion: a request without an Authorization header carries its key in the body
         * (writeKey, api_key or token), which no OpenAPI security scheme can express */
        if (rt->auth == AUTH_INGEST)
            push(alts, json_object());
        /* the dashboard's session, with its CSRF token; an admin's for an admin key's work */
        if (rt->auth == AUTH_READ || rt->auth == AUTH_ADMIN || rt->auth == AUTH_LEAD) {
            json_t *req = json_object(), *roles = json_array();
            if (rt->auth == AUTH_ADMIN || rt->auth == AUTH_LEAD)
                push(roles, str(lf_role_name(LF_ROLE_ADMIN)));
            if (rt->auth == AUTH_LEAD)
                push(roles, str(lf_role_name(LF_ROLE_LEAD)));
            set(req, "sessionCookie", roles);
            set(req, "csrfHeader", json_array());
            push(alts, req);
        }
        error_answer(d, op, HE_UNAUTHORIZED);
        error_answer(d, op, HE_FORBIDDEN);
        error_answer(d, op, HE_RATE_LIMITED);
    }
    set(op, "security", alts);
}

static void security_schemes(json_t *components)
{
    json_t *schemes = json_object();
    set(schemes, "bearerKey",
        json_pack("{s:s, s:s, s:s, s:s}", "type", "http", "scheme", "bearer", "bearerFormat",
                  "lf_ and 43 base64url characters", "description",
                  "An API key as `Authorization: Bearer KEY`. A key has one scope: write "
                  "(ingestion), read (metrics and resources) or admin (everything); an "
                  "operation's security names the scope it needs, which an admin key also "
                  "has."));
    set(schemes, "basicKey",
        json_pack("{s:s, s:s, s:s}", "type", "http", "scheme", "basic", "description",
                  "An API key as the HTTP basic user name with an empty password, as "
                  "Segment's libraries send their write key. Ingestion also takes the key "
                  "in the body instead (Segment's writeKey, PostHog's api_key or token): "
                  "the empty alternative of those operations' security."));
    set(schemes, "sessionCookie",
        json_pack("{s:s, s:s, s:s, s:s}", "type", "apiKey", "in", "cookie", "name",
                  HTTP_SESSION_COOKIE, "description",
                  "A signed-in user's session (POST /v1/session sets it, HttpOnly, SameSite=Strict). "
                  "It is taken only with the session's CSRF token in the X-CSRF-Token header "
                  "(csrfHeader); the roles listed are those that may call."));
    set(schemes, "csrfHeader",
        json_pack("{s:s, s:s, s:s, s:s}", "type", "apiKey", "in", "header", "name",
                  HTTP_CSRF_HEADER, "description",
                  "The session's CSRF token: the lf_csrf cookie's value, which only a page of "
                  "this server can read."));
    set(components, "securitySchemes", schemes);
}

/* "/v1/accounts/:id" → "/v1/accounts/{id}" */
static void path_of(const char *pattern, char out[256])
{
    size_t n = 0;
    for (const char *p = pattern; *p && n + 3 < 256; p++) {
        if (*p == ':' && p[-1] == '/') {
            size_t len = strcspn(p + 1, "/");
            n += (size_t)snprintf(out + n, 256 - n, "{%.*s}", (int)len, p + 1);
            p += len;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* What every operation of route rt has: who may call it, and the answer to any other failure. */
static void finish(struct doc *d, const struct route *rt, json_t *op)
{
    if (!open_route(rt, decl_of(rt->fn))) /* a parameter it does not declare */
        error_answer(d, op, HE_BAD_REQUEST);
    security(d, rt, op);
    /* it waits for a compute thread: a full queue or a stopping server answers 503 (and the
     * caller's share of the queue 429, which security() declared) */
    if (rt->compute)
        error_answer(d, op, HE_UNAVAILABLE);
    if (!json_object_get(d->responses, http_error_code(HE_INTERNAL)))
        set(d->responses, http_error_code(HE_INTERNAL),
            answer_of("any other failure: 500 internal (a bug) or 503 unavailable (the store "
                      "failed; nothing was written, retry)",
                      ref("schemas", "Error")));
    set(responses_of(op), "default", ref("responses", http_error_code(HE_INTERNAL)));
}

/* The operation of route rt in d->paths, made empty when it is not there. */
static json_t *operation(struct doc *d, const struct route *rt)
{
    char path[256], method[16];
    path_of(rt->pattern, path);
    size_t i = 0;
    for (; rt->method[i] && i + 1 < sizeof(method); i++)
        method[i] = (char)(rt->method[i] - 'A' + 'a');
    method[i] = '\0';
    json_t *item = json_object_get(d->paths, path), *op;
    if (!item) {
        item = json_object();
        set(d->paths, path, item);
    }
    if (!(op = json_object_get(item, method))) {
        op = json_object();
        set(item, method, op);
    }
    return op;
}

static int describe_routes(struct doc *d)
{
    for (const struct route *rt = http_routes; rt->method; rt++) {
        const struct op_decl *o = decl_of(rt->fn);
        if (!o)
            return err_set(d->err, LF_EINTERNAL,
                           "route '%s %s' has no description in http/openapi.c", rt->method,
                           rt->pattern);
        json_t *op = operation(d, rt);
        describe(d, o, rt, op);
        if (d->err->code)
            return -1;
        if (rt->body && !json_object_get(op, "requestBody"))
            return err_set(d->err, LF_EINTERNAL,
                           "route '%s %s' takes a body that openapi.c does not describe",
                           rt->method, rt->pattern);
        finish(d, rt, op);
    }
    return 0;
}

/* The last path segments of the Segment routes but batch: the calls a batch item may be. */
static void segment_calls(const char *out[16])
{
    size_t n = 0;
    for (const struct route *rt = http_routes; rt->method && n + 1 < 16; rt++)
        if (rt->fn == api_segment && strcmp(rt->pattern, "/v1/batch") != 0 &&
            !strcmp(http_segment_call(rt->pattern), rt->pattern + strlen("/v1/")))
            out[n++] = rt->pattern + strlen("/v1/");
    out[n] = NULL;
}

/* The document into *d: 0, or -1 with err. d->root is the caller's either way: json_decref. */
static int doc_build(struct doc *d, struct lf_err *err)
{
    *d = (struct doc){.root = json_object(),
                      .paths = json_object(),
                      .schemas = json_object(),
                      .responses = json_object(),
                      .tags = json_array(),
                      .err = err};
    const char *calls[16];
    err_clear(err);

    set(d->root, "openapi", str(OPENAPI_VERSION));
    set(d->root, "info",
        json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "title", "landfall", "version", LANDFALL_VERSION,
                  "description",
                  "The HTTP API of `landfall serve`: Segment- and PostHog-compatible ingestion, "
                  "the metrics of the registry, the REST resources, API keys, health. Generated "
                  "from landfall's declarations (the route table, the metric registry, the "
                  "resource definitions): GET /openapi.json serves it and docs/openapi.json is "
                  "its copy. A trailing slash of a path is ignored. An operation that takes a "
                  "key or a session takes the query parameters declared here and no other: one "
                  "it does not declare, or one given twice, is a 400 naming it. Errors are "
                  "{\"error\": {\"code\", \"message\", \"field\"}}.",
                  "license", "name", "MIT", "identifier", "MIT"));
    set(d->root, "servers",
        json_pack("[{s:s, s:s, s:{s:{s:s, s:s}}}]", "url", "http://{listen}", "description",
                  "landfall serve --listen HOST:PORT", "variables", "listen", "default",
                  "127.0.0.1:8080", "description", "the address the server listens on"));
    set(d->root, "tags", d->tags);
    set(d->root, "paths", d->paths);
    json_t *components = json_object();
    set(components, "schemas", d->schemas);
    set(components, "responses", d->responses);
    security_schemes(components);
    set(d->root, "components", components);

    error_schemas(d);
    segment_calls(calls);
    ingest_schemas(d, calls);
    metric_schemas(d);
    set(d->schemas, "Deleted",
        json_pack("{s:s, s:{s:{s:s, s:b}}, s:[s]}", "type", "object", "properties", "deleted",
                  "type", "boolean", "const", 1, "required", "deleted"));
    return describe_routes(d);
}

int http_openapi(char **out, struct lf_err *err)
{
    struct doc d;
    *out = NULL;
    if (doc_build(&d, err) == 0) {
        /* jansson's buffer is malloc'ed (its default allocator): free() releases it */
        *out = json_dumps(d.root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!*out)
            abort(); /* only out of memory makes jansson fail here */
    }
    json_decref(d.root);
    return *out ? 0 : -1;
}

/* ---- the query parameters each route takes (http_int.h) ---- */

/* The description of one route's parameters. */
struct route_query {
    bool open;     /* takes any: checks its own, or ignores what it does not read */
    char **names;  /* those it declares */
    size_t nr;
    char takes[320]; /* "takes limit, cursor", for the refusal */
};

struct http_queries {
    struct route_query *routes; /* in http_routes' order */
    size_t nr;
};

#define QUERY_MAX 128 /* parameters a route may declare (a resource's fields and its paging) */

static int route_query(struct doc *d, const struct route *rt, struct route_query *rq)
{
    rq->open = open_route(rt, decl_of(rt->fn));
    if (rq->open)
        return 0;
    size_t i, len = 0;
    json_t *p, *ps = json_object_get(operation(d, rt), "parameters");
    rq->names = xcalloc(json_array_size(ps) + 1, sizeof(*rq->names));
    json_array_foreach(ps, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "in")), "query") != 0)
            continue;
        const char *name = json_string_value(json_object_get(p, "name"));
        if (rq->nr == QUERY_MAX)
            return err_set(d->err, LF_EINTERNAL, "route '%s %s' declares over %d parameters",
                           rt->method, rt->pattern, QUERY_MAX);
        rq->names[rq->nr++] = xstrdup(name);
        len += strlen(name) + 2;
    }
    if (!rq->nr)
        snprintf(rq->takes, sizeof(rq->takes), "takes no query parameter");
    else if (len + 8 > sizeof(rq->takes))
        snprintf(rq->takes, sizeof(rq->takes), "takes those GET /openapi.json lists");
    else
        for (size_t k = 0, n = 0; k < rq->nr; k++)
            n += (size_t)snprintf(rq->takes + n, sizeof(rq->takes) - n, "%s%s",
                                  k ? ", " : "takes ", rq->names[k]);
    return 0;
}

int http_queries_new(struct http_queries **out, struct lf_err *err)
{
    struct doc d;
    struct http_queries *q = xcalloc(1, sizeof(*q));
    int rc = doc_build(&d, err);
    q->nr = router_count();
    q->routes = xcalloc(q->nr, sizeof(*q->routes));
    for (size_t i = 0; i < q->nr && rc == 0; i++)
        rc = route_query(&d, &http_routes[i], &q->routes[i]);
    json_decref(d.root);
    if (rc < 0) {
        http_queries_free(q);
        q = NULL;
    }
    *out = q;
    return rc;
}

void http_queries_free(struct http_queries *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nr; i++) {
        for (size_t k = 0; k < q->routes[i].nr; k++)
            free(q->routes[i].names[k]);
        free(q->routes[i].names);
    }
    free(q->routes);
    free(q);
}

struct given {
    const struct route_query *rq;
    bool seen[QUERY_MAX];
    const char *bad; /* the first parameter refused */
    bool twice;
};

static int given_param(void *ctx, const char *name, const char *value)
{
    (void)value;
    struct given *g = ctx;
    for (size_t i = 0; i < g->rq->nr; i++)
        if (strcmp(g->rq->names[i], name) == 0) {
            g->twice = g->seen[i];
            g->seen[i] = true;
            g->bad = g->twice ? name : NULL;
            return g->twice;
        }
    g->bad = name;
    return 1;
}

int http_queries_check(const struct http_queries *q, struct http_req *r)
{
    struct given g = {.rq = &q->routes[r->route - http_routes]};
    if (g.rq->open)
        return 0;
    http_query_each(r, given_param, &g);
    if (!g.bad)
        return 0;
    if (g.twice)
        http_fail(r, HE_BAD_REQUEST, g.bad, "'%.64s' is given twice", g.bad);
    else
        http_fail(r, HE_BAD_REQUEST, g.bad, "'%.64s' is not a parameter of %s %s, which %s",
                  g.bad, r->route->method, r->route->pattern, g.rq->takes);
    return -1;
}

void api_openapi(struct http_req *r)
{
    struct lf_err err = {0};
    char *doc = NULL;
    if (http_openapi(&doc, &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    http_json(r, 200, doc);
    free(doc);
}
