/* api_keys.c - GET /v1/keys: the workspace's API keys (never the keys themselves), paged. */
#include <string.h>

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
