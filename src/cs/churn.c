/* churn.c - the churn model's feature matrix, its splits without leakage, training with early
 * stopping, evaluation on unseen rows and scoring (churn.h). */
#include "churn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/rand.h"

void churn_matrix_init(struct churn_matrix *m, size_t cols_nr, const char *const *names)
{
    *m = (struct churn_matrix){.cols_nr = cols_nr};
    m->names = xcalloc(cols_nr ? cols_nr : 1, sizeof(*m->names));
    m->texts = xcalloc(cols_nr ? cols_nr : 1, sizeof(*m->texts));
    m->missing = xcalloc(cols_nr ? cols_nr : 1, sizeof(*m->missing));
    for (size_t c = 0; c < cols_nr; c++)
        m->names[c] = xstrdup(names[c]);
}

static void strings_free(char **s, size_t nr)
{
    if (!s)
        return;
    for (size_t i = 0; i < nr; i++)
        free(s[i]);
    free(s);
}

void churn_matrix_release(struct churn_matrix *m)
{
    strings_free(m->names, m->cols_nr);
    strings_free(m->texts, m->cols_nr);
    strings_free(m->missing, m->cols_nr);
    strings_free(m->keys, m->keys_nr);
    free(m->x);
    free(m->label);
    free(m->entity);
    free(m->date);
    *m = (struct churn_matrix){0};
}

size_t churn_matrix_add(struct churn_matrix *m, int64_t entity, int64_t date, float label)
{
    if (m->rows_nr == m->cap) {
        size_t cap = m->cap;
        m->label = xgrow(m->label, sizeof(*m->label), m->rows_nr + 1, &cap);
        cap = m->cap;
        m->entity = xgrow(m->entity, sizeof(*m->entity), m->rows_nr + 1, &cap);
        cap = m->cap;
        m->date = xgrow(m->date, sizeof(*m->date), m->rows_nr + 1, &cap);
        m->x = xrealloc(m->x, cap * (m->cols_nr ? m->cols_nr : 1) * sizeof(*m->x));
        m->cap = cap;
    }
    size_t r = m->rows_nr++;
    m->label[r] = label;
    m->entity[r] = entity;
    m->date[r] = date;
    float *x = churn_matrix_row(m, r);
    for (size_t c = 0; c < m->cols_nr; c++)
        x[c] = NAN;
    return r;
}

void churn_matrix_describe(struct churn_matrix *m, size_t c, const char *text,
                           const char *missing)
{
    free(m->texts[c]);
    free(m->missing[c]);
    m->texts[c] = xstrdup(text);
    m->missing[c] = xstrdup(missing);
}

const struct driver_text *churn_matrix_text(const struct churn_matrix *m, size_t c,
                                            struct driver_text *t)
{
    *t = (struct driver_text){m->names[c], m->texts[c], m->missing[c]};
    return t;
}

void churn_split_release(struct churn_split *s)
{
    free(s->train);
    free(s->valid);
    free(s->test);
    free(s->refit);
    *s = (struct churn_split){0};
}

static void split_alloc(struct churn_split *s, size_t rows)
{
    *s = (struct churn_split){0};
    s->train = xmalloc((rows ? rows : 1) * sizeof(*s->train));
    s->valid = xmalloc((rows ? rows : 1) * sizeof(*s->valid));
    s->test = xmalloc((rows ? rows : 1) * sizeof(*s->test));
    s->refit = xmalloc((rows ? rows : 1) * sizeof(*s->refit));
}

static int empty_set(struct churn_split *s, struct lf_err *err, const char *why)
{
    const char *which = !s->train_nr ? "training" : !s->valid_nr ? "validation" : "test";
    churn_split_release(s);
    return err_set(err, LF_EINVAL, "the split leaves no %s rows: %s", which, why);
}

struct date_count {
    int64_t date;
    size_t n;
};

static int by_date(const void *a, const void *b)
{
    const struct date_count *x = a, *y = b;
    return x->date < y->date ? -1 : x->date > y->date;
}

