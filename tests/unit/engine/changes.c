/* changes.c - what the caches of the engine's answers ask it (engine_state, engine_changed,
 * engine_events_around, engine_curves' valid range), on a small hand-made store: an event late in
 * the past changes its own second's range and no other, a retried batch changes nothing, an
 * account's change or a new event name changes the dimensions, another engine differs in
 * everything, a full change log reports changes wider, never narrower, and the times are exact. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../scratch_db.h"
#include "../store_rows.h"
#include "base/time.h"
#include "engine/engine.h"
#include "store/store.h"

static char path[SCRATCH_DB_MAX];
static struct store *st;
static int64_t ws;
static struct lf_err err;
static const struct engine_opts opts = {.threads = 2};
static int nmsg;

#define DAY MS_PER_DAY
#define HOUR 3600000LL
static int64_t T0; /* 2026-01-07 */
static int64_t acme, bolt, ana, bo;

static int64_t account(const char *ext, int64_t customer_since)
{
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    int64_t id = fx_account(st, ws, ext, "smb", "pro", 10, customer_since);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
    return id;
}

static int64_t contact(const char *ext, int64_t account_id)
{
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    int64_t id = fx_contact(st, ws, ext, account_id);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
    return id;
}

static void stored_event(int64_t account_id, int64_t user, const char *name, int64_t ts)
{
    char msg[32];
    snprintf(msg, sizeof(msg), "s-%d", nmsg++);
    struct event e = {.message_id = msg, .account_id = account_id, .contact_id = user,
                      .name = name, .ts = ts, .value = NAN};
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    fx_event(st, ws, &e);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
}

/* acme (a customer since T0 - 3 days) has events on T0 + 1 day and T0 + 2 days at 10:00, bolt
 * (since T0 + 5 days) one on T0 + 6 days at 10:00. */
static void setup(void)
{
    struct store_workspace w;
    scratch_db_name(path, sizeof(path), "engchg");
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
    T0 = time_ms_from_civil(2026, 1, 7);
    nmsg = 0;
    acme = account("acme", T0 - 3 * DAY);
    bolt = account("bolt", T0 + 5 * DAY);
    ana = contact("ana", acme);
    bo = contact("bo", bolt);
    stored_event(acme, ana, "login", T0 + DAY + 10 * HOUR);
    stored_event(acme, ana, "report", T0 + 2 * DAY + 10 * HOUR);
    stored_event(bolt, bo, "login", T0 + 6 * DAY + 10 * HOUR);
}

static void teardown(void)
{
    store_free(st);
    scratch_db_remove(path);
}

TestSuite(changes, .init = setup, .fini = teardown);

static struct engine *build(void)
{
    struct engine *e;
    cr_assert_eq(engine_build(st, ws, &opts, &e, &err), 0, "%s", err.msg);
    return e;
}

/* Appends one event with the next store id (as the server does after a durable batch). */
static void append(struct engine *e, int64_t account_id, int64_t user, const char *name,
                   int64_t ts)
{
    struct engine_info in;
    engine_info(e, &in);
    struct event ev = {.id = in.high_water + 1, .message_id = "appended",
                       .account_id = account_id, .contact_id = user, .name = name, .ts = ts,
                       .value = NAN};
    cr_assert_eq(engine_append(e, &ev, 1, &err), 0, "%s", err.msg);
}

