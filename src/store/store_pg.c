/* store_pg.c - the PostgreSQL engine of the store, through libpq: its primitives (connect,
 * prepare, bind, step, transactions), its dialect ("?N" placeholders become "$N"), the monthly
 * partitions of the events table, its bulk path (COPY) and its migrations. Every SQL statement
 * but those comes from the generic code, as for SQLite. Only this file sees libpq.
 *
 * Values travel as text both ways (PostgreSQL parses a parameter by the type it infers from
 * where it stands). Small statements are prepared once and answer all their rows at once;
 * scans (prepared with `stream`) read through a cursor, a batch of rows at a time, so a scan of
 * 20 M events holds one batch in memory and other statements may run between its batches.
 *
 * Many rows of one shape go through COPY, in the text format, a megabyte at a time. Rows whose
 * key may be stored already go through a temporary table of the same columns and one INSERT …
 * SELECT in their order, so that the table's rules (its unique keys, the events' message-id
 * trigger) keep the first of each key exactly as inserts one by one would, and RETURNING tells
 * which rows were new.
 *
 * A write transaction takes one cluster-wide advisory lock at its start, as SQLite's BEGIN
 * IMMEDIATE takes the file's: writers of every landfall node follow one another, so ids (events,
 * the change log) grow in commit order and a node tailing them by id misses nothing.
 *
 * No call waits on PostgreSQL without a bound: the connection is non-blocking, every exchange
 * (connect, statement, pipeline, COPY, commit) sends and then polls the socket until libpq holds
 * the whole answer, and gives up after the URL's `timeout` seconds without a byte either way
 * (libpq's own calls would wait forever on a frozen server or a lost network). A connection that
 * gave up is dropped at once (shut down, not cancelled: PQcancel connects to the postmaster, which
 * may be as frozen), and the next transaction connects again. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/dynlib.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "store_int.h"

extern const char *const store_pg_migrations[];
extern const int store_pg_migrations_nr;

/* libpq, opened when a store first connects to PostgreSQL (base/dynlib.h): a command on SQLite
 * does not load it and the Kerberos and LDAP libraries it needs */
#define PQ_FNS(X)                                                                                  \
    X(PQconnectStartParams) X(PQconnectPoll) X(PQstatus) X(PQerrorMessage) X(PQsocket)             \
    X(PQsetnonblocking) X(PQsetNoticeProcessor) X(PQbackendPID) X(PQfinish) X(PQconninfoParse)     \
    X(PQconninfoFree) X(PQfreemem) X(PQsendQuery) X(PQsendQueryParams) X(PQsendPrepare)            \
    X(PQsendQueryPrepared) X(PQenterPipelineMode) X(PQexitPipelineMode) X(PQpipelineStatus)        \
    X(PQpipelineSync) X(PQflush) X(PQconsumeInput) X(PQisBusy) X(PQgetResult) X(PQnotifies)        \
    X(PQputCopyData) X(PQputCopyEnd) X(PQresultStatus) X(PQresultErrorMessage)                     \
    X(PQresultErrorField) X(PQntuples) X(PQgetisnull) X(PQgetvalue) X(PQcmdStatus)                 \
    X(PQcmdTuples) X(PQclear)
static struct {
    PQ_FNS(DYNLIB_FIELD)
} pq;
static const char *const pq_names[] = {PQ_FNS(DYNLIB_NAME)};
static struct dynlib libpq =
    DYNLIB_INIT("libpq.so.5", "the PostgreSQL client library", "libpq5", pq_names, pq);

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static void pq_open(void)
{
    dynlib_open(&libpq);
}

/* 0 once libpq is loaded (by the first caller, whichever thread), else -1 with err saying why. */
static int pq_load(struct lf_err *err)
{
    pthread_once(&pq_once, pq_open);
    return dynlib_check(&libpq, err);
}

#define MAX_PARAMS 65535 /* PostgreSQL's own limit */
#define FETCH_ROWS 10000
/* pg_advisory_xact_lock keys: "landfall" in ASCII, and the migration's */
#define WRITE_LOCK 0x6c616e6466616c6cLL
#define MIGRATE_LOCK 0x6c616e646d696772LL

/* The bounds when the URL sets none: a round trip with no byte either way for this long is a
 * server that is not answering (the longest statement of the write path or a scan's batch at the
 * benchmark's size takes seconds: docs/scale-out.md, "Timeouts"); making a connection, this long */
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_CONNECT_MS 5000

/* What the connections of one store (the writer, the readers, the followers: store_clone) know
 * together of the server: once one got no answer, one transaction at a time tries it again (the
 * probe), at most once a second, and the others fail at once, rather than each waiting its own
 * timeout in turn (the requests queued for the readers, or behind another on a server thread,
 * would wait one timeout per request ahead of them). */
#define PROBE_EVERY_MS 1000

struct pg_gate {
    atomic_int refs;
    atomic_int down;         /* a connection got no answer, and none has since */
    atomic_int probing;      /* a transaction is trying the server */
    atomic_llong next_probe; /* mono_ms() before which none tries it */
};

struct store_pg {
    struct store base;
    struct pg_gate *gate;
    PGconn *conn;
    char *url;
    char *conninfo;        /* the URL without landfall's own parameters, for libpq */
    char where[160];       /* "database 'x' on host", for messages (no password) */
    int timeout_ms;        /* a round trip without progress; 0: no bound */
    int connect_ms;        /* making a connection; 0: no bound */
    char timeout_text[16]; /* the URL's timeout as written, for messages */
    bool dropped;          /* the connection was given up (no answer): made again at the next
                            * transaction */
    bool in_tx;
    unsigned next_name;      /* names of prepared statements and cursors */
    unsigned generation;     /* grows when the connection is made again: its statements are
                              * prepared again */
    struct strmap months;    /* "YYYYMM" → 1: event partitions known to exist */
    /* the pipeline: statements sent ahead, whose answers are read at the next statement that
     * waits for one (or the commit); slot[k] tells what to do with the k-th answer */
    int *slot;
    size_t queued, slot_cap;
    PGresult *kept;          /* the answer of the statement queued with SLOT_KEEP */
};

struct sql {
    struct store_pg *s;
    char *text;              /* with $N placeholders */
    char name[24];           /* the prepared statement's, "" until prepared */
    unsigned generation;     /* the connection's when it was prepared */
    bool stream;
    int nparams;
    char **val;              /* nparams values, owned; NULL = SQL NULL */
    PGresult *res;
    int row, rows;           /* the current row of res (1-based once stepped), its rows */
    char cursor[24];         /* "" when no cursor is open */
    bool done;
    int64_t changes;
};

static struct store_pg *P(struct store *st)
{
    return (struct store_pg *)st;
}

/* ---- errors ---- */

/* err from a failed result (NULL: the connection's message). Constraint violations are
 * LF_ECONFLICT, as SQLite's are. */
