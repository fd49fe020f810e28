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

/* A path is routed as sent: an account id holding a '/' (sent as %2F, as the dashboard's
 * encodeURIComponent writes it) is one parameter, decoded; so are other escapes; a '%' not
 * followed by two hex digits stays as it is; a static segment may come escaped too. */
Test(router, parameters_are_decoded_after_splitting)
{
    char p[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    const struct route *rt = find("GET", "/v1/accounts/acme%2Femea/overview", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/v1/accounts/:id/overview") == 0);
    cr_assert_str_eq(p[0], "acme/emea");
    rt = find("GET", "/v1/accounts/a%20b%3Cc%3E", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/v1/accounts/:id") == 0);
    cr_assert_str_eq(p[0], "a b<c>");
    rt = find("GET", "/v1/accounts/100%25%zz%4", &known, p);
    cr_assert(rt);
    cr_assert_str_eq(p[0], "100%%zz%4");
    rt = find("GET", "/v1/%61ccounts/x", &known, p);
    cr_assert(rt && strcmp(rt->pattern, "/v1/accounts/:id") == 0);
    /* a parameter of ROUTE_PARAM_MAX bytes or more, decoded, matches nothing */
    char longp[3 * ROUTE_PARAM_MAX + 32] = "/v1/accounts/";
    size_t at = strlen(longp);
    for (size_t i = 0; i < ROUTE_PARAM_MAX; i++, at += 3)
        memcpy(longp + at, "%41", 4);
    cr_assert_null(find("GET", longp, &known, p));
}
