/* survey_metrics.c - NPS, CSAT and CES of small response sets whose figures are worked out by hand
 * in the comments (DESIGN.md "Metric definitions"). */
#include <criterion/criterion.h>
#include <math.h>

#include "cx/cx.h"

static const struct survey nps_sv = {
    .ext_id = "nps", .kind = SURVEY_NPS, .scale_min = 0, .scale_max = 10, .higher_is_better = true};
static const struct survey csat_sv = {.ext_id = "csat",
                                      .kind = SURVEY_CSAT,
                                      .scale_min = 1,
                                      .scale_max = 5,
                                      .higher_is_better = true};
static const struct survey ces_sv = {
    .ext_id = "ces", .kind = SURVEY_CES, .scale_min = 1, .scale_max = 7, .higher_is_better = true};

static size_t scores(const struct survey *sv, const int *raw, size_t nr, struct cx_score *out)
{
    for (size_t i = 0; i < nr; i++)
        out[i] = cx_score_make(sv, raw[i]);
    return nr;
}

Test(nps, ten_responses)
{
    /* 3 promoters (10, 9, 9), 5 passives (8, 7, 7, 8, 7), 2 detractors (6, 0):
     * NPS = 100 × (3 − 2) / 10 = 10; p⁺ = 0.3, p⁻ = 0.2,
     * MoE = 196 × √((0.3 + 0.2 − 0.1²) / 10) = 196 × √0.049 = 43.386449497510164. */
    int raw[] = {10, 9, 9, 8, 7, 7, 8, 7, 6, 0};
    struct cx_score s[10];
    struct cx_nps n;
    cx_nps_compute(s, scores(&nps_sv, raw, 10, s), &n);
    cr_assert_eq(n.n, 10);
    cr_assert_eq(n.promoters, 3);
    cr_assert_eq(n.passives, 5);
    cr_assert_eq(n.detractors, 2);
    cr_assert_float_eq(n.nps, 10.0, 1e-12);
    cr_assert_float_eq(n.margin_of_error, 43.386449497510164, 1e-9);
}

Test(nps, class_boundaries_and_extremes)
{
    /* 6 is a detractor, 7 a passive, 9 a promoter. All promoters: NPS 100, variance
     * 1 + 0 − 1² = 0 so the margin of error is 0. All detractors: −100. */
    int raw[] = {6, 7, 9};
    struct cx_score s[4];
    struct cx_nps n;
    cx_nps_compute(s, scores(&nps_sv, raw, 3, s), &n);
    cr_assert_eq(n.detractors, 1);
    cr_assert_eq(n.passives, 1);
    cr_assert_eq(n.promoters, 1);
    cr_assert_float_eq(n.nps, 0.0, 1e-12);

    int top[] = {10, 10, 9, 9};
    cx_nps_compute(s, scores(&nps_sv, top, 4, s), &n);
    cr_assert_float_eq(n.nps, 100.0, 1e-12);
    cr_assert_float_eq(n.margin_of_error, 0.0, 1e-12);

    int low[] = {0, 3};
    cx_nps_compute(s, scores(&nps_sv, low, 2, s), &n);
    cr_assert_float_eq(n.nps, -100.0, 1e-12);
}

Test(nps, no_responses_is_undefined)
{
    struct cx_nps n;
    cx_nps_compute(NULL, 0, &n);
    cr_assert_eq(n.n, 0);
    cr_assert(isnan(n.nps));
    cr_assert(isnan(n.margin_of_error));
}

Test(nps, reversed_and_other_scales)
{
    /* higher_is_better = 0 on 0..10: 0 means "most likely", oriented 10 → promoter;
     * 10 → 0 → detractor; 2 → 8 → passive. */
    struct survey rev = nps_sv;
    rev.higher_is_better = false;
    int raw[] = {0, 10, 2};
    struct cx_score s[3];
    struct cx_nps n;
    cx_nps_compute(s, scores(&rev, raw, 3, s), &n);
    cr_assert_eq(n.promoters, 1);
    cr_assert_eq(n.detractors, 1);
    cr_assert_eq(n.passives, 1);

    /* A 1..5 scale maps to 0..10 as 10 (s − 1) / 4: 5 → 10 promoter, 4 → 7.5 passive,
     * 3 → 5 detractor. */
    struct survey five = {.scale_min = 1, .scale_max = 5, .higher_is_better = true};
    int r5[] = {5, 4, 3};
    cx_nps_compute(s, scores(&five, r5, 3, s), &n);
    cr_assert_eq(n.promoters, 1);
    cr_assert_eq(n.passives, 1);
    cr_assert_eq(n.detractors, 1);
}

