/* accounts.c - the per-account portfolio in one pass over each account's recent events:
 * DAU/WAU/MAU and stickiness, adoption breadth and depth, seat utilisation, last seen, trend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

#define TREND_BLOCKS 8 /* of 7 days, the last one ending at `to` */

struct acc_ctx {
    const struct engine *e;
    unsigned what;
    uint32_t only;             /* the one dense account, or UINT32_MAX */
    uint32_t from_s, to_s;     /* the window */
    uint32_t wau_s;            /* the last 7 days of the window start here */
    uint32_t scan_s;           /* the first second any figure asked for reads */
    struct eng_periods days;   /* the calendar days that meet the window */
    struct eng_periods blocks; /* the trend's blocks */
    int64_t today;             /* the day number of `to` */
    const struct tz *tz;       /* the query's zone (NULL: UTC) */
    double window_days;        /* the window in days (eng_periods_cover) */
    struct engine_account_row blank; /* the figures of an account without events */
    struct engine_account_row *rows; /* by dense account - 1, or the one */
};

/* What one pass over an account's window counts. */
struct counts {
    int64_t mau, wau, pairs, features;
};

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The first index of r's events at or after t. */
static size_t run_lower(const struct eng_run *r, uint32_t t)
{
    return eng_ts_lower(r->ts, 0, r->nr, t);
}

/* Events [i, n) of the window (all at or after wau_s when `week`): distinct users, and with
 * `act` distinct (user, day) pairs and users of the last 7 days, with `adopt` distinct names.
 * The flags are constants where it is called, so each call compiles to its own tight loop; a
 * user's state is fresh when its stamp is not this pass's. */
static inline __attribute__((always_inline)) void
window_pass(const struct acc_ctx *c, struct eng_scratch *s, uint32_t stamp, const struct eng_run *r,
            size_t i, size_t n, bool act, bool adopt, bool week, struct counts *k)
{
    struct eng_ustate *us = s->users;
    uint32_t *seen_n = s->names;
    const uint32_t *ts = r->ts, *user = r->user;
    const uint16_t *name = r->name;
    int64_t mau = 0, wau = 0, pairs = 0, features = 0;
    uint32_t d = 0;
    for (; i < n; i++) {
        if (act)
            d = (uint32_t)eng_periods_at(&c->days, ts[i]);
        if (adopt && seen_n[name[i]] != stamp) {
            seen_n[name[i]] = stamp;
            features++;
        }
        uint32_t u = user[i];
        if (!u)
            continue;
        struct eng_ustate *st = &us[u];
        if (st->stamp != stamp) {
            st->stamp = stamp;
            mau++;
            if (act) {
                st->day = d;
                st->flags = week;
                pairs++;
                wau += week;
            }
            continue;
        }
        if (!act)
            continue;
        if (st->day != d) {
            st->day = d;
            pairs++;
        }
        if (week && !st->flags) {
            st->flags = 1;
            wau++;
        }
    }
    k->mau += mau;
    k->wau += wau;
    k->pairs += pairs;
    k->features += features;
}

/* Distinct users of each trend block over events [i, n) (all at or after the first block). */
static void trend_pass(const struct acc_ctx *c, struct eng_scratch *s, uint32_t stamp,
                       const struct eng_run *r, size_t i, size_t n, int64_t *block_users)
{
    struct eng_ustate *us = s->users;
    size_t bi = 0;
    uint32_t next = 0; /* the end of block bi: looked up only when a later block begins */
    for (; i < n; i++) {
        uint32_t u = r->user[i];
        if (!u)
            continue;
        if (r->ts[i] >= next) {
            bi = eng_periods_at(&c->blocks, r->ts[i]);
            next = c->blocks.s[bi + 1];
        }
        struct eng_ustate *st = &us[u];
        if (st->stamp != stamp || st->block != bi) {
            st->stamp = stamp;
            st->block = (uint16_t)bi;
            block_users[bi]++;
        }
    }
}

/* The window's passes for one combination of figures, split at the last 7 days. */
#define WINDOW(act, adopt)                                                                     \
    do {                                                                                       \
        window_pass(c, s, stamp, &r, i, w, act, adopt, false, &k);                             \
        window_pass(c, s, stamp, &r, w, r.nr, act, adopt, true, &k);                           \
    } while (0)

/* Whether account a has no event the query reads (its span misses the scanned window). */
static inline bool quiet(const struct acc_ctx *c, uint32_t a)
{
    const struct eng_span sp = c->e->span[a];
    return sp.max < c->scan_s || sp.min >= c->to_s;
}

