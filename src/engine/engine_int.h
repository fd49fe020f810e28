/* engine_int.h - the insides of the engine, shared by its files: columns, tails, dimensions,
 * calendar periods, the per-account run view, the scans' scratch and their thread driver. */
#ifndef ENGINE_ENGINE_INT_H
#define ENGINE_ENGINE_INT_H

#include <pthread.h>

#include "base/strmap.h"
#include "base/time.h"
#include "base/tz.h"
#include "engine.h"

#define ENGINE_MAX_NAMES 65535 /* codes 0..65534; later names share the last code */
#define ENGINE_SPLIT_READ 200000 /* stores with more events are read by two connections */

/* One point of an account's MRR history. */
struct eng_mrr {
    int64_t date, mrr;
};

/* Events appended since the columns were last merged, kept sorted by time (stable). */
struct eng_tail {
    uint32_t *ts, *user;
    uint16_t *name;
    float *value;
    size_t nr, cap;
};

/* An account as the engine knows it. Dense index 0 is "no account" (events without one). */
struct eng_account {
    int64_t id;                   /* store id; 0 for the "no account" slot */
    /* interned (eng_intern): they live as long as the engine, so results may borrow them even
     * after engine_accounts_put or engine_refresh changed the account; NULL when unknown */
    const char *ext_id, *segment, *plan;
    int64_t seats;                /* LF_UNSET when unknown */
    int64_t customer_since;       /* LF_UNSET when unknown */
    int64_t first_paid;           /* the first change to a paid MRR (> 0); LF_UNSET */
    int64_t start;                /* customer since, else first_paid; LF_UNSET */
    int64_t churned_at;           /* the first change to MRR 0 after the start; LF_UNSET */
    struct eng_mrr *mrr;          /* by date */
    size_t mrr_nr;
    struct eng_tail *tail;        /* NULL when empty */
};

/* The first and last event times of an account, columns and tail; min > max when it has none.
 * Scans skip or slice an account from these without touching its events. */
struct eng_span {
    uint32_t min, max;
};

/* Maps store ids (dense-ish int64s) to dense indexes + 1 (0: not mapped). */
struct eng_idmap {
    uint32_t *slot;
    size_t cap;
};

/* user_multi bits */
enum { ENG_MULTI_ACCOUNTS = 1, /* seen in two accounts */
       ENG_MULTI_ANON = 2 };   /* seen with an account and without one */

/* The state a scan keeps per user while it goes through one account's run. It is valid only
 * when `stamp` is the scan's current stamp (eng_stamp), so nothing is ever cleared between
 * accounts or queries. */
struct eng_ustate {
    uint32_t stamp;
    uint32_t day;   /* the last day (or period) the user was counted in */
    uint16_t block; /* the last trend block it was counted in */
    uint16_t flags; /* what it was counted in already (scan-specific bits) */
};

/* A change of the engine's content, for the caches of its answers (changes.c): events with
 * times in its ranges were added, or (dims) accounts' dimensions changed. A change keeps up to
 * ENG_CHANGE_RANGES ranges of seconds (events less than a day apart share one; when they are
 * more, the new one widens the nearest), so that a batch of today's events with one of last
 * month touches those two days, not the month between. The log keeps ENG_CHANGES changes;
 * when full, the two oldest become one covering both, so a cache may throw away more than it
 * had to, never less. */
