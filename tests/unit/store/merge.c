/* merge.c - contacts merged into others (Segment's alias, PostHog's $identify of an anonymous
 * id): the merged contact is hidden, its key and every row naming it answer as the contact it
 * became, in the typed scans and the engine's brief scan alike; merges chain, are final, and
 * are idempotent; the merged contact's fields fill the other's gaps; a delete takes the merged
 * rows with it; the change log says the merged one is gone. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "../scratch_db.h"

static char path[SCRATCH_DB_MAX];
static struct store *st;
static int64_t ws;
static struct lf_err err;

#define NOW 1767225600000LL /* 2026-01-01 */

static void open_fresh(void)
{
    struct store_workspace w;
    scratch_db_name(path, sizeof(path), "merge");
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
}

static void close_and_remove(void)
{
    store_free(st);
    scratch_db_remove(path);
}

TestSuite(merge, .init = open_fresh, .fini = close_and_remove);

/* Writes one row in its own transaction (stubs allowed); returns its refusal code (0: none). */
static int put(struct store_row *r)
{
    struct store_write_opts o = {.flags = STORE_STUBS, .now = NOW};
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_write(st, ws, r, 1, &o, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
    return r->err.code;
}

static int merge(const char *from, const char *into, struct store_row *r)
{
    store_row_init(r, &resource_contacts, STORE_UPSERT);
    store_row_text(r, CONTACT_ID, from);
    store_row_ref(r, CONTACT_MERGED, into, 0);
    return put(r);
}

static void contact(const char *id, const char *account, const char *email)
{
    struct store_row r;
    store_row_init(&r, &resource_contacts, STORE_UPSERT);
    store_row_text(&r, CONTACT_ID, id);
    if (account)
        store_row_ref(&r, CONTACT_ACCOUNT, account, 0);
    if (email)
        store_row_text(&r, CONTACT_EMAIL, email);
    cr_assert_eq(put(&r), 0, "%s", r.err.msg);
}

static void event(const char *id, const char *user, int64_t ts)
{
    struct store_row r;
    store_row_init(&r, &resource_events, STORE_UPSERT);
    store_row_text(&r, EVENT_ID, id);
    store_row_int(&r, EVENT_TS, ts);
    store_row_text(&r, EVENT_NAME, "e");
    store_row_ref(&r, EVENT_CONTACT, user, 0);
    cr_assert_eq(put(&r), 0, "%s", r.err.msg);
}

/* The internal id a key resolves to (0: none). */
static int64_t find(const char *key)
{
    struct value k = {.s = key};
    int64_t id = 0;
    int found = store_find(st, ws, &resource_contacts, &k, &id, &err);
    cr_assert_geq(found, 0, "%s", err.msg);
    return found ? id : 0;
}

/* ---- what the scans say ---- */

struct seen {
    char text[256];
    size_t n;
};

static int add_contact(void *ctx, const struct contact *c, struct lf_err *e)
{
    (void)e;
    struct seen *s = ctx;
    s->n += (size_t)snprintf(s->text + s->n, sizeof(s->text) - s->n, "%s%s", s->n ? " " : "",
                             c->ext_id);
    return 0;
}

static int add_event(void *ctx, const struct event *ev, struct lf_err *e)
{
    (void)e;
    struct seen *s = ctx;
    s->n += (size_t)snprintf(s->text + s->n, sizeof(s->text) - s->n, "%s%s:%lld",
                             s->n ? " " : "", ev->user_ext_id ? ev->user_ext_id : "",
                             (long long)ev->contact_id);
    return 0;
}

static int add_brief(void *ctx, const struct event *ev, struct lf_err *e)
{
    (void)e;
    struct seen *s = ctx;
    s->n += (size_t)snprintf(s->text + s->n, sizeof(s->text) - s->n, "%s%lld", s->n ? " " : "",
                             (long long)ev->contact_id);
    return 0;
}

static const char *contacts(void)
{
    static struct seen s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(store_contacts_scan(st, ws, add_contact, &s, &err), 0, "%s", err.msg);
    return s.text;
}

static const char *events(void)
{
    static struct seen s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(store_events_scan(st, ws, 0, add_event, &s, &err), 0, "%s", err.msg);
    return s.text;
}

static const char *brief(void)
{
    static struct seen s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(store_events_scan_brief(st, ws, 0, INT64_MAX, add_brief, &s, &err), 0, "%s",
                 err.msg);
    return s.text;
}

static int count_row(void *ctx, int64_t id, const struct value *v, struct lf_err *e)
{
    (void)id, (void)v, (void)e;
    ++*(int *)ctx;
    return 0;
}

static int64_t sql_int(const char *sql)
{
    return scratch_db_int(path, sql);
}

Test(merge, the_merged_contact_answers_as_the_other)
{
    event("m1", "anon", NOW - 2000);
    event("m2", "anon", NOW - 1000);
    contact("u42", "acme", "u@acme.io");
    int64_t anon = find("anon"), u42 = find("u42");
    char want[64];
    snprintf(want, sizeof(want), "%lld %lld", (long long)anon, (long long)anon);
    cr_assert_str_eq(brief(), want);

    struct store_row r;
    cr_assert_eq(merge("anon", "u42", &r), 0, "%s", r.err.msg);
    cr_assert_eq(r.change, STORE_UPDATED);
    cr_assert_eq(find("anon"), u42, "the key names the contact it became");
    cr_assert_str_eq(contacts(), "u42", "the merged one is not listed");
    snprintf(want, sizeof(want), "u42:%lld u42:%lld", (long long)u42, (long long)u42);
    cr_assert_str_eq(events(), want, "its events are the other's, in the typed scan");
    snprintf(want, sizeof(want), "%lld %lld", (long long)u42, (long long)u42);
    cr_assert_str_eq(brief(), want, "and in the engine's brief scan");
    event("m3", "anon", NOW);
    cr_assert_eq(sql_int("SELECT contact_id FROM events WHERE message_id = 'm3'"), u42,
                 "a later event under the old id is written to the contact it became");
    /* rows filtered by the contact include those that name the merged one */
    struct store_query q = {.filter = {&resource_events.fields[EVENT_CONTACT]},
                            .filter_value = {{.i = u42}},
                            .filters_nr = 1};
    int n = 0;
    cr_assert_eq(store_list(st, ws, &resource_events, &q, count_row, &n, &err), 0, "%s",
                 err.msg);
    cr_assert_eq(n, 3);
}

Test(merge, merges_chain_and_are_final_and_idempotent)
{
    contact("a", NULL, NULL);
    contact("b", NULL, NULL);
    contact("c", NULL, NULL);
    struct store_row r;
    cr_assert_eq(merge("a", "b", &r), 0);
    cr_assert_eq(merge("b", "c", &r), 0);
    cr_assert_eq(find("a"), find("c"), "what was merged into b follows b");
    cr_assert_eq(sql_int("SELECT count(*) FROM contacts WHERE merged_into = "
                         "(SELECT id FROM contacts WHERE ext_id = 'c')"),
                 2, "every merged row names a live one");
    cr_assert_eq(merge("a", "c", &r), 0, "again: nothing to do");
    cr_assert_eq(r.change, STORE_UNCHANGED);
    contact("d", NULL, NULL);
    cr_assert_eq(merge("a", "d", &r), LF_ECONFLICT);
    cr_assert_str_eq(r.err.field, "merged_into");
    cr_assert_str_eq(r.err.msg, "contact 'a' was merged into 'c' already: a merge is final");
    cr_assert_eq(merge("c", "c", &r), 0, "into itself: nothing to do");
    cr_assert_eq(r.change, STORE_UNCHANGED);
    cr_assert_eq(merge("c", "a", &r), 0, "into an id that names it already: nothing to do");
    cr_assert_eq(r.change, STORE_UNCHANGED);
    cr_assert_str_eq(contacts(), "c d");
}

Test(merge, an_unknown_id_is_reserved_and_an_unknown_target_created)
{
    struct store_row r;
    cr_assert_eq(merge("later", "u1", &r), 0, "%s", r.err.msg);
    cr_assert_eq(r.change, STORE_INSERTED);
    cr_assert_str_eq(contacts(), "u1", "u1 created, 'later' held for it");
    event("m1", "later", NOW);
    cr_assert_eq(sql_int("SELECT contact_id FROM events"), find("u1"));
    cr_assert_eq(merge("x", "x", &r), 0, "an unknown id into itself");
    cr_assert_str_eq(contacts(), "u1 x");
}

Test(merge, the_merged_contact_fills_the_others_gaps)
{
    contact("anon", "acme", "who@acme.io");
    contact("u1", NULL, NULL);
    struct store_row r;
    cr_assert_eq(merge("anon", "u1", &r), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM contacts c JOIN accounts a ON a.id = c.account_id "
                         "WHERE c.ext_id = 'u1' AND a.ext_id = 'acme' AND "
                         "c.email = 'who@acme.io'"),
                 1);
    contact("anon2", "globex", "other@globex.io");
    cr_assert_eq(merge("anon2", "u1", &r), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM contacts WHERE ext_id = 'u1' AND "
                         "email = 'who@acme.io'"),
                 1, "what it has is kept");
}

