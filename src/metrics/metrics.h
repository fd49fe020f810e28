/* metrics.h - the metric registry: every figure landfall computes is one declaration (name,
 * parameters, dimensions, filters, output columns, the data it needs) plus its compute
 * function. The CLI, the HTTP API, the help, the docs and the OpenAPI document read the
 * declarations (through lf_metric_info); lf_metric parses arguments against them and runs the
 * compute function over one read snapshot of the store (and the analytics engine). */
#ifndef METRICS_METRICS_H
#define METRICS_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strmap.h"
#include "base/tz.h"
#include "engine/engine.h"
#include "landfall.h"
#include "store/store.h"

/* ---- dimensions (by) and filters (where) ---- */

enum dim {
    DIM_DAY, DIM_WEEK, DIM_MONTH, DIM_QUARTER, DIM_YEAR,         /* periods, in the zone */
    DIM_ACCOUNT, DIM_SEGMENT, DIM_PLAN, DIM_OWNER, DIM_STAGE,    /* the account's */
    DIM_TEAM, DIM_TOUCHPOINT, DIM_CHANNEL, DIM_SURVEY,           /* a response's */
    DIM_NR
};
#define DIM_END (-1) /* ends a list of dims */
extern const char *const dim_names[DIM_NR];
bool dim_is_period(int dim);
int dim_tz_period(int dim); /* enum tz_period of a period dim */
struct metric_ctx;
/* The zone the engine is to cut periods in: NULL for UTC (its arithmetic is faster). */
const struct tz *metric_engine_tz(const struct metric_ctx *c);
bool dim_of_account(int dim);

#define METRIC_BY_MAX 2
#define METRIC_WHERE_MAX 8
#define METRIC_PARAMS_MAX 12
#define METRIC_INTS_MAX 32

struct metric_filter {
    int dim;           /* an account or response dim */
    const char *value; /* "(none)" matches a missing value */
};

/* A parsed parameter of the metric's own. */
struct param_value {
    bool given;
    int64_t i; /* INT, TIME, BOOL, CHOICE (the index) */
    double r;  /* REAL */
    const char *s;
    int ints[METRIC_INTS_MAX];
    int ints_nr;
};

/* The common parameters a metric takes. */
enum {
    COMMON_WINDOW = 1 << 0, /* from, to */
    COMMON_NOW = 1 << 1,    /* now */
    COMMON_BY = 1 << 2,     /* by */
    COMMON_WHERE = 1 << 3,  /* where */
    COMMON_ACCOUNT = 1 << 4 /* account: where account=ID, kept for the engine's commands */
};

enum {
    NEEDS_ENGINE = 1 << 0,
    NEEDS_CACHE = 1 << 1, /* keeps figures between calls in its metric_cache (ctx->cache) */
    PAGED = 1 << 2,       /* answers a page of its rows and their total (lf_table_total) */
    /* trains a model or replays history (seconds of CPU): one such call at a time per process
     * (core_long_begin), so that callers cannot hold every server thread with them */
    LONG = 1 << 3,
};

struct metric_def;

/* What a metric keeps between calls in a running system: core holds one per workspace and
 * metric (NEEDS_CACHE), and the metric decides what it holds and when it is stale. The compute
 * function holds mu while it reads or replaces data. */
struct metric_cache {
    pthread_mutex_t mu;
    void *data;                  /* NULL until the metric keeps something */
    void (*release)(void *data); /* frees data */
};
/* One cache per metric of the registry, by metric_index. metric_caches_free(NULL) is a no-op. */
struct metric_cache *metric_caches_new(void);
void metric_caches_free(struct metric_cache *c);
size_t metric_index(const struct metric_def *def);

/* Whether c may use what its metric keeps in c->cache: a running system's, not turned off by
 * the environment variable env set to 0, and not filtered to one account. */
bool metric_keeps(const struct metric_ctx *c, const char *env);
/* Whether rows a metric read at change-log position seq (kept: it read them) are still those of
 * c's snapshot: 1 when no change since touched a row of defs (NULL-terminated) nor reset the
 * workspace, 0 when one did (or the rows are of a newer snapshot than c's: seq > *now), -1 on a
 * store error. *now: c's snapshot's position, at which the rows are to be read again. */
int metric_kept_fresh(struct metric_ctx *c, bool kept, int64_t seq,
                      const struct resource_def *const *defs, int64_t *now, struct lf_err *err);

