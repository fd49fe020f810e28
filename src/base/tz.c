/* tz.c - IANA time zones read from the system's TZif files (RFC 8536), without the C library's
 * process-global TZ, so that many workspaces' zones can be used at once from many threads. */
#include "tz.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "time.h"

#define SECS_PER_DAY 86400
/* RFC 8536 bounds a UT offset to -89999..93599 seconds; both ends fit strictly inside ±26 hours,
 * which is what tz_day_start's search window relies on. */
#define OFFSET_LIMIT 93600
/* Compiled zones are a few kilobytes; anything far larger is not one. */
#define FILE_MAX (1 << 20)

/* One date rule of a POSIX TZ string: "Jn" (1..365, February 29 never counted), "n" (0..365,
 * counting it), or "Mm.w.d" (day d, 0 = Sunday, of week w of month m, 5 = the last). */
struct rule {
    char kind; /* 'J', 'D' (the plain n form) or 'M' */
    int m, w, d;
    int n;
    int32_t secs; /* local time of the change, -167..167 hours (RFC 8536 widens POSIX's 0..24) */
};

/* A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3": the zone's rule for every instant
 * after its last listed transition. */
struct posix {
    int32_t std_off, dst_off; /* seconds east of UTC (POSIX writes them west) */
    bool has_dst;
    struct rule start, end; /* start is in standard time, end in daylight time */
};

struct tz {
    char name[TZ_NAME_MAX + 1];
    bool always_utc;    /* offset 0 at every instant: formats as "Z" */
    size_t nr;          /* transitions */
    int64_t *at;        /* their instants, seconds since the epoch, ascending */
    int32_t *off;       /* the offset from at[i] on */
    int32_t off_before; /* the offset before at[0] (RFC 8536: local time type 0) */
    bool has_footer;    /* a POSIX TZ string governs instants from at[nr - 1] on */
    struct posix footer;
};

static struct tz utc_zone = {.name = "UTC", .always_utc = true};

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ strings ---- */

/* A zone abbreviation: three or more letters, or "<…>" of letters, digits, '+' and '-'. */
static int parse_abbr(const char **s)
{
    const char *p = *s;
    if (*p == '<') {
        for (p++; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-';
             p++)
            ;
        if (*p != '>' || p - *s < 4)
            return -1;
        *s = p + 1;
        return 0;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    if (p - *s < 3)
        return -1;
    *s = p;
    return 0;
}

static int parse_num(const char **s, int lo, int hi, int *out)
{
    const char *p = *s;
    int v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > hi)
            return -1;
    }
    if (v < lo)
        return -1;
    *s = p;
    *out = v;
    return 0;
}

