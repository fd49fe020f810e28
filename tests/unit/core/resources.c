/* resources.c - the REST resources' use cases through the public API: create, get, list with
 * filters, sort and cursors, replace versus merge, references, MRR history, audited deletes. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landfall.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct lf *lf;
static struct lf_err err;

static void setup(void)
{
    scratch_db_name(path, sizeof(path), "res");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(resources, .init = setup, .fini = teardown);

/* Writes body and returns the stored row as JSON (the caller decrefs). */
static json_t *put(const char *res, const char *key, const char *body, int mode, bool *created)
{
    char *out = NULL;
    bool c;
    cr_assert_eq(lf_resource_write(lf, res, key, body, strlen(body), mode, &out, &c, &err), 0,
                 "%s: %s", body, err.msg);
    if (created)
        *created = c;
    json_t *j = json_loads(out, 0, NULL);
    free(out);
    cr_assert_not_null(j);
    return j;
}

static int write_fails(const char *res, const char *key, const char *body, int mode)
{
    char *out = NULL;
    bool c;
    cr_assert_eq(lf_resource_write(lf, res, key, body, strlen(body), mode, &out, &c, &err), -1,
                 "%s was accepted", body);
    return err.code;
}

static json_t *list(const char *res, const char *sort, const char *cursor, size_t limit,
                    const char *fname, const char *fvalue)
{
    const char *names[] = {fname}, *values[] = {fvalue};
    struct lf_list_query q = {.filter_names = names, .filter_values = values,
                              .filters_nr = fname ? 1 : 0, .sort = sort, .cursor = cursor,
                              .limit = limit};
    char *out = NULL;
    cr_assert_eq(lf_resource_list(lf, res, &q, &out, &err), 0, "%s", err.msg);
    json_t *j = json_loads(out, 0, NULL);
    free(out);
    return j;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

Test(resources, create_get_and_conflict)
{
    bool created;
    json_t *a = put("accounts", NULL,
                      "{\"id\":\"acme\",\"name\":\"Acme\",\"plan\":\"growth\",\"mrr\":50000,"
                      "\"customer_since\":\"2024-01-15\",\"attributes\":{\"region\":\"eu\"}}",
                      LF_WRITE_CREATE, &created);
    cr_assert(created);
    cr_assert_str_eq(str(a, "id"), "acme");
    cr_assert_str_eq(str(a, "currency"), "USD", "the default currency");
    cr_assert_eq(num(a, "mrr"), 50000);
    cr_assert_str_eq(str(a, "customer_since"), "2024-01-15");
    cr_assert_str_eq(str(json_object_get(a, "attributes"), "region"), "eu");
    json_decref(a);
    cr_assert_eq(write_fails("accounts", NULL, "{\"id\":\"acme\"}", LF_WRITE_CREATE),
                 LF_ECONFLICT);
    char *out = NULL;
    cr_assert_eq(lf_resource_get(lf, "accounts", "nope", &out, &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
    cr_assert_str_eq(err.msg, "no account 'nope'");
    cr_assert_eq(lf_resource_get(lf, "widgets", "x", &out, &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
}

Test(resources, bad_bodies_name_the_field)
{
    cr_assert_eq(write_fails("accounts", NULL, "{\"id\":\"a\",\"seats\":\"ten\"}", LF_WRITE_CREATE),
                 LF_EINVAL);
    cr_assert_str_eq(err.field, "seats");
    cr_assert_str_eq(err.msg, "'seats' must be an integer");
    write_fails("accounts", NULL, "{\"id\":\"a\",\"colour\":\"red\"}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.msg, "accounts have no field 'colour'");
    write_fails("accounts", NULL, "{\"id\":\"a\",\"currency\":\"euro\"}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.field, "currency");
    write_fails("accounts", NULL, "{\"id\":\"a\",\"stub\":true}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.msg, "'stub' is set by landfall");
    write_fails("accounts", NULL, "{\"name\":\"no id\"}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.msg, "'id' is required");
    write_fails("accounts", NULL, "[1,2]", LF_WRITE_CREATE);
    cr_assert_str_eq(err.msg, "the body must be a JSON object");
    write_fails("accounts", NULL, "{\"id\":", LF_WRITE_CREATE);
    cr_assert(strstr(err.msg, "the body is not JSON"), "%s", err.msg);
    write_fails("touchpoints", NULL, "{\"id\":\"t\",\"ts\":\"2024-01-01\",\"team\":\"legal\"}",
                LF_WRITE_CREATE);
    cr_assert_str_eq(err.field, "team");
    write_fails("contacts", NULL, "{\"id\":\"u\",\"account_id\":\"ghost\"}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.msg, "account 'ghost' does not exist");
    write_fails("responses", NULL, "{\"id\":\"r\",\"ts\":\"2024-01-01\",\"survey\":\"nps\","
                "\"score\":11}", LF_WRITE_CREATE);
    cr_assert_str_eq(err.field, "score");
    cr_assert_str_eq(err.msg, "score 11 is outside nps's scale 0..10");
    cr_assert_eq(write_fails("surveys", "nps", "{\"kind\":\"nps\",\"scale_min\":0,"
                             "\"scale_max\":5,\"higher_is_better\":true}", LF_WRITE_REPLACE),
                 LF_ECONFLICT);
}

Test(resources, replace_clears_merge_keeps)
{
    json_decref(put("accounts", NULL, "{\"id\":\"a\",\"name\":\"A\",\"plan\":\"growth\"}",
                      LF_WRITE_CREATE, NULL));
    bool created = true;
    json_t *m = put("accounts", "a", "{\"plan\":\"business\"}", LF_WRITE_MERGE, &created);
    cr_assert_not(created);
    cr_assert_str_eq(str(m, "name"), "A", "a merge keeps the name");
    cr_assert_str_eq(str(m, "plan"), "business");
    json_decref(m);
    json_t *r = put("accounts", "a", "{\"plan\":\"starter\"}", LF_WRITE_REPLACE, NULL);
    cr_assert(json_is_null(json_object_get(r, "name")), "a replace clears the name");
    cr_assert_str_eq(str(r, "currency"), "USD", "and restores the default currency");
    json_decref(r);
    cr_assert_eq(write_fails("accounts", "zzz", "{\"plan\":\"x\"}", LF_WRITE_MERGE), LF_ENOENT);
    json_t *p = put("accounts", "new", "{\"plan\":\"x\"}", LF_WRITE_REPLACE, &created);
    cr_assert(created, "PUT creates an ext-keyed row");
    json_decref(p);
}

Test(resources, mrr_changes_move_the_account)
{
    json_decref(put("accounts", NULL, "{\"id\":\"a\"}", LF_WRITE_CREATE, NULL));
    json_t *c = put("mrr_changes", NULL,
                      "{\"account_id\":\"a\",\"date\":\"2024-02-01\",\"mrr\":1200}",
                      LF_WRITE_CREATE, NULL);
    long long id = num(c, "id");
    cr_assert_gt(id, 0);
    json_decref(c);
    char *out, key[32];
    cr_assert_eq(lf_resource_get(lf, "accounts", "a", &out, &err), 0);
    cr_assert(strstr(out, "\"mrr\":1200"), "%s", out);
    free(out);
    snprintf(key, sizeof(key), "%lld", id);
    json_decref(put("mrr_changes", key, "{\"mrr\":900}", LF_WRITE_MERGE, NULL));
    cr_assert_eq(lf_resource_get(lf, "accounts", "a", &out, &err), 0);
    cr_assert(strstr(out, "\"mrr\":900"), "%s", out);
    free(out);
    cr_assert_eq(write_fails("mrr_changes", NULL,
                             "{\"account_id\":\"a\",\"date\":\"2024-02-01\",\"mrr\":5}",
                             LF_WRITE_CREATE),
                 LF_ECONFLICT, "one point per account and day");
    /* Deleting the account's only change leaves it at 0, and the delete is in the audit log. */
    cr_assert_eq(lf_resource_delete(lf, "mrr_changes", key, "test", &err), 0, "%s", err.msg);
    cr_assert_eq(lf_resource_get(lf, "accounts", "a", &out, &err), 0);
    cr_assert(strstr(out, "\"mrr\":0"), "%s", out);
    free(out);
}

Test(resources, list_filters_sorts_and_pages)
{
    char body[128];
    for (int i = 0; i < 25; i++) {
        snprintf(body, sizeof(body), "{\"id\":\"acct-%02d\",\"plan\":\"%s\",\"seats\":%d}", i,
                 i % 2 ? "growth" : "starter", (i * 7) % 25);
        json_decref(put("accounts", NULL, body, LF_WRITE_CREATE, NULL));
    }
    /* 12 odd accounts are on growth. */
    json_t *g = list("accounts", NULL, NULL, 100, "plan", "growth");
    cr_assert_eq(json_array_size(json_object_get(g, "data")), 12);
    cr_assert(json_is_null(json_object_get(g, "next_cursor")));
    json_decref(g);
    /* Seats (i*7 mod 25) are a permutation of 0..24: pages of 10 by -seats give 24..15, 14..5,
     * 4..0, with no row twice. */
    const char *cursor = NULL;
    json_t *pages[3];
    int expect = 24;
    for (int p = 0; p < 3; p++) {
        pages[p] = list("accounts", "-seats", cursor, 10, NULL, NULL);
        json_t *data = json_object_get(pages[p], "data");
        cr_assert_eq(json_array_size(data), p < 2 ? 10 : 5);
        for (size_t i = 0; i < json_array_size(data); i++)
            cr_assert_eq(num(json_array_get(data, i), "seats"), expect--);
        cursor = str(pages[p], "next_cursor");
    }
    cr_assert_null(cursor, "the last page has no next cursor");
    for (int p = 0; p < 3; p++)
        json_decref(pages[p]);
    const char *names[] = {"colour"}, *values[] = {"red"};
    struct lf_list_query q = {.filter_names = names, .filter_values = values, .filters_nr = 1};
    char *out;
    cr_assert_eq(lf_resource_list(lf, "accounts", &q, &out, &err), -1);
    cr_assert_str_eq(err.field, "colour");
    struct lf_list_query bad = {.cursor = "zz"};
    cr_assert_eq(lf_resource_list(lf, "accounts", &bad, &out, &err), -1);
    cr_assert_str_eq(err.field, "cursor");
}

Test(resources, delete_refuses_referenced_rows_and_audits)
{
    json_decref(put("accounts", NULL, "{\"id\":\"a\"}", LF_WRITE_CREATE, NULL));
    json_decref(put("contacts", NULL, "{\"id\":\"u\",\"account_id\":\"a\"}", LF_WRITE_CREATE,
                      NULL));
    cr_assert_eq(lf_resource_delete(lf, "accounts", "a", "tester", &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    cr_assert_eq(lf_resource_delete(lf, "contacts", "u", "tester", &err), 0, "%s", err.msg);
    cr_assert_eq(lf_resource_delete(lf, "accounts", "a", "tester", &err), 0, "%s", err.msg);
    cr_assert_eq(lf_resource_delete(lf, "accounts", "a", "tester", &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
    json_t *l = list("accounts", NULL, NULL, 10, NULL, NULL);
    cr_assert_eq(json_array_size(json_object_get(l, "data")), 0);
    json_decref(l);
    cr_assert_eq(lf_resource_delete(lf, "surveys", "nps", "tester", &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
}
