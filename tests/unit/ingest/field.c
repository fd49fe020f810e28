/* field.c - the field checks and the row readers: times with offsets, money in its currency's
 * decimals, counts, vocabularies, UTF-8, and the exact message each bad value gives. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "model/model.h"

static struct span S(const char *s) {
    return (struct span){s, strlen(s)};
}

static void
time_is(const char *text, int64_t want)
{
    struct lf_err err = {0};
    int64_t ms = 0;
    cr_assert_eq(field_time(S(text), &ms, &err), 0, "'%s': %s", text, err.msg);
    cr_assert_eq(ms, want, "'%s' gives %lld, not %lld", text, (long long)ms, (long long)want);
}

static void fails(int rc, const struct lf_err *err, const char *want)
{
    cr_assert_eq(rc, -1);
    cr_assert_eq(err->code, LF_EINVAL);
    cr_assert_str_eq(err->msg, want);
}

Test(field, times_with_and_without_offsets)
{
    /* 2024-03-01T00:00:00Z = 1709251200 s (19783 days since 1970-01-01 × 86400) */
    time_is("2024-03-01", 1709251200000);
    time_is("2024-03-01T12:00:00Z", 1709251200000 + 12 * 3600000LL);
    /* 12:00 at +02:00 is 10:00 UTC; at -05:30 it is 17:30 UTC */
    time_is("2024-03-01T12:00:00+02:00", 1709251200000 + 10 * 3600000LL);
    time_is("2024-03-01T12:00:00-05:30", 1709251200000 + 17 * 3600000LL + 30 * 60000LL);
    time_is("2024-03-01 12:00:00", 1709251200000 + 12 * 3600000LL);
    time_is("2024-03-01T12:00:00.250Z", 1709251200000 + 12 * 3600000LL + 250);
    time_is("1709251200", 1709251200000);
    time_is("1709251200.5", 1709251200500);
}

Test(field, bad_times_say_why)
{
    struct lf_err err = {0};
    int64_t ms;
    fails(field_time(S("yesterday"), &ms, &err), &err,
          "'yesterday' is not an ISO 8601 time or unix seconds");
    fails(field_time(S("2024-02-30"), &ms, &err), &err, "'2024-02-30': no such calendar date");
    fails(field_time(S("2024-03-01T25:00"), &ms, &err), &err,
          "'2024-03-01T25:00': hour, minute or second out of range");
    fails(field_time(S("01/03/2024"), &ms, &err), &err,
          "'01/03/2024' is not an ISO 8601 time or unix seconds");
    /* milliseconds given where seconds are expected are far out of range */
    fails(field_time(S("1709251200000"), &ms, &err), &err,
          "'1709251200000': unix time out of range");
}

Test(field, money_in_the_currency_minor_units)
{
    struct lf_err err = {0};
    int64_t v;
    cr_assert_eq(field_money(S("1234.5"), "USD", &v, &err), 0);
    cr_assert_eq(v, 123450);
    cr_assert_eq(field_money(S("99"), "EUR", &v, &err), 0);
    cr_assert_eq(v, 9900);
    cr_assert_eq(field_money(S("-3"), NULL, &v, &err), 0, "no currency means two decimals");
    cr_assert_eq(v, -300);
    cr_assert_eq(field_money(S("0.07"), "USD", &v, &err), 0);
    cr_assert_eq(v, 7);
    cr_assert_eq(field_money(S("1500"), "JPY", &v, &err), 0, "JPY has no minor unit");
    cr_assert_eq(v, 1500);
    cr_assert_eq(field_money(S("1.234"), "KWD", &v, &err), 0, "KWD has three decimals");
    cr_assert_eq(v, 1234);
    cr_assert_eq(field_money(S("2.50"), "JPY", &v, &err), -1);
    cr_assert_eq(field_money(S("2.00"), "JPY", &v, &err), 0, "zeros past the decimals are fine");
    cr_assert_eq(v, 2);
}

