/* revenue.c - the success side's revenue and retention metrics over the MRR history and the
 * orders: logo churn, GRR and NRR, the MRR movements, churn reasons, contractual CLV, repeat
 * purchases and acquisition. The formulas are src/cs's; the definitions docs/metrics.md's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "dataset.h"
#include "report/table.h"

static const int period_account_dims[] = {DIM_DAY,     DIM_WEEK,    DIM_MONTH, DIM_QUARTER,
                                          DIM_YEAR,    DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN,
                                          DIM_OWNER,   DIM_STAGE,   DIM_END};
static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};

struct run {
    struct metric_ctx *c;
    struct dataset d;
    struct groups gs;
    struct metric_period *periods;
    int periods_nr;
    int64_t from, to;
    struct lf_table *t;
    size_t first; /* the first figure column */
    bool money;   /* a currency column, and groups per currency */
    double margin;
};

static void run_release(struct run *r)
{
    free(r->periods);
    groups_release(&r->gs);
    dataset_release(&r->d);
}

/* Loads the data, the periods of the window (the one window without a period dim) and the
 * result's columns. */
static int run_start(struct run *r, struct metric_ctx *c, struct lf_table *t, unsigned load,
                     bool money, struct lf_err *err)
{
    *r = (struct run){.c = c, .t = t, .money = money};
    groups_init(&r->gs);
    metric_default_window(c, &r->from, &r->to);
    if (dataset_load(&r->d, c, load, r->from, r->to, NULL, NULL, err) < 0)
        return -1;
    int pd = metric_period_dim(c);
    if (pd >= 0) {
        if ((r->periods_nr = metric_periods(c, pd, r->from, r->to, &r->periods, err)) < 0)
            return -1;
    } else {
        r->periods = xcalloc(1, sizeof(*r->periods));
        r->periods[0] = (struct metric_period){r->from, r->to, r->from, ""};
        r->periods_nr = 1;
    }
    metric_dim_columns(c, t);
    r->first = metric_columns(c, t) + (money ? 1 : 0); /* a money table's first is currency */
    return 0;
}

/* The account's labels for the non-period dims of `by`. */
static void account_labels(const struct metric_ctx *c, const struct metric_account *a,
                           const char *labels[METRIC_BY_MAX])
{
    for (size_t k = 0; k < c->by_nr; k++)
        labels[k] = dim_is_period(c->by[k]) ? NULL : metric_account_value(a, c->by[k]);
}

static bool has_account_dim(const struct metric_ctx *c)
{
    for (size_t k = 0; k < c->by_nr; k++)
        if (!dim_is_period(c->by[k]))
            return true;
    return false;
}

/* Groups the accounts that take part — those with an MRR history (or, with `with_orders`, an
 * order) that pass the filters — by their labels, and by currency for money metrics. Without a
 * dim of its own a non-money metric has its one group even when no account takes part. */
static void group_accounts(struct run *r, bool with_orders)
{
    struct metric_ctx *c = r->c;
    if (!r->money && !has_account_dim(c))
        groups_get(&r->gs, c, (const char *[METRIC_BY_MAX]){0}, NULL);
    for (size_t i = 0; i < c->acc_nr; i++) {
        struct ds_account *a = &r->d.acc[i];
        if (!a->changes_nr && !(with_orders && a->first_order != LF_UNSET))
            continue;
        if (!metric_account_passes(c, a->a))
            continue;
        const char *labels[METRIC_BY_MAX];
        account_labels(c, a->a, labels);
        struct group *g = groups_get(&r->gs, c, labels, r->money ? a->a->currency : NULL);
        g->acc = xgrow(g->acc, sizeof(*g->acc), g->acc_nr + 1, &g->acc_cap);
        g->acc[g->acc_nr++] = (struct cs_account){a->changes, a->changes_nr, a->first_order};
    }
    groups_sort(&r->gs, c);
}

/* A row of (p, g): its labels and currency set; returns the row. */
static size_t row_start(struct run *r, const struct metric_period *p, const struct group *g)
{
    const char *labels[METRIC_BY_MAX];
    group_labels(r->c, p, g, labels);
    size_t row = metric_row(r->c, r->t, labels);
    if (r->money)
        table_set_text(r->t, row, r->first - 1, g->currency);
    return row;
}

