/* openapi_query.c - the query parameters each route takes, read from the OpenAPI document, and
 * the check of a request's against them (http_int.h says why). */
#include "openapi_int.h"

#include <string.h>

#include "base/mem.h"

/* The description of one route's parameters. */
struct route_query {
    bool open;    /* takes any: checks its own, or ignores what it does not read */
    char **names; /* those it declares */
    size_t nr;
    char takes[320]; /* "takes limit, cursor", for the refusal */
};

struct http_queries {
    struct route_query *routes; /* in http_routes' order */
    size_t nr;
};

#define QUERY_MAX 128 /* parameters a route may declare (a resource's fields and its paging) */

static int route_query(struct doc *d, const struct route *rt, struct route_query *rq)
{
    rq->open = openapi_open_route(rt, openapi_decl_of(rt->fn));
    if (rq->open)
        return 0;
    size_t i, len = 0;
    json_t *p, *ps = json_object_get(openapi_operation(d, rt), "parameters");
    rq->names = xcalloc(json_array_size(ps) + 1, sizeof(*rq->names));
    json_array_foreach(ps, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "in")), "query") != 0)
            continue;
        const char *name = json_string_value(json_object_get(p, "name"));
        if (rq->nr == QUERY_MAX)
            return err_set(d->err, LF_EINTERNAL, "route '%s %s' declares over %d parameters",
                           rt->method, rt->pattern, QUERY_MAX);
        rq->names[rq->nr++] = xstrdup(name);
        len += strlen(name) + 2;
    }
    if (!rq->nr)
        snprintf(rq->takes, sizeof(rq->takes), "takes no query parameter");
    else if (len + 8 > sizeof(rq->takes))
        snprintf(rq->takes, sizeof(rq->takes), "takes those GET /openapi.json lists");
    else
        for (size_t k = 0, n = 0; k < rq->nr; k++)
            n += (size_t)snprintf(rq->takes + n, sizeof(rq->takes) - n, "%s%s", k ? ", " : "takes ",
                                  rq->names[k]);
    return 0;
}

int http_queries_new(struct http_queries **out, struct lf_err *err)
{
    struct doc d;
    struct http_queries *q = xcalloc(1, sizeof(*q));
    int rc = openapi_doc_build(&d, err);
    q->nr = router_count();
    q->routes = xcalloc(q->nr, sizeof(*q->routes));
    for (size_t i = 0; i < q->nr && rc == 0; i++)
        rc = route_query(&d, &http_routes[i], &q->routes[i]);
    json_decref(d.root);
    if (rc < 0) {
        http_queries_free(q);
        q = NULL;
    }
    *out = q;
    return rc;
}

void http_queries_free(struct http_queries *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nr; i++) {
        for (size_t k = 0; k < q->routes[i].nr; k++)
            free(q->routes[i].names[k]);
        free(q->routes[i].names);
    }
    free(q->routes);
    free(q);
}

struct given {
    const struct route_query *rq;
    bool seen[QUERY_MAX];
    const char *bad; /* the first parameter refused */
    bool twice;
};

static int given_param(void *ctx, const char *name, const char *value)
{
    (void)value;
    struct given *g = ctx;
    for (size_t i = 0; i < g->rq->nr; i++)
        if (strcmp(g->rq->names[i], name) == 0) {
            g->twice = g->seen[i];
            g->seen[i] = true;
            g->bad = g->twice ? name : NULL;
            return g->twice;
        }
    g->bad = name;
    return 1;
}

int http_queries_check(const struct http_queries *q, struct http_req *r)
{
    struct given g = {.rq = &q->routes[r->route - http_routes]};
    if (g.rq->open)
        return 0;
    http_query_each(r, given_param, &g);
    if (!g.bad)
        return 0;
    if (g.twice)
        http_fail(r, HE_BAD_REQUEST, g.bad, "'%.64s' is given twice", g.bad);
    else
        http_fail(r, HE_BAD_REQUEST, g.bad, "'%.64s' is not a parameter of %s %s, which %s", g.bad,
                  r->route->method, r->route->pattern, g.rq->takes);
    return -1;
}
