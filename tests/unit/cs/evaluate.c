/* evaluate.c - the classifier figures against hand-worked examples, scikit-learn's documented
 * ones, and independent computations from their definitions on random data. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "base/rand.h"
#include "cs/evaluate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* scikit-learn's documented example (roc_auc_score, average_precision_score):
 * y = 0 0 1 1, scores .1 .4 .35 .8. AUC: of the 4 (positive, negative) pairs, .35 beats .1, .8
 * beats both, .35 loses to .4: 3/4. AP: at .8 precision 1, recall 1/2; at .4 recall stays; at .35
 * precision 2/3, recall 1: 1/2 × 1 + 1/2 × 2/3 = 0.8333 (sklearn prints 0.83). */
Test(evaluate, sklearn_documented_example)
{
    float y[] = {0, 0, 1, 1}, s[] = {0.1f, 0.4f, 0.35f, 0.8f};
    cr_expect_float_eq(eval_roc_auc(s, y, 4), 0.75, 1e-12);
    cr_expect_float_eq(eval_average_precision(s, y, 4), 5.0 / 6.0, 1e-12);
}

/* Ties count one half: y = 0 1 0 1, scores .5 .5 .5 .9. The positive at .5 ties both negatives
 * (1/2 + 1/2), the positive at .9 beats both (2): 3 of 4 pairs. */
Test(evaluate, auc_ties_count_one_half)
{
    float y[] = {0, 1, 0, 1}, s[] = {0.5f, 0.5f, 0.5f, 0.9f};
    cr_expect_float_eq(eval_roc_auc(s, y, 4), 0.75, 1e-12);
    /* every score equal: a coin toss */
    float same[] = {0.3f, 0.3f, 0.3f, 0.3f};
    cr_expect_float_eq(eval_roc_auc(same, y, 4), 0.5, 1e-12);
    /* perfect and reversed */
    float up[] = {0.1f, 0.6f, 0.2f, 0.7f}, down[] = {0.9f, 0.1f, 0.8f, 0.2f};
    cr_expect_float_eq(eval_roc_auc(up, y, 4), 1.0, 1e-12);
    cr_expect_float_eq(eval_roc_auc(down, y, 4), 0.0, 1e-12);
}

Test(evaluate, undefined_without_both_classes)
{
    float y[] = {1, 1, 1}, s[] = {0.2f, 0.5f, 0.7f}, none[] = {0, 0, 0};
    cr_expect(isnan(eval_roc_auc(s, y, 3)));
    cr_expect(isnan(eval_roc_auc(s, none, 3)));
    cr_expect(isnan(eval_average_precision(s, none, 3)));
    cr_expect(isnan(eval_roc_auc(s, y, 0)));
    cr_expect(isnan(eval_brier(s, y, 0)));
    /* all positive: every threshold has precision 1 */
    cr_expect_float_eq(eval_average_precision(s, y, 3), 1.0, 1e-12);
}

/* n scores drawn from a few values (many ties) and labels leaning on them. */
static void random_data(uint64_t seed, size_t n, int levels, float *s, float *y)
{
    struct rng g;
    rng_seed(&g, seed);
    for (size_t i = 0; i < n; i++) {
        s[i] = (float)rng_range(&g, 0, levels - 1) / (float)levels;
        y[i] = rng_uniform(&g) < 0.2 + 0.6 * s[i];
    }
}

/* AUC = the Mann–Whitney statistic: counting all n1 × n0 pairs one by one gives the same figure,
 * ties and all. */
Test(evaluate, auc_is_the_pair_count_on_random_data)
{
    enum { N = 1500 };
    static float s[N], y[N];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        random_data(seed, N, seed == 5 ? 1000 : 12, s, y);
        double wins = 0, pairs = 0;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
        cr_expect_float_eq(eval_roc_auc(s, y, N), wins / pairs, 1e-12, "seed %llu",
                           (unsigned long long)seed);
    }
}

/* Average precision from its definition: for each distinct score t, count the rows scoring ≥ t
 * afresh (O(n²)), and add (R_t − R_previous) × P_t. */
