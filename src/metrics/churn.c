/* churn.c - the churn model's metrics: the model beside a health scorecard on the same
 * observations (churn-backtest) and a stored version's calibration table (churn-calibration).
 * Definitions: docs/churn.md. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "cs/churn.h"
#include "cs/churn_features.h"
#include "cs/evaluate.h"
#include "cs/health.h"
#include "metrics.h"
#include "report/table.h"

#define COLS(a) .columns = a, .columns_nr = sizeof(a) / sizeof(a[0])
#define DAY_MS 86400000LL
/* a seed or version given over HTTP travels as a JSON number: kept exact (2^53 − 1) */
#define WHOLE_MAX 9007199254740991.0

static const int no_dims[] = {DIM_END};

/* ---- churn-backtest ---- */

/* One side's figures on the observations into a row of t from column col. */
static void side_row(struct lf_table *t, size_t col, const char *method, int64_t version,
                     const float *risk, const float *label, size_t n, size_t dates)
{
    struct eval_report e;
    eval_report_compute(risk, label, n, 0, &e);
    size_t r = table_add_row(t), j = col;
    table_set_text(t, r, j++, method);
    table_set_int(t, r, j++, version);
    table_set_int(t, r, j++, (int64_t)dates);
    table_set_int(t, r, j++, (int64_t)e.n);
    table_set_int(t, r, j++, (int64_t)e.positives);
    table_set_real(t, r, j++, e.base_rate);
    table_set_real(t, r, j++, e.auc);
    table_set_real(t, r, j++, e.average_precision);
    table_set_real(t, r, j++, e.precision_at_k);
    table_set_real(t, r, j, e.lift_at_k);
}

static int64_t param_int(const struct metric_ctx *c, const char *name, int64_t dflt)
{
    int i = metric_param(c, name);
    return c->p[i].given ? c->p[i].i : dflt;
}

static int compute_backtest(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct churn_matrix m = {0};
    struct churn_split s = {0};
    struct churn_model cm = {0};
    struct health_cards cards = {0};
    struct health_data *data = NULL;
    struct gbm_params p;
    int isc = metric_param(c, "scorecard");
    const char *card = c->p[isc].given ? c->p[isc].s : "default";
    int64_t horizon = param_int(c, "horizon", 90) * DAY_MS;
    int snapshots = (int)param_int(c, "snapshots", 24);
    float *risk = NULL, *score = NULL, *label = NULL;
    size_t *rows = NULL, kept = 0, dates = 0;
    int rc = -1;
    int64_t *at = churn_snapshot_dates(c->tz, c->now, snapshots);
    struct churn_features_opts fo = {
        .dates = at, .dates_nr = (size_t)snapshots, .horizon_ms = horizon, .now = c->now,
        .tz = c->tz};
    const struct health_scorecard *sc = NULL;
    if (health_cards_load(c->st, c->ws, &cards, err) < 0)
        goto out;
    if (!(sc = health_cards_find(&cards, card))) {
        err_set_field(err, "scorecard", LF_EINVAL, "no scorecard '%s'", card);
        goto out;
    }
    if (churn_features_build(c->st, c->ws, c->e, &fo, &m, err) < 0 ||
        health_data_load(c->st, c->ws, 0, c->tz, &data, err) < 0)
        goto out;
    /* the model as `churn train` makes it: trained on the earlier snapshots, its test rows are
     * the observations (none of which, nor their horizon, its training saw) */
    gbm_params_default(&p);
    p.seed = (uint64_t)param_int(c, "seed", 0);
    if (churn_split_time(&m, horizon, 0.2, 0.3, &s, err) < 0 ||
        churn_train(&m, &s, &p, true, 10, &cm, err) < 0)
        goto out;
    size_t n = s.test_nr;
    rows = xmalloc((n ? n : 1) * sizeof(*rows));
    score = xmalloc((n ? n : 1) * sizeof(*score));
    /* the scorecard at each test date, from the same reading of the store: a row is kept when
     * the scorecard scores its account then (one with no measure has no score) */
    for (size_t i = 0; i < n;) {
        int64_t d = m.date[s.test[i]];
        struct health_set hs;
        if (health_measures_at(data, c->e, d, &hs, err) < 0)
            goto out;
        dates++;
        struct strmap of;
        strmap_init(&of);
        for (size_t k = 0; k < hs.nr; k++)
            if (hs.rows[k].ext_id)
                strmap_put(&of, hs.rows[k].ext_id, strlen(hs.rows[k].ext_id), (int64_t)k);
        for (; i < n && m.date[s.test[i]] == d; i++) {
            size_t r = s.test[i];
            const char *key = m.keys[m.entity[r]];
            int64_t k;
            struct health_score hsc;
            if (!strmap_get(&of, key, strlen(key), &k))
                continue;
            health_score(sc, &hs.rows[k], &hsc);
            if (hsc.score >= 0) {
                rows[kept] = r;
                /* a lower score is a higher risk */
                score[kept++] = (float)(100 - hsc.score) / 100.0f;
            }
        }
        strmap_release(&of);
        health_set_release(&hs);
    }
    risk = xmalloc((kept ? kept : 1) * sizeof(*risk));
    label = xmalloc((kept ? kept : 1) * sizeof(*label));
    for (size_t i = 0; i < kept; i++)
        label[i] = m.label[rows[i]];
    if (churn_score(cm.gbm, &m, rows, kept, 0, risk, NULL, err) < 0)
        goto out;
    size_t col = metric_columns(c, t);
    side_row(t, col, "churn model", 0, risk, label, kept, dates);
    char name[96];
    snprintf(name, sizeof(name), "scorecard %s", sc->name);
    side_row(t, col, name, sc->version, score, label, kept, dates);
    rc = 0;
out:
    free(at);
    free(rows);
    free(risk);
    free(score);
    free(label);
    health_data_free(data);
    health_cards_release(&cards);
    churn_model_release(&cm);
    churn_split_release(&s);
    churn_matrix_release(&m);
    return rc;
}

