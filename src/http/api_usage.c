/* api_usage.c - the analytics engine over HTTP: GET /v1/usage (the list), /v1/usage/NAME,
 * /v1/cohorts and /v1/survival, answering the documents `landfall usage NAME --json`,
 * `landfall cohorts --json` and `landfall survival --json` print. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

#define MAX_DAYS 32

/* The query parameters every engine endpoint shares, and the storage they point into. */
struct usage_params {
    struct lf_usage_opts o;
    int days[MAX_DAYS];
};

static int days_param(struct http_req *r, struct usage_params *p)
{
    const char *v = http_query(r, "days");
    if (!v)
        return 0;
    const char *s = v;
    while (*s) {
        char *end;
        errno = 0;
        long d = strtol(s, &end, 10);
        if (end == s || errno || d < 1 || d > 3650 || (*end && *end != ',') ||
            p->o.days_nr == MAX_DAYS) {
            http_fail(r, HE_BAD_REQUEST, "days", "'days' must be up to %d day counts, "
                      "comma-separated, such as 7,30,90", MAX_DAYS);
            return -1;
        }
        p->days[p->o.days_nr++] = (int)d;
        s = *end ? end + 1 : end;
    }
    p->o.days = p->days;
    return 0;
}

static int params(struct http_req *r, struct usage_params *p)
{
    memset(p, 0, sizeof(*p));
    p->o.by = http_query(r, "by");
    p->o.account = http_query(r, "account");
    p->o.milestone = http_query(r, "milestone");
    p->o.basis = http_query(r, "basis");
    p->o.level = http_query(r, "level");
    p->o.start = http_query(r, "start");
    const char *median = http_query(r, "median");
    p->o.median = median && (!strcmp(median, "true") || !strcmp(median, "1"));
    if (http_time_param(r, "from", &p->o.from_ms) < 0 ||
        http_time_param(r, "to", &p->o.to_ms) < 0 || http_time_param(r, "now", &p->o.now_ms) < 0)
        return -1;
    return days_param(r, p);
}

void api_usage_list(struct http_req *r)
{
    http_names(r, "metrics", lf_usage_names, lf_usage_describe);
}

/* Runs one of the engine's use cases and answers its table. */
static void answer(struct http_req *r, const struct usage_params *p,
                   int (*run)(struct lf *, const char *, const struct lf_usage_opts *,
                              struct lf_table **, struct lf_err *),
                   const char *name)
{
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    struct lf *lf = http_lf(r);
    if (!lf)
        return;
    if (run(lf, name, &p->o, &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

void api_usage_get(struct http_req *r)
{
    struct usage_params p;
    if (!lf_usage_describe(r->params[0])) {
        http_fail(r, HE_NOT_FOUND, NULL, "'%s' is not a usage metric; GET /v1/usage lists them",
                  r->params[0]);
        return;
    }
    if (params(r, &p) == 0)
        answer(r, &p, lf_usage, r->params[0]);
}

static int run_cohorts(struct lf *lf, const char *name, const struct lf_usage_opts *o,
                       struct lf_table **out, struct lf_err *err)
{
    (void)name;
    return lf_cohorts(lf, o, out, err);
}

static int run_survival(struct lf *lf, const char *name, const struct lf_usage_opts *o,
                        struct lf_table **out, struct lf_err *err)
{
    (void)name;
    return lf_survival(lf, o, out, err);
}

void api_cohorts(struct http_req *r)
{
    struct usage_params p;
    if (params(r, &p) == 0)
        answer(r, &p, run_cohorts, NULL);
}

void api_survival(struct http_req *r)
{
    struct usage_params p;
    if (params(r, &p) == 0)
        answer(r, &p, run_survival, NULL);
}
