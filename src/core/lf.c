/* lf.c - opening and closing handles: one core per store (shared by the handles of a process
 * that open the same URL through lf_workspace), one workspace context per workspace, and the
 * pool of read connections. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "metrics/metrics.h"

#define DEFAULT_READERS 4

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void core_free(struct core *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->readers_idle; i++)
        store_free(c->readers[i]);
    free(c->readers);
    store_free(c->writer);
    pthread_mutex_destroy(&c->write_mu);
    pthread_mutex_destroy(&c->long_mu);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free((char *)c->opts.snapshot);
    free(c->url);
    free(c);
}

static int core_new(const struct lf_open_opts *o, const char *url, struct core **out,
                    struct lf_err *err)
{
    struct core *c = xcalloc(1, sizeof(*c));
    struct store_open_opts so = {.create = !o->must_exist};
    c->url = xstrdup(url);
    c->opts = *o;
    c->opts.url = NULL;
    c->opts.workspace = NULL;
    c->opts.snapshot = dup_or_null(o->snapshot);
    c->readers_max = o->readers ? o->readers : DEFAULT_READERS;
    c->readers = xcalloc(c->readers_max, sizeof(*c->readers));
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    pthread_mutex_init(&c->write_mu, NULL);
    pthread_mutex_init(&c->long_mu, NULL);
    if (store_open(url, &so, &c->writer, err) < 0) {
        core_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

/* ---- the read pool ---- */

/* An idle read connection, or a new one while fewer than readers_max are open; waits
 * otherwise. NULL with err when a new one cannot be opened. */
static struct store *pool_get(struct core *c, struct lf_err *err)
{
    struct store *st = NULL;
    pthread_mutex_lock(&c->mu);
    while (!c->readers_idle && c->readers_open == c->readers_max)
        pthread_cond_wait(&c->cv, &c->mu);
    if (c->readers_idle)
        st = c->readers[--c->readers_idle];
    else
        c->readers_open++;
    pthread_mutex_unlock(&c->mu);
    if (!st && store_clone(c->writer, &st, err) < 0) {
        pthread_mutex_lock(&c->mu);
        c->readers_open--;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
        return NULL;
    }
    return st;
}

