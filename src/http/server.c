/* server.c - the libmicrohttpd adapter: sockets and their limits and deadlines, request bodies,
 * suspend/resume around the writer, the workspaces keys name, the access log, graceful
 * shutdown. The only file that sees MHD. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/time.h"
#include "base/utf8.h"
#include "http_int.h"

#define DEFAULT_THREADS 4
#define DEFAULT_MAX_BODY (4u << 20)
#define DEFAULT_MAX_CONNECTIONS 4096
#define DEFAULT_HEADER_TIMEOUT 10
#define DEFAULT_BODY_TIMEOUT 60
#define SHUTDOWN_GRACE_SECONDS 30
#define DEFAULT_COMPUTE_QUEUE_PER_THREAD 64
/* a dashboard page asks up to a dozen computed panels at once (web/page_experience.js) */
#define DEFAULT_COMPUTE_PER_CALLER 16

/* Where a connection is in its request, for its deadlines. */
enum { SOCK_HEADERS, SOCK_BODY, SOCK_BUSY };

/* One TCP connection (MHD's socket context), in the server's list for the watchdog. */
struct sock {
    struct sock *prev, *next;
    int fd;
    int phase;    /* SOCK_HEADERS: waiting for a request's headers; SOCK_BODY: for its body;
                   * SOCK_BUSY: the request is whole (answering it is bounded otherwise) */
    double since; /* when the phase began */
    bool expired; /* the watchdog shut it down */
};

struct http_server {
    struct http_config cfg;
    struct MHD_Daemon *d;
    int listen_fd;
    char url[128];
    struct lf_ingest *ing;
    struct lf_follower *follower; /* publishes other nodes' commits */
    struct metrics *metrics;
    struct ratelimit *rl;
    struct http_queries *queries; /* the query parameters each route takes */
    struct compute *compute;      /* where the routes that compute run */
    pthread_mutex_t mu; /* guards the workspaces and the in-flight count */
    pthread_cond_t cv;  /* the last request ended */
    struct lf **workspaces; /* the handles of the workspaces keys have named, kept open */
    size_t workspaces_nr, workspaces_cap;
    /* the surveys' thread of each (docs/surveys.md), and of the default workspace */
    struct lf_survey_follower **followers;
    size_t followers_nr, followers_cap;
    size_t inflight;
    pthread_mutex_t log_mu;
    struct failbudget *fb;
    /* the connections and their deadlines */
    pthread_mutex_t socks_mu;
    pthread_cond_t socks_cv; /* a connection came, or the server stops */
    struct sock socks;       /* the list's head */
    bool stopping, watching;
    pthread_t watchdog;
};

/* One request: what the handler sees, and what only this file knows. */
struct conn {
    struct http_req r;
    struct MHD_Connection *mc;
    struct sock *sock;
    struct buf body;
    bool started, too_large, answered, deferred, done, suspended;
    bool gone;       /* deferred, its client closed the connection: it is closed, not answered */
    bool nul_in_url; /* the URL as sent holds %00, which decoding would cut the path at */
    pthread_mutex_t mu; /* deferred answers: done vs. suspended */
    double start;
    char *path; /* as sent until the request line is decoded, then decoded */
    char *raw;  /* the path as sent, still %-encoded: what is routed, so that an id with a '/'
                 * (%2F) is one segment; each ':' segment is decoded once matched */
};

static double mono_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- workspaces ---- */

struct lf *http_workspace(struct http_server *s, int64_t id, struct lf_err *err)
{
    struct lf *lf = NULL, *found = NULL;
    struct lf_workspace_info in;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->workspaces_nr && !found; i++) {
        lf_workspace_info(s->workspaces[i], &in);
        if (in.id == id)
            found = s->workspaces[i];
    }
    pthread_mutex_unlock(&s->mu);
    if (found)
        return found;
    if (lf_workspace_by_id(s->cfg.lf, id, &lf, err) < 0)
        return NULL;
    struct lf_survey_follower *f = NULL;
    if (lf_survey_follow(lf, &f, err) < 0) {
        lf_close(lf);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    s->workspaces = xgrow(s->workspaces, sizeof(*s->workspaces), s->workspaces_nr + 1,
                          &s->workspaces_cap);
    s->workspaces[s->workspaces_nr++] = lf;
    s->followers = xgrow(s->followers, sizeof(*s->followers), s->followers_nr + 1,
                         &s->followers_cap);
    s->followers[s->followers_nr++] = f;
    pthread_mutex_unlock(&s->mu);
    return lf;
}