static int fail(struct store_pg *s, const PGresult *res, struct lf_err *err, const char *what)
{
    const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res && *pq.PQresultErrorMessage(res) ? pq.PQresultErrorMessage(res)
                                                           : pq.PQerrorMessage(s->conn);
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

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Whether the connection may be used: made, and neither broken nor given up. */
static bool up(const struct store_pg *s)
{
    return s->conn && !s->dropped && pq.PQstatus(s->conn) == CONNECTION_OK;
}

/* Gives the connection up without a word to the server: its socket is shut down at once (the
 * backend finds the end of its input when it runs again, and rolls back what it was in).
 * PQcancel is no way out: it connects to the postmaster, which may be as frozen. */
static void drop(struct store_pg *s)
{
    if (s->conn && pq.PQsocket(s->conn) >= 0)
        shutdown(pq.PQsocket(s->conn), SHUT_RDWR);
    s->dropped = true;
    s->in_tx = false;
    s->queued = 0;
}

/* 0 when the connection may be used; else -1 with err saying why not. */
static int usable(struct store_pg *s, struct lf_err *err)
{
    if (up(s))
        return 0;
    if (s->dropped)
        return err_set(err, LF_ESTORE,
                       "PostgreSQL (%s) did not answer within %s: its connection was dropped",
                       s->where, s->timeout_text);
    return fail(s, NULL, err, "PostgreSQL");
}

/* One wait for the socket to be ready for `events`, until *deadline (0: none). Returns 0 when
 * ready (then, when `progress`, the deadline moves on: a byte came or can go, so the server is
 * working), 1 when the deadline passed, -1 with err when poll failed. */
static int wait_socket(struct store_pg *s, short events, int64_t *deadline, int bound,
                       bool progress, struct lf_err *err)
{
    int wait = -1;
    if (*deadline) {
        int64_t left = *deadline - mono_ms();
        if (left <= 0)
            return 1;
        wait = left < INT_MAX ? (int)left : INT_MAX;
    }
    struct pollfd pfd = {.fd = pq.PQsocket(s->conn), .events = events};
    int ready = poll(&pfd, 1, wait);
    if (ready < 0 && errno != EINTR)
        return err_set(err, LF_ESTORE, "cannot wait for PostgreSQL: %s", strerror(errno));
    if (ready > 0 && progress && *deadline)
        *deadline = mono_ms() + bound;
    return 0;
}

/* The round trip gave up: the connection is dropped, err says so. */
static int timed_out(struct store_pg *s, struct lf_err *err)
{
    atomic_store(&s->gate->next_probe, mono_ms() + PROBE_EVERY_MS);
    atomic_store(&s->gate->down, 1);
    drop(s);
    return usable(s, err);
}

/* Sends what libpq holds and waits until it holds the whole next answer (PQgetResult will not
 * block): 0, or -1 with err when the connection broke or the server neither took nor sent a
 * byte for timeout_ms (the connection is dropped then). */
static int await(struct store_pg *s, struct lf_err *err)
{
    if (usable(s, err) < 0)
        return -1;
    int64_t deadline = s->timeout_ms ? mono_ms() + s->timeout_ms : 0;
    for (;;) {
        int pending = pq.PQflush(s->conn);
        if (pending < 0 || !pq.PQconsumeInput(s->conn))
            return fail(s, NULL, err, "PostgreSQL");
        if (!pending && !pq.PQisBusy(s->conn))
            return 0;
        int rc =
            wait_socket(s, POLLIN | (pending ? POLLOUT : 0), &deadline, s->timeout_ms, true, err);
        if (rc != 0)
            return rc < 0 ? -1 : timed_out(s, err);
    }
}

/* Sends all that libpq holds (COPY's data): 0, or -1 with err as await. */
static int flush_out(struct store_pg *s, struct lf_err *err)
{
    if (usable(s, err) < 0)
        return -1;
    int64_t deadline = s->timeout_ms ? mono_ms() + s->timeout_ms : 0;
    int pending;
    while ((pending = pq.PQflush(s->conn)) > 0) {
        int rc = wait_socket(s, POLLOUT, &deadline, s->timeout_ms, true, err);
        if (rc != 0)
            return rc < 0 ? -1 : timed_out(s, err);
    }
    return pending < 0 ? fail(s, NULL, err, "PostgreSQL") : 0;
}

/* The connection's next answer into *res (NULL once the statement's are all read): 0, or -1
 * with err. */
static int next(struct store_pg *s, PGresult **res, struct lf_err *err)
{
    *res = NULL;
    if (await(s, err) < 0)
        return -1;
    *res = pq.PQgetResult(s->conn);
    return 0;
}

/* What PQexec does once the statement is sent, bounded: its last answer (stopping at a COPY's);
 * NULL with err when the statement could not be sent (sent != 1), or the connection broke or
 * was given up. The answer is the caller's: PQclear(). */
static PGresult *finish(struct store_pg *s, int sent, struct lf_err *err)
{
    if (sent != 1) {
        if (usable(s, err) == 0)
            fail(s, NULL, err, "cannot send a statement to PostgreSQL");
        return NULL;
    }
    PGresult *last = NULL, *res;
    for (;;) {
        if (next(s, &res, err) < 0) {
            pq.PQclear(last);
            return NULL;
        }
        if (!res)
            break;
        pq.PQclear(last);
        last = res;
        ExecStatusType st = pq.PQresultStatus(res);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH)
            break;
    }
    if (!last)
        err_set(err, LF_ESTORE, "PostgreSQL: no answer");
    return last;
}

/* PQexec, PQexecParams, PQexecPrepared and PQprepare, bounded (finish). */
static PGresult *exec(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (usable(s, err) < 0)
        return NULL;
    return finish(s, pq.PQsendQuery(s->conn, sql), err);
}

static PGresult *exec_params(struct store_pg *s, const char *sql, int n, const char *const *vals,
                             struct lf_err *err)
{
    if (usable(s, err) < 0)
        return NULL;
    return finish(s, pq.PQsendQueryParams(s->conn, sql, n, NULL, vals, NULL, NULL, 0), err);
}

static PGresult *exec_prepared(struct store_pg *s, const char *name, int n, const char *const *vals,
                               struct lf_err *err)
{
    if (usable(s, err) < 0)
        return NULL;
    return finish(s, pq.PQsendQueryPrepared(s->conn, name, n, vals, NULL, NULL, 0), err);
}

static PGresult *prepare_now(struct store_pg *s, const char *name, const char *sql, int n,
                             struct lf_err *err)
{
    if (usable(s, err) < 0)
        return NULL;
    return finish(s, pq.PQsendPrepare(s->conn, name, sql, n, NULL), err);
}

/* ---- the pipeline ----
 *
 * A round trip to the server costs more than most statements of the write path: those whose
 * answers nobody reads (the change log's inserts, NOTIFY, a cursor's CLOSE) are sent ahead in
 * libpq's pipeline mode and answered together with the next statement that needs its answer,
 * or with the COMMIT: one exchange instead of one each. A statement sent ahead that fails
 * fails the transaction there: nothing is answered before the commit, so what was answered is
 * what was stored, as before. */

/* Statements sent ahead before their answers are read: few enough that their answers (tens of
 * bytes each) fit in the socket's buffer while libpq is still writing, as the server may be. */
#define PIPELINE_MAX 256
/* slot of a statement whose answer nobody reads, and of the one whose answer is kept whole */
#define SLOT_NONE (-1)
#define SLOT_KEEP (-2)

