/* cmd_usage.c - `landfall usage METRIC`, and the option parsing the engine's commands share
 * (usage, cohorts, survival, engine). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_usage_help[] =
    "usage: landfall usage METRIC [--by GROUP] [--account ID] [--from DATE] [--to DATE]\n"
    "                     [--now DATE] [--json | --csv]\n"
    "\n"
    "Product usage from the in-memory analytics engine (docs/engine.md).\n"
    "\n"
    "metrics (--by values each one takes):\n"
    "  dau         daily active users, accounts and events; default window: the last 30 days\n"
    "              (account, segment, plan)\n"
    "  wau         the same per week (Monday to Sunday); default: the last 12 weeks\n"
    "  mau         the same per calendar month; default: the last 365 days\n"
    "  stickiness  per month: mean DAU over the month's days, MAU, DAU / MAU; default: this\n"
    "              month and the two before (account, segment, plan)\n"
    "  portfolio   per account over the window (default the last 30 days): dau (distinct user\n"
    "              days / days), wau (last 7 days), mau, stickiness, seats, utilisation,\n"
    "              events, features used, breadth, depth, last seen, days since, trend\n"
    "  adoption    breadth = features used / features in the catalogue (every event name);\n"
    "              depth = events per active user; per account by default (segment, plan)\n"
    "  features    adoption curves: per event name and k in --days, the share of customers\n"
    "              observed for k days that used it within k days of becoming customers\n"
    "  seats       users active in the window / seats purchased (segment, plan)\n"
    "  recency     per account: last seen, days since, trend = slope of weekly active users\n"
    "              over the 8 weeks before --to, as % of their mean per week\n"
    "  ttv         time to value: days from becoming a customer to the first --milestone\n"
    "              event, per cohort month, with the churn of those that reached it and of\n"
    "              those that did not (account: one row per account)\n"
    "\n"
    "options:\n"
    "  --by GROUP         account, segment or plan (see above)\n"
    "  --account ID       only this account (external id)\n"
    "  --from DATE        window start (default: see above)\n"
    "  --to DATE          window end, excluded (default: now)\n"
    "  --now DATE         the instant taken as now (for reproducible output)\n"
    "  --milestone EVENT  ttv: the event name that marks value\n"
    "  --days K,K,...     features: the k of the curves (default 7,14,30,60,90)\n"
    "  --snapshot PATH    the engine's snapshot (default: the store's path + .engine)\n"
    "  --no-snapshot      build the engine from the store, write no snapshot\n"
    "  --threads N        worker threads (default: one per core)\n"
    "  --json, --csv      output format, as for 'landfall report'\n"
    "  --db PATH          the store\n"
    "\n"
    "Days and weeks are cut in UTC. The engine loads from its snapshot when it is intact and\n"
    "agrees with the store (else it says why and rebuilds it), then catches up with newer\n"
    "events.\n";

enum { OPT_BY = 256, OPT_ACCOUNT, OPT_FROM, OPT_TO, OPT_NOW, OPT_MILESTONE, OPT_DAYS,
       OPT_BASIS, OPT_LEVEL, OPT_START, OPT_MEDIAN, OPT_SNAPSHOT, OPT_NO_SNAPSHOT, OPT_THREADS,
       OPT_RUNS, OPT_JSON, OPT_CSV, OPT_DB };

static const struct option options[] = {
    {"by", required_argument, NULL, OPT_BY},
    {"account", required_argument, NULL, OPT_ACCOUNT},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"now", required_argument, NULL, OPT_NOW},
    {"milestone", required_argument, NULL, OPT_MILESTONE},
    {"days", required_argument, NULL, OPT_DAYS},
    {"basis", required_argument, NULL, OPT_BASIS},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"start", required_argument, NULL, OPT_START},
    {"median", no_argument, NULL, OPT_MEDIAN},
    {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
    {"no-snapshot", no_argument, NULL, OPT_NO_SNAPSHOT},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"runs", required_argument, NULL, OPT_RUNS},
    {"json", no_argument, NULL, OPT_JSON},
    {"csv", no_argument, NULL, OPT_CSV},
    {"db", required_argument, NULL, OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parses a positive integer option into *out; prints a usage error and returns -1 if bad. */
