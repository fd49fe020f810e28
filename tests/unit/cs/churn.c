/* churn.c - the churn model's matrix, splits and training: a time split leaks nothing of the
 * future into training (counted by hand and checked row by row), a random split keeps an
 * entity's rows together, training refuses too few churners, a model trained on a panel with a
 * known signal ranks the later snapshots nearly as well as the true probabilities, and a CSV
 * is encoded as documented. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rand.h"
#include "cs/churn.h"

#define DAY 86400000LL
#define T0 1704067200000LL /* 2024-01-01 */

/* A panel of `entities` × `dates` snapshots 30 days apart; the last `unknown` dates have no
 * label yet. Features: usage (falling usage means risk), nps, and noise; the label is drawn
 * from the true probability p = logistic(−2 − 1.5 usage + 0.8 (nps < 0)), kept in *truth. */
static void panel(struct churn_matrix *m, size_t entities, size_t dates, size_t unknown,
                  uint64_t seed, float *truth)
{
    static const char *const names[] = {"usage_change", "nps", "noise"};
    struct rng g;
    rng_seed(&g, seed);
    churn_matrix_init(m, 3, names);
    for (size_t d = 0; d < dates; d++)
        for (size_t e = 0; e < entities; e++) {
            float usage = (float)rng_normal(&g, 0, 1), nps = (float)rng_normal(&g, 0, 1);
            double p = 1 / (1 + exp(2 + 1.5 * usage - 0.8 * (nps < 0)));
            float label = d + unknown >= dates ? NAN : rng_uniform(&g) < p;
            size_t r = churn_matrix_add(m, (int64_t)e, T0 + (int64_t)d * 30 * DAY, label);
            float *x = churn_matrix_row(m, r);
            x[0] = usage;
            x[1] = rng_uniform(&g) < 0.2 ? NAN : nps; /* not every account answers */
            x[2] = (float)rng_normal(&g, 0, 1);
            if (truth)
                truth[r] = (float)p;
        }
}

/* 200 entities × 24 dates 30 days apart, the last 3 unlabelled: 21 labelled dates of 200 rows
 * (4200). Test takes the latest dates until ≥ 20 % (840 rows): 5 dates, d16..d20. Validation
 * walks back from d15 counting the rows whose 90-day horizon ends by d16 (i + 3 ≤ 16): d15 and
 * d14 do not count, d13..d9 do (1000 ≥ 840), so valid_from = d9, valid = d9..d13 (1000 rows).
 * Training keeps d0..d6 (i + 3 ≤ 9: 1400 rows). Purged: d7, d8, d14, d15 (800 rows). */
Test(churn, time_split_counted_by_hand)
{
    struct churn_matrix m;
    struct churn_split s;
    struct lf_err err = {0};
    panel(&m, 200, 24, 3, 1, NULL);
    cr_assert_eq(churn_split_time(&m, 90 * DAY, 0.2, 0.2, &s, &err), 0, "%s", err.msg);
    cr_expect_eq(s.test_from, T0 + 16 * 30 * DAY);
    cr_expect_eq(s.valid_from, T0 + 9 * 30 * DAY);
    cr_expect_eq(s.test_nr, 1000);
    cr_expect_eq(s.valid_nr, 1000);
    cr_expect_eq(s.train_nr, 1400);
    cr_expect_eq(s.purged, 800);
    cr_expect_eq(s.unlabelled, 600);
    churn_split_release(&s);
    churn_matrix_release(&m);
}

/* No leakage, row by row, over horizons and shares: every training row's label was known
 * (date + horizon) by the first validation date, every validation row's by the first test date;
 * for every entity its training snapshots all precede its validation and test snapshots; the
 * sets are disjoint and with the purged and unlabelled rows make up the matrix. */
