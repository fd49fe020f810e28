/* table_write.c - a result table as an aligned terminal table, JSON or CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/model.h"
#include "table.h"

/* The column whose text names each row's currency (the reports' "currency"), or -1. */
static int currency_column(const struct lf_table *t)
{
    int c = table_column_index(t, "currency");
    return c >= 0 && lf_table_column_type(t, (size_t)c) == LF_COL_TEXT ? c : -1;
}

/* v minor units with `exp` decimals: 30000 JPY (0) is "30000", 12345 KWD (3) "12.345". */
static void money_text(int64_t v, int exp, struct buf *out)
{
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v; /* INT64_MIN has no positive int64 */
    uint64_t scale = 1;
    for (int i = 0; i < exp; i++)
        scale *= 10;
    buf_addf(out, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(mag / scale));
    if (exp > 0)
        buf_addf(out, ".%0*llu", exp, (unsigned long long)(mag % scale));
}

/* Money is minor units. The terminal table shows it in the units of the row's currency (column
 * cur); without one, with two decimals, the most common exponent. */
static void cell_text(const struct lf_table *t, size_t r, size_t c, bool human, int cur,
                      struct buf *out)
{
    if (lf_table_is_null(t, r, c)) {
        buf_adds(out, human ? "-" : "");
        return;
    }
    switch (lf_table_column_type(t, c)) {
    case LF_COL_TEXT:
        buf_adds(out, lf_table_text(t, r, c));
        break;
    case LF_COL_INT:
        buf_addf(out, "%lld", (long long)lf_table_int(t, r, c));
        break;
    case LF_COL_MONEY: {
        int64_t v = lf_table_int(t, r, c);
        if (human) {
            bool known = cur >= 0 && !lf_table_is_null(t, r, (size_t)cur);
            money_text(v, known ? model_currency_exponent(lf_table_text(t, r, (size_t)cur)) : 2,
                       out);
        } else {
            buf_addf(out, "%lld", (long long)v);
        }
        break;
    }
    case LF_COL_PERCENT:
        buf_addf(out, human ? "%.1f%%" : "%.10g", lf_table_real(t, r, c) * (human ? 100 : 1));
        break;
    default:
        buf_addf(out, human ? "%.2f" : "%.10g", lf_table_real(t, r, c));
    }
}

static bool right_aligned(int type)
{
    return type != LF_COL_TEXT;
}

static void write_aligned(const struct lf_table *t, FILE *out)
{
    size_t nc = lf_table_columns(t), nr = lf_table_rows(t);
    size_t *w = xcalloc(nc, sizeof(*w));
    struct buf cell = BUF_INIT;
    int cur = currency_column(t);
    for (size_t c = 0; c < nc; c++)
        w[c] = strlen(lf_table_column_name(t, c));
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            buf_reset(&cell);
            cell_text(t, r, c, true, cur, &cell);
            if (cell.len > w[c])
                w[c] = cell.len;
        }
    for (size_t c = 0; c < nc; c++) {
        int pad = (int)w[c];
        const char *name = lf_table_column_name(t, c);
        fprintf(out, c ? "  %*s" : "%*s", right_aligned(lf_table_column_type(t, c)) ? pad : -pad,
                name);
    }
    fputc('\n', out);
    for (size_t r = 0; r < nr; r++) {
        for (size_t c = 0; c < nc; c++) {
            buf_reset(&cell);
            cell_text(t, r, c, true, cur, &cell);
            int pad = (int)w[c];
            fprintf(out, c ? "  %*s" : "%*s",
                    right_aligned(lf_table_column_type(t, c)) ? pad : -pad, buf_str(&cell));
        }
        fputc('\n', out);
    }
    if (*lf_table_time_zone(t))
        fprintf(out, "(periods in %s)\n", lf_table_time_zone(t));
    if (lf_table_total(t) >= 0)
        fprintf(out, "(%zu of %lld rows)\n", nr, (long long)lf_table_total(t));
    buf_release(&cell);
    free(w);
}