Test(evaluate, average_precision_is_its_definition_on_random_data)
{
    enum { N = 800 };
    static float s[N], y[N];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        random_data(seed, N, seed == 5 ? 100000 : 9, s, y);
        double positives = 0, ap = 0, prev = 0;
        for (size_t i = 0; i < N; i++)
            positives += y[i];
        /* the distinct thresholds from the highest down */
        float t = INFINITY;
        for (;;) {
            float next = -INFINITY;
            for (size_t i = 0; i < N; i++)
                if (s[i] < t && s[i] > next)
                    next = s[i];
            if (next == -INFINITY)
                break;
            t = next;
            double tp = 0, all = 0;
            for (size_t i = 0; i < N; i++)
                if (s[i] >= t)
                    all++, tp += y[i];
            ap += (tp / positives - prev) * (tp / all);
            prev = tp / positives;
        }
        cr_expect_float_eq(eval_average_precision(s, y, N), ap, 1e-12, "seed %llu",
                           (unsigned long long)seed);
    }
    /* without ties it is the mean, over the positives, of the precision at each one's rank:
     * scores 6..1 with labels 1 0 1 1 0 1 → (1/1 + 2/3 + 3/4 + 4/6) / 4 */
    float s2[] = {6, 5, 4, 3, 2, 1}, y2[] = {1, 0, 1, 1, 0, 1};
    cr_expect_float_eq(eval_average_precision(s2, y2, 6),
                       (1.0 + 2.0 / 3 + 3.0 / 4 + 4.0 / 6) / 4, 1e-12);
}

/* Precision at k when ties straddle the cut: .9 (churned), then .8 ×3 of which one churned, k 2:
 * the first place is a hit, the second goes to one of the three tied rows, a churner 1/3 of the
 * time: (1 + 1/3) / 2. */
Test(evaluate, precision_at_k_with_ties_at_the_cut)
{
    float s[] = {0.9f, 0.8f, 0.8f, 0.8f, 0.1f}, y[] = {1, 1, 0, 0, 1};
    cr_expect_float_eq(eval_precision_at(s, y, 5, 2), (1 + 1.0 / 3) / 2, 1e-12);
    cr_expect_float_eq(eval_precision_at(s, y, 5, 1), 1.0, 1e-12);
    cr_expect_float_eq(eval_precision_at(s, y, 5, 4), 2.0 / 4, 1e-12);
    cr_expect_float_eq(eval_precision_at(s, y, 5, 5), 3.0 / 5, 1e-12);
    cr_expect(isnan(eval_precision_at(s, y, 5, 0)));
    cr_expect(isnan(eval_precision_at(s, y, 5, 6)));
}

static size_t permutations(size_t *p, size_t n, size_t i, const float *s, const float *y,
                           size_t k, double *sum);

