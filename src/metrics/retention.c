/* retention.c - retention from the analytics engine: cohort retention matrices of users or
 * accounts, by activity or revenue; Kaplan–Meier survival of accounts with Greenwood
 * intervals and the median lifetimes. Definitions: docs/engine.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "report/table.h"
#include "usage_int.h"

static const int cohort_dims[] = {DIM_WEEK, DIM_MONTH, DIM_END};
static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};
static const int group_dims[] = {DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE, DIM_END};

static const char *const bases[] = {"activity", "revenue", NULL};
static const char *const levels[] = {"user", "account", NULL};
static const char *const starts[] = {"first-activity", "customer-since", NULL};

static const struct lf_param_info cohort_params[] = {
    {"basis", LF_PARAM_CHOICE, "activity", "retained by an event, or by MRR above 0", bases},
    {"level", LF_PARAM_CHOICE, "user (revenue: account)", "cohorts of users or of accounts",
     levels},
    {"start", LF_PARAM_CHOICE, "first-activity (revenue: customer-since)",
     "what starts a member's cohort", starts},
};

static int choice(const struct metric_ctx *c, const char *name, int dflt)
{
    int i = metric_param(c, name);
    return c->p[i].given ? (int)c->p[i].i : dflt;
}

static int compute_cohorts(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    int period = c->by_nr && c->by[0] == DIM_WEEK ? ENGINE_WEEK : ENGINE_MONTH;
    int basis = choice(c, "basis", ENGINE_ACTIVITY);
    int level = choice(c, "level", basis == ENGINE_REVENUE ? ENGINE_ACCOUNT : ENGINE_USER);
    int start = choice(c, "start",
                       basis == ENGINE_REVENUE ? ENGINE_CUSTOMER_SINCE : ENGINE_FIRST_ACTIVITY);
    struct engine_query q = {.now = c->now, .tz = metric_engine_tz(c)};
    struct engine_cohorts co;
    struct usage_groups u;
    q.from = c->from != LF_UNSET ? c->from : INT64_MIN;
    q.to = c->to != LF_UNSET ? c->to : INT64_MAX;
    /* the filters, as a grouping of one group */
    size_t by_nr = c->by_nr;
    c->by_nr = 0;
    int rc = usage_groups_make(&u, c, false, err);
    c->by_nr = by_nr;
    if (rc < 0)
        return -1;
    q.custom = &u.custom;
    rc = engine_cohorts(c->e, &q, period, basis, level, start, &co, err);
    usage_groups_release(&u);
    if (rc < 0)
        return -1;
    size_t cc = metric_columns(c, t), first = cc + 1; /* the cohort, then the figures */
    for (size_t i = 0; i < co.nr; i++) {
        char label[16];
        size_t row = table_add_row(t);
        tz_format_period(c->tz, period == ENGINE_MONTH ? TZ_MONTH : TZ_DAY, co.rows[i].cohort,
                         label);
        table_set_text(t, row, cc, label);
        table_set_int(t, row, first, co.rows[i].period);
        table_set_int(t, row, first + 1, co.rows[i].size);
        table_set_int(t, row, first + 2, co.rows[i].retained);
        table_set_real(t, row, first + 3, co.rows[i].rate);
    }
    engine_cohorts_free(&co);
    return 0;
}

static int survival(struct metric_ctx *c, struct lf_table *t, bool median, struct lf_err *err)
{
    struct engine_query q = {.now = c->now, .tz = metric_engine_tz(c)};
    struct engine_survival s;
    struct usage_groups u;
    q.to = c->now;
    q.from = INT64_MIN;
    if (usage_groups_make(&u, c, false, err) < 0)
        return -1;
    q.custom = &u.custom;
    /* the result's group labels are u's: released after it */
    if (engine_survival(c->e, &q, &s, err) < 0) {
        usage_groups_release(&u);
        return -1;
    }
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    if (median) {
        size_t ca = first, ch = first + 1, cm = first + 2, cl = first + 3, cu = first + 4;
        for (size_t g = 0; g < s.groups.nr; g++) {
            const struct engine_survival_group *x = &s.curves[g];
            if (!x->accounts)
                continue;
            char buf[2048];
            const char *labels[METRIC_BY_MAX];
            usage_split_label(c, s.groups.labels[g], buf, sizeof(buf), labels);
            size_t row = metric_row(c, t, labels);
            table_set_int(t, row, ca, x->accounts);
            table_set_int(t, row, ch, x->churned);
            table_set_real(t, row, cm, x->median.median);
            table_set_real(t, row, cl, x->median.lower);
            table_set_real(t, row, cu, x->median.upper);
        }
    } else {
        for (size_t g = 0; g < s.groups.nr; g++) {
            char buf[2048];
            const char *labels[METRIC_BY_MAX];
            usage_split_label(c, s.groups.labels[g], buf, sizeof(buf), labels);
            for (size_t k = 0; k < s.curves[g].nr; k++) {
                const struct km_row *r = &s.curves[g].rows[k];
                size_t row = metric_row(c, t, labels), col = first;
                table_set_real(t, row, col++, r->time);
                table_set_int(t, row, col++, r->at_risk);
                table_set_int(t, row, col++, r->events);
                table_set_int(t, row, col++, r->censored);
                table_set_real(t, row, col++, r->survival);
                table_set_real(t, row, col++, r->std_err);
                table_set_real(t, row, col++, r->lower);
                table_set_real(t, row, col, r->upper);
            }
        }
    }
    engine_survival_free(&s);
    usage_groups_release(&u);
    return 0;
}

