/* store_int.h - the insides of the store: the primitives an engine supplies (a table of
 * functions, like SQLite's VFS), the statement API the generic code runs SQL through, and the
 * state every connection keeps (statement cache, id caches, the transaction's changes).
 *
 * SQL is written once, with "?N" placeholders and the syntax SQLite and PostgreSQL share
 * (ON CONFLICT … DO, RETURNING, IS DISTINCT FROM); an engine rewrites what its dialect spells
 * differently when it prepares a statement. */
#ifndef STORE_STORE_INT_H
#define STORE_STORE_INT_H

#include "base/buf.h"
#include "base/strmap.h"
#include "store.h"

struct sql; /* an engine's prepared statement */

/* Many rows of one shape for insert_many: row r's value of column c is v[r * ncols + c],
 * typed by types[c] ('i' an integer, 'r' a real, 't' text; .null for NULL). */
struct store_bulk {
    const char *table;
    const char *const *cols;
    const char *types;
    int ncols;
    const struct value *v;
    size_t nr;
    /* ON CONFLICT DO NOTHING: a row whose key is stored (or comes earlier in v) is skipped,
     * and inserted[r] tells which were written; the columns keys[0..nkeys) tell rows apart.
     * Without it a conflict fails the whole call. */
    bool skip_known;
    const int *keys;
    int nkeys;
    bool *inserted; /* out: nr flags, or NULL */
};

struct store_ops {
    const char *name;
    int (*clone)(struct store *st, struct store **out, struct lf_err *err);
    void (*close)(struct store *st);
    /* Runs SQL without parameters or rows (several statements may be separated by ';'). */
    int (*exec)(struct store *st, const char *sql, struct lf_err *err);
    /* stream: a scan whose rows may be many (an engine may read them in batches) */
    int (*prepare)(struct store *st, const char *sql, bool stream, struct sql **out,
                   struct lf_err *err);
    void (*finalize)(struct sql *q);
    /* Binding: i counts from 1. Text is copied or kept until the statement is reset. */
    void (*bind_null)(struct sql *q, int i);
    void (*bind_int)(struct sql *q, int i, int64_t v);
    void (*bind_real)(struct sql *q, int i, double v);
    void (*bind_text)(struct sql *q, int i, const char *v);
    /* 1 with a row, 0 when done, -1 with err: LF_ECONFLICT for a constraint, else LF_ESTORE. */
    int (*step)(struct sql *q, struct lf_err *err);
    void (*reset)(struct sql *q); /* ready to step again (bindings kept); releases its snapshot */
    bool (*col_null)(struct sql *q, int i); /* columns count from 0 */
    int64_t (*col_int)(struct sql *q, int i);
    double (*col_real)(struct sql *q, int i);
    const char *(*col_text)(struct sql *q, int i); /* valid until the next step or reset */
    int64_t (*changes)(struct sql *q); /* rows the last step of q inserted/updated/deleted */
    /* Optional (sql_run_later): runs q, a statement without rows, in the open write
     * transaction, maybe later; its failure may be told by a later statement or the commit.
     * Leaves q reset. NULL: sql_run. */
    int (*run_later)(struct sql *q, struct lf_err *err);
    /* The id of the row q's last step inserted. An engine without it (NULL) is sent
     * "INSERT … RETURNING id" instead, which SQLite runs at twice an insert's cost. */
    int64_t (*inserted_id)(struct sql *q);
    int (*begin)(struct store *st, bool write, struct lf_err *err);
    int (*commit)(struct store *st, struct lf_err *err);
    void (*rollback)(struct store *st);
    /* Optional: runs before a row of def is inserted (PostgreSQL makes an event's monthly
     * partition). */
    int (*before_insert)(struct store *st, const struct resource_def *def, const struct value *v,
                         struct lf_err *err);
    /* Tables of the engine's own that hold rows of a workspace (cleared with it); NULL-ended,
     * or NULL. */
    const char *const *workspace_tables;
    /* For copying a whole store (copy.c): the schema's tables in creation order (one column:
     * the name), a table's columns (?1 the table; name, declared type, 1 when the engine
     * numbers it), the statement that defers reference checks to the commit (NULL: none), and
     * the one that moves a numbered column's generator past the copied values (printf with
     * the table, then the column: %1$s, %2$s; NULL: the engine needs none). */
    const char *tables_sql, *columns_sql, *defer_sql, *ids_sql;
    /* Optional: writes many rows of one shape at once, in the open transaction (PostgreSQL:
     * COPY). Without it, store_insert_many steps a prepared INSERT row by row. */
    int (*insert_many)(struct store *st, const struct store_bulk *b, struct lf_err *err);
    /* Optional: runs in every write transaction before its commit, to tell other
     * connections waiting in `wait` that something was committed (PostgreSQL: NOTIFY). */
    int (*notify)(struct store *st, struct lf_err *err);
    /* Waits up to timeout_ms, outside a transaction, for another connection's commit: 1 when
     * one may have happened, 0 when none did, -1 with err. */
    int (*wait)(struct store *st, int timeout_ms, struct lf_err *err);
    /* Optional: takes (take: 1 when got, 0 when another holds it) or gives back a session lock
     * of the connection, released by the server when the connection dies (PostgreSQL's
     * advisory locks), for scheduled jobs (jobs.c). */
    int (*job_lock)(struct store *st, int64_t key, bool take, struct lf_err *err);
};

