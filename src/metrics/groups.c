/* groups.c - what every compute function shares: the dimensions and filters of `by` and
 * `where`, the workspace's accounts they read, periods cut in the workspace's time zone, and
 * the dimension columns of the result. */
#include "metrics.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "report/table.h"

const char *const dim_names[DIM_NR] = {
    [DIM_DAY] = "day",         [DIM_WEEK] = "week",         [DIM_MONTH] = "month",
    [DIM_QUARTER] = "quarter", [DIM_YEAR] = "year",         [DIM_ACCOUNT] = "account",
    [DIM_SEGMENT] = "segment", [DIM_PLAN] = "plan",         [DIM_OWNER] = "owner",
    [DIM_STAGE] = "stage",     [DIM_TEAM] = "team",         [DIM_TOUCHPOINT] = "touchpoint",
    [DIM_CHANNEL] = "channel", [DIM_SURVEY] = "survey"};

bool dim_is_period(int dim)
{
    return dim >= DIM_DAY && dim <= DIM_YEAR;
}

int dim_tz_period(int dim)
{
    static const int periods[] = {TZ_DAY, TZ_WEEK, TZ_MONTH, TZ_QUARTER, TZ_YEAR};
    return periods[dim - DIM_DAY];
}

const struct tz *metric_engine_tz(const struct metric_ctx *c)
{
    const char *name = tz_name(c->tz);
    return !strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") ? NULL : c->tz;
}

bool dim_of_account(int dim)
{
    return dim >= DIM_ACCOUNT && dim <= DIM_STAGE;
}

const char *metric_keep(struct metric_ctx *c, const char *s)
{
    if (!s)
        return NULL;
    c->kept = xgrow(c->kept, sizeof(*c->kept), c->kept_nr + 1, &c->kept_cap);
    return c->kept[c->kept_nr++] = xstrdup(s);
}

const char *metric_keep_name(struct metric_ctx *c, struct strmap *names, const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    int64_t v;
    if (strmap_get(names, s, len, &v))
        return (const char *)(intptr_t)v;
    const char *k = metric_keep(c, s);
    strmap_put(names, s, len, (int64_t)(intptr_t)k);
    return k;
}

void metric_ctx_release(struct metric_ctx *c)
{
    for (size_t i = 0; i < c->kept_nr; i++)
        free(c->kept[i]);
    free(c->kept);
    free(c->acc);
    c->kept = NULL;
    c->acc = NULL;
    c->kept_nr = c->kept_cap = c->acc_nr = 0;
}

/* ---- accounts ---- */

struct load {
    struct metric_ctx *c;
    size_t cap;
};

static int on_account(void *p, const struct account *a, struct lf_err *err)
{
    (void)err;
    struct load *l = p;
    struct metric_ctx *c = l->c;
    c->acc = xgrow(c->acc, sizeof(*c->acc), c->acc_nr + 1, &l->cap);
    c->acc[c->acc_nr++] = (struct metric_account){
        .id = a->id,
        .ext_id = metric_keep(c, a->ext_id),
        .segment = metric_keep(c, a->segment),
        .plan = metric_keep(c, a->plan),
        .owner = metric_keep(c, a->owner),
        .stage = metric_keep(c, a->stage),
        .currency = metric_keep(c, a->currency ? a->currency : "USD"),
        .customer_since =
            a->customer_since == LF_UNSET ? LF_UNSET : metric_local_date(c, a->customer_since)};
    return 0;
}

int metric_accounts(struct metric_ctx *c, struct lf_err *err)
{
    struct load l = {c, 0};
    if (c->acc)
        return 0;
    c->acc = xmalloc(sizeof(*c->acc)); /* loaded, even when there are none */
    l.cap = 1;
    /* filtered to one account (the account page's metrics): only it can pass, and every
     * reader of c->acc skips what does not pass, so reading the other 100 000 is waste */
    for (size_t i = 0; i < c->where_nr; i++) {
        if (c->where[i].dim != DIM_ACCOUNT)
            continue;
        struct value key = {.s = c->where[i].value};
        int64_t id;
        int found = store_find(c->st, c->ws, &resource_accounts, &key, &id, err);
        if (found <= 0)
            return found; /* none: no account passes */
        return store_accounts_some(c->st, c->ws, &id, 1, on_account, &l, err);
    }
    return store_accounts_scan(c->st, c->ws, on_account, &l, err);
}

