/* sqlite.c - the store over SQLite: migrations and refusal of newer schemas, the one write path
 * (inserted / updated / unchanged, merge and replace, required fields, references and stubs,
 * units that fail together), its hooks (the MRR history, a contact's account), the change log,
 * event de-duplication, audited deletes, and reads that never keep a stale snapshot. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct store *st;
static int64_t ws;
static struct lf_err err;

#define DAY 86400000LL
#define NOW 1767225600000LL /* 2026-01-01 */

static void open_fresh(void)
{
    struct store_workspace w;
    scratch_db_name(path, sizeof(path), "unit");
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
}

static void close_and_remove(void)
{
    store_free(st);
    st = NULL;
    scratch_db_remove(path);
}

static int64_t sql_int(const char *sql)
{
    return scratch_db_int(path, sql);
}

/* Writes rows in one transaction; asserts the store did not fail. */
static void put(struct store_row *rows, size_t nr, unsigned flags)
{
    struct store_write_opts o = {.flags = flags, .now = NOW};
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_write(st, ws, rows, nr, &o, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
}

static struct store_row account(const char *id, int mode)
{
    struct store_row r;
    store_row_init(&r, &resource_accounts, mode);
    store_row_text(&r, ACCOUNT_ID, id);
    return r;
}

TestSuite(store, .init = open_fresh, .fini = close_and_remove);

Test(store, migrates_an_empty_database)
{
    bool pg = scratch_db_pg(); /* the version: PRAGMA user_version or the landfall_schema row */
    cr_assert_eq(sql_int(pg ? "SELECT version FROM landfall_schema" : "PRAGMA user_version"),
                 store_schema_version());
    cr_assert_eq(sql_int(pg ? "SELECT count(*) FROM information_schema.tables WHERE "
                              "table_schema = 'public' AND table_name IN "
                              "('workspaces','accounts','contacts','mrr_changes','orders','events',"
                              "'touchpoints','surveys','responses','outcomes','scorecards',"
                              "'health_scores','rules','tasks','users','api_keys','changes')"
                            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                              "('workspaces','accounts','contacts','mrr_changes','orders','events',"
                              "'touchpoints','surveys','responses','outcomes','scorecards',"
                              "'health_scores','rules','tasks','users','api_keys','changes')"),
                 17);
    cr_assert_eq(sql_int("SELECT count(*) FROM surveys"), 3, "nps, csat and ces are built in");
    /* Opening again changes nothing and finds the same workspace. */
    struct store_workspace again;
    store_free(st);
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &again, &err), 0);
    cr_assert_eq(again.id, ws);
    cr_assert_str_eq(again.time_zone, "UTC");
    cr_assert_eq(sql_int("SELECT count(*) FROM workspaces"), 1);
}

Test(store, refuses_a_newer_schema_and_a_missing_store)
{
    store_free(st);
    scratch_db_exec(path, scratch_db_pg() ? "UPDATE landfall_schema SET version = 999"
                                          : "PRAGMA user_version = 999");
    cr_assert_eq(store_open(path, NULL, &st, &err), -1);
    cr_assert_eq(err.code, LF_ESCHEMA);
    cr_assert(strstr(err.msg, "schema version 999, newer than this landfall"), "%s", err.msg);
    cr_assert_null(st);
    if (scratch_db_pg())
        return; /* a database is made by its administrator: no file to find missing */
    /* a read command's open: a store that is not there is an error, and is not created */
    struct store_open_opts must = {.create = false};
    cr_assert_eq(store_open("/tmp/landfall-no-such-store.db", &must, &st, &err), -1);
    cr_assert_eq(err.code, LF_ENOENT);
    cr_assert_eq(access("/tmp/landfall-no-such-store.db", F_OK), -1);
}

