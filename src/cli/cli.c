/* cli.c - the edge's error translation (error code → exit code), opening a handle, and the
 * option helpers the subcommands share. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const struct lf_err *err)
{
    fprintf(stderr, "landfall: %s\n", err->msg);
    switch (err->code) {
    case LF_EUSAGE:
        return EXIT_USAGE;
    case LF_EINVAL:
        return EXIT_PARTIAL;
    default:
        return EXIT_FAILURE_;
    }
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("landfall: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nsee 'landfall help%s%s'\n", cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const char cli_engine_help[] =
    "  --snapshot PATH   the analytics engine's snapshot (default: the SQLite store's path +\n"
    "                    .engine; none for a PostgreSQL store unless given)\n"
    "  --no-snapshot     neither read nor write one: build the engine from the store\n"
    "  --threads N       the engine's worker threads (default: one per core)\n";

int cli_engine_option(const char *cmd, int argc, char **argv, int *i, struct cli_engine *e)
{
    const char *a = argv[*i];
    if (strcmp(a, "--no-snapshot") == 0) {
        e->no_snapshot = true;
        return 1;
    }
    if (strcmp(a, "--snapshot") != 0 && strcmp(a, "--threads") != 0)
        return 0;
    if (*i + 1 >= argc) {
        cli_usage(cmd, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (a[2] == 's') {
        e->snapshot = v;
        return 1;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 1 || n > 64) {
        cli_usage(cmd, "--threads '%s' is not a whole number from 1 to 64", v);
        return -1;
    }
    e->threads = (int)n;
    return 1;
}

int cli_open(const struct cli_env *env, bool must_exist, struct cli_engine *engine,
             struct lf **out)
{
    struct lf_err err = {0};
    struct lf_open_opts o = {.url = env->db,
                             .workspace = env->workspace,
                             .must_exist = must_exist,
                             .progress = true,
                             .warnings = stderr};
    if (engine) {
        o.threads = engine->threads;
        if (!engine->no_snapshot && engine->snapshot) {
            o.snapshot = engine->snapshot;
        } else if (!engine->no_snapshot && !strstr(env->db, "://")) {
            /* beside a store file; a server database has none unless --snapshot names one */
            const char *path = strncmp(env->db, "sqlite:", 7) == 0 ? env->db + 7 : env->db;
            snprintf(engine->snapshot_buf, sizeof(engine->snapshot_buf), "%s.engine", path);
            o.snapshot = engine->snapshot_buf;
        }
    }
    if (lf_open_with(&o, out, &err) < 0)
        return cli_fail(&err);
    return 0;
}

int cli_time(const char *cmd, const char *opt, const char *arg, int64_t *out)
{
    struct lf_err err = {0};
    if (lf_time_parse(arg, out, &err) < 0) {
        cli_usage(cmd, "%s %s", opt, err.msg);
        return -1;
    }
    return 0;
}