int64_t metric_account_only(const struct metric_ctx *c)
{
    for (size_t i = 0; i < c->where_nr; i++) {
        if (c->where[i].dim != DIM_ACCOUNT)
            continue;
        /* c->acc holds it alone when it exists (metric_accounts) */
        for (size_t k = 0; k < c->acc_nr; k++)
            if (c->acc[k].ext_id && strcmp(c->acc[k].ext_id, c->where[i].value) == 0)
                return c->acc[k].id;
        return -1;
    }
    return 0;
}

const struct metric_account *metric_account(const struct metric_ctx *c, int64_t id)
{
    size_t lo = 0, hi = c->acc_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->acc[mid].id == id)
            return &c->acc[mid];
        if (c->acc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

const char *metric_account_value(const struct metric_account *a, int dim)
{
    if (!a)
        return "(none)";
    switch (dim) {
    case DIM_ACCOUNT:
        return or_none(a->ext_id);
    case DIM_SEGMENT:
        return or_none(a->segment);
    case DIM_PLAN:
        return or_none(a->plan);
    case DIM_OWNER:
        return or_none(a->owner);
    default:
        return or_none(a->stage);
    }
}

bool metric_account_passes(const struct metric_ctx *c, const struct metric_account *a)
{
    for (size_t i = 0; i < c->where_nr; i++)
        if (dim_of_account(c->where[i].dim) &&
            strcmp(metric_account_value(a, c->where[i].dim), c->where[i].value) != 0)
            return false;
    return true;
}

/* ---- periods ---- */

int64_t metric_local_date(const struct metric_ctx *c, int64_t date)
{
    int64_t day = date >= 0 ? date / MS_PER_DAY : -((-date + MS_PER_DAY - 1) / MS_PER_DAY);
    return tz_day_start(c->tz, day);
}

int metric_period_dim(const struct metric_ctx *c)
{
    for (size_t k = 0; k < c->by_nr; k++)
        if (dim_is_period(c->by[k]))
            return c->by[k];
    return -1;
}

int metric_periods(const struct metric_ctx *c, int dim, int64_t from, int64_t to,
                   struct metric_period **out, struct lf_err *err)
{
    int period = dim_tz_period(dim);
    size_t nr = 0, cap = 0;
    *out = NULL;
    for (int64_t p = tz_period_start(c->tz, period, from); p < to;
         p = tz_period_add(c->tz, period, p, 1)) {
        if (nr == METRIC_PERIODS) {
            free(*out);
            *out = NULL;
            return err_set_field(err, "by", LF_EINVAL,
                                 "the window holds more than %d %ss; narrow it with from and "
                                 "to, or take a longer period",
                                 METRIC_PERIODS, dim_names[dim]);
        }
        int64_t next = tz_period_add(c->tz, period, p, 1);
        *out = xgrow(*out, sizeof(**out), nr + 1, &cap);
        struct metric_period *d = &(*out)[nr++];
        d->from = p < from ? from : p;
        d->to = next > to ? to : next;
        d->start = p;
        tz_format_period(c->tz, period, p, d->label);
    }
    return (int)nr;
}

/* ---- the result's dimension columns ---- */

void metric_dim_columns(const struct metric_ctx *c, struct lf_table *t)
{
    for (size_t k = 0; k < c->by_nr; k++)
        table_add_column(t, dim_names[c->by[k]], LF_COL_TEXT);
}

size_t metric_columns(const struct metric_ctx *c, struct lf_table *t)
{
    size_t first = lf_table_columns(t);
    for (size_t i = 0; i < c->def->columns_nr; i++)
        table_add_column(t, c->def->columns[i].name, c->def->columns[i].type);
    return first;
}

size_t metric_row(const struct metric_ctx *c, struct lf_table *t, const char *const *labels)
{
    size_t r = table_add_row(t);
    for (size_t k = 0; k < c->by_nr; k++)
        table_set_text(t, r, k, labels[k]);
    return r;
}

void metric_default_window(struct metric_ctx *c, int64_t *from, int64_t *to)
{
    *to = c->to != LF_UNSET ? c->to : c->now;
    *from = c->from != LF_UNSET
                ? c->from
                : tz_period_add(c->tz, TZ_MONTH, tz_period_start(c->tz, TZ_MONTH, *to), -12);
}
