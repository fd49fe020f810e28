/* experience.c - the experience side's survey metrics: NPS, CSAT and CES of the responses in
 * the window, by period, account attributes, the team, kind or channel of the touchpoint rated,
 * or the survey. The formulas are src/cx's; the definitions docs/metrics.md's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "dataset.h"
#include "report/table.h"

static const int survey_dims[] = {DIM_DAY,     DIM_WEEK,    DIM_MONTH,   DIM_QUARTER,
                                  DIM_YEAR,    DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN,
                                  DIM_OWNER,   DIM_STAGE,   DIM_TEAM,    DIM_TOUCHPOINT,
                                  DIM_CHANNEL, DIM_SURVEY,  DIM_END};
static const int survey_filters[] = {DIM_ACCOUNT, DIM_SEGMENT,    DIM_PLAN,    DIM_OWNER,
                                     DIM_STAGE,   DIM_TEAM,       DIM_TOUCHPOINT,
                                     DIM_CHANNEL, DIM_SURVEY,     DIM_END};

static const struct lf_param_info survey_params[] = {
    {"survey", LF_PARAM_TEXT, "every survey of the metric's kind",
     "only the responses to this survey (its id; a custom survey is mapped onto the scale)"},
};

static const char *const kind_names[] = {"nps", "csat", "ces", "custom"};

struct run {
    struct metric_ctx *c;
    struct dataset d;
    int kind;          /* enum survey_kind */
    const char *only;  /* the survey parameter, or NULL */
    struct lf_table *t;
    size_t first;      /* the first figure column */
};

static bool wanted(void *ctx, const struct survey *s)
{
    const struct run *r = ctx;
    return r->only ? strcmp(s->ext_id, r->only) == 0 : s->kind == r->kind;
}

/* Checks the survey parameter once the surveys are known. */
static int check_survey(const struct run *r, struct lf_err *err)
{
    if (!r->only)
        return 0;
    for (size_t i = 0; i < r->d.surveys_nr; i++) {
        const struct survey *s = &r->d.surveys[i];
        if (strcmp(s->ext_id, r->only) != 0)
            continue;
        if (s->kind != SURVEY_CUSTOM && s->kind != r->kind)
            return err_set_field(err, "survey", LF_EINVAL,
                                 "survey '%s' is a %s survey, not %s: use the %s metric",
                                 r->only, kind_names[s->kind], kind_names[r->kind],
                                 kind_names[s->kind]);
        return 0;
    }
    return err_set_field(err, "survey", LF_EINVAL, "no survey '%s' in this workspace", r->only);
}

static void put_row(void *ctx, const struct metric_period *p, const struct group *g)
{
    struct run *r = ctx;
    const char *labels[METRIC_BY_MAX];
    struct lf_table *t = r->t;
    /* a group's scores were gathered per period: only those of p count here */
    struct cx_score *s = xmalloc((g->scores_nr ? g->scores_nr : 1) * sizeof(*s));
    size_t n = group_scores(g, p->from, p->to, s);
    group_labels(r->c, p, g, labels);
    size_t row = metric_row(r->c, t, labels), col = r->first;
    if (r->kind == SURVEY_NPS) {
        struct cx_nps x;
        cx_nps_compute(s, n, &x);
        table_set_real(t, row, col++, x.nps);
        table_set_int(t, row, col++, x.n);
        table_set_int(t, row, col++, x.promoters);
        table_set_int(t, row, col++, x.passives);
        table_set_int(t, row, col++, x.detractors);
        table_set_real(t, row, col, x.margin_of_error);
    } else if (r->kind == SURVEY_CSAT) {
        struct cx_csat x;
        cx_csat_compute(s, n, &x);
        table_set_real(t, row, col++, x.csat);
        table_set_int(t, row, col++, x.n);
        table_set_int(t, row, col++, x.satisfied);
        table_set_real(t, row, col, x.margin_of_error);
    } else {
        struct cx_ces x;
        cx_ces_compute(s, n, &x);
        table_set_real(t, row, col++, x.ces);
        table_set_int(t, row, col++, x.n);
        table_set_real(t, row, col, x.margin_of_error);
    }
    free(s);
}

/* Groups the responses: a group per combination of the non-period dims' values found (the
 * whole window's responses in one group without such dims, so that a row exists even when
 * there are none), sorted; with a period dim, every period of the window is listed. */
