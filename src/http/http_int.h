/* http_int.h - what the server, the route table and the handlers share: the request a handler
 * sees, the route table, errors, auth, paging and metrics. No libmicrohttpd type appears here. */
#ifndef HTTP_HTTP_INT_H
#define HTTP_HTTP_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "http.h"

struct http_server;
struct http_req;

typedef void (*http_handler)(struct http_req *r);

/* Who may call a route. AUTH_INGEST routes take a key in the header or, failing that, in the
 * body: the handler then checks it (api_ingest). AUTH_READ and AUTH_ADMIN routes take a key of
 * that scope, or a signed-in user's session cookie with its CSRF token (an admin's for
 * AUTH_ADMIN); AUTH_USER and AUTH_EDITOR routes only a session (a user's own things: who they
 * are, their saved views), AUTH_EDITOR one whose role may change things (not a viewer).
 * AUTH_LEAD routes take an admin key or an admin's or a lead's session (sending surveys,
 * closing follow-ups). */
enum http_auth { AUTH_NONE, AUTH_INGEST, AUTH_READ, AUTH_ADMIN, AUTH_USER, AUTH_EDITOR, AUTH_LEAD };

/* The dashboard's cookies and the header a session's requests send its CSRF token in. */
#define HTTP_SESSION_COOKIE "lf_session"
#define HTTP_CSRF_COOKIE "lf_csrf"
#define HTTP_CSRF_HEADER "X-CSRF-Token"

/* What body a route takes. */
enum http_body {
    BODY_NONE,
    BODY_JSON,    /* application/json (or text/plain, as browsers' sendBeacon sends JSON) */
    BODY_POSTHOG, /* and PostHog's transports: application/x-www-form-urlencoded `data=` */
    BODY_FORM,    /* application/x-www-form-urlencoded (an HTML form: survey link pages) */
};

struct route {
    const char *method;
    const char *pattern; /* "/v1/reports/:name": a ':' segment matches one path segment */
    http_handler fn;
    int auth; /* enum http_auth */
    int body; /* enum http_body */
    /* it computes (a metric, a report, an account's health): it runs on the compute pool's
     * threads, not the connection's (compute.c) */
    bool compute;
};

#define ROUTE_PARAMS 2
/* A ':' segment's bytes and its NUL: the store's ids are up to 256 bytes (src/model/resource.c),
 * so that every id the store takes can be named in a path. */
#define ROUTE_PARAM_MAX 1024

/* The route table (router.c), terminated by a row with a NULL method. */
extern const struct route http_routes[];
size_t router_count(void);
/* The route for method and path (a trailing slash is ignored), with the ':' segments copied
 * into params; HEAD takes the GET route (the server sends its headers only). NULL when none:
 * *path_known then tells whether another method has the path (405) or not (404). */
const struct route *router_match(const char *method, const char *path,
                                 char params[ROUTE_PARAMS][ROUTE_PARAM_MAX], bool *path_known);
/* The methods the routes of path take, for a 405's Allow header ("GET, HEAD, PATCH"), into
 * out (ROUTE_ALLOW_MAX bytes). */
#define ROUTE_ALLOW_MAX 64
void router_allow(const char *path, char out[ROUTE_ALLOW_MAX]);

