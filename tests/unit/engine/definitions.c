/* definitions.c - the engine's definitions on small hand-made stores, each figure worked out by
 * hand (docs/engine.md, "Metrics"): adoption counts users, anonymous first events, users seen
 * after now, calendar days (DAU, days since), 7-day trend blocks, weeks labelled with their
 * Monday, the start < now rule at the boundary, survival of subscriptions only. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../scratch_db.h"
#include "../store_rows.h"
#include "base/time.h"
#include "engine/engine.h"
#include "store/store.h"

static char path[64];
static struct store *st;
static int64_t ws;
static struct lf_err err;
static const struct engine_opts opts = {.threads = 2};
static int nmsg;

#define DAY MS_PER_DAY
#define HOUR 3600000LL
static int64_t T0; /* 2026-01-07, a Wednesday */

static void open_fresh(void)
{
    struct store_workspace w;
    scratch_db_name(path, sizeof(path), "engdef");
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
    T0 = time_ms_from_civil(2026, 1, 7);
    nmsg = 0;
}

static void close_and_remove(void)
{
    store_free(st);
    scratch_db_remove(path);
}

/* Each fixture row in a transaction of its own. */
static int64_t account(const char *ext, const char *segment, const char *plan,
                       int64_t customer_since)
{
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    int64_t id = fx_account(st, ws, ext, segment, plan, 10, customer_since);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
    return id;
}

static void mrr(int64_t account_id, int64_t date, int64_t value)
{
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    fx_mrr(st, ws, account_id, date, value);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
}

static int64_t contact(const char *ext, int64_t account_id)
{
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    int64_t id = fx_contact(st, ws, ext, account_id);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
    return id;
}

/* An event of `user` in `account` (0: none) at ts. */
static void event(int64_t account_id, int64_t user, const char *name, int64_t ts)
{
    char msg[32];
    snprintf(msg, sizeof(msg), "d-%d", nmsg++);
    struct event e = {.message_id = msg, .account_id = account_id, .contact_id = user,
                      .name = name, .ts = ts, .value = NAN};
    cr_assert_eq(store_begin(st, &err), 0, "%s", err.msg);
    fx_event(st, ws, &e);
    cr_assert_eq(store_commit(st, &err), 0, "%s", err.msg);
}

static struct engine *build(void)
{
    struct engine *e;
    cr_assert_eq(engine_build(st, ws, &opts, &e, &err), 0, "%s", err.msg);
    return e;
}

/* Adoption alone counts the users it divides by: `usage adoption` showed 0 users and, by
 * segment, no depth. */
Test(definitions, adoption_counts_users, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", "smb", "pro", T0 - 100 * DAY);
    int64_t u1 = contact("u1", a), u2 = contact("u2", a);
    event(a, u1, "login", T0 + HOUR);
    event(a, u1, "export", T0 + 2 * HOUR);
    event(a, u2, "login", T0 + 3 * HOUR);
    struct engine *e = build();
    struct engine_query q = {.from = T0, .to = T0 + DAY, .now = T0 + DAY};
    struct engine_accounts r;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_ADOPTION, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.nr, 1);
    cr_expect_eq(r.rows[0].mau, 2, "u1 and u2 were active");
    cr_expect_eq(r.rows[0].events, 3);
    cr_expect_float_eq(r.rows[0].depth, 3.0 / 2.0, 1e-12);
    cr_expect_str_eq(r.rows[0].segment, "smb");
    engine_accounts_free(&r);
    engine_free(e);
}

/* Segment's track before group: u1's first events have no account, later ones are in account a;
 * u1 belongs to a all the same, its cohort the week of its first event with an account. u1 has
 * no account when its first event arrives (the write path gives an event naming a contact of an
 * account that account), and joins a with its first event there. */
