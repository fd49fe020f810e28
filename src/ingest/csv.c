/* csv.c - CSV records through libcsv, each with the line it starts on, for exact messages. */
#include "ingest_int.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* libcsv hands over fields and row ends through callbacks; this gathers them into records. */
struct reader {
    struct buf data; /* the record's fields, each followed by a NUL */
    size_t *ends;    /* field i ends at ends[i] in data (its NUL) */
    struct span *spans;
    size_t nr, cap;
    size_t line;     /* the line the parser has reached, as far as callbacks tell */
    size_t row_line; /* the line the current record started on */
    bool in_row, after_cr;
    const char *error; /* set for the record an unbalanced quote cut short */
    size_t error_line;
    csv_record_fn fn;
    void *ctx;
    struct lf_err *err;
    bool failed; /* fn returned -1: ignore what libcsv still reports */
};

static void on_field(void *s, size_t len, void *ctx)
{
    struct reader *rd = ctx;
    if (rd->failed)
        return;
    if (!rd->in_row) {
        rd->in_row = true;
        rd->row_line = rd->line;
        rd->nr = 0;
        buf_reset(&rd->data);
    }
    rd->after_cr = false;
    if (len)
        buf_add(&rd->data, s, len);
    buf_add(&rd->data, "", 1);
    if (rd->nr == rd->cap) {
        rd->ends = xgrow(rd->ends, sizeof(*rd->ends), rd->nr + 1, &rd->cap);
        rd->spans = xrealloc(rd->spans, rd->cap * sizeof(*rd->spans));
    }
    rd->ends[rd->nr++] = rd->data.len - 1;
    /* A quoted field may hold line breaks: they move the line count on. */
    for (size_t i = 0; i < len; i++)
        rd->line += ((const char *)s)[i] == '\n';
}

static void emit(struct reader *rd)
{
    size_t start = 0;
    for (size_t i = 0; i < rd->nr; i++) {
        rd->spans[i] = (struct span){rd->data.ptr + start, rd->ends[i] - start};
        start = rd->ends[i] + 1;
    }
    struct csv_record rec = {.line = rd->error ? rd->error_line : rd->row_line,
                             .nr = rd->nr,
                             .fields = rd->spans,
                             .error = rd->error};
    if (rd->fn(rd->ctx, &rec, rd->err) < 0)
        rd->failed = true;
    rd->in_row = false;
}

/* c is the character that ended the row ('\r' or '\n'), or -1 at the end of the input. With
 * CSV_REPALL_NL every line break arrives here, so blank lines count, and the '\n' of a CRLF
 * comes as a row of its own with no field, which is not a new line. */
static void on_row(int c, void *ctx)
{
    struct reader *rd = ctx;
    if (rd->failed)
        return;
    if (c == '\n' && rd->after_cr && !rd->in_row) {
        rd->after_cr = false;
        return;
    }
    if (rd->in_row)
        emit(rd);
    if (c == '\r' || c == '\n')
        rd->line++;
    rd->after_cr = c == '\r';
}

int csv_read(FILE *f, struct progress *pg, csv_record_fn fn, void *ctx, struct lf_err *err)
{
    enum { CHUNK = 1 << 16 };
    unsigned char *chunk = xmalloc(CHUNK);
    struct reader rd = {.line = 1, .fn = fn, .ctx = ctx, .err = err};
    struct csv_parser p;
    uint64_t done = 0;
    int ret = -1;
    size_t n;

    /* Not strict while reading: a stray quote inside an unquoted field (5" display) is kept. */
    if (csv_init(&p, CSV_REPALL_NL) != 0) {
        free(chunk);
        return err_set(err, LF_EINTERNAL, "cannot start the CSV parser");
    }
    csv_set_realloc_func(&p, xrealloc);
    while ((n = fread(chunk, 1, CHUNK, f)) > 0) {
        const unsigned char *s = chunk;
        size_t len = n;
        if (done == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, len -= 3;
        csv_parse(&p, s, len, on_field, on_row, &rd);
        if (rd.failed)
            goto out;
        done += n;
        if (pg)
            progress_update(pg, done);
    }
    if (ferror(f)) {
        char why[128];
        err_set(err, LF_EINVAL, "read error: %s", ingest_strerror(errno, why));
        goto out;
    }
    /* Strict at the end only, to learn whether a quoted field is still open; if so, the
     * lenient finish hands over what was read of that record, marked as malformed. */
    csv_set_opts(&p, CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI);
    if (csv_fini(&p, on_field, on_row, &rd) != 0) {
        rd.error = "unbalanced quote: the quoted field starting on this line never ends";
        rd.error_line = rd.line;
        csv_set_opts(&p, CSV_REPALL_NL);
        csv_fini(&p, on_field, on_row, &rd);
    }
    if (!rd.failed)
        ret = 0;
out:
    csv_free(&p);
    free(chunk);
    buf_release(&rd.data);
    free(rd.ends);
    free(rd.spans);
    return ret;
}