/* ---- the request a handler sees ---- */
struct http_req {
    struct http_server *srv;
    const struct route *route;
    const char *method, *path;
    char params[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    const char *body; /* decompressed, NUL-terminated; NULL without a body */
    size_t body_len;
    size_t body_raw_len; /* as it came, before Content-Encoding was undone */
    struct buf decoded;  /* a body a handler decoded further (PostHog's transports) */
    int64_t received_ms;
    char remote[48]; /* the client's address, "" when unknown */
    struct lf_key key; /* with authed: the caller's key */
    bool authed;
    struct lf_session session; /* with by_session: the signed-in user's session */
    bool by_session;
    struct lf *lf;     /* with authed or by_session: the handle of the caller's workspace */
    /* the answer */
    int status;
    struct buf resp;          /* a JSON document, unless content_type says otherwise */
    const char *content_type; /* NULL = application/json */
    unsigned retry_after;     /* seconds; 0 = no Retry-After header */
    char allow[ROUTE_ALLOW_MAX]; /* the Allow header of a 405; "" for none */
    struct buf headers;       /* more headers: "Name: value\n" lines (http_add_header) */
    /* a body that outlives the request (an embedded file), sent as it is instead of resp */
    const unsigned char *static_body;
    size_t static_len;
    bool cors;                /* Access-Control-Allow-Origin: * (the in-app snippet's calls) */
    /* for the access log and the metrics */
    size_t items, rejected, inserted;
    void *pending; /* the handler's state while the answer is deferred */
    /* what to free once the answer is sent, on the connection's own thread: a deferred
     * answer is made on the writer's, which must not spend its time freeing */
    void (*release)(void *state);
    void *release_state;
};

/* Query parameter or header `name`, or NULL. Borrowed for the request. (server.c) */
const char *http_query(struct http_req *r, const char *name);
const char *http_header(struct http_req *r, const char *name);
/* Cookie `name` of the request, or NULL. Borrowed. (server.c) */
const char *http_cookie(struct http_req *r, const char *name);
/* Adds a header to the answer; name and value are copied. (errors.c) */
void http_add_header(struct http_req *r, const char *name, const char *value);
/* Who did it, for the audit log: "key:PREFIX" or "user:NAME". (auth.c) */
void http_actor(const struct http_req *r, char out[300]);
/* Calls fn for each query parameter in order, until it returns non-zero. (server.c) */
void http_query_each(struct http_req *r, int (*fn)(void *ctx, const char *name, const char *value),
                     void *ctx);
/* The handle of the request's workspace (the key's), or the server's default before a key is
 * known. (server.c) */
struct lf *http_lf(struct http_req *r);
/* The handle of workspace `id`, opened on first use and kept for the server's life; NULL with
 * err when it cannot be opened. (server.c) */
struct lf *http_workspace(struct http_server *s, int64_t id, struct lf_err *err);
/* The largest body the server takes, after decompression. (server.c) */
size_t http_max_body(struct http_req *r);
/* The server's writer. (server.c) */
struct lf_ingest *http_ingest(struct http_req *r);
/* The handler answers later: it returns at once and, on any thread, fills the answer and
 * calls http_resume(). (server.c) */
void http_defer(struct http_req *r);
void http_resume(struct http_req *r);
/* Whether the client of a deferred request has closed its connection (or reset it). Only
 * while the request is deferred and not resumed. (server.c) */
bool http_gone(struct http_req *r);
/* Resumes a deferred request whose client has gone: its connection is closed, not answered. */
void http_abandon(struct http_req *r);

/* ---- the compute pool (compute.c) ---- */
/* The routes marked compute run on `threads` threads of their own, first in first out, so that
 * libmicrohttpd's stay free for the cheap requests. */
struct compute;
struct compute_opts {
    unsigned threads;    /* at least 1 */
    size_t queue;        /* requests waiting at most; past it, 503 */
    unsigned per_caller; /* requests one key or user may have queued or running; past it, 429 */
};
/* Starts the threads. *out is the caller's: compute_free(). -1 with LF_EINTERNAL when a thread
 * cannot start. */
int compute_new(const struct compute_opts *o, struct compute **out, struct lf_err *err);
/* Queues r's route to run on a compute thread, which answers and resumes it (r is deferred);
 * or answers at once 429 (its caller holds per_caller) or 503 (the queue is full, the pool is
 * stopping), with Retry-After. */
void compute_submit(struct compute *cp, struct http_req *r);
/* Answers the queued requests 503, waits for the running ones and stops the threads; later
 * submissions are answered 503. Before the connections stop: it resumes them. */
void compute_stop(struct compute *cp);
void compute_free(struct compute *cp); /* stops it first; NULL is a no-op */
/* The requests waiting and running now, and those dropped since the start, for /metrics. */
void compute_stats(struct compute *cp, size_t *queued, size_t *running, uint64_t *dropped);
/* Drops the queued requests whose client has gone (closed its connection): they are not
 * computed, and what they held (a place of their caller's, their connection) is freed. The
 * pool also looks before it refuses a request and before it runs one; the server calls this
 * every second, for the connections' places of --max-per-address. */
void compute_sweep(struct compute *cp);
struct compute *http_compute(struct http_req *r); /* (server.c) */

/* A JSON answer: status and the document in r->resp. */
void http_json(struct http_req *r, int status, const char *json);
/* Appends s as a JSON string, its bytes that are not UTF-8 replaced by U+FFFD: for echoing
 * what a client sent (a path, a header) into JSON. (errors.c) */
void http_add_json_text(struct buf *b, const char *s, size_t n);

/* ---- bodies and their encodings (body.c) ---- */
/* True when the Content-Type ct (NULL: none) names one of the NULL-terminated media types;
 * parameters (";charset=utf-8") are allowed, other types with the same prefix are not. */
bool http_media_type_is(const char *ct, const char *const *types);
/* Inflates a gzip or zlib body into out (appended), refusing more than max bytes or, past
 * 64 KiB, more than HTTP_INFLATE_RATIO times the input: a bomb costs little to refuse.
 * 0, or -1 (corrupt), -2 (over max), -3 (over the ratio). */
#define HTTP_INFLATE_RATIO 100
int http_inflate(const char *in, size_t len, size_t max, struct buf *out);
/* The body as a JSON object, the caller's (json_decref); NULL with the 400 set when it is not
 * JSON (with where), holds a key twice (which of the two would count is a guess a proxy may
 * make otherwise) or is not an object. */
struct json_t *http_body_object(struct http_req *r);
/* Decodes base64 (standard or URL-safe, padding optional, a space read as '+', as form
 * decoding turns it) into out (appended); -1 when s is not base64. */
int http_base64_decode(const char *s, size_t len, struct buf *out);
/* The value of field `name` of an application/x-www-form-urlencoded body, decoded into out;
 * false when the body has no such field. */
bool http_form_value(const char *body, size_t len, const char *name, struct buf *out);

/* ---- errors: the one table from failure to status (errors.c) ---- */
enum http_error {
    HE_BAD_REQUEST,  /* 400 a malformed request: body not JSON/UTF-8, bad parameter */
    HE_UNAUTHORIZED, /* 401 no key, or not a valid one */
    HE_FORBIDDEN,    /* 403 a key without the needed scope */
    HE_NOT_FOUND,    /* 404 */
    HE_METHOD,       /* 405 */
    HE_CONFLICT,     /* 409 */
    HE_TOO_LARGE,    /* 413 */
    HE_MEDIA_TYPE,   /* 415 */
    HE_INVALID,      /* 422 well-formed but invalid content */
    HE_RATE_LIMITED, /* 429 */
    HE_INTERNAL,     /* 500 */
    HE_UNAVAILABLE,  /* 503 the store failed or the server is stopping */
    HE_NR
};

int http_error_status(int he);
const char *http_error_code(int he);
const char *http_error_doc(int he); /* when it is answered, one line */
/* The http_error for an lf_errcode. */
int http_error_of(int lf_code);
/* Answers {"error": {"code", "message", "field"}} with the error's status; field may be NULL. */
void http_fail(struct http_req *r, int he, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same for an lf_err. */
void http_fail_err(struct http_req *r, const struct lf_err *err, const char *field);

/* ---- keys and rate limits (auth.c) ---- */
/* The key of an "Authorization: Basic base64(KEY:)" (Segment's write key) or "Bearer KEY"
 * header, copied into out; false when there is none or it is malformed. */
bool auth_header_key(const char *authorization, char out[LF_KEY_SIZE + 1]);
/* Checks `key` (NULL when none was presented) for `need` (an enum lf_scope) and the key's rate
 * limit. Returns 0 with r->key set, or -1 with the 401/403/429 answer set; a 401 counts against
 * the client address's budget of failed keys. */
int auth_require(struct http_req *r, const char *key, int need);
/* Checks a session cookie's token for a route of `auth` (enum http_auth): the session must be
 * live, the request must send its CSRF token in HTTP_CSRF_HEADER, and the user's role must
 * allow the route. Returns 0 with r->session set, or -1 with the 401/403/429 answer set. */
int auth_session(struct http_req *r, const char *token, int auth);
/* Before a body without a key in the header is parsed: looks in its text for something written
 * as a key (lf_ and 43 base64url characters) that is valid. 0 when one is (the key the body
 * declares is checked after the parse), else -1 with the 401 answer set and the failure
 * counted. Costs a scan of the text and a look-up per candidate (at most 4), not a parse. */
int auth_scan_body(struct http_req *r, const char *body, size_t len);
/* Counts a failed key, session or password against the client address's budget. */
void auth_failed(struct http_req *r);
/* Seconds the client's address must wait before it may present a key in a body again (it
 * presented too many that were not valid), or 0. */
unsigned auth_failures_wait(struct http_req *r);

/* Failed keys per address: a token bucket each, `rate` per `period` seconds (0: no limit), in a
 * fixed table of addresses (an address that collides with another may find the other's
 * budget: that costs a few more failures, never a refusal of a valid key). */
struct failbudget;
struct failbudget *failbudget_new(unsigned rate, double period);
void failbudget_free(struct failbudget *fb);
void failbudget_add(struct failbudget *fb, const char *addr, double now);
unsigned failbudget_wait(struct failbudget *fb, const char *addr, double now);
struct failbudget *http_failbudget(struct http_req *r); /* (server.c) */

struct ratelimit;
struct ratelimit *ratelimit_new(unsigned rate, double period);
void ratelimit_free(struct ratelimit *rl);
/* Takes a token of key `id` at `now` (seconds): 0, or the seconds to wait (at least 1). */
unsigned ratelimit_take(struct ratelimit *rl, int64_t id, double now);
/* The server's limiter. (server.c) */
struct ratelimit *http_ratelimit(struct http_req *r);

/* ---- cursor paging for list endpoints (paging.c) ---- */
struct http_page {
    int64_t after; /* rows with ids above this */
    size_t limit;
};
#define PAGE_DEFAULT 50
#define PAGE_MAX 1000
/* Reads ?limit= and ?cursor=. Returns 0, or -1 with the 400 answer set. */
int http_page_parse(struct http_req *r, struct http_page *out);
/* ?limit=N alone (1 to PAGE_MAX, default PAGE_DEFAULT), for lists with cursors of their own.
 * -1 with the 400 answer set. */
int http_page_limit(struct http_req *r, size_t *limit);
/* An opaque cursor for "after id" into out. */
void http_page_cursor(int64_t after, char out[32]);
/* Decodes a cursor: 0 and *after, or -1. */
int http_page_decode(const char *cursor, int64_t *after);

/* ---- the query parameters each route takes (openapi_query.c; docs/api.md) ---- */
/* The server holds every request to what the OpenAPI document declares of its route's query
 * parameters: a route that takes a key or a session refuses one it does not declare, or one
 * given twice, with a 400 naming it (a typo is not silently a default). The metrics' routes
 * check theirs against the registry, where any dimension may filter; the routes without a key
 * or a session (health checks, ingestion, survey links and the in-app snippet, the dashboard's
 * pages and files) ignore what they do not read: others' code calls them and adds its own
 * (a mail's utm_ tags, posthog-js's ip, ver and _). */
struct http_queries;
/* The routes' declarations, from the document; *out is the caller's: http_queries_free(). -1
 * (and *out NULL) as http_openapi() fails. */
int http_queries_new(struct http_queries **out, struct lf_err *err);
void http_queries_free(struct http_queries *q); /* NULL is a no-op */
/* Checks r's query against its route's declaration: 0, or -1 with the 400 answer set. */
int http_queries_check(const struct http_queries *q, struct http_req *r);

/* ---- metrics (metrics.c) ---- */
struct metrics;
struct metrics *metrics_new(size_t routes);
void metrics_free(struct metrics *m);
/* route: an index into http_routes, or router_count() for unmatched requests. */
void metrics_request(struct metrics *m, size_t route, int status, double seconds);
/* A request began (+1) or ended (-1). */
void metrics_inflight(struct metrics *m, int delta);
void metrics_ingested(struct metrics *m, size_t inserted, size_t duplicates, size_t rejected);
void metrics_commit(struct metrics *m, size_t requests, size_t items, double seconds);
/* Appends the Prometheus text exposition. */
void metrics_write(struct metrics *m, struct buf *out);
struct metrics *http_metrics(struct http_req *r); /* (server.c) */
struct lf_follower *http_follower(struct http_req *r); /* (server.c) */

/* ---- handlers (api_*.c) ---- */
void api_healthz(struct http_req *r);
void api_metrics(struct http_req *r);
void api_segment(struct http_req *r);
/* The Segment call a Segment route's pattern names: "track" of "/v1/track" and of "/v1/t". */
const char *http_segment_call(const char *pattern);
void api_posthog(struct http_req *r);
void api_keys_list(struct http_req *r);
/* Answers 200 with t as `landfall … --json` writes it, and frees t. (api_metrics.c) */
void http_table(struct http_req *r, struct lf_table *t);
void api_metrics_list(struct http_req *r);
/* Answers metric `name` with the query's parameters, and arg=value when arg is not NULL (the
 * query may not give arg itself). (api_metrics.c) */
void api_metric_run(struct http_req *r, const char *name, const char *arg, const char *value);
/* The health scores and scorecards (api_scores.c). */
void api_health_list(struct http_req *r);
void api_health_account(struct http_req *r);
void api_health_history(struct http_req *r);
void api_health_snapshot(struct http_req *r);
void api_scorecards_list(struct http_req *r);
void api_expansion(struct http_req *r);
void api_scorecards_apply(struct http_req *r);
void api_scorecards_retire(struct http_req *r);
void api_metrics_get(struct http_req *r);
void api_reports_list(struct http_req *r);
void api_reports_get(struct http_req *r);
void api_usage_list(struct http_req *r);
void api_usage_get(struct http_req *r);
void api_cohorts(struct http_req *r);
void api_survival(struct http_req *r);
void api_churn_models_list(struct http_req *r);
void api_churn_train(struct http_req *r);
void api_churn_scores(struct http_req *r);
void api_churn_explain(struct http_req *r);
void api_resource_list(struct http_req *r);
void api_resource_create(struct http_req *r);
void api_resource_get(struct http_req *r);
void api_resource_replace(struct http_req *r);
void api_resource_merge(struct http_req *r);
void api_resource_delete(struct http_req *r);
/* POST /v1/text/analyze (api_text.c) */
void api_text_analyze(struct http_req *r);
/* the dashboard: its pages' shell and its files (api_web.c) */
void web_page(struct http_req *r);
void web_asset(struct http_req *r);
/* sessions, users, saved views, the workspace's settings (api_users.c) */
void api_session_create(struct http_req *r);
void api_session_get(struct http_req *r);
void api_session_delete(struct http_req *r);
void api_users_list(struct http_req *r);
void api_users_create(struct http_req *r);
void api_users_update(struct http_req *r);
void api_users_delete(struct http_req *r);
void api_views_list(struct http_req *r);
void api_views_create(struct http_req *r);
void api_views_delete(struct http_req *r);
void api_workspace_get(struct http_req *r);
void api_workspace_patch(struct http_req *r);
/* keys (api_keys.c) */
void api_keys_create(struct http_req *r);
void api_keys_revoke(struct http_req *r);
/* an account's 360° view (api_resources.c) */
void api_account_overview(struct http_req *r);
/* GET /openapi.json: the document http_openapi() writes. (openapi.c) */
void api_openapi(struct http_req *r);
/* Surveys (api_surveys.c) */
void api_survey_page(struct http_req *r);
void api_survey_answer(struct http_req *r);
void api_survey_snippet(struct http_req *r);
void api_survey_eligible(struct http_req *r);
void api_survey_send(struct http_req *r);
void api_survey_results(struct http_req *r);
void api_survey_results_all(struct http_req *r);
void api_survey_skips(struct http_req *r);
void api_survey_followups(struct http_req *r);
void api_survey_recovery(struct http_req *r);
void api_survey_settings_get(struct http_req *r);
void api_survey_settings_patch(struct http_req *r);
void api_survey_followup_close(struct http_req *r);
void api_survey_rules(struct http_req *r);
void api_survey_rule_set(struct http_req *r);
/* Authenticates, parses and queues an ingestion body (api_ingest_segment.c). form_key: a key
 * the handler found outside the JSON (a form field), or NULL. */
void api_ingest(struct http_req *r, int format, const char *call, const char *form_key);

#endif
