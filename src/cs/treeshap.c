/* treeshap.c - exact path-dependent TreeSHAP from tables built once per model (see treeshap.h). */
#include "treeshap.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"

/* A tree with at most this many splits is keyed by all its splits' outcomes at once: one table
 * row per tree and row instead of one per leaf (depth 3: 7 splits, 128 rows of at most 7
 * features; measured in docs/churn.md). */
#ifndef KEY_SPLITS
#define KEY_SPLITS 7
#endif

struct split {
    int feature;
    float cond;
    int default_left;
};

/* A leaf's path: edge e leaves split node[e] (the tree's numbering of splits) to the left when
 * left[e]; feat[u] are the path's distinct features, edges[u] the mask of the edges on feat[u].
 * Its table has 2^len rows of uniq floats, row m for the rows that satisfy exactly the edges
 * of m's bits. */
struct leaf {
    uint8_t len, uniq;
    uint8_t node[TREESHAP_MAX_DEPTH], left[TREESHAP_MAX_DEPTH];
    uint8_t edges[TREESHAP_MAX_DEPTH];
    int feat[TREESHAP_MAX_DEPTH];
    size_t table; /* offset in vals */
};

/* Either its leaves' tables (leaves_nr > 0), or one table keyed by its splits' outcomes: 2^splits
 * rows of uniq floats for the features feat[0..uniq). */
struct tree {
    size_t split0, splits_nr;
    size_t leaf0, leaves_nr;
    size_t table, uniq;
    int feat[KEY_SPLITS];
};

struct treeshap {
    size_t cols;
    double bias; /* base + every tree's expected value */
    struct tree *trees;
    size_t trees_nr;
    struct split *splits;
    struct leaf *leaves;
    float *vals;
};

void treeshap_free(struct treeshap *ts)
{
    if (!ts)
        return;
    free(ts->trees);
    free(ts->splits);
    free(ts->leaves);
    free(ts->vals);
    free(ts);
}

/* What walking one tree collects: its splits and leaves (appended to the growing arrays), the
 * edges of the current path, and the tree's expected value. */
struct walk {
    const struct treeshap_node *n;
    size_t nr, cols;
    struct split *splits;
    size_t splits_nr, splits_cap;
    struct leaf *leaves;
    size_t leaves_nr, leaves_cap;
    size_t vals_nr;  /* floats the leaves' tables will need */
    size_t split0;   /* this tree's first split */
    double expected; /* Σ leaf value × the share of the cover reaching it */
    int depth;       /* edges on the current path */
    uint8_t node[TREESHAP_MAX_DEPTH], left[TREESHAP_MAX_DEPTH];
    int feat[TREESHAP_MAX_DEPTH];
};

/* Walks node i: 0, 1 when the tree is too deep or has a cover we cannot divide by, -1 on a
 * malformed tree. */
static int walk(struct walk *w, int i, double share, struct lf_err *err)
{
    if (i < 0 || (size_t)i >= w->nr)
        return err_set(err, LF_EINVAL, "tree node %d is outside 0..%zu", i, w->nr - 1);
    const struct treeshap_node *n = &w->n[i];
    if (n->left < 0) {
        if (w->leaves_nr == w->leaves_cap) {
            w->leaves_cap = w->leaves_cap ? 2 * w->leaves_cap : 64;
            w->leaves = xrealloc(w->leaves, w->leaves_cap * sizeof(*w->leaves));
        }
        struct leaf *l = &w->leaves[w->leaves_nr++];
        memset(l, 0, sizeof(*l));
        l->len = (uint8_t)w->depth;
        for (int e = 0; e < w->depth; e++) {
            l->node[e] = w->node[e];
            l->left[e] = w->left[e];
            int u = 0;
            while (u < l->uniq && l->feat[u] != w->feat[e])
                u++;
            if (u == l->uniq)
                l->feat[l->uniq++] = w->feat[e];
            l->edges[u] |= (uint8_t)(1u << e);
        }
        l->table = w->vals_nr;
        w->vals_nr += ((size_t)1 << l->len) * l->uniq;
        w->expected += share * n->cond;
        return 0;
    }
    if (w->depth == TREESHAP_MAX_DEPTH)
        return 1;
    if (n->feature < 0 || (size_t)n->feature >= w->cols)
        return err_set(err, LF_EINVAL, "tree node %d splits on feature %d of %zu", i, n->feature,
                       w->cols);
    if (n->right < 0 || (size_t)n->left >= w->nr || (size_t)n->right >= w->nr)
        return err_set(err, LF_EINVAL, "tree node %d has a child outside 0..%zu", i, w->nr - 1);
    if (!(n->cover > 0) || !(w->n[n->left].cover >= 0) || !(w->n[n->right].cover >= 0))
        return 1;
    if (w->splits_nr == w->splits_cap) {
        w->splits_cap = w->splits_cap ? 2 * w->splits_cap : 64;
        w->splits = xrealloc(w->splits, w->splits_cap * sizeof(*w->splits));
    }
    size_t k = w->splits_nr++ - w->split0;
    w->splits[w->split0 + k] =
        (struct split){.feature = n->feature, .cond = n->cond, .default_left = !!n->default_left};
    int d = w->depth++;
    w->node[d] = (uint8_t)k;
    w->feat[d] = n->feature;
    int rc = 0;
    for (int side = 1; side >= 0 && rc == 0; side--) {
        int c = side ? n->left : n->right;
        w->left[d] = (uint8_t)side;
        rc = walk(w, c, share * (w->n[c].cover / n->cover), err);
    }
    w->depth--;
    return rc;
}

