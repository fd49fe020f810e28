/* cmd_workspace.c - `landfall workspace [--time-zone ZONE]`: what the workspace is, and the
 * IANA time zone its days, weeks and months are cut in. */
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall workspace [--time-zone ZONE] [--locale LOCALE] [--currency CODE]\n"
    "                          [--milestone EVENT] [--json]\n"
    "\n"
    "Shows the workspace (--workspace, default \"default\"): its name, id, store, time zone and\n"
    "the dashboard's settings. With --time-zone, sets the zone first: an IANA name such as\n"
    "Europe/Berlin or America/New_York (default UTC). Every metric cuts its days, Monday weeks,\n"
    "months, quarters and years at local midnight in it, DST included, and says which zone it\n"
    "used. --locale (BCP 47, default en-US) and --currency (ISO 4217, default USD) are how the\n"
    "dashboard writes figures; --milestone is the event that marks value, which its product\n"
    "usage page shows the time to (\"\" unsets it).\n";

void cmd_workspace_help(FILE *out)
{
    fputs(help_text, out);
}

/* A JSON string (null when empty): an event name may hold quotes. */
static void json_text(const char *s)
{
    if (!*s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

int cmd_workspace(int argc, char **argv, const struct cli_env *env)
{
    static const char *const names[] = {"locale", "currency", "milestone"};
    const char *tz = NULL, *set[3] = {NULL, NULL, NULL};
    bool json = false, setting = false;
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        while (k < 3 && !(argv[i][0] == '-' && argv[i][1] == '-' && !strcmp(argv[i] + 2, names[k])))
            k++;
        if (strcmp(argv[i], "--time-zone") == 0 && i + 1 < argc)
            tz = argv[++i];
        else if (k < 3 && i + 1 < argc)
            set[k] = argv[++i], setting = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage("workspace", "unexpected argument '%s'", argv[i]);
    }
    struct lf *lf;
    struct lf_err err = {0};
    int rc = cli_open(env, !tz && !setting, NULL, &lf);
    if (rc)
        return rc;
    if (tz && lf_workspace_set_tz(lf, tz, &err) < 0) {
        lf_close(lf);
        return err.code == LF_EINVAL ? cli_usage("workspace", "--time-zone: %s", err.msg)
                                     : cli_fail(&err);
    }
    for (size_t k = 0; k < 3; k++)
        if (set[k] && lf_settings_set(lf, names[k], set[k], &err) < 0) {
            lf_close(lf);
            return err.code == LF_EINVAL ? cli_usage("workspace", "--%s: %s", names[k], err.msg)
                                         : cli_fail(&err);
        }
    char value[3][300];
    for (size_t k = 0; k < 3; k++)
        if (lf_setting(lf, names[k], value[k], sizeof(value[k]), &err) < 0) {
            lf_close(lf);
            return cli_fail(&err);
        }
    struct lf_workspace_info in;
    lf_workspace_info(lf, &in);
    if (json) {
        printf("{\"name\": \"%s\", \"id\": %lld, \"store\": \"%s\", \"time_zone\": \"%s\", "
               "\"locale\": \"%s\", \"currency\": \"%s\", \"milestone\": ",
               in.name, (long long)in.id, in.store, in.time_zone, value[0], value[1]);
        json_text(value[2]);
        puts("}");
    } else
        printf("workspace  %s (id %lld)\nstore      %s\ntime zone  %s\nlocale     %s\n"
               "currency   %s\nmilestone  %s\n",
               in.name, (long long)in.id, in.store, in.time_zone, value[0], value[1],
               value[2][0] ? value[2] : "(none)");
    lf_close(lf);
    return EXIT_OK;
}
