/* usage.c - the usage analytics use cases: loads the engine into the handle, runs its scans and
 * turns their results into tables (lf_usage, lf_cohorts, lf_survival, lf_engine_*). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "report/table.h"

static const struct lf_usage_opts no_opts = {0};

/* ---- the engine in the handle ---- */

/* Loads the engine into the handle, or catches it up with the store; *origin (may be NULL) says
 * how: "in memory", "snapshot", "built" or "rebuilt" (the snapshot was ignored). */
static int engine_get_origin(struct lf *lf, const struct lf_usage_opts *o, const char **origin,
                             struct lf_err *err)
{
    static const char *const origins[] = {"built", "snapshot", "rebuilt"};
    /* threads of one server may ask at once: one loads, the others wait for it */
    static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;
    if (origin)
        *origin = "in memory";
    pthread_mutex_lock(&loading);
    if (lf->engine) {
        pthread_mutex_unlock(&loading);
        return engine_sync(lf->engine, lf->st, NULL, err);
    }
    struct engine_opts eo = {.progress = o->progress, .threads = o->threads};
    struct engine_open_info info;
    int rc = engine_open(lf->st, lf->ws, o->snapshot, &eo, &lf->engine, &info, err);
    pthread_mutex_unlock(&loading);
    if (rc < 0)
        return -1;
    if (origin)
        *origin = origins[info.origin];
    if (info.warning[0] && o->warnings)
        fprintf(o->warnings, "landfall: %s; rebuilt it from the store\n", info.warning);
    if (o->snapshot && (info.origin != ENGINE_LOADED || info.caught_up > 0)) {
        struct lf_err serr = {0};
        if (engine_save(lf->engine, o->snapshot, &serr) < 0 && o->warnings)
            fprintf(o->warnings, "landfall: %s (the engine works without it)\n", serr.msg);
    }
    return 0;
}

static int engine_get(struct lf *lf, const struct lf_usage_opts *o, struct lf_err *err)
{
    return engine_get_origin(lf, o, NULL, err);
}

int lf_engine_load(struct lf *lf, const struct lf_usage_opts *opts, struct lf_err *err)
{
    return engine_get(lf, opts ? opts : &no_opts, err);
}

void lf_engine_share(struct lf *from, struct lf *to)
{
    if (to->engine == from->engine || !from->engine)
        return;
    if (!to->engine_borrowed)
        engine_free(to->engine);
    to->engine = from->engine;
    to->engine_borrowed = true;
}

int lf_engine_sync(struct lf *lf, struct lf_err *err)
{
    return lf->engine ? engine_sync(lf->engine, lf->st, NULL, err) : 0;
}

static int64_t now_of(const struct lf_usage_opts *o)
{
    return o->now_ms ? o->now_ms : time_now_ms();
}

/* Fills the query: now, the window (default [to - default_days, to), to = now), --by, --account. */
static int query_make(struct lf *lf, const struct lf_usage_opts *o, int64_t default_days,
                      unsigned by_mask, int by_default, struct engine_query *q,
                      struct lf_err *err)
{
    static const char *const names[] = {"", "account", "segment", "plan"};
    *q = (struct engine_query){.now = now_of(o), .by = by_default};
    q->to = o->to_ms ? o->to_ms : q->now;
    q->from = o->from_ms ? o->from_ms : q->to - default_days * MS_PER_DAY;
    if (q->from >= q->to)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    if (o->by) {
        int by = -1;
        for (int b = ENGINE_BY_ACCOUNT; b <= ENGINE_BY_PLAN; b++)
            if (strcmp(o->by, names[b]) == 0 && (by_mask & (1u << b)))
                by = b;
        if (by < 0) {
            struct buf list = BUF_INIT;
            for (int b = ENGINE_BY_ACCOUNT; b <= ENGINE_BY_PLAN; b++)
                if (by_mask & (1u << b))
                    buf_addf(&list, "%s%s", list.len ? ", " : "", names[b]);
            err_set(err, LF_EUSAGE, "cannot group by '%s' here; --by takes %s", o->by,
                    list.len ? buf_str(&list) : "nothing");
            buf_release(&list);
            return -1;
        }
        q->by = by;
    }
    if (o->account) {
        int found = store_account_find(lf->st, lf->ws, o->account, &q->account, err);
        if (found < 0)
            return -1;
        if (!found)
            return err_set(err, LF_ENOENT, "no account '%s'", o->account);
    }
    return 0;
}

#define BY(b) (1u << (b))
#define BY_ANY (BY(ENGINE_BY_ACCOUNT) | BY(ENGINE_BY_SEGMENT) | BY(ENGINE_BY_PLAN))
#define BY_GROUPS (BY(ENGINE_BY_SEGMENT) | BY(ENGINE_BY_PLAN))

static const char *by_column(int by)
{
    return by == ENGINE_BY_ACCOUNT ? "account" : by == ENGINE_BY_SEGMENT ? "segment" : "plan";
}

