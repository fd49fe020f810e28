/* landfall.h - the public API of liblandfall: open a store, import data, fill it with demo data,
 * compute reports. The CLI and the HTTP server are thin front ends over exactly these calls.
 *
 * Conventions: every fallible call returns 0 on success or -1 with *err filled in (a code and a
 * lowercase message; filling it never allocates). Handles are opaque; whoever calls x_open/x_new
 * calls the matching x_close/x_free, which accept NULL. */
#ifndef LANDFALL_H
#define LANDFALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LANDFALL_VERSION "0.1.0"

enum lf_errcode {
    LF_OK = 0,
    LF_EINVAL,    /* bad input: a value, a row, an option */
    LF_EUSAGE,    /* a call or command used wrongly */
    LF_ENOENT,    /* a file, an id or a name that does not exist */
    LF_EIO,       /* reading or writing a file failed */
    LF_ESTORE,    /* the database failed */
    LF_ESCHEMA,   /* the database schema is newer than this binary, or damaged */
    LF_ECONFLICT, /* the write conflicts with what is stored */
    LF_EAUTH,     /* missing or wrong credentials */
    LF_EPERM,     /* credentials without the needed scope */
    LF_ELIMIT,    /* a size or rate limit was exceeded */
    LF_EINTERNAL, /* a bug */
};

struct lf_err {
    int code;
    char msg[512];
    char field[64]; /* the input field the error is about ("mrr", "traits.email"), or "" */
};

/* ---- the handle ---- */
struct lf;

/* Opens the store at `url` ("sqlite:PATH", or a plain path) for workspace "default", creating and
 * migrating it forward. *out is the caller's: lf_close(). */
int lf_open(const char *url, struct lf **out, struct lf_err *err);
void lf_close(struct lf *lf); /* NULL is a no-op */

/* ---- import ---- */
enum lf_kind {
    LF_KIND_ACCOUNTS,
    LF_KIND_CONTACTS,
    LF_KIND_MRR_CHANGES,
    LF_KIND_ORDERS,
    LF_KIND_EVENTS,
    LF_KIND_TOUCHPOINTS,
    LF_KIND_RESPONSES,
    LF_KIND_NR
};

/* "accounts" → LF_KIND_ACCOUNTS…; -1 for an unknown name. */
int lf_kind_parse(const char *name);
const char *lf_kind_name(int kind);

struct lf_import_opts {
    bool strict;          /* any bad row aborts the file, nothing is written */
    bool progress;        /* draw a progress bar on stderr */
    FILE *reject_log;     /* each rejected row's "FILE:LINE:COLUMN: reason" goes here; may be NULL */
    bool write_rejects;   /* write rejected rows to FILE.rejects.csv */
};

struct lf_import_result {
    size_t rows;          /* data rows read */
    size_t inserted;      /* rows that were new */
    size_t updated;       /* rows that changed a stored row (upserts) */
    size_t unchanged;     /* rows identical to what was stored (re-import, duplicate message id) */
    size_t rejected;      /* rows refused; see the reject log */
    size_t stubs;         /* stub accounts created for unknown account references */
    bool aborted;         /* --strict and an error: nothing was written */
};

/* Imports one CSV or NDJSON file (told apart by extension: .ndjson/.jsonl/.json are NDJSON) of
 * `kind` in one transaction. Returns 0 when the file was read (some rows may still be rejected:
 * see *out), -1 when it could not be read or written at all. */
int lf_import_file(struct lf *lf, int kind, const char *path, const struct lf_import_opts *opts,
                   struct lf_import_result *out, struct lf_err *err);

/* ---- demo data ---- */
struct lf_demo_opts {
    int accounts;          /* number of accounts; 0 means the default (600) */
    uint64_t seed;         /* the same seed gives the same data */
    int64_t end_ms;        /* the "today" of the generated business; 0 means now */
    int months;            /* history length; 0 means 18 */
    bool progress;
    bool replace;          /* delete the workspace's data first; without it, a workspace that
                            * holds data is refused (LF_EUSAGE) and left as it is */
};

struct lf_demo_result {
    size_t accounts, contacts, mrr_changes, orders, events, touchpoints, responses;
};

/* Fills the workspace with a generated SaaS business (docs/demo-data.md): the same options give
 * the same data. Commits in batches of accounts; on failure the batches written so far stay. */
int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
            struct lf_err *err);

/* ---- results: a table of named, typed columns ---- */
enum lf_coltype { LF_COL_TEXT, LF_COL_INT, LF_COL_REAL, LF_COL_MONEY, LF_COL_PERCENT };

struct lf_table; /* opaque */

