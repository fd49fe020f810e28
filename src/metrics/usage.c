/* usage.c - product usage from the analytics engine: active users per day, week and month,
 * stickiness, the portfolio of every account, adoption breadth and depth, adoption curves,
 * seat utilisation, recency and trend, time to value. Definitions: docs/engine.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "report/table.h"
#include "usage_int.h"

static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};
static const int no_dims[] = {DIM_END};

/* The window [from, to): to = the parameter or now; from = the parameter, or `days` before to. */
/* The window of an engine query in the workspace's zone: `days` calendar days before `to` by
 * default. */
static void window(const struct metric_ctx *c, int64_t days, struct engine_query *q)
{
    q->now = c->now;
    q->tz = metric_engine_tz(c);
    q->to = c->to != LF_UNSET ? c->to : c->now;
    if (c->from != LF_UNSET) {
        q->from = c->from;
    } else {
        int64_t day = tz_local_day(c->tz, q->to);
        q->from = tz_day_start(c->tz, day - days) + (q->to - tz_day_start(c->tz, day));
    }
}

/* Dates, months and times are shown in the workspace's zone. */
static void set_date(const struct metric_ctx *mc, struct lf_table *t, size_t r, size_t c,
                     int64_t ms)
{
    char d[16];
    tz_format_period(mc->tz, TZ_DAY, ms, d);
    table_set_text(t, r, c, d);
}

static void set_time(const struct metric_ctx *mc, struct lf_table *t, size_t r, size_t c,
                     int64_t ms)
{
    char d[40];
    if (ms == LF_UNSET)
        return;
    tz_format_iso(mc->tz, ms, d);
    table_set_text(t, r, c, d);
}

static void set_month(const struct metric_ctx *mc, struct lf_table *t, size_t r, size_t c,
                      int64_t ms)
{
    char d[16];
    tz_format_period(mc->tz, TZ_MONTH, ms, d);
    table_set_text(t, r, c, d);
}

/* A result holds at most this many (group, period) cells: the bound of what one request may
 * make the engine allocate (issue 7, defect 8). */
#define MAX_CELLS 5000000

/* Refuses a window whose periods, times the groups, would exceed the bounds. */
static int bounded(const struct engine_query *q, int period, size_t groups, struct lf_err *err)
{
    static const int64_t period_days[] = {1, 7, 28};
    int64_t periods = (q->to - q->from) / (period_days[period] * MS_PER_DAY) + 2;
    int64_t cells = periods * (int64_t)(groups ? groups : 1);
    if (periods > METRIC_PERIODS)
        return err_set_field(err, "from", LF_EINVAL,
                             "the window holds about %lld periods, over the limit of %d; "
                             "narrow it with from and to",
                             (long long)periods, METRIC_PERIODS);
    if (cells > MAX_CELLS)
        return err_set_field(err, "by", LF_EINVAL,
                             "%zu groups over about %lld periods is over the limit of %d "
                             "cells; narrow the window or the breakdown",
                             groups, (long long)periods, MAX_CELLS);
    return 0;
}

/* A row whose dimension columns hold the values of group label `label`. */
static size_t group_row(const struct metric_ctx *c, struct lf_table *t, const char *label)
{
    char buf[2048];
    const char *labels[METRIC_BY_MAX];
    usage_split_label(c, label, buf, sizeof(buf), labels);
    return metric_row(c, t, labels);
}

/* ---- dau, wau, mau, stickiness ---- */

static int active(struct metric_ctx *c, struct lf_table *t, int period, struct lf_err *err)
{
    static const int64_t default_days[] = {30, 7 * 12, 365};
    struct engine_query q = {0};
    struct engine_activity_row *rows;
    size_t nr;
    struct usage_groups u;
    window(c, default_days[period], &q);
    if (usage_groups_make(&u, c, false, err) < 0)
        return -1;
    q.custom = &u.custom;
    if (bounded(&q, period, u.nr, err) < 0 ||
        usage_activity(c, &u, &q, period, &rows, &nr, err) < 0) {
        usage_groups_release(&u);
        return -1;
    }
    metric_dim_columns(c, t);
    size_t cp = metric_columns(c, t), first = cp + 1; /* the period, then the figures */
    for (size_t i = 0; i < nr; i++) {
        const struct engine_activity_row *r = &rows[i];
        size_t row = group_row(c, t, u.labels[r->group]);
        if (period == ENGINE_MONTH)
            set_month(c, t, row, cp, r->period);
        else
            set_date(c, t, row, cp, r->period);
        table_set_int(t, row, first, r->users);
        table_set_int(t, row, first + 1, r->accounts);
        table_set_int(t, row, first + 2, r->events);
    }
    free(rows);
    usage_groups_release(&u);
    return 0;
}

