/* demo.c - lf_demo: refuses a workspace holding data unless told to replace it, then generates
 * the demo business through write transactions of the handle's writer. */
#include "core.h"

#include "demo/demo.h"

static int sink_begin(void *ctx, struct store **st, struct lf_err *err)
{
    return core_tx_begin_lf(ctx, st, err);
}

static int sink_commit(void *ctx, struct lf_err *err)
{
    return core_tx_commit_lf(ctx, err);
}

static void sink_abort(void *ctx)
{
    core_tx_abort(((struct lf *)ctx)->w->core);
}

int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
            struct lf_err *err)
{
    struct lf_demo_opts o = *opts;
    struct store_counts c;
    struct store *st;
    if (demo_opts_resolve(&o, err) < 0 || core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    if (store_counts(st, lf->w->info.id, &c, err) < 0)
        goto fail;
    int64_t rows =
        c.accounts + c.contacts + c.mrr_changes + c.orders + c.events + c.touchpoints + c.responses;
    if (rows > 0 && !o.replace) {
        err_set(err, LF_EUSAGE,
                "the store already holds data (%lld accounts, %lld events); use --replace to "
                "delete it and generate the demo",
                (long long)c.accounts, (long long)c.events);
        goto fail;
    }
    if (rows > 0 && store_workspace_clear(st, lf->w->info.id, err) < 0)
        goto fail;
    if (core_tx_commit_lf(lf, err) < 0)
        return -1;
    struct demo_sink sink = {sink_begin, sink_commit, sink_abort, lf};
    return demo_generate(&sink, lf->w->info.id, &o, out, err);
fail:
    core_tx_abort(lf->w->core);
    return -1;
}
