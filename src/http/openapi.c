/* openapi.c - the OpenAPI 3.1 document of the HTTP API, generated from the declarations: the
 * route table (paths, methods, who may call, bodies), the metric registry (each metric's query
 * parameters and result columns) and the resource definitions (fields, types, checks), so that
 * it cannot drift from what the server does. GET /openapi.json and `landfall openapi` serve it.
 * This file is its frame (groups, errors, security, each route's operation from its declaration,
 * the server's own routes); each area's operations are in its openapi_<area>.c. */
#include "openapi_int.h"

#include <string.h>

#include "model/resource.h"

#define OPENAPI_VERSION "3.1.0"

/* ---- what every area's operations use ---- */

/* "mrr change", "churn-reasons" → "MrrChange", "ChurnReasons": the names client generators
 * make classes of. */
void openapi_camel(const char *s, const char *suffix, char out[128])
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
void openapi_tag(struct doc *d, json_t *op, const char *name, const char *description)
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

/* The error answer of http_error `he`, by reference to components/responses. */
void openapi_error_answer(struct doc *d, json_t *op, int he)
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
json_t *openapi_error_codes(void)
{
    json_t *codes = json_array();
    for (int he = 0; he < HE_NR; he++)
        push(codes, str(http_error_code(he)));
    return codes;
}

static void error_schemas(struct doc *d)
{
    json_t *codes = openapi_error_codes();
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

/* ---- the server's own routes ---- */

static void healthz_answer(struct doc *d, const struct op_decl *o, const struct route *rt,
                           json_t *op)
{
    (void)d, (void)o, (void)rt;
    set(responses_of(op), "200",
        answer_of("up", json_pack("{s:s, s:{s:{s:s, s:s}, s:{s:s}}, s:[s,s]}", "type", "object",
                                  "properties", "status", "type", "string", "const", "ok",
                                  "version", "type", "string", "required", "status", "version")));
}

/* What each handler answers; the other areas' handlers are declared in their files. */
static const struct op_decl server_described[] = {
    {api_healthz, "server", "healthz", "is the server up and its store readable",
     .more = healthz_answer, .errors = ERR(HE_UNAVAILABLE)},
    {api_metrics, "server", "prometheus_metrics",
     "the server's metrics in Prometheus' text exposition format",
     .answers = {{"200", "requests by route and status, latencies, ingestion, commits",
                  .type = "string", .media = "text/plain"}}},
    {api_openapi, "server", "openapi", "this document (also docs/openapi.json, `landfall openapi`)",
     .answers = {{"200", "the OpenAPI " OPENAPI_VERSION " document", .type = "object"}}},
    {NULL},
};

/* Every area's declarations; a handler is declared in one of them. */
static const struct op_decl *const described[] = {
    server_described,
    openapi_ingest_described,
    openapi_metrics_described,
    openapi_dashboard_described,
    openapi_surveys_described,
    openapi_health_described,
    openapi_resources_described,
};

/* The declaration of handler fn, or NULL. */
const struct op_decl *openapi_decl_of(http_handler fn)
{
    for (size_t i = 0; i < sizeof(described) / sizeof(*described); i++)
        for (const struct op_decl *o = described[i]; o->fn; o++)
            if (o->fn == fn)
                return o;
    return NULL;
}

/* The routes that take any parameter (http_int.h says why): those without a key or a session,
 * and the metrics', whose own declarations check them. */
bool openapi_open_route(const struct route *rt, const struct op_decl *o)
{
    return rt->auth == AUTH_NONE || rt->auth == AUTH_INGEST || o->metric || openapi_metric_named(o);
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
        openapi_dashboard_schemas(d);
    if (o->metric)
        openapi_metric_op(d, lf_metric_find(o->metric), o->id, op);
    if (o->tag) {
        openapi_tag(d, op, o->tag, NULL);
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
            openapi_error_answer(d, op, he);
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
        openapi_error_answer(d, op, HE_UNAUTHORIZED);
        openapi_error_answer(d, op, HE_FORBIDDEN);
        openapi_error_answer(d, op, HE_RATE_LIMITED);
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
        openapi_error_answer(d, op, HE_UNAUTHORIZED);
        openapi_error_answer(d, op, HE_FORBIDDEN);
        openapi_error_answer(d, op, HE_RATE_LIMITED);
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
void openapi_finish(struct doc *d, const struct route *rt, json_t *op)
{
    if (!openapi_open_route(rt, openapi_decl_of(rt->fn))) /* a parameter it does not declare */
        openapi_error_answer(d, op, HE_BAD_REQUEST);
    security(d, rt, op);
    /* it waits for a compute thread: a full queue or a stopping server answers 503 (and the
     * caller's share of the queue 429, which security() declared) */
    if (rt->compute)
        openapi_error_answer(d, op, HE_UNAVAILABLE);
    if (!json_object_get(d->responses, http_error_code(HE_INTERNAL)))
        set(d->responses, http_error_code(HE_INTERNAL),
            answer_of("any other failure: 500 internal (a bug) or 503 unavailable (the store "
                      "failed; nothing was written, retry)",
                      ref("schemas", "Error")));
    set(responses_of(op), "default", ref("responses", http_error_code(HE_INTERNAL)));
}

/* The operation of route rt in d->paths, made empty when it is not there. */
json_t *openapi_operation(struct doc *d, const struct route *rt)
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
        const struct op_decl *o = openapi_decl_of(rt->fn);
        if (!o)
            return err_set(d->err, LF_EINTERNAL,
                           "route '%s %s' has no description in http/openapi*.c", rt->method,
                           rt->pattern);
        json_t *op = openapi_operation(d, rt);
        describe(d, o, rt, op);
        if (d->err->code)
            return -1;
        if (rt->body && !json_object_get(op, "requestBody"))
            return err_set(d->err, LF_EINTERNAL,
                           "route '%s %s' takes a body that openapi*.c does not describe",
                           rt->method, rt->pattern);
        openapi_finish(d, rt, op);
    }
    return 0;
}

/* The document into *d: 0, or -1 with err. d->root is the caller's either way: json_decref. */
int openapi_doc_build(struct doc *d, struct lf_err *err)
{
    *d = (struct doc){.root = json_object(),
                      .paths = json_object(),
                      .schemas = json_object(),
                      .responses = json_object(),
                      .tags = json_array(),
                      .err = err};
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
    openapi_ingest_schemas(d);
    openapi_metric_schemas(d);
    set(d->schemas, "Deleted",
        json_pack("{s:s, s:{s:{s:s, s:b}}, s:[s]}", "type", "object", "properties", "deleted",
                  "type", "boolean", "const", 1, "required", "deleted"));
    return describe_routes(d);
}

int http_openapi(char **out, struct lf_err *err)
{
    struct doc d;
    *out = NULL;
    if (openapi_doc_build(&d, err) == 0) {
        /* jansson's buffer is malloc'ed (its default allocator): free() releases it */
        *out = json_dumps(d.root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!*out)
            abort(); /* only out of memory makes jansson fail here */
    }
    json_decref(d.root);
    return *out ? 0 : -1;
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
