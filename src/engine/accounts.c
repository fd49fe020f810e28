/* accounts.c - the per-account portfolio in one pass over each account's recent events:
 * DAU/WAU/MAU and stickiness, adoption breadth and depth, seat utilisation, last seen, trend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

#define TREND_BLOCKS 8 /* of 7 days, the last one ending at `to` */
#define NONE16 UINT16_MAX
#define NONE32 UINT32_MAX

/* eng_ustate.flags */
enum { IN_WINDOW = 1, IN_WEEK = 2 };

struct acc_ctx {
    const struct engine *e;
    unsigned what;
    uint32_t only;             /* the one dense account, or UINT32_MAX */
    uint32_t from_s, to_s;     /* the window */
    uint32_t wau_s;            /* the last 7 days of the window start here */
    struct eng_periods days;   /* the calendar days that meet the window */
    struct eng_periods blocks; /* the trend's blocks */
    int64_t today;             /* the day number of `to` */
    double window_days;        /* the window in days (eng_periods_cover) */
    struct engine_account_row *rows; /* by dense account - 1, or the one */
};

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* One account's row: its attributes, and the figures asked for from its events. */
static void account_row(const struct acc_ctx *c, struct eng_scratch *s, uint32_t a,
                        struct engine_account_row *row)
{
    const struct engine *e = c->e;
    const struct eng_account *ac = &e->acc[a];
    bool act = c->what & ENGINE_ACC_ACTIVITY, adopt = c->what & ENGINE_ACC_ADOPTION,
         rec = c->what & ENGINE_ACC_RECENCY;
    *row = (struct engine_account_row){
        .account_id = ac->id, .ext_id = or_empty(ac->ext_id), .segment = ac->segment,
        .plan = ac->plan, .seats = ac->seats, .dau = NAN, .stickiness = NAN, .breadth = NAN,
        .depth = NAN, .utilisation = NAN, .last_seen = LF_UNSET, .days_since = LF_UNSET,
        .trend = NAN};
    uint32_t last;
    if (rec && eng_last_before(e, a, c->to_s, &last)) {
        row->last_seen = (int64_t)last * 1000;
        row->days_since = c->today - eng_day_number(row->last_seen);
    }
    /* the window, and before it the trend's blocks when they reach further back */
    uint32_t scan_s = act || adopt ? c->from_s : UINT32_MAX;
    if (rec && c->blocks.s[0] < scan_s)
        scan_s = c->blocks.s[0];
    struct eng_run r;
    eng_run_window(e, a, scan_s, c->to_s, s, &r);
    int64_t mau = 0, wau = 0, pairs = 0, events = 0, features = 0;
    int64_t block_users[TREND_BLOCKS] = {0};
    if (r.nr) {
        uint32_t stamp = eng_stamp(s);
        struct eng_ustate *us = s->users;
        uint32_t *seen_n = s->names;
        const uint32_t *day_s = c->days.s, *block_s = c->blocks.s;
        uint32_t block0 = block_s[0];
        /* the moving pointers: events come by time */
        size_t di = eng_periods_find(&c->days, r.ts[0]);
        size_t bi = eng_periods_find(&c->blocks, r.ts[0]);
        for (size_t i = 0; i < r.nr; i++) {
            uint32_t t = r.ts[i], u = r.user[i];
            struct eng_ustate *st = &us[u];
            if (u && st->stamp != stamp)
                *st = (struct eng_ustate){stamp, NONE32, NONE16, 0};
            if (rec && t >= block0 && u) {
                while (bi + 1 < TREND_BLOCKS && t >= block_s[bi + 1])
                    bi++;
                if (st->block != bi) {
                    st->block = (uint16_t)bi;
                    block_users[bi]++;
                }
            }
            if (t < c->from_s)
                continue;
            events++;
            if (adopt && seen_n[r.name[i]] != stamp) {
                seen_n[r.name[i]] = stamp;
                features++;
            }
            if (!u)
                continue;
            if (!(st->flags & IN_WINDOW)) {
                st->flags |= IN_WINDOW;
                mau++;
            }
            if (!act)
                continue;
            while (t >= day_s[di + 1])
                di++;
            if (st->day != di) {
                st->day = (uint32_t)di;
                pairs++;
            }
            if (t >= c->wau_s && !(st->flags & IN_WEEK)) {
                st->flags |= IN_WEEK;
                wau++;
            }
        }
    }
    if (act || adopt)
        row->mau = mau;
    if (act) {
        row->dau = (double)pairs / c->window_days;
        row->wau = wau;
        row->stickiness = mau ? row->dau / (double)mau : NAN;
        row->utilisation =
            row->seats != LF_UNSET && row->seats > 0 ? (double)mau / (double)row->seats : NAN;
    }
    if (adopt) {
        row->events = events;
        row->features = features;
        row->breadth = e->names_nr ? (double)features / (double)e->names_nr : NAN;
        row->depth = mau ? (double)events / (double)mau : NAN;
    }
    if (rec) {
        /* least squares over x = 0..7: x̄ = 3.5, Σ(x - x̄)² = 42 */
        double mean = 0, sxy = 0;
        for (int k = 0; k < TREND_BLOCKS; k++)
            mean += (double)block_users[k];
        mean /= TREND_BLOCKS;
        for (int k = 0; k < TREND_BLOCKS; k++)
            sxy += ((double)k - 3.5) * ((double)block_users[k] - mean);
        row->trend = mean > 0 ? 100.0 * (sxy / 42.0) / mean : NAN;
    }
}

static void acc_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    (void)wi;
    struct acc_ctx *c = p;
    if (first == 0)
        first = 1; /* the "no account" slot is no account */
    for (uint32_t a = first; a < end; a++)
        account_row(c, s, a, &c->rows[a - 1]);
}

int engine_accounts(struct engine *e, const struct engine_query *q, unsigned what,
                    struct engine_accounts *out, struct lf_err *err)
{
    *out = (struct engine_accounts){0};
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    pthread_rwlock_rdlock(&e->lock);
    struct acc_ctx c = {.e = e, .what = what, .from_s = eng_sec(q->from), .to_s = eng_sec(q->to),
                        .today = eng_day_number(q->to)};
    int64_t wau_ms = q->to - 7 * MS_PER_DAY;
    c.wau_s = eng_sec(wau_ms < q->from ? q->from : wau_ms);
    eng_periods_blocks(&c.blocks, q->to, TREND_BLOCKS, 7);
    int rc = eng_only(e, q, &c.only, err);
    if (rc < 0 || (rc = eng_periods_make(&c.days, ENGINE_DAY, q->from, q->to, err)) < 0)
        goto out;
    c.window_days = eng_periods_cover(&c.days, q->from, q->to);
    out->catalogue = e->names_nr;
    if (c.only != UINT32_MAX) {
        out->rows = xmalloc(sizeof(*out->rows));
        struct eng_scratch *s = eng_scratch_get(e);
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
