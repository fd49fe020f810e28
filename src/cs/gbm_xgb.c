/* gbm_xgb.c - the gradient-boosted trees of gbm.h through XGBoost's C API (the only file that
 * includes it). */
#include "gbm.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* c_api.h declares XGBGetLastError() without a prototype */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <xgboost/c_api.h>
#pragma GCC diagnostic pop

#include "base/dynlib.h"
#include "base/err.h"
#include "base/mem.h"
#include "cs/treeshap.h"

struct gbm {
    BoosterHandle h;
    size_t cols;
    int rounds;
    char **names; /* cols of them, or NULL */
    /* the contributions' tables, made by the first gbm_contribs() (under lock, so that threads
     * scoring on one model build them once); shap_tried set and shap NULL: XGBoost explains */
    pthread_mutex_t lock;
    bool shap_tried;
    struct treeshap *shap;
};

static struct gbm *gbm_alloc(void)
{
    struct gbm *m = xcalloc(1, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void gbm_params_default(struct gbm_params *p)
{
    *p = (struct gbm_params){.max_depth = 3,
                             .eta = 0.05,
                             .subsample = 0.8,
                             .colsample = 0.8,
                             .min_child_weight = 5,
                             .lambda = 1,
                             .rounds = 1000,
                             .early_stop = 50,
                             .seed = 0,
                             .threads = 0};
}

/* XGBoost logs warnings on stderr by itself; only the edges of landfall print. */
static void quiet(const char *msg)
{
    (void)msg;
}

/* XGBoost, opened when a model is first trained or loaded (base/dynlib.h): a command that uses
 * none does not load it, libstdc++, libgomp and libdmlc */
#define XGB_FNS(X)                                                                                 \
    X(XGBGetLastError) X(XGBRegisterLogCallback) X(XGBSetGlobalConfig)                             \
    X(XGDMatrixCreateFromMat_omp) X(XGDMatrixSetFloatInfo) X(XGDMatrixFree) X(XGBoosterCreate)     \
    X(XGBoosterFree) X(XGBoosterSetParam) X(XGBoosterUpdateOneIter) X(XGBoosterEvalOneIter)        \
    X(XGBoosterSlice) X(XGBoosterBoostedRounds) X(XGBoosterGetNumFeature)                          \
    X(XGBoosterSetStrFeatureInfo) X(XGBoosterGetStrFeatureInfo) X(XGBoosterPredictFromDMatrix)     \
    X(XGBoosterSaveModelToBuffer) X(XGBoosterLoadModelFromBuffer)
static struct {
    XGB_FNS(DYNLIB_FIELD)
} xg;
static const char *const xgb_names[] = {XGB_FNS(DYNLIB_NAME)};
static struct dynlib libxgboost =
    DYNLIB_INIT("libxgboost.so.0", "the gradient boosting library XGBoost", "libxgboost0",
                xgb_names, xg);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init(void)
{
    if (dynlib_open(&libxgboost) < 0)
        return;
    xg.XGBRegisterLogCallback(quiet);
    xg.XGBSetGlobalConfig("{\"verbosity\":0}");
}

/* Sets err from XGBoost's last error of this thread: its first line, without the
 * "[12:00:00] /path/file.cc:123: " that precedes the message. */
static int xerr(struct lf_err *err, const char *what)
{
    const char *m = xg.XGBGetLastError();
    if (!m)
        m = "";
    size_t len = strcspn(m, "\n");
    if (m[0] == '[') {
        const char *p = memchr(m, ']', len);
        const char *q = p ? strstr(p, ": ") : NULL;
        if (q && q < m + len) {
            len -= (size_t)(q + 2 - m);
            m = q + 2;
        }
    }
    return err_set(err, LF_EINVAL, "xgboost: %s: %.*s", what, (int)len, m);
}

static void names_free(char **names, size_t nr)
{
    if (!names)
        return;
    for (size_t i = 0; i < nr; i++)
        free(names[i]);
    free(names);
}

void gbm_free(struct gbm *m)
{
    if (!m)
        return;
    if (m->h)
        xg.XGBoosterFree(m->h);
    names_free(m->names, m->cols);
    treeshap_free(m->shap);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

size_t gbm_cols(const struct gbm *m)
{
    return m->cols;
}

int gbm_rounds(const struct gbm *m)
{
    return m->rounds;
}

const char *gbm_name(const struct gbm *m, size_t i)
{
    return m->names && i < m->cols ? m->names[i] : NULL;
}

/* A DMatrix of d's rows, with its labels when it has them. */
static int matrix(const struct gbm_data *d, const char *what, int threads, DMatrixHandle *out,
                  struct lf_err *err)
{
    *out = NULL;
    if (d->rows_nr == 0)
        return err_set(err, LF_EINVAL, "the %s rows are none", what);
    if (d->cols_nr == 0)
        return err_set(err, LF_EINVAL, "the %s rows have no features", what);
    if (d->label)
        for (size_t i = 0; i < d->rows_nr; i++)
            if (d->label[i] != 0 && d->label[i] != 1)
                return err_set(err, LF_EINVAL, "%s row %zu: label %g is not 0 or 1", what, i,
                               (double)d->label[i]);
    if (xg.XGDMatrixCreateFromMat_omp(d->x, d->rows_nr, d->cols_nr, NAN, out, threads) != 0)
        return xerr(err, what);
    if (d->label && xg.XGDMatrixSetFloatInfo(*out, "label", d->label, d->rows_nr) != 0) {
        xg.XGDMatrixFree(*out);
        *out = NULL;
        return xerr(err, what);
    }
    return 0;
}

static int check_params(const struct gbm_params *p, struct lf_err *err)
{
    if (p->max_depth < 1 || p->max_depth > 16)
        return err_set(err, LF_EINVAL, "max_depth %d is outside 1..16", p->max_depth);
    if (!(p->eta > 0 && p->eta <= 1))
        return err_set(err, LF_EINVAL, "eta %g is outside (0, 1]", p->eta);
    if (!(p->subsample > 0 && p->subsample <= 1))
        return err_set(err, LF_EINVAL, "subsample %g is outside (0, 1]", p->subsample);
    if (!(p->colsample > 0 && p->colsample <= 1))
        return err_set(err, LF_EINVAL, "colsample %g is outside (0, 1]", p->colsample);
    if (!(p->min_child_weight >= 0) || !(p->lambda >= 0))
        return err_set(err, LF_EINVAL, "min_child_weight and lambda must not be negative");
    if (p->rounds < 1 || p->rounds > 100000)
        return err_set(err, LF_EINVAL, "rounds %d is outside 1..100000", p->rounds);
    if (p->early_stop < 0)
        return err_set(err, LF_EINVAL, "early_stop %d is negative", p->early_stop);
    if (p->threads < 0 || p->threads > 256)
        return err_set(err, LF_EINVAL, "threads %d is outside 0..256", p->threads);
    return 0;
}

/* The training threads: p->threads, or for 0 all cores on large data and one on small, where
 * OpenMP's synchronisation of every tree level costs more than the second core gives (and far
 * more on a busy machine, where a waiting thread spins). */
static int train_threads(const struct gbm_params *p, const struct gbm_data *train)
{
    if (p->threads > 0)
        return p->threads;
    return (double)train->rows_nr * (double)train->cols_nr < GBM_SMALL ? 1 : 0;
}

static int set_params(BoosterHandle h, const struct gbm_params *p, int threads,
                      struct lf_err *err)
{
    char v[11][40];
    snprintf(v[0], sizeof(v[0]), "%d", p->max_depth);
    snprintf(v[1], sizeof(v[1]), "%.17g", p->eta);
    snprintf(v[2], sizeof(v[2]), "%.17g", p->subsample);
    snprintf(v[3], sizeof(v[3]), "%.17g", p->colsample);
    snprintf(v[4], sizeof(v[4]), "%.17g", p->min_child_weight);
    snprintf(v[5], sizeof(v[5]), "%.17g", p->lambda);
    /* XGBoost's seed is a signed 64-bit integer */
    snprintf(v[6], sizeof(v[6]), "%lld", (long long)(p->seed & INT64_MAX));
    snprintf(v[7], sizeof(v[7]), "%d", threads);
    const char *kv[][2] = {
        {"objective", "binary:logistic"},
        {"eval_metric", "logloss"},
        /* histogram trees: exact splits on sorted values are slower and no better here */
        {"tree_method", "hist"},
        {"max_depth", v[0]},
        {"eta", v[1]},
        {"subsample", v[2]},
        {"colsample_bytree", v[3]},
        {"min_child_weight", v[4]},
        {"lambda", v[5]},
        {"seed", v[6]},
        {"nthread", v[7]},
        {"verbosity", "0"},
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        if (xg.XGBoosterSetParam(h, kv[i][0], kv[i][1]) != 0)
            return xerr(err, kv[i][0]);
    return 0;
}

/* The log loss in XGBoost's evaluation line "[12]\tvalid-logloss:0.41234". */
static double eval_loss(const char *line)
{
    const char *p = strstr(line, "valid-logloss:");
    if (!p)
        return NAN;
    char *end;
    double v = strtod(p + strlen("valid-logloss:"), &end);
    return end == p + strlen("valid-logloss:") ? NAN : v;
}

/* Copies the booster's feature names (when it has them) into m. */
static int names_read(struct gbm *m, struct lf_err *err)
{
    bst_ulong nr = 0;
    const char **s = NULL;
    if (xg.XGBoosterGetStrFeatureInfo(m->h, "feature_name", &nr, &s) != 0)
        return xerr(err, "feature names");
    if (nr == 0)
        return 0;
    if (nr != m->cols)
        return err_set(err, LF_EINVAL, "the model names %llu features of %zu",
                       (unsigned long long)nr, m->cols);
    m->names = xcalloc(nr, sizeof(*m->names));
    for (size_t i = 0; i < nr; i++)
        m->names[i] = xstrdup(s[i]);
    return 0;
}

int gbm_train(const struct gbm_params *p, const struct gbm_data *train,
              const struct gbm_data *valid, struct gbm **out, struct gbm_fit *fit,
              struct lf_err *err)
{
    DMatrixHandle dm[2] = {NULL, NULL};
    BoosterHandle h = NULL;
    struct gbm *m = NULL;
    int rc = -1;
    *out = NULL;
    pthread_once(&once, init);
    if (dynlib_check(&libxgboost, err) < 0)
        return -1;
    if (check_params(p, err) < 0)
        return -1;
    if (!train->label || (valid && !valid->label))
        return err_set(err, LF_EINVAL, "training needs labels");
    if (valid && valid->cols_nr != train->cols_nr)
        return err_set(err, LF_EINVAL, "the validation rows have %zu features, not %zu",
                       valid->cols_nr, train->cols_nr);
    int threads = train_threads(p, train);
    if (matrix(train, "training", threads, &dm[0], err) < 0 ||
        (valid && matrix(valid, "validation", threads, &dm[1], err) < 0))
        goto out;
    if (xg.XGBoosterCreate(dm, valid ? 2 : 1, &h) != 0) {
        xerr(err, "booster");
        goto out;
    }
    if (set_params(h, p, threads, err) < 0)
        goto out;
    int best = p->rounds - 1, run = 0;
    double best_loss = INFINITY;
    const char *names[] = {"valid"};
    for (int i = 0; i < p->rounds; i++) {
        if (xg.XGBoosterUpdateOneIter(h, i, dm[0]) != 0) {
            xerr(err, "training");
            goto out;
        }
        run = i + 1;
        if (!valid)
            continue;
        const char *line;
        if (xg.XGBoosterEvalOneIter(h, i, &dm[1], names, 1, &line) != 0) {
            xerr(err, "validation");
            goto out;
        }
        double loss = eval_loss(line);
        if (isnan(loss)) {
            err_set(err, LF_EINVAL, "xgboost: unexpected evaluation '%s'", line);
            goto out;
        }
        /* as XGBoost's own early stopping: only a strictly lower loss is progress */
        if (loss < best_loss) {
            best_loss = loss;
            best = i;
        } else if (p->early_stop > 0 && i - best >= p->early_stop) {
            break;
        }
    }
    if (!valid)
        best = run - 1;
    if (best + 1 < run) {
        BoosterHandle kept;
        if (xg.XGBoosterSlice(h, 0, best + 1, 1, &kept) != 0) {
            xerr(err, "keeping the best round");
            goto out;
        }
        xg.XGBoosterFree(h);
        h = kept;
    }
    if (train->names &&
        xg.XGBoosterSetStrFeatureInfo(h, "feature_name", (const char **)train->names,
                                      train->cols_nr) != 0) {
        xerr(err, "feature names");
        goto out;
    }
    m = gbm_alloc();
    m->h = h;
    h = NULL;
    m->cols = train->cols_nr;
    m->rounds = best + 1;
    if (names_read(m, err) < 0)
        goto out;
    if (fit)
        *fit = (struct gbm_fit){.rounds = best + 1,
                                .rounds_run = run,
                                .valid_loss = valid ? best_loss : NAN};
    *out = m;
    m = NULL;
    rc = 0;
out:
    gbm_free(m);
    if (h)
        xg.XGBoosterFree(h);
    for (int i = 0; i < 2; i++)
        if (dm[i])
            xg.XGDMatrixFree(dm[i]);
    return rc;
}

/* Runs prediction `type` (0 probability, 2 contributions) over d, copying `want` floats to out. */
static int predict(struct gbm *m, const struct gbm_data *d, int type, int threads, float *out,
                   size_t want, struct lf_err *err)
{
    DMatrixHandle dm = NULL;
    int rc = -1;
    if (d->cols_nr != m->cols)
        return err_set(err, LF_EINVAL, "the rows have %zu features; the model takes %zu",
                       d->cols_nr, m->cols);
    char nthread[16];
    snprintf(nthread, sizeof(nthread), "%d", threads);
    if (xg.XGBoosterSetParam(m->h, "nthread", nthread) != 0)
        return xerr(err, "threads");
    struct gbm_data rows = *d;
    rows.label = NULL;
    if (matrix(&rows, "scored", threads, &dm, err) < 0)
        goto out;
    char config[128];
    snprintf(config, sizeof(config),
             "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, "
             "\"iteration_end\": 0, \"strict_shape\": false}",
             type);
    const bst_ulong *shape;
    bst_ulong dim;
    const float *res;
    if (xg.XGBoosterPredictFromDMatrix(m->h, dm, config, &shape, &dim, &res) != 0) {
        xerr(err, "prediction");
        goto out;
    }
    size_t got = dim ? 1 : 0;
    for (bst_ulong i = 0; i < dim; i++)
        got *= shape[i];
    if (got != want) {
        err_set(err, LF_EINVAL, "xgboost: %zu values predicted, %zu expected", got, want);
        goto out;
    }
    memcpy(out, res, want * sizeof(*out));
    rc = 0;
out:
    if (dm)
        xg.XGDMatrixFree(dm);
    return rc;
}

int gbm_predict(struct gbm *m, const struct gbm_data *d, float *out, struct lf_err *err)
{
    return predict(m, d, 0, 0, out, d->rows_nr, err);
}

/* A JSON array's numbers (or booleans) into v[nr]; -1 when it is not an array of nr of them. */
static int numbers(json_t *a, size_t nr, double *v)
{
    if (!json_is_array(a) || json_array_size(a) != nr)
        return -1;
    for (size_t i = 0; i < nr; i++) {
        json_t *e = json_array_get(a, i);
        if (json_is_number(e))
            v[i] = json_number_value(e);
        else if (json_is_boolean(e))
            v[i] = json_is_true(e);
        else
            return -1;
    }
    return 0;
}

/* The number in a JSON string such as learner_model_param's "base_score": "5E-1". */
static int string_number(json_t *s, double *v)
{
    const char *p = json_string_value(s);
    char *end;
    if (!p || !*p)
        return -1;
    *v = strtod(p, &end);
    return *end ? -1 : 0;
}

/* Builds m's TreeSHAP tables from the model's JSON (its trees' splits, covers and leaf values,
 * and base_score). Leaves m->shap NULL, for XGBoost to explain, when the model is one the
 * tables do not cover: another objective or booster, categorical splits, several outputs,
 * trees too deep (treeshap.h). Every tree in the model is kept: it is what prediction with
 * iteration_end 0 uses (gbm_train slices the best rounds off before keeping a model). */
static int shap_build(struct gbm *m, struct lf_err *err)
{
    bst_ulong len;
    const char *p;
    json_error_t jerr;
    json_t *root = NULL;
    struct treeshap_node *nodes = NULL;
    size_t *first = NULL, nodes_nr = 0;
    double *v[6] = {NULL};
    int rc = -1;
    if (xg.XGBoosterSaveModelToBuffer(m->h, "{\"format\": \"json\"}", &len, &p) != 0)
        return xerr(err, "reading the trees");
    root = json_loadb(p, len, 0, &jerr);
    if (!root) {
        err_set(err, LF_EINVAL, "xgboost: the model's json: %s", jerr.text);
        goto out;
    }
    json_t *learner = json_object_get(root, "learner");
    json_t *booster = json_object_get(learner, "gradient_booster");
    json_t *param = json_object_get(learner, "learner_model_param");
    json_t *trees = json_object_get(json_object_get(booster, "model"), "trees");
    const char *objective = json_string_value(
        json_object_get(json_object_get(learner, "objective"), "name"));
    const char *name = json_string_value(json_object_get(booster, "name"));
    double base, classes = 0, targets = 1;
    if (!objective || strcmp(objective, "binary:logistic") != 0 || !name ||
        strcmp(name, "gbtree") != 0 || !json_is_array(trees) ||
        string_number(json_object_get(param, "base_score"), &base) < 0 || !(base > 0 && base < 1) ||
        (json_object_get(param, "num_class") &&
         string_number(json_object_get(param, "num_class"), &classes) < 0) ||
        (json_object_get(param, "num_target") &&
         string_number(json_object_get(param, "num_target"), &targets) < 0) ||
        classes > 1 || targets != 1) {
        rc = 0;
        goto out;
    }
    size_t trees_nr = json_array_size(trees);
    first = xcalloc(trees_nr + 1, sizeof(*first));
    for (size_t t = 0; t < trees_nr; t++) {
        json_t *tree = json_array_get(trees, t);
        json_t *lc = json_object_get(tree, "left_children");
        size_t nr = json_array_size(lc);
        static const char *const fields[6] = {"left_children",    "right_children",
                                              "split_indices",    "split_conditions",
                                              "default_left",     "sum_hessian"};
        for (int f = 0; f < 6; f++) {
            v[f] = xrealloc(v[f], (nr ? nr : 1) * sizeof(double));
            if (numbers(json_object_get(tree, fields[f]), nr, v[f]) < 0) {
                err_set(err, LF_EINVAL, "xgboost: tree %zu: no '%s' of %zu nodes", t, fields[f],
                        nr);
                goto out;
            }
        }
        /* categorical splits test membership, not x < cond: XGBoost explains those */
        json_t *types = json_object_get(tree, "split_type");
        for (size_t i = 0; i < json_array_size(types); i++)
            if (json_integer_value(json_array_get(types, i)) != 0) {
                rc = 0;
                goto out;
            }
        nodes = xrealloc(nodes, (nodes_nr + nr + 1) * sizeof(*nodes));
        for (size_t i = 0; i < nr; i++)
            nodes[nodes_nr + i] = (struct treeshap_node){.left = (int)v[0][i],
                                                         .right = (int)v[1][i],
                                                         .feature = (int)v[2][i],
                                                         .cond = (float)v[3][i],
                                                         .default_left = v[4][i] != 0,
                                                         .cover = v[5][i]};
        nodes_nr += nr;
        first[t + 1] = nodes_nr;
    }
    /* XGBoost adds base_score to the bias column as a margin: its logit for binary:logistic */
    if (treeshap_new(nodes, first, trees_nr, m->cols, log(base / (1 - base)), &m->shap, err) < 0)
        goto out;
    rc = 0;
out:
    json_decref(root);
    free(nodes);
    free(first);
    for (int f = 0; f < 6; f++)
        free(v[f]);
    return rc;
}

/* m's tables into *out (NULL when XGBoost explains m), building them once, whichever thread
 * asks first; with build false, only the ones already built. */
static int shap_get(struct gbm *m, bool build, const struct treeshap **out, struct lf_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    if (!m->shap_tried && build) {
        rc = shap_build(m, err);
        m->shap_tried = rc == 0;
    }
    *out = m->shap;
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* Rows below which a model's tables are not built for: reading the trees costs about what
 * XGBoost takes to explain a few hundred rows of 200 trees (docs/churn.md), and a model loaded
 * to explain one account would pay it for one row. */
#define TABLE_ROWS 256

int gbm_contribs(struct gbm *m, const struct gbm_data *d, int threads, float *out,
                 struct lf_err *err)
{
    const struct treeshap *ts;
    if (shap_get(m, d->rows_nr >= TABLE_ROWS, &ts, err) < 0)
        return -1;
    if (!ts)
        return gbm_contribs_ref(m, d, threads, out, err);
    if (d->cols_nr != m->cols)
        return err_set(err, LF_EINVAL, "the rows have %zu features; the model takes %zu",
                       d->cols_nr, m->cols);
    if (d->rows_nr == 0)
        return err_set(err, LF_EINVAL, "the scored rows are none");
    treeshap_contribs(ts, d->x, d->rows_nr, threads, out);
    return 0;
}

int gbm_contribs_ref(struct gbm *m, const struct gbm_data *d, int threads, float *out,
                     struct lf_err *err)
{
    return predict(m, d, 2, threads, out, d->rows_nr * (m->cols + 1), err);
}

int gbm_contribs_tabled(struct gbm *m, struct lf_err *err)
{
    const struct treeshap *ts;
    if (shap_get(m, true, &ts, err) < 0)
        return -1;
    return ts != NULL;
}

int gbm_save(struct gbm *m, struct buf *out, struct lf_err *err)
{
    bst_ulong len;
    const char *p;
    if (xg.XGBoosterSaveModelToBuffer(m->h, "{\"format\": \"ubj\"}", &len, &p) != 0)
        return xerr(err, "saving the model");
    buf_add(out, p, len);
    return 0;
}

int gbm_load(const void *bytes, size_t len, struct gbm **out, struct lf_err *err)
{
    *out = NULL;
    pthread_once(&once, init);
    if (dynlib_check(&libxgboost, err) < 0)
        return -1;
    struct gbm *m = gbm_alloc();
    bst_ulong cols;
    int rounds, rc = -1;
    if (xg.XGBoosterCreate(NULL, 0, &m->h) != 0) {
        xerr(err, "booster");
        goto out;
    }
    if (xg.XGBoosterLoadModelFromBuffer(m->h, bytes, len) != 0 ||
        xg.XGBoosterGetNumFeature(m->h, &cols) != 0 ||
        xg.XGBoosterBoostedRounds(m->h, &rounds) != 0) {
        xerr(err, "loading the model");
        goto out;
    }
    m->cols = cols;
    m->rounds = rounds;
    if (names_read(m, err) < 0)
        goto out;
    *out = m;
    m = NULL;
    rc = 0;
out:
    gbm_free(m);
    return rc;
}
