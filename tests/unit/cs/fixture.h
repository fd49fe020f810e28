/* fixture.h - eight accounts' MRR histories (and two order-only customers) that the cs unit
 * tests work their expected figures out on, by hand. Amounts are minor units.
 *
 *   A  2025-11-10 100, 2026-02-15 150             expands in February
 *   B  2025-12-01 200, 2026-02-01 0 "price"       churns on February 1
 *   C  2026-02-10 50                              new in February
 *   D  2025-10-01 300, 2026-02-20 250 "downgrade" contracts in February
 *   E  2025-09-01 80, 2025-12-15 0 "budget", 2026-02-05 90   churns, comes back in February
 *   F  2026-01-10 40, 2026-02-25 0                new in January, churns in February (no reason)
 *   G  2026-02-03 60, 2026-02-20 0 "fraud"        comes and goes inside February
 *   H  2025-11-01 120, 2026-01-20 0 "price"       churns in January
 *   I  no MRR, first order 2026-02-10
 *   J  no MRR, first order 2025-06-01 */
#ifndef TESTS_CS_FIXTURE_H
#define TESTS_CS_FIXTURE_H

#include "base/time.h"
#include "cs/cs.h"

#define D(y, m, d) time_ms_from_civil(y, m, d)

static struct mrr_change ch_a[2], ch_b[2], ch_c[1], ch_d[2], ch_e[3], ch_f[2], ch_g[2], ch_h[2];
static struct cs_account fx[10];

static void fixture(void)
{
    ch_a[0] = (struct mrr_change){.date = D(2025, 11, 10), .mrr = 100};
    ch_a[1] = (struct mrr_change){.date = D(2026, 2, 15), .mrr = 150};
    ch_b[0] = (struct mrr_change){.date = D(2025, 12, 1), .mrr = 200};
    ch_b[1] = (struct mrr_change){.date = D(2026, 2, 1), .mrr = 0, .reason = "price"};
    ch_c[0] = (struct mrr_change){.date = D(2026, 2, 10), .mrr = 50};
    ch_d[0] = (struct mrr_change){.date = D(2025, 10, 1), .mrr = 300};
    ch_d[1] = (struct mrr_change){.date = D(2026, 2, 20), .mrr = 250, .reason = "downgrade"};
    ch_e[0] = (struct mrr_change){.date = D(2025, 9, 1), .mrr = 80};
    ch_e[1] = (struct mrr_change){.date = D(2025, 12, 15), .mrr = 0, .reason = "budget"};
    ch_e[2] = (struct mrr_change){.date = D(2026, 2, 5), .mrr = 90};
    ch_f[0] = (struct mrr_change){.date = D(2026, 1, 10), .mrr = 40};
    ch_f[1] = (struct mrr_change){.date = D(2026, 2, 25), .mrr = 0};
    ch_g[0] = (struct mrr_change){.date = D(2026, 2, 3), .mrr = 60};
    ch_g[1] = (struct mrr_change){.date = D(2026, 2, 20), .mrr = 0, .reason = "fraud"};
    ch_h[0] = (struct mrr_change){.date = D(2025, 11, 1), .mrr = 120};
    ch_h[1] = (struct mrr_change){.date = D(2026, 1, 20), .mrr = 0, .reason = "price"};
    fx[0] = (struct cs_account){ch_a, 2, LF_UNSET};
    fx[1] = (struct cs_account){ch_b, 2, LF_UNSET};
    fx[2] = (struct cs_account){ch_c, 1, LF_UNSET};
    fx[3] = (struct cs_account){ch_d, 2, LF_UNSET};
    fx[4] = (struct cs_account){ch_e, 3, LF_UNSET};
    fx[5] = (struct cs_account){ch_f, 2, LF_UNSET};
    fx[6] = (struct cs_account){ch_g, 2, LF_UNSET};
    fx[7] = (struct cs_account){ch_h, 2, LF_UNSET};
    fx[8] = (struct cs_account){NULL, 0, D(2026, 2, 10)};
    fx[9] = (struct cs_account){NULL, 0, D(2025, 6, 1)};
}

#endif
