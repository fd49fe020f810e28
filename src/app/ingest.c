/* ingest.c - the durable write path of the server: one writer thread, group commit, callbacks. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "app.h"
#include "base/mem.h"
#include "base/time.h"
#include "ingest/batch.h"

struct lf_ingest_req {
    struct ingest_batch *b;
    void (*done)(void *ctx);
    void *ctx;
    struct lf_ingest_result res;
    struct lf_err err; /* err.code != 0: the store failed */
    struct lf_ingest_req *next;
};

struct lf_ingest {
    struct lf *lf; /* the write handle, used by the writer thread only */
    struct lf_ingest_opts opts;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct lf_ingest_req *head, **tail; /* the queue */
    bool stopping;
};

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void result_init(struct lf_ingest_req *r)
{
    size_t rejected = ingest_batch_rejects(r->b);
    r->res =
        (struct lf_ingest_result){.received = ingest_batch_received(r->b), .rejected = rejected};
    r->res.accepted = r->res.received > rejected ? r->res.received - rejected : 0;
}

/* Writes the requests of `group` in the open transaction. */
static int apply(struct lf_ingest *ing, struct lf_ingest_req *group, size_t *items,
                 size_t *inserted, struct lf_err *err)
{
    struct ingest_writer *w =
        ingest_writer_new(ing->lf->st, ing->lf->ws, time_day_start(time_now_ms()));
    int rc = 0;
    for (struct lf_ingest_req *r = group; r && rc == 0; r = r->next) {
        size_t ins = 0, dup = 0, written = 0;
        rc = ingest_writer_apply(w, r->b, &ins, &dup, &written, err);
        result_init(r);
        r->res.inserted = ins;
        r->res.duplicates = dup;
        *items += written;
        *inserted += ins;
    }
    ingest_writer_free(w);
    return rc;
}

/* One transaction for the group; its end (commit or rollback) is in *seconds. */
static int write_group(struct lf_ingest *ing, struct lf_ingest_req *group,
                       struct lf_commit_info *info, struct lf_err *err)
{
    struct store *st = ing->lf->st;
    double t0 = now_seconds();
    *info = (struct lf_commit_info){.lf = ing->lf};
    for (struct lf_ingest_req *r = group; r; r = r->next)
        info->requests++;
    if (store_begin(st, err) < 0)
        return -1;
    if (apply(ing, group, &info->items, &info->events_inserted, err) < 0 ||
        store_commit(st, err) < 0) {
        store_rollback(st);
        return -1;
    }
    info->seconds = now_seconds() - t0;
    return 0;
}

static void committed(struct lf_ingest *ing, const struct lf_commit_info *info)
{
    if (ing->opts.on_commit)
        ing->opts.on_commit(ing->opts.ctx, info);
}

/* Writes a group of requests and answers each. When the group fails as a whole, each request
 * is tried alone, so that one request the store refuses does not fail the others. */
static void write_and_answer(struct lf_ingest *ing, struct lf_ingest_req *group)
{
    struct lf_commit_info info;
    struct lf_err err = {0};
    if (write_group(ing, group, &info, &err) == 0) {
        committed(ing, &info);
    } else if (!group->next) {
        group->err = err;
    } else {
        for (struct lf_ingest_req *r = group; r; r = r->next) {
            struct lf_ingest_req *next = r->next;
            r->next = NULL;
            if (write_group(ing, r, &info, &r->err) == 0)
                committed(ing, &info);
            r->next = next;
        }
    }
    while (group) {
        struct lf_ingest_req *next = group->next; /* r is the caller's once done runs */
        group->next = NULL;
        group->done(group->ctx);
        group = next;
    }
}

