/* cmd_engine.c - `landfall engine rebuild|info|bench`: the analytics engine itself. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_engine_help[] =
    "usage: landfall engine rebuild|info|bench [--snapshot PATH | --no-snapshot] [--json | --csv]\n"
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
    "  --snapshot PATH   the snapshot (default: the store's path + .engine)\n"
    "  --no-snapshot     neither read nor write one\n"
    "  --threads N       worker threads (default: one per core)\n"
    "  --runs N          bench: runs of each query (default 5)\n"
    "  --now DATE        bench: the instant taken as now\n"
    "  --json, --csv, --db PATH: as for 'usage'\n";

static int run_rebuild(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
                       struct lf_err *err)
{
    return lf_engine_rebuild(lf, &u->o, out, err);
}

static int run_info(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
                    struct lf_err *err)
{
    return lf_engine_info(lf, &u->o, out, err);
}

static int run_bench(struct lf *lf, const struct usage_cli *u, struct lf_table **out,
                     struct lf_err *err)
{
    return lf_engine_bench(lf, &u->o, out, err);
}

int cmd_engine(int argc, char **argv, const char *db)
{
    struct usage_cli u;
    int rc = usage_parse("engine", argc, argv, db, cmd_engine_help, &u);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (u.args_nr != 1)
        return cli_usage("engine", "engine takes one of rebuild, info, bench");
    const char *what = u.args[0];
    usage_fn fn = strcmp(what, "rebuild") == 0 ? run_rebuild
                  : strcmp(what, "info") == 0  ? run_info
                  : strcmp(what, "bench") == 0 ? run_bench
                                               : NULL;
    if (!fn)
        return cli_usage("engine", "'%s' is not rebuild, info or bench", what);
    return usage_run("engine", &u, fn);
}
