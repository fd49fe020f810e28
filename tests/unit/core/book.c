/* book.c - the portfolio metric (book) on accounts written by hand: each figure worked out
 * from the rows below, the filters, search, sort, paging and total, and the figures kept
 * between calls of one handle following the writes made since (the change log). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "landfall.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct lf *lf;
static struct lf_err err;

static void put(const char *resource, const char *body)
{
    char *out = NULL;
    bool created;
    cr_assert_eq(lf_resource_write(lf, resource, NULL, body, strlen(body), LF_WRITE_CREATE, &out,
                                   &created, &err),
                 0, "%s: %s", body, err.msg);
    free(out);
}

/* Three accounts: acme (ana's, 1200.00 a month, two NPS answers and one CSAT, two open tickets
 * and a resolved one), bolt (bo's, 300.00, renewing 2026-03-01) and cask (ana's, no MRR). */
static void setup(void)
{
    scratch_db_name(path, sizeof(path), "book");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
    put("accounts", "{\"id\": \"acme\", \"name\": \"Acme Corp\", \"plan\": \"pro\", \"segment\": "
                    "\"smb\", \"owner\": \"ana\", \"mrr\": 120000, \"seats\": 10, "
                    "\"customer_since\": \"2025-01-01\", \"renewal_date\": \"2026-06-01\"}");
    put("accounts", "{\"id\": \"bolt\", \"name\": \"Bolt Ltd\", \"plan\": \"basic\", "
                    "\"segment\": \"smb\", \"owner\": \"bo\", \"mrr\": 30000, "
                    "\"customer_since\": \"2025-06-01\", \"renewal_date\": \"2026-03-01\"}");
    put("accounts", "{\"id\": \"cask\", \"name\": \"Cask & Co\", \"plan\": \"pro\", \"segment\": "
                    "\"mid\", \"owner\": \"ana\"}");
    put("responses", "{\"id\": \"r1\", \"ts\": \"2026-01-05T10:00:00Z\", \"account_id\": \"acme\", "
                     "\"survey\": \"nps\", \"score\": 3}");
    put("responses", "{\"id\": \"r2\", \"ts\": \"2026-02-05T10:00:00Z\", \"account_id\": \"acme\", "
                     "\"survey\": \"nps\", \"score\": 9}");
    put("responses", "{\"id\": \"r3\", \"ts\": \"2026-01-20T10:00:00Z\", \"account_id\": \"acme\", "
                     "\"survey\": \"csat\", \"score\": 4}");
    put("responses", "{\"id\": \"r4\", \"ts\": \"2026-01-21T10:00:00Z\", \"account_id\": \"bolt\", "
                     "\"survey\": \"ces\", \"score\": 6}");
    for (int i = 0; i < 3; i++) {
        char body[256];
        snprintf(body, sizeof(body), "{\"id\": \"t%d\", \"ts\": \"2026-02-0%dT09:00:00Z\", "
                 "\"account_id\": \"acme\", \"kind\": \"ticket\", \"team\": \"support\", "
                 "\"status\": \"%s\"}", i, i + 1, i < 2 ? "open" : "resolved");
        put("touchpoints", body);
    }
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(book, .init = setup, .fini = teardown);

/* The book's answer for "name=value" arguments, as JSON. */
static json_t *book(const char *const *args)
{
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    char *text = NULL;
    size_t len = 0;
    bool now = false;
    for (size_t i = 0; args && args[i]; i++)
        now = now || !strncmp(args[i], "now=", 4);
    if (!now)
        lf_args_add(a, "now", "2026-02-15");
    for (size_t i = 0; args && args[i]; i++) {
        const char *eq = strchr(args[i], '=');
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - args[i]), args[i]);
        lf_args_add(a, name, eq + 1);
    }
    cr_assert_eq(lf_metric(lf, "book", a, &t, &err), 0, "%s", err.msg);
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(lf_table_write(t, LF_FORMAT_JSON, f, &err), 0);
    fclose(f);
    lf_table_free(t);
    lf_args_free(a);
    json_t *j = json_loads(text, 0, NULL);
    cr_assert_not_null(j, "%s", text);
    free(text);
    return j;
}