/* ---- what handlers call ---- */

const char *http_query(struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(((struct conn *)r)->mc, MHD_GET_ARGUMENT_KIND, name);
}

struct query_each {
    int (*fn)(void *ctx, const char *name, const char *value);
    void *ctx;
};

static enum MHD_Result query_each(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    struct query_each *q = cls;
    return q->fn(q->ctx, key, value ? value : "") == 0 ? MHD_YES : MHD_NO;
}

void http_query_each(struct http_req *r, int (*fn)(void *ctx, const char *name, const char *value),
                     void *ctx)
{
    struct query_each q = {fn, ctx};
    MHD_get_connection_values(((struct conn *)r)->mc, MHD_GET_ARGUMENT_KIND, query_each, &q);
}

const char *http_header(struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(((struct conn *)r)->mc, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(((struct conn *)r)->mc, MHD_COOKIE_KIND, name);
}

struct lf *http_lf(struct http_req *r)
{
    return r->lf ? r->lf : r->srv->cfg.lf;
}

struct lf_ingest *http_ingest(struct http_req *r)
{
    return r->srv->ing;
}

struct metrics *http_metrics(struct http_req *r)
{
    return r->srv->metrics;
}

struct lf_follower *http_follower(struct http_req *r)
{
    return r->srv->follower;
}

struct compute *http_compute(struct http_req *r)
{
    return r->srv->compute;
}

struct ratelimit *http_ratelimit(struct http_req *r)
{
    return r->srv->rl;
}

struct failbudget *http_failbudget(struct http_req *r)
{
    return r->srv->fb;
}

size_t http_max_body(struct http_req *r)
{
    return r->srv->cfg.max_body;
}

void http_defer(struct http_req *r)
{
    ((struct conn *)r)->deferred = true;
}

void http_resume(struct http_req *r)
{
    struct conn *c = (struct conn *)r;
    pthread_mutex_lock(&c->mu);
    c->done = true;
    if (c->suspended)
        MHD_resume_connection(c->mc);
    pthread_mutex_unlock(&c->mu);
}

bool http_gone(struct http_req *r)
{
    struct conn *c = (struct conn *)r;
    char b;
    if (!c->sock || c->sock->fd < 0)
        return false;
    /* a suspended connection is read by no one: 0 is the client's FIN, an error its RST;
     * bytes (a request pipelined after this one) or nothing yet mean it still waits. As
     * libmicrohttpd itself takes a FIN while it reads a request for the client's going. */
    ssize_t n = recv(c->sock->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

void http_abandon(struct http_req *r)
{
    ((struct conn *)r)->gone = true;
    http_resume(r);
}

/* ---- answering ---- */

static enum MHD_Result send_answer(struct conn *c)
{
    struct http_req *r = &c->r;
    if (!r->status)
        http_fail(r, HE_INTERNAL, NULL, "the handler gave no answer");
    struct MHD_Response *resp;
    if (r->static_body) { /* an embedded file: MHD sends it from where it lies */
        r->resp.len = r->static_len;
        resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_body,
                                               MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return MHD_NO;
    } else {
        if (r->resp.len && (!r->content_type || strncmp(r->content_type, "text/", 5) != 0))
            buf_addc(&r->resp, '\n');
        size_t len = r->resp.len;
        void *data = buf_detach(&r->resp);
        r->resp.len = len; /* kept for the access log */
        resp = MHD_create_response_from_buffer(
            len, data ? data : "", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!resp) {
            free(data);
            return MHD_NO;
        }
    }
    if (r->status != 304)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type ? r->content_type : "application/json");
    /* no answer is ever read as another type than it says (a JSON error as a script) */
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (char *line = r->headers.ptr, *end; line && (end = strchr(line, '\n')); line = end + 1) {
        char *colon = strchr(line, ':');
        *end = '\0';
        if (colon && colon < end) {
            *colon = '\0';
            MHD_add_response_header(resp, line, colon + 2);
            *colon = ':';
        }
        *end = '\n';
    }
    if (r->retry_after) {
        char v[16];
        snprintf(v, sizeof(v), "%u", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (r->allow[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->cors)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    enum MHD_Result ret = MHD_queue_response(c->mc, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    c->answered = true;
    return ret;
}

/* A browser asks before it posts JSON from another origin (a CORS preflight, an OPTIONS): the
 * ingestion routes, which browsers' libraries call from the customer's site (posthog-js sends
 * application/json), say yes; true when the answer is set. */
static bool preflight(struct http_req *r, const char *path)
{
    char params[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known;
    const struct route *rt = router_match("POST", path, params, &known);
    if (!rt || rt->auth != AUTH_INGEST)
        return false;
    r->status = 204;
    r->cors = true;
    http_add_header(r, "Access-Control-Allow-Methods", "POST");
    http_add_header(r, "Access-Control-Allow-Headers",
                    "Content-Type, Content-Encoding, Authorization");
    http_add_header(r, "Access-Control-Max-Age", "86400");
    return true;
}

/* Undoes the body's Content-Encoding (checked by start()); false with the answer set. */
static bool prepare_body(struct conn *c)
{
    struct http_req *r = &c->r;
    const struct http_server *s = r->srv;
    r->body_raw_len = c->body.len;
    if (c->too_large) {
        http_fail(r, HE_TOO_LARGE, NULL, "the body is over the limit of %zu bytes",
                  s->cfg.max_body);
        return false;
    }
    const char *enc = http_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING);
    if (enc && strcasecmp(enc, "identity") != 0) {
        struct buf plain = BUF_INIT;
        int rc = http_inflate(c->body.ptr ? c->body.ptr : "", c->body.len, s->cfg.max_body,
                              &plain);
        if (rc < 0) {
            buf_release(&plain);
            if (rc == -2)
                http_fail(r, HE_TOO_LARGE, NULL, "the body inflates past the limit of %zu bytes",
                          s->cfg.max_body);
            else if (rc == -3)
                http_fail(r, HE_TOO_LARGE, NULL,
                          "the body inflates more than %d times its size: refused as a "
                          "compression bomb",
                          HTTP_INFLATE_RATIO);
            else
                http_fail(r, HE_BAD_REQUEST, NULL, "the body is not valid %s data", enc);
            return false;
        }
        buf_release(&c->body);
        c->body = plain;
    }
    r->body = buf_str(&c->body);
    r->body_len = c->body.len;
    return true;
}

struct header_count {
    const char *name;
    const char *first;
    int nr;
    bool differ;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    struct header_count *h = cls;
    if (strcasecmp(key, h->name) != 0)
        return MHD_YES;
    if (h->nr++ == 0)
        h->first = value ? value : "";
    else if (strcmp(h->first, value ? value : "") != 0)
        h->differ = true;
    return MHD_YES;
}

/* Checks the headers that frame and describe a body. False with the answer set. */
static bool check_body_headers(struct conn *c)
{
    static const char *const json[] = {"application/json", "text/plain", NULL};
    static const char *const form[] = {"application/x-www-form-urlencoded", NULL};
    static const char *const posthog[] = {"application/json", "text/plain",
                                          "application/x-www-form-urlencoded", NULL};
    struct http_req *r = &c->r;
    struct header_count cl = {MHD_HTTP_HEADER_CONTENT_LENGTH, NULL, 0, false};
    MHD_get_connection_values(c->mc, MHD_HEADER_KIND, count_header, &cl);
    /* Two lengths that disagree frame the body two ways: a proxy in front may have read it
     * with the other one (request smuggling). */
    if (cl.differ) {
        http_fail(r, HE_BAD_REQUEST, NULL, "the request has Content-Length headers that differ");
        return false;
    }
    if (cl.nr && (!*cl.first || strspn(cl.first, "0123456789") != strlen(cl.first))) {
        http_fail(r, HE_BAD_REQUEST, NULL, "Content-Length '%.40s' is not a number of bytes",
                  cl.first);
        return false;
    }
    if (cl.nr && http_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        http_fail(r, HE_BAD_REQUEST, NULL,
                  "the request has both Content-Length and Transfer-Encoding");
        return false;
    }
    char *end;
    if (cl.nr && (strlen(cl.first) > 15 || strtoull(cl.first, &end, 10) > r->srv->cfg.max_body)) {
        http_fail(r, HE_TOO_LARGE, NULL, "the body is over the limit of %zu bytes",
                  r->srv->cfg.max_body);
        return false;
    }
    const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *const *types = r->route->body == BODY_POSTHOG ? posthog
                               : r->route->body == BODY_FORM  ? form
                                                              : json;
    if (ct && !http_media_type_is(ct, types)) {
        http_fail(r, HE_MEDIA_TYPE, NULL, "the body must be %s, not '%.60s'",
                  r->route->body == BODY_POSTHOG ? "application/json (or a form with a 'data' field)"
                  : r->route->body == BODY_FORM  ? "application/x-www-form-urlencoded"
                                                 : "application/json",
                  ct);
        return false;
    }
    const char *enc = http_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING);
    if (enc && strcasecmp(enc, "identity") != 0 && strcasecmp(enc, "gzip") != 0 &&
        strcasecmp(enc, "deflate") != 0) {
        http_fail(r, HE_MEDIA_TYPE, NULL,
                  "content encoding '%.40s' is not supported (gzip, deflate)", enc);
        return false;
    }
    return true;
}

/* A key in the Authorization header is checked before the body is read: a REST route's
 * (Bearer, of the route's scope) and an ingestion route's (Segment's basic auth too). An
 * ingestion request without one must carry its key in the body, which only an address that
 * has not presented too many bad keys may do. False with the answer set. */
static bool authorize(struct http_req *r)
{
    char key[LF_KEY_SIZE + 1];
    int auth = r->route->auth;
    if (auth == AUTH_NONE)
        return true;
    bool given = auth_header_key(http_header(r, MHD_HTTP_HEADER_AUTHORIZATION), key);
    const char *session = http_cookie(r, HTTP_SESSION_COOKIE);
    /* the dashboard's requests: a session cookie, and no key (a key wins when both come) */
    if (auth != AUTH_INGEST && !given && session)
        return auth_session(r, session, auth) == 0;
    if (auth == AUTH_USER || auth == AUTH_EDITOR) {
        http_fail(r, HE_UNAUTHORIZED, NULL, "this needs a signed-in user's session: sign in");
        return false;
    }
    if (auth != AUTH_INGEST)
        return auth_require(r, given ? key : NULL,
                            auth == AUTH_ADMIN || auth == AUTH_LEAD ? LF_SCOPE_ADMIN
                                                                    : LF_SCOPE_READ) == 0;
    if (given)
        return auth_require(r, key, LF_SCOPE_WRITE) == 0;
    unsigned wait = auth_failures_wait(r);
    if (wait) {
        r->retry_after = wait;
        http_fail(r, HE_RATE_LIMITED, NULL,
                  "too many requests from this address had no valid key; retry in %u s", wait);
        return false;
    }
    return true;
}

/* The first call of a request, its headers read: route it and refuse what can be refused
 * before the body. */
static void start(struct conn *c, const char *method)
{
    struct http_req *r = &c->r;
    bool known;
    r->method = method;
    if (c->nul_in_url) {
        http_fail(r, HE_BAD_REQUEST, NULL, "the URL holds a NUL byte (%%00)");
        return;
    }
    if (!utf8_valid(c->path, strlen(c->path), NULL)) {
        http_fail(r, HE_BAD_REQUEST, NULL, "the path '%s' is not UTF-8", c->path);
        return;
    }
    r->route = router_match(method, c->raw, r->params, &known);
    if (!r->route) {
        if (strcmp(method, "OPTIONS") == 0 && preflight(r, c->raw))
            return;
        if (known) {
            router_allow(c->raw, r->allow);
            http_fail(r, HE_METHOD, NULL, "%s is not allowed on '%s'", method, c->path);
        } else {
            http_fail(r, HE_NOT_FOUND, NULL, "no endpoint '%s'", c->path);
        }
        return;
    }
    for (int i = 0; i < ROUTE_PARAMS; i++)
        MHD_http_unescape(r->params[i]);
    if (authorize(r) && http_queries_check(r->srv->queries, r) == 0 && r->route->body)
        check_body_headers(c);
}

static void sock_phase(struct http_server *s, struct sock *k, int phase)
{
    if (!k)
        return;
    pthread_mutex_lock(&s->socks_mu);
    k->phase = phase;
    k->since = mono_seconds();
    pthread_mutex_unlock(&s->socks_mu);
}

/* What MHD tells of the client's address, as text. */
static void remote_address(struct MHD_Connection *mc, char out[48])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 48);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, 48);
}

/* A request line has arrived (its headers not yet): the request's state begins here, with the
 * URL as sent, before MHD decodes it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    struct http_server *s = cls;
    struct conn *c = xcalloc(1, sizeof(*c));
    c->r.srv = s;
    c->mc = mc;
    c->start = mono_seconds();
    c->r.received_ms = time_now_ms();
    c->path = xstrdup(uri);
    c->raw = xstrndup(uri, strcspn(uri, "?"));
    c->r.path = c->path;
    c->nul_in_url = strstr(uri, "%00") != NULL;
    remote_address(mc, c->r.remote);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    c->sock = ci ? ci->socket_context : NULL;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_lock(&s->mu);
    s->inflight++;
    pthread_mutex_unlock(&s->mu);
    metrics_inflight(s->metrics, +1);
    return c;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)mc;
    struct http_server *s = cls;
    struct conn *c = *con_cls; /* made by on_uri */
    if (!c->started) {
        c->started = true;
        free(c->path);
        c->path = xstrdup(url);
        c->r.path = c->path;
        sock_phase(s, c->sock, SOCK_BODY);
        start(c, method);
        /* An early refusal is sent before the body is read (the connection then closes). */
        return c->r.status ? send_answer(c) : MHD_YES;
    }
    if (*upload_size) {
        if (!c->answered && c->r.route && c->r.route->body && !c->too_large) {
            if (c->body.len + *upload_size > s->cfg.max_body)
                c->too_large = true;
            else
                buf_add(&c->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (c->answered)
        return MHD_YES;
    if (!c->deferred) {
        sock_phase(s, c->sock, SOCK_BUSY);
        if (!c->r.route->body || prepare_body(c)) {
            if (c->r.route->compute)
                compute_submit(s->compute, &c->r); /* deferred, or refused at once */
            else
                c->r.route->fn(&c->r);
        }
        if (!c->deferred)
            return send_answer(c);
    }
    /* Deferred: answer now if the writer was quicker than us, else sleep until it resumes us. */
    pthread_mutex_lock(&c->mu);
    bool done = c->done;
    if (!done) {
        MHD_suspend_connection(c->mc);
        c->suspended = true;
    }
    pthread_mutex_unlock(&c->mu);
    if (done && c->gone)
        return MHD_NO; /* libmicrohttpd closes the connection */
    return done ? send_answer(c) : MHD_YES;
}

static void access_log(struct http_server *s, struct conn *c, bool completed, bool expired)
{
    FILE *f = s->cfg.access_log;
    struct http_req *r = &c->r;
    char when[32];
    struct buf line = BUF_INIT;
    time_format_iso(r->received_ms, when);
    buf_addf(&line, "{\"time\": \"%s\", \"remote\": \"%s\", \"method\": ", when, r->remote);
    http_add_json_text(&line, r->method ? r->method : "", r->method ? strlen(r->method) : 0);
    buf_adds(&line, ", \"path\": ");
    http_add_json_text(&line, c->path, strlen(c->path));
    buf_addf(&line,
             ", \"route\": \"%s\", \"status\": %d, \"ms\": %.3f, \"bytes_in\": %zu, "
             "\"bytes_out\": %zu",
             r->route ? r->route->pattern : "", r->status, (mono_seconds() - c->start) * 1000,
             r->body ? r->body_raw_len : c->body.len, r->resp.len);
    if (r->authed)
        buf_addf(&line, ", \"key\": \"%s\"", r->key.prefix);
    if (r->by_session) {
        buf_adds(&line, ", \"user\": ");
        http_add_json_text(&line, r->session.user.name, strlen(r->session.user.name));
    }
    if (r->items)
        buf_addf(&line, ", \"items\": %zu, \"inserted\": %zu, \"rejected\": %zu", r->items,
                 r->inserted, r->rejected);
    if (!completed)
        buf_adds(&line, ", \"aborted\": true");
    if (expired)
        buf_adds(&line, ", \"timeout\": true");
    buf_adds(&line, "}\n");
    pthread_mutex_lock(&s->log_mu);
    fwrite(line.ptr, 1, line.len, f);
    fflush(f);
    pthread_mutex_unlock(&s->log_mu);
    buf_release(&line);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)mc;
    struct http_server *s = cls;
    struct conn *c = *con_cls;
    if (!c)
        return;
    *con_cls = NULL;
    double seconds = mono_seconds() - c->start;
    size_t route = c->r.route ? (size_t)(c->r.route - http_routes) : router_count();
    bool expired = false;
    if (c->sock) { /* the connection may carry another request: its headers' deadline runs */
        pthread_mutex_lock(&s->socks_mu);
        expired = c->sock->expired;
        c->sock->phase = SOCK_HEADERS;
        c->sock->since = mono_seconds();
        pthread_mutex_unlock(&s->socks_mu);
    }
    metrics_request(s->metrics, route, c->r.status, seconds);
    metrics_inflight(s->metrics, -1);
    if (s->cfg.access_log)
        access_log(s, c, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK, expired);
    if (c->r.release)
        c->r.release(c->r.release_state);
    buf_release(&c->r.resp);
    buf_release(&c->r.headers);
    buf_release(&c->r.decoded);
    buf_release(&c->body);
    pthread_mutex_destroy(&c->mu);
    free(c->path);
    free(c->raw);
    free(c);
    pthread_mutex_lock(&s->mu);
    if (--s->inflight == 0)
        pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void on_commit(void *ctx, const struct lf_ingest_stats *stats)
{
    struct http_server *s = ctx;
    metrics_commit(s->metrics, stats->requests, stats->items, stats->seconds);
}

/* ---- connections: limits and deadlines ---- */

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *s = cls;
    struct sock *k = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        k = xcalloc(1, sizeof(*k));
        k->fd = ci ? ci->connect_fd : -1;
        k->phase = SOCK_HEADERS;
        k->since = mono_seconds();
        pthread_mutex_lock(&s->socks_mu);
        k->next = s->socks.next;
        k->prev = &s->socks;
        k->next->prev = k;
        s->socks.next = k;
        pthread_mutex_unlock(&s->socks_mu);
        *socket_context = k;
    } else if (k) {
        /* MHD tells of the close before it closes the descriptor: once k is out of the list
         * (under the lock), the watchdog can no longer touch a descriptor reused by another */
        pthread_mutex_lock(&s->socks_mu);
        k->prev->next = k->next;
        k->next->prev = k->prev;
        pthread_mutex_unlock(&s->socks_mu);
        free(k);
        *socket_context = NULL;
    }
}

/* Closes the connections whose request has not arrived in time: its headers within
 * header_timeout of the connection (or of its previous answer), its body within body_timeout
 * of the headers, whatever trickles in meanwhile (MHD's own timeout restarts with every byte).
 * shutdown() makes MHD see the end of the stream and close the connection itself. And once a
 * second, the computations whose clients have gone are dropped (libmicrohttpd does not watch a
 * suspended connection): their connections' places of --max-per-address are freed. */
static void *watchdog(void *arg)
{
    struct http_server *s = arg;
    pthread_mutex_lock(&s->socks_mu);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->socks_mu);
        compute_sweep(s->compute);
        pthread_mutex_lock(&s->socks_mu);
        double now = mono_seconds(), next = now + 1;
        for (struct sock *k = s->socks.next; k != &s->socks; k = k->next) {
            if (k->phase == SOCK_BUSY || k->expired || k->fd < 0)
                continue;
            double due = k->since + (k->phase == SOCK_HEADERS ? s->cfg.header_timeout
                                                                : s->cfg.body_timeout);
            if (now >= due) {
                shutdown(k->fd, SHUT_RDWR);
                k->expired = true;
            } else if (due < next) {
                next = due;
            }
        }
        struct timespec until = {.tv_sec = (time_t)next,
                                 .tv_nsec = (long)((next - (double)(time_t)next) * 1e9)};
        pthread_cond_timedwait(&s->socks_cv, &s->socks_mu, &until);
    }
    pthread_mutex_unlock(&s->socks_mu);
    return NULL;
}