static int compute_dau(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return active(c, t, ENGINE_DAY, err);
}

static int compute_wau(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return active(c, t, ENGINE_WEEK, err);
}

static int compute_mau(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return active(c, t, ENGINE_MONTH, err);
}

/* Per month of the window: the mean DAU over its days in the window, MAU, their ratio. */
static int compute_stickiness(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_query q = {0};
    struct engine_activity_row *days = NULL, *months = NULL;
    size_t days_nr, months_nr;
    struct usage_groups u;
    window(c, 90, &q);
    if (c->from == LF_UNSET)
        q.from = time_add_months(time_month_start(q.to), -2);
    if (usage_groups_make(&u, c, false, err) < 0)
        return -1;
    q.custom = &u.custom;
    if (bounded(&q, ENGINE_DAY, u.nr, err) < 0 ||
        usage_activity(c, &u, &q, ENGINE_DAY, &days, &days_nr, err) < 0 ||
        usage_activity(c, &u, &q, ENGINE_MONTH, &months, &months_nr, err) < 0) {
        free(days);
        usage_groups_release(&u);
        return -1;
    }
    metric_dim_columns(c, t);
    size_t cm = metric_columns(c, t), first = cm + 1; /* the month, then the figures */
    size_t d = 0;
    for (size_t i = 0; i < months_nr; i++) {
        const struct engine_activity_row *m = &months[i];
        int64_t next = time_add_months(time_month_start(m->period), 1);
        double sum = 0;
        int64_t n = 0;
        /* both results list the same groups and every period, in order */
        for (; d < days_nr && days[d].group == m->group && days[d].period < next; d++) {
            sum += (double)days[d].users;
            n++;
        }
        size_t row = group_row(c, t, u.labels[m->group]);
        set_month(c, t, row, cm, m->period);
        double dau = n ? sum / (double)n : NAN;
        table_set_real(t, row, first, dau);
        table_set_int(t, row, first + 1, m->users);
        table_set_real(t, row, first + 2, m->users ? dau / (double)m->users : NAN);
    }
    free(days);
    free(months);
    usage_groups_release(&u);
    return 0;
}

/* ---- per account: portfolio, adoption, seats, recency ---- */

/* Every account's figures over the window; rows of accounts the filters refuse are dropped. */
static int accounts(struct metric_ctx *c, unsigned what, struct engine_accounts *a,
                    struct lf_err *err)
{
    struct engine_query q = {.by = ENGINE_BY_ACCOUNT};
    window(c, 30, &q);
    if (metric_accounts(c, err) < 0)
        return -1;
    for (size_t i = 0; i < c->where_nr; i++) {
        if (c->where[i].dim != DIM_ACCOUNT)
            continue;
        /* one account (the account page): the engine computes its row alone, not 100 000 */
        *a = (struct engine_accounts){0};
        if (!c->acc_nr)
            return 0;
        q.account = c->acc[0].id; /* metric_accounts read only it */
        struct lf_err mine = {0};
        if (engine_accounts(c->e, &q, what, a, &mine) < 0) {
            if (mine.code == LF_ENOENT) /* the engine has no event of it: no row */
                return 0;
            *err = mine;
            return -1;
        }
        break;
    }
    if (!q.account && engine_accounts(c->e, &q, what, a, err) < 0)
        return -1;
    size_t o = 0; /* the rows' strings are the engine's: refused rows are just dropped */
    for (size_t i = 0; i < a->nr; i++)
        if (metric_account_passes(c, metric_account(c, a->rows[i].account_id)))
            a->rows[o++] = a->rows[i];
    a->nr = o;
    return 0;
}

