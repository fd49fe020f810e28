/* treeshap.c - the tables of cs/treeshap.h give TreeSHAP's exact values: on hand-made trees the
 * Shapley values computed from their definition, on trained models XGBoost's own pred_contribs
 * (gbm_contribs_ref), on any thread count the same bits. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "cs/gbm.h"
#include "cs/treeshap.h"

/* ---- hand-made trees against the definition ---- */

/* E[f(x) | x_S] as path-dependent TreeSHAP defines it (Lundberg et al. 2020, Algorithm 1): a
 * split on a feature of S follows x, any other split averages its children by cover. */
static double expect(const struct treeshap_node *n, int i, const float *x, unsigned s)
{
    if (n[i].left < 0)
        return n[i].cond;
    if (s >> n[i].feature & 1) {
        float v = x[n[i].feature];
        int left = isnan(v) ? n[i].default_left : v < n[i].cond;
        return expect(n, left ? n[i].left : n[i].right, x, s);
    }
    return (expect(n, n[i].left, x, s) * n[n[i].left].cover +
            expect(n, n[i].right, x, s) * n[n[i].right].cover) /
           n[i].cover;
}

/* φ_i = Σ_{S ⊆ F∖{i}} |S|!(M−|S|−1)!/M! (E[f | x_{S∪i}] − E[f | x_S]) over all cols features:
 * the Shapley values by their definition, 2^cols subsets each. */
static void shapley(const struct treeshap_node *n, int cols, const float *x, double *phi)
{
    double fact[16] = {1};
    for (int k = 1; k < 16; k++)
        fact[k] = fact[k - 1] * k;
    for (int i = 0; i < cols; i++) {
        phi[i] = 0;
        for (unsigned s = 0; s < 1u << cols; s++) {
            if (s >> i & 1)
                continue;
            int k = __builtin_popcount(s);
            double w = fact[k] * fact[cols - k - 1] / fact[cols];
            phi[i] += w * (expect(n, 0, x, s | 1u << i) - expect(n, 0, x, s));
        }
    }
    phi[cols] = expect(n, 0, x, 0);
}

/* Depth 4 over 3 features, feature 0 split three times on the left path (x0 < 5, then x0 < 2,
 * then x0 < 1) and feature 1 twice on the right, covers uneven, one default to the right. */
static const struct treeshap_node repeated[] = {
    /* 0 */ {1, 2, 0, 5.0f, 1, 100},
    /* 1 */ {3, 4, 0, 2.0f, 1, 60},
    /* 2 */ {5, 6, 1, 0.5f, 0, 40},
    /* 3 */ {7, 8, 0, 1.0f, 1, 25},
    /* 4 */ {9, 10, 2, 0.0f, 0, 35},
    /* 5 */ {11, 12, 1, -1.0f, 1, 30},
    /* 6 */ {-1, -1, 0, 0.9f, 0, 10},
    /* 7 */ {-1, -1, 0, -0.4f, 0, 5},
    /* 8 */ {-1, -1, 0, 0.3f, 0, 20},
    /* 9 */ {-1, -1, 0, -0.7f, 0, 15},
    /* 10 */ {-1, -1, 0, 1.1f, 0, 20},
    /* 11 */ {-1, -1, 0, 0.2f, 0, 12},
    /* 12 */ {-1, -1, 0, -0.25f, 0, 18},
};

/* Rows of every combination of each feature's sides of the hand-made tree's splits, and missing:
 * GRID rows of 3 features into x. */
enum { GRID = 5 * 4 * 3 };
static void grid(float *x)
{
    static const float v0[] = {0.5f, 1.5f, 3.0f, 7.0f, NAN};
    static const float v1[] = {-2.0f, 0.0f, 1.0f, NAN};
    static const float v2[] = {-1.0f, 1.0f, NAN};
    for (int a = 0, r = 0; a < 5; a++)
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 3; c++, r++) {
                x[r * 3] = v0[a];
                x[r * 3 + 1] = v1[b];
                x[r * 3 + 2] = v2[c];
            }
}

/* The grid against the definition. */
Test(treeshap, hand_made_tree_matches_the_definition)
{
    const size_t first[] = {0, sizeof(repeated) / sizeof(*repeated)};
    struct treeshap *ts;
    struct lf_err err = {0};
    const double base = -0.5;
    cr_assert_eq(treeshap_new(repeated, first, 1, 3, base, &ts, &err), 0, "%s", err.msg);
    float x[GRID * 3], out[GRID * 4];
    grid(x);
    size_t r;
    treeshap_contribs(ts, x, GRID, 1, out);
    for (r = 0; r < GRID; r++) {
        double phi[4];
        shapley(repeated, 3, x + r * 3, phi);
        phi[3] += base;
        for (int j = 0; j < 4; j++)
            cr_expect_float_eq(out[r * 4 + j], phi[j], 1e-6, "row %zu (%g %g %g) column %d: %g, %g",
                               r, x[r * 3], x[r * 3 + 1], x[r * 3 + 2], j, out[r * 4 + j], phi[j]);
    }
    treeshap_free(ts);
}

