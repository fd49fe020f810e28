/* body.c - what the server makes of bodies and echoes: media types matched exactly, inflation
 * bounded in size and ratio, base64 and form fields as PostHog's libraries encode them, bytes
 * that are not UTF-8 replaced when echoed into JSON, and the budget of failed keys per address. */
#include <criterion/criterion.h>
#include <string.h>
#include <zlib.h>

#include "http/http_int.h"

Test(body, media_types)
{
    static const char *const json[] = {"application/json", "text/plain", NULL};
    cr_assert(http_media_type_is("application/json", json));
    cr_assert(http_media_type_is("Application/JSON; charset=utf-8", json), "case and parameters");
    cr_assert(http_media_type_is("text/plain;charset=UTF-8", json), "sendBeacon's type");
    cr_assert(http_media_type_is("  application/json ;q=1", json));
    cr_assert_not(http_media_type_is("application/jsonp", json), "a longer type, same prefix");
    cr_assert_not(http_media_type_is("application/json-seq", json));
    cr_assert_not(http_media_type_is("application/json x", json));
    cr_assert_not(http_media_type_is("text/plainx", json));
    cr_assert_not(http_media_type_is("application/", json));
    cr_assert_not(http_media_type_is("", json));
    cr_assert_not(http_media_type_is(NULL, json));
}

/* gzip of n copies of byte c, as zlib's gzip wrapper writes it. */
static size_t gzip_of(char c, size_t n, unsigned char *out, size_t cap)
{
    char *in = malloc(n);
    memset(in, c, n);
    z_stream z = {0};
    cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)in;
    z.avail_in = (unsigned)n;
    z.next_out = out;
    z.avail_out = (unsigned)cap;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    free(in);
    return len;
}

Test(body, inflate_bounds)
{
    static unsigned char gz[1 << 16];
    struct buf out = BUF_INIT;
    /* 60 KiB of one byte: far over 100:1, but under the 64 KiB below which any ratio goes */
    size_t len = gzip_of('a', 60 << 10, gz, sizeof(gz));
    cr_assert_eq(http_inflate((char *)gz, len, 4 << 20, &out), 0);
    cr_assert_eq(out.len, 60u << 10);
    buf_reset(&out);
    cr_assert_eq(http_inflate((char *)gz, len / 2, 4 << 20, &out), -1, "truncated");
    buf_reset(&out);
    /* 2 MB of it compresses to about 2 KB (1000:1): a bomb, though under the size limit */
    len = gzip_of('a', 2000000, gz, sizeof(gz));
    cr_assert_lt(len * HTTP_INFLATE_RATIO, 2000000u, "the input really is a bomb: %zu bytes", len);
    cr_assert_eq(http_inflate((char *)gz, len, 4 << 20, &out), -3);
    buf_reset(&out);
    /* over the size limit first */
    cr_assert_eq(http_inflate((char *)gz, len, 100000, &out), -2);
    buf_reset(&out);
    cr_assert_eq(http_inflate("not gzip", 8, 4 << 20, &out), -1);
    buf_release(&out);
}

Test(body, base64)
{
    struct buf out = BUF_INIT;
    /* printf '{"a":1}' | base64 = eyJhIjoxfQ== */
    cr_assert_eq(http_base64_decode("eyJhIjoxfQ==", 12, &out), 0);
    cr_assert_str_eq(buf_str(&out), "{\"a\":1}");
    buf_reset(&out);
    /* printf '>>?' | base64 = Pj4/ (standard); Pj4_ is the URL-safe spelling */
    cr_assert_eq(http_base64_decode("Pj4_", 4, &out), 0);
    cr_assert_str_eq(buf_str(&out), ">>?");
    buf_reset(&out);
    /* printf '\xfb\xef' | base64 = +-8= ; a form decoder turns '+' into ' ' */
    cr_assert_eq(http_base64_decode(" +8=", 4, &out), 0);
    cr_assert_eq(out.len, 2);
    cr_assert_eq((unsigned char)out.ptr[0], 0xfb);
    cr_assert_eq((unsigned char)out.ptr[1], 0xef);
    buf_reset(&out);
    cr_assert_eq(http_base64_decode("eyJh\nIjox\nfQ==\n", 15, &out), 0, "line breaks");
    cr_assert_str_eq(buf_str(&out), "{\"a\":1}");
    buf_reset(&out);
    cr_assert_eq(http_base64_decode("{\"a\":1}", 7, &out), -1, "JSON is not base64");
    cr_assert_eq(http_base64_decode("eyJh=x", 6, &out), -1, "text after the padding");
    buf_release(&out);
}

