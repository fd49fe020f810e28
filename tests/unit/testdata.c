/* testdata.c - the data sets the tests read are whole: the copies in tests/data and the test-only
 * sets outside the repository, counted against the figures their sources publish. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testdata.h"

/* Counts the lines of path after the header, and of them those ending (before any "\r") in
 * `suffix`. */
static size_t count_rows(const char *path, const char *suffix, size_t *matching)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open '%s'", path);
    char line[4096];
    size_t n = 0, m = 0, sl = strlen(suffix);
    cr_assert(fgets(line, sizeof(line), f), "'%s' is empty", path);
    while (fgets(line, sizeof(line), f)) {
        size_t len = strcspn(line, "\r\n");
        cr_assert(len < sizeof(line) - 1, "'%s' line %zu is too long", path, n + 2);
        n++;
        if (len >= sl && memcmp(line + len - sl, suffix, sl) == 0)
            m++;
    }
    fclose(f);
    *matching = m;
    return n;
}

/* AML (Miller 1981): 23 patients, 11 maintained and 12 not; R's survfit uses all of them. */
Test(testdata, aml_has_the_23_patients_of_the_trial)
{
    char path[1024];
    size_t nonmaintained;
    size_t n = count_rows(testdata_path("survival/aml.csv", path, sizeof(path)),
                          "\"Nonmaintained\"", &nonmaintained);
    cr_expect_eq(n, 23);
    cr_expect_eq(nonmaintained, 12);
}

/* IBM Telco churn, test only (not in the repository): 7,043 customers of which 1,869 churned.
 * Skipped, saying so, where LANDFALL_SHARED_DATA is absent. */
Test(testdata, telco_has_7043_customers_1869_churned)
{
    char path[1024];
    size_t churned;
    size_t n =
        count_rows(shared_data_path("telco/telco_churn.csv", path, sizeof(path)), ",Yes", &churned);
    cr_expect_eq(n, 7043);
    cr_expect_eq(churned, 1869);
}