static int run(struct store_pg *s, const char *sql, struct lf_err *err);

static void queue_slot(struct store_pg *s, int slot)
{
    s->slot = xgrow(s->slot, sizeof(*s->slot), s->queued + 1, &s->slot_cap);
    s->slot[s->queued++] = slot;
}

/* Reads the answers of the statements sent ahead and leaves pipeline mode: 0, or -1 with err
 * from the first that failed (the transaction is lost then, as it would have been had each
 * been waited for). */
static int drain(struct store_pg *s, struct lf_err *err)
{
    if (s->dropped) { /* what was sent ahead went with the connection */
        s->queued = 0;
        return usable(s, err);
    }
    if (pq.PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF)
        return 0;
    int rc = 0;
    bool synced = false;
    size_t k = 0, owed = s->queued;
    s->queued = 0;
    if (pq.PQpipelineSync(s->conn) != 1)
        rc = fail(s, NULL, err, "cannot reach PostgreSQL");
    /* each statement's answers end with NULL, the pipeline's with PGRES_PIPELINE_SYNC; a
     * broken connection answers NULLs, which end the loop */
    while (rc == 0 || up(s)) {
        PGresult *res;
        if (next(s, &res, rc == 0 ? err : NULL) < 0) {
            rc = -1;
            break;
        }
        if (!res) {
            if (k >= owed)
                break;
            k++;
            continue;
        }
        ExecStatusType st = pq.PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            pq.PQclear(res);
            synced = k == owed;
            break;
        }
        if (k < owed && s->slot[k] == SLOT_KEEP) {
            if (st == PGRES_FATAL_ERROR && rc == 0)
                rc = fail(s, res, err, "a statement failed");
            pq.PQclear(s->kept);
            s->kept = res; /* the caller's, which takes or clears it */
            continue;
        }
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED &&
            rc == 0)
            rc = fail(s, res, err, "a statement failed");
        pq.PQclear(res);
    }
    if (synced && pq.PQexitPipelineMode(s->conn) != 1 && rc == 0)
        rc = fail(s, NULL, err, "PostgreSQL");
    if (!synced || pq.PQpipelineStatus(s->conn) != PQ_PIPELINE_OFF) {
        /* the exchange broke off: the transaction is lost, and the connection is made again */
        if (rc == 0)
            rc = err_set(err, LF_ESTORE, "PostgreSQL: the connection broke");
        drop(s); /* made again by the next transaction (pg_begin) */
        s->generation++;
        strmap_release(&s->months);
        strmap_init(&s->months);
    } else if (rc < 0) {
        /* a statement prepared ahead may be the one that failed: prepare them all again */
        s->generation++;
    }
    return rc;
}

static int enter_pipeline(struct store_pg *s, struct lf_err *err)
{
    if (usable(s, err) < 0)
        return -1;
    if (s->queued >= PIPELINE_MAX && drain(s, err) < 0)
        return -1;
    if (pq.PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF && pq.PQenterPipelineMode(s->conn) != 1)
        return fail(s, NULL, err, "cannot send to PostgreSQL");
    return 0;
}

/* The statement just queued with SLOT_KEEP, answered together with those sent ahead of it:
 * its result (NULL with err when it or one before it failed). */
static PGresult *answer(struct store_pg *s, struct lf_err *err)
{
    int rc = drain(s, err);
    PGresult *res = s->kept;
    s->kept = NULL;
    if (rc < 0 || !res) {
        pq.PQclear(res);
        if (rc == 0)
            err_set(err, LF_ESTORE, "PostgreSQL: no answer");
        return NULL;
    }
    return res;
}

/* A command without parameters or rows sent ahead (in a transaction), or run at once. */
static int run_ahead(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (!s->in_tx)
        return run(s, sql, err);
    if (enter_pipeline(s, err) < 0)
        return -1;
    if (pq.PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return fail(s, NULL, err, "cannot send a statement");
    queue_slot(s, SLOT_NONE);
    return 0;
}

/* Runs a command without parameters or rows; -1 with err when it failed. */
static int run(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (drain(s, err) < 0)
        return -1;
    PGresult *res = exec(s, sql, err);
    if (!res)
        return -1;
    ExecStatusType st = pq.PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail(s, res, err, "PostgreSQL");
    pq.PQclear(res);
    return rc;
}

static int pg_exec(struct store *st, const char *sql, struct lf_err *err)
{
    return run(P(st), sql, err);
}

/* ---- statements ---- */

/* "?N" → "$N" outside string literals and quoted names: the generic code's placeholders in
 * PostgreSQL's spelling. */
static char *dialect(const char *sql, int *nparams)
{
    struct buf out = BUF_INIT;
    char quote = 0;
    *nparams = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            char *end;
            long n = strtol(p + 1, &end, 10);
            if (n > *nparams)
                *nparams = (int)n;
            buf_addf(&out, "$%ld", n);
            p = end - 1;
            continue;
        }
        buf_addc(&out, *p);
    }
    return buf_detach(&out);
}

static int pg_prepare(struct store *st, const char *sql, bool stream, struct sql **out,
                      struct lf_err *err)
{
    struct sql *q = xcalloc(1, sizeof(*q));
    q->s = P(st);
    q->stream = stream;
    q->text = dialect(sql, &q->nparams);
    if (q->nparams > MAX_PARAMS) {
        free(q->text);
        free(q);
        return err_set(err, LF_EINTERNAL, "\"%.200s\": more than %d parameters", sql,
                       MAX_PARAMS);
    }
    q->val = xcalloc(q->nparams ? (size_t)q->nparams : 1, sizeof(*q->val));
    *out = q;
    return 0;
}

static void close_cursor(struct sql *q)
{
    if (!q->cursor[0])
        return;
    char sql[48];
    snprintf(sql, sizeof(sql), "CLOSE %s", q->cursor);
    /* sent ahead (its answer comes with the next statement's); fails only in an aborted
     * transaction, whose end closes the cursor anyway */
    run_ahead(q->s, sql, NULL);
    q->cursor[0] = '\0';
}

static void pg_reset(struct sql *q)
{
    pq.PQclear(q->res);
    q->res = NULL;
    q->row = q->rows = 0;
    q->done = false;
    close_cursor(q);
}

static void pg_finalize(struct sql *q)
{
    if (!q)
        return;
    pg_reset(q);
    for (int i = 0; i < q->nparams; i++)
        free(q->val[i]);
    free(q->val);
    free(q->text);
    free(q);
}

static void bind_value(struct sql *q, int i, char *v)
{
    if (i < 1 || i > q->nparams) {
        free(v);
        return;
    }
    free(q->val[i - 1]);
    q->val[i - 1] = v;
}

static void pg_bind_null(struct sql *q, int i)
{
    bind_value(q, i, NULL);
}

static void pg_bind_int(struct sql *q, int i, int64_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%" PRId64, v);
    bind_value(q, i, xstrdup(s));
}

static void pg_bind_real(struct sql *q, int i, double v)
{
    char s[32];
    snprintf(s, sizeof(s), "%.17g", v);
    bind_value(q, i, xstrdup(s));
}