/* Answers kept beside the rows they were computed from (dropped with them), by the request
 * (metric_answer_key): at most METRIC_ANSWERS, the least recently used going first, of at most
 * METRIC_ANSWER_ROWS rows each. The holder's mutex guards them. */
#define METRIC_ANSWERS 64
#define METRIC_ANSWER_ROWS 1000
struct kept_answer;
struct metric_answers {
    struct kept_answer *a;
    size_t nr, cap;
    uint64_t clock;
};
/* What the answer of c over the window [from, to) depends on: the metric, the zone, the window,
 * by, where and the parameters given. The caller frees it. */
char *metric_answer_key(const struct metric_ctx *c, int64_t from, int64_t to);
/* Fills the empty table t with the answer kept under key: true, or false when none is (k may be
 * NULL). */
bool metric_answer_recall(struct metric_answers *k, const char *key, struct lf_table *t);
/* Keeps a copy of t under key (k NULL: nothing). */
void metric_answer_keep(struct metric_answers *k, const char *key, const struct lf_table *t);
void metric_answers_release(struct metric_answers *k);

/* What the usage metrics' cache did (usage_cache.c), from the running system's cache of
 * metric_dau (which they share): zeros when it has kept nothing yet. */
struct usage_cache_stats {
    uint64_t periods_kept, periods_computed; /* periods of activity series */
    uint64_t answers_kept, answers_computed; /* feature usage and adoption curves */
    uint64_t entries, bytes;                 /* kept now */
};
void usage_cache_stats(struct metric_cache *cache, struct usage_cache_stats *out);

struct metric_ctx;

struct metric_def {
    const char *name, *group, *summary, *help;
    unsigned common;                   /* COMMON_* */
    const struct lf_param_info *own;   /* the metric's own parameters */
    size_t own_nr;
    const int *dims;                   /* DIM_END-terminated */
    const int *filters;                /* DIM_END-terminated */
    const struct lf_column_info *columns;
    size_t columns_nr;
    unsigned needs;                    /* NEEDS_ENGINE */
    /* with NEEDS_CACHE: the metric whose cache it shares (NULL: its own) */
    const struct metric_def *cache_of;
    /* Fills t (dimension columns, then the declared ones, in order). 0, or -1 with err. */
    int (*compute)(struct metric_ctx *c, struct lf_table *t, struct lf_err *err);
};

/* An account as grouping and filtering see it (strings owned by the context). */
struct metric_account {
    int64_t id;
    const char *ext_id, *segment, *plan, *owner, *stage, *currency;
    int64_t customer_since; /* the instant its local date starts, LF_UNSET when unknown */
};

/* One account's churn risk, for metric_ctx's churn_risks. */
typedef int (*metric_risk_fn)(void *ctx, const char *account, double risk, struct lf_err *err);

struct metric_ctx {
    const struct metric_def *def;
    struct store *st;     /* a read connection, in one snapshot */
    struct engine *e;     /* with NEEDS_ENGINE */
    int64_t ws;
    const struct tz *tz;
    int64_t now;          /* the clock, or the `now` parameter */
    bool now_given;       /* the `now` parameter was given */
    struct metric_cache *cache; /* with NEEDS_CACHE: the running system's, else NULL */
    /* The latest churn model's risk of every account paying at now (the model is core's, so
     * core supplies this; NULL when it does not): *version is the model's (0 when there is
     * none yet: fn is not called); model_only: only set *version. With NEEDS_ENGINE. */
    int (*churn_risks)(const struct metric_ctx *c, bool model_only, int64_t *version,
                       metric_risk_fn fn, void *fn_ctx, struct lf_err *err);
    void *core; /* what churn_risks needs (core's struct lf) */
    int64_t from, to;     /* LF_UNSET when not given: the compute function picks its default */
    int by[METRIC_BY_MAX];
    size_t by_nr;
    struct metric_filter where[METRIC_WHERE_MAX];
    size_t where_nr;
    struct param_value p[METRIC_PARAMS_MAX]; /* by index in def->own */
    /* accounts, loaded by metric_accounts() */
    struct metric_account *acc; /* by id */
    size_t acc_nr;
    char **kept;                /* strings the context owns */
    size_t kept_nr, kept_cap;
};

/* The metrics, in the order help lists them. */
extern const struct metric_def *const metric_defs[];
const struct metric_def *metric_find(const char *name);

/* The common parameter `name` when flags (COMMON_*) take it, else NULL. */
const struct lf_param_info *metric_common_param(const char *name, unsigned flags);
size_t metric_args_count(const struct lf_args *a);
void metric_args_get(const struct lf_args *a, size_t i, const char **name, const char **value);