/* Random trees of depth 1..6 over 5 features (features repeating freely, a share of splits
 * sending missing values left) against the definition; one model of all of them is the sum. */
Test(treeshap, random_trees_match_the_definition)
{
    enum { COLS = 5, TREES = 12, ROWS = 40 };
    struct rng g;
    rng_seed(&g, 3);
    struct treeshap_node nodes[TREES * 127];
    size_t first[TREES + 1] = {0};
    for (int t = 0; t < TREES; t++) {
        struct treeshap_node *n = nodes + first[t];
        int depth = 1 + t % 6, nr = 1;
        n[0].cover = 1000;
        /* grow breadth first: node i's children are appended while its depth allows */
        int level_end = 1, level = 0;
        for (int i = 0; i < nr; i++) {
            if (i == level_end) {
                level++;
                level_end = nr;
            }
            bool split = level < depth && (level == 0 || rng_uniform(&g) < 0.8);
            if (!split) {
                n[i].left = n[i].right = -1;
                n[i].cond = (float)rng_normal(&g, 0, 1);
                continue;
            }
            n[i].left = nr;
            n[i].right = nr + 1;
            n[i].feature = (int)(rng_uniform(&g) * COLS);
            n[i].cond = (float)rng_normal(&g, 0, 1);
            n[i].default_left = rng_uniform(&g) < 0.5;
            double share = 0.1 + 0.8 * rng_uniform(&g);
            n[nr].cover = n[i].cover * share;
            n[nr + 1].cover = n[i].cover - n[nr].cover;
            nr += 2;
        }
        first[t + 1] = first[t] + (size_t)nr;
    }
    float x[ROWS * COLS], out[ROWS * (COLS + 1)];
    for (int i = 0; i < ROWS * COLS; i++)
        x[i] = rng_uniform(&g) < 0.1 ? NAN : (float)rng_normal(&g, 0, 1);
    struct treeshap *ts;
    struct lf_err err = {0};
    cr_assert_eq(treeshap_new(nodes, first, TREES, COLS, 0.25, &ts, &err), 0, "%s", err.msg);
    treeshap_contribs(ts, x, ROWS, 1, out);
    for (int r = 0; r < ROWS; r++) {
        double want[COLS + 1] = {0};
        want[COLS] = 0.25;
        for (int t = 0; t < TREES; t++) {
            double phi[COLS + 1];
            shapley(nodes + first[t], COLS, x + r * COLS, phi);
            for (int j = 0; j <= COLS; j++)
                want[j] += phi[j];
        }
        for (int j = 0; j <= COLS; j++)
            cr_expect_float_eq(out[r * (COLS + 1) + j], want[j], 1e-5, "row %d column %d: %g, %g",
                               r, j, out[r * (COLS + 1) + j], want[j]);
    }
    treeshap_free(ts);
}

/* The hand-made tree as an XGBoost 1.7 model (its JSON, base_score 0.3): XGBoost reads it the
 * way the definition above does (left when x < cond, missing to the default side, covers as
 * sum_hessian), and gbm's tables add base_score to the bias as XGBoost does, as a margin:
 * logit(0.3). */
