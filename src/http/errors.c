/* errors.c - the one translation table of the HTTP edge: failures → status and error code. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "http_int.h"

static const struct {
    int status;
    const char *code;
    const char *doc; /* when it is answered, for the OpenAPI document */
} errors[HE_NR] = {
    [HE_BAD_REQUEST] = {400, "bad_request",
                        "a malformed request: the body is not JSON or not UTF-8, the envelope "
                        "has the wrong shape, or a query parameter is bad"},
    [HE_UNAUTHORIZED] = {401, "unauthorized", "no key, or a malformed, unknown or revoked one"},
    [HE_FORBIDDEN] = {403, "forbidden", "a key without the scope this needs"},
    [HE_NOT_FOUND] = {404, "not_found", "no such endpoint, metric or row"},
    [HE_METHOD] = {405, "method_not_allowed",
                   "the path exists with another method (see the Allow header)"},
    [HE_CONFLICT] = {409, "conflict", "the write conflicts with what is stored"},
    [HE_TOO_LARGE] = {413, "payload_too_large",
                      "the body (after decompression) is over the server's --max-body"},
    [HE_MEDIA_TYPE] = {415, "unsupported_media_type",
                       "a body that is not application/json (or text/plain), or an unknown "
                       "Content-Encoding"},
    [HE_INVALID] = {422, "invalid", "well-formed, but a value is invalid (`field` names it)"},
    [HE_RATE_LIMITED] = {429, "rate_limited",
                         "the key is over its rate limit, or a model training or backtest is "
                         "already running; retry after the Retry-After header's seconds"},
    [HE_INTERNAL] = {500, "internal", "a bug"},
    [HE_UNAVAILABLE] = {503, "unavailable",
                        "the store failed or the server is stopping; nothing was written, retry"},
};

/* What each failure of the library means to a client. */
static const int from_lf[] = {
    [LF_OK] = HE_INTERNAL,      [LF_EINVAL] = HE_INVALID,      [LF_EUSAGE] = HE_BAD_REQUEST,
    [LF_ENOENT] = HE_NOT_FOUND, [LF_EIO] = HE_INTERNAL,        [LF_ESTORE] = HE_UNAVAILABLE,
    [LF_ESCHEMA] = HE_INTERNAL, [LF_ECONFLICT] = HE_CONFLICT,  [LF_EAUTH] = HE_UNAUTHORIZED,
    [LF_EPERM] = HE_FORBIDDEN,  [LF_ELIMIT] = HE_RATE_LIMITED, [LF_EINTERNAL] = HE_INTERNAL,
};

int http_error_status(int he)
{
    return errors[he].status;
}

const char *http_error_code(int he)
{
    return errors[he].code;
}

const char *http_error_doc(int he)
{
    return errors[he].doc;
}

int http_error_of(int lf_code)
{
    if (lf_code < 0 || (size_t)lf_code >= sizeof(from_lf) / sizeof(*from_lf))
        return HE_INTERNAL;
    return from_lf[lf_code];
}

void http_json(struct http_req *r, int status, const char *json)
{
    r->status = status;
    buf_reset(&r->resp);
    buf_adds(&r->resp, json);
}

void http_add_header(struct http_req *r, const char *name, const char *value)
{
    /* a value holding a line break would make a header of its own */
    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return;
    buf_addf(&r->headers, "%s: %s\n", name, value);
}

void http_add_json_text(struct buf *b, const char *s, size_t n)
{
    size_t bad;
    if (utf8_valid(s, n, &bad)) {
        buf_add_json_str(b, s, n);
        return;
    }
    struct buf clean = BUF_INIT;
    for (;;) {
        buf_add(&clean, s, bad);
        buf_adds(&clean, "\xEF\xBF\xBD"); /* U+FFFD, the replacement character */
        s += bad + 1;
        n -= bad + 1;
        if (utf8_valid(s, n, &bad))
            break;
    }
    buf_add(&clean, s, n);
    buf_add_json_str(b, clean.ptr, clean.len);
    buf_release(&clean);
}

void http_fail(struct http_req *r, int he, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->status = errors[he].status;
    buf_reset(&r->resp);
    buf_addf(&r->resp, "{\"error\": {\"code\": \"%s\", \"message\": ", errors[he].code);
    /* messages quote what clients sent (a path, a header, cut to a length): never echo bytes
     * that would make the answer invalid JSON */
    http_add_json_text(&r->resp, msg, strlen(msg));
    if (field) {
        buf_adds(&r->resp, ", \"field\": ");
        http_add_json_text(&r->resp, field, strlen(field));
    }
    buf_adds(&r->resp, "}}");
}

void http_fail_err(struct http_req *r, const struct lf_err *err, const char *field)
{
    /* the library's limits (a long computation already running) pass in seconds, not minutes */
    if (err->code == LF_ELIMIT && !r->retry_after)
        r->retry_after = 5;
    /* the store away (PostgreSQL restarting): each request tries to connect again, so a client
     * may come back at once; Segment's and PostHog's libraries wait what Retry-After says */
    if (err->code == LF_ESTORE && !r->retry_after)
        r->retry_after = 1;
    http_fail(r, http_error_of(err->code), field, "%s", err->msg);
}
