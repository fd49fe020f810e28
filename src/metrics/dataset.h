/* dataset.h - the rows the store-based metrics read (MRR histories, orders, responses and the
 * touchpoints they rate, surveys), loaded once per computation, and the groups `by` splits them
 * into: one group per combination of the non-period dimensions' values (and per currency, for
 * money), each holding the rows that fall in it. */
#ifndef METRICS_DATASET_H
#define METRICS_DATASET_H

#include "base/buf.h"
#include "base/strmap.h"
#include "cs/cs.h"
#include "cx/cx.h"
#include "metrics.h"

enum { LOAD_MRR = 1, LOAD_ORDERS = 2, LOAD_RESPONSES = 4 };

/* An account's MRR history (dates as the instants their local days start). */
struct ds_account {
    const struct metric_account *a;
    struct mrr_change *changes; /* by date; reasons owned by the dataset's context */
    size_t changes_nr, changes_cap;
    int64_t first_order;
};

struct ds_response {
    int64_t ts;
    const struct metric_account *a; /* NULL without an account */
    const struct survey *survey;
    const struct ds_touchpoint *tp; /* NULL when it rates none */
    int score;
};

struct ds_touchpoint {
    int64_t id;
    const char *team, *kind, *channel;
};

struct dataset {
    struct metric_ctx *c;
    struct ds_account *acc; /* parallel to c->acc */
    struct order *orders;   /* by ts */
    size_t orders_nr, orders_cap;
    struct survey *surveys;
    size_t surveys_nr, surveys_cap;
    struct ds_touchpoint *tps; /* by id */
    size_t tps_nr, tps_cap;
    struct ds_response *resp;
    size_t resp_nr, resp_cap;
    /* responses served from what the running system keeps (dataset.c): its mutex, held until
     * dataset_release; surveys, tps and the responses' accounts are the kept ones */
    struct metric_cache *held;
    /* each touchpoint team, kind and channel kept once (name: the copy), so that grouping a
     * million responses reads a few strings, not a million scattered copies */
    struct strmap names;
};

/* Loads what `what` (LOAD_*) names; responses only those in [from, to) that `keep` accepts
 * (may be NULL) and that pass the filters. Responses alone (LOAD_RESPONSES) are read from what
 * the running system keeps (c->cache: every response of the workspace with its survey,
 * touchpoint and account, read again when the change log shows one of those changed), so the
 * survey metrics share one read of the store; LANDFALL_CX_CACHE=0 turns that off. */
int dataset_load(struct dataset *d, struct metric_ctx *c, unsigned what, int64_t from, int64_t to,
                 bool (*keep)(void *ctx, const struct survey *s), void *keep_ctx,
                 struct lf_err *err);
void dataset_release(struct dataset *d);
/* The answers kept with the kept responses d was served from (NULL: d read the store). */
struct metric_answers *dataset_answers(const struct dataset *d);

/* The value of a non-period dim for a response. Borrowed. */
const char *dataset_response_value(const struct ds_response *r, int dim);

/* ---- groups ---- */

struct timed_score {
    int64_t ts;
    struct cx_score s;
};

struct group {
    const char *labels[METRIC_BY_MAX]; /* by the dims of `by` (NULL in the period's slot) */
    const char *currency;              /* money metrics: the group's currency, else NULL */
    struct cs_account *acc;
    size_t acc_nr, acc_cap;
    struct timed_score *scores;        /* by time once sorted (groups_sort) */
    size_t scores_nr, scores_cap;
    struct order *orders;
    size_t orders_nr, orders_cap;
};

struct groups {
    struct strmap index; /* key → index into g */
    struct group *g;
    size_t nr, cap;
    struct buf key;
};

void groups_init(struct groups *gs);
void groups_release(struct groups *gs);
/* The group of these labels (one per `by` dim, the period's ignored) and currency, created
 * when new. */
struct group *groups_get(struct groups *gs, const struct metric_ctx *c, const char *const *labels,
                         const char *currency);
/* Sorts the groups by their labels, then currency, and each group's scores by time; no
 * groups_get afterwards. */
void groups_sort(struct groups *gs, const struct metric_ctx *c);

/* Walks the rows of a result: every (period, group) pair in the order `by` names them (the
 * period first when it is named first), calling fn, which adds the row. Without a period dim,
 * periods holds the one window. */
typedef void (*row_fn)(void *ctx, const struct metric_period *p, const struct group *g);
void groups_each(const struct metric_ctx *c, const struct metric_period *periods,
                 size_t periods_nr, const struct groups *gs, row_fn fn, void *ctx);
/* The scores of g in [from, to), copied into out (room for g->scores_nr); returns how many. */
size_t group_scores(const struct group *g, int64_t from, int64_t to, struct cx_score *out);
/* The labels of a (period, group) row in `by` order. */
void group_labels(const struct metric_ctx *c, const struct metric_period *p,
                  const struct group *g, const char *labels[METRIC_BY_MAX]);

#endif
