/* csv.c - the CSV reader: quoting, line breaks inside fields, CRLF, BOMs, blank lines, field
 * counts, an unbalanced quote, a character after a closing quote, and the line of each record. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest_int.h"

#define MAX_RECS 16
#define MAX_FIELDS 8

struct rec {
    size_t line, nr;
    char fields[MAX_FIELDS][64];
    char error[160];
    size_t error_field;
};

struct got {
    size_t nr;
    size_t stop_at; /* the callback fails on this record (1-based); 0: never */
    struct rec recs[MAX_RECS];
};

static int collect(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct got *g = ctx;
    cr_assert_lt(g->nr, MAX_RECS);
    struct rec *r = &g->recs[g->nr++];
    r->line = rec->line;
    r->nr = rec->nr;
    for (size_t i = 0; i < rec->nr && i < MAX_FIELDS; i++) {
        cr_assert_eq(rec->fields[i].ptr[rec->fields[i].len], '\0', "fields are NUL-terminated");
        snprintf(r->fields[i], sizeof(r->fields[i]), "%.*s", (int)rec->fields[i].len,
                 rec->fields[i].ptr);
    }
    snprintf(r->error, sizeof(r->error), "%s", rec->error ? rec->error : "");
    r->error_field = rec->error_field;
    if (g->nr == g->stop_at)
        return err_set(err, LF_EINVAL, "stop");
    return 0;
}

static int read_text(const char *text, struct got *g)
{
    struct lf_err err = {0};
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    cr_assert_not_null(f);
    int rc = csv_read(f, NULL, collect, g, &err);
    fclose(f);
    return rc;
}

Test(csv, quotes_and_escaped_quotes)
{
    struct got g = {0};
    cr_assert_eq(read_text("a,\"b,c\",\"d\"\"e\",\"\"\n", &g), 0);
    cr_assert_eq(g.nr, 1);
    cr_assert_eq(g.recs[0].nr, 4);
    cr_assert_str_eq(g.recs[0].fields[0], "a");
    cr_assert_str_eq(g.recs[0].fields[1], "b,c");
    cr_assert_str_eq(g.recs[0].fields[2], "d\"e");
    cr_assert_str_eq(g.recs[0].fields[3], "");
}

Test(csv, line_breaks_inside_quotes_move_the_line_count)
{
    struct got g = {0};
    /* line 1 header; line 2 starts a record whose text spans lines 2-3; line 4 the next */
    cr_assert_eq(read_text("id,text\n1,\"two\nlines\"\n2,x\n", &g), 0);
    cr_assert_eq(g.nr, 3);
    cr_assert_eq(g.recs[1].line, 2);
    cr_assert_str_eq(g.recs[1].fields[1], "two\nlines");
    cr_assert_eq(g.recs[2].line, 4);
    cr_assert_str_eq(g.recs[2].fields[0], "2");
}

Test(csv, crlf_and_blank_lines)
{
    struct got g = {0};
    /* CRLF counts once; the blank line 3 is skipped but counted */
    cr_assert_eq(read_text("a,b\r\n1,2\r\n\r\n3,4\r\n", &g), 0);
    cr_assert_eq(g.nr, 3);
    cr_assert_eq(g.recs[0].line, 1);
    cr_assert_eq(g.recs[1].line, 2);
    cr_assert_eq(g.recs[2].line, 4);
    cr_assert_str_eq(g.recs[2].fields[1], "4", "no CR left in the last field");
}

Test(csv, crlf_inside_quotes)
{
    struct got g = {0};
    cr_assert_eq(read_text("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n", &g), 0);
    cr_assert_eq(g.nr, 3);
    cr_assert_str_eq(g.recs[1].fields[1], "x\r\ny");
    cr_assert_eq(g.recs[2].line, 4);
}

Test(csv, byte_order_mark_is_skipped)
{
    struct got g = {0};
    cr_assert_eq(read_text("\xEF\xBB\xBFid,name\n1,x\n", &g), 0);
    cr_assert_str_eq(g.recs[0].fields[0], "id");
    cr_assert_eq(g.recs[1].line, 2);
}

Test(csv, last_line_without_line_end)
{
    struct got g = {0};
    cr_assert_eq(read_text("a,b\n1,2", &g), 0);
    cr_assert_eq(g.nr, 2);
    cr_assert_str_eq(g.recs[1].fields[1], "2");
}

Test(csv, field_counts_are_as_read)
{
    struct got g = {0};
    cr_assert_eq(read_text("a,b,c\n1,2\n1,2,3,4\n", &g), 0);
    cr_assert_eq(g.recs[1].nr, 2);
    cr_assert_eq(g.recs[2].nr, 4);
    cr_assert_eq(g.recs[2].line, 3);
}

