/* store_pg_sql.c - the PostgreSQL engine's statements and transactions: its dialect ("?N"
 * placeholders become "$N"), prepare, bind, step, cursors, the pipeline, BEGIN and COMMIT.
 *
 * Values travel as text both ways (PostgreSQL parses a parameter by the type it infers from
 * where it stands). Small statements are prepared once and answer all their rows at once;
 * scans (prepared with `stream`) read through a cursor, a batch of rows at a time, so a scan of
 * 20 M events holds one batch in memory and other statements may run between its batches.
 *
 * A write transaction takes one cluster-wide advisory lock at its start, as SQLite's BEGIN
 * IMMEDIATE takes the file's: writers of every landfall node follow one another, so ids (events,
 * the change log) grow in commit order and a node tailing them by id misses nothing. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store_pg_int.h"

#define MAX_PARAMS 65535 /* PostgreSQL's own limit */
#define FETCH_ROWS 10000
/* pg_advisory_xact_lock key of the writers: "landfall" in ASCII */
#define WRITE_LOCK 0x6c616e6466616c6cLL

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


static void queue_slot(struct store_pg *s, int slot)
{
    s->slot = xgrow(s->slot, sizeof(*s->slot), s->queued + 1, &s->slot_cap);
    s->slot[s->queued++] = slot;
}

/* Reads the answers of the statements sent ahead and leaves pipeline mode: 0, or -1 with err
 * from the first that failed (the transaction is lost then, as it would have been had each
 * been waited for). */
int pg_drain(struct store_pg *s, struct lf_err *err)
{
    if (s->dropped) { /* what was sent ahead went with the connection */
        s->queued = 0;
        return pg_usable(s, err);
    }
    if (PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF)
        return 0;
    int rc = 0;
    bool synced = false;
    size_t k = 0, owed = s->queued;
    s->queued = 0;
    if (PQpipelineSync(s->conn) != 1)
        rc = pg_fail(s, NULL, err, "cannot reach PostgreSQL");
    /* each statement's answers end with NULL, the pipeline's with PGRES_PIPELINE_SYNC; a
     * broken connection answers NULLs, which end the loop */
    while (rc == 0 || pg_up(s)) {
        PGresult *res;
        if (pg_next(s, &res, rc == 0 ? err : NULL) < 0) {
            rc = -1;
            break;
        }
        if (!res) {
            if (k >= owed)
                break;
            k++;
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            synced = k == owed;
            break;
        }
        if (k < owed && s->slot[k] == SLOT_KEEP) {
            if (st == PGRES_FATAL_ERROR && rc == 0)
                rc = pg_fail(s, res, err, "a statement failed");
            PQclear(s->kept);
            s->kept = res; /* the caller's, which takes or clears it */
            continue;
        }
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED &&
            rc == 0)
            rc = pg_fail(s, res, err, "a statement failed");
        PQclear(res);
    }
    if (synced && PQexitPipelineMode(s->conn) != 1 && rc == 0)
        rc = pg_fail(s, NULL, err, "PostgreSQL");
    if (!synced || PQpipelineStatus(s->conn) != PQ_PIPELINE_OFF) {
        /* the exchange broke off: the transaction is lost, and the connection is made again */
        if (rc == 0)
            rc = err_set(err, LF_ESTORE, "PostgreSQL: the connection broke");
        pg_drop(s); /* made again by the next transaction (pg_begin) */
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
    if (pg_usable(s, err) < 0)
        return -1;
    if (s->queued >= PIPELINE_MAX && pg_drain(s, err) < 0)
        return -1;
    if (PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(s->conn) != 1)
        return pg_fail(s, NULL, err, "cannot send to PostgreSQL");
    return 0;
}

/* The statement just queued with SLOT_KEEP, answered together with those sent ahead of it:
 * its result (NULL with err when it or one before it failed). */
static PGresult *answer(struct store_pg *s, struct lf_err *err)
{
    int rc = pg_drain(s, err);
    PGresult *res = s->kept;
    s->kept = NULL;
    if (rc < 0 || !res) {
        PQclear(res);
        if (rc == 0)
            err_set(err, LF_ESTORE, "PostgreSQL: no answer");
        return NULL;
    }
    return res;
}

