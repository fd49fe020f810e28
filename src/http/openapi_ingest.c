/* openapi_ingest.c - the OpenAPI document's ingestion: Segment's and PostHog's tracking APIs,
 * their calls' schemas and the answers of an ingestion request. */
#include "openapi_int.h"

#include <string.h>

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

void openapi_ingest_schemas(struct doc *d)
{
    const char *calls[16];
    segment_calls(calls);

    /* one rejected item of a body */
    json_t *rej = typed("object"), *p = json_object(), *req = json_array();
    set(rej, "description", str("an item of the body that was not stored, and why"));
    json_t *index = typed("integer");
    set(index, "minimum", json_integer(0));
    set(index, "description", str("its index in the body's batch (0 for a single call)"));
    set(p, "index", index);
    set(p, "code", json_pack("{s:s, s:o}", "type", "string", "enum", openapi_error_codes()));
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
    set(type, "enum", names(calls));
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
    openapi_error_answer(d, op, HE_BAD_REQUEST);
    openapi_error_answer(d, op, HE_TOO_LARGE);
    openapi_error_answer(d, op, HE_MEDIA_TYPE);
    openapi_error_answer(d, op, HE_UNAVAILABLE);
}

static void op_segment(struct doc *d, const struct op_decl *o, const struct route *rt, json_t *op)
{
    (void)o;
    const char *call = http_segment_call(rt->pattern);
    bool brief = strcmp(call, rt->pattern + strlen("/v1/")) != 0; /* analytics.js's /v1/t… */
    char id[64];
    openapi_tag(d, op, "ingestion", NULL);
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
    openapi_tag(d, op, "ingestion", NULL);
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
    set(props, "api_key",
        described_string("the project's key, when no Authorization header is sent"));
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

const struct op_decl openapi_ingest_described[] = {
    {api_segment, .more = op_segment},
    {api_posthog, .more = op_posthog},
    {NULL},
};
