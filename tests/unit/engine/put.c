/* put.c - engine_accounts_put: an engine told of account changes (new accounts, accounts first
 * seen through events, changed plans, segments, seats, customer since, MRR histories) answers
 * every query exactly as an engine built from the store after the same changes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scratch_db.h"
#include "../store_rows.h"
#include "base/rand.h"
#include "base/time.h"
#include "engine/engine.h"
#include "store/store.h"

static char path[64];
static struct store *st;
static int64_t ws;
static struct lf_err err;
static const struct engine_opts opts = {.threads = 2};

#define DAY MS_PER_DAY
#define NACC 30
static int64_t T0; /* 2026-01-01 */

static void open_fresh(void)
{
    struct store_workspace w;
    scratch_db_name(path, sizeof(path), "engput");
    cr_assert_eq(store_open(path, NULL, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(store_workspace_ensure(st, "default", &w, &err), 0, "%s", err.msg);
    ws = w.id;
    T0 = time_ms_from_civil(2026, 1, 1);
}

static void close_and_remove(void)
{
    store_free(st);
    scratch_db_remove(path);
}

static const char *const segments[] = {"smb", "mid-market", "enterprise"};
static const char *const plans[] = {"team", "pro", "scale"};
static const char *const names[] = {"login", "report", "export", "invite"};

/* The fixture rows below are written inside the caller's transaction. */
static int64_t upsert(const char *ext, const char *segment, const char *plan, int64_t seats,
                      int64_t since)
{
    return fx_account(st, ws, ext, segment, plan, seats, since);
}

static void mrr(int64_t account_id, int64_t date, int64_t value)
{
    fx_mrr(st, ws, account_id, date, value);
}

static int64_t contact(int i, int64_t account_id)
{
    char ext[32];
    snprintf(ext, sizeof(ext), "u-%d", i);
    return fx_contact(st, ws, ext, account_id);
}

/* Stores nr random events of the accounts acc[0..na) and their users; returns them with their
 * store ids for engine_append (ids of a fresh store are 1, 2, … in insertion order). */
static void events(struct rng *r, const int64_t *acc, int na, const int64_t *con, int per_acc,
                   int nr, int64_t first_id, struct event *ev, char (*msg)[32])
{
    cr_assert_eq(store_begin(st, &err), 0);
    for (int i = 0; i < nr; i++) {
        int a = (int)rng_range(r, 0, na - 1);
        snprintf(msg[i], 32, "p-%lld", (long long)(first_id + i));
        ev[i] = (struct event){.message_id = msg[i], .account_id = acc[a],
                               .contact_id = con[a * per_acc + (int)rng_range(r, 0, per_acc - 1)],
                               .name = names[rng_range(r, 0, 3)],
                               .ts = T0 - 60 * DAY + rng_range(r, 0, 120 * DAY), .value = NAN};
        cr_assert(fx_event(st, ws, &ev[i]));
        ev[i].id = first_id + i;
    }
    cr_assert_eq(store_commit(st, &err), 0);
}

/* ---- the store's view of some accounts, as engine_account_in rows ---- */

struct dims {
    struct engine_account_in *in;
    size_t nr;
    const int64_t *want;
    size_t want_nr;
};

static char *copy(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int on_account(void *p, const struct account *a, struct lf_err *e)
{
    (void)e;
    struct dims *d = p;
    for (size_t i = 0; i < d->want_nr; i++)
        if (d->want[i] == a->id) {
            d->in = realloc(d->in, (d->nr + 1) * sizeof(*d->in));
            d->in[d->nr++] = (struct engine_account_in){
                .id = a->id, .ext_id = copy(a->ext_id), .segment = copy(a->segment),
                .plan = copy(a->plan), .seats = a->seats, .customer_since = a->customer_since};
        }
    return 0;
}

static int on_mrr(void *p, const struct mrr_change *m, struct lf_err *e)
{
    (void)e;
    struct dims *d = p;
    for (size_t i = 0; i < d->nr; i++)
        if (d->in[i].id == m->account_id) {
            struct engine_mrr *h = (struct engine_mrr *)d->in[i].mrr;
            h = realloc(h, (d->in[i].mrr_nr + 1) * sizeof(*h));
            /* the change feed's order is not the store's: reversed */
            memmove(h + 1, h, d->in[i].mrr_nr * sizeof(*h));
            h[0] = (struct engine_mrr){m->date, m->mrr};
            d->in[i].mrr = h;
            d->in[i].mrr_nr++;
        }
    return 0;
}

static void dims_read(struct dims *d, const int64_t *want, size_t nr)
{
    *d = (struct dims){.want = want, .want_nr = nr};
    cr_assert_eq(store_accounts_scan(st, ws, on_account, d, &err), 0, "%s", err.msg);
    cr_assert_eq(store_mrr_changes_scan(st, ws, 0, on_mrr, d, &err), 0, "%s", err.msg);
    cr_assert_eq(d->nr, nr);
}

static void dims_release(struct dims *d)
{
    for (size_t i = 0; i < d->nr; i++) {
        free((char *)d->in[i].ext_id);
        free((char *)d->in[i].segment);
        free((char *)d->in[i].plan);
        free((void *)d->in[i].mrr);
    }
    free(d->in);
}

/* ---- every query of two engines gives the same answer ---- */

static bool same_double(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

static bool same_str(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static void expect_same(struct engine *x, struct engine *y, int64_t now)
{
    struct engine_query q = {.from = now - 30 * DAY, .to = now, .now = now};
    struct engine_accounts ax, ay;
    cr_assert_eq(engine_accounts(x, &q, ENGINE_ACC_ALL, &ax, &err), 0, "%s", err.msg);
    cr_assert_eq(engine_accounts(y, &q, ENGINE_ACC_ALL, &ay, &err), 0, "%s", err.msg);
    cr_assert_eq(ax.nr, ay.nr);
    for (size_t i = 0; i < ax.nr; i++) {
        const struct engine_account_row *a = &ax.rows[i], *b = &ay.rows[i];
        cr_expect_eq(a->account_id, b->account_id);
        cr_expect_str_eq(a->ext_id, b->ext_id);
        cr_expect(same_str(a->segment, b->segment), "segment of %s", b->ext_id);
        cr_expect(same_str(a->plan, b->plan), "plan of %s", b->ext_id);
        cr_expect_eq(a->seats, b->seats, "seats of %s", b->ext_id);
        cr_expect(same_double(a->utilisation, b->utilisation), "utilisation of %s", b->ext_id);
        cr_expect(same_double(a->dau, b->dau));
        cr_expect_eq(a->mau, b->mau);
        cr_expect_eq(a->events, b->events);
        cr_expect_eq(a->last_seen, b->last_seen);
    }
    engine_accounts_free(&ax);
    engine_accounts_free(&ay);

    for (int by = ENGINE_BY_SEGMENT; by <= ENGINE_BY_PLAN; by++) {
        q.by = by;
        struct engine_activity vx, vy;
        cr_assert_eq(engine_activity(x, &q, ENGINE_WEEK, &vx, &err), 0, "%s", err.msg);
        cr_assert_eq(engine_activity(y, &q, ENGINE_WEEK, &vy, &err), 0, "%s", err.msg);
        cr_assert_eq(vx.groups.nr, vy.groups.nr);
        for (size_t i = 0; i < vx.groups.nr; i++)
            cr_expect_str_eq(vx.groups.labels[i], vy.groups.labels[i]);
        cr_assert_eq(vx.nr, vy.nr);
        for (size_t i = 0; i < vx.nr; i++) {
            cr_expect_eq(vx.rows[i].group, vy.rows[i].group);
            cr_expect_eq(vx.rows[i].users, vy.rows[i].users);
            cr_expect_eq(vx.rows[i].events, vy.rows[i].events);
        }
        engine_activity_free(&vx);
        engine_activity_free(&vy);

        struct engine_survival sx, sy;
        cr_assert_eq(engine_survival(x, &q, &sx, &err), 0, "%s", err.msg);
        cr_assert_eq(engine_survival(y, &q, &sy, &err), 0, "%s", err.msg);
        cr_assert_eq(sx.groups.nr, sy.groups.nr);
        for (size_t g = 0; g < sx.groups.nr; g++) {
            cr_expect_str_eq(sx.groups.labels[g], sy.groups.labels[g]);
            cr_expect_eq(sx.curves[g].accounts, sy.curves[g].accounts, "%s", sy.groups.labels[g]);
            cr_expect_eq(sx.curves[g].churned, sy.curves[g].churned);
            cr_assert_eq(sx.curves[g].nr, sy.curves[g].nr);
            for (size_t i = 0; i < sx.curves[g].nr; i++) {
                cr_expect(same_double(sx.curves[g].rows[i].time, sy.curves[g].rows[i].time));
                cr_expect(same_double(sx.curves[g].rows[i].survival,
                                      sy.curves[g].rows[i].survival));
            }
        }
        engine_survival_free(&sx);
        engine_survival_free(&sy);
    }

    q = (struct engine_query){.from = INT64_MIN, .to = INT64_MAX, .now = now};
    struct {
        int basis, level, start;
    } kinds[] = {{ENGINE_REVENUE, ENGINE_ACCOUNT, ENGINE_CUSTOMER_SINCE},
                 {ENGINE_ACTIVITY, ENGINE_USER, ENGINE_CUSTOMER_SINCE},
                 {ENGINE_ACTIVITY, ENGINE_ACCOUNT, ENGINE_CUSTOMER_SINCE}};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
        struct engine_cohorts cx, cy;
        cr_assert_eq(engine_cohorts(x, &q, ENGINE_MONTH, kinds[k].basis, kinds[k].level,
                                    kinds[k].start, &cx, &err), 0, "%s", err.msg);
        cr_assert_eq(engine_cohorts(y, &q, ENGINE_MONTH, kinds[k].basis, kinds[k].level,
                                    kinds[k].start, &cy, &err), 0, "%s", err.msg);
        cr_assert_eq(cx.nr, cy.nr, "cohorts %zu", k);
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
    for (size_t i = 0; i < tx.nr; i++) {
        cr_expect_eq(tx.rows[i].account_id, ty.rows[i].account_id);
        cr_expect_str_eq(tx.rows[i].ext_id, ty.rows[i].ext_id);
        cr_expect_eq(tx.rows[i].start, ty.rows[i].start);
        cr_expect_eq(tx.rows[i].churned, ty.rows[i].churned);
    }
    engine_ttv_free(&tx);
    engine_ttv_free(&ty);

    struct engine_curves vx, vy;
    const int days[] = {7, 30};
    cr_assert_eq(engine_curves(x, &q, days, 2, &vx, &err), 0, "%s", err.msg);
    cr_assert_eq(engine_curves(y, &q, days, 2, &vy, &err), 0, "%s", err.msg);
    cr_assert_eq(vx.nr, vy.nr);
    for (size_t i = 0; i < vx.nr; i++) {
        cr_expect_eq(vx.rows[i].eligible, vy.rows[i].eligible);
        cr_expect_eq(vx.rows[i].adopted, vy.rows[i].adopted);
    }
    engine_curves_free(&vx);
    engine_curves_free(&vy);
}

static const struct engine_account_row *row_of(const struct engine_accounts *r, int64_t id)
{
    for (size_t i = 0; i < r->nr; i++)
        if (r->rows[i].account_id == id)
            return &r->rows[i];
    return NULL;
}

Test(put, equals_rebuilt, .init = open_fresh, .fini = close_and_remove)
{
    int64_t now = T0 + 60 * DAY;
    int64_t acc[NACC + 2], con[(NACC + 2) * 5];
    cr_assert_eq(store_begin(st, &err), 0);
    for (int i = 0; i < NACC; i++) {
        char ext[16];
        snprintf(ext, sizeof(ext), "a-%02d", i);
        int64_t since = T0 - (i % 9) * 11 * DAY;
        acc[i] = upsert(ext, segments[i % 3], plans[i % 3], 5 + i, since);
        if (i % 5 != 4) /* some never pay */
            mrr(acc[i], since, 1000 + 100 * i);
        if (i % 4 == 0)
            mrr(acc[i], since + (25 + i) * DAY, 0);
        for (int k = 0; k < 5; k++)
            con[i * 5 + k] = contact(i * 5 + k, acc[i]);
    }
    cr_assert_eq(store_commit(st, &err), 0);
    struct rng r;
    rng_seed(&r, 3);
    static struct event ev[3000];
    static char msg[3000][32];
    events(&r, acc, NACC, con, 5, 3000, 1, ev, msg);
    struct engine *inc, *full;
    cr_assert_eq(engine_build(st, ws, &opts, &inc, &err), 0, "%s", err.msg);

    /* results borrow the engine's strings: they must outlive the changes below */
    struct engine_query q = {.from = now - 30 * DAY, .to = now, .now = now};
    struct engine_accounts before;
    cr_assert_eq(engine_accounts(inc, &q, ENGINE_ACC_ACTIVITY, &before, &err), 0, "%s", err.msg);

    /* the changes, in the store */
    cr_assert_eq(store_begin(st, &err), 0);
    int64_t changed[16];
    size_t nchanged = 0;
    for (int i = 0; i < 4; i++) { /* plans, segments, seats */
        char ext[16];
        snprintf(ext, sizeof(ext), "a-%02d", i);
        changed[nchanged++] = upsert(ext, segments[(i + 1) % 3], "enterprise-plus", 50 + i,
                                     LF_UNSET);
    }
    char ext5[] = "a-05"; /* customer since moves later: its cohort and lifetime move */
    changed[nchanged++] = upsert(ext5, NULL, NULL, LF_UNSET, T0 + 3 * DAY);
    for (int i = 6; i <= 8; i++) { /* churns */
        mrr(acc[i], T0 + 20 * DAY, 0);
        changed[nchanged++] = acc[i];
    }
    mrr(acc[8], T0 + 35 * DAY, 2500); /* and comes back */
    mrr(acc[9], T0 + 10 * DAY, 0);    /* 9 churned at T0 + 25 days before: now earlier */
    changed[nchanged++] = acc[9];
    mrr(acc[14], T0 + 5 * DAY, 800); /* a never-paying one starts paying */
    changed[nchanged++] = acc[14];
    /* a new account whose events reach the engine before the account does */
    acc[NACC] = upsert("new-1", "smb", "pro", 7, T0 + 2 * DAY);
    mrr(acc[NACC], T0 + 2 * DAY, 900);
    for (int k = 0; k < 5; k++)
        con[NACC * 5 + k] = contact(NACC * 5 + k, acc[NACC]);
    /* a new account without events */
    acc[NACC + 1] = upsert("new-2", "enterprise", "scale", 40, T0 - 5 * DAY);
    mrr(acc[NACC + 1], T0 - 5 * DAY, 9000);
    mrr(acc[NACC + 1], T0 + 30 * DAY, 0);
    for (int k = 0; k < 5; k++)
        con[(NACC + 1) * 5 + k] = contact((NACC + 1) * 5 + k, acc[NACC + 1]);
    cr_assert_eq(store_commit(st, &err), 0);
    static struct event ev2[400];
    static char msg2[400][32];
    events(&r, acc + NACC, 1, con + NACC * 5, 5, 400, 3001, ev2, msg2);
    cr_assert_eq(engine_append(inc, ev2, 400, &err), 0, "%s", err.msg);

    /* before it is told, the engine knows new-1 by its events only */
    struct engine_accounts mid;
    cr_assert_eq(engine_accounts(inc, &q, ENGINE_ACC_ACTIVITY, &mid, &err), 0, "%s", err.msg);
    const struct engine_account_row *n1 = row_of(&mid, acc[NACC]);
    cr_assert(n1);
    cr_expect_str_eq(n1->ext_id, "");
    cr_expect_null(n1->plan);
    cr_expect_eq(n1->seats, LF_UNSET);
    engine_accounts_free(&mid);

    changed[nchanged++] = acc[NACC];
    changed[nchanged++] = acc[NACC + 1];
    struct dims d;
    dims_read(&d, changed, nchanged);
    struct engine_account_in bad = {.id = 0};
    cr_expect_eq(engine_accounts_put(inc, &bad, 1, &err), -1);
    cr_expect_eq(err.code, LF_EINVAL);
    cr_assert_eq(engine_accounts_put(inc, d.in, d.nr, &err), 0, "%s", err.msg);
    dims_release(&d);

    cr_assert_eq(engine_build(st, ws, &opts, &full, &err), 0, "%s", err.msg);
    expect_same(inc, full, now);
    /* a second put of the same rows changes nothing */
    dims_read(&d, changed, nchanged);
    cr_assert_eq(engine_accounts_put(inc, d.in, d.nr, &err), 0, "%s", err.msg);
    dims_release(&d);
    expect_same(inc, full, now);

    /* the strings of the result made before the changes are still the old ones */
    const struct engine_account_row *a0 = row_of(&before, acc[0]);
    cr_assert(a0);
    cr_expect_str_eq(a0->plan, "team");
    cr_expect_str_eq(a0->segment, "smb");
    cr_expect_str_eq(a0->ext_id, "a-00");
    engine_accounts_free(&before);
    engine_free(inc);
    engine_free(full);
}