static void pg_bind_text(struct sql *q, int i, const char *v)
{
    bind_value(q, i, v ? xstrdup(v) : NULL);
}

/* Keeps res as q's rows; 0, or -1 with err. */
static int take(struct sql *q, PGresult *res, struct lf_err *err)
{
    if (!res) /* no answer: err says why */
        return -1;
    ExecStatusType st = pq.PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        int rc = fail(q->s, res, err, "a statement failed");
        pq.PQclear(res);
        return rc;
    }
    const char *n = pq.PQcmdTuples(res);
    q->changes = st == PGRES_COMMAND_OK && *n ? strtoll(n, NULL, 10) : 0;
    q->res = res;
    q->rows = st == PGRES_TUPLES_OK ? pq.PQntuples(res) : 0;
    q->row = 0;
    return 0;
}

/* The next batch of an open cursor; 0, or -1 with err. */
static int fetch(struct sql *q, struct lf_err *err)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "FETCH %d FROM %s", FETCH_ROWS, q->cursor);
    pq.PQclear(q->res);
    q->res = NULL;
    if (drain(q->s, err) < 0)
        return -1;
    return take(q, exec(q->s, sql, err), err);
}

static int pg_step(struct sql *q, struct lf_err *err);

/* Prepares q on the connection unless it is: at once, or sent ahead in the pipeline. */
static int prepare_named(struct sql *q, bool ahead, struct lf_err *err)
{
    struct store_pg *s = q->s;
    if (q->name[0] && q->generation == s->generation)
        return 0;
    char name[24];
    snprintf(name, sizeof(name), "lf_s%u", s->next_name++);
    if (ahead) {
        if (pq.PQsendPrepare(s->conn, name, q->text, q->nparams, NULL) != 1)
            return fail(s, NULL, err, "cannot prepare a statement");
        queue_slot(s, SLOT_NONE);
    } else {
        PGresult *res = prepare_now(s, name, q->text, q->nparams, err);
        if (!res)
            return -1;
        if (pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = fail(s, res, err, "cannot prepare a statement");
            pq.PQclear(res);
            return rc;
        }
        pq.PQclear(res);
    }
    memcpy(q->name, name, sizeof(name));
    q->generation = s->generation;
    return 0;
}

/* Runs q: a prepared statement answering every row, or, for a scan inside a transaction, a
 * cursor read in batches. */
static int execute(struct sql *q, struct lf_err *err)
{
    struct store_pg *s = q->s;
    const char *const *vals = (const char *const *)q->val;
    if (q->stream && s->in_tx) {
        /* the cursor and its first batch in one exchange, with what was sent ahead */
        snprintf(q->cursor, sizeof(q->cursor), "lf_c%u", s->next_name++);
        struct buf decl = BUF_INIT;
        char sql[64];
        buf_addf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", q->cursor, q->text);
        snprintf(sql, sizeof(sql), "FETCH %d FROM %s", FETCH_ROWS, q->cursor);
        int rc = enter_pipeline(s, err);
        if (rc == 0 && pq.PQsendQueryParams(s->conn, buf_str(&decl), q->nparams, NULL, vals, NULL,
                                            NULL, 0) != 1)
            rc = fail(s, NULL, err, "a scan failed");
        if (rc == 0)
            queue_slot(s, SLOT_NONE);
        if (rc == 0 && pq.PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
            rc = fail(s, NULL, err, "a scan failed");
        buf_release(&decl);
        if (rc == 0)
            queue_slot(s, SLOT_KEEP);
        PGresult *res = rc == 0 ? answer(s, err) : NULL;
        if (!res) {
            q->cursor[0] = '\0'; /* gone with the transaction, which failed */
            return -1;
        }
        return take(q, res, err);
    }
    if (q->stream) /* outside a transaction: no cursor, every row at once */
        return drain(s, err) < 0 ? -1
                                 : take(q, exec_params(s, q->text, q->nparams, vals, err), err);
    if (s->queued) {
        /* answered together with the statements sent ahead of it: one exchange */
        if (prepare_named(q, true, err) < 0)
            return -1;
        if (pq.PQsendQueryPrepared(s->conn, q->name, q->nparams, vals, NULL, NULL, 0) != 1)
            return fail(s, NULL, err, "cannot send a statement");
        queue_slot(s, SLOT_KEEP);
        PGresult *res = answer(s, err);
        return res ? take(q, res, err) : -1;
    }
    if (prepare_named(q, false, err) < 0)
        return -1;
    return take(q, exec_prepared(s, q->name, q->nparams, vals, err), err);
}

/* A statement without rows whose answer nobody reads, sent ahead in a write transaction. */
static int pg_run_later(struct sql *q, struct lf_err *err)
{
    struct store_pg *s = q->s;
    int rc = 0;
    if (!s->in_tx || q->stream) {
        while ((rc = pg_step(q, err)) > 0)
            ;
    } else if (enter_pipeline(s, err) < 0 || prepare_named(q, true, err) < 0) {
        rc = -1;
    } else if (pq.PQsendQueryPrepared(s->conn, q->name, q->nparams, (const char *const *)q->val,
                                      NULL, NULL, 0) != 1) {
        rc = fail(s, NULL, err, "cannot send a statement");
    } else {
        queue_slot(s, SLOT_NONE);
    }
    pg_reset(q);
    return rc;
}

static int pg_step(struct sql *q, struct lf_err *err)
{
    if (q->done)
        return 0;
    if (!q->res && execute(q, err) < 0) {
        q->done = true;
        return -1;
    }
    if (q->row < q->rows) {
        q->row++;
        return 1;
    }
    if (q->cursor[0] && q->rows == FETCH_ROWS) {
        if (fetch(q, err) < 0)
            return -1;
        if (q->rows > 0) {
            q->row = 1;
            return 1;
        }
    }
    q->done = true;
    close_cursor(q);
    return 0;
}

static bool pg_col_null(struct sql *q, int i)
{
    return !q->res || pq.PQgetisnull(q->res, q->row - 1, i);
}

static int64_t pg_col_int(struct sql *q, int i)
{
    if (pg_col_null(q, i))
        return 0;
    const char *v = pq.PQgetvalue(q->res, q->row - 1, i);
    if (*v == 't' || *v == 'f') /* a boolean (EXISTS …), as SQLite's 1 and 0 */
        return *v == 't';
    return strtoll(v, NULL, 10);
}

static double pg_col_real(struct sql *q, int i)
{
    return pg_col_null(q, i) ? 0 : strtod(pq.PQgetvalue(q->res, q->row - 1, i), NULL);
}

static const char *pg_col_text(struct sql *q, int i)
{
    return pg_col_null(q, i) ? NULL : pq.PQgetvalue(q->res, q->row - 1, i);
}

static int64_t pg_changes(struct sql *q)
{
    return q->changes;
}

/* ---- transactions ---- */

static int reconnect(struct store_pg *s, struct lf_err *err);

/* 0 when a transaction may try the server (*probe: it is the one trying it after no answer);
 * -1 with err when another is trying it. */
static int gate_enter(struct store_pg *s, bool *probe, struct lf_err *err)
{
    int no = 0;
    *probe = false;
    if (!atomic_load(&s->gate->down))
        return 0;
    if (mono_ms() >= atomic_load(&s->gate->next_probe) &&
        atomic_compare_exchange_strong(&s->gate->probing, &no, 1)) {
        *probe = true;
        return 0;
    }
    return err_set(err, LF_ESTORE,
                   "PostgreSQL (%s) did not answer within %s; it is tried again at most once a "
                   "second",
                   s->where, s->timeout_text);
}

static int begin(struct store_pg *s, bool write, struct lf_err *err);

static int pg_begin(struct store *st, bool write, struct lf_err *err)
{
    struct store_pg *s = P(st);
    bool probe;
    if (gate_enter(s, &probe, err) < 0)
        return -1;
    int rc = begin(s, write, err);
    if (rc == 0)
        atomic_store(&s->gate->down, 0);
    if (probe)
        atomic_store(&s->gate->probing, 0);
    return rc;
}

static int begin(struct store_pg *s, bool write, struct lf_err *err)
{
    /* a read sees one snapshot throughout, as SQLite's read transaction does; a write takes
     * the lock in the same exchange */
    char sql[160];
    /* Waiting for the write lock while another writer holds it (an import of millions of events
     * in one transaction) is no frozen server: PostgreSQL ends the wait itself before the
     * round trip's bound, with an error, and the connection stays. */
    if (write && s->timeout_ms)
        snprintf(sql, sizeof(sql),
                 "BEGIN; SET LOCAL lock_timeout = %d; SELECT pg_advisory_xact_lock(%lld)",
                 s->timeout_ms > 2000 ? s->timeout_ms - 1000 : s->timeout_ms / 2,
                 (long long)WRITE_LOCK);
    else if (write)
        snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
                 (long long)WRITE_LOCK);
    else
        snprintf(sql, sizeof(sql), "BEGIN ISOLATION LEVEL REPEATABLE READ");
    /* A connection idle while the server restarted looks fine until it is used: its BEGIN
     * finds it dead. Nothing of the transaction has happened then, so it is begun once more
     * on a new connection, and the first request after a restart succeeds. Not when the BEGIN
     * found no answer at all (the server frozen, the network lost): a second wait would only
     * double the caller's; the next transaction connects again. */
    for (int attempt = 0;; attempt++) {
        /* the server restarted, or the connection was given up: connect again */
        if (!up(s) && reconnect(s, err) < 0)
            return -1;
        s->in_tx = true;
        if (run(s, sql, err) == 0)
            return 0;
        bool gave_up = s->dropped;
        run(s, "ROLLBACK", NULL);
        s->in_tx = false;
        if (attempt > 0 || up(s) || gave_up)
            return -1;
    }
}

