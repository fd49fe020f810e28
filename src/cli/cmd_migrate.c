/* cmd_migrate.c - `landfall migrate [--status]`: brings the store's schema up to this
 * landfall's and says which migrations it applied, or only where the schema stands;
 * `landfall migrate --from URL --to URL` copies a whole store into a new one and verifies it. */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "cli.h"

static const char help_text[] =
    "usage: landfall migrate [--status] [--json]\n"
    "       landfall migrate --from URL --to URL [--quiet]\n"
    "\n"
    "Brings the store's schema (--db) up to this landfall's: applies the migrations it lacks,\n"
    "each in its own transaction, one process at a time (PostgreSQL: an advisory lock; SQLite:\n"
    "the write lock), and names them. Every command migrates the store it opens anyway; run\n"
    "this first when several `landfall serve` nodes share a PostgreSQL database, so that the\n"
    "nodes of a new version start on a schema that is ready (docs/scale-out.md). A missing\n"
    "SQLite file is created.\n"
    "\n"
    "  --status  only show where the schema stands and what is pending; changes nothing\n"
    "  --json    one JSON object: store, version, latest, applied (or pending)\n"
    "\n"
    "With --from and --to, copies the whole store at --from (every workspace, key, change-log\n"
    "entry…; SQLite or PostgreSQL) into the store at --to, which must be new or empty, in one\n"
    "transaction with every id kept; then reads every table of the copy back and compares its\n"
    "rows and a checksum of them with the source's, and prints both. A failed copy leaves --to\n"
    "empty. Stop the servers writing to --from first: writes made during the copy are not in it.\n"
    "\n"
    "  --from URL  the store to copy (a path, sqlite:PATH, postgresql://…)\n"
    "  --to URL    the new store\n"
    "  --quiet     no progress bar (there is none when stderr is not a terminal)\n";

void cmd_migrate_help(FILE *out)
{
    fputs(help_text, out);
}

/* The names of migrations (from, to] of s, separated by spaces. */
static void print_names(const struct lf_schema *s, int from, int to)
{
    for (int v = from; v < to && v < s->latest; v++)
        printf("%s%s", v > from ? " " : "", s->migrations[v]);
    if (from >= to)
        fputs("none", stdout);
}

/* The same as a JSON array. */
static json_t *names_json(const struct lf_schema *s, int from, int to)
{
    json_t *a = json_array();
    for (int v = from; v < to && v < s->latest; v++)
        json_array_append_new(a, json_string(s->migrations[v]));
    return a;
}

/* Prints o on one line, taking it. */
static void print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_PRESERVE_ORDER);
    if (!text)
        abort(); /* only out of memory makes jansson fail here */
    puts(text);
    free(text);
    json_decref(o);
}

struct copy_progress {
    struct progress bar;
    char table[64];
    int64_t before; /* rows of the tables done */
};

static void copy_progress(void *ctx, const char *table, int64_t rows)
{
    struct copy_progress *p = ctx;
    if (strcmp(p->table, table) != 0) {
        p->before += (int64_t)p->bar.done;
        p->bar.done = 0;
        snprintf(p->table, sizeof(p->table), "%s", table);
    }
    progress_update(&p->bar, (uint64_t)(p->before + rows));
}

static int copy_store(const char *from, const char *to, bool quiet)
{
    struct lf_copy_report *rep = calloc(1, sizeof(*rep));
    struct copy_progress p = {0};
    struct lf_err err = {0};
    if (!rep)
        return cli_usage("migrate", "out of memory");
    progress_init(&p.bar, "copying rows", 0, !quiet);
    int rc = lf_store_copy(from, to, copy_progress, &p, rep, &err);
    p.bar.done = (uint64_t)p.before + p.bar.done;
    progress_finish(&p.bar);
    if (rc < 0) {
        free(rep);
        return cli_fail(&err);
    }
    printf("%-20s %12s  %s\n", "table", "rows", "checksum (source = copy)");
    for (size_t i = 0; i < rep->tables_nr; i++)
        printf("%-20s %12" PRId64 "  %016" PRIx64 "\n", rep->tables[i].name, rep->tables[i].rows,
               rep->tables[i].checksum);
    printf("copied %" PRId64 " rows of %zu tables into %s; every table read back and verified\n",
           rep->rows, rep->tables_nr, to);
    free(rep);
    return EXIT_OK;
}

int cmd_migrate(int argc, char **argv, const struct cli_env *env)
{
    bool status = false, json = false, quiet = false;
    const char *from = NULL, *into = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0)
            status = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = true;
        else if ((strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0) &&
                 i + 1 < argc)
            *(argv[i][2] == 'f' ? &from : &into) = argv[i + 1], i++;
        else
            return cli_usage("migrate", "unexpected argument '%s'", argv[i]);
    }
    if (from || into) {
        if (!from || !into)
            return cli_usage("migrate", "--from and --to go together");
        if (status || json)
            return cli_usage("migrate", "--from/--to copy a store; --status and --json do not "
                                        "apply");
        return copy_store(from, into, quiet);
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
            print_json(json_pack("{s:s, s:i, s:i, s:o}", "store", before.store, "version",
                                 before.version, "latest", before.latest, "pending",
                                 names_json(&before, before.version, to)));
        } else {
            printf("store    %s\nschema   version %d; this landfall's is %d%s\npending  ",
                   before.store, before.version, before.latest,
                   before.version > before.latest ? " (the store is newer: upgrade landfall)"
                                                  : "");
            print_names(&before, before.version, to);
            putchar('\n');
        }
        return EXIT_OK;
    }
    if (json) {
        print_json(json_pack("{s:s, s:i, s:i, s:o}", "store", after.store, "from", before.version,
                             "version", after.version, "applied",
                             names_json(&after, before.version, after.version)));
    } else if (after.version == before.version) {
        printf("%s schema at version %d: up to date\n", after.store, after.version);
    } else {
        printf("%s schema from version %d to %d: ", after.store, before.version, after.version);
        print_names(&after, before.version, after.version);
        putchar('\n');
    }
    return EXIT_OK;
}
