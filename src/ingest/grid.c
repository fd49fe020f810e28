/* grid.c - a CSV file read whole into strings, for tables that are not resources (ingest.h). */
#include "ingest_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

struct gather {
    const char *path;
    struct buf data;   /* every field, each followed by a NUL */
    size_t *offsets;   /* where each field starts in data */
    size_t fields, fields_cap;
    size_t *lines;
    size_t records, lines_cap;
    size_t cols;
};

static int on_record(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct gather *g = ctx;
    if (rec->error)
        return err_set(err, LF_EINVAL, "'%s' line %zu: %s", g->path, rec->line, rec->error);
    if (g->records == 0)
        g->cols = rec->nr;
    else if (rec->nr != g->cols)
        return err_set(err, LF_EINVAL, "'%s' line %zu: %zu fields, the header has %zu", g->path,
                       rec->line, rec->nr, g->cols);
    g->offsets = xgrow(g->offsets, sizeof(*g->offsets), g->fields + rec->nr, &g->fields_cap);
    for (size_t i = 0; i < rec->nr; i++) {
        g->offsets[g->fields++] = g->data.len;
        buf_add(&g->data, rec->fields[i].ptr, rec->fields[i].len);
        buf_addc(&g->data, '\0');
    }
    g->lines = xgrow(g->lines, sizeof(*g->lines), g->records + 1, &g->lines_cap);
    g->lines[g->records++] = rec->line;
    return 0;
}

int ingest_grid_read(const char *path, struct ingest_grid *out, struct lf_err *err)
{
    struct gather g = {.path = path};
    int rc = -1;
    *out = (struct ingest_grid){0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        char why[128];
        int e = errno;
        return err_set(err, e == ENOENT ? LF_ENOENT : LF_EINVAL, "cannot open '%s': %s", path,
                       ingest_strerror(e, why));
    }
    if (csv_read(f, NULL, on_record, &g, err) < 0) {
        if (err && !strstr(err->msg, path))
            err_prefix(err, "'%s'", path);
        goto out;
    }
    if (g.records == 0) {
        err_set(err, LF_EINVAL, "'%s' is empty: a header is needed", path);
        goto out;
    }
    out->cols = g.cols;
    out->rows = g.records - 1;
    out->data = buf_detach(&g.data);
    const char **all = xmalloc((g.fields ? g.fields : 1) * sizeof(*all));
    for (size_t i = 0; i < g.fields; i++)
        all[i] = out->data + g.offsets[i];
    out->header = all;
    out->cells = all + g.cols;
    out->lines = xmalloc(g.records * sizeof(*out->lines));
    memcpy(out->lines, g.lines + 1, out->rows * sizeof(*out->lines));
    rc = 0;
out:
    fclose(f);
    buf_release(&g.data);
    free(g.offsets);
    free(g.lines);
    return rc;
}

void ingest_grid_release(struct ingest_grid *g)
{
    free((void *)g->header);
    free(g->lines);
    free(g->data);
    *g = (struct ingest_grid){0};
}
