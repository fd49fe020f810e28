/* main.c - the command table and the global options; each subcommand lives in cmd_<name>.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct cli_cmd cli_commands[] = {
    {"help", cmd_help, "show help for landfall or one of its commands", cmd_help_help},
    {"import", cmd_import, "import accounts, contacts, events… from CSV or NDJSON files",
     cmd_import_help},
    {"demo", cmd_demo, "fill the store with a realistic generated SaaS business", cmd_demo_help},
    {"report", cmd_report, "experience and revenue metrics: nps, csat, churn, mrr, clv…",
     cmd_report_help},
    {"usage", cmd_usage, "product usage: DAU/WAU/MAU, stickiness, adoption, seats, recency, ttv",
     cmd_usage_help},
    {"cohorts", cmd_cohorts, "retention cohorts of users or accounts, by activity or revenue",
     cmd_cohorts_help},
    {"survival", cmd_survival, "Kaplan–Meier survival of subscriptions and median lifetimes",
     cmd_survival_help},
    {"clv", cmd_clv, "customer lifetime value: BG/NBD, sBG or contractual models", cmd_clv_help},
    {"health", cmd_health, "health scores with their reasons, scorecards, history, snapshots",
     cmd_health_help},
    {"expansion", cmd_expansion, "expansion signals: customers ranked by signs they could buy more",
     cmd_expansion_help},
    {"metric", cmd_metric, "any metric by name, with its parameters (the registry)",
     cmd_metric_help},
    {"serve", cmd_serve, "serve the HTTP API: Segment/PostHog ingestion, metrics, resources",
     cmd_serve_help},
    {"keys", cmd_keys, "create, list or revoke the API keys of the HTTP API", cmd_keys_help},
    {"users", cmd_users, "create, list, change or delete the dashboard's users",
     cmd_users_help},
    {"surveys", cmd_surveys, "create and send surveys, see their results, skips and follow-ups",
     cmd_surveys_help},
    {"workspace", cmd_workspace, "show or set the workspace: its time zone", cmd_workspace_help},
    {"engine", cmd_engine, "rebuild, describe or benchmark the in-memory analytics engine",
     cmd_engine_help},
    {"openapi", cmd_openapi, "print the OpenAPI 3.1 document of the HTTP API", cmd_openapi_help},
    {"churn", cmd_churn, "the churn model: train it, score and explain every account",
     cmd_churn_help},
    {"text", cmd_text, "sentiment, emotions, topics and language of texts", cmd_text_help},
    {"migrate", cmd_migrate,
     "apply the schema's migrations, show where it stands, or copy a whole store into another",
     cmd_migrate_help},
    {NULL, NULL, NULL, NULL},
};

/* Takes the global option at argv[i] (and its value) out of argv: 1 when it was one, 0 when
 * not, -1 when its value is missing. */
static int global_option(int *argc, char **argv, int i, struct cli_env *env)
{
    static const struct {
        const char *name;
        size_t offset;
    } globals[] = {{"--db", offsetof(struct cli_env, db)},
                   {"--workspace", offsetof(struct cli_env, workspace)}};
    for (size_t g = 0; g < sizeof(globals) / sizeof(globals[0]); g++) {
        size_t n = strlen(globals[g].name);
        const char **dst = (const char **)((char *)env + globals[g].offset);
        int take;
        if (strcmp(argv[i], globals[g].name) == 0) {
            if (i + 1 >= *argc)
                return -1;
            *dst = argv[i + 1];
            take = 2;
        } else if (strncmp(argv[i], globals[g].name, n) == 0 && argv[i][n] == '=') {
            *dst = argv[i] + n + 1;
            take = 1;
        } else {
            continue;
        }
        memmove(argv + i, argv + i + take, (size_t)(*argc - i - take + 1) * sizeof(*argv));
        *argc -= take;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli_env env = {getenv("LANDFALL_DB"), getenv("LANDFALL_WORKSPACE")};
    if (!env.db || !*env.db)
        env.db = "landfall.db";
    if (!env.workspace || !*env.workspace)
        env.workspace = "default";
    /* --db and --workspace anywhere on the line (before "--" ends the options) */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0;) {
        int rc = global_option(&argc, argv, i, &env);
        if (rc < 0)
            return cli_usage(NULL, "%s needs a value", argv[i]);
        if (rc == 0)
            i++;
    }
    int i = 1;
    if (i < argc && strcmp(argv[i], "--version") == 0) {
        printf("landfall %s\n", LANDFALL_VERSION);
        return EXIT_OK;
    }
    if (i == argc || cli_is_help(argv[i]))
        return cmd_help(1, (char *[]){"help", NULL}, &env);
    if (argv[i][0] == '-')
        return cli_usage(NULL, "unknown option '%s'", argv[i]);
    for (const struct cli_cmd *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0) {
            for (int k = i + 1; k < argc && strcmp(argv[k], "--") != 0; k++)
                if (cli_is_help(argv[k]) && c->run != cmd_metric && c->run != cmd_report &&
                    c->run != cmd_usage && c->run != cmd_clv && c->run != cmd_survival) {
                    c->help(stdout);
                    return EXIT_OK;
                }
            return c->run(argc - i, argv + i, &env);
        }
    return cli_usage(NULL, "'%s' is not a landfall command", argv[i]);
}
