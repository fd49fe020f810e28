/* api_resources.c - the REST resources: GET and POST /v1/NAME, GET, PUT, PATCH and DELETE
 * /v1/NAME/:id, over lf_resource_*. Query parameters other than sort, cursor and limit filter. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http_int.h"

/* The resource a route serves: the path segment after "/v1/". */
static void resource_of(const struct http_req *r, char out[64])
{
    const char *name = r->route->pattern + strlen("/v1/");
    size_t n = strcspn(name, "/");
    if (n >= 64)
        n = 63;
    memcpy(out, name, n);
    out[n] = '\0';
}

static void answer(struct http_req *r, int status, char *json)
{
    http_json(r, status, json);
    free(json);
}

static void fail(struct http_req *r, const struct lf_err *err)
{
    http_fail_err(r, err, err->field[0] ? err->field : NULL);
}

#define MAX_FILTERS 8

struct filters {
    const char *names[MAX_FILTERS], *values[MAX_FILTERS];
    size_t nr;
    bool too_many;
};

static int add_filter(void *ctx, const char *name, const char *value)
{
    struct filters *f = ctx;
    if (!strcmp(name, "sort") || !strcmp(name, "cursor") || !strcmp(name, "limit"))
        return 0;
    if (f->nr == MAX_FILTERS) {
        f->too_many = true;
        return 1;
    }
    f->names[f->nr] = name;
    f->values[f->nr++] = value;
    return 0;
}

void api_resource_list(struct http_req *r)
{
    char name[64];
    struct filters f = {0};
    struct lf_list_query q = {.sort = http_query(r, "sort"), .cursor = http_query(r, "cursor")};
    struct lf_err err = {0};
    resource_of(r, name);
    if (http_page_limit(r, &q.limit) < 0)
        return;
    http_query_each(r, add_filter, &f);
    if (f.too_many) {
        http_fail(r, HE_BAD_REQUEST, NULL, "at most %d filters", MAX_FILTERS);
        return;
    }
    q.filter_names = f.names;
    q.filter_values = f.values;
    q.filters_nr = f.nr;
    struct lf *lf = http_lf(r);
    char *json = NULL;
    if (!lf)
        return;
    if (lf_resource_list(lf, name, &q, &json, &err) < 0) {
        /* A bad filter, sort or cursor is a malformed request, not an invalid body. */
        if (err.code == LF_EINVAL)
            http_fail(r, HE_BAD_REQUEST, err.field[0] ? err.field : NULL, "%s", err.msg);
        else
            fail(r, &err);
        return;
    }
    answer(r, 200, json);
}

void api_resource_get(struct http_req *r)
{
    char name[64], *json = NULL;
    struct lf_err err = {0};
    struct lf *lf = http_lf(r);
    resource_of(r, name);
    if (!lf)
        return;
    if (lf_resource_get(lf, name, r->params[0], &json, &err) < 0)
        fail(r, &err);
    else
        answer(r, 200, json);
}

static void write_row(struct http_req *r, const char *key, int mode)
{
    char name[64], *json = NULL;
    struct lf_err err = {0};
    bool created = false;
    struct lf *lf = http_lf(r);
    resource_of(r, name);
    if (!lf)
        return;
    if (lf_resource_write(lf, name, key, r->body, r->body_len, mode, &json, &created, &err) < 0)
        fail(r, &err);
    else
        answer(r, created ? 201 : 200, json);
}

void api_resource_create(struct http_req *r)
{
    write_row(r, NULL, LF_WRITE_CREATE);
}

void api_resource_replace(struct http_req *r)
{
    write_row(r, r->params[0], LF_WRITE_REPLACE);
}

void api_resource_merge(struct http_req *r)
{
    write_row(r, r->params[0], LF_WRITE_MERGE);
}

void api_resource_delete(struct http_req *r)
{
    char name[64], actor[300];
    struct lf_err err = {0};
    struct lf *lf = http_lf(r);
    resource_of(r, name);
    if (!lf)
        return;
    /* The audit log names the key that deleted, by its public prefix. */
    http_actor(r, actor);
    if (lf_resource_delete(lf, name, r->params[0], actor, &err) < 0) {
        fail(r, &err);
        return;
    }
    http_json(r, 200, "{\"deleted\": true}");
}

/* GET /v1/accounts/ID/overview?now=&days=: the account page's data in one answer. */
void api_account_overview(struct http_req *r)
{
    const char *now_text = http_query(r, "now"), *days_text = http_query(r, "days");
    int64_t now = 0;
    int64_t days = 0;
    char *json = NULL;
    struct lf_err err = {0};
    if (now_text && lf_time_parse_local(http_lf(r), now_text, &now, &err) < 0) {
        http_fail(r, HE_BAD_REQUEST, "now", "%s", err.msg);
        return;
    }
    if (days_text && (text_int(days_text, &days) < 0 || days < 1 || days > 3650)) {
        http_fail(r, HE_BAD_REQUEST, "days", "days is a whole number from 1 to 3650");
        return;
    }
    if (lf_account_overview(http_lf(r), r->params[0], now, (int)days, &json, &err) < 0) {
        fail(r, &err);
        return;
    }
    answer(r, 200, json);
}
