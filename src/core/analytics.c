/* analytics.c - the analytics engine of a workspace: loaded when first needed (from its
 * snapshot when intact, else from the store), kept in step by the change feed, rebuilt after a
 * workspace reset; and the engine commands (load, rebuild, info, bench). */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "report/table.h"

/* The snapshot of workspace w: the configured path for "default", PATH.NAME for the others. */
static const char *snapshot_path(const struct ws *w, struct buf *out)
{
    const char *base = w->core->opts.snapshot;
    if (!base)
        return NULL;
    buf_reset(out);
    if (strcmp(w->info.ext_id, "default") == 0)
        buf_adds(out, base);
    else
        buf_addf(out, "%s.%s", base, w->info.ext_id);
    return buf_str(out);
}

/* w->feed_mu held (the zone is replaced under it). */
static struct engine_opts engine_opts_of(const struct ws *w)
{
    const struct core *c = w->core;
    const char *zone = w->tz ? tz_name(w->tz) : "UTC";
    bool utc = !strcmp(zone, "UTC") || !strcmp(zone, "Etc/UTC");
    return (struct engine_opts){.progress = c->opts.progress,
                                .threads = c->opts.threads,
                                .tz = utc ? NULL : w->tz};
}

/* An engine replaced (after a reset or a rebuild) may still be read by a query that took it
 * before: it is freed with the workspace. */
static void retire(struct ws *w)
{
    if (!w->engine)
        return;
    w->retired = xgrow(w->retired, sizeof(*w->retired), w->retired_nr + 1, &w->retired_cap);
    w->retired[w->retired_nr++] = w->engine;
    w->engine = NULL;
}

/* Loads the engine; w->feed_mu held. *origin says how ("built", "snapshot", "rebuilt"). */
static int load(struct ws *w, struct store *st, const char **origin, struct lf_err *err)
{
    static const char *const origins[] = {"built", "snapshot", "rebuilt"};
    struct core *c = w->core;
    struct engine_opts eo = engine_opts_of(w);
    struct engine_open_info info;
    struct buf path = BUF_INIT;
    const char *snap = snapshot_path(w, &path);
    struct engine *e;
    int64_t seq, events;
    /* the engine reflects the store as of now: the feed goes on from here */
    if (store_feed_position(st, w->info.id, &seq, &events, err) < 0 ||
        engine_open(st, w->info.id, w->engine_stale ? NULL : snap, &eo, &e, &info, err) < 0) {
        buf_release(&path);
        return -1;
    }
    if (info.warning[0] && c->opts.warnings)
        fprintf(c->opts.warnings, "landfall: %s; rebuilt it from the store\n", info.warning);
    if (snap && (info.origin != ENGINE_LOADED || info.caught_up > 0)) {
        struct lf_err serr = {0};
        if (engine_save(e, snap, &serr) < 0 && c->opts.warnings)
            fprintf(c->opts.warnings, "landfall: %s (the engine works without it)\n", serr.msg);
    }
    buf_release(&path);
    retire(w);
    w->engine = e;
    w->engine_stale = false;
    if (seq > w->seq)
        w->seq = seq;
    if (events > w->events)
        w->events = events;
    if (origin)
        *origin = origins[info.origin];
    return 0;
}

static int engine_of(struct lf *lf, struct store *st, struct engine **out, const char **origin,
                     struct lf_err *err)
{
    struct ws *w = lf->w;
    int rc = 0;
    if (origin)
        *origin = "in memory";
    /* what other processes committed reaches a loaded engine first */
    if (core_feed_publish(w, st, err) < 0)
        return -1;
    pthread_mutex_lock(&w->feed_mu);
    if (!w->engine || w->engine_stale)
        rc = load(w, st, origin, err);
    *out = w->engine;
    pthread_mutex_unlock(&w->feed_mu);
    return rc;
}

int core_engine(struct lf *lf, struct store *st, struct engine **out, struct lf_err *err)
{
    return engine_of(lf, st, out, NULL, err);
}

/* ---- following the change feed ---- */

/* The store's dimensions of changed accounts, as engine_accounts_put takes them. */
struct changed {
    struct store *st;
    int64_t ws;
    struct engine_account_in *in;
    size_t nr, cap;
    struct engine_mrr *mrr; /* every account's history, one after the other */
    size_t mrr_nr, mrr_cap;
    size_t *first;          /* per account: where its history starts in mrr (which may move) */
    char **strings;         /* copies of the account's texts, freed after the put */
    size_t strings_nr, strings_cap;
};

static const char *keep(struct changed *c, const char *s)
{
    if (!s)
        return NULL;
    c->strings = xgrow(c->strings, sizeof(*c->strings), c->strings_nr + 1, &c->strings_cap);
    return c->strings[c->strings_nr++] = xstrdup(s);
}

static int on_mrr(void *ctx, const struct mrr_change *m, struct lf_err *err)
{
    (void)err;
    struct changed *c = ctx;
    c->mrr = xgrow(c->mrr, sizeof(*c->mrr), c->mrr_nr + 1, &c->mrr_cap);
    c->mrr[c->mrr_nr++] = (struct engine_mrr){m->date, m->mrr};
    return 0;
}

