/* gbm.c - the boosted trees of gbm.h on data with a known signal: they learn it about as well
 * as the true probabilities rank it, the same seed gives the same model on any thread count,
 * bytes saved load back into the same predictions, contributions add up to the prediction. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "cs/evaluate.h"
#include "cs/gbm.h"

enum { COLS = 8 };
static const char *const names[COLS] = {"a", "b", "c", "d", "e", "f", "g", "h"};

/* Rows whose churn log-odds are −1 + 1.2 a + 0.8 b − 1.0 c + 0.6 (d > 0) with a..h standard
 * normal (e..h pure noise), c missing on 10 % of rows (then counted as 0); p[] the true
 * probability of each row. */
struct data {
    float x[6000 * COLS], y[6000], p[6000];
};

static double logit_of(const float *x)
{
    double c = isnan(x[2]) ? 0 : x[2];
    return -1 + 1.2 * x[0] + 0.8 * x[1] - 1.0 * c + 0.6 * (x[3] > 0);
}

static void make(struct data *d, size_t n, uint64_t seed)
{
    struct rng g;
    rng_seed(&g, seed);
    for (size_t i = 0; i < n; i++) {
        float *x = d->x + i * COLS;
        for (int j = 0; j < COLS; j++)
            x[j] = (float)rng_normal(&g, 0, 1);
        if (rng_uniform(&g) < 0.1)
            x[2] = NAN;
        d->p[i] = (float)(1 / (1 + exp(-logit_of(x))));
        d->y[i] = rng_uniform(&g) < d->p[i];
    }
}

static struct data *data;
static struct gbm_data train, valid, test;

static void setup(void)
{
    data = malloc(sizeof(*data));
    make(data, 6000, 42);
    train = (struct gbm_data){data->x, 3000, COLS, data->y, names};
    valid = (struct gbm_data){data->x + 3000 * COLS, 1500, COLS, data->y + 3000, NULL};
    test = (struct gbm_data){data->x + 4500 * COLS, 1500, COLS, data->y + 4500, NULL};
}

static void teardown(void)
{
    free(data);
}

static struct gbm *trained(uint64_t seed, int threads, struct gbm_fit *fit)
{
    struct gbm_params p;
    struct gbm *m;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.seed = seed;
    p.threads = threads;
    cr_assert_eq(gbm_train(&p, &train, &valid, &m, fit, &err), 0, "%s", err.msg);
    return m;
}

static struct buf saved(struct gbm *m)
{
    struct buf b = BUF_INIT;
    struct lf_err err = {0};
    cr_assert_eq(gbm_save(m, &b, &err), 0, "%s", err.msg);
    return b;
}

TestSuite(gbm, .init = setup, .fini = teardown);

/* No model can rank the test rows better, in expectation, than their true probabilities do
 * (that AUC is the Bayes bound). Trees on 3000 rows come within 0.02 of it, and far above a
 * coin's 0.5. */
Test(gbm, learns_the_signal_close_to_the_bayes_bound)
{
    struct gbm_fit fit;
    struct gbm *m = trained(1, 1, &fit);
    float *pred = malloc(test.rows_nr * sizeof(*pred));
    struct lf_err err = {0};
    cr_assert_eq(gbm_predict(m, &test, pred, &err), 0, "%s", err.msg);
    double auc = eval_roc_auc(pred, test.label, test.rows_nr);
    double bayes = eval_roc_auc(data->p + 4500, test.label, test.rows_nr);
    cr_log_info("test AUC %.4f, Bayes bound %.4f, %d trees", auc, bayes, fit.rounds);
    cr_expect_gt(auc, bayes - 0.02, "AUC %.4f, Bayes %.4f", auc, bayes);
    for (size_t i = 0; i < test.rows_nr; i++)
        cr_assert(pred[i] > 0 && pred[i] < 1);
    free(pred);
    gbm_free(m);
}

/* Same data, parameters and seed: the same trees byte for byte, on 1 or 2 threads; another
 * seed samples other rows and features, so other trees. */
Test(gbm, deterministic_on_a_seed_whatever_the_threads)
{
    struct gbm_fit f1, f2, f3;
    struct gbm *a = trained(7, 1, &f1), *b = trained(7, 2, &f2), *c = trained(8, 1, &f3);
    struct buf ba = saved(a), bb = saved(b), bc = saved(c);
    cr_expect_eq(f1.rounds, f2.rounds);
    cr_expect_eq(ba.len, bb.len);
    cr_expect(ba.len == bb.len && memcmp(ba.ptr, bb.ptr, ba.len) == 0,
              "the same seed on 1 and 2 threads gave different models");
    cr_expect(ba.len != bc.len || memcmp(ba.ptr, bc.ptr, ba.len) != 0,
              "seeds 7 and 8 gave the same model");
    buf_release(&ba);
    buf_release(&bb);
    buf_release(&bc);
    gbm_free(a);
    gbm_free(b);
    gbm_free(c);
}

/* Saved and loaded: the same features, names and trees, the same predictions to the bit. */
Test(gbm, save_and_load_predict_identically)
{
    struct gbm *m = trained(3, 1, NULL), *back;
    struct buf b = saved(m);
    struct lf_err err = {0};
    cr_assert_eq(gbm_load(b.ptr, b.len, &back, &err), 0, "%s", err.msg);
    cr_expect_eq(gbm_cols(back), COLS);
    cr_expect_eq(gbm_rounds(back), gbm_rounds(m));
    for (size_t i = 0; i < COLS; i++)
        cr_expect_str_eq(gbm_name(back, i), names[i]);
    float *p1 = malloc(test.rows_nr * sizeof(float)), *p2 = malloc(test.rows_nr * sizeof(float));
    cr_assert_eq(gbm_predict(m, &test, p1, &err), 0);
    cr_assert_eq(gbm_predict(back, &test, p2, &err), 0);
    cr_expect_eq(memcmp(p1, p2, test.rows_nr * sizeof(float)), 0);
    free(p1);
    free(p2);
    buf_release(&b);
    gbm_free(m);
    gbm_free(back);
    /* bytes that are no model */
    cr_expect_eq(gbm_load("not a model", 11, &back, &err), -1);
    cr_expect_null(back);
    cr_expect(strstr(err.msg, "xgboost"), "%s", err.msg);
}

