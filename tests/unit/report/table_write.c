/* table_write.c - the writers of a result table: the terminal table shows money in the units of
 * each row's currency (ISO 4217 exponents: USD 2, JPY 0, KWD 3), JSON and CSV keep minor units. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/table.h"

/* The table written in `format`, as a string the caller frees. */
static char *written(const struct lf_table *t, int format)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    cr_assert(f);
    struct lf_err err = {0};
    cr_assert_eq(lf_table_write(t, format, f, &err), 0, "%s", err.msg);
    fclose(f);
    return s;
}

/* A report's shape: a currency column, then money. The amounts are minor units:
 * 123456 US cents = 1234.56 USD; 30000 JPY has no minor unit, so it is 30000 yen;
 * 12345 fils = 12.345 KWD (1 dinar = 1000 fils); -5 fils = -0.005 KWD; -5 cents = -0.05 USD.
 * A row whose currency is unknown (null) falls back to two decimals, as does EUR. */
static struct lf_table *money_table(void)
{
    static const struct {
        const char *currency;
        int64_t mrr;
    } rows[] = {{"USD", 123456}, {"JPY", 30000}, {"KWD", 12345}, {"KWD", -5},
                {"JPY", -700},   {"USD", -5},    {NULL, 250},    {"EUR", 0}};
    struct lf_table *t = table_new("mrr");
    table_add_column(t, "currency", LF_COL_TEXT);
    table_add_column(t, "mrr", LF_COL_MONEY);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t r = table_add_row(t);
        if (rows[i].currency)
            table_set_text(t, r, 0, rows[i].currency);
        table_set_int(t, r, 1, rows[i].mrr);
    }
    return t;
}

Test(table_write, terminal_money_in_each_rows_currency)
{
    struct lf_table *t = money_table();
    char *s = written(t, LF_FORMAT_TABLE);
    /* Width of "mrr" = its longest cell, "1234.56" (7); "currency" is the widest left cell. */
    cr_assert_str_eq(s, "currency      mrr\n"
                        "USD       1234.56\n"
                        "JPY         30000\n"
                        "KWD        12.345\n"
                        "KWD        -0.005\n"
                        "JPY          -700\n"
                        "USD         -0.05\n"
                        "-            2.50\n"
                        "EUR          0.00\n");
    free(s);
    lf_table_free(t);
}

Test(table_write, json_and_csv_keep_minor_units)
{
    struct lf_table *t = money_table();
    char *s = written(t, LF_FORMAT_CSV);
    cr_assert_str_eq(s, "currency,mrr\nUSD,123456\nJPY,30000\nKWD,12345\nKWD,-5\nJPY,-700\n"
                        "USD,-5\n,250\nEUR,0\n");
    free(s);
    s = written(t, LF_FORMAT_JSON);
    cr_assert(strstr(s, "{\"currency\": \"JPY\", \"mrr\": 30000}"), "%s", s);
    cr_assert(strstr(s, "{\"currency\": \"KWD\", \"mrr\": 12345}"), "%s", s);
    cr_assert(strstr(s, "{\"currency\": null, \"mrr\": 250}"), "%s", s);
    free(s);
    lf_table_free(t);
}

/* Without a currency column the writer cannot know the exponent: two decimals, the common one
 * (documented in table.h). */
Test(table_write, terminal_money_without_currency_column_has_two_decimals)
{
    struct lf_table *t = table_new("x");
    table_add_column(t, "amount", LF_COL_MONEY);
    table_set_int(t, table_add_row(t), 0, 30000);
    table_set_int(t, table_add_row(t), 0, -5);
    table_add_row(t); /* null */
    char *s = written(t, LF_FORMAT_TABLE);
    cr_assert_str_eq(s, "amount\n"
                        "300.00\n"
                        " -0.05\n"
                        "     -\n");
    free(s);
    lf_table_free(t);
}