static void pg_rollback(struct store *st);

static int pg_commit(struct store *st, struct lf_err *err)
{
    struct store_pg *s = P(st);
    PGresult *res;
    if (s->queued) { /* the commit answered with what was sent ahead: one exchange */
        if (pq.PQsendQueryParams(s->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) != 1) {
            fail(s, NULL, err, "cannot commit");
            pg_rollback(st);
            return -1;
        }
        queue_slot(s, SLOT_KEEP);
        if (!(res = answer(s, err))) {
            pg_rollback(st);
            return -1;
        }
    } else if (!(res = exec(s, "COMMIT", err))) {
        /* no answer: whether it committed is unknown (the client retries; its ids make a
         * retry harmless) */
        s->in_tx = false;
        return -1;
    }
    /* a transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written */
    int rc = pq.PQresultStatus(res) != PGRES_COMMAND_OK ? fail(s, res, err, "cannot commit")
             : strcmp(pq.PQcmdStatus(res), "COMMIT") != 0
                 ? err_set(err, LF_ESTORE, "the transaction was rolled back by PostgreSQL")
                 : 0;
    pq.PQclear(res);
    s->in_tx = false;
    return rc;
}

static void pg_rollback(struct store *st)
{
    struct store_pg *s = P(st);
    drain(s, NULL);
    if (s->in_tx)
        run(s, "ROLLBACK", NULL);
    s->in_tx = false;
    /* partitions made by the transaction are gone with it */
    strmap_release(&s->months);
    strmap_init(&s->months);
}

/* ---- the events' monthly partitions ---- */

/* Before an event is written, the partition of its month exists: created in the writer's
 * transaction (under the write lock, so nodes do not race), remembered per connection. */
static int pg_before_insert(struct store *st, const struct resource_def *def,
                            const struct value *v, struct lf_err *err)
{
    struct store_pg *s = P(st);
    if (def != &resource_events)
        return 0;
    int64_t from = time_month_start(v[EVENT_TS].i), to = time_add_months(from, 1);
    char key[16];
    time_format_month(from, key); /* "2024-03": events_2024_03 */
    key[4] = '_';
    int64_t known;
    if (strmap_get(&s->months, key, strlen(key), &known))
        return 0;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "CREATE TABLE IF NOT EXISTS events_%s PARTITION OF events FOR VALUES FROM "
             "(%lld) TO (%lld)",
             key, (long long)from, (long long)to);
    if (run(s, sql, err) < 0)
        return -1;
    strmap_put(&s->months, key, strlen(key), 1);
    return 0;
}

/* ---- the connection ---- */

static int pg_clone(struct store *st, struct store **out, struct lf_err *err)
{
    if (store_pg_open(P(st)->url, false, out, err) < 0)
        return -1;
    /* the clone shares what its store knows of the server */
    struct store_pg *c = P(*out);
    free(c->gate);
    c->gate = P(st)->gate;
    atomic_fetch_add(&c->gate->refs, 1);
    return 0;
}

static void pg_close(struct store *st)
{
    struct store_pg *s = P(st);
    store_base_release(st);
    if (s->conn)
        pq.PQsetnonblocking(s->conn, 1); /* its goodbye must not wait for a frozen server */
    pq.PQfinish(s->conn);
    free(s->conninfo);
    if (s->gate && atomic_fetch_sub(&s->gate->refs, 1) == 1)
        free(s->gate);
    strmap_release(&s->months);
    free(s->slot);
    pq.PQclear(s->kept);
    free(s->url);
    free(s);
}

static const char *const pg_extra_tables[] = {"event_messages", NULL};

/* ---- COPY: many rows of one shape, in the text format, a megabyte at a time ---- */

#define CHUNK (1 << 20)

/* A text value in COPY's text format: backslash, tab, newline and return escaped. */
static void add_text(struct buf *b, const char *s)
{
    const char *run_start = s;
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r" : NULL;
        if (!esc)
            continue;
        buf_add(b, run_start, (size_t)(s - run_start));
        buf_adds(b, esc);
        run_start = s + 1;
    }
    buf_add(b, run_start, (size_t)(s - run_start));
}

static void add_value(struct buf *b, char type, const struct value *v)
{
    if (v->null || (type == 'r' && !isfinite(v->r)) || (type == 't' && !v->s)) {
        buf_adds(b, "\\N");
    } else if (type == 't') {
        add_text(b, v->s);
    } else if (type == 'r') {
        char s[32];
        snprintf(s, sizeof(s), "%.17g", v->r);
        buf_adds(b, s);
    } else {
        char s[24];
        snprintf(s, sizeof(s), "%" PRId64, v->i);
        buf_adds(b, s);
    }
}

