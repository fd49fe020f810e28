/* churn.h - the churn model: a feature matrix of (entity, snapshot date) rows, splits that never
 * let the future leak into training, training with early stopping, and its evaluation on rows
 * it never saw.
 *
 * A row is an entity (an account) as of a snapshot date: its features as they were then, and its
 * label, 1 when it churned within the horizon after the date, 0 when it did not, NaN when that is
 * not known yet (the horizon has not passed: such rows are scored, never trained or evaluated
 * on). Features are named floats, NaN when missing. */
#ifndef CS_CHURN_H
#define CS_CHURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs/drivers.h"
#include "cs/evaluate.h"
#include "cs/gbm.h"
#include "landfall.h"

struct churn_matrix {
    size_t rows_nr, cols_nr, cap;
    char **names;            /* cols_nr feature names, owned */
    char **texts;            /* cols_nr description templates (drivers.h), owned, NULL entries
                              * for the default */
    char **missing;          /* cols_nr templates for a missing value, likewise */
    float *x;                /* rows_nr × cols_nr, row-major; NaN = missing */
    float *label;            /* rows_nr: 1, 0 or NaN (unknown) */
    int64_t *entity;         /* rows_nr: the entity's id */
    int64_t *date;           /* rows_nr: the snapshot date, ms; 0 for all when rows are undated */
    char **keys;             /* keys_nr external ids of the entities (entity i is keys[i]), owned;
                              * NULL when the caller's ids need no name */
    size_t keys_nr;
};

/* An empty matrix of cols_nr features with these names (copied). Release with
 * churn_matrix_release(). */
void churn_matrix_init(struct churn_matrix *m, size_t cols_nr, const char *const *names);
void churn_matrix_release(struct churn_matrix *m); /* safe on a zeroed matrix */
/* Adds a row of missing features and returns its index; fill it through churn_matrix_row(). */
size_t churn_matrix_add(struct churn_matrix *m, int64_t entity, int64_t date, float label);
static inline float *churn_matrix_row(const struct churn_matrix *m, size_t r)
{
    return m->x + r * m->cols_nr;
}
/* Sets feature c's description templates (copied; NULL keeps the default). */
void churn_matrix_describe(struct churn_matrix *m, size_t c, const char *text,
                           const char *missing);
/* Feature c's description, pointing into m and *t. */
const struct driver_text *churn_matrix_text(const struct churn_matrix *m, size_t c,
                                            struct driver_text *t);

/* Rows, by index into the matrix, in three disjoint sets. */
struct churn_split {
    size_t *train, *valid, *test;
    size_t train_nr, valid_nr, test_nr;
    size_t *refit;           /* what the final model is retrained on: every row whose label
                              * was known before the test set begins (train, valid, and the
                              * rows purged between them) */
    size_t refit_nr;
    size_t unlabelled;       /* rows left out because their label is unknown */
    size_t purged;           /* labelled rows left out by a time split (see churn_split_time) */
    int64_t valid_from, test_from; /* a time split's cut dates, else 0 */
};
void churn_split_release(struct churn_split *s); /* safe on a zeroed split */

/* Splits by time: test = the latest snapshot dates holding at least test_share of the labelled
 * rows (test_from = the earliest of them), valid = the dates before those holding at least
 * valid_share of them once purged as below (valid_from likewise), train = the earlier rest.
 * A row is trained or validated on
 * only when its label was known before the next set begins: train rows have
 * date + horizon ≤ valid_from, valid rows date + horizon ≤ test_from; the others (their horizon
 * reaches into the next set's time, so their label would carry the future) are purged. So every
 * training row, and everything its label says, precedes every validation and test row; an
 * entity's snapshots in train are all earlier than its snapshots in valid and test.
 * Returns -1 with err set (LF_EINVAL) when the dates are too few to cut three sets, or a set
 * would be empty. */
int churn_split_time(const struct churn_matrix *m, int64_t horizon_ms, double valid_share,
                     double test_share, struct churn_split *out, struct lf_err *err);

/* Splits undated rows (one snapshot, as in a CSV of customers) at random, by entity, so all of
 * an entity's rows fall in one set: round(test_share × entities) of the entities, shuffled with
 * `seed`, go to test, round(valid_share × the rest) to valid, the others to train. */
int churn_split_random(const struct churn_matrix *m, uint64_t seed, double valid_share,
                       double test_share, struct churn_split *out, struct lf_err *err);

/* As churn_split_random, stratified: the churners (entities with a row labelled 1) and the others
 * are shuffled and shared out apart, so each set holds the same share of churners (up to
 * rounding) and a split's figures vary less from seed to seed. */
int churn_split_stratified(const struct churn_matrix *m, uint64_t seed, double valid_share,
                           double test_share, struct churn_split *out, struct lf_err *err);