/* ---- the socket ---- */

/* Binds "HOST:PORT" or "[V6HOST]:PORT" and writes the URL actually served. */
static int bind_listen(struct http_server *s, struct lf_err *err)
{
    const char *spec = s->cfg.listen, *colon = strrchr(spec, ':');
    char host[96];
    if (!colon || colon == spec || !colon[1])
        return err_set(err, LF_EUSAGE, "'%s' is not HOST:PORT", spec);
    size_t hl = (size_t)(colon - spec);
    if (spec[0] == '[' && hl > 2 && spec[hl - 1] == ']')
        spec++, hl -= 2;
    if (hl >= sizeof(host))
        return err_set(err, LF_EUSAGE, "'%s': the host is too long", s->cfg.listen);
    memcpy(host, spec, hl);
    host[hl] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE},
                    *ai;
    int rc = getaddrinfo(host, colon + 1, &hints, &ai);
    if (rc != 0)
        return err_set(err, LF_EUSAGE, "'%s': %s", s->cfg.listen, gai_strerror(rc));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        err_set(err, LF_EIO, "cannot listen on '%s': %s", s->cfg.listen, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    struct sockaddr_storage sa;
    socklen_t sl = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    int port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                              : ((struct sockaddr_in *)&sa)->sin_port);
    snprintf(s->url, sizeof(s->url), ai->ai_family == AF_INET6 ? "http://[%s]:%d" : "http://%s:%d",
             host, port);
    freeaddrinfo(ai);
    s->listen_fd = fd;
    return 0;
}