static int compute_portfolio(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_accounts a;
    if (accounts(c, ENGINE_ACC_ALL, &a, err) < 0)
        return -1;
    size_t col = metric_columns(c, t);
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_account_row *r = &a.rows[i];
        size_t row = table_add_row(t), k = col;
        table_set_text(t, row, k++, r->ext_id);
        if (r->segment)
            table_set_text(t, row, k, r->segment);
        k++;
        if (r->plan)
            table_set_text(t, row, k, r->plan);
        k++;
        table_set_real(t, row, k++, r->dau);
        table_set_int(t, row, k++, r->wau);
        table_set_int(t, row, k++, r->mau);
        table_set_real(t, row, k++, r->stickiness);
        if (r->seats != LF_UNSET)
            table_set_int(t, row, k, r->seats);
        k++;
        table_set_real(t, row, k++, r->utilisation);
        table_set_int(t, row, k++, r->events);
        table_set_int(t, row, k++, r->features);
        table_set_real(t, row, k++, r->breadth);
        table_set_real(t, row, k++, r->depth);
        set_time(c, t, row, k++, r->last_seen);
        if (r->days_since != LF_UNSET)
            table_set_int(t, row, k, r->days_since);
        k++;
        table_set_real(t, row, k, isnan(r->trend) ? NAN : r->trend / 100.0);
    }
    engine_accounts_free(&a);
    return 0;
}

/* A group of account rows (by the account dims of `by`). */
struct agg {
    const char *key;
    int64_t accounts, users, events, seats, seat_users;
    double breadth_sum;
};

static int agg_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct agg *)pa)->key, ((const struct agg *)pb)->key);
}

/* Sums account rows per group of `by` ("(none)" for a missing value), sorted by key. An
 * account is active when it has an event or a user in the window. */