#define ENG_CHANGES 256
#define ENG_CHANGE_RANGES 8
struct eng_range {
    uint32_t min, max;
};
struct eng_change {
    uint64_t version; /* the engine's version once it was made */
    struct eng_range r[ENG_CHANGE_RANGES];
    uint8_t nr;       /* ranges */
    bool dims;
};
/* The first index of ts[lo, hi) (sorted) with ts[i] >= t: the binary search of every scan. */
static inline size_t eng_ts_lower(const uint32_t *ts, size_t lo, size_t hi, uint32_t t)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ts[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Adds [min, max] to the ranges r[0..*nr) (see struct eng_change). */
static inline void eng_ranges_add(struct eng_range *r, uint8_t *nr, uint32_t min, uint32_t max)
{
    const uint64_t near = 86400;
    size_t best = 0;
    uint64_t gap = UINT64_MAX;
    for (size_t i = 0; i < *nr; i++) {
        uint64_t g = min > r[i].max ? (uint64_t)min - r[i].max
                     : r[i].min > max ? (uint64_t)r[i].min - max : 0;
        if (g < gap) {
            gap = g;
            best = i;
        }
    }
    if (gap > near && *nr < ENG_CHANGE_RANGES) {
        r[(*nr)++] = (struct eng_range){min, max};
        return;
    }
    if (min < r[best].min)
        r[best].min = min;
    if (max > r[best].max)
        r[best].max = max;
}

/* One worker's scratch, kept by the engine between queries (eng_scratch_get/put). */
struct eng_scratch {
    uint32_t gen;                 /* the last stamp handed out */
    struct eng_ustate *users;     /* by dense user */
    uint32_t *names;              /* by name code: stamps */
    size_t users_cap, names_cap;
    uint32_t *ts, *user;          /* a run with its tail merged in */
    uint16_t *name;
    size_t cap;
    uint64_t *words;              /* for a scan's own use (cohorts: bitsets), all zero between
                                   * uses: a scan leaves them as it found them */
    size_t words_cap;
    struct eng_scratch *next;     /* in the engine's free list */
};

struct engine {
    pthread_rwlock_t lock;
    int64_t ws;
    int threads;

    /* columns: events of account a are [off[a], off[a + 1]), by time */
    uint64_t *off;          /* acc_nr + 1 */
    uint32_t *ts;           /* seconds since the epoch */
    uint32_t *user;         /* dense user index; 0 = no user */
    uint16_t *name;         /* event-name code */
    float *value;           /* NAN when the event has none */
    size_t nr;              /* events in the columns */
    size_t tail_nr;         /* events in tails */
    size_t skipped;

    struct eng_account *acc;
    struct eng_span *span;  /* by dense account, acc_cap of them */
    size_t acc_nr, acc_cap;
    struct eng_idmap acc_map;

    /* Users are numbered by home account (eng_users_regroup, after a build or a merge), so that
     * one account's users are neighbours in the per-user arrays of the scans: users
     * [user_base[a], user_base[a + 1]) had home a at the last regroup; later users come after. */
    int64_t *user_id;       /* dense user → store contact id */
    uint32_t *user_home;    /* dense user → the first account (not "no account") it was seen in */
    uint8_t *user_multi;    /* ENG_MULTI_* bits */
    size_t user_nr, user_cap;
    uint32_t *user_base;    /* acc_cap + 1 */
    struct eng_idmap user_map;

    char **names;           /* code → name, owned */
    size_t names_nr;
    struct strmap name_codes;

    struct strmap strings;  /* interned account attributes: string → index in strs */
    char **strs;
    size_t strs_nr, strs_cap;

    pthread_mutex_t scratch_lock;
    struct eng_scratch *scratch_free;
    int scratch_nr;         /* kept in scratch_free */

    int64_t high_water;     /* the highest store event id held */
    uint64_t high_water_hash; /* hash of that event's message id: the snapshot's fingerprint */
    int64_t users_stamp;    /* store_users_stamp when built: merges since make it stale */
    const struct tz *tz;    /* engine_opts.tz: the zone of the stored dates */

    /* what caches of its answers ask (changes.c): a number no other engine of the process has,
     * a version moved by every change of the content, and the log of the changes */
    uint64_t uid, version;
    struct eng_change changes[ENG_CHANGES]; /* oldest first */
    size_t changes_nr;
    struct eng_change pend; /* the events added since the last eng_changes_note */
};

/* ---- columns.c ---- */
struct engine *eng_new(int64_t ws, int threads);
/* Memory for a column or another big array read out of order: in huge pages where the kernel
 * gives them (Linux, transparent huge pages on madvise). Freed with free(). */
void *eng_big_alloc(size_t n);
/* n zero bytes that cost only what is touched of them (fresh pages from the kernel: a calloc
 * may hand back a recycled block and clear all of it); freed with eng_zeroed_free(p, n). */
void *eng_zeroed_alloc(size_t n);
void eng_zeroed_free(void *p, size_t n);
/* The dense index of store account id (created, with no attributes, when new). */
uint32_t eng_account_of(struct engine *e, int64_t id);
/* The dense index of store contact id (0 for 0), created when new; sets its home and
 * ENG_MULTI_* bits. */
uint32_t eng_user_of(struct engine *e, int64_t id, uint32_t account);
uint16_t eng_name_code(struct engine *e, const char *name);
/* The code of an existing name, or -1. */
int eng_name_find(const struct engine *e, const char *name);
/* The engine's copy of s, alive until engine_free; NULL for NULL or "". */
const char *eng_intern(struct engine *e, const char *s);
/* Adds one event to its account's tail. */
void eng_tail_add(struct engine *e, uint32_t account, uint32_t ts, uint32_t user, uint16_t name,
                  float value);
/* Merges every tail into the columns (and regroups the users). */
void eng_compact(struct engine *e);
/* Merges when the tails hold more than an eighth of the columns (and at least 64k events). */
void eng_maybe_compact(struct engine *e);
/* Numbers the users by home account (stable), rewriting the user column when that changes
 * anything, and sets user_base. */
void eng_users_regroup(struct engine *e);
/* Sets every account's span from the columns and tails. */
void eng_spans_compute(struct engine *e);
size_t eng_bytes(const struct engine *e);
uint32_t eng_idmap_get(const struct eng_idmap *m, int64_t id);
void eng_idmap_set(struct eng_idmap *m, int64_t id, uint32_t v);
void eng_idmap_release(struct eng_idmap *m);

/* ---- changes.c ---- */
/* Takes the engine's number (eng_new). */
void eng_changes_init(struct engine *e);
/* Notes an event added at second ts (eng_tail_add), for the next eng_changes_note. */
static inline void eng_changes_event(struct engine *e, uint32_t ts)
{
    struct eng_change *p = &e->pend;
    /* mostly in the range of the event before */
    if (p->nr && ts >= p->r[p->nr - 1].min && ts <= p->r[p->nr - 1].max)
        return;
    eng_ranges_add(p->r, &p->nr, ts, ts);
}
/* Closes a change (the write lock held): the events noted since the last one, and with dims a
 * change of the accounts' dimensions, move the version and go into the log. Nothing noted and
 * no dims: nothing. */
void eng_changes_note(struct engine *e, bool dims);

/* ---- build.c ---- */
/* Adds one store event (mapping its ids and name); returns false when its time is out of range. */
bool eng_add_event(struct engine *e, const struct event *ev);
int eng_load_dims(struct engine *e, struct store *st, struct lf_err *err);
uint64_t eng_message_hash(const char *message_id);
/* Looks up the message-id hash of store event `id`: 1 when found, 0 when there is none. */
int eng_store_event_hash(struct store *st, int64_t ws, int64_t id, uint64_t *hash);
/* Records the hash of the event at the high-water mark (the bulk read has no message ids). */
int eng_fingerprint(struct engine *e, struct store *st, struct lf_err *err);
/* Whether an account counts as a customer at `now`: it has a start, before now. The one rule
 * of every scan that looks at starts (cohorts, curves, survival, time to value). */
static inline bool eng_started(const struct eng_account *a, int64_t now)
{
    return a->start != LF_UNSET && a->start < now;
}

/* ---- periods.c: calendar periods as boundaries, made once per query ---- */
struct eng_periods {
    int64_t *ms;    /* nr + 1 boundaries: period i is [ms[i], ms[i + 1]) */
    uint32_t *s;    /* the same in event seconds (clamped to the column's range) */
    size_t nr;
    uint64_t inv;   /* 2^32 / the mean length of a period in seconds, rounded up */
};
/* The periods (enum engine_period) that meet [from, to), whole: ms[0] <= from, ms[nr] >= to.
 * Fails (LF_EUSAGE) beyond 100 000 periods. */
int eng_periods_make(struct eng_periods *p, const struct tz *tz, int period, int64_t from,
                     int64_t to, struct lf_err *err);
/* `blocks` blocks of `days` calendar days each, the last ending at `to`. tz NULL: UTC. */
void eng_periods_blocks(struct eng_periods *p, const struct tz *tz, int64_t to, int blocks,
                        int days);
void eng_periods_release(struct eng_periods *p);
/* The period holding event second t, for s[0] <= t < s[nr]: guessed from the mean length of a
 * period (a multiplication), then checked against the boundaries. Periods of one length (UTC
 * days, weeks, the trend's blocks) are guessed right; unequal ones (months, days across a
 * change of daylight saving time) put the guess off by one at most, and the checks, not
 * taken otherwise, correct it. Without a branch that depends on the data, it is as fast as
 * dividing the time by the length of a day (measured: bench/engine.sh, docs/engine.md). */
static inline size_t eng_periods_at(const struct eng_periods *p, uint32_t t)
{
    size_t i = (size_t)(((uint64_t)(t - p->s[0]) * p->inv) >> 32);
    if (i >= p->nr)
        i = p->nr - 1;
    while (p->s[i] > t)
        i--;
    while (t >= p->s[i + 1])
        i++;
    return i;
}

/* How many days of p lie in [from, to): a day cut by the window counts for its share. */
double eng_periods_cover(const struct eng_periods *p, int64_t from, int64_t to);
/* The calendar day of instant ms, as a day number (differences are calendar days); in a time
 * zone, the local date (tz_local_day). Inline: a portfolio asks it once an account. */
static inline int64_t eng_day_number(const struct tz *tz, int64_t ms)
{
    if (tz)
        return tz_local_day(tz, ms);
    return ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
}

/* ---- scan.c ---- */
/* The sorted events of one account in a window, columns and tail merged. */
struct eng_run {
    const uint32_t *ts, *user;
    const uint16_t *name;
    size_t nr;
};
/* The events of account a with lo <= time < hi, by time; a tail is merged into s. */
void eng_run_window(const struct engine *e, uint32_t a, uint32_t lo, uint32_t hi,
                    struct eng_scratch *s, struct eng_run *r);
/* The time of account a's last event before hi: true and *out when it has one. */
bool eng_last_before(const struct engine *e, uint32_t a, uint32_t hi, uint32_t *out);
/* Seconds of a window bound in ms: the first second s with s * 1000 >= ms, clamped. */
uint32_t eng_sec(int64_t ms);

/* A scratch sized for the engine's users and names; give it back with eng_scratch_put, which
 * keeps up to threads + 1 of them. Safe under the read lock from any number of threads. */
struct eng_scratch *eng_scratch_get(struct engine *e);
void eng_scratch_put(struct engine *e, struct eng_scratch *s);
void eng_scratch_free_all(struct engine *e);
/* A fresh stamp for s->users and s->names (clearing them once every 4 billion stamps). */
static inline uint32_t eng_stamp(struct eng_scratch *s)
{
    if (++s->gen == 0) {
        for (size_t i = 0; i < s->users_cap; i++)
            s->users[i].stamp = 0;
        for (size_t i = 0; i < s->names_cap; i++)
            s->names[i] = 0;
        s->gen = 1;
    }
    return s->gen;
}
/* s->words with room for n, all zero; the caller zeroes what it set before it is done. */
uint64_t *eng_scratch_words(struct eng_scratch *s, size_t n);

/* Calls fn(ctx, worker, scratch, first, end) on worker threads over account ranges
 * [first, end) of about equal event counts; worker is 0..workers-1. Returns the number of
 * workers used. */
typedef void (*eng_work_fn)(void *ctx, int worker, struct eng_scratch *s, uint32_t first,
                            uint32_t end);
int eng_parallel(struct engine *e, int workers, eng_work_fn fn, void *ctx);
/* How many workers a scan may use. */
int eng_workers(const struct engine *e);

/* Groups: the group index of each account for a query's --by, and the labels. */
struct eng_grouping {
    uint32_t *of;          /* dense account → group, UINT32_MAX when excluded */
    struct engine_groups groups;
};
int eng_grouping_make(const struct engine *e, const struct engine_query *q,
                      struct eng_grouping *g, struct lf_err *err);
void eng_grouping_release(struct eng_grouping *g);
void eng_groups_release(struct engine_groups *g);
/* The dense index of q->account (UINT32_MAX for all accounts); -1 with LF_ENOENT when unknown. */
int eng_only(const struct engine *e, const struct engine_query *q, uint32_t *out,
             struct lf_err *err);

#endif