Test(definitions, anonymous_first_events, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 10 * DAY);
    int64_t u1 = contact("u1", 0), u2 = contact("u2", a);
    event(0, u1, "page", T0 - 7 * DAY);    /* Wednesday of the week before: anonymous */
    event(a, u1, "login", T0 + HOUR);      /* week of Monday T0 - 2 days */
    event(a, u1, "login", T0 + 7 * DAY);   /* next week */
    event(a, u2, "login", T0 + 2 * HOUR);  /* u2: this week only */
    struct engine *e = build();
    int64_t now = T0 + 14 * DAY, monday = T0 - 2 * DAY;
    struct engine_query q = {.from = INT64_MIN, .to = INT64_MAX, .now = now};
    struct engine_cohorts c;
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                                ENGINE_FIRST_ACTIVITY, &c, &err), 0, "%s", err.msg);
    /* one cohort (the week of monday) of 2 users: k = 0 both, k = 1 u1, k = 2 nobody */
    cr_assert_eq(c.nr, 3);
    cr_expect_eq(c.rows[0].cohort, monday);
    cr_expect_eq(c.rows[0].size, 2, "u1 is not dropped");
    cr_expect_eq(c.rows[0].retained, 2);
    cr_expect_eq(c.rows[1].retained, 1);
    cr_expect_eq(c.rows[2].retained, 0);
    engine_cohorts_free(&c);
    /* customer-since cohorts: a started in the week of T0 - 10 days */
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                                ENGINE_CUSTOMER_SINCE, &c, &err), 0, "%s", err.msg);
    cr_assert_gt(c.nr, 0);
    cr_expect_eq(c.rows[0].cohort, time_week_start(T0 - 10 * DAY));
    cr_expect_eq(c.rows[0].size, 2);
    engine_cohorts_free(&c);

    /* daily users of the whole workspace: u1 once on its anonymous day, once on T0 */
    q = (struct engine_query){.from = T0 - 7 * DAY, .to = T0 + DAY, .now = now};
    struct engine_activity v;
    cr_assert_eq(engine_activity(e, &q, ENGINE_DAY, &v, &err), 0, "%s", err.msg);
    cr_assert_eq(v.nr, 8);
    cr_expect_eq(v.rows[0].users, 1);
    cr_expect_eq(v.rows[0].accounts, 0, "an event without an account is no account");
    cr_expect_eq(v.rows[7].users, 2, "u1 and u2 on T0");
    engine_activity_free(&v);
    engine_free(e);
}

/* With customer-since cohorts a user counts from the first time it is seen, before now. */
Test(definitions, users_seen_after_now, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 2 * DAY); /* Monday */
    int64_t u1 = contact("u1", a), u2 = contact("u2", a);
    event(a, u1, "login", T0);
    event(a, u2, "login", T0 + 30 * DAY); /* after now */
    struct engine *e = build();
    struct engine_query q = {.from = INT64_MIN, .to = INT64_MAX, .now = T0 + 10 * DAY};
    struct engine_cohorts c;
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                                ENGINE_CUSTOMER_SINCE, &c, &err), 0, "%s", err.msg);
    cr_assert_gt(c.nr, 0);
    cr_expect_eq(c.rows[0].cohort, T0 - 2 * DAY);
    cr_expect_eq(c.rows[0].size, 1, "u2 is first seen after now");
    cr_expect_eq(c.rows[0].retained, 1);
    engine_cohorts_free(&c);
    engine_free(e);
}

/* DAU counts distinct (user, calendar day) pairs over the days of the window, a day cut by the
 * window counting for its share; days since counts calendar days. */
