/* table.c - a row-major table of typed, nullable cells. */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct cell {
    bool set;
    union {
        int64_t i;
        double r;
        char *s;
    } v;
};

struct column {
    char *name;
    int type;
};

struct lf_table {
    char *name;
    char *time_zone; /* NULL when no period was cut */
    int64_t total;   /* rows before paging; -1 when the table is not a page */
    struct column *cols;
    size_t cols_nr, cols_cap;
    struct cell *cells; /* rows_nr × cols_nr */
    size_t rows_nr, cells_cap;
};

struct lf_table *table_new(const char *name)
{
    struct lf_table *t = xcalloc(1, sizeof(*t));
    t->name = xstrdup(name);
    t->total = -1;
    return t;
}

void lf_table_free(struct lf_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->rows_nr; r++)
        for (size_t c = 0; c < t->cols_nr; c++)
            if (t->cols[c].type == LF_COL_TEXT)
                free(t->cells[r * t->cols_nr + c].v.s);
    for (size_t c = 0; c < t->cols_nr; c++)
        free(t->cols[c].name);
    free(t->cols);
    free(t->cells);
    free(t->name);
    free(t->time_zone);
    free(t);
}

size_t table_add_column(struct lf_table *t, const char *name, int type)
{
    t->cols = xgrow(t->cols, sizeof(*t->cols), t->cols_nr + 1, &t->cols_cap);
    t->cols[t->cols_nr].name = xstrdup(name);
    t->cols[t->cols_nr].type = type;
    return t->cols_nr++;
}

struct lf_table *table_new_with(const char *name, const struct lf_column_info *cols, size_t nr)
{
    struct lf_table *t = table_new(name);
    for (size_t i = 0; i < nr; i++)
        table_add_column(t, cols[i].name, cols[i].type);
    return t;
}

size_t table_add_row(struct lf_table *t)
{
    size_t want = (t->rows_nr + 1) * t->cols_nr;
    t->cells = xgrow(t->cells, sizeof(*t->cells), want, &t->cells_cap);
    memset(&t->cells[t->rows_nr * t->cols_nr], 0, t->cols_nr * sizeof(*t->cells));
    return t->rows_nr++;
}

static struct cell *at(const struct lf_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->cols_nr + col];
}

void table_set_text(struct lf_table *t, size_t row, size_t col, const char *s)
{
    struct cell *c = at(t, row, col);
    free(c->v.s);
    c->v.s = xstrdup(s);
    c->set = s != NULL;
}

void table_set_int(struct lf_table *t, size_t row, size_t col, int64_t v)
{
    at(t, row, col)->v.i = v;
    at(t, row, col)->set = true;
}

void table_set_real(struct lf_table *t, size_t row, size_t col, double v)
{
    at(t, row, col)->v.r = v;
    at(t, row, col)->set = !isnan(v) && !isinf(v);
}

int table_column_index(const struct lf_table *t, const char *name)
{
    for (size_t c = 0; c < t->cols_nr; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return (int)c;
    return -1;
}

size_t lf_table_columns(const struct lf_table *t)
{
    return t->cols_nr;
}

size_t lf_table_rows(const struct lf_table *t)
{
    return t->rows_nr;
}

const char *lf_table_column_name(const struct lf_table *t, size_t col)
{
    return t->cols[col].name;
}

int lf_table_column_type(const struct lf_table *t, size_t col)
{
    return t->cols[col].type;
}

bool lf_table_is_null(const struct lf_table *t, size_t row, size_t col)
{
    return !at(t, row, col)->set;
}

const char *lf_table_text(const struct lf_table *t, size_t row, size_t col)
{
    return at(t, row, col)->set ? at(t, row, col)->v.s : NULL;
}

int64_t lf_table_int(const struct lf_table *t, size_t row, size_t col)
{
    return at(t, row, col)->v.i;
}

double lf_table_real(const struct lf_table *t, size_t row, size_t col)
{
    return at(t, row, col)->set ? at(t, row, col)->v.r : NAN;
}

const char *lf_table_name(const struct lf_table *t)
{
    return t->name;
}

void table_set_time_zone(struct lf_table *t, const char *tz)
{
    free(t->time_zone);
    t->time_zone = tz ? xstrdup(tz) : NULL;
}

const char *lf_table_time_zone(const struct lf_table *t)
{
    return t->time_zone ? t->time_zone : "";
}

void table_set_total(struct lf_table *t, int64_t total)
{
    t->total = total;
}

int64_t lf_table_total(const struct lf_table *t)
{
    return t->total;
}
