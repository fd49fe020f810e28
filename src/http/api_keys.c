/* api_keys.c - GET /v1/keys: the workspace's API keys (never the keys themselves), paged. */
#include <jansson.h>
#include <string.h>

#include "base/time.h"
#include "http_int.h"

static void add_text(struct buf *out, const struct lf_table *t, size_t row, size_t col)
{
    const char *v = lf_table_is_null(t, row, col) ? NULL : lf_table_text(t, row, col);
    if (v)
        buf_add_json_str(out, v, strlen(v));
    else
        buf_adds(out, "null");
}

void api_keys_list(struct http_req *r)
{
    struct http_page page;
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if (http_page_parse(r, &page) < 0)
        return;
    struct lf *lf = http_lf(r);
    if (!lf)
        return;
    if (lf_keys_list(lf, &t, &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    /* Columns of lf_keys_list: id, prefix, scope, name, created, revoked (ids ascending). */
    size_t n = 0, rows = lf_table_rows(t);
    int64_t last = 0;
    bool more = false;
    r->status = 200;
    buf_adds(&r->resp, "{\"data\": [");
    for (size_t i = 0; i < rows; i++) {
        int64_t id = lf_table_int(t, i, 0);
        if (id <= page.after)
            continue;
        if (n == page.limit) {
            more = true;
            break;
        }
        buf_addf(&r->resp, "%s{\"id\": %lld, \"prefix\": ", n ? ", " : "", (long long)id);
        add_text(&r->resp, t, i, 1);
        buf_adds(&r->resp, ", \"scope\": ");
        add_text(&r->resp, t, i, 2);
        buf_adds(&r->resp, ", \"name\": ");
        add_text(&r->resp, t, i, 3);
        buf_adds(&r->resp, ", \"created\": ");
        add_text(&r->resp, t, i, 4);
        buf_adds(&r->resp, ", \"revoked\": ");
        add_text(&r->resp, t, i, 5);
        buf_adds(&r->resp, "}");
        last = id;
        n++;
    }
    buf_adds(&r->resp, "], \"next_cursor\": ");
    if (more) {
        char cursor[32];
        http_page_cursor(last, cursor);
        buf_addf(&r->resp, "\"%s\"}", cursor);
    } else {
        buf_adds(&r->resp, "null}");
    }
    lf_table_free(t);
}

/* POST /v1/keys {"scope", "name"}: the key, shown this once, with its row. */
void api_keys_create(struct http_req *r)
{
    char key[LF_KEY_SIZE], created[32];
    struct lf_key info;
    struct lf_err err = {0};
    json_t *o = http_body_object(r);
    if (!o)
        return;
    json_t *s = json_object_get(o, "scope"), *n = json_object_get(o, "name");
    int scope = json_is_string(s) ? lf_scope_parse(json_string_value(s)) : -1;
    if (scope < 0) {
        json_decref(o);
        http_fail(r, HE_INVALID, "scope", "the scope is write, read, admin or survey");
        return;
    }
    if (n && !json_is_null(n) && (!json_is_string(n) || strlen(json_string_value(n)) > 200)) {
        json_decref(o);
        http_fail(r, HE_INVALID, "name", "the name is a string of at most 200 bytes");
        return;
    }
    const char *name = json_is_string(n) && *json_string_value(n) ? json_string_value(n) : NULL;
    if (lf_key_create(http_lf(r), scope, name, key, &info, &err) < 0) {
        json_decref(o);
        http_fail_err(r, &err, NULL);
        return;
    }
    time_format_iso(info.created_ms, created);
    r->status = 201;
    buf_addf(&r->resp, "{\"key\": \"%s\", \"id\": %lld, \"prefix\": \"%s\", \"scope\": \"%s\", "
                       "\"name\": ",
             key, (long long)info.id, info.prefix, lf_scope_name(info.scope));
    if (name)
        buf_add_json_str(&r->resp, name, strlen(name));
    else
        buf_adds(&r->resp, "null");
    buf_addf(&r->resp, ", \"created\": \"%s\", \"revoked\": null}", created);
    memset(key, 0, sizeof(key));
    json_decref(o);
}

/* DELETE /v1/keys/PREFIX */
void api_keys_revoke(struct http_req *r)
{
    struct lf_err err = {0};
    if (lf_key_revoke(http_lf(r), r->params[0], &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_json(r, 200, "{\"revoked\": true}");
}