Test(changes, a_late_event_changes_its_own_range_only)
{
    struct engine *e = build();
    struct engine_state s0, s1, s2;
    engine_state(e, &s0);
    cr_assert_not(engine_changed(e, &s0, INT64_MIN, INT64_MAX, true), "nothing happened yet");
    /* a backfill: bo's event on T0 + 1 day at 15:00, between acme's two */
    int64_t t = T0 + DAY + 15 * HOUR;
    append(e, acme, bo, "login", t);
    engine_state(e, &s1);
    cr_assert_gt(s1.version, s0.version);
    cr_expect(engine_changed(e, &s0, T0 + DAY, T0 + 2 * DAY, false), "its day changed");
    cr_expect(engine_changed(e, &s0, t, t + 1000, false), "its second changed");
    cr_expect(engine_changed(e, &s0, INT64_MIN, INT64_MAX, false), "everything holds it");
    cr_expect_not(engine_changed(e, &s0, T0, T0 + DAY, false), "the day before did not");
    cr_expect_not(engine_changed(e, &s0, T0 + 2 * DAY, T0 + 90 * DAY, false),
                  "the days after did not");
    /* windows are cut at whole seconds: [t + 1 ms, …) starts at the next second */
    cr_expect_not(engine_changed(e, &s0, t + 1, T0 + 2 * DAY, false), "after its second");
    cr_expect_not(engine_changed(e, &s0, T0 + DAY, t, false), "before its second");
    cr_expect_not(engine_changed(e, &s1, INT64_MIN, INT64_MAX, true), "nothing since s1");

    /* one batch of a late event and a recent one: the two days, not the weeks between */
    struct engine_info in0;
    engine_info(e, &in0);
    struct event two[2] = {
        {.id = in0.high_water + 1, .message_id = "two-1", .account_id = bolt, .contact_id = bo,
         .name = "login", .ts = T0 + 3 * DAY + HOUR, .value = NAN},
        {.id = in0.high_water + 2, .message_id = "two-2", .account_id = bolt, .contact_id = bo,
         .name = "login", .ts = T0 + 30 * DAY + HOUR, .value = NAN}};
    cr_assert_eq(engine_append(e, two, 2, &err), 0, "%s", err.msg);
    cr_expect(engine_changed(e, &s1, T0 + 3 * DAY, T0 + 4 * DAY, false), "the late one's day");
    cr_expect(engine_changed(e, &s1, T0 + 30 * DAY, T0 + 31 * DAY, false), "the recent one's");
    cr_expect_not(engine_changed(e, &s1, T0 + 5 * DAY, T0 + 29 * DAY, false), "between them");
    engine_state(e, &s1);

    /* the same batch again (a retry) is skipped: no change */
    struct engine_info in;
    engine_info(e, &in);
    struct event ev = {.id = in.high_water, .message_id = "appended", .account_id = acme,
                       .contact_id = bo, .name = "login", .ts = t, .value = NAN};
    cr_assert_eq(engine_append(e, &ev, 1, &err), 0, "%s", err.msg);
    engine_state(e, &s2);
    cr_expect_eq(s2.version, s1.version, "a retried batch changes nothing");

    /* an account's dimensions: a change for those that ask, not for the events' ranges */
    struct engine_account_in put = {.id = bolt, .ext_id = "bolt", .segment = "mid",
                                    .plan = "scale", .seats = 20, .customer_since = T0};
    cr_assert_eq(engine_accounts_put(e, &put, 1, &err), 0, "%s", err.msg);
    cr_expect(engine_changed(e, &s2, 0, 0, true), "the dimensions changed");
    cr_expect_not(engine_changed(e, &s2, INT64_MIN, INT64_MAX, false), "the events did not");

    /* a new event name, far from the window asked: a change of the dimensions (names) only */
    engine_state(e, &s2);
    append(e, bolt, bo, "brand new", T0 + 40 * DAY);
    cr_expect(engine_changed(e, &s2, T0, T0 + 10 * DAY, true), "a new name");
    cr_expect_not(engine_changed(e, &s2, T0, T0 + 10 * DAY, false), "not in the window");

    /* another engine (a rebuild) answers for nothing of this one's */
    struct engine *other = build();
    struct engine_state so;
    engine_state(other, &so);
    cr_expect_neq(so.uid, s2.uid);
    cr_expect(engine_changed(other, &s2, 0, 0, false), "another engine");
    cr_expect(engine_changed(e, &so, 0, 0, false), "and the other way");
    engine_free(other);
    engine_free(e);
}