/* A command without parameters or rows sent ahead (in a transaction), or run at once. */
int pg_run_ahead(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (!s->in_tx)
        return pg_run(s, sql, err);
    if (enter_pipeline(s, err) < 0)
        return -1;
    if (PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return pg_fail(s, NULL, err, "cannot send a statement");
    queue_slot(s, SLOT_NONE);
    return 0;
}

/* Runs a command without parameters or rows; -1 with err when it failed. */
int pg_run(struct store_pg *s, const char *sql, struct lf_err *err)
{
    if (pg_drain(s, err) < 0)
        return -1;
    PGresult *res = pg_exec_now(s, sql, err);
    if (!res)
        return -1;
    ExecStatusType st = PQresultStatus(res);
    int rc =
        st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pg_fail(s, res, err, "PostgreSQL");
    PQclear(res);
    return rc;
}

int pg_exec(struct store *st, const char *sql, struct lf_err *err)
{
    return pg_run(P(st), sql, err);
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

int pg_prepare(struct store *st, const char *sql, bool stream, struct sql **out,
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
    pg_run_ahead(q->s, sql, NULL);
    q->cursor[0] = '\0';
}

void pg_reset(struct sql *q)
{
    PQclear(q->res);
    q->res = NULL;
    q->row = q->rows = 0;
    q->done = false;
    close_cursor(q);
}

void pg_finalize(struct sql *q)
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

void pg_bind_null(struct sql *q, int i)
{
    bind_value(q, i, NULL);
}

void pg_bind_int(struct sql *q, int i, int64_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%" PRId64, v);
    bind_value(q, i, xstrdup(s));
}

void pg_bind_real(struct sql *q, int i, double v)
{
    char s[32];
    snprintf(s, sizeof(s), "%.17g", v);
    bind_value(q, i, xstrdup(s));
}

void pg_bind_text(struct sql *q, int i, const char *v)
{
    bind_value(q, i, v ? xstrdup(v) : NULL);
}

/* Keeps res as q's rows; 0, or -1 with err. */
static int take(struct sql *q, PGresult *res, struct lf_err *err)
{
    if (!res) /* no answer: err says why */
        return -1;
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        int rc = pg_fail(q->s, res, err, "a statement failed");
        PQclear(res);
        return rc;
    }
    const char *n = PQcmdTuples(res);
    q->changes = st == PGRES_COMMAND_OK && *n ? strtoll(n, NULL, 10) : 0;
    q->res = res;
    q->rows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    q->row = 0;
    return 0;
}

/* The next batch of an open cursor; 0, or -1 with err. */
static int fetch(struct sql *q, struct lf_err *err)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "FETCH %d FROM %s", FETCH_ROWS, q->cursor);
    PQclear(q->res);
    q->res = NULL;
    if (pg_drain(q->s, err) < 0)
        return -1;
    return take(q, pg_exec_now(q->s, sql, err), err);
}


