/* time.h - instants as int64 milliseconds since the Unix epoch, UTC; calendar arithmetic on them. */
#ifndef BASE_TIME_H
#define BASE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS_PER_SEC 1000LL
#define MS_PER_DAY 86400000LL
/* The instants time_format_iso writes exactly, and time_parse can give: from 0000-01-01T00:00Z
 * up to (not including) 10000-01-01T00:00Z. Outside them the year printed is clamped. */
#define TIME_MIN_MS (-62167219200000LL)
#define TIME_END_MS 253402300800000LL
/* The times a caller may ask about (a metric's parameters, a command's --now or --date, the
 * API's now or date): 1970-01-01 up to (not including) 2200-01-01. */
#define TIME_ASK_MIN_MS 0LL
#define TIME_ASK_END_MS 7258118400000LL

/* Parses "2024-03-01", "2024-03-01T12:00:00", "…Z", "…+02:00", "….123", a space instead of 'T',
 * or unix seconds ("1709251200", "1709251200.5"). Returns 0, or -1 with a reason in *why
 * (a static string). */
int time_parse(const char *s, size_t len, int64_t *ms_out, const char **why);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);

int64_t time_ms_from_civil(int y, int m, int d);
int64_t time_day_start(int64_t ms);
int64_t time_week_start(int64_t ms);     /* weeks start on Monday */
int64_t time_month_start(int64_t ms);
int64_t time_quarter_start(int64_t ms);
int64_t time_add_months(int64_t month_start_ms, int months);
int64_t time_now_ms(void);

/* Writes "2024-03-01T12:00:00Z" (or ".123Z" when there are milliseconds) into out[32]. */
void time_format_iso(int64_t ms, char out[32]);
void time_format_date(int64_t ms, char out[16]);     /* "2024-03-01" */
void time_format_month(int64_t ms, char out[16]);    /* "2024-03" */
void time_format_quarter(int64_t ms, char out[16]);  /* "2024-Q1" */

#endif
