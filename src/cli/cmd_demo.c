/* cmd_demo.c - `landfall demo`: parses the options, calls lf_demo, prints what was generated. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall demo [--accounts N] [--seed S] [--months M] [--end DATE] [--replace]\n"
    "\n"
    "Fills the store with a generated SaaS business: accounts across plans and segments with\n"
    "seats, MRR and owners; contacts; months of product usage events; MRR changes (new,\n"
    "expansion, contraction, churn with reasons, reactivation); NPS, CSAT and CES responses\n"
    "with comments; support tickets and other touchpoints; orders of a B2C slice. Churn has\n"
    "causes (stalled onboarding, falling usage, detractors, unresolved tickets, a champion\n"
    "leaving), shows weeks before the cancellation (usage falls, offboarding tickets) and\n"
    "proactive check-ins lower it; docs/demo-data.md describes the model.\n"
    "\n"
    "options:\n"
    "  --accounts N   number of accounts (default 600, at most 10000000); about 10 contacts\n"
    "                 and 200 events an account\n"
    "  --seed S       random seed (default 1): the same seed, size, months and end give the\n"
    "                 same data\n"
    "  --months M     months of history, 12..120 (default 18)\n"
    "  --end DATE     the generated business's today, excluded (default: today)\n"
    "  --replace      delete the data the store holds first; without it, a store that holds\n"
    "                 data is refused\n"
    "  --db PATH      the store\n"
    "\n"
    "A progress bar is drawn when stderr is a terminal. DATE is ISO 8601 or unix seconds.\n";

void cmd_demo_help(FILE *out)
{
    fputs(help_text, out);
}

enum { OPT_ACCOUNTS = 256, OPT_SEED, OPT_MONTHS, OPT_END, OPT_REPLACE };

static const struct option options[] = {
    {"accounts", required_argument, NULL, OPT_ACCOUNTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"months", required_argument, NULL, OPT_MONTHS},
    {"end", required_argument, NULL, OPT_END},
    {"replace", no_argument, NULL, OPT_REPLACE},
    {NULL, 0, NULL, 0},
};

/* Parses a positive whole number (lf_demo checks the ranges); on failure prints a usage error
 * and returns -1. */
static int parse_int(const char *opt, const char *arg, int *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > INT_MAX) {
        cli_usage("demo", "%s '%s' is not a positive whole number", opt, arg);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_seed(const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-') {
        cli_usage("demo", "--seed '%s' is not a whole number in 0..18446744073709551615", arg);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_demo(int argc, char **argv, const struct cli_env *env)
{
    struct lf_demo_opts opts = {.seed = 1, .progress = true};
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_ACCOUNTS:
            if (parse_int("--accounts", optarg, &opts.accounts) < 0)
                return EXIT_USAGE;
            break;
        case OPT_SEED:
            if (parse_seed(optarg, &opts.seed) < 0)
                return EXIT_USAGE;
            break;
        case OPT_MONTHS:
            if (parse_int("--months", optarg, &opts.months) < 0)
                return EXIT_USAGE;
            break;
        case OPT_END:
            if (cli_time("demo", "--end", optarg, &opts.end_ms) < 0)
                return EXIT_USAGE;
            break;
        case OPT_REPLACE:
            opts.replace = true;
            break;
        default:
            return cli_usage("demo", "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("demo", "unexpected argument '%s'", argv[optind]);

    struct lf *lf = NULL;
    struct lf_demo_result res;
    struct lf_err err = {0};
    int ret = cli_open(env, false, NULL, &lf);
    if (ret)
        return ret;
    if (lf_demo(lf, &opts, &res, &err) < 0) {
        ret = err.code == LF_EUSAGE ? cli_usage("demo", "%s", err.msg) : cli_fail(&err);
        goto out;
    }
    printf("generated %zu accounts, %zu contacts, %zu MRR changes, %zu events, %zu touchpoints, "
           "%zu responses, %zu orders\n",
           res.accounts, res.contacts, res.mrr_changes, res.events, res.touchpoints, res.responses,
           res.orders);
out:
    lf_close(lf);
    return ret;
}
