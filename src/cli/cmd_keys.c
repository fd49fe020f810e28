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
    int format = LF_FORMAT_TABLE, rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            format = LF_FORMAT_JSON;
        else if (strcmp(argv[i], "--csv") == 0)
            format = LF_FORMAT_CSV;
        else
            return cli_usage("keys", "unexpected argument '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = lf_keys_list(lf, &t, &err) < 0 || lf_table_write(t, format, stdout, &err) < 0;
    lf_table_free(t);
    lf_close(lf);
    return rc ? cli_fail(&err) : EXIT_OK;
}

static int revoke(int argc, char **argv, const struct cli_env *env)
{
    int rc;
    if (argc != 2)
        return cli_usage("keys", "'keys revoke' takes one key prefix");
    struct lf *lf;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = lf_key_revoke(lf, argv[1], &err);
    lf_close(lf);
    if (rc < 0)
        return cli_fail(&err);
    printf("revoked %.*s\n", LF_KEY_PREFIX_LEN, argv[1]);
    return EXIT_OK;
}

int cmd_keys(int argc, char **argv, const struct cli_env *env)
{
    if (argc < 2)
        return cli_usage("keys", "'keys' needs create, list or revoke");
    if (strcmp(argv[1], "create") == 0)
        return create(argc - 1, argv + 1, env);
    if (strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1, env);
    if (strcmp(argv[1], "revoke") == 0)
        return revoke(argc - 1, argv + 1, env);
    return cli_usage("keys", "'%s' is not a keys command (create, list, revoke)", argv[1]);
}
