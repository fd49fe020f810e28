/* cmd_churn.c - `landfall churn train|score|explain|models|calibration|backtest|fit-csv`: the
 * churn model of the workspace's accounts (trained, stored, scoring them, measured beside a
 * scorecard) and one trained on a CSV of features. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall churn train [--horizon DAYS] [--snapshots N] [--seed N] [--now DATE]\n"
    "                            [--min-churners N] [--top N] [--json]\n"
    "       landfall churn score [--model V] [--now DATE] [--drivers K] [--limit N]\n"
    "                            [--json | --csv]\n"
    "       landfall churn explain ACCOUNT [--model V] [--now DATE] [--json | --csv]\n"
    "       landfall churn models [--json | --csv]\n"
    "       landfall churn calibration [--model V] [--json | --csv]\n"
    "       landfall churn backtest [--scorecard NAME] [--horizon DAYS] [--snapshots N]\n"
    "                               [--seed N] [--now DATE] [--json | --csv]\n"
    "       landfall churn fit-csv FILE --label COLUMN [--id COLUMN] [--date COLUMN]\n"
    "                              [--horizon DAYS] [--seed N] [--test-share S] [--save PATH]\n"
    "                              [--top N] [--stratify] [--choose-depth] [--json]\n"
    "\n"
    "train builds the churn model of the workspace's accounts: a row per account paying on each\n"
    "of the last N month starts (--snapshots, default 24), its features as of that date\n"
    "(usage, MRR, NPS, tickets and their 30/90-day changes: docs/churn.md), labelled 1 when its\n"
    "MRR went to 0 within the horizon after it. The rows are split by time: trained on the\n"
    "earliest snapshots, tested on the latest labelled ones, rows whose horizon reaches into a\n"
    "later set left out. Prints the figures on the test rows (ROC AUC, PR AUC, precision and\n"
    "lift in the top decile, Brier score, calibration) and stores the model as the next version.\n"
    "score lists every paying account, riskiest first, with the features that raised its risk\n"
    "most; explain shows one account's every feature and its part in the risk; models lists\n"
    "the stored versions with their test figures (AUC, PR AUC, Brier score); calibration a\n"
    "version's test rows in deciles of predicted risk against the churn observed. backtest\n"
    "trains the model as train does (storing nothing) and measures it beside a health\n"
    "scorecard (--scorecard, default 'default') on the same observations: the accounts paying\n"
    "at the latest labelled month starts (the model's test rows) that the scorecard scores,\n"
    "the same horizon: AUC, PR AUC, the churn of the riskiest tenth and its lift.\n"
    "\n"
    "Over HTTP (docs/api.md): POST /v1/churn/models (train; an admin key, or an admin's or a\n"
    "lead's session), GET /v1/churn/models, /v1/churn/scores, /v1/accounts/ID/churn,\n"
    "/v1/metrics/churn-calibration and /v1/metrics/churn-backtest (the metrics of the same\n"
    "names: 'landfall metric churn-backtest --help').\n"
    "\n"
    "options of train, score, explain, backtest:\n"
    "  --horizon DAYS    the label's horizon: churned within DAYS days (default 90; 90d works)\n"
    "  --snapshots N     month starts to take rows at (default 24)\n"
    "  --seed N          the trees' samples (default 0): the same data and seed, the same model\n"
    "  --now DATE        what is known ends here (default: now): features as of this date\n"
    "  --min-churners N  refuse to train on fewer churners (default 10)\n"
    "  --top N           train: held-out rows shown with their drivers (default 10)\n"
    "  --model V         score, explain, calibration: version V (default: the latest)\n"
    "  --drivers K       score: drivers per account (default 3)\n"
    "  --scorecard NAME  backtest: the scorecard beside the model (default 'default')\n"
    "  --limit N         score: the riskiest N accounts only\n"
    "\n"
    "fit-csv trains the churn model (gradient-boosted trees, XGBoost) on a CSV of features with a\n"
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
    "  --stratify        without --date: each set holds the same share of churners\n"
    "  --choose-depth    train trees of depth 1 to 4 and keep the depth whose validation AUC\n"
    "                    is highest (the test rows take no part; docs/churn.md: on Telco it\n"
    "                    gains nothing beyond a split's noise, so it is not the default)\n"
    "  --json            the three tables as JSON documents, one after the other\n"
    "\n"
    "The engine's options (score, explain, train):\n";

void cmd_churn_help(FILE *out)
{
    fputs(help_text, out);
    fputs(cli_engine_help, out);
}

/* A whole number in [lo, hi]; -1 after a usage error. */
static int whole(const char *opt, const char *arg, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi)
        return cli_usage("churn", "%s '%s' is not a whole number from %lld to %lld", opt, arg, lo,
                         hi),
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

