/* churn.c - the churn model behind landfall.h: trained on a CSV of features, evaluated on its
 * held-out rows, the riskiest of them explained (docs/churn.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "landfall.h"
#include "cs/churn.h"
#include "report/table.h"

#define DAY_MS 86400000LL

void lf_churn_report_release(struct lf_churn_report *r)
{
    lf_table_free(r->summary);
    lf_table_free(r->calibration);
    lf_table_free(r->drivers);
    *r = (struct lf_churn_report){0};
}

static void count(struct lf_table *t, const char *name, size_t n)
{
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, name);
    table_set_int(t, r, 1, (int64_t)n);
}

static void figure(struct lf_table *t, const char *name, double v)
{
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, name);
    table_set_real(t, r, 2, v);
}

static struct lf_table *summary(const struct churn_matrix *m, const struct churn_split *s,
                                const struct churn_model *cm)
{
    struct lf_table *t = table_new("churn-fit");
    table_add_column(t, "figure", LF_COL_TEXT);
    table_add_column(t, "count", LF_COL_INT);
    table_add_column(t, "value", LF_COL_REAL);
    const struct eval_report *v = &cm->valid, *e = &cm->test;
    char k[64];
    snprintf(k, sizeof(k), "test precision at %zu", e->k);
    count(t, "features", m->cols_nr);
    count(t, "train rows", s->train_nr);
    count(t, "train churned", cm->train_positives);
    count(t, "validation rows", s->valid_nr);
    count(t, "test rows", s->test_nr);
    count(t, "test churned", e->positives);
    if (s->test_from) {
        count(t, "purged rows", s->purged);
        count(t, "unlabelled rows", s->unlabelled);
    }
    count(t, "trees", (size_t)cm->fit.rounds);
    count(t, "rounds run", (size_t)cm->fit.rounds_run);
    figure(t, "validation auc", v->auc);
    figure(t, "validation log loss", v->log_loss);
    figure(t, "test auc", e->auc);
    figure(t, "test pr auc", e->average_precision);
    figure(t, k, e->precision_at_k);
    figure(t, "test lift at k", e->lift_at_k);
    figure(t, "test base rate", e->base_rate);
    figure(t, "test brier", e->brier);
    figure(t, "test log loss", e->log_loss);
    figure(t, "test calibration error", e->ece);
    return t;
}

static struct lf_table *calibration(const struct eval_report *e)
{
    struct lf_table *t = table_new("churn-calibration");
    table_add_column(t, "decile", LF_COL_INT);
    table_add_column(t, "rows", LF_COL_INT);
    table_add_column(t, "lowest", LF_COL_PERCENT);
    table_add_column(t, "highest", LF_COL_PERCENT);
    table_add_column(t, "predicted", LF_COL_PERCENT);
    table_add_column(t, "observed", LF_COL_PERCENT);
    for (size_t b = 0; b < e->bins_nr; b++) {
        size_t r = table_add_row(t);
        table_set_int(t, r, 0, (int64_t)b + 1);
        table_set_int(t, r, 1, (int64_t)e->bins[b].n);
        table_set_real(t, r, 2, e->bins[b].lo);
        table_set_real(t, r, 3, e->bins[b].hi);
        table_set_real(t, r, 4, e->bins[b].predicted);
        table_set_real(t, r, 5, e->bins[b].observed);
    }
    return t;
}

struct ranked {
    float risk;
    size_t i;
};

static int by_risk(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->risk != y->risk)
        return x->risk > y->risk ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The `top` riskiest test rows with their drivers. */
