/* telco.c - the churn model on real data: IBM's Telco customers (test only, read from
 * $LANDFALL_SHARED_DATA; skipped, saying so, without it), one-hot encoded, 70/30 split by seed.
 *
 * The published reference (tests/data/README.md, REFERENCES.md of the shared data): logistic
 * regression on all predictors reaches a hold-out AUC of about 0.846 on a 70/30 split; 0.84-0.85
 * is the usual range of good models. Boosted trees land there too: over the splits of seeds
 * 1..20 the hold-out AUC averages 0.846 (0.831..0.862; 5 of the 20 reach 0.85), the split's own
 * noise (2113 hold-out rows: a standard error near 0.009) being larger than any difference
 * between good models. So the figures asserted are those of fixed seeds, as measured, with
 * margins that catch a real loss of quality, not a bar one split clears by luck. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../testdata.h"
#include "cs/churn.h"

static struct churn_matrix telco;

static void load(void)
{
    char path[1024];
    struct churn_csv_opts o = {.label = "Churn", .id = "customerID"};
    struct lf_err err = {0};
    shared_data_path("telco/telco_churn.csv", path, sizeof(path));
    cr_assert_eq(churn_matrix_from_csv(path, &o, &telco, &err), 0, "%s", err.msg);
}

static void unload(void)
{
    churn_matrix_release(&telco);
}

TestSuite(telco, .init = load, .fini = unload);

/* 7043 customers, 1869 churned. Features: 4 numeric columns (SeniorCitizen, tenure,
 * MonthlyCharges, TotalCharges) and 15 categorical ones with 2 (gender, Partner, Dependents,
 * PhoneService, PaperlessBilling), 3 (MultipleLines, InternetService, the 6 add-on services,
 * Contract) or 4 (PaymentMethod) values: 4 + 5 × 2 + 9 × 3 + 4 = 45. TotalCharges is blank for
 * the 11 customers of tenure 0: missing, not 0. */
Test(telco, encoding)
{
    cr_assert_eq(telco.rows_nr, 7043);
    cr_assert_eq(telco.cols_nr, 45);
    cr_expect_eq(telco.keys_nr, 7043);
    size_t churned = 0, blank = 0, total = 0, tenure = 0;
    for (size_t c = 0; c < telco.cols_nr; c++) {
        if (strcmp(telco.names[c], "TotalCharges") == 0)
            total = c;
        if (strcmp(telco.names[c], "tenure") == 0)
            tenure = c;
    }
    for (size_t r = 0; r < telco.rows_nr; r++) {
        churned += telco.label[r] == 1;
        if (isnan(churn_matrix_row(&telco, r)[total])) {
            blank++;
            cr_expect_eq(churn_matrix_row(&telco, r)[tenure], 0);
        }
    }
    cr_expect_eq(churned, 1869);
    cr_expect_eq(blank, 11);
    /* the one-hot features of Contract, in byte order */
    const char *contract[] = {"Contract=Month-to-month", "Contract=One year",
                              "Contract=Two year"};
    size_t found = 0;
    for (size_t c = 0; c < telco.cols_nr; c++)
        for (size_t k = 0; k < 3; k++)
            if (strcmp(telco.names[c], contract[k]) == 0) {
                cr_expect_eq(strcmp(telco.names[c - k], contract[0]), 0);
                found++;
            }
    cr_expect_eq(found, 3);
}

/* One 70/30 split: 30 % of the customers (2113) held out, 20 % of the rest (986) to stop the
 * boosting, then the trees retrained on all 4930 for the rounds chosen. */
static void fit(uint64_t seed, struct churn_model *cm)
{
    struct churn_split s;
    struct gbm_params p;
    struct lf_err err = {0};
    gbm_params_default(&p);
    p.seed = seed;
    p.threads = 1;
    cr_assert_eq(churn_split_random(&telco, seed, 0.2, 0.3, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(s.test_nr, 2113);
    cr_assert_eq(s.train_nr + s.valid_nr, 4930);
    cr_assert_eq(churn_train(&telco, &s, &p, true, 10, cm, &err), 0, "%s", err.msg);
    churn_split_release(&s);
}

/* Seed 1's split: hold-out AUC 0.8461, the logistic regression's level. The Brier score is
 * well under the 0.195 of forecasting the base rate for everyone (0.265 × 0.735), and the
 * deciles are calibrated within 0.05 on average (binary log loss is a proper scoring rule). */
Test(telco, holdout_of_seed_1)
{
    struct churn_model cm;
    fit(1, &cm);
    const struct eval_report *t = &cm.test;
    cr_log_info("seed 1: %d trees; hold-out AUC %.4f, PR-AUC %.4f, Brier %.4f, log loss %.4f, "
                "precision at %zu %.4f (lift %.2f), ECE %.4f",
                cm.fit.rounds, t->auc, t->average_precision, t->brier, t->log_loss, t->k,
                t->precision_at_k, t->lift_at_k, t->ece);
    for (size_t b = 0; b < t->bins_nr; b++)
        cr_log_info("decile %zu: %zu rows, predicted %.3f, observed %.3f", b + 1, t->bins[b].n,
                    t->bins[b].predicted, t->bins[b].observed);
    cr_expect_geq(t->auc, 0.845, "hold-out AUC %.4f", t->auc);
    cr_expect_lt(t->brier, 0.15, "Brier %.4f", t->brier);
    cr_expect_lt(t->ece, 0.05, "ECE %.4f", t->ece);
    cr_expect_gt(t->lift_at_k, 2.0, "lift of the top decile %.2f", t->lift_at_k);
    churn_model_release(&cm);
}

/* Ten splits (seeds 1..10): the mean hold-out AUC is the published reference's level (0.8475
 * measured; asserted ≥ 0.845, the reference 0.846 less a tenth of a split's noise), and no split
 * falls below 0.83. */
Test(telco, holdout_over_ten_splits)
{
    double sum = 0, lo = 1, hi = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        struct churn_model cm;
        fit(seed, &cm);
        cr_log_info("seed %llu: hold-out AUC %.4f", (unsigned long long)seed, cm.test.auc);
        sum += cm.test.auc;
        lo = fmin(lo, cm.test.auc);
        hi = fmax(hi, cm.test.auc);
        churn_model_release(&cm);
    }
    cr_log_info("mean hold-out AUC %.4f (%.4f..%.4f)", sum / 10, lo, hi);
    cr_expect_geq(sum / 10, 0.845, "mean hold-out AUC %.4f", sum / 10);
    cr_expect_geq(lo, 0.83, "lowest hold-out AUC %.4f", lo);
}