Test(field, bad_money_says_why)
{
    struct lf_err err = {0};
    int64_t v;
    fails(field_money(S("12,5"), "USD", &v, &err), &err, "'12,5' is not a decimal amount");
    fails(field_money(S("1,234.56"), "USD", &v, &err), &err, "'1,234.56' is not a decimal amount");
    fails(field_money(S("$12"), "USD", &v, &err), &err, "'$12' is not a decimal amount");
    fails(field_money(S("1.234"), "USD", &v, &err), &err,
          "'1.234': amount has more decimals than its currency (USD)");
    fails(field_money(S("2.5"), "JPY", &v, &err), &err,
          "'2.5': amount has decimals its currency does not have (JPY)");
}

Test(field, counts_numbers_and_vocabularies)
{
    struct lf_err err = {0};
    int64_t n;
    double d;
    cr_assert_eq(field_count(S("12"), &n, &err), 0);
    cr_assert_eq(n, 12);
    fails(field_count(S("-1"), &n, &err), &err, "'-1': must not be negative");
    fails(field_count(S("1.5"), &n, &err), &err, "'1.5' is not a whole number");
    fails(field_int(S("99999999999999999999"), &n, &err), &err,
          "'99999999999999999999': number out of range");
    cr_assert_eq(field_real(S("2.5"), &d, &err), 0);
    cr_assert_float_eq(d, 2.5, 0);
    fails(field_real(S("abc"), &d, &err), &err, "'abc' is not a number");
    fails(field_real(S("nan"), &d, &err), &err, "'nan' is not a number");
    fails(field_currency(S("usd"), &err), &err,
          "'usd' is not an ISO 4217 currency code (three capital letters)");
    cr_assert_eq(field_currency(S("CHF"), &err), 0);
    fails(field_vocab(S("fax"), model_channels, &err), &err,
          "'fax' is not one of email, phone, chat, in-app, meeting, web, social, review, sms");
    cr_assert_eq(field_vocab(S("in-app"), model_channels, &err), 0);
    cr_assert_eq(field_email(S("ana@acme.io"), &err), 0);
    fails(field_email(S("nobody"), &err), &err, "'nobody' is not an email address");
    fails(field_email(S("a@b@c"), &err), &err, "'a@b@c' is not an email address");
}

Test(field, text_must_be_utf8_without_nul)
{
    struct lf_err err = {0};
    cr_assert_eq(field_text(S("caf\xC3\xA9"), &err), 0);
    fails(field_text(S("caf\xE9"), &err), &err, "not valid UTF-8 (byte 0xE9 at offset 3)");
    fails(field_text((struct span){"a\0b", 3}, &err), &err, "contains a NUL byte");
}

Test(field, a_nul_inside_the_value_is_no_end)
{
    /* the model's checks read C strings; a span holding a NUL was judged by what precedes it
     * ("DUS\0" passed as DUS; found by fuzz/fuzz_field.c). Messages show the NUL as '?'. */
    struct lf_err err = {0};
    int64_t v;
    fails(field_currency((struct span){"DUS\0", 4}, &err), &err,
          "'DUS?' is not an ISO 4217 currency code (three capital letters)");
    fails(field_money((struct span){"12\0x", 4}, "USD", &v, &err), &err,
          "'12?x' is not a decimal amount");
    fails(field_vocab((struct span){"email\0", 6}, model_channels, &err), &err,
          "'email?' is not one of email, phone, chat, in-app, meeting, web, social, review, sms");
}