Test(csat, five_responses)
{
    /* 5, 4, 4 are satisfied, 3 and 1 are not: CSAT = 100 × 3/5 = 60;
     * MoE = 196 × √(0.6 × 0.4 / 5) = 196 × √0.048 = 42.94144850840504. */
    int raw[] = {5, 4, 4, 3, 1};
    struct cx_score s[5];
    struct cx_csat c;
    cx_csat_compute(s, scores(&csat_sv, raw, 5, s), &c);
    cr_assert_eq(c.n, 5);
    cr_assert_eq(c.satisfied, 3);
    cr_assert_float_eq(c.csat, 60.0, 1e-12);
    cr_assert_float_eq(c.margin_of_error, 42.94144850840504, 1e-9);

    cx_csat_compute(NULL, 0, &c);
    cr_assert(isnan(c.csat));
}

Test(csat, reversed_and_other_scales)
{
    /* Reversed 1..5: 1 → 5 and 2 → 4 are satisfied, 3 → 3 is not: 2 of 3. */
    struct survey rev = csat_sv;
    rev.higher_is_better = false;
    int raw[] = {1, 2, 3};
    struct cx_score s[3];
    struct cx_csat c;
    cx_csat_compute(s, scores(&rev, raw, 3, s), &c);
    cr_assert_eq(c.satisfied, 2);
    cr_assert_float_eq(c.csat, 200.0 / 3, 1e-9);

    /* 0..10 maps to 1..5 as 1 + 4 s / 10, satisfied from 4, i.e. s ≥ 7.5: 8 is, 7 is not. */
    struct survey ten = {.scale_min = 0, .scale_max = 10, .higher_is_better = true};
    int r10[] = {8, 7};
    cx_csat_compute(s, scores(&ten, r10, 2, s), &c);
    cr_assert_eq(c.satisfied, 1);
}

Test(ces, four_responses)
{
    /* 7, 5, 6, 2: mean 20/4 = 5; deviations 2, 0, 1, −3, squares sum 14, sample variance
     * 14/3, MoE = 1.96 × √(14/3) / √4 = 2.1170419614799013. */
    int raw[] = {7, 5, 6, 2};
    struct cx_score s[4];
    struct cx_ces c;
    cx_ces_compute(s, scores(&ces_sv, raw, 4, s), &c);
    cr_assert_eq(c.n, 4);
    cr_assert_float_eq(c.ces, 5.0, 1e-12);
    cr_assert_float_eq(c.margin_of_error, 2.1170419614799013, 1e-9);

    /* One response: a mean, but no spread. None: nothing. */
    cx_ces_compute(s, 1, &c);
    cr_assert_float_eq(c.ces, 7.0, 1e-12);
    cr_assert(isnan(c.margin_of_error));
    cx_ces_compute(NULL, 0, &c);
    cr_assert(isnan(c.ces));
}

Test(ces, reversed_survey_is_flipped)
{
    /* A CES survey where 1 = easiest (higher_is_better = 0): min + max − s, so 1 → 7,
     * 2 → 6, 7 → 1: mean (7 + 6 + 1) / 3 = 14/3. A 1..5 scale maps to 1..7 as
     * 1 + 6 (s − 1) / 4: 5 → 7, 3 → 4, 1 → 1: mean 4. */
    struct survey rev = ces_sv;
    rev.higher_is_better = false;
    int raw[] = {1, 2, 7};
    struct cx_score s[3];
    struct cx_ces c;
    cx_ces_compute(s, scores(&rev, raw, 3, s), &c);
    cr_assert_float_eq(c.ces, 14.0 / 3, 1e-12);

    struct survey five = {.scale_min = 1, .scale_max = 5, .higher_is_better = true};
    int r5[] = {5, 3, 1};
    cx_ces_compute(s, scores(&five, r5, 3, s), &c);
    cr_assert_float_eq(c.ces, 4.0, 1e-12);
}