static void set_date(struct lf_table *t, size_t r, size_t c, int64_t ms)
{
    char d[16];
    time_format_date(ms, d);
    table_set_text(t, r, c, d);
}

static void set_time(struct lf_table *t, size_t r, size_t c, int64_t ms)
{
    if (ms == LF_UNSET)
        return;
    char d[32];
    time_format_iso(ms, d);
    table_set_text(t, r, c, d);
}

static void set_month(struct lf_table *t, size_t r, size_t c, int64_t ms)
{
    char d[16];
    time_format_month(ms, d);
    table_set_text(t, r, c, d);
}

/* ---- dau, wau, mau, stickiness ---- */

static const char *const period_names[] = {"day", "week", "month"};

static int run_active(struct lf *lf, const struct lf_usage_opts *o, int period,
                      struct lf_table *t, struct lf_err *err)
{
    static const int64_t default_days[] = {30, 7 * 12, 365};
    struct engine_query q;
    struct engine_activity a;
    if (query_make(lf, o, default_days[period], BY_ANY, ENGINE_BY_NONE, &q, err) < 0 ||
        engine_activity(lf->engine, &q, period, &a, err) < 0)
        return -1;
    int cg = q.by ? (int)table_add_column(t, by_column(q.by), LF_COL_TEXT) : -1;
    size_t cp = table_add_column(t, period_names[period], LF_COL_TEXT);
    size_t cu = table_add_column(t, "users", LF_COL_INT);
    size_t ca = table_add_column(t, "accounts", LF_COL_INT);
    size_t ce = table_add_column(t, "events", LF_COL_INT);
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_activity_row *r = &a.rows[i];
        size_t row = table_add_row(t);
        if (cg >= 0)
            table_set_text(t, row, (size_t)cg, a.groups.labels[r->group]);
        if (period == ENGINE_MONTH)
            set_month(t, row, cp, r->period);
        else
            set_date(t, row, cp, r->period);
        table_set_int(t, row, cu, r->users);
        table_set_int(t, row, ca, r->accounts);
        table_set_int(t, row, ce, r->events);
    }
    engine_activity_free(&a);
    return 0;
}

static int run_dau(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                   struct lf_err *err)
{
    return run_active(lf, o, ENGINE_DAY, t, err);
}

static int run_wau(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                   struct lf_err *err)
{
    return run_active(lf, o, ENGINE_WEEK, t, err);
}

static int run_mau(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                   struct lf_err *err)
{
    return run_active(lf, o, ENGINE_MONTH, t, err);
}

/* Per month of the window: mean DAU over its days in the window, MAU, their ratio. */
static int run_stickiness(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                          struct lf_err *err)
{
    struct engine_query q;
    struct engine_activity days, months;
    if (query_make(lf, o, 90, BY_ANY, ENGINE_BY_NONE, &q, err) < 0)
        return -1;
    if (!o->from_ms)
        q.from = time_add_months(time_month_start(q.to), -2);
    if (engine_activity(lf->engine, &q, ENGINE_DAY, &days, err) < 0)
        return -1;
    if (engine_activity(lf->engine, &q, ENGINE_MONTH, &months, err) < 0) {
        engine_activity_free(&days);
        return -1;
    }
    int cg = q.by ? (int)table_add_column(t, by_column(q.by), LF_COL_TEXT) : -1;
    size_t cm = table_add_column(t, "month", LF_COL_TEXT);
    size_t cd = table_add_column(t, "dau", LF_COL_REAL);
    size_t cmau = table_add_column(t, "mau", LF_COL_INT);
    size_t cs = table_add_column(t, "stickiness", LF_COL_PERCENT);
    size_t d = 0;
    for (size_t i = 0; i < months.nr; i++) {
        const struct engine_activity_row *m = &months.rows[i];
        int64_t next = time_add_months(time_month_start(m->period), 1);
        double sum = 0;
        int64_t n = 0;
        /* both results list the same groups and every period, in order */
        for (; d < days.nr && days.rows[d].group == m->group && days.rows[d].period < next; d++) {
            sum += (double)days.rows[d].users;
            n++;
        }
        size_t row = table_add_row(t);
        if (cg >= 0)
            table_set_text(t, row, (size_t)cg, months.groups.labels[m->group]);
        set_month(t, row, cm, m->period);
        double dau = n ? sum / (double)n : NAN;
        table_set_real(t, row, cd, dau);
        table_set_int(t, row, cmau, m->users);
        table_set_real(t, row, cs, m->users ? dau / (double)m->users : NAN);
    }
    engine_activity_free(&days);
    engine_activity_free(&months);
    return 0;
}

/* ---- per account: portfolio, adoption, seats, recency ---- */

