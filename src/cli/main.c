/* main.c - the command table and global options; each subcommand lives in cmd_<name>.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct cli_cmd cli_commands[] = {
    {"help", cmd_help, "show help for landfall or one of its commands", cmd_help_help},
    {"import", cmd_import, "import accounts, contacts, events… from CSV or NDJSON files",
     cmd_import_help},
    {"demo", cmd_demo, "fill the store with a realistic generated SaaS business", cmd_demo_help},
    {"report", cmd_report, "compute a CX or CS metric: nps, csat, churn, mrr, clv…",
     cmd_report_help},
    {"serve", cmd_serve, "serve the HTTP API: Segment/PostHog ingestion, reports", cmd_serve_help},
    {"keys", cmd_keys, "create, list or revoke the API keys of the HTTP API", cmd_keys_help},
    {"usage", cmd_usage, "product usage: DAU/WAU/MAU, stickiness, adoption, seats, recency, ttv",
     cmd_usage_help},
    {"cohorts", cmd_cohorts, "retention cohorts of users or accounts, by activity or revenue",
     cmd_cohorts_help},
    {"survival", cmd_survival, "Kaplan–Meier survival of accounts and the median lifetime",
     cmd_survival_help},
    {"engine", cmd_engine, "rebuild, describe or benchmark the in-memory analytics engine",
     cmd_engine_help},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    const char *db = getenv("LANDFALL_DB");
    if (!db || !*db)
        db = "landfall.db";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("landfall %s\n", LANDFALL_VERSION);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return cmd_help(1, (char *[]){"help", NULL}, db);
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db = argv[i] + 5;
        } else {
            return cli_usage(NULL, "unknown option '%s'", argv[i]);
        }
    }
    if (i == argc)
        return cmd_help(1, (char *[]){"help", NULL}, db);
    for (const struct cli_cmd *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            return c->run(argc - i, argv + i, db);
    return cli_usage(NULL, "'%s' is not a landfall command", argv[i]);
}
