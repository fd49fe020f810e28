/* store_pg_conn.c - the PostgreSQL engine's connection: errors of its answers, every wait on the
 * server bounded, the URL's bounds, and making the connection (again).
 *
 * No call waits on PostgreSQL without a bound: the connection is non-blocking, every exchange
 * (connect, statement, pipeline, COPY, commit) sends and then polls the socket until libpq holds
 * the whole answer, and gives up after the URL's `timeout` seconds without a byte either way
 * (libpq's own calls would wait forever on a frozen server or a lost network). A connection that
 * gave up is dropped at once (shut down, not cancelled: PQcancel connects to the postmaster, which
 * may be as frozen), and the next transaction connects again. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/mem.h"
#include "store_pg_int.h"


/* The bounds when the URL sets none: a round trip with no byte either way for this long is a
 * server that is not answering (the longest statement of the write path or a scan's batch at the
 * benchmark's size takes seconds: docs/scale-out.md, "Timeouts"); making a connection, this long */
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_CONNECT_MS 5000

/* ---- errors ---- */

/* err from a failed result (NULL: the connection's message). Constraint violations are
 * LF_ECONFLICT, as SQLite's are. */
int pg_fail(struct store_pg *s, const PGresult *res, struct lf_err *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                                        : PQerrorMessage(s->conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    int code = state && strncmp(state, "23", 2) == 0 ? LF_ECONFLICT : LF_ESTORE;
    if (state && strcmp(state, "55P03") == 0) /* lock_timeout: see begin */
        return err_set(err, code,
                       "%s: another transaction held the write lock too long (a long import?); "
                       "retry",
                       what);
    return err_set(err, code, "%s: %.*s", what, (int)n, msg);
}

/* ---- waiting for PostgreSQL, bounded ----
 *
 * libpq's synchronous calls (PQexec, PQconnectdb, PQgetResult while busy) wait for as long as the
 * server takes: forever when it is frozen (SIGSTOP, a stuck disk) or the network is cut without a
 * reset. Every exchange here is libpq's asynchronous processing instead, as its documentation
 * lays it out: send, then poll PQsocket, PQconsumeInput, until PQisBusy says the answer is whole
 * (PQflush first: the connection is non-blocking, so a large COPY cannot block in a send). */

int64_t pg_mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Whether the connection may be used: made, and neither broken nor given up. */
bool pg_up(const struct store_pg *s)
{
    return s->conn && !s->dropped && PQstatus(s->conn) == CONNECTION_OK;
}

/* Gives the connection up without a word to the server: its socket is shut down at once (the
 * backend finds the end of its input when it runs again, and rolls back what it was in).
 * PQcancel is no way out: it connects to the postmaster, which may be as frozen. */
void pg_drop(struct store_pg *s)
{
    if (s->conn && PQsocket(s->conn) >= 0)
        shutdown(PQsocket(s->conn), SHUT_RDWR);
    s->dropped = true;
    s->in_tx = false;
    s->queued = 0;
}

/* 0 when the connection may be used; else -1 with err saying why not. */
int pg_usable(struct store_pg *s, struct lf_err *err)
{
    if (pg_up(s))
        return 0;
    if (s->dropped)
        return err_set(err, LF_ESTORE,
                       "PostgreSQL (%s) did not answer within %s: its connection was dropped",
                       s->where, s->timeout_text);
    return pg_fail(s, NULL, err, "PostgreSQL");
}

/* One wait for the socket to be ready for `events`, until *deadline (0: none). Returns 0 when
 * ready (then, when `progress`, the deadline moves on: a byte came or can go, so the server is
 * working), 1 when the deadline passed, -1 with err when poll failed. */
static int wait_socket(struct store_pg *s, short events, int64_t *deadline, int bound,
                       bool progress, struct lf_err *err)
{
    int wait = -1;
    if (*deadline) {
        int64_t left = *deadline - pg_mono_ms();
        if (left <= 0)
            return 1;
        wait = left < INT_MAX ? (int)left : INT_MAX;
    }
    struct pollfd pfd = {.fd = PQsocket(s->conn), .events = events};
    int ready = poll(&pfd, 1, wait);
    if (ready < 0 && errno != EINTR)
        return err_set(err, LF_ESTORE, "cannot wait for PostgreSQL: %s", strerror(errno));
    if (ready > 0 && progress && *deadline)
        *deadline = pg_mono_ms() + bound;
    return 0;
}

/* The round trip gave up: the connection is dropped, err says so. */
static int timed_out(struct store_pg *s, struct lf_err *err)
{
    atomic_store(&s->gate->next_probe, pg_mono_ms() + PROBE_EVERY_MS);
    atomic_store(&s->gate->down, 1);
    pg_drop(s);
    return pg_usable(s, err);
}

/* Sends what libpq holds and waits until it holds the whole next answer (PQgetResult will not
 * block): 0, or -1 with err when the connection broke or the server neither took nor sent a
 * byte for timeout_ms (the connection is dropped then). */
static int await(struct store_pg *s, struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return -1;
    int64_t deadline = s->timeout_ms ? pg_mono_ms() + s->timeout_ms : 0;
    for (;;) {
        int pending = PQflush(s->conn);
        if (pending < 0 || !PQconsumeInput(s->conn))
            return pg_fail(s, NULL, err, "PostgreSQL");
        if (!pending && !PQisBusy(s->conn))
            return 0;
        int rc =
            wait_socket(s, POLLIN | (pending ? POLLOUT : 0), &deadline, s->timeout_ms, true, err);
        if (rc != 0)
            return rc < 0 ? -1 : timed_out(s, err);
    }
}

/* Sends all that libpq holds (COPY's data): 0, or -1 with err as await. */
int pg_flush_out(struct store_pg *s, struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return -1;
    int64_t deadline = s->timeout_ms ? pg_mono_ms() + s->timeout_ms : 0;
    int pending;
    while ((pending = PQflush(s->conn)) > 0) {
        int rc = wait_socket(s, POLLOUT, &deadline, s->timeout_ms, true, err);
        if (rc != 0)
            return rc < 0 ? -1 : timed_out(s, err);
    }
    return pending < 0 ? pg_fail(s, NULL, err, "PostgreSQL") : 0;
}

/* The connection's next answer into *res (NULL once the statement's are all read): 0, or -1
 * with err. */
int pg_next(struct store_pg *s, PGresult **res, struct lf_err *err)
{
    *res = NULL;
    if (await(s, err) < 0)
        return -1;
    *res = PQgetResult(s->conn);
    return 0;
}

/* What PQexec does once the statement is sent, bounded: its last answer (stopping at a COPY's);
 * NULL with err when the statement could not be sent (sent != 1), or the connection broke or
 * was given up. The answer is the caller's: PQclear(). */
static PGresult *finish(struct store_pg *s, int sent, struct lf_err *err)
{
    if (sent != 1) {
        if (pg_usable(s, err) == 0)
            pg_fail(s, NULL, err, "cannot send a statement to PostgreSQL");
        return NULL;
    }
    PGresult *last = NULL, *res;
    for (;;) {
        if (pg_next(s, &res, err) < 0) {
            PQclear(last);
            return NULL;
        }
        if (!res)
            break;
        PQclear(last);
        last = res;
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH)
            break;
    }
    if (!last)
        err_set(err, LF_ESTORE, "PostgreSQL: no answer");
    return last;
}

