/* cmd_help.c - `landfall help [COMMAND]`: the command list, or one command's help text. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cmd_help_help(FILE *out)
{
    fputs("usage: landfall help [COMMAND]\n"
          "\n"
          "Without COMMAND, lists the commands; with it, shows that command's help.\n",
          out);
}

static void overview(void)
{
    printf("usage: landfall [--db PATH] [--workspace NAME] COMMAND [ARGS]\n"
           "\n"
           "landfall measures customer success (outcomes, retention, revenue) and customer\n"
           "experience (NPS, CSAT, CES, touchpoints) on one store.\n"
           "\n"
           "commands:\n");
    for (const struct cli_cmd *c = cli_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\n"
           "global options:\n"
           "  --db PATH         the store (default ./landfall.db, or $LANDFALL_DB); or\n"
           "                    postgresql://…?timeout=S&connect_timeout=S: no exchange with\n"
           "                    PostgreSQL waits longer (default 30 s without a byte, 5 s to\n"
           "                    connect; docs/scale-out.md)\n"
           "  --workspace NAME  the workspace (default \"default\", or $LANDFALL_WORKSPACE)\n"
           "                    both also accepted after the command\n"
           "  --version    print the version\n"
           "\n"
           "exit codes: 0 success, 1 some input rows rejected, 2 usage error,\n"
           "            3 nothing imported, 4 not found (an account, a model, a file: the\n"
           "            API's 404) or a store or system failure\n"
           "\n"
           "'landfall help COMMAND' shows a command's options.\n");
}

int cmd_help(int argc, char **argv, const struct cli_env *env)
{
    (void)env;
    if (argc < 2) {
        overview();
        return EXIT_OK;
    }
    if (cli_is_help(argv[1])) {
        cmd_help_help(stdout);
        return EXIT_OK;
    }
    for (const struct cli_cmd *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0) {
            c->help(stdout);
            return EXIT_OK;
        }
    return cli_usage(NULL, "'%s' is not a landfall command", argv[1]);
}
