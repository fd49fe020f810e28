/* time.c - parsing and cutting timestamps without the C library's time-zone state. */
#include "time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil algorithm (public domain description). */
int64_t time_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t time_ms_from_civil(int y, int m, int d)
{
    return time_days_from_civil(y, m, d) * MS_PER_DAY;
}

int64_t time_day_start(int64_t ms)
{
    return floordiv(ms, MS_PER_DAY) * MS_PER_DAY;
}

int64_t time_week_start(int64_t ms)
{
    int64_t days = floordiv(ms, MS_PER_DAY);
    int64_t weekday = ((days % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
    return (days - weekday) * MS_PER_DAY;
}

int64_t time_month_start(int64_t ms)
{
    int y, m, d;
    time_civil_from_days(floordiv(ms, MS_PER_DAY), &y, &m, &d);
    return time_ms_from_civil(y, m, 1);
}

int64_t time_quarter_start(int64_t ms)
{
    int y, m, d;
    time_civil_from_days(floordiv(ms, MS_PER_DAY), &y, &m, &d);
    return time_ms_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
}

int64_t time_add_months(int64_t month_start_ms, int months)
{
    int y, m, d;
    time_civil_from_days(floordiv(month_start_ms, MS_PER_DAY), &y, &m, &d);
    int64_t idx = (int64_t)y * 12 + (m - 1) + months;
    return time_ms_from_civil((int)floordiv(idx, 12), (int)(idx - floordiv(idx, 12) * 12) + 1, d);
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int digits(const char *s, size_t len, size_t *pos, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*pos >= len || s[*pos] < '0' || s[*pos] > '9')
            return -1;
        v = v * 10 + (s[(*pos)++] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

static int parse_unix(const char *s, size_t len, int64_t *ms_out, const char **why)
{
    int64_t sec = 0, frac_ms = 0;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (sec > 100000000000LL) {
            *why = "unix time out of range";
            return -1;
        }
        sec = sec * 10 + (s[i] - '0');
    }
    if (i < len && s[i] == '.') {
        int64_t scale = 100;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
            frac_ms += (s[i] - '0') * scale;
    }
    if (i != len) {
        *why = "not an ISO 8601 time or unix seconds";
        return -1;
    }
    *ms_out = sec * 1000 + frac_ms;
    return 0;
}

int time_parse(const char *s, size_t len, int64_t *ms_out, const char **why)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0) {
        *why = "empty time";
        return -1;
    }
    if (len < 10 || s[4] != '-')
        return parse_unix(s, len, ms_out, why);

    size_t p = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    *why = "not an ISO 8601 time (expected YYYY-MM-DD[THH:MM[:SS[.sss]]][Z|±HH:MM])";
    if (digits(s, len, &p, 4, &y) || s[p++] != '-' || digits(s, len, &p, 2, &mo) ||
        p >= len || s[p++] != '-' || digits(s, len, &p, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
        *why = "no such calendar date";
        return -1;
    }
    int64_t offset_min = 0;
    if (p < len && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
        p++;
        if (digits(s, len, &p, 2, &h) || p >= len || s[p++] != ':' || digits(s, len, &p, 2, &mi))
            return -1;
        if (p < len && s[p] == ':') {
            p++;
            if (digits(s, len, &p, 2, &sec))
                return -1;
            if (p < len && (s[p] == '.' || s[p] == ',')) {
                p++;
                int scale = 100, nd = 0;
                for (; p < len && s[p] >= '0' && s[p] <= '9'; p++, nd++, scale /= 10)
                    ms += (s[p] - '0') * scale;
                if (nd == 0)
                    return -1;
            }
        }
        if (h > 23 || mi > 59 || sec > 60) {
            *why = "hour, minute or second out of range";
            return -1;
        }
        if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
            p++;
        } else if (p < len && (s[p] == '+' || s[p] == '-')) {
            int sign = s[p++] == '-' ? -1 : 1, oh, om = 0;
            if (digits(s, len, &p, 2, &oh))
                return -1;
            if (p < len && s[p] == ':')
                p++;
            if (p < len && digits(s, len, &p, 2, &om))
                return -1;
            if (oh > 14 || om > 59) {
                *why = "time zone offset out of range";
                return -1;
            }
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (p != len)
        return -1;
    if (sec == 60)
        sec = 59; /* a leap second is held at :59.999 rather than refused */
    *ms_out = time_days_from_civil(y, mo, d) * MS_PER_DAY +
              ((int64_t)h * 3600 + mi * 60 + sec - offset_min * 60) * 1000 + ms;
    return 0;
}

/* The calendar fields of ms, bounded so that each prints in its fixed width (years 0..9999). */
struct civil {
    unsigned y, m, d, hh, mm, ss, milli;
};

static struct civil civil_of(int64_t ms)
{
    int64_t days = floordiv(ms, MS_PER_DAY), rem = ms - days * MS_PER_DAY;
    int y, m, d;
    time_civil_from_days(days, &y, &m, &d);
    unsigned sec = (unsigned)(rem / 1000);
    return (struct civil){.y = y < 0 ? 0 : y > 9999 ? 9999 : (unsigned)y,
                          .m = (unsigned)m % 100, .d = (unsigned)d % 100,
                          .hh = sec / 3600 % 100, .mm = sec / 60 % 60, .ss = sec % 60,
                          .milli = (unsigned)(rem % 1000)};
}

/* Writes v as `width` decimal digits at p; returns the end. */
static char *put_digits(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

/* By hand, not snprintf: ingestion writes one per event (a tenth of snprintf's cost). */
void time_format_iso(int64_t ms, char out[32])
{
    struct civil c = civil_of(ms);
    char *p = put_digits(out, c.y, 4);
    *p++ = '-';
    p = put_digits(p, c.m, 2);
    *p++ = '-';
    p = put_digits(p, c.d, 2);
    *p++ = 'T';
    p = put_digits(p, c.hh, 2);
    *p++ = ':';
    p = put_digits(p, c.mm, 2);
    *p++ = ':';
    p = put_digits(p, c.ss, 2);
    if (c.milli) {
        *p++ = '.';
        p = put_digits(p, c.milli, 3);
    }
    *p++ = 'Z';
    *p = '\0';
}

void time_format_date(int64_t ms, char out[16])
{
    struct civil c = civil_of(ms);
    snprintf(out, 16, "%04u-%02u-%02u", c.y, c.m, c.d);
}

void time_format_month(int64_t ms, char out[16])
{
    struct civil c = civil_of(ms);
    snprintf(out, 16, "%04u-%02u", c.y, c.m);
}

void time_format_quarter(int64_t ms, char out[16])
{
    struct civil c = civil_of(ms);
    snprintf(out, 16, "%04u-Q%u", c.y, (c.m + 2) / 3 % 10);
}