static int accounts_query(struct lf *lf, const struct lf_usage_opts *o, unsigned what,
                          unsigned by_mask, struct engine_query *q, struct engine_accounts *a,
                          struct lf_err *err)
{
    if (query_make(lf, o, 30, by_mask, ENGINE_BY_ACCOUNT, q, err) < 0)
        return -1;
    int by = q->by;
    q->by = ENGINE_BY_ACCOUNT;
    int rc = engine_accounts(lf->engine, q, what, a, err);
    q->by = by;
    return rc;
}

static int run_portfolio(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                         struct lf_err *err)
{
    struct engine_query q;
    struct engine_accounts a;
    if (accounts_query(lf, o, ENGINE_ACC_ALL, BY(ENGINE_BY_ACCOUNT), &q, &a, err) < 0)
        return -1;
    size_t c_acc = table_add_column(t, "account", LF_COL_TEXT);
    size_t c_seg = table_add_column(t, "segment", LF_COL_TEXT);
    size_t c_plan = table_add_column(t, "plan", LF_COL_TEXT);
    size_t c_dau = table_add_column(t, "dau", LF_COL_REAL);
    size_t c_wau = table_add_column(t, "wau", LF_COL_INT);
    size_t c_mau = table_add_column(t, "mau", LF_COL_INT);
    size_t c_st = table_add_column(t, "stickiness", LF_COL_PERCENT);
    size_t c_seats = table_add_column(t, "seats", LF_COL_INT);
    size_t c_util = table_add_column(t, "utilisation", LF_COL_PERCENT);
    size_t c_ev = table_add_column(t, "events", LF_COL_INT);
    size_t c_feat = table_add_column(t, "features", LF_COL_INT);
    size_t c_br = table_add_column(t, "breadth", LF_COL_PERCENT);
    size_t c_dep = table_add_column(t, "depth", LF_COL_REAL);
    size_t c_last = table_add_column(t, "last_seen", LF_COL_TEXT);
    size_t c_days = table_add_column(t, "days_since", LF_COL_INT);
    size_t c_tr = table_add_column(t, "trend", LF_COL_PERCENT);
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_account_row *r = &a.rows[i];
        size_t row = table_add_row(t);
        table_set_text(t, row, c_acc, r->ext_id);
        if (r->segment)
            table_set_text(t, row, c_seg, r->segment);
        if (r->plan)
            table_set_text(t, row, c_plan, r->plan);
        table_set_real(t, row, c_dau, r->dau);
        table_set_int(t, row, c_wau, r->wau);
        table_set_int(t, row, c_mau, r->mau);
        table_set_real(t, row, c_st, r->stickiness);
        if (r->seats != LF_UNSET)
            table_set_int(t, row, c_seats, r->seats);
        table_set_real(t, row, c_util, r->utilisation);
        table_set_int(t, row, c_ev, r->events);
        table_set_int(t, row, c_feat, r->features);
        table_set_real(t, row, c_br, r->breadth);
        table_set_real(t, row, c_dep, r->depth);
        set_time(t, row, c_last, r->last_seen);
        if (r->days_since != LF_UNSET)
            table_set_int(t, row, c_days, r->days_since);
        table_set_real(t, row, c_tr, isnan(r->trend) ? NAN : r->trend / 100.0);
    }
    engine_accounts_free(&a);
    return 0;
}

/* A --by segment|plan group of accounts. */
struct agg {
    const char *key;
    int64_t accounts, users, events, seats, seat_users;
    double breadth_sum;
};

static int agg_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct agg *)pa)->key, ((const struct agg *)pb)->key);
}

/* Groups account rows by segment or plan ("(none)" when missing), sorted by key. */
static struct agg *aggregate(const struct engine_accounts *a, int by, size_t *nr)
{
    struct agg *g = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < a->nr; i++) {
        const struct engine_account_row *r = &a->rows[i];
        const char *key = by == ENGINE_BY_SEGMENT ? r->segment : r->plan;
        if (!key)
            key = "(none)";
        size_t k = 0;
        while (k < n && strcmp(g[k].key, key) != 0)
            k++;
        if (k == n) {
            g = xgrow(g, sizeof(*g), n + 1, &cap);
            g[n++] = (struct agg){.key = key};
        }
        if (r->events > 0 || r->mau > 0) {
            g[k].accounts++;
            g[k].users += r->mau;
            g[k].events += r->events;
            if (!isnan(r->breadth))
                g[k].breadth_sum += r->breadth;
        }
        if (r->seats != LF_UNSET && r->seats > 0) {
            g[k].seats += r->seats;
            g[k].seat_users += r->mau;
        }
    }
    if (n)
        qsort(g, n, sizeof(*g), agg_cmp);
    *nr = n;
    return g;
}