static int parse_count(const char *cmd, const char *opt, const char *arg, long max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > max) {
        cli_usage(cmd, "%s '%s' is not a whole number between 1 and %ld", opt, arg, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_days(const char *cmd, const char *arg, struct usage_cli *u)
{
    const char *p = arg;
    u->o.days_nr = 0;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 1 || v > 36500 || (*end && *end != ',') ||
            u->o.days_nr == sizeof(u->days) / sizeof(*u->days))
            return cli_usage(cmd, "--days '%s' is not a list of up to 32 day counts", arg);
        u->days[u->o.days_nr++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (!u->o.days_nr)
        return cli_usage(cmd, "--days needs at least one day count");
    u->o.days = u->days;
    return 0;
}

int usage_parse(const char *cmd, int argc, char **argv, const char *db, const char *help,
                struct usage_cli *u)
{
    *u = (struct usage_cli){.format = LF_FORMAT_TABLE, .db = db};
    bool no_snapshot = false;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_BY:
            u->o.by = optarg;
            break;
        case OPT_ACCOUNT:
            u->o.account = optarg;
            break;
        case OPT_FROM:
            if (cli_time(cmd, "--from", optarg, &u->o.from_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_TO:
            if (cli_time(cmd, "--to", optarg, &u->o.to_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_NOW:
            if (cli_time(cmd, "--now", optarg, &u->o.now_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_MILESTONE:
            u->o.milestone = optarg;
            break;
        case OPT_DAYS:
            if (parse_days(cmd, optarg, u) != 0)
                return EXIT_USAGE;
            break;
        case OPT_BASIS:
            u->o.basis = optarg;
            break;
        case OPT_LEVEL:
            u->o.level = optarg;
            break;
        case OPT_START:
            u->o.start = optarg;
            break;
        case OPT_MEDIAN:
            u->o.median = true;
            break;
        case OPT_SNAPSHOT:
            u->o.snapshot = optarg;
            break;
        case OPT_NO_SNAPSHOT:
            no_snapshot = true;
            break;
        case OPT_THREADS:
            if (parse_count(cmd, "--threads", optarg, 64, &u->o.threads) < 0)
                return EXIT_USAGE;
            break;
        case OPT_RUNS:
            if (parse_count(cmd, "--runs", optarg, 1000, &u->o.runs) < 0)
                return EXIT_USAGE;
            break;
        case OPT_JSON:
            u->format = LF_FORMAT_JSON;
            break;
        case OPT_CSV:
            u->format = LF_FORMAT_CSV;
            break;
        case OPT_DB:
            u->db = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            return cli_usage(cmd, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (no_snapshot)
        u->o.snapshot = NULL;
    else if (!u->o.snapshot)
        u->o.snapshot = cli_snapshot_path(u->db, u->snapshot_buf, sizeof(u->snapshot_buf));
    u->o.progress = true;
    u->o.warnings = stderr;
    u->args = argv + optind;
    u->args_nr = argc - optind;
    return 0;
}

int usage_run(const char *cmd, const struct usage_cli *u, usage_fn fn)
{
    struct lf *lf = NULL;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    int ret = cli_open(u->db, &lf);
    if (ret)
        return ret;
    if (fn(lf, u, &t, &err) < 0)
        ret = err.code == LF_EUSAGE ? cli_usage(cmd, "%s", err.msg) : cli_fail(&err);
    else if (lf_table_write(t, u->format, stdout, &err) < 0)
        ret = cli_fail(&err);
    lf_table_free(t);
    lf_close(lf);
    return ret;
}

static int run_usage(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
                     struct lf_err *err)
{
    return lf_usage(lf, u->args[0], &u->o, out, err);
}

int cmd_usage(int argc, char **argv, const char *db)
{
    struct usage_cli u;
    int rc = usage_parse("usage", argc, argv, db, cmd_usage_help, &u);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (u.args_nr < 1)
        return cli_usage("usage", "which metric? dau, wau, mau, stickiness, portfolio, adoption, "
                                  "features, seats, recency or ttv");
    if (u.args_nr > 1)
        return cli_usage("usage", "one metric at a time: '%s' is extra", u.args[1]);
    if (!lf_usage_describe(u.args[0]))
        return cli_usage("usage", "'%s' is not a usage metric; 'landfall help usage' lists them",
                         u.args[0]);
    return usage_run("usage", &u, run_usage);
}