Test(csv, spaces_around_unquoted_fields_are_trimmed_quoted_ones_kept)
{
    struct got g = {0};
    cr_assert_eq(read_text(" a , b ,\" c \"\n", &g), 0);
    cr_assert_str_eq(g.recs[0].fields[0], "a");
    cr_assert_str_eq(g.recs[0].fields[1], "b");
    cr_assert_str_eq(g.recs[0].fields[2], " c ");
}

Test(csv, stray_quote_in_unquoted_field_is_kept)
{
    struct got g = {0};
    cr_assert_eq(read_text("name,size\nscreen 5\" wide,2\n", &g), 0);
    cr_assert_str_eq(g.recs[1].fields[0], "screen 5\" wide");
    cr_assert_eq(g.recs[1].nr, 2);
}

Test(csv, unbalanced_quote_names_the_line_its_field_starts_on)
{
    struct got g = {0};
    /* the record starts on line 2; its second field closes on line 3; the third field opens
     * on line 3 and never closes */
    cr_assert_eq(read_text("id,a,b\n1,\"x\ny\",\"open\nmore\nlines\n", &g), 0);
    cr_assert_eq(g.nr, 2);
    cr_assert_eq(g.recs[1].line, 3);
    cr_assert_str_eq(g.recs[1].error,
                     "unbalanced quote: the quoted field starting on this line never ends");
    cr_assert_eq(g.recs[1].nr, 3, "the record as read: 1, x\\ny and the open field");
    cr_assert_str_eq(g.recs[1].fields[2], "open\nmore\nlines\n");
    cr_assert_str_eq(g.recs[0].error, "");
}

Test(csv, callback_failure_stops_reading)
{
    struct got g = {.stop_at = 2};
    cr_assert_eq(read_text("a\n1\n2\n3\n", &g), -1);
    cr_assert_eq(g.nr, 2);
}

struct counted {
    size_t n, bad;
};

/* Record i (from 0) starts on line 2i+1 and reads "i", "q\nq". */
static int check_chunked(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct counted *c = ctx;
    char want[24];
    (void)err;
    snprintf(want, sizeof(want), "%zu", c->n);
    if (rec->line != 2 * c->n + 1 || rec->nr != 2 || strcmp(rec->fields[0].ptr, want) != 0 ||
        strcmp(rec->fields[1].ptr, "q\nq") != 0)
        c->bad++;
    c->n++;
    return 0;
}

Test(csv, records_across_read_chunks)
{
    /* 100000 records "i,\"q\nq\"" (about 1 MB) cross the reader's 64 KiB chunks */
    struct buf b = BUF_INIT;
    struct counted c = {0, 0};
    struct lf_err err = {0};
    for (int i = 0; i < 100000; i++)
        buf_addf(&b, "%d,\"q\nq\"\n", i);
    FILE *f = fmemopen(b.ptr, b.len, "r");
    cr_assert_eq(csv_read(f, NULL, check_chunked, &c, &err), 0);
    fclose(f);
    buf_release(&b);
    cr_assert_eq(c.n, 100000);
    cr_assert_eq(c.bad, 0);
}

Test(csv, character_after_closing_quote_rejects_that_record_only)
{
    struct got g = {0};
    /* line 3's second field closes its quote and goes on with 'x': libcsv's lenient reading
     * would take that quote as literal and read on to the next quote, swallowing lines 4-5 */
    cr_assert_eq(read_text("id,name,plan\na1,Alpha,pro\na2,\"Beta\"x,pro\na3,Gamma,free\n"
                           "a4,\"multi\nline \"\"quoted\"\"\",team\n",
                           &g),
                 0);
    cr_assert_eq(g.nr, 5);
    cr_assert_eq(g.recs[2].line, 3);
    cr_assert_str_eq(g.recs[2].error,
                     "a character after the closing quote (a quote inside a quoted field is "
                     "written twice: \"\")");
    cr_assert_eq(g.recs[2].error_field, 1, "the second field is the malformed one");
    cr_assert_eq(g.recs[2].nr, 3, "the record as read: a2, the field and pro");
    cr_assert_str_eq(g.recs[2].fields[1], "Beta\"x", "the field as written, less its first quote");
    cr_assert_str_eq(g.recs[2].fields[2], "pro");
    /* the records after it are read normally, each from its own line */
    cr_assert_eq(g.recs[3].line, 4);
    cr_assert_str_eq(g.recs[3].error, "");
    cr_assert_str_eq(g.recs[3].fields[0], "a3");
    cr_assert_str_eq(g.recs[3].fields[1], "Gamma");
    cr_assert_eq(g.recs[4].line, 5);
    cr_assert_str_eq(g.recs[4].fields[1], "multi\nline \"quoted\"",
                     "a legitimate quoted field with a line break and doubled quotes");
    cr_assert_str_eq(g.recs[4].error, "");
}