Test(definitions, calendar_days, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 100 * DAY);
    int64_t u1 = contact("u1", a);
    /* the window [T0 12:00, T0 + 2 days 12:00) meets days T0 (half), T0 + 1, T0 + 2 (half) */
    event(a, u1, "x", T0 + 13 * HOUR);
    event(a, u1, "x", T0 + 23 * HOUR);
    event(a, u1, "x", T0 + DAY + HOUR);
    event(a, u1, "x", T0 + 2 * DAY + HOUR);
    struct engine *e = build();
    int64_t from = T0 + 12 * HOUR, to = T0 + 2 * DAY + 12 * HOUR;
    struct engine_query q = {.from = from, .to = to, .now = to};
    struct engine_accounts r;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_ALL, &r, &err), 0, "%s", err.msg);
    /* pairs (u1, T0), (u1, T0 + 1), (u1, T0 + 2) = 3 over 0.5 + 1 + 0.5 = 2 days (24-hour
     * blocks from `from` would make 2 pairs) */
    cr_expect_float_eq(r.rows[0].dau, 3.0 / 2.0, 1e-12);
    cr_expect_eq(r.rows[0].days_since, 0, "last seen today");
    engine_accounts_free(&r);
    /* now = T0 + 3 days 01:00: last seen the day before at 01:00 (24 hours ago) is 1 day */
    q.to = q.now = T0 + 3 * DAY + HOUR;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_RECENCY, &r, &err), 0, "%s", err.msg);
    cr_expect_eq(r.rows[0].days_since, 1);
    engine_accounts_free(&r);
    /* now = T0 + 3 days 00:30: still 1 calendar day, though 23.5 hours */
    q.to = q.now = T0 + 3 * DAY + HOUR / 2;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_RECENCY, &r, &err), 0, "%s", err.msg);
    cr_expect_eq(r.rows[0].days_since, 1);
    engine_accounts_free(&r);
    engine_free(e);
}

/* The trend's blocks are 7 days each, the last the 7 days before `to`, not calendar weeks. */
Test(definitions, trend_blocks, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 100 * DAY);
    int64_t u1 = contact("u1", a);
    int64_t to = T0 + 12 * HOUR; /* a Wednesday noon */
    event(a, u1, "x", to - 7 * DAY + HOUR); /* last Wednesday 13:00: in the last block */
    struct engine *e = build();
    struct engine_query q = {.from = to - 30 * DAY, .to = to, .now = to};
    struct engine_accounts r;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_RECENCY, &r, &err), 0, "%s", err.msg);
    /* y = 0 0 0 0 0 0 0 1: slope = (7 − 3.5) / 42, mean 1/8 (with Monday weeks the event
     * would be in the week before the current one, x = 6) */
    cr_expect_float_eq(r.rows[0].trend, 100.0 * (3.5 / 42.0) / (1.0 / 8.0), 1e-9);
    engine_accounts_free(&r);
    engine_free(e);
}

/* A week is labelled with its Monday even when the window starts later in it. */
Test(definitions, week_labels, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 100 * DAY);
    int64_t u1 = contact("u1", a);
    int64_t sunday = T0 + 4 * DAY, monday = T0 - 2 * DAY;
    event(a, u1, "x", sunday - DAY + HOUR); /* Saturday: before the window */
    event(a, u1, "x", sunday + HOUR);
    event(a, u1, "x", sunday + DAY + HOUR); /* Monday of the next week */
    struct engine *e = build();
    struct engine_query q = {.from = sunday, .to = sunday + 2 * DAY, .now = sunday + 2 * DAY};
    struct engine_activity v;
    cr_assert_eq(engine_activity(e, &q, ENGINE_WEEK, &v, &err), 0, "%s", err.msg);
    cr_assert_eq(v.nr, 2);
    cr_expect_eq(v.rows[0].period, monday, "the cut week is labelled with its Monday");
    cr_expect_eq(v.rows[0].events, 1, "and counts the Sunday only");
    cr_expect_eq(v.rows[1].period, sunday + DAY);
    engine_activity_free(&v);
    /* months: labelled with their first day */
    cr_assert_eq(engine_activity(e, &q, ENGINE_MONTH, &v, &err), 0, "%s", err.msg);
    cr_assert_eq(v.nr, 1);
    cr_expect_eq(v.rows[0].period, time_ms_from_civil(2026, 1, 1));
    engine_activity_free(&v);
    engine_free(e);
}