size_t lf_table_columns(const struct lf_table *t);
size_t lf_table_rows(const struct lf_table *t);
const char *lf_table_column_name(const struct lf_table *t, size_t col); /* borrowed */
int lf_table_column_type(const struct lf_table *t, size_t col);
/* A cell is NULL (JSON null) when the figure is undefined, e.g. NPS of no responses. */
bool lf_table_is_null(const struct lf_table *t, size_t row, size_t col);
const char *lf_table_text(const struct lf_table *t, size_t row, size_t col); /* borrowed */
int64_t lf_table_int(const struct lf_table *t, size_t row, size_t col);   /* INT and MONEY */
double lf_table_real(const struct lf_table *t, size_t row, size_t col);   /* REAL and PERCENT */
const char *lf_table_name(const struct lf_table *t); /* the metric's name, borrowed */
void lf_table_free(struct lf_table *t);              /* NULL is a no-op */

enum lf_format { LF_FORMAT_TABLE, LF_FORMAT_JSON, LF_FORMAT_CSV };
/* Writes t as an aligned table, as {"metric": NAME, "rows": [...]}, or as CSV with a header. */
int lf_table_write(const struct lf_table *t, int format, FILE *out, struct lf_err *err);

/* ---- reports ---- */
struct lf_report_opts {
    const char *by;        /* NULL, or month|quarter|segment|plan|team|touchpoint (per report) */
    int64_t from_ms;       /* 0 = the report's default window start */
    int64_t to_ms;         /* 0 = now; the window is [from, to) */
    double margin;         /* clv: gross margin, 0 means 0.8 */
    int64_t now_ms;        /* 0 = the clock; tests pin it */
    const char *survey;    /* nps/csat/ces: only this survey's responses; NULL = every survey
                              of the report's kind */
};

/* The report names, NULL-terminated, and a one-line description of each. */
extern const char *const lf_report_names[];
const char *lf_report_describe(const char *name);

/* Computes report `name`. *out is the caller's: lf_table_free(). LF_EUSAGE for an unknown name or
 * a --by the report does not support. */
int lf_report(struct lf *lf, const char *name, const struct lf_report_opts *opts,
              struct lf_table **out, struct lf_err *err);

/* ---- API keys ----
 * A key is "lf_" and 43 base64url characters (32 random bytes). It is shown once, at creation;
 * the store keeps its first LF_KEY_PREFIX_LEN characters (to find it) and a BLAKE2b hash. */
enum lf_scope {
    LF_SCOPE_WRITE, /* ingestion only (Segment / PostHog endpoints) */
    LF_SCOPE_READ,  /* reads: reports and resources */
    LF_SCOPE_ADMIN, /* everything */
};
#define LF_KEY_SIZE 47       /* a key's length with its NUL */
#define LF_KEY_PREFIX_LEN 11 /* "lf_" and 8 characters */

/* "write" → LF_SCOPE_WRITE…; -1 for an unknown name. */
int lf_scope_parse(const char *name);
const char *lf_scope_name(int scope);

struct lf_key {
    int64_t id;
    char prefix[LF_KEY_PREFIX_LEN + 1];
    int scope;           /* enum lf_scope */
    int64_t created_ms;
    int64_t revoked_ms;  /* 0 while the key is live */
};

/* Creates a key of `scope` named `name` (may be NULL) in the handle's workspace and writes it to
 * key_out: the only time it is seen. *info (may be NULL) describes it. */
int lf_key_create(struct lf *lf, int scope, const char *name, char key_out[LF_KEY_SIZE],
                  struct lf_key *info, struct lf_err *err);
/* The workspace's keys, live and revoked, as a table (id, prefix, scope, name, created,
 * revoked). *out is the caller's: lf_table_free(). */
