/* sqlite.c - the SQLite store: migrations, refusal of newer schemas, upsert semantics (inserted /
 * updated / unchanged, NULL keeps), the MRR history kept in step with accounts, event
 * de-duplication, scans, clearing a workspace. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

static char path[64];
static struct store *st;
static int64_t ws;
static struct lf_err err;

static void open_fresh(void)
{
    snprintf(path, sizeof(path), "/tmp/landfall-unit-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(store_open(path, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &ws, &err), 0, "%s", err.msg);
}

static void close_and_remove(void)
{
    store_free(st);
    st = NULL;
    char p[80];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static int64_t sql_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

TestSuite(store, .init = open_fresh, .fini = close_and_remove);

Test(store, migrates_an_empty_database)
{
    cr_assert_eq(sql_int("PRAGMA user_version"), store_schema_version());
    cr_assert_eq(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                         "('workspaces','accounts','contacts','mrr_changes','orders','events',"
                         "'touchpoints','surveys','responses','outcomes','scorecards',"
                         "'health_scores','rules','tasks','users','api_keys')"),
                 16);
    cr_assert_eq(sql_int("SELECT count(*) FROM surveys"), 3, "nps, csat and ces are built in");
    /* Opening again changes nothing and finds the same workspace. */
    int64_t again;
    store_free(st);
    cr_assert_eq(store_open(path, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &again, &err), 0);
    cr_assert_eq(again, ws);
    cr_assert_eq(sql_int("SELECT count(*) FROM workspaces"), 1);
}