Test(field, long_values_are_cut_in_messages)
{
    struct lf_err err = {0};
    double d;
    /* 45 bytes: the message shows the first 40 and "..." */
    fails(field_real(S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxyyyyy"), &d, &err), &err,
          "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a number");
    /* a cut never splits a character: 39 'x' then a 2-byte é across the 40-byte mark */
    fails(field_real(S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC3\xA9zzzz"), &d, &err), &err,
          "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a number");
}

/* A row as a CSV reader fills it: file acc.csv, line 7. */
static struct row r;
static const char *const cols[] = {"id", "mrr", "since", "channel", NULL};

static void setup(void)
{
    row_init(&r, "acc.csv");
    row_reset(&r, cols, 7);
}

static void teardown(void)
{
    row_release(&r);
}

Test(row, messages_name_file_line_and_column, .init = setup, .fini = teardown)
{
    struct lf_err err = {0};
    int64_t v;
    const char *s;
    r.val[1] = S("12,5");
    fails(row_money(&r, 1, "USD", &v, &err), &err, "acc.csv:7:mrr: '12,5' is not a decimal amount");
    fails(row_need(&r, 0, &err), &err, "acc.csv:7:id: missing value");
    r.name[1] = "MRR"; /* a header may spell a column its own way: messages follow it */
    fails(row_money(&r, 1, "USD", &v, &err), &err, "acc.csv:7:MRR: '12,5' is not a decimal amount");
    r.val[3] = S("fax");
    fails(row_vocab(&r, 3, model_channels, &s, &err), &err,
          "acc.csv:7:channel: 'fax' is not one of email, phone, chat, in-app, meeting, web, "
          "social, review, sms");
    err_set(&err, LF_EINVAL, "a row-level reason");
    row_fail(&r, -1, &err);
    cr_assert_str_eq(err.msg, "acc.csv:7: a row-level reason");
}

Test(row, values_not_given_stay_unset, .init = setup, .fini = teardown)
{
    struct lf_err err = {0};
    int64_t v = 0;
    double d = 0;
    const char *s = "x";
    cr_assert_eq(row_money(&r, 1, "USD", &v, &err), 0);
    cr_assert_eq(v, LF_UNSET);
    cr_assert_eq(row_time(&r, 2, &v, &err), 0);
    cr_assert_eq(v, LF_UNSET);
    cr_assert_eq(row_real(&r, 1, &d, &err), 0);
    cr_assert(isnan(d));
    cr_assert_eq(row_vocab(&r, 3, model_channels, &s, &err), 0);
    cr_assert_null(s);
    cr_assert_null(row_str(&r, 0));
}

Test(row, days_are_cut_in_utc_after_the_offset, .init = setup, .fini = teardown)
{
    struct lf_err err = {0};
    int64_t v;
    /* 23:30 at -02:00 is 01:30 UTC on 2024-03-02, whose day starts at 1709251200 + 86400 s */
    r.val[2] = S("2024-03-01T23:30:00-02:00");
    cr_assert_eq(row_day(&r, 2, &v, &err), 0);
    cr_assert_eq(v, 1709337600000);
}

Test(field, derived_ids)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    field_derive_id_at(&a, 1709251200000, (const char *[]){"acme", "u1", "login", NULL}, 4);
    field_derive_id_at(&b, 1709251200000, (const char *[]){"acme", "u1", "login", NULL}, 4);
    cr_assert_str_eq(buf_str(&a), buf_str(&b), "the same content gives the same id");
    /* "h:", 11 hex digits of the time (1709251200000 = 0x18df74f8400), 16 of the hash */
    cr_assert_eq(a.len, 2 + 11 + 16);
    cr_assert_eq(strncmp(buf_str(&a), "h:18df74f8400", 13), 0, "%s", buf_str(&a));
    field_derive_id_at(&b, 1709251200000, (const char *[]){"acme", "u1", "login", "1"}, 4);
    cr_assert_str_neq(buf_str(&a), buf_str(&b), "a value makes a different id");
    field_derive_id_at(&a, 0, (const char *[]){"ab", "c"}, 2);
    field_derive_id_at(&b, 0, (const char *[]){"a", "bc"}, 2);
    cr_assert_str_neq(buf_str(&a), buf_str(&b), "parts do not run into each other");
    field_derive_id_at(&a, 1, (const char *[]){"a"}, 1);
    field_derive_id_at(&b, 2, (const char *[]){"a"}, 1);
    cr_assert_str_neq(buf_str(&a) + 13, buf_str(&b) + 13, "the time is part of the hash");
    field_derive_id(&a, (const char *[]){"x"}, 1);
    cr_assert_eq(a.len, 2 + 16);
    buf_release(&a);
    buf_release(&b);
}