static json_t *row(json_t *doc, size_t i)
{
    return json_array_get(json_object_get(doc, "rows"), i);
}

static const char *text(json_t *r, const char *col)
{
    return json_string_value(json_object_get(r, col));
}

static json_int_t num(json_t *r, const char *col)
{
    return json_integer_value(json_object_get(r, col));
}

static bool null(json_t *r, const char *col)
{
    return json_is_null(json_object_get(r, col));
}

Test(book, every_figure_of_an_account)
{
    json_t *d = book(NULL);
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 3);
    /* sorted by MRR, highest first (the default): acme 120000, bolt 30000, cask 0 */
    json_t *acme = row(d, 0);
    cr_assert_str_eq(text(acme, "account"), "acme");
    cr_assert_str_eq(text(acme, "name"), "Acme Corp");
    cr_assert_str_eq(text(acme, "owner"), "ana");
    cr_assert_eq(num(acme, "mrr"), 120000);
    cr_assert_str_eq(text(acme, "currency"), "USD");
    cr_assert_str_eq(text(acme, "renewal_date"), "2026-06-01");
    /* 2026-02-15 to 2026-06-01: 14 days to March, then 31 + 30 + 31 = 106 days */
    cr_assert_eq(num(acme, "renewal_days"), 106);
    /* the latest NPS is r2's 9 (r1's 3 is older); the latest CSAT r3's 4 */
    cr_assert_eq(num(acme, "nps_last"), 9);
    cr_assert_str_eq(text(acme, "nps_last_at"), "2026-02-05T10:00:00Z");
    cr_assert_eq(num(acme, "csat_last"), 4);
    cr_assert_eq(num(acme, "open_tickets"), 2, "t0 and t1 are open, t2 resolved");
    cr_assert_eq(num(acme, "users"), 0, "no event: no active user");
    json_t *bolt = row(d, 1);
    cr_assert_str_eq(text(bolt, "account"), "bolt");
    cr_assert(null(bolt, "nps_last") && null(bolt, "csat_last"), "a CES answer is neither");
    cr_assert(null(bolt, "nps_last_at") && null(bolt, "csat_last_at"),
              "no answer: no time either (not 1970-01-01)");
    cr_assert_eq(num(bolt, "open_tickets"), 0);
    cr_assert_eq(num(bolt, "renewal_days"), 14); /* 2026-02-15 to 2026-03-01 */
    json_t *cask = row(d, 2);
    cr_assert_str_eq(text(cask, "account"), "cask");
    cr_assert(null(cask, "renewal_date") && null(cask, "renewal_days"));
    json_decref(d);
}

