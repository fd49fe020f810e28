/* table.h - building the result tables every report returns (struct lf_table of landfall.h).
 *
 * MONEY cells hold integer minor units of a currency. lf_table_write() keeps them so in JSON and
 * CSV; the terminal table shows currency units, with as many decimals as the ISO 4217 exponent
 * of the row's currency (model_currency_exponent: JPY 30000 → "30000", KWD 12345 → "12.345",
 * USD 9990 → "99.90"), read from the row's cell in the TEXT column named "currency". A table
 * without such a column, or a row whose currency is null, shows MONEY with two decimals, the most
 * common exponent: a report that returns money of several currencies must add that column. */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include "landfall.h"

/* A new empty table for metric `name`; the caller frees it with lf_table_free(). */
struct lf_table *table_new(const char *name);
/* A new table for metric `name` with the columns cols[nr] (their names and types, in order);
 * the caller frees it with lf_table_free(). */
struct lf_table *table_new_with(const char *name, const struct lf_column_info *cols, size_t nr);
/* Adds a column (before any row) and returns its index. */
size_t table_add_column(struct lf_table *t, const char *name, int type);
/* Adds a row of NULL cells and returns its index. */
size_t table_add_row(struct lf_table *t);
void table_set_text(struct lf_table *t, size_t row, size_t col, const char *s); /* copied */
void table_set_int(struct lf_table *t, size_t row, size_t col, int64_t v);
void table_set_real(struct lf_table *t, size_t row, size_t col, double v); /* NaN stays NULL */
/* Records the IANA zone the table's periods were cut in (shown by every writer but CSV). */
void table_set_time_zone(struct lf_table *t, const char *tz);
/* Records that the table is one page of `total` rows (shown by every writer but CSV). */
void table_set_total(struct lf_table *t, int64_t total);
/* The index of column `name`, or -1. */
int table_column_index(const struct lf_table *t, const char *name);

#endif
