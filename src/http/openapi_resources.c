/* openapi_resources.c - the OpenAPI document's resources: each resource's schemas and its
 * list, get, create, replace, update and delete operations, made from its definition
 * (model/resource.c). */
#include "openapi_int.h"

#include <string.h>

#include "base/buf.h"
#include "model/resource.h"

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
json_t *openapi_resource_schema(struct doc *d, const struct resource_def *def, int form)
{
    char name[128];
    openapi_camel(def->singular, form_suffix[form], name);
    if (json_object_get(d->schemas, name))
        return ref("schemas", name);
    json_t *s = typed("object"), *props = json_object(), *req = json_array();
    if (form == LIST) {
        json_t *data = typed("array");
        set(data, "items", openapi_resource_schema(d, def, ROW));
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
    openapi_tag(d, op, def->name, def->doc);
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
    set(responses_of(op), "200",
        answer_of("a page of rows", openapi_resource_schema(d, def, LIST)));
    openapi_error_answer(d, op, HE_BAD_REQUEST);
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
    set(responses_of(op), "200", answer_of("the row", openapi_resource_schema(d, def, ROW)));
    openapi_error_answer(d, op, HE_NOT_FOUND);
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
    set(op, "requestBody", body_of(summary, openapi_resource_schema(d, def, form)));
    json_t *resp = responses_of(op);
    if (form != PATCH)
        set(resp, "201",
            answer_of("created: the row as stored", openapi_resource_schema(d, def, ROW)));
    if (form != CREATE || def->append_only)
        set(resp, "200",
            answer_of(def->append_only ? "stored already (an event is never "
                                         "changed): the row as stored"
                                       : "the row as stored",
                      openapi_resource_schema(d, def, ROW)));
    if (form == PATCH)
        openapi_error_answer(d, op, HE_NOT_FOUND);
    openapi_error_answer(d, op, HE_CONFLICT);
    openapi_error_answer(d, op, HE_INVALID);
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
    openapi_error_answer(d, op, HE_NOT_FOUND);
    openapi_error_answer(d, op, HE_CONFLICT);
}

/* the resources: made from their definitions */
const struct op_decl openapi_resources_described[] = {
    {api_resource_list, .more = op_resource_list},
    {api_resource_create, .more = write_op, .form = CREATE},
    {api_resource_get, .more = op_resource_get},
    {api_resource_replace, .more = write_op, .form = REPLACE},
    {api_resource_merge, .more = write_op, .form = PATCH},
    {api_resource_delete, .more = op_resource_delete},
    {NULL},
};
