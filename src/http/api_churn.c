/* api_churn.c - the churn model over HTTP: train and list its versions (/v1/churn/models), the
 * risk of every paying account (/v1/churn/scores) and one account's explanation
 * (/v1/accounts/ID/churn); each the document its `landfall churn` command prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http_int.h"

/* ?name= as a whole number in [lo, hi] into *out (unchanged when absent): 0, or -1 with the
 * 400 answer set. */
static int whole(struct http_req *r, const char *name, long long lo, long long hi, long long *out)
{
    const char *v = http_query(r, name);
    if (!v)
        return 0;
    int64_t n;
    if (text_int(v, &n) < 0 || n < lo || n > hi) {
        http_fail(r, HE_BAD_REQUEST, name, "'%s' is not a whole number from %lld to %lld", v, lo,
                  hi);
        return -1;
    }
    *out = n;
    return 0;
}

/* ?now= (ISO 8601 or unix seconds) into *out (unchanged when absent). */
static int now_of(struct http_req *r, int64_t *out)
{
    const char *v = http_query(r, "now");
    struct lf_err err = {0};
    if (v && lf_time_parse_local(http_lf(r), v, out, &err) < 0) {
        http_fail(r, HE_BAD_REQUEST, "now", "%s", err.msg);
        return -1;
    }
    return 0;
}

/* Appends t as `landfall … --json` writes it (without its trailing newline); frees t. */
static int add_table(struct buf *b, struct lf_table *t, struct lf_err *err)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    int rc = -1;
    if (f) {
        rc = lf_table_write(t, LF_FORMAT_JSON, f, err);
        fclose(f);
    } else {
        err->code = LF_EINTERNAL;
        snprintf(err->msg, sizeof(err->msg), "out of memory");
    }
    lf_table_free(t);
    while (rc == 0 && len && (doc[len - 1] == '\n' || doc[len - 1] == ' '))
        len--;
    if (rc == 0)
        buf_add(b, doc, len);
    free(doc);
    return rc;
}

void api_churn_models_list(struct http_req *r)
{
    struct lf_table *t;
    struct lf_err err = {0};
    if (lf_churn_models(http_lf(r), &t, &err) < 0)
        http_fail_err(r, &err, NULL);
    else
        http_table(r, t);
}

void api_churn_train(struct http_req *r)
{
    struct lf_churn_train_opts o = {0};
    struct lf_churn_report rep;
    struct lf_err err = {0};
    long long horizon = 90, snapshots = 24, seed = 0, min = 10;
    if (whole(r, "horizon", 1, 3650, &horizon) < 0 ||
        whole(r, "snapshots", 2, 240, &snapshots) < 0 ||
        whole(r, "seed", 0, INT64_MAX, &seed) < 0 ||
        whole(r, "min_churners", 1, 1000000, &min) < 0 || now_of(r, &o.now) < 0)
        return;
    o.horizon_ms = horizon * 86400000LL;
    o.snapshots = (int)snapshots;
    o.seed = (uint64_t)seed;
    o.min_churners = (int)min;
    if (lf_churn_train(http_lf(r), &o, &rep, &err) < 0) {
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
        return;
    }
    struct buf b = BUF_INIT;
    buf_addf(&b, "{\"version\": %lld, \"summary\": ", (long long)rep.version);
    int rc = add_table(&b, rep.summary, &err);
    rep.summary = NULL;
    buf_adds(&b, ", \"calibration\": ");
    rc = rc < 0 ? rc : add_table(&b, rep.calibration, &err);
    rep.calibration = NULL;
    buf_adds(&b, ", \"riskiest_held_out\": ");
    rc = rc < 0 ? rc : add_table(&b, rep.drivers, &err);
    rep.drivers = NULL;
    buf_adds(&b, "}");
    lf_churn_report_release(&rep);
    if (rc < 0) {
        http_fail_err(r, &err, NULL);
    } else {
        r->status = 201;
        buf_add(&r->resp, b.ptr, b.len);
    }
    buf_release(&b);
}

static int score_opts(struct http_req *r, struct lf_churn_score_opts *o)
{
    long long model = 0, drivers = 3, limit = 0;
    *o = (struct lf_churn_score_opts){0};
    if (whole(r, "model", 1, INT64_MAX, &model) < 0 || whole(r, "drivers", 1, 50, &drivers) < 0 ||
        whole(r, "limit", 1, INT64_MAX, &limit) < 0 || now_of(r, &o->now) < 0)
        return -1;
    o->version = model;
    o->drivers = (int)drivers;
    o->limit = limit;
    return 0;
}

void api_churn_scores(struct http_req *r)
{
    struct lf_churn_score_opts o;
    struct lf_table *t;
    struct lf_err err = {0};
    if (score_opts(r, &o) < 0)
        return;
    if (lf_churn_score(http_lf(r), &o, &t, &err) < 0)
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
    else
        http_table(r, t);
}

void api_churn_explain(struct http_req *r)
{
    struct lf_churn_score_opts o;
    struct lf_table *t;
    struct lf_err err = {0};
    double risk;
    int64_t version;
    if (score_opts(r, &o) < 0)
        return;
    if (lf_churn_explain(http_lf(r), r->params[0], &o, &risk, &version, &t, &err) < 0) {
        http_fail_err(r, &err, err.field[0] ? err.field : NULL);
        return;
    }
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"account\": ");
    buf_add_json_str(&b, r->params[0], strlen(r->params[0]));
    buf_addf(&b, ", \"risk\": %.10g, \"model\": %lld, \"features\": ", risk, (long long)version);
    int rc = add_table(&b, t, &err);
    buf_adds(&b, "}");
    if (rc < 0) {
        http_fail_err(r, &err, NULL);
    } else {
        r->status = 200;
        buf_add(&r->resp, b.ptr, b.len);
    }
    buf_release(&b);
}