/* ---- life cycle ---- */

int http_server_new(const struct http_config *cfg, struct http_server **out, struct lf_err *err)
{
    struct http_server *s = xcalloc(1, sizeof(*s));
    *out = NULL;
    s->cfg = *cfg;
    s->listen_fd = -1;
    if (!s->cfg.threads)
        s->cfg.threads = DEFAULT_THREADS;
    if (!s->cfg.max_body)
        s->cfg.max_body = DEFAULT_MAX_BODY;
    if (!s->cfg.max_connections)
        s->cfg.max_connections = DEFAULT_MAX_CONNECTIONS;
    if (!s->cfg.header_timeout)
        s->cfg.header_timeout = DEFAULT_HEADER_TIMEOUT;
    if (!s->cfg.body_timeout)
        s->cfg.body_timeout = DEFAULT_BODY_TIMEOUT;
    if (!s->cfg.compute_threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.compute_threads = cores > 2 ? (unsigned)(cores < 256 ? cores : 256) : 2;
    }
    if (!s->cfg.compute_queue)
        s->cfg.compute_queue = (size_t)s->cfg.compute_threads * DEFAULT_COMPUTE_QUEUE_PER_THREAD;
    if (!s->cfg.compute_per_caller)
        s->cfg.compute_per_caller = DEFAULT_COMPUTE_PER_CALLER;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_mutex_init(&s->socks_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the watchdog waits on mono_seconds() */
    pthread_cond_init(&s->socks_cv, &ca);
    pthread_condattr_destroy(&ca);
    s->socks.next = s->socks.prev = &s->socks;
    s->metrics = metrics_new(router_count());
    s->rl = ratelimit_new(s->cfg.rate, s->cfg.rate_period);
    s->fb = failbudget_new(s->cfg.auth_failures, s->cfg.auth_failure_period);
    if (http_queries_new(&s->queries, err) < 0 || lf_engine_load(cfg->lf, err) < 0)
        goto fail;
    struct compute_opts co = {.threads = s->cfg.compute_threads,
                              .queue = s->cfg.compute_queue,
                              .per_caller = s->cfg.compute_per_caller};
    if (compute_new(&co, &s->compute, err) < 0)
        goto fail;
    struct lf_ingest_opts io = {.on_commit = on_commit, .ctx = s};
    if (lf_ingest_start(cfg->lf, &io, &s->ing, err) < 0)
        goto fail;
    if (lf_follow_start(cfg->lf, 0, &s->follower, err) < 0)
        goto fail;
    struct lf_survey_follower *surveys = NULL;
    if (lf_survey_follow(cfg->lf, &surveys, err) < 0)
        goto fail;
    s->followers = xgrow(s->followers, sizeof(*s->followers), 1, &s->followers_cap);
    s->followers[s->followers_nr++] = surveys;
    if (bind_listen(s, err) < 0)
        goto fail;
    if (pthread_create(&s->watchdog, NULL, watchdog, s) != 0) {
        err_set(err, LF_EINTERNAL, "cannot start the connection watchdog");
        goto fail;
    }
    s->watching = true;
    /* MHD's inactivity timeout is left to bound an answer the client stops reading; the
     * watchdog bounds the request's arrival. */
    unsigned idle = s->cfg.body_timeout > s->cfg.header_timeout ? s->cfg.body_timeout
                                                                : s->cfg.header_timeout;
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, s, MHD_OPTION_LISTEN_SOCKET, s->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
        s->cfg.threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_CONNECTION_TIMEOUT, idle, MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.max_per_address, MHD_OPTION_END);
    if (!s->d) {
        err_set(err, LF_EIO, "cannot start serving on '%s'", cfg->listen);
        goto fail;
    }
    *out = s;
    return 0;
fail:
    http_server_free(s);
    return -1;
}