static void *writer(void *arg)
{
    struct lf_ingest *ing = arg;
    pthread_mutex_lock(&ing->mu);
    for (;;) {
        while (!ing->head && !ing->stopping)
            pthread_cond_wait(&ing->cv, &ing->mu);
        if (!ing->head)
            break;
        /* Everything queued while the last commit ran goes into this one, up to the cap. */
        struct lf_ingest_req *group = ing->head, *last = group;
        size_t items = ingest_batch_valid(group->b);
        while (last->next && items < ing->opts.max_group_items) {
            last = last->next;
            items += ingest_batch_valid(last->b);
        }
        ing->head = last->next;
        if (!ing->head)
            ing->tail = &ing->head;
        last->next = NULL;
        pthread_mutex_unlock(&ing->mu);
        write_and_answer(ing, group);
        pthread_mutex_lock(&ing->mu);
    }
    pthread_mutex_unlock(&ing->mu);
    return NULL;
}

int lf_ingest_new(const char *url, const struct lf_ingest_opts *opts, struct lf_ingest **out,
                  struct lf_err *err)
{
    struct lf_ingest *ing = xcalloc(1, sizeof(*ing));
    *out = NULL;
    if (opts)
        ing->opts = *opts;
    if (!ing->opts.max_group_items)
        ing->opts.max_group_items = 20000;
    if (lf_open(url, &ing->lf, err) < 0) {
        free(ing);
        return -1;
    }
    ing->tail = &ing->head;
    pthread_mutex_init(&ing->mu, NULL);
    pthread_cond_init(&ing->cv, NULL);
    if (pthread_create(&ing->thread, NULL, writer, ing) != 0) {
        pthread_mutex_destroy(&ing->mu);
        pthread_cond_destroy(&ing->cv);
        lf_close(ing->lf);
        free(ing);
        return err_set(err, LF_EINTERNAL, "cannot start the writer thread");
    }
    *out = ing;
    return 0;
}

void lf_ingest_free(struct lf_ingest *ing)
{
    if (!ing)
        return;
    pthread_mutex_lock(&ing->mu);
    ing->stopping = true;
    pthread_cond_signal(&ing->cv);
    pthread_mutex_unlock(&ing->mu);
    pthread_join(ing->thread, NULL);
    pthread_mutex_destroy(&ing->mu);
    pthread_cond_destroy(&ing->cv);
    lf_close(ing->lf);
    free(ing);
}

int lf_ingest_parse(int format, const char *call, const char *body, size_t len, int64_t received_ms,
                    struct lf_ingest_req **out, struct lf_err *err)
{
    struct ingest_batch *b;
    *out = NULL;
    if (ingest_batch_parse(format, call, body, len, received_ms, &b, err) < 0)
        return -1;
    struct lf_ingest_req *r = xcalloc(1, sizeof(*r));
    r->b = b;
    result_init(r);
    *out = r;
    return 0;
}

const char *lf_ingest_req_key(const struct lf_ingest_req *r)
{
    return ingest_batch_key(r->b);
}

void lf_ingest_submit(struct lf_ingest *ing, struct lf_ingest_req *r, void (*done)(void *ctx),
                      void *ctx)
{
    r->done = done;
    r->ctx = ctx;
    r->next = NULL;
    if (ingest_batch_valid(r->b) == 0) {
        done(ctx);
        return;
    }
    pthread_mutex_lock(&ing->mu);
    *ing->tail = r;
    ing->tail = &r->next;
    pthread_cond_signal(&ing->cv);
    pthread_mutex_unlock(&ing->mu);
}

int lf_ingest_req_result(const struct lf_ingest_req *r, struct lf_ingest_result *out,
                         struct lf_err *err)
{
    *out = r->res;
    if (r->err.code) {
        if (err)
            *err = r->err;
        return -1;
    }
    return 0;
}

size_t lf_ingest_req_rejects(const struct lf_ingest_req *r)
{
    return ingest_batch_rejects(r->b);
}

void lf_ingest_req_reject(const struct lf_ingest_req *r, size_t i, size_t *index,
                          const char **field, struct lf_err *why)
{
    ingest_batch_reject(r->b, i, index, field, why);
}

void lf_ingest_req_free(struct lf_ingest_req *r)
{
    if (!r)
        return;
    ingest_batch_free(r->b);
    free(r);
}
