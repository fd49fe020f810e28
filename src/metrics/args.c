/* args.c - a metric's arguments, checked against its declaration: each value parsed by its
 * type and bounded, `by` and `where` against the metric's dimensions and filters. Every error
 * names the parameter (err->field), whichever front end the text came from. */
#include "metrics.h"

#include <string.h>

#include "base/buf.h"
#include "base/time.h"

static const int *list_find(const int *list, int v)
{
    for (; list && *list != DIM_END; list++)
        if (*list == v)
            return list;
    return NULL;
}

static int dim_parse(const char *s, size_t len)
{
    for (int d = 0; d < DIM_NR; d++)
        if (strlen(dim_names[d]) == len && strncmp(dim_names[d], s, len) == 0)
            return d;
    return -1;
}

static void names(const int *list, struct buf *out)
{
    for (; list && *list != DIM_END; list++)
        buf_addf(out, "%s%s", out->len ? ", " : "", dim_names[*list]);
}

static int bad(const char *field, struct lf_err *err, const char *fmt, const char *a,
               const char *b)
{
    return err_set_field(err, field, LF_EINVAL, fmt, a, b);
}

static int parse_time(const struct metric_ctx *c, const char *name, const char *v,
                      int64_t *out, struct lf_err *err)
{
    const char *why = NULL;
    if (tz_parse_time(c->tz, v, out, &why) < 0)
        return err_set_field(err, name, LF_EINVAL, "'%s': %s", v, why);
    if (*out < TIME_ASK_MIN_MS || *out >= TIME_ASK_END_MS)
        return err_set_field(err, name, LF_EINVAL,
                             "'%s' is outside 1970-01-01 .. 2199-12-31", v);
    return 0;
}

static int parse_int(const struct lf_param_info *p, const char *v, const char *end_ok,
                     int64_t *out, const char **next, struct lf_err *err)
{
    int64_t x;
    size_t n = text_int_prefix(v, &x);
    if (!n || (v[n] && !strchr(end_ok, v[n])))
        return bad(p->name, err, "'%s' is not a whole number", v, NULL);
    if ((double)x < p->min || (double)x > p->max)
        return err_set_field(err, p->name, LF_EINVAL, "%lld is outside %g..%g", (long long)x,
                             p->min, p->max);
    *out = x;
    if (next)
        *next = v + n;
    return 0;
}

static int parse_by(struct metric_ctx *c, const char *v, struct lf_err *err)
{
    const struct metric_def *d = c->def;
    const char *s = v;
    struct buf allowed = BUF_INIT;
    int ret = -1;
    names(d->dims, &allowed);
    c->by_nr = 0;
    for (;;) {
        size_t len = strcspn(s, ",");
        int dim = dim_parse(s, len);
        if (dim < 0 || !list_find(d->dims, dim)) {
            err_set_field(err, "by", LF_EINVAL, "'%.*s' is not a dimension of %s; by takes %s",
                          (int)len, s, d->name, allowed.len ? buf_str(&allowed) : "nothing");
            goto out;
        }
        if (c->by_nr == METRIC_BY_MAX) {
            err_set_field(err, "by", LF_EINVAL, "by takes at most %d dimensions",
                          METRIC_BY_MAX);
            goto out;
        }
        for (size_t k = 0; k < c->by_nr; k++)
            if (c->by[k] == dim || (dim_is_period(dim) && dim_is_period(c->by[k]))) {
                err_set_field(err, "by", LF_EINVAL, "'%s': %s", v,
                              c->by[k] == dim ? "a dimension is named twice"
                                              : "at most one period dimension");
                goto out;
            }
        c->by[c->by_nr++] = dim;
        if (!s[len])
            break;
        s += len + 1;
    }
    ret = 0;
out:
    buf_release(&allowed);
    return ret;
}

static int parse_where(struct metric_ctx *c, const char *name, const char *v,
                       struct lf_err *err)
{
    const char *eq = strchr(v, '=');
    int dim = eq ? dim_parse(v, (size_t)(eq - v)) : -1;
    if (!eq || dim < 0 || !list_find(c->def->filters, dim)) {
        struct buf allowed = BUF_INIT;
        names(c->def->filters, &allowed);
        err_set_field(err, name, LF_EINVAL, "'%s' is not FIELD=VALUE with a field of %s (%s)",
                      v, c->def->name, allowed.len ? buf_str(&allowed) : "none");
        buf_release(&allowed);
        return -1;
    }
    if (c->where_nr == METRIC_WHERE_MAX)
        return err_set_field(err, name, LF_EINVAL, "at most %d filters", METRIC_WHERE_MAX);
    c->where[c->where_nr++] = (struct metric_filter){dim, metric_keep(c, eq + 1)};
    return 0;
}