/* Sends b's rows and empties it. Each chunk leaves before the next is made: the connection is
 * non-blocking, so libpq would otherwise keep every chunk a frozen server does not take. */
static int put(struct store_pg *s, struct buf *b, struct lf_err *err)
{
    int ok = 1;
    while (b->len && (ok = pq.PQputCopyData(s->conn, b->ptr, (int)b->len)) == 0)
        if (flush_out(s, err) < 0) /* libpq's buffer full */
            return -1;
    if (ok != 1)
        return fail(s, NULL, err, "COPY failed");
    buf_reset(b);
    return flush_out(s, err);
}

/* COPY target(columns) FROM STDIN of b's rows, each preceded by its number when `ordinal`. */
static int copy_rows(struct store_pg *s, const char *target, const struct store_bulk *b, bool ordinal,
                     struct lf_err *err)
{
    struct buf sql = BUF_INIT, data = BUF_INIT;
    buf_addf(&sql, "COPY %s (%s", target, ordinal ? "lf_ord, " : "");
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&sql, "%s%s", c ? ", " : "", b->cols[c]);
    buf_adds(&sql, ") FROM STDIN");
    PGresult *res = exec(s, buf_str(&sql), err);
    buf_release(&sql);
    if (!res)
        return -1;
    if (pq.PQresultStatus(res) != PGRES_COPY_IN) {
        fail(s, res, err, "cannot COPY");
        pq.PQclear(res);
        return -1;
    }
    pq.PQclear(res);
    int rc = 0;
    for (size_t r = 0; r < b->nr && rc == 0; r++) {
        const struct value *row = b->v + r * (size_t)b->ncols;
        if (ordinal)
            buf_addf(&data, "%zu\t", r);
        for (int c = 0; c < b->ncols; c++) {
            if (c)
                buf_addc(&data, '\t');
            add_value(&data, b->types[c], &row[c]);
        }
        buf_addc(&data, '\n');
        if (data.len >= CHUNK)
            rc = put(s, &data, err);
    }
    if (rc == 0)
        rc = put(s, &data, err);
    buf_release(&data);
    /* the end of the data, or (after a failure) an abandoned COPY: the server's answer says
     * which, and why */
    if (!up(s))
        return -1; /* given up while sending: nothing more to say to it */
    int ended;
    while ((ended = pq.PQputCopyEnd(s->conn, rc == 0 ? NULL : "landfall stopped")) == 0)
        if (flush_out(s, rc == 0 ? err : NULL) < 0)
            return -1;
    if (ended != 1 && rc == 0)
        rc = fail(s, NULL, err, "COPY failed");
    for (;;) {
        if (next(s, &res, rc == 0 ? err : NULL) < 0)
            return -1;
        if (!res)
            break;
        if (pq.PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
            rc = fail(s, res, err, "COPY failed");
        pq.PQclear(res);
    }
    return rc;
}

/* The key of row r as the RETURNING clause answers it: its key columns' text, separated. */
static void row_key(const struct store_bulk *b, size_t r, struct buf *out)
{
    const struct value *row = b->v + r * (size_t)b->ncols;
    buf_reset(out);
    for (int k = 0; k < b->nkeys; k++) {
        if (k)
            buf_addc(out, '\x1f');
        const struct value *v = &row[b->keys[k]];
        if (v->null)
            continue;
        if (b->types[b->keys[k]] == 't')
            buf_adds(out, v->s ? v->s : "");
        else
            buf_addf(out, "%" PRId64, v->i);
    }
}

/* The rows through a temporary table: what was new is what RETURNING answers. */
static int copy_skipping(struct store_pg *s, const struct store_bulk *b, struct lf_err *err)
{
    struct buf sql = BUF_INIT, cols = BUF_INIT, key = BUF_INIT;
    for (int c = 0; c < b->ncols; c++)
        buf_addf(&cols, "%s%s", c ? ", " : "", b->cols[c]);
    /* one table per shape and connection, made once and emptied before each use */
    char stage[96];
    snprintf(stage, sizeof(stage), "lf_stage_%s_%08" PRIx64, b->table,
             hash_bytes(cols.ptr, cols.len) & 0xffffffffu);
    /* events keyed by message id: their trigger's rule, set-based (migration 011) */
    bool events = strcmp(b->table, "events") == 0 && b->nkeys == 2 &&
                  strcmp(b->cols[b->keys[0]], "workspace_id") == 0 &&
                  strcmp(b->cols[b->keys[1]], "message_id") == 0;
    buf_addf(&sql,
             "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT 0::bigint AS lf_ord, %s FROM %s "
             "WITH NO DATA; TRUNCATE %s%s",
             stage, buf_str(&cols), b->table, stage,
             events ? "; SELECT set_config('landfall.events_checked', 'on', true)" : "");
    int rc = run(s, buf_str(&sql), err);
    if (rc == 0)
        rc = copy_rows(s, stage, b, true, err);
    PGresult *res = NULL;
    if (rc == 0) {
        buf_reset(&sql);
        if (events) {
            /* the first row of each message id that event_messages did not hold: as the
             * trigger would keep, one row at a time, in the rows' order */
            struct buf picked = BUF_INIT;
            for (int c = 0; c < b->ncols; c++)
                buf_addf(&picked, "%sf.%s", c ? ", " : "", b->cols[c]);
            buf_addf(&sql,
                     "WITH firsts AS (SELECT DISTINCT ON (workspace_id, message_id) * FROM %s "
                     "ORDER BY workspace_id, message_id, lf_ord), fresh AS (INSERT INTO "
                     "event_messages (workspace_id, message_id) SELECT workspace_id, "
                     "message_id FROM firsts ON CONFLICT DO NOTHING RETURNING workspace_id, "
                     "message_id) INSERT INTO events (%s) SELECT %s FROM firsts f JOIN fresh n "
                     "ON n.workspace_id = f.workspace_id AND n.message_id = f.message_id "
                     "ORDER BY f.lf_ord ON CONFLICT DO NOTHING RETURNING ",
                     stage, buf_str(&cols), buf_str(&picked));
            buf_release(&picked);
        } else {
            buf_addf(&sql, "INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY lf_ord ON CONFLICT "
                           "DO NOTHING RETURNING ",
                     b->table, buf_str(&cols), buf_str(&cols), stage);
        }
        for (int k = 0; k < b->nkeys; k++)
            buf_addf(&sql, "%s%s", k ? ", " : "", b->cols[b->keys[k]]);
        res = exec(s, buf_str(&sql), err);
        if (!res) {
            rc = -1;
        } else if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = fail(s, res, err, "cannot write the rows");
            pq.PQclear(res);
            res = NULL;
        }
    }
    /* every other insert of the transaction goes through the trigger again (sent ahead) */
    if (rc == 0 && events)
        rc = run_ahead(s, "SELECT set_config('landfall.events_checked', 'off', true)", err);
    if (rc == 0 && b->inserted) {
        /* the first row of each returned key is the one written: later ones were skipped */
        struct strmap returned;
        strmap_init(&returned);
        for (int i = 0; i < pq.PQntuples(res); i++) {
            buf_reset(&key);
            for (int k = 0; k < b->nkeys; k++) {
                if (k)
                    buf_addc(&key, '\x1f');
                buf_adds(&key, pq.PQgetvalue(res, i, k));
            }
            strmap_put(&returned, key.ptr ? key.ptr : "", key.len, 1);
        }
        for (size_t r = 0; r < b->nr; r++) {
            int64_t left = 0;
            row_key(b, r, &key);
            const char *k = key.ptr ? key.ptr : "";
            b->inserted[r] = strmap_get(&returned, k, key.len, &left) && left;
            if (b->inserted[r])
                strmap_put(&returned, k, key.len, 0);
        }
        strmap_release(&returned);
    }
    pq.PQclear(res);
    buf_release(&sql);
    buf_release(&cols);
    buf_release(&key);
    return rc;
}

