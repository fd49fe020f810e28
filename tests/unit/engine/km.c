/* km.c - Kaplan–Meier with Greenwood errors against R survival's published output for the AML
 * trial (tests/data/survival/aml.csv; source and reference figures in tests/data/README.md). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../testdata.h"
#include "engine/engine.h"

/* Reads aml.csv ("time","status","x") and keeps the rows of group x. */
static size_t read_aml(const char *group, struct km_obs *obs, size_t cap)
{
    char path[1024], line[256];
    testdata_path("survival/aml.csv", path, sizeof(path));
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    size_t n = 0;
    cr_assert(fgets(line, sizeof(line), f)); /* header */
    while (fgets(line, sizeof(line), f)) {
        char *end;
        double t = strtod(line, &end);
        cr_assert_eq(*end, ',');
        long status = strtol(end + 1, &end, 10);
        cr_assert_eq(*end, ',');
        if (!strstr(end, group) || (strcmp(group, "Maintained") == 0 && strstr(end, "Non")))
            continue;
        cr_assert(n < cap);
        obs[n++] = (struct km_obs){t, status == 1};
    }
    fclose(f);
    return n;
}

struct ref {
    double time, survival, std_err, lower, upper;
};

static void check(const char *group, const struct ref *ref, size_t ref_nr, double tol_s,
                  double median, double median_lower)
{
    struct km_obs obs[64];
    struct km_row *rows;
    struct km_median m;
    size_t n = read_aml(group, obs, 64);
    size_t steps = km_compute(obs, n, &rows, &m);
    cr_assert_eq(steps, ref_nr, "%s: %zu steps, R has %zu", group, steps, ref_nr);
    for (size_t i = 0; i < ref_nr; i++) {
        const struct km_row *r = &rows[i];
        cr_expect_float_eq(r->time, ref[i].time, 1e-9, "%s t[%zu]", group, i);
        cr_expect(fabs(r->survival - ref[i].survival) <= tol_s, "%s S(%g) = %.5f, R %.4f", group,
                  r->time, r->survival, ref[i].survival);
        if (!isnan(ref[i].std_err)) {
            cr_expect(fabs(r->std_err - ref[i].std_err) <= 5e-5, "%s se(%g) = %.5f, R %.4f",
                      group, r->time, r->std_err, ref[i].std_err);
            cr_expect(fabs(r->lower - ref[i].lower) <= 5e-5, "%s lower(%g) = %.5f, R %.4f",
                      group, r->time, r->lower, ref[i].lower);
            cr_expect(fabs(r->upper - ref[i].upper) <= 5e-4, "%s upper(%g) = %.5f, R %.3f",
                      group, r->time, r->upper, ref[i].upper);
        }
    }
    cr_expect_float_eq(m.median, median, 1e-9, "%s median %g", group, m.median);
    cr_expect_float_eq(m.lower, median_lower, 1e-9, "%s median lower %g", group, m.lower);
    cr_expect(isnan(m.upper), "%s: the upper bound never reaches 0.5 (R: NA)", group);
    free(rows);
}

/* R: summary(survfit(Surv(time, status) ~ x, data = aml)), Maintained. */
Test(km, aml_maintained)
{
    static const struct ref ref[] = {
        {9, 0.909, 0.0867, 0.7541, 1},      {13, 0.818, 0.1163, 0.6192, 1},
        {18, 0.716, 0.1397, 0.4884, 1},     {23, 0.614, 0.1526, 0.3769, 0.999},
        {31, 0.491, 0.1642, 0.2549, 0.946}, {34, 0.368, 0.1627, 0.1549, 0.875},
        {48, 0.184, 0.1535, 0.0359, 0.944}};
    /* median 31 (REFERENCES.md); its lower bound is the first time the lower curve is at or
     * below 0.5: 0.4884 at t = 18 (R prints 0.95LCL 18, UCL NA) */
    check("Maintained", ref, 7, 5e-4, 31, 18);
}

Test(km, aml_nonmaintained)
{
    /* R gives survival only in REFERENCES.md; std_err is checked by hand at t = 5:
     * S = 10/12, Greenwood Σ = 2 / (12 × 10), se = S √Σ = 0.10758 */
    static const struct ref ref[] = {
        {5, 0.8333, 0.107583, 0.6470, 1}, {8, 0.6667, NAN, 0, 0},  {12, 0.5833, NAN, 0, 0},
        {23, 0.4861, NAN, 0, 0},          {27, 0.3889, NAN, 0, 0}, {30, 0.2917, NAN, 0, 0},
        {33, 0.1944, NAN, 0, 0},          {43, 0.0972, NAN, 0, 0}, {45, 0, NAN, 0, 0}};
    /* median 23 (REFERENCES.md); lower: at t = 8, S = 2/3, Σ = 2/120 + 2/80 = 1/24,
     * lower = (2/3) exp(-1.96 √(1/24)) = 0.4471 ≤ 0.5, while at t = 5 it is 0.6470 */
    check("Nonmaintained", ref, 9, 5e-5, 23, 8);
}

/* The step at t = 5 of Nonmaintained by hand: log-scale bounds S exp(±1.96 √Σ). */
Test(km, bounds_by_hand)
{
    struct km_obs obs[] = {{5, true}, {5, true}, {8, false}, {9, true}};
    struct km_row *rows;
    struct km_median m;
    size_t n = km_compute(obs, 4, &rows, &m);
    cr_assert_eq(n, 2);
    /* t = 5: 4 at risk, 2 events: S = 0.5, Σ = 2 / (4 × 2) = 0.25, se = 0.5 × 0.5 = 0.25,
     * lower = 0.5 e^(−0.98) = 0.18763, upper = min(1, 0.5 e^(0.98)) = 1 */
    cr_expect_eq(rows[0].at_risk, 4);
    cr_expect_eq(rows[0].events, 2);
    cr_expect_float_eq(rows[0].survival, 0.5, 1e-12);
    cr_expect_float_eq(rows[0].std_err, 0.25, 1e-12);
    cr_expect_float_eq(rows[0].lower, 0.5 * exp(-1.959963984540054 * 0.5), 1e-12);
    cr_expect_float_eq(rows[0].upper, 1.0, 1e-12);
    /* t = 9: 1 at risk (8 was censored), 1 event: S = 0, no interval */
    cr_expect_eq(rows[1].at_risk, 1);
    cr_expect_eq(rows[1].censored, 1);
    cr_expect_float_eq(rows[1].survival, 0.0, 1e-12);
    cr_expect(isnan(rows[1].lower));
    /* S is exactly 0.5 from t = 5 to t = 9: the median is halfway, 7 */
    cr_expect_float_eq(m.median, 7.0, 1e-12);
    free(rows);
}
