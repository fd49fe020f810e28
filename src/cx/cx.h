/* cx.h - survey metrics of the experience side: NPS, CSAT and CES over sets of response scores.
 *
 * The functions are pure: arrays in, figures out, no store. A figure that is undefined (no
 * responses) is NAN; the report layer shows it as null. Definitions: docs/metrics.md. */
#ifndef CX_CX_H
#define CX_CX_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* One response's score on its survey's scale, turned so that a higher score is better
 * (a survey with higher_is_better = 0 gives min + max - score). */
struct cx_score {
    int score;
    int min, max; /* the survey's scale, min < max */
};

/* The oriented score of a response to survey sv. */
struct cx_score cx_score_make(const struct survey *sv, int score);

/* NPS on 0..10: promoters 9-10, passives 7-8, detractors 0-6. A score on another scale is
 * mapped linearly onto 0..10 first (the classes are decided on exact integers, no rounding).
 * nps = 100 × (promoters − detractors) / n; margin_of_error is the 95 % half-width
 * 1.96 × 100 × √((p⁺ + p⁻ − (p⁺ − p⁻)²) / n). Both NAN when n = 0. */
struct cx_nps {
    int64_t n, promoters, passives, detractors;
    double nps, margin_of_error;
};
void cx_nps_compute(const struct cx_score *s, size_t nr, struct cx_nps *out);

/* CSAT on 1..5: csat = 100 × share of responses scoring 4 or 5 (the top two points; another
 * scale is mapped linearly onto 1..5). margin_of_error = 1.96 × 100 × √(p(1 − p) / n).
 * Both NAN when n = 0. */
struct cx_csat {
    int64_t n, satisfied;
    double csat, margin_of_error;
};
void cx_csat_compute(const struct cx_score *s, size_t nr, struct cx_csat *out);

/* CES on 1..7, 7 = easiest: the mean score (another scale is mapped linearly onto 1..7).
 * margin_of_error = 1.96 × sample standard deviation / √n. ces is NAN when n = 0,
 * margin_of_error when n < 2. */
struct cx_ces {
    int64_t n;
    double ces, margin_of_error;
};
void cx_ces_compute(const struct cx_score *s, size_t nr, struct cx_ces *out);

#endif
