/* ndjson.c - the NDJSON reader and the reading of a JSON object into a row: numbers as text,
 * paths into nested objects, the other members as extras, JSON errors with their column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest_int.h"

struct seen {
    size_t nr;
    size_t line[8], column[8];
    char error[8][200];
    char vals[8][6][48];
    char extras[8][200];
    int fill_rc[8];
    char fill_err[8][sizeof(((struct lf_err *)0)->msg)];
};

static const char *const cols[] = {"id", "n", "x", "flag", "context.groupId", "missing", NULL};
static const char *extras_at = "";

static int collect(void *ctx, const struct ndjson_record *rec, struct lf_err *err)
{
    struct seen *s = ctx;
    size_t i = s->nr++;
    struct row r;
    struct lf_err ferr = {0};
    (void)err;
    s->line[i] = rec->line;
    s->column[i] = rec->column;
    snprintf(s->error[i], sizeof(s->error[i]), "%s", rec->error ? rec->error : "");
    if (!rec->obj)
        return 0;
    row_init(&r, "t.ndjson");
    row_reset(&r, cols, rec->line);
    s->fill_rc[i] = ndjson_fill(rec->obj, extras_at, &r, &ferr);
    snprintf(s->fill_err[i], sizeof(s->fill_err[i]), "%s", ferr.msg);
    for (int k = 0; k < 6; k++)
        snprintf(s->vals[i][k], sizeof(s->vals[i][k]), "%s",
                 r.val[k].ptr ? r.val[k].ptr : "(none)");
    snprintf(s->extras[i], sizeof(s->extras[i]), "%s", r.extras ? r.extras : "(none)");
    row_release(&r);
    return 0;
}

static void read_text(const char *text, struct seen *s)
{
    struct lf_err err = {0};
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    cr_assert_eq(ndjson_read(f, NULL, collect, s, &err), 0);
    fclose(f);
}

Test(ndjson, values_become_text)
{
    struct seen s = {0};
    read_text("{\"id\":\"a1\",\"n\":42,\"x\":0.1,\"flag\":true,\"context\":{\"groupId\":\"g\"},"
              "\"missing\":null}\n",
              &s);
    cr_assert_eq(s.nr, 1);
    cr_assert_eq(s.fill_rc[0], 0);
    cr_assert_str_eq(s.vals[0][0], "a1");
    cr_assert_str_eq(s.vals[0][1], "42");
    cr_assert_str_eq(s.vals[0][2], "0.1", "the shortest text that reads back as the double");
    cr_assert_str_eq(s.vals[0][3], "true");
    cr_assert_str_eq(s.vals[0][4], "g", "a dotted path walks into objects");
    cr_assert_str_eq(s.vals[0][5], "(none)", "null is not given");
}

Test(ndjson, integers_of_every_sign_and_size)
{
    struct seen s = {0};
    read_text("{\"n\":-42,\"x\":0}\n{\"n\":-9223372036854775808,\"x\":9223372036854775807}\n", &s);
    cr_assert_str_eq(s.vals[0][1], "-42");
    cr_assert_str_eq(s.vals[0][2], "0");
    cr_assert_str_eq(s.vals[1][1], "-9223372036854775808");
    cr_assert_str_eq(s.vals[1][2], "9223372036854775807");
}

Test(ndjson, other_members_are_extras)
{
    struct seen s = {0};
    read_text("{\"id\":\"a1\",\"industry\":\"retail\",\"size\":12,\"tags\":[\"x\"],\"id2\":\"\"}\n"
              "{\"id\":\"a2\",\"n\":\"\"}\n",
              &s);
    cr_assert_str_eq(s.extras[0],
                     "{\"industry\":\"retail\",\"size\":12,\"tags\":[\"x\"],\"id2\":\"\"}");
    cr_assert_str_eq(s.extras[1], "(none)");
    cr_assert_str_eq(s.vals[1][1], "(none)", "an empty string is not given");
}

Test(ndjson, object_in_a_column_is_refused)
{
    struct seen s = {0};
    read_text("{\"id\":{\"a\":1}}\n", &s);
    cr_assert_eq(s.fill_rc[0], -1);
    cr_assert_str_eq(s.fill_err[0], "t.ndjson:1:id: expected a string or a number, not an object");
}

Test(ndjson, lines_blank_lines_crlf_and_errors)
{
    struct seen s = {0};
    /* line 1 fine (CRLF), 2 blank, 3 not JSON, 4 an array, 5 fine without a line end */
    read_text("{\"id\":\"a\"}\r\n\n{\"id\": nope}\n[1,2]\n{\"id\":\"b\"}", &s);
    cr_assert_eq(s.nr, 4);
    cr_assert_eq(s.line[0], 1);
    cr_assert_str_eq(s.vals[0][0], "a");
    cr_assert_eq(s.line[1], 3);
    cr_assert_str_eq(s.error[1], "invalid JSON: invalid token near 'nope'");
    cr_assert_eq(s.column[1], 11, "jansson's column: the end of 'nope'");
    cr_assert_eq(s.line[2], 4);
    cr_assert_str_eq(s.error[2], "expected a JSON object");
    cr_assert_eq(s.line[3], 5);
    cr_assert_str_eq(s.vals[3][0], "b");
}

Test(ndjson, invalid_utf8_is_a_json_error)
{
    struct seen s = {0};
    read_text("{\"id\":\"caf\xE9\"}\n", &s);
    cr_assert_eq(s.nr, 1);
    cr_assert_eq(strncmp(s.error[0], "invalid JSON: unable to decode byte 0xe9", 40), 0, "%s",
                 s.error[0]);
}
