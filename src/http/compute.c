/* compute.c - the compute pool: the routes that compute (metrics, reports, an account's health
 * and churn) run on worker threads of their own behind a bounded queue, off libmicrohttpd's
 * threads, so that a flood of them never keeps a cheap request (/healthz, a listing, a sign-in)
 * waiting; a full queue answers 503, a caller holding too much of it 429. A queued request
 * whose client has gone is dropped, not computed, and what it held is freed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "http_int.h"

/* Seconds a refused request is told to wait: a computation takes about that long. */
#define COMPUTE_RETRY_AFTER 1

/* What one caller (a key or a signed-in user) holds, queued and running. */
struct holder {
    char who[300]; /* http_actor(); "" = a free slot */
    unsigned nr;
};

struct job {
    struct http_req *r;
    size_t holder;
};

struct compute {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a job came, or the pool stops */
    pthread_t *threads;
    size_t threads_nr;
    struct job *queue; /* a ring of cap jobs from head */
    size_t cap, head, nr;
    size_t running;
    /* at most cap queued and threads_nr running: that many callers at most */
    struct holder *holders;
    size_t holders_nr;
    unsigned per_caller;
    uint64_t dropped; /* queued requests whose client went away, never computed */
    bool stopping;
    /* LANDFALL_TEST_COMPUTE_GATE: a file whose existence holds each computation before it
     * runs, so that a test can keep requests queued for as long as it checks them, without
     * a race against the machine's speed (as git's GIT_TEST_ variables); NULL in service */
    const char *gate;
};

static void release(struct compute *cp, size_t holder)
{
    if (--cp->holders[holder].nr == 0)
        cp->holders[holder].who[0] = '\0';
}

/* Drops job j, whose client has gone: it is not computed; its caller's place is freed now and,
 * once resumed, its connection's (libmicrohttpd closes it), so that a client that gave up and
 * retries is not refused for what it no longer waits for. Under cp->mu. */
static void drop(struct compute *cp, struct job j)
{
    release(cp, j.holder);
    cp->dropped++;
    http_fail(j.r, HE_UNAVAILABLE, NULL,
              "the client closed its connection before its computation ran");
    http_abandon(j.r);
}

/* Drops the queued jobs whose client has gone, keeping the others in order; the number
 * dropped. libmicrohttpd does not watch a suspended connection, so this looks at each
 * socket. Under cp->mu. */
static size_t sweep(struct compute *cp)
{
    size_t kept = 0, nr = cp->nr;
    for (size_t i = 0; i < nr; i++) {
        struct job j = cp->queue[(cp->head + i) % cp->cap];
        if (http_gone(j.r))
            drop(cp, j);
        else
            cp->queue[(cp->head + kept++) % cp->cap] = j;
    }
    cp->nr = kept;
    return nr - kept;
}

static void *work(void *arg)
{
    struct compute *cp = arg;
    pthread_mutex_lock(&cp->mu);
    for (;;) {
        while (!cp->nr && !cp->stopping)
            pthread_cond_wait(&cp->cv, &cp->mu);
        if (!cp->nr)
            break;
        struct job j = cp->queue[cp->head];
        cp->head = (cp->head + 1) % cp->cap;
        cp->nr--;
        if (http_gone(j.r)) { /* it waited for a client that is no more */
            drop(cp, j);
            continue;
        }
        cp->running++;
        pthread_mutex_unlock(&cp->mu);
        while (cp->gate && access(cp->gate, F_OK) == 0)
            nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
        j.r->route->fn(j.r);
        pthread_mutex_lock(&cp->mu);
        cp->running--;
        release(cp, j.holder);
        pthread_mutex_unlock(&cp->mu);
        /* the connection may be answered and freed from here on: j.r is not touched again */
        http_resume(j.r);
        pthread_mutex_lock(&cp->mu);
    }
    pthread_mutex_unlock(&cp->mu);
    return NULL;
}

int compute_new(const struct compute_opts *o, struct compute **out, struct lf_err *err)
{
    struct compute *cp = xcalloc(1, sizeof(*cp));
    *out = NULL;
    cp->cap = o->queue;
    cp->per_caller = o->per_caller;
    cp->gate = getenv("LANDFALL_TEST_COMPUTE_GATE");
    cp->queue = xcalloc(cp->cap, sizeof(*cp->queue));
    cp->holders_nr = cp->cap + o->threads;
    cp->holders = xcalloc(cp->holders_nr, sizeof(*cp->holders));
    cp->threads = xcalloc(o->threads, sizeof(*cp->threads));
    pthread_mutex_init(&cp->mu, NULL);
    pthread_cond_init(&cp->cv, NULL);
    for (; cp->threads_nr < o->threads; cp->threads_nr++) {
        if (pthread_create(&cp->threads[cp->threads_nr], NULL, work, cp) != 0) {
            compute_stop(cp);
            compute_free(cp);
            return err_set(err, LF_EINTERNAL, "cannot start the compute threads");
        }
    }
    *out = cp;
    return 0;
}