static int compute_survival(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return survival(c, t, false, err);
}

static int compute_survival_median(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return survival(c, t, true, err);
}

static const struct lf_column_info cohort_cols[] = {
    {"cohort", LF_COL_TEXT, "the period the members started in (a week by its Monday)"},
    {"period", LF_COL_INT, "k: periods after the cohort's"},
    {"size", LF_COL_INT, "members of the cohort"},
    {"retained", LF_COL_INT, "members retained in period k"},
    {"rate", LF_COL_PERCENT, "retained / size"},
};
static const struct lf_column_info survival_cols[] = {
    {"time", LF_COL_REAL, "days since the start"},
    {"at_risk", LF_COL_INT, ""},
    {"events", LF_COL_INT, "churns at this time"},
    {"censored", LF_COL_INT, "lifetimes censored since the previous time"},
    {"survival", LF_COL_REAL, "Kaplan–Meier estimate"},
    {"std_err", LF_COL_REAL, "Greenwood standard error"},
    {"lower", LF_COL_REAL, "95 % interval, log scale"},
    {"upper", LF_COL_REAL, ""},
};
static const struct lf_column_info median_cols[] = {
    {"accounts", LF_COL_INT, "subscriptions in the group"},
    {"churned", LF_COL_INT, "of them, those that churned by now"},
    {"median_days", LF_COL_REAL, "the median lifetime: the first time survival is at or below "
                                 "0.5 (null when not reached)"},
    {"lower", LF_COL_REAL, "its 95 % interval, from the curve's bounds"},
    {"upper", LF_COL_REAL, ""},
};

const struct metric_def metric_cohorts = {
    .name = "cohorts", .group = "cohorts",
    .summary = "retention cohorts of users or accounts, by activity or revenue",
    .help = "The retention matrix (cohort, k, size, retained, rate); by picks the cohort "
            "period, week or month (default month).",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE | COMMON_ACCOUNT,
    .own = cohort_params, .own_nr = 3, .dims = cohort_dims, .filters = account_dims,
    .columns = cohort_cols, .columns_nr = 5, .needs = NEEDS_ENGINE,
    .compute = compute_cohorts};
const struct metric_def metric_survival = {
    .name = "survival", .group = "survival",
    .summary = "Kaplan–Meier survival of subscriptions and the median lifetime",
    .help = "Account lifetimes from the start of the subscription to its first churn, "
            "censored at now; one curve per group.",
    .common = COMMON_NOW | COMMON_BY | COMMON_WHERE | COMMON_ACCOUNT, .dims = group_dims,
    .filters = account_dims, .columns = survival_cols, .columns_nr = 8, .needs = NEEDS_ENGINE,
    .compute = compute_survival};
const struct metric_def metric_survival_median = {
    .name = "survival-median", .group = "survival",
    .summary = "the median lifetime of subscriptions, with its 95 % interval",
    .help = "Per group: the subscriptions, those that churned, and the median of the "
            "Kaplan–Meier curve of survival (landfall survival --median).",
    .common = COMMON_NOW | COMMON_BY | COMMON_WHERE | COMMON_ACCOUNT, .dims = group_dims,
    .filters = account_dims, .columns = median_cols, .columns_nr = 5, .needs = NEEDS_ENGINE,
    .compute = compute_survival_median};
