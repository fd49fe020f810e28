/* follow.c - following other processes' commits: several `landfall serve` nodes on one
 * PostgreSQL database (or a server and the CLI on one SQLite file) each write through their own
 * writer; a follower thread per node waits on a connection of its own for another's commit
 * (store_wait: PostgreSQL's LISTEN/NOTIFY, SQLite's data_version) and publishes the change feed
 * of every open workspace from the store, so that the node's engine and subscribers follow the
 * other nodes' writes without a read having to ask first. It looks again every poll_ms even
 * without a notice: a notice lost with a connection costs a delay, not a change. */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "base/mem.h"

#define DEFAULT_POLL_MS 500

struct lf_follower {
    struct lf *lf;     /* a handle of its own: the core outlives the thread */
    struct store *st;  /* the follower's connection: it waits on it, then reads through it */
    int poll_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    bool stopping;
    struct lf_follow_stats stats; /* under mu */
};

/* The open workspaces of c, each with a reference taken (released by lf_close of the handle
 * made for it). */
static struct lf **open_workspaces(struct core *c, size_t *nr)
{
    pthread_mutex_lock(&c->mu);
    size_t n = 0;
    for (struct ws *w = c->workspaces; w; w = w->next)
        n++;
    struct lf **out = xcalloc(n ? n : 1, sizeof(*out));
    n = 0;
    for (struct ws *w = c->workspaces; w; w = w->next) {
        w->refs++;
        c->refs++; /* as every handle holds the core */
        out[n] = xcalloc(1, sizeof(**out));
        out[n++]->w = w;
    }
    pthread_mutex_unlock(&c->mu);
    *nr = n;
    return out;
}

/* Publishes what the store holds past each open workspace's position. */
static int publish_all(struct lf_follower *f, struct lf_err *err)
{
    size_t nr;
    struct lf **ws = open_workspaces(f->lf->w->core, &nr);
    uint64_t changes = 0, events = 0;
    int rc = store_read_begin(f->st, err);
    for (size_t i = 0; i < nr && rc == 0; i++) {
        struct ws *w = ws[i]->w;
        pthread_mutex_lock(&w->feed_mu);
        int64_t before = w->events;
        pthread_mutex_unlock(&w->feed_mu);
        int n = core_feed_publish(w, f->st, err);
        if (n < 0) {
            rc = -1;
            break;
        }
        pthread_mutex_lock(&w->feed_mu);
        events += (uint64_t)(w->events > before ? w->events - before : 0);
        pthread_mutex_unlock(&w->feed_mu);
        changes += (uint64_t)n;
    }
    store_read_end(f->st);
    for (size_t i = 0; i < nr; i++)
        lf_close(ws[i]);
    free(ws);
    pthread_mutex_lock(&f->mu);
    f->stats.changes += changes;
    f->stats.events += events;
    f->stats.rounds++;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static bool stopping(struct lf_follower *f)
{
    pthread_mutex_lock(&f->mu);
    bool s = f->stopping;
    pthread_mutex_unlock(&f->mu);
    return s;
}

static void pause_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

static void *follow(void *arg)
{
    struct lf_follower *f = arg;
    while (!stopping(f)) {
        struct lf_err err = {0};
        /* a notice, or poll_ms without one: either way the store is looked at */
        int rc = store_wait(f->st, f->poll_ms, &err);
        if (stopping(f))
            break;
        if (rc >= 0)
            rc = publish_all(f, &err);
        if (rc < 0) {
            /* the store is unreachable or failed a read: counted, and tried again after a
             * pause (the connection is made anew by the next wait) */
            pthread_mutex_lock(&f->mu);
            f->stats.errors++;
            pthread_mutex_unlock(&f->mu);
            pause_ms(f->poll_ms);
        }
    }
    return NULL;
}

int lf_follow_start(struct lf *lf, int poll_ms, struct lf_follower **out, struct lf_err *err)
{
    *out = NULL;
    struct lf_follower *f = xcalloc(1, sizeof(*f));
    f->poll_ms = poll_ms > 0 ? poll_ms : DEFAULT_POLL_MS;
    pthread_mutex_init(&f->mu, NULL);
    if (lf_workspace_by_id(lf, lf->w->info.id, &f->lf, err) < 0)
        goto fail;
    if (store_clone(lf->w->core->writer, &f->st, err) < 0)
        goto fail;
    /* the first wait learns where the store stands, before any other node's commit is
     * missed: the feed is published from the store after it in any case */
    if (store_wait(f->st, 0, err) < 0)
        goto fail;
    if (pthread_create(&f->thread, NULL, follow, f) != 0) {
        err_set(err, LF_EINTERNAL, "cannot start the change feed's follower");
        goto fail;
    }
    *out = f;
    return 0;
fail:
    store_free(f->st);
    lf_close(f->lf);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return -1;
}

void lf_follow_stats(struct lf_follower *f, struct lf_follow_stats *out)
{
    pthread_mutex_lock(&f->mu);
    *out = f->stats;
    pthread_mutex_unlock(&f->mu);
}

void lf_follow_free(struct lf_follower *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stopping = true;
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL); /* within poll_ms: the wait's longest */
    store_free(f->st);
    lf_close(f->lf);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