static int print_report(const struct lf_churn_report *r, bool json, struct lf_err *err);

static int fit_csv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"label", required_argument, NULL, 'l'}, {"id", required_argument, NULL, 'i'},
        {"date", required_argument, NULL, 'd'},  {"horizon", required_argument, NULL, 'h'},
        {"seed", required_argument, NULL, 's'},  {"test-share", required_argument, NULL, 't'},
        {"save", required_argument, NULL, 'o'},  {"top", required_argument, NULL, 'k'},
        {"json", no_argument, NULL, 'j'},        {"stratify", no_argument, NULL, 'S'},
        {"choose-depth", no_argument, NULL, 'D'}, {NULL, 0, NULL, 0}};
    struct lf_churn_csv_opts o = {0};
    bool json = false;
    long long v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o.label = optarg;
            break;
        case 'i':
            o.id = optarg;
            break;
        case 'd':
            o.date = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'S':
            o.stratify = true;
            break;
        case 'D':
            o.choose_depth = true;
            break;
        case 'o':
            o.save = optarg;
            break;
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
    if (o.stratify && o.date)
        return cli_usage("churn", "--stratify is for a random split, not with --date");
    struct lf_churn_report r;
    struct lf_err err = {0};
    if (lf_churn_fit_csv(argv[optind], &o, &r, &err) < 0)
        return cli_fail(&err);
    int rc = print_report(&r, json, &err) < 0 ? cli_fail(&err) : EXIT_OK;
    if (rc == EXIT_OK && o.save)
        fprintf(stderr, "landfall: model saved to '%s'\n", o.save);
    lf_churn_report_release(&r);
    return rc;
}

/* A horizon: DAYS or DAYSd, 1 to 3650. */
static int horizon(const char *arg, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (*end == 'd')
        end++;
    if (errno || end == arg || *end || v < 1 || v > 3650)
        return cli_usage("churn", "--horizon '%s' is not a number of days from 1 to 3650", arg);
    *out = v * 86400000LL;
    return 0;
}

/* The table report of train: the summary, the calibration, the riskiest held-out rows. */
static int print_report(const struct lf_churn_report *r, bool json, struct lf_err *err)
{
    if (json)
        return lf_table_write(r->summary, LF_FORMAT_JSON, stdout, err) < 0 ||
                       lf_table_write(r->calibration, LF_FORMAT_JSON, stdout, err) < 0 ||
                       lf_table_write(r->drivers, LF_FORMAT_JSON, stdout, err) < 0
                   ? -1
                   : 0;
    print_summary(r->summary);
    fputs("\ncalibration of the held-out rows (deciles of predicted risk):\n", stdout);
    if (lf_table_write(r->calibration, LF_FORMAT_TABLE, stdout, err) < 0)
        return -1;
    fputs("\nthe riskiest held-out rows (drivers in log-odds):\n", stdout);
    return lf_table_write(r->drivers, LF_FORMAT_TABLE, stdout, err);
}

