/* activity.c - active users, accounts and events per calendar period and group: DAU, WAU, MAU
 * and the daily series behind stickiness. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

/* A user seen in several accounts (or also without one): counted through a list of (group,
 * period, user) made distinct at the end, since per-account stamps cannot tell its accounts
 * apart. */
struct triple {
    uint32_t group, period, user;
};

struct worker {
    int64_t *users, *accounts, *events; /* groups × periods, or the shared arrays */
    struct triple *multi;
    size_t multi_nr, multi_cap;
};

struct act {
    const struct engine *e;
    const struct eng_grouping *g;
    struct eng_periods per;
    uint32_t from_s, to_s;
    bool shared; /* groups are accounts: workers write disjoint rows */
    struct worker w[64];
};

static void act_work(void *p, int wi, struct eng_scratch *s, uint32_t first, uint32_t end)
{
    struct act *c = p;
    const struct engine *e = c->e;
    struct worker *w = &c->w[wi];
    size_t P = c->per.nr;
    for (uint32_t a = first; a < end; a++) {
        uint32_t g = c->g->of[a];
        if (g == UINT32_MAX)
            continue;
        struct eng_run r;
        eng_run_window(e, a, c->from_s, c->to_s, s, &r);
        if (!r.nr)
            continue;
        int64_t *users = w->users + (size_t)g * P, *accounts = w->accounts + (size_t)g * P,
                *events = w->events + (size_t)g * P;
        uint32_t stamp = eng_stamp(s);
        struct eng_ustate *us = s->users;
        size_t last_p = SIZE_MAX;
        for (size_t i = 0; i < r.nr; i++) {
            size_t pi = eng_periods_at(&c->per, r.ts[i]);
            if (pi != last_p && a) { /* the "no account" slot is no account */
                accounts[pi]++;
                last_p = pi;
            }
            events[pi]++;
            uint32_t u = r.user[i];
            if (!u)
                continue;
            if (e->user_multi[u]) {
                w->multi = xgrow(w->multi, sizeof(*w->multi), w->multi_nr + 1, &w->multi_cap);
                w->multi[w->multi_nr++] = (struct triple){g, (uint32_t)pi, u};
                continue;
            }
            struct eng_ustate *st = &us[u];
            if (st->stamp != stamp || st->day != pi) {
                st->stamp = stamp;
                st->day = (uint32_t)pi;
                users[pi]++;
            }
        }
    }
}

static int triple_cmp(const void *pa, const void *pb)
{
    const struct triple *x = pa, *y = pb;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    return x->user < y->user ? -1 : x->user > y->user;
}

int engine_activity(struct engine *e, const struct engine_query *q, int period,
                    struct engine_activity *out, struct lf_err *err)
{
    *out = (struct engine_activity){0};
    if (q->to <= q->from)
        return err_set(err, LF_EUSAGE, "the window is empty: --from must be before --to");
    pthread_rwlock_rdlock(&e->lock);
    struct act c = {.e = e, .from_s = eng_sec(q->from), .to_s = eng_sec(q->to)};
    struct eng_grouping g = {0};
    int allocated = 0;
    int rc = eng_periods_make(&c.per, q->tz, period, q->from, q->to, err);
    if (rc < 0 || (rc = eng_grouping_make(e, q, &g, err)) < 0)
        goto out;
    c.g = &g;
    c.shared = q->custom ? q->custom->account_ids != NULL : q->by == ENGINE_BY_ACCOUNT;
    size_t P = c.per.nr, cells = g.groups.nr * P;
    int workers = eng_workers(e);
    for (int w = 0; w < workers; w++) {
        if (c.shared && w > 0) {
            c.w[w].users = c.w[0].users;
            c.w[w].accounts = c.w[0].accounts;
            c.w[w].events = c.w[0].events;
            continue;
        }
        c.w[w].users = xcalloc(cells, sizeof(int64_t));
        c.w[w].accounts = xcalloc(cells, sizeof(int64_t));
        c.w[w].events = xcalloc(cells, sizeof(int64_t));
    }
    allocated = workers;
    workers = eng_parallel(e, workers, act_work, &c);
    struct worker *t = &c.w[0];
    for (int w = 1; w < workers; w++) {
        if (!c.shared)
            for (size_t i = 0; i < cells; i++) {
                t->users[i] += c.w[w].users[i];
                t->accounts[i] += c.w[w].accounts[i];
                t->events[i] += c.w[w].events[i];
            }
        t->multi = xgrow(t->multi, sizeof(*t->multi), t->multi_nr + c.w[w].multi_nr,
                         &t->multi_cap);
        if (c.w[w].multi_nr)
            memcpy(t->multi + t->multi_nr, c.w[w].multi, c.w[w].multi_nr * sizeof(*t->multi));
        t->multi_nr += c.w[w].multi_nr;
    }
    if (t->multi_nr) {
        qsort(t->multi, t->multi_nr, sizeof(*t->multi), triple_cmp);
        for (size_t i = 0; i < t->multi_nr; i++)
            if (i == 0 || triple_cmp(&t->multi[i - 1], &t->multi[i]) != 0)
                t->users[(size_t)t->multi[i].group * P + t->multi[i].period]++;
    }
    /* every period of every group with activity; a single group (no breakdown) always, so
     * that a quiet window reads as zeros rather than as nothing. A period is labelled with its
     * start even when the window cuts it. */
    size_t cap = 0;
    for (size_t gi = 0; gi < g.groups.nr; gi++) {
        int64_t any = 0;
        for (size_t p = 0; p < P; p++)
            any += t->events[gi * P + p];
        if (!any && g.groups.nr > 1)
            continue;
        for (size_t p = 0; p < P; p++) {
            out->rows = xgrow(out->rows, sizeof(*out->rows), out->nr + 1, &cap);
            size_t i = gi * P + p;
            out->rows[out->nr++] = (struct engine_activity_row){gi, c.per.ms[p], t->users[i],
                                                                t->accounts[i], t->events[i]};
        }
    }
    out->groups = g.groups;
    g.groups = (struct engine_groups){0};
out:
    for (int w = 0; w < allocated; w++) {
        if (!c.shared || w == 0) {
            free(c.w[w].users);
            free(c.w[w].accounts);
            free(c.w[w].events);
        }
        free(c.w[w].multi);
    }
    eng_grouping_release(&g);
    eng_periods_release(&c.per);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

void engine_activity_free(struct engine_activity *a)
{
    if (!a)
        return;
    eng_groups_release(&a->groups);
    free(a->rows);
    *a = (struct engine_activity){0};
}
