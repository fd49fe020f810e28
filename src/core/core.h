/* core.h - the running system behind the public handle: one `struct core` per store (its
 * connections, its one writer), one `struct ws` per open workspace (its time zone, change feed
 * and analytics engine), shared by every handle of that workspace in the process. */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <pthread.h>

#include "base/tz.h"
#include "engine/engine.h"
#include "landfall.h"
#include "store/store.h"

struct ws;
struct metric_cache;

struct core {
    char *url;
    struct lf_open_opts opts;   /* the engine options of the first handle (strings owned) */
    pthread_mutex_t mu;         /* guards refs, the workspaces and the reader pool */
    pthread_cond_t cv;          /* a reader came back */
    int refs;                   /* open handles */
    struct ws *workspaces;      /* open workspaces, a list */
    struct store **readers;     /* idle read connections */
    size_t readers_idle, readers_open, readers_max;
    struct store *writer;       /* the one write connection */
    pthread_mutex_t write_mu;   /* one write transaction at a time */
    pthread_mutex_t long_mu;    /* one long computation at a time (core_long_begin) */
};

struct feed_sub {
    int id;
    void (*fn)(void *ctx, const struct lf_feed_batch *b);
    void *ctx;
};

struct ws {
    struct core *core;
    int refs;
    struct store_workspace info;
    struct ws *next;
    /* the change feed: what has been published, to whom */
    pthread_mutex_t feed_mu;    /* one publisher at a time; the engine loads under it */
    int64_t seq, events;        /* published up to this change seq and event id */
    struct feed_sub *subs;
    size_t subs_nr, subs_cap;
    int next_sub;
    /* the analytics engine: NULL until a metric needs it; replaced only under feed_mu */
    struct engine *engine;
    bool engine_stale;          /* a workspace reset or a contact merged: rebuild from the
                                 * store (not the snapshot) before the next use */
    struct engine **retired;    /* replaced engines a query may still read; freed with w */
    size_t retired_nr, retired_cap;
    /* what metrics keep between calls (metrics.h: metric_cache), one per metric */
    struct metric_cache *caches;
    /* the time zone periods are cut in; replaced ones are kept like engines */
    struct tz *tz;
    struct tz **old_tz;
    size_t old_tz_nr, old_tz_cap;
};

struct lf {
    struct ws *w;
};

/* ---- connections (lf.c) ---- */

/* A read connection for the caller's call, in a read transaction: core_read_end() gives it
 * back. NULL with err when the store failed. */
struct store *core_read_begin(struct lf *lf, struct lf_err *err);
void core_read_end(struct lf *lf, struct store *st);

/* A long computation (training a model, a backtest): one at a time per process, so that they
 * cannot take every server thread from the other requests. 0, or -1 with LF_ELIMIT when another
 * runs (what names the refused work); core_long_end() after a 0. */
int core_long_begin(struct lf *lf, const char *what, struct lf_err *err);
void core_long_end(struct lf *lf);
/* The end of a call that made table t: *out = t when rc is 0, else t is freed (and *out NULL).
 * Returns 0, or -1 when rc was not 0. */
int core_table_out(struct lf_table *t, int rc, struct lf_table **out);

/* ---- write transactions (tx.c) ---- */

/* Takes the store's writer (waiting for the transaction before to end) and begins a write
 * transaction: 0 and *st, or -1 with err (the writer is then not held). */
int core_tx_begin(struct core *c, struct store **st, struct lf_err *err);
/* Commits, publishes the change feed of each workspace in ws[0..nr), and gives the writer
 * back. On failure nothing is published and the transaction is rolled back. */
int core_tx_commit(struct core *c, struct ws *const *ws, size_t nr, struct lf_err *err);
void core_tx_abort(struct core *c);
/* One workspace's transaction: lf's writer, and its feed at commit. */
int core_tx_begin_lf(struct lf *lf, struct store **st, struct lf_err *err);
int core_tx_commit_lf(struct lf *lf, struct lf_err *err);

/* ---- the change feed (feed.c) ---- */