Test(store, refuses_a_newer_schema)
{
    store_free(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(store_open(path, &st, &err), -1);
    cr_assert_eq(err.code, LF_ESCHEMA);
    cr_assert(strstr(err.msg, "schema version 999, newer than this landfall"), "%s", err.msg);
    cr_assert_null(st);
}

Test(store, account_upsert_reports_what_it_did)
{
    struct account a = {.ext_id = "acme", .name = "Acme", .plan = "growth", .currency = "EUR",
                        .mrr = LF_UNSET, .seats = 10, .customer_since = LF_UNSET,
                        .renewal_date = LF_UNSET};
    int64_t id, id2;
    enum store_change ch;
    cr_assert_eq(store_account_upsert(st, ws, &a, 0, &id, &ch, &err), 0, "%s", err.msg);
    cr_assert_eq(ch, STORE_INSERTED);
    cr_assert_eq(store_account_upsert(st, ws, &a, 0, &id2, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UNCHANGED);
    cr_assert_eq(id2, id);
    /* A row that gives only the plan changes the plan and keeps the rest. */
    struct account b = {.ext_id = "acme", .plan = "business", .mrr = LF_UNSET, .seats = LF_UNSET,
                        .customer_since = LF_UNSET, .renewal_date = LF_UNSET};
    cr_assert_eq(store_account_upsert(st, ws, &b, 0, &id2, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT seats FROM accounts WHERE ext_id = 'acme' AND name = 'Acme' "
                         "AND plan = 'business' AND currency = 'EUR'"),
                 10);
    /* A stub never overwrites, and a real row clears the stub flag. */
    struct account stub = {.ext_id = "beta", .stub = true, .mrr = LF_UNSET, .seats = LF_UNSET,
                           .customer_since = LF_UNSET, .renewal_date = LF_UNSET};
    cr_assert_eq(store_account_upsert(st, ws, &stub, 0, &id2, &ch, &err), 0);
    cr_assert_eq(ch, STORE_INSERTED);
    cr_assert_eq(store_account_find(st, ws, "beta", &id2, &err), 1);
    cr_assert_eq(store_account_find(st, ws, "gamma", &id2, &err), 0);
    stub.stub = false;
    stub.name = "Beta";
    cr_assert_eq(store_account_upsert(st, ws, &stub, 0, &id2, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT stub FROM accounts WHERE ext_id = 'beta'"), 0);
}

Test(store, mrr_history_follows_accounts)
{
    int64_t day1 = 1704067200000LL, day2 = 1706745600000LL, today = 1709251200000LL;
    struct account a = {.ext_id = "acme", .mrr = 50000, .seats = LF_UNSET,
                        .customer_since = day1, .renewal_date = LF_UNSET};
    int64_t id;
    enum store_change ch;
    /* No history: the account's MRR starts its history at customer_since. */
    cr_assert_eq(store_account_upsert(st, ws, &a, today, &id, &ch, &err), 0, "%s", err.msg);
    cr_assert_eq(sql_int("SELECT date FROM mrr_changes WHERE mrr = 50000"), day1);
    /* Same MRR again: nothing new. */
    cr_assert_eq(store_account_upsert(st, ws, &a, today, &id, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UNCHANGED);
    cr_assert_eq(sql_int("SELECT count(*) FROM mrr_changes"), 1);
    /* An explicit change moves the account's current MRR to its latest point. */
    struct mrr_change m = {.account_id = id, .date = day2, .mrr = 70000};
    cr_assert_eq(store_mrr_change_upsert(st, ws, &m, &ch, &err), 0);
    cr_assert_eq(ch, STORE_INSERTED);
    cr_assert_eq(sql_int("SELECT mrr FROM accounts WHERE id = 1"), 70000);
    cr_assert_eq(store_mrr_change_upsert(st, ws, &m, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UNCHANGED);
    /* A different MRR on the account is recorded as a change dated today. */
    a.mrr = 0;
    cr_assert_eq(store_account_upsert(st, ws, &a, today, &id, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT mrr FROM mrr_changes WHERE date = 1709251200000"), 0);
    cr_assert_eq(sql_int("SELECT mrr FROM accounts WHERE id = 1"), 0);
}

static int count_event(void *ctx, const struct event *e, struct lf_err *e2)
{
    (void)e2;
    int *n = ctx;
    cr_assert_str_eq(e->name, *n == 0 ? "login" : "export");
    cr_assert_eq(e->has_value, *n == 1);
    if (e->has_value)
        cr_assert_float_eq(e->value, 2.5, 1e-12);
    (*n)++;
    return 0;
}

Test(store, events_deduplicate_by_message_id)
{
    struct event e = {.message_id = "m1", .name = "login", .ts = 1000, .value = NAN};
    enum store_change ch;
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_event_append(st, ws, &e, &ch, &err), 0, "%s", err.msg);
    cr_assert_eq(ch, STORE_INSERTED);
    cr_assert_eq(store_event_append(st, ws, &e, &ch, &err), 0);
    cr_assert_eq(ch, STORE_UNCHANGED);
    struct event f = {.message_id = "m2", .name = "export", .ts = 2000, .value = 2.5,
                      .has_value = true};
    cr_assert_eq(store_event_append(st, ws, &f, &ch, &err), 0);
    cr_assert_eq(store_commit(st, &err), 0);
    int n = 0;
    cr_assert_eq(store_events_scan(st, ws, 0, count_event, &n, &err), 0);
    cr_assert_eq(n, 2);
    n = 1;
    cr_assert_eq(store_events_scan(st, ws, 1, count_event, &n, &err), 0, "after the first id");
    cr_assert_eq(n, 2);
    cr_assert_eq(sql_int("SELECT count(*) FROM event_names"), 2);
}

Test(store, rollback_discards_and_clear_empties)
{
    struct account a = {.ext_id = "acme", .mrr = LF_UNSET, .seats = LF_UNSET,
                        .customer_since = LF_UNSET, .renewal_date = LF_UNSET};
    int64_t id;
    enum store_change ch;
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_account_upsert(st, ws, &a, 0, &id, &ch, &err), 0);
    store_rollback(st);
    struct store_counts c;
    cr_assert_eq(store_counts(st, ws, &c, &err), 0);
    cr_assert_eq(c.accounts, 0);
    cr_assert_eq(store_account_upsert(st, ws, &a, 0, &id, &ch, &err), 0);
    struct contact ct = {.ext_id = "u1", .account_id = id, .created_at = LF_UNSET};
    cr_assert_eq(store_contact_upsert(st, ws, &ct, &id, &ch, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_clear(st, ws, &err), 0, "%s", err.msg);
    cr_assert_eq(store_counts(st, ws, &c, &err), 0);
    cr_assert_eq(c.accounts + c.contacts, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM surveys"), 3, "built-in surveys stay");
}
