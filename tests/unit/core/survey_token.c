/* survey_token.c - signed survey links: a token's MAC is HMAC-SHA-256 as an independent
 * implementation computes it, a token reads back its fields, and any change to it, another key,
 * or a second spelling of it is refused; a composed mail keeps RFC 5322's line limit. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/surveys.h"

static unsigned char key[SURVEY_KEY_BYTES];

static void setup(void)
{
    for (int i = 0; i < SURVEY_KEY_BYTES; i++)
        key[i] = (unsigned char)i;
}

TestSuite(survey_token, .init = setup);

/* Python's hmac module on the same key (bytes 0..31) and text:
 *   base64.urlsafe_b64encode(hmac.new(bytes(range(32)), b'1.2.3.4.1800000000',
 *                            hashlib.sha256).digest()).rstrip(b'=') */
static const char known[] = "1.2.3.4.1800000000.ArR34NGA6YVEj1BoIxP45dfE4ZedRAXgNZn_wqJ9BDY";

Test(survey_token, mac_is_hmac_sha256)
{
    struct survey_token t = {.ws = 1, .send = 2, .survey = 3, .contact = 4, .expires = 1800000000};
    char out[SURVEY_TOKEN_MAX];
    survey_token_make(key, &t, out);
    cr_assert_str_eq(out, known);
}

Test(survey_token, reads_back)
{
    struct survey_token t;
    struct lf_err err = {0};
    cr_assert_eq(survey_token_verify(key, known, strlen(known), &t, &err), 0, "%s", err.msg);
    cr_assert(t.ws == 1 && t.send == 2 && t.survey == 3 && t.contact == 4 &&
              t.expires == 1800000000);
}

static int verify_code(const unsigned char *k, const char *s)
{
    struct survey_token t;
    struct lf_err err = {0};
    return survey_token_verify(k, s, strlen(s), &t, &err) == 0 ? 0 : err.code;
}

Test(survey_token, changes_are_refused)
{
    char s[SURVEY_TOKEN_MAX];
    /* another contact (4 → 5) under the same MAC */
    snprintf(s, sizeof(s), "%s", known);
    s[6] = '5';
    cr_assert_eq(verify_code(key, s), LF_EAUTH);
    /* a later expiry */
    snprintf(s, sizeof(s), "%s", known);
    s[8] = '9';
    cr_assert_eq(verify_code(key, s), LF_EAUTH);
    /* one MAC character */
    snprintf(s, sizeof(s), "%s", known);
    s[20] = s[20] == 'A' ? 'B' : 'A';
    cr_assert_eq(verify_code(key, s), LF_EAUTH);
    /* another workspace's key */
    unsigned char other[SURVEY_KEY_BYTES] = {1};
    cr_assert_eq(verify_code(other, known), LF_EAUTH);
}

Test(survey_token, one_spelling)
{
    char s[SURVEY_TOKEN_MAX];
    /* a leading zero would be a second text for the same fields */
    snprintf(s, sizeof(s), "01.2.3.4.1800000000.%s", known + 19);
    cr_assert_eq(verify_code(key, s), LF_EINVAL);
    /* the MAC's last character carries 4 spare bits: 'Y' is 011000, 'Z' 011001 decodes alike */
    snprintf(s, sizeof(s), "%s", known);
    cr_assert_eq(s[strlen(s) - 1], 'Y');
    s[strlen(s) - 1] = 'Z';
    cr_assert_eq(verify_code(key, s), LF_EINVAL);
}

Test(survey_token, not_tokens)
{
    const char *bad[] = {"", "1.2.3.4", "a.b.c.d.e.f", "1.2.3.4.5.AAAA",
                         "1234567890123456.2.3.4.5.ArR34NGA6YVEj1BoIxP45dfE4ZedRAXgNZn_wqJ9BDY",
                         "1.2.3.4.1800000000.ArR34NGA6YVEj1BoIxP45dfE4ZedRAXgNZn_wqJ9BD=",
                         "1.2.3.4.1800000000.ArR34NGA6YVEj1BoIxP45dfE4ZedRAXgNZn_wqJ9BDYx"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        cr_assert_eq(verify_code(key, bad[i]), LF_EINVAL, "'%s'", bad[i]);
}

Test(survey_token, mail_lines_fit)
{
    struct buf b = BUF_INIT;
    char text[2000];
    memset(text, 'x', 300);
    snprintf(text + 300, sizeof(text) - 300, " https://cx.example/s/%s?score=10 trailing \n\xc3\xa9",
             known);
    mail_compose(&b, "\xc3\x85sa Surveys <a@x.test>", "b@x.test",
                 "Sujet \xc3\xa9t\xc3\xa9 tr\xc3\xa8s long, tr\xc3\xa8s tr\xc3\xa8s long, "
                 "plus long qu'une ligne de courrier ne le permet \xc3\xa0 elle seule",
                 text, "<p>x</p>", 0, "<m-1@landfall>");
    const char *p = buf_str(&b);
    size_t lines = 0;
    while (*p) {
        const char *nl = strstr(p, "\r\n");
        cr_assert(nl, "a line without CRLF");
        cr_assert_leq((size_t)(nl - p), 78, "a line of %zu characters", (size_t)(nl - p));
        p = nl + 2;
        lines++;
    }
    cr_assert_gt(lines, 10);
    cr_assert(strstr(buf_str(&b), "Subject: =?UTF-8?B?"), "the subject is RFC 2047-encoded");
    cr_assert(strstr(buf_str(&b), "From: =?UTF-8?B?w4VzYSBTdXJ2ZXlz?= <a@x.test>\r\n"),
              "only the display name is encoded (base64 of 'Åsa Surveys')");
    cr_assert(strstr(buf_str(&b), "trailing=20\r\n"), "a blank before a line end is encoded");
    cr_assert(strstr(buf_str(&b), "=C3=A9"), "UTF-8 bytes are quoted");
    buf_release(&b);
}