Test(body, form_fields)
{
    const char *body = "compression=base64&data=eyJhIjoxfQ%3D%3D&api_key=lf_k&empty=&flag";
    struct buf out = BUF_INIT;
    cr_assert(http_form_value(body, strlen(body), "data", &out));
    cr_assert_str_eq(buf_str(&out), "eyJhIjoxfQ==");
    buf_reset(&out);
    cr_assert(http_form_value(body, strlen(body), "compression", &out));
    cr_assert_str_eq(buf_str(&out), "base64");
    buf_reset(&out);
    cr_assert(http_form_value(body, strlen(body), "empty", &out));
    cr_assert_eq(out.len, 0);
    cr_assert(http_form_value(body, strlen(body), "flag", &out));
    cr_assert_not(http_form_value(body, strlen(body), "dat", &out), "a prefix is no field");
    cr_assert_not(http_form_value(body, strlen(body), "token", &out));
    /* '+' is a space, %xx a byte, a stray '%' itself */
    const char *f = "data=%7B%22a%22%3A+1%7D%2";
    cr_assert(http_form_value(f, strlen(f), "data", &out));
    cr_assert_str_eq(buf_str(&out), "{\"a\": 1}%2");
    buf_release(&out);
}

Test(errors, echoes_are_utf8)
{
    struct buf b = BUF_INIT;
    http_add_json_text(&b, "/v1/accounts/\xff", 14);
    cr_assert_str_eq(buf_str(&b), "\"/v1/accounts/\xef\xbf\xbd\"", "0xFF becomes U+FFFD");
    buf_reset(&b);
    /* a sequence cut short (as %.40s may cut one), then a valid é, then a lone continuation */
    http_add_json_text(&b, "a\xc3 \xc3\xa9\x80z", 7);
    cr_assert_str_eq(buf_str(&b), "\"a\xef\xbf\xbd \xc3\xa9\xef\xbf\xbdz\"");
    buf_reset(&b);
    http_add_json_text(&b, "q\"\n", 3);
    cr_assert_str_eq(buf_str(&b), "\"q\\\"\\n\"", "escapes as before");
    buf_release(&b);
}

Test(errors, fail_cleans_its_message)
{
    struct http_req r = {0};
    http_fail(&r, HE_NOT_FOUND, NULL, "no endpoint '%s'", "/x\xfe");
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(buf_str(&r.resp),
                     "{\"error\": {\"code\": \"not_found\", \"message\": \"no endpoint "
                     "'/x\xef\xbf\xbd'\"}}");
    buf_release(&r.resp);
}

Test(failbudget, per_address)
{
    /* 3 failures a minute: a token back every 20 s */
    struct failbudget *fb = failbudget_new(3, 60);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 100), 0, "failure %d is within budget", i);
        failbudget_add(fb, "10.0.0.1", 100);
    }
    cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 100), 20, "empty: the next token in 20 s");
    cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 110), 10);
    cr_assert_eq(failbudget_wait(fb, "10.0.0.2", 110), 0, "another address has its own");
    cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 120), 0, "a token is back after 20 s");
    failbudget_add(fb, "10.0.0.1", 120);
    cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 120), 20);
    failbudget_free(fb);
    /* rate 0: no limit */
    fb = failbudget_new(0, 60);
    for (int i = 0; i < 100; i++)
        failbudget_add(fb, "10.0.0.1", 100);
    cr_assert_eq(failbudget_wait(fb, "10.0.0.1", 100), 0);
    failbudget_free(fb);
    failbudget_free(NULL);
}
