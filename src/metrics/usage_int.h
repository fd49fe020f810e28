/* usage_int.h - what the engine-based metrics share: their account groupings. */
#ifndef METRICS_USAGE_INT_H
#define METRICS_USAGE_INT_H

#include "metrics.h"

struct usage_groups {
    struct metric_ctx *c;
    uint32_t *of;          /* by index in c->acc: the group, or ENGINE_NO_GROUP */
    char **labels;         /* the account dims' values joined by \x1f, or ext ids */
    int64_t *account_ids;  /* per group, for a grouping by account */
    size_t nr;
    bool with_unknown;     /* events without an account count (in group 0) */
    bool all;              /* neither `by` nor `where`: every account in group 0, and the
                            * accounts were not read */
    char key[64];          /* names the grouping (the same key: the same groups, labels and
                            * members) for the cache of answers (usage_cache.c) */
    /* a grouping recalled from the cache (usage_groups_recall): the accounts that have a group,
     * by id, and theirs (of is then NULL) */
    int64_t *ids;
    uint32_t *ids_group;
    size_t ids_nr;
    struct engine_custom_groups custom;
};

/* The grouping `by` and `where` ask for: per account (per_account), one group per combination
 * of the account dims' values, or one group "all". */
int usage_groups_make(struct usage_groups *u, struct metric_ctx *c, bool per_account,
                      struct lf_err *err);
void usage_groups_release(struct usage_groups *u);
/* ---- the answers kept between calls (usage_cache.c) ----
 * dau, wau, mau, stickiness, feature-usage and features keep their answers in the running
 * system's cache (metric_dau's, which the others share: c->cache), keyed by what they asked
 * (the grouping's key, the period, the days) and checked against the engine's changes since
 * (engine_changed), so that a kept answer is always the one the engine would compute now.
 * Without c->cache, or with LANDFALL_USAGE_CACHE=0 in the environment, they compute afresh.
 * Each returns 0, or -1 with err (the engine's). */

/* A grouping of `by` and `where` made from the accounts of a change-log position is kept (at
 * most GROUPINGS_KEPT, the least recently used out) while the change log holds no change of an
 * account since: usage_groups_recall fills u from it (true) when c's snapshot is at that
 * position or after it with no account changed between; usage_groups_remember keeps u, made
 * from c's snapshot. Reading 100 000 accounts is most of a filtered request's time. */
bool usage_groups_recall(struct usage_groups *u, struct metric_ctx *c);
void usage_groups_remember(const struct usage_groups *u, struct metric_ctx *c);

/* Activity per period of q's window (engine_activity's rows, labels u->labels): every period
 * of every group with an event, one group always. Periods are kept one by one: a request
 * computes only those the engine's changes touched (and a period the window cuts, unless the
 * kept one holds the same events). *rows is the caller's (free). */
int usage_activity(struct metric_ctx *c, const struct usage_groups *u,
                   const struct engine_query *q, int period, struct engine_activity_row **rows,
                   size_t *nr, struct lf_err *err);
/* engine_names over q's window; *out is the caller's (engine_names_free). */
int usage_names(struct metric_ctx *c, const struct usage_groups *u, const struct engine_query *q,
                struct engine_names *out, struct lf_err *err);
/* engine_curves at q->now; out->rows[i].feature are copies: usage_curves_free. */
int usage_curves(struct metric_ctx *c, const struct usage_groups *u, const struct engine_query *q,
                 const int *days, size_t days_nr, struct engine_curves *out, struct lf_err *err);
void usage_curves_free(struct engine_curves *out);

/* Splits a group label back into one value per `by` dim (pointing into buf). */
void usage_split_label(const struct metric_ctx *c, const char *label, char *buf, size_t size,
                       const char *out[METRIC_BY_MAX]);

#endif