struct lf_table;
int lf_keys_list(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Revokes the key with this prefix (or the whole key). LF_ENOENT when no live key has it. */
int lf_key_revoke(struct lf *lf, const char *prefix_or_key, struct lf_err *err);
/* Checks a presented key: 0 and *out when it is a live key of the handle's workspace, else -1
 * with LF_EAUTH (unknown, wrong or revoked: the message says which) or LF_ESTORE. */
int lf_key_verify(struct lf *lf, const char *key, struct lf_key *out, struct lf_err *err);

/* ---- durable ingestion: the server's write path ----
 * One writer thread owns a write handle. Request threads parse their bodies into a request
 * (lf_ingest_parse), queue it (lf_ingest_submit) and are called back once it is durable: the
 * writer gathers every queued request, writes them in one transaction and commits
 * (synchronous=FULL), then calls the commit hook and every request's callback. */
struct lf_ingest;
struct lf_ingest_req;

/* What one durable commit wrote; handed to the commit hook, borrowed for the call only. */
struct lf_commit_info {
    size_t requests;        /* requests in this group commit */
    size_t items;           /* the calls written */
    size_t events_inserted; /* events new to the store */
    double seconds;         /* from BEGIN to the end of COMMIT */
    /* The writer's handle, idle during the call: an in-process consumer such as the analytics
     * engine reads the new events with it (events with ids above its high-water mark). */
    struct lf *lf;
};

struct lf_ingest_opts {
    size_t max_group_items; /* stop gathering requests past this many items; 0 = 20000 */
    /* Called on the writer thread after each durable commit, before the requests are answered
     * (the analytics engine appends here). May be NULL. */
    void (*on_commit)(void *ctx, const struct lf_commit_info *info);
    void *ctx;
};

/* Opens the store at url with its own write handle and starts the writer. *out is the
 * caller's: lf_ingest_free(), which first finishes every queued request. */
int lf_ingest_new(const char *url, const struct lf_ingest_opts *opts, struct lf_ingest **out,
                  struct lf_err *err);
void lf_ingest_free(struct lf_ingest *ing); /* NULL is a no-op */

enum lf_ingest_format {
    LF_INGEST_SEGMENT, /* call: "batch", "track", "identify", "group", "page" or "screen" */
    LF_INGEST_POSTHOG, /* call: "capture" (one event) or "batch" (either shape is accepted) */
};

/* Parses one request body received at received_ms. Returns 0 and *out (the caller's:
 * lf_ingest_req_free()) when the body is a well-formed envelope, even if some items are
 * invalid (they are listed by lf_ingest_req_reject); -1 with LF_EINVAL when the body is not
 * JSON or not the expected shape (err's message says where). */
int lf_ingest_parse(int format, const char *call, const char *body, size_t len,
                    int64_t received_ms, struct lf_ingest_req **out, struct lf_err *err);
/* The key the body carries (Segment "writeKey", PostHog "api_key"/"token"), or NULL. Borrowed. */
const char *lf_ingest_req_key(const struct lf_ingest_req *r);

/* Queues r's valid items; done(ctx) runs on the writer thread once they are durable or the store
 * failed (see lf_ingest_req_result). r stays the caller's, untouched until done runs. A request
 * without valid items completes at once, on the calling thread. */
void lf_ingest_submit(struct lf_ingest *ing, struct lf_ingest_req *r, void (*done)(void *ctx),
                      void *ctx);

struct lf_ingest_result {
    size_t received;   /* items in the body */
    size_t accepted;   /* valid items, now durable */
    size_t inserted;   /* events new to the store */
    size_t duplicates; /* events whose message id was stored already (retries) */
    size_t rejected;   /* invalid items, not stored */
};
/* After done: 0 and *out, or -1 with err when the store failed (nothing of r was written). */
int lf_ingest_req_result(const struct lf_ingest_req *r, struct lf_ingest_result *out,
                         struct lf_err *err);
/* The i-th rejected item: its index in the body, and why (err->code, err->msg); *field is the
 * offending field's path ("traits.email") or NULL. Borrowed. */
size_t lf_ingest_req_rejects(const struct lf_ingest_req *r);
void lf_ingest_req_reject(const struct lf_ingest_req *r, size_t i, size_t *index,
                          const char **field, struct lf_err *why);
void lf_ingest_req_free(struct lf_ingest_req *r); /* NULL is a no-op */

/* ---- usage analytics: the in-memory engine (docs/engine.md) ----
 * The first call loads the engine into the handle (from the snapshot when it is intact and
 * agrees with the store, else from the store, writing the snapshot afterwards); later calls
 * reuse it after appending the store's newer events. */
struct lf_usage_opts {
    const char *by;          /* NULL, or account|segment|plan (as each metric allows);
                                cohorts: the cohort period, week|month (default month) */
    const char *account;     /* only this account (external id); NULL = every account */
    int64_t from_ms, to_ms;  /* the window [from, to); 0 = the metric's default */
    int64_t now_ms;          /* "today"; 0 = the clock (tests pin it) */
    const char *milestone;   /* ttv: the event that marks the value milestone */
    const int *days;         /* features: the k (days) of the adoption curves; */
    size_t days_nr;          /*   0 = 7, 14, 30, 60, 90 */
    const char *basis;       /* cohorts: activity|revenue (default activity) */
    const char *level;       /* cohorts: user|account (default user; revenue: account) */
    const char *start;       /* cohorts: first-activity|customer-since */
    bool median;             /* survival: the medians instead of the curves */
    const char *snapshot;    /* the engine's snapshot file; NULL = none */
    bool progress;           /* a progress bar while the engine is built */
    int threads;             /* 0 = one per core */
    FILE *warnings;          /* why a snapshot was ignored goes here; may be NULL */
    int runs;                /* engine bench: runs of each query (0 = 5) */
};

/* The `usage` metrics, NULL-terminated, and a one-line description of each. */
extern const char *const lf_usage_names[];
const char *lf_usage_describe(const char *name);

/* Computes usage metric `name` (dau, wau, mau, stickiness, portfolio, adoption, features, seats,
 * recency, ttv). *out is the caller's: lf_table_free(). LF_EUSAGE for an unknown name or an
 * option the metric does not take. */
int lf_usage(struct lf *lf, const char *name, const struct lf_usage_opts *opts,
             struct lf_table **out, struct lf_err *err);
/* The retention matrix: rows (cohort, period, size, retained, rate). */
int lf_cohorts(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
               struct lf_err *err);
/* Kaplan–Meier survival of accounts (time to churn) with Greenwood 95 % intervals, or with
 * opts->median the median lifetimes. */
int lf_survival(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                struct lf_err *err);
/* Loads the engine into lf as the usage calls do (opts may be NULL): a server loads it once at
 * start-up rather than on its first request. */
int lf_engine_load(struct lf *lf, const struct lf_usage_opts *opts, struct lf_err *err);
/* Lends from's loaded engine to `to` (a handle of the same store), so that the handles of one
 * process share one engine; from must outlive to. Its locks let them query and append at once. */
void lf_engine_share(struct lf *from, struct lf *to);
/* Appends the store's events newer than the engine's: after each durable ingested batch.
 * Does nothing when lf has no engine. */
int lf_engine_sync(struct lf *lf, struct lf_err *err);
/* Rebuilds the engine from the store and writes its snapshot (when opts->snapshot is set);
 * *out describes it (events, bytes per event, seconds taken…). */
int lf_engine_rebuild(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                      struct lf_err *err);
/* Loads the engine as the other calls do and describes it. */
int lf_engine_info(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                   struct lf_err *err);
/* Times the benchmark queries Q1..Q4 (bench/engine.sh) over the loaded engine: the median and
 * fastest of opts->runs runs each. */
int lf_engine_bench(struct lf *lf, const struct lf_usage_opts *opts, struct lf_table **out,
                    struct lf_err *err);

/* ---- time helpers shared by the front ends ---- */
/* Parses ISO 8601 (date, date-time with or without offset) or unix seconds into ms. */
int lf_time_parse(const char *s, int64_t *ms_out, struct lf_err *err);

/* ---- resources: the rows behind the REST API ----
 * accounts, contacts, mrr_changes, orders, touchpoints, surveys, responses, tasks, outcomes
 * (docs/api.md lists their fields). Rows are JSON objects; the key of accounts, contacts, orders,
 * touchpoints, surveys and responses is their external id ("id"), of the others a number.
 * Errors: LF_ENOENT for an unknown resource or row, LF_EUSAGE for a body that is not a JSON
 * object, LF_EINVAL for an invalid field (err->field names it), LF_ECONFLICT for a duplicate or
 * a row others refer to. */
struct lf_list_query {
    const char *const *filter_names;  /* field = value filters */
    const char *const *filter_values;
    size_t filters_nr;
    const char *sort;     /* "field" or "-field" (descending); NULL = in creation order */
    const char *cursor;   /* a previous page's next_cursor, or NULL */
    size_t limit;         /* 0 = 50; at most 1000 */
};

/* Writes {"data": [rows], "next_cursor": "…" or null} to *json_out (the caller frees it). */
int lf_resource_list(struct lf *lf, const char *resource, const struct lf_list_query *q,
                     char **json_out, struct lf_err *err);
/* Writes the row with key `key` to *json_out (the caller frees it). */
int lf_resource_get(struct lf *lf, const char *resource, const char *key, char **json_out,
                    struct lf_err *err);

enum lf_write_mode {
    LF_WRITE_CREATE,  /* a new row; LF_ECONFLICT when the key exists */
    LF_WRITE_REPLACE, /* PUT: fields not given are cleared */
    LF_WRITE_MERGE,   /* PATCH: only the given fields change */
};
/* Writes the JSON object `body` as row `key` (NULL for a create: the key is then the body's
 * "id", or assigned for numeric keys). *json_out (the caller frees it) is the row as stored;
 * *created tells whether it is new. */
int lf_resource_write(struct lf *lf, const char *resource, const char *key, const char *body,
                      size_t len, int mode, char **json_out, bool *created, struct lf_err *err);
/* Deletes row `key`, recording `actor` and the row in the audit log. */
int lf_resource_delete(struct lf *lf, const char *resource, const char *key, const char *actor,
                       struct lf_err *err);

#endif
