/* build.c - the engine as a cache of the store: an engine built batch by batch (appends and
 * catch-ups, out-of-order events, tails and their merge) equals one built from the store; a
 * snapshot loads, catches up, and is rebuilt when damaged or stale; hand-checked figures. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rand.h"
#include "base/time.h"
#include "engine/engine.h"
#include "store/store.h"
#include "../scratch_db.h"
#include "../store_rows.h"

static char path[SCRATCH_DB_MAX], snap[80];
static struct store *st;
static int64_t ws;
static struct lf_err err;
static const struct engine_opts opts = {.threads = 2};

#define DAY MS_PER_DAY
static int64_t T0; /* 2026-01-01 */

static void open_fresh(void)
{
    scratch_db_name(path, sizeof(path), "engine");
    snprintf(snap, sizeof(snap), "/tmp/landfall-engine-%d.db.engine", (int)getpid());
    unlink(snap);
    struct store_workspace w;
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
    T0 = time_ms_from_civil(2026, 1, 1);
}

static void close_and_remove(void)
{
    store_free(st);
    scratch_db_remove(path);
    unlink(snap);
}

static const char *const segments[] = {"smb", "mid-market", "enterprise"};
static const char *const names[] = {"login", "report_created", "dashboard_viewed", "export",
                                    "invite_sent", "api_call"};

/* 40 accounts (some churned), 300 contacts; returns the store ids of both. */
static void make_accounts(int64_t *acc, int64_t *con)
{
    cr_assert_eq(store_begin(st, &err), 0);
    for (int i = 0; i < 40; i++) {
        char ext[32];
        snprintf(ext, sizeof(ext), "acc-%02d", i);
        int64_t since = T0 - (i % 10) * 7 * DAY;
        acc[i] = fx_account(st, ws, ext, segments[i % 3], i % 2 ? "pro" : "team",
                            i % 5 ? 5 + i : LF_UNSET, since);
        fx_mrr(st, ws, acc[i], since, 10000);
        if (i % 4 == 0) /* a quarter churn some weeks in */
            fx_mrr(st, ws, acc[i], since + (20 + i) * DAY, 0);
    }
    for (int i = 0; i < 300; i++) {
        char ext[32];
        snprintf(ext, sizeof(ext), "user-%03d", i);
        con[i] = fx_contact(st, ws, ext, acc[i % 40]);
    }
    cr_assert_eq(store_commit(st, &err), 0);
}

/* The i-th generated event: times over 120 days from T0 - 60 days, mostly in order. */
static struct event make_event(struct rng *r, int i, const int64_t *acc, const int64_t *con,
                               char *msg)
{
    int u = (int)rng_range(r, 0, 299);
    int a = u % 40;
    if (u % 37 == 0)
        a = (a + 1) % 40; /* some users act in two accounts */
    snprintf(msg, 32, "m-%06d", i);
    struct event e = {.message_id = msg, .account_id = acc[a],
                      .contact_id = u % 53 == 0 ? 0 : con[u],
                      .name = names[rng_pick(r, (const double[]){8, 3, 4, 1, 1, 2}, 6)],
                      .ts = T0 - 60 * DAY + (int64_t)i * 500000 + rng_range(r, -DAY, DAY),
                      .value = NAN};
    if (i % 10 == 0) {
        e.value = (double)i;
        e.has_value = true;
    }
    return e;
}

static void insert(const struct event *ev, size_t nr)
{
    cr_assert_eq(store_begin(st, &err), 0);
    for (size_t i = 0; i < nr; i++)
        fx_event(st, ws, &ev[i]);
    cr_assert_eq(store_commit(st, &err), 0);
}

static struct engine_query query(void)
{
    return (struct engine_query){.from = T0 - 30 * DAY, .to = T0 + 20 * DAY, .now = T0 + 20 * DAY,
                                 .by = ENGINE_BY_ACCOUNT};
}

