/* scan.c - what every scan shares: the sorted events of one account in a window, the workers'
 * scratch kept between queries, the worker threads, the grouping of accounts by --by. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "engine_int.h"

/* eng_ts_lower, searching from the end: windows are mostly recent, so the answer is mostly among
 * the last events, whose cache lines a scan has asked for ahead of time (a plain binary search
 * would begin in the middle of the run, with a miss a probe). */
static size_t lower_from_end(const uint32_t *ts, size_t lo, size_t hi, uint32_t t)
{
    size_t step = 16, top = hi;
    while (top - lo > step && ts[top - step] >= t) {
        top -= step;
        step *= 2;
    }
    size_t bottom = top - lo > step ? top - step : lo;
    return eng_ts_lower(ts, bottom, top, t);
}

static void scratch_fit(struct eng_scratch *s, size_t n)
{
    if (n <= s->cap)
        return;
    s->cap = n;
    s->ts = xrealloc(s->ts, n * sizeof(*s->ts));
    s->user = xrealloc(s->user, n * sizeof(*s->user));
    s->name = xrealloc(s->name, n * sizeof(*s->name));
}

void eng_run_window(const struct engine *e, uint32_t a, uint32_t lo, uint32_t hi,
                    struct eng_scratch *s, struct eng_run *r)
{
    const struct eng_span sp = e->span[a];
    *r = (struct eng_run){0};
    if (sp.min > sp.max || sp.max < lo || sp.min >= hi || lo >= hi)
        return;
    /* the columns' part; the span spares the searches when the window holds the whole run */
    size_t b = e->off[a], end = e->off[a + 1];
    size_t j = sp.max < hi ? end : lower_from_end(e->ts, b, end, hi);
    size_t i = sp.min >= lo ? b : lower_from_end(e->ts, b, j, lo);
    const struct eng_tail *t = e->acc[a].tail;
    size_t ti = 0, tj = 0;
    if (t && t->nr) {
        ti = eng_ts_lower(t->ts, 0, t->nr, lo);
        tj = eng_ts_lower(t->ts, ti, t->nr, hi);
    }
    if (ti == tj) {
        *r = (struct eng_run){e->ts + i, e->user + i, e->name + i, j - i};
        return;
    }
    scratch_fit(s, (j - i) + (tj - ti));
    size_t o = 0;
    /* a stable merge: on equal times the columns' (older) events come first */
    while (i < j || ti < tj) {
        if (ti == tj || (i < j && e->ts[i] <= t->ts[ti])) {
            s->ts[o] = e->ts[i];
            s->user[o] = e->user[i];
            s->name[o++] = e->name[i++];
        } else {
            s->ts[o] = t->ts[ti];
            s->user[o] = t->user[ti];
            s->name[o++] = t->name[ti++];
        }
    }
    *r = (struct eng_run){s->ts, s->user, s->name, o};
}

bool eng_last_before(const struct engine *e, uint32_t a, uint32_t hi, uint32_t *out)
{
    const struct eng_span sp = e->span[a];
    if (sp.min > sp.max || sp.min >= hi)
        return false;
    if (sp.max < hi) {
        *out = sp.max;
        return true;
    }
    bool found = false;
    size_t b = e->off[a], end = e->off[a + 1];
    size_t j = lower_from_end(e->ts, b, end, hi);
    if (j > b) {
        *out = e->ts[j - 1];
        found = true;
    }
    const struct eng_tail *t = e->acc[a].tail;
    if (t && t->nr) {
        size_t tj = eng_ts_lower(t->ts, 0, t->nr, hi);
        if (tj > 0 && (!found || t->ts[tj - 1] > *out)) {
            *out = t->ts[tj - 1];
            found = true;
        }
    }
    return found;
}