/* [+|-]hh[:mm[:ss]] with hours up to max_h, as signed seconds. */
static int parse_hms(const char **s, int max_h, int32_t *out)
{
    int sign = 1, h = 0, m = 0, sec = 0;
    if (**s == '+' || **s == '-')
        sign = *(*s)++ == '-' ? -1 : 1;
    if (parse_num(s, 0, max_h, &h))
        return -1;
    if (**s == ':') {
        (*s)++;
        if (parse_num(s, 0, 59, &m))
            return -1;
        if (**s == ':') {
            (*s)++;
            if (parse_num(s, 0, 59, &sec))
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return 0;
}

/* POSIX offsets count west of UTC ("CET-1" is one hour east); a zone is kept within RFC 8536's
 * bounds. */
static int parse_offset(const char **s, int32_t *east)
{
    int32_t west;
    if (parse_hms(s, 25, &west) || west <= -OFFSET_LIMIT || west >= OFFSET_LIMIT)
        return -1;
    *east = -west;
    return 0;
}

static int parse_rule(const char **s, struct rule *r)
{
    r->secs = 2 * 3600; /* POSIX's default: 02:00 */
    if (**s == 'J') {
        (*s)++;
        r->kind = 'J';
        if (parse_num(s, 1, 365, &r->n))
            return -1;
    } else if (**s == 'M') {
        (*s)++;
        r->kind = 'M';
        if (parse_num(s, 1, 12, &r->m) || *(*s)++ != '.' || parse_num(s, 1, 5, &r->w) ||
            *(*s)++ != '.' || parse_num(s, 0, 6, &r->d))
            return -1;
    } else {
        r->kind = 'D';
        if (parse_num(s, 0, 365, &r->n))
            return -1;
    }
    if (**s == '/') {
        (*s)++;
        if (parse_hms(s, 167, &r->secs))
            return -1;
    }
    return 0;
}

static int posix_parse(const char *s, struct posix *p)
{
    memset(p, 0, sizeof(*p));
    if (parse_abbr(&s) || parse_offset(&s, &p->std_off))
        return -1;
    if (*s == '\0')
        return 0;
    if (parse_abbr(&s))
        return -1;
    p->has_dst = true;
    p->dst_off = p->std_off + 3600; /* POSIX's default: an hour ahead of standard time */
    if (*s != ',' && *s != '\0' && parse_offset(&s, &p->dst_off))
        return -1;
    /* Without rules, tzcode falls back to the US rules of 2007; so do we. */
    const char *rules = *s ? s : ",M3.2.0,M11.1.0";
    if (*rules++ != ',' || parse_rule(&rules, &p->start) || *rules++ != ',' ||
        parse_rule(&rules, &p->end) || *rules != '\0')
        return -1;
    return 0;
}

/* The date (days since 1970-01-01) rule r falls on in year y. */
static int64_t rule_day(const struct rule *r, int y)
{
    int64_t jan1 = time_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return jan1 + r->n;
    int64_t first = time_days_from_civil(y, r->m, 1);
    int64_t next =
        r->m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, r->m + 1, 1);
    int64_t wday = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; Sunday = 0 */
    int64_t day = first + (r->d - wday + 7) % 7 + (int64_t)(r->w - 1) * 7;
    while (day >= next) /* week 5 means the last one, which may be the 4th */
        day -= 7;
    return day;
}

/* The offset at instant t (seconds) under the rule: the latest change at or before t wins.
 * Looking at the changes of the years around t's copes with rules of either hemisphere, times
 * past 24:00 or below 00:00 that move a change into the next or previous year, and a year-long
 * DST written as "J1/0,J365/25". */
static int32_t posix_offset(const struct posix *p, int64_t t)
{
    if (!p->has_dst)
        return p->std_off;
    int y, m, d;
    time_civil_from_days(floordiv(t + p->std_off, SECS_PER_DAY), &y, &m, &d);
    int64_t best_at = INT64_MIN;
    int32_t best = p->std_off;
    for (int yy = y - 1; yy <= y + 1; yy++) {
        int64_t start = rule_day(&p->start, yy) * SECS_PER_DAY + p->start.secs - p->std_off;
        int64_t end = rule_day(&p->end, yy) * SECS_PER_DAY + p->end.secs - p->dst_off;
        /* On a tie the later year's start beats this year's end (a DST that never ends). */
        if (start <= t && start >= best_at)
            best_at = start, best = p->dst_off;
        if (end <= t && end > best_at)
            best_at = end, best = p->std_off;
    }
    return best;
}

/* ---- TZif files ---- */

struct header {
    int version; /* 0 for version 1, else '2', '3', '4' */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_header(const unsigned char *p, size_t len, struct header *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    h->version = p[4];
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return 0;
}

/* The data block's size after a header, for 4- (version 1) or 8-byte times. The counts are
 * 32-bit, so the sum cannot overflow 64 bits. */
static uint64_t block_len(const struct header *h, int timesize)
{
    return (uint64_t)h->timecnt * timesize + h->timecnt + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

/* Fills z's transitions and footer from the file's bytes; returns a reason, or NULL. */
static const char *parse_tzif(struct tz *z, const unsigned char *p, size_t len)
{
    struct header h;
    if (read_header(p, len, &h))
        return "not a TZif file";
    int timesize = 4;
    size_t pos = 44;
    if (h.version != 0) {
        /* Version 2 and later repeat the data with 64-bit times after the version 1 block. */
        uint64_t v1 = block_len(&h, 4);
        if (v1 > len - pos || read_header(p + pos + v1, len - pos - v1, &h))
            return "truncated";
        pos += v1 + 44;
        timesize = 8;
    }
    if (h.leapcnt)
        return "it counts leap seconds, which unix times do not";
    if (h.typecnt == 0 || block_len(&h, timesize) > len - pos)
        return "truncated";
    const unsigned char *times = p + pos, *idx = times + (size_t)h.timecnt * timesize;
    const unsigned char *types = idx + h.timecnt;
    for (uint32_t i = 0; i < h.typecnt; i++) {
        int32_t off = (int32_t)be32(types + 6 * i);
        if (off <= -OFFSET_LIMIT || off >= OFFSET_LIMIT)
            return "a UTC offset is out of range";
    }
    z->nr = h.timecnt;
    z->at = xmalloc((h.timecnt ? h.timecnt : 1) * sizeof(*z->at));
    z->off = xmalloc((h.timecnt ? h.timecnt : 1) * sizeof(*z->off));
    z->off_before = (int32_t)be32(types);
    for (uint32_t i = 0; i < h.timecnt; i++) {
        z->at[i] = timesize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (i && z->at[i] <= z->at[i - 1])
            return "transitions are out of order";
        if (idx[i] >= h.typecnt)
            return "a transition names no local time type";
        z->off[i] = (int32_t)be32(types + 6 * idx[i]);
    }
    pos += block_len(&h, timesize);
    if (timesize == 8) {
        /* The footer: "\n" TZ-string "\n"; an empty string leaves the last type in force. */
        if (pos >= len || p[pos] != '\n')
            return "the footer is missing";
        const unsigned char *nl = memchr(p + pos + 1, '\n', len - pos - 1);
        if (!nl)
            return "the footer is missing";
        size_t flen = (size_t)(nl - (p + pos + 1));
        if (flen) {
            char s[128];
            if (flen >= sizeof(s) || memchr(p + pos + 1, '\0', flen))
                return "its footer is not a POSIX TZ string";
            memcpy(s, p + pos + 1, flen);
            s[flen] = '\0';
            if (posix_parse(s, &z->footer))
                return "its footer is not a POSIX TZ string";
            z->has_footer = true;
        }
    }
    bool utc =
        z->off_before == 0 && (!z->has_footer || (z->footer.std_off == 0 && !z->footer.has_dst));
    for (size_t i = 0; i < z->nr; i++)
        utc = utc && z->off[i] == 0;
    z->always_utc = utc;
    return NULL;
}

/* Zone names are relative paths of letters, digits and "_+-." under the zone directory; a
 * component may not start with '.', so no name climbs out of it or reaches a hidden file. */
static bool name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > TZ_NAME_MAX)
        return false;
    bool start = true;
    for (const char *c = name; *c; c++) {
        if (*c == '/') {
            if (start)
                return false;
            start = true;
            continue;
        }
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' || *c == '.';
        if (!ok || (start && *c == '.'))
            return false;
        start = false;
    }
    return !start;
}

/* Reads the whole regular file at path into *out (the caller frees). Returns 0, or an errno. */
static int slurp(const char *path, unsigned char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
    if (fd < 0)
        return errno;
    int rc = 0;
    unsigned char *p = NULL;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        goto out;
    }
    if (st.st_size > FILE_MAX) {
        rc = EFBIG;
        goto out;
    }
    p = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? errno : EIO;
            goto out;
        }
        got += (size_t)n;
    }
    *out = p;
    *len = got;
    p = NULL;