static void pool_put(struct core *c, struct store *st)
{
    pthread_mutex_lock(&c->mu);
    c->readers[c->readers_idle++] = st;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

struct store *core_read_begin(struct lf *lf, struct lf_err *err)
{
    struct store *st = pool_get(lf->w->core, err);
    if (st && store_read_begin(st, err) < 0) {
        pool_put(lf->w->core, st);
        return NULL;
    }
    return st;
}

void core_read_end(struct lf *lf, struct store *st)
{
    if (!st)
        return;
    store_read_end(st);
    pool_put(lf->w->core, st);
}

int core_table_out(struct lf_table *t, int rc, struct lf_table **out)
{
    if (rc != 0) {
        lf_table_free(t);
        *out = NULL;
        return -1;
    }
    *out = t;
    return 0;
}

/* ---- workspaces ---- */

static void ws_free(struct ws *w)
{
    metric_caches_free(w->caches);
    engine_free(w->engine);
    for (size_t i = 0; i < w->retired_nr; i++)
        engine_free(w->retired[i]);
    free(w->retired);
    tz_free(w->tz);
    for (size_t i = 0; i < w->old_tz_nr; i++)
        tz_free(w->old_tz[i]);
    free(w->old_tz);
    free(w->subs);
    pthread_mutex_destroy(&w->feed_mu);
    free(w);
}

/* The open context of workspace `name` (or, with name NULL, of id), with a reference taken;
 * NULL when none is open. c->mu held. */
static struct ws *ws_find(struct core *c, const char *name, int64_t id)
{
    for (struct ws *w = c->workspaces; w; w = w->next)
        if (name ? strcmp(w->info.ext_id, name) == 0 : w->info.id == id) {
            w->refs++;
            return w;
        }
    return NULL;
}

/* The context of a workspace, opened when the core has none (found in the store by name or
 * id, or created by name when `create`). */
static int ws_get(struct core *c, const char *name, int64_t id, bool create, struct ws **out,
                  struct lf_err *err)
{
    pthread_mutex_lock(&c->mu);
    *out = ws_find(c, name, id);
    if (*out)
        c->refs++; /* every handle holds the core */
    pthread_mutex_unlock(&c->mu);
    if (*out)
        return 0;
    struct ws *w = xcalloc(1, sizeof(*w));
    struct store *st = pool_get(c, err);
    int found = -1;
    if (st) {
        if (name && create)
            found = store_workspace_ensure(st, name, &w->info, err) < 0 ? -1 : 1;
        else if (name)
            found = store_workspace_find(st, name, &w->info, err);
        else
            found = store_workspace_by_id(st, id, &w->info, err);
        if (found == 1 && store_feed_position(st, w->info.id, &w->seq, &w->events, err) < 0)
            found = -1;
        pool_put(c, st);
    }
    if (found <= 0) {
        free(w);
        if (found < 0)
            return -1;
        if (name)
            return err_set(err, LF_ENOENT,
                           "no workspace '%s' in '%s' (import, demo or 'landfall workspace "
                           "--time-zone ZONE' makes one)",
                           name, c->url);
        return err_set(err, LF_ENOENT, "no workspace %lld in '%s'", (long long)id, c->url);
    }
    /* a zone the system no longer knows falls back to UTC rather than locking the data out */
    if (tz_load(w->info.time_zone, &w->tz, NULL) < 0)
        w->tz = NULL;
    w->core = c;
    w->refs = 1;
    w->caches = metric_caches_new();
    pthread_mutex_init(&w->feed_mu, NULL);
    pthread_mutex_lock(&c->mu);
    /* another thread may have opened it meanwhile: use that one */
    *out = ws_find(c, w->info.ext_id, 0);
    if (!*out) {
        w->next = c->workspaces;
        c->workspaces = w;
        *out = w;
        w = NULL;
    }
    c->refs++;
    pthread_mutex_unlock(&c->mu);
    if (w)
        ws_free(w);
    return 0;
}

/* ---- handles ---- */

int lf_open_with(const struct lf_open_opts *opts, struct lf **out, struct lf_err *err)
{
    static const struct lf_open_opts defaults = {0};
    const struct lf_open_opts *o = opts ? opts : &defaults;
    const char *url = o->url;
    if (!url || !*url)
        url = getenv("LANDFALL_DB");
    if (!url || !*url)
        url = "landfall.db";
    *out = NULL;
    struct core *c;
    struct ws *w;
    if (core_new(o, url, &c, err) < 0)
        return -1;
    if (ws_get(c, o->workspace ? o->workspace : "default", 0, !o->must_exist, &w, err) < 0) {
        core_free(c);
        return -1;
    }
    *out = xcalloc(1, sizeof(**out));
    (*out)->w = w;
    return 0;
}

int lf_open(const char *url, struct lf **out, struct lf_err *err)
{
    struct lf_open_opts o = {.url = url};
    return lf_open_with(&o, out, err);
}

static int open_ws(struct lf *lf, const char *name, int64_t id, bool create, struct lf **out,
                   struct lf_err *err)
{
    struct ws *w;
    *out = NULL;
    if (ws_get(lf->w->core, name, id, create, &w, err) < 0)
        return -1;
    *out = xcalloc(1, sizeof(**out));
    (*out)->w = w;
    return 0;
}

int lf_workspace(struct lf *lf, const char *name, bool create, struct lf **out,
                 struct lf_err *err)
{
    return open_ws(lf, name, 0, create, out, err);
}

int lf_workspace_by_id(struct lf *lf, int64_t id, struct lf **out, struct lf_err *err)
{
    return open_ws(lf, NULL, id, false, out, err);
}

void lf_close(struct lf *lf)
{
    if (!lf)
        return;
    struct ws *w = lf->w;
    struct core *c = w->core;
    pthread_mutex_lock(&c->mu);
    if (--w->refs == 0) {
        for (struct ws **p = &c->workspaces; *p; p = &(*p)->next)
            if (*p == w) {
                *p = w->next;
                break;
            }
        ws_free(w);
    }
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (last)
        core_free(c);
    free(lf);
}

void lf_workspace_info(const struct lf *lf, struct lf_workspace_info *out)
{
    const struct ws *w = lf->w;
    memset(out, 0, sizeof(*out));
    out->id = w->info.id;
    snprintf(out->name, sizeof(out->name), "%s", w->info.ext_id);
    snprintf(out->time_zone, sizeof(out->time_zone), "%s", w->info.time_zone);
    snprintf(out->store, sizeof(out->store), "%s", store_engine(w->core->writer));
}

int lf_time_parse(const char *s, int64_t *ms_out, struct lf_err *err)
{
    const char *why = NULL;
    if (time_parse(s, strlen(s), ms_out, &why) < 0)
        return err_set(err, LF_EUSAGE, "'%s': %s", s, why);
    return 0;
}

int lf_time_parse_local(struct lf *lf, const char *s, int64_t *ms_out, struct lf_err *err)
{
    const char *why = NULL;
    if (tz_parse_time(core_tz(lf), s, ms_out, &why) < 0)
        return err_set(err, LF_EUSAGE, "'%s': %s", s, why);
    if (*ms_out < TIME_ASK_MIN_MS || *ms_out >= TIME_ASK_END_MS)
        return err_set(err, LF_EUSAGE, "'%s' is outside 1970-01-01 .. 2199-12-31", s);
    return 0;
}

const struct tz *core_tz(const struct lf *lf)
{
    const struct tz *z;
    pthread_mutex_lock(&lf->w->feed_mu);
    z = lf->w->tz ? lf->w->tz : tz_utc();
    pthread_mutex_unlock(&lf->w->feed_mu);
    return z;
}

int lf_workspace_set_tz(struct lf *lf, const char *name, struct lf_err *err)
{
    struct ws *w = lf->w;
    struct tz *z;
    struct store *st;
    if (tz_load(name, &z, err) < 0)
        return -1;
    tz_free(z); /* a known zone: the change feed loads it, in this process as in the others */
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_workspace_set_tz(st, w->info.id, name, err) < 0) {
        core_tx_abort(w->core);
        return -1;
    }
    return core_tx_commit_lf(lf, err);
}

