/* api_text.c - POST /v1/text/analyze: the sentiment, emotions, topics and language of texts, as
 * `landfall text analyze --json` prints them. */
#include "http_int.h"

void api_text_analyze(struct http_req *r)
{
    struct lf_table *t;
    struct lf_err err = {0};
    if (lf_text_analyze_json(r->body ? r->body : "", r->body ? r->body_len : 0, &t, &err) < 0) {
        /* too many texts or too long a one: the body is too large for this endpoint */
        int he = err.code == LF_ELIMIT   ? HE_TOO_LARGE
                 : err.code == LF_EUSAGE ? HE_BAD_REQUEST
                                         : http_error_of(err.code);
        http_fail(r, he, err.field[0] ? err.field : NULL, "%s", err.msg);
        return;
    }
    r->items = lf_table_rows(t);
    http_table(r, t);
}