/* PQexec, PQexecParams, PQexecPrepared and PQprepare, bounded (finish). */
PGresult *pg_exec_now(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return NULL;
    return finish(s, PQsendQuery(s->conn, sql), err);
}

PGresult *pg_exec_params(struct store_pg *s, const char *sql, int n, const char *const *vals,
                         struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return NULL;
    return finish(s, PQsendQueryParams(s->conn, sql, n, NULL, vals, NULL, NULL, 0), err);
}

PGresult *pg_exec_prepared(struct store_pg *s, const char *name, int n, const char *const *vals,
                           struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return NULL;
    return finish(s, PQsendQueryPrepared(s->conn, name, n, vals, NULL, NULL, 0), err);
}

PGresult *pg_prepare_now(struct store_pg *s, const char *name, const char *sql, int n,
                         struct lf_err *err)
{
    if (pg_usable(s, err) < 0)
        return NULL;
    return finish(s, PQsendPrepare(s->conn, name, sql, n, NULL), err);
}

/* ---- the URL's bounds and connecting ---- */

/* Ignores PostgreSQL's notices (CREATE … IF NOT EXISTS tells of each partition it skips). */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A number of seconds of the URL, "2" or "0.5", into *ms (0: no bound); -1 when it is none. */
static int seconds(const char *p, size_t n, int *ms)
{
    char text[32], *end;
    if (n == 0 || n >= sizeof(text))
        return -1;
    memcpy(text, p, n);
    text[n] = '\0';
    double v = strtod(text, &end);
    if (*end || !(v >= 0 && v <= 86400))
        return -1;
    *ms = (int)(v * 1000 + 0.5);
    return 0;
}

/* Reads the URL's bounds and takes landfall's own parameter, `timeout`, out of its query: libpq
 * refuses a parameter it does not know. `connect_timeout` is libpq's and stays. */