static int on_account(void *ctx, const struct account *a, struct lf_err *err)
{
    struct changed *c = ctx;
    size_t first = c->mrr_nr;
    if (store_mrr_changes_scan(c->st, c->ws, a->id, on_mrr, c, err) < 0)
        return -1;
    size_t cap = c->cap;
    c->in = xgrow(c->in, sizeof(*c->in), c->nr + 1, &c->cap);
    c->first = xgrow(c->first, sizeof(*c->first), c->nr + 1, &cap);
    c->first[c->nr] = first;
    c->in[c->nr++] = (struct engine_account_in){.id = a->id,
                                                .ext_id = keep(c, a->ext_id),
                                                .segment = keep(c, a->segment),
                                                .plan = keep(c, a->plan),
                                                .seats = a->seats,
                                                .customer_since = a->customer_since,
                                                .mrr_nr = c->mrr_nr - first};
    return 0;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Tells the engine of the accounts whose row or MRR history changed; many at once (an import)
 * are reloaded whole. */
static int put_accounts(struct ws *w, struct store *st, int64_t *ids, size_t nr,
                        struct lf_err *err)
{
    struct engine_info info;
    engine_info(w->engine, &info);
    if (nr > 1000 && nr > info.accounts / 10)
        return engine_refresh(w->engine, st, err);
    struct changed c = {.st = st, .ws = w->info.id};
    int rc = store_accounts_some(st, w->info.id, ids, nr, on_account, &c, err);
    if (rc == 0) {
        for (size_t i = 0; i < c.nr; i++)
            c.in[i].mrr = c.mrr + c.first[i];
        rc = engine_accounts_put(w->engine, c.in, c.nr, err);
    }
    for (size_t i = 0; i < c.strings_nr; i++)
        free(c.strings[i]);
    free(c.strings);
    free(c.in);
    free(c.first);
    free(c.mrr);
    return rc;
}

int core_engine_follow(struct ws *w, struct store *st, const struct lf_feed_batch *b,
                       struct lf_err *err)
{
    if (!w->engine)
        return 0;
    int64_t *ids = NULL;
    size_t ids_nr = 0, ids_cap = 0;
    for (size_t i = 0; i < b->nr; i++) {
        const char *r = b->changes[i].resource;
        /* a reset, or a contact merged (its events are another's now; deleted contacts have
         * none): rebuilt by the next query */
        if (strcmp(r, "workspace") == 0 ||
            (strcmp(r, "contacts") == 0 && b->changes[i].op == STORE_DELETED)) {
            w->engine_stale = true;
            free(ids);
            return 0;
        }
        /* an account deleted has no events left (the store refuses it else): nothing to do */
        if ((strcmp(r, "accounts") == 0 && b->changes[i].op != STORE_DELETED) ||
            strcmp(r, "mrr_changes") == 0) {
            ids = xgrow(ids, sizeof(*ids), ids_nr + 1, &ids_cap);
            ids[ids_nr++] = b->changes[i].account_id;
        }
    }
    int rc = 0;
    if (ids_nr)
        qsort(ids, ids_nr, sizeof(*ids), id_cmp);
    size_t u = 0;
    for (size_t i = 0; i < ids_nr; i++)
        if (ids[i] && (u == 0 || ids[u - 1] != ids[i]))
            ids[u++] = ids[i];
    ids_nr = u;
    /* events first: an account they name becomes known, and then gets its dimensions */
    if (b->events_upto > b->events_after)
        rc = engine_sync(w->engine, st, NULL, err);
    if (rc == 0 && ids_nr)
        rc = put_accounts(w, st, ids, ids_nr, err);
    free(ids);
    return rc;
}

/* ---- the engine commands ---- */

int lf_engine_load(struct lf *lf, struct lf_err *err)
{
    struct engine *e;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int rc = core_engine(lf, st, &e, err);
    core_read_end(lf, st);
    return rc;
}

static struct lf_table *info_table(struct engine *e, const char *origin, double seconds)
{
    struct engine_info in;
    engine_info(e, &in);
    struct {
        const char *name;
        int64_t v;
    } ints[] = {{"events", (int64_t)in.events}, {"accounts", (int64_t)in.accounts},
                {"users", (int64_t)in.users}, {"event_names", (int64_t)in.names},
                {"high_water", in.high_water}, {"tail_events", (int64_t)in.tail_events},
                {"skipped", (int64_t)in.skipped}, {"bytes", (int64_t)in.bytes},
                {"threads", in.threads}};
    size_t ints_nr = sizeof(ints) / sizeof(*ints);
    struct lf_table *t = table_new("engine");
    size_t c_origin = table_add_column(t, "origin", LF_COL_TEXT);
    for (size_t i = 0; i < ints_nr; i++)
        table_add_column(t, ints[i].name, LF_COL_INT);
    size_t c_bpe = table_add_column(t, "bytes_per_event", LF_COL_REAL);
    size_t c_secs = table_add_column(t, "seconds", LF_COL_REAL);
    size_t row = table_add_row(t);
    table_set_text(t, row, c_origin, origin);
    for (size_t i = 0; i < ints_nr; i++)
        table_set_int(t, row, c_origin + 1 + i, ints[i].v);
    table_set_real(t, row, c_bpe, in.bytes_per_event);
    table_set_real(t, row, c_secs, seconds);
    return t;
}

int lf_engine_rebuild(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    struct ws *w = lf->w;
    struct engine_opts eo;
    struct buf path = BUF_INIT;
    const char *snap = snapshot_path(w, &path);
    struct engine *e = NULL;
    int64_t seq, events;
    int ret = -1;
    *out = NULL;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        goto out;
    pthread_mutex_lock(&w->feed_mu);
    eo = engine_opts_of(w);
    int64_t t0 = time_now_ms();
    if (store_feed_position(st, w->info.id, &seq, &events, err) < 0 ||
        engine_build(st, w->info.id, &eo, &e, err) < 0) {
        pthread_mutex_unlock(&w->feed_mu);
        goto out;
    }
    double secs = (double)(time_now_ms() - t0) / 1000.0;
    if (snap && engine_save(e, snap, err) < 0) {
        pthread_mutex_unlock(&w->feed_mu);
        engine_free(e);
        goto out;
    }
    retire(w);
    w->engine = e;
    w->engine_stale = false;
    w->seq = seq > w->seq ? seq : w->seq;
    w->events = events > w->events ? events : w->events;
    pthread_mutex_unlock(&w->feed_mu);
    *out = info_table(e, "built", secs);
    ret = 0;
out:
    core_read_end(lf, st);
    buf_release(&path);
    return ret;
}

int lf_engine_info(struct lf *lf, struct lf_table **out, struct lf_err *err)
{
    const char *origin;
    struct engine *e;
    *out = NULL;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int64_t t0 = time_now_ms();
    int rc = engine_of(lf, st, &e, &origin, err);
    core_read_end(lf, st);
    if (rc < 0)
        return -1;
    *out = info_table(e, origin, (double)(time_now_ms() - t0) / 1000.0);
    return 0;
}

/* ---- bench: Q1..Q4 of bench/engine.sh ---- */

static double now_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_query(struct engine *e, int which, const struct engine_query *q, size_t *rows,
                       struct lf_err *err)
{
    if (which == 1) {
        struct engine_cohorts c;
        struct engine_query all = *q;
        all.from = INT64_MIN;
        all.to = INT64_MAX;
        if (engine_cohorts(e, &all, ENGINE_WEEK, ENGINE_ACTIVITY, ENGINE_USER,
                           ENGINE_FIRST_ACTIVITY, &c, err) < 0)
            return -1;
        *rows = c.nr;
        engine_cohorts_free(&c);
        return 0;
    }
    static const unsigned what[] = {ENGINE_ACC_ACTIVITY, 0, ENGINE_ACC_ADOPTION, ENGINE_ACC_ALL};
    struct engine_accounts a;
    if (engine_accounts(e, q, what[which], &a, err) < 0)
        return -1;
    *rows = a.nr;
    engine_accounts_free(&a);
    return 0;
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

int lf_engine_bench(struct lf *lf, int64_t now, int runs, struct lf_table **out,
                    struct lf_err *err)
{
    static const char *const names[] = {"Q1 dau per account over 30 days",
                                        "Q2 weekly cohort retention (users)",
                                        "Q3 adoption breadth per account",
                                        "Q4 portfolio (Q1 + Q3 + last seen + trend)"};
    struct engine *e;
    *out = NULL;
    if (runs <= 0)
        runs = 5;
    if (lf_engine_load(lf, err) < 0)
        return -1;
    e = lf->w->engine;
    struct engine_query q = {.now = now ? now : time_now_ms(), .by = ENGINE_BY_ACCOUNT};
    q.to = q.now;
    q.from = q.to - 30 * MS_PER_DAY;
    struct lf_table *t = table_new("engine-bench");
    size_t cq = table_add_column(t, "query", LF_COL_TEXT);
    size_t cr = table_add_column(t, "rows", LF_COL_INT);
    size_t cm = table_add_column(t, "median_ms", LF_COL_REAL);
    size_t cmin = table_add_column(t, "min_ms", LF_COL_REAL);
    double *ms = xmalloc((size_t)runs * sizeof(*ms));
    for (int which = 0; which < 4; which++) {
        size_t rows = 0;
        for (int r = 0; r < runs; r++) {
            double t0 = now_secs();
            if (bench_query(e, which, &q, &rows, err) < 0) {
                free(ms);
                lf_table_free(t);
                return -1;
            }
            ms[r] = (now_secs() - t0) * 1000.0;
        }
        qsort(ms, (size_t)runs, sizeof(*ms), dbl_cmp);
        size_t row = table_add_row(t);
        table_set_text(t, row, cq, names[which]);
        table_set_int(t, row, cr, (int64_t)rows);
        table_set_real(t, row, cm,
                       runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2);
        table_set_real(t, row, cmin, ms[0]);
    }
    free(ms);
    *out = t;
    return 0;
}
