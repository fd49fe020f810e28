/* retention.c - logo churn, GRR, NRR and contractual CLV on the hand-checked histories of
 * fixture.h. */
#include <criterion/criterion.h>
#include <math.h>

#include "base/tz.h"
#include "fixture.h"

TestSuite(retention, .init = fixture);

Test(retention, february_endpoint)
{
    /* Paying at 02-01: A 100, B 200, D 300, F 40 (C, E, G start at 0 and count in nothing).
     * At 03-01 they pay 150, 0, 250, 0: churned 2 of 4 → logo churn 0.5;
     * NRR = (150 + 250) / 640 = 0.625; GRR = (min(150,100) + 0 + 250 + 0) / 640 = 0.546875. */
    struct cs_retention r;
    cs_retention_compute(fx, 10, D(2026, 2, 1), D(2026, 3, 1), &r);
    cr_assert_eq(r.accounts_start, 4);
    cr_assert_eq(r.churned, 2);
    cr_assert_eq(r.mrr_start, 640);
    cr_assert_eq(r.mrr_end, 400);
    cr_assert_eq(r.mrr_retained, 350);
    cr_assert_float_eq(r.logo_churn_rate, 0.5, 1e-12);
    cr_assert_float_eq(r.nrr, 0.625, 1e-12);
    cr_assert_float_eq(r.grr, 0.546875, 1e-12);
}

Test(retention, nobody_paying_is_undefined)
{
    struct cs_retention r;
    cs_retention_compute(fx, 10, D(2025, 1, 1), D(2025, 6, 1), &r);
    cr_assert_eq(r.accounts_start, 0);
    cr_assert(isnan(r.logo_churn_rate));
    cr_assert(isnan(r.grr));
    cr_assert(isnan(r.nrr));
}

Test(retention, clv_three_months)
{
    /* Window [2025-12-01, 2026-03-01), margin 0.8.
     * Paying at 03-01: A 150, C 50, D 250, E 90 → 4, ARPA 540 / 4 = 135.
     * December: paying at 12-01 A, D, E, H (B starts on 12-01 itself) = 4; E churns → 1.
     * January: A, B, D, H = 4 (F starts 01-10); H churns → 1.
     * February: A, B, D, F = 4; B and F churn → 2.
     * Monthly churn rate 4 / 12 = 1/3; CLV = 135 × 0.8 / (1/3) = 324. */
    struct cs_clv v;
    cs_clv_compute(fx, 10, D(2025, 12, 1), D(2026, 3, 1), 0.8, tz_utc(), &v);
    cr_assert_eq(v.paying, 4);
    cr_assert_float_eq(v.arpa, 135.0, 1e-12);
    cr_assert_eq(v.churned, 4);
    cr_assert_eq(v.at_risk, 12);
    cr_assert_float_eq(v.monthly_churn_rate, 1.0 / 3, 1e-12);
    cr_assert_float_eq(v.clv, 324.0, 1e-9);
}

Test(retention, clv_cut_months)
{
    /* Window [2026-01-15, 2026-02-15): January cut to [01-15, 02-01): paying A, B, D, F, H = 5,
     * H churns → 1; February cut to [02-01, 02-15): A, B, D, F = 4, B churns → 1: rate 2/9.
     * Paying at 02-15: A 100 (its 150 starts on 02-15), C 50, D 300, E 90, F 40, G 60 → 6,
     * ARPA 640 / 6; CLV = 640 / 6 × 0.8 × 9 / 2 = 384. */
    struct cs_clv v;
    cs_clv_compute(fx, 10, D(2026, 1, 15), D(2026, 2, 15), 0.8, tz_utc(), &v);
    cr_assert_eq(v.paying, 6);
    cr_assert_eq(v.churned, 2);
    cr_assert_eq(v.at_risk, 9);
    cr_assert_float_eq(v.clv, 384.0, 1e-9);
}

Test(retention, clv_without_churn_is_undefined)
{
    /* [2025-10-01, 2025-12-01): nobody churns (E leaves on 12-15): rate 0, CLV undefined. */
    struct cs_clv v;
    cs_clv_compute(fx, 10, D(2025, 10, 1), D(2025, 12, 1), 0.8, tz_utc(), &v);
    cr_assert_eq(v.churned, 0);
    cr_assert_float_eq(v.monthly_churn_rate, 0.0, 1e-12);
    cr_assert(isnan(v.clv));
    cs_clv_compute(NULL, 0, D(2025, 10, 1), D(2025, 12, 1), 0.8, tz_utc(), &v);
    cr_assert(isnan(v.arpa));
    cr_assert(isnan(v.monthly_churn_rate));
}