/* One rule everywhere: an account has started at `now` when its start is before now. Account
 * "at" starts exactly at now, "before" a day earlier, "week" 7 days earlier. */
Test(definitions, start_at_now, .init = open_fresh, .fini = close_and_remove)
{
    int64_t now = T0 + 20 * DAY;
    int64_t at = account("at", NULL, "pro", now), before = account("before", NULL, "pro", now - DAY),
            week = account("week", NULL, "pro", now - 7 * DAY);
    mrr(at, now, 5000);
    mrr(before, now - DAY, 5000);
    mrr(week, now - 7 * DAY, 5000);
    int64_t u1 = contact("u1", at), u2 = contact("u2", before), u3 = contact("u3", week);
    event(at, u1, "goal", now - HOUR);
    event(before, u2, "goal", now - HOUR);
    event(week, u3, "goal", now - HOUR);
    struct engine *e = build();
    struct engine_query q = {.from = INT64_MIN, .to = INT64_MAX, .now = now};

    struct engine_ttv t;
    cr_assert_eq(engine_ttv(e, &q, "goal", &t, &err), 0, "%s", err.msg);
    cr_assert_eq(t.nr, 2, "week and before, not at");
    cr_expect_str_eq(t.rows[0].ext_id, "week");
    cr_expect_str_eq(t.rows[1].ext_id, "before");
    engine_ttv_free(&t);

    struct engine_survival s;
    cr_assert_eq(engine_survival(e, &q, &s, &err), 0, "%s", err.msg);
    cr_expect_eq(s.curves[0].accounts, 2);
    engine_survival_free(&s);

    struct engine_cohorts c;
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_ACCOUNT,
                                ENGINE_CUSTOMER_SINCE, &c, &err), 0, "%s", err.msg);
    int64_t members = 0;
    for (size_t i = 0; i < c.nr; i++)
        if (c.rows[i].period == 0)
            members += c.rows[i].size;
    cr_expect_eq(members, 2);
    engine_cohorts_free(&c);
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_REVENUE, ENGINE_ACCOUNT,
                                ENGINE_CUSTOMER_SINCE, &c, &err), 0, "%s", err.msg);
    members = 0;
    for (size_t i = 0; i < c.nr; i++)
        if (c.rows[i].period == 0)
            members += c.rows[i].size;
    cr_expect_eq(members, 2);
    engine_cohorts_free(&c);

    /* curves: eligible for k when started k days before now or earlier, so "week" for 7 days,
     * "week" and "before" for 1 day, never "at" */
    struct engine_curves v;
    const int days[] = {1, 7, 8};
    cr_assert_eq(engine_curves(e, &q, days, 3, &v, &err), 0, "%s", err.msg);
    cr_assert_eq(v.nr, 3);
    cr_expect_eq(v.rows[0].eligible, 2);
    cr_expect_eq(v.rows[1].eligible, 1);
    cr_expect_eq(v.rows[2].eligible, 0);
    cr_expect_eq(v.rows[0].adopted, 1, "before: its goal came 23 hours after its start");
    cr_expect_eq(v.rows[1].adopted, 1, "week: its goal came 7 days less an hour after its start");
    engine_curves_free(&v);
    engine_free(e);
}