out:
    free(p);
    close(fd);
    return rc;
}

int tz_load(const char *name, struct tz **out, struct lf_err *err)
{
    *out = NULL;
    if (strcmp(name, "UTC") == 0) {
        *out = &utc_zone; /* never written: tz_free leaves it alone */
        return 0;
    }
    size_t nlen = strlen(name);
    if (nlen > TZ_NAME_MAX)
        return err_set(err, LF_EINVAL, "time zone name '%.40s…' is longer than %d bytes", name,
                       TZ_NAME_MAX);
    if (!name_ok(name))
        return err_set(err, LF_EINVAL,
                       "'%s' is not a time zone name (expected an IANA name like "
                       "'Europe/Berlin')",
                       name);

    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
        return err_set(err, LF_EINVAL, "time zone '%s': the path under '%s' is too long", name,
                       dir);

    int rc = -1;
    unsigned char *data = NULL;
    size_t len = 0;
    struct tz *z = NULL;
    int e = slurp(path, &data, &len);
    if (e == ENOENT || e == ENOTDIR || e == EISDIR) {
        err_set(err, LF_EINVAL, "unknown time zone '%s' (no zone of that name in '%s')", name, dir);
        goto out;
    }
    if (e == EFBIG || e == EINVAL) {
        err_set(err, LF_EINVAL, "time zone '%s': '%s' is not a TZif file", name, path);
        goto out;
    }
    if (e) {
        err_set(err, LF_EIO, "cannot read time zone '%s' from '%s': %s", name, path, strerror(e));
        goto out;
    }
    z = xcalloc(1, sizeof(*z));
    memcpy(z->name, name, nlen + 1);
    const char *why = parse_tzif(z, data, len);
    if (why) {
        if (strcmp(why, "not a TZif file") == 0)
            err_set(err, LF_EINVAL, "time zone '%s': '%s' is not a TZif file", name, path);
        else
            err_set(err, LF_EINVAL, "time zone '%s': cannot use '%s': %s", name, path, why);
        goto out;
    }
    *out = z;
    z = NULL;
    rc = 0;
out:
    tz_free(z);
    free(data);
    return rc;
}

