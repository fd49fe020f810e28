/* text.c - UTF-8 validation, string buffers with JSON/CSV escaping, the hash map. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "base/utf8.h"

Test(utf8, valid_and_invalid)
{
    size_t at = 99;
    cr_assert(utf8_valid("plain", 5, NULL));
    cr_assert(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, NULL));
    cr_assert_not(utf8_valid("ab\xff", 3, &at));
    cr_assert_eq(at, 2);
    cr_assert_not(utf8_valid("\xc0\xaf", 2, &at), "overlong '/'");
    cr_assert_not(utf8_valid("\xed\xa0\x80", 3, &at), "surrogate U+D800");
    cr_assert_not(utf8_valid("x\xe2\x82", 3, &at), "truncated sequence");
    cr_assert_eq(at, 1);
    cr_assert_not(utf8_valid("\xf4\x90\x80\x80", 4, &at), "past U+10FFFF");
}

Test(buf, printf_and_escaping)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%d-%s", 42, "x");
    cr_assert_str_eq(buf_str(&b), "42-x");
    buf_reset(&b);
    buf_add_json_str(&b, "a\"b\\c\n\x01", 7);
    cr_assert_str_eq(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\"");
    buf_reset(&b);
    buf_add_csv_field(&b, "plain", 5);
    buf_addc(&b, ',');
    buf_add_csv_field(&b, "a,\"b\"", 5);
    cr_assert_str_eq(buf_str(&b), "plain,\"a,\"\"b\"\"\"");
    /* CSV readers trim spaces and tabs around unquoted fields: kept only when quoted (found by
     * fuzz/fuzz_csv.c: a quoted " padded " field came back from a rejects file as "padded") */
    buf_reset(&b);
    buf_add_csv_field(&b, " a", 2);
    buf_addc(&b, ',');
    buf_add_csv_field(&b, "b\t", 2);
    buf_addc(&b, ',');
    buf_add_csv_field(&b, "in side", 7);
    cr_assert_str_eq(buf_str(&b), "\" a\",\"b\t\",in side");
    buf_reset(&b);
    buf_add_csv_field(&b, "plain", 5);
    buf_addc(&b, ',');
    buf_add_csv_field(&b, "a,\"b\"", 5);
    char *s = buf_detach(&b);
    cr_assert_str_eq(s, "plain,\"a,\"\"b\"\"\"");
    free(s);
    cr_assert_eq(b.len, 0);
    buf_release(&b);
}

Test(strmap, put_get_grow)
{
    struct strmap m;
    strmap_init(&m);
    char key[32];
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof(key), "acct-%d", i);
        strmap_put(&m, key, (size_t)n, i * 3);
    }
    cr_assert_eq(m.nr, 10000);
    int64_t v;
    cr_assert(strmap_get(&m, "acct-1234", 9, &v));
    cr_assert_eq(v, 3702);
    cr_assert_not(strmap_get(&m, "acct-12345", 10, &v));
    cr_assert_not(strmap_get(&m, "acct-123", 7, &v) && v == 369, "a prefix is another key");
    strmap_put(&m, "acct-1", 6, -5);
    cr_assert(strmap_get(&m, "acct-1", 6, &v));
    cr_assert_eq(v, -5);
    cr_assert_eq(m.nr, 10000);
    strmap_release(&m);
}

Test(text_int, digits_only)
{
    int64_t v = 0;
    cr_assert_eq(text_int("42", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(text_int("-7", &v), 0);
    cr_assert_eq(v, -7);
    cr_assert_eq(text_int("9223372036854775807", &v), 0);
    cr_assert_eq(v, INT64_MAX);
    cr_assert_eq(text_int("-9223372036854775808", &v), 0);
    cr_assert_eq(v, INT64_MIN);
    /* what strtoll takes and a count must not be: two spellings of one value */
    const char *bad[] = {" 1", "+5", "5 ", "0x5", "\t5", "", "-", "1e3", "9223372036854775808",
                         "-9223372036854775809", "\xd9\xa5" /* ARABIC-INDIC DIGIT FIVE */};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        cr_assert_eq(text_int(bad[i], &v), -1, "'%s'", bad[i]);
    /* a prefix: where it stops ("0-6", a list "1,2") */
    cr_assert_eq(text_int_prefix("0-6", &v), 1);
    cr_assert_eq(text_int_prefix("12,3", &v), 2);
    cr_assert_eq(v, 12);
    cr_assert_eq(text_int_prefix(",3", &v), 0);
}

Test(text_real, decimal_and_finite_only)
{
    double v = 0;
    cr_assert_eq(text_real("-1.5", &v), 0);
    cr_assert_float_eq(v, -1.5, 0);
    cr_assert_eq(text_real(".5", &v), 0);
    cr_assert_float_eq(v, 0.5, 0);
    cr_assert_eq(text_real("2e3", &v), 0);
    cr_assert_float_eq(v, 2000, 0);
    /* what strtod takes and a number in a query or a rule must not be */
    const char *bad[] = {" 1", "+1", "1 ", "0x1p0", "inf", "-inf", "nan", "", "-", "1e999", "1,5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        cr_assert_eq(text_real(bad[i], &v), -1, "'%s'", bad[i]);
}