/* An account's attributes and the figures of an account without events in the window, last
 * seen at `last` (LF_UNSET: never before `to`); written once, field by field (a row is 136
 * bytes and the quiet accounts of a query write little else). */
static inline void blank_row(const struct acc_ctx *c, uint32_t a, int64_t last,
                             struct engine_account_row *row)
{
    const struct eng_account *ac = &c->e->acc[a];
    const struct engine_account_row *b = &c->blank;
    bool seated = (c->what & ENGINE_ACC_ACTIVITY) && ac->seats != LF_UNSET && ac->seats > 0;
    *row = (struct engine_account_row){
        .account_id = ac->id, .ext_id = or_empty(ac->ext_id), .segment = ac->segment,
        .plan = ac->plan, .seats = ac->seats, .dau = b->dau, .stickiness = NAN,
        .breadth = b->breadth, .depth = NAN, .utilisation = seated ? 0 : NAN, .last_seen = last,
        .days_since = last == LF_UNSET ? LF_UNSET : c->today - eng_day_number(c->tz, last),
        .trend = NAN};
}

/* The row of an account with no event in the scanned window: its last event, if any before
 * it, is the last of all. */
static inline void quiet_row(const struct acc_ctx *c, uint32_t a, struct engine_account_row *row)
{
    const struct eng_span sp = c->e->span[a];
    bool seen = (c->what & ENGINE_ACC_RECENCY) && sp.min <= sp.max && sp.max < c->to_s;
    blank_row(c, a, seen ? (int64_t)sp.max * 1000 : LF_UNSET, row);
}

/* One account's row: its attributes, and the figures asked for from its events. */
static void account_row(const struct acc_ctx *c, struct eng_scratch *s, uint32_t a,
                        struct engine_account_row *row)
{
    const struct engine *e = c->e;
    bool act = c->what & ENGINE_ACC_ACTIVITY, adopt = c->what & ENGINE_ACC_ADOPTION,
         rec = c->what & ENGINE_ACC_RECENCY;
    uint32_t last;
    bool seen = rec && eng_last_before(e, a, c->to_s, &last);
    blank_row(c, a, seen ? (int64_t)last * 1000 : LF_UNSET, row);
    struct eng_run r;
    eng_run_window(e, a, c->scan_s, c->to_s, s, &r);
    struct counts k = {0};
    int64_t block_users[TREND_BLOCKS] = {0}, events = 0;
    if (r.nr && rec)
        trend_pass(c, s, eng_stamp(s), &r, run_lower(&r, c->blocks.s[0]), r.nr, block_users);
    if (r.nr && (act || adopt)) {
        size_t i = c->scan_s < c->from_s ? run_lower(&r, c->from_s) : 0;
        size_t w = run_lower(&r, c->wau_s);
        uint32_t stamp = eng_stamp(s);
        events = (int64_t)(r.nr - i);
        if (act && adopt)
            WINDOW(true, true);
        else if (act)
            WINDOW(true, false);
        else
            WINDOW(false, true);
    }
    if (act || adopt)
        row->mau = k.mau;
    if (act) {
        row->dau = (double)k.pairs / c->window_days;
        row->wau = k.wau;
        row->stickiness = k.mau ? row->dau / (double)k.mau : NAN;
        row->utilisation =
            row->seats != LF_UNSET && row->seats > 0 ? (double)k.mau / (double)row->seats : NAN;
    }
    if (adopt) {
        row->events = events;
        row->features = k.features;
        row->breadth = e->names_nr ? (double)k.features / (double)e->names_nr : NAN;
        row->depth = k.mau ? (double)events / (double)k.mau : NAN;
    }
    if (rec && r.nr) {
        /* least squares over x = 0..7: x̄ = 3.5, Σ(x - x̄)² = 42 */
        double mean = 0, sxy = 0;
        for (int b = 0; b < TREND_BLOCKS; b++)
            mean += (double)block_users[b];
        mean /= TREND_BLOCKS;
        for (int b = 0; b < TREND_BLOCKS; b++)
            sxy += ((double)b - 3.5) * ((double)block_users[b] - mean);
        row->trend = mean > 0 ? 100.0 * (sxy / 42.0) / mean : NAN;
    }
}

/* Asks the memory for what account a will need: the last events of its run (recent windows are
 * at the end of the runs, a few cache lines of each column an account) and its users' state.
 * Without it every account begins with cache misses, the runs being far apart. */
