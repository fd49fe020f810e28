/* api_ingest_segment.c - Segment's tracking API (/v1/track, identify, group, page, screen,
 * alias, batch) and the ingestion path both APIs share: key, parse, queue to the writer, answer
 * once durable. */
#include <stdio.h>
#include <string.h>

#include "http_int.h"

const char *http_segment_call(const char *pattern)
{
    /* analytics.js (@segment/analytics-next), Segment's browser library, posts each call to the
     * first letter of its type and its batches to /v1/b */
    static const char *const calls[] = {"track",  "identify", "group", "page",
                                        "screen", "alias",    "batch"};
    const char *call = pattern + strlen("/v1/");
    if (call[0] && !call[1])
        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
            if (calls[i][0] == call[0])
                return calls[i];
    return call;
}

void api_segment(struct http_req *r)
{
    api_ingest(r, LF_INGEST_SEGMENT, http_segment_call(r->route->pattern), NULL);
}

static void add_rejects(struct buf *out, const struct lf_ingest_req *ir)
{
    size_t n = lf_ingest_req_rejects(ir);
    buf_adds(out, "[");
    for (size_t i = 0; i < n; i++) {
        size_t index;
        const char *field;
        struct lf_err why;
        lf_ingest_req_reject(ir, i, &index, &field, &why);
        buf_addf(out, "%s{\"index\": %zu, \"code\": \"%s\", \"message\": ", i ? ", " : "", index,
                 http_error_code(http_error_of(why.code)));
        buf_add_json_str(out, why.msg, strlen(why.msg));
        if (field) {
            buf_adds(out, ", \"field\": ");
            buf_add_json_str(out, field, strlen(field));
        }
        buf_adds(out, "}");
    }
    buf_adds(out, "]");
}

static void release_ingest(void *ir)
{
    lf_ingest_req_free(ir);
}

/* Runs once the request's items are durable (on the writer's thread) or at once when it had
 * none: builds the answer and wakes the request. */
static void answered(void *ctx)
{
    struct http_req *r = ctx;
    struct lf_ingest_req *ir = r->pending;
    struct lf_ingest_result res;
    struct lf_err err = {0};
    if (lf_ingest_req_result(ir, &res, &err) < 0) {
        http_fail_err(r, &err, NULL);
    } else if (res.accepted == 0 && res.rejected > 0) {
        size_t index;
        const char *field;
        struct lf_err why;
        char msg[sizeof(why.msg) + 64];
        lf_ingest_req_reject(ir, 0, &index, &field, &why);
        snprintf(msg, sizeof(msg), "no valid item: item %zu: %s", index, why.msg);
        /* the error document of errors.c, and the list of every invalid item beside it */
        r->status = http_error_status(HE_INVALID);
        buf_addf(&r->resp,
                 "{\"error\": {\"code\": \"%s\", \"message\": ", http_error_code(HE_INVALID));
        buf_add_json_str(&r->resp, msg, strlen(msg));
        if (field) {
            buf_adds(&r->resp, ", \"field\": ");
            buf_add_json_str(&r->resp, field, strlen(field));
        }
        buf_adds(&r->resp, "}, \"rejected\": ");
        add_rejects(&r->resp, ir);
        buf_adds(&r->resp, "}");
    } else {
        r->status = 200;
        buf_addf(&r->resp,
                 "{\"success\": true, \"received\": %zu, \"accepted\": %zu, \"inserted\": %zu, "
                 "\"duplicates\": %zu, \"rejected\": ",
                 res.received, res.accepted, res.inserted, res.duplicates);
        add_rejects(&r->resp, ir);
        buf_adds(&r->resp, "}");
        metrics_ingested(http_metrics(r), res.inserted, res.duplicates, res.rejected);
    }
    r->items = res.received;
    r->rejected = res.rejected;
    r->inserted = res.inserted;
    r->pending = NULL;
    r->release = release_ingest;
    r->release_state = ir; /* its parsed body is large: freed by the connection's thread */
    http_resume(r);
}

void api_ingest(struct http_req *r, int format, const char *call, const char *form_key)
{
    struct lf_ingest_req *ir = NULL;
    struct lf_err err = {0};
    /* browsers' libraries (analytics.js, posthog-js) post from the customer's site: without this
     * their script cannot read the answer, takes it for a failure and sends the batch again */
    r->cors = true;
    /* The key comes first, so that only key holders learn what the server makes of a body, and
     * so that a body without a valid key costs a scan, not a parse. A key in the header was
     * checked before the body was read (server.c). */
    if (!r->authed) {
        if (form_key ? auth_require(r, form_key, LF_SCOPE_WRITE) < 0
                     : auth_scan_body(r, r->body ? r->body : "", r->body_len) < 0)
            return;
    }
    if (lf_ingest_parse(format, call, r->body ? r->body : "", r->body_len, r->received_ms, &ir,
                        &err) < 0) {
        http_fail(r, HE_BAD_REQUEST, err.field[0] ? err.field : NULL, "%s", err.msg);
        return;
    }
    /* the key the body declares (writeKey, api_key, token…) is the one that counts */
    if (!r->authed && auth_require(r, lf_ingest_req_key(ir), LF_SCOPE_WRITE) < 0) {
        lf_ingest_req_free(ir);
        return;
    }
    r->pending = ir;
    http_defer(r);
    lf_ingest_submit(http_ingest(r), http_lf(r), ir, answered, r);
}
