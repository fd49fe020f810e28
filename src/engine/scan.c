/* scan.c - what every scan shares: the sorted run of one account, the worker threads, the
 * grouping of accounts by --by, calendar periods. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

void eng_run_get(const struct engine *e, uint32_t a, struct eng_scratch *s, struct eng_run *r)
{
    size_t lo = e->off[a], n = e->off[a + 1] - lo;
    const struct eng_tail *t = e->acc[a].tail;
    if (!t || !t->nr) {
        *r = (struct eng_run){e->ts + lo, e->user + lo, e->name + lo, n};
        return;
    }
    size_t total = n + t->nr;
    if (total > s->cap) {
        s->cap = total;
        s->ts = xrealloc(s->ts, total * sizeof(*s->ts));
        s->user = xrealloc(s->user, total * sizeof(*s->user));
        s->name = xrealloc(s->name, total * sizeof(*s->name));
    }
    size_t i = lo, end = lo + n, j = 0, o = 0;
    while (i < end || j < t->nr) {
        if (j == t->nr || (i < end && e->ts[i] <= t->ts[j])) {
            s->ts[o] = e->ts[i];
            s->user[o] = e->user[i];
            s->name[o++] = e->name[i++];
        } else {
            s->ts[o] = t->ts[j];
            s->user[o] = t->user[j];
            s->name[o++] = t->name[j++];
        }
    }
    *r = (struct eng_run){s->ts, s->user, s->name, total};
}

void eng_scratch_release(struct eng_scratch *s)
{
    free(s->ts);
    free(s->user);
    free(s->name);
    *s = (struct eng_scratch){0};
}

size_t eng_lower(const struct eng_run *r, uint32_t t)
{
    size_t lo = 0, hi = r->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ts[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t eng_sec(int64_t ms)
{
    if (ms <= 0)
        return 0;
    int64_t s = ms / 1000 + (ms % 1000 != 0);
    return s > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* ---- threads ---- */

struct job {
    eng_work_fn fn;
    void *ctx;
    int worker;
    uint32_t first, end;
    pthread_t thread;
};

static void *job_run(void *p)
{
    struct job *j = p;
    j->fn(j->ctx, j->worker, j->first, j->end);
    return NULL;
}

int eng_workers(const struct engine *e)
{
    /* below a few hundred thousand events a thread costs more than it saves */
    if (e->nr + e->tail_nr < 200000)
        return 1;
    return e->threads;
}

int eng_parallel(const struct engine *e, int workers, eng_work_fn fn, void *ctx)
{
    if (workers < 1)
        workers = 1;
    if ((size_t)workers > e->acc_nr)
        workers = (int)e->acc_nr;
    struct job jobs[64];
    uint32_t first = 0;
    size_t total = e->nr;
    for (int w = 0; w < workers; w++) {
        uint32_t end = (uint32_t)e->acc_nr;
        if (w < workers - 1) {
            /* the first account whose run starts past this worker's share */
            size_t want = total / (size_t)workers * (size_t)(w + 1);
            size_t lo = first, hi = e->acc_nr;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (e->off[mid] < want)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            end = (uint32_t)lo;
        }
        jobs[w] = (struct job){fn, ctx, w, first, end, 0};
        first = end;
    }
    for (int w = 1; w < workers; w++)
        if (pthread_create(&jobs[w].thread, NULL, job_run, &jobs[w]) != 0) {
            /* no thread: do its share here */
            job_run(&jobs[w]);
            jobs[w].fn = NULL;
        }
    job_run(&jobs[0]);
    for (int w = 1; w < workers; w++)
        if (jobs[w].fn)
            pthread_join(jobs[w].thread, NULL);
    return workers;
}

/* ---- groups ---- */

void eng_groups_release(struct engine_groups *g)
{
    for (size_t i = 0; i < g->nr; i++)
        free(g->labels[i]);
    free(g->labels);
    free(g->account_ids);
    *g = (struct engine_groups){0};
}