/* Money that is a mean or a product: rounded half away from zero to minor units, or null. */
static void set_money_real(struct lf_table *t, size_t row, size_t col, double v)
{
    if (!isnan(v) && !isinf(v))
        table_set_int(t, row, col, llround(v));
}

/* ---- churn ---- */

static void churn_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_retention x;
    cs_retention_compute(g->acc, g->acc_nr, p->from, p->to, &x);
    size_t row = row_start(r, p, g), col = r->first;
    table_set_int(r->t, row, col++, x.accounts_start);
    table_set_int(r->t, row, col++, x.churned);
    table_set_real(r->t, row, col++, x.logo_churn_rate);
    table_set_int(r->t, row, col++, x.mrr_start);
    table_set_int(r->t, row, col++, x.mrr_end);
    table_set_real(r->t, row, col++, x.grr);
    table_set_real(r->t, row, col, x.nrr);
}

static int compute_churn(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, t, LOAD_MRR, true, err) == 0) {
        group_accounts(&r, false);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, churn_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- mrr ---- */

static void mrr_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_movement m;
    cs_movement_compute(g->acc, g->acc_nr, p->from, p->to, &m);
    size_t row = row_start(r, p, g), col = r->first;
    int64_t v[] = {m.starting, m.new_mrr,      m.expansion, m.contraction,
                   m.churn,    m.reactivation, m.ending,    m.new_accounts,
                   m.expanded, m.contracted,   m.churned,   m.reactivated};
    for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
        table_set_int(r->t, row, col++, v[k]);
}

static int compute_mrr(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    /* the movement table is always by period: monthly unless `by` names another */
    if (metric_period_dim(c) < 0) {
        if (c->by_nr == METRIC_BY_MAX)
            return err_set_field(err, "by", LF_EINVAL,
                                 "mrr is always by period: by takes one period (default month) "
                                 "and at most one other dimension");
        memmove(c->by + 1, c->by, c->by_nr * sizeof(*c->by));
        c->by[0] = DIM_MONTH;
        c->by_nr++;
    }
    struct run r;
    int ret = -1;
    if (run_start(&r, c, t, LOAD_MRR, true, err) == 0) {
        group_accounts(&r, false);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, mrr_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- churn reasons ---- */

static void reasons_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_reason *rs;
    size_t n = cs_churn_reasons(g->acc, g->acc_nr, p->from, p->to, &rs);
    for (size_t k = 0; k < n; k++) {
        size_t row = row_start(r, p, g), col = r->first;
        table_set_text(r->t, row, col++, rs[k].reason);
        table_set_int(r->t, row, col++, rs[k].churned);
        table_set_int(r->t, row, col++, rs[k].lost_mrr);
        table_set_real(r->t, row, col, rs[k].share);
    }
    free(rs);
}

static int compute_reasons(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, t, LOAD_MRR, true, err) == 0) {
        group_accounts(&r, false);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, reasons_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- clv ---- */

static void clv_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_clv v;
    cs_clv_compute(g->acc, g->acc_nr, p->from, p->to, r->margin, r->c->tz, &v);
    size_t row = row_start(r, p, g), col = r->first;
    table_set_int(r->t, row, col++, v.paying);
    set_money_real(r->t, row, col++, v.arpa);
    table_set_int(r->t, row, col++, v.churned);
    table_set_int(r->t, row, col++, v.at_risk);
    table_set_real(r->t, row, col++, v.monthly_churn_rate);
    table_set_real(r->t, row, col++, v.margin);
    set_money_real(r->t, row, col, v.clv);
}

