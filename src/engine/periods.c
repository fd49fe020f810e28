/* periods.c - calendar periods (days, Monday weeks, months, blocks of days) as arrays of boundaries
 * computed once per query. Scans find an event's period among them (eng_periods_at: a guess from
 * the mean length checked against the boundaries), never by dividing timestamps by a day:
 * cutting in a workspace's time zone is then a matter of other boundaries, and the helpers below
 * (period_start, period_next, days_before) and eng_day_number (engine_int.h) are the only places
 * that know the calendar: UTC's arithmetic, or the query's time zone (base/tz.c). */
#include <stdlib.h>

#include "base/mem.h"
#include "base/time.h"
#include "base/tz.h"
#include "engine_int.h"

#define MAX_PERIODS 100000 /* 270 years of days: a window longer than that is a mistake */

static int tz_period_of(int period)
{
    return period == ENGINE_WEEK ? TZ_WEEK : period == ENGINE_MONTH ? TZ_MONTH : TZ_DAY;
}

static int64_t period_start(const struct tz *tz, int period, int64_t ms)
{
    if (tz)
        return tz_period_start(tz, tz_period_of(period), ms);
    switch (period) {
    case ENGINE_WEEK:
        return time_week_start(ms);
    case ENGINE_MONTH:
        return time_month_start(ms);
    default:
        return time_day_start(ms);
    }
}

static int64_t period_next(const struct tz *tz, int period, int64_t start)
{
    if (tz)
        return tz_period_add(tz, tz_period_of(period), start, 1);
    switch (period) {
    case ENGINE_WEEK:
        return start + 7 * MS_PER_DAY;
    case ENGINE_MONTH:
        return time_add_months(start, 1);
    default:
        return start + MS_PER_DAY;
    }
}

/* The same time of day n calendar days earlier (in a zone with DST not always n × 24 hours). */
static int64_t days_before(const struct tz *tz, int64_t ms, int n)
{
    if (!tz)
        return ms - (int64_t)n * MS_PER_DAY;
    int64_t day = tz_local_day(tz, ms);
    return tz_day_start(tz, day - n) + (ms - tz_day_start(tz, day));
}

/* Event seconds of a boundary, clamped to the column's range: events at second t belong to
 * [ms, …) when t >= the boundary's seconds, boundaries being whole seconds. */
static uint32_t bound_secs(int64_t ms)
{
    return eng_sec(ms);
}

static void push(struct eng_periods *p, size_t *cap, int64_t ms)
{
    p->ms = xgrow(p->ms, sizeof(*p->ms), p->nr + 2, cap);
    p->ms[p->nr++] = ms;
}

static void finish(struct eng_periods *p)
{
    /* nr counted the boundaries pushed: nr - 1 periods */
    p->nr = p->nr ? p->nr - 1 : 0;
    p->s = xmalloc((p->nr + 1) * sizeof(*p->s));
    for (size_t i = 0; i <= p->nr; i++)
        p->s[i] = bound_secs(p->ms[i]);
    uint64_t mean = p->nr && p->s[p->nr] > p->s[0] ? (p->s[p->nr] - p->s[0]) / p->nr : 1;
    if (!mean)
        mean = 1;
    p->inv = ((1ULL << 32) + mean - 1) / mean;
}

int eng_periods_make(struct eng_periods *p, const struct tz *tz, int period, int64_t from,
                     int64_t to, struct lf_err *err)
{
    *p = (struct eng_periods){0};
    size_t cap = 0;
    if (from >= to) {
        push(p, &cap, from);
        finish(p);
        return 0;
    }
    int64_t b = period_start(tz, period, from);
    push(p, &cap, b);
    while (b < to) {
        if (p->nr > MAX_PERIODS) {
            eng_periods_release(p);
            return err_set(err, LF_EUSAGE, "the window is too long: more than %d periods",
                           MAX_PERIODS);
        }
        b = period_next(tz, period, b);
        push(p, &cap, b);
    }
    finish(p);
    return 0;
}

void eng_periods_blocks(struct eng_periods *p, const struct tz *tz, int64_t to, int blocks,
                        int days)
{
    *p = (struct eng_periods){0};
    size_t cap = 0;
    for (int k = blocks; k >= 0; k--)
        push(p, &cap, days_before(tz, to, k * days));
    finish(p);
}

void eng_periods_release(struct eng_periods *p)
{
    free(p->ms);
    free(p->s);
    *p = (struct eng_periods){0};
}

double eng_periods_cover(const struct eng_periods *p, int64_t from, int64_t to)
{
    double days = 0;
    for (size_t i = 0; i < p->nr; i++) {
        int64_t lo = p->ms[i] > from ? p->ms[i] : from;
        int64_t hi = p->ms[i + 1] < to ? p->ms[i + 1] : to;
        if (hi > lo)
            days += (double)(hi - lo) / (double)(p->ms[i + 1] - p->ms[i]);
    }
    return days;
}
