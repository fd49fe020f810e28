/* demo.c - lf_demo: refuses a workspace holding data unless told to replace it, then generates. */
#include "app.h"

#include "demo/demo.h"

int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
            struct lf_err *err)
{
    struct lf_demo_opts o = *opts;
    struct store_counts c;
    if (demo_opts_resolve(&o, err) < 0 || store_counts(lf->st, lf->ws, &c, err) < 0)
        return -1;
    int64_t rows =
        c.accounts + c.contacts + c.mrr_changes + c.orders + c.events + c.touchpoints + c.responses;
    if (rows > 0 && !o.replace)
        return err_set(err, LF_EUSAGE,
                       "the store already holds data (%lld accounts, %lld events); "
                       "use --replace to delete it and generate the demo",
                       (long long)c.accounts, (long long)c.events);
    if (rows > 0) {
        if (store_begin(lf->st, err) < 0)
            return -1;
        if (store_workspace_clear(lf->st, lf->ws, err) < 0 || store_commit(lf->st, err) < 0) {
            store_rollback(lf->st);
            return -1;
        }
    }
    return demo_generate(lf->st, lf->ws, &o, out, err);
}
