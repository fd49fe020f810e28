/* registry.c - the table of metrics and what the front ends read of it: each metric's public
 * description (its parameters, common ones first, dimensions, filters, columns), and the
 * arguments as a front end received them. */
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

const struct metric_def *const metric_defs[] = {
    &metric_nps,       &metric_csat,      &metric_ces,      &metric_churn,
    &metric_mrr,       &metric_churn_reasons, &metric_repeat, &metric_acquisition,
    &metric_scores,    &metric_clv,       &metric_dau,       &metric_wau,      &metric_mau,
    &metric_stickiness, &metric_portfolio, &metric_adoption, &metric_features,  &metric_feature_usage,
    &metric_seats,     &metric_recency,   &metric_ttv,      &metric_ttv_accounts,
    &metric_cohorts,   &metric_survival,  &metric_survival_median,
    &metric_survival_projected, &metric_clv_bgnbd, &metric_clv_bgnbd_customers, &metric_clv_sbg,
    &metric_clv_sbg_customers, &metric_text_summary, &metric_text_comments, &metric_text_topics,
    &metric_text_emotions,
    &metric_health, &metric_health_explain, &metric_health_history, &metric_scorecards,
    &metric_health_backtest, &metric_expansion, &metric_health_measures, &metric_book,
    &metric_account_values, &metric_churn_backtest, &metric_churn_calibration, NULL};

#define METRICS_NR (sizeof(metric_defs) / sizeof(metric_defs[0]) - 1)

const struct metric_def *metric_find(const char *name)
{
    for (size_t i = 0; metric_defs[i]; i++)
        if (strcmp(metric_defs[i]->name, name) == 0)
            return metric_defs[i];
    return NULL;
}

/* The common parameters, in the order a metric's list starts with (those it takes). */
static const struct lf_param_info common[] = {
    {"from", LF_PARAM_TIME, "depends on the metric", "start of the window [from, to)"},
    {"to", LF_PARAM_TIME, "now", "end of the window, excluded"},
    {"now", LF_PARAM_TIME, "the clock", "the instant taken as now (for reproducible output)"},
    {"by", LF_PARAM_DIMS, "no breakdown", "one or two dimensions, comma-separated"},
    {"where", LF_PARAM_FILTER, "every row", "field=value: only rows whose field has the value "
                                            "(\"(none)\" for missing); repeatable"},
    {"account", LF_PARAM_TEXT, "every account", "only this account (its external id)"},
};
static const unsigned common_flag[] = {COMMON_WINDOW, COMMON_WINDOW, COMMON_NOW,
                                       COMMON_BY,     COMMON_WHERE,  COMMON_ACCOUNT};
#define COMMON_NR (sizeof(common) / sizeof(common[0]))

const struct lf_param_info *metric_common_param(const char *name, unsigned flags)
{
    for (size_t i = 0; i < COMMON_NR; i++)
        if ((flags & common_flag[i]) && strcmp(common[i].name, name) == 0)
            return &common[i];
    return NULL;
}

/* ---- the public descriptions, built once ---- */

static struct lf_metric_info infos[METRICS_NR];
static struct lf_param_info params[METRICS_NR][COMMON_NR + METRIC_PARAMS_MAX];
static const char *dims[METRICS_NR][DIM_NR + 1], *filters[METRICS_NR][DIM_NR + 1];
static pthread_once_t built = PTHREAD_ONCE_INIT;

static void names_of(const int *list, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; list && list[i] != DIM_END; i++)
        out[n++] = dim_names[list[i]];
    out[n] = NULL;
}

static void build(void)
{
    for (size_t m = 0; m < METRICS_NR; m++) {
        const struct metric_def *d = metric_defs[m];
        struct lf_metric_info *in = &infos[m];
        size_t n = 0;
        for (size_t i = 0; i < COMMON_NR; i++)
            if (d->common & common_flag[i])
                params[m][n++] = common[i];
        for (size_t i = 0; i < d->own_nr; i++)
            params[m][n++] = d->own[i];
        names_of(d->dims, dims[m]);
        names_of(d->filters, filters[m]);
        *in = (struct lf_metric_info){.name = d->name,
                                      .group = d->group,
                                      .summary = d->summary,
                                      .help = d->help,
                                      .params = params[m],
                                      .params_nr = n,
                                      .dims = dims[m],
                                      .filters = filters[m],
                                      .columns = d->columns,
                                      .columns_nr = d->columns_nr};
    }
}

size_t lf_metrics_count(void)
{
    return METRICS_NR;
}

const struct lf_metric_info *lf_metric_at(size_t i)
{
    pthread_once(&built, build);
    return i < METRICS_NR ? &infos[i] : NULL;
}

const struct lf_metric_info *lf_metric_find(const char *name)
{
    for (size_t i = 0; i < METRICS_NR; i++)
        if (strcmp(metric_defs[i]->name, name) == 0)
            return lf_metric_at(i);
    return NULL;
}

/* ---- arguments ---- */

struct lf_args {
    char **names, **values;
    size_t nr, cap;
};

struct lf_args *lf_args_new(void)
{
    return xcalloc(1, sizeof(struct lf_args));
}

void lf_args_add(struct lf_args *a, const char *name, const char *value)
{
    if (a->nr == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 8;
        a->names = xrealloc(a->names, a->cap * sizeof(*a->names));
        a->values = xrealloc(a->values, a->cap * sizeof(*a->values));
    }
    a->names[a->nr] = xstrdup(name);
    a->values[a->nr++] = xstrdup(value);
}

void lf_args_free(struct lf_args *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nr; i++) {
        free(a->names[i]);
        free(a->values[i]);
    }
    free(a->names);
    free(a->values);
    free(a);
}

size_t metric_args_count(const struct lf_args *a)
{
    return a ? a->nr : 0;
}

void metric_args_get(const struct lf_args *a, size_t i, const char **name, const char **value)
{
    *name = a->names[i];
    *value = a->values[i];
}