/* k! (m - k - 1)! / m!: the Shapley weight of a coalition of k of the m path features. */
static double shapley_weight(int k, int m)
{
    double w = 1.0 / m;
    for (int j = 1; j <= k; j++)
        w *= (double)j / (double)(m - j);
    return w;
}

/* Fills leaf l's table (value v, edge cover ratios `ratio`): for every pattern of satisfied
 * edges, each path feature i's share v (o_i − z_i) Σ_{S ⊆ P∖{i}} |S|!(M−|S|−1)!/M! Π_S o_j
 * Π_{P∖S∖{i}} z_j, where z_j is the product of j's edges' cover ratios and o_j is 1 when the row
 * satisfies all of j's edges (a feature repeated on the path is one player, as XGBoost merges
 * it in TreeShap's UnwindPath). The sum over S is read off the polynomial Π_{j≠i} (z_j + o_j t):
 * its coefficient of t^k sums the coalitions of size k. */
static void leaf_fill(const struct leaf *l, double v, const double *ratio, float *table)
{
    int m = l->uniq;
    double z[TREESHAP_MAX_DEPTH];
    for (int u = 0; u < m; u++) {
        z[u] = 1;
        for (int e = 0; e < l->len; e++)
            if (l->edges[u] >> e & 1)
                z[u] *= ratio[e];
    }
    for (unsigned pat = 0; pat < 1u << l->len; pat++) {
        float *row = table + (size_t)pat * (size_t)m;
        double o[TREESHAP_MAX_DEPTH];
        for (int u = 0; u < m; u++)
            o[u] = (pat & l->edges[u]) == l->edges[u];
        for (int i = 0; i < m; i++) {
            double poly[TREESHAP_MAX_DEPTH + 1] = {1};
            int deg = 0;
            for (int j = 0; j < m; j++) {
                if (j == i)
                    continue;
                deg++;
                for (int k = deg; k >= 0; k--)
                    poly[k] = poly[k] * z[j] + (k > 0 ? poly[k - 1] * o[j] : 0);
            }
            double s = 0;
            for (int k = 0; k <= deg; k++)
                s += poly[k] * shapley_weight(k, m);
            row[i] = (float)(v * (o[i] - z[i]) * s);
        }
    }
}

/* Which pattern of leaf l's edges a row with split outcomes `left` (bit k: went left at split k)
 * satisfies. */
static inline unsigned pattern(const struct leaf *l, uint64_t left)
{
    unsigned pat = 0;
    for (int e = 0; e < l->len; e++)
        pat |= (unsigned)((left >> l->node[e] ^ l->left[e] ^ 1) & 1) << e;
    return pat;
}

/* Replaces tree t's leaf tables by one keyed by all its splits' outcomes (t has at most
 * KEY_SPLITS splits): row `left` sums the rows each leaf's pattern picks. */