Test(store, upserts_report_what_they_did)
{
    struct store_row a = account("acme", STORE_UPSERT);
    store_row_text(&a, ACCOUNT_NAME, "Acme");
    store_row_text(&a, ACCOUNT_PLAN, "growth");
    store_row_text(&a, ACCOUNT_CURRENCY, "EUR");
    store_row_int(&a, ACCOUNT_SEATS, 10);
    put(&a, 1, 0);
    cr_assert_eq(a.change, STORE_INSERTED);
    int64_t id = a.id;
    put(&a, 1, 0);
    cr_assert_eq(a.change, STORE_UNCHANGED, "the same row again changes nothing");
    cr_assert_eq(a.id, id);
    /* a row that gives only the plan changes the plan and keeps the rest */
    struct store_row b = account("acme", STORE_UPSERT);
    store_row_text(&b, ACCOUNT_PLAN, "business");
    put(&b, 1, 0);
    cr_assert_eq(b.change, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT seats FROM accounts WHERE ext_id = 'acme' AND name = 'Acme' "
                         "AND plan = 'business' AND currency = 'EUR'"),
                 10);
    /* a replace clears what it does not give (the currency falls back to its default) */
    struct store_row c = account("acme", STORE_REPLACE);
    store_row_text(&c, ACCOUNT_NAME, "Acme Inc");
    put(&c, 1, 0);
    cr_assert_eq(c.change, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT seats IS NULL AND plan IS NULL AND currency = 'USD' FROM "
                         "accounts WHERE ext_id = 'acme'"),
                 1);
    /* a merge of a row that does not exist, and a create of one that does, are refused */
    struct store_row m = account("nobody", STORE_MERGE);
    store_row_text(&m, ACCOUNT_NAME, "x");
    struct store_row k = account("acme", STORE_CREATE);
    put(&m, 1, 0);
    put(&k, 1, 0);
    cr_assert_eq(m.err.code, LF_ENOENT);
    cr_assert_eq(k.err.code, LF_ECONFLICT);
}

Test(store, checks_every_field_and_names_it)
{
    static const struct {
        size_t field;
        const char *text;
        int64_t num;
        const char *field_name;
    } bad[] = {
        {ACCOUNT_CURRENCY, "usd", 0, "currency"}, /* not ISO 4217 */
        {ACCOUNT_SEATS, NULL, -1, "seats"},       /* negative */
        {ACCOUNT_MRR, NULL, -5, "mrr"},           /* negative money */
        {ACCOUNT_NAME, "\xff\xfe", 0, "name"},    /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct store_row a = account("acme", STORE_UPSERT);
        if (bad[i].text)
            store_row_text(&a, bad[i].field, bad[i].text);
        else
            store_row_int(&a, bad[i].field, bad[i].num);
        put(&a, 1, 0);
        cr_assert_eq(a.err.code, LF_EINVAL, "case %zu", i);
        cr_assert_str_eq(a.err.field, bad[i].field_name);
    }
    /* an event far in the future, and one before 1970 */
    struct store_row e;
    store_row_init(&e, &resource_events, STORE_UPSERT);
    store_row_text(&e, EVENT_ID, "m1");
    store_row_text(&e, EVENT_NAME, "login");
    store_row_ref(&e, EVENT_ACCOUNT, "acme", 0);
    store_row_int(&e, EVENT_TS, NOW + 2 * DAY);
    put(&e, 1, STORE_STUBS);
    cr_assert_eq(e.err.code, LF_EINVAL);
    cr_assert_str_eq(e.err.field, "ts");
    store_row_int(&e, EVENT_TS, -1);
    put(&e, 1, STORE_STUBS);
    cr_assert_str_eq(e.err.field, "ts");
    cr_assert_eq(sql_int("SELECT count(*) FROM accounts"), 0, "nothing of a refused row stays");
    /* a new touchpoint without its required time */
    struct store_row t;
    store_row_init(&t, &resource_touchpoints, STORE_UPSERT);
    store_row_text(&t, TP_ID, "t1");
    put(&t, 1, 0);
    cr_assert_str_eq(t.err.field, "ts");
}

