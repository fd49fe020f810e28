/* writer.c - the durable write path of the server: one writer thread that gathers the queued
 * ingestion requests of every workspace into one transaction (group commit), commits, lets the
 * change feed publish, then answers each request. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "ingest/batch.h"

struct lf_ingest_req {
    struct ingest_batch *b;
    struct lf *lf; /* the workspace it writes to */
    void (*done)(void *ctx);
    void *ctx;
    struct lf_ingest_result res;
    struct lf_err err; /* err.code != 0: the store failed */
    struct lf_ingest_req *next;
};

struct lf_ingest {
    struct core *core;
    struct lf *lf; /* keeps the core open while the writer runs */
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

/* Writes the requests of `group` in the open transaction; the workspaces they wrote to are
 * gathered into ws[] (at most `cap`, else a publish of every open one suffices). */
static int apply(struct store *st, struct lf_ingest_req *group, size_t *items, struct ws **ws,
                 size_t *ws_nr, size_t cap, struct lf_err *err)
{
    int64_t now = time_now_ms();
    int rc = 0;
    *ws_nr = 0;
    for (struct lf_ingest_req *r = group; r && rc == 0; r = r->next) {
        struct ws *w = r->lf->w;
        size_t ins = 0, dup = 0, written = 0, k = 0;
        struct ingest_writer *iw = ingest_writer_new(st, w->info.id, now);
        rc = ingest_writer_apply(iw, r->b, &ins, &dup, &written, err);
        ingest_writer_free(iw);
        result_init(r);
        r->res.inserted = ins;
        r->res.duplicates = dup;
        *items += written;
        while (k < *ws_nr && ws[k] != w)
            k++;
        if (k == *ws_nr && *ws_nr < cap)
            ws[(*ws_nr)++] = w;
    }
    return rc;
}

#define GROUP_WORKSPACES 64

/* One transaction for the group; stats->seconds is from BEGIN to the end of COMMIT. */
static int write_group(struct lf_ingest *ing, struct lf_ingest_req *group,
                       struct lf_ingest_stats *stats, struct lf_err *err)
{
    struct store *st;
    struct ws *ws[GROUP_WORKSPACES];
    size_t ws_nr;
    double t0 = now_seconds();
    *stats = (struct lf_ingest_stats){0};
    for (struct lf_ingest_req *r = group; r; r = r->next)
        stats->requests++;
    if (core_tx_begin(ing->core, &st, err) < 0)
        return -1;
    if (apply(st, group, &stats->items, ws, &ws_nr, GROUP_WORKSPACES, err) < 0) {
        core_tx_abort(ing->core);
        return -1;
    }
    if (core_tx_commit(ing->core, ws, ws_nr, err) < 0)
        return -1;
    stats->seconds = now_seconds() - t0;
    return 0;
}

static void committed(struct lf_ingest *ing, const struct lf_ingest_stats *stats)
{
    if (ing->opts.on_commit)
        ing->opts.on_commit(ing->opts.ctx, stats);
}

/* Writes a group of requests and answers each. When the group fails as a whole, each request
 * is tried alone, so that one request the store refuses does not fail the others. */
static void write_and_answer(struct lf_ingest *ing, struct lf_ingest_req *group)
{
    struct lf_ingest_stats stats;
    struct lf_err err = {0};
    if (write_group(ing, group, &stats, &err) == 0) {
        committed(ing, &stats);
    } else if (!group->next) {
        group->err = err;
    } else {
        for (struct lf_ingest_req *r = group; r; r = r->next) {
            struct lf_ingest_req *next = r->next;
            r->next = NULL;
            if (write_group(ing, r, &stats, &r->err) == 0)
                committed(ing, &stats);
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

int lf_ingest_start(struct lf *lf, const struct lf_ingest_opts *opts, struct lf_ingest **out,
                    struct lf_err *err)
{
    struct lf_ingest *ing = xcalloc(1, sizeof(*ing));
    *out = NULL;
    if (opts)
        ing->opts = *opts;
    if (!ing->opts.max_group_items)
        ing->opts.max_group_items = 20000;
    if (lf_workspace(lf, lf->w->info.ext_id, false, &ing->lf, err) < 0) {
        free(ing);
        return -1;
    }
    ing->core = lf->w->core;
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

void lf_ingest_submit(struct lf_ingest *ing, struct lf *lf, struct lf_ingest_req *r,
                      void (*done)(void *ctx), void *ctx)
{
    r->lf = lf;
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