static bool same_double(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

/* Every query of the two engines gives the same answer. */
static void expect_same(struct engine *x, struct engine *y)
{
    struct engine_info ix, iy;
    engine_info(x, &ix);
    engine_info(y, &iy);
    cr_expect_eq(ix.events, iy.events);
    cr_expect_eq(ix.accounts, iy.accounts);
    cr_expect_eq(ix.users, iy.users);
    cr_expect_eq(ix.names, iy.names);
    cr_expect_eq(ix.high_water, iy.high_water);

    struct engine_query q = query();
    struct engine_accounts ax, ay;
    cr_assert_eq(engine_accounts(x, &q, ENGINE_ACC_ALL, &ax, &err), 0, "%s", err.msg);
    cr_assert_eq(engine_accounts(y, &q, ENGINE_ACC_ALL, &ay, &err), 0, "%s", err.msg);
    cr_assert_eq(ax.nr, ay.nr);
    for (size_t i = 0; i < ax.nr; i++) {
        const struct engine_account_row *a = &ax.rows[i], *b = &ay.rows[i];
        cr_expect_eq(a->account_id, b->account_id);
        cr_expect(same_double(a->dau, b->dau), "dau of %s: %g vs %g", a->ext_id, a->dau, b->dau);
        cr_expect_eq(a->wau, b->wau);
        cr_expect_eq(a->mau, b->mau);
        cr_expect_eq(a->events, b->events);
        cr_expect_eq(a->features, b->features);
        cr_expect_eq(a->last_seen, b->last_seen);
        cr_expect(same_double(a->trend, b->trend), "trend of %s", a->ext_id);
    }
    engine_accounts_free(&ax);
    engine_accounts_free(&ay);

    for (int by = ENGINE_BY_NONE; by <= ENGINE_BY_PLAN; by++) {
        struct engine_activity vx, vy;
        q.by = by;
        cr_assert_eq(engine_activity(x, &q, ENGINE_DAY, &vx, &err), 0, "%s", err.msg);
        cr_assert_eq(engine_activity(y, &q, ENGINE_DAY, &vy, &err), 0, "%s", err.msg);
        cr_assert_eq(vx.nr, vy.nr);
        for (size_t i = 0; i < vx.nr; i++) {
            cr_expect_eq(vx.rows[i].users, vy.rows[i].users);
            cr_expect_eq(vx.rows[i].accounts, vy.rows[i].accounts);
            cr_expect_eq(vx.rows[i].events, vy.rows[i].events);
        }
        engine_activity_free(&vx);
        engine_activity_free(&vy);
    }

    q.from = INT64_MIN;
    q.to = INT64_MAX;
    for (int level = ENGINE_USER; level <= ENGINE_ACCOUNT; level++) {
        struct engine_cohorts cx, cy;
        cr_assert_eq(engine_cohorts(x, &q, ENGINE_WEEK, ENGINE_ACTIVITY, level,
                                    ENGINE_FIRST_ACTIVITY, &cx, &err), 0, "%s", err.msg);
        cr_assert_eq(engine_cohorts(y, &q, ENGINE_WEEK, ENGINE_ACTIVITY, level,
                                    ENGINE_FIRST_ACTIVITY, &cy, &err), 0, "%s", err.msg);
        cr_assert_eq(cx.nr, cy.nr);
        for (size_t i = 0; i < cx.nr; i++) {
            cr_expect_eq(cx.rows[i].cohort, cy.rows[i].cohort);
            cr_expect_eq(cx.rows[i].size, cy.rows[i].size);
            cr_expect_eq(cx.rows[i].retained, cy.rows[i].retained);
        }
        engine_cohorts_free(&cx);
        engine_cohorts_free(&cy);
    }

    struct engine_ttv tx, ty;
    cr_assert_eq(engine_ttv(x, &q, "export", &tx, &err), 0, "%s", err.msg);
    cr_assert_eq(engine_ttv(y, &q, "export", &ty, &err), 0, "%s", err.msg);
    cr_assert_eq(tx.nr, ty.nr);
    for (size_t i = 0; i < tx.nr; i++)
        cr_expect_eq(tx.rows[i].reached_at, ty.rows[i].reached_at);
    engine_ttv_free(&tx);
    engine_ttv_free(&ty);
}

#define EVENTS 20000

Test(engine, incremental_equals_rebuilt, .init = open_fresh, .fini = close_and_remove)
{
    int64_t acc[40], con[300];
    make_accounts(acc, con);
    struct rng r;
    rng_seed(&r, 7);
    static struct event ev[EVENTS];
    static char msg[EVENTS][32];
    for (int i = 0; i < EVENTS; i++)
        ev[i] = make_event(&r, i, acc, con, msg[i]);
    /* the first 6000 are there when the engine starts */
    insert(ev, 6000);
    struct engine *inc, *full;
    cr_assert_eq(engine_build(st, ws, &opts, &inc, &err), 0, "%s", err.msg);
    /* then batches of 100: even ones told through engine_append (ids of a fresh store are
     * 1, 2, … in insertion order), odd ones caught up with engine_sync; some batches arrive
     * reversed, so tails take events out of time order */
    for (int b = 6000, k = 0; b < EVENTS; b += 100, k++) {
        struct event batch[100];
        for (int i = 0; i < 100; i++)
            batch[i] = ev[k % 3 == 0 ? b + 99 - i : b + i];
        insert(batch, 100);
        if (k % 2 == 0) {
            for (int i = 0; i < 100; i++)
                batch[i].id = b + i + 1;
            cr_assert_eq(engine_append(inc, batch, 100, &err), 0, "%s", err.msg);
            /* a retried batch changes nothing */
            cr_assert_eq(engine_append(inc, batch, 100, &err), 0, "%s", err.msg);
        } else {
            size_t added;
            cr_assert_eq(engine_sync(inc, st, &added, &err), 0, "%s", err.msg);
            cr_assert_eq(added, 100);
        }
    }
    struct engine_info info;
    engine_info(inc, &info);
    cr_expect_eq(info.events, EVENTS);
    cr_expect_eq(info.tail_events, EVENTS - 6000, "below the merge threshold, in tails");
    cr_assert_eq(engine_build(st, ws, &opts, &full, &err), 0, "%s", err.msg);
    expect_same(inc, full);
    /* saving merges the tails into the columns: still the same */
    cr_assert_eq(engine_save(inc, snap, &err), 0, "%s", err.msg);
    engine_info(inc, &info);
    cr_expect_eq(info.tail_events, 0);
    expect_same(inc, full);
    cr_expect(info.bytes_per_event <= 24, "%g bytes an event", info.bytes_per_event);
    engine_free(inc);
    engine_free(full);
}

static void flip_byte(const char *file, long at)
{
    FILE *f = fopen(file, "r+b");
    cr_assert(f);
    cr_assert_eq(fseek(f, at, SEEK_SET), 0);
    int c = fgetc(f);
    cr_assert_eq(fseek(f, at, SEEK_SET), 0);
    fputc(c ^ 0x40, f);
    fclose(f);
}

Test(engine, snapshot_loads_catches_up_and_is_rebuilt, .init = open_fresh,
     .fini = close_and_remove)
{
    int64_t acc[40], con[300];
    make_accounts(acc, con);
    struct rng r;
    rng_seed(&r, 11);
    static struct event ev[4000];
    static char msg[4000][32];
    for (int i = 0; i < 4000; i++)
        ev[i] = make_event(&r, i, acc, con, msg[i]);
    insert(ev, 3000);

    struct engine *e, *full;
    struct engine_open_info info;
    /* no snapshot yet: built */
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_BUILT);
    cr_expect_str_empty(info.warning);
    cr_assert_eq(engine_save(e, snap, &err), 0, "%s", err.msg);
    engine_free(e);

    /* intact: loaded, then caught up with the 1000 events stored since */
    insert(ev + 3000, 1000);
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_LOADED);
    cr_expect_eq(info.caught_up, 1000);
    cr_assert_eq(engine_build(st, ws, &opts, &full, &err), 0, "%s", err.msg);
    expect_same(e, full);
    cr_assert_eq(engine_save(e, snap, &err), 0, "%s", err.msg);
    engine_free(e);

    /* one flipped byte in the event columns: the checksum catches it */
    flip_byte(snap, 40000);
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_REBUILT);
    cr_expect(strstr(info.warning, "checksum"), "warning: %s", info.warning);
    expect_same(e, full);
    cr_assert_eq(engine_save(e, snap, &err), 0, "%s", err.msg);
    engine_free(e);

    /* truncated */
    cr_assert_eq(truncate(snap, 1000), 0);
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_REBUILT);
    cr_expect(strstr(info.warning, "truncated"), "warning: %s", info.warning);
    cr_assert_eq(engine_save(e, snap, &err), 0, "%s", err.msg);
    engine_free(e);
    engine_free(full);

    /* stale: the store is refilled with other events of the same count, so the ids are the same
     * but the event at the high-water mark is another */
    cr_assert_eq(store_workspace_clear(st, ws, &err), 0, "%s", err.msg);
    make_accounts(acc, con);
    rng_seed(&r, 12);
    for (int i = 0; i < 4000; i++) {
        ev[i] = make_event(&r, i, acc, con, msg[i]);
        msg[i][0] = 'n';
    }
    insert(ev, 4000);
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_REBUILT);
    cr_expect(strstr(info.warning, "stale"), "warning: %s", info.warning);
    cr_assert_eq(engine_build(st, ws, &opts, &full, &err), 0, "%s", err.msg);
    expect_same(e, full);
    engine_free(e);
    engine_free(full);

    /* garbage */
    FILE *f = fopen(snap, "wb");
    fputs("not an engine", f);
    fclose(f);
    cr_assert_eq(engine_open(st, ws, snap, &opts, &e, &info, &err), 0, "%s", err.msg);
    cr_expect_eq(info.origin, ENGINE_REBUILT);
    cr_expect(strstr(info.warning, "not an engine snapshot"), "warning: %s", info.warning);
    engine_free(e);
}