/* Every engine's handle starts with this header. */
struct store {
    const struct store_ops *ops;
    char *url;
    bool in_write, in_read;
    /* cached statements, by key (see sql_cached) */
    struct strmap stmt_index;
    struct sql **stmts;
    size_t stmts_nr, stmts_cap;
    /* ext id → internal id caches of write transactions, per workspace; valid while the
     * change log ends at cache_seq (-1: dropped), which the next write transaction checks.
     * Each map holds at most STORE_ID_CACHE_MAX ids (write.c: started afresh when full) */
    int64_t cache_ws, cache_seq;
    struct strmap cache[4]; /* accounts, contacts, touchpoints, surveys */
    struct strmap contact_account; /* contact id (decimal) → its account id, 0 for none */
    /* event name → dictionary code of workspace names_ws; kept across transactions like the
     * id caches (names are never deleted but by a workspace reset), dropped on rollback */
    int64_t names_ws;
    struct strmap names;
    /* append-only rows of write transactions waiting to be written in bulk (bulk.c) */
    struct store_pending *pending;
    /* what `wait` last saw (an engine's own use: SQLite's data_version, PostgreSQL's
     * listening backend) */
    int64_t wait_mark;
};

/* Sets up the generic part of a new handle. */
void store_base_init(struct store *st, const struct store_ops *ops, const char *url);
/* Releases the generic part (statements included) before the engine closes. */
void store_base_release(struct store *st);

/* Engines: each opens its own kind of URL. */
int store_sqlite_open(const char *path, bool create, struct store **out, struct lf_err *err);
int store_pg_open(const char *url, bool create, struct store **out, struct lf_err *err);
int store_sqlite_schema(const char *path, struct store_schema *out, struct lf_err *err);
int store_pg_schema(const char *url, struct store_schema *out, struct lf_err *err);

/* ---- the statement API of the generic code (sql.c) ---- */

/* A statement cached under `key` (built by build(arg) the first time). Bind (every parameter),
 * step, then sql_done() before the next use of the same key: a cached statement never stays
 * open (and transactions reset every statement of the connection, as a safety net). NULL with
 * err when it cannot be prepared. */
struct sql *sql_cached(struct store *st, const char *key, void (*build)(struct buf *sql,
                                                                          const void *arg),
                       const void *arg, struct lf_err *err);
/* The same for a fixed SQL text, cached under the text itself. */
struct sql *sql_static(struct store *st, const char *text, struct lf_err *err);
/* A cached scan: rows that may be many, read in batches where the engine can. */
struct sql *sql_scan(struct store *st, const char *text, struct lf_err *err);
/* A scan of its own, for scans whose callbacks may run other statements: sql_free(). */
struct sql *sql_new(struct store *st, const char *text, struct lf_err *err);
void sql_done(struct store *st, struct sql *q); /* resets a cached statement */
void sql_free(struct store *st, struct sql *q); /* finalizes one of sql_new's; NULL is a no-op */

