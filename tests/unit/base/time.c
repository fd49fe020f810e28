/* time.c - ISO 8601 / unix-seconds parsing and calendar cuts, against dates checked by hand
 * (and with `date -u -d … +%s`). */
#include <criterion/criterion.h>
#include <string.h>

#include "base/time.h"

static int64_t parse(const char *s)
{
    int64_t ms = -1;
    const char *why = NULL;
    cr_assert_eq(time_parse(s, strlen(s), &ms, &why), 0, "%s: %s", s, why);
    return ms;
}

static const char *refuse(const char *s)
{
    int64_t ms;
    const char *why = NULL;
    cr_assert_eq(time_parse(s, strlen(s), &ms, &why), -1, "%s was accepted", s);
    return why;
}

Test(time, iso_forms)
{
    /* date -u -d 2024-03-01 +%s = 1709251200 */
    cr_assert_eq(parse("2024-03-01"), 1709251200000LL);
    cr_assert_eq(parse("2024-03-01T12:30:15Z"), 1709296215000LL);
    cr_assert_eq(parse("2024-03-01 12:30:15"), 1709296215000LL);
    cr_assert_eq(parse("2024-03-01T12:30:15.250Z"), 1709296215250LL);
    /* +02:00 is two hours ahead of UTC: 14:30:15+02:00 = 12:30:15Z */
    cr_assert_eq(parse("2024-03-01T14:30:15+02:00"), 1709296215000LL);
    cr_assert_eq(parse("2024-03-01T07:30:15-0500"), 1709296215000LL);
    cr_assert_eq(parse("2024-03-01T12:30"), 1709296200000LL);
    cr_assert_eq(parse("1969-12-31T23:59:59Z"), -1000LL);
}

Test(time, unix_seconds)
{
    cr_assert_eq(parse("1709251200"), 1709251200000LL);
    cr_assert_eq(parse("1709251200.5"), 1709251200500LL);
    cr_assert_eq(parse(" 0 "), 0);
}

Test(time, refusals)
{
    cr_assert_str_eq(refuse("2023-02-29"), "no such calendar date");
    cr_assert_str_eq(refuse("2024-13-01"), "no such calendar date");
    refuse("2024-03-01T25:00");
    refuse("yesterday");
    refuse("2024/03/01");
    refuse("");
    refuse("2024-03-01T12:00:00+15:00");
    refuse("2024-03-01T12:00:00Zjunk");
}

Test(time, cuts)
{
    int64_t t = parse("2024-05-15T10:00:00Z"); /* a Wednesday */
    cr_assert_eq(time_day_start(t), parse("2024-05-15"));
    cr_assert_eq(time_week_start(t), parse("2024-05-13"));
    cr_assert_eq(time_month_start(t), parse("2024-05-01"));
    cr_assert_eq(time_quarter_start(t), parse("2024-04-01"));
    cr_assert_eq(time_add_months(parse("2024-11-01"), 3), parse("2025-02-01"));
    cr_assert_eq(time_add_months(parse("2024-01-01"), -13), parse("2022-12-01"));
    cr_assert_eq(time_week_start(parse("2024-05-13")), parse("2024-05-13")); /* a Monday */
    cr_assert_eq(time_day_start(-1), -86400000LL);
}

Test(time, formatting)
{
    char iso[32], d[16], m[16], q[16];
    time_format_iso(parse("2024-03-01T12:30:15.250Z"), iso);
    cr_assert_str_eq(iso, "2024-03-01T12:30:15.250Z");
    time_format_iso(0, iso);
    cr_assert_str_eq(iso, "1970-01-01T00:00:00Z");
    time_format_date(parse("2024-12-31T23:59:59Z"), d);
    cr_assert_str_eq(d, "2024-12-31");
    time_format_month(parse("2024-12-31"), m);
    cr_assert_str_eq(m, "2024-12");
    time_format_quarter(parse("2024-08-10"), q);
    cr_assert_str_eq(q, "2024-Q3");
}
