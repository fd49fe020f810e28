/* table_write.c - a result table as an aligned terminal table, JSON or CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/model.h"
#include "table.h"

/* Money is minor units; shown with two decimals (the common exponent) in the terminal table. */
static void cell_text(const struct lf_table *t, size_t r, size_t c, bool human, struct buf *out)
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
        if (human)
            buf_addf(out, "%s%lld.%02lld", v < 0 ? "-" : "", llabs(v) / 100, llabs(v) % 100);
        else
            buf_addf(out, "%lld", (long long)v);
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
    for (size_t c = 0; c < nc; c++)
        w[c] = strlen(lf_table_column_name(t, c));
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            buf_reset(&cell);
            cell_text(t, r, c, true, &cell);
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
            cell_text(t, r, c, true, &cell);
            int pad = (int)w[c];
            fprintf(out, c ? "  %*s" : "%*s",
                    right_aligned(lf_table_column_type(t, c)) ? pad : -pad, buf_str(&cell));
        }
        fputc('\n', out);
    }
    buf_release(&cell);
    free(w);
}

static void write_json(const struct lf_table *t, struct buf *b)
{
    size_t nc = lf_table_columns(t), nr = lf_table_rows(t);
    const char *name = lf_table_name(t);
    buf_adds(b, "{\"metric\": ");
    buf_add_json_str(b, name, strlen(name));
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
                cell_text(t, r, c, false, b);
            }
        }
        buf_addc(b, '}');
    }
    buf_adds(b, nr ? "\n]}\n" : "]}\n");
}

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
            cell_text(t, r, c, false, &cell);
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