const struct tz *tz_utc(void)
{
    return &utc_zone;
}

void tz_free(struct tz *z)
{
    if (!z || z == &utc_zone)
        return;
    free(z->at);
    free(z->off);
    free(z);
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* ---- offsets and local dates ---- */

static int32_t offset_at(const struct tz *z, int64_t t)
{
    if (z->nr == 0 || t >= z->at[z->nr - 1]) {
        if (z->has_footer)
            return posix_offset(&z->footer, t);
        return z->nr ? z->off[z->nr - 1] : z->off_before;
    }
    if (t < z->at[0])
        return z->off_before;
    size_t lo = 0, hi = z->nr - 1; /* at[lo] <= t < at[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

int32_t tz_offset(const struct tz *z, int64_t ms)
{
    return offset_at(z, floordiv(ms, MS_PER_SEC));
}

int64_t tz_local_day(const struct tz *z, int64_t ms)
{
    return floordiv(ms + tz_offset(z, ms) * MS_PER_SEC, MS_PER_DAY);
}

/* Local wall time, in seconds since the local epoch, at instant u (seconds). */
static int64_t wall(const struct tz *z, int64_t u)
{
    return u + offset_at(z, u);
}

/* The first instant u (seconds) whose wall time has reached local time L. */
static int64_t first_reaching(const struct tz *z, int64_t L)
{
    /* Usually L - offset, with the offset in force either a day before or after: check both. */
    int64_t best = INT64_MAX;
    int32_t guesses[2] = {offset_at(z, L - SECS_PER_DAY), offset_at(z, L + SECS_PER_DAY)};
    for (int i = 0; i < 2; i++) {
        int64_t u = L - guesses[i];
        if (wall(z, u) >= L && wall(z, u - 1) < L && u < best)
            best = u;
    }
    if (best != INT64_MAX)
        return best;
    /* A gap that swallows L ends at a transition neither guess hits: bisect. Wall time moves
     * forward with u except across a fall-back, and every offset is under OFFSET_LIMIT, so
     * wall(lo) < L <= wall(hi) holds at these ends. */
    int64_t lo = L - OFFSET_LIMIT, hi = L + OFFSET_LIMIT;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (wall(z, mid) >= L)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int64_t tz_day_start(const struct tz *z, int64_t day)
{
    return first_reaching(z, day * SECS_PER_DAY) * MS_PER_SEC;
}

/* ---- periods ---- */

static int64_t monday_of(int64_t day)
{
    return day - (day % 7 + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
}

/* The first local date of the period holding local date `day`, moved n periods on. */
static int64_t period_first_day(int period, int64_t day, int64_t n)
{
    int y, m, d, months;
    switch (period) {
    case TZ_DAY:
        return day + n;
    case TZ_WEEK:
        return monday_of(day) + 7 * n;
    case TZ_MONTH:
        months = 1;
        break;
    case TZ_QUARTER:
        months = 3;
        break;
    case TZ_YEAR:
        months = 12;
        break;
    default:
        assert(!"tz: unknown period");
        return day + n;
    }
    time_civil_from_days(day, &y, &m, &d);
    /* Months counted from year 0, back to the period's first month, then n periods on. */
    int64_t idx = (int64_t)y * 12 + (m - 1) - (m - 1) % months + n * months;
    int64_t yy = floordiv(idx, 12);
    return time_days_from_civil((int)yy, (int)(idx - yy * 12) + 1, 1);
}

int64_t tz_period_start(const struct tz *z, int period, int64_t ms)
{
    return tz_day_start(z, period_first_day(period, tz_local_day(z, ms), 0));
}

int64_t tz_period_add(const struct tz *z, int period, int64_t start, int n)
{
    return tz_day_start(z, period_first_day(period, tz_local_day(z, start), n));
}

/* The calendar fields of a local date, bounded so that each prints in its fixed width. */
struct ymd {
    unsigned y, m, d;
};

static struct ymd ymd_of(int64_t day)
{
    int y, m, d;
    time_civil_from_days(day, &y, &m, &d);
    return (struct ymd){.y = y < 0      ? 0
                             : y > 9999 ? 9999
                                        : (unsigned)y,
                        .m = (unsigned)m % 100,
                        .d = (unsigned)d % 100};
}

void tz_format_period(const struct tz *z, int period, int64_t start, char out[16])
{
    struct ymd c = ymd_of(period_first_day(period, tz_local_day(z, start), 0));
    switch (period) {
    case TZ_MONTH:
        snprintf(out, 16, "%04u-%02u", c.y, c.m);
        break;
    case TZ_QUARTER:
        snprintf(out, 16, "%04u-Q%u", c.y, (c.m + 2) / 3 % 10);
        break;
    case TZ_YEAR:
        snprintf(out, 16, "%04u", c.y);
        break;
    default:
        snprintf(out, 16, "%04u-%02u-%02u", c.y, c.m, c.d);
        break;
    }
}

void tz_format_iso(const struct tz *z, int64_t ms, char out[40])
{
    int32_t off = tz_offset(z, ms);
    int64_t local = ms + off * MS_PER_SEC;
    int64_t day = floordiv(local, MS_PER_DAY), rem = local - day * MS_PER_DAY;
    struct ymd c = ymd_of(day);
    unsigned sec = (unsigned)(rem / 1000) % SECS_PER_DAY, milli = (unsigned)rem % 1000;
    char frac[8] = "", zone[10] = "Z"; /* ".123", "+05:45" or "+00:53:28" */
    if (milli)
        snprintf(frac, sizeof(frac), ".%03u", milli);
    if (!z->always_utc) {
        unsigned a = (unsigned)(off < 0 ? -off : off) % OFFSET_LIMIT;
        char sign = off < 0 ? '-' : '+';
        if (a % 60)
            snprintf(zone, sizeof(zone), "%c%02u:%02u:%02u", sign, a / 3600, a / 60 % 60, a % 60);
        else
            snprintf(zone, sizeof(zone), "%c%02u:%02u", sign, a / 3600, a / 60 % 60);
    }
    snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u%s%s", c.y, c.m, c.d, sec / 3600, sec / 60 % 60,
             sec % 60, frac, zone);
}

/* Whether a time names its instant by itself (unix seconds, or a time with "Z" or an offset). */
static bool time_is_absolute(const char *v)
{
    size_t n = strlen(v), sep = strcspn(v, "T ");
    if (strspn(v, "0123456789.") == n)
        return true;
    return sep < n && (v[n - 1] == 'Z' || v[n - 1] == 'z' || strpbrk(v + sep, "+-"));
}

/* The instant a wall-clock time of zone z names. */
static int64_t from_local(const struct tz *z, int64_t wall)
{
    int64_t u = wall - (int64_t)tz_offset(z, wall) * 1000;
    return wall - (int64_t)tz_offset(z, u) * 1000;
}

int tz_parse_time(const struct tz *z, const char *s, int64_t *ms_out, const char **why)
{
    if (time_parse(s, strlen(s), ms_out, why) < 0)
        return -1;
    if (!time_is_absolute(s)) {
        int64_t t = *ms_out;
        int64_t day = t >= 0 ? t / MS_PER_DAY : -((-t + MS_PER_DAY - 1) / MS_PER_DAY);
        *ms_out = t % MS_PER_DAY == 0 ? tz_day_start(z, day) : from_local(z, t);
    }
    return 0;
}
