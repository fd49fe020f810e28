/* drivers.c - risk drivers in plain words: templates filled from values, the top contributions,
 * and templates refused with the reason. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs/churn_features.h"
#include "cs/drivers.h"

static char *describe(const char *text, const char *missing, double v)
{
    struct driver_text t = {"active_users_30d_change", text, missing};
    struct buf b = BUF_INIT;
    driver_describe(&t, t.feature, v, &b);
    return buf_detach(&b);
}

#define EXPECT_TEXT(got, want)                                                                     \
    do {                                                                                           \
        char *g_ = (got);                                                                          \
        cr_expect_str_eq(g_, want);                                                                \
        free(g_);                                                                                  \
    } while (0)

/* The issue's example: a relative change of −42 % in active users, contributing +0.18. */
Test(drivers, the_example_of_the_issue)
{
    struct driver_text t = {"active_users_30d_change",
                            "active users {fell|held|rose} {abs_pct} in 30 days", NULL};
    struct buf b = BUF_INIT;
    driver_format(&t, t.feature, -0.42, 0.18, &b);
    cr_expect_str_eq(buf_str(&b), "active users fell 42 % in 30 days: +0.18");
    buf_release(&b);
    /* the same template on other values: three-way choice by the sign */
    const char *tpl = "active users {fell|held|rose} {abs_pct} in 30 days";
    EXPECT_TEXT(describe(tpl, NULL, 0), "active users held 0 % in 30 days");
    EXPECT_TEXT(describe(tpl, NULL, 0.045), "active users rose 4.5 % in 30 days");
    EXPECT_TEXT(describe(tpl, NULL, 1.5), "active users rose 150 % in 30 days");
}

/* Two alternatives: the first for v ≤ 0, the second for v > 0, which reads a one-hot flag. */
Test(drivers, flags)
{
    const char *tpl = "Contract {is not|is} Month-to-month";
    EXPECT_TEXT(describe(tpl, NULL, 1), "Contract is Month-to-month");
    EXPECT_TEXT(describe(tpl, NULL, 0), "Contract is not Month-to-month");
}

/* Numbers: whole ones as they are, others to 3 significant digits, from 100 up to the unit
 * (1889.5 rounds half to even: 1890; 12345.6 → 12346), never "-0". */
Test(drivers, numbers)
{
    EXPECT_TEXT(describe("{value}", NULL, 3), "3");
    EXPECT_TEXT(describe("{value}", NULL, -0.0), "0");
    EXPECT_TEXT(describe("{value}", NULL, 70.7), "70.7");
    EXPECT_TEXT(describe("{value}", NULL, 0.4213), "0.421");
    EXPECT_TEXT(describe("{value}", NULL, 1889.5), "1890");
    EXPECT_TEXT(describe("{value}", NULL, 12345.6), "12346");
    EXPECT_TEXT(describe("{abs}", NULL, -2.5), "2.5");
    EXPECT_TEXT(describe("{pct}", NULL, -0.42), "-42 %");
    EXPECT_TEXT(describe("{pct}", NULL, 0.0126), "1.3 %");
    EXPECT_TEXT(describe("{name} = {value}", NULL, 7), "active_users_30d_change = 7");
    /* a literal brace is written twice */
    EXPECT_TEXT(describe("{{x}} {value}", NULL, 1), "{x} 1");
}

/* {s} makes a plural: "s" unless the value is 1 or -1; a missing value reads "unknown …s". */
Test(drivers, plurals)
{
    const char *tpl = "{value} ticket{s} open";
    EXPECT_TEXT(describe(tpl, NULL, 1), "1 ticket open");
    EXPECT_TEXT(describe(tpl, NULL, 0), "0 tickets open");
    EXPECT_TEXT(describe(tpl, NULL, 2), "2 tickets open");
    EXPECT_TEXT(describe(tpl, NULL, 1.5), "1.5 tickets open");
    EXPECT_TEXT(describe("{abs} day{s} earlier", NULL, -1), "1 day earlier");
    EXPECT_TEXT(describe("{value} ticket{s}", "{value} ticket{s}", NAN), "unknown tickets");
}

/* Every template of the churn model's features is one the walker accepts (a refused one would
 * be shown raw, braces and all), and reads in the singular for 1. */
