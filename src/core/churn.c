/* churn.c - the churn model behind landfall.h: trained on a CSV of features or on the
 * workspace's accounts, evaluated on held-out rows, stored as versions, scoring and explaining
 * every account (docs/churn.md). */
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "cs/churn.h"
#include "cs/churn_features.h"
#include "landfall.h"
#include "metrics/metrics.h"
#include "model/resource.h"
#include "report/table.h"

#define DAY_MS 86400000LL

void lf_churn_report_release(struct lf_churn_report *r)
{
    lf_table_free(r->summary);
    lf_table_free(r->calibration);
    lf_table_free(r->drivers);
    *r = (struct lf_churn_report){0};
}

/* A new, empty table of the churn model (cs/churn.h declares their columns). */
static struct lf_table *table_of(enum churn_table_id id)
{
    return table_new_with(churn_tables[id].name, churn_tables[id].cols, churn_tables[id].nr);
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
    struct lf_table *t = table_of(CHURN_FIT);
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
    struct lf_table *t = table_of(CHURN_CALIBRATION);
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

/* Rows of a matrix scored and ranked riskiest first, with what their drivers are written from. */
struct ranking {
    const struct churn_matrix *m;
    const size_t *rows;   /* the rows of m scored (NULL: all of them, in order) */
    size_t n;
    float *risk, *c;      /* risk[n]; c[n × (features + 1)], each row's contributions */
    struct ranked *rank;  /* [n], riskiest first: rank[k].i indexes risk and c */
    const struct driver_text **texts; /* each feature's description template */
    struct driver_text *storage;
};

/* Scores rows[n] of m (NULL: every row) with g and ranks them into *r, the caller's:
 * ranking_release(), also on failure. */
static int ranking_make(struct gbm *g, const struct churn_matrix *m, const size_t *rows, size_t n,
                        struct ranking *r, struct lf_err *err)
{
    size_t w = m->cols_nr + 1, f = m->cols_nr ? m->cols_nr : 1;
    *r = (struct ranking){.m = m, .rows = rows, .n = n};
    r->risk = xmalloc((n ? n : 1) * sizeof(*r->risk));
    r->c = xmalloc((n ? n : 1) * w * sizeof(*r->c));
    r->rank = xmalloc((n ? n : 1) * sizeof(*r->rank));
    r->texts = xmalloc(f * sizeof(*r->texts));
    r->storage = xmalloc(f * sizeof(*r->storage));
    if (n && churn_score(g, m, rows, n, 0, r->risk, r->c, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        r->rank[i] = (struct ranked){r->risk[i], i};
    qsort(r->rank, n, sizeof(*r->rank), by_risk);
    for (size_t k = 0; k < m->cols_nr; k++)
        r->texts[k] = churn_matrix_text(m, k, &r->storage[k]);
    return 0;
}

/* The row of m that the k-th riskiest is, its risk and (into b, emptied first) its `top`
 * drivers. */
static size_t ranking_row(const struct ranking *r, size_t k, size_t top, float *risk,
                          struct buf *b)
{
    size_t i = r->rank[k].i, row = r->rows ? r->rows[i] : i;
    *risk = r->risk[i];
    buf_reset(b);
    drivers_explain((const char *const *)r->m->names, r->texts, churn_matrix_row(r->m, row),
                    r->c + i * (r->m->cols_nr + 1), r->m->cols_nr, top, b);
    return row;
}

static void ranking_release(struct ranking *r)
{
    free(r->risk);
    free(r->c);
    free(r->rank);
    free(r->texts);
    free(r->storage);
}

/* The `top` riskiest test rows with their drivers; dated rows' dates are days in tz. */
static int drivers(struct gbm *g, const struct churn_matrix *m, const struct churn_split *s,
                   const struct tz *tz, size_t top, struct lf_table **out, struct lf_err *err)
{
    struct ranking rk;
    struct buf b = BUF_INIT;
    int rc = -1;
    if (ranking_make(g, m, s->test, s->test_nr, &rk, err) < 0)
        goto out;
    struct lf_table *t = table_of(CHURN_DRIVERS);
    for (size_t k = 0; k < top && k < rk.n; k++) {
        float risk;
        size_t row = ranking_row(&rk, k, 3, &risk, &b), r = table_add_row(t);
        int64_t e = m->entity[row];
        if (m->keys && e >= 0 && (size_t)e < m->keys_nr)
            table_set_text(t, r, 0, m->keys[e]);
        if (m->date[row]) {
            char day[16];
            tz_format_period(tz, TZ_DAY, m->date[row], day);
            table_set_text(t, r, 1, day);
        }
        table_set_real(t, r, 2, risk);
        table_set_text(t, r, 3, m->label[row] == 1 ? "yes" : "no");
        table_set_text(t, r, 4, buf_str(&b));
    }
    *out = t;
    rc = 0;
out:
    buf_release(&b);
    ranking_release(&rk);
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
    struct gbm_params grid[CHURN_GRID_MAX];
    size_t grid_nr = opts->choose_depth ? churn_grid_default(&p, grid) : 1;
    if (!opts->choose_depth)
        grid[0] = p;
    int split = opts->date       ? churn_split_time(&m, horizon, valid_share, test_share, &s, err)
                : opts->stratify ? churn_split_stratified(&m, opts->seed, valid_share, test_share,
                                                          &s, err)
                                 : churn_split_random(&m, opts->seed, valid_share, test_share, &s,
                                                      err);
    if (split < 0 || churn_train_grid(&m, &s, grid, grid_nr, true, 10, &cm, err) < 0)
        goto out;
    out->summary = summary(&m, &s, &cm);
    out->calibration = calibration(&cm.test);
    /* a file's dates are read as UTC (time_parse): their days are UTC's, no workspace's */
    if (drivers(cm.gbm, &m, &s, tz_utc(), opts->top > 0 ? (size_t)opts->top : 10,
                &out->drivers, err) < 0 ||
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

/* ---- the workspace's model: trained on its accounts, stored, scoring them ---- */

/* The model's bytes as text for the store (standard base64, libsodium's). */
static void base64_encode(const unsigned char *p, size_t n, struct buf *out)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *text = xmalloc(len);
    sodium_bin2base64(text, len, p, n, sodium_base64_VARIANT_ORIGINAL);
    buf_adds(out, text);
    free(text);
}

static int base64_decode(const char *s, struct buf *out)
{
    size_t len = strlen(s), bin_len = 0;
    unsigned char *bin = xmalloc(len / 4 * 3 + 3);
    int rc = sodium_base642bin(bin, len / 4 * 3 + 3, s, len, NULL, &bin_len, NULL,
                               sodium_base64_VARIANT_ORIGINAL);
    if (rc == 0)
        buf_add(out, bin, bin_len);
    free(bin);
    return rc;
}

static void put_num(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null());
}

static void put_int(json_t *o, const char *k, int64_t v)
{
    json_object_set_new(o, k, json_integer(v));
}

/* How the model was trained and how it did, for the store. */
static char *metrics_json(const struct lf_churn_train_opts *o, int64_t horizon, int snapshots,
                          const struct churn_matrix *m, const struct churn_split *s,
                          const struct churn_model *cm)
{
    json_t *j = json_object(), *cal = json_array();
    const struct eval_report *e = &cm->test;
    put_int(j, "horizon_days", horizon / MS_PER_DAY);
    put_int(j, "snapshots", snapshots);
    put_int(j, "seed", (int64_t)(o->seed & INT64_MAX));
    put_int(j, "features", (int64_t)m->cols_nr);
    put_int(j, "rows", (int64_t)m->rows_nr);
    put_int(j, "train_rows", (int64_t)s->train_nr);
    put_int(j, "train_churned", (int64_t)cm->train_positives);
    put_int(j, "valid_rows", (int64_t)s->valid_nr);
    put_int(j, "test_rows", (int64_t)s->test_nr);
    put_int(j, "test_churned", (int64_t)e->positives);
    put_int(j, "purged_rows", (int64_t)s->purged);
    put_int(j, "unlabelled_rows", (int64_t)s->unlabelled);
    put_int(j, "valid_from", s->valid_from);
    put_int(j, "test_from", s->test_from);
    put_int(j, "trees", cm->fit.rounds);
    put_num(j, "valid_auc", cm->valid.auc);
    put_num(j, "test_auc", e->auc);
    put_num(j, "test_pr_auc", e->average_precision);
    put_int(j, "test_k", (int64_t)e->k);
    put_num(j, "test_precision_at_k", e->precision_at_k);
    put_num(j, "test_lift_at_k", e->lift_at_k);
    put_num(j, "test_base_rate", e->base_rate);
    put_num(j, "test_brier", e->brier);
    put_num(j, "test_log_loss", e->log_loss);
    put_num(j, "test_calibration_error", e->ece);
    for (size_t b = 0; b < e->bins_nr; b++) {
        json_t *bin = json_object();
        put_int(bin, "rows", (int64_t)e->bins[b].n);
        put_num(bin, "lowest", e->bins[b].lo);
        put_num(bin, "highest", e->bins[b].hi);
        put_num(bin, "predicted", e->bins[b].predicted);
        put_num(bin, "observed", e->bins[b].observed);
        json_array_append_new(cal, bin);
    }
    json_object_set_new(j, "calibration", cal);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return text;
}

static char *names_json(const struct churn_matrix *m)
{
    json_t *a = json_array();
    for (size_t c = 0; c < m->cols_nr; c++)
        json_array_append_new(a, json_string(m->names[c]));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return text;
}

/* The rows of every account paying at each of dates[n] (churn_features_build) into *m. */
static int build_rows(struct lf *lf, const int64_t *dates, int n, int64_t horizon, int64_t now,
                      struct churn_matrix *m, struct lf_err *err)
{
    struct engine *e;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    struct churn_features_opts fo = {.dates = dates,
                                     .dates_nr = (size_t)n,
                                     .horizon_ms = horizon,
                                     .now = now,
                                     .tz = core_tz(lf)};
    int rc = core_engine(lf, st, &e, err) < 0 ||
                     churn_features_build(st, lf->w->info.id, e, &fo, m, err) < 0
                 ? -1
                 : 0;
    core_read_end(lf, st);
    return rc;
}

static int train_and_store(struct lf *lf, const struct lf_churn_train_opts *opts,
                           struct lf_churn_report *out, struct lf_err *err)
{
    struct churn_matrix m = {0};
    struct churn_split s = {0};
    struct churn_model cm = {0};
    struct gbm_params p;
    struct buf bytes = BUF_INIT, text = BUF_INIT;
    char *metrics = NULL, *names = NULL;
    int64_t now = opts->now ? opts->now : time_now_ms();
    int64_t horizon = opts->horizon_ms ? opts->horizon_ms : 90 * DAY_MS;
    int snapshots = opts->snapshots > 0 ? opts->snapshots : 24;
    const struct tz *tz = core_tz(lf);
    *out = (struct lf_churn_report){0};
    if (horizon < DAY_MS)
        return err_set_field(err, "horizon", LF_EINVAL, "the horizon must be at least a day");
    int64_t *dates = churn_snapshot_dates(tz, now, snapshots);
    int rc = -1;
    struct store *st;
    if (build_rows(lf, dates, snapshots, horizon, now, &m, err) < 0)
        goto out;
    gbm_params_default(&p);
    p.seed = opts->seed;
    if (churn_split_time(&m, horizon, 0.2, 0.3, &s, err) < 0 ||
        churn_train(&m, &s, &p, true, opts->min_churners > 0 ? (size_t)opts->min_churners : 10, &cm,
                    err) < 0 ||
        gbm_save(cm.gbm, &bytes, err) < 0)
        goto out;
    base64_encode((const unsigned char *)bytes.ptr, bytes.len, &text);
    metrics = metrics_json(opts, horizon, snapshots, &m, &s, &cm);
    names = names_json(&m);
    struct store_churn_model sm = {.created_at = time_now_ms(),
                                   .as_of = now,
                                   .horizon_days = horizon / DAY_MS,
                                   .features = names,
                                   .metrics = metrics,
                                   .model = buf_str(&text)};
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto out;
    if (store_churn_model_insert(st, lf->w->info.id, &sm, &out->version, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto out;
    out->summary = summary(&m, &s, &cm);
    out->calibration = calibration(&cm.test);
    if (drivers(cm.gbm, &m, &s, core_tz(lf), opts->top > 0 ? (size_t)opts->top : 10,
                &out->drivers, err) < 0) {
        lf_churn_report_release(out);
        goto out;
    }
    rc = 0;
out:
    free(dates);
    free(metrics);
    free(names);
    buf_release(&bytes);
    buf_release(&text);
    churn_model_release(&cm);
    churn_split_release(&s);
    churn_matrix_release(&m);
    return rc;
}

int lf_churn_train(struct lf *lf, const struct lf_churn_train_opts *opts,
                   struct lf_churn_report *out, struct lf_err *err)
{
    *out = (struct lf_churn_report){0};
    if (core_long_begin(lf, "churn train", err) < 0)
        return -1;
    int rc = train_and_store(lf, opts, out, err);
    core_long_end(lf);
    return rc;
}

/* A stored model, loaded. */
struct loaded {
    int64_t version, horizon_days;
    struct gbm *gbm;
    char **names;
    size_t names_nr;
};

static void loaded_release(struct loaded *l)
{
    gbm_free(l->gbm);
    for (size_t i = 0; i < l->names_nr; i++)
        free(l->names[i]);
    free(l->names);
    *l = (struct loaded){0};
}

static int on_model(void *ctx, const struct store_churn_model *sm, struct lf_err *err)
{
    struct loaded *l = ctx;
    struct buf bytes = BUF_INIT;
    json_t *a = json_loads(sm->features, 0, NULL);
    int rc = -1;
    l->version = sm->version;
    l->horizon_days = sm->horizon_days;
    if (!json_is_array(a) || base64_decode(sm->model, &bytes) < 0) {
        err_set(err, LF_ESCHEMA, "churn model %lld is damaged", (long long)sm->version);
        goto out;
    }
    l->names_nr = json_array_size(a);
    l->names = xcalloc(l->names_nr ? l->names_nr : 1, sizeof(*l->names));
    for (size_t i = 0; i < l->names_nr; i++) {
        const char *n = json_string_value(json_array_get(a, i));
        l->names[i] = xstrdup(n ? n : "");
    }
    if (gbm_load(bytes.ptr, bytes.len, &l->gbm, err) < 0)
        goto out;
    if (gbm_cols(l->gbm) != l->names_nr) {
        err_set(err, LF_ESCHEMA, "churn model %lld has %zu features, not %zu",
                (long long)sm->version, gbm_cols(l->gbm), l->names_nr);
        goto out;
    }
    rc = 0;
out:
    json_decref(a);
    buf_release(&bytes);
    return rc;
}

/* How the features of stored model l are built as of *now, for its horizon and its features in
 * its order: of every account paying then, or of `account` (0: every one). */
static struct churn_features_opts now_opts(const struct loaded *l, const int64_t *now,
                                           int64_t account, const struct tz *tz)
{
    return (struct churn_features_opts){.dates = now,
                                        .dates_nr = 1,
                                        .now = *now,
                                        .horizon_ms = l->horizon_days * DAY_MS,
                                        .account = account,
                                        .tz = tz,
                                        .names = (const char *const *)l->names,
                                        .names_nr = l->names_nr};
}

/* The model and the features as of now of every paying account (or of one) into *m. */
static int score_rows(struct lf *lf, const struct lf_churn_score_opts *o, int64_t account,
                      int64_t now, struct loaded *l, struct churn_matrix *m, struct lf_err *err)
{
    struct engine *e;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int found = store_churn_model_get(st, lf->w->info.id, o->version, on_model, l, err);
    int rc = -1;
    if (found < 0)
        goto out;
    if (!found) {
        if (o->version)
            err_set_field(err, "model", LF_ENOENT, "no churn model version %lld",
                          (long long)o->version);
        else
            err_set(err, LF_ENOENT, "no churn model yet: train one (landfall churn train)");
        goto out;
    }
    struct churn_features_opts fo = now_opts(l, &now, account, core_tz(lf));
    if (core_engine(lf, st, &e, err) < 0 ||
        churn_features_build(st, lf->w->info.id, e, &fo, m, err) < 0)
        goto out;
    rc = 0;
out:
    core_read_end(lf, st);
    return rc;
}

/* The model's version only: a scan without the trees. */
static int on_latest(void *ctx, const struct store_churn_model *sm, struct lf_err *err)
{
    (void)err;
    int64_t *v = ctx;
    if (sm->version > *v)
        *v = sm->version;
    return 0;
}

int core_churn_risks(const struct metric_ctx *c, bool model_only, int64_t *version,
                     metric_risk_fn fn, void *fn_ctx, struct lf_err *err)
{
    struct loaded l = {0};
    struct churn_matrix m = {0};
    float *risk = NULL, *contribs = NULL;
    int rc = -1;
    *version = 0;
    if (model_only)
        return store_churn_models_scan(c->st, c->ws, on_latest, version, err);
    int found = store_churn_model_get(c->st, c->ws, 0, on_model, &l, err);
    if (found <= 0) {
        rc = found;
        goto out;
    }
    struct lf *lf = c->core;
    int64_t now = c->now;
    struct churn_features_opts fo = now_opts(&l, &now, 0, core_tz(lf));
    if (churn_features_build(c->st, c->ws, c->e, &fo, &m, err) < 0)
        goto out;
    size_t n = m.rows_nr;
    risk = xmalloc((n ? n : 1) * sizeof(*risk));
    /* with the contributions, as lf_churn_score: the same figure to the last digit */
    contribs = xmalloc((n ? n : 1) * (m.cols_nr + 1) * sizeof(*contribs));
    if (n && churn_score(l.gbm, &m, NULL, n, 0, risk, contribs, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (fn(fn_ctx, m.keys[m.entity[i]], risk[i], err) < 0)
            goto out;
    *version = l.version;
    rc = 0;
out:
    free(risk);
    free(contribs);
    churn_matrix_release(&m);
    loaded_release(&l);
    return rc;
}

int lf_churn_score(struct lf *lf, const struct lf_churn_score_opts *opts, struct lf_table **out,
                   struct lf_err *err)
{
    struct loaded l = {0};
    struct churn_matrix m = {0};
    struct ranking rk = {0};
    struct buf b = BUF_INIT;
    int64_t now = opts->now ? opts->now : time_now_ms();
    size_t k = opts->drivers > 0 ? (size_t)opts->drivers : 3;
    int rc = -1;
    *out = NULL;
    if (score_rows(lf, opts, 0, now, &l, &m, err) < 0 ||
        ranking_make(l.gbm, &m, NULL, m.rows_nr, &rk, err) < 0)
        goto out;
    struct lf_table *t = table_of(CHURN_SCORES);
    size_t n = rk.n;
    if (opts->limit > 0 && (uint64_t)opts->limit < n)
        n = (size_t)opts->limit;
    for (size_t i = 0; i < n; i++) {
        float risk;
        size_t row = ranking_row(&rk, i, k, &risk, &b), r = table_add_row(t);
        table_set_text(t, r, 0, m.keys[m.entity[row]]);
        table_set_real(t, r, 1, risk);
        table_set_text(t, r, 2, buf_str(&b));
        table_set_int(t, r, 3, l.version);
    }
    *out = t;
    rc = 0;
out:
    buf_release(&b);
    ranking_release(&rk);
    churn_matrix_release(&m);
    loaded_release(&l);
    return rc;
}

struct part {
    float contribution;
    size_t f;
};

static int by_part(const void *a, const void *b)
{
    const struct part *x = a, *y = b;
    if (x->contribution != y->contribution)
        return x->contribution > y->contribution ? -1 : 1;
    return x->f < y->f ? -1 : x->f > y->f;
}

int lf_churn_explain(struct lf *lf, const char *account, const struct lf_churn_score_opts *opts,
                     double *risk_out, int64_t *version, struct lf_table **out, struct lf_err *err)
{
    struct loaded l = {0};
    struct churn_matrix m = {0};
    struct buf b = BUF_INIT;
    float *c = NULL;
    struct part *parts = NULL;
    int64_t now = opts->now ? opts->now : time_now_ms(), id = 0;
    int rc = -1;
    *out = NULL;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    struct value key = {.s = account};
    int found = store_find(st, lf->w->info.id, &resource_accounts, &key, &id, err);
    core_read_end(lf, st);
    if (found < 0)
        return -1;
    if (!found)
        return err_set_field(err, "account", LF_ENOENT, "no account '%s'", account);
    if (score_rows(lf, opts, id, now, &l, &m, err) < 0)
        goto out;
    if (m.rows_nr != 1) {
        char day[16];
        time_format_date(now, day);
        err_set_field(err, "account", LF_ENOENT,
                      "account '%s' is not a paying customer on %s: it has no churn risk", account,
                      day);
        goto out;
    }
    float risk;
    c = xmalloc((m.cols_nr + 1) * sizeof(*c));
    if (churn_score(l.gbm, &m, NULL, 1, 1, &risk, c, err) < 0)
        goto out;
    parts = xmalloc((m.cols_nr ? m.cols_nr : 1) * sizeof(*parts));
    for (size_t f = 0; f < m.cols_nr; f++)
        parts[f] = (struct part){c[f], f};
    qsort(parts, m.cols_nr, sizeof(*parts), by_part);
    struct lf_table *t = table_of(CHURN_EXPLAIN);
    const float *x = churn_matrix_row(&m, 0);
    for (size_t i = 0; i < m.cols_nr; i++) {
        size_t f = parts[i].f, r = table_add_row(t);
        struct driver_text dt;
        table_set_text(t, r, 0, m.names[f]);
        if (!isnan(x[f]))
            table_set_real(t, r, 1, x[f]);
        table_set_real(t, r, 2, c[f]);
        buf_reset(&b);
        driver_describe(churn_matrix_text(&m, f, &dt), m.names[f], x[f], &b);
        table_set_text(t, r, 3, buf_str(&b));
    }
    size_t r = table_add_row(t);
    table_set_text(t, r, 0, "(base)");
    table_set_real(t, r, 2, c[m.cols_nr]);
    table_set_text(t, r, 3, "the model's starting point, before any feature");
    if (risk_out)
        *risk_out = risk;
    if (version)
        *version = l.version;
    *out = t;
    rc = 0;
out:
    buf_release(&b);
    free(c);
    free(parts);
    churn_matrix_release(&m);
    loaded_release(&l);
    return rc;
}

static double metric_of(json_t *j, const char *k)
{
    json_t *v = json_object_get(j, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int on_version(void *ctx, const struct store_churn_model *sm, struct lf_err *err)
{
    (void)err;
    struct lf_table *t = ctx;
    json_t *j = json_loads(sm->metrics, 0, NULL), *f = json_loads(sm->features, 0, NULL);
    char created[32], as_of[32];
    time_format_iso(sm->created_at, created);
    time_format_iso(sm->as_of, as_of);
    size_t r = table_add_row(t);
    table_set_int(t, r, 0, sm->version);
    table_set_text(t, r, 1, created);
    table_set_text(t, r, 2, as_of);
    table_set_int(t, r, 3, sm->horizon_days);
    table_set_int(t, r, 4, (int64_t)json_array_size(f));
    static const char *const ints[] = {"rows", "trees"};
    for (size_t i = 0; i < 2; i++)
        if (!isnan(metric_of(j, ints[i])))
            table_set_int(t, r, 5 + i, (int64_t)metric_of(j, ints[i]));
    static const char *const reals[] = {"test_auc", "test_pr_auc", "test_brier"};
    for (size_t i = 0; i < 3; i++)
        if (!isnan(metric_of(j, reals[i])))
            table_set_real(t, r, 7 + i, metric_of(j, reals[i]));
    json_decref(j);
    json_decref(f);
    return 0;
}

int lf_churn_models(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct lf_table *t = table_of(CHURN_MODELS);
    struct store *st = core_read_begin(lf, err);
    int rc = st ? store_churn_models_scan(st, lf->w->info.id, on_version, t, err) : -1;
    core_read_end(lf, st);
    return core_table_out(t, rc, out);
}

/* ---- the model beside a scorecard, on the same observations ---- */

/* The metric churn-backtest (src/metrics/churn.c), so that the library, `landfall churn
 * backtest`, `landfall metric churn-backtest` and GET /v1/metrics/churn-backtest answer the
 * same. */
int lf_churn_backtest(struct lf *lf, const struct lf_churn_backtest_opts *opts,
                      struct lf_table **out, struct lf_err *err)
{
    struct lf_args *args = lf_args_new();
    char v[32];
    *out = NULL;
    if (opts->horizon_ms && opts->horizon_ms < DAY_MS) {
        lf_args_free(args);
        return err_set_field(err, "horizon", LF_EINVAL, "the horizon must be at least a day");
    }
    if (opts->now) {
        time_format_iso(opts->now, v);
        lf_args_add(args, "now", v);
    }
    if (opts->horizon_ms) {
        snprintf(v, sizeof(v), "%lld", (long long)(opts->horizon_ms / DAY_MS));
        lf_args_add(args, "horizon", v);
    }
    if (opts->snapshots > 0) {
        snprintf(v, sizeof(v), "%d", opts->snapshots);
        lf_args_add(args, "snapshots", v);
    }
    if (opts->seed) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long)opts->seed);
        lf_args_add(args, "seed", v);
    }
    if (opts->scorecard)
        lf_args_add(args, "scorecard", opts->scorecard);
    int rc = lf_metric(lf, "churn-backtest", args, out, err);
    lf_args_free(args);
    return rc;
}