static int copy_insert(struct store_pg *s, const struct store_bulk *b, struct lf_err *err)
{
    if (b->nr == 0)
        return 0;
    if (b->skip_known)
        return copy_skipping(s, b, err);
    if (copy_rows(s, b->table, b, false, err) < 0)
        return -1;
    if (b->inserted)
        memset(b->inserted, 1, b->nr * sizeof(*b->inserted));
    return 0;
}

/* ---- bulk writes and the nodes' change notices ---- */

/* Rows fewer than this are inserted one by one rather than copied. */
#define PG_COPY_MIN_ROWS 16

/* Many rows through COPY; events' months get their partitions first. */
static int pg_insert_many(struct store *st, const struct store_bulk *b, struct lf_err *err)
{
    if (drain(P(st), err) < 0)
        return -1;
    if (strcmp(b->table, "events") == 0) {
        int ts = -1;
        for (int c = 0; c < b->ncols; c++)
            if (strcmp(b->cols[c], "ts") == 0)
                ts = c;
        struct value ev[EVENT_NR] = {0};
        for (size_t r = 0; ts >= 0 && r < b->nr; r++) {
            ev[EVENT_TS] = b->v[r * (size_t)b->ncols + (size_t)ts];
            if (pg_before_insert(st, &resource_events, ev, err) < 0)
                return -1;
        }
    }
    /* a few rows (a small ingest request) cost less as inserts than a COPY through a
     * staging table: measured, one event a request was 1.8 times as fast so */
    if (b->nr < PG_COPY_MIN_ROWS)
        return store_insert_rows(st, b, err);
    return copy_insert(P(st), b, err);
}

/* Every write transaction tells the nodes' followers, at its commit (NOTIFY is delivered
 * then, once per transaction however often it was sent). */
static int pg_notify(struct store *st, struct lf_err *err)
{
    /* sent ahead: the commit reads its answer */
    return run_ahead(P(st), "NOTIFY landfall_feed", err);
}

/* Waits for a notice of another connection's commit on this connection's socket. LISTEN is
 * sent again whenever the connection was made anew (its backend changed). */
static int pg_wait(struct store *st, int timeout_ms, struct lf_err *err)
{
    struct store_pg *s = P(st);
    if (!up(s) && reconnect(s, err) < 0) /* broken, or given up after no answer */
        return -1;
    if (drain(s, err) < 0)
        return -1;
    int changed = 0;
    if (st->wait_mark != pq.PQbackendPID(s->conn)) {
        if (run(s, "LISTEN landfall_feed", err) < 0)
            return -1;
        st->wait_mark = pq.PQbackendPID(s->conn);
        changed = 1; /* what happened before it listened is unknown */
    }
    /* notices read along with the answers of the last transaction wait in libpq's queue */
    for (PGnotify *n; (n = pq.PQnotifies(s->conn)) != NULL;) {
        changed = 1;
        pq.PQfreemem(n);
    }
    if (!changed) {
        struct pollfd pfd = {.fd = pq.PQsocket(s->conn), .events = POLLIN};
        int ready = poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno != EINTR)
            return err_set(err, LF_ESTORE, "cannot wait for PostgreSQL: %s", strerror(errno));
        if (ready > 0 && !pq.PQconsumeInput(s->conn))
            return 1; /* the connection broke: the next read makes it again, and sees all */
    }
    for (PGnotify *n; (n = pq.PQnotifies(s->conn)) != NULL;) {
        changed = 1;
        pq.PQfreemem(n);
    }
    return changed;
}

/* A job's session lock (jobs.c): held until given back or the connection dies. */
static int pg_job_lock(struct store *st, int64_t key, bool take, struct lf_err *err)
{
    struct store_pg *s = P(st);
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT pg_%sadvisory_%slock(%lld)", take ? "try_" : "",
             take ? "" : "un", (long long)key);
    if (!up(s))
        return take ? usable(s, err) : 0;
    if (drain(s, err) < 0)
        return -1;
    PGresult *res = exec(s, sql, err);
    if (!res)
        return -1;
    if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = fail(s, res, err, "cannot lock the job");
        pq.PQclear(res);
        return rc;
    }
    int got = pq.PQntuples(res) == 1 && strcmp(pq.PQgetvalue(res, 0, 0), "t") == 0;
    pq.PQclear(res);
    return got;
}

static const struct store_ops pg_ops = {
    .name = "postgres",
    .clone = pg_clone,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_null = pg_bind_null,
    .bind_int = pg_bind_int,
    .bind_real = pg_bind_real,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .reset = pg_reset,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .changes = pg_changes,
    .run_later = pg_run_later,
    .inserted_id = NULL, /* INSERT … RETURNING id */
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .before_insert = pg_before_insert,
    .workspace_tables = pg_extra_tables,
    .tables_sql = "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
                  "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', "
                  "'p') AND NOT c.relispartition AND c.relname <> 'landfall_schema' ORDER BY "
                  "c.oid",
    .columns_sql = "SELECT attname::text, format_type(atttypid, atttypmod), CASE WHEN "
                   "attidentity <> '' THEN 1 ELSE 0 END FROM pg_attribute WHERE attrelid = "
                   "?1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    .defer_sql = "SET CONSTRAINTS ALL DEFERRED",
    .ids_sql = "SELECT setval(pg_get_serial_sequence('%1$s', '%2$s'), max(%2$s)) FROM %1$s "
               "HAVING max(%2$s) IS NOT NULL",
    .insert_many = pg_insert_many,
    .notify = pg_notify,
    .wait = pg_wait,
    .job_lock = pg_job_lock,
};

/* ---- schema ---- */

/* The schema version: the landfall_schema row (0 for a new database). */
static int schema_version(struct store_pg *s, int *version, struct lf_err *err)
{
    PGresult *res = exec(s, "SELECT version FROM landfall_schema", err);
    *version = 0;
    if (!res)
        return -1;
    if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = fail(s, res, err, "cannot read the schema version");
        pq.PQclear(res);
        return rc;
    }
    if (pq.PQntuples(res) > 0)
        *version = (int)strtol(pq.PQgetvalue(res, 0, 0), NULL, 10);
    pq.PQclear(res);
    return 0;
}