static void write_json(const struct lf_table *t, struct buf *b)
{
    size_t nc = lf_table_columns(t), nr = lf_table_rows(t);
    const char *name = lf_table_name(t);
    const char *tz = lf_table_time_zone(t);
    buf_adds(b, "{\"metric\": ");
    buf_add_json_str(b, name, strlen(name));
    if (*tz) {
        buf_adds(b, ", \"time_zone\": ");
        buf_add_json_str(b, tz, strlen(tz));
    }
    if (lf_table_total(t) >= 0)
        buf_addf(b, ", \"total\": %lld", (long long)lf_table_total(t));
    buf_adds(b, ", \"rows\": [");
    for (size_t r = 0; r < nr; r++) {
        buf_adds(b, r ? ",\n  {" : "\n  {");
        for (size_t c = 0; c < nc; c++) {
            const char *col = lf_table_column_name(t, c);
            if (c)
                buf_adds(b, ", ");
            buf_add_json_str(b, col, strlen(col));
            buf_adds(b, ": ");
            if (lf_table_is_null(t, r, c)) {
                buf_adds(b, "null");
            } else if (lf_table_column_type(t, c) == LF_COL_TEXT) {
                const char *s = lf_table_text(t, r, c);
                buf_add_json_str(b, s, strlen(s));
            } else {
                cell_text(t, r, c, false, -1, b);
            }
        }
        buf_addc(b, '}');
    }
    buf_adds(b, nr ? "\n]}\n" : "]}\n");
}

/* Whether a text cell would be read by a spreadsheet as a formula: it starts with '=', '+', '-',
 * '@', a tab or a carriage return (OWASP's "CSV injection") and is not a plain number such as
 * "-3" or "+1.5", which a spreadsheet reads as that number and which must stay one. */
static bool formula_like(const char *s, size_t n)
{
    if (n == 0 || !strchr("=+-@\t\r", s[0]))
        return false;
    if (s[0] != '+' && s[0] != '-')
        return true;
    size_t i = 1, digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    return i < n || digits == 0;
}

/* CSV for spreadsheets as much as for programs: a text cell that a spreadsheet would evaluate
 * (an account named "=HYPERLINK(…)", imported from anywhere) is written with a leading
 * apostrophe, which shows it as the text it is; numbers and times are never text cells. */
static void write_csv(const struct lf_table *t, struct buf *b)
{
    size_t nc = lf_table_columns(t), nr = lf_table_rows(t);
    struct buf cell = BUF_INIT;
    for (size_t c = 0; c < nc; c++) {
        const char *col = lf_table_column_name(t, c);
        if (c)
            buf_addc(b, ',');
        buf_add_csv_field(b, col, strlen(col));
    }
    buf_addc(b, '\n');
    for (size_t r = 0; r < nr; r++) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                buf_addc(b, ',');
            buf_reset(&cell);
            if (!lf_table_is_null(t, r, c) && lf_table_column_type(t, c) == LF_COL_TEXT &&
                formula_like(lf_table_text(t, r, c), strlen(lf_table_text(t, r, c))))
                buf_addc(&cell, '\'');
            cell_text(t, r, c, false, -1, &cell);
            buf_add_csv_field(b, buf_str(&cell), cell.len);
        }
        buf_addc(b, '\n');
    }
    buf_release(&cell);
}

int lf_table_write(const struct lf_table *t, int format, FILE *out, struct lf_err *err)
{
    struct buf b = BUF_INIT;
    switch (format) {
    case LF_FORMAT_TABLE:
        write_aligned(t, out);
        break;
    case LF_FORMAT_JSON:
        write_json(t, &b);
        break;
    case LF_FORMAT_CSV:
        write_csv(t, &b);
        break;
    default:
        return err_set(err, LF_EUSAGE, "unknown output format %d", format);
    }
    if (b.len)
        fwrite(b.ptr, 1, b.len, out);
    buf_release(&b);
    if (fflush(out) != 0 || ferror(out))
        return err_set(err, LF_EIO, "cannot write the report: output error");
    return 0;
}
