/* feed.c - the change feed: after a commit (this process's, or another's found by a poll), the
 * workspace's handles publish what changed to the analytics engine and to every subscriber, one
 * batch at a time and in commit order. The published position moves with each delivered batch,
 * so a failure (the engine cannot read) is retried from there by the next commit or poll. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define BATCH 1024

struct collect {
    struct ws *w;
    struct store *st;
    struct lf_change *changes;
    size_t nr;
    int64_t events_after, events_upto;
    int published;
};

static int deliver(struct collect *c, struct lf_err *err)
{
    struct lf_feed_batch b = {c->changes, c->nr, c->events_after, c->events_upto};
    struct ws *w = c->w;
    for (size_t i = 0; i < c->nr; i++)
        if (!strcmp(c->changes[i].resource, "workspace") && c->changes[i].op == STORE_UPDATED &&
            core_ws_reload(w, c->st, err) < 0)
            return -1;
    if (core_engine_follow(w, c->st, &b, err) < 0)
        return -1;
    for (size_t i = 0; i < w->subs_nr; i++)
        w->subs[i].fn(w->subs[i].ctx, &b);
    c->published += (int)c->nr;
    if (c->nr)
        w->seq = c->changes[c->nr - 1].seq;
    w->events = c->events_upto;
    c->nr = 0;
    c->events_after = c->events_upto; /* the events go with the first batch only */
    return 0;
}

static int on_change(void *ctx, const struct store_change_rec *r, struct lf_err *err)
{
    struct collect *c = ctx;
    const struct resource_def *def = resource_by_code(r->resource);
    c->changes[c->nr++] = (struct lf_change){.seq = r->seq,
                                             .resource = def ? def->name : "workspace",
                                             .row_id = r->row_id,
                                             .account_id = r->account_id,
                                             .op = r->op};
    return c->nr == BATCH ? deliver(c, err) : 0;
}

int core_feed_publish(struct ws *w, struct store *st, struct lf_err *err)
{
    int64_t seq, events;
    int ret = -1;
    pthread_mutex_lock(&w->feed_mu);
    if (store_feed_position(st, w->info.id, &seq, &events, err) < 0)
        goto out;
    ret = 0;
    if (seq <= w->seq && events <= w->events)
        goto out;
    struct collect c = {.w = w, .st = st, .events_after = w->events, .events_upto = events};
    c.changes = xmalloc(BATCH * sizeof(*c.changes));
    ret = store_changes_scan(st, w->info.id, w->seq, seq, on_change, &c, err);
    if (ret == 0 && (c.nr || c.events_upto > c.events_after))
        ret = deliver(&c, err);
    free(c.changes);
    if (ret == 0) {
        w->seq = seq;
        ret = c.published;
    }
out:
    pthread_mutex_unlock(&w->feed_mu);
    return ret;
}

int lf_feed_poll(struct lf *lf, struct lf_err *err)
{
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int n = core_feed_publish(lf->w, st, err);
    core_read_end(lf, st);
    return n;
}

int lf_subscribe(struct lf *lf, void (*fn)(void *ctx, const struct lf_feed_batch *b), void *ctx)
{
    struct ws *w = lf->w;
    pthread_mutex_lock(&w->feed_mu);
    w->subs = xgrow(w->subs, sizeof(*w->subs), w->subs_nr + 1, &w->subs_cap);
    int id = ++w->next_sub;
    w->subs[w->subs_nr++] = (struct feed_sub){id, fn, ctx};
    pthread_mutex_unlock(&w->feed_mu);
    return id;
}

void lf_unsubscribe(struct lf *lf, int id)
{
    struct ws *w = lf->w;
    pthread_mutex_lock(&w->feed_mu);
    for (size_t i = 0; i < w->subs_nr; i++)
        if (w->subs[i].id == id) {
            w->subs[i] = w->subs[--w->subs_nr];
            break;
        }
    pthread_mutex_unlock(&w->feed_mu);
}
