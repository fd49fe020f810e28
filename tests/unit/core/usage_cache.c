/* usage_cache.c - the usage metrics' answers kept between calls of one running system
 * (src/metrics/usage_cache.c) are those computed afresh (LANDFALL_USAGE_CACHE=0) after every
 * kind of write through the handle: an event late in the past, an account's plan and start; a
 * repeated question computes no period, and the late event's day is the one computed again. */
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

static void write_row(const char *resource, const char *key, const char *body, int mode)
{
    char *out = NULL;
    bool created;
    cr_assert_eq(lf_resource_write(lf, resource, key, body, strlen(body), mode, &out, &created,
                                   &err),
                 0, "%s: %s", body, err.msg);
    free(out);
}

static void event(const char *id, const char *ts, const char *account, const char *user,
                  const char *name)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"id\": \"%s\", \"ts\": \"%s\", \"account_id\": \"%s\", \"user_id\": \"%s\", "
             "\"event\": \"%s\"}",
             id, ts, account, user, name);
    write_row("events", NULL, body, LF_WRITE_CREATE);
}

/* acme (pro, smb, a customer since 2025-12-01) and bolt (basic, mid, since 2026-01-10); four
 * events: acme's u1 logs in on 2026-01-05 and 2026-02-02, its u2 reports on 2026-01-06, bolt's
 * u3 logs in on 2026-01-20. */
static void setup(void)
{
    scratch_db_name(path, sizeof(path), "usagecache");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
    write_row("accounts", NULL,
              "{\"id\": \"acme\", \"name\": \"Acme\", \"plan\": \"pro\", \"segment\": \"smb\", "
              "\"customer_since\": \"2025-12-01\"}",
              LF_WRITE_CREATE);
    write_row("accounts", NULL,
              "{\"id\": \"bolt\", \"name\": \"Bolt\", \"plan\": \"basic\", \"segment\": \"mid\", "
              "\"customer_since\": \"2026-01-10\"}",
              LF_WRITE_CREATE);
    event("e1", "2026-01-05T10:00:00Z", "acme", "u1", "login");
    event("e2", "2026-01-06T10:00:00Z", "acme", "u2", "report");
    event("e3", "2026-01-20T10:00:00Z", "bolt", "u3", "login");
    event("e4", "2026-02-02T10:00:00Z", "acme", "u1", "login");
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(usage_cache, .init = setup, .fini = teardown);

/* The answer of metric `name` with "name=value" args (now=2026-02-15 added) as JSON text; the
 * caller frees it. fresh: computed without the cache. */
static char *answer(const char *name, const char *const *args, bool fresh)
{
    struct lf_args *a = lf_args_new();
    struct lf_table *t = NULL;
    char *text = NULL;
    size_t len = 0;
    lf_args_add(a, "now", "2026-02-15");
    for (size_t i = 0; args && args[i]; i++) {
        const char *eq = strchr(args[i], '=');
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - args[i]), args[i]);
        lf_args_add(a, key, eq + 1);
    }
    if (fresh)
        setenv("LANDFALL_USAGE_CACHE", "0", 1);
    int rc = lf_metric(lf, name, a, &t, &err);
    unsetenv("LANDFALL_USAGE_CACHE");
    cr_assert_eq(rc, 0, "%s: %s", name, err.msg);
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(lf_table_write(t, LF_FORMAT_JSON, f, &err), 0);
    fclose(f);
    lf_table_free(t);
    lf_args_free(a);
    return text;
}

struct query {
    const char *name;
    const char *args[4];
};
static const struct query queries[] = {
    {"dau", {"from=2026-01-01"}},
    {"wau", {NULL}},
    {"mau", {NULL}},
    {"mau", {"by=plan"}},
    {"stickiness", {"from=2026-01-01"}},
    {"features", {"days=7,30"}},
    {"feature-usage", {"from=2026-01-01"}},
    {"dau", {"from=2026-01-01", "where=segment=smb"}},
    {"wau", {"from=2026-01-03T12:00:00Z", "to=2026-02-10T08:30:00Z", "by=segment"}},
};

