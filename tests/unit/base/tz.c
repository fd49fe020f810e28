/* tz.c - time zones from TZif files, checked against glibc's own reading of the same files
 * (localtime_r / mktime with TZ set, in this single-threaded test), and hand-worked dates. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/time.h"
#include "base/tz.h"

static int64_t iso(const char *s)
{
    int64_t ms = 0;
    const char *why = NULL;
    cr_assert_eq(time_parse(s, strlen(s), &ms, &why), 0, "%s: %s", s, why);
    return ms;
}

static struct tz *load(const char *name)
{
    struct tz *z = NULL;
    struct lf_err err = {0};
    cr_assert_eq(tz_load(name, &z, &err), 0, "%s: %s", name, err.msg);
    return z;
}

/* ---- glibc as the reference ---- */

static void use_glibc_zone(const char *tzvalue)
{
    cr_assert_eq(setenv("TZ", tzvalue, 1), 0);
    tzset();
}

struct ref {
    long off;    /* tm_gmtoff: seconds east */
    int64_t day; /* the local date, days since 1970-01-01 */
};

static struct ref ref_at(time_t t)
{
    struct tm tm;
    cr_assert_not_null(localtime_r(&t, &tm), "localtime_r(%lld)", (long long)t);
    return (struct ref){tm.tm_gmtoff,
                        time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)};
}

/* Returns glibc's answer at t, which callers reuse rather than ask glibc again. */
static struct ref same_at(const char *name, const struct tz *z, time_t t)
{
    struct ref r = ref_at(t);
    int64_t ms = (int64_t)t * 1000;
    cr_assert_eq(tz_offset(z, ms), r.off, "%s at %lld: offset %d, glibc says %ld", name,
                 (long long)t, tz_offset(z, ms), r.off);
    cr_assert_eq(tz_local_day(z, ms), r.day, "%s at %lld: local day %lld, glibc says %lld", name,
                 (long long)t, (long long)tz_local_day(z, ms), (long long)r.day);
    /* Milliseconds round towards the past, as they do in the offset's lookup. */
    cr_assert_eq(tz_offset(z, ms + 999), r.off, "%s at %lld.999", name, (long long)t);
    return r;
}

/* Every hour from `from` to `to` (seconds), and a second either side of each change of offset
 * that glibc shows between two hours (found by bisection on glibc's answers alone). Returns the
 * number of changes seen, so that a caller can tell the scan crossed real transitions. */
static int compare_offsets(const char *name, const struct tz *z, time_t from, time_t to)
{
    int changes = 0;
    struct ref prev = ref_at(from);
    for (time_t t = from; t <= to; t += 3600) {
        struct ref r = same_at(name, z, t);
        if (r.off != prev.off && t > from) {
            time_t lo = t - 3600, hi = t; /* ref_at(lo) has the old offset, ref_at(hi) the new */
            while (hi - lo > 1) {
                time_t mid = lo + (hi - lo) / 2;
                if (ref_at(mid).off == r.off)
                    hi = mid;
                else
                    lo = mid;
            }
            same_at(name, z, hi - 1);
            same_at(name, z, hi);
            same_at(name, z, hi + 1);
            changes++;
        }
        prev = r;
    }
    return changes;
}

/* tz_day_start(D) must be an instant glibc shows on date D while the second before it is on an
 * earlier date; and where glibc's mktime finds an unambiguous local midnight, that very instant.
 * A date the zone skipped starts where the next one does; *skipped counts them. */
