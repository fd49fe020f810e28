/* feed.c - the running system through the public API: workspaces that see nothing of each
 * other, the change feed (after this handle's commits, and another process's once polled), and
 * the analytics engine following it, dimension changes included (issue 7, defect 2). */
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
    scratch_db_name(path, sizeof(path), "feed");
    cr_assert_eq(lf_open(path, &lf, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    lf_close(lf);
    scratch_db_remove(path);
}

TestSuite(core, .init = setup, .fini = teardown);

static void put(struct lf *h, const char *res, const char *body)
{
    char *out = NULL;
    cr_assert_eq(lf_resource_write(h, res, NULL, body, strlen(body), LF_WRITE_CREATE, &out, NULL,
                                   &err),
                 0, "%s: %s", body, err.msg);
    free(out);
}

static void patch(struct lf *h, const char *res, const char *key, const char *body)
{
    char *out = NULL;
    cr_assert_eq(lf_resource_write(h, res, key, body, strlen(body), LF_WRITE_MERGE, &out, NULL,
                                   &err),
                 0, "%s: %s", body, err.msg);
    free(out);
}

/* The ids of a resource listing, space-separated. */
static char *ids(struct lf *h, const char *res)
{
    struct lf_list_query q = {.limit = 100};
    char *out = NULL;
    cr_assert_eq(lf_resource_list(h, res, &q, &out, &err), 0, "%s", err.msg);
    json_t *j = json_loads(out, 0, NULL), *row;
    size_t i;
    static char buf[512];
    buf[0] = '\0';
    json_array_foreach(json_object_get(j, "data"), i, row) {
        strcat(buf, i ? " " : "");
        strcat(buf, json_string_value(json_object_get(row, "id")));
    }
    json_decref(j);
    free(out);
    return buf;
}

Test(core, workspaces_see_nothing_of_each_other)
{
    struct lf *other;
    cr_assert_eq(lf_workspace(lf, "other", true, &other, &err), 0, "%s", err.msg);
    put(lf, "accounts", "{\"id\": \"a1\", \"plan\": \"pro\"}");
    put(other, "accounts", "{\"id\": \"b1\"}");
    put(other, "accounts", "{\"id\": \"a1\", \"plan\": \"team\"}"); /* the same id is another row */
    cr_assert_str_eq(ids(lf, "accounts"), "a1");
    cr_assert_str_eq(ids(other, "accounts"), "b1 a1", "in creation order");
    char *out = NULL;
    cr_assert_eq(lf_resource_get(lf, "accounts", "b1", &out, &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
    cr_assert_eq(lf_resource_get(other, "accounts", "a1", &out, &err), 0);
    cr_assert(strstr(out, "\"team\""), "%s", out);
    free(out);
    /* a key belongs to its workspace: verifying it says which */
    char key[LF_KEY_SIZE];
    struct lf_key info, seen;
    struct lf_workspace_info wi;
    cr_assert_eq(lf_key_create(other, LF_SCOPE_READ, "k", key, &info, &err), 0, "%s", err.msg);
    cr_assert_eq(lf_key_verify(lf, key, &seen, &err), 0, "%s", err.msg);
    lf_workspace_info(other, &wi);
    cr_assert_eq(seen.workspace, wi.id);
    struct lf *by_id;
    cr_assert_eq(lf_workspace_by_id(lf, seen.workspace, &by_id, &err), 0, "%s", err.msg);
    cr_assert_str_eq(ids(by_id, "accounts"), "b1 a1");
    lf_close(by_id);
    /* a metric of one workspace counts only its rows */
    struct lf_table *t;
    struct lf_args *a = lf_args_new();
    lf_args_add(a, "now", "2026-01-01");
    cr_assert_eq(lf_metric(other, "nps", a, &t, &err), 0, "%s", err.msg);
    lf_table_free(t);
    lf_args_free(a);
    lf_close(other);
}

struct seen {
    int batches;
    char log[1024];
    int64_t events_upto;
};

static void on_batch(void *ctx, const struct lf_feed_batch *b)
{
    struct seen *s = ctx;
    s->batches++;
    for (size_t i = 0; i < b->nr; i++) {
        char one[96];
        snprintf(one, sizeof(one), "%s%s:%d", s->log[0] ? " " : "", b->changes[i].resource,
                 b->changes[i].op);
        strncat(s->log, one, sizeof(s->log) - strlen(s->log) - 1);
    }
    if (b->events_upto > s->events_upto)
        s->events_upto = b->events_upto;
}

Test(core, the_feed_publishes_every_commit)
{
    struct seen s = {0}, other_seen = {0};
    struct lf *other;
    cr_assert_eq(lf_workspace(lf, "other", true, &other, &err), 0);
    int id = lf_subscribe(lf, on_batch, &s);
    lf_subscribe(other, on_batch, &other_seen);
    put(lf, "accounts", "{\"id\": \"a1\"}");
    patch(lf, "accounts", "a1", "{\"plan\": \"pro\"}");
    patch(lf, "accounts", "a1", "{\"plan\": \"pro\"}"); /* unchanged: nothing published */
    put(lf, "mrr_changes", "{\"account_id\": \"a1\", \"date\": \"2025-01-01\", \"mrr\": 100}");
    put(lf, "events", "{\"id\": \"m1\", \"ts\": \"2025-06-01T10:00:00Z\", \"account_id\": \"a1\","
                      " \"event\": \"login\"}");
    cr_assert_str_eq(s.log, "accounts:1 accounts:2 mrr_changes:1");
    cr_assert_eq(s.batches, 4, "one batch per commit that changed something");
    cr_assert_eq(s.events_upto, 1, "the new event's id");
    cr_assert_str_eq(other_seen.log, "", "nothing of another workspace");
    /* another process (another handle on the file, its own connections) writes; a poll sees it */
    struct lf *process2;
    cr_assert_eq(lf_open(path, &process2, &err), 0, "%s", err.msg);
    put(process2, "contacts", "{\"id\": \"u1\", \"account_id\": \"a1\"}");
    lf_close(process2);
    cr_assert_eq(lf_feed_poll(lf, &err), 1, "%s", err.msg);
    cr_assert_str_eq(s.log, "accounts:1 accounts:2 mrr_changes:1 contacts:1");
    cr_assert_eq(lf_feed_poll(lf, &err), 0, "nothing new");
    lf_unsubscribe(lf, id);
    lf_close(other);
}

/* The value of column `col` in the row whose column `key_col` is `key`, as text. */
static char *cell(struct lf_table *t, const char *key_col, const char *key, const char *col)
{
    static char out[64];
    int kc = -1, vc = -1;
    for (size_t c = 0; c < lf_table_columns(t); c++) {
        if (strcmp(lf_table_column_name(t, c), key_col) == 0)
            kc = (int)c;
        if (strcmp(lf_table_column_name(t, c), col) == 0)
            vc = (int)c;
    }
    cr_assert(kc >= 0 && vc >= 0, "columns %s, %s", key_col, col);
    for (size_t r = 0; r < lf_table_rows(t); r++)
        if (!lf_table_is_null(t, r, (size_t)kc) && strcmp(lf_table_text(t, r, kc), key) == 0) {
            if (lf_table_is_null(t, r, (size_t)vc))
                return "null";
            if (lf_table_column_type(t, (size_t)vc) == LF_COL_TEXT)
                return (char *)lf_table_text(t, r, (size_t)vc);
            snprintf(out, sizeof(out), "%lld", (long long)lf_table_int(t, r, (size_t)vc));
            return out;
        }
    return "(no row)";
}

static struct lf_table *metric(const char *name, const char *by)
{
    struct lf_table *t;
    struct lf_args *a = lf_args_new();
    lf_args_add(a, "now", "2025-06-10");
    if (by)
        lf_args_add(a, "by", by);
    cr_assert_eq(lf_metric(lf, name, a, &t, &err), 0, "%s", err.msg);
    lf_args_free(a);
    return t;
}

/* Issue 7, defect 2: accounts first seen after the engine loaded showed with an empty id and
 * no plan, and a changed plan stayed stale until a rebuild. */
Test(core, the_engine_follows_new_accounts_and_changed_dimensions)
{
    put(lf, "accounts", "{\"id\": \"a1\", \"plan\": \"pro\", \"seats\": 5}");
    put(lf, "events", "{\"id\": \"m1\", \"ts\": \"2025-06-01T10:00:00Z\", \"account_id\": \"a1\","
                      " \"user_id\": \"u1\", \"event\": \"login\"}");
    cr_assert_eq(lf_engine_load(lf, &err), 0, "%s", err.msg);
    /* after the engine is in memory: a new account, its event, a plan change */
    put(lf, "accounts", "{\"id\": \"a2\", \"plan\": \"team\", \"seats\": 3}");
    put(lf, "events", "{\"id\": \"m2\", \"ts\": \"2025-06-02T10:00:00Z\", \"account_id\": \"a2\","
                      " \"user_id\": \"u2\", \"event\": \"export\"}");
    struct lf_table *t = metric("portfolio", NULL);
    cr_assert_str_eq(cell(t, "account", "a2", "plan"), "team");
    cr_assert_str_eq(cell(t, "account", "a2", "seats"), "3");
    cr_assert_str_eq(cell(t, "account", "a2", "mau"), "1");
    lf_table_free(t);
    patch(lf, "accounts", "a1", "{\"plan\": \"team\"}");
    t = metric("adoption", "plan");
    cr_assert_str_eq(cell(t, "plan", "team", "active_accounts"), "2",
                     "a1 moved to team: the engine follows the change");
    cr_assert_str_eq(cell(t, "plan", "pro", "active_accounts"), "(no row)");
    lf_table_free(t);
}