static int compute_clv(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1, i = metric_param(c, "margin");
    if (run_start(&r, c, t, LOAD_MRR, true, err) == 0) {
        r.margin = c->p[i].given ? c->p[i].r : 0.8;
        group_accounts(&r, false);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, clv_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- repeat purchases ---- */

static void repeat_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_repeat x;
    struct order *sel = xmalloc((g->orders_nr ? g->orders_nr : 1) * sizeof(*sel));
    size_t n = 0;
    for (size_t k = 0; k < g->orders_nr; k++)
        if (g->orders[k].ts >= p->from && g->orders[k].ts < p->to)
            sel[n++] = g->orders[k];
    cs_repeat_compute(sel, n, &x);
    free(sel);
    size_t row = row_start(r, p, g), col = r->first;
    table_set_int(r->t, row, col++, x.orders);
    table_set_int(r->t, row, col++, x.customers);
    table_set_int(r->t, row, col++, x.repeat_customers);
    table_set_real(r->t, row, col, x.repeat_purchase_rate);
}

/* Groups are those of the orders placed in the window (a breakdown lists no group without
 * one); without a dim of its own, one group always. */
static int compute_repeat(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, t, LOAD_ORDERS, false, err) == 0) {
        if (!has_account_dim(c))
            groups_get(&r.gs, c, (const char *[METRIC_BY_MAX]){0}, NULL);
        for (size_t k = 0; k < r.d.orders_nr; k++) {
            const struct order *o = &r.d.orders[k];
            if (o->ts < r.from || o->ts >= r.to)
                continue;
            const char *labels[METRIC_BY_MAX];
            account_labels(c, metric_account(c, o->account_id), labels);
            struct group *g = groups_get(&r.gs, c, labels, NULL);
            g->orders = xgrow(g->orders, sizeof(*g->orders), g->orders_nr + 1, &g->orders_cap);
            g->orders[g->orders_nr++] = *o;
        }
        groups_sort(&r.gs, c);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, repeat_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- acquisition ---- */

static void acquisition_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    struct cs_acquisition a;
    cs_acquisition_compute(g->acc, g->acc_nr, p->from, p->to, &a);
    size_t row = row_start(r, p, g), col = r->first;
    table_set_int(r->t, row, col++, a.customers_start);
    table_set_int(r->t, row, col++, a.new_customers);
    table_set_real(r->t, row, col, a.acquisition_rate);
}

static int compute_acquisition(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct run r;
    int ret = -1;
    if (run_start(&r, c, t, LOAD_MRR | LOAD_ORDERS, false, err) == 0) {
        group_accounts(&r, true);
        groups_each(c, r.periods, (size_t)r.periods_nr, &r.gs, acquisition_row, &r);
        ret = 0;
    }
    run_release(&r);
    return ret;
}

/* ---- declarations ---- */

static const struct lf_column_info churn_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217: money is grouped by currency, never converted"},
    {"accounts_start", LF_COL_INT, "accounts paying at the period's start"},
    {"churned", LF_COL_INT, "of them, those paying nothing at its end"},
    {"logo_churn_rate", LF_COL_PERCENT, "churned / accounts_start"},
    {"mrr_start", LF_COL_MONEY, "their MRR at the start"},
    {"mrr_end", LF_COL_MONEY, "their MRR at the end"},
    {"grr", LF_COL_PERCENT, "Σ min(end, start) / Σ start"},
    {"nrr", LF_COL_PERCENT, "Σ end / Σ start"},
};
static const struct lf_column_info mrr_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217: money is grouped by currency, never converted"},
    {"starting_mrr", LF_COL_MONEY, "MRR at the period's start"},
    {"new", LF_COL_MONEY, "from accounts that never paid before"},
    {"expansion", LF_COL_MONEY, "increases of paying accounts"},
    {"contraction", LF_COL_MONEY, "decreases that did not reach 0"},
    {"churn", LF_COL_MONEY, "MRR of accounts that went to 0"},
    {"reactivation", LF_COL_MONEY, "from accounts that had paid before"},
    {"ending_mrr", LF_COL_MONEY, "MRR at the period's end"},
    {"new_accounts", LF_COL_INT, ""},
    {"expanded", LF_COL_INT, ""},
    {"contracted", LF_COL_INT, ""},
    {"churned_accounts", LF_COL_INT, ""},
    {"reactivated", LF_COL_INT, ""},
};
static const struct lf_column_info reasons_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217: money is grouped by currency, never converted"},
    {"reason", LF_COL_TEXT, "the churning change's reason, (none) when it has none"},
    {"churned_accounts", LF_COL_INT, "churns with this reason"},
    {"lost_mrr", LF_COL_MONEY, "the MRR they had just before"},
    {"share", LF_COL_PERCENT, "of the period's churns"},
};
static const struct lf_column_info clv_cols[] = {
    {"currency", LF_COL_TEXT, "ISO 4217: money is grouped by currency, never converted"},
    {"paying_accounts", LF_COL_INT, "accounts paying at the window's end"},
    {"arpa", LF_COL_MONEY, "their mean MRR"},
    {"churned", LF_COL_INT, "monthly churns in the window"},
    {"account_months", LF_COL_INT, "accounts at risk, summed over the months"},
    {"monthly_churn_rate", LF_COL_PERCENT, "churned / account_months"},
    {"margin", LF_COL_PERCENT, "the gross margin used"},
    {"clv", LF_COL_MONEY, "arpa × margin / monthly_churn_rate"},
};
static const struct lf_column_info repeat_cols[] = {
    {"orders", LF_COL_INT, "orders in the period"},
    {"customers", LF_COL_INT, "customers with at least one"},
    {"repeat_customers", LF_COL_INT, "customers with two or more"},
    {"repeat_purchase_rate", LF_COL_PERCENT, "repeat_customers / customers"},
};
static const struct lf_column_info acquisition_cols[] = {
    {"customers_start", LF_COL_INT, "customers at the period's start"},
    {"new_customers", LF_COL_INT, "accounts that became customers in it"},
    {"acquisition_rate", LF_COL_PERCENT, "new_customers / customers_start"},
};
static const struct lf_param_info clv_params[] = {
    {"margin", LF_PARAM_REAL, "0.8", "gross margin as a fraction", NULL, 0.0001, 1},
};