static void xgb_json(const struct treeshap_node *n, size_t nr, struct buf *b)
{
    static const char *const arrays[] = {
        "left_children", "right_children", "parents",     "split_indices", "split_conditions",
        "default_left",  "split_type",     "sum_hessian", "base_weights",  "loss_changes"};
    buf_adds(b, "{\"version\":[1,7,4],\"learner\":{\"attributes\":{},\"feature_names\":[],"
                "\"feature_types\":[],\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{"
                "\"gbtree_model_param\":{\"num_parallel_tree\":\"1\",\"num_trees\":\"1\","
                "\"size_leaf_vector\":\"0\"},\"tree_info\":[0],\"trees\":[{\"id\":0,"
                "\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],"
                "\"categories_sizes\":[],");
    buf_addf(b,
             "\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"3\",\"num_nodes\":\"%zu\","
             "\"size_leaf_vector\":\"0\"}",
             nr);
    for (size_t a = 0; a < sizeof(arrays) / sizeof(*arrays); a++) {
        buf_addf(b, ",\"%s\":[", arrays[a]);
        for (size_t i = 0; i < nr; i++) {
            int parent = 2147483647;
            for (size_t j = 0; j < nr; j++)
                if (n[j].left == (int)i || n[j].right == (int)i)
                    parent = (int)j;
            const char *sep = i ? "," : "";
            bool leaf = n[i].left < 0;
            switch (a) {
            case 0:
                buf_addf(b, "%s%d", sep, n[i].left);
                break;
            case 1:
                buf_addf(b, "%s%d", sep, n[i].right);
                break;
            case 2:
                buf_addf(b, "%s%d", sep, parent);
                break;
            case 3:
                buf_addf(b, "%s%d", sep, leaf ? 0 : n[i].feature);
                break;
            case 4:
                buf_addf(b, "%s%.9e", sep, (double)n[i].cond);
                break;
            case 5:
                buf_addf(b, "%s%d", sep, leaf ? 0 : n[i].default_left);
                break;
            case 6:
                buf_addf(b, "%s0", sep);
                break;
            case 7:
                buf_addf(b, "%s%.9e", sep, n[i].cover);
                break;
            case 8:
                buf_addf(b, "%s%.9e", sep, leaf ? (double)n[i].cond : 0.0);
                break;
            default:
                buf_addf(b, "%s0.0e0", sep);
                break;
            }
        }
        buf_adds(b, "]");
    }
    buf_adds(b, "}]}},\"learner_model_param\":{\"base_score\":\"3E-1\",\"boost_from_average\":"
                "\"1\",\"num_class\":\"0\",\"num_feature\":\"3\",\"num_target\":\"1\"},"
                "\"objective\":{\"name\":\"binary:logistic\",\"reg_loss_param\":{"
                "\"scale_pos_weight\":\"1\"}}}}");
}