void eng_grouping_release(struct eng_grouping *g)
{
    free(g->of);
    g->of = NULL;
    eng_groups_release(&g->groups);
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

static int str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

int eng_grouping_make(const struct engine *e, const struct engine_query *q,
                      struct eng_grouping *g, struct lf_err *err)
{
    *g = (struct eng_grouping){0};
    g->of = xmalloc(e->acc_nr * sizeof(*g->of));
    uint32_t only = UINT32_MAX;
    if (q->account) {
        uint32_t a = eng_idmap_get(&e->acc_map, q->account);
        if (!a) {
            eng_grouping_release(g);
            return err_set(err, LF_ENOENT, "no account with id %lld", (long long)q->account);
        }
        only = a - 1;
    }
    struct engine_groups *gs = &g->groups;
    if (q->custom) {
        const struct engine_custom_groups *cg = q->custom;
        gs->nr = cg->nr;
        gs->labels = xmalloc((cg->nr ? cg->nr : 1) * sizeof(*gs->labels));
        for (size_t i = 0; i < cg->nr; i++)
            gs->labels[i] = xstrdup(cg->labels[i]);
        if (cg->account_ids) {
            gs->account_ids = xmalloc((cg->nr ? cg->nr : 1) * sizeof(*gs->account_ids));
            memcpy(gs->account_ids, cg->account_ids, cg->nr * sizeof(*gs->account_ids));
        }
        for (uint32_t a = 0; a < e->acc_nr; a++) {
            uint32_t k = cg->group_of(cg->ctx, e->acc[a].id);
            g->of[a] = (only == UINT32_MAX || a == only) && k < cg->nr ? k : UINT32_MAX;
        }
        return 0;
    }
    if (q->by == ENGINE_BY_ACCOUNT) {
        gs->labels = xmalloc(e->acc_nr * sizeof(*gs->labels));
        gs->account_ids = xmalloc(e->acc_nr * sizeof(*gs->account_ids));
        for (uint32_t a = 0; a < e->acc_nr; a++) {
            g->of[a] = UINT32_MAX;
            if (only != UINT32_MAX && a != only)
                continue;
            g->of[a] = (uint32_t)gs->nr;
            gs->account_ids[gs->nr] = e->acc[a].id;
            gs->labels[gs->nr++] = xstrdup(or_none(e->acc[a].ext_id));
        }
        return 0;
    }
    if (q->by == ENGINE_BY_NONE) {
        gs->labels = xmalloc(sizeof(*gs->labels));
        gs->labels[0] = xstrdup("all");
        gs->nr = 1;
        for (uint32_t a = 0; a < e->acc_nr; a++)
            g->of[a] = only == UINT32_MAX || a == only ? 0 : UINT32_MAX;
        return 0;
    }
    /* segment or plan: the distinct values, sorted */
    struct strmap seen;
    strmap_init(&seen);
    size_t cap = 0;
    for (uint32_t a = 0; a < e->acc_nr; a++) {
        const char *v = or_none(q->by == ENGINE_BY_SEGMENT ? e->acc[a].segment : e->acc[a].plan);
        int64_t dummy;
        if (!strmap_get(&seen, v, strlen(v), &dummy)) {
            strmap_put(&seen, v, strlen(v), 0);
            gs->labels = xgrow(gs->labels, sizeof(*gs->labels), gs->nr + 1, &cap);
            gs->labels[gs->nr++] = xstrdup(v);
        }
    }
    qsort(gs->labels, gs->nr, sizeof(*gs->labels), str_cmp);
    strmap_release(&seen);
    strmap_init(&seen);
    for (size_t i = 0; i < gs->nr; i++)
        strmap_put(&seen, gs->labels[i], strlen(gs->labels[i]), (int64_t)i);
    for (uint32_t a = 0; a < e->acc_nr; a++) {
        const char *v = or_none(q->by == ENGINE_BY_SEGMENT ? e->acc[a].segment : e->acc[a].plan);
        int64_t i = 0;
        strmap_get(&seen, v, strlen(v), &i);
        g->of[a] = only == UINT32_MAX || a == only ? (uint32_t)i : UINT32_MAX;
    }
    strmap_release(&seen);
    return 0;
}

/* ---- periods ---- */

int64_t eng_period_start(int period, int64_t ms)
{
    switch (period) {
    case ENGINE_WEEK:
        return time_week_start(ms);
    case ENGINE_MONTH:
        return time_month_start(ms);
    default:
        return time_day_start(ms);
    }
}

int64_t eng_period_next(int period, int64_t start)
{
    switch (period) {
    case ENGINE_WEEK:
        return start + 7 * MS_PER_DAY;
    case ENGINE_MONTH:
        return time_add_months(start, 1);
    default:
        return start + MS_PER_DAY;
    }
}
