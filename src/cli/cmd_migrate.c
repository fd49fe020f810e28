/* cmd_migrate.c - `landfall migrate [--status]`: brings the store's schema up to this
 * landfall's and says which migrations it applied, or only where the schema stands. */
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: landfall migrate [--status] [--json]\n"
    "\n"
    "Brings the store's schema (--db) up to this landfall's: applies the migrations it lacks,\n"
    "each in its own transaction, one process at a time (PostgreSQL: an advisory lock; SQLite:\n"
    "the write lock), and names them. Every command migrates the store it opens anyway; run\n"
    "this first when several `landfall serve` nodes share a PostgreSQL database, so that the\n"
    "nodes of a new version start on a schema that is ready (docs/scale-out.md). A missing\n"
    "SQLite file is created.\n"
    "\n"
    "  --status  only show where the schema stands and what is pending; changes nothing\n"
    "  --json    one JSON object: store, version, latest, applied (or pending)\n";

void cmd_migrate_help(FILE *out)
{
    fputs(help_text, out);
}

/* The names of migrations (from, to] of s, as a JSON array or separated by spaces. */
static void print_names(const struct lf_schema *s, int from, int to, bool json)
{
    if (json)
        putchar('[');
    for (int v = from; v < to && v < s->latest; v++)
        printf(json ? "%s\"%s\"" : "%s%s", v > from ? (json ? ", " : " ") : "", s->migrations[v]);
    if (json)
        putchar(']');
    else if (from >= to)
        fputs("none", stdout);
}

int cmd_migrate(int argc, char **argv, const struct cli_env *env)
{
    bool status = false, json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0)
            status = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage("migrate", "unexpected argument '%s'", argv[i]);
    }
    struct lf_schema before, after;
    struct lf_err err = {0};
    if (status ? lf_schema_read(env->db, &before, &err) < 0
               : lf_migrate(env->db, &before, &after, &err) < 0)
        return cli_fail(&err);
    if (status) {
        /* a store newer than this landfall has nothing pending here */
        int to = before.version < before.latest ? before.latest : before.version;
        if (json) {
            printf("{\"store\": \"%s\", \"version\": %d, \"latest\": %d, \"pending\": ",
                   before.store, before.version, before.latest);
            print_names(&before, before.version, to, true);
            puts("}");
        } else {
            printf("store    %s\nschema   version %d; this landfall's is %d%s\npending  ",
                   before.store, before.version, before.latest,
                   before.version > before.latest ? " (the store is newer: upgrade landfall)"
                                                  : "");
            print_names(&before, before.version, to, false);
            putchar('\n');
        }
        return EXIT_OK;
    }
    if (json) {
        printf("{\"store\": \"%s\", \"from\": %d, \"version\": %d, \"applied\": ", after.store,
               before.version, after.version);
        print_names(&after, before.version, after.version, true);
        puts("}");
    } else if (after.version == before.version) {
        printf("%s schema at version %d: up to date\n", after.store, after.version);
    } else {
        printf("%s schema from version %d to %d: ", after.store, before.version, after.version);
        print_names(&after, before.version, after.version, false);
        putchar('\n');
    }
    return EXIT_OK;
}