static struct agg *aggregate(struct metric_ctx *c, const struct engine_accounts *a, size_t *nr)
{
    struct agg *g = NULL;
    size_t n = 0, cap = 0;
    char key[2048];
    for (size_t i = 0; i < a->nr; i++) {
        const struct engine_account_row *r = &a->rows[i];
        const struct metric_account *m = metric_account(c, r->account_id);
        size_t len = 0;
        key[0] = '\0';
        for (size_t k = 0; k < c->by_nr; k++)
            len += (size_t)snprintf(key + len, sizeof(key) - len, "%s%s", k ? "\x1f" : "",
                                    metric_account_value(m, c->by[k]));
        size_t k = 0;
        while (k < n && strcmp(g[k].key, key) != 0)
            k++;
        if (k == n) {
            g = xgrow(g, sizeof(*g), n + 1, &cap);
            g[n++] = (struct agg){.key = metric_keep(c, key)};
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

/* A metric per account unless `by` names other dims: by=account when it names none. */
static void default_by_account(struct metric_ctx *c)
{
    if (!c->by_nr)
        c->by[c->by_nr++] = DIM_ACCOUNT;
}

static bool per_account(const struct metric_ctx *c)
{
    return c->by_nr == 1 && c->by[0] == DIM_ACCOUNT;
}

static int compute_adoption(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_accounts a;
    default_by_account(c);
    if (accounts(c, ENGINE_ACC_ADOPTION | ENGINE_ACC_ACTIVITY, &a, err) < 0)
        return -1;
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    if (per_account(c)) {
        for (size_t i = 0; i < a.nr; i++) {
            const struct engine_account_row *r = &a.rows[i];
            size_t row = metric_row(c, t, (const char *[]){r->ext_id}), k = first;
            table_set_int(t, row, k++, r->events > 0 || r->mau > 0);
            table_set_int(t, row, k++, r->mau);
            table_set_int(t, row, k++, r->events);
            table_set_int(t, row, k++, r->features);
            table_set_real(t, row, k++, r->breadth);
            table_set_real(t, row, k, r->depth);
        }
    } else {
        size_t n;
        struct agg *g = aggregate(c, &a, &n);
        for (size_t i = 0; i < n; i++) {
            size_t row = group_row(c, t, g[i].key), k = first;
            table_set_int(t, row, k++, g[i].accounts);
            table_set_int(t, row, k++, g[i].users);
            table_set_int(t, row, k++, g[i].events);
            k++; /* features: distinct names are not summed over accounts */
            table_set_real(t, row, k++,
                           g[i].accounts ? g[i].breadth_sum / (double)g[i].accounts : NAN);
            table_set_real(t, row, k,
                           g[i].users ? (double)g[i].events / (double)g[i].users : NAN);
        }
        free(g);
    }
    engine_accounts_free(&a);
    return 0;
}

static int compute_seats(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_accounts a;
    default_by_account(c);
    if (accounts(c, ENGINE_ACC_ACTIVITY, &a, err) < 0)
        return -1;
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    if (per_account(c)) {
        for (size_t i = 0; i < a.nr; i++) {
            const struct engine_account_row *r = &a.rows[i];
            size_t row = metric_row(c, t, (const char *[]){r->ext_id});
            if (r->seats != LF_UNSET)
                table_set_int(t, row, first, r->seats);
            table_set_int(t, row, first + 1, r->mau);
            table_set_real(t, row, first + 2, r->utilisation);
        }
    } else {
        /* over the accounts with seats: their active users / their seats */
        size_t n;
        struct agg *g = aggregate(c, &a, &n);
        for (size_t i = 0; i < n; i++) {
            size_t row = group_row(c, t, g[i].key);
            table_set_int(t, row, first, g[i].seats);
            table_set_int(t, row, first + 1, g[i].seat_users);
            table_set_real(t, row, first + 2,
                           g[i].seats ? (double)g[i].seat_users / (double)g[i].seats : NAN);
        }
        free(g);
    }
    engine_accounts_free(&a);
    return 0;
}

static int compute_recency(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_accounts a;
    if (accounts(c, ENGINE_ACC_RECENCY, &a, err) < 0)
        return -1;
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < a.nr; i++) {
        const struct engine_account_row *r = &a.rows[i];
        size_t row = table_add_row(t);
        table_set_text(t, row, first, r->ext_id);
        set_time(c, t, row, first + 1, r->last_seen);
        if (r->days_since != LF_UNSET)
            table_set_int(t, row, first + 2, r->days_since);
        table_set_real(t, row, first + 3, isnan(r->trend) ? NAN : r->trend / 100.0);
    }
    engine_accounts_free(&a);
    return 0;
}

/* ---- features: adoption curves ---- */

static int compute_features(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    static const int default_days[] = {7, 14, 30, 60, 90};
    struct engine_query q = {0};
    struct engine_curves cv;
    struct usage_groups u;
    int i = metric_param(c, "days");
    const int *days = c->p[i].given ? c->p[i].ints : default_days;
    size_t days_nr = c->p[i].given ? (size_t)c->p[i].ints_nr
                                   : sizeof(default_days) / sizeof(*default_days);
    window(c, 30, &q);
    if (usage_groups_make(&u, c, false, err) < 0)
        return -1;
    q.custom = &u.custom;
    int rc = usage_curves(c, &u, &q, days, days_nr, &cv, err);
    usage_groups_release(&u); /* the curves are per feature: no group label of u in them */
    if (rc < 0)
        return -1;
    size_t first = metric_columns(c, t);
    for (size_t k = 0; k < cv.nr; k++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, first, cv.rows[k].feature);
        table_set_int(t, row, first + 1, cv.rows[k].days);
        table_set_int(t, row, first + 2, cv.rows[k].eligible);
        table_set_int(t, row, first + 3, cv.rows[k].adopted);
        table_set_real(t, row, first + 4, cv.rows[k].share);
    }
    usage_curves_free(&cv);
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

/* One cohort row over rows[lo, hi) of the ttv result (those the filters let through). */
static void ttv_row(struct lf_table *t, size_t first, const char *label,
                    const struct engine_ttv_row *const *rows, size_t lo, size_t hi)
{
    double *days = xmalloc((hi - lo + 1) * sizeof(*days));
    size_t n = 0;
    int64_t churned_r = 0, churned_n = 0;
    double sum = 0;
    for (size_t i = lo; i < hi; i++) {
        if (isnan(rows[i]->days)) {
            churned_n += rows[i]->churned;
            continue;
        }
        days[n++] = rows[i]->days;
        sum += rows[i]->days;
        churned_r += rows[i]->churned;
    }
    int64_t total = (int64_t)(hi - lo), reached = (int64_t)n, not_reached = total - reached;
    size_t row = table_add_row(t), k = first;
    table_set_text(t, row, k++, label);
    table_set_int(t, row, k++, total);
    table_set_int(t, row, k++, reached);
    table_set_real(t, row, k++, total ? (double)reached / (double)total : NAN);
    table_set_real(t, row, k++, median_of(days, n));
    table_set_real(t, row, k++, n ? sum / (double)n : NAN);
    table_set_int(t, row, k++, churned_r);
    table_set_real(t, row, k++, reached ? (double)churned_r / (double)reached : NAN);
    table_set_int(t, row, k++, churned_n);
    table_set_real(t, row, k, not_reached ? (double)churned_n / (double)not_reached : NAN);
    free(days);
}

/* The accounts with a start, with when they reached the milestone, that pass the filters. */
static int ttv_rows(struct metric_ctx *c, struct engine_ttv *v,
                    const struct engine_ttv_row ***rows, size_t *n, struct lf_err *err)
{
    struct engine_query q = {0};
    int i = metric_param(c, "milestone");
    if (!c->p[i].given)
        return err_set_field(err, "milestone", LF_EINVAL,
                             "%s needs a milestone: the event that marks value", c->def->name);
    window(c, 30, &q);
    if (metric_accounts(c, err) < 0)
        return -1;
    q.account = metric_account_only(c); /* where account=ID: its events alone are read */
    if (engine_ttv(c->e, &q, c->p[i].s, v, err) < 0)
        return -1;
    *rows = xmalloc((v->nr ? v->nr : 1) * sizeof(**rows));
    *n = 0;
    for (size_t k = 0; k < v->nr; k++)
        if (metric_account_passes(c, metric_account(c, v->rows[k].account_id)))
            (*rows)[(*n)++] = &v->rows[k];
    return 0;
}

static int compute_ttv(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_ttv v;
    const struct engine_ttv_row **rows;
    size_t n;
    if (ttv_rows(c, &v, &rows, &n, err) < 0)
        return -1;
    size_t first = metric_columns(c, t);
    /* rows come by start: one cohort per month of start, then every account */
    size_t lo = 0;
    while (lo < n) {
        /* a start is a stored date (customer since, an MRR change's): its own month */
        int64_t month = time_month_start(rows[lo]->start);
        size_t hi = lo;
        while (hi < n && time_month_start(rows[hi]->start) == month)
            hi++;
        char label[16];
        time_format_month(month, label);
        ttv_row(t, first, label, rows, lo, hi);
        lo = hi;
    }
    ttv_row(t, first, "all", rows, 0, n);
    free(rows);
    engine_ttv_free(&v);
    return 0;
}

static int compute_ttv_accounts(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_ttv v;
    const struct engine_ttv_row **rows;
    size_t n;
    if (ttv_rows(c, &v, &rows, &n, err) < 0)
        return -1;
    size_t first = metric_columns(c, t);
    for (size_t k = 0; k < n; k++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, first, rows[k]->ext_id);
        char day[16];
        time_format_date(rows[k]->start, day); /* a stored date: no zone to apply */
        table_set_text(t, row, first + 1, day);
        set_time(c, t, row, first + 2, rows[k]->reached_at);
        table_set_real(t, row, first + 3, rows[k]->days);
        table_set_int(t, row, first + 4, rows[k]->churned);
    }
    free(rows);
    engine_ttv_free(&v);
    return 0;
}

/* ---- declarations ---- */

#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])
#define USAGE_COMMON (COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE | COMMON_ACCOUNT)

#define ACTIVE_COLS                                                                            \
    {"users", LF_COL_INT, "distinct users with an event"},                                     \
        {"accounts", LF_COL_INT, "distinct accounts with an event"},                           \
        {"events", LF_COL_INT, "events"}
static const struct lf_column_info dau_cols[] = {{"day", LF_COL_TEXT, "the day"}, ACTIVE_COLS};
static const struct lf_column_info wau_cols[] = {{"week", LF_COL_TEXT, "the week, by its Monday"},
                                                 ACTIVE_COLS};
static const struct lf_column_info mau_cols[] = {{"month", LF_COL_TEXT, "the month"},
                                                 ACTIVE_COLS};
static const struct lf_column_info stickiness_cols[] = {
    {"month", LF_COL_TEXT, "the month"},
    {"dau", LF_COL_REAL, "mean daily users over the month's days in the window"},
    {"mau", LF_COL_INT, "the month's distinct users"},
    {"stickiness", LF_COL_PERCENT, "dau / mau"},
};
static const struct lf_column_info portfolio_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"segment", LF_COL_TEXT, ""},
    {"plan", LF_COL_TEXT, ""},
    {"dau", LF_COL_REAL,
     "distinct (user, calendar day) pairs / the window's days (a cut day counts its part)"},
    {"wau", LF_COL_INT, "users in the window's last 7 days"},
    {"mau", LF_COL_INT, "users in the window"},
    {"stickiness", LF_COL_PERCENT, "dau / mau"},
    {"seats", LF_COL_INT, "seats purchased"},
    {"utilisation", LF_COL_PERCENT, "mau / seats"},
    {"events", LF_COL_INT, ""},
    {"features", LF_COL_INT, "distinct event names used"},
    {"breadth", LF_COL_PERCENT, "features / event names in the catalogue"},
    {"depth", LF_COL_REAL, "events / active users"},
    {"last_seen", LF_COL_TEXT, "the last event before to"},
    {"days_since", LF_COL_INT, "calendar days from last_seen to now"},
    {"trend", LF_COL_PERCENT,
     "slope of the users of the 8 blocks of 7 days ending at to, as a share of their mean"},
};
static const struct lf_column_info adoption_cols[] = {
    {"active_accounts", LF_COL_INT, "accounts with an event or a user in the window"},
    {"users", LF_COL_INT, "active users"},
    {"events", LF_COL_INT, ""},
    {"features", LF_COL_INT, "distinct event names used (per account only)"},
    {"breadth", LF_COL_PERCENT, "features used / catalogue (a group: the accounts' mean)"},
    {"depth", LF_COL_REAL, "events per active user"},
};
static const struct lf_column_info seats_cols[] = {
    {"seats", LF_COL_INT, "seats purchased"},
    {"active_users", LF_COL_INT, "users active in the window"},
    {"utilisation", LF_COL_PERCENT, "active_users / seats"},
};
static const struct lf_column_info recency_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"last_seen", LF_COL_TEXT, "the last event before to"},
    {"days_since", LF_COL_INT, "calendar days from last_seen to now"},
    {"trend", LF_COL_PERCENT,
     "slope of the users of the 8 blocks of 7 days ending at to, as a share of their mean"},
};
static const struct lf_column_info features_cols[] = {
    {"feature", LF_COL_TEXT, "an event name"},
    {"days", LF_COL_INT, "k"},
    {"eligible", LF_COL_INT, "customers whose start is at least k days before now"},
    {"adopted", LF_COL_INT, "of them, those who used it within k days of their start"},
    {"share", LF_COL_PERCENT, "adopted / eligible"},
};
static const struct lf_column_info ttv_cols[] = {
    {"cohort", LF_COL_TEXT, "the month of start, or all"},
    {"accounts", LF_COL_INT, ""},
    {"reached", LF_COL_INT, "accounts that reached the milestone"},
    {"reached_share", LF_COL_PERCENT, ""},
    {"median_days", LF_COL_REAL, "days from start to the milestone"},
    {"mean_days", LF_COL_REAL, ""},
    {"churned_reached", LF_COL_INT, ""},
    {"churn_reached", LF_COL_PERCENT, "churn of those that reached it"},
    {"churned_not_reached", LF_COL_INT, ""},
    {"churn_not_reached", LF_COL_PERCENT, "churn of those that did not"},
};
static const struct lf_column_info ttv_account_cols[] = {
    {"account", LF_COL_TEXT, ""},
    {"start", LF_COL_TEXT, "customer since, else the first paid MRR change"},
    {"reached_at", LF_COL_TEXT, "the first milestone event before now"},
    {"days", LF_COL_REAL, "days from start to reached_at"},
    {"churned", LF_COL_INT, "1 when it churned by now"},
};
static const struct lf_param_info features_params[] = {
    {"days", LF_PARAM_INTS, "7,14,30,60,90", "the k (days) of the adoption curves", NULL, 1,
     3650, 32},
};
static const struct lf_param_info ttv_params[] = {
    {"milestone", LF_PARAM_TEXT, "required", "the event that marks value"},
};

