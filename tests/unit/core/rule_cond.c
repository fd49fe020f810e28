/* rule_cond.c - the closed loop's rule conditions as text: the built-in rules parse and decide
 * as their definitions say on hand-picked facts (each boundary on both sides), an absent
 * sentiment (no comment, another language) makes a sentiment term false, and malformed
 * conditions are refused saying what is wrong. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/core.h"

static bool holds(const char *cond, const char *kind, double score, bool has, double sentiment)
{
    struct rule_cond c;
    struct lf_err err = {0};
    cr_assert_eq(rule_cond_parse(cond, &c, &err), 0, "%s: %s", cond, err.msg);
    struct rule_facts f = {kind, score, has, sentiment};
    return rule_cond_holds(&c, &f);
}

Test(rule_cond, nps_detractor)
{
    const char *c = "survey.kind = nps and score <= 6";
    cr_assert(holds(c, "nps", 6, false, 0));  /* 6 is a detractor (0-6) */
    cr_assert(!holds(c, "nps", 7, false, 0)); /* 7 a passive */
    cr_assert(!holds(c, "csat", 1, false, 0));
}

Test(rule_cond, csat_low)
{
    const char *c = "survey.kind = csat and score <= 2";
    cr_assert(holds(c, "csat", 2, false, 0));
    cr_assert(!holds(c, "csat", 3, false, 0));
}

Test(rule_cond, negative_comment)
{
    const char *c = "sentiment <= -0.5";
    cr_assert(holds(c, "nps", 10, true, -0.5423)); /* "horrible" */
    cr_assert(holds(c, "nps", 10, true, -0.5));    /* the boundary is in */
    cr_assert(!holds(c, "nps", 10, true, -0.4767)); /* "terrible" */
    /* no comment, or a comment in another language: no sentiment, so not followed up */
    cr_assert(!holds(c, "nps", 0, false, 0));
    cr_assert(!holds(c, "nps", 0, false, -1));
}

Test(rule_cond, operators_and_quotes)
{
    cr_assert(holds("survey.kind != 'nps' and score > 3", "ces", 4, false, 0));
    cr_assert(!holds("survey.kind != nps", "nps", 4, false, 0));
    cr_assert(holds("score >= 4 and score < 5 and score != 4.5", "x", 4, false, 0));
    cr_assert(holds("score = 4", "x", 4, false, 0));
    cr_assert(holds("sentiment > 0.05", "x", 0, true, 0.4404));
}

static void refused(const char *cond, const char *msg)
{
    struct rule_cond c;
    struct lf_err err = {0};
    cr_assert_eq(rule_cond_parse(cond, &c, &err), -1, "%s parsed", cond);
    cr_assert_eq(err.code, LF_EINVAL);
    cr_assert_str_eq(err.msg, msg);
}

Test(rule_cond, refused)
{
    refused("", "condition '' lacks a field at ''");
    refused("mood = sad", "condition 'mood = sad' names 'mood', not survey.kind, score or sentiment");
    refused("score 6", "condition 'score 6' lacks an operator after 'score'");
    refused("score <=", "condition 'score <=' lacks a value after 'score <='");
    refused("score <= six", "condition 'score <= six': 'six' is not a number");
    /* strtod's other numbers: "inf" made a rule that is always true */
    refused("score <= inf", "condition 'score <= inf': 'inf' is not a number");
    refused("score <= infinity", "condition 'score <= infinity': 'infinity' is not a number");
    refused("score <= 0x10", "condition 'score <= 0x10': '0x10' is not a number");
    refused("score <= +6", "condition 'score <= +6': '+6' is not a number");
    refused("survey.kind < nps", "condition 'survey.kind < nps': survey.kind is text, compared "
                                 "with = or !=");
    refused("score <= 6 or score >= 9", "condition 'score <= 6 or score >= 9': expected 'and' at "
                                        "'or score >= 9'");
    refused("survey.kind = 'nps", "condition 'survey.kind = 'nps' lacks a value after "
                                  "'survey.kind ='");
}