/* Prepares q on the connection unless it is: at once, or sent ahead in the pipeline. */
static int prepare_named(struct sql *q, bool ahead, struct lf_err *err)
{
    struct store_pg *s = q->s;
    if (q->name[0] && q->generation == s->generation)
        return 0;
    char name[24];
    snprintf(name, sizeof(name), "lf_s%u", s->next_name++);
    if (ahead) {
        if (PQsendPrepare(s->conn, name, q->text, q->nparams, NULL) != 1)
            return pg_fail(s, NULL, err, "cannot prepare a statement");
        queue_slot(s, SLOT_NONE);
    } else {
        PGresult *res = pg_prepare_now(s, name, q->text, q->nparams, err);
        if (!res)
            return -1;
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = pg_fail(s, res, err, "cannot prepare a statement");
            PQclear(res);
            return rc;
        }
        PQclear(res);
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
        if (rc == 0 && PQsendQueryParams(s->conn, buf_str(&decl), q->nparams, NULL, vals, NULL,
                                         NULL, 0) != 1)
            rc = pg_fail(s, NULL, err, "a scan failed");
        if (rc == 0)
            queue_slot(s, SLOT_NONE);
        if (rc == 0 && PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
            rc = pg_fail(s, NULL, err, "a scan failed");
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
        return pg_drain(s, err) < 0
                   ? -1
                   : take(q, pg_exec_params(s, q->text, q->nparams, vals, err), err);
    if (s->queued) {
        /* answered together with the statements sent ahead of it: one exchange */
        if (prepare_named(q, true, err) < 0)
            return -1;
        if (PQsendQueryPrepared(s->conn, q->name, q->nparams, vals, NULL, NULL, 0) != 1)
            return pg_fail(s, NULL, err, "cannot send a statement");
        queue_slot(s, SLOT_KEEP);
        PGresult *res = answer(s, err);
        return res ? take(q, res, err) : -1;
    }
    if (prepare_named(q, false, err) < 0)
        return -1;
    return take(q, pg_exec_prepared(s, q->name, q->nparams, vals, err), err);
}

/* A statement without rows whose answer nobody reads, sent ahead in a write transaction. */
int pg_run_later(struct sql *q, struct lf_err *err)
{
    struct store_pg *s = q->s;
    int rc = 0;
    if (!s->in_tx || q->stream) {
        while ((rc = pg_step(q, err)) > 0)
            ;
    } else if (enter_pipeline(s, err) < 0 || prepare_named(q, true, err) < 0) {
        rc = -1;
    } else if (PQsendQueryPrepared(s->conn, q->name, q->nparams, (const char *const *)q->val,
                                   NULL, NULL, 0) != 1) {
        rc = pg_fail(s, NULL, err, "cannot send a statement");
    } else {
        queue_slot(s, SLOT_NONE);
    }
    pg_reset(q);
    return rc;
}

int pg_step(struct sql *q, struct lf_err *err)
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

bool pg_col_null(struct sql *q, int i)
{
    return !q->res || PQgetisnull(q->res, q->row - 1, i);
}

int64_t pg_col_int(struct sql *q, int i)
{
    if (pg_col_null(q, i))
        return 0;
    const char *v = PQgetvalue(q->res, q->row - 1, i);
    if (*v == 't' || *v == 'f') /* a boolean (EXISTS …), as SQLite's 1 and 0 */
        return *v == 't';
    return strtoll(v, NULL, 10);
}

double pg_col_real(struct sql *q, int i)
{
    return pg_col_null(q, i) ? 0 : strtod(PQgetvalue(q->res, q->row - 1, i), NULL);
}

const char *pg_col_text(struct sql *q, int i)
{
    return pg_col_null(q, i) ? NULL : PQgetvalue(q->res, q->row - 1, i);
}

int64_t pg_changes(struct sql *q)
{
    return q->changes;
}

/* ---- transactions ---- */


/* 0 when a transaction may try the server (*probe: it is the one trying it after no answer);
 * -1 with err when another is trying it. */
static int gate_enter(struct store_pg *s, bool *probe, struct lf_err *err)
{
    int no = 0;
    *probe = false;
    if (!atomic_load(&s->gate->down))
        return 0;
    if (pg_mono_ms() >= atomic_load(&s->gate->next_probe) &&
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

int pg_begin(struct store *st, bool write, struct lf_err *err)
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
        if (!pg_up(s) && pg_reconnect(s, err) < 0)
            return -1;
        s->in_tx = true;
        if (pg_run(s, sql, err) == 0)
            return 0;
        bool gave_up = s->dropped;
        pg_run(s, "ROLLBACK", NULL);
        s->in_tx = false;
        if (attempt > 0 || pg_up(s) || gave_up)
            return -1;
    }
}


int pg_commit(struct store *st, struct lf_err *err)
{
    struct store_pg *s = P(st);
    PGresult *res;
    if (s->queued) { /* the commit answered with what was sent ahead: one exchange */
        if (PQsendQueryParams(s->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) != 1) {
            pg_fail(s, NULL, err, "cannot commit");
            pg_rollback(st);
            return -1;
        }
        queue_slot(s, SLOT_KEEP);
        if (!(res = answer(s, err))) {
            pg_rollback(st);
            return -1;
        }
    } else if (!(res = pg_exec_now(s, "COMMIT", err))) {
        /* no answer: whether it committed is unknown (the client retries; its ids make a
         * retry harmless) */
        s->in_tx = false;
        return -1;
    }
    /* a transaction that failed earlier answers COMMIT with ROLLBACK: nothing was written */
    int rc = PQresultStatus(res) != PGRES_COMMAND_OK ? pg_fail(s, res, err, "cannot commit")
             : strcmp(PQcmdStatus(res), "COMMIT") != 0
                 ? err_set(err, LF_ESTORE, "the transaction was rolled back by PostgreSQL")
                 : 0;
    PQclear(res);
    s->in_tx = false;
    return rc;
}

void pg_rollback(struct store *st)
{
    struct store_pg *s = P(st);
    pg_drain(s, NULL);
    if (s->in_tx)
        pg_run(s, "ROLLBACK", NULL);
    s->in_tx = false;
    /* partitions made by the transaction are gone with it */
    strmap_release(&s->months);
    strmap_init(&s->months);
}
