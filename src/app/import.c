/* import.c - the import use case: kind names, and a file into the handle's workspace. */
#include <string.h>

#include "app.h"
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
    if (!ingest_kind_name(kind))
        return err_set(err, LF_EUSAGE, "%d is not an import kind", kind);
    return ingest_file(lf->st, lf->ws, kind, path, opts ? opts : &defaults, out, err);
}