/* Every query's kept answer (asked twice) is the fresh one. */
static void expect_all_fresh(const char *when)
{
    for (size_t i = 0; i < sizeof(queries) / sizeof(*queries); i++)
        for (int twice = 0; twice < 2; twice++) {
            char *kept = answer(queries[i].name, queries[i].args, false);
            char *fresh = answer(queries[i].name, queries[i].args, true);
            cr_expect_str_eq(kept, fresh, "%s: %s %s", when, queries[i].name,
                             queries[i].args[0] ? queries[i].args[0] : "");
            free(kept);
            free(fresh);
        }
}

/* The users of day `day` in dau from 2026-01-01 (kept). */
static json_int_t users_on(const char *day)
{
    static const char *const args[] = {"from=2026-01-01", NULL};
    char *text = answer("dau", args, false);
    json_t *doc = json_loads(text, 0, NULL), *r;
    size_t i;
    json_int_t n = -1;
    cr_assert_not_null(doc, "%s", text);
    json_array_foreach(json_object_get(doc, "rows"), i, r)
        if (!strcmp(json_string_value(json_object_get(r, "day")), day))
            n = json_integer_value(json_object_get(r, "users"));
    cr_assert_neq(n, -1, "%s in %s", day, text);
    json_decref(doc);
    free(text);
    return n;
}

Test(usage_cache, kept_answers_follow_every_write)
{
    struct lf_usage_cache_stats s0, s1;
    expect_all_fresh("first");
    /* asked again, dau's 45 days (2026-01-01 to 2026-02-14, whole) are all kept */
    lf_usage_cache_stats(lf, &s0);
    cr_assert_eq(users_on("2026-01-05"), 1, "u1 alone");
    lf_usage_cache_stats(lf, &s1);
    cr_expect_eq(s1.periods_computed, s0.periods_computed, "no day computed again");
    cr_expect_eq(s1.periods_kept - s0.periods_kept, 45);

    /* an event late in the past: u5 on 2026-01-05, its day alone is computed again */
    event("e5", "2026-01-05T15:00:00Z", "acme", "u5", "export");
    lf_usage_cache_stats(lf, &s0);
    cr_expect_eq(users_on("2026-01-05"), 2, "u1 and u5");
    lf_usage_cache_stats(lf, &s1);
    cr_expect_eq(s1.periods_computed - s0.periods_computed, 1, "the late event's day only");
    expect_all_fresh("after a late event");

    /* a window whose cut ends move (as the page's move with the clock): kept while no event
     * lies between the old and the new cut, computed again when one does (e1, 2026-01-05 10:00,
     * leaves the first week when `from` passes it) */
    static const char *const cut[][3] = { /* the first week: Monday 2026-01-05 */
        {"from=2026-01-05T08:00:00Z", "to=2026-02-10T08:30:00Z", NULL},
        {"from=2026-01-05T09:00:00Z", "to=2026-02-11T08:30:00Z", NULL},
        {"from=2026-01-05T11:00:00Z", "to=2026-02-11T09:30:00Z", NULL}};
    uint64_t computed[3];
    for (size_t i = 0; i < 3; i++) {
        lf_usage_cache_stats(lf, &s0);
        char *kept = answer("wau", cut[i], false), *fresh = answer("wau", cut[i], true);
        lf_usage_cache_stats(lf, &s1);
        computed[i] = s1.periods_computed - s0.periods_computed;
        cr_expect_str_eq(kept, fresh, "wau %s %s", cut[i][0], cut[i][1]);
        free(kept);
        free(fresh);
    }
    cr_expect_eq(computed[1], 0, "no event between the cuts: every week kept");
    cr_expect_eq(computed[2], 1, "e1 between the cuts: its week computed again");

    /* bolt moves to pro and smb, acme's start moves to 2026-01-01: groups and curves change */
    write_row("accounts", "bolt", "{\"plan\": \"pro\", \"segment\": \"smb\"}", LF_WRITE_MERGE);
    write_row("accounts", "acme", "{\"customer_since\": \"2026-01-01\"}", LF_WRITE_MERGE);
    expect_all_fresh("after the accounts' changes");

    /* an event of now's own day, and one after now: neither in any window */
    event("e6", "2026-02-15T01:00:00Z", "bolt", "u3", "login");
    event("e7", "2026-03-01T00:00:00Z", "bolt", "u3", "login");
    expect_all_fresh("after events at and after now");
}