static int drivers(struct gbm *g, const struct churn_matrix *m, const struct churn_split *s,
                   size_t top, struct lf_table **out, struct lf_err *err)
{
    size_t n = s->test_nr, w = m->cols_nr + 1;
    float *risk = xmalloc((n ? n : 1) * sizeof(*risk));
    float *c = xmalloc((n ? n : 1) * w * sizeof(*c));
    struct ranked *rank = xmalloc((n ? n : 1) * sizeof(*rank));
    const struct driver_text **texts = xmalloc((m->cols_nr ? m->cols_nr : 1) * sizeof(*texts));
    struct driver_text *storage = xmalloc((m->cols_nr ? m->cols_nr : 1) * sizeof(*storage));
    struct buf b = BUF_INIT;
    int rc = -1;
    if (churn_score(g, m, s->test, n, 0, risk, c, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        rank[i] = (struct ranked){risk[i], i};
    qsort(rank, n, sizeof(*rank), by_risk);
    for (size_t f = 0; f < m->cols_nr; f++)
        texts[f] = churn_matrix_text(m, f, &storage[f]);
    struct lf_table *t = table_new("churn-drivers");
    table_add_column(t, "id", LF_COL_TEXT);
    table_add_column(t, "risk", LF_COL_PERCENT);
    table_add_column(t, "churned", LF_COL_TEXT);
    table_add_column(t, "drivers", LF_COL_TEXT);
    for (size_t k = 0; k < top && k < n; k++) {
        size_t i = rank[k].i, row = s->test[i];
        size_t r = table_add_row(t);
        int64_t e = m->entity[row];
        if (m->keys && e >= 0 && (size_t)e < m->keys_nr)
            table_set_text(t, r, 0, m->keys[e]);
        table_set_real(t, r, 1, risk[i]);
        table_set_text(t, r, 2, m->label[row] == 1 ? "yes" : "no");
        buf_reset(&b);
        drivers_explain((const char *const *)m->names, texts, churn_matrix_row(m, row),
                        c + i * w, m->cols_nr, 3, &b);
        table_set_text(t, r, 3, buf_str(&b));
    }
    *out = t;
    rc = 0;
out:
    buf_release(&b);
    free(risk);
    free(c);
    free(rank);
    free(texts);
    free(storage);
    return rc;
}

static int save(struct gbm *g, const char *path, struct lf_err *err)
{
    struct buf b = BUF_INIT;
    int rc = gbm_save(g, &b, err);
    if (rc == 0) {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0) {
            if (f)
                fclose(f);
            rc = err_set(err, LF_EIO, "cannot write the model to '%s'", path);
        }
    }
    buf_release(&b);
    return rc;
}

int lf_churn_fit_csv(const char *path, const struct lf_churn_csv_opts *opts,
                     struct lf_churn_report *out, struct lf_err *err)
{
    struct churn_matrix m = {0};
    struct churn_split s = {0};
    struct churn_model cm = {0};
    struct churn_csv_opts co = {.label = opts->label, .id = opts->id, .date = opts->date};
    struct gbm_params p;
    double test_share = opts->test_share ? opts->test_share : 0.3;
    double valid_share = opts->valid_share ? opts->valid_share : 0.2;
    int64_t horizon = opts->horizon_ms ? opts->horizon_ms : 90 * DAY_MS;
    int rc = -1;
    *out = (struct lf_churn_report){0};
    gbm_params_default(&p);
    p.seed = opts->seed;
    if (churn_matrix_from_csv(path, &co, &m, err) < 0)
        goto out;
    if ((opts->date ? churn_split_time(&m, horizon, valid_share, test_share, &s, err)
                    : churn_split_random(&m, opts->seed, valid_share, test_share, &s, err)) < 0 ||
        churn_train(&m, &s, &p, true, 10, &cm, err) < 0)
        goto out;
    out->summary = summary(&m, &s, &cm);
    out->calibration = calibration(&cm.test);
    if (drivers(cm.gbm, &m, &s, opts->top > 0 ? (size_t)opts->top : 10, &out->drivers, err) < 0 ||
        (opts->save && save(cm.gbm, opts->save, err) < 0)) {
        lf_churn_report_release(out);
        goto out;
    }
    rc = 0;
out:
    churn_model_release(&cm);
    churn_split_release(&s);
    churn_matrix_release(&m);
    return rc;
}