static int compare_day_starts(const char *name, const struct tz *z, int64_t from_day,
                              int64_t to_day, int *skipped)
{
    int midnights = 0;
    *skipped = 0;
    for (int64_t day = from_day; day <= to_day; day++) {
        int64_t ms = tz_day_start(z, day);
        cr_assert_eq(ms % 1000, 0);
        time_t u = (time_t)(ms / 1000);
        int64_t u_day = ref_at(u).day; /* glibc's date at u, asked once */
        cr_assert_geq(u_day, day, "%s: day %lld starts at %lld, on glibc's day %lld", name,
                      (long long)day, (long long)u, (long long)u_day);
        cr_assert_lt(ref_at(u - 1).day, day, "%s: day %lld already began before %lld", name,
                     (long long)day, (long long)u);
        cr_assert_eq(tz_local_day(z, ms), u_day);
        if (u_day != day) {
            cr_assert_eq(tz_day_start(z, day + 1), ms, "%s: skipped day %lld", name,
                         (long long)day);
            ++*skipped;
            continue;
        }

        int y, m, d;
        time_civil_from_days(day, &y, &m, &d);
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
        time_t mk = mktime(&tm);
        struct tm back;
        localtime_r(&mk, &back);
        if (back.tm_hour == 0 && back.tm_min == 0 && back.tm_sec == 0 && ref_at(mk).day == day &&
            ref_at(mk - 1).day < day) {
            cr_assert_eq(u, mk, "%s: day %lld starts at %lld, mktime says %lld", name,
                         (long long)day, (long long)u, (long long)mk);
            midnights++;
        }
    }
    return midnights;
}

/* 1970-01-01 to 2040-12-31: the transitions listed in the files (to 2037) and the years after,
 * which the files' POSIX footers govern. */
static void compare_zone(const char *name, int skipped_days)
{
    char tzvalue[80];
    snprintf(tzvalue, sizeof(tzvalue), ":%s", name);
    use_glibc_zone(tzvalue);
    struct tz *z = load(name);
    cr_assert_str_eq(tz_name(z), name);
    int64_t from = time_days_from_civil(1970, 1, 1), to = time_days_from_civil(2040, 12, 31);
    compare_offsets(name, z, (time_t)(from * 86400), (time_t)(to * 86400 + 86399));
    int skipped;
    int midnights = compare_day_starts(name, z, from + 1, to, &skipped);
    cr_assert_eq(skipped, skipped_days, "%s", name);
    /* Nearly every day has a plain local midnight, so mktime's check ran on almost all. */
    cr_assert_gt(midnights, (to - from) * 99 / 100, "%s: %d", name, midnights);
    tz_free(z);
}

/* A zone compared with glibc, and the number of dates it skipped from 1970 to 2040. */
#define ZONE_TEST(id, name, skipped_days)                                                          \
    Test(tz_glibc, id)                                                                             \
    {                                                                                              \
        compare_zone(name, skipped_days);                                                          \
    }

ZONE_TEST(berlin, "Europe/Berlin", 0)          /* northern DST, EU rules */
ZONE_TEST(new_york, "America/New_York", 0)     /* northern DST, US rules changed in 2007 */
ZONE_TEST(sydney, "Australia/Sydney", 0)       /* southern DST */
ZONE_TEST(santiago, "America/Santiago", 0)     /* southern DST, rules often changed */
ZONE_TEST(kolkata, "Asia/Kolkata", 0)          /* +05:30 */
ZONE_TEST(kathmandu, "Asia/Kathmandu", 0)      /* +05:30, then +05:45 from 1986 */
ZONE_TEST(eucla, "Australia/Eucla", 0)         /* +08:45 */
ZONE_TEST(chatham, "Pacific/Chatham", 0)       /* +12:45 with DST; footer times 2:45/3:45 */
ZONE_TEST(st_johns, "America/St_Johns", 0)     /* -03:30 with DST */
ZONE_TEST(tehran, "Asia/Tehran", 0)            /* +03:30, DST until 2022 */
ZONE_TEST(moscow, "Europe/Moscow", 0)          /* DST dropped 2011, offset changed 2014 */
ZONE_TEST(sao_paulo, "America/Sao_Paulo", 0)   /* southern DST until 2019 */
ZONE_TEST(havana, "America/Havana", 0)         /* DST starts at midnight: the day's gap */
ZONE_TEST(beirut, "Asia/Beirut", 0)            /* DST started at midnight */
ZONE_TEST(lord_howe, "Australia/Lord_Howe", 0) /* 30-minute DST */
ZONE_TEST(apia, "Pacific/Apia", 1)             /* skipped 2011-12-30 altogether */
ZONE_TEST(dublin, "Europe/Dublin", 0)          /* negative DST in winter (IST-1GMT0) */
ZONE_TEST(jerusalem, "Asia/Jerusalem", 0)      /* footer time past 24:00 (M3.4.4/26) */
ZONE_TEST(nuuk, "America/Nuuk", 0)             /* footer time below 00:00 (M3.5.0/-1) */
ZONE_TEST(troll, "Antarctica/Troll", 0)        /* two-hour DST */
ZONE_TEST(casablanca, "Africa/Casablanca", 0)  /* Ramadan changes listed to 2087 */

