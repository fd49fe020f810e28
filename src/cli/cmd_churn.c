/* cmd_churn.c - `landfall churn fit-csv`: the churn model trained on a CSV of features. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall churn fit-csv FILE --label COLUMN [--id COLUMN] [--date COLUMN]\n"
    "                              [--horizon DAYS] [--seed N] [--test-share S] [--save PATH]\n"
    "                              [--top N] [--json]\n"
    "\n"
    "Trains the churn model (gradient-boosted trees, XGBoost) on a CSV of features with a\n"
    "header, one row per customer (or per customer and snapshot date), and evaluates it on rows\n"
    "it never saw: ROC AUC, PR AUC (average precision), precision and lift in the top decile,\n"
    "Brier score, log loss, and a calibration table (deciles of predicted risk against the\n"
    "observed churn). Then the riskiest held-out rows with the features that raised their risk\n"
    "most, in log-odds (docs/churn.md).\n"
    "\n"
    "Columns whose values are all numbers are numeric features (blank, NA, NaN and null are\n"
    "missing); any other column is one-hot encoded: a feature COLUMN=VALUE per distinct value.\n"
    "\n"
    "options:\n"
    "  --label COLUMN    the outcome: 1/0, yes/no or true/false; blank when not known yet\n"
    "  --id COLUMN       the customer's id: not a feature; a customer's rows stay in one set\n"
    "  --date COLUMN     the snapshot date: split by time, training on the earliest rows and\n"
    "                    testing on the latest, none of which the training saw (without it the\n"
    "                    customers are split at random)\n"
    "  --horizon DAYS    with --date, the label's horizon (default 90): a row whose horizon\n"
    "                    reaches into a later set's dates is left out\n"
    "  --seed N          the random split and the trees' samples (default 0): the same seed,\n"
    "                    the same model\n"
    "  --test-share S    the share of rows held out for the test (default 0.3); a fifth of the\n"
    "                    rest stops the boosting, then the trees are retrained on all of it\n"
    "  --save PATH       write the trained model there (XGBoost's UBJSON, with the features'\n"
    "                    names; Python's xgboost.Booster(model_file=PATH) reads it)\n"
    "  --top N           held-out rows shown with their drivers (default 10)\n"
    "  --json            the three tables as JSON documents, one after the other\n";

void cmd_churn_help(FILE *out)
{
    fputs(help_text, out);
}

/* A whole number in [lo, hi]; -1 after a usage error. */
static int whole(const char *opt, const char *arg, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi)
        return cli_usage("churn", "%s '%s' is not a whole number from %lld to %lld", opt, arg,
                         lo, hi),
               -1;
    *out = v;
    return 0;
}

/* The summary: one figure a line, counts whole, the others to 4 decimals. */
static void print_summary(const struct lf_table *t)
{
    size_t w = 0;
    for (size_t r = 0; r < lf_table_rows(t); r++)
        if (strlen(lf_table_text(t, r, 0)) > w)
            w = strlen(lf_table_text(t, r, 0));
    for (size_t r = 0; r < lf_table_rows(t); r++) {
        const char *name = lf_table_text(t, r, 0);
        if (!lf_table_is_null(t, r, 1))
            printf("%-*s  %lld\n", (int)w, name, (long long)lf_table_int(t, r, 1));
        else if (!lf_table_is_null(t, r, 2))
            printf("%-*s  %.4f\n", (int)w, name, lf_table_real(t, r, 2));
        else
            printf("%-*s  -\n", (int)w, name);
    }
}

static int fit_csv(int argc, char **argv)
{
    static const struct option opts[] = {{"label", required_argument, NULL, 'l'},
                                         {"id", required_argument, NULL, 'i'},
                                         {"date", required_argument, NULL, 'd'},
                                         {"horizon", required_argument, NULL, 'h'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"test-share", required_argument, NULL, 't'},
                                         {"save", required_argument, NULL, 'o'},
                                         {"top", required_argument, NULL, 'k'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    struct lf_churn_csv_opts o = {0};
    bool json = false;
    long long v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.label = optarg; break;
        case 'i': o.id = optarg; break;
        case 'd': o.date = optarg; break;
        case 'j': json = true; break;
        case 'o': o.save = optarg; break;
        case 'h':
            if (whole("--horizon", optarg, 1, 3650, &v) < 0)
                return EXIT_USAGE;
            o.horizon_ms = v * 86400000LL;
            break;
        case 's':
            if (whole("--seed", optarg, 0, INT64_MAX, &v) < 0)
                return EXIT_USAGE;
            o.seed = (uint64_t)v;
            break;
        case 'k':
            if (whole("--top", optarg, 1, 100000, &v) < 0)
                return EXIT_USAGE;
            o.top = (int)v;
            break;
        case 't': {
            char *end;
            errno = 0;
            o.test_share = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o.test_share > 0 && o.test_share < 0.9))
                return cli_usage("churn", "--test-share '%s' is not a share between 0 and 0.9",
                                 optarg);
            break;
        }
        default:
            return cli_usage("churn", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage("churn", "'churn fit-csv' takes one FILE");
    if (!o.label)
        return cli_usage("churn", "'churn fit-csv' needs --label COLUMN");
    if (o.horizon_ms && !o.date)
        return cli_usage("churn", "--horizon goes with --date");
    struct lf_churn_report r;
    struct lf_err err = {0};
    if (lf_churn_fit_csv(argv[optind], &o, &r, &err) < 0)
        return cli_fail(&err);
    int rc = EXIT_OK;
    if (json) {
        if (lf_table_write(r.summary, LF_FORMAT_JSON, stdout, &err) < 0 ||
            lf_table_write(r.calibration, LF_FORMAT_JSON, stdout, &err) < 0 ||
            lf_table_write(r.drivers, LF_FORMAT_JSON, stdout, &err) < 0)
            rc = cli_fail(&err);
    } else {
        print_summary(r.summary);
        fputs("\ncalibration of the held-out rows (deciles of predicted risk):\n", stdout);
        if (lf_table_write(r.calibration, LF_FORMAT_TABLE, stdout, &err) < 0)
            rc = cli_fail(&err);
        fputs("\nthe riskiest held-out rows (drivers in log-odds):\n", stdout);
        if (rc == EXIT_OK && lf_table_write(r.drivers, LF_FORMAT_TABLE, stdout, &err) < 0)
            rc = cli_fail(&err);
    }
    if (rc == EXIT_OK && o.save)
        fprintf(stderr, "landfall: model saved to '%s'\n", o.save);
    lf_churn_report_release(&r);
    return rc;
}

int cmd_churn(int argc, char **argv, const struct cli_env *env)
{
    (void)env;
    if (argc < 2)
        return cli_usage("churn", "'churn' needs fit-csv");
    if (strcmp(argv[1], "fit-csv") == 0)
        return fit_csv(argc - 1, argv + 1);
    return cli_usage("churn", "'%s' is not a churn command (fit-csv)", argv[1]);
}
