/* cmd_report.c - `landfall report NAME`: parses the options, calls lf_report, prints the table. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_report_help[] =
    "usage: landfall report NAME [--by GROUP] [--from DATE] [--to DATE] [--json | --csv]\n"
    "\n"
    "Computes a customer experience or customer success metric over the window [--from, --to).\n"
    "\n"
    "reports (--by values each one takes):\n"
    "  nps            Net Promoter Score and its 95 % margin of error\n"
    "                 (month, quarter, segment, plan, team, touchpoint)\n"
    "  csat           share of CSAT responses scoring 4 or 5 of 5 (same --by as nps)\n"
    "  ces            mean customer effort score on 1..7, 7 = easiest (same --by as nps)\n"
    "  churn          logo churn rate, GRR and NRR of the accounts paying at the start\n"
    "                 (month, quarter, segment, plan)\n"
    "  mrr            the MRR movement table: new, expansion, contraction, churn,\n"
    "                 reactivation; monthly rows (month, quarter)\n"
    "  churn-reasons  churned accounts and lost MRR by reason (month, quarter, segment, plan)\n"
    "  repeat         repeat purchase rate of the customers who ordered\n"
    "                 (month, quarter, segment, plan)\n"
    "  acquisition    new customers / customers at the start (month, quarter, segment, plan)\n"
    "  clv            contractual CLV = ARPA × margin / monthly churn rate (segment, plan)\n"
    "\n"
    "options:\n"
    "  --by GROUP      one row per month, quarter, segment, plan, team or touchpoint kind;\n"
    "                  without it, one row for the whole window (money: one per currency)\n"
    "  --from DATE     window start (default: the start of the month 12 months before\n"
    "                  --to's month)\n"
    "  --to DATE       window end, excluded (default: now)\n"
    "  --now DATE      the instant taken as now (for reproducible output)\n"
    "  --survey ID     nps/csat/ces: only the responses to survey ID\n"
    "  --margin F      clv: gross margin as a fraction (default 0.8)\n"
    "  --json          {\"metric\": NAME, \"rows\": [...]}; ratios as fractions, money in\n"
    "                  minor units, undefined figures null\n"
    "  --csv           CSV with a header row\n"
    "  --db PATH       the store\n"
    "\n"
    "DATE is ISO 8601 (2026-03-01, 2026-03-01T12:00:00Z) or unix seconds; months and\n"
    "quarters are cut in UTC. The definitions of every figure: docs/metrics.md.\n";

enum { OPT_BY = 256, OPT_FROM, OPT_TO, OPT_NOW, OPT_SURVEY, OPT_MARGIN, OPT_JSON, OPT_CSV, OPT_DB };

static const struct option options[] = {
    {"by", required_argument, NULL, OPT_BY},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"now", required_argument, NULL, OPT_NOW},
    {"survey", required_argument, NULL, OPT_SURVEY},
    {"margin", required_argument, NULL, OPT_MARGIN},
    {"json", no_argument, NULL, OPT_JSON},
    {"csv", no_argument, NULL, OPT_CSV},
    {"db", required_argument, NULL, OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_margin(const char *arg, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(arg, &end);
    if (errno || end == arg || *end || !(*out > 0 && *out <= 1))
        return cli_usage("report", "--margin '%s' is not a fraction in (0, 1]", arg);
    return 0;
}

int cmd_report(int argc, char **argv, const char *db)
{
    struct lf_report_opts opts = {0};
    int format = LF_FORMAT_TABLE, opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_BY:
            opts.by = optarg;
            break;
        case OPT_FROM:
            if (cli_time("report", "--from", optarg, &opts.from_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_TO:
            if (cli_time("report", "--to", optarg, &opts.to_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_NOW:
            if (cli_time("report", "--now", optarg, &opts.now_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_SURVEY:
            opts.survey = optarg;
            break;
        case OPT_MARGIN:
            if (parse_margin(optarg, &opts.margin) != 0)
                return EXIT_USAGE;
            break;
        case OPT_JSON:
            format = LF_FORMAT_JSON;
            break;
        case OPT_CSV:
            format = LF_FORMAT_CSV;
            break;
        case OPT_DB:
            db = optarg;
            break;
        case 'h':
            fputs(cmd_report_help, stdout);
            return EXIT_OK;
        default:
            return cli_usage("report", "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("report", "which report? nps, csat, ces, churn, mrr, churn-reasons, "
                                   "repeat, acquisition or clv");
    if (optind + 1 < argc)
        return cli_usage("report", "one report at a time: '%s' is extra", argv[optind + 1]);
    const char *name = argv[optind];
    if (!lf_report_describe(name))
        return cli_usage("report", "'%s' is not a report; 'landfall help report' lists them", name);

    struct lf *lf = NULL;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    int ret = cli_open(db, &lf);
    if (ret)
        return ret;
    if (lf_report(lf, name, &opts, &t, &err) < 0) {
        ret = err.code == LF_EUSAGE ? cli_usage("report", "%s", err.msg) : cli_fail(&err);
        goto out;
    }
    if (lf_table_write(t, format, stdout, &err) < 0)
        ret = cli_fail(&err);
out:
    lf_table_free(t);
    lf_close(lf);
    return ret;
}