int churn_split_time(const struct churn_matrix *m, int64_t horizon_ms, double valid_share,
                     double test_share, struct churn_split *out, struct lf_err *err)
{
    if (!(test_share > 0 && valid_share > 0 && test_share + valid_share < 1))
        return err_set(err, LF_EINVAL,
                       "the validation and test shares (%g, %g) must be positive and leave "
                       "rows to train on",
                       valid_share, test_share);
    if (horizon_ms < 0)
        return err_set(err, LF_EINVAL, "the horizon is negative");
    /* the distinct dates of the labelled rows and how many rows each holds */
    struct date_count *d = xmalloc((m->rows_nr ? m->rows_nr : 1) * sizeof(*d));
    size_t dn = 0, labelled = 0;
    for (size_t r = 0; r < m->rows_nr; r++)
        if (!isnan(m->label[r]))
            d[dn++] = (struct date_count){m->date[r], 1};
    labelled = dn;
    qsort(d, dn, sizeof(*d), by_date);
    size_t u = 0;
    for (size_t i = 0; i < dn; i++) {
        if (u && d[u - 1].date == d[i].date)
            d[u - 1].n++;
        else
            d[u++] = d[i];
    }
    if (u < 3) {
        free(d);
        return err_set(err, LF_EINVAL,
                       "a split by time needs labelled rows of at least 3 snapshot dates, "
                       "not %zu",
                       u);
    }
    /* from the latest date back: the test dates, then the validation dates */
    size_t i = u, acc = 0;
    while (i > 2 && (double)acc < test_share * (double)labelled)
        acc += d[--i].n;
    int64_t test_from = d[i].date;
    /* counting only the rows validation keeps, so that it holds its share after the purge */
    acc = 0;
    while (i > 1 && (double)acc < valid_share * (double)labelled)
        if (d[--i].date <= test_from - horizon_ms)
            acc += d[i].n;
    int64_t valid_from = d[i].date;
    free(d);

    split_alloc(out, m->rows_nr);
    out->valid_from = valid_from;
    out->test_from = test_from;
    for (size_t r = 0; r < m->rows_nr; r++) {
        int64_t t = m->date[r];
        if (isnan(m->label[r]))
            out->unlabelled++;
        else if (t >= test_from)
            out->test[out->test_nr++] = r;
        else if (t >= valid_from && t <= test_from - horizon_ms)
            out->valid[out->valid_nr++] = r;
        else if (t < valid_from && t <= valid_from - horizon_ms)
            out->train[out->train_nr++] = r;
        else
            out->purged++;
        if (!isnan(m->label[r]) && t < test_from && t <= test_from - horizon_ms)
            out->refit[out->refit_nr++] = r;
    }
    if (!out->train_nr || !out->valid_nr || !out->test_nr)
        return empty_set(out, err,
                         "the horizon is too long for the snapshot dates (a row is trained or "
                         "validated on only when its horizon ends before the next set begins)");
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int split_random(const struct churn_matrix *m, uint64_t seed, double valid_share,
                        double test_share, bool stratified, struct churn_split *out,
                        struct lf_err *err)
{
    if (!(test_share > 0 && valid_share > 0 && test_share < 1 && valid_share < 1))
        return err_set(err, LF_EINVAL,
                       "the validation and test shares (%g, %g) must be between 0 and 1",
                       valid_share, test_share);
    /* the distinct entities in id order, so the split does not depend on the rows' order */
    int64_t *ids = xmalloc((m->rows_nr ? m->rows_nr : 1) * sizeof(*ids));
    size_t n = 0;
    for (size_t r = 0; r < m->rows_nr; r++)
        if (!isnan(m->label[r]))
            ids[n++] = m->entity[r];
    qsort(ids, n, sizeof(*ids), by_id);
    size_t e = 0;
    for (size_t i = 0; i < n; i++)
        if (!e || ids[e - 1] != ids[i])
            ids[e++] = ids[i];
    /* which set each entity goes to, by its place in a seeded shuffle */
    size_t *place = xmalloc((e ? e : 1) * sizeof(*place));
    for (size_t i = 0; i < e; i++)
        place[i] = i;
    struct rng g;
    rng_seed(&g, seed);
    for (size_t i = e; i > 1; i--) {
        size_t j = (size_t)rng_range(&g, 0, (int64_t)i - 1), t = place[i - 1];
        place[i - 1] = place[j];
        place[j] = t;
    }
    /* an entity's class: 1 when one of its rows churned; without stratification one class */
    unsigned char *cls = xcalloc(e ? e : 1, 1);
    if (stratified)
        for (size_t r = 0; r < m->rows_nr; r++)
            if (m->label[r] == 1) {
                int64_t *at = bsearch(&m->entity[r], ids, e, sizeof(*ids), by_id);
                cls[at - ids] = 1;
            }
    size_t total[2] = {0, 0}, seen[2] = {0, 0};
    for (size_t i = 0; i < e; i++)
        total[cls[i]]++;
    unsigned char *set = xmalloc(e ? e : 1); /* 0 train, 1 valid, 2 test */
    for (size_t i = 0; i < e; i++) {
        /* the shuffled entities of each class in turn: the first shares of them to test and
         * validation, so each set holds the class's share (of churners, when stratified) */
        size_t id = place[i], c = cls[id], k = seen[c]++;
        size_t n_test = (size_t)llround(test_share * (double)total[c]);
        size_t n_valid = (size_t)llround(valid_share * (double)(total[c] - n_test));
        set[id] = k < n_test ? 2 : k < n_test + n_valid ? 1 : 0;
    }
    free(place);
    free(cls);

    split_alloc(out, m->rows_nr);
    for (size_t r = 0; r < m->rows_nr; r++) {
        if (isnan(m->label[r])) {
            out->unlabelled++;
            continue;
        }
        int64_t *at = bsearch(&m->entity[r], ids, e, sizeof(*ids), by_id);
        switch (set[at - ids]) {
        case 2: out->test[out->test_nr++] = r; break;
        case 1: out->valid[out->valid_nr++] = r; break;
        default: out->train[out->train_nr++] = r; break;
        }
        if (set[at - ids] != 2)
            out->refit[out->refit_nr++] = r;
    }
    free(ids);
    free(set);
    if (!out->train_nr || !out->valid_nr || !out->test_nr)
        return empty_set(out, err, "too few entities for the shares asked");
    return 0;
}

int churn_split_random(const struct churn_matrix *m, uint64_t seed, double valid_share,
                       double test_share, struct churn_split *out, struct lf_err *err)
{
    return split_random(m, seed, valid_share, test_share, false, out, err);
}

int churn_split_stratified(const struct churn_matrix *m, uint64_t seed, double valid_share,
                           double test_share, struct churn_split *out, struct lf_err *err)
{
    return split_random(m, seed, valid_share, test_share, true, out, err);
}

/* The rows rows[nr] of m gathered into one dense block (x and label are the caller's). */
static void gather(const struct churn_matrix *m, const size_t *rows, size_t nr,
                   struct gbm_data *d)
{
    float *x = xmalloc((nr ? nr : 1) * (m->cols_nr ? m->cols_nr : 1) * sizeof(*x));
    float *y = xmalloc((nr ? nr : 1) * sizeof(*y));
    for (size_t i = 0; i < nr; i++) {
        memcpy(x + i * m->cols_nr, churn_matrix_row(m, rows[i]), m->cols_nr * sizeof(*x));
        y[i] = m->label[rows[i]];
    }
    *d = (struct gbm_data){x, nr, m->cols_nr, y, (const char *const *)m->names};
}

static void data_release(struct gbm_data *d)
{
    free((void *)d->x);
    free((void *)d->label);
    *d = (struct gbm_data){0};
}

/* Predicts d's rows with g and evaluates them. */
static int evaluate(struct gbm *g, const struct gbm_data *d, struct eval_report *out,
                    struct lf_err *err)
{
    float *p = xmalloc((d->rows_nr ? d->rows_nr : 1) * sizeof(*p));
    int rc = gbm_predict(g, d, p, err);
    if (rc == 0)
        eval_report_compute(p, d->label, d->rows_nr, 0, out);
    free(p);
    return rc;
}

void churn_model_release(struct churn_model *cm)
{
    gbm_free(cm->gbm);
    *cm = (struct churn_model){0};
}

int churn_train(const struct churn_matrix *m, const struct churn_split *s,
                const struct gbm_params *p, bool refit, size_t min_positives,
                struct churn_model *out, struct lf_err *err)
{
    return churn_train_grid(m, s, p, 1, refit, min_positives, out, err);
}

int churn_train_grid(const struct churn_matrix *m, const struct churn_split *s,
                     const struct gbm_params *grid, size_t grid_nr, bool refit,
                     size_t min_positives, struct churn_model *out, struct lf_err *err)
{
    struct gbm_data train = {0}, valid = {0}, test = {0}, all = {0};
    struct gbm *g = NULL;
    int rc = -1;
    if (grid_nr == 0)
        return err_set(err, LF_EINVAL, "no hyper-parameters to train with");
    *out = (struct churn_model){.params = grid[0], .refit = refit, .candidates = grid_nr};
    gather(m, s->train, s->train_nr, &train);
    gather(m, s->valid, s->valid_nr, &valid);
    gather(m, s->test, s->test_nr, &test);
    size_t pos = 0;
    for (size_t i = 0; i < train.rows_nr; i++)
        pos += train.label[i] == 1;
    if (pos < min_positives || train.rows_nr - pos < min_positives) {
        err_set(err, LF_EINVAL,
                "too few churners to train on: %zu of the %zu training rows churned and %zu "
                "did not (at least %zu of each are needed)",
                pos, train.rows_nr, train.rows_nr - pos, min_positives);
        goto out;
    }
    out->train_nr = train.rows_nr;
    out->train_positives = pos;
    out->valid_nr = valid.rows_nr;
    out->test_nr = test.rows_nr;
    /* each candidate early-stopped on the validation rows; the one that ranks them best is
     * kept (the first of equals): the test rows take no part in the choice */
    for (size_t k = 0; k < grid_nr; k++) {
        struct gbm *c = NULL;
        struct gbm_fit fit;
        struct eval_report rep;
        if (gbm_train(&grid[k], &train, &valid, &c, &fit, err) < 0 ||
            evaluate(c, &valid, &rep, err) < 0) {
            gbm_free(c);
            goto out;
        }
        if (!g || rep.auc > out->valid.auc) {
            gbm_free(g);
            g = c;
            out->params = grid[k];
            out->fit = fit;
            out->valid = rep;
        } else {
            gbm_free(c);
        }
    }
    if (refit) {
        /* the same trees' count on train + valid: early stopping chose it, the recent rows
         * refine it */
        struct gbm_params again = out->params;
        again.rounds = out->fit.rounds;
        again.early_stop = 0;
        gather(m, s->refit, s->refit_nr, &all);
        gbm_free(g);
        g = NULL;
        if (gbm_train(&again, &all, NULL, &g, NULL, err) < 0)
            goto out;
    }
    if (evaluate(g, &test, &out->test, err) < 0)
        goto out;
    out->gbm = g;
    g = NULL;
    rc = 0;
out:
    gbm_free(g);
    data_release(&train);
    data_release(&valid);
    data_release(&test);
    data_release(&all);
    return rc;
}

size_t churn_grid_default(const struct gbm_params *base, struct gbm_params *out)
{
    static const int depths[] = {1, 2, 3, 4};
    size_t n = 0;
    for (size_t d = 0; d < sizeof(depths) / sizeof(*depths); d++) {
        out[n] = *base;
        out[n++].max_depth = depths[d];
    }
    return n;
}

int churn_score(struct gbm *g, const struct churn_matrix *m, const size_t *rows, size_t nr,
                int threads, float *risk, float *contribs, struct lf_err *err)
{
    struct gbm_data d = {m->x, m->rows_nr, m->cols_nr, NULL, (const char *const *)m->names};
    int rc;
    if (rows)
        gather(m, rows, nr, &d); /* only the rows asked for */
    if (!contribs) {
        rc = gbm_predict(g, &d, risk, err);
    } else {
        rc = gbm_contribs(g, &d, threads, contribs, err);
        for (size_t i = 0; rc == 0 && i < d.rows_nr; i++) {
            const float *c = contribs + i * (m->cols_nr + 1);
            double margin = 0;
            for (size_t j = 0; j <= m->cols_nr; j++)
                margin += c[j];
            risk[i] = (float)(1 / (1 + exp(-margin)));
        }
    }
    if (rows)
        data_release(&d);
    return rc;
}

/* ---- the tables it answers ---- */

#define NR(a) (sizeof(a) / sizeof(*(a)))

static const struct lf_column_info fit_cols[] = {
    {"figure", LF_COL_TEXT, "rows of each set, trees, and the figures on the test rows"},
    {"count", LF_COL_INT, "a count, or null"},
    {"value", LF_COL_REAL, "a figure, or null"}};
static const struct lf_column_info calibration_cols[] = {
    {"decile", LF_COL_INT, "1 the least risky tenth of the test rows"},
    {"rows", LF_COL_INT, ""},
    {"lowest", LF_COL_PERCENT, "lowest predicted risk"},
    {"highest", LF_COL_PERCENT, "highest predicted risk"},
    {"predicted", LF_COL_PERCENT, "mean predicted risk"},
    {"observed", LF_COL_PERCENT, "share that churned"}};
static const struct lf_column_info drivers_cols[] = {
    {"id", LF_COL_TEXT, "the account"},
    {"date", LF_COL_TEXT, "its snapshot's date (an account has a row per snapshot); null for "
                          "undated rows (a CSV's)"},
    {"risk", LF_COL_PERCENT, "predicted risk at its snapshot"},
    {"churned", LF_COL_TEXT, "yes or no: what followed"},
    {"drivers", LF_COL_TEXT, "the features that raised the risk most, with their log-odds"}};
static const struct lf_column_info scores_cols[] = {
    {"account", LF_COL_TEXT, "the account's id"},
    {"risk", LF_COL_PERCENT, "the probability of churning within the model's horizon"},
    {"drivers", LF_COL_TEXT, "the features that raised it most, in plain words, with their "
                             "log-odds"},
    {"model", LF_COL_INT, "the version that scored"}};
static const struct lf_column_info explain_cols[] = {
    {"feature", LF_COL_TEXT, "the feature's name; (base) the model's starting point"},
    {"value", LF_COL_REAL, "its value, null when missing"},
    {"contribution", LF_COL_REAL, "its part in the risk, in log-odds (TreeSHAP)"},
    {"description", LF_COL_TEXT, "in plain words"}};
static const struct lf_column_info models_cols[] = {
    {"version", LF_COL_INT, "1, 2, … within the workspace"},
    {"created", LF_COL_TEXT, "when it was trained"},
    {"as_of", LF_COL_TEXT, "the end of the data it was trained on"},
    {"horizon_days", LF_COL_INT, "the label: churned within this many days"},
    {"features", LF_COL_INT, "features it reads"},
    {"rows", LF_COL_INT, "(account, snapshot) rows built"},
    {"trees", LF_COL_INT, "trees in the model"},
    {"test_auc", LF_COL_REAL, "ROC AUC on the latest labelled snapshots, which it never saw"},
    {"test_pr_auc", LF_COL_REAL, "average precision on them"},
    {"test_brier", LF_COL_REAL, "Brier score on them"}};

const struct churn_table churn_tables[CHURN_TABLES_NR] = {
    [CHURN_FIT] = {"churn-fit", fit_cols, NR(fit_cols)},
    [CHURN_CALIBRATION] = {"churn-calibration", calibration_cols, NR(calibration_cols)},
    [CHURN_DRIVERS] = {"churn-drivers", drivers_cols, NR(drivers_cols)},
    [CHURN_SCORES] = {"churn-scores", scores_cols, NR(scores_cols)},
    [CHURN_EXPLAIN] = {"churn-explain", explain_cols, NR(explain_cols)},
    [CHURN_MODELS] = {"churn-models", models_cols, NR(models_cols)},
};