Test(churn, time_split_leaks_nothing)
{
    struct churn_matrix m;
    panel(&m, 50, 30, 2, 2, NULL);
    int64_t horizons[] = {0, 30 * DAY, 90 * DAY, 100 * DAY};
    double shares[] = {0.1, 0.2, 0.25};
    for (size_t h = 0; h < 4; h++)
        for (size_t k = 0; k < 3; k++) {
            struct churn_split s;
            struct lf_err err = {0};
            cr_assert_eq(churn_split_time(&m, horizons[h], shares[k], shares[k], &s, &err), 0,
                         "%s", err.msg);
            unsigned char *seen = calloc(m.rows_nr, 1);
            int64_t last_train[50], first_later[50];
            for (int e = 0; e < 50; e++)
                last_train[e] = INT64_MIN, first_later[e] = INT64_MAX;
            for (size_t i = 0; i < s.train_nr; i++) {
                size_t r = s.train[i];
                cr_assert(!seen[r]++);
                cr_assert_leq(m.date[r] + horizons[h], s.valid_from);
                cr_assert(!isnan(m.label[r]));
                if (m.date[r] > last_train[m.entity[r]])
                    last_train[m.entity[r]] = m.date[r];
            }
            for (size_t i = 0; i < s.valid_nr; i++) {
                size_t r = s.valid[i];
                cr_assert(!seen[r]++);
                cr_assert_geq(m.date[r], s.valid_from);
                cr_assert_leq(m.date[r] + horizons[h], s.test_from);
                if (m.date[r] < first_later[m.entity[r]])
                    first_later[m.entity[r]] = m.date[r];
            }
            for (size_t i = 0; i < s.test_nr; i++) {
                size_t r = s.test[i];
                cr_assert(!seen[r]++);
                cr_assert_geq(m.date[r], s.test_from);
                cr_assert(!isnan(m.label[r]));
                if (m.date[r] < first_later[m.entity[r]])
                    first_later[m.entity[r]] = m.date[r];
            }
            for (int e = 0; e < 50; e++)
                cr_assert_lt(last_train[e], first_later[e], "entity %d", e);
            size_t unseen = 0;
            for (size_t r = 0; r < m.rows_nr; r++)
                unseen += !seen[r];
            cr_expect_eq(unseen, s.purged + s.unlabelled);
            cr_expect_eq(s.unlabelled, 100);
            /* a longer horizon purges more: with none, nothing is purged */
            if (horizons[h] == 0)
                cr_expect_eq(s.purged, 0);
            free(seen);
            churn_split_release(&s);
        }
    churn_matrix_release(&m);
}

Test(churn, time_split_refusals)
{
    struct churn_matrix m;
    struct churn_split s;
    struct lf_err err = {0};
    panel(&m, 10, 4, 2, 3, NULL);
    cr_expect_eq(churn_split_time(&m, 0, 0.2, 0.2, &s, &err), -1);
    cr_expect_str_eq(err.msg,
                     "a split by time needs labelled rows of at least 3 snapshot dates, not 2");
    churn_matrix_release(&m);
    panel(&m, 10, 12, 0, 3, NULL);
    /* a 200-day horizon over 12 dates 30 days apart leaves nothing to train on */
    cr_expect_eq(churn_split_time(&m, 200 * DAY, 0.2, 0.2, &s, &err), -1);
    cr_expect(strstr(err.msg, "the split leaves no training rows"), "%s", err.msg);
    cr_expect_eq(churn_split_time(&m, 0, 0.5, 0.5, &s, &err), -1);
    cr_expect(strstr(err.msg, "leave rows to train on"), "%s", err.msg);
    churn_matrix_release(&m);
}

/* Random split by entity: 300 entities of 3 rows; 30 % (90 entities, 270 rows) to test, 20 % of
 * the other 210 (42, 126 rows) to validation, 168 (504 rows) to training. All of an entity's rows
 * in one set; the same seed the same sets whatever the order of the rows. */