int pg_bounds(struct store_pg *s, const char *url, struct lf_err *err)
{
    const char *q = strchr(url, '?');
    int connect = -1;
    bool given = false;
    s->timeout_ms = DEFAULT_TIMEOUT_MS;
    if (!q) {
        s->conninfo = xstrdup(url);
    } else {
        struct buf out = BUF_INIT;
        char sep = '?';
        buf_add(&out, url, (size_t)(q - url));
        for (const char *p = q + 1; *p;) {
            const char *end = strchr(p, '&');
            if (!end)
                end = p + strlen(p);
            size_t n = (size_t)(end - p);
            if (n >= 8 && strncmp(p, "timeout=", 8) == 0) {
                if (seconds(p + 8, n - 8, &s->timeout_ms) < 0) {
                    buf_release(&out);
                    return err_set(err, LF_EUSAGE,
                                   "the store URL's timeout '%.*s' is not a number of seconds "
                                   "(0 to 86400)",
                                   (int)(n - 8), p + 8);
                }
                given = true;
            } else if (n) {
                if (n >= 16 && strncmp(p, "connect_timeout=", 16) == 0 &&
                    seconds(p + 16, n - 16, &connect) < 0)
                    connect = -1; /* libpq says what is wrong with it */
                buf_addc(&out, sep);
                buf_add(&out, p, n);
                sep = '&';
            }
            p = *end ? end + 1 : end;
        }
        s->conninfo = buf_detach(&out);
    }
    /* making a connection: the URL's connect_timeout (libpq's, which applies it only to its own
     * blocking connect), else 5 s, or the round trips' bound if shorter */
    s->connect_ms = connect >= 0                                          ? connect
                    : s->timeout_ms && s->timeout_ms < DEFAULT_CONNECT_MS ? s->timeout_ms
                                                                          : DEFAULT_CONNECT_MS;
    if (given)
        snprintf(s->timeout_text, sizeof(s->timeout_text), "%.3g s", s->timeout_ms / 1000.0);
    else
        snprintf(s->timeout_text, sizeof(s->timeout_text), "%d s", DEFAULT_TIMEOUT_MS / 1000);
    /* "database 'landfall' on db.internal": the URL without its password, for messages */
    char *why = NULL;
    PQconninfoOption *opts = PQconninfoParse(s->conninfo, &why);
    const char *db = NULL, *host = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
    }
    snprintf(s->where, sizeof(s->where), "database '%s' on %s", db && *db ? db : "(default)",
             host && *host ? host : "the local socket");
    PQconninfoFree(opts);
    PQfreemem(why);
    return 0;
}

/* Makes the connection (again), bounded by connect_ms: the old one, if any, is closed without
 * waiting. 0, or -1 with err. */
int pg_reconnect(struct store_pg *s, struct lf_err *err)
{
    if (s->conn) {
        PQsetnonblocking(s->conn, 1); /* its goodbye must not wait for a frozen server */
        PQfinish(s->conn);
    }
    const char *const keys[] = {"dbname", NULL};
    const char *const values[] = {s->conninfo, NULL};
    s->conn = PQconnectStartParams(keys, values, 1);
    s->dropped = false;
    s->in_tx = false;
    s->queued = 0;
    s->generation++; /* statements are prepared again, partitions looked for again */
    strmap_release(&s->months);
    strmap_init(&s->months);
    int64_t deadline = s->connect_ms ? pg_mono_ms() + s->connect_ms : 0;
    /* libpq's documented loop: poll for what PQconnectPoll last asked, writing first */
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (s->conn && PQstatus(s->conn) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
           ps != PGRES_POLLING_FAILED) {
        int rc = wait_socket(s, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, &deadline,
                             s->connect_ms, false, err);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            atomic_store(&s->gate->next_probe, pg_mono_ms() + PROBE_EVERY_MS);
            atomic_store(&s->gate->down, 1);
            pg_drop(s);
            return err_set(err, LF_ESTORE,
                           "cannot connect to PostgreSQL (%s): no answer within %.3g s (the "
                           "store URL's connect_timeout)",
                           s->where, s->connect_ms / 1000.0);
        }
        ps = PQconnectPoll(s->conn);
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(s->conn);
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n')
            n--;
        return err_set(err, LF_ESTORE, "cannot connect to PostgreSQL (%s): %.*s", s->where, (int)n,
                       msg);
    }
    PQsetnonblocking(s->conn, 1);
    PQsetNoticeProcessor(s->conn, quiet, NULL);
    if (pg_run(s, "SET client_encoding = 'UTF8'; SET client_min_messages = warning", err) < 0)
        return -1;
    /* the backend of a connection given up stops its statement within a second of running
     * again, rather than at its end (PostgreSQL 14 or later; an older one keeps its default) */
    if (s->timeout_ms)
        pg_run(s, "SET client_connection_check_interval = 1000", NULL);
    if (!pg_up(s))
        return pg_usable(s, err);
    atomic_store(&s->gate->down, 0); /* the server answers */
    return 0;
}
