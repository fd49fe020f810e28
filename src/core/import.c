/* import.c - the import use case: kind names, and a file into the handle's workspace in one
 * write transaction (rolled back when --strict stops it or the file cannot be imported). */
#include <string.h>

#include "core.h"
#include "ingest/ingest.h"

int lf_kind_parse(const char *name)
{
    for (int k = 0; k < LF_KIND_NR; k++)
        if (strcmp(ingest_kind_name(k), name) == 0)
            return k;
    return -1;
}

const char *lf_kind_name(int kind)
{
    return ingest_kind_name(kind);
}

int lf_import_file(struct lf *lf, int kind, const char *path, const struct lf_import_opts *opts,
                   struct lf_import_result *out, struct lf_err *err)
{
    static const struct lf_import_opts defaults = {0};
    struct store *st;
    if (!ingest_kind_name(kind))
        return err_set(err, LF_EUSAGE, "%d is not an import kind", kind);
    if (!opts)
        opts = &defaults;
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (ingest_file(st, lf->w->info.id, kind, path, opts, out, err) < 0 || out->aborted) {
        core_tx_abort(lf->w->core);
        return out->aborted ? 0 : -1;
    }
    if (core_tx_commit_lf(lf, err) < 0) {
        if (out->rejected && opts->write_rejects)
            ingest_rejects_discard(path);
        return -1;
    }
    return 0;
}