Test(book, filters_search_sort_and_pages)
{
    json_t *d = book((const char *[]){"where=owner=ana", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 2, "ana's book: acme, cask");
    json_decref(d);
    d = book((const char *[]){"where=owner=zed", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 0, "nobody's book");
    json_decref(d);
    /* smb: acme and bolt; ana's: acme and cask; both, and no stage: acme */
    d = book((const char *[]){"where=segment=smb", "where=owner=ana", "where=stage=(none)",
                              NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1, "ana's smb: acme");
    cr_assert_str_eq(text(row(d, 0), "account"), "acme");
    json_decref(d);
    d = book((const char *[]){"where=account=bolt", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1);
    cr_assert_str_eq(text(row(d, 0), "account"), "bolt");
    json_decref(d);
    d = book((const char *[]){"q=CASK", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1, "search ignores case");
    cr_assert_str_eq(text(row(d, 0), "account"), "cask");
    json_decref(d);
    d = book((const char *[]){"q=corp", NULL}); /* in the name, not the id */
    cr_assert_str_eq(text(row(d, 0), "account"), "acme");
    json_decref(d);
    d = book((const char *[]){"renewal_within=30", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1, "bolt renews in 14 days");
    json_decref(d);
    d = book((const char *[]){"sort=name", NULL});
    cr_assert_str_eq(text(row(d, 0), "name"), "Acme Corp");
    cr_assert_str_eq(text(row(d, 2), "name"), "Cask & Co");
    json_decref(d);
    /* undefined figures last, ascending and descending */
    d = book((const char *[]){"sort=nps_last", NULL});
    cr_assert_str_eq(text(row(d, 0), "account"), "acme");
    json_decref(d);
    d = book((const char *[]){"sort=-renewal_days", NULL});
    cr_assert_str_eq(text(row(d, 0), "account"), "acme");
    cr_assert_str_eq(text(row(d, 2), "account"), "cask");
    json_decref(d);
    /* a page of one, the second */
    d = book((const char *[]){"limit=1", "offset=1", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 3);
    cr_assert_eq(json_array_size(json_object_get(d, "rows")), 1);
    cr_assert_str_eq(text(row(d, 0), "account"), "bolt");
    json_decref(d);
    d = book((const char *[]){"offset=7", NULL});
    cr_assert_eq(json_array_size(json_object_get(d, "rows")), 0, "past the end: no row");
    json_decref(d);
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    lf_args_add(a, "sort", "colour");
    cr_assert_eq(lf_metric(lf, "book", a, &t, &err), -1);
    cr_assert_str_eq(err.field, "sort");
    lf_args_free(a);
}

Test(book, follows_the_writes_made_since_its_last_answer)
{
    json_t *d = book(NULL);
    json_decref(d);
    d = book((const char *[]){"q=UNE", NULL}); /* the search's text is kept too */
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 0, "no dune yet");
    json_decref(d);
    /* a newer NPS answer, a ticket closed, an account's MRR changed, one account deleted (cask:
     * nothing refers to it) and one created, all through the same handle, whose book is kept
     * between calls */
    put("responses", "{\"id\": \"r5\", \"ts\": \"2026-02-10T10:00:00Z\", \"account_id\": \"acme\", "
                     "\"survey\": \"nps\", \"score\": 5}");
    char *out = NULL;
    bool created;
    const char *closed = "{\"status\": \"resolved\"}";
    cr_assert_eq(lf_resource_write(lf, "touchpoints", "t0", closed, strlen(closed),
                                   LF_WRITE_MERGE, &out, &created, &err), 0, "%s", err.msg);
    free(out);
    const char *more = "{\"mrr\": 50000}";
    cr_assert_eq(lf_resource_write(lf, "accounts", "bolt", more, strlen(more), LF_WRITE_MERGE,
                                   &out, &created, &err), 0, "%s", err.msg);
    free(out);
    cr_assert_eq(lf_resource_delete(lf, "accounts", "cask", "test", &err), 0, "%s", err.msg);
    put("accounts", "{\"id\": \"dune\", \"name\": \"Dune\", \"owner\": \"bo\", \"mrr\": 70000}");
    d = book(NULL);
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 3, "acme, dune, bolt");
    json_t *acme = row(d, 0), *dune = row(d, 1), *bolt = row(d, 2);
    cr_assert_str_eq(text(acme, "account"), "acme");
    cr_assert_eq(num(acme, "nps_last"), 5, "r5 is the latest now");
    cr_assert_eq(num(acme, "open_tickets"), 1, "t0 was resolved");
    cr_assert_str_eq(text(dune, "account"), "dune");
    cr_assert_eq(num(dune, "mrr"), 70000);
    cr_assert_str_eq(text(bolt, "account"), "bolt");
    cr_assert_eq(num(bolt, "mrr"), 50000);
    json_decref(d);
    d = book((const char *[]){"q=UNE", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1, "the new account is found");
    cr_assert_str_eq(text(row(d, 0), "account"), "dune");
    json_decref(d);
    d = book((const char *[]){"q=co", NULL}); /* Cask & Co is gone; Acme Corp stays */
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 1);
    cr_assert_str_eq(text(row(d, 0), "account"), "acme");
    json_decref(d);
}

Test(book, account_values_count_the_filters_choices)
{
    struct lf_table *t = NULL;
    cr_assert_eq(lf_metric(lf, "account-values", NULL, &t, &err), 0, "%s", err.msg);
    /* owner: ana 2, bo 1; plan: basic 1, pro 2; segment: mid 1, smb 2; stage: (none) 3 */
    static const struct {
        const char *field, *value;
        int64_t n;
    } expect[] = {{"owner", "ana", 2},   {"owner", "bo", 1},    {"plan", "basic", 1},
                  {"plan", "pro", 2},    {"segment", "mid", 1}, {"segment", "smb", 2},
                  {"stage", "(none)", 3}};
    cr_assert_eq(lf_table_rows(t), sizeof(expect) / sizeof(*expect));
    for (size_t i = 0; i < lf_table_rows(t); i++) {
        cr_assert_str_eq(lf_table_text(t, i, 0), expect[i].field);
        cr_assert_str_eq(lf_table_text(t, i, 1), expect[i].value);
        cr_assert_eq(lf_table_int(t, i, 2), expect[i].n);
    }
    lf_table_free(t);
}

/* account-values' rows as "field value n" lines, for metric arguments "name=value". */
static char *values(const char *where)
{
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    char *lines = NULL;
    size_t len = 0;
    if (where)
        lf_args_add(a, "where", where);
    cr_assert_eq(lf_metric(lf, "account-values", a, &t, &err), 0, "%s", err.msg);
    FILE *f = open_memstream(&lines, &len);
    for (size_t i = 0; i < lf_table_rows(t); i++)
        fprintf(f, "%s %s %lld\n", lf_table_text(t, i, 0), lf_table_text(t, i, 1),
                (long long)lf_table_int(t, i, 2));
    fclose(f);
    lf_table_free(t);
    lf_args_free(a);
    return lines;
}

/* account-values counts the book's accounts, which the handle keeps between calls (and its
 * unfiltered answer with them): a write made after a first answer shows in the next. */
Test(book, account_values_follow_the_writes_made_since_its_last_answer)
{
    char *v = values(NULL);
    cr_assert_str_eq(v, "owner ana 2\nowner bo 1\nplan basic 1\nplan pro 2\nsegment mid 1\n"
                        "segment smb 2\nstage (none) 3\n");
    free(v);
    v = values("owner=ana");
    cr_assert_str_eq(v, "owner ana 2\nplan pro 2\nsegment mid 1\nsegment smb 1\n"
                        "stage (none) 2\n", "acme and cask");
    free(v);
    /* bolt moves to ana and to pro, a new account (eve's, no plan) arrives, cask leaves */
    char *out = NULL;
    bool created;
    const char *moved = "{\"owner\": \"ana\", \"plan\": \"pro\", \"stage\": \"renewal\"}";
    cr_assert_eq(lf_resource_write(lf, "accounts", "bolt", moved, strlen(moved), LF_WRITE_MERGE,
                                   &out, &created, &err), 0, "%s", err.msg);
    free(out);
    put("accounts", "{\"id\": \"dune\", \"owner\": \"eve\", \"segment\": \"mid\"}");
    cr_assert_eq(lf_resource_delete(lf, "accounts", "cask", "test", &err), 0, "%s", err.msg);
    /* now acme (ana, pro, smb), bolt (ana, pro, smb, renewal), dune (eve, no plan, mid) */
    v = values(NULL);
    cr_assert_str_eq(v, "owner ana 2\nowner eve 1\nplan (none) 1\nplan pro 2\nsegment mid 1\n"
                        "segment smb 2\nstage (none) 2\nstage renewal 1\n");
    free(v);
    v = values("owner=ana");
    cr_assert_str_eq(v, "owner ana 2\nplan pro 2\nsegment smb 2\nstage (none) 1\n"
                        "stage renewal 1\n", "acme and bolt");
    free(v);
    /* and the book itself, from the same kept rows */
    json_t *d = book((const char *[]){"where=owner=ana", NULL});
    cr_assert_eq(json_integer_value(json_object_get(d, "total")), 2);
    json_decref(d);
}

/* A page deep in the order (the heap keeps offset + limit rows, not all): every page of one
 * row, put together, is the whole book in the order of one page of all. */
Test(book, pages_put_together_are_the_whole_order)
{
    static const char *const sorts[] = {"-mrr", "name", "-renewal_days", "nps_last", NULL};
    for (size_t s = 0; sorts[s]; s++) {
        char sort[32];
        snprintf(sort, sizeof(sort), "sort=%s", sorts[s]);
        json_t *all = book((const char *[]){sort, "limit=0", NULL});
        for (size_t i = 0; i < 3; i++) {
            char off[32];
            snprintf(off, sizeof(off), "offset=%zu", i);
            json_t *one = book((const char *[]){sort, "limit=1", off, NULL});
            cr_assert_str_eq(text(row(one, 0), "account"), text(row(all, i), "account"),
                             "%s, row %zu", sorts[s], i);
            json_decref(one);
        }
        json_decref(all);
    }
}

/* A usage metric filtered to one account reads that account alone (store and engine); its row
 * is the account's row of the unfiltered answer. */
Test(book, one_account_s_usage_is_its_row_of_all)
{
    put("events", "{\"id\": \"m1\", \"ts\": \"2026-02-10T10:00:00Z\", \"account_id\": \"acme\", "
                  "\"user_id\": \"u1\", \"event\": \"login\"}");
    put("events", "{\"id\": \"m2\", \"ts\": \"2026-02-11T10:00:00Z\", \"account_id\": \"acme\", "
                  "\"user_id\": \"u2\", \"event\": \"export\"}");
    static const char *const metrics[] = {"seats", "recency", "portfolio", "adoption", NULL};
    for (size_t m = 0; metrics[m]; m++) {
        for (int which = 0; which < 2; which++) {
            const char *acc = which ? "bolt" : "acme";
            struct lf_table *all = NULL, *one = NULL;
            struct lf_args *a = lf_args_new(), *b = lf_args_new();
            lf_args_add(a, "now", "2026-02-15");
            lf_args_add(b, "now", "2026-02-15");
            lf_args_add(b, "account", acc);
            cr_assert_eq(lf_metric(lf, metrics[m], a, &all, &err), 0, "%s", err.msg);
            cr_assert_eq(lf_metric(lf, metrics[m], b, &one, &err), 0, "%s", err.msg);
            cr_assert_eq(lf_table_rows(one), 1, "%s of %s: one row", metrics[m], acc);
            size_t r = 0;
            while (r < lf_table_rows(all) && strcmp(lf_table_text(all, r, 0), acc))
                r++;
            cr_assert_lt(r, lf_table_rows(all), "%s has a row of %s", metrics[m], acc);
            cr_assert_eq(lf_table_columns(one), lf_table_columns(all));
            for (size_t c = 0; c < lf_table_columns(all); c++) {
                bool n1 = lf_table_is_null(one, 0, c), n2 = lf_table_is_null(all, r, c);
                cr_assert_eq(n1, n2, "%s.%s of %s", metrics[m], lf_table_column_name(all, c),
                             acc);
                if (n1)
                    continue;
                int type = lf_table_column_type(all, c);
                if (type == LF_COL_TEXT)
                    cr_assert_str_eq(lf_table_text(one, 0, c), lf_table_text(all, r, c));
                else if (type == LF_COL_INT || type == LF_COL_MONEY)
                    cr_assert_eq(lf_table_int(one, 0, c), lf_table_int(all, r, c));
                else
                    cr_assert_eq(lf_table_real(one, 0, c), lf_table_real(all, r, c),
                                 "%s.%s of %s", metrics[m], lf_table_column_name(all, c), acc);
            }
            lf_table_free(all);
            lf_table_free(one);
            lf_args_free(a);
            lf_args_free(b);
        }
    }
}

/* The health columns are the daily history's: the score and band of the latest day on or
 * before now's date and the change from 7 days before. Worked against the history itself (the
 * health-history metric reads the same table through another path): acme gets a detractor
 * between the two days, so its score of 2026-02-15 is below that of 2026-02-08. */
Test(book, health_of_the_history_with_its_change_and_colour_filter)
{
    json_t *d = book((const char *[]){"sort=account", NULL});
    cr_assert(null(row(d, 0), "health") && null(row(d, 0), "health_band"),
              "no history yet: no score, never a made-up one");
    json_decref(d);
    int64_t day8, day15;
    size_t scored;
    cr_assert_eq(lf_time_parse("2026-02-08", &day8, &err), 0);
    cr_assert_eq(lf_time_parse("2026-02-15", &day15, &err), 0);
    cr_assert_eq(lf_health_snapshot(lf, day8, &scored, &err), 0, "%s", err.msg);
    put("responses", "{\"id\": \"r5\", \"ts\": \"2026-02-10T10:00:00Z\", \"account_id\": \"acme\", "
                     "\"survey\": \"nps\", \"score\": 0}");
    cr_assert_eq(lf_health_snapshot(lf, day15, &scored, &err), 0, "%s", err.msg);
    cr_assert_gt(scored, 0);

    /* the history's scores of both days, by account */
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    lf_args_add(a, "from", "2026-02-01");
    lf_args_add(a, "to", "2026-02-16");
    lf_args_add(a, "now", "2026-02-16");
    cr_assert_eq(lf_metric(lf, "health-history", a, &t, &err), 0, "%s", err.msg);
    lf_args_free(a);
    struct { const char *id; json_int_t s8, s15; const char *band; } h[3] = {
        {"acme", -1, -1, NULL}, {"bolt", -1, -1, NULL}, {"cask", -1, -1, NULL}};
    size_t bands[4] = {0}; /* none, red, yellow, green on 2026-02-15 */
    static const char *const names[] = {"none", "red", "yellow", "green"};
    for (size_t r = 0; r < lf_table_rows(t); r++)
        for (size_t k = 0; k < 3; k++) {
            if (strcmp(lf_table_text(t, r, 0), h[k].id))
                continue;
            json_int_t s = lf_table_int(t, r, 2);
            if (!strcmp(lf_table_text(t, r, 1), "2026-02-08"))
                h[k].s8 = s;
            else if (!strcmp(lf_table_text(t, r, 1), "2026-02-15")) {
                h[k].s15 = s;
                h[k].band = lf_table_text(t, r, 3);
            }
        }
    for (size_t k = 0; k < 3; k++) {
        size_t b = 0;
        for (size_t n = 1; n < 4 && h[k].band; n++)
            if (!strcmp(h[k].band, names[n]))
                b = n;
        bands[b]++;
    }
    cr_assert(h[0].s8 >= 0 && h[0].s15 >= 0, "acme is scored on both days");
    cr_assert_lt(h[0].s15, h[0].s8, "the detractor of 2026-02-10 cost acme points");

    /* 2026-02-15 noon: that day is the latest on or before it */
    d = book((const char *[]){"sort=account", "now=2026-02-15T12:00:00Z", NULL});
    for (size_t k = 0; k < 3; k++) {
        json_t *r = row(d, k);
        cr_assert_str_eq(text(r, "account"), h[k].id);
        if (h[k].s15 < 0) {
            cr_assert(null(r, "health") && null(r, "health_change_7d"), "%s", h[k].id);
            continue;
        }
        cr_assert_eq(num(r, "health"), h[k].s15, "%s", h[k].id);
        cr_assert_str_eq(text(r, "health_band"), h[k].band, "%s", h[k].id);
        if (h[k].s8 < 0)
            cr_assert(null(r, "health_change_7d"));
        else
            cr_assert_eq(num(r, "health_change_7d"), h[k].s15 - h[k].s8, "%s", h[k].id);
    }
    json_decref(d);
    /* sorted by health, lowest first, the unscored last */
    d = book((const char *[]){"sort=health", "now=2026-02-15T12:00:00Z", NULL});
    json_int_t last = -1;
    bool unscored = false;
    for (size_t k = 0; k < 3; k++) {
        json_t *r = row(d, k);
        if (null(r, "health")) {
            unscored = true;
            continue;
        }
        cr_assert(!unscored && num(r, "health") >= last, "ascending, nulls last");
        last = num(r, "health");
    }
    json_decref(d);
    /* colour=BAND: exactly the accounts of that band on 2026-02-15 (none: without a score) */
    for (size_t n = 0; n < 4; n++) {
        char arg[32];
        snprintf(arg, sizeof(arg), "colour=%s", names[n]);
        d = book((const char *[]){arg, "now=2026-02-15T12:00:00Z", NULL});
        cr_assert_eq(json_integer_value(json_object_get(d, "total")), (json_int_t)bands[n], "%s",
                     arg);
        json_decref(d);
    }
    /* 2026-02-14: the latest day on or before it is 2026-02-08, with no day 7 before it */
    d = book((const char *[]){"sort=account", "now=2026-02-14T12:00:00Z", NULL});
    cr_assert_eq(num(row(d, 0), "health"), h[0].s8);
    cr_assert(null(row(d, 0), "health_change_7d"));
    json_decref(d);
    lf_table_free(t);
}