Test(merge, a_merge_is_given_alone_and_never_cleared)
{
    struct store_row r;
    store_row_init(&r, &resource_contacts, STORE_UPSERT);
    store_row_text(&r, CONTACT_ID, "a");
    store_row_ref(&r, CONTACT_MERGED, "b", 0);
    store_row_text(&r, CONTACT_EMAIL, "a@b.io");
    cr_assert_eq(put(&r), LF_EINVAL);
    cr_assert_str_eq(r.err.msg, "'email' cannot be written with 'merged_into': a merge is given "
                                "alone");
    store_row_init(&r, &resource_contacts, STORE_UPSERT);
    store_row_text(&r, CONTACT_ID, "a");
    store_row_null(&r, CONTACT_MERGED);
    cr_assert_eq(put(&r), LF_EINVAL);
    cr_assert_str_eq(r.err.msg, "'merged_into' cannot be cleared: a merge is final");
    store_row_init(&r, &resource_contacts, STORE_MERGE);
    store_row_text(&r, CONTACT_ID, "nobody");
    store_row_ref(&r, CONTACT_MERGED, "b", 0);
    cr_assert_eq(put(&r), LF_ENOENT, "a change of a contact that does not exist");
}

static int collect(void *ctx, const struct store_change_rec *c, struct lf_err *e)
{
    (void)e;
    struct store_change_rec *out = ctx;
    out[c->seq - 1] = *c;
    return 0;
}