static void tree_key(struct treeshap *ts, struct tree *t, float *keyed)
{
    t->uniq = 0;
    for (size_t k = 0; k < t->splits_nr; k++) {
        int f = ts->splits[t->split0 + k].feature;
        size_t u = 0;
        while (u < t->uniq && t->feat[u] != f)
            u++;
        if (u == t->uniq)
            t->feat[t->uniq++] = f;
    }
    for (uint64_t left = 0; left < (uint64_t)1 << t->splits_nr; left++) {
        double sum[KEY_SPLITS] = {0};
        for (size_t li = 0; li < t->leaves_nr; li++) {
            const struct leaf *l = &ts->leaves[t->leaf0 + li];
            const float *row = ts->vals + l->table + (size_t)pattern(l, left) * l->uniq;
            for (int u = 0; u < l->uniq; u++) {
                size_t tu = 0;
                while (t->feat[tu] != l->feat[u])
                    tu++;
                sum[tu] += row[u];
            }
        }
        for (size_t u = 0; u < t->uniq; u++)
            keyed[left * t->uniq + u] = (float)sum[u];
    }
}

int treeshap_new(const struct treeshap_node *nodes, const size_t *first, size_t trees_nr,
                 size_t cols, double base, struct treeshap **out, struct lf_err *err)
{
    struct walk w = {.cols = cols};
    struct treeshap *ts = xcalloc(1, sizeof(*ts));
    int rc = -1;
    *out = NULL;
    ts->cols = cols;
    ts->bias = base;
    ts->trees = xcalloc(trees_nr ? trees_nr : 1, sizeof(*ts->trees));
    ts->trees_nr = trees_nr;
    for (size_t t = 0; t < trees_nr; t++) {
        struct tree *tr = &ts->trees[t];
        if (first[t + 1] <= first[t]) {
            err_set(err, LF_EINVAL, "tree %zu has no nodes", t);
            goto out;
        }
        w.n = nodes + first[t];
        w.nr = first[t + 1] - first[t];
        w.split0 = w.splits_nr;
        w.expected = 0;
        tr->split0 = w.splits_nr;
        tr->leaf0 = w.leaves_nr;
        int r = walk(&w, 0, 1, err);
        if (r != 0) {
            rc = r;
            goto out;
        }
        tr->splits_nr = w.splits_nr - tr->split0;
        tr->leaves_nr = w.leaves_nr - tr->leaf0;
        ts->bias += w.expected;
        if (w.vals_nr * sizeof(float) > TREESHAP_MAX_BYTES) {
            rc = 1;
            goto out;
        }
    }
    ts->splits = w.splits;
    ts->leaves = w.leaves;
    w.splits = NULL;
    w.leaves = NULL;
    ts->vals = xmalloc((w.vals_nr ? w.vals_nr : 1) * sizeof(float));
    /* each leaf's table, from its path's cover ratios: its edges lead from the root to it */
    for (size_t t = 0; t < trees_nr; t++) {
        const struct treeshap_node *tn = nodes + first[t];
        const struct tree *tr = &ts->trees[t];
        for (size_t li = 0; li < tr->leaves_nr; li++) {
            const struct leaf *l = &ts->leaves[tr->leaf0 + li];
            double ratio[TREESHAP_MAX_DEPTH];
            int i = 0;
            for (int e = 0; e < l->len; e++) {
                int c = l->left[e] ? tn[i].left : tn[i].right;
                ratio[e] = tn[c].cover / tn[i].cover;
                i = c;
            }
            leaf_fill(l, tn[i].cond, ratio, ts->vals + l->table);
        }
    }
    /* small trees: one table per tree keyed by every split's outcome */
    size_t keyed_nr = 0;
    for (size_t t = 0; t < trees_nr; t++)
        if (ts->trees[t].splits_nr <= KEY_SPLITS)
            keyed_nr += ((size_t)1 << ts->trees[t].splits_nr) * ts->trees[t].splits_nr;
    if (keyed_nr > 0 && (w.vals_nr + keyed_nr) * sizeof(float) <= TREESHAP_MAX_BYTES) {
        float *keyed = xmalloc(keyed_nr * sizeof(float));
        size_t at = 0;
        for (size_t t = 0; t < trees_nr; t++) {
            struct tree *tr = &ts->trees[t];
            if (tr->splits_nr > KEY_SPLITS)
                continue;
            tree_key(ts, tr, keyed + at);
            tr->table = w.vals_nr + at;
            at += ((size_t)1 << tr->splits_nr) * tr->uniq;
            tr->leaves_nr = 0;
        }
        ts->vals = xrealloc(ts->vals, (w.vals_nr + at + 1) * sizeof(float));
        memcpy(ts->vals + w.vals_nr, keyed, at * sizeof(float));
        free(keyed);
    }
    *out = ts;
    ts = NULL;
    rc = 0;
out:
    free(w.splits);
    free(w.leaves);
    treeshap_free(ts);
    return rc;
}