static const struct lf_param_info backtest_params[] = {
    {"scorecard", LF_PARAM_TEXT, "default", "the scorecard beside the model (stored or built in)"},
    {"horizon", LF_PARAM_INT, "90", "the label: churned within this many days", NULL, 1, 3650},
    {"snapshots", LF_PARAM_INT, "24", "month starts up to now to take rows at", NULL, 2, 240},
    {"seed", LF_PARAM_INT, "0", "the trees' samples: the same data and seed, the same model",
     NULL, 0, WHOLE_MAX},
};
static const struct lf_column_info backtest_cols[] = {
    {"method", LF_COL_TEXT, "'churn model', then 'scorecard NAME'"},
    {"version", LF_COL_INT, "the scorecard's version (0 for the model and a built-in scorecard)"},
    {"snapshots", LF_COL_INT, "month starts observed (the model's test dates)"},
    {"observations", LF_COL_INT, "accounts × month starts, the same on both rows"},
    {"churned", LF_COL_INT, "observations followed by a churn within the horizon"},
    {"churn_rate", LF_COL_PERCENT, "churned / observations"},
    {"auc", LF_COL_REAL, "ROC AUC of the risk (the scorecard's: 100 − score): 0.5 is chance"},
    {"pr_auc", LF_COL_REAL, "average precision of the risk"},
    {"top_decile_churn", LF_COL_PERCENT, "churn rate of the tenth with the highest risk"},
    {"lift", LF_COL_REAL, "top_decile_churn / churn_rate"},
};
const struct metric_def metric_churn_backtest = {
    .name = "churn-backtest", .group = "churn",
    .summary = "the churn model beside a health scorecard on the same observations",
    .help = "Trains the churn model as 'landfall churn train' does (storing nothing) and "
            "measures it beside a health scorecard on the model's test rows (the accounts paying "
            "at the latest labelled month starts, none of which its training saw) that the "
            "scorecard scores at the same month start, with the same horizon: AUC, PR AUC, the "
            "churn of the riskiest tenth and its lift. Refused (invalid) when the snapshots hold "
            "fewer than 10 churners or stayers to train on.",
    .common = COMMON_NOW, .own = backtest_params, .own_nr = 4, .dims = no_dims,
    .filters = no_dims, COLS(backtest_cols), .needs = NEEDS_ENGINE | LONG,
    .compute = compute_backtest};

