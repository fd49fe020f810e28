/* api_reports.c - GET /v1/reports (the list) and GET /v1/reports/NAME: lf_report as JSON, the
 * same document as `landfall report NAME --json`; and the helpers every table endpoint uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

void http_names(struct http_req *r, const char *key, const char *const *names,
                const char *(*describe)(const char *name))
{
    r->status = 200;
    buf_addf(&r->resp, "{\"%s\": [", key);
    for (size_t i = 0; names[i]; i++) {
        const char *what = describe(names[i]);
        buf_adds(&r->resp, i ? ", {\"name\": " : "{\"name\": ");
        buf_add_json_str(&r->resp, names[i], strlen(names[i]));
        buf_adds(&r->resp, ", \"description\": ");
        buf_add_json_str(&r->resp, what ? what : "", what ? strlen(what) : 0);
        buf_adds(&r->resp, "}");
    }
    buf_adds(&r->resp, "]}");
}

void api_reports_list(struct http_req *r)
{
    http_names(r, "reports", lf_report_names, lf_report_describe);
}

int http_time_param(struct http_req *r, const char *name, int64_t *out)
{
    const char *v = http_query(r, name);
    struct lf_err err = {0};
    *out = 0;
    if (v && lf_time_parse(v, out, &err) < 0) {
        http_fail(r, HE_BAD_REQUEST, name, "%s", err.msg);
        return -1;
    }
    return 0;
}

void api_reports_get(struct http_req *r)
{
    const char *name = r->params[0];
    struct lf_report_opts opts = {.by = http_query(r, "by"), .survey = http_query(r, "survey")};
    struct lf_table *t = NULL;
    struct lf_err err = {0};
    if (!lf_report_describe(name)) {
        http_fail(r, HE_NOT_FOUND, NULL, "'%s' is not a report; GET /v1/reports lists them", name);
        return;
    }
    if (http_time_param(r, "from", &opts.from_ms) < 0 ||
        http_time_param(r, "to", &opts.to_ms) < 0 || http_time_param(r, "now", &opts.now_ms) < 0)
        return;
    const char *margin = http_query(r, "margin");
    if (margin) {
        char *end;
        errno = 0;
        opts.margin = strtod(margin, &end);
        if (end == margin || *end || errno || !(opts.margin > 0 && opts.margin <= 1)) {
            http_fail(r, HE_BAD_REQUEST, "margin", "'margin' must be a number in (0, 1]");
            return;
        }
    }
    struct lf *lf = http_lf(r);
    if (!lf)
        return;
    if (lf_report(lf, name, &opts, &t, &err) < 0) {
        http_fail_err(r, &err, err.code == LF_EUSAGE && opts.by ? "by" : NULL);
        return;
    }
    http_table(r, t);
}

void http_table(struct http_req *r, struct lf_table *t)
{
    struct lf_err err = {0};
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    if (!f) {
        lf_table_free(t);
        http_fail(r, HE_INTERNAL, NULL, "out of memory");
        return;
    }
    int rc = lf_table_write(t, LF_FORMAT_JSON, f, &err);
    fclose(f);
    lf_table_free(t);
    if (rc < 0) {
        http_fail_err(r, &err, NULL);
    } else {
        r->status = 200;
        buf_add(&r->resp, doc, len);
    }
    free(doc);
}
