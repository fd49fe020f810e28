/* body.c - request bodies as clients encode them: media types, gzip and deflate with bounds on
 * what they may inflate to, base64, and application/x-www-form-urlencoded fields. */
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http_int.h"
#include "ingest/ingest.h"

#define RATIO_FLOOR (64u << 10) /* below this, any ratio: little to inflate either way */

bool http_media_type_is(const char *ct, const char *const *types)
{
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    for (const char *rest = ct + n; *rest == ' ' || *rest == '\t'; rest++)
        if (rest[1] != ' ' && rest[1] != '\t' && rest[1] != ';' && rest[1] != '\0')
            return false; /* "application/json x": no media type */
    for (const char *const *t = types; *t; t++)
        if (strlen(*t) == n && strncasecmp(ct, *t, n) == 0)
            return true;
    return false;
}

int http_inflate(const char *in, size_t len, size_t max, struct buf *out)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 32) != Z_OK) /* 15 + 32: detect gzip or zlib headers */
        return -1;
    z.next_in = (unsigned char *)in;
    z.avail_in = (unsigned)len;
    size_t start = out->len;
    char chunk[16384];
    int rc = Z_OK, ret = 0;
    while (rc != Z_STREAM_END) {
        z.next_out = (unsigned char *)chunk;
        z.avail_out = sizeof(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            ret = -1;
            break;
        }
        buf_add(out, chunk, sizeof(chunk) - z.avail_out);
        size_t made = out->len - start;
        if (made > max) {
            ret = -2;
            break;
        }
        if (made > RATIO_FLOOR && made / HTTP_INFLATE_RATIO > len) {
            ret = -3;
            break;
        }
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            ret = -1; /* truncated */
            break;
        }
    }
    inflateEnd(&z);
    return ret;
}

/* libsodium decodes; this only picks its variant and trims what it does not take: padding
 * (optional in what clients send) and the spaces a form decoder made of '+'. */
int http_base64_decode(const char *s, size_t len, struct buf *out)
{
    while (len && (s[len - 1] == '=' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    struct buf in = BUF_INIT;
    buf_add(&in, s, len);
    bool url_safe = false;
    for (size_t i = 0; i < len; i++) {
        if (in.ptr[i] == ' ')
            in.ptr[i] = '+';
        url_safe |= in.ptr[i] == '-' || in.ptr[i] == '_';
    }
    size_t cap = len / 4 * 3 + 3, got = 0;
    size_t at = out->len;
    buf_reserve(out, cap);
    int rc = len == 0 ? 0
                      : sodium_base642bin((unsigned char *)out->ptr + at, cap, in.ptr, len, "\r\n",
                                          &got, NULL,
                                          url_safe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                                                   : sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    buf_release(&in);
    if (rc != 0)
        return -1;
    out->len = at + got;
    out->ptr[out->len] = '\0';
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends the percent-decoded s[0..n) ('+' is a space) to out. */
static void form_decode(const char *s, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+')
            buf_addc(out, ' ');
        else if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 &&
                 (lo = hex_value(s[i + 2])) >= 0)
            buf_addc(out, (char)(hi * 16 + lo)), i += 2;
        else
            buf_addc(out, s[i]);
    }
}

bool http_form_value(const char *body, size_t len, const char *name, struct buf *out)
{
    size_t nlen = strlen(name);
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *field_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(field_end - p));
        const char *key_end = eq ? eq : field_end;
        if ((size_t)(key_end - p) == nlen && memcmp(p, name, nlen) == 0) {
            if (eq)
                form_decode(eq + 1, (size_t)(field_end - eq - 1), out);
            return true;
        }
        p = field_end + 1;
    }
    return false;
}

json_t *http_body_object(struct http_req *r)
{
    struct lf_err err = {0};
    json_t *o = ingest_json_load(r->body, r->body_len, LF_EUSAGE, &err);
    if (!o) {
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        http_fail(r, HE_BAD_REQUEST, NULL, "the body must be a JSON object");
        return NULL;
    }
    return o;
}