Test(store, references_resolve_or_stub_or_refuse)
{
    struct store_row c;
    store_row_init(&c, &resource_contacts, STORE_UPSERT);
    store_row_text(&c, CONTACT_ID, "u1");
    store_row_ref(&c, CONTACT_ACCOUNT, "acme", 0);
    put(&c, 1, 0);
    cr_assert_eq(c.err.code, LF_EINVAL, "without STORE_STUBS an unknown account is refused");
    cr_assert_str_eq(c.err.field, "account_id");
    put(&c, 1, STORE_STUBS);
    cr_assert_eq(c.err.code, 0);
    cr_assert_eq(c.stubbed, 1u << CONTACT_ACCOUNT);
    cr_assert_eq(sql_int("SELECT stub FROM accounts WHERE ext_id = 'acme'"), 1);
    /* a real row of the stub clears the flag */
    struct store_row a = account("acme", STORE_UPSERT);
    store_row_text(&a, ACCOUNT_NAME, "Acme");
    put(&a, 1, 0);
    cr_assert_eq(a.change, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT stub FROM accounts WHERE ext_id = 'acme'"), 0);
}

Test(store, a_unit_succeeds_or_fails_whole)
{
    struct store_row rows[2];
    rows[0] = account("acme", STORE_UPSERT);
    store_row_init(&rows[1], &resource_contacts, STORE_UPSERT);
    store_row_text(&rows[1], CONTACT_ID, "u1");
    store_row_text(&rows[1], CONTACT_EMAIL, "not an address");
    rows[0].unit = rows[1].unit = 7;
    put(rows, 2, 0);
    cr_assert_eq(rows[0].err.code, LF_EINVAL, "the whole unit is refused");
    cr_assert(!rows[0].culprit);
    cr_assert(rows[1].culprit);
    cr_assert_str_eq(rows[1].err.field, "email");
    cr_assert_eq(sql_int("SELECT count(*) FROM accounts"), 0);
}

Test(store, the_mrr_history_follows_accounts)
{
    int64_t day1 = 1704067200000LL, day2 = 1706745600000LL, today = NOW - NOW % DAY;
    struct store_row a = account("acme", STORE_UPSERT);
    store_row_int(&a, ACCOUNT_MRR, 50000);
    store_row_int(&a, ACCOUNT_SINCE, day1);
    /* no history: the account's MRR starts it at customer_since */
    put(&a, 1, 0);
    cr_assert_eq(sql_int("SELECT date FROM mrr_changes WHERE mrr = 50000"), day1);
    put(&a, 1, 0);
    cr_assert_eq(a.change, STORE_UNCHANGED, "the same MRR again: nothing new");
    cr_assert_eq(sql_int("SELECT count(*) FROM mrr_changes"), 1);
    /* an explicit change moves the account's current MRR to its latest point */
    struct store_row m;
    store_row_init(&m, &resource_mrr_changes, STORE_UPSERT);
    store_row_ref(&m, MRR_ACCOUNT, "acme", 0);
    store_row_int(&m, MRR_DATE, day2);
    store_row_int(&m, MRR_MRR, 70000);
    put(&m, 1, 0);
    cr_assert_eq(m.change, STORE_INSERTED);
    cr_assert_eq(sql_int("SELECT mrr FROM accounts WHERE ext_id = 'acme'"), 70000);
    put(&m, 1, 0);
    cr_assert_eq(m.change, STORE_UNCHANGED, "found by its identity (account, date)");
    /* a different MRR on the account is recorded as a change dated today */
    store_row_int(&a, ACCOUNT_MRR, 0);
    put(&a, 1, 0);
    cr_assert_eq(a.change, STORE_UPDATED);
    cr_assert_eq(sql_int("SELECT count(*) FROM mrr_changes WHERE mrr = 0 AND date = 1767225600000"), 1);
    cr_assert_eq(today, 1767225600000LL);
    cr_assert_eq(sql_int("SELECT mrr FROM accounts WHERE ext_id = 'acme'"), 0);
}

Test(store, rows_take_and_give_their_contacts_account)
{
    struct store_row rows[3];
    /* a contact without an account, then an event naming it and an account: it joins it */
    store_row_init(&rows[0], &resource_contacts, STORE_UPSERT);
    store_row_text(&rows[0], CONTACT_ID, "u1");
    store_row_init(&rows[1], &resource_events, STORE_UPSERT);
    store_row_text(&rows[1], EVENT_ID, "m1");
    store_row_int(&rows[1], EVENT_TS, NOW - DAY);
    store_row_text(&rows[1], EVENT_NAME, "login");
    store_row_ref(&rows[1], EVENT_CONTACT, "u1", 0);
    store_row_ref(&rows[1], EVENT_ACCOUNT, "acme", 0);
    /* a later event naming only the user is the user's account's */
    store_row_init(&rows[2], &resource_events, STORE_UPSERT);
    store_row_text(&rows[2], EVENT_ID, "m2");
    store_row_int(&rows[2], EVENT_TS, NOW - DAY);
    store_row_text(&rows[2], EVENT_NAME, "export");
    store_row_ref(&rows[2], EVENT_CONTACT, "u1", 0);
    put(rows, 3, STORE_STUBS);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(rows[i].err.code, 0, "%d: %s", i, rows[i].err.msg);
    cr_assert_eq(sql_int("SELECT a.ext_id = 'acme' FROM contacts c JOIN accounts a ON "
                         "a.id = c.account_id WHERE c.ext_id = 'u1'"),
                 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM events WHERE account_id = (SELECT id FROM "
                         "accounts WHERE ext_id = 'acme')"),
                 2);
}

Test(store, responses_stay_on_their_surveys_scale)
{
    struct store_row r;
    store_row_init(&r, &resource_responses, STORE_UPSERT);
    store_row_text(&r, RESP_ID, "r1");
    store_row_int(&r, RESP_TS, NOW - DAY);
    store_row_ref(&r, RESP_SURVEY, "csat", 0);
    store_row_int(&r, RESP_SCORE, 6);
    put(&r, 1, 0);
    cr_assert_str_eq(r.err.field, "score");
    cr_assert(strstr(r.err.msg, "outside csat's scale 1..5"), "%s", r.err.msg);
    store_row_int(&r, RESP_SCORE, 5);
    put(&r, 1, 0);
    cr_assert_eq(r.change, STORE_INSERTED, "%s", r.err.msg);
    /* the built-in surveys cannot change */
    struct store_row s;
    store_row_init(&s, &resource_surveys, STORE_UPSERT);
    store_row_text(&s, SURVEY_ID, "nps");
    store_row_int(&s, SURVEY_MAX, 20);
    put(&s, 1, 0);
    cr_assert_eq(s.err.code, LF_ECONFLICT);
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
    struct store_row e[3];
    for (int i = 0; i < 3; i++) {
        store_row_init(&e[i], &resource_events, STORE_UPSERT);
        store_row_text(&e[i], EVENT_ID, i < 2 ? "m1" : "m2");
        store_row_int(&e[i], EVENT_TS, 1000 * (i + 1));
        store_row_text(&e[i], EVENT_NAME, i < 2 ? "login" : "export");
        store_row_ref(&e[i], EVENT_ACCOUNT, "acme", 0);
    }
    store_row_real(&e[2], EVENT_VALUE, 2.5);
    put(e, 3, STORE_STUBS);
    cr_assert_eq(e[0].change, STORE_INSERTED);
    cr_assert_eq(e[1].change, STORE_UNCHANGED, "a retried message id is stored once");
    cr_assert_eq(e[2].change, STORE_INSERTED);
    int n = 0;
    cr_assert_eq(store_events_scan(st, ws, 0, count_event, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(sql_int("SELECT count(*) FROM event_names"), 2);
}

static int collect(void *ctx, const struct store_change_rec *c, struct lf_err *e)
{
    (void)e;
    struct store_change_rec *out = ctx;
    out[c->seq - 1] = *c;
    return 0;
}

Test(store, the_change_log_records_every_change_in_order)
{
    struct store_row a = account("acme", STORE_UPSERT);
    put(&a, 1, 0);                /* 1: the account inserted */
    store_row_text(&a, ACCOUNT_PLAN, "growth");
    put(&a, 1, 0);                /* 2: updated */
    put(&a, 1, 0);                /* unchanged: nothing logged */
    struct store_row c;
    store_row_init(&c, &resource_contacts, STORE_UPSERT);
    store_row_text(&c, CONTACT_ID, "u1");
    store_row_ref(&c, CONTACT_ACCOUNT, "acme", 0);
    put(&c, 1, 0);                /* 3: a contact of acme */
    cr_assert_eq(store_begin(st, &err), 0);
    struct value key = {.s = "u1"};
    cr_assert_eq(store_delete(st, ws, &resource_contacts, &key, "test", "{}", &err), 1,
                 "%s", err.msg);    /* 4: deleted */
    cr_assert_eq(store_commit(st, &err), 0);
    int64_t seq, events;
    cr_assert_eq(store_feed_position(st, ws, &seq, &events, &err), 0);
    cr_assert_eq(seq, 4);
    struct store_change_rec log[4];
    cr_assert_eq(store_changes_scan(st, ws, 0, seq, collect, log, &err), 0);
    cr_assert_eq(log[0].resource, resource_accounts.code);
    cr_assert_eq(log[0].op, STORE_INSERTED);
    cr_assert_eq(log[0].account_id, a.id);
    cr_assert_eq(log[1].op, STORE_UPDATED);
    cr_assert_eq(log[2].resource, resource_contacts.code);
    cr_assert_eq(log[2].account_id, a.id);
    cr_assert_eq(log[3].op, STORE_DELETED);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log WHERE actor = 'test' AND "
                         "row_key = 'u1'"),
                 1);
}

Test(store, a_delete_is_refused_while_others_refer_to_the_row)
{
    struct store_row c;
    store_row_init(&c, &resource_contacts, STORE_UPSERT);
    store_row_text(&c, CONTACT_ID, "u1");
    store_row_ref(&c, CONTACT_ACCOUNT, "acme", 0);
    put(&c, 1, STORE_STUBS);
    cr_assert_eq(store_begin(st, &err), 0);
    struct value key = {.s = "acme"};
    cr_assert_eq(store_delete(st, ws, &resource_accounts, &key, "test", "{}", &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT);
    store_rollback(st);
    cr_assert_eq(sql_int("SELECT count(*) FROM accounts"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log"), 0, "nothing recorded");
}

/* Defect 1 of issue 7: a lookup left its statement on a row, which pinned the connection's
 * read snapshot, so rows another connection committed afterwards stayed invisible. */
Test(store, lookups_never_pin_an_old_snapshot)
{
    struct store *other;
    struct value key = {.s = "acme"};
    int64_t id;
    cr_assert_eq(store_clone(st, &other, &err), 0, "%s", err.msg);
    cr_assert_eq(store_find(other, ws, &resource_accounts, &key, &id, &err), 0);
    struct store_row a = account("acme", STORE_UPSERT);
    put(&a, 1, 0);
    cr_assert_eq(store_find(other, ws, &resource_accounts, &key, &id, &err), 1,
                 "the other connection sees the committed account");
    cr_assert_eq(id, a.id);
    store_free(other);
}

Test(store, rollback_discards_and_clear_empties)
{
    struct store_row a = account("acme", STORE_UPSERT);
    struct store_write_opts o = {.now = NOW};
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_write(st, ws, &a, 1, &o, NULL, &err), 0);
    store_rollback(st);
    struct store_counts c;
    cr_assert_eq(store_counts(st, ws, &c, &err), 0);
    cr_assert_eq(c.accounts, 0);
    struct store_row ct;
    store_row_init(&ct, &resource_contacts, STORE_UPSERT);
    store_row_text(&ct, CONTACT_ID, "u1");
    store_row_ref(&ct, CONTACT_ACCOUNT, "acme", 0);
    put(&ct, 1, STORE_STUBS);
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_workspace_clear(st, ws, &err), 0, "%s", err.msg);
    cr_assert_eq(store_commit(st, &err), 0);
    cr_assert_eq(store_counts(st, ws, &c, &err), 0);
    cr_assert_eq(c.accounts + c.contacts, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM surveys"), 3, "built-in surveys stay");
    cr_assert_eq(sql_int("SELECT count(*) FROM changes WHERE resource = 0"), 1,
                 "the reset is in the change log");
}

/* The write caches outlive a transaction only while no other connection logged a change: a
 * contact another connection deleted, then merged, is looked up again, not written to. */
static int64_t event_for(const char *message, const char *user)
{
    struct store_row e;
    store_row_init(&e, &resource_events, STORE_UPSERT);
    store_row_text(&e, EVENT_ID, message);
    store_row_int(&e, EVENT_TS, NOW);
    store_row_text(&e, EVENT_NAME, "login");
    store_row_ref(&e, EVENT_CONTACT, user, 0);
    put(&e, 1, STORE_STUBS);
    cr_assert_eq(e.err.code, 0, "%s", e.err.msg);
    return e.v[EVENT_CONTACT].i;
}

Test(store, write_caches_follow_other_connections)
{
    struct store *other;
    struct store_row c;
    struct store_write_opts o = {.flags = STORE_STUBS, .now = NOW};
    cr_assert_eq(store_clone(st, &other, &err), 0, "%s", err.msg);
    store_row_init(&c, &resource_contacts, STORE_UPSERT);
    store_row_text(&c, CONTACT_ID, "u1");
    put(&c, 1, 0); /* u1 cached by this connection */
    int64_t first = c.id;

    cr_assert_eq(store_begin(other, &err), 0);
    struct value key = {.s = "u1"};
    cr_assert_eq(store_delete(other, ws, &resource_contacts, &key, "test", "{}", &err), 1);
    cr_assert_eq(store_commit(other, &err), 0);
    int64_t second = event_for("m1", "u1");
    cr_assert_eq(sql_int("SELECT count(*) FROM contacts WHERE ext_id = 'u1'"), 1,
                 "u1 was deleted: it is made again");
    cr_assert_eq(sql_int("SELECT id FROM contacts WHERE ext_id = 'u1'"), second,
                 "and the event names the new row (%lld before)", (long long)first);

    cr_assert_eq(store_begin(other, &err), 0);
    store_row_init(&c, &resource_contacts, STORE_UPSERT);
    store_row_text(&c, CONTACT_ID, "u1");
    store_row_ref(&c, CONTACT_MERGED, "u3", 0);
    cr_assert_eq(store_write(other, ws, &c, 1, &o, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(store_commit(other, &err), 0);
    cr_assert_eq(event_for("m2", "u1"), sql_int("SELECT id FROM contacts WHERE ext_id = 'u3'"),
                 "u1 was merged into u3: its events are u3's");
    store_free(other);
}