/* TreeSHAP contributions are additive: a row's contributions and the bias sum to its log-odds.
 * The signal's features carry far more of them than the noise (e..h). */
Test(gbm, contributions_add_up_to_the_prediction)
{
    struct gbm *m = trained(5, 1, NULL);
    size_t n = test.rows_nr;
    float *pred = malloc(n * sizeof(float)), *c = malloc(n * (COLS + 1) * sizeof(float));
    struct lf_err err = {0};
    cr_assert_eq(gbm_predict(m, &test, pred, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs(m, &test, 2, c, &err), 0, "%s", err.msg);
    double mean_abs[COLS] = {0};
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j <= COLS; j++)
            sum += c[i * (COLS + 1) + j];
        for (int j = 0; j < COLS; j++)
            mean_abs[j] += fabs(c[i * (COLS + 1) + j]) / (double)n;
        double logit = log(pred[i] / (1 - pred[i]));
        cr_assert_float_eq(sum, logit, 1e-4, "row %zu: contributions %f, logit %f", i, sum, logit);
    }
    /* signal weights 1.2, 0.8, 1.0, 0.6 against none */
    for (int j = 4; j < COLS; j++)
        for (int s = 0; s < 4; s++)
            cr_expect_gt(mean_abs[s], 3 * mean_abs[j], "%s %.3f vs %s %.3f", names[s],
                         mean_abs[s], names[j], mean_abs[j]);
    /* contributions on any thread count are the same */
    float *c1 = malloc(n * (COLS + 1) * sizeof(float));
    cr_assert_eq(gbm_contribs(m, &test, 1, c1, &err), 0);
    cr_expect_eq(memcmp(c, c1, n * (COLS + 1) * sizeof(float)), 0);
    free(c1);
    free(pred);
    free(c);
    gbm_free(m);
}

/* Early stopping keeps the round of the lowest validation log loss: the kept model's own log
 * loss on the validation rows is the one reported, and it stopped early_stop rounds later; the
 * same rounds trained without validation give the same predictions. */
Test(gbm, early_stopping_keeps_the_best_round)
{
    struct gbm_fit fit;
    struct gbm *m = trained(11, 1, &fit);
    cr_expect_lt(fit.rounds, 1000);
    cr_expect_eq(fit.rounds_run, fit.rounds + 50);
    cr_expect_eq(gbm_rounds(m), fit.rounds);
    float *pv = malloc(valid.rows_nr * sizeof(float));
    struct lf_err err = {0};
    cr_assert_eq(gbm_predict(m, &valid, pv, &err), 0);
    cr_expect_float_eq(eval_log_loss(pv, valid.label, valid.rows_nr), fit.valid_loss, 1e-5);

    struct gbm_params p;
    gbm_params_default(&p);
    p.seed = 11;
    p.threads = 1;
    p.rounds = fit.rounds;
    struct gbm *again;
    struct gbm_fit fit2;
    cr_assert_eq(gbm_train(&p, &train, NULL, &again, &fit2, &err), 0, "%s", err.msg);
    cr_expect_eq(fit2.rounds, fit.rounds);
    cr_expect(isnan(fit2.valid_loss));
    float *pv2 = malloc(valid.rows_nr * sizeof(float));
    cr_assert_eq(gbm_predict(again, &valid, pv2, &err), 0);
    cr_expect_eq(memcmp(pv, pv2, valid.rows_nr * sizeof(float)), 0);
    free(pv);
    free(pv2);
    gbm_free(m);
    gbm_free(again);
}

Test(gbm, refusals)
{
    struct gbm_params p;
    struct gbm *m = NULL;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.threads = 1;
    float x[] = {1, 2, 3, 4}, bad[] = {0, 2};
    struct gbm_data d = {x, 2, 2, bad, NULL};
    cr_expect_eq(gbm_train(&p, &d, NULL, &m, NULL, &err), -1);
    cr_expect_str_eq(err.msg, "training row 1: label 2 is not 0 or 1");
    cr_expect_null(m);
    struct gbm_data none = {x, 0, 2, bad, NULL};
    cr_expect_eq(gbm_train(&p, &none, NULL, &m, NULL, &err), -1);
    cr_expect_str_eq(err.msg, "the training rows are none");
    struct gbm_data three = {x, 1, 3, bad, NULL};
    p.max_depth = 0;
    cr_expect_eq(gbm_train(&p, &train, &three, &m, NULL, &err), -1);
    cr_expect_str_eq(err.msg, "max_depth 0 is outside 1..16");
    p.max_depth = 3;
    cr_expect_eq(gbm_train(&p, &train, &three, &m, NULL, &err), -1);
    cr_expect_str_eq(err.msg, "the validation rows have 3 features, not 8");
    /* predicting rows of another width */
    m = trained(1, 1, NULL);
    float out[1];
    cr_expect_eq(gbm_predict(m, &three, out, &err), -1);
    cr_expect_str_eq(err.msg, "the rows have 3 features; the model takes 8");
    gbm_free(m);
    gbm_free(NULL);
}
