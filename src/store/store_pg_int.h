/* store_pg_int.h - the insides of the PostgreSQL engine: what its files (store_pg.c,
 * store_pg_conn.c, store_pg_sql.c, store_pg_copy.c) share: a connection's state, a statement's,
 * and the functions one of them calls in another. Only these files see libpq. */
#ifndef STORE_STORE_PG_INT_H
#define STORE_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/strmap.h"
#include "store_int.h"

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
    atomic_llong next_probe; /* pg_mono_ms() before which none tries it */
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

static inline struct store_pg *P(struct store *st)
{
    return (struct store_pg *)st;
}

/* store_pg_conn.c: errors, waiting for PostgreSQL (bounded), connecting */
int pg_fail(struct store_pg *s, const PGresult *res, struct lf_err *err, const char *what);
int64_t pg_mono_ms(void);
bool pg_up(const struct store_pg *s);
void pg_drop(struct store_pg *s);
int pg_usable(struct store_pg *s, struct lf_err *err);
int pg_flush_out(struct store_pg *s, struct lf_err *err);
int pg_next(struct store_pg *s, PGresult **res, struct lf_err *err);
PGresult *pg_exec_now(struct store_pg *s, const char *sql, struct lf_err *err);
PGresult *pg_exec_params(struct store_pg *s, const char *sql, int n, const char *const *vals,
                         struct lf_err *err);
PGresult *pg_exec_prepared(struct store_pg *s, const char *name, int n, const char *const *vals,
                           struct lf_err *err);
PGresult *pg_prepare_now(struct store_pg *s, const char *name, const char *sql, int n,
                         struct lf_err *err);
int pg_bounds(struct store_pg *s, const char *url, struct lf_err *err);
int pg_reconnect(struct store_pg *s, struct lf_err *err);

/* store_pg_sql.c: the pipeline, statements, transactions */
int pg_run(struct store_pg *s, const char *sql, struct lf_err *err);
int pg_run_ahead(struct store_pg *s, const char *sql, struct lf_err *err);
int pg_drain(struct store_pg *s, struct lf_err *err);
int pg_exec(struct store *st, const char *sql, struct lf_err *err);
int pg_prepare(struct store *st, const char *sql, bool stream, struct sql **out,
               struct lf_err *err);
void pg_reset(struct sql *q);
void pg_finalize(struct sql *q);
void pg_bind_null(struct sql *q, int i);
void pg_bind_int(struct sql *q, int i, int64_t v);
void pg_bind_real(struct sql *q, int i, double v);
void pg_bind_text(struct sql *q, int i, const char *v);
int pg_run_later(struct sql *q, struct lf_err *err);
int pg_step(struct sql *q, struct lf_err *err);
bool pg_col_null(struct sql *q, int i);
int64_t pg_col_int(struct sql *q, int i);
double pg_col_real(struct sql *q, int i);
const char *pg_col_text(struct sql *q, int i);
int64_t pg_changes(struct sql *q);
int pg_begin(struct store *st, bool write, struct lf_err *err);
int pg_commit(struct store *st, struct lf_err *err);
void pg_rollback(struct store *st);

/* store_pg_copy.c: many rows through COPY */
int pg_insert_many(struct store *st, const struct store_bulk *b, struct lf_err *err);

/* store_pg.c: the events' monthly partitions */
int pg_before_insert(struct store *st, const struct resource_def *def, const struct value *v,
                     struct lf_err *err);

#endif
