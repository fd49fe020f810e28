/* app.c - opening and closing the library handle; small shared entry points. */
#include "app.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"

int lf_open(const char *url, struct lf **out, struct lf_err *err)
{
    *out = NULL;
    struct lf *lf = xcalloc(1, sizeof(*lf));
    if (store_open(url, &lf->st, err) < 0 ||
        store_workspace_ensure(lf->st, "default", &lf->ws, err) < 0) {
        lf_close(lf);
        return -1;
    }
    *out = lf;
    return 0;
}

void lf_close(struct lf *lf)
{
    if (!lf)
        return;
    if (!lf->engine_borrowed)
        engine_free(lf->engine);
    store_free(lf->st);
    free(lf);
}

int lf_time_parse(const char *s, int64_t *ms_out, struct lf_err *err)
{
    const char *why = NULL;
    if (time_parse(s, strlen(s), ms_out, &why) < 0)
        return err_set(err, LF_EUSAGE, "'%s': %s", s, why);
    return 0;
}
