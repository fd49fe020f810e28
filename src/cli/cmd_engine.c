/* cmd_engine.c - `landfall engine rebuild|info|bench`: the analytics engine itself. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall engine rebuild|info|bench [OPTIONS] [--json | --csv]\n"
    "\n"
    "The analytics engine is an in-memory copy of the usage events (docs/engine.md), built from\n"
    "the store and kept in a snapshot file next to it for a fast start.\n"
    "\n"
    "  rebuild   build it from the store now and write the snapshot; prints what it holds and\n"
    "            the seconds the build took\n"
    "  info      load it as the other commands do (snapshot, or the store) and print what it\n"
    "            holds: events, accounts, users, event names, the store's high-water mark\n"
    "            (the last event id it holds), bytes and bytes per event\n"
    "  bench     time the benchmark queries of bench/engine.sh (Q1 DAU per account over 30\n"
    "            days, Q2 weekly cohort retention, Q3 adoption breadth per account, Q4 the\n"
    "            portfolio) over the loaded engine: median and fastest of --runs runs\n"
    "\n"
    "options:\n"
    "  --runs N          bench: runs of each query (default 5)\n"
    "  --now DATE        bench: the instant taken as now\n"
    "  --json, --csv     output format, as for the metrics\n";

void cmd_engine_help(FILE *out)
{
    fputs(help_text, out);
    fputs(cli_engine_help, out);
}

int cmd_engine(int argc, char **argv, const struct cli_env *env)
{
    struct cli_engine engine = {0};
    const char *what = NULL;
    int format = LF_FORMAT_TABLE, runs = 0, rc;
    int64_t now = 0;
    const char *now_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((rc = cli_engine_option("engine", argc, argv, &i, &engine)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (strcmp(a, "--json") == 0) {
            format = LF_FORMAT_JSON;
        } else if (strcmp(a, "--csv") == 0) {
            format = LF_FORMAT_CSV;
        } else if (strcmp(a, "--now") == 0 && i + 1 < argc) {
            now_arg = argv[++i];
        } else if (strcmp(a, "--runs") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            long n = strtol(argv[++i], &end, 10);
            if (errno || *end || end == argv[i] || n < 1 || n > 1000)
                return cli_usage("engine", "--runs '%s' is not a whole number from 1 to 1000",
                                 argv[i]);
            runs = (int)n;
        } else if (a[0] == '-' || what) {
            return cli_usage("engine", "unexpected argument '%s'", a);
        } else {
            what = a;
        }
    }
    if (!what || (strcmp(what, "rebuild") && strcmp(what, "info") && strcmp(what, "bench")))
        return cli_usage("engine", "engine takes one of rebuild, info, bench");
    struct lf *lf;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if ((rc = cli_open(env, true, &engine, &lf)) != 0)
        return rc;
    if (cli_time_local(lf, "engine", "--now", now_arg, &now) < 0) {
        lf_close(lf);
        return EXIT_USAGE;
    }
    if (strcmp(what, "rebuild") == 0)
        rc = lf_engine_rebuild(lf, &t, &err);
    else if (strcmp(what, "info") == 0)
        rc = lf_engine_info(lf, &t, &err);
    else
        rc = lf_engine_bench(lf, now, runs, &t, &err);
    rc = rc < 0 ? cli_fail(&err) : lf_table_write(t, format, stdout, &err) < 0 ? cli_fail(&err)
                                                                               : EXIT_OK;
    lf_table_free(t);
    lf_close(lf);
    return rc;
}
