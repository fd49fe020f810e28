/* tx.c - write transactions: the store's one writer connection, taken by one transaction at a
 * time (an import, a REST write, a group of ingested requests); after the commit, the change
 * feed of every workspace it wrote to is published before the writer is given back. */
#include "core.h"

int core_tx_begin(struct core *c, struct store **st, struct lf_err *err)
{
    pthread_mutex_lock(&c->write_mu);
    if (store_begin(c->writer, err) < 0) {
        pthread_mutex_unlock(&c->write_mu);
        return -1;
    }
    *st = c->writer;
    return 0;
}

int core_tx_commit(struct core *c, struct ws *const *ws, size_t nr, struct lf_err *err)
{
    /* the texts written are analysed in the same transaction: stored with their results */
    for (size_t i = 0; i < nr; i++)
        if (core_text_follow(ws[i], c->writer, err) < 0) {
            core_tx_abort(c);
            return -1;
        }
    if (store_commit(c->writer, err) < 0) {
        pthread_mutex_unlock(&c->write_mu);
        return -1;
    }
    /* Durable now. A subscriber that fails (the engine cannot read a batch) loses nothing: the
     * feed is published again from the store by the next commit or poll. */
    for (size_t i = 0; i < nr; i++) {
        struct lf_err ignored = {0};
        core_feed_publish(ws[i], c->writer, &ignored);
    }
    pthread_mutex_unlock(&c->write_mu);
    return 0;
}

void core_tx_abort(struct core *c)
{
    store_rollback(c->writer);
    pthread_mutex_unlock(&c->write_mu);
}

int core_tx_begin_lf(struct lf *lf, struct store **st, struct lf_err *err)
{
    return core_tx_begin(lf->w->core, st, err);
}

int core_tx_commit_lf(struct lf *lf, struct lf_err *err)
{
    return core_tx_commit(lf->w->core, &lf->w, 1, err);
}
