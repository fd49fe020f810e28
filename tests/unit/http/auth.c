/* auth.c - keys in Authorization headers, rate limits with a pinned clock, cursors, rates. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/http_int.h"

#define KEY "lf_abcdefgh0123456789ABCDEFGHIJKLMNOPQRSTUVWXY"

Test(auth, basic_and_bearer)
{
    char out[LF_KEY_SIZE + 1];
    /* base64("lf_abc:") = "bGZfYWJjOg==" (printf 'lf_abc:' | base64) */
    cr_assert(auth_header_key("Basic bGZfYWJjOg==", out));
    cr_assert_str_eq(out, "lf_abc");
    /* without padding, and with a password (ignored) : base64("k:pw") = "azpwdw" */
    cr_assert(auth_header_key("basic azpwdw", out));
    cr_assert_str_eq(out, "k");
    cr_assert(auth_header_key("Bearer " KEY, out));
    cr_assert_str_eq(out, KEY);
    cr_assert_not(auth_header_key(NULL, out));
    cr_assert_not(auth_header_key("Digest abc", out));
    cr_assert_not(auth_header_key("Basic !!!", out));
    cr_assert_not(auth_header_key("Basic Og==", out), "empty user name");
    cr_assert_not(auth_header_key("Bearer ", out));
    cr_assert_not(auth_header_key("Bearer " KEY "toolong", out));
}

Test(ratelimit, bucket)
{
    /* 3 requests a minute: a token every 20 s, a burst of 3 */
    struct ratelimit *rl = ratelimit_new(3, 60);
    cr_assert_eq(ratelimit_take(rl, 1, 1000.0), 0);
    cr_assert_eq(ratelimit_take(rl, 1, 1000.0), 0);
    cr_assert_eq(ratelimit_take(rl, 1, 1000.0), 0);
    cr_assert_eq(ratelimit_take(rl, 1, 1000.0), 20, "empty: the next token is 20 s away");
    cr_assert_eq(ratelimit_take(rl, 2, 1000.0), 0, "another key has its own bucket");
    cr_assert_eq(ratelimit_take(rl, 1, 1015.0), 5, "15 s later, 5 s to go");
    cr_assert_eq(ratelimit_take(rl, 1, 1020.5), 0, "a token has come back");
    cr_assert_eq(ratelimit_take(rl, 1, 1020.5), 20);
    cr_assert_eq(ratelimit_take(rl, 1, 5000.0), 0, "refilled, but never past the burst");
    cr_assert_eq(ratelimit_take(rl, 1, 5000.0), 0);
    cr_assert_eq(ratelimit_take(rl, 1, 5000.0), 0);
    cr_assert_eq(ratelimit_take(rl, 1, 5000.0), 20);
    ratelimit_free(rl);
    struct ratelimit *off = ratelimit_new(0, 1);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(ratelimit_take(off, 1, 1.0), 0);
    ratelimit_free(off);
}

Test(ratelimit, parse)
{
    unsigned rate;
    double period;
    struct lf_err err;
    cr_assert_eq(http_rate_parse("100/s", &rate, &period, &err), 0);
    cr_assert(rate == 100 && period == 1);
    cr_assert_eq(http_rate_parse("600/min", &rate, &period, &err), 0);
    cr_assert(rate == 600 && period == 60);
    cr_assert_eq(http_rate_parse("3/h", &rate, &period, &err), 0);
    cr_assert(rate == 3 && period == 3600);
    cr_assert_eq(http_rate_parse("0", &rate, &period, &err), 0);
    cr_assert_eq(rate, 0);
    cr_assert_eq(http_rate_parse("10/day", &rate, &period, &err), -1);
    cr_assert_eq(http_rate_parse("-1/s", &rate, &period, &err), -1);
    cr_assert_eq(http_rate_parse("/s", &rate, &period, &err), -1);
}

Test(paging, cursor_round_trip)
{
    char c[32];
    int64_t after;
    int64_t ids[] = {0, 1, 255, 1234567, INT64_MAX};
    for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
        http_page_cursor(ids[i], c);
        cr_assert_eq(http_page_decode(c, &after), 0, "%s", c);
        cr_assert_eq(after, ids[i]);
    }
    http_page_cursor(255, c);
    cr_assert_str_eq(c, "cff");
    cr_assert_eq(http_page_decode("", &after), -1);
    cr_assert_eq(http_page_decode("c", &after), -1);
    cr_assert_eq(http_page_decode("cxyz", &after), -1);
    cr_assert_eq(http_page_decode("c-1", &after), -1);
    cr_assert_eq(http_page_decode("c8000000000000000", &after), -1, "past INT64_MAX");
    cr_assert_eq(http_page_decode("12", &after), -1);
}