Test(churn, random_split_keeps_entities_whole)
{
    struct churn_matrix m, shuffled;
    static const char *const names[] = {"x"};
    churn_matrix_init(&m, 1, names);
    churn_matrix_init(&shuffled, 1, names);
    for (int r = 0; r < 900; r++)
        churn_matrix_add(&m, r % 300, 0, (float)(r % 2));
    for (int r = 899; r >= 0; r--)
        churn_matrix_add(&shuffled, r % 300, 0, (float)(r % 2));
    struct churn_split s, t, u;
    struct lf_err err = {0};
    cr_assert_eq(churn_split_random(&m, 5, 0.2, 0.3, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(churn_split_random(&shuffled, 5, 0.2, 0.3, &t, &err), 0, "%s", err.msg);
    cr_assert_eq(churn_split_random(&m, 6, 0.2, 0.3, &u, &err), 0, "%s", err.msg);
    cr_expect_eq(s.test_nr, 270);
    cr_expect_eq(s.valid_nr, 126);
    cr_expect_eq(s.train_nr, 504);
    int set_s[300], set_t[300], set_u[300];
    for (int e = 0; e < 300; e++)
        set_s[e] = set_t[e] = set_u[e] = -1;
    const struct churn_split *sp[] = {&s, &t, &u};
    const struct churn_matrix *mp[] = {&m, &shuffled, &m};
    int *sets[] = {set_s, set_t, set_u};
    for (int k = 0; k < 3; k++) {
        const size_t *rows[] = {sp[k]->train, sp[k]->valid, sp[k]->test};
        size_t nr[] = {sp[k]->train_nr, sp[k]->valid_nr, sp[k]->test_nr};
        for (int which = 0; which < 3; which++)
            for (size_t i = 0; i < nr[which]; i++) {
                int64_t e = mp[k]->entity[rows[which][i]];
                cr_assert(sets[k][e] == -1 || sets[k][e] == which, "entity %lld split",
                          (long long)e);
                sets[k][e] = which;
            }
    }
    cr_expect_eq(memcmp(set_s, set_t, sizeof(set_s)), 0, "the rows' order changed the split");
    cr_expect_neq(memcmp(set_s, set_u, sizeof(set_s)), 0, "seeds 5 and 6 gave one split");
    churn_split_release(&s);
    churn_split_release(&t);
    churn_split_release(&u);
    churn_matrix_release(&m);
    churn_matrix_release(&shuffled);
}

/* Training needs churners: a training set with 3 of them is refused when 10 are asked for. */
Test(churn, too_few_churners)
{
    struct churn_matrix m;
    static const char *const names[] = {"x"};
    churn_matrix_init(&m, 1, names);
    for (int r = 0; r < 300; r++) {
        size_t i = churn_matrix_add(&m, r, 0, r % 100 == 0);
        churn_matrix_row(&m, i)[0] = (float)r;
    }
    struct churn_split s;
    struct churn_model cm;
    struct gbm_params p;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.threads = 1;
    cr_assert_eq(churn_split_random(&m, 1, 0.2, 0.3, &s, &err), 0);
    cr_expect_eq(churn_train(&m, &s, &p, true, 10, &cm, &err), -1);
    cr_expect(strstr(err.msg, "too few churners to train on"), "%s", err.msg);
    cr_expect_null(cm.gbm);
    churn_split_release(&s);
    churn_matrix_release(&m);
}

/* On the panel (24 dates, 400 entities, horizon 90 days), trained on the early snapshots and
 * tested on the late ones: the test AUC comes within 0.03 of the AUC of the true probabilities
 * (no model ranks better in expectation), and the unlabelled last snapshots are scored, their
 * risk from the contributions the probability gbm_predict gives. */
Test(churn, trains_on_the_past_and_ranks_the_future)
{
    struct churn_matrix m;
    float *truth = malloc(400 * 24 * sizeof(float));
    panel(&m, 400, 24, 3, 4, truth);
    struct churn_split s;
    struct churn_model cm;
    struct gbm_params p;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.threads = 1;
    p.seed = 4;
    cr_assert_eq(churn_split_time(&m, 90 * DAY, 0.2, 0.2, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(churn_train(&m, &s, &p, true, 10, &cm, &err), 0, "%s", err.msg);
    float *tt = malloc(s.test_nr * sizeof(float)), *ty = malloc(s.test_nr * sizeof(float));
    for (size_t i = 0; i < s.test_nr; i++)
        tt[i] = truth[s.test[i]], ty[i] = m.label[s.test[i]];
    double bayes = eval_roc_auc(tt, ty, s.test_nr);
    cr_log_info("test AUC %.4f (Bayes %.4f), %d trees, PR-AUC %.4f, Brier %.4f", cm.test.auc,
                bayes, cm.fit.rounds, cm.test.average_precision, cm.test.brier);
    cr_expect_gt(cm.test.auc, bayes - 0.03, "AUC %.4f, Bayes %.4f", cm.test.auc, bayes);
    cr_expect_eq(cm.test.n, s.test_nr);
    cr_expect(cm.refit);
    cr_expect_eq(cm.train_nr, s.train_nr);

    /* the unlabelled rows (the last 3 dates): scored, with drivers */
    size_t nr = 0, *rows = malloc(m.rows_nr * sizeof(size_t));
    for (size_t r = 0; r < m.rows_nr; r++)
        if (isnan(m.label[r]))
            rows[nr++] = r;
    cr_assert_eq(nr, 1200);
    float *risk = malloc(nr * sizeof(float)), *c = malloc(nr * 4 * sizeof(float));
    float *pred = malloc(nr * sizeof(float));
    cr_assert_eq(churn_score(cm.gbm, &m, rows, nr, 1, risk, c, &err), 0, "%s", err.msg);
    cr_assert_eq(churn_score(cm.gbm, &m, rows, nr, 1, pred, NULL, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < nr; i++)
        cr_assert_float_eq(risk[i], pred[i], 1e-5, "row %zu", i);
    /* falling usage is the strongest driver of the riskiest row */
    size_t top = 0;
    for (size_t i = 1; i < nr; i++)
        if (risk[i] > risk[top])
            top = i;
    size_t first;
    cr_assert_eq(drivers_top(c + top * 4, 3, 1, &first), 1);
    cr_expect_eq(first, 0, "the riskiest row's first driver is %s", m.names[first]);
    free(rows);
    free(risk);
    free(c);
    free(pred);
    free(tt);
    free(ty);
    free(truth);
    churn_model_release(&cm);
    churn_split_release(&s);
    churn_matrix_release(&m);
}

/* Writes text to a temporary CSV file; its path into path[64]. */
static void write_csv(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/landfall-churn-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* The encoding, by hand: `seats` and `nps` are numbers (blank and NA missing); `plan` is a
 * category of 3 values in byte order (Pro < basic < pro: capitals sort first), one feature each;
 * `id`, `date` and the label are no features. 5 features. */
Test(churn, csv_encoding)
{
    char path[64];
    write_csv(path, "id,plan,seats,nps,date,churned\n"
                    "a, pro ,10,9,2024-01-01,yes\n"
                    "b,basic,,3,2024-01-01,No\n"
                    "a,Pro,5,NA,2024-02-01,\n"
                    "c,,7,-1.5,2024-02-01,1\n");
    struct churn_matrix m;
    struct churn_csv_opts o = {.label = "churned", .id = "id", .date = "date"};
    struct lf_err err = {0};
    cr_assert_eq(churn_matrix_from_csv(path, &o, &m, &err), 0, "%s", err.msg);
    unlink(path);
    const char *names[] = {"plan=Pro", "plan=basic", "plan=pro", "seats", "nps"};
    cr_assert_eq(m.cols_nr, 5);
    for (size_t c = 0; c < 5; c++)
        cr_expect_str_eq(m.names[c], names[c]);
    cr_assert_eq(m.rows_nr, 4);
    float want[4][5] = {{0, 0, 1, 10, 9},
                        {0, 1, 0, NAN, 3},
                        {1, 0, 0, 5, NAN},
                        {NAN, NAN, NAN, 7, -1.5f}};
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 5; c++) {
            float got = churn_matrix_row(&m, r)[c];
            cr_expect(isnan(want[r][c]) ? isnan(got) : got == want[r][c], "row %zu %s: %g", r,
                      names[c], (double)got);
        }
    cr_expect_eq(m.label[0], 1);
    cr_expect_eq(m.label[1], 0);
    cr_expect(isnan(m.label[2]));
    cr_expect_eq(m.label[3], 1);
    /* entities by id: a, b, a, c */
    cr_expect_eq(m.entity[0], m.entity[2]);
    cr_expect_neq(m.entity[0], m.entity[1]);
    cr_assert_eq(m.keys_nr, 3);
    cr_expect_str_eq(m.keys[m.entity[3]], "c");
    cr_expect_eq(m.date[0], T0);
    cr_expect_eq(m.date[2], T0 + 31 * DAY);
    /* a one-hot feature reads as a sentence */
    struct driver_text t;
    struct buf b = BUF_INIT;
    driver_describe(churn_matrix_text(&m, 1, &t), m.names[1], 1, &b);
    cr_expect_str_eq(buf_str(&b), "plan is basic");
    buf_reset(&b);
    driver_describe(churn_matrix_text(&m, 1, &t), m.names[1], NAN, &b);
    cr_expect_str_eq(buf_str(&b), "plan unknown");
    buf_reset(&b);
    driver_describe(churn_matrix_text(&m, 3, &t), m.names[3], 10, &b);
    cr_expect_str_eq(buf_str(&b), "seats = 10");
    buf_release(&b);
    churn_matrix_release(&m);
}

static void expect_refusal(const char *csv, const struct churn_csv_opts *o, const char *want)
{
    char path[64];
    struct churn_matrix m;
    struct lf_err err = {0};
    write_csv(path, csv);
    cr_expect_eq(churn_matrix_from_csv(path, o, &m, &err), -1);
    unlink(path);
    char expected[512];
    snprintf(expected, sizeof(expected), want, path);
    cr_expect_str_eq(err.msg, expected);
}

Test(churn, csv_refusals)
{
    struct churn_csv_opts o = {.label = "churned"};
    expect_refusal("x,y\n1,2\n", &o, "'%s' has no label column 'churned'");
    expect_refusal("x,churned\n1,maybe\n", &o,
                   "'%s' line 2: label 'maybe' is not 1/0, yes/no or true/false");
    expect_refusal("x,churned,x\n1,0,2\n", &o, "'%s': column 'x' appears twice in the header");
    expect_refusal("x,churned\n1,0\n2\n", &o, "'%s' line 3: 1 fields, the header has 2");
    struct churn_csv_opts few = {.label = "churned", .max_levels = 2};
    expect_refusal("who,churned\nann,0\nbob,1\ncat,0\n", &few,
                   "'%s': column 'who' has more than 2 different values, too many for a "
                   "category (an id? name it with --id)");
    struct churn_csv_opts dated = {.label = "churned", .date = "d"};
    expect_refusal("d,churned\nsoon,0\n", &dated,
                   "'%s' line 2: date 'soon': not an ISO 8601 time or unix seconds");
    struct churn_matrix m;
    struct lf_err err = {0};
    cr_expect_eq(churn_matrix_from_csv("/nonexistent/x.csv", &o, &m, &err), -1);
    cr_expect_eq(err.code, LF_ENOENT);
}

/* A stratified split shares the churners out apart: 300 entities, 60 of them churners (every
 * 5th). Test: round(0.3 × 60) = 18 churners and round(0.3 × 240) = 72 others (90); validation:
 * round(0.2 × 42) = 8 and round(0.2 × 168) = 34 (42); training the other 34 and 134 (168). */
Test(churn, stratified_split_keeps_the_churn_share)
{
    struct churn_matrix m;
    static const char *const names[] = {"x"};
    churn_matrix_init(&m, 1, names);
    for (int r = 0; r < 300; r++)
        churn_matrix_add(&m, r, 0, r % 5 == 0);
    struct churn_split s;
    struct lf_err err = {0};
    cr_assert_eq(churn_split_stratified(&m, 3, 0.2, 0.3, &s, &err), 0, "%s", err.msg);
    const size_t *rows[] = {s.train, s.valid, s.test};
    size_t nr[] = {s.train_nr, s.valid_nr, s.test_nr}, want_nr[] = {168, 42, 90},
           want_pos[] = {34, 8, 18};
    for (int k = 0; k < 3; k++) {
        size_t pos = 0;
        for (size_t i = 0; i < nr[k]; i++)
            pos += m.label[rows[k][i]] == 1;
        cr_expect_eq(nr[k], want_nr[k], "set %d: %zu rows", k, nr[k]);
        cr_expect_eq(pos, want_pos[k], "set %d: %zu churners", k, pos);
    }
    churn_split_release(&s);
    churn_matrix_release(&m);
}

/* Choosing among hyper-parameters: each depth of 1..4 trained alone gives a validation AUC; the
 * grid keeps the depth of the highest (the first of equals), and its model is that depth's own
 * (the same test AUC, the test rows taking no part in the choice). */
Test(churn, grid_keeps_the_best_validation_auc)
{
    struct churn_matrix m;
    panel(&m, 300, 24, 3, 6, NULL);
    struct churn_split s;
    struct gbm_params p, grid[CHURN_GRID_MAX];
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.threads = 1;
    p.seed = 6;
    cr_assert_eq(churn_split_time(&m, 90 * DAY, 0.2, 0.2, &s, &err), 0, "%s", err.msg);
    size_t n = churn_grid_default(&p, grid);
    cr_assert_eq(n, 4);
    double best = -1, best_test = 0;
    int best_depth = 0;
    for (size_t k = 0; k < n; k++) {
        struct churn_model one;
        cr_expect_eq(grid[k].max_depth, (int)k + 1);
        cr_assert_eq(churn_train(&m, &s, &grid[k], true, 10, &one, &err), 0, "%s", err.msg);
        if (one.valid.auc > best)
            best = one.valid.auc, best_test = one.test.auc, best_depth = grid[k].max_depth;
        churn_model_release(&one);
    }
    struct churn_model cm;
    cr_assert_eq(churn_train_grid(&m, &s, grid, n, true, 10, &cm, &err), 0, "%s", err.msg);
    cr_expect_eq(cm.candidates, 4);
    cr_expect_eq(cm.params.max_depth, best_depth);
    cr_expect_eq(cm.valid.auc, best);
    cr_expect_eq(cm.test.auc, best_test);
    churn_model_release(&cm);
    churn_split_release(&s);
    churn_matrix_release(&m);
}