/* ---- churn-calibration ---- */

struct pick {
    int64_t want;   /* the version asked, 0 for the latest */
    int64_t version;
    char *metrics;  /* its figures (JSON), the caller's */
};

static int on_model(void *ctx, const struct store_churn_model *sm, struct lf_err *err)
{
    (void)err;
    struct pick *p = ctx;
    /* newest first: the first is the latest */
    if (!p->metrics && (!p->want || p->want == sm->version)) {
        p->version = sm->version;
        p->metrics = xstrdup(sm->metrics ? sm->metrics : "{}");
    }
    return 0;
}

static void set_num(struct lf_table *t, size_t r, size_t col, json_t *v)
{
    if (json_is_number(v))
        table_set_real(t, r, col, json_number_value(v));
}

static int compute_calibration(struct metric_ctx *c, struct lf_table *t, struct lf_err *err)
{
    struct pick p = {.want = param_int(c, "model", 0)};
    if (store_churn_models_scan(c->st, c->ws, on_model, &p, err) < 0)
        return -1;
    size_t col = metric_columns(c, t);
    if (!p.metrics)
        /* no model yet: no table (an unknown version asked is an error) */
        return p.want ? err_set_field(err, "model", LF_ENOENT, "no churn model version %lld",
                                      (long long)p.want)
                      : 0;
    json_t *j = json_loads(p.metrics, 0, NULL);
    json_t *bins = json_object_get(j, "calibration"), *b;
    size_t i;
    json_array_foreach(bins, i, b) {
        size_t r = table_add_row(t);
        table_set_int(t, r, col, p.version);
        table_set_int(t, r, col + 1, (int64_t)i + 1);
        json_t *n = json_object_get(b, "rows");
        if (json_is_integer(n))
            table_set_int(t, r, col + 2, json_integer_value(n));
        /* the lowest and highest risks of a decile are kept since this table exists: a model
         * stored before has them null */
        set_num(t, r, col + 3, json_object_get(b, "lowest"));
        set_num(t, r, col + 4, json_object_get(b, "highest"));
        set_num(t, r, col + 5, json_object_get(b, "predicted"));
        set_num(t, r, col + 6, json_object_get(b, "observed"));
    }
    json_decref(j);
    free(p.metrics);
    return 0;
}

static const struct lf_param_info calibration_params[] = {
    {"model", LF_PARAM_INT, "the latest", "the stored version", NULL, 1, WHOLE_MAX},
};
static const struct lf_column_info calibration_cols[] = {
    {"model", LF_COL_INT, "the version"},
    {"decile", LF_COL_INT, "1 is the tenth of its test rows with the lowest predicted risk"},
    {"rows", LF_COL_INT, "test rows in the decile"},
    {"lowest", LF_COL_PERCENT, "its lowest predicted risk (null for a model stored before "
                               "landfall kept it)"},
    {"highest", LF_COL_PERCENT, "its highest predicted risk (null likewise)"},
    {"predicted", LF_COL_PERCENT, "the mean predicted risk"},
    {"observed", LF_COL_PERCENT, "the share that churned within the horizon"},
};
const struct metric_def metric_churn_calibration = {
    .name = "churn-calibration", .group = "churn",
    .summary = "a stored churn model's calibration: predicted against observed churn by decile",
    .help = "The test rows of a stored churn model (the latest labelled snapshots, which its "
            "training never saw) in ten groups of equal count by predicted risk, from the "
            "lowest: the risk the model predicted against the churn observed. No rows before a "
            "model is trained.",
    .common = 0, .own = calibration_params, .own_nr = 1, .dims = no_dims, .filters = no_dims,
    COLS(calibration_cols), .compute = compute_calibration};
