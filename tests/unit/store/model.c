/* model.c - money parsing per currency exponent (ISO 4217) and score checks against scales. */
#include <criterion/criterion.h>

#include "model/model.h"

static int64_t money(const char *s, const char *cur)
{
    int64_t v = 0;
    const char *why = NULL;
    cr_assert_eq(model_money_parse(s, cur, &v, &why), 0, "%s: %s", s, why);
    return v;
}

Test(model, money)
{
    cr_assert_eq(money("1234.5", "USD"), 123450);
    cr_assert_eq(money("1234", "EUR"), 123400);
    cr_assert_eq(money("0.07", "USD"), 7);
    cr_assert_eq(money("-3.10", "USD"), -310);
    cr_assert_eq(money("1200", "JPY"), 1200); /* JPY has no minor unit */
    cr_assert_eq(money("1.234", "KWD"), 1234); /* KWD has three decimals */
    cr_assert_eq(money("5.00", "JPY"), 5);
    int64_t v;
    const char *why;
    cr_assert_eq(model_money_parse("1,234.56", "USD", &v, &why), -1);
    cr_assert_eq(model_money_parse("1.234", "USD", &v, &why), -1);
    cr_assert_str_eq(why, "amount has more decimals than its currency");
    cr_assert_eq(model_money_parse("", "USD", &v, &why), -1);
    cr_assert_eq(model_money_parse("12e3", "USD", &v, &why), -1);
    cr_assert(model_currency_valid("EUR"));
    cr_assert_not(model_currency_valid("eur"));
    cr_assert_not(model_currency_valid("EURO"));
}

Test(model, scores)
{
    struct survey nps = {.ext_id = "nps", .scale_min = 0, .scale_max = 10};
    struct lf_err err = {0};
    cr_assert_eq(model_score_check(&nps, 10, &err), 0);
    cr_assert_eq(model_score_check(&nps, 11, &err), -1);
    cr_assert_str_eq(err.msg, "score 11 is outside nps's scale 0..10");
    cr_assert(model_in_vocab(model_teams, "support"));
    cr_assert_not(model_in_vocab(model_stages, "churn"));
}