const struct metric_def metric_dau = {
    .name = "dau", .group = "usage",
    .summary = "daily active users, accounts and events (default: the last 30 days)",
    .help = "Per day of the window and group: distinct users with an event, distinct "
            "accounts, events.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims, COLS(dau_cols),
    .needs = NEEDS_ENGINE | NEEDS_CACHE, .compute = compute_dau};
const struct metric_def metric_wau = {
    .name = "wau", .group = "usage",
    .summary = "weekly active users, accounts and events (default: the last 12 weeks)",
    .help = "Per Monday week of the window and group, as dau.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims, COLS(wau_cols),
    .needs = NEEDS_ENGINE | NEEDS_CACHE, .cache_of = &metric_dau, .compute = compute_wau};
const struct metric_def metric_mau = {
    .name = "mau", .group = "usage",
    .summary = "monthly active users, accounts and events (default: the last 12 months)",
    .help = "Per calendar month of the window and group, as dau.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims, COLS(mau_cols),
    .needs = NEEDS_ENGINE | NEEDS_CACHE, .cache_of = &metric_dau, .compute = compute_mau};
const struct metric_def metric_stickiness = {
    .name = "stickiness", .group = "usage",
    .summary = "DAU / MAU per month: mean daily users over monthly users",
    .help = "Per month (default: this one and the two before): the mean of its daily users "
            "over its days in the window, its users, and their ratio.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims,
    COLS(stickiness_cols), .needs = NEEDS_ENGINE | NEEDS_CACHE, .cache_of = &metric_dau,
    .compute = compute_stickiness};