void sql_bind_value(struct store *st, struct sql *q, int i, const struct field_def *f,
                    const struct value *v);
/* Binds text or NULL; ints with LF_UNSET as NULL; ids with 0 as NULL; reals with NaN as NULL. */
void sql_bind_text(struct store *st, struct sql *q, int i, const char *v);
void sql_bind_int(struct store *st, struct sql *q, int i, int64_t v);
void sql_bind_id(struct store *st, struct sql *q, int i, int64_t v);
void sql_bind_real(struct store *st, struct sql *q, int i, double v);
int sql_step(struct store *st, struct sql *q, struct lf_err *err);
/* What sql_each calls on each row: reads q's columns and hands them on; -1 stops the scan. */
typedef int sql_row_fn(void *arg, struct store *st, struct sql *q, struct lf_err *err);
/* How a statement was made, so how it is released: sql_done or sql_free. */
enum sql_kind { SQL_CACHED, SQL_NEW };
/* A scan's loop, written once: steps q (prepared and bound) through its rows, calling row(arg,
 * …) on each until one returns -1, then releases q as `kind` says. Returns 0, or -1 when a
 * step failed or a row returned -1 (err set). */
int sql_each(struct store *st, struct sql *q, enum sql_kind kind, sql_row_fn *row, void *arg,
             struct lf_err *err);
/* Runs a bound UPDATE, DELETE or INSERT q, then sql_done: 1 when it changed a row, 0 when it
 * changed none, -1 (err set). */
int sql_changed(struct store *st, struct sql *q, struct lf_err *err);
/* Steps a statement without rows (or ignoring them) to its end, then sql_done. */
int sql_run(struct store *st, struct sql *q, struct lf_err *err);
/* sql_run for a statement whose answer nobody reads but as a failure of the transaction: an
 * engine may send it ahead and learn how it went at its next statement or the commit, which
 * fails then (the write transaction is lost either way). */
int sql_run_later(struct store *st, struct sql *q, struct lf_err *err);
/* Steps a one-row lookup of an integer column 0: 1 with *out, 0 when no row, -1 on error;
 * then sql_done. */
int sql_lookup(struct store *st, struct sql *q, int64_t *out, struct lf_err *err);

bool sql_null(struct store *st, struct sql *q, int i);
int64_t sql_int(struct store *st, struct sql *q, int i);    /* NULL reads as LF_UNSET */
int64_t sql_id(struct store *st, struct sql *q, int i);     /* NULL reads as 0 */
double sql_real(struct store *st, struct sql *q, int i);    /* NULL reads as NaN */
const char *sql_text(struct store *st, struct sql *q, int i); /* NULL reads as NULL */
int64_t sql_changes(struct store *st, struct sql *q);
/* Reads column c as field f's value into v (REF: c is the id, c + 1 the ext id). */
void sql_value(struct store *st, struct sql *q, int c, const struct field_def *f,
               struct value *v);
int sql_exec(struct store *st, const char *text, struct lf_err *err);

/* ---- SQL built from resource definitions (sql.c) ---- */

/* "SELECT t.id, <fields> FROM <table> t WHERE t.workspace_id = ?1": REF fields take two
 * columns (the id and the referenced ext id), DICT fields the dictionary's text. Columns are
 * numbered by sql_columns. */
void sql_select(struct buf *out, const struct resource_def *def);
/* The same with another condition on the workspace (?1): "t.workspace_id + 0 = ?1" keeps the
 * planner from the workspace's indexes, so that a scan walks the table in id order. */
void sql_select_by(struct buf *out, const struct resource_def *def, const char *where);
/* The SELECT of the id of def's row whose key is ?2 in workspace ?1: for a merged row, the
 * one it was merged into. */
