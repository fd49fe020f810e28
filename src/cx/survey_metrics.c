/* survey_metrics.c - NPS, CSAT and CES of a set of oriented survey scores. */
#include "cx.h"

#include <math.h>

/* 95 % two-sided normal quantile, as in DESIGN.md's margin of error. */
#define Z95 1.96

struct cx_score cx_score_make(const struct survey *sv, int score)
{
    struct cx_score s = {score, sv->scale_min, sv->scale_max};
    if (!sv->higher_is_better)
        s.score = sv->scale_min + sv->scale_max - score;
    return s;
}

void cx_nps_compute(const struct cx_score *s, size_t nr, struct cx_nps *out)
{
    *out = (struct cx_nps){.nps = NAN, .margin_of_error = NAN};
    for (size_t i = 0; i < nr; i++) {
        /* On 0..10 the score is 10 (score − min) / (max − min); compared as integers. */
        int64_t pos = 10 * (int64_t)(s[i].score - s[i].min), span = s[i].max - s[i].min;
        if (pos >= 9 * span)
            out->promoters++;
        else if (pos <= 6 * span)
            out->detractors++;
        else
            out->passives++;
    }
    out->n = (int64_t)nr;
    if (nr == 0)
        return;
    double n = (double)nr, pp = (double)out->promoters / n, pd = (double)out->detractors / n;
    out->nps = 100.0 * (double)(out->promoters - out->detractors) / n;
    double var = pp + pd - (pp - pd) * (pp - pd);
    out->margin_of_error = Z95 * 100.0 * sqrt((var > 0 ? var : 0) / n);
}

void cx_csat_compute(const struct cx_score *s, size_t nr, struct cx_csat *out)
{
    *out = (struct cx_csat){.csat = NAN, .margin_of_error = NAN};
    for (size_t i = 0; i < nr; i++) {
        /* On 1..5 the score is 1 + 4 (score − min) / (max − min); 4 or more is satisfied. */
        int64_t pos = 4 * (int64_t)(s[i].score - s[i].min), span = s[i].max - s[i].min;
        if (pos >= 3 * span)
            out->satisfied++;
    }
    out->n = (int64_t)nr;
    if (nr == 0)
        return;
    double p = (double)out->satisfied / (double)nr;
    out->csat = 100.0 * p;
    out->margin_of_error = Z95 * 100.0 * sqrt(p * (1 - p) / (double)nr);
}

void cx_ces_compute(const struct cx_score *s, size_t nr, struct cx_ces *out)
{
    *out = (struct cx_ces){.ces = NAN, .margin_of_error = NAN};
    out->n = (int64_t)nr;
    if (nr == 0)
        return;
    /* Welford's running mean and sum of squared deviations. */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < nr; i++) {
        double x = 1.0 + 6.0 * (double)(s[i].score - s[i].min) / (double)(s[i].max - s[i].min);
        double d = x - mean;
        mean += d / (double)(i + 1);
        m2 += d * (x - mean);
    }
    out->ces = mean;
    if (nr >= 2)
        out->margin_of_error = Z95 * sqrt(m2 / (double)(nr - 1)) / sqrt((double)nr);
}
