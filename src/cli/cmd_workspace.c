/* cmd_workspace.c - `landfall workspace [--time-zone ZONE]`: what the workspace is, and the
 * IANA time zone its days, weeks and months are cut in. */
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall workspace [--time-zone ZONE] [--json]\n"
    "\n"
    "Shows the workspace (--workspace, default \"default\"): its name, id, store and time zone.\n"
    "With --time-zone, sets the zone first: an IANA name such as Europe/Berlin or\n"
    "America/New_York (default UTC). Every metric cuts its days, Monday weeks, months,\n"
    "quarters and years at local midnight in it, DST included, and says which zone it used.\n";

void cmd_workspace_help(FILE *out)
{
    fputs(help_text, out);
}

int cmd_workspace(int argc, char **argv, const struct cli_env *env)
{
    const char *tz = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--time-zone") == 0 && i + 1 < argc)
            tz = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage("workspace", "unexpected argument '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_err err = {0};
    int rc = cli_open(env, !tz, NULL, &lf);
    if (rc)
        return rc;
    if (tz && lf_workspace_set_tz(lf, tz, &err) < 0) {
        lf_close(lf);
        return err.code == LF_EINVAL ? cli_usage("workspace", "--time-zone: %s", err.msg)
                                     : cli_fail(&err);
    }
    struct lf_workspace_info in;
    lf_workspace_info(lf, &in);
    if (json)
        printf("{\"name\": \"%s\", \"id\": %lld, \"store\": \"%s\", \"time_zone\": \"%s\"}\n",
               in.name, (long long)in.id, in.store, in.time_zone);
    else
        printf("workspace  %s (id %lld)\nstore      %s\ntime zone  %s\n", in.name,
               (long long)in.id, in.store, in.time_zone);
    lf_close(lf);
    return EXIT_OK;
}
