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

/* The names of subs, "a, b, c", the last one after last_sep (", " or " or "). */
static void sub_names(const struct cli_sub *subs, const char *last_sep, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; subs[i].name && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s",
                              i == 0 ? "" : subs[i + 1].name ? ", " : last_sep, subs[i].name);
}

int cli_sub_run(const char *cmd, const struct cli_sub *subs, int argc, char **argv,
                const struct cli_env *env)
{
    char names[256];
    for (size_t i = 0; argc >= 2 && subs[i].name; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1, env);
    if (argc < 2) {
        sub_names(subs, " or ", names, sizeof(names));
        return cli_usage(cmd, "'%s' needs %s", cmd, names);
    }
    sub_names(subs, ", ", names, sizeof(names));
    return cli_usage(cmd, "'%s' is not a %s command (%s)", argv[1], cmd, names);
}

int cli_format_arg(const char *arg)
{
    return !strcmp(arg, "--json") ? LF_FORMAT_JSON : !strcmp(arg, "--csv") ? LF_FORMAT_CSV : -1;
}

int cli_table_out(int rc, struct lf_table *t, int format, struct lf *lf, struct lf_err *err)
{
    if (rc == 0)
        rc = lf_table_write(t, format, stdout, err);
    lf_table_free(t);
    lf_close(lf);
    return rc < 0 ? cli_fail(err) : EXIT_OK;
}

int cli_list(const char *cmd, int (*list)(struct lf *lf, struct lf_table **out, struct lf_err *err),
             int argc, char **argv, const struct cli_env *env)
{
    int format = LF_FORMAT_TABLE, rc;
    for (int i = 1; i < argc; i++) {
        if (cli_format_arg(argv[i]) < 0)
            return cli_usage(cmd, "unexpected argument '%s'", argv[i]);
        format = cli_format_arg(argv[i]);
    }
    struct lf *lf;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = list(lf, &t, &err);
    return cli_table_out(rc, t, format, lf, &err);
}

int cli_on_name(const char *cmd, const char *what,
                int (*fn)(struct lf *lf, const char *name, struct lf_err *err), int argc,
                char **argv, const struct cli_env *env)
{
    int rc;
    if (argc != 2)
        return cli_usage(cmd, "'%s %s' takes %s", cmd, argv[0], what);
    struct lf *lf;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, NULL, &lf)) != 0)
        return rc;
    rc = fn(lf, argv[1], &err);
    lf_close(lf);
    return rc < 0 ? cli_fail(&err) : 0;
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

int cli_time_local(struct lf *lf, const char *cmd, const char *opt, const char *arg, int64_t *out)
{
    struct lf_err err = {0};
    if (arg && lf_time_parse_local(lf, arg, out, &err) < 0) {
        cli_usage(cmd, "%s %s", opt, err.msg);
        return -1;
    }
    return 0;
}
