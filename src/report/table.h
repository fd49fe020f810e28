/* table.h - building the result tables every report returns (struct lf_table of landfall.h). */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include "landfall.h"

/* A new empty table for metric `name`; the caller frees it with lf_table_free(). */
struct lf_table *table_new(const char *name);
/* Adds a column (before any row) and returns its index. */
size_t table_add_column(struct lf_table *t, const char *name, int type);
/* Adds a row of NULL cells and returns its index. */
size_t table_add_row(struct lf_table *t);
void table_set_text(struct lf_table *t, size_t row, size_t col, const char *s); /* copied */
void table_set_int(struct lf_table *t, size_t row, size_t col, int64_t v);
void table_set_real(struct lf_table *t, size_t row, size_t col, double v); /* NaN stays NULL */
/* The index of column `name`, or -1. */
int table_column_index(const struct lf_table *t, const char *name);

#endif