const struct metric_def metric_portfolio = {
    .name = "portfolio", .group = "usage",
    .summary = "per account: DAU, WAU, MAU, stickiness, seats, adoption, last seen, trend",
    .help = "Every account's usage over the window (default: the 30 days before to).",
    .common = USAGE_COMMON & ~COMMON_BY, .dims = no_dims, .filters = account_dims,
    COLS(portfolio_cols), .needs = NEEDS_ENGINE, .compute = compute_portfolio};
const struct metric_def metric_adoption = {
    .name = "adoption", .group = "usage",
    .summary = "adoption breadth (features used / catalogue) and depth (events per user)",
    .help = "Per account (default) or per group of accounts over the window.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims,
    COLS(adoption_cols), .needs = NEEDS_ENGINE, .compute = compute_adoption};
const struct metric_def metric_features = {
    .name = "features", .group = "usage",
    .summary = "adoption curves: share of customers using each feature within k days",
    .help = "For each event name and k of days: among the customers whose start is at least "
            "k days before now, the share whose first such event came within k days of it.",
    .common = USAGE_COMMON & ~COMMON_BY, .own = features_params, .own_nr = 1, .dims = no_dims,
    .filters = account_dims, COLS(features_cols), .needs = NEEDS_ENGINE | NEEDS_CACHE,
    .cache_of = &metric_dau, .compute = compute_features};
