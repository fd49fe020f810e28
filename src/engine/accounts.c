/* accounts.c - the per-account portfolio in one pass over each account's recent events:
 * DAU/WAU/MAU and stickiness, adoption breadth and depth, seat utilisation, last seen, trend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

#define WEEK_SECS (7 * SECS_PER_DAY)
#define TREND_WEEKS 8

struct acc_ctx {
    const struct engine *e;
    unsigned what;
    uint32_t only;         /* the one dense account, or UINT32_MAX */
    uint32_t from_s, to_s; /* the window */
    uint32_t wau_s;        /* the last 7 days of the window start here */
    uint32_t trend_s;      /* the 8 trend weeks start here (0 when before 1970) */
    double days;           /* days in the window */
    struct engine_account_row *rows; /* by dense account - 1 */
};

static void acc_work(void *p, int wi, uint32_t first, uint32_t end)
{
    (void)wi;
    struct acc_ctx *c = p;
    const struct engine *e = c->e;
    /* stamps: user seen in this account's window / last 7 days / (day) / (trend week);
     * name seen in this account's window */
    uint32_t *seen_m = xcalloc(e->user_nr, sizeof(*seen_m));
    uint32_t *seen_w = xcalloc(e->user_nr, sizeof(*seen_w));
    uint64_t *seen_d = xcalloc(e->user_nr, sizeof(*seen_d));
    uint64_t *seen_t = xcalloc(e->user_nr, sizeof(*seen_t));
    uint32_t *seen_n = xcalloc(e->names_nr + 1, sizeof(*seen_n));
    struct eng_scratch scratch = {0};
    bool act = c->what & ENGINE_ACC_ACTIVITY, adopt = c->what & ENGINE_ACC_ADOPTION,
         rec = c->what & ENGINE_ACC_RECENCY;
    uint32_t scan_s = c->from_s;
    if (rec && c->trend_s < scan_s)
        scan_s = c->trend_s;
    if (first == 0)
        first = 1; /* the "no account" slot is no account */
    for (uint32_t a = first; a < end; a++) {
        if (c->only != UINT32_MAX && a != c->only)
            continue;
        struct engine_account_row *row = &c->rows[a - 1];
        struct eng_run r;
        eng_run_get(e, a, &scratch, &r);
        size_t hi = eng_lower(&r, c->to_s);
        if (rec && hi > 0) {
            row->last_seen = (int64_t)r.ts[hi - 1] * 1000;
            row->days_since = ((int64_t)c->to_s * 1000 - row->last_seen) / MS_PER_DAY;
        }
        size_t i = eng_lower(&r, scan_s);
        uint32_t stamp = a;
        uint64_t key0 = (uint64_t)a << 32;
        int64_t mau = 0, wau = 0, pairs = 0, events = 0, features = 0;
        int64_t week_users[TREND_WEEKS] = {0};
        for (; i < hi; i++) {
            uint32_t t = r.ts[i], u = r.user[i];
            uint32_t wk = (t - c->trend_s) / WEEK_SECS;
            if (rec && t >= c->trend_s && u && wk < TREND_WEEKS) {
                if (seen_t[u] != (key0 | wk)) {
                    seen_t[u] = key0 | wk;
                    week_users[wk]++;
                }
            }
            if (t < c->from_s)
                continue;
            events++;
            if (adopt && seen_n[r.name[i]] != stamp) {
                seen_n[r.name[i]] = stamp;
                features++;
            }
            if (!u || !(act || adopt))
                continue;
            if (seen_m[u] != stamp) {
                seen_m[u] = stamp;
                mau++;
            }
            if (!act)
                continue;
            uint64_t day = key0 | ((t - c->from_s) / SECS_PER_DAY);
            if (seen_d[u] != day) {
                seen_d[u] = day;
                pairs++;
            }
            if (t >= c->wau_s && seen_w[u] != stamp) {
                seen_w[u] = stamp;
                wau++;
            }
        }
        if (act) {
            row->dau = (double)pairs / c->days;
            row->wau = wau;
            row->mau = mau;
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
            for (int k = 0; k < TREND_WEEKS; k++)
                mean += (double)week_users[k];
            mean /= TREND_WEEKS;
            for (int k = 0; k < TREND_WEEKS; k++)
                sxy += ((double)k - 3.5) * ((double)week_users[k] - mean);
            row->trend = mean > 0 ? 100.0 * (sxy / 42.0) / mean : NAN;
        }
    }
    eng_scratch_release(&scratch);
    free(seen_m);
    free(seen_w);
    free(seen_d);
    free(seen_t);
    free(seen_n);
}

int engine_accounts(struct engine *e, const struct engine_query *q, unsigned what,
                    struct engine_accounts *out, struct lf_err *err)
{
    *out = (struct engine_accounts){0};
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    pthread_rwlock_rdlock(&e->lock);
    int rc = 0;
    struct acc_ctx c = {.e = e, .what = what, .only = UINT32_MAX, .from_s = eng_sec(q->from),
                        .to_s = eng_sec(q->to), .days = (double)(q->to - q->from) / MS_PER_DAY};
    int64_t wau_ms = q->to - 7 * MS_PER_DAY, trend_ms = q->to - TREND_WEEKS * 7 * MS_PER_DAY;
    c.wau_s = eng_sec(wau_ms < q->from ? q->from : wau_ms);
    c.trend_s = eng_sec(trend_ms);
    if (q->account) {
        uint32_t a = eng_idmap_get(&e->acc_map, q->account);
        if (!a) {
            rc = err_set(err, LF_ENOENT, "no account with id %lld", (long long)q->account);
            goto out;
        }
        c.only = a - 1;
    }
    size_t n = e->acc_nr - 1;
    c.rows = xcalloc(n ? n : 1, sizeof(*c.rows));
    for (size_t a = 1; a < e->acc_nr; a++) {
        const struct eng_account *ac = &e->acc[a];
        c.rows[a - 1] = (struct engine_account_row){
            .account_id = ac->id, .seats = ac->seats, .dau = NAN, .stickiness = NAN,
            .breadth = NAN, .depth = NAN, .utilisation = NAN, .last_seen = LF_UNSET,
            .days_since = LF_UNSET, .trend = NAN};
    }
    eng_parallel(e, eng_workers(e), acc_work, &c);
    /* the rows asked for, with their strings */
    out->catalogue = e->names_nr;
    size_t o = 0;
    for (size_t a = 1; a < e->acc_nr; a++) {
        if (c.only != UINT32_MAX && a != c.only)
            continue;
        struct engine_account_row *row = &c.rows[o];
        *row = c.rows[a - 1];
        row->ext_id = xstrdup(e->acc[a].ext_id ? e->acc[a].ext_id : "");
        row->segment = xstrdup(e->acc[a].segment);
        row->plan = xstrdup(e->acc[a].plan);
        o++;
    }
    out->rows = c.rows;
    out->nr = o;
out:
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_accounts_free(struct engine_accounts *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nr; i++) {
        free(a->rows[i].ext_id);
        free(a->rows[i].segment);
        free(a->rows[i].plan);
    }
    free(a->rows);
    *a = (struct engine_accounts){0};
}
