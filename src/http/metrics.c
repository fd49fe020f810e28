/* metrics.c - the Prometheus counters and histograms of GET /metrics. */
#include <pthread.h>
#include <stdlib.h>

#include "base/mem.h"
#include "http_int.h"

/* Bucket bounds (seconds) shared by the request and the commit histograms. */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define NB (sizeof(bounds) / sizeof(*bounds))

struct histogram {
    uint64_t le[NB + 1]; /* per bucket (not cumulative); the last is +Inf */
    uint64_t count;
    double sum;
};

struct route_stats {
    uint64_t by_status[500]; /* status 100..599 */
    struct histogram latency;
};

struct metrics {
    pthread_mutex_t mu;
    size_t routes; /* + 1 for requests no route matched */
    struct route_stats *r;
    int64_t inflight;
    uint64_t inserted, duplicates, rejected, commits, commit_requests, commit_items;
    struct histogram commit;
};

static void observe(struct histogram *h, double v)
{
    size_t i = 0;
    while (i < NB && v > bounds[i])
        i++;
    h->le[i]++;
    h->count++;
    h->sum += v;
}

struct metrics *metrics_new(size_t routes)
{
    struct metrics *m = xcalloc(1, sizeof(*m));
    pthread_mutex_init(&m->mu, NULL);
    m->routes = routes;
    m->r = xcalloc(routes + 1, sizeof(*m->r));
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->mu);
    free(m->r);
    free(m);
}

void metrics_request(struct metrics *m, size_t route, int status, double seconds)
{
    if (route > m->routes)
        route = m->routes;
    pthread_mutex_lock(&m->mu);
    if (status >= 100 && status < 600)
        m->r[route].by_status[status - 100]++;
    observe(&m->r[route].latency, seconds);
    pthread_mutex_unlock(&m->mu);
}

void metrics_inflight(struct metrics *m, int delta)
{
    pthread_mutex_lock(&m->mu);
    m->inflight += delta;
    pthread_mutex_unlock(&m->mu);
}

void metrics_ingested(struct metrics *m, size_t inserted, size_t duplicates, size_t rejected)
{
    pthread_mutex_lock(&m->mu);
    m->inserted += inserted;
    m->duplicates += duplicates;
    m->rejected += rejected;
    pthread_mutex_unlock(&m->mu);
}

void metrics_commit(struct metrics *m, size_t requests, size_t items, double seconds)
{
    pthread_mutex_lock(&m->mu);
    m->commits++;
    m->commit_requests += requests;
    m->commit_items += items;
    observe(&m->commit, seconds);
    pthread_mutex_unlock(&m->mu);
}

static const char *route_label(const struct metrics *m, size_t i)
{
    return i < m->routes ? http_routes[i].pattern : "unmatched";
}

static void write_histogram(struct buf *out, const char *name, const char *labels,
                            const struct histogram *h)
{
    uint64_t cum = 0;
    const char *sep = labels[0] ? "," : "";
    for (size_t i = 0; i < NB; i++) {
        cum += h->le[i];
        buf_addf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, bounds[i],
                 (unsigned long long)cum);
    }
    buf_addf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
             (unsigned long long)h->count);
    const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
    buf_addf(out, "%s_sum%s%s%s %.6f\n%s_count%s%s%s %llu\n", name, open, labels, close, h->sum,
             name, open, labels, close, (unsigned long long)h->count);
}

void metrics_write(struct metrics *m, struct buf *out)
{
    char labels[160];
    pthread_mutex_lock(&m->mu);
    buf_adds(out, "# HELP landfall_http_requests_total HTTP requests answered, by route and "
                  "status.\n# TYPE landfall_http_requests_total counter\n");
    for (size_t i = 0; i <= m->routes; i++)
        for (int s = 0; s < 500; s++)
            if (m->r[i].by_status[s])
                buf_addf(out,
                         "landfall_http_requests_total{route=\"%s\",method=\"%s\","
                         "status=\"%d\"} %llu\n",
                         route_label(m, i), i < m->routes ? http_routes[i].method : "", s + 100,
                         (unsigned long long)m->r[i].by_status[s]);
    buf_adds(out, "# HELP landfall_http_request_duration_seconds Time from the request's "
                  "first byte to its answer, by route.\n"
                  "# TYPE landfall_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->routes; i++) {
        if (!m->r[i].latency.count)
            continue;
        snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%s\"", route_label(m, i),
                 i < m->routes ? http_routes[i].method : "");
        write_histogram(out, "landfall_http_request_duration_seconds", labels, &m->r[i].latency);
    }
    buf_addf(out,
             "# HELP landfall_http_requests_in_flight Requests begun and not yet answered.\n"
             "# TYPE landfall_http_requests_in_flight gauge\n"
             "landfall_http_requests_in_flight %lld\n"
             "# HELP landfall_events_ingested_total Events stored for the first time.\n"
             "# TYPE landfall_events_ingested_total counter\n"
             "landfall_events_ingested_total %llu\n"
             "# HELP landfall_events_duplicate_total Events whose message id was stored "
             "already (client retries).\n"
             "# TYPE landfall_events_duplicate_total counter\n"
             "landfall_events_duplicate_total %llu\n"
             "# HELP landfall_items_rejected_total Invalid items of ingestion requests.\n"
             "# TYPE landfall_items_rejected_total counter\n"
             "landfall_items_rejected_total %llu\n"
             "# HELP landfall_store_commits_total Group commits of the writer.\n"
             "# TYPE landfall_store_commits_total counter\n"
             "landfall_store_commits_total %llu\n"
             "# HELP landfall_store_commit_requests_total Requests made durable by those "
             "commits.\n"
             "# TYPE landfall_store_commit_requests_total counter\n"
             "landfall_store_commit_requests_total %llu\n"
             "# HELP landfall_store_commit_items_total Calls written by those commits.\n"
             "# TYPE landfall_store_commit_items_total counter\n"
             "landfall_store_commit_items_total %llu\n"
             "# HELP landfall_store_commit_duration_seconds Time of one group commit, BEGIN "
             "to durable COMMIT.\n"
             "# TYPE landfall_store_commit_duration_seconds histogram\n",
             (long long)m->inflight, (unsigned long long)m->inserted,
             (unsigned long long)m->duplicates, (unsigned long long)m->rejected,
             (unsigned long long)m->commits, (unsigned long long)m->commit_requests,
             (unsigned long long)m->commit_items);
    write_histogram(out, "landfall_store_commit_duration_seconds", "", &m->commit);
    pthread_mutex_unlock(&m->mu);
}
