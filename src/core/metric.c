/* metric.c - lf_metric: a metric of the registry computed over one read snapshot of the store
 * (and the analytics engine, caught up with it first), its periods cut in the workspace's time
 * zone. */
#include <string.h>

#include "base/buf.h"
#include "core.h"
#include "metrics/metrics.h"
#include "report/table.h"

static int unknown(const char *name, struct lf_err *err)
{
    struct buf all = BUF_INIT;
    for (size_t i = 0; metric_defs[i]; i++)
        buf_addf(&all, "%s%s", i ? ", " : "", metric_defs[i]->name);
    err_set(err, LF_EUSAGE, "'%s' is not a metric; the metrics are %s", name, buf_str(&all));
    buf_release(&all);
    return -1;
}

int lf_metric(struct lf *lf, const char *name, const struct lf_args *args, struct lf_table **out,
              struct lf_err *err)
{
    const struct metric_def *def = metric_find(name);
    *out = NULL;
    if (!def)
        return unknown(name, err);
    struct metric_ctx c = {.def = def,
                           .ws = lf->w->info.id,
                           .tz = core_tz(lf),
                           .from = LF_UNSET,
                           .to = LF_UNSET};
    struct lf_table *t = NULL;
    int ret = -1;
    if (metric_args(&c, args, err) < 0)
        goto out;
    if (!(c.st = core_read_begin(lf, err)))
        goto out;
    /* an account named by a filter must exist: a typo is not an empty result */
    for (size_t i = 0; i < c.where_nr; i++) {
        struct value key = {.s = c.where[i].value};
        int64_t id;
        int found = c.where[i].dim == DIM_ACCOUNT
                        ? store_find(c.st, c.ws, &resource_accounts, &key, &id, err)
                        : 1;
        if (found < 0)
            goto out;
        if (!found) {
            err_set_field(err, "account", LF_ENOENT, "no account '%s'", c.where[i].value);
            goto out;
        }
    }
    if ((def->needs & NEEDS_ENGINE) && core_engine(lf, c.st, &c.e, err) < 0)
        goto out;
    t = table_new(def->name);
    table_set_time_zone(t, tz_name(c.tz));
    if (def->compute(&c, t, err) < 0)
        goto out;
    *out = t;
    t = NULL;
    ret = 0;
out:
    core_read_end(lf, c.st);
    lf_table_free(t);
    metric_ctx_release(&c);
    return ret;
}
