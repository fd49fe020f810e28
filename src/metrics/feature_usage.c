/* feature_usage.c - which features (event names) the accounts used in a window: per feature,
 * the accounts that used it, their share of the active accounts, and its events; for one
 * account (where=account=ID) the features it adopted. Definitions: docs/engine.md. */
#include <math.h>

#include "base/time.h"
#include "report/table.h"
#include "usage_int.h"

static int compute(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct engine_query q = {.now = c->now};
    struct engine_names n;
    struct usage_groups u;
    q.to = c->to != LF_UNSET ? c->to : c->now;
    q.from = c->from != LF_UNSET ? c->from : q.to - 30 * MS_PER_DAY;
    if (usage_groups_make(&u, c, false, err) < 0)
        return -1;
    q.custom = &u.custom;
    int rc = usage_names(c, &u, &q, &n, err);
    usage_groups_release(&u);
    if (rc < 0)
        return -1;
    size_t first = metric_columns(c, t);
    for (size_t i = 0; i < n.nr; i++) {
        size_t row = table_add_row(t);
        table_set_text(t, row, first, n.rows[i].name);
        table_set_int(t, row, first + 1, n.rows[i].accounts);
        table_set_real(t, row, first + 2,
                       n.active ? (double)n.rows[i].accounts / (double)n.active : NAN);
        table_set_int(t, row, first + 3, n.rows[i].events);
    }
    engine_names_free(&n);
    return 0;
}

static const int account_dims[] = {DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,
                                   DIM_END};
static const int no_dims[] = {DIM_END};
static const struct lf_column_info cols[] = {
    {"feature", LF_COL_TEXT, "an event name"},
    {"accounts", LF_COL_INT, "accounts with an event of it in the window"},
    {"share", LF_COL_PERCENT, "accounts / the accounts with any event in the window"},
    {"events", LF_COL_INT, "its events in the window"},
};

const struct metric_def metric_feature_usage = {
    .name = "feature-usage",
    .group = "usage",
    .summary = "features used in the window: accounts using each, their share, events",
    .help = "Per event name used in the window (default: the 30 days before to) by the "
            "accounts the filters keep: the accounts that used it, their share of the accounts "
            "active in the window, and its events; most used first. With where=account=ID, the "
            "features that account used.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_WHERE | COMMON_ACCOUNT,
    .dims = no_dims,
    .filters = account_dims,
    .columns = cols,
    .columns_nr = sizeof(cols) / sizeof(*cols),
    .needs = NEEDS_ENGINE | NEEDS_CACHE,
    .cache_of = &metric_dau,
    .compute = compute,
};
