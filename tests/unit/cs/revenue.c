/* revenue.c - MRR at an instant, the MRR movement table and churn reasons on the hand-checked
 * histories of fixture.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

TestSuite(revenue, .init = fixture);

Test(revenue, mrr_at_counts_changes_strictly_before)
{
    /* A's first change is on 2025-11-10: not yet in force at that instant, in force 1 ms later;
     * after 2026-02-15 it pays 150. No history: 0. */
    cr_assert_eq(cs_mrr_at(&fx[0], D(2025, 11, 10)), 0);
    cr_assert_eq(cs_mrr_at(&fx[0], D(2025, 11, 10) + 1), 100);
    cr_assert_eq(cs_mrr_at(&fx[0], D(2026, 2, 15)), 100);
    cr_assert_eq(cs_mrr_at(&fx[0], D(2030, 1, 1)), 150);
    cr_assert_eq(cs_mrr_at(&fx[4], D(2026, 1, 1)), 0);
    cr_assert_eq(cs_mrr_at(&fx[8], D(2030, 1, 1)), 0);
}

Test(revenue, february_movements)
{
    /* February 2026 = [02-01, 03-01). MRR at the start (changes before 02-01) / at the end:
     * A 100/150 expansion +50; B 200/0 churn 200; C 0/50 new; D 300/250 contraction 50;
     * E 0/90 reactivation (paid 80 before); F 40/0 churn 40; G 0/0 nothing; H 0/0 nothing.
     * starting 100+200+300+40 = 640, ending 150+50+250+90 = 540
     * = 640 + 50 new + 50 expansion + 90 reactivation − 50 contraction − 240 churn. */
    struct cs_movement m;
    cs_movement_compute(fx, 10, D(2026, 2, 1), D(2026, 3, 1), &m);
    cr_assert_eq(m.starting, 640);
    cr_assert_eq(m.ending, 540);
    cr_assert_eq(m.new_mrr, 50);
    cr_assert_eq(m.new_accounts, 1);
    cr_assert_eq(m.expansion, 50);
    cr_assert_eq(m.expanded, 1);
    cr_assert_eq(m.contraction, 50);
    cr_assert_eq(m.contracted, 1);
    cr_assert_eq(m.churn, 240);
    cr_assert_eq(m.churned, 2);
    cr_assert_eq(m.reactivation, 90);
    cr_assert_eq(m.reactivated, 1);
    cr_assert_eq(m.starting + m.new_mrr + m.expansion + m.reactivation - m.contraction - m.churn,
                 m.ending);
}

Test(revenue, movements_add_up_every_month)
{
    /* The identity holds for any period, whatever the mix. */
    for (int64_t p = D(2025, 8, 1); p < D(2026, 6, 1); p = time_add_months(p, 1)) {
        struct cs_movement m;
        cs_movement_compute(fx, 10, p, time_add_months(p, 1), &m);
        cr_assert_eq(m.starting + m.new_mrr + m.expansion + m.reactivation - m.contraction -
                         m.churn,
                     m.ending);
    }
    /* December 2025: B new 200, E churns 80 (12-15); A 100, D 300, H 120 unchanged.
     * starting 100 + 300 + 80 + 120 = 600, ending 100 + 200 + 300 + 120 = 720. */
    struct cs_movement m;
    cs_movement_compute(fx, 10, D(2025, 12, 1), D(2026, 1, 1), &m);
    cr_assert_eq(m.starting, 600);
    cr_assert_eq(m.new_mrr, 200);
    cr_assert_eq(m.churn, 80);
    cr_assert_eq(m.ending, 720);
}

Test(revenue, churn_reasons)
{
    /* Changes to 0 from a positive MRR dated in [2025-12-01, 2026-03-01): E 12-15 "budget"
     * (lost 80), H 01-20 "price" (120), B 02-01 "price" (200), G 02-20 "fraud" (60), F 02-25
     * without a reason (40). 5 churns: price 2 (320, share 0.4), then by lost MRR budget 80,
     * fraud 60, (none) 40, each 0.2. */
    struct cs_reason *r;
    size_t n = cs_churn_reasons(fx, 10, D(2025, 12, 1), D(2026, 3, 1), &r);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(r[0].reason, "price");
    cr_assert_eq(r[0].churned, 2);
    cr_assert_eq(r[0].lost_mrr, 320);
    cr_assert_float_eq(r[0].share, 0.4, 1e-12);
    cr_assert_str_eq(r[1].reason, "budget");
    cr_assert_eq(r[1].lost_mrr, 80);
    cr_assert_str_eq(r[2].reason, "fraud");
    cr_assert_eq(r[2].lost_mrr, 60);
    cr_assert_str_eq(r[3].reason, "(none)");
    cr_assert_eq(r[3].lost_mrr, 40);
    cr_assert_float_eq(r[3].share, 0.2, 1e-12);
    free(r);

    /* No churn in [2025-10-01, 2025-12-01): no rows. */
    n = cs_churn_reasons(fx, 10, D(2025, 10, 1), D(2025, 12, 1), &r);
    cr_assert_eq(n, 0);
    free(r);
}