/* ---- hand-worked examples ---- */

Test(tz, berlin_dst_days)
{
    struct tz *z = load("Europe/Berlin");
    /* EU rules: summer time from the last Sunday of March (2026-03-29) at 01:00 UTC to the last
     * Sunday of October (2026-10-25) at 01:00 UTC; CET is +01:00, CEST +02:00. */
    int64_t mar29 = time_days_from_civil(2026, 3, 29), oct25 = time_days_from_civil(2026, 10, 25);
    cr_assert_eq(tz_day_start(z, mar29), iso("2026-03-28T23:00:00Z"));     /* 00:00 CET */
    cr_assert_eq(tz_day_start(z, mar29 + 1), iso("2026-03-29T22:00:00Z")); /* 00:00 CEST */
    cr_assert_eq(tz_day_start(z, mar29 + 1) - tz_day_start(z, mar29), 23 * 3600 * 1000LL);
    cr_assert_eq(tz_day_start(z, oct25), iso("2026-10-24T22:00:00Z"));
    cr_assert_eq(tz_day_start(z, oct25 + 1), iso("2026-10-25T23:00:00Z"));
    cr_assert_eq(tz_day_start(z, oct25 + 1) - tz_day_start(z, oct25), 25 * 3600 * 1000LL);

    cr_assert_eq(tz_offset(z, iso("2026-03-29T00:59:59Z")), 3600);
    cr_assert_eq(tz_offset(z, iso("2026-03-29T01:00:00Z")), 7200);
    cr_assert_eq(tz_offset(z, iso("2026-10-25T00:59:59Z")), 7200);
    cr_assert_eq(tz_offset(z, iso("2026-10-25T01:00:00Z")), 3600);
    /* 23:30 UTC on the 28th is already 00:30 CET on the 29th. */
    cr_assert_eq(tz_local_day(z, iso("2026-03-28T23:30:00Z")), mar29);
    cr_assert_eq(tz_period_start(z, TZ_DAY, iso("2026-03-29T12:00:00Z")),
                 iso("2026-03-28T23:00:00Z"));
    tz_free(z);
}

Test(tz, auckland_week)
{
    struct tz *z = load("Pacific/Auckland");
    /* NZ daylight time (+13) lasts until the first Sunday of April (2026-04-05), so Monday
     * 2026-03-30 00:00 NZDT is 2026-03-29T11:00:00Z; any instant of that week cuts there. */
    int64_t start = iso("2026-03-29T11:00:00Z");
    cr_assert_eq(tz_period_start(z, TZ_WEEK, start), start);
    cr_assert_eq(tz_period_start(z, TZ_WEEK, iso("2026-04-05T11:59:59Z")),
                 start); /* Sun 23:59:59 NZST */
    cr_assert_eq(tz_period_start(z, TZ_WEEK, iso("2026-03-29T10:59:59Z")),
                 iso("2026-03-22T11:00:00Z")); /* Sunday 23:59:59 the week before */
    /* The next Monday is in standard time (+12): 2026-04-06 00:00 NZST = 2026-04-05T12:00Z, so
     * this week lasted 7 days and an hour. */
    cr_assert_eq(tz_period_add(z, TZ_WEEK, start, 1), iso("2026-04-05T12:00:00Z"));
    char label[16];
    tz_format_period(z, TZ_WEEK, start, label);
    cr_assert_str_eq(label, "2026-03-30");
    /* In UTC the same instant is in the week of Monday 2026-03-23. */
    tz_format_period(tz_utc(), TZ_WEEK, start, label);
    cr_assert_str_eq(label, "2026-03-23");
    tz_free(z);
}

