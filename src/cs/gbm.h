/* gbm.h - gradient-boosted trees for a binary outcome, behind a small interface: train, predict,
 * per-feature contributions, save and load as bytes. XGBoost's C API implements it today
 * (gbm_xgb.c is the only file that knows it), so the library can be replaced.
 *
 * Rows are dense float arrays, row-major, NaN for a missing value (the trees learn which way a
 * missing value goes). Probabilities are of the label being 1. A model is used by one thread at a
 * time: the calls that take a `struct gbm *` are not safe to make concurrently on one model,
 * except gbm_contribs() on a model gbm_contribs_tabled() answers 1 for. */
#ifndef CS_GBM_H
#define CS_GBM_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "landfall.h"

struct gbm; /* opaque: a trained model */

/* How a model is trained; gbm_params_default() gives the values in brackets. */
struct gbm_params {
    int max_depth;           /* [3] depth of each tree */
    double eta;              /* [0.05] learning rate: shrinkage of each tree */
    double subsample;        /* [0.8] share of the rows each tree sees */
    double colsample;        /* [0.8] share of the features each tree sees */
    double min_child_weight; /* [5] least hessian sum in a leaf: no leaf on a handful of rows */
    double lambda;           /* [1] L2 penalty on leaf weights */
    int rounds;              /* [1000] most trees; fewer when early stopping ends it */
    int early_stop;          /* [50] stop after this many rounds without a lower validation
                              * log loss, keeping the best round; 0 never stops early */
    uint64_t seed;           /* [0] the row and feature samples; same seed, same model */
    int threads;             /* [0] training threads; 0 for all cores, or one when the
                              * training rows hold fewer than GBM_SMALL values. The model does
                              * not depend on it: the same data, parameters and seed give the
                              * same trees, byte for byte, on any count (tests/unit/cs/gbm.c) */
};
void gbm_params_default(struct gbm_params *p);
#define GBM_SMALL 1e6

/* A borrowed view of rows: x holds rows_nr × cols_nr floats; label one 0/1 per row (training and
 * validation; NULL to predict); names one per column or NULL (kept in the trained model). */
struct gbm_data {
    const float *x;
    size_t rows_nr, cols_nr;
    const float *label;
    const char *const *names;
};

/* What training did. */
struct gbm_fit {
    int rounds;          /* trees in the model */
    int rounds_run;      /* rounds trained before stopping */
    double valid_loss;   /* validation log loss at the kept round; NAN without validation */
};

/* Trains on `train`, early stopping on `valid` (may be NULL: then all p->rounds are kept), and
 * keeps the trees up to the best validation round. *out is the caller's: gbm_free(). `fit` may
 * be NULL. Returns -1 with err set (LF_EINVAL) when the data cannot be trained on (no rows, a
 * label other than 0/1, columns that differ between train and valid, bad parameters). */
int gbm_train(const struct gbm_params *p, const struct gbm_data *train,
              const struct gbm_data *valid, struct gbm **out, struct gbm_fit *fit,
              struct lf_err *err);

/* The probability of each of d's rows (d->cols_nr must be the model's) into out[rows_nr]. */
int gbm_predict(struct gbm *m, const struct gbm_data *d, float *out, struct lf_err *err);

/* Each row's contributions (TreeSHAP: exact Shapley values of the trees) into
 * out[rows_nr × (cols_nr + 1)]: column j is feature j's, the last the bias. They are in log-odds:
 * a row's sum is the logit of its probability. threads: 0 for all cores (a row's contributions do
 * not depend on the count). The first call of 256 rows or more builds the model's tables
 * (treeshap.h), once even when several threads ask; fewer rows before that, and models the
 * tables do not cover (trees deeper than TREESHAP_MAX_DEPTH), are explained by
 * gbm_contribs_ref() (the same values within 1e-5 of the row's scale, not the same bits). */
int gbm_contribs(struct gbm *m, const struct gbm_data *d, int threads, float *out,
                 struct lf_err *err);
/* The same contributions computed by the library itself (XGBoost's pred_contribs), slower: the
 * independent computation tests and the benchmark check gbm_contribs() against. */
int gbm_contribs_ref(struct gbm *m, const struct gbm_data *d, int threads, float *out,
                     struct lf_err *err);
/* 1 when gbm_contribs() answers m from its tables (building them now if need be), 0 when from
 * gbm_contribs_ref(), -1 with err set when the model's trees cannot be read. */
int gbm_contribs_tabled(struct gbm *m, struct lf_err *err);

/* The model as bytes (XGBoost's Universal Binary JSON, with its feature names), appended to out,
 * for storing; gbm_load() reads them back into a model that predicts identically. */
int gbm_save(struct gbm *m, struct buf *out, struct lf_err *err);
int gbm_load(const void *bytes, size_t len, struct gbm **out, struct lf_err *err);

size_t gbm_cols(const struct gbm *m);
int gbm_rounds(const struct gbm *m);
/* Column i's name (borrowed from m), or NULL when the model was trained without names. */
const char *gbm_name(const struct gbm *m, size_t i);

void gbm_free(struct gbm *m); /* NULL is a no-op */

#endif