Test(drivers, every_churn_feature_template_is_valid)
{
    struct lf_err err = {0};
    for (size_t i = 0; i < churn_features_nr; i++) {
        const struct driver_text *t = churn_feature(i);
        cr_expect_eq(driver_template_check(t->text, &err), 0, "%s: %s", t->feature, err.msg);
        if (t->missing)
            cr_expect_eq(driver_template_check(t->missing, &err), 0, "%s (missing): %s",
                         t->feature, err.msg);
        struct buf b = BUF_INIT;
        driver_describe(t, t->feature, 1, &b);
        cr_expect(!strchr(buf_str(&b), '{'), "%s: %s", t->feature, buf_str(&b));
        buf_release(&b);
    }
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < churn_features_nr; i++)
        if (!strcmp(churn_feature(i)->feature, "open_tickets_14d"))
            driver_describe(churn_feature(i), "open_tickets_14d", 1, &b);
    cr_expect_str_eq(buf_str(&b), "1 ticket open for 14 days or more");
    buf_release(&b);
    for (size_t i = 0; i < churn_features_nr; i++)
        if (!strcmp(churn_feature(i)->feature, "checkins_45d"))
            driver_describe(churn_feature(i), "checkins_45d", 0, &b);
    cr_expect_str_eq(buf_str(&b), "0 check-ins in 45 days");
    buf_release(&b);
}

/* A missing value: the missing template; placeholders other than {name} say "unknown", and the
 * defaults read "NAME = VALUE" / "NAME unknown". */
Test(drivers, missing_values_and_defaults)
{
    EXPECT_TEXT(describe("NPS {value}", "no NPS response in 90 days", NAN),
                "no NPS response in 90 days");
    EXPECT_TEXT(describe("NPS {value}", "{name}: {value}", NAN),
                "active_users_30d_change: unknown");
    EXPECT_TEXT(describe("NPS {value}", NULL, NAN), "active_users_30d_change unknown");
    struct buf b = BUF_INIT;
    driver_describe(NULL, "tenure", 34, &b);
    cr_expect_str_eq(buf_str(&b), "tenure = 34");
    buf_reset(&b);
    driver_format(NULL, "tenure", NAN, -0.004, &b);
    cr_expect_str_eq(buf_str(&b), "tenure unknown: -0.00");
    buf_release(&b);
}

Test(drivers, templates_refused_with_the_reason)
{
    struct lf_err err = {0};
    cr_expect_eq(driver_template_check("active users {fell|rose} {abs_pct}", &err), 0);
    cr_expect_eq(driver_template_check("{{literal}} {name}", &err), 0);
    cr_expect_eq(driver_template_check("{percent}", &err), -1);
    cr_expect(strstr(err.msg, "unknown placeholder {percent}"), "%s", err.msg);
    cr_expect_eq(driver_template_check("{a|b|c|d}", &err), -1);
    cr_expect(strstr(err.msg, "more than 3 alternatives"), "%s", err.msg);
    cr_expect_eq(driver_template_check("{value", &err), -1);
    cr_expect(strstr(err.msg, "not closed"), "%s", err.msg);
    cr_expect_eq(driver_template_check("value}", &err), -1);
    cr_expect(strstr(err.msg, "closes no"), "%s", err.msg);
    /* a refused template is written as it is, never half-filled */
    EXPECT_TEXT(describe("{percent} of {value}", NULL, 1), "{percent} of {value}");
}

/* The largest positive contributions first; ties keep the lower index first; negative and zero
 * contributions lowered or did not move the risk, so they are no drivers. */
Test(drivers, top)
{
    float c[] = {0.1f, -0.5f, 0.3f, 0.3f, 0, 0.2f};
    size_t out[10];
    cr_assert_eq(drivers_top(c, 6, 3, out), 3);
    cr_expect_eq(out[0], 2);
    cr_expect_eq(out[1], 3);
    cr_expect_eq(out[2], 5);
    cr_assert_eq(drivers_top(c, 6, 10, out), 4);
    cr_expect_eq(out[3], 0);
    float none[] = {-0.1f, 0};
    cr_expect_eq(drivers_top(none, 2, 3, out), 0);
}

Test(drivers, explain_a_row)
{
    const char *names[] = {"tenure", "Contract=Month-to-month", "MonthlyCharges"};
    struct driver_text flag = {names[1], "Contract {is not|is} Month-to-month", NULL};
    const struct driver_text *texts[] = {NULL, &flag, NULL};
    float x[] = {1, 1, 70.7f}, c[] = {0.81f, 0.62f, -0.1f};
    struct buf b = BUF_INIT;
    drivers_explain(names, texts, x, c, 3, 5, &b);
    cr_expect_str_eq(buf_str(&b), "tenure = 1: +0.81; Contract is Month-to-month: +0.62");
    buf_release(&b);
    const struct driver_text table[] = {flag};
    cr_expect_eq(driver_text_find(table, 1, "Contract=Month-to-month"), &table[0]);
    cr_expect_null(driver_text_find(table, 1, "tenure"));
}