void compute_submit(struct compute *cp, struct http_req *r)
{
    char who[300];
    if (r->authed || r->by_session)
        http_actor(r, who);
    else
        snprintf(who, sizeof(who), "addr:%s", r->remote);
    pthread_mutex_lock(&cp->mu);
    size_t h, free_slot;
    bool stopping = cp->stopping, full, over;
    for (int pass = 0; pass < 2; pass++) {
        h = free_slot = cp->holders_nr;
        for (size_t i = 0; i < cp->holders_nr && h == cp->holders_nr; i++) {
            if (strcmp(cp->holders[i].who, who) == 0 && cp->holders[i].nr)
                h = i;
            else if (!cp->holders[i].nr && free_slot == cp->holders_nr)
                free_slot = i;
        }
        full = cp->nr == cp->cap;
        over = h < cp->holders_nr && cp->holders[h].nr >= cp->per_caller;
        /* before a refusal, what clients that have gone still hold is let go (the caller's
         * own earlier attempts, most likely): a second look then */
        if (stopping || !(full || over) || !sweep(cp))
            break;
    }
    if (stopping || full || over) {
        pthread_mutex_unlock(&cp->mu);
        r->retry_after = COMPUTE_RETRY_AFTER;
        if (stopping)
            http_fail(r, HE_UNAVAILABLE, NULL, "the server is stopping; retry in %d s",
                      COMPUTE_RETRY_AFTER);
        else if (over)
            http_fail(r, HE_RATE_LIMITED, NULL,
                      "'%s' has %u computations queued or running, the most one caller may "
                      "have; retry in %d s",
                      who, cp->per_caller, COMPUTE_RETRY_AFTER);
        else
            http_fail(r, HE_UNAVAILABLE, NULL,
                      "the server has %zu computations queued, as many as it holds; retry in %d s",
                      cp->cap, COMPUTE_RETRY_AFTER);
        return;
    }
    if (h == cp->holders_nr) { /* a free slot exists: at most holders_nr - 1 are taken */
        h = free_slot;
        memcpy(cp->holders[h].who, who, sizeof(who));
    }
    cp->holders[h].nr++;
    cp->queue[(cp->head + cp->nr) % cp->cap] = (struct job){r, h};
    cp->nr++;
    http_defer(r);
    pthread_cond_signal(&cp->cv);
    pthread_mutex_unlock(&cp->mu);
}

void compute_stats(struct compute *cp, size_t *queued, size_t *running, uint64_t *dropped)
{
    pthread_mutex_lock(&cp->mu);
    *queued = cp->nr;
    *running = cp->running;
    *dropped = cp->dropped;
    pthread_mutex_unlock(&cp->mu);
}

void compute_sweep(struct compute *cp)
{
    pthread_mutex_lock(&cp->mu);
    sweep(cp);
    pthread_mutex_unlock(&cp->mu);
}

void compute_stop(struct compute *cp)
{
    if (!cp)
        return;
    pthread_mutex_lock(&cp->mu);
    if (cp->stopping) {
        pthread_mutex_unlock(&cp->mu);
        return;
    }
    cp->stopping = true;
    /* the queued ones are answered now; the running ones finish */
    for (; cp->nr; cp->nr--) {
        struct job j = cp->queue[cp->head];
        cp->head = (cp->head + 1) % cp->cap;
        release(cp, j.holder);
        j.r->retry_after = COMPUTE_RETRY_AFTER;
        http_fail(j.r, HE_UNAVAILABLE, NULL, "the server is stopping; retry in %d s",
                  COMPUTE_RETRY_AFTER);
        http_resume(j.r);
    }
    pthread_cond_broadcast(&cp->cv);
    pthread_mutex_unlock(&cp->mu);
    for (size_t i = 0; i < cp->threads_nr; i++)
        pthread_join(cp->threads[i], NULL);
    cp->threads_nr = 0;
}

void compute_free(struct compute *cp)
{
    if (!cp)
        return;
    compute_stop(cp);
    pthread_cond_destroy(&cp->cv);
    pthread_mutex_destroy(&cp->mu);
    free(cp->threads);
    free(cp->holders);
    free(cp->queue);
    free(cp);
}