static int run_adoption(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                        struct lf_err *err)
{
    struct engine_query q;
    struct engine_accounts a;
    if (accounts_query(lf, o, ENGINE_ACC_ADOPTION, BY_ANY, &q, &a, err) < 0)
        return -1;
    size_t c_key = table_add_column(t, by_column(q.by), LF_COL_TEXT);
    int c_accounts = q.by != ENGINE_BY_ACCOUNT
                         ? (int)table_add_column(t, "active_accounts", LF_COL_INT) : -1;
    size_t c_users = table_add_column(t, "users", LF_COL_INT);
    size_t c_ev = table_add_column(t, "events", LF_COL_INT);
    int c_feat = q.by == ENGINE_BY_ACCOUNT ? (int)table_add_column(t, "features", LF_COL_INT) : -1;
    size_t c_br = table_add_column(t, "breadth", LF_COL_PERCENT);
    size_t c_dep = table_add_column(t, "depth", LF_COL_REAL);
    if (q.by == ENGINE_BY_ACCOUNT) {
        for (size_t i = 0; i < a.nr; i++) {
            const struct engine_account_row *r = &a.rows[i];
            size_t row = table_add_row(t);
            table_set_text(t, row, c_key, r->ext_id);
            table_set_int(t, row, c_users, r->mau);
            table_set_int(t, row, c_ev, r->events);
            table_set_int(t, row, (size_t)c_feat, r->features);
            table_set_real(t, row, c_br, r->breadth);
            table_set_real(t, row, c_dep, r->depth);
        }
    } else {
        size_t n;
        struct agg *g = aggregate(&a, q.by, &n);
        for (size_t i = 0; i < n; i++) {
            size_t row = table_add_row(t);
            table_set_text(t, row, c_key, g[i].key);
            table_set_int(t, row, (size_t)c_accounts, g[i].accounts);
            table_set_int(t, row, c_users, g[i].users);
            table_set_int(t, row, c_ev, g[i].events);
            table_set_real(t, row, c_br,
                           g[i].accounts ? g[i].breadth_sum / (double)g[i].accounts : NAN);
            table_set_real(t, row, c_dep,
                           g[i].users ? (double)g[i].events / (double)g[i].users : NAN);
        }
        free(g);
    }
    engine_accounts_free(&a);
    return 0;
}

static int run_seats(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                     struct lf_err *err)
{
    struct engine_query q;
    struct engine_accounts a;
    if (accounts_query(lf, o, ENGINE_ACC_ACTIVITY, BY_ANY, &q, &a, err) < 0)
        return -1;
    size_t c_key = table_add_column(t, by_column(q.by), LF_COL_TEXT);
    size_t c_seats = table_add_column(t, "seats", LF_COL_INT);
    size_t c_users = table_add_column(t, "active_users", LF_COL_INT);
    size_t c_util = table_add_column(t, "utilisation", LF_COL_PERCENT);
    if (q.by == ENGINE_BY_ACCOUNT) {
        for (size_t i = 0; i < a.nr; i++) {
            const struct engine_account_row *r = &a.rows[i];
            size_t row = table_add_row(t);
            table_set_text(t, row, c_key, r->ext_id);
            if (r->seats != LF_UNSET)
                table_set_int(t, row, c_seats, r->seats);
            table_set_int(t, row, c_users, r->mau);
            table_set_real(t, row, c_util, r->utilisation);
        }
    } else {
        /* over the accounts with seats: their active users / their seats */
        size_t n;
        struct agg *g = aggregate(&a, q.by, &n);
        for (size_t i = 0; i < n; i++) {
            size_t row = table_add_row(t);
            table_set_text(t, row, c_key, g[i].key);
            table_set_int(t, row, c_seats, g[i].seats);
            table_set_int(t, row, c_users, g[i].seat_users);
            table_set_real(t, row, c_util,
                           g[i].seats ? (double)g[i].seat_users / (double)g[i].seats : NAN);
        }
        free(g);
    }
    engine_accounts_free(&a);
    return 0;
}

static int run_recency(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                       struct lf_err *err)
{
    struct engine_query q;
    struct engine_accounts a;
    if (accounts_query(lf, o, ENGINE_ACC_RECENCY, BY(ENGINE_BY_ACCOUNT), &q, &a, err) < 0)
        return -1;
    size_t c_acc = table_add_column(t, "account", LF_COL_TEXT);
    size_t c_last = table_add_column(t, "last_seen", LF_COL_TEXT);
    size_t c_days = table_add_column(t, "days_since", LF_COL_INT);
    size_t c_tr = table_add_column(t, "trend", LF_COL_PERCENT);
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_account_row *r = &a.rows[i];
        size_t row = table_add_row(t);
        table_set_text(t, row, c_acc, r->ext_id);
        set_time(t, row, c_last, r->last_seen);
        if (r->days_since != LF_UNSET)
            table_set_int(t, row, c_days, r->days_since);
        table_set_real(t, row, c_tr, isnan(r->trend) ? NAN : r->trend / 100.0);
    }
    engine_accounts_free(&a);
    return 0;
}

/* ---- features: adoption curves ---- */