static void prefetch_account(const struct acc_ctx *c, const struct eng_scratch *s, uint32_t a)
{
    const struct engine *e = c->e;
    size_t lo = e->off[a], hi = e->off[a + 1];
    for (size_t k = 1; k <= 4 && hi >= lo + 16 * (k - 1) + 1; k++) {
        size_t i = hi - 16 * (k - 1) - 1;
        __builtin_prefetch(e->ts + i);
        __builtin_prefetch(e->user + i);
        if (c->what & ENGINE_ACC_ADOPTION)
            __builtin_prefetch(e->name + i);
    }
    for (uint32_t u = e->user_base[a]; u < e->user_base[a + 1]; u += 5)
        __builtin_prefetch(s->users + u, 1);
}

#define PREFETCH_AHEAD 4 /* accounts */

static void acc_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    (void)wi;
    struct acc_ctx *c = p;
    if (first == 0)
        first = 1; /* the "no account" slot is no account */
    for (uint32_t a = first; a < end && a < first + PREFETCH_AHEAD; a++)
        if (!quiet(c, a))
            prefetch_account(c, s, a);
    for (uint32_t a = first; a < end; a++) {
        uint32_t ahead = a + PREFETCH_AHEAD;
        if (ahead < end && !quiet(c, ahead))
            prefetch_account(c, s, ahead);
        if (quiet(c, a))
            quiet_row(c, a, &c->rows[a - 1]);
        else
            account_row(c, s, a, &c->rows[a - 1]);
    }
}

int engine_accounts(struct engine *e, const struct engine_query *q, unsigned what,
                    struct engine_accounts *out, struct lf_err *err)
{
    *out = (struct engine_accounts){0};
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    pthread_rwlock_rdlock(&e->lock);
    struct acc_ctx c = {.e = e, .what = what, .from_s = eng_sec(q->from), .to_s = eng_sec(q->to),
                        .today = eng_day_number(q->tz, q->to), .tz = q->tz};
    eng_periods_blocks(&c.blocks, q->tz, q->to, TREND_BLOCKS, 7);
    int64_t wau_ms = c.blocks.ms[c.blocks.nr - 1]; /* the last block: 7 calendar days */
    c.wau_s = eng_sec(wau_ms < q->from ? q->from : wau_ms);
    int rc = eng_only(e, q, &c.only, err);
    if (rc < 0 || (rc = eng_periods_make(&c.days, q->tz, ENGINE_DAY, q->from, q->to, err)) < 0)
        goto out;
    c.window_days = eng_periods_cover(&c.days, q->from, q->to);
    c.blank = (struct engine_account_row){
        .dau = NAN, .stickiness = NAN, .breadth = NAN, .depth = NAN, .utilisation = NAN,
        .last_seen = LF_UNSET, .days_since = LF_UNSET, .trend = NAN};
    if (what & ENGINE_ACC_ACTIVITY)
        c.blank.dau = 0;
    if ((what & ENGINE_ACC_ADOPTION) && e->names_nr)
        c.blank.breadth = 0;
    /* the window, and before it the trend's blocks when they reach further back */
    c.scan_s = what & (ENGINE_ACC_ACTIVITY | ENGINE_ACC_ADOPTION) ? c.from_s : UINT32_MAX;
    if ((what & ENGINE_ACC_RECENCY) && c.blocks.s[0] < c.scan_s)
        c.scan_s = c.blocks.s[0];
    out->catalogue = e->names_nr;
    if (c.only != UINT32_MAX) {
        out->rows = xmalloc(sizeof(*out->rows));
        struct eng_scratch *s = eng_scratch_get(e);
        if (quiet(&c, c.only))
            quiet_row(&c, c.only, &out->rows[0]);
        else
            account_row(&c, s, c.only, &out->rows[0]);
        eng_scratch_put(e, s);
        out->nr = 1;
        goto out;
    }
    size_t n = e->acc_nr - 1;
    c.rows = xmalloc((n ? n : 1) * sizeof(*c.rows));
    eng_parallel(e, eng_workers(e), acc_work, &c);
    out->rows = c.rows;
    out->nr = n;
out:
    eng_periods_release(&c.days);
    eng_periods_release(&c.blocks);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_accounts_free(struct engine_accounts *a)
{
    if (!a)
        return;
    free(a->rows);
    *a = (struct engine_accounts){0};
}
