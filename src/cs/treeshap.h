/* treeshap.h - exact path-dependent TreeSHAP (Lundberg et al. 2020, Algorithm 2) of an ensemble
 * of binary trees, precomputed once per model so that explaining a row costs a walk per tree.
 *
 * A leaf's share of the Shapley values depends on the row only through which of its path's
 * conditions the row satisfies, so each leaf keeps a table of its contributions for every such
 * pattern (2^depth of them); a row evaluates each split once and adds the table rows its
 * patterns pick. The tables grow as 4^depth per tree: trees deeper than TREESHAP_MAX_DEPTH, or
 * tables past TREESHAP_MAX_BYTES in all, are refused and the caller explains another way.
 * Knows no library: gbm_xgb.c hands it the trees. */
#ifndef CS_TREESHAP_H
#define CS_TREESHAP_H

#include <stddef.h>

#include "landfall.h"

#define TREESHAP_MAX_DEPTH 6
#define TREESHAP_MAX_BYTES (256u << 20)

/* One node of a tree; a tree's nodes are an array whose element 0 is its root. */
struct treeshap_node {
    int left, right;  /* children's indexes in the tree's array; -1 for a leaf */
    int feature;      /* split: a row goes left when x[feature] < cond */
    float cond;       /* split: the threshold; leaf: the leaf's value (log-odds) */
    int default_left; /* split: a missing (NaN) x[feature] goes left */
    double cover;     /* the training rows' hessian sum that reached the node */
};

struct treeshap; /* opaque: the tables of one model */

/* Builds the tables of trees_nr trees over cols features: tree t is nodes[first[t]..first[t+1])
 * (first has trees_nr + 1 entries). base is the margin added to every row's bias column.
 * Returns 0 with *out set (the caller's: treeshap_free()), 1 with *out NULL when the trees are
 * too deep or the tables too big, -1 with err set (LF_EINVAL) when a tree is malformed (a child
 * out of range, a cycle, a feature outside 0..cols-1, a cover that is not positive). */
int treeshap_new(const struct treeshap_node *nodes, const size_t *first, size_t trees_nr,
                 size_t cols, double base, struct treeshap **out, struct lf_err *err);
void treeshap_free(struct treeshap *ts); /* NULL is a no-op */

/* Each of rows_nr rows' contributions (x: rows_nr × cols floats, NaN missing) into
 * out[rows_nr × (cols + 1)]: column j is feature j's, the last the bias (the trees' expected
 * value plus base); a row's sum is its margin. threads: 0 for all cores; a row's values do not
 * depend on the count. Safe to call from several threads on one model. */
void treeshap_contribs(const struct treeshap *ts, const float *x, size_t rows_nr, int threads,
                       float *out);

#endif
