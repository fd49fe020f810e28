/* dist.c - the demo's samplers against their textbook moments, its calendar step against dates
 * checked by hand, and company names against their construction. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "base/strmap.h"
#include "demo/demo_int.h"

#define N 200000

static void moments(double (*draw)(struct rng *, double, double), double a, double b, double *mean,
                    double *var)
{
    struct rng r;
    rng_seed(&r, 42);
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double x = draw(&r, a, b);
        s += x;
        s2 += x * x;
    }
    *mean = s / N;
    *var = s2 / N - *mean * *mean;
}

Test(dist, gamma_moments)
{
    double m, v;
    /* Gamma(shape k, rate θ): mean k/θ, variance k/θ²; 4, 2 → 2 and 1. */
    moments(demo_gamma, 4.0, 2.0, &m, &v);
    cr_assert(fabs(m - 2.0) < 0.02, "mean %f", m);
    cr_assert(fabs(v - 1.0) < 0.03, "variance %f", v);
    /* A shape below 1 takes the boosted path: 0.9, 3 → 0.3 and 0.1. */
    moments(demo_gamma, 0.9, 3.0, &m, &v);
    cr_assert(fabs(m - 0.3) < 0.005, "mean %f", m);
    cr_assert(fabs(v - 0.1) < 0.004, "variance %f", v);
}

Test(dist, beta_moments)
{
    double m, v;
    /* Beta(a, b): mean a/(a+b) = 1.2/4.2, variance ab/((a+b)²(a+b+1)) = 3.6/(17.64·5.2). */
    moments(demo_beta, 1.2, 3.0, &m, &v);
    cr_assert(fabs(m - 1.2 / 4.2) < 0.003, "mean %f", m);
    cr_assert(fabs(v - 3.6 / (17.64 * 5.2)) < 0.002, "variance %f", v);
}

Test(dist, score_rounds_and_clamps)
{
    cr_assert_eq(demo_score(9.5, 0, 10), 10);
    cr_assert_eq(demo_score(4.49, 0, 10), 4);
    cr_assert_eq(demo_score(-0.4, 0, 10), 0);
    cr_assert_eq(demo_score(-3.0, 0, 10), 0);
    cr_assert_eq(demo_score(11.2, 0, 10), 10);
    cr_assert_eq(demo_score(0.2, 1, 5), 1);
}

Test(dist, add_months_clamps_the_day)
{
    int64_t jan31 = time_ms_from_civil(2024, 1, 31) + 10 * HOUR_MS;
    cr_assert_eq(demo_add_months(jan31, 0), time_ms_from_civil(2024, 1, 31));
    cr_assert_eq(demo_add_months(jan31, 1), time_ms_from_civil(2024, 2, 29)); /* leap year */
    cr_assert_eq(demo_add_months(jan31, 2), time_ms_from_civil(2024, 3, 31));
    cr_assert_eq(demo_add_months(jan31, 13), time_ms_from_civil(2025, 2, 28));
    cr_assert_eq(demo_add_months(time_ms_from_civil(2023, 11, 15), 3),
                 time_ms_from_civil(2024, 2, 15));
}

Test(dist, mix_separates_seed_and_index)
{
    /* seed + index would make (1, 2) and (2, 1) the same account. */
    cr_assert_neq(demo_mix(1, 2), demo_mix(2, 1));
    cr_assert_neq(demo_mix(1, 0), demo_mix(0, 1));
    cr_assert_eq(demo_mix(7, 9), demo_mix(7, 9));
}

static void company(int64_t index, char name[128], char domain[128])
{
    struct buf n = BUF_INIT, d = BUF_INIT;
    demo_company(index, &n, &d);
    snprintf(name, 128, "%s", buf_str(&n));
    snprintf(domain, 128, "%s", buf_str(&d));
    buf_release(&n);
    buf_release(&d);
}

Test(dist, company_names)
{
    char name[128], domain[128];
    /* Index 0 is combination 0: the first prefix, root and suffix. */
    company(0, name, domain);
    cr_assert_str_eq(name, "Northwind Labs");
    cr_assert_str_eq(domain, "northwind-labs.example");
    /* 30 × 20 × 15 = 9,000 combinations; index 9,000 starts the first region. */
    company(9000, name, domain);
    cr_assert_str_eq(name, "Northwind Labs Europe");
    cr_assert_str_eq(domain, "northwind-labs-europe.example");
    /* After the 11 regions (index 9,000 × 12) the regions repeat with a number. */
    company(9000 * 12, name, domain);
    cr_assert_str_eq(name, "Northwind Labs Europe 2");

    struct strmap seen;
    strmap_init(&seen);
    for (int64_t i = 0; i < 120000; i++) {
        company(i, name, domain);
        int64_t other;
        cr_assert_not(strmap_get(&seen, name, strlen(name), &other), "%s: %lld and %lld", name,
                      (long long)other, (long long)i);
        strmap_put(&seen, name, strlen(name), i);
    }
    strmap_release(&seen);
}