#define REVENUE_COMMON (COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE)
#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])

const struct metric_def metric_churn = {
    .name = "churn", .group = "report",
    .summary = "logo churn rate, GRR and NRR of the accounts paying at the start",
    .help = "Endpoint method per period (the whole window without a period dimension): of the "
            "accounts with MRR > 0 at the start, the share paying nothing at the end, and their "
            "MRR retained (GRR) and net (NRR); per currency.",
    .common = REVENUE_COMMON, .dims = period_account_dims, .filters = account_dims,
    COLS(churn_cols), .compute = compute_churn};
const struct metric_def metric_mrr = {
    .name = "mrr", .group = "report",
    .summary = "MRR movements: new, expansion, contraction, churn, reactivation",
    .help = "The MRR movement table of each period (monthly unless by names another period): "
            "every account's change from the period's start to its end falls in one class; "
            "per currency.",
    .common = REVENUE_COMMON, .dims = period_account_dims, .filters = account_dims,
    COLS(mrr_cols), .compute = compute_mrr};
const struct metric_def metric_churn_reasons = {
    .name = "churn-reasons", .group = "report",
    .summary = "accounts whose MRR went to 0, and the MRR they took, by reason",
    .help = "Every change in the window that set a paying account's MRR to 0, by its reason; "
            "per currency.",
    .common = REVENUE_COMMON, .dims = period_account_dims, .filters = account_dims,
    COLS(reasons_cols), .compute = compute_reasons};
const struct metric_def metric_clv = {
    .name = "clv", .group = "report",
    .summary = "contractual customer lifetime value: ARPA × margin / monthly churn rate",
    .help = "Contractual CLV over the window: the mean MRR of the accounts paying at its end, "
            "times the margin, over the monthly churn rate of its months; per currency.",
    .common = REVENUE_COMMON, .own = clv_params, .own_nr = 1, .dims = account_dims,
    .filters = account_dims, COLS(clv_cols), .compute = compute_clv};
const struct metric_def metric_repeat = {
    .name = "repeat", .group = "report",
    .summary = "repeat purchase rate: customers with 2 or more orders among those with 1",
    .help = "Of the customers (a contact, else an account) who ordered in the period, the "
            "share who ordered twice or more. A breakdown lists only groups with orders.",
    .common = REVENUE_COMMON, .dims = period_account_dims, .filters = account_dims,
    COLS(repeat_cols), .compute = compute_repeat};
const struct metric_def metric_acquisition = {
    .name = "acquisition", .group = "report",
    .summary = "customer acquisition rate: new customers / customers at the start",
    .help = "Accounts become customers at their first paid MRR or first order; per period, "
            "those new over those who were customers at its start.",
    .common = REVENUE_COMMON, .dims = period_account_dims, .filters = account_dims,
    COLS(acquisition_cols), .compute = compute_acquisition};
