/* textstore.c - what stored texts say: the survey comments and touchpoint texts a transaction
 * wrote are analysed before it commits (found in the change log past the workspace's text
 * cursor), so every text is stored with its sentiment, emotions, topics and language, whatever
 * wrote it (import, the REST API, ingestion, the demo, another process); and lf_text_rebuild
 * analyses a workspace's texts again. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/progress.h"
#include "base/time.h"
#include "text/text.h"

struct analysis {
    struct store *st;
    int64_t ws, now;
    const struct text_analyzer *a;
    struct text_work *work;
    struct buf emotions, topics, notes;
    struct progress bar;
    uint64_t done;
};

static void analysis_release(struct analysis *x)
{
    text_work_free(x->work);
    buf_release(&x->emotions);
    buf_release(&x->topics);
    buf_release(&x->notes);
}

/* Analyses one text and puts its result. The store validated it as UTF-8; were it not, the
 * result says so (language "und", not scored) rather than failing the writer's transaction. */
static int analyse(void *ctx, int source, int64_t row_id, const char *text, struct lf_err *err)
{
    struct analysis *x = ctx;
    struct text_result r;
    struct lf_err bad = {0};
    if (!x->work)
        x->work = text_work_new();
    if (text_analyze(x->a, x->work, text, strlen(text), 0, &r, &bad) < 0)
        memset(&r, 0, sizeof(r));
    struct store_text_result out = {.source = source,
                                    .row_id = row_id,
                                    .scored = r.scored,
                                    .compound = r.sentiment.compound,
                                    .pos = r.sentiment.pos,
                                    .neu = r.sentiment.neu,
                                    .neg = r.sentiment.neg,
                                    .analyzed_at = x->now};
    snprintf(out.language, sizeof(out.language), "%s", r.lang[0] ? r.lang : "und");
    core_text_emotions(&r, &x->emotions);
    core_text_topics(x->a, &r, &x->topics);
    buf_reset(&x->notes);
    buf_addf(&x->notes, "%s%s%s%s", r.empty ? ",empty" : "", r.html ? ",html" : "",
             r.truncated ? ",truncated" : "", bad.code ? ",not-utf8" : "");
    out.emotions = buf_str(&x->emotions);
    out.topics = buf_str(&x->topics);
    out.notes = x->notes.len ? x->notes.ptr + 1 : NULL;
    if (store_text_put(x->st, x->ws, &out, err) < 0)
        return -1;
    progress_update(&x->bar, ++x->done);
    return 0;
}

/* Every text of the workspace, analysed again in st's transaction; the cursor set to upto. */
static int analyse_all(struct analysis *x, int64_t upto, bool progress, struct lf_err *err)
{
    int64_t total = 0;
    if (progress && store_text_sources_count(x->st, x->ws, &total, err) < 0)
        return -1;
    progress_init(&x->bar, "texts", (uint64_t)total, progress);
    int rc = store_text_clear(x->st, x->ws, err) < 0 ||
                     store_text_sources_scan(x->st, x->ws, analyse, x, err) < 0 ||
                     store_text_cursor_set(x->st, x->ws, upto, err) < 0
                 ? -1
                 : 0;
    if (rc == 0)
        progress_finish(&x->bar);
    return rc;
}

struct pending {
    int source;
    int64_t row_id;
};

struct collect {
    struct pending *p;
    size_t nr, cap;
    bool reset;
};

static int on_change(void *ctx, const struct store_change_rec *r, struct lf_err *err)
{
    struct collect *c = ctx;
    (void)err;
    int source = r->resource == resource_responses.code     ? STORE_TEXT_RESPONSE
                 : r->resource == resource_touchpoints.code ? STORE_TEXT_TOUCHPOINT
                                                            : 0;
    if (r->resource == 0 && r->op == STORE_DELETED) { /* the workspace was reset */
        c->nr = 0;
        c->reset = true;
    } else if (source) {
        c->p = xgrow(c->p, sizeof(*c->p), c->nr + 1, &c->cap);
        c->p[c->nr++] = (struct pending){source, r->row_id};
    }
    return 0;
}

static int by_row(const void *a, const void *b)
{
    const struct pending *x = a, *y = b;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return (x->row_id > y->row_id) - (x->row_id < y->row_id);
}

int core_text_follow(struct ws *w, struct store *st, struct lf_err *err)
{
    struct analysis x = {.st = st, .ws = w->info.id, .now = time_now_ms()};
    struct collect c = {0};
    struct buf text = BUF_INIT;
    int64_t cursor = 0, seq, events;
    int found, ret = -1;
    if ((found = store_text_cursor(st, x.ws, &cursor, err)) < 0 ||
        store_feed_position(st, x.ws, &seq, &events, err) < 0)
        return -1;
    if (found && cursor >= seq)
        return 0;
    if (core_text_builtin(&x.a, err) < 0)
        return -1;
    if (!found) { /* a store older than its texts' analysis: every text, once */
        ret = analyse_all(&x, seq, false, err);
        goto out;
    }
    if (store_changes_scan(st, x.ws, cursor, seq, on_change, &c, err) < 0 ||
        (c.reset && store_text_clear(st, x.ws, err) < 0))
        goto out;
    /* the rows as they are now, each once: a row changed twice is read once, a row deleted
     * since has no text */
    if (c.nr) /* qsort of NULL is undefined even for no rows */
        qsort(c.p, c.nr, sizeof(*c.p), by_row);
    for (size_t i = 0; i < c.nr; i++) {
        if (i && by_row(&c.p[i], &c.p[i - 1]) == 0)
            continue;
        int has = store_text_source_get(st, x.ws, c.p[i].source, c.p[i].row_id, &text, err);
        if (has < 0 || (has ? analyse(&x, c.p[i].source, c.p[i].row_id, buf_str(&text), err)
                            : store_text_delete(st, x.ws, c.p[i].source, c.p[i].row_id, err)) < 0)
            goto out;
    }
    ret = store_text_cursor_set(st, x.ws, seq, err);
out:
    free(c.p);
    buf_release(&text);
    analysis_release(&x);
    return ret;
}

int lf_text_rebuild(struct lf *lf, bool progress, int64_t *texts, struct lf_err *err)
{
    struct analysis x = {.ws = lf->w->info.id, .now = time_now_ms()};
    int64_t seq, events;
    if (core_text_builtin(&x.a, err) < 0)
        return -1;
    if (core_tx_begin_lf(lf, &x.st, err) < 0)
        return -1;
    if (store_feed_position(x.st, x.ws, &seq, &events, err) < 0 ||
        analyse_all(&x, seq, progress, err) < 0) {
        core_tx_abort(lf->w->core);
        analysis_release(&x);
        return -1;
    }
    analysis_release(&x);
    if (texts)
        *texts = (int64_t)x.done;
    return core_tx_commit_lf(lf, err);
}