Test(merge, the_change_log_says_the_merged_one_is_gone)
{
    contact("anon", "acme", NULL); /* 1: acme (a stub), 2: anon */
    contact("u1", "globex", NULL); /* 3: globex, 4: u1 */
    struct store_row r;
    cr_assert_eq(merge("anon", "u1", &r), 0);
    int64_t seq, events_at;
    cr_assert_eq(store_feed_position(st, ws, &seq, &events_at, &err), 0);
    cr_assert_eq(seq, 6);
    struct store_change_rec log[6];
    cr_assert_eq(store_changes_scan(st, ws, 0, seq, collect, log, &err), 0);
    cr_assert_eq(log[4].op, STORE_DELETED);
    cr_assert_eq(log[4].row_id, sql_int("SELECT id FROM contacts WHERE ext_id = 'anon'"));
    cr_assert_eq(log[4].account_id, sql_int("SELECT id FROM accounts WHERE ext_id = 'acme'"));
    cr_assert_eq(log[5].op, STORE_UPDATED);
    cr_assert_eq(log[5].row_id, find("u1"));
}

Test(merge, a_delete_takes_the_merged_rows_or_is_refused_for_their_events)
{
    contact("anon", NULL, NULL);
    contact("u1", NULL, NULL);
    struct store_row r;
    cr_assert_eq(merge("anon", "u1", &r), 0);
    struct value key = {.s = "u1"};
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_delete(st, ws, &resource_contacts, &key, "test", "{}", &err), 1, "%s",
                 err.msg);
    cr_assert_eq(store_commit(st, &err), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM contacts"), 0);

    event("m1", "anon2", NOW);
    cr_assert_eq(merge("anon2", "u2", &r), 0);
    key.s = "u2";
    cr_assert_eq(store_begin(st, &err), 0);
    cr_assert_eq(store_delete(st, ws, &resource_contacts, &key, "test", "{}", &err), -1);
    cr_assert_eq(err.code, LF_ECONFLICT, "the merged contact's events are the other's");
    store_rollback(st);
}