/* A trained churn model, with how it was made and how it did on rows it never saw. */
struct churn_model {
    struct gbm *gbm;
    struct gbm_params params;   /* the hyper-parameters trained with (the chosen ones) */
    size_t candidates;          /* how many sets of hyper-parameters were tried */
    struct gbm_fit fit;         /* of the early-stopped training */
    bool refit;                 /* the final model was retrained on train + valid */
    size_t train_nr, train_positives, valid_nr, test_nr;
    struct eval_report valid;   /* of the early-stopped model on the validation rows */
    struct eval_report test;    /* of the final model on the test rows */
};

/* Trains on s->train, early stopping on s->valid; with refit, trains again on s->refit for
 * the rounds early stopping kept (the same seed), so the model learns from the most recent
 * labelled rows too (none of which the test rows' time overlaps). Evaluates on s->test. Refuses (LF_EINVAL) a training set with fewer than
 * min_positives churners or non-churners ("too few churners"). out->gbm is the caller's:
 * churn_model_release(). */
int churn_train(const struct churn_matrix *m, const struct churn_split *s,
                const struct gbm_params *p, bool refit, size_t min_positives,
                struct churn_model *out, struct lf_err *err);
/* As churn_train, choosing the hyper-parameters among grid[grid_nr]: each candidate is trained
 * on s->train with early stopping on s->valid, and the one whose early-stopped model has the
 * highest validation AUC (the first of equals) is kept, refitted and evaluated on s->test, which
 * takes no part in the choice. out->params is the chosen candidate. */
int churn_train_grid(const struct churn_matrix *m, const struct churn_split *s,
                     const struct gbm_params *grid, size_t grid_nr, bool refit,
                     size_t min_positives, struct churn_model *out, struct lf_err *err);
/* The candidates churn_train_grid is given by default: base with each depth of 1..4 (at most
 * CHURN_GRID_MAX of them) into out; returns their count. */
#define CHURN_GRID_MAX 16
size_t churn_grid_default(const struct gbm_params *base, struct gbm_params *out);
void churn_model_release(struct churn_model *cm); /* safe on a zeroed model */

/* Scores rows[nr] of m (all rows when rows is NULL, nr = m->rows_nr): risk[nr] the probability of
 * churn; contribs[nr × (cols_nr + 1)] (may be NULL) each row's contributions in log-odds, the bias
 * last. With contributions the risk is computed from them (one pass over the trees). */
int churn_score(struct gbm *g, const struct churn_matrix *m, const size_t *rows, size_t nr,
                int threads, float *risk, float *contribs, struct lf_err *err);

/* ---- the tables the churn model answers (churn.c) ---- */

/* A table of `landfall churn …` and /v1/churn/…: its name and its columns with what each holds,
 * declared once for the tables core/churn.c makes and the OpenAPI document's schemas of them. */
struct churn_table {
    const char *name;
    const struct lf_column_info *cols;
    size_t nr;
};
enum churn_table_id {
    CHURN_FIT,         /* the training's figures */
    CHURN_CALIBRATION, /* predicted and observed risk by decile of the test rows */
    CHURN_DRIVERS,     /* the riskiest held-out rows */
    CHURN_SCORES,      /* every paying account's risk */
    CHURN_EXPLAIN,     /* one account's features and their parts in its risk */
    CHURN_MODELS,      /* the stored versions */
    CHURN_TABLES_NR
};
extern const struct churn_table churn_tables[CHURN_TABLES_NR];

/* ---- churn_csv.c: a CSV of features ---- */

struct churn_csv_opts {
    const char *label;   /* the label column: 1/0, yes/no, true/false (any case); blank unknown */
    const char *id;      /* the entity's id column, or NULL: each line its own entity */
    const char *date;    /* the snapshot date column (ISO 8601 or unix seconds), or NULL */
    size_t max_levels;   /* most distinct values of a categorical column; 0 for 50 */
};
/* Reads a CSV of features with a header into *out (the caller's: churn_matrix_release()).
 * A column whose non-blank values all parse as numbers is one numeric feature (blank: missing);
 * any other column is categorical and one-hot encoded: one feature "COLUMN=VALUE" per distinct
 * value, in byte order, 1 on the rows holding that value and 0 elsewhere, all missing on a row
 * where the column is blank. The values are trimmed of spaces first. Each one-hot feature reads
 * "COLUMN {is not|is} VALUE" as a driver. Errors (LF_EINVAL, LF_ENOENT) name the file, line and
 * column: a missing label/id/date column, a label that is not a boolean, a categorical column
 * with more than max_levels values ("pass it as --id"). */
int churn_matrix_from_csv(const char *path, const struct churn_csv_opts *o,
                          struct churn_matrix *out, struct lf_err *err);

#endif
