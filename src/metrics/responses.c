/* responses.c - the survey responses themselves, beside the scores they make: the distribution
 * of the scores of a survey (per group). Their comments are text-comments' (text.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "dataset.h"
#include "report/table.h"

static const int score_dims[] = {DIM_ACCOUNT, DIM_SEGMENT,    DIM_PLAN,    DIM_OWNER,
                                 DIM_STAGE,   DIM_TEAM,       DIM_TOUCHPOINT,
                                 DIM_CHANNEL, DIM_END};
static const int score_filters[] = {DIM_ACCOUNT, DIM_SEGMENT,    DIM_PLAN,    DIM_OWNER,
                                    DIM_STAGE,   DIM_TEAM,       DIM_TOUCHPOINT,
                                    DIM_CHANNEL, DIM_SURVEY,     DIM_END};

/* ---- scores: the distribution ---- */

struct dist {
    const char *survey;
    const struct survey *s; /* found once the surveys are loaded */
};

static bool of_survey(void *ctx, const struct survey *s)
{
    return strcmp(s->ext_id, ((const struct dist *)ctx)->survey) == 0;
}

struct dgroup {
    char *key; /* the labels joined by \x1f */
    int64_t *n, total;
};

static int dgroup_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct dgroup *)pa)->key, ((const struct dgroup *)pb)->key);
}

static int compute_scores(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct dataset d;
    struct dist x = {.survey = "nps"};
    char *akey = NULL; /* of the kept answer */
    int64_t from, to;
    int i = metric_param(c, "survey"), ret = -1;
    if (c->p[i].given)
        x.survey = c->p[i].s;
    metric_default_window(c, &from, &to);
    struct strmap index;
    struct dgroup *g = NULL;
    size_t nr = 0, cap = 0;
    struct buf key = BUF_INIT;
    strmap_init(&index);
    if (dataset_load(&d, c, LOAD_RESPONSES, from, to, of_survey, &x, err) < 0)
        goto out;
    for (size_t k = 0; k < d.surveys_nr && !x.s; k++)
        if (!strcmp(d.surveys[k].ext_id, x.survey))
            x.s = &d.surveys[k];
    if (!x.s) {
        err_set_field(err, "survey", LF_EINVAL, "no survey '%s' in this workspace", x.survey);
        goto out;
    }
    akey = dataset_answers(&d) ? metric_answer_key(c, from, to) : NULL;
    if (akey && metric_answer_recall(dataset_answers(&d), akey, t)) {
        ret = 0;
        goto out;
    }
    size_t width = (size_t)(x.s->scale_max - x.s->scale_min + 1);
    for (size_t k = 0; k <= d.resp_nr; k++) {
        /* without `by`, one group even when there are no responses */
        if (k == d.resp_nr && (nr || c->by_nr))
            break;
        buf_reset(&key);
        for (size_t b = 0; k < d.resp_nr && b < c->by_nr; b++) {
            if (b)
                buf_addc(&key, '\x1f');
            buf_adds(&key, dataset_response_value(&d.resp[k], c->by[b]));
        }
        int64_t at;
        if (!strmap_get(&index, buf_str(&key), key.len, &at)) {
            g = xgrow(g, sizeof(*g), nr + 1, &cap);
            g[nr] = (struct dgroup){.key = xstrdup(buf_str(&key)),
                                    .n = xcalloc(width, sizeof(int64_t))};
            at = (int64_t)nr++;
            strmap_put(&index, buf_str(&key), key.len, at);
        }
        if (k < d.resp_nr) {
            int score = d.resp[k].score;
            if (score >= x.s->scale_min && score <= x.s->scale_max) {
                g[at].n[score - x.s->scale_min]++;
                g[at].total++;
            }
        }
    }
    if (nr)
        qsort(g, nr, sizeof(*g), dgroup_cmp);
    metric_dim_columns(c, t);
    size_t first = metric_columns(c, t);
    for (size_t k = 0; k < nr; k++) {
        char copy[2048];
        const char *labels[METRIC_BY_MAX] = {0};
        snprintf(copy, sizeof(copy), "%s", g[k].key);
        for (size_t b = 0, at = 0; b < c->by_nr; b++) {
            labels[b] = copy + at;
            char *sep = strchr(copy + at, '\x1f');
            if (sep) {
                *sep = '\0';
                at = (size_t)(sep - copy) + 1;
            }
        }
        for (size_t s = 0; s < width; s++) {
            size_t row = metric_row(c, t, labels);
            table_set_text(t, row, first, x.s->ext_id);
            table_set_int(t, row, first + 1, x.s->scale_min + (int64_t)s);
            table_set_int(t, row, first + 2, g[k].n[s]);
            table_set_real(t, row, first + 3,
                           g[k].total ? (double)g[k].n[s] / (double)g[k].total : NAN);
        }
    }
    if (akey)
        metric_answer_keep(dataset_answers(&d), akey, t);
    ret = 0;
out:
    free(akey);
    for (size_t k = 0; k < nr; k++) {
        free(g[k].key);
        free(g[k].n);
    }
    free(g);
    buf_release(&key);
    strmap_release(&index);
    dataset_release(&d);
    return ret;
}

/* ---- declarations ---- */

static const struct lf_param_info scores_params[] = {
    {"survey", LF_PARAM_TEXT, "nps", "the survey whose scores are counted (its id)"},
};
static const struct lf_column_info scores_cols[] = {
    {"survey", LF_COL_TEXT, "the survey's id"},
    {"score", LF_COL_INT, "a score of its scale; every one is listed"},
    {"n", LF_COL_INT, "responses with that score"},
    {"share", LF_COL_PERCENT, "n / the group's responses"},
};
const struct metric_def metric_scores = {
    .name = "scores",
    .group = "report",
    .summary = "the distribution of a survey's scores: responses per score",
    .help = "Per score of the survey's scale (default nps, 0..10) and group of `by`: the "
            "responses in the window (default: from the start of the month 12 months before "
            "to's month) with that score and their share of the group's.",
    .common = COMMON_WINDOW | COMMON_NOW | COMMON_BY | COMMON_WHERE,
    .own = scores_params,
    .own_nr = 1,
    .dims = score_dims,
    .filters = score_filters,
    .columns = scores_cols,
    .columns_nr = sizeof(scores_cols) / sizeof(*scores_cols),
    .needs = NEEDS_CACHE, /* the survey metrics' kept responses (dataset.c) */
    .cache_of = &metric_nps,
    .compute = compute_scores,
};