/* train, score, explain, models: the options they share, then the call. */
static int workspace(const char *what, int argc, char **argv, const struct cli_env *env)
{
    struct cli_engine engine = {0};
    struct lf_churn_train_opts t = {0};
    struct lf_churn_score_opts so = {0};
    struct lf_churn_backtest_opts bo = {0};
    const char *account = NULL;
    int format = LF_FORMAT_TABLE, rc;
    long long v;
    int64_t now = 0;
    const char *now_arg = NULL;
    bool train = !strcmp(what, "train") || !strcmp(what, "backtest");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if ((rc = cli_engine_option("churn", argc, argv, &i, &engine)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (!strcmp(a, "--json")) {
            format = LF_FORMAT_JSON;
        } else if (!strcmp(a, "--csv") && strcmp(what, "train")) {
            format = LF_FORMAT_CSV;
        } else if (!strcmp(a, "--now") && val) {
            now_arg = argv[++i];
        } else if (!strcmp(what, "backtest") && !strcmp(a, "--scorecard") && val) {
            bo.scorecard = argv[++i];
        } else if (train && !strcmp(a, "--horizon") && val) {
            if (horizon(argv[++i], &t.horizon_ms) < 0)
                return EXIT_USAGE;
        } else if (train && !strcmp(a, "--snapshots") && val) {
            if (whole("--snapshots", argv[++i], 2, 240, &v) < 0)
                return EXIT_USAGE;
            t.snapshots = (int)v;
        } else if (train && !strcmp(a, "--seed") && val) {
            if (whole("--seed", argv[++i], 0, INT64_MAX, &v) < 0)
                return EXIT_USAGE;
            t.seed = (uint64_t)v;
        } else if (!strcmp(what, "train") && !strcmp(a, "--min-churners") && val) {
            if (whole("--min-churners", argv[++i], 1, 1000000, &v) < 0)
                return EXIT_USAGE;
            t.min_churners = (int)v;
        } else if (!strcmp(what, "train") && !strcmp(a, "--top") && val) {
            if (whole("--top", argv[++i], 1, 100000, &v) < 0)
                return EXIT_USAGE;
            t.top = (int)v;
        } else if ((!strcmp(what, "score") || !strcmp(what, "explain")) && !strcmp(a, "--model") &&
                   val) {
            if (whole("--model", argv[++i], 1, INT64_MAX, &v) < 0)
                return EXIT_USAGE;
            so.version = v;
        } else if (!strcmp(what, "score") && !strcmp(a, "--drivers") && val) {
            if (whole("--drivers", argv[++i], 1, 50, &v) < 0)
                return EXIT_USAGE;
            so.drivers = (int)v;
        } else if (!strcmp(what, "score") && !strcmp(a, "--limit") && val) {
            if (whole("--limit", argv[++i], 1, INT64_MAX, &v) < 0)
                return EXIT_USAGE;
            so.limit = v;
        } else if (!strcmp(what, "explain") && !account && a[0] != '-') {
            account = a;
        } else {
            return cli_usage("churn", "unexpected argument '%s' of 'churn %s'", a, what);
        }
    }
    if (!strcmp(what, "explain") && !account)
        return cli_usage("churn", "'churn explain' needs an ACCOUNT");
    bo.horizon_ms = t.horizon_ms;
    bo.snapshots = t.snapshots;
    bo.seed = t.seed;
    struct lf *lf;
    struct lf_table *out = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, &engine, &lf)) != 0)
        return rc;
    if (cli_time_local(lf, "churn", "--now", now_arg, &now) < 0) {
        lf_close(lf);
        return EXIT_USAGE;
    }
    t.now = so.now = bo.now = now;
    if (!strcmp(what, "train")) {
        struct lf_churn_report r;
        if (lf_churn_train(lf, &t, &r, &err) < 0) {
            rc = cli_fail(&err);
        } else {
            rc = print_report(&r, format == LF_FORMAT_JSON, &err) < 0 ? cli_fail(&err) : EXIT_OK;
            if (rc == EXIT_OK)
                fprintf(stderr, "landfall: churn model version %lld stored\n",
                        (long long)r.version);
            lf_churn_report_release(&r);
        }
        lf_close(lf);
        return rc;
    }
    double risk = 0;
    int64_t version = 0;
    if (!strcmp(what, "score"))
        rc = lf_churn_score(lf, &so, &out, &err);
    else if (!strcmp(what, "explain"))
        rc = lf_churn_explain(lf, account, &so, &risk, &version, &out, &err);
    else if (!strcmp(what, "backtest"))
        rc = lf_churn_backtest(lf, &bo, &out, &err);
    else
        rc = lf_churn_models(lf, &out, &err);
    if (rc == 0 && !strcmp(what, "explain") && format == LF_FORMAT_TABLE)
        printf("%s: churn risk %.1f %% within the model's horizon (model %lld)\n", account,
               100 * risk, (long long)version);
    rc = rc < 0                                          ? cli_fail(&err)
         : lf_table_write(out, format, stdout, &err) < 0 ? cli_fail(&err)
                                                         : EXIT_OK;
    lf_table_free(out);
    lf_close(lf);
    return rc;
}

int cmd_churn(int argc, char **argv, const struct cli_env *env)
{
    static const char *const subs[] = {"train", "score", "explain", "models", "backtest", NULL};
    if (argc < 2)
        return cli_usage("churn", "'churn' needs train, score, explain, models, calibration, "
                                  "backtest or fit-csv");
    if (strcmp(argv[1], "fit-csv") == 0)
        return fit_csv(argc - 1, argv + 1);
    /* a metric of the registry: its options, checks and formats are the registry's */
    if (strcmp(argv[1], "calibration") == 0)
        return cli_metric_run("churn calibration", "churn-calibration", argc, argv, 2, env);
    for (int i = 0; subs[i]; i++)
        if (!strcmp(argv[1], subs[i]))
            return workspace(subs[i], argc - 1, argv + 1, env);
    return cli_usage("churn",
                     "'%s' is not a churn command (train, score, explain, models, "
                     "calibration, backtest, fit-csv)",
                     argv[1]);
}
