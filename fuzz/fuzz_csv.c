/* fuzz_csv.c - libFuzzer target: csv_read over any bytes. Checks each record's shape, and that
 * a well-formed record written back as the rejects file writes it reads back the same. */
#include "fuzz.h"

#include "base/buf.h"
#include "ingest/ingest_int.h"

struct seen {
    size_t records, last_line, max_line;
    bool nested; /* reading a record back: no further round trip */
    const struct csv_record *want;
    bool matched;
};

static int check(void *ctx, const struct csv_record *rec, struct lf_err *err);

/* Writes rec's fields and one more ("e", the rejects file's error column) as one CSV line with
 * buf_add_csv_field, and reads it again: the same fields must come back. */
static void round_trip(const struct csv_record *rec)
{
    struct buf line = BUF_INIT;
    for (size_t i = 0; i < rec->nr; i++) {
        buf_add_csv_field(&line, rec->fields[i].ptr, rec->fields[i].len);
        buf_addc(&line, ',');
    }
    buf_adds(&line, "e\n");
    struct seen again = {.nested = true, .max_line = 2, .want = rec};
    struct lf_err err = {0};
    FILE *f = fmemopen(line.ptr, line.len, "r");
    fuzz_check(f, "fmemopen failed");
    fuzz_check(csv_read(f, NULL, check, &again, &err) == 0, "reading back failed: %s", err.msg);
    fclose(f);
    fuzz_check(again.records == 1 && again.matched,
               "a record of %zu fields from line %zu does not read back as written: %s", rec->nr,
               rec->line, line.ptr);
    buf_release(&line);
}

static bool same_fields(const struct csv_record *a, const struct csv_record *b)
{
    if (a->nr != b->nr + 1 || a->error || a->fields[b->nr].len != 1 ||
        a->fields[b->nr].ptr[0] != 'e')
        return false;
    for (size_t i = 0; i < b->nr; i++)
        if (a->fields[i].len != b->fields[i].len ||
            memcmp(a->fields[i].ptr, b->fields[i].ptr, a->fields[i].len) != 0)
            return false;
    return true;
}

static int check(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct seen *s = ctx;
    (void)err;
    s->records++;
    fuzz_check(rec->nr > 0, "a record without fields at line %zu", rec->line);
    fuzz_check(rec->line > s->last_line, "line %zu after line %zu", rec->line, s->last_line);
    fuzz_check(rec->line <= s->max_line, "line %zu of an input of %zu lines", rec->line,
               s->max_line);
    s->last_line = rec->line;
    for (size_t i = 0; i < rec->nr; i++)
        fuzz_check(rec->fields[i].ptr[rec->fields[i].len] == '\0', "field %zu not NUL-ended", i);
    if (rec->error)
        fuzz_check(rec->error_field == SIZE_MAX || rec->error_field < rec->nr,
                   "error_field %zu of %zu fields", rec->error_field, rec->nr);
    else
        fuzz_check(rec->error_field == SIZE_MAX, "error_field without an error");
    if (s->nested) {
        s->matched = same_fields(rec, s->want);
        return 0;
    }
    /* A first field that still starts with a byte-order mark lost one already (a record may
     * start with one mark, which is skipped): it cannot read back the same. */
    bool bom = rec->fields[0].len >= 3 && memcmp(rec->fields[0].ptr, "\xEF\xBB\xBF", 3) == 0;
    if (!rec->error && !bom)
        round_trip(rec);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = {0};
    struct lf_err err = {0};
    /* a line ends at \n, \r or \r\n: at most one line more than line ends */
    s.max_line = 1;
    for (size_t i = 0; i < size; i++)
        s.max_line += data[i] == '\n' || data[i] == '\r';
    char empty[1];
    FILE *f = fmemopen(size ? (void *)data : empty, size, "r");
    fuzz_check(f, "fmemopen failed");
    int rc = csv_read(f, NULL, check, &s, &err);
    fclose(f);
    fuzz_check(rc == 0, "csv_read failed: %s", err.msg);
    return 0;
}