/* Parses args into c (every one checked against def; err->field names the bad one). */
int metric_args(struct metric_ctx *c, const struct lf_args *args, struct lf_err *err);
/* The index of own parameter `name` in c->def (an internal error when missing). */
int metric_param(const struct metric_ctx *c, const char *name);

/* ---- helpers of the compute functions (groups.c) ---- */

/* Loads the workspace's accounts into c->acc (once). */
int metric_accounts(struct metric_ctx *c, struct lf_err *err);
const struct metric_account *metric_account(const struct metric_ctx *c, int64_t id);
/* The store id of the one account `where` names (account=ID), whose own rows are then all a
 * metric needs to read: 0 when it names none (every account), -1 when that account does not
 * exist (no id is -1: a read of its rows reads nothing). After metric_accounts(). */
int64_t metric_account_only(const struct metric_ctx *c);
/* Whether account a (NULL: a row without one) passes the account filters of `where`. */
bool metric_account_passes(const struct metric_ctx *c, const struct metric_account *a);
/* The value of an account dim for a (NULL: "(none)"). Borrowed. */
const char *metric_account_value(const struct metric_account *a, int dim);
/* The period dim of `by`, or -1. */
int metric_period_dim(const struct metric_ctx *c);
/* Adds the dimension columns (named after the dims, in the order given) to t. */
void metric_dim_columns(const struct metric_ctx *c, struct lf_table *t);
/* Adds the declared columns; returns the index of the first. */
size_t metric_columns(const struct metric_ctx *c, struct lf_table *t);
/* A row of t with its dimension columns set: labels[k] for by[k]. */
size_t metric_row(const struct metric_ctx *c, struct lf_table *t, const char *const *labels);

/* Periods of [from, to) cut by a period dim in the zone, each cut to the window. The caller
 * frees *out. Returns the number, or -1 (err) when there would be more than METRIC_PERIODS. */
#define METRIC_PERIODS 10000
struct metric_period {
    int64_t from, to, start; /* start: the whole period's start (its label) */
    char label[16];
};
int metric_periods(const struct metric_ctx *c, int dim, int64_t from, int64_t to,
                   struct metric_period **out, struct lf_err *err);
/* The window [from, to) of the store-based metrics: to = the parameter or now; from = the
 * parameter, or the start of the month 12 months before to's month, in the zone. */
void metric_default_window(struct metric_ctx *c, int64_t *from, int64_t *to);
/* The instant a DATE value (a UTC day start, as stored) starts in the zone. */
int64_t metric_local_date(const struct metric_ctx *c, int64_t date);

/* Keeps a copy of s for the life of the context. */
const char *metric_keep(struct metric_ctx *c, const char *s);
/* The same, one copy per distinct value of s (names: value → copy, the caller's), so that a pass
 * over a million rows reads a few strings rather than a million scattered copies. */
const char *metric_keep_name(struct metric_ctx *c, struct strmap *names, const char *s);
void metric_ctx_release(struct metric_ctx *c);

/* The compute functions of each family (experience.c, revenue.c, usage.c, retention.c,
 * health.c). */
extern const struct metric_def metric_nps, metric_csat, metric_ces;
extern const struct metric_def metric_churn, metric_mrr, metric_churn_reasons, metric_repeat,
    metric_acquisition, metric_clv;
extern const struct metric_def metric_dau, metric_wau, metric_mau, metric_stickiness,
    metric_portfolio, metric_adoption, metric_features, metric_seats, metric_recency, metric_ttv,
    metric_ttv_accounts;
extern const struct metric_def metric_cohorts, metric_survival, metric_survival_median;
/* the lifetime value models (clv_bgnbd.c, clv_sbg.c) */
extern const struct metric_def metric_clv_bgnbd, metric_clv_bgnbd_customers, metric_clv_sbg,
    metric_clv_sbg_customers, metric_survival_projected;
extern const struct metric_def metric_text_summary, metric_text_comments, metric_text_topics,
    metric_text_emotions;
extern const struct metric_def metric_health, metric_health_explain, metric_health_history,
    metric_scorecards, metric_health_backtest, metric_expansion, metric_health_measures;
extern const struct metric_def metric_book, metric_account_values, metric_feature_usage,
    metric_scores;
/* the churn model's (churn.c) */
extern const struct metric_def metric_churn_backtest, metric_churn_calibration;

#endif
