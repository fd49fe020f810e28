/* cmd_keys.c - `landfall keys create|list|revoke`: the API keys of the HTTP server. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall keys create --scope write|read|admin|survey [--name NAME]\n"
    "       landfall keys list [--json|--csv]\n"
    "       landfall keys revoke PREFIX\n"
    "\n"
    "create prints a new key once: only its hash is stored, so keep it. A write key can only\n"
    "ingest (Segment's write key, PostHog's api_key); a read key reads reports and resources;\n"
    "an admin key can do everything.\n"
    "list shows every key's prefix, scope, name, creation and revocation time.\n"
    "revoke stops the key with that prefix (the first 11 characters, as 'list' shows them)\n"
    "at once, also for a running server.\n";

void cmd_keys_help(FILE *out)
{
    fputs(help_text, out);
}

static int create(int argc, char **argv, const struct cli_env *env)
{
    static const struct option opts[] = {{"scope", required_argument, NULL, 's'},
                                         {"name", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    int scope = -1, c, rc;
    const char *name = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 's' && (scope = lf_scope_parse(optarg)) < 0)
            return cli_usage("keys", "--scope is write, read, admin or survey, not '%s'", optarg);
        else if (c == 'n')
            name = optarg;
        else if (c != 's')
            return cli_usage("keys", "unknown option");
    }
    if (scope < 0)
        return cli_usage("keys", "'keys create' needs --scope write|read|admin|survey");
    if (optind < argc)
        return cli_usage("keys", "unexpected argument '%s'", argv[optind]);
    struct lf *lf;
    if ((rc = cli_open(env, false, NULL, &lf)) != 0)
        return rc;
    char key[LF_KEY_SIZE];
    struct lf_err err = {0};
    rc = lf_key_create(lf, scope, name, key, NULL, &err);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("%s\n", key);
    fprintf(stderr, "landfall: a %s key; it is not shown again\n", lf_scope_name(scope));
    return EXIT_OK;
}

static int list(int argc, char **argv, const struct cli_env *env)
{
    return cli_list("keys", lf_keys_list, argc, argv, env);
}

static int revoke(int argc, char **argv, const struct cli_env *env)
{
    int rc = cli_on_name("keys", "one key prefix", lf_key_revoke, argc, argv, env);
    if (rc == 0)
        printf("revoked %.*s\n", LF_KEY_PREFIX_LEN, argv[1]);
    return rc;
}

int cmd_keys(int argc, char **argv, const struct cli_env *env)
{
    static const struct cli_sub subs[] = {
        {"create", create}, {"list", list}, {"revoke", revoke}, {NULL, NULL}};
    return cli_sub_run("keys", subs, argc, argv, env);
}