const char *http_server_url(const struct http_server *s)
{
    return s->url;
}

void http_server_free(struct http_server *s)
{
    if (!s)
        return;
    if (s->d) {
        /* No new connections; requests in flight finish (MHD may not stop while a connection
         * is suspended, and their clients are owed an answer), bounded by a grace period. */
        MHD_socket fd = MHD_quiesce_daemon(s->d);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        s->listen_fd = -1;
        /* the computations queued are answered 503 at once (the grace period could not hold
         * a full queue's), the running ones finish */
        compute_stop(s->compute);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SHUTDOWN_GRACE_SECONDS;
        pthread_mutex_lock(&s->mu);
        while (s->inflight > 0)
            if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&s->mu);
        MHD_stop_daemon(s->d);
    }
    if (s->watching) {
        pthread_mutex_lock(&s->socks_mu);
        s->stopping = true;
        pthread_cond_signal(&s->socks_cv);
        pthread_mutex_unlock(&s->socks_mu);
        pthread_join(s->watchdog, NULL);
    }
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    lf_follow_free(s->follower);
    lf_ingest_free(s->ing);
    for (size_t i = 0; i < s->followers_nr; i++)
        lf_survey_follower_free(s->followers[i]);
    free(s->followers);
    for (size_t i = 0; i < s->workspaces_nr; i++)
        lf_close(s->workspaces[i]);
    free(s->workspaces);
    compute_free(s->compute);
    ratelimit_free(s->rl);
    failbudget_free(s->fb);
    http_queries_free(s->queries);
    metrics_free(s->metrics);
    pthread_cond_destroy(&s->socks_cv);
    pthread_mutex_destroy(&s->socks_mu);
    pthread_mutex_destroy(&s->log_mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int http_serve(const struct http_config *cfg, void (*ready)(const char *url, void *ctx), void *ctx,
               struct lf_err *err)
{
    /* The signals are blocked before any thread starts, so that every thread inherits the
     * mask and only sigwait below sees them. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGPIPE, SIG_IGN);
    struct http_server *s;
    if (http_server_new(cfg, &s, err) < 0) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (ready)
        ready(http_server_url(s), ctx);
    int sig;
    sigwait(&set, &sig);
    http_server_free(s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 0;
}
