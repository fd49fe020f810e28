/* metric.c - lf_metric: a metric of the registry computed over one read snapshot of the store
 * (and the analytics engine, caught up with it first), its periods cut in the workspace's time
 * zone. */
#include <stdlib.h>
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
    struct metric_ctx c = {.def = def, .ws = lf->w->info.id, .from = LF_UNSET, .to = LF_UNSET};
    struct lf_table *t = NULL;
    int ret = -1;
    /* what other processes changed first: the workspace's zone among it */
    if (!(c.st = core_read_begin(lf, err)) || core_feed_publish(lf->w, c.st, err) < 0)
        goto out;
    c.tz = core_tz(lf);
    if (metric_args(&c, args, err) < 0)
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
    if (def->needs & NEEDS_CACHE)
        c.cache = &lf->w->caches[metric_index(def->cache_of ? def->cache_of : def)];
    c.churn_risks = core_churn_risks;
    c.core = lf;
    if ((def->needs & LONG) && core_long_begin(lf, def->name, err) < 0)
        goto out;
    t = table_new(def->name);
    table_set_time_zone(t, tz_name(c.tz));
    int computed = def->compute(&c, t, err);
    if (def->needs & LONG)
        core_long_end(lf);
    if (computed < 0)
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

void lf_usage_cache_stats(struct lf *lf, struct lf_usage_cache_stats *out)
{
    struct usage_cache_stats s;
    usage_cache_stats(&lf->w->caches[metric_index(&metric_dau)], &s);
    *out = (struct lf_usage_cache_stats){s.periods_kept, s.periods_computed, s.answers_kept,
                                         s.answers_computed, s.entries, s.bytes};
}

/* ---- the registry as JSON (GET /v1/metrics, landfall metric --json) ---- */

static const char *const param_types[] = {
    [LF_PARAM_TIME] = "time",     [LF_PARAM_INT] = "integer", [LF_PARAM_REAL] = "number",
    [LF_PARAM_CHOICE] = "choice", [LF_PARAM_TEXT] = "text",   [LF_PARAM_INTS] = "integers",
    [LF_PARAM_BOOL] = "boolean",  [LF_PARAM_DIMS] = "dimensions", [LF_PARAM_FILTER] = "filter"};
static const char *const col_types[] = {[LF_COL_TEXT] = "text", [LF_COL_INT] = "integer",
                                        [LF_COL_REAL] = "number", [LF_COL_MONEY] = "money",
                                        [LF_COL_PERCENT] = "fraction"};

const char *lf_param_type_name(int type)
{
    return type >= 0 && type < (int)(sizeof(param_types) / sizeof(*param_types))
               ? param_types[type]
               : "?";
}

const char *lf_column_type_name(int type)
{
    return type >= 0 && type < (int)(sizeof(col_types) / sizeof(*col_types)) ? col_types[type]
                                                                               : "?";
}

static void add_str(struct buf *b, const char *s)
{
    buf_add_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void add_names(struct buf *b, const char *const *names)
{
    buf_addc(b, '[');
    for (size_t i = 0; names && names[i]; i++) {
        if (i)
            buf_adds(b, ", ");
        add_str(b, names[i]);
    }
    buf_addc(b, ']');
}

static void add_metric(struct buf *b, const struct lf_metric_info *m)
{
    buf_adds(b, "{\"name\": ");
    add_str(b, m->name);
    buf_adds(b, ", \"group\": ");
    add_str(b, m->group);
    buf_adds(b, ", \"summary\": ");
    add_str(b, m->summary);
    buf_adds(b, ", \"help\": ");
    add_str(b, m->help);
    buf_adds(b, ", \"params\": [");
    for (size_t i = 0; i < m->params_nr; i++) {
        const struct lf_param_info *p = &m->params[i];
        buf_adds(b, i ? ", {\"name\": " : "{\"name\": ");
        add_str(b, p->name);
        buf_adds(b, ", \"type\": ");
        add_str(b, lf_param_type_name(p->type));
        buf_adds(b, ", \"default\": ");
        add_str(b, p->dflt);
        buf_adds(b, ", \"help\": ");
        add_str(b, p->help);
        if (p->type == LF_PARAM_CHOICE) {
            buf_adds(b, ", \"choices\": ");
            add_names(b, p->choices);
        } else if (p->type == LF_PARAM_INT || p->type == LF_PARAM_REAL ||
                   p->type == LF_PARAM_INTS) {
            buf_addf(b, ", \"min\": %.17g, \"max\": %.17g", p->min, p->max);
        }
        buf_addc(b, '}');
    }
    buf_adds(b, "], \"dimensions\": ");
    add_names(b, m->dims);
    buf_adds(b, ", \"filters\": ");
    add_names(b, m->filters);
    buf_adds(b, ", \"columns\": [");
    for (size_t i = 0; i < m->columns_nr; i++) {
        buf_adds(b, i ? ", {\"name\": " : "{\"name\": ");
        add_str(b, m->columns[i].name);
        buf_adds(b, ", \"type\": ");
        add_str(b, lf_column_type_name(m->columns[i].type));
        buf_adds(b, ", \"help\": ");
        add_str(b, m->columns[i].help);
        buf_addc(b, '}');
    }
    buf_adds(b, "]}");
}

char *lf_metrics_json(void)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"metrics\": [");
    for (size_t i = 0; i < lf_metrics_count(); i++) {
        if (i)
            buf_adds(&b, ",\n  ");
        add_metric(&b, lf_metric_at(i));
    }
    buf_adds(&b, "]}");
    return buf_detach(&b);
}

