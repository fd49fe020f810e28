/* api_health.c - GET /healthz (is the server up and its store readable) and GET /metrics. */
#include "http_int.h"

/* Up, and the store readable: a look at the change feed reads it (and publishes what other
 * processes wrote meanwhile). */
void api_healthz(struct http_req *r)
{
    struct lf_err err = {0};
    if (lf_feed_poll(http_lf(r), &err) < 0) {
        http_fail_err(r, &err, NULL);
        return;
    }
    http_json(r, 200, "{\"status\": \"ok\", \"version\": \"" LANDFALL_VERSION "\"}");
}

void api_metrics(struct http_req *r)
{
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4";
    metrics_write(http_metrics(r), &r->resp);
    struct lf_follow_stats fs = {0};
    lf_follow_stats(http_follower(r), &fs);
    buf_addf(&r->resp,
             "# HELP landfall_feed_followed_changes_total Changes of other processes' commits the "
             "follower published.\n"
             "# TYPE landfall_feed_followed_changes_total counter\n"
             "landfall_feed_followed_changes_total %llu\n"
             "# HELP landfall_feed_followed_events_total Events of other processes' commits the "
             "follower published.\n"
             "# TYPE landfall_feed_followed_events_total counter\n"
             "landfall_feed_followed_events_total %llu\n"
             "# HELP landfall_feed_follow_errors_total Looks at the store that failed.\n"
             "# TYPE landfall_feed_follow_errors_total counter\n"
             "landfall_feed_follow_errors_total %llu\n",
             (unsigned long long)fs.changes, (unsigned long long)fs.events,
             (unsigned long long)fs.errors);
    struct lf_usage_cache_stats us;
    lf_usage_cache_stats(http_lf(r), &us);
    buf_addf(&r->resp,
             "# HELP landfall_usage_cache_periods_total Periods of the usage page's activity "
             "series served as kept or computed.\n"
             "# TYPE landfall_usage_cache_periods_total counter\n"
             "landfall_usage_cache_periods_total{from=\"kept\"} %llu\n"
             "landfall_usage_cache_periods_total{from=\"computed\"} %llu\n"
             "# HELP landfall_usage_cache_answers_total Feature usage and adoption curves "
             "served as kept or computed.\n"
             "# TYPE landfall_usage_cache_answers_total counter\n"
             "landfall_usage_cache_answers_total{from=\"kept\"} %llu\n"
             "landfall_usage_cache_answers_total{from=\"computed\"} %llu\n"
             "# HELP landfall_usage_cache_bytes Bytes the usage answers kept hold.\n"
             "# TYPE landfall_usage_cache_bytes gauge\n"
             "landfall_usage_cache_bytes %llu\n",
             (unsigned long long)us.periods_kept, (unsigned long long)us.periods_computed,
             (unsigned long long)us.answers_kept, (unsigned long long)us.answers_computed,
             (unsigned long long)us.bytes);
    size_t queued, running;
    uint64_t dropped;
    compute_stats(http_compute(r), &queued, &running, &dropped);
    buf_addf(&r->resp,
             "# HELP landfall_http_compute_queued Requests that compute waiting for a compute "
             "thread.\n"
             "# TYPE landfall_http_compute_queued gauge\n"
             "landfall_http_compute_queued %zu\n"
             "# HELP landfall_http_compute_running Requests that compute running.\n"
             "# TYPE landfall_http_compute_running gauge\n"
             "landfall_http_compute_running %zu\n"
             "# HELP landfall_http_compute_dropped_total Requests that compute dropped unrun: "
             "their client closed its connection while they waited.\n"
             "# TYPE landfall_http_compute_dropped_total counter\n"
             "landfall_http_compute_dropped_total %llu\n",
             queued, running, (unsigned long long)dropped);
}