int core_ws_reload(struct ws *w, struct store *st, struct lf_err *err)
{
    struct store_workspace info;
    int found = store_workspace_by_id(st, w->info.id, &info, err);
    if (found <= 0 || strcmp(info.time_zone, w->info.time_zone) == 0)
        return found < 0 ? -1 : 0;
    struct tz *z;
    if (tz_load(info.time_zone, &z, NULL) < 0)
        z = NULL; /* as when opening: an unknown zone is UTC */
    /* queries may still hold the old zone: it is freed with the workspace */
    if (w->tz) {
        w->old_tz = xgrow(w->old_tz, sizeof(*w->old_tz), w->old_tz_nr + 1, &w->old_tz_cap);
        w->old_tz[w->old_tz_nr++] = w->tz;
    }
    w->tz = z;
    snprintf(w->info.time_zone, sizeof(w->info.time_zone), "%s", info.time_zone);
    w->engine_stale = true; /* its accounts start at local midnights of the old zone */
    return 0;
}

/* ---- long computations ---- */

int core_long_begin(struct lf *lf, const char *what, struct lf_err *err)
{
    if (pthread_mutex_trylock(&lf->w->core->long_mu) == 0)
        return 0;
    return err_set(err, LF_ELIMIT,
                   "%s: another model training or backtest is running; retry when it ends", what);
}

void core_long_end(struct lf *lf)
{
    pthread_mutex_unlock(&lf->w->core->long_mu);
}
