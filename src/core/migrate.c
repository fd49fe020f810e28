/* migrate.c - the store's schema: where it stands and bringing it up to this landfall's. Every
 * open migrates a store forward already; `landfall migrate` does it on purpose (before several
 * nodes of a new version start on one PostgreSQL database) and says what it did. And a whole
 * store copied into another (`landfall migrate --from … --to …`, SQLite → PostgreSQL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "core.h"

static const char *url_or_default(const char *url)
{
    if (!url || !*url)
        url = getenv("LANDFALL_DB");
    return url && *url ? url : "landfall.db";
}

static void schema_out(const struct store_schema *s, struct lf_schema *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->store, sizeof(out->store), "%s", s->engine);
    out->version = s->version;
    out->latest = s->latest;
    out->migrations = s->names;
}

int lf_schema_read(const char *url, struct lf_schema *out, struct lf_err *err)
{
    struct store_schema s;
    if (store_schema_read(url_or_default(url), &s, err) < 0)
        return -1;
    schema_out(&s, out);
    return 0;
}

int lf_migrate(const char *url, struct lf_schema *before, struct lf_schema *after,
               struct lf_err *err)
{
    url = url_or_default(url);
    struct store_open_opts so = {.create = true};
    struct store *st;
    struct lf_err why = {0};
    /* a missing SQLite file is made, as an empty PostgreSQL database is filled */
    if (lf_schema_read(url, before, &why) < 0) {
        if (why.code != LF_ENOENT) {
            *err = why;
            return -1;
        }
        struct store_schema none = {"sqlite", 0, 0, NULL};
        schema_out(&none, before);
    }
    /* opening migrates, each migration in its transaction, one process at a time (PostgreSQL:
     * an advisory lock; SQLite: the write lock); another may have done some meanwhile */
    if (store_open(url, &so, &st, err) < 0)
        return -1;
    store_free(st);
    return lf_schema_read(url, after, err);
}

int lf_store_copy(const char *from_url, const char *to_url,
                  void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx,
                  struct lf_copy_report *out, struct lf_err *err)
{
    struct store_open_opts existing = {.create = false}, create = {.create = true};
    struct store *from = NULL, *to = NULL;
    struct store_copy_report *rep = xcalloc(1, sizeof(*rep));
    int rc = -1;
    memset(out, 0, sizeof(*out));
    if (store_open(from_url, &existing, &from, err) < 0 ||
        store_open(to_url, &create, &to, err) < 0 ||
        store_copy(from, to, progress, ctx, rep, err) < 0)
        goto out;
    for (size_t i = 0; i < rep->nr && i < sizeof(out->tables) / sizeof(out->tables[0]); i++) {
        snprintf(out->tables[i].name, sizeof(out->tables[i].name), "%s", rep->table[i].name);
        out->tables[i].rows = rep->table[i].rows;
        out->tables[i].checksum = rep->table[i].sum;
        out->tables_nr++;
    }
    out->rows = rep->rows;
    rc = 0;
out:
    store_free(to);
    store_free(from);
    free(rep);
    return rc;
}