/* The precision at k of one order of the rows: sorted by score, ties in the order p gives. */
static double precision_in_order(const size_t *p, size_t n, const float *s, const float *y,
                                 size_t k)
{
    size_t order[8];
    for (size_t i = 0; i < n; i++)
        order[i] = p[i];
    for (size_t i = 1; i < n; i++) /* stable insertion sort by score, highest first */
        for (size_t j = i; j > 0 && s[order[j]] > s[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double hits = 0;
    for (size_t i = 0; i < k; i++)
        hits += y[order[i]];
    return hits / (double)k;
}

static size_t permutations(size_t *p, size_t n, size_t i, const float *s, const float *y,
                           size_t k, double *sum)
{
    if (i == n) {
        *sum += precision_in_order(p, n, s, y, k);
        return 1;
    }
    size_t count = 0;
    for (size_t j = i; j < n; j++) {
        size_t t = p[i];
        p[i] = p[j];
        p[j] = t;
        count += permutations(p, n, i + 1, s, y, k, sum);
        p[j] = p[i];
        p[i] = t;
    }
    return count;
}

/* The proportional count of tied rows is the mean precision over every order of the rows:
 * enumerated over all 7! orders of random small data with heavy ties. */
Test(evaluate, precision_at_k_is_the_mean_over_all_orders)
{
    enum { N = 7 };
    float s[N], y[N];
    for (uint64_t seed = 1; seed <= 4; seed++) {
        random_data(seed, N, 3, s, y);
        for (size_t k = 1; k <= N; k++) {
            size_t p[N];
            for (size_t i = 0; i < N; i++)
                p[i] = i;
            double sum = 0;
            size_t count = permutations(p, N, 0, s, y, k, &sum);
            cr_expect_float_eq(eval_precision_at(s, y, N, k), sum / (double)count, 1e-12,
                               "seed %llu k %zu", (unsigned long long)seed, k);
        }
    }
}

/* Brier: (0.9 − 1)² and (0.2 − 0)² averaged = (0.01 + 0.04) / 2 = 0.025; log loss −(ln 0.9 +
 * ln 0.8) / 2. */
Test(evaluate, brier_and_log_loss)
{
    float s[] = {0.9f, 0.2f}, y[] = {1, 0};
    cr_expect_float_eq(eval_brier(s, y, 2), 0.025, 1e-7);
    cr_expect_float_eq(eval_log_loss(s, y, 2), -(log(0.9) + log(0.8)) / 2, 1e-7);
    /* a certain and right forecast costs nothing; a certain and wrong one is clipped */
    float sure[] = {1, 0};
    cr_expect_float_eq(eval_brier(sure, y, 2), 0, 1e-12);
    float wrong[] = {0, 1};
    cr_expect_float_eq(eval_log_loss(wrong, y, 2), -(log(1e-15) + log(1 - (1 - 1e-15))) / 2,
                       1e-9);
}

/* 23 rows into 10 bins: the first 3 bins take 3 rows, the other 7 take 2 (23 = 3 × 3 + 7 × 2).
 * Scores are i / 23 for row i, given in reverse, labels 1 on every third row (i % 3 == 0). */
Test(evaluate, calibration_bins_of_equal_count)
{
    enum { N = 23 };
    float s[N], y[N];
    for (int i = 0; i < N; i++) {
        s[N - 1 - i] = (float)i / N;
        y[N - 1 - i] = i % 3 == 0;
    }
    struct eval_bin b[10];
    double ece;
    cr_assert_eq(eval_calibration(s, y, N, 10, b, &ece), 10);
    size_t at = 0;
    double want_ece = 0;
    for (int k = 0; k < 10; k++) {
        size_t c = k < 3 ? 3 : 2;
        cr_expect_eq(b[k].n, c);
        double ps = 0, ys = 0;
        for (size_t i = at; i < at + c; i++)
            ps += (double)(float)((float)i / N), ys += i % 3 == 0;
        cr_expect_float_eq(b[k].predicted, ps / c, 1e-9, "bin %d", k);
        cr_expect_float_eq(b[k].observed, ys / c, 1e-12, "bin %d", k);
        cr_expect_float_eq(b[k].lo, (float)at / N, 1e-7);
        cr_expect_float_eq(b[k].hi, (float)(at + c - 1) / N, 1e-7);
        want_ece += (double)c / N * fabs(ps / c - ys / c);
        at += c;
    }
    cr_expect_float_eq(ece, want_ece, 1e-9);
    /* fewer rows than bins: one row each */
    cr_expect_eq(eval_calibration(s, y, 4, 10, b, NULL), 4);
    cr_expect_eq(b[0].n, 1);
}

/* The report's parts agree with the functions, and its k defaults to the top decile. */
Test(evaluate, report)
{
    enum { N = 250 };
    static float s[N], y[N];
    random_data(9, N, 50, s, y);
    struct eval_report r;
    eval_report_compute(s, y, N, 0, &r);
    size_t pos = 0;
    for (size_t i = 0; i < N; i++)
        pos += y[i] == 1;
    cr_expect_eq(r.n, N);
    cr_expect_eq(r.positives, pos);
    cr_expect_eq(r.k, 25);
    cr_expect_float_eq(r.auc, eval_roc_auc(s, y, N), 1e-15);
    cr_expect_float_eq(r.precision_at_k, eval_precision_at(s, y, N, 25), 1e-15);
    cr_expect_float_eq(r.lift_at_k, r.precision_at_k / ((double)pos / N), 1e-12);
    cr_expect_eq(r.bins_nr, 10);
}