Test(changes, a_full_log_reports_wider_never_narrower)
{
    struct engine *e = build();
    struct engine_state s0, s100, now;
    engine_state(e, &s0);
    /* 300 batches (more than the log's 256 changes), one event each, on days 10, 11, … */
    for (int i = 0; i < 300; i++) {
        if (i == 100)
            engine_state(e, &s100);
        append(e, acme, ana, "login", T0 + (10 + i) * DAY + HOUR);
    }
    engine_state(e, &now);
    for (int i = 0; i < 300; i++) {
        int64_t day = T0 + (10 + i) * DAY;
        cr_expect(engine_changed(e, &s0, day, day + DAY, false), "batch %d since s0", i);
        if (i >= 100)
            cr_expect(engine_changed(e, &s100, day, day + DAY, false), "batch %d since s100", i);
    }
    /* the newest changes are kept as they were: exact ranges */
    cr_expect_not(engine_changed(e, &s100, T0 + 309 * DAY + 2 * HOUR, T0 + 400 * DAY, false));
    cr_expect_not(engine_changed(e, &now, INT64_MIN, INT64_MAX, true), "nothing since now");
    engine_free(e);
}

/* The events nearest t, and what they tell of a window [u, t) or [t, u). */
static void expect_around(struct engine *e, int64_t t, int64_t before, int64_t after)
{
    int64_t b, a;
    engine_events_around(e, t, &b, &a);
    cr_expect_eq(b, before, "before %lld", (long long)t);
    cr_expect_eq(a, after, "after %lld", (long long)t);
}

Test(changes, the_events_around_an_instant_are_exact)
{
    struct engine *e = build();
    int64_t t1 = T0 + DAY + 10 * HOUR, t2 = T0 + 2 * DAY + 10 * HOUR, t3 = T0 + 6 * DAY + 10 * HOUR;
    expect_around(e, t1, INT64_MIN, t1);          /* acme's first event is at t1 */
    expect_around(e, t1 - 999, INT64_MIN, t1);    /* its second is at or after t1 - 999 ms */
    expect_around(e, t1 + 1, t1, t2);             /* … and before t1 + 1 ms */
    expect_around(e, t2 + HOUR, t2, t3);          /* acme's second one, then bolt's */
    expect_around(e, T0 + 7 * DAY, t3, INT64_MAX); /* after every event */
    /* an appended event inside acme's span: found in its tail */
    int64_t t = T0 + DAY + 15 * HOUR;
    expect_around(e, t, t1, t2);
    append(e, acme, ana, "login", t);
    expect_around(e, t, t1, t);
    expect_around(e, t + 1, t, t2);
    engine_free(e);
}

/* acme started on T0 - 3 days, bolt on T0 + 5 days; with k = 7 and 30 days the eligibility
 * changes at T0 + 4 days (acme, 7), T0 + 12 (bolt, 7), T0 + 27 (acme, 30), T0 + 35 (bolt, 30):
 * at now = T0 + 10 days the answer holds for [T0 + 4 days, T0 + 12 days). */
Test(changes, curves_hold_between_the_starts)
{
    struct engine *e = build();
    static const int days[] = {7, 30};
    struct engine_query q = {.now = T0 + 10 * DAY};
    struct engine_curves a, b, c;
    cr_assert_eq(engine_curves(e, &q, days, 2, &a, &err), 0, "%s", err.msg);
    cr_expect_eq(a.valid_from, T0 + 4 * DAY);
    cr_expect_eq(a.valid_until, T0 + 12 * DAY);
    q.now = T0 + 12 * DAY - 1;
    cr_assert_eq(engine_curves(e, &q, days, 2, &b, &err), 0, "%s", err.msg);
    cr_assert_eq(a.nr, b.nr);
    for (size_t i = 0; i < a.nr; i++) {
        cr_expect_str_eq(a.rows[i].feature, b.rows[i].feature);
        cr_expect_eq(a.rows[i].eligible, b.rows[i].eligible);
        cr_expect_eq(a.rows[i].adopted, b.rows[i].adopted);
    }
    q.now = T0 + 12 * DAY;
    cr_assert_eq(engine_curves(e, &q, days, 2, &c, &err), 0, "%s", err.msg);
    /* rows: (login, 7), (login, 30), (report, 7), (report, 30): bolt eligible for 7 now */
    cr_expect_eq(a.rows[0].eligible, 1, "acme only");
    cr_expect_eq(c.rows[0].eligible, 2, "acme and bolt");
    cr_expect_eq(c.valid_from, T0 + 12 * DAY);
    cr_expect_eq(c.valid_until, T0 + 27 * DAY);
    engine_curves_free(&a);
    engine_curves_free(&b);
    engine_curves_free(&c);
    engine_free(e);
}
