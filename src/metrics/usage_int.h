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
    struct engine_custom_groups custom;
};

/* The grouping `by` and `where` ask for: per account (per_account), one group per combination
 * of the account dims' values, or one group "all". */
int usage_groups_make(struct usage_groups *u, struct metric_ctx *c, bool per_account,
                      struct lf_err *err);
void usage_groups_release(struct usage_groups *u);
/* Splits a group label back into one value per `by` dim (pointing into buf). */
void usage_split_label(const struct metric_ctx *c, const char *label, char *buf, size_t size,
                       const char *out[METRIC_BY_MAX]);

#endif