static int parse_own(struct metric_ctx *c, const struct lf_param_info *p, const char *v,
                     struct param_value *out, struct lf_err *err)
{
    out->given = true;
    out->s = metric_keep(c, v);
    switch (p->type) {
    case LF_PARAM_TIME:
        return parse_time(c, p->name, v, &out->i, err);
    case LF_PARAM_INT:
        return parse_int(p, v, "", &out->i, NULL, err);
    case LF_PARAM_REAL:
        /* a number as written in a query: strtod would also take " 1", "+1" and "0x1p0" */
        if (text_real(v, &out->r) < 0)
            return bad(p->name, err, "'%s' is not a number", v, NULL);
        if (out->r < p->min || out->r > p->max)
            return err_set_field(err, p->name, LF_EINVAL, "%s is outside %g..%g", v, p->min,
                                 p->max);
        return 0;
    case LF_PARAM_CHOICE:
        for (int i = 0; p->choices[i]; i++)
            if (strcmp(p->choices[i], v) == 0) {
                out->i = i;
                return 0;
            }
        {
            struct buf allowed = BUF_INIT;
            for (int i = 0; p->choices[i]; i++)
                buf_addf(&allowed, "%s%s", i ? ", " : "", p->choices[i]);
            err_set_field(err, p->name, LF_EINVAL, "'%s' is not one of %s", v,
                          buf_str(&allowed));
            buf_release(&allowed);
            return -1;
        }
    case LF_PARAM_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1"))
            out->i = 1;
        else if (!strcmp(v, "false") || !strcmp(v, "0"))
            out->i = 0;
        else
            return bad(p->name, err, "'%s' is not true or false", v, NULL);
        return 0;
    case LF_PARAM_INTS: {
        const char *s = v;
        out->ints_nr = 0;
        for (;;) {
            int64_t x;
            const char *next;
            if (out->ints_nr == p->max_items || out->ints_nr == METRIC_INTS_MAX)
                return err_set_field(err, p->name, LF_EINVAL, "at most %d values",
                                     p->max_items);
            if (parse_int(p, s, ",", &x, &next, err) < 0)
                return -1;
            out->ints[out->ints_nr++] = (int)x;
            if (!*next)
                return 0;
            s = next + 1;
        }
    }
    default: /* TEXT */
        if (!*v)
            return bad(p->name, err, "'%s' cannot be empty", p->name, NULL);
        if (strlen(v) > 1024)
            return bad(p->name, err, "'%s' is longer than 1024 bytes", p->name, NULL);
        return 0;
    }
}

int metric_param(const struct metric_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->def->own_nr; i++)
        if (strcmp(c->def->own[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int unknown(const struct metric_ctx *c, const char *name, struct lf_err *err)
{
    struct buf all = BUF_INIT;
    const struct lf_metric_info *in = lf_metric_find(c->def->name);
    for (size_t i = 0; i < in->params_nr; i++)
        buf_addf(&all, "%s%s", i ? ", " : "", in->params[i].name);
    err_set_field(err, name, LF_EUSAGE, "%s takes no parameter '%s'; it takes %s", c->def->name,
                  name, buf_str(&all));
    buf_release(&all);
    return -1;
}

int metric_args(struct metric_ctx *c, const struct lf_args *args, struct lf_err *err)
{
    const struct metric_def *d = c->def;
    bool seen_common[8] = {0};
    static const char *const once[] = {"from", "to", "now", "by", "account"};
    int64_t now = 0;
    for (size_t i = 0; i < metric_args_count(args); i++) {
        const char *name, *v;
        metric_args_get(args, i, &name, &v);
        int own = metric_param(c, name);
        if (own >= 0) {
            if (c->p[own].given)
                return err_set_field(err, name, LF_EUSAGE, "'%s' is given twice", name);
            if (parse_own(c, &d->own[own], v, &c->p[own], err) < 0)
                return -1;
            continue;
        }
        if (!metric_common_param(name, d->common))
            return unknown(c, name, err);
        for (size_t k = 0; k < sizeof(once) / sizeof(once[0]); k++)
            if (strcmp(name, once[k]) == 0) {
                if (seen_common[k])
                    return err_set_field(err, name, LF_EUSAGE, "'%s' is given twice", name);
                seen_common[k] = true;
            }
        if (!strcmp(name, "from") || !strcmp(name, "to") || !strcmp(name, "now")) {
            int64_t *out = name[0] == 'f' ? &c->from : name[0] == 't' ? &c->to : &now;
            if (parse_time(c, name, v, out, err) < 0)
                return -1;
        } else if (!strcmp(name, "by")) {
            if (parse_by(c, v, err) < 0)
                return -1;
        } else if (!strcmp(name, "account")) {
            if (!*v)
                return bad(name, err, "'%s' cannot be empty", name, NULL);
            if (c->where_nr == METRIC_WHERE_MAX)
                return err_set_field(err, name, LF_EINVAL, "at most %d filters",
                                     METRIC_WHERE_MAX);
            c->where[c->where_nr++] = (struct metric_filter){DIM_ACCOUNT, metric_keep(c, v)};
        } else if (parse_where(c, name, v, err) < 0) {
            return -1;
        }
    }
    c->now = now ? now : time_now_ms();
    c->now_given = now != 0;
    if (c->from != LF_UNSET && c->to != LF_UNSET && c->from >= c->to)
        return err_set_field(err, "from", LF_EINVAL,
                             "the window is empty: from must be before to");
    return 0;
}
