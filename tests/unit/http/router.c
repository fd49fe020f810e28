/* router.c - the route table's matching: parameters, trailing slashes, 404 versus 405; and the
 * error table (every failure has one status, per the list). */
#include <criterion/criterion.h>
#include <string.h>

#include "http/http_int.h"

static const struct route *find(const char *method, const char *path, bool *known,
                                char params[ROUTE_PARAMS][ROUTE_PARAM_MAX])
{
    return router_match(method, path, params, known);
}

Test(router, exact_and_trailing_slash)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    const struct route *rt = find("POST", "/v1/batch", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/v1/batch") == 0);
    /* PostHog's clients post to "/batch/" and "/capture/": the trailing slash is ignored */
    rt = find("POST", "/batch/", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/batch") == 0);
    rt = find("POST", "/i/v0/e/", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/i/v0/e") == 0);
    rt = find("POST", "/capture", &known, p);
    cr_assert(rt && rt->fn == api_posthog);
}

Test(router, parameters)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    const struct route *rt = find("GET", "/v1/reports/nps", &known, p);
    cr_assert(rt && rt->fn == api_reports_get);
    cr_assert_str_eq(p[0], "nps");
    cr_assert_null(find("GET", "/v1/reports/nps/extra", &known, p));
    cr_assert_not(known);
    /* "/v1/reports/" is the list (the slash is dropped), not the report "" */
    rt = find("GET", "/v1/reports/", &known, p);
    cr_assert(rt && rt->fn == api_reports_list);
}

Test(router, not_found_versus_method)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known = true;
    cr_assert_null(find("GET", "/v2/nothing", &known, p));
    cr_assert_not(known, "an unknown path is a 404");
    cr_assert_null(find("GET", "/v1/batch", &known, p));
    cr_assert(known, "a known path with another method is a 405");
    cr_assert_null(find("POST", "/", &known, p));
    cr_assert_null(find("POST", "", &known, p));
}

/* HTTP asks every server to take HEAD wherever it takes GET (RFC 9110, 9.1): a monitor's HEAD /
 * or HEAD /healthz was a 405 */
Test(router, head_is_get)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    const struct route *rt = find("HEAD", "/healthz", &known, p);
    cr_assert(rt && rt->fn == api_healthz);
    rt = find("HEAD", "/v1/accounts/a-1", &known, p);
    cr_assert(rt && rt->fn == api_resource_get && strcmp(rt->method, "GET") == 0);
    cr_assert_str_eq(p[0], "a-1");
    cr_assert_null(find("HEAD", "/v1/batch", &known, p), "no GET route, no HEAD");
    cr_assert(known);
}

/* A 405's Allow lists every method the path takes (RFC 9110, 15.5.6): it said "GET" of
 * /v1/followups/rules/x, which takes only PATCH, and "GET" of /v1/accounts/x, which also takes
 * PUT, PATCH and DELETE */
Test(router, allow)
{
    char allow[ROUTE_ALLOW_MAX];
    router_allow("/v1/followups/rules/x", allow);
    cr_assert_str_eq(allow, "PATCH");
    router_allow("/v1/accounts/x", allow);
    cr_assert_str_eq(allow, "GET, HEAD, PUT, PATCH, DELETE");
    router_allow("/v1/accounts", allow);
    cr_assert_str_eq(allow, "GET, HEAD, POST");
    router_allow("/v1/batch", allow);
    cr_assert_str_eq(allow, "POST");
    router_allow("/v1/session", allow);
    cr_assert_str_eq(allow, "GET, HEAD, POST, DELETE");
    router_allow("/v2/nothing", allow);
    cr_assert_str_eq(allow, "");
}

/* Every id the store takes (256 bytes, src/model/resource.c) can be named in a path: an
 * account of a 200-byte id was "no endpoint" when a segment held at most 127 bytes */
Test(router, long_ids)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX], path[300] = "/v1/accounts/";
    bool known;
    memset(path + 13, 'L', 256);
    path[13 + 256] = '\0';
    const struct route *rt = find("GET", path, &known, p);
    cr_assert(rt && rt->fn == api_resource_get);
    cr_assert_eq(strlen(p[0]), 256);
}

Test(router, every_row_reachable)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    cr_assert_gt(router_count(), 10);
    for (size_t i = 0; i < router_count(); i++) {
        const struct route *rt = &http_routes[i];
        /* each ':' segment becomes "x", the rest kept ("/v1/accounts/x/overview") */
        char path[128];
        size_t n = 0;
        for (const char *c = rt->pattern; *c && n + 2 < sizeof(path); c++) {
            if (*c == ':') {
                path[n++] = 'x';
                while (c[1] && c[1] != '/')
                    c++;
            } else {
                path[n++] = *c;
            }
        }
        path[n] = '\0';
        cr_assert_eq(find(rt->method, path, &known, p), rt, "%s %s", rt->method, rt->pattern);
    }
}

Test(errors, statuses)
{
    /* the statuses the issue names, each with its error code */
    cr_assert_eq(http_error_status(http_error_of(LF_EINVAL)), 422);
    cr_assert_eq(http_error_status(http_error_of(LF_EUSAGE)), 400);
    cr_assert_eq(http_error_status(http_error_of(LF_EAUTH)), 401);
    cr_assert_eq(http_error_status(http_error_of(LF_EPERM)), 403);
    cr_assert_eq(http_error_status(http_error_of(LF_ENOENT)), 404);
    cr_assert_eq(http_error_status(http_error_of(LF_ECONFLICT)), 409);
    cr_assert_eq(http_error_status(http_error_of(LF_ELIMIT)), 429);
    cr_assert_eq(http_error_status(http_error_of(LF_ESTORE)), 503);
    cr_assert_eq(http_error_status(http_error_of(999)), 500);
    cr_assert_eq(http_error_status(HE_TOO_LARGE), 413);
    cr_assert_eq(http_error_status(HE_MEDIA_TYPE), 415);
    cr_assert_eq(http_error_status(HE_METHOD), 405);
    for (int he = 0; he < HE_NR; he++)
        cr_assert(http_error_code(he) && http_error_status(he) >= 400, "row %d", he);
}

Test(errors, json_shape)
{
    struct http_req r = {0};
    http_fail(&r, HE_INVALID, "userId", "a \"quoted\" %s", "word");
    cr_assert_eq(r.status, 422);
    cr_assert_str_eq(buf_str(&r.resp), "{\"error\": {\"code\": \"invalid\", \"message\": "
                                       "\"a \\\"quoted\\\" word\", \"field\": \"userId\"}}");
    http_fail(&r, HE_NOT_FOUND, NULL, "gone");
    cr_assert_str_eq(buf_str(&r.resp),
                     "{\"error\": {\"code\": \"not_found\", \"message\": \"gone\"}}");
    buf_release(&r.resp);
}