Test(treeshap, hand_made_tree_through_xgboost)
{
    struct buf b = BUF_INIT;
    struct gbm *m;
    struct lf_err err = {0};
    xgb_json(repeated, sizeof(repeated) / sizeof(*repeated), &b);
    cr_assert_eq(gbm_load(b.ptr, b.len, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs_tabled(m, &err), 1, "%s", err.msg);
    float x[GRID * 3], ours[GRID * 4], ref[GRID * 4];
    grid(x);
    size_t r;
    struct gbm_data d = {x, GRID, 3, NULL, NULL};
    cr_assert_eq(gbm_contribs(m, &d, 1, ours, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs_ref(m, &d, 1, ref, &err), 0, "%s", err.msg);
    for (r = 0; r < GRID; r++) {
        double phi[4];
        shapley(repeated, 3, x + r * 3, phi);
        phi[3] += log(0.3 / 0.7);
        for (int j = 0; j < 4; j++) {
            cr_expect_float_eq(ref[r * 4 + j], phi[j], 1e-6, "xgboost row %zu column %d: %g, %g", r,
                               j, ref[r * 4 + j], phi[j]);
            cr_expect_float_eq(ours[r * 4 + j], phi[j], 1e-6, "row %zu column %d: %g, %g", r, j,
                               ours[r * 4 + j], phi[j]);
        }
    }
    buf_release(&b);
    gbm_free(m);
}

/* Trees deeper than TREESHAP_MAX_DEPTH are refused (the caller explains another way); a
 * child outside the tree is an error. */
Test(treeshap, refusals)
{
    struct treeshap_node n[2 * (TREESHAP_MAX_DEPTH + 1) + 1];
    /* a chain: each split's left child a leaf, its right the next split */
    int nr = 0;
    for (int d = 0; d <= TREESHAP_MAX_DEPTH; d++, nr += 2) {
        n[nr] = (struct treeshap_node){nr + 1, nr + 2, 0, (float)d, 0, 100.0 - d};
        n[nr + 1] = (struct treeshap_node){-1, -1, 0, 1, 0, 1};
    }
    n[nr] = (struct treeshap_node){-1, -1, 0, 2, 0, 100.0 - TREESHAP_MAX_DEPTH - 1};
    size_t first[] = {0, (size_t)nr + 1};
    struct treeshap *ts = NULL;
    struct lf_err err = {0};
    cr_expect_eq(treeshap_new(n, first, 1, 1, 0, &ts, &err), 1);
    cr_expect_null(ts);
    n[0].left = 99;
    cr_expect_eq(treeshap_new(n, first, 1, 1, 0, &ts, &err), -1);
    cr_expect_str_eq(err.msg, "tree node 0 has a child outside 0..14");
    n[0].left = 1;
    n[0].feature = 3;
    cr_expect_eq(treeshap_new(n, first, 1, 1, 0, &ts, &err), -1);
    cr_expect_str_eq(err.msg, "tree node 0 splits on feature 3 of 1");
}

/* ---- trained models against XGBoost's pred_contribs ---- */

enum { COLS = 8, ROWS = 6000 };

/* As tests/unit/cs/gbm.c: log-odds −1 + 1.2 a + 0.8 b − 1.0 c + 0.6 (d > 0) + a bump in a
 * (|a| < 0.5, so trees split on a again below a split on a), e..h noise; c missing on 10 % of
 * rows and a on 5 %. */
static float *x, *y;

static void setup(void)
{
    struct rng g;
    rng_seed(&g, 42);
    x = malloc(ROWS * COLS * sizeof(*x));
    y = malloc(ROWS * sizeof(*y));
    for (size_t i = 0; i < ROWS; i++) {
        float *r = x + i * COLS;
        for (int j = 0; j < COLS; j++)
            r[j] = (float)rng_normal(&g, 0, 1);
        double a = r[0], c = r[2];
        double logit = -1 + 1.2 * a + 0.8 * r[1] - 1.0 * c + 0.6 * (r[3] > 0) + (fabs(a) < 0.5);
        if (rng_uniform(&g) < 0.1)
            r[2] = NAN;
        if (rng_uniform(&g) < 0.05)
            r[0] = NAN;
        y[i] = rng_uniform(&g) < 1 / (1 + exp(-logit));
    }
}

static void teardown(void)
{
    free(x);
    free(y);
}

TestSuite(treeshap_xgb, .init = setup, .fini = teardown);

static struct gbm *trained(int depth, int rounds, bool early)
{
    struct gbm_params p;
    struct gbm *m;
    struct gbm_fit fit;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.max_depth = depth;
    p.eta = 0.1;
    p.rounds = rounds;
    p.early_stop = 10;
    p.threads = 1;
    p.seed = (uint64_t)depth;
    struct gbm_data train = {x, 3000, COLS, y, NULL};
    struct gbm_data valid = {x + 3000 * COLS, 1500, COLS, y + 3000, NULL};
    cr_assert_eq(gbm_train(&p, &train, early ? &valid : NULL, &m, &fit, &err), 0, "%s", err.msg);
    if (early)
        cr_assert_lt(fit.rounds, fit.rounds_run, "depth %d did not stop early", depth);
    return m;
}

/* m's contributions for the last 1500 rows equal XGBoost's within 1e-5 of the row's scale
 * (1 + Σ|φ|: float sums over the trees in either), sum to XGBoost's margin, and are the same
 * bits on 1 and 2 threads. Returns whether the tables answered. */
static int check(struct gbm *m, const char *what)
{
    enum { N = 1500 };
    struct gbm_data d = {x + 4500 * COLS, N, COLS, NULL, NULL};
    float *ours = malloc(N * (COLS + 1) * sizeof(float));
    float *ref = malloc(N * (COLS + 1) * sizeof(float));
    float *two = malloc(N * (COLS + 1) * sizeof(float));
    float *p = malloc(N * sizeof(float));
    struct lf_err err = {0};
    int tabled = gbm_contribs_tabled(m, &err);
    cr_assert_geq(tabled, 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs(m, &d, 1, ours, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs(m, &d, 2, two, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs_ref(m, &d, 1, ref, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_predict(m, &d, p, &err), 0, "%s", err.msg);
    cr_expect_eq(memcmp(ours, two, N * (COLS + 1) * sizeof(float)), 0, "%s: 1 and 2 threads differ",
                 what);
    double worst = 0;
    for (size_t i = 0; i < N; i++) {
        const float *a = ours + i * (COLS + 1), *b = ref + i * (COLS + 1);
        double scale = 1, sum = 0, refsum = 0;
        for (int j = 0; j <= COLS; j++) {
            scale += fabs(b[j]);
            sum += a[j];
            refsum += b[j];
        }
        for (int j = 0; j <= COLS; j++) {
            double dev = fabs(a[j] - b[j]) / scale;
            worst = fmax(worst, dev);
            cr_expect_leq(dev, 1e-5, "%s row %zu column %d: %.7g, xgboost %.7g", what, i, j, a[j],
                          b[j]);
        }
        cr_expect_leq(fabs(sum - refsum) / scale, 1e-5, "%s row %zu: sum %.7g, xgboost %.7g", what,
                      i, sum, refsum);
        /* the margin again through the probability (float's sigmoid: 1e-4 near 0 and 1) */
        double logit = log(p[i] / (1 - p[i]));
        cr_expect_float_eq(sum, logit, 1e-4 * scale, "%s row %zu: sum %g, logit %g", what, i, sum,
                           logit);
    }
    cr_log_info("%s: tables %d, largest deviation from xgboost %.2e", what, tabled, worst);
    free(ours);
    free(ref);
    free(two);
    free(p);
    return tabled;
}

Test(treeshap_xgb, every_depth_matches_xgboost)
{
    char what[32];
    for (int depth = 1; depth <= 6; depth++) {
        struct gbm *m = trained(depth, 60, false);
        snprintf(what, sizeof(what), "depth %d", depth);
        cr_expect_eq(check(m, what), 1, "depth %d is not tabled", depth);
        gbm_free(m);
    }
    /* deeper trees than the tables cover: XGBoost's own values, the same */
    struct gbm *m = trained(TREESHAP_MAX_DEPTH + 1, 20, false);
    cr_expect_eq(check(m, "depth 7"), 0);
    gbm_free(m);
}

/* An early-stopped model keeps fewer trees than it trained: the tables hold those only. */
Test(treeshap_xgb, early_stopped_model_matches_xgboost)
{
    struct gbm *m = trained(4, 1000, true);
    cr_expect_eq(check(m, "early stopped"), 1);
    gbm_free(m);
}

/* A model loaded back from gbm_save's bytes builds its tables from the loaded trees. */
Test(treeshap_xgb, loaded_model_matches_xgboost)
{
    struct gbm *m = trained(3, 1000, true), *back;
    struct buf b = BUF_INIT;
    struct lf_err err = {0};
    cr_assert_eq(gbm_save(m, &b, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_load(b.ptr, b.len, &back, &err), 0, "%s", err.msg);
    /* a first call of a few rows (one account's explanation) is not worth building the tables
     * for: XGBoost answers it, to the bit */
    struct gbm_data few = {x, 10, COLS, NULL, NULL};
    float c[10 * (COLS + 1)], ref[10 * (COLS + 1)];
    cr_assert_eq(gbm_contribs(back, &few, 1, c, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_contribs_ref(back, &few, 1, ref, &err), 0, "%s", err.msg);
    cr_expect_eq(memcmp(c, ref, sizeof(c)), 0);
    cr_expect_eq(check(back, "loaded"), 1);
    /* once built, the tables answer few rows too */
    cr_assert_eq(gbm_contribs(back, &few, 1, c, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < 10 * (COLS + 1); i++)
        cr_expect_float_eq(c[i], ref[i], 1e-5, "value %zu: %g, xgboost %g", i, c[i], ref[i]);
    buf_release(&b);
    gbm_free(m);
    gbm_free(back);
}

/* Two threads explaining on one fresh model: the first to ask builds the tables, once, under the
 * model's lock; both get the values one thread gets alone. */
struct asker {
    struct gbm *m;
    float *out;
    int rc;
};

static void *ask(void *arg)
{
    struct asker *a = arg;
    struct gbm_data d = {x + 4500 * COLS, 1500, COLS, NULL, NULL};
    struct lf_err err = {0};
    a->rc = gbm_contribs(a->m, &d, 1, a->out, &err);
    return NULL;
}

Test(treeshap_xgb, threads_on_one_model_build_once)
{
    struct gbm *m = trained(3, 40, false), *back;
    struct buf b = BUF_INIT;
    struct lf_err err = {0};
    cr_assert_eq(gbm_save(m, &b, &err), 0, "%s", err.msg);
    cr_assert_eq(gbm_load(b.ptr, b.len, &back, &err), 0, "%s", err.msg);
    size_t len = 1500 * (COLS + 1);
    struct asker a[2] = {{back, malloc(len * sizeof(float)), -1},
                         {back, malloc(len * sizeof(float)), -1}};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, ask, &a[1]), 0);
    ask(&a[0]);
    pthread_join(t, NULL);
    cr_expect_eq(a[0].rc, 0);
    cr_expect_eq(a[1].rc, 0);
    float *alone = malloc(len * sizeof(float));
    struct asker one = {m, alone, -1};
    ask(&one);
    cr_expect_eq(memcmp(a[0].out, alone, len * sizeof(float)), 0);
    cr_expect_eq(memcmp(a[1].out, alone, len * sizeof(float)), 0);
    free(alone);
    free(a[0].out);
    free(a[1].out);
    buf_release(&b);
    gbm_free(m);
    gbm_free(back);
}