/* Rows explained together, tree by tree: a tree's tables stay in the cache for all of them,
 * and their additions do not wait on one another as one row's into the same feature do. */
enum { BLOCK = 32 };

/* Adds the contributions of rows x[0..nr) (nr <= BLOCK) into acc[nr × (cols + 1)]. Each row's
 * sums run over the trees in order, whatever the block: the same row gives the same bits. */
static void block_add(const struct treeshap *ts, const float *x, size_t nr, double *acc)
{
    size_t cols = ts->cols;
    uint64_t left[BLOCK];
    for (size_t t = 0; t < ts->trees_nr; t++) {
        const struct tree *tr = &ts->trees[t];
        const struct split *s = ts->splits + tr->split0;
        for (size_t r = 0; r < nr; r++) {
            const float *xr = x + r * cols;
            uint64_t bits = 0;
            for (size_t k = 0; k < tr->splits_nr; k++) {
                float v = xr[s[k].feature];
                /* as XGBoost: missing takes the default side, else left when x < cond (false
                 * for NaN); without a branch, which missing values would mispredict */
                uint64_t l = (uint64_t)(v < s[k].cond) | ((uint64_t)(v != v) & s[k].default_left);
                bits |= l << k;
            }
            left[r] = bits;
        }
        if (tr->leaves_nr == 0) {
            for (size_t r = 0; r < nr; r++) {
                const float *row = ts->vals + tr->table + left[r] * tr->uniq;
                double *a = acc + r * (cols + 1);
                for (size_t u = 0; u < tr->uniq; u++)
                    a[tr->feat[u]] += row[u];
            }
            continue;
        }
        for (size_t r = 0; r < nr; r++) {
            double *a = acc + r * (cols + 1);
            for (size_t li = 0; li < tr->leaves_nr; li++) {
                const struct leaf *l = &ts->leaves[tr->leaf0 + li];
                const float *row = ts->vals + l->table + (size_t)pattern(l, left[r]) * l->uniq;
                for (int u = 0; u < l->uniq; u++)
                    a[l->feat[u]] += row[u];
            }
        }
    }
}

struct chunk {
    const struct treeshap *ts;
    const float *x;
    size_t from, to;
    float *out;
};

static void *chunk_run(void *arg)
{
    const struct chunk *c = arg;
    size_t cols = c->ts->cols;
    double *acc = xmalloc(BLOCK * (cols + 1) * sizeof(*acc));
    for (size_t r0 = c->from; r0 < c->to; r0 += BLOCK) {
        size_t nr = c->to - r0 < BLOCK ? c->to - r0 : BLOCK;
        memset(acc, 0, nr * (cols + 1) * sizeof(*acc));
        for (size_t r = 0; r < nr; r++)
            acc[r * (cols + 1) + cols] = c->ts->bias;
        block_add(c->ts, c->x + r0 * cols, nr, acc);
        float *o = c->out + r0 * (cols + 1);
        for (size_t j = 0; j < nr * (cols + 1); j++)
            o[j] = (float)acc[j];
    }
    free(acc);
    return NULL;
}

/* Rows per thread below which a thread costs more than it saves. */
#define ROWS_PER_THREAD 512

void treeshap_contribs(const struct treeshap *ts, const float *x, size_t rows_nr, int threads,
                       float *out)
{
    enum { MAX_THREADS = 64 };
    size_t n = threads > 0 ? (size_t)threads : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if (n > rows_nr / ROWS_PER_THREAD)
        n = rows_nr / ROWS_PER_THREAD;
    if (n < 1)
        n = 1;
    struct chunk c[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    size_t started = 0;
    for (size_t i = 0; i < n; i++)
        c[i] = (struct chunk){ts, x, rows_nr * i / n, rows_nr * (i + 1) / n, out};
    /* the calling thread takes the first chunk; one that cannot start a thread runs its own */
    for (size_t i = 1; i < n; i++) {
        if (pthread_create(&tid[i], NULL, chunk_run, &c[i]) != 0)
            break;
        started = i;
    }
    chunk_run(&c[0]);
    for (size_t i = started + 1; i < n; i++)
        chunk_run(&c[i]);
    for (size_t i = 1; i <= started; i++)
        pthread_join(tid[i], NULL);
}
