/* dynlib.c - opening a library on first use (base/dynlib.h): on libm, which every system has, a
 * table that works, a second open that changes nothing, and the errors of a library that is not
 * there and of a function it does not have. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "base/dynlib.h"

/* declared, never defined: libm has no such function */
void landfall_no_such_function(void);

#define M_FNS(X) X(cos) X(sqrt)
#define ODD_FNS(X) X(cos) X(landfall_no_such_function)

static struct {
    M_FNS(DYNLIB_FIELD)
} m, nowhere;
static struct {
    ODD_FNS(DYNLIB_FIELD)
} odd;
static const char *const m_names[] = {M_FNS(DYNLIB_NAME)};
static const char *const odd_names[] = {ODD_FNS(DYNLIB_NAME)};

Test(dynlib, opens_and_fills_the_table_once)
{
    struct dynlib lib = DYNLIB_INIT("libm.so.6", "the maths library", "libc6", m_names, m);
    struct lf_err err = {0};
    cr_assert_eq(dynlib_open(&lib), 0, "%s", lib.why.msg);
    cr_assert_eq(dynlib_check(&lib, &err), 0);
    cr_assert_not_null(lib.handle);
    /* exact in IEEE 754: cos(0) is 1, and sqrt is correctly rounded, so sqrt(2.25) is 1.5 */
    cr_assert_eq(m.cos(0.0), 1.0);
    cr_assert_eq(m.sqrt(2.25), 1.5);
    /* a second open is the first one's answer: the same handle, the same pointers */
    __typeof__(m) first = m;
    void *handle = lib.handle;
    cr_assert_eq(dynlib_open(&lib), 0);
    cr_assert_eq(lib.handle, handle);
    cr_assert_eq(memcmp(&m, &first, sizeof(m)), 0);
}

Test(dynlib, a_missing_library_is_named_with_its_package)
{
    struct dynlib lib = DYNLIB_INIT("liblandfall-no-such.so.7", "the test's library",
                                    "landfall-no-such7", m_names, nowhere);
    struct lf_err err = {0};
    cr_assert_eq(dynlib_open(&lib), -1);
    cr_assert_eq(dynlib_check(&lib, &err), -1);
    cr_assert_eq(err.code, LF_EIO);
    /* "the test's library liblandfall-no-such.so.7 could not be loaded: <dlerror>; install
     * landfall-no-such7" */
    const char *head = "the test's library liblandfall-no-such.so.7 could not be loaded: ";
    cr_assert(strncmp(err.msg, head, strlen(head)) == 0, "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "; install landfall-no-such7"), "%s", err.msg);
    cr_assert_null(nowhere.cos);
    /* asked again, it answers the same without trying again */
    struct lf_err again = {0};
    cr_assert_eq(dynlib_open(&lib), -1);
    cr_assert_eq(dynlib_check(&lib, &again), -1);
    cr_assert_str_eq(again.msg, err.msg);
}

Test(dynlib, a_missing_function_is_named_and_the_table_left_alone)
{
    struct dynlib lib = DYNLIB_INIT("libm.so.6", "the maths library", "libc6", odd_names, odd);
    struct lf_err err = {0};
    cr_assert_eq(dynlib_open(&lib), -1);
    cr_assert_eq(dynlib_check(&lib, &err), -1);
    cr_assert_str_eq(err.msg, "the maths library libm.so.6 has no function "
                              "'landfall_no_such_function' (an older version?); install a newer "
                              "libc6");
    /* cos was found before the miss, yet the table stays as it was: all or nothing */
    cr_assert_null(odd.cos);
    cr_assert_null(lib.handle);
}

Test(dynlib, checked_before_it_was_opened)
{
    struct dynlib lib = DYNLIB_INIT("libm.so.6", "the maths library", "libc6", m_names, m);
    struct lf_err err = {0};
    cr_assert_eq(dynlib_check(&lib, &err), -1);
    cr_assert_eq(err.code, LF_EINTERNAL);
}
