/* http.h - `landfall serve`: the HTTP server (Segment/PostHog ingestion, reports, health) as the
 * CLI starts it. Only server.c sees libmicrohttpd. */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

#include "landfall.h"

struct http_config {
    struct lf *lf;      /* the store's default workspace; others open as keys name them */
    const char *listen; /* "HOST:PORT" ("[::1]:PORT" for IPv6); port 0 picks a free one */
    unsigned threads;   /* request threads; 0 = 4 */
    size_t max_body;    /* bytes of a request body, after decompression; 0 = 4 MiB */
    unsigned rate;      /* requests a key may make per rate_period; 0 = no limit */
    double rate_period; /* seconds */
    /* bad keys an address may present per auth_failure_period (seconds) before its requests
     * without a key in the header get 429; 0 = no limit */
    unsigned auth_failures;
    double auth_failure_period;
    unsigned max_connections; /* open at once; 0 = 4096 */
    unsigned max_per_address; /* open at once from one client address; 0 = no limit */
    unsigned header_timeout;  /* seconds a request's headers may take to arrive, from the
                               * connection or its previous answer; 0 = 10 */
    unsigned body_timeout;    /* seconds its body may take after its headers; 0 = 60 */
    FILE *access_log;   /* one JSON object per request, or NULL */
    /* the routes that compute (metrics, reports, health) run on threads of their own */
    unsigned compute_threads;    /* 0 = the machine's cores, at least 2 */
    size_t compute_queue;        /* requests waiting for them; 0 = 64 per thread; past it, 503 */
    unsigned compute_per_caller; /* queued or running for one key or user; 0 = 16; past it, 429 */
};

struct http_server;

/* Loads the analytics engine of cfg->lf's workspace, binds the address and starts serving.
 * *out is the caller's: http_server_free(), before cfg->lf is closed. LF_EUSAGE for a bad
 * address, LF_EIO when it cannot be bound. */
int http_server_new(const struct http_config *cfg, struct http_server **out, struct lf_err *err);
/* "http://HOST:PORT" with the port actually bound. Borrowed. */
const char *http_server_url(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (their events are durable), stops the
 * writer. NULL is a no-op. */
void http_server_free(struct http_server *s);

/* Serves until SIGINT or SIGTERM, then shuts down gracefully. ready(url, ctx) runs once the
 * address is bound. Returns 0 after a clean shutdown, -1 with err when it could not start. */
int http_serve(const struct http_config *cfg, void (*ready)(const char *url, void *ctx), void *ctx,
               struct lf_err *err);

/* The OpenAPI 3.1 document of the HTTP API, generated from the route table (router.c), the
 * metric registry (lf_metric_at) and the resource definitions (model/resource.c): indented JSON
 * (without the newline the server and the CLI end it with), the same bytes on every call. *out is
 * the caller's: free(). -1 with LF_EINTERNAL when a route has no description in openapi*.c (a
 * handler added without one). */
int http_openapi(char **out, struct lf_err *err);

/* Parses "N/s", "N/min" or "N/h" (or "0", no limit) into *rate and *period. Returns 0 or -1
 * with LF_EUSAGE. */
int http_rate_parse(const char *s, unsigned *rate, double *period, struct lf_err *err);

#endif