/* Applies the migrations this database lacks, each in its transaction, one node at a time. */
static int migrate(struct store_pg *s, struct lf_err *err)
{
    char sql[160];
    int version = 0, rc = -1;
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(%lld)", (long long)MIGRATE_LOCK);
    if (run(s, sql, err) < 0 ||
        run(s, "CREATE TABLE IF NOT EXISTS landfall_schema (version INTEGER NOT NULL)", err) < 0)
        goto out;
    if (schema_version(s, &version, err) < 0)
        goto out;
    if (version > store_pg_migrations_nr) {
        err_set(err, LF_ESCHEMA,
                "'%s' has schema version %d, newer than this landfall (%s, version %d); use a "
                "newer landfall",
                s->url, version, LANDFALL_VERSION, store_pg_migrations_nr);
        goto out;
    }
    for (int v = version; v < store_pg_migrations_nr; v++) {
        snprintf(sql, sizeof(sql), "DELETE FROM landfall_schema; INSERT INTO landfall_schema "
                                   "VALUES (%d)", v + 1);
        if (run(s, "BEGIN", err) < 0)
            goto out;
        if (run(s, store_pg_migrations[v], err) < 0 || run(s, sql, err) < 0) {
            run(s, "ROLLBACK", NULL);
            err_prefix(err, "migration %d failed", v + 1);
            goto out;
        }
        if (run(s, "COMMIT", err) < 0)
            goto out;
    }
    rc = 0;
out:
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", (long long)MIGRATE_LOCK);
    run(s, sql, NULL);
    return rc;
}

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
static int bounds(struct store_pg *s, const char *url, struct lf_err *err)
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
    PQconninfoOption *opts = pq.PQconninfoParse(s->conninfo, &why);
    const char *db = NULL, *host = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
    }
    snprintf(s->where, sizeof(s->where), "database '%s' on %s", db && *db ? db : "(default)",
             host && *host ? host : "the local socket");
    pq.PQconninfoFree(opts);
    pq.PQfreemem(why);
    return 0;
}

/* Makes the connection (again), bounded by connect_ms: the old one, if any, is closed without
 * waiting. 0, or -1 with err. */
static int reconnect(struct store_pg *s, struct lf_err *err)
{
    if (s->conn) {
        pq.PQsetnonblocking(s->conn, 1); /* its goodbye must not wait for a frozen server */
        pq.PQfinish(s->conn);
    }
    const char *const keys[] = {"dbname", NULL};
    const char *const values[] = {s->conninfo, NULL};
    s->conn = pq.PQconnectStartParams(keys, values, 1);
    s->dropped = false;
    s->in_tx = false;
    s->queued = 0;
    s->generation++; /* statements are prepared again, partitions looked for again */
    strmap_release(&s->months);
    strmap_init(&s->months);
    int64_t deadline = s->connect_ms ? mono_ms() + s->connect_ms : 0;
    /* libpq's documented loop: poll for what PQconnectPoll last asked, writing first */
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (s->conn && pq.PQstatus(s->conn) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
           ps != PGRES_POLLING_FAILED) {
        int rc = wait_socket(s, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, &deadline,
                             s->connect_ms, false, err);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            atomic_store(&s->gate->next_probe, mono_ms() + PROBE_EVERY_MS);
            atomic_store(&s->gate->down, 1);
            drop(s);
            return err_set(err, LF_ESTORE,
                           "cannot connect to PostgreSQL (%s): no answer within %.3g s (the "
                           "store URL's connect_timeout)",
                           s->where, s->connect_ms / 1000.0);
        }
        ps = pq.PQconnectPoll(s->conn);
    }
    if (pq.PQstatus(s->conn) != CONNECTION_OK) {
        const char *msg = pq.PQerrorMessage(s->conn);
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n')
            n--;
        return err_set(err, LF_ESTORE, "cannot connect to PostgreSQL (%s): %.*s", s->where, (int)n,
                       msg);
    }
    pq.PQsetnonblocking(s->conn, 1);
    pq.PQsetNoticeProcessor(s->conn, quiet, NULL);
    if (run(s, "SET client_encoding = 'UTF8'; SET client_min_messages = warning", err) < 0)
        return -1;
    /* the backend of a connection given up stops its statement within a second of running
     * again, rather than at its end (PostgreSQL 14 or later; an older one keeps its default) */
    if (s->timeout_ms)
        run(s, "SET client_connection_check_interval = 1000", NULL);
    if (!up(s))
        return usable(s, err);
    atomic_store(&s->gate->down, 0); /* the server answers */
    return 0;
}

/* A connection to url, not migrated: *out is the caller's (pg_close). */
static int pg_connect(const char *url, struct store_pg **out, struct lf_err *err)
{
    struct store_pg *s = xcalloc(1, sizeof(*s));
    store_base_init(&s->base, &pg_ops, url);
    s->url = xstrdup(url);
    strmap_init(&s->months);
    s->gate = xcalloc(1, sizeof(*s->gate));
    atomic_init(&s->gate->refs, 1);
    *out = s;
    if (bounds(s, url, err) < 0 || reconnect(s, err) < 0)
        return -1;
    return 0;
}

int store_pg_open(const char *url, bool create, struct store **out, struct lf_err *err)
{
    (void)create; /* a database is created by its administrator; landfall makes the tables */
    *out = NULL;
    if (pq_load(err) < 0)
        return -1;
    struct store_pg *s;
    if (pg_connect(url, &s, err) < 0 || migrate(s, err) < 0) {
        pg_close(&s->base);
        return -1;
    }
    *out = &s->base;
    return 0;
}

extern const char *const store_pg_migrations_names[];

int store_pg_schema(const char *url, struct store_schema *out, struct lf_err *err)
{
    *out = (struct store_schema){"postgres", 0, store_pg_migrations_nr, store_pg_migrations_names};
    if (pq_load(err) < 0)
        return -1;
    struct store_pg *s;
    int rc = -1;
    PGresult *res = NULL;
    if (pg_connect(url, &s, err) < 0)
        goto out;
    /* a database landfall never opened has no landfall_schema: version 0 */
    static const char *const steps[] = {"SELECT to_regclass('landfall_schema') IS NOT NULL",
                                        "SELECT version FROM landfall_schema"};
    for (int i = 0; i < 2; i++) {
        pq.PQclear(res);
        if (!(res = exec(s, steps[i], err)))
            goto out;
        if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
            const char *msg = pq.PQresultErrorMessage(res);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                n--;
            err_set(err, LF_ESTORE, "cannot read the schema version of PostgreSQL (%s): %.*s",
                    s->where, (int)n, msg);
            goto out;
        }
        if (pq.PQntuples(res) == 0 || pq.PQgetisnull(res, 0, 0) ||
            (i == 0 && strcmp(pq.PQgetvalue(res, 0, 0), "t") != 0))
            break;
        if (i == 1)
            out->version = (int)strtol(pq.PQgetvalue(res, 0, 0), NULL, 10);
    }
    rc = 0;
out:
    pq.PQclear(res);
    pg_close(&s->base);
    return rc;
}
