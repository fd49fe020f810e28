/* evaluate.c - ranking and calibration figures of a classifier's scores (evaluate.h). */
#include "evaluate.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

struct scored {
    float s, y;
    size_t i;
};

/* By score, NaN lowest, then by row: a deterministic order that never looks at the label, so
 * that ties are not split in favour of either class. */
static int by_score(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;
    int xn = isnan(x->s), yn = isnan(y->s);
    if (xn != yn)
        return xn ? -1 : 1;
    if (!xn && x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The rows sorted by ascending score; the caller frees. */
static struct scored *sorted(const float *score, const float *label, size_t n)
{
    struct scored *r = xmalloc((n ? n : 1) * sizeof(*r));
    for (size_t i = 0; i < n; i++)
        r[i] = (struct scored){score[i], label[i], i};
    qsort(r, n, sizeof(*r), by_score);
    return r;
}

static int same(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* The end of the group of rows tied with r[i]. */
static size_t group_end(const struct scored *r, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && same(r[j].s, r[i].s))
        j++;
    return j;
}

double eval_roc_auc(const float *score, const float *label, size_t n)
{
    struct scored *r = sorted(score, label, n);
    double u = 0, neg_below = 0, pos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = group_end(r, n, i);
        double p = 0, q = 0;
        for (size_t k = i; k < j; k++)
            r[k].y == 1 ? p++ : q++;
        /* each positive beats the negatives below its group and ties half of those in it */
        u += p * neg_below + 0.5 * p * q;
        neg_below += q;
        pos += p;
        i = j;
    }
    free(r);
    return pos == 0 || neg_below == 0 ? NAN : u / (pos * neg_below);
}

double eval_average_precision(const float *score, const float *label, size_t n)
{
    struct scored *r = sorted(score, label, n);
    double positives = 0;
    for (size_t i = 0; i < n; i++)
        positives += r[i].y == 1;
    double ap = 0, tp = 0, fp = 0, recall = 0;
    /* from the highest scores down, a group of ties at a time */
    for (size_t end = n; end > 0 && positives > 0;) {
        size_t start = end - 1;
        while (start > 0 && same(r[start - 1].s, r[end - 1].s))
            start--;
        for (size_t k = start; k < end; k++)
            r[k].y == 1 ? tp++ : fp++;
        double now = tp / positives;
        ap += (now - recall) * (tp / (tp + fp));
        recall = now;
        end = start;
    }
    free(r);
    return positives == 0 ? NAN : ap;
}

double eval_precision_at(const float *score, const float *label, size_t n, size_t k)
{
    if (k == 0 || k > n)
        return NAN;
    struct scored *r = sorted(score, label, n);
    double hits = 0;
    size_t taken = 0;
    for (size_t end = n; taken < k;) {
        size_t start = end - 1;
        while (start > 0 && same(r[start - 1].s, r[end - 1].s))
            start--;
        double p = 0, c = (double)(end - start);
        for (size_t i = start; i < end; i++)
            p += r[i].y == 1;
        size_t room = k - taken, got = end - start < room ? end - start : room;
        hits += p * (double)got / c;
        taken += got;
        end = start;
    }
    free(r);
    return hits / (double)k;
}

double eval_brier(const float *score, const float *label, size_t n)
{
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)score[i] - (double)label[i];
        sum += d * d;
    }
    return sum / (double)n;
}

double eval_log_loss(const float *score, const float *label, size_t n)
{
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double p = fmin(fmax((double)score[i], 1e-15), 1 - 1e-15);
        sum += label[i] == 1 ? log(p) : log(1 - p);
    }
    return -sum / (double)n;
}

size_t eval_calibration(const float *score, const float *label, size_t n, size_t bins,
                        struct eval_bin *out, double *ece)
{
    if (bins > n)
        bins = n;
    if (ece)
        *ece = n ? 0 : NAN;
    if (bins == 0)
        return 0;
    struct scored *r = sorted(score, label, n);
    size_t at = 0;
    for (size_t b = 0; b < bins; b++) {
        size_t c = n / bins + (b < n % bins);
        double ps = 0, ys = 0;
        for (size_t i = at; i < at + c; i++) {
            ps += r[i].s;
            ys += r[i].y == 1;
        }
        out[b] = (struct eval_bin){.n = c,
                                   .lo = r[at].s,
                                   .hi = r[at + c - 1].s,
                                   .predicted = ps / (double)c,
                                   .observed = ys / (double)c};
        if (ece)
            *ece += (double)c / (double)n * fabs(out[b].predicted - out[b].observed);
        at += c;
    }
    free(r);
    return bins;
}

void eval_report_compute(const float *score, const float *label, size_t n, size_t k,
                         struct eval_report *out)
{
    *out = (struct eval_report){.n = n};
    for (size_t i = 0; i < n; i++)
        out->positives += label[i] == 1;
    out->base_rate = n ? (double)out->positives / (double)n : NAN;
    out->auc = eval_roc_auc(score, label, n);
    out->average_precision = eval_average_precision(score, label, n);
    out->brier = eval_brier(score, label, n);
    out->log_loss = eval_log_loss(score, label, n);
    out->k = k ? (k < n ? k : n) : (n / 10 ? n / 10 : n > 0);
    out->precision_at_k = eval_precision_at(score, label, n, out->k);
    out->lift_at_k = out->positives ? out->precision_at_k / out->base_rate : NAN;
    out->bins_nr = eval_calibration(score, label, n, EVAL_BINS, out->bins, &out->ece);
}
