/* csv.c - CSV records through libcsv, each with the line it starts on, for exact messages. */
#include "ingest_int.h"

#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define BOM "\xEF\xBB\xBF"

static const char after_quote[] =
    "a character after the closing quote (a quote inside a quoted field is written twice: \"\")";

/* libcsv hands over fields and row ends through callbacks; this gathers them into records. */
struct reader {
    struct buf data; /* the record's fields, each followed by a NUL */
    size_t *ends;    /* field i ends at ends[i] in data (its NUL) */
    struct span *spans;
    size_t nr, cap;
    size_t line;     /* the line the parser has reached, as far as callbacks tell */
    size_t row_line; /* the line the current record started on */
    bool in_row, after_cr;
    bool bom_only;     /* the record's first field was a byte-order mark alone */
    const char *error; /* set for a malformed record */
    size_t error_line, error_field;
    /* After a character that follows a closing quote: the field as written so far, which
     * takes the bytes up to the next comma or line end (libcsv is not fed them). */
    bool tail;
    struct buf bad;
    bool skip_field; /* drop the empty field libcsv reports for the comma that ends a tail */
    csv_record_fn fn;
    void *ctx;
    struct lf_err *err;
    bool failed; /* fn returned -1: ignore what libcsv still reports */
};

static void add_field(struct reader *rd, const char *s, size_t len)
{
    if (!rd->in_row) {
        rd->in_row = true;
        rd->row_line = rd->line;
        rd->nr = 0;
        buf_reset(&rd->data);
    }
    rd->after_cr = false;
    /* A quoted field may hold line breaks: they move the line count on. */
    for (size_t i = 0; i < len; i++)
        rd->line += s[i] == '\n';
    /* A record's first field may start with a byte-order mark: files concatenated from
     * several exports carry one at the start of each. It is never part of an id. */
    if (rd->nr == 0 && len >= 3 && memcmp(s, BOM, 3) == 0) {
        s += 3, len -= 3;
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        rd->bom_only = len == 0;
    } else if (rd->nr == 0) {
        rd->bom_only = false;
    }
    if (len)
        buf_add(&rd->data, s, len);
    buf_add(&rd->data, "", 1);
    if (rd->nr == rd->cap) {
        rd->ends = xgrow(rd->ends, sizeof(*rd->ends), rd->nr + 1, &rd->cap);
        rd->spans = xrealloc(rd->spans, rd->cap * sizeof(*rd->spans));
    }
    rd->ends[rd->nr++] = rd->data.len - 1;
}

static void on_field(void *s, size_t len, void *ctx)
{
    struct reader *rd = ctx;
    if (rd->failed)
        return;
    if (rd->skip_field) {
        rd->skip_field = false;
        return;
    }
    add_field(rd, s, len);
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
                             .error = rd->error,
                             .error_field = rd->error ? rd->error_field : SIZE_MAX};
    if (rd->fn(rd->ctx, &rec, rd->err) < 0)
        rd->failed = true;
    rd->in_row = false;
    rd->error = NULL;
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
    /* A line holding a byte-order mark alone is as blank as an empty one. */
    if (rd->in_row && rd->nr == 1 && rd->bom_only && !rd->error)
        rd->in_row = false;
    if (rd->in_row)
        emit(rd);
    if (c == '\r' || c == '\n')
        rd->line++;
    rd->after_cr = c == '\r';
}

/* Starts the tail of a quoted field whose closing quote is followed by something else than a
 * comma or a line end ("Beta"x). Lenient libcsv would take that quote as literal and read on
 * to the next quote, swallowing the lines between; here the record is malformed, the field
 * keeps what was written (less its opening quote) up to the next comma or line end, and the
 * parser starts afresh there, so the damage stays within the line. */
