/* api_ingest_posthog.c - PostHog's capture endpoints (/e/, /i/v0/e/, /capture/, /batch/,
 * /engage/) and the ways PostHog's libraries encode their bodies: JSON, gzip (with or without
 * ?compression=gzip-js), base64, and forms whose `data` field holds either. */
#include <string.h>
#include <strings.h>

#include "http_int.h"

static bool gzip_magic(const char *s, size_t len)
{
    return len >= 2 && (unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b;
}

/* Inflates in into out within the server's bounds; false with the answer set. */
static bool inflate_to(struct http_req *r, const char *in, size_t len, struct buf *out)
{
    size_t max = http_max_body(r);
    int rc = http_inflate(in, len, max, out);
    if (rc == -2)
        http_fail(r, HE_TOO_LARGE, NULL, "the body inflates past the limit of %zu bytes", max);
    else if (rc == -3)
        http_fail(r, HE_TOO_LARGE, NULL,
                  "the body inflates more than %d times its size: refused as a compression bomb",
                  HTTP_INFLATE_RATIO);
    else if (rc < 0)
        http_fail(r, HE_BAD_REQUEST, NULL, "the body is not valid gzip data");
    return rc == 0;
}

/* Undoes PostHog's transports, as PostHog's own capture does: a form's `data` field, then the
 * compression (the query's or the form's `compression`; gzip recognised by its magic bytes too,
 * as posthog-js sends it bare), then base64 when what is left is not JSON. r->body becomes the
 * JSON; *form_key the form's api_key or token. False with the answer set. */
static bool decode(struct http_req *r, struct buf *form_key)
{
    static const char *const form[] = {"application/x-www-form-urlencoded", NULL};
    struct buf data = BUF_INIT, field = BUF_INIT, out = BUF_INIT;
    const char *in = r->body ? r->body : "", *how = http_query(r, "compression");
    size_t len = r->body_len;
    bool ok = false;
    if (http_media_type_is(http_header(r, "Content-Type"), form)) {
        if (!http_form_value(in, len, "data", &data)) {
            http_fail(r, HE_BAD_REQUEST, "data", "a form body needs its events in a 'data' field");
            goto out;
        }
        if (http_form_value(in, len, "compression", &field) && field.len)
            how = buf_str(&field);
        if (!http_form_value(in, len, "api_key", form_key))
            http_form_value(in, len, "token", form_key);
        in = buf_str(&data);
        len = data.len;
    }
    if (!how)
        how = "";
    bool gzip = strcasecmp(how, "gzip-js") == 0 || strcasecmp(how, "gzip") == 0;
    if (gzip_magic(in, len)) {
        if (!inflate_to(r, in, len, &out))
            goto out;
    } else if (gzip && !http_header(r, "Content-Encoding")) {
        /* (with a Content-Encoding, server.c has inflated it already) */
        http_fail(r, HE_BAD_REQUEST, "compression", "the body is not gzip data");
        goto out;
    } else if (strcasecmp(how, "base64") == 0) {
        if (http_base64_decode(in, len, &out) < 0) {
            http_fail(r, HE_BAD_REQUEST, "compression", "the body is not base64");
            goto out;
        }
    } else if (*how && !gzip) {
        http_fail(r, HE_MEDIA_TYPE, "compression",
                  "compression '%.20s' is not supported (gzip-js, gzip, base64)", how);
        goto out;
    } else {
        /* PostHog reads a body that is not JSON as base64 of JSON (older libraries send so) */
        size_t skip = strspn(in, " \t\r\n");
        bool json = skip == len || in[skip] == '{' || in[skip] == '[';
        if (json || http_base64_decode(in, len, &out) < 0 || out.len == 0) {
            buf_reset(&out);
            buf_add(&out, in, len);
        }
    }
    buf_release(&r->decoded);
    r->decoded = out;
    out = (struct buf)BUF_INIT;
    r->body = buf_str(&r->decoded);
    r->body_len = r->decoded.len;
    ok = true;
out:
    buf_release(&out);
    buf_release(&data);
    buf_release(&field);
    return ok;
}

void api_posthog(struct http_req *r)
{
    const char *p = r->route->pattern;
    struct buf form_key = BUF_INIT;
    if (decode(r, &form_key))
        api_ingest(r, LF_INGEST_POSTHOG,
                   strcmp(p, "/batch") == 0    ? "batch"
                   : strcmp(p, "/engage") == 0 ? "engage"
                                               : "capture",
                   form_key.len ? buf_str(&form_key) : NULL);
    buf_release(&form_key);
}
