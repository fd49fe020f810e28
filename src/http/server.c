/* server.c - the libmicrohttpd adapter: sockets, request bodies, suspend/resume around the
 * writer, the workspaces keys name, the access log, graceful shutdown. The only file that sees
 * MHD. */
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
#include <zlib.h>

#include "base/mem.h"
#include "base/time.h"
#include "http_int.h"

#define DEFAULT_THREADS 4
#define DEFAULT_MAX_BODY (4u << 20)
#define SHUTDOWN_GRACE_SECONDS 30

struct http_server {
    struct http_config cfg;
    struct MHD_Daemon *d;
    int listen_fd;
    char url[128];
    struct lf_ingest *ing;
    struct metrics *metrics;
    struct ratelimit *rl;
    pthread_mutex_t mu; /* guards the workspaces and the in-flight count */
    pthread_cond_t cv;  /* the last request ended */
    struct lf **workspaces; /* the handles of the workspaces keys have named, kept open */
    size_t workspaces_nr, workspaces_cap;
    size_t inflight;
    pthread_mutex_t log_mu;
};

/* One request: what the handler sees, and what only this file knows. */
struct conn {
    struct http_req r;
    struct MHD_Connection *mc;
    struct buf body;
    bool too_large, answered, deferred, done, suspended;
    pthread_mutex_t mu; /* deferred answers: done vs. suspended */
    double start;
    char *path;
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
    pthread_mutex_lock(&s->mu);
    s->workspaces = xgrow(s->workspaces, sizeof(*s->workspaces), s->workspaces_nr + 1,
                          &s->workspaces_cap);
    s->workspaces[s->workspaces_nr++] = lf;
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

struct ratelimit *http_ratelimit(struct http_req *r)
{
    return r->srv->rl;
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

/* ---- answering ---- */

static enum MHD_Result send_answer(struct conn *c)
{
    struct http_req *r = &c->r;
    if (!r->status)
        http_fail(r, HE_INTERNAL, NULL, "the handler gave no answer");
    if (r->resp.len && (!r->content_type || strncmp(r->content_type, "text/", 5) != 0))
        buf_addc(&r->resp, '\n');
    size_t len = r->resp.len;
    void *data = buf_detach(&r->resp);
    r->resp.len = len; /* kept for the access log */
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, data ? data : "", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json");
    if (r->retry_after) {
        char v[16];
        snprintf(v, sizeof(v), "%u", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    enum MHD_Result ret = MHD_queue_response(c->mc, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    c->answered = true;
    return ret;
}

/* The Allow header of a path no route takes with this method. */
static void set_allow(struct http_req *r, const char *path)
{
    static char allow[3][32] = {"GET", "POST", "GET, POST"};
    char params[ROUTE_PARAMS][ROUTE_PARAM_MAX];
    bool known, get = router_match("GET", path, params, &known) != NULL,
                post = router_match("POST", path, params, &known) != NULL;
    r->allow = get && post ? allow[2] : post ? allow[1] : allow[0];
}

/* Inflates a gzip or zlib body into out, refusing more than max bytes. 0, -1 (corrupt) or
 * -2 (too large). */
static int inflate_body(const struct buf *in, size_t max, struct buf *out)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 32) != Z_OK) /* 15 + 32: detect gzip or zlib headers */
        return -1;
    z.next_in = (unsigned char *)in->ptr;
    z.avail_in = (unsigned)in->len;
    char chunk[16384];
    int rc = Z_OK, ret = 0;
    while (rc != Z_STREAM_END) {
        z.next_out = (unsigned char *)chunk;
        z.avail_out = sizeof(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            ret = -1;
            break;
        }
        buf_add(out, chunk, sizeof(chunk) - z.avail_out);
        if (out->len > max) {
            ret = -2;
            break;
        }
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            ret = -1; /* truncated */
            break;
        }
    }
    inflateEnd(&z);
    return ret;
}

/* Checks the body's type and encoding, decompresses it; false with the answer set. */
static bool prepare_body(struct conn *c)
{
    struct http_req *r = &c->r;
    const struct http_server *s = r->srv;
    if (c->too_large) {
        http_fail(r, HE_TOO_LARGE, NULL, "the body is over the limit of %zu bytes",
                  s->cfg.max_body);
        return false;
    }
    const char *enc = http_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING);
    if (enc && strcasecmp(enc, "identity") != 0) {
        if (strcasecmp(enc, "gzip") != 0 && strcasecmp(enc, "deflate") != 0) {
            http_fail(r, HE_MEDIA_TYPE, NULL,
                      "content encoding '%.40s' is not supported "
                      "(gzip, deflate)",
                      enc);
            return false;
        }
        struct buf plain = BUF_INIT;
        int rc = inflate_body(&c->body, s->cfg.max_body, &plain);
        if (rc < 0) {
            buf_release(&plain);
            if (rc == -2)
                http_fail(r, HE_TOO_LARGE, NULL,
                          "the body inflates past the limit of %zu "
                          "bytes",
                          s->cfg.max_body);
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

static bool json_media_type(const char *ct)
{
    if (!ct)
        return true;
    /* text/plain is what browsers' sendBeacon sends with a JSON body. */
    return strncasecmp(ct, "application/json", 16) == 0 || strncasecmp(ct, "text/plain", 10) == 0;
}

/* The first call of a request: route it and refuse what can be refused before the body. */
static void start(struct conn *c, const char *method)
{
    struct http_req *r = &c->r;
    bool known;
    r->method = method;
    r->route = router_match(method, c->path, r->params, &known);
    if (!r->route) {
        if (known) {
            set_allow(r, c->path);
            http_fail(r, HE_METHOD, NULL, "%s is not allowed on '%s'", method, c->path);
        } else {
            http_fail(r, HE_NOT_FOUND, NULL, "no endpoint '%s'", c->path);
        }
        return;
    }
    if (!r->route->body)
        return;
    const char *len = http_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    char *end;
    if (len && strtoull(len, &end, 10) > r->srv->cfg.max_body)
        http_fail(r, HE_TOO_LARGE, NULL, "the body is over the limit of %zu bytes",
                  r->srv->cfg.max_body);
    else if (!json_media_type(http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE)))
        http_fail(r, HE_MEDIA_TYPE, NULL, "the body must be application/json");
}

/* REST routes take a Bearer key (or basic auth) of the route's scope; ingestion routes check
 * their key themselves, since it may be in the body. False with the answer set. */
static bool authorize(struct http_req *r)
{
    char key[LF_KEY_SIZE + 1];
    int auth = r->route->auth;
    if (auth == AUTH_NONE || auth == AUTH_INGEST)
        return true;
    bool given = auth_header_key(http_header(r, MHD_HTTP_HEADER_AUTHORIZATION), key);
    return auth_require(r, given ? key : NULL,
                        auth == AUTH_ADMIN ? LF_SCOPE_ADMIN : LF_SCOPE_READ) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct conn *c = *con_cls;
    if (!c) {
        c = xcalloc(1, sizeof(*c));
        c->r.srv = s;
        c->mc = mc;
        c->start = mono_seconds();
        c->r.received_ms = time_now_ms();
        c->path = xstrdup(url);
        c->r.path = c->path;
        pthread_mutex_init(&c->mu, NULL);
        pthread_mutex_lock(&s->mu);
        s->inflight++;
        pthread_mutex_unlock(&s->mu);
        metrics_inflight(s->metrics, +1);
        *con_cls = c;
        start(c, method);
        /* An early refusal is sent before the body is read (the connection then closes). */
        return c->r.status ? send_answer(c) : MHD_YES;
    }
    if (*upload_size) {
        if (c->r.route && c->r.route->body && !c->too_large) {
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
        if ((!c->r.route->body || prepare_body(c)) && authorize(&c->r))
            c->r.route->fn(&c->r);
        if (!c->deferred)
            return send_answer(c);
    }
    /* Deferred: answer now if the writer was quicker than us, else sleep until it resumes us. */
    pthread_mutex_lock(&c->mu);
    bool done = c->done;
    if (!done) {
        MHD_suspend_connection(mc);
        c->suspended = true;
    }
    pthread_mutex_unlock(&c->mu);
    return done ? send_answer(c) : MHD_YES;
}

static void access_log(struct http_server *s, struct conn *c, bool completed)
{
    FILE *f = s->cfg.access_log;
    struct http_req *r = &c->r;
    char when[32], remote[INET6_ADDRSTRLEN + 8] = "";
    struct buf line = BUF_INIT;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c->mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, remote,
                      sizeof(remote));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, remote,
                      sizeof(remote));
    }
    time_format_iso(r->received_ms, when);
    buf_addf(&line, "{\"time\": \"%s\", \"remote\": \"%s\", \"method\": ", when, remote);
    buf_add_json_str(&line, r->method ? r->method : "", r->method ? strlen(r->method) : 0);
    buf_adds(&line, ", \"path\": ");
    buf_add_json_str(&line, c->path, strlen(c->path));
    buf_addf(&line,
             ", \"route\": \"%s\", \"status\": %d, \"ms\": %.3f, \"bytes_in\": %zu, "
             "\"bytes_out\": %zu",
             r->route ? r->route->pattern : "", r->status, (mono_seconds() - c->start) * 1000,
             c->body.len, r->resp.len);
    if (r->authed)
        buf_addf(&line, ", \"key\": \"%s\"", r->key.prefix);
    if (r->items)
        buf_addf(&line, ", \"items\": %zu, \"inserted\": %zu, \"rejected\": %zu", r->items,
                 r->inserted, r->rejected);
    if (!completed)
        buf_adds(&line, ", \"aborted\": true");
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
    metrics_request(s->metrics, route, c->r.status, seconds);
    metrics_inflight(s->metrics, -1);
    if (s->cfg.access_log)
        access_log(s, c, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    buf_release(&c->r.resp);
    buf_release(&c->body);
    pthread_mutex_destroy(&c->mu);
    free(c->path);
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
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    s->metrics = metrics_new(router_count());
    s->rl = ratelimit_new(s->cfg.rate, s->cfg.rate_period);
    if (lf_engine_load(cfg->lf, err) < 0)
        goto fail;
    struct lf_ingest_opts io = {.on_commit = on_commit, .ctx = s};
    if (lf_ingest_start(cfg->lf, &io, &s->ing, err) < 0)
        goto fail;
    if (bind_listen(s, err) < 0)
        goto fail;
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, s, MHD_OPTION_LISTEN_SOCKET, s->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
        s->cfg.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
        120u, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_END);
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
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    lf_ingest_free(s->ing);
    for (size_t i = 0; i < s->workspaces_nr; i++)
        lf_close(s->workspaces[i]);
    free(s->workspaces);
    ratelimit_free(s->rl);
    metrics_free(s->metrics);
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