const struct metric_def metric_seats = {
    .name = "seats", .group = "usage",
    .summary = "seat utilisation: users active in the window / seats purchased",
    .help = "Per account (default) or summed per group over the accounts with seats.",
    .common = USAGE_COMMON, .dims = account_dims, .filters = account_dims, COLS(seats_cols),
    .needs = NEEDS_ENGINE, .compute = compute_seats};
const struct metric_def metric_recency = {
    .name = "recency", .group = "usage",
    .summary = "per account: last seen, calendar days since, trend of users per 7-day block",
    .help = "Every account's last event before to, the calendar days since, and its trend.",
    .common = USAGE_COMMON & ~COMMON_BY, .dims = no_dims, .filters = account_dims,
    COLS(recency_cols), .needs = NEEDS_ENGINE, .compute = compute_recency};
const struct metric_def metric_ttv = {
    .name = "ttv", .group = "usage",
    .summary = "time to value: first milestone event after becoming a customer, by cohort",
    .help = "Per month of start: accounts, those that reached the milestone, the median and "
            "mean days to it, and the churn of both (ttv-accounts: one row per account).",
    .common = USAGE_COMMON & ~COMMON_BY, .own = ttv_params, .own_nr = 1, .dims = no_dims,
    .filters = account_dims, COLS(ttv_cols), .needs = NEEDS_ENGINE, .compute = compute_ttv};
const struct metric_def metric_ttv_accounts = {
    .name = "ttv-accounts", .group = "usage",
    .summary = "time to value per account: its start, when it reached the milestone, the days",
    .help = "Every account with a start: the start, its first milestone event before now, the "
            "days from one to the other, and whether it churned by now.",
    .common = USAGE_COMMON & ~COMMON_BY, .own = ttv_params, .own_nr = 1, .dims = no_dims,
    .filters = account_dims, COLS(ttv_account_cols), .needs = NEEDS_ENGINE,
    .compute = compute_ttv_accounts};