static int run_features(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                        struct lf_err *err)
{
    static const int default_days[] = {7, 14, 30, 60, 90};
    struct engine_query q;
    struct engine_curves c;
    if (query_make(lf, o, 30, 0, ENGINE_BY_NONE, &q, err) < 0)
        return -1;
    const int *days = o->days_nr ? o->days : default_days;
    size_t days_nr = o->days_nr ? o->days_nr : sizeof(default_days) / sizeof(*default_days);
    if (engine_curves(lf->engine, &q, days, days_nr, &c, err) < 0)
        return -1;
    size_t cf = table_add_column(t, "feature", LF_COL_TEXT);
    size_t cd = table_add_column(t, "days", LF_COL_INT);
    size_t ce = table_add_column(t, "eligible", LF_COL_INT);
    size_t ca = table_add_column(t, "adopted", LF_COL_INT);
    size_t cs = table_add_column(t, "share", LF_COL_PERCENT);
    for (size_t i = 0; i < c.nr; i++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, cf, c.rows[i].feature);
        table_set_int(t, row, cd, c.rows[i].days);
        table_set_int(t, row, ce, c.rows[i].eligible);
        table_set_int(t, row, ca, c.rows[i].adopted);
        table_set_real(t, row, cs, c.rows[i].share);
    }
    engine_curves_free(&c);
    return 0;
}

/* ---- time to value ---- */