void sql_find_key(struct buf *out, const struct resource_def *def);
/* The first result column of each field in a sql_select (column 0 is the id). */
void sql_columns(const struct resource_def *def, int cols[RESOURCE_MAX_FIELDS]);
/* Reads one row of a sql_select into v. */
void sql_row(struct store *st, struct sql *q, const struct resource_def *def, struct value *v);
/* The column of def's key. */
const char *sql_key_column(const struct resource_def *def);

/* ---- writing many rows at once (bulk.c) ---- */

/* b's rows through the engine's insert_many, or a prepared INSERT stepped row by row. */
int store_insert_many(struct store *st, const struct store_bulk *b, struct lf_err *err);
/* b's rows through a prepared INSERT stepped row by row (what an engine's insert_many may fall
 * back to for a few rows, where a bulk path's set-up costs more than it saves). */
int store_insert_rows(struct store *st, const struct store_bulk *b, struct lf_err *err);
/* Queues an append-only row of def (its values by field, as the write path resolved them) in
 * workspace ws, to be written by store_flush; appended(ctx, change) is then told whether it
 * was new (STORE_INSERTED) or its key was known (STORE_UNCHANGED). Flushes when many are
 * queued. -1 when that flush failed. */
int store_pending_add(struct store *st, int64_t ws, const struct resource_def *def,
                      const struct value *v, uint64_t given, void (*appended)(void *, int),
                      void *ctx, struct lf_err *err);
/* Drops the queued rows (a rollback) and their memory. */
void store_pending_drop(struct store *st);
void store_pending_free(struct store *st);

/* ---- the write path's parts (write.c, hooks.c, merge.c) ---- */

/* The internal id of an ext key in ws through the transaction's cache: 1, 0, -1. kind is the
 * cache slot (0 accounts, 1 contacts, 2 touchpoints, 3 surveys). */
int store_cached_find(struct store *st, int64_t ws, const struct resource_def *def,
                      const char *ext, int64_t *id, struct lf_err *err);
void store_cache_put(struct store *st, int64_t ws, const struct resource_def *def,
                     const char *ext, int64_t id);
void store_caches_drop(struct store *st);
/* The dictionary code of an event name, created when new. */
int store_name_code(struct store *st, int64_t ws, const char *name, int64_t *code,
                    struct lf_err *err);
/* The account row id of def belongs to (itself for an account; 0 when none). */
int store_account_of(struct store *st, const struct resource_def *def, int64_t id,
                     int64_t *account, struct lf_err *err);
/* Appends one change-log entry. */
int store_log_change(struct store *st, int64_t ws, const struct resource_def *def, int64_t id,
                     int64_t account_id, int op, struct lf_err *err);
/* Sets an account's current MRR to its latest point. */
int store_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err);
/* HOOK_MRR_POINT: records the account's written MRR as a point of its history. */
int store_hook_mrr_point(struct store *st, int64_t ws, int64_t account_id, int64_t mrr,
                         int64_t today, struct lf_err *err);

/* A row of def (a resource with a FIELD_MERGE field) with key `key` is to be merged into
 * `into` (its id, 0 when it is a stub to be created; its key). Returns 1 with *id the row
 * (0 when new), 2 when it is that row or merged into it already (nothing to do), refusal set
 * when it was merged into another; -1 when the store failed. */
int store_merge_check(struct store *st, int64_t ws, const struct resource_def *def,
                      const char *key, const struct value *into, int64_t *id,
                      struct lf_err *refusal, struct lf_err *err);
/* After row `from` was marked merged into `into`: the rows merged into `from` follow it, the
 * fields `into` lacks take from's values, and the change log says `from` is gone (when it
 * existed before) and `into` changed. */
int store_merge_apply(struct store *st, int64_t ws, const struct resource_def *def,
                      int64_t from, int64_t into, bool existed, struct lf_err *err);
/* Deletes the rows merged into `into`, which go with it. */
int store_merged_delete(struct store *st, const struct resource_def *def, int64_t into,
                        struct lf_err *err);

#endif
