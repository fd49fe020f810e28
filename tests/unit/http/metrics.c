/* metrics.c - the Prometheus exposition: counters by route and status, cumulative buckets. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/http_int.h"

Test(metrics, exposition)
{
    struct metrics *m = metrics_new(router_count());
    struct buf out = BUF_INIT;
    metrics_request(m, 0, 200, 0.0004); /* route 0 is GET /healthz */
    metrics_request(m, 0, 200, 0.003);
    metrics_request(m, 0, 503, 0.2);
    metrics_request(m, router_count(), 404, 0.0001);
    metrics_ingested(m, 98, 2, 1);
    metrics_commit(m, 3, 300, 0.004);
    metrics_write(m, &out);
    const char *s = buf_str(&out);
    cr_assert(strstr(s, "landfall_http_requests_total{route=\"/healthz\",method=\"GET\","
                        "status=\"200\"} 2\n"),
              "%s", s);
    cr_assert(strstr(s, "status=\"503\"} 1\n"));
    cr_assert(strstr(s, "landfall_http_requests_total{route=\"unmatched\",method=\"\","
                        "status=\"404\"} 1\n"));
    /* buckets are cumulative: 0.0004 ≤ 0.0005; 0.003 ≤ 0.005; 0.2 ≤ 0.25 */
    cr_assert(strstr(s, "landfall_http_request_duration_seconds_bucket{route=\"/healthz\","
                        "method=\"GET\",le=\"0.0005\"} 1\n"));
    cr_assert(strstr(s, "method=\"GET\",le=\"0.005\"} 2\n"));
    cr_assert(strstr(s, "method=\"GET\",le=\"0.1\"} 2\n"));
    cr_assert(strstr(s, "method=\"GET\",le=\"0.25\"} 3\n"));
    cr_assert(strstr(s, "method=\"GET\",le=\"+Inf\"} 3\n"));
    cr_assert(strstr(s, "landfall_http_request_duration_seconds_count{route=\"/healthz\","
                        "method=\"GET\"} 3\n"));
    cr_assert(strstr(s, "landfall_events_ingested_total 98\n"));
    cr_assert(strstr(s, "landfall_events_duplicate_total 2\n"));
    cr_assert(strstr(s, "landfall_items_rejected_total 1\n"));
    cr_assert(strstr(s, "landfall_store_commits_total 1\n"));
    cr_assert(strstr(s, "landfall_store_commit_items_total 300\n"));
    cr_assert(strstr(s, "landfall_store_commit_duration_seconds_bucket{le=\"0.005\"} 1\n"));
    cr_assert(strstr(s, "landfall_store_commit_duration_seconds_count 1\n"));
    buf_release(&out);
    metrics_free(m);
}
