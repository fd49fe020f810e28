/* tz.h - IANA time zones from the system's TZif files: the UTC offset at any instant, and
 * calendar periods (days, Monday weeks, months, quarters, years) cut at local midnight. */
#ifndef BASE_TZ_H
#define BASE_TZ_H

#include <stdint.h>

#include "err.h"

struct tz; /* immutable once loaded: safe to share between threads */

/* The longest zone name tz_load accepts, in bytes. */
#define TZ_NAME_MAX 64

/* Loads zone `name` ("UTC" needs no file) from $TZDIR, else /usr/share/zoneinfo. LF_EINVAL with a
 * message quoting the name for a name that is not a zone (also "../x", absolute paths, empty,
 * over TZ_NAME_MAX bytes, a file that is not TZif, or a "right/" zone that counts leap seconds);
 * LF_EIO when an existing zone file cannot be read. *out is the caller's: tz_free(). */
int tz_load(const char *name, struct tz **out, struct lf_err *err);
const struct tz *tz_utc(void);           /* a static UTC zone */
void tz_free(struct tz *z);              /* NULL and tz_utc() are no-ops */
const char *tz_name(const struct tz *z); /* borrowed, as given to tz_load ("UTC" for tz_utc()) */

/* Seconds east of UTC in effect at instant ms. */
int32_t tz_offset(const struct tz *z, int64_t ms);
/* The local date of instant ms as days since 1970-01-01 (so calendar-day differences are a
 * subtraction). */
int64_t tz_local_day(const struct tz *z, int64_t ms);
/* The first instant of local date `day` (days since 1970-01-01): local midnight, or, when a DST
 * gap swallows midnight (e.g. America/Havana, Asia/Beirut historically), the end of the gap. A
 * date the zone skipped altogether (Pacific/Apia's 2011-12-30) starts where the next one does. */
int64_t tz_day_start(const struct tz *z, int64_t day);

/* Parses a time as time_parse does; a date, or a time without "Z" or an offset, is a wall-clock
 * time of zone z ("2026-03-01" is z's midnight; in a DST gap the time after the gap, in an
 * overlap the first), while unix seconds or a time with "Z" or an offset names its instant. */
int tz_parse_time(const struct tz *z, const char *s, int64_t *ms_out, const char **why);
enum tz_period { TZ_DAY, TZ_WEEK, TZ_MONTH, TZ_QUARTER, TZ_YEAR };
/* The start of the period holding ms (weeks start on Monday). */
int64_t tz_period_start(const struct tz *z, int period, int64_t ms);
/* The start of the period n periods after (n < 0: before) the one starting at `start` (any
 * instant of that period will do). */
int64_t tz_period_add(const struct tz *z, int period, int64_t start, int n);
/* Labels of the period holding `start`: "2026-03-30" (day, week: its Monday), "2026-03",
 * "2026-Q1", "2026". */
void tz_format_period(const struct tz *z, int period, int64_t start, char out[16]);
/* "2026-03-29T02:30:00+02:00" (local time and its offset; "Z" for the UTC zone itself), with
 * ".123" when there are milliseconds, and ":SS" on the offset when it has seconds (local mean
 * times before about 1900). */
void tz_format_iso(const struct tz *z, int64_t ms, char out[40]);

#endif
