/* testdata.h - where a Criterion test finds its data: the repository's tests/data, or the
 * test-only sets kept outside it (tests/data/README.md), skipping the test when they are absent. */
#ifndef TESTS_UNIT_TESTDATA_H
#define TESTS_UNIT_TESTDATA_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The path of `rel` (e.g. "survival/aml.csv") in tests/data, written into buf. The directory is
 * $LANDFALL_TESTDATA, which meson sets: its absence is a broken set-up, so the test fails. */
static inline const char *testdata_path(const char *rel, char *buf, size_t size)
{
    const char *dir = getenv("LANDFALL_TESTDATA");
    cr_assert(dir && *dir, "LANDFALL_TESTDATA is not set (run the tests with meson test)");
    int n = snprintf(buf, size, "%s/%s", dir, rel);
    cr_assert(n > 0 && (size_t)n < size, "the path of '%s' is too long", rel);
    return buf;
}

/* Skips the running test, saying why also on stderr: Criterion prints a skip's message only
 * with --verbose, and meson's log should show it. Does not return. */
#define testdata_skip(...)                                                                         \
    do {                                                                                           \
        char why_[1200];                                                                           \
        snprintf(why_, sizeof(why_), __VA_ARGS__);                                                 \
        fprintf(stderr, "SKIP: %s\n", why_);                                                       \
        cr_skip_test("%s", why_);                                                                  \
    } while (0)

/* The path of `rel` (e.g. "telco/telco_churn.csv") in $LANDFALL_SHARED_DATA, written into buf.
 * Those sets are not in the repository (a fresh clone has none): when the variable is unset or
 * the file is not there, the test is skipped with a message saying which, and does not return. */
static inline const char *shared_data_path(const char *rel, char *buf, size_t size)
{
    const char *dir = getenv("LANDFALL_SHARED_DATA");
    if (!dir || !*dir)
        testdata_skip("needs %s of the test-only data kept outside the repository, and "
                      "LANDFALL_SHARED_DATA is not set (see tests/data/README.md)",
                      rel);
    int n = snprintf(buf, size, "%s/%s", dir, rel);
    cr_assert(n > 0 && (size_t)n < size, "the path of '%s' is too long", rel);
    if (access(buf, R_OK) != 0)
        testdata_skip("needs '%s', which is not there (LANDFALL_SHARED_DATA; see "
                      "tests/data/README.md)",
                      buf);
    return buf;
}

#endif