uint32_t eng_sec(int64_t ms)
{
    if (ms <= 0)
        return 0;
    int64_t s = ms / 1000 + (ms % 1000 != 0);
    return s > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* ---- scratch ---- */

static void *grow_zeroed(void *p, size_t size, size_t old, size_t want)
{
    void *q = eng_big_alloc(want * size);
    if (old)
        memcpy(q, p, old * size);
    memset((char *)q + old * size, 0, (want - old) * size);
    free(p);
    return q;
}

struct eng_scratch *eng_scratch_get(struct engine *e)
{
    pthread_mutex_lock(&e->scratch_lock);
    struct eng_scratch *s = e->scratch_free;
    if (s) {
        e->scratch_free = s->next;
        e->scratch_nr--;
    }
    pthread_mutex_unlock(&e->scratch_lock);
    if (!s)
        s = xcalloc(1, sizeof(*s));
    s->next = NULL;
    /* new entries are zero: stamp 0 is never handed out, so they read as stale */
    if (s->users_cap < e->user_nr) {
        size_t cap = e->user_cap > e->user_nr ? e->user_cap : e->user_nr;
        s->users = grow_zeroed(s->users, sizeof(*s->users), s->users_cap, cap);
        s->users_cap = cap;
    }
    if (s->names_cap < e->names_nr + 1) {
        size_t cap = e->names_nr + 64;
        s->names = grow_zeroed(s->names, sizeof(*s->names), s->names_cap, cap);
        s->names_cap = cap;
    }
    return s;
}

static void scratch_free(struct eng_scratch *s)
{
    free(s->users);
    free(s->names);
    free(s->ts);
    free(s->user);
    free(s->name);
    free(s->words);
    free(s);
}

void eng_scratch_put(struct engine *e, struct eng_scratch *s)
{
    pthread_mutex_lock(&e->scratch_lock);
    /* enough for the workers of one query and a one-account query beside it (each holds state
     * for every user: 12 bytes a user); those of more queries at once are freed */
    if (e->scratch_nr < e->threads + 1) {
        s->next = e->scratch_free;
        e->scratch_free = s;
        e->scratch_nr++;
        s = NULL;
    }
    pthread_mutex_unlock(&e->scratch_lock);
    if (s)
        scratch_free(s);
}

void eng_scratch_free_all(struct engine *e)
{
    while (e->scratch_free) {
        struct eng_scratch *s = e->scratch_free;
        e->scratch_free = s->next;
        scratch_free(s);
    }
    e->scratch_nr = 0;
}

uint64_t *eng_scratch_words(struct eng_scratch *s, size_t n)
{
    if (n > s->words_cap) {
        s->words_cap = n + n / 2;
        free(s->words);
        s->words = xcalloc(s->words_cap, sizeof(*s->words));
    }
    return s->words;
}

/* ---- threads ---- */

struct job {
    eng_work_fn fn;
    void *ctx;
    int worker;
    struct eng_scratch *scratch;
    uint32_t first, end;
    pthread_t thread;
};

static void *job_run(void *p)
{
    struct job *j = p;
    j->fn(j->ctx, j->worker, j->scratch, j->first, j->end);
    return NULL;
}

int eng_workers(const struct engine *e)
{
    /* below a few hundred thousand events a thread costs more than it saves */
    if (e->nr + e->tail_nr < 200000)
        return 1;
    return e->threads;
}

int eng_parallel(struct engine *e, int workers, eng_work_fn fn, void *ctx)
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
        jobs[w] = (struct job){fn, ctx, w, eng_scratch_get(e), first, end, 0};
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
    for (int w = 0; w < workers; w++)
        eng_scratch_put(e, jobs[w].scratch);
    return workers;
}

/* ---- groups ---- */

void eng_groups_release(struct engine_groups *g)
{
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
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

int eng_only(const struct engine *e, const struct engine_query *q, uint32_t *out,
             struct lf_err *err)
{
    *out = UINT32_MAX;
    if (!q->account)
        return 0;
    uint32_t a = eng_idmap_get(&e->acc_map, q->account);
    if (!a)
        return err_set(err, LF_ENOENT, "no account with id %lld", (long long)q->account);
    *out = a - 1;
    return 0;
}

int eng_grouping_make(const struct engine *e, const struct engine_query *q,
                      struct eng_grouping *g, struct lf_err *err)
{
    *g = (struct eng_grouping){0};
    uint32_t only;
    if (eng_only(e, q, &only, err) < 0)
        return -1;
    g->of = xmalloc(e->acc_nr * sizeof(*g->of));
    struct engine_groups *gs = &g->groups;
    if (q->custom) {
        const struct engine_custom_groups *cg = q->custom;
        gs->nr = cg->nr;
        gs->labels = xmalloc((cg->nr ? cg->nr : 1) * sizeof(*gs->labels));
        for (size_t i = 0; i < cg->nr; i++)
            gs->labels[i] = cg->labels[i]; /* borrowed, as the engine's own are */
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
            gs->labels[gs->nr++] = or_none(e->acc[a].ext_id);
        }
        return 0;
    }
    if (q->by == ENGINE_BY_NONE) {
        gs->labels = xmalloc(sizeof(*gs->labels));
        gs->labels[0] = "all";
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
            gs->labels[gs->nr++] = v;
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