/* Publishes what st (a connection that sees the latest commits) holds past the workspace's
 * published position. Returns the number of changes published, or -1. */
int core_feed_publish(struct ws *w, struct store *st, struct lf_err *err);

/* The workspace's time zone (borrowed: valid while lf is open). */
const struct tz *core_tz(const struct lf *lf);
/* Reads the workspace's settings again after a change of them (the feed's "workspace" update):
 * a new zone is loaded and the engine rebuilt for it. w->feed_mu held. */
int core_ws_reload(struct ws *w, struct store *st, struct lf_err *err);

/* ---- the analytics engine (analytics.c) ---- */

/* The workspace's engine, loaded (and caught up with the store through st) when needed.
 * Borrowed: valid while the caller holds the handle; the engine takes its own locks. */
int core_engine(struct lf *lf, struct store *st, struct engine **out, struct lf_err *err);

/* metric_ctx's churn_risks: the latest churn model's risk of every account paying at c->now,
 * read through c->st and c->e (churn.c). */
struct metric_ctx;
int core_churn_risks(const struct metric_ctx *c, bool model_only, int64_t *version,
                     int (*fn)(void *ctx, const char *account, double risk, struct lf_err *err),
                     void *fn_ctx, struct lf_err *err);
/* The feed's internal subscriber: keeps a loaded engine in step with a batch. */
int core_engine_follow(struct ws *w, struct store *st, const struct lf_feed_batch *b,
                       struct lf_err *err);

/* ---- what stored texts say (textstore.c) ---- */

/* Inside a write transaction on st: analyses the comments and touchpoint texts the change log
 * of w holds past the workspace's text cursor (all of them when it has none), puts or deletes
 * their results, and moves the cursor, so that they commit with the texts. -1 with err when the
 * store failed (the transaction must be rolled back). */
int core_text_follow(struct ws *w, struct store *st, struct lf_err *err);

struct text_analyzer;
struct text_result;
/* The built-in analyzer, made once and shared (text.c): -1 with LF_EINTERNAL when its embedded
 * data do not parse. */
int core_text_builtin(const struct text_analyzer **out, struct lf_err *err);
/* The emotions a result reports, strongest first, and its topics, first mentioned first, each
 * comma-separated into out (emptied first). */
void core_text_emotions(const struct text_result *r, struct buf *out);
void core_text_topics(const struct text_analyzer *a, const struct text_result *r,
                      struct buf *out);

/* The workspace's survey settings, stored on first use with a fresh key that signs links, the
 * closed loop and the triggers starting where the change log ends: for whoever uses surveys
 * (sends, the loop, the triggers, a change of settings). Only showing them is no use:
 * lf_survey_settings_get reads, and answers the defaults without writing. (surveys.c) */
int survey_settings_ensure(struct lf *lf, struct survey_settings *s, struct lf_err *err);

/* ---- rule conditions (rule_cond.c): the text of rules.condition, for the closed loop now and
 * the playbooks later ---- */

/* What a condition may name: `survey.kind` (text), `score`, `sentiment` (numbers; sentiment is
 * the VADER compound of the response's comment, absent when it has none or was not scored). */
enum rule_field { RULE_SURVEY_KIND, RULE_SCORE, RULE_SENTIMENT };
enum rule_op { RULE_EQ, RULE_NE, RULE_LT, RULE_LE, RULE_GT, RULE_GE };
#define RULE_TERMS_MAX 8
/* `field op value` terms joined by `and`. */
struct rule_cond {
    size_t nr;
    struct {
        int field, op; /* enum rule_field, enum rule_op */
        double num;
        char text[64];
    } t[RULE_TERMS_MAX];
};
/* The facts a condition is checked against. */
struct rule_facts {
    const char *survey_kind;
    double score;
    bool has_sentiment;
    double sentiment;
};
/* Parses s into *out: 0, or -1 with LF_EINVAL quoting what is wrong. */
int rule_cond_parse(const char *s, struct rule_cond *out, struct lf_err *err);
/* Whether every term holds; a term on an absent fact does not. */
bool rule_cond_holds(const struct rule_cond *c, const struct rule_facts *f);

#endif
