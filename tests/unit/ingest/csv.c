/* csv.c - the CSV reader: quoting, line breaks inside fields, CRLF, BOM, blank lines, field
 * counts, an unbalanced quote, and the line each record starts on. */
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
