/* customers.c - repeat purchase rate and customer acquisition on hand-made orders and on the
 * histories of fixture.h. */
#include <criterion/criterion.h>
#include <math.h>

#include "fixture.h"

TestSuite(customers, .init = fixture);

Test(customers, repeat_purchase_rate)
{
    /* Customers: account 1 (two orders without a contact), contact 5 (one), contact 6 (three),
     * account 3 (one), account 5 (one; not the same customer as contact 5).
     * 5 customers, 2 with ≥ 2 orders → 0.4. */
    struct order o[] = {
        {.account_id = 1},
        {.account_id = 1},
        {.account_id = 1, .contact_id = 5},
        {.account_id = 2, .contact_id = 6},
        {.account_id = 2, .contact_id = 6},
        {.account_id = 2, .contact_id = 6},
        {.account_id = 3},
        {.account_id = 5},
    };
    struct cs_repeat r;
    cs_repeat_compute(o, 8, &r);
    cr_assert_eq(r.orders, 8);
    cr_assert_eq(r.customers, 5);
    cr_assert_eq(r.repeat_customers, 2);
    cr_assert_float_eq(r.repeat_purchase_rate, 0.4, 1e-12);

    cs_repeat_compute(NULL, 0, &r);
    cr_assert_eq(r.customers, 0);
    cr_assert(isnan(r.repeat_purchase_rate));
}

Test(customers, customer_since)
{
    /* E first paid on 2025-09-01; I only ordered (2026-02-10); an account with a 0 first
     * change and an earlier order became a customer at the order. */
    cr_assert_eq(cs_customer_since(&fx[4]), D(2025, 9, 1));
    cr_assert_eq(cs_customer_since(&fx[8]), D(2026, 2, 10));
    struct mrr_change z[] = {{.date = D(2026, 1, 1), .mrr = 0}, {.date = D(2026, 3, 1), .mrr = 9}};
    struct cs_account a = {z, 2, D(2026, 2, 1)};
    cr_assert_eq(cs_customer_since(&a), D(2026, 2, 1));
    struct cs_account never = {z, 1, LF_UNSET};
    cr_assert_eq(cs_customer_since(&never), LF_UNSET);
}

Test(customers, february_acquisition)
{
    /* February 2026. Became customers inside it: C (02-10), G (02-03), I (order 02-10) → 3.
     * Customers at the start: paying at 02-01 A, B, D, F, and J (ordered 2025-06-01) → 5;
     * E (not paying at 02-01, came back) and H (churned) are neither. 3 / 5 = 0.6. */
    struct cs_acquisition a;
    cs_acquisition_compute(fx, 10, D(2026, 2, 1), D(2026, 3, 1), &a);
    cr_assert_eq(a.new_customers, 3);
    cr_assert_eq(a.customers_start, 5);
    cr_assert_float_eq(a.acquisition_rate, 0.6, 1e-12);

    /* Before anyone: nothing at the start, rate undefined. */
    cs_acquisition_compute(fx, 10, D(2025, 1, 1), D(2025, 6, 1), &a);
    cr_assert_eq(a.customers_start, 0);
    cr_assert(isnan(a.acquisition_rate));
}