Test(csv, character_after_closing_quote_at_the_ends_of_a_record)
{
    struct got g = {0};
    /* first field (line 1), last field before CRLF with spaces then text (line 2), a field
     * whose quoted part spans lines 3-4 with the stray text on line 4 and a trailing comma
     * (an empty last field), then a clean record on line 5 and one without a line end */
    cr_assert_eq(read_text("\"a\"b,c\r\nd,\"e\" f\r\n\"g\nh\"i,\r\nj,k\r\n\"l\"m", &g), 0);
    cr_assert_eq(g.nr, 5);
    cr_assert_eq(g.recs[0].line, 1);
    cr_assert_eq(g.recs[0].error_field, 0);
    cr_assert_str_eq(g.recs[0].fields[0], "a\"b");
    cr_assert_str_eq(g.recs[0].fields[1], "c");
    cr_assert_eq(g.recs[1].line, 2);
    cr_assert_eq(g.recs[1].error_field, 1);
    cr_assert_str_eq(g.recs[1].fields[1], "e\" f");
    cr_assert_eq(g.recs[1].nr, 2);
    cr_assert_eq(g.recs[2].line, 4, "the line of the stray character, not of the record's start");
    cr_assert_eq(g.recs[2].error_field, 0);
    cr_assert_eq(g.recs[2].nr, 2, "the trailing comma still gives an empty last field");
    cr_assert_str_eq(g.recs[2].fields[0], "g\nh\"i");
    cr_assert_str_eq(g.recs[2].fields[1], "");
    cr_assert_eq(g.recs[3].line, 5);
    cr_assert_str_eq(g.recs[3].error, "");
    cr_assert_str_eq(g.recs[3].fields[1], "k");
    cr_assert_eq(g.recs[4].line, 6);
    cr_assert_eq(g.recs[4].error_field, 0);
    cr_assert_str_eq(g.recs[4].fields[0], "l\"m");
}

Test(csv, byte_order_mark_at_the_start_of_any_record_is_skipped)
{
    struct got g = {0};
    /* two exports concatenated: the second header (line 3) and a quoted first field after a
     * mark (line 4) lose it; a mark inside a quoted field that is not first stays; a line
     * holding a mark alone (5) is blank, so the next record is the fifth, from line 6 */
    cr_assert_eq(read_text("\xEF\xBB\xBFid,name\n1,x\n\xEF\xBB\xBFid,name\n"
                           "\xEF\xBB\xBF\"2\",\"\xEF\xBB\xBFy\"\n\xEF\xBB\xBF\n3,z\n",
                           &g),
                 0);
    cr_assert_eq(g.nr, 5);
    cr_assert_eq(g.recs[4].line, 6);
    cr_assert_str_eq(g.recs[4].fields[0], "3");
    cr_assert_str_eq(g.recs[0].fields[0], "id");
    cr_assert_str_eq(g.recs[2].fields[0], "id");
    cr_assert_eq(g.recs[2].line, 3);
    cr_assert_str_eq(g.recs[3].fields[0], "2");
    cr_assert_str_eq(g.recs[3].error, "");
    cr_assert_str_eq(g.recs[3].fields[1], "\xEF\xBB\xBFy");
}

/* Record i (from 0) is on line i+1 and reads "i", "q\"x" with the second field malformed. */
static int check_stray(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct counted *c = ctx;
    char want[24];
    (void)err;
    snprintf(want, sizeof(want), "%zu", c->n);
    if (rec->line != c->n + 1 || rec->nr != 2 || strcmp(rec->fields[0].ptr, want) != 0 ||
        strcmp(rec->fields[1].ptr, "q\"xyz") != 0 || !rec->error || rec->error_field != 1)
        c->bad++;
    c->n++;
    return 0;
}

Test(csv, malformed_fields_across_read_chunks)
{
    /* 50000 records "i,\"q\"xyz" (about 600 KB): some stray tails cross the 64 KiB chunks */
    struct buf b = BUF_INIT;
    struct counted c = {0, 0};
    struct lf_err err = {0};
    for (int i = 0; i < 50000; i++)
        buf_addf(&b, "%d,\"q\"xyz\n", i);
    FILE *f = fmemopen(b.ptr, b.len, "r");
    cr_assert_eq(csv_read(f, NULL, check_stray, &c, &err), 0);
    fclose(f);
    buf_release(&b);
    cr_assert_eq(c.n, 50000);
    cr_assert_eq(c.bad, 0);
}