static void tail_begin(struct reader *rd, struct csv_parser *p)
{
    const char *s = (const char *)p->entry_buf;
    size_t len = p->entry_pos, breaks = 0;
    for (size_t i = 0; i < len; i++)
        breaks += s[i] == '\n';
    if (!rd->error) {
        rd->error = after_quote;
        rd->error_line = rd->line + breaks;
        rd->error_field = rd->in_row ? rd->nr : 0;
    }
    buf_reset(&rd->bad);
    buf_add(&rd->bad, s, len);
    rd->tail = true;
}

/* Ends the tail before byte c (a comma or a line end, which libcsv is fed next). */
static void tail_end(struct reader *rd, struct csv_parser *p, int c)
{
    add_field(rd, rd->bad.ptr ? rd->bad.ptr : "", rd->bad.len);
    rd->tail = false;
    /* Back to the start of a row for libcsv (it reports nothing without callbacks); our
     * record goes on. A comma there opens with an empty field, which is not one. */
    csv_fini(p, NULL, NULL, NULL);
    rd->skip_field = c == ',';
}

static int is_line_end(unsigned char c)
{
    return c == '\r' || c == '\n';
}

/* Parses len bytes strictly, so that libcsv stops at what it would otherwise guess at. */
static int parse(struct reader *rd, struct csv_parser *p, const unsigned char *s, size_t len)
{
    while (len && !rd->failed) {
        if (rd->tail) {
            size_t i = 0;
            while (i < len && s[i] != ',' && !is_line_end(s[i]))
                i++;
            buf_add(&rd->bad, s, i);
            s += i, len -= i;
            if (len)
                tail_end(rd, p, s[0]);
            continue;
        }
        size_t n = csv_parse(p, s, len, on_field, on_row, rd);
        if (n == len)
            break;
        if (csv_error(p) != CSV_EPARSE)
            return err_set(rd->err, LF_EINTERNAL, "cannot parse CSV: %s",
                           csv_strerror(csv_error(p)));
        s += n, len -= n;
        if (p->quoted) {
            tail_begin(rd, p);
            continue;
        }
        /* A quote inside an unquoted field. After a byte-order mark at the start of a record
         * it opens the quoted first field; otherwise it is kept (5" display), as lenient
         * libcsv does. */
        const char *e = (const char *)p->entry_buf;
        size_t k = 3;
        while (k < p->entry_pos && (e[k] == ' ' || e[k] == '\t'))
            k++;
        if (!rd->in_row && p->entry_pos >= 3 && memcmp(e, BOM, 3) == 0 && k == p->entry_pos) {
            csv_fini(p, NULL, NULL, NULL);
            continue;
        }
        csv_set_opts(p, CSV_REPALL_NL);
        csv_parse(p, s, 1, on_field, on_row, rd);
        csv_set_opts(p, CSV_REPALL_NL | CSV_STRICT);
        s++, len--;
    }
    return 0;
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

    if (csv_init(&p, CSV_REPALL_NL | CSV_STRICT) != 0) {
        free(chunk);
        return err_set(err, LF_EINTERNAL, "cannot start the CSV parser");
    }
    csv_set_realloc_func(&p, xrealloc);
    while ((n = fread(chunk, 1, CHUNK, f)) > 0) {
        if (parse(&rd, &p, chunk, n) < 0 || rd.failed)
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
    if (rd.tail) {
        tail_end(&rd, &p, -1);
        on_row(-1, &rd);
    }
    /* Strict at the end, to learn whether a quoted field is still open; if so, the lenient
     * finish hands over what was read of that record, marked as malformed. */
    csv_set_opts(&p, CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI);
    if (!rd.failed && csv_fini(&p, on_field, on_row, &rd) != 0) {
        if (!rd.error) {
            rd.error = "unbalanced quote: the quoted field starting on this line never ends";
            rd.error_line = rd.line;
            rd.error_field = SIZE_MAX;
        }
        csv_set_opts(&p, CSV_REPALL_NL);
        csv_fini(&p, on_field, on_row, &rd);
    }
    if (!rd.failed)
        ret = 0;
out:
    csv_free(&p);
    free(chunk);
    buf_release(&rd.data);
    buf_release(&rd.bad);
    free(rd.ends);
    free(rd.spans);
    return ret;
}