Test(tz, labels)
{
    struct tz *z = load("Europe/Berlin");
    char s[16];
    /* 2026-03-31T22:30Z is 2026-04-01 00:30 CEST: the second quarter in Berlin, the first in UTC.
     */
    int64_t t = iso("2026-03-31T22:30:00Z");
    tz_format_period(z, TZ_QUARTER, t, s);
    cr_assert_str_eq(s, "2026-Q2");
    tz_format_period(tz_utc(), TZ_QUARTER, t, s);
    cr_assert_str_eq(s, "2026-Q1");
    cr_assert_eq(tz_period_start(z, TZ_QUARTER, t), iso("2026-03-31T22:00:00Z"));
    tz_format_period(z, TZ_MONTH, t, s);
    cr_assert_str_eq(s, "2026-04");
    tz_format_period(z, TZ_DAY, t, s);
    cr_assert_str_eq(s, "2026-04-01");
    tz_format_period(z, TZ_WEEK, t, s); /* Wednesday 2026-04-01: its week began Monday 03-30 */
    cr_assert_str_eq(s, "2026-03-30");
    /* New Year's Eve 23:30 UTC is already 2026 in Berlin (+01:00). */
    t = iso("2025-12-31T23:30:00Z");
    tz_format_period(z, TZ_YEAR, t, s);
    cr_assert_str_eq(s, "2026");
    tz_format_period(z, TZ_QUARTER, t, s);
    cr_assert_str_eq(s, "2026-Q1");
    tz_format_period(tz_utc(), TZ_YEAR, t, s);
    cr_assert_str_eq(s, "2025");
    cr_assert_eq(tz_period_start(z, TZ_YEAR, t), iso("2025-12-31T23:00:00Z"));
    /* Quarters: Q3 holds July to September. */
    tz_format_period(tz_utc(), TZ_QUARTER, iso("2026-09-30T23:59:59Z"), s);
    cr_assert_str_eq(s, "2026-Q3");
    tz_format_period(tz_utc(), TZ_QUARTER, iso("2026-10-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "2026-Q4");
    tz_free(z);
}

Test(tz, period_add_lands_on_local_midnight)
{
    struct tz *z = load("Europe/Berlin");
    /* 2026-03-01 00:00 CET = 2026-02-28T23:00Z; a month on, 2026-04-01 00:00 is CEST (+02:00),
     * so the step is 31 days less an hour and lands on 2026-03-31T22:00Z, not 23:00Z. */
    int64_t march = iso("2026-02-28T23:00:00Z");
    cr_assert_eq(tz_period_start(z, TZ_MONTH, iso("2026-03-15T12:00:00Z")), march);
    cr_assert_eq(tz_period_add(z, TZ_MONTH, march, 1), iso("2026-03-31T22:00:00Z"));
    cr_assert_eq(tz_period_add(z, TZ_DAY, tz_day_start(z, time_days_from_civil(2026, 3, 29)), 1),
                 iso("2026-03-29T22:00:00Z"));
    /* Monday 2026-03-23 00:00 CET → Monday 2026-03-30 00:00 CEST. */
    cr_assert_eq(tz_period_add(z, TZ_WEEK, iso("2026-03-22T23:00:00Z"), 1),
                 iso("2026-03-29T22:00:00Z"));
    /* Backwards across the October change: 2026-11-01 00:00 CET → 2026-10-01 00:00 CEST. */
    cr_assert_eq(tz_period_add(z, TZ_MONTH, iso("2026-10-31T23:00:00Z"), -1),
                 iso("2026-09-30T22:00:00Z"));
    /* Quarters and years count months: Q1 2026 + 1 = 2026-04-01 (CEST), - 4 = 2025-01-01 (CET). */
    int64_t q1 = iso("2025-12-31T23:00:00Z");
    cr_assert_eq(tz_period_add(z, TZ_QUARTER, q1, 1), iso("2026-03-31T22:00:00Z"));
    cr_assert_eq(tz_period_add(z, TZ_QUARTER, q1, -4), iso("2024-12-31T23:00:00Z"));
    cr_assert_eq(tz_period_add(z, TZ_YEAR, q1, 1), iso("2026-12-31T23:00:00Z"));
    tz_free(z);
}

Test(tz, midnight_gap)
{
    struct tz *z = load("America/Havana");
    /* Cuba's footer "CST5CDT,M3.2.0/0,M11.1.0/1": on Sunday 2026-03-08 clocks jump from 00:00
     * CST (-05:00) to 01:00 CDT, so the day has no midnight and starts at 01:00 CDT =
     * 05:00 UTC, the end of the gap. */
    int64_t day = time_days_from_civil(2026, 3, 8);
    int64_t start = tz_day_start(z, day);
    cr_assert_eq(start, iso("2026-03-08T05:00:00Z"));
    char s[40];
    tz_format_iso(z, start, s);
    cr_assert_str_eq(s, "2026-03-08T01:00:00-04:00");
    tz_format_iso(z, start - 1000, s);
    cr_assert_str_eq(s, "2026-03-07T23:59:59-05:00");
    cr_assert_eq(tz_period_start(z, TZ_DAY, start + 3600 * 1000), start);
    cr_assert_eq(tz_period_add(z, TZ_DAY, start, -1), iso("2026-03-07T05:00:00Z"));
    tz_free(z);

    /* Samoa moved across the date line after 2011-12-29 (-10:00) straight to 2011-12-31 (+14:00):
     * 2011-12-30 never began, so its "start" is where the 31st starts, 2011-12-30T10:00Z. */
    z = load("Pacific/Apia");
    day = time_days_from_civil(2011, 12, 30);
    cr_assert_eq(tz_day_start(z, day), iso("2011-12-30T10:00:00Z"));
    cr_assert_eq(tz_day_start(z, day + 1), iso("2011-12-30T10:00:00Z"));
    cr_assert_eq(tz_local_day(z, iso("2011-12-30T10:00:00Z")), day + 1);
    cr_assert_eq(tz_local_day(z, iso("2011-12-30T09:59:59Z")), day - 1);
    tz_free(z);
}

Test(tz, format_iso)
{
    char s[40];
    struct tz *z = load("Europe/Berlin");
    /* An hour after the 2026 spring change (01:00Z) it is 03:30 CEST; just before it, CET. */
    tz_format_iso(z, iso("2026-03-29T01:30:00Z"), s);
    cr_assert_str_eq(s, "2026-03-29T03:30:00+02:00");
    tz_format_iso(z, iso("2026-03-29T00:59:59.5Z"), s);
    cr_assert_str_eq(s, "2026-03-29T01:59:59.500+01:00");
    /* Berlin kept local mean time, 13°24' east = +00:53:28, until 1893-04-01. */
    tz_format_iso(z, iso("1890-01-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "1890-01-01T00:53:28+00:53:28");
    tz_free(z);

    tz_format_iso(tz_utc(), iso("2026-03-29T01:30:00.123Z"), s);
    cr_assert_str_eq(s, "2026-03-29T01:30:00.123Z");
    z = load("Asia/Kolkata");
    tz_format_iso(z, iso("2026-01-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "2026-01-01T05:30:00+05:30");
    tz_free(z);
    z = load("America/St_Johns"); /* NST, -03:30, in January */
    tz_format_iso(z, iso("2026-01-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "2025-12-31T20:30:00-03:30");
    tz_free(z);
    /* London in winter is at +00:00 but is not UTC; Etc/UTC is. */
    z = load("Europe/London");
    tz_format_iso(z, iso("2026-01-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "2026-01-01T00:00:00+00:00");
    tz_free(z);
    z = load("Etc/UTC");
    tz_format_iso(z, iso("2026-01-01T00:00:00Z"), s);
    cr_assert_str_eq(s, "2026-01-01T00:00:00Z");
    tz_free(z);
}

Test(tz, utc)
{
    const struct tz *u = tz_utc();
    struct tz *z = load("UTC"); /* needs no file */
    cr_assert_eq(z, u);
    tz_free(z); /* a no-op on the static zone */
    tz_free(NULL);
    cr_assert_str_eq(tz_name(u), "UTC");
    int64_t t = iso("2026-03-29T01:30:00Z");
    cr_assert_eq(tz_offset(u, t), 0);
    cr_assert_eq(tz_local_day(u, t), time_days_from_civil(2026, 3, 29));
    /* In UTC the cuts are base/time.h's. */
    cr_assert_eq(tz_period_start(u, TZ_DAY, t), time_day_start(t));
    cr_assert_eq(tz_period_start(u, TZ_WEEK, t), time_week_start(t));
    cr_assert_eq(tz_period_start(u, TZ_MONTH, t), time_month_start(t));
    cr_assert_eq(tz_period_start(u, TZ_QUARTER, t), time_quarter_start(t));
    cr_assert_eq(tz_period_start(u, TZ_YEAR, t), iso("2026-01-01"));
    cr_assert_eq(tz_period_add(u, TZ_MONTH, time_month_start(t), -14),
                 time_add_months(time_month_start(t), -14));
    cr_assert_eq(tz_local_day(u, -1), -1); /* 1969-12-31T23:59:59.999Z */
}

/* ---- names that are not zones ---- */

static void refused(const char *name, const char *expect)
{
    struct tz *z = (struct tz *)1;
    struct lf_err err = {0};
    cr_assert_eq(tz_load(name, &z, &err), -1, "'%s' was accepted", name);
    cr_assert_null(z);
    cr_assert_eq(err.code, LF_EINVAL, "'%s': code %d: %s", name, err.code, err.msg);
    cr_assert_not_null(strstr(err.msg, expect), "'%s': message '%s' lacks '%s'", name, err.msg,
                       expect);
}

Test(tz, bad_names)
{
    refused("Nowhere/City", "unknown time zone 'Nowhere/City'");
    refused("../../etc/passwd", "'../../etc/passwd' is not a time zone name");
    refused("/usr/share/zoneinfo/UTC", "is not a time zone name");
    refused("Europe/../Europe/Berlin", "is not a time zone name");
    refused("", "'' is not a time zone name");
    refused("Europe", "unknown time zone 'Europe'"); /* a directory */
    refused("zone.tab", "time zone 'zone.tab'");
    refused("zone.tab", "zone.tab' is not a TZif file");
    refused("right/UTC", "counts leap seconds"); /* its times are not unix times */
    char longname[201];
    memset(longname, 'A', 200);
    longname[200] = '\0';
    refused(longname, "time zone name 'AAAAAAAA");
    refused(longname, "longer than 64 bytes");
}

/* A temporary $TZDIR, removed by the caller with tmp_rm. */
static char tmpdir[64];

static void tmp_tzdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/landfall-tz-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    cr_assert_eq(setenv("TZDIR", tmpdir, 1), 0);
}

static void tmp_write(const char *name, const void *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void tmp_rm(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);
}

Test(tz, not_tzif_under_tzdir)
{
    tmp_tzdir();
    tmp_write("Bad", "hello, not a zone\n", 18);
    refused("Bad", "time zone 'Bad'");
    refused("Bad", "is not a TZif file");
    tmp_write("Short", "TZif2\0\0\0", 8); /* the magic, and then too little */
    refused("Short", "is not a TZif file");
    refused("Europe/Berlin", "unknown time zone 'Europe/Berlin'"); /* $TZDIR is honoured */
    tmp_rm("Bad");
    tmp_rm("Short");
    rmdir(tmpdir);
}

/* ---- POSIX TZ footers ---- */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Writes a TZif version 2 file with no transitions and one local time type (offset `off`), so
 * that every instant is governed by `footer`, as in Debian's "slim" files after their last
 * listed transition. RFC 8536 section 3: a 44-byte header, the version 1 data block, the
 * header again, the version 2 block, then "\n" footer "\n". */
static void write_footer_zone(const char *name, int32_t off, const char *footer)
{
    unsigned char f[256] = {0};
    size_t n = 0;
    for (int part = 0; part < 2; part++) {
        memcpy(f + n, "TZif2", 5);
        put32(f + n + 36, 1); /* typecnt */
        put32(f + n + 40, 4); /* charcnt: "ABC\0" */
        n += 44;
        put32(f + n, (uint32_t)off); /* ttinfo: utoff, isdst 0, desigidx 0 */
        n += 6;
        memcpy(f + n, "ABC", 4);
        n += 4;
    }
    size_t flen = strlen(footer);
    cr_assert_lt(n + flen + 2, sizeof(f));
    f[n++] = '\n';
    memcpy(f + n, footer, flen);
    n += flen;
    f[n++] = '\n';
    tmp_write(name, f, n);
}

Test(tz, footer_only_zone)
{
    tmp_tzdir();
    write_footer_zone("Slim", 3600, "CET-1CEST,M3.5.0,M10.5.0/3");
    struct tz *z = load("Slim");
    /* 2040: summer time from Sunday 03-25 (the last of March) at 02:00 CET = 01:00 UTC
     * (date -u -d 2040-03-25T01:00:00Z +%s = 2216250000) to Sunday 10-28 at 03:00 CEST =
     * 01:00 UTC (2234998800). */
    cr_assert_eq(tz_offset(z, 2216250000000LL - 1000), 3600);
    cr_assert_eq(tz_offset(z, 2216250000000LL), 7200);
    cr_assert_eq(tz_offset(z, 2234998800000LL - 1000), 7200);
    cr_assert_eq(tz_offset(z, 2234998800000LL), 3600);
    cr_assert_eq(tz_offset(z, iso("2040-01-15T12:00:00Z")), 3600);
    cr_assert_eq(tz_offset(z, iso("2040-07-15T12:00:00Z")), 7200);
    /* A 23-hour day: 2040-03-25 00:00 CET to 2040-03-26 00:00 CEST. */
    int64_t day = time_days_from_civil(2040, 3, 25);
    cr_assert_eq(tz_day_start(z, day), iso("2040-03-24T23:00:00Z"));
    cr_assert_eq(tz_day_start(z, day + 1), iso("2040-03-25T22:00:00Z"));
    tz_free(z);
    tmp_rm("Slim");
    rmdir(tmpdir);
}

/* Footer-only files against glibc reading the same strings as TZ values: the POSIX forms
 * (Mm.w.d, Jn, n, times past 24:00 and below 00:00, minutes in offsets and times, a
 * southern-hemisphere order, negative DST, a fixed "<-03>3"). */
Test(tz, footers_match_glibc)
{
    static const char *footers[] = {
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "<-03>3",
        "<+0545>-5:45",
        "EST5EDT,M3.2.0,M11.1.0",
        "AAA3BBB,J60/1:30,J300",           /* March 1 and October 27, every year */
        "AAA3BBB,59/1:30,299",             /* the 60th and 300th day, counting February 29 */
        "IST-2IDT,M3.4.4/26,M10.5.0",      /* Israel: Friday 02:00 written as Thursday 26:00 */
        "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", /* Greenland: Saturday 23:00 written as Sunday -1:00 */
        "IST-1GMT0,M10.5.0,M3.5.0/1", /* Ireland: winter is the "daylight" time, an hour back */
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
        "AEST-10AEDT,M10.1.0,M4.1.0/3",
        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
        "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
        "AAA0BBB,M3.5.0/23:30,M10.5.0/3", /* a gap from 23:30 to 00:30 swallows a midnight */
    };
    tmp_tzdir();
    for (size_t i = 0; i < sizeof(footers) / sizeof(*footers); i++) {
        write_footer_zone("Footer", 0, footers[i]);
        struct tz *z = load("Footer");
        use_glibc_zone(footers[i]);
        time_t from = (time_t)time_days_from_civil(2020, 1, 1) * 86400;
        time_t to = (time_t)time_days_from_civil(2045, 1, 1) * 86400;
        int changes = compare_offsets(footers[i], z, from, to);
        /* A rule with DST changes twice a year; a fixed offset never. */
        cr_assert_eq(changes, strchr(footers[i], ',') ? 50 : 0, "%s: %d", footers[i], changes);
        int skipped;
        compare_day_starts(footers[i], z, from / 86400, to / 86400, &skipped);
        cr_assert_eq(skipped, 0);
        tz_free(z);
    }
    tmp_rm("Footer");
    rmdir(tmpdir);
}

/* A version 1 file (32-bit times, no footer): after its last transition its last type holds. */
Test(tz, version1_file)
{
    unsigned char f[128] = {0};
    memcpy(f, "TZif", 4); /* version byte 0 */
    put32(f + 32, 2);     /* timecnt */
    put32(f + 36, 2);     /* typecnt */
    put32(f + 40, 4);     /* charcnt */
    size_t n = 44;
    put32(f + n, 1774746000);     /* 2026-03-29T01:00:00Z (date -u -d … +%s) */
    put32(f + n + 4, 1792890000); /* 2026-10-25T01:00:00Z */
    n += 8;
    f[n++] = 1, f[n++] = 0; /* to type 1 (+02:00), then back to type 0 (+01:00) */
    put32(f + n, 3600), n += 6;
    put32(f + n, 7200), f[n + 4] = 1, n += 6;
    memcpy(f + n, "ABC", 4), n += 4;
    tmp_tzdir();
    tmp_write("Old", f, n);
    struct tz *z = load("Old");
    cr_assert_eq(tz_offset(z, iso("2000-01-01T00:00:00Z")), 3600); /* type 0 before the first */
    cr_assert_eq(tz_offset(z, 1774746000000LL - 1), 3600);
    cr_assert_eq(tz_offset(z, 1774746000000LL), 7200);
    cr_assert_eq(tz_offset(z, 1792890000000LL - 1), 7200);
    cr_assert_eq(tz_offset(z, 1792890000000LL), 3600);
    cr_assert_eq(tz_offset(z, iso("2040-07-01T00:00:00Z")), 3600); /* no footer: type 0 holds */
    tz_free(z);
    tmp_rm("Old");
    rmdir(tmpdir);
}

Test(tz, bad_footer)
{
    tmp_tzdir();
    write_footer_zone("Garbled", 0, "CET-1CEST,M3.5.0");
    refused("Garbled", "time zone 'Garbled'");
    refused("Garbled", "footer is not a POSIX TZ string");
    write_footer_zone("Garbled", 0, "CET-1CEST,M13.5.0,M10.5.0");
    refused("Garbled", "footer is not a POSIX TZ string");
    write_footer_zone("Garbled", 0, "X-1");
    refused("Garbled", "footer is not a POSIX TZ string");
    tmp_rm("Garbled");
    rmdir(tmpdir);
}