static int compute(struct metric_ctx *c, struct lf_table *t, int kind, struct lf_err *err)
{
    struct run r = {.c = c, .kind = kind, .t = t};
    struct groups gs;
    struct metric_period *periods = NULL;
    char *key = NULL;
    int64_t from, to;
    int i = metric_param(c, "survey"), ret = -1, pd = metric_period_dim(c), np = 1;
    r.only = c->p[i].given ? c->p[i].s : NULL;
    metric_default_window(c, &from, &to);
    groups_init(&gs);
    if (dataset_load(&r.d, c, LOAD_RESPONSES, from, to, wanted, &r, err) < 0 ||
        check_survey(&r, err) < 0)
        goto out;
    key = dataset_answers(&r.d) ? metric_answer_key(c, from, to) : NULL;
    if (key && metric_answer_recall(dataset_answers(&r.d), key, t)) {
        ret = 0;
        goto out;
    }
    if (pd >= 0) {
        if ((np = metric_periods(c, pd, from, to, &periods, err)) < 0)
            goto out;
    } else {
        periods = xcalloc(1, sizeof(*periods));
        *periods = (struct metric_period){.from = from, .to = to, .start = from};
    }
    bool grouped = false;
    for (size_t k = 0; k < c->by_nr; k++)
        grouped |= !dim_is_period(c->by[k]);
    if (!grouped)
        groups_get(&gs, c, (const char *[METRIC_BY_MAX]){0}, NULL);
    for (size_t k = 0; k < r.d.resp_nr; k++) {
        const struct ds_response *x = &r.d.resp[k];
        const char *labels[METRIC_BY_MAX] = {0};
        for (size_t b = 0; b < c->by_nr; b++)
            if (!dim_is_period(c->by[b]))
                labels[b] = dataset_response_value(x, c->by[b]);
        struct group *g = groups_get(&gs, c, labels, NULL);
        g->scores = xgrow(g->scores, sizeof(*g->scores), g->scores_nr + 1, &g->scores_cap);
        g->scores[g->scores_nr++] = (struct timed_score){x->ts, cx_score_make(x->survey, x->score)};
    }
    groups_sort(&gs, c);
    metric_dim_columns(c, t);
    r.first = metric_columns(c, t);
    groups_each(c, periods, (size_t)np, &gs, put_row, &r);
    if (key)
        metric_answer_keep(dataset_answers(&r.d), key, t);
    ret = 0;
out:
    free(key);
    free(periods);
    groups_release(&gs);
    dataset_release(&r.d);
    return ret;
}

static int compute_nps(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return compute(c, t, SURVEY_NPS, err);
}

static int compute_csat(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return compute(c, t, SURVEY_CSAT, err);
}

static int compute_ces(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    return compute(c, t, SURVEY_CES, err);
}

static const struct lf_column_info nps_cols[] = {
    {"nps", LF_COL_REAL, "100 × (promoters − detractors) / n, on −100..100"},
    {"n", LF_COL_INT, "responses"},
    {"promoters", LF_COL_INT, "scores 9–10"},
    {"passives", LF_COL_INT, "scores 7–8"},
    {"detractors", LF_COL_INT, "scores 0–6"},
    {"margin_of_error", LF_COL_REAL, "95 % half-width, in NPS points"},
};
static const struct lf_column_info csat_cols[] = {
    {"csat", LF_COL_REAL, "100 × share of responses scoring 4 or 5 of 5"},
    {"n", LF_COL_INT, "responses"},
    {"satisfied", LF_COL_INT, "responses scoring 4 or 5"},
    {"margin_of_error", LF_COL_REAL, "95 % half-width, in points"},
};
static const struct lf_column_info ces_cols[] = {
    {"ces", LF_COL_REAL, "mean score on 1..7 (7 = easiest)"},
    {"n", LF_COL_INT, "responses"},
    {"margin_of_error", LF_COL_REAL, "95 % half-width"},
};

#define SURVEY_METRIC(var, nm, sum, hlp, cols, fn)                                             \
    const struct metric_def var = {                                                            \
        .name = nm, .group = "report", .summary = sum, .help = hlp,                            \
        .common = COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE,                        \
        .own = survey_params, .own_nr = 1, .dims = survey_dims, .filters = survey_filters,     \
        .columns = cols, .columns_nr = sizeof(cols) / sizeof(cols[0]),                         \
        .needs = NEEDS_CACHE, .cache_of = &metric_nps, .compute = fn}

SURVEY_METRIC(metric_nps, "nps", "Net Promoter Score and its 95 % margin of error",
              "NPS of the responses to the nps surveys in the window [from, to) (default: from "
              "the start of the month 12 months before to's month): promoters score 9–10, "
              "detractors 0–6.",
              nps_cols, compute_nps);
SURVEY_METRIC(metric_csat, "csat", "customer satisfaction: share of CSAT responses scoring 4 or 5",
              "CSAT of the csat responses in the window: 100 × the share scoring 4 or 5 of 5.",
              csat_cols, compute_csat);
SURVEY_METRIC(metric_ces, "ces", "customer effort score: mean of CES responses on 1..7",
              "CES of the ces responses in the window: their mean on 1..7 (7 = easiest).",
              ces_cols, compute_ces);
