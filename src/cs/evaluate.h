/* evaluate.h - how well scores rank and how honest they are as probabilities: ROC AUC, average
 * precision, precision at the top k, Brier score and a calibration table.
 *
 * Pure functions over n scores (higher = more likely positive) and n labels (1 positive, 0
 * negative). A figure that is undefined on the rows given (no positive, no negative, no row) is
 * NAN. Ties between scores are handled as a random order of the tied rows would be on average:
 * the figures do not depend on the order of the rows. */
#ifndef CS_EVALUATE_H
#define CS_EVALUATE_H

#include <stddef.h>

/* The ROC AUC: the probability that a random positive scores above a random negative, ties
 * counting one half (the Mann–Whitney U statistic over n1 × n0). O(n log n). */
double eval_roc_auc(const float *score, const float *label, size_t n);

/* Average precision, the area under the precision–recall curve as scikit-learn computes it:
 * Σ (R_t − R_{t−1}) P_t over the distinct scores t from the highest, where P_t and R_t are the
 * precision and recall of "score ≥ t" (tied rows enter together). */
double eval_average_precision(const float *score, const float *label, size_t n);

/* The share of positives among the k highest scores (k ≤ n). Rows tied across the cut count in
 * proportion to the places left for them (their expected share under a random order). */
double eval_precision_at(const float *score, const float *label, size_t n, size_t k);

/* The Brier score: the mean of (score − label)²; scores are probabilities. */
double eval_brier(const float *score, const float *label, size_t n);

/* The mean log loss, −mean(y log p + (1 − y) log(1 − p)), p clipped to [1e-15, 1 − 1e-15]. */
double eval_log_loss(const float *score, const float *label, size_t n);

/* One bin of a calibration table. */
struct eval_bin {
    size_t n;            /* rows in the bin */
    double lo, hi;       /* its lowest and highest score */
    double predicted;    /* the mean score */
    double observed;     /* the share of positives */
};

/* Sorts the rows by score and cuts them into `bins` groups of equal count (the first n % bins get
 * one more; tied scores may straddle two bins) from the lowest scores up: out[bins] is the
 * caller's. Returns the bins filled (fewer than asked when n < bins: one row each). *ece, when
 * not NULL, gets the expected calibration error Σ n_i / n × |predicted_i − observed_i|. */
size_t eval_calibration(const float *score, const float *label, size_t n, size_t bins,
                        struct eval_bin *out, double *ece);

/* All of it on one set of rows. */
#define EVAL_BINS 10
struct eval_report {
    size_t n, positives;
    double base_rate;            /* positives / n */
    double auc, average_precision, brier, log_loss;
    size_t k;                    /* the k of precision_at_k */
    double precision_at_k, lift_at_k; /* lift = precision_at_k / base_rate */
    struct eval_bin bins[EVAL_BINS];
    size_t bins_nr;
    double ece;
};
/* k = 0 takes the top decile (n / 10, at least 1). */
void eval_report_compute(const float *score, const float *label, size_t n, size_t k,
                         struct eval_report *out);

#endif