static int dbl_cmp(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place): the middle value, or the mean of the two middle. */
static double median_of(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof(*v), dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct ttv_cols {
    size_t cohort, accounts, reached, share, median, mean, ch_r, rate_r, ch_n, rate_n;
};

/* One row over rows [lo, hi) of the ttv result. */
static void ttv_row(struct lf_table *t, const struct ttv_cols *c, const char *label,
                    const struct engine_ttv_row *rows, size_t lo, size_t hi)
{
    double *days = xmalloc((hi - lo + 1) * sizeof(*days));
    size_t n = 0;
    int64_t churned_r = 0, churned_n = 0;
    double sum = 0;
    for (size_t i = lo; i < hi; i++) {
        if (isnan(rows[i].days)) {
            churned_n += rows[i].churned;
            continue;
        }
        days[n++] = rows[i].days;
        sum += rows[i].days;
        churned_r += rows[i].churned;
    }
    int64_t total = (int64_t)(hi - lo), reached = (int64_t)n, not_reached = total - reached;
    size_t row = table_add_row(t);
    table_set_text(t, row, c->cohort, label);
    table_set_int(t, row, c->accounts, total);
    table_set_int(t, row, c->reached, reached);
    table_set_real(t, row, c->share, total ? (double)reached / (double)total : NAN);
    table_set_real(t, row, c->mean, n ? sum / (double)n : NAN);
    table_set_real(t, row, c->median, median_of(days, n));
    table_set_int(t, row, c->ch_r, churned_r);
    table_set_real(t, row, c->rate_r, reached ? (double)churned_r / (double)reached : NAN);
    table_set_int(t, row, c->ch_n, churned_n);
    table_set_real(t, row, c->rate_n,
                   not_reached ? (double)churned_n / (double)not_reached : NAN);
    free(days);
}

static int run_ttv(struct lf *lf, const struct lf_usage_opts *o, struct lf_table *t,
                   struct lf_err *err)
{
    struct engine_query q;
    struct engine_ttv v;
    if (!o->milestone)
        return err_set(err, LF_EUSAGE, "ttv needs --milestone EVENT: the event that marks value");
    if (query_make(lf, o, 30, BY(ENGINE_BY_ACCOUNT), ENGINE_BY_NONE, &q, err) < 0 ||
        engine_ttv(lf->engine, &q, o->milestone, &v, err) < 0)
        return -1;
    if (q.by == ENGINE_BY_ACCOUNT) {
        size_t ca = table_add_column(t, "account", LF_COL_TEXT);
        size_t cs = table_add_column(t, "start", LF_COL_TEXT);
        size_t cr = table_add_column(t, "reached_at", LF_COL_TEXT);
        size_t cd = table_add_column(t, "days", LF_COL_REAL);
        size_t cc = table_add_column(t, "churned", LF_COL_INT);
        for (size_t i = 0; i < v.nr; i++) {
            size_t row = table_add_row(t);
            table_set_text(t, row, ca, v.rows[i].ext_id);
            set_date(t, row, cs, v.rows[i].start);
            set_time(t, row, cr, v.rows[i].reached_at);
            table_set_real(t, row, cd, v.rows[i].days);
            table_set_int(t, row, cc, v.rows[i].churned);
        }
    } else {
        struct ttv_cols c = {
            table_add_column(t, "cohort", LF_COL_TEXT),
            table_add_column(t, "accounts", LF_COL_INT),
            table_add_column(t, "reached", LF_COL_INT),
            table_add_column(t, "reached_share", LF_COL_PERCENT),
            table_add_column(t, "median_days", LF_COL_REAL),
            table_add_column(t, "mean_days", LF_COL_REAL),
            table_add_column(t, "churned_reached", LF_COL_INT),
            table_add_column(t, "churn_reached", LF_COL_PERCENT),
            table_add_column(t, "churned_not_reached", LF_COL_INT),
            table_add_column(t, "churn_not_reached", LF_COL_PERCENT)};
        /* rows come by start: one cohort per month of start, then every account */
        size_t lo = 0;
        while (lo < v.nr) {
            int64_t month = time_month_start(v.rows[lo].start);
            size_t hi = lo;
            while (hi < v.nr && time_month_start(v.rows[hi].start) == month)
                hi++;
            char label[16];
            time_format_month(month, label);
            ttv_row(t, &c, label, v.rows, lo, hi);
            lo = hi;
        }
        ttv_row(t, &c, "all", v.rows, 0, v.nr);
    }
    engine_ttv_free(&v);
    return 0;
}

/* ---- the table of metrics ---- */

struct usage_def {
    const char *name, *describe;
    int (*run)(struct lf *, const struct lf_usage_opts *, struct lf_table *, struct lf_err *);
};

static const struct usage_def usages[] = {
    {"dau", "daily active users, accounts and events (default: the last 30 days)", run_dau},
    {"wau", "weekly active users, accounts and events (default: the last 12 weeks)", run_wau},
    {"mau", "monthly active users, accounts and events (default: the last 12 months)", run_mau},
    {"stickiness", "DAU / MAU per month: mean daily users over monthly users", run_stickiness},
    {"portfolio", "per account: DAU, WAU, MAU, stickiness, seats, adoption, last seen, trend",
     run_portfolio},
    {"adoption", "adoption breadth (features used / catalogue) and depth (events per user)",
     run_adoption},
    {"features", "adoption curves: share of customers using each feature within k days",
     run_features},
    {"seats", "seat utilisation: users active in the window / seats purchased", run_seats},
    {"recency", "per account: last seen, days since, trend of weekly users (% per week)",
     run_recency},
    {"ttv", "time to value: first milestone event after becoming a customer, by cohort",
     run_ttv},
};

#define USAGES_NR (sizeof(usages) / sizeof(usages[0]))

const char *const lf_usage_names[] = {"dau", "wau", "mau", "stickiness", "portfolio", "adoption",
                                      "features", "seats", "recency", "ttv", NULL};

static const struct usage_def *usage_find(const char *name)
{
    for (size_t i = 0; i < USAGES_NR; i++)
        if (strcmp(usages[i].name, name) == 0)
            return &usages[i];
    return NULL;
}

const char *lf_usage_describe(const char *name)
{
    const struct usage_def *d = usage_find(name);
    return d ? d->describe : NULL;
}

int lf_usage(struct lf *lf, const char *name, const struct lf_usage_opts *opts,
             struct lf_table **out, struct lf_err *err)
{
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    const struct usage_def *d = usage_find(name);
    if (!d) {
        struct buf list = BUF_INIT;
        for (size_t i = 0; lf_usage_names[i]; i++)
            buf_addf(&list, "%s%s", i ? ", " : "", lf_usage_names[i]);
        err_set(err, LF_EUSAGE, "'%s' is not a usage metric; they are %s", name,
                buf_str(&list));
        buf_release(&list);
        return -1;
    }
    if (engine_get(lf, o, err) < 0)
        return -1;
    struct lf_table *t = table_new(d->name);
    if (d->run(lf, o, t, err) < 0) {
        lf_table_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* ---- cohorts ---- */

static int pick(const char *what, const char *v, const char *const *names, int dflt, int *out,
                struct lf_err *err)
{
    *out = dflt;
    if (!v)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return 0;
        }
    struct buf list = BUF_INIT;
    for (int i = 0; names[i]; i++)
        buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
    err_set(err, LF_EUSAGE, "'%s' is not a %s; it is one of %s", v, what, buf_str(&list));
    buf_release(&list);
    return -1;
}

int lf_cohorts(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
               struct lf_err *err)
{
    static const char *const periods[] = {"day", "week", "month", NULL};
    static const char *const bases[] = {"activity", "revenue", NULL};
    static const char *const levels[] = {"user", "account", NULL};
    static const char *const starts[] = {"first-activity", "customer-since", NULL};
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    int period, basis, level, start;
    if (pick("cohort period", o->by, periods, ENGINE_MONTH, &period, err) < 0 ||
        pick("cohort basis", o->basis, bases, ENGINE_ACTIVITY, &basis, err) < 0 ||
        pick("cohort level", o->level, levels,
             basis == ENGINE_REVENUE ? ENGINE_ACCOUNT : ENGINE_USER, &level, err) < 0 ||
        pick("cohort start", o->start, starts,
             basis == ENGINE_REVENUE ? ENGINE_CUSTOMER_SINCE : ENGINE_FIRST_ACTIVITY, &start,
             err) < 0)
        return -1;
    struct engine_query q = {.now = now_of(o)};
    q.from = o->from_ms ? o->from_ms : INT64_MIN;
    q.to = o->to_ms ? o->to_ms : INT64_MAX;
    if (o->account) {
        int found = store_account_find(lf->st, lf->ws, o->account, &q.account, err);
        if (found < 0)
            return -1;
        if (!found)
            return err_set(err, LF_ENOENT, "no account '%s'", o->account);
    }
    struct engine_cohorts c;
    if (engine_get(lf, o, err) < 0 ||
        engine_cohorts(lf->engine, &q, period, basis, level, start, &c, err) < 0)
        return -1;
    struct lf_table *t = table_new("cohorts");
    size_t cc = table_add_column(t, "cohort", LF_COL_TEXT);
    size_t cp = table_add_column(t, "period", LF_COL_INT);
    size_t cs = table_add_column(t, "size", LF_COL_INT);
    size_t cr = table_add_column(t, "retained", LF_COL_INT);
    size_t crate = table_add_column(t, "rate", LF_COL_PERCENT);
    for (size_t i = 0; i < c.nr; i++) {
        size_t row = table_add_row(t);
        if (period == ENGINE_MONTH)
            set_month(t, row, cc, c.rows[i].cohort);
        else
            set_date(t, row, cc, c.rows[i].cohort);
        table_set_int(t, row, cp, c.rows[i].period);
        table_set_int(t, row, cs, c.rows[i].size);
        table_set_int(t, row, cr, c.rows[i].retained);
        table_set_real(t, row, crate, c.rows[i].rate);
    }
    engine_cohorts_free(&c);
    *out = t;
    return 0;
}

/* ---- survival ---- */

int lf_survival(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                struct lf_err *err)
{
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    struct engine_query q;
    struct engine_survival s;
    if (query_make(lf, o, 30, BY_GROUPS, ENGINE_BY_NONE, &q, err) < 0 ||
        engine_get(lf, o, err) < 0 || engine_survival(lf->engine, &q, &s, err) < 0)
        return -1;
    struct lf_table *t = table_new(o->median ? "survival-median" : "survival");
    int cg = q.by ? (int)table_add_column(t, by_column(q.by), LF_COL_TEXT) : -1;
    if (o->median) {
        size_t ca = table_add_column(t, "accounts", LF_COL_INT);
        size_t cc = table_add_column(t, "churned", LF_COL_INT);
        size_t cm = table_add_column(t, "median_days", LF_COL_REAL);
        size_t cl = table_add_column(t, "lower", LF_COL_REAL);
        size_t cu = table_add_column(t, "upper", LF_COL_REAL);
        for (size_t g = 0; g < s.groups.nr; g++) {
            const struct engine_survival_group *c = &s.curves[g];
            if (!c->accounts)
                continue;
            size_t row = table_add_row(t);
            if (cg >= 0)
                table_set_text(t, row, (size_t)cg, s.groups.labels[g]);
            table_set_int(t, row, ca, c->accounts);
            table_set_int(t, row, cc, c->churned);
            table_set_real(t, row, cm, c->median.median);
            table_set_real(t, row, cl, c->median.lower);
            table_set_real(t, row, cu, c->median.upper);
        }
    } else {
        size_t ct = table_add_column(t, "time", LF_COL_REAL);
        size_t cn = table_add_column(t, "at_risk", LF_COL_INT);
        size_t ce = table_add_column(t, "events", LF_COL_INT);
        size_t cc = table_add_column(t, "censored", LF_COL_INT);
        size_t cs = table_add_column(t, "survival", LF_COL_REAL);
        size_t cse = table_add_column(t, "std_err", LF_COL_REAL);
        size_t cl = table_add_column(t, "lower", LF_COL_REAL);
        size_t cu = table_add_column(t, "upper", LF_COL_REAL);
        for (size_t g = 0; g < s.groups.nr; g++)
            for (size_t i = 0; i < s.curves[g].nr; i++) {
                const struct km_row *r = &s.curves[g].rows[i];
                size_t row = table_add_row(t);
                if (cg >= 0)
                    table_set_text(t, row, (size_t)cg, s.groups.labels[g]);
                table_set_real(t, row, ct, r->time);
                table_set_int(t, row, cn, r->at_risk);
                table_set_int(t, row, ce, r->events);
                table_set_int(t, row, cc, r->censored);
                table_set_real(t, row, cs, r->survival);
                table_set_real(t, row, cse, r->std_err);
                table_set_real(t, row, cl, r->lower);
                table_set_real(t, row, cu, r->upper);
            }
    }
    engine_survival_free(&s);
    *out = t;
    return 0;
}

/* ---- the engine itself ---- */

static struct lf_table *info_table(struct engine *e, const char *origin, double seconds)
{
    struct engine_info in;
    engine_info(e, &in);
    struct {
        const char *name;
        int64_t v;
    } ints[] = {{"events", (int64_t)in.events}, {"accounts", (int64_t)in.accounts},
                {"users", (int64_t)in.users}, {"event_names", (int64_t)in.names},
                {"high_water", in.high_water}, {"tail_events", (int64_t)in.tail_events},
                {"skipped", (int64_t)in.skipped}, {"bytes", (int64_t)in.bytes},
                {"threads", in.threads}};
    size_t ints_nr = sizeof(ints) / sizeof(*ints);
    struct lf_table *t = table_new("engine");
    size_t c_origin = table_add_column(t, "origin", LF_COL_TEXT);
    for (size_t i = 0; i < ints_nr; i++)
        table_add_column(t, ints[i].name, LF_COL_INT);
    size_t c_bpe = table_add_column(t, "bytes_per_event", LF_COL_REAL);
    size_t c_secs = table_add_column(t, "seconds", LF_COL_REAL);
    size_t row = table_add_row(t);
    table_set_text(t, row, c_origin, origin);
    for (size_t i = 0; i < ints_nr; i++)
        table_set_int(t, row, c_origin + 1 + i, ints[i].v);
    table_set_real(t, row, c_bpe, in.bytes_per_event);
    table_set_real(t, row, c_secs, seconds);
    return t;
}

int lf_engine_rebuild(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                      struct lf_err *err)
{
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    struct engine_opts eo = {.progress = o->progress, .threads = o->threads};
    struct engine *e;
    int64_t t0 = time_now_ms();
    if (engine_build(lf->st, lf->ws, &eo, &e, err) < 0)
        return -1;
    double secs = (double)(time_now_ms() - t0) / 1000.0;
    if (o->snapshot && engine_save(e, o->snapshot, err) < 0) {
        engine_free(e);
        return -1;
    }
    engine_free(lf->engine);
    lf->engine = e;
    *out = info_table(e, "built", secs);
    return 0;
}

int lf_engine_info(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                   struct lf_err *err)
{
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    const char *origin;
    int64_t t0 = time_now_ms();
    if (engine_get_origin(lf, o, &origin, err) < 0)
        return -1;
    double secs = (double)(time_now_ms() - t0) / 1000.0;
    *out = info_table(lf->engine, origin, secs);
    return 0;
}

/* ---- bench: Q1..Q4 of bench/engine.sh ---- */

static double now_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_query(struct lf *lf, int which, const struct engine_query *q, size_t *rows,
                       struct lf_err *err)
{
    if (which == 1) {
        struct engine_cohorts c;
        struct engine_query all = *q;
        all.from = INT64_MIN;
        all.to = INT64_MAX;
        if (engine_cohorts(lf->engine, &all, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                           ENGINE_FIRST_ACTIVITY, &c, err) < 0)
            return -1;
        *rows = c.nr;
        engine_cohorts_free(&c);
        return 0;
    }
    static const unsigned what[] = {ENGINE_ACC_ACTIVITY, 0, ENGINE_ACC_ADOPTION, ENGINE_ACC_ALL};
    struct engine_accounts a;
    if (engine_accounts(lf->engine, q, what[which], &a, err) < 0)
        return -1;
    *rows = a.nr;
    engine_accounts_free(&a);
    return 0;
}

int lf_engine_bench(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                    struct lf_err *err)
{
    static const char *const names[] = {"Q1 dau per account over 30 days",
                                        "Q2 weekly cohort retention (users)",
                                        "Q3 adoption breadth per account",
                                        "Q4 portfolio (Q1 + Q3 + last seen + trend)"};
    const struct lf_usage_opts *o = opts ? opts : &no_opts;
    *out = NULL;
    int runs = o->runs > 0 ? o->runs : 5;
    struct engine_query q;
    if (engine_get(lf, o, err) < 0 || query_make(lf, o, 30, 0, ENGINE_BY_ACCOUNT, &q, err) < 0)
        return -1;
    struct lf_table *t = table_new("engine-bench");
    size_t cq = table_add_column(t, "query", LF_COL_TEXT);
    size_t cr = table_add_column(t, "rows", LF_COL_INT);
    size_t cm = table_add_column(t, "median_ms", LF_COL_REAL);
    size_t cmin = table_add_column(t, "min_ms", LF_COL_REAL);
    double *ms = xmalloc((size_t)runs * sizeof(*ms));
    for (int which = 0; which < 4; which++) {
        size_t rows = 0;
        for (int r = 0; r < runs; r++) {
            double t0 = now_secs();
            if (bench_query(lf, which, &q, &rows, err) < 0) {
                free(ms);
                lf_table_free(t);
                return -1;
            }
            ms[r] = (now_secs() - t0) * 1000.0;
        }
        size_t row = table_add_row(t);
        table_set_text(t, row, cq, names[which]);
        table_set_int(t, row, cr, (int64_t)rows);
        table_set_real(t, row, cm, median_of(ms, (size_t)runs));
        table_set_real(t, row, cmin, ms[0]); /* sorted by median_of */
    }
    free(ms);
    *out = t;
    return 0;
}