/* One account, two users, events on known days; every figure worked out by hand. */
Test(engine, figures_by_hand, .init = open_fresh, .fini = close_and_remove)
{
    cr_assert_eq(store_begin(st, &err), 0);
    int64_t a = fx_account(st, ws, "a", NULL, NULL, 4, T0);
    int64_t u1 = fx_contact(st, ws, "u1", a), u2 = fx_contact(st, ws, "u2", a);
    cr_assert_eq(store_commit(st, &err), 0);
    /* now = T0 + 56 days; the 30-day window is [T0 + 26, T0 + 56) */
    struct {
        int day;
        int64_t user;
        const char *name;
    } rows[] = {
        {27, u1, "login"}, {27, u1, "export"}, {27, u2, "login"}, /* day 27: 2 users */
        {40, u1, "login"},                                        /* day 40: 1 user */
        {50, u2, "report"}, {52, u2, "login"},                     /* last 7 days: 50, 52 */
        {5, u1, "login"}, {12, u1, "login"}, {12, u2, "login"},  /* trend weeks 0 and 1 */
    };
    struct event ev[9];
    char msg[9][16];
    for (int i = 0; i < 9; i++) {
        snprintf(msg[i], sizeof(msg[i]), "h%d", i);
        ev[i] = (struct event){.message_id = msg[i], .account_id = a, .contact_id = rows[i].user,
                               .name = rows[i].name, .ts = T0 + rows[i].day * DAY + 3600000,
                               .value = NAN};
    }
    insert(ev, 9);
    struct engine *e;
    cr_assert_eq(engine_build(st, ws, &opts, &e, &err), 0, "%s", err.msg);
    int64_t now = T0 + 56 * DAY;
    struct engine_query q = {.from = now - 30 * DAY, .to = now, .now = now};
    struct engine_accounts r;
    cr_assert_eq(engine_accounts(e, &q, ENGINE_ACC_ALL, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.nr, 1);
    const struct engine_account_row *x = &r.rows[0];
    /* user-days in the window: (27,u1) (27,u2) (40,u1) (50,u2) (52,u2) = 5 over 30 days */
    cr_expect_float_eq(x->dau, 5.0 / 30.0, 1e-12);
    cr_expect_eq(x->mau, 2);
    cr_expect_eq(x->wau, 1, "only u2 in [now - 7, now)");
    cr_expect_float_eq(x->stickiness, (5.0 / 30.0) / 2.0, 1e-12);
    cr_expect_float_eq(x->utilisation, 2.0 / 4.0, 1e-12);
    cr_expect_eq(x->events, 6);
    cr_expect_eq(x->features, 3, "login, export, report");
    cr_expect_float_eq(x->breadth, 3.0 / 3.0, 1e-12);
    cr_expect_float_eq(x->depth, 6.0 / 2.0, 1e-12);
    cr_expect_eq(x->last_seen, T0 + 52 * DAY + 3600000);
    cr_expect_eq(x->days_since, 4, "calendar days from day 52 to day 56 (3 days 23 hours)");
    /* 7-day blocks from now - 56 days = T0: block 0 = days 0..6 {u1}, 1 = 7..13 {u1, u2},
     * 2 = 14..20 {}, 3 = 21..27 {u1, u2}, 4 = 28..34 {}, 5 = 35..41 {u1}, 6 = 42..48 {},
     * 7 = 49..55 {u2}:
     * y = 1 2 0 2 0 1 0 1, mean 7/8, Σ (x − 3.5)(y − ȳ) = Σ (x − 3.5) y
     *   = −3.5 − 5 + 0 − 1 + 0 + 1.5 + 0 + 3.5 = −4.5; slope = −4.5 / 42;
     * trend = 100 × slope / mean = −12.2449 % a week */
    cr_expect_float_eq(x->trend, 100.0 * (-4.5 / 42.0) / (7.0 / 8.0), 1e-9);
    engine_accounts_free(&r);

    /* time to value of "report": day 50 after customer since */
    struct engine_ttv t;
    cr_assert_eq(engine_ttv(e, &q, "report", &t, &err), 0, "%s", err.msg);
    cr_assert_eq(t.nr, 1);
    cr_expect_float_eq(t.rows[0].days, 50.0 + 1.0 / 24.0, 1e-9);
    engine_ttv_free(&t);
    cr_expect_eq(engine_ttv(e, &q, "nothing", &t, &err), -1);
    cr_expect_eq(err.code, LF_ENOENT);
    engine_free(e);
}

/* Past engine_opts.split_read events (ENGINE_SPLIT_READ, 200 000, unless set) the build reads
 * the store through two connections on two threads and maps the second half afterwards: the same
 * engine as one reader's. The threshold is lowered to 15 000 so that 30 000 events take that path
 * on both engines (250 000 did on SQLite only: PostgreSQL's write path, a row per round trip, had
 * 40 000, under the threshold): each reader's 15 000 span two of PostgreSQL's cursor batches of
 * 10 000, and the second half's names are mapped afterwards as in a big store. */
Test(engine, two_readers_equal_one, .init = open_fresh, .fini = close_and_remove, .timeout = 240)
{
    int64_t acc[40], con[300];
    make_accounts(acc, con);
    struct rng r;
    rng_seed(&r, 5);
    enum { BATCH = 10000, N = 30000, SPLIT = 15000 };
    static struct event ev[BATCH];
    static char msg[BATCH][32];
    for (int b = 0; b < N; b += BATCH) {
        for (int i = 0; i < BATCH; i++)
            ev[i] = make_event(&r, (b + i) / 12, acc, con, msg[i]);
        for (int i = 0; i < BATCH; i++)
            snprintf(msg[i], sizeof(msg[i]), "big-%07d", b + i);
        insert(ev, BATCH);
    }
    struct engine *one, *two;
    struct engine_opts single = {.threads = 1};
    struct engine_opts split = {.threads = 2, .split_read = SPLIT};
    cr_assert_eq(engine_build(st, ws, &single, &one, &err), 0, "%s", err.msg);
    cr_assert_eq(engine_build(st, ws, &split, &two, &err), 0, "%s", err.msg);
    struct engine_info info;
    engine_info(two, &info);
    cr_expect_eq(info.events, N);
    cr_expect_eq(info.high_water, N);
    expect_same(one, two);
    engine_free(one);
    engine_free(two);
}
