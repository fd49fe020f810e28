/* activity.c - active users, accounts and events per calendar period and group: DAU, WAU, MAU
 * and the daily series behind stickiness. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

/* A user seen in several accounts: counted through a list of (group, period, user) made
 * distinct at the end, since per-account stamps cannot tell its accounts apart. */
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
    size_t periods;
    uint32_t from_s, to_s, day0_s; /* window in seconds; the first day's start */
    uint32_t *day_period;          /* day of the window → period index */
    bool shared;                   /* groups are accounts: workers write disjoint rows */
    struct worker w[64];
};

static void act_work(void *p, int wi, uint32_t first, uint32_t end)
{
    struct act *c = p;
    const struct engine *e = c->e;
    struct worker *w = &c->w[wi];
    size_t P = c->periods;
    uint64_t *stamp = xcalloc(e->user_nr, sizeof(*stamp));
    struct eng_scratch scratch = {0};
    for (uint32_t a = first; a < end; a++) {
        uint32_t g = c->g->of[a];
        if (g == UINT32_MAX)
            continue;
        struct eng_run r;
        eng_run_get(e, a, &scratch, &r);
        size_t i = eng_lower(&r, c->from_s), hi = eng_lower(&r, c->to_s);
        if (i >= hi)
            continue;
        int64_t *users = w->users + (size_t)g * P, *accounts = w->accounts + (size_t)g * P,
                *events = w->events + (size_t)g * P;
        uint64_t key0 = (uint64_t)(a + 1) << 32;
        uint32_t last_p = UINT32_MAX;
        for (; i < hi; i++) {
            uint32_t pi = c->day_period[(r.ts[i] - c->day0_s) / SECS_PER_DAY];
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
                w->multi[w->multi_nr++] = (struct triple){g, pi, u};
            } else if (stamp[u] != (key0 | pi)) {
                stamp[u] = key0 | pi;
                users[pi]++;
            }
        }
    }
    eng_scratch_release(&scratch);
    free(stamp);
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
    int64_t days = (time_day_start(q->to - 1) - time_day_start(q->from)) / MS_PER_DAY + 1;
    if (days > 100000)
        return err_set(err, LF_EUSAGE, "the window is too long: %lld days", (long long)days);
    pthread_rwlock_rdlock(&e->lock);
    struct act c = {.e = e, .from_s = eng_sec(q->from), .to_s = eng_sec(q->to),
                    .day0_s = (uint32_t)(time_day_start(q->from < 0 ? 0 : q->from) / 1000)};
    struct eng_grouping g;
    int64_t *starts = NULL;
    size_t starts_cap = 0;
    int rc = eng_grouping_make(e, q, &g, err);
    if (rc < 0)
        goto out;
    c.g = &g;
    c.shared = q->custom ? q->custom->account_ids != NULL : q->by == ENGINE_BY_ACCOUNT;
    /* the periods, and the period of each day of the window */
    c.day_period = xmalloc((size_t)days * sizeof(*c.day_period));
    for (int64_t p = eng_period_start(period, q->from); p < q->to;
         p = eng_period_next(period, p)) {
        starts = xgrow(starts, sizeof(*starts), c.periods + 1, &starts_cap);
        starts[c.periods++] = p < q->from ? q->from : p;
    }
    for (int64_t d = 0; d < days; d++) {
        int64_t day = time_day_start(q->from) + d * MS_PER_DAY;
        size_t pi = 0;
        while (pi + 1 < c.periods && starts[pi + 1] <= day)
            pi++;
        c.day_period[d] = (uint32_t)pi;
    }
    size_t cells = g.groups.nr * c.periods;
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
    int allocated = workers;
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
                t->users[(size_t)t->multi[i].group * c.periods + t->multi[i].period]++;
    }
    /* every period of every group with activity; a single group (no breakdown) always, so
     * that a quiet window reads as zeros rather than as nothing */
    size_t cap = 0;
    for (size_t gi = 0; gi < g.groups.nr; gi++) {
        int64_t any = 0;
        for (size_t p = 0; p < c.periods; p++)
            any += t->events[gi * c.periods + p];
        if (!any && g.groups.nr > 1)
            continue;
        for (size_t p = 0; p < c.periods; p++) {
            out->rows = xgrow(out->rows, sizeof(*out->rows), out->nr + 1, &cap);
            size_t i = gi * c.periods + p;
            out->rows[out->nr++] = (struct engine_activity_row){gi, starts[p], t->users[i],
                                                                t->accounts[i], t->events[i]};
        }
    }
    out->groups = g.groups;
    g.groups = (struct engine_groups){0};
    for (int w = 0; w < allocated; w++) {
        if (!c.shared || w == 0) {
            free(c.w[w].users);
            free(c.w[w].accounts);
            free(c.w[w].events);
        }
        free(c.w[w].multi);
    }
out:
    eng_grouping_release(&g);
    free(c.day_period);
    free(starts);
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