/* Survival is about subscriptions: a customer that never paid cannot churn and is left out. */
Test(definitions, survival_of_subscriptions, .init = open_fresh, .fini = close_and_remove)
{
    int64_t now = T0 + 100 * DAY;
    int64_t paid = account("paid", "b2b", NULL, T0), churned = account("churned", "b2b", NULL, T0);
    account("consumer", "b2c", NULL, T0); /* a customer, no MRR ever */
    int64_t later = account("later", "b2b", NULL, T0);
    mrr(paid, T0, 1000);
    mrr(churned, T0, 1000);
    mrr(churned, T0 + 40 * DAY, 0);
    mrr(later, now + DAY, 1000); /* pays from after now only */
    struct engine *e = build();
    struct engine_query q = {.now = now, .by = ENGINE_BY_SEGMENT};
    struct engine_survival s;
    cr_assert_eq(engine_survival(e, &q, &s, &err), 0, "%s", err.msg);
    /* groups by label: "(none)" (events without an account), "b2b", "b2c" */
    cr_assert_eq(s.groups.nr, 3);
    cr_expect_str_eq(s.groups.labels[1], "b2b");
    cr_expect_eq(s.curves[1].accounts, 2, "paid and churned");
    cr_expect_eq(s.curves[1].churned, 1);
    cr_assert_eq(s.curves[1].nr, 1);
    cr_expect_float_eq(s.curves[1].rows[0].time, 40.0, 1e-12);
    cr_expect_float_eq(s.curves[1].rows[0].survival, 0.5, 1e-12);
    cr_expect_str_eq(s.groups.labels[2], "b2c");
    cr_expect_eq(s.curves[2].accounts, 0, "the consumer never paid");
    engine_survival_free(&s);
    engine_free(e);
}

/* User cohorts of one account: its users (by home) only, their activity in other accounts
 * counting; users of several accounts take the shared path, the others their account's own. */
Test(definitions, cohorts_of_one_account, .init = open_fresh, .fini = close_and_remove)
{
    int64_t a = account("a", NULL, NULL, T0 - 30 * DAY), b = account("b", NULL, NULL, T0 - 30 * DAY);
    int64_t u1 = contact("u1", a), u2 = contact("u2", b), u3 = contact("u3", a);
    int64_t monday = T0 - 2 * DAY;
    event(a, u1, "x", T0);            /* u1: home a, week 0 */
    event(b, u1, "x", T0 + 7 * DAY);  /* and week 1, in b */
    event(b, u2, "x", T0 + HOUR);     /* u2: home b, week 0 */
    event(a, u3, "x", T0 + 14 * DAY); /* u3: home a, week 2 */
    struct engine *e = build();
    struct engine_query q = {.from = INT64_MIN, .to = INT64_MAX, .now = T0 + 20 * DAY};
    struct engine_cohorts c;
    /* the weeks run from the accounts' start (Monday T0 - 30 days) to now's (Monday T0 + 19):
     * the cohort of monday (k = 0..3) is {u1, u2}, retained at k = 1: u1; that of monday + 14
     * (k = 0, 1) is {u3} */
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                                ENGINE_FIRST_ACTIVITY, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.nr, 6);
    cr_expect_eq(c.rows[0].cohort, monday);
    cr_expect_eq(c.rows[0].size, 2);
    cr_expect_eq(c.rows[1].retained, 1, "u1, in b");
    cr_expect_eq(c.rows[2].retained, 0);
    cr_expect_eq(c.rows[4].cohort, monday + 14 * DAY);
    cr_expect_eq(c.rows[4].size, 1);
    engine_cohorts_free(&c);
    /* account a: u1 and u3 */
    q.account = a;
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                                ENGINE_FIRST_ACTIVITY, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.nr, 6);
    cr_expect_eq(c.rows[0].size, 1, "u1 only: u2's home is b");
    cr_expect_eq(c.rows[1].retained, 1, "u1's week in b counts");
    cr_expect_eq(c.rows[4].size, 1, "u3");
    engine_cohorts_free(&c);
    /* account level, account b: active in the weeks of monday and monday + 7 */
    q.account = b;
    cr_assert_eq(engine_cohorts(e, &q, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_ACCOUNT,
                                ENGINE_FIRST_ACTIVITY, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.nr, 4);
    cr_expect_eq(c.rows[0].size, 1);
    cr_expect_eq(c.rows[1].retained, 1);
    cr_expect_eq(c.rows[2].retained, 0);
    engine_cohorts_free(&c);
    engine_free(e);
}
