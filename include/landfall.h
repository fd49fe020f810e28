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

/* LF_API marks what the shared library exports: liblandfall is compiled with hidden visibility
 * (meson's gnu_symbol_visibility), so its internal functions stay internal and these
 * declarations are its whole ABI. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define LF_API __attribute__((visibility("default")))
#else
#define LF_API
#endif

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

/* ---- the handle: one workspace of a store, and the running system behind it ----
 * A handle owns (or shares with the other handles of its store) the store's connections, the
 * writer, the analytics engine of its workspace and the change feed. Every call may come from
 * any thread: reads take a connection of a pool for their duration; writes go through the one
 * writer of the store, one transaction at a time. */
struct lf;

struct lf_open_opts {
    const char *url;       /* "sqlite:PATH" or a plain path; NULL = $LANDFALL_DB, else
                            * "landfall.db" */
    const char *workspace; /* NULL = "default"; created when missing (unless must_exist) */
    bool must_exist;       /* refuse a store or workspace that does not exist (LF_ENOENT)
                            * instead of creating it: every read command uses this */
    /* the analytics engine */
    const char *snapshot;  /* its snapshot file; NULL = none */
    bool progress;         /* a progress bar while it is built */
    int threads;           /* scan threads; 0 = one per core */
    FILE *warnings;        /* why a snapshot was ignored goes here; may be NULL */
    size_t readers;        /* connections kept for concurrent reads; 0 = 4 */
};

/* Opens a workspace of a store, creating and migrating the store forward as needed. *out is
 * the caller's: lf_close(). opts may be NULL. */
LF_API int lf_open_with(const struct lf_open_opts *opts, struct lf **out, struct lf_err *err);
/* lf_open_with for `url` and the workspace "default". */
LF_API int lf_open(const char *url, struct lf **out, struct lf_err *err);
/* Another workspace of the same store, sharing its connections and writer (LF_ENOENT when it
 * does not exist and create is false). *out is the caller's: lf_close(). */
LF_API int lf_workspace(struct lf *lf, const char *name, bool create, struct lf **out,
                        struct lf_err *err);
/* The same by the workspace's internal id (an API key names it). */
LF_API int lf_workspace_by_id(struct lf *lf, int64_t id, struct lf **out, struct lf_err *err);
LF_API void lf_close(struct lf *lf); /* NULL is a no-op; the last handle of a store closes it */

struct lf_workspace_info {
    int64_t id;
    char name[128];
    char time_zone[64]; /* IANA name: days, weeks and months are cut in it */
    char store[16];     /* "sqlite" */
};
LF_API void lf_workspace_info(const struct lf *lf, struct lf_workspace_info *out);
/* Sets the workspace's time zone (an IANA name such as "Europe/Berlin"); LF_EINVAL for a name
 * that is not a zone. */
LF_API int lf_workspace_set_tz(struct lf *lf, const char *tz, struct lf_err *err);

/* ---- the change feed ----
 * After every commit (of this process or another on the same store) the handles of a
 * workspace publish what changed: each row a write inserted, updated or deleted (events
 * excepted: their ids grow in commit order and arrive as a range). The analytics engine
 * follows it; so can an embedding application. */
struct lf_change {
    int64_t seq;            /* grows with each change */
    const char *resource;   /* "accounts", "responses"…; "workspace" for a reset */
    int64_t row_id, account_id; /* internal ids; account_id 0 when the row has none */
    int op;                 /* 1 inserted, 2 updated, 3 deleted */
};
struct lf_feed_batch {
    const struct lf_change *changes;
    size_t nr;
    int64_t events_after, events_upto; /* new events have ids in (after, upto] */
};
/* Calls fn(ctx, batch) for every batch of changes of lf's workspace published from now on, on
 * the thread that publishes it (a writer's, or a reader that found another process's
 * changes), one batch at a time. fn must not write through lf. Returns a subscription id. */
LF_API int lf_subscribe(struct lf *lf, void (*fn)(void *ctx, const struct lf_feed_batch *b),
                        void *ctx);
LF_API void lf_unsubscribe(struct lf *lf, int id);
/* Publishes what other processes committed since the last look (every read of derived data
 * does this first); returns the number of changes published, or -1. */
LF_API int lf_feed_poll(struct lf *lf, struct lf_err *err);
/* A follower: a thread with a connection of its own that waits for other processes' commits
 * (several servers on one PostgreSQL database: LISTEN/NOTIFY; a server and the CLI on one
 * SQLite file: its data version) and publishes the change feed of every workspace the process
 * has open, looking at least every poll_ms (0 = 500) even without a notice. *out is the
 * caller's: lf_follow_free(), before the handles are closed. */
struct lf_follower;
struct lf_follow_stats {
    uint64_t rounds;  /* looks at the store */
    uint64_t changes; /* changes it published (those a writer of this process had not yet) */
    uint64_t events;  /* events it published */
    uint64_t errors;  /* looks that failed (the store unreachable): tried again */
};
LF_API int lf_follow_start(struct lf *lf, int poll_ms, struct lf_follower **out,
                           struct lf_err *err);
LF_API void lf_follow_stats(struct lf_follower *f, struct lf_follow_stats *out);
LF_API void lf_follow_free(struct lf_follower *f); /* NULL is a no-op */

/* What the usage page's answers kept between calls (docs/engine.md, "Answers kept") did since
 * the workspace was opened in this process: periods of activity series and whole answers
 * (feature usage, adoption curves) served as kept or computed, and what is kept now. */
struct lf_usage_cache_stats {
    uint64_t periods_kept, periods_computed;
    uint64_t answers_kept, answers_computed;
    uint64_t entries, bytes;
};
LF_API void lf_usage_cache_stats(struct lf *lf, struct lf_usage_cache_stats *out);

/* ---- scheduled jobs ----
 * A periodic job (a daily health snapshot, a playbook, a survey send) that every node of a
 * cluster schedules runs once per slot: lf_job_run claims (workspace, job, slot) in the store
 * (PostgreSQL: while holding the job's advisory lock, so a node that died mid-run is taken over
 * at once; SQLite: a claim's lease of 15 minutes), calls fn, and marks the slot done. Returns 1
 * when fn ran here, 0 when the slot ran or runs elsewhere, -1 with err (fn's failure leaves the
 * slot to be claimed again). A run cut short by a dying node is run again: fn writes under keys
 * derived from the slot, so that a second run rewrites rather than duplicates. */
LF_API int lf_job_run(struct lf *lf, const char *job, int64_t slot,
                      int (*fn)(void *ctx, int64_t slot, struct lf_err *err), void *ctx,
                      struct lf_err *err);

/* ---- the schema ----
 * Every open brings a store's schema up to this landfall's (its migrations, each in its own
 * transaction, one process at a time); these say where it stands, and migrate on purpose. */
struct lf_schema {
    char store[16];                /* "sqlite" or "postgres" */
    int version;                   /* the store's: 0 for a database landfall never opened */
    int latest;                    /* this landfall's */
    const char *const *migrations; /* this landfall's, [0, latest): "001_init"… */
};
/* Where the store at url (NULL: $LANDFALL_DB, else landfall.db) stands, without migrating it.
 * LF_ENOENT for an SQLite file that is not there. */
LF_API int lf_schema_read(const char *url, struct lf_schema *out, struct lf_err *err);
/* Applies the migrations the store lacks (a missing SQLite file is created): *before and *after
 * say where it stood (another process may have applied some meanwhile). LF_ESCHEMA for a store
 * newer than this landfall. */
LF_API int lf_migrate(const char *url, struct lf_schema *before, struct lf_schema *after,
                      struct lf_err *err);

/* What lf_store_copy copied: per table, its rows and a checksum of them (the sum of each row's
 * hash, so the same whatever their order), equal in the source and read back from the copy. */
struct lf_copy_table {
    char name[64];
    int64_t rows;
    uint64_t checksum;
};
struct lf_copy_report {
    struct lf_copy_table tables[64];
    size_t tables_nr;
    int64_t rows;
};
/* Copies the whole store at from_url (every workspace, key, change-log entry…; any engine) into
 * the store at to_url (created, migrated, and required to be empty: LF_ECONFLICT otherwise) in
 * one transaction with every id kept, then verifies each table's rows and checksum read back.
 * Both stores end at this landfall's schema. progress (may be NULL) is told of each table's
 * rows as they go. */
LF_API int lf_store_copy(const char *from_url, const char *to_url,
                         void (*progress)(void *ctx, const char *table, int64_t rows),
                         void *ctx, struct lf_copy_report *out, struct lf_err *err);

/* ---- import ---- */
enum lf_kind {
    LF_KIND_ACCOUNTS,
    LF_KIND_CONTACTS,
    LF_KIND_MRR_CHANGES,
    LF_KIND_ORDERS,
    LF_KIND_EVENTS,
    LF_KIND_TOUCHPOINTS,
    LF_KIND_RESPONSES,
    LF_KIND_REVIEWS,  /* a rating of 1..5 and a text: a response to the survey 'review' */
    LF_KIND_NR
};

/* "accounts" → LF_KIND_ACCOUNTS…; -1 for an unknown name. */
LF_API int lf_kind_parse(const char *name);
LF_API const char *lf_kind_name(int kind);

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
LF_API int lf_import_file(struct lf *lf, int kind, const char *path,
                          const struct lf_import_opts *opts, struct lf_import_result *out,
                          struct lf_err *err);

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
LF_API int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
                   struct lf_err *err);

/* ---- results: a table of named, typed columns ---- */
enum lf_coltype { LF_COL_TEXT, LF_COL_INT, LF_COL_REAL, LF_COL_MONEY, LF_COL_PERCENT };

struct lf_table; /* opaque */

LF_API size_t lf_table_columns(const struct lf_table *t);
LF_API size_t lf_table_rows(const struct lf_table *t);
LF_API const char *lf_table_column_name(const struct lf_table *t, size_t col); /* borrowed */
LF_API int lf_table_column_type(const struct lf_table *t, size_t col);
/* A cell is NULL (JSON null) when the figure is undefined, e.g. NPS of no responses. */
LF_API bool lf_table_is_null(const struct lf_table *t, size_t row, size_t col);
LF_API const char *lf_table_text(const struct lf_table *t, size_t row, size_t col); /* borrowed */
/* lf_table_int reads INT and MONEY cells, lf_table_real REAL and PERCENT ones. */
LF_API int64_t lf_table_int(const struct lf_table *t, size_t row, size_t col);
LF_API double lf_table_real(const struct lf_table *t, size_t row, size_t col);
LF_API const char *lf_table_name(const struct lf_table *t); /* the metric's name, borrowed */
LF_API void lf_table_free(struct lf_table *t); /* NULL is a no-op */

enum lf_format { LF_FORMAT_TABLE, LF_FORMAT_JSON, LF_FORMAT_CSV };
/* Writes t as an aligned table, as {"metric": NAME, "rows": [...]}, or as CSV with a header. */
LF_API int lf_table_write(const struct lf_table *t, int format, FILE *out, struct lf_err *err);

/* The workspace time zone a table's periods were cut in (IANA name); "" when it has none. */
LF_API const char *lf_table_time_zone(const struct lf_table *t);
/* The rows of the whole result when the table is one page of it (a paged metric: JSON has
 * "total"), else -1. */
LF_API int64_t lf_table_total(const struct lf_table *t);

/* ---- metrics: every figure landfall computes, declared once ----
 * Each metric declares its parameters, the dimensions it can be broken down by, its output
 * columns and how it is computed (src/metrics). The CLI's options, the HTTP query parameters,
 * `landfall help`, docs/metrics.md and the OpenAPI document all come from these declarations.
 * Every metric takes the common parameters: from, to, now (times), by (one or two
 * comma-separated dimensions), where (repeatable field=value filters). */
enum lf_param_type {
    LF_PARAM_TIME,    /* ISO 8601 date or date-time, or unix seconds */
    LF_PARAM_INT,     /* within [min, max] */
    LF_PARAM_REAL,    /* within [min, max] */
    LF_PARAM_CHOICE,  /* one of choices */
    LF_PARAM_TEXT,    /* free text (an id, an event name) */
    LF_PARAM_INTS,    /* comma-separated integers within [min, max], at most max_items */
    LF_PARAM_BOOL,    /* true/false, 1/0; a CLI flag without a value */
    LF_PARAM_DIMS,    /* by: one or two of the metric's dimensions */
    LF_PARAM_FILTER,  /* where: field=value, repeatable, fields from the metric's filters */
};

struct lf_param_info {
    const char *name;
    int type;                  /* enum lf_param_type */
    const char *dflt;          /* what it means when absent, in words ("30 days before to") */
    const char *help;
    const char *const *choices;/* LF_PARAM_CHOICE, NULL-terminated */
    double min, max;           /* LF_PARAM_INT, REAL, INTS */
    int max_items;             /* LF_PARAM_INTS */
};

struct lf_column_info {
    const char *name;
    int type;                  /* enum lf_coltype */
    const char *help;
};

struct lf_metric_info {
    const char *name;          /* "nps", "dau", "cohorts"… unique across groups */
    const char *group;         /* the command it belongs to: "report", "usage", "cohorts",
                                * "survival" */
    const char *summary;       /* one line */
    const char *help;          /* the definition, a paragraph (docs/metrics.md has more) */
    const struct lf_param_info *params; /* common ones first, then the metric's own */
    size_t params_nr;
    const char *const *dims;   /* its dimensions for `by`, NULL-terminated */
    const char *const *filters;/* its fields for `where`, NULL-terminated */
    const struct lf_column_info *columns; /* after the dimension columns */
    size_t columns_nr;
};

LF_API size_t lf_metrics_count(void);
LF_API const struct lf_metric_info *lf_metric_at(size_t i);
LF_API const struct lf_metric_info *lf_metric_find(const char *name); /* NULL when unknown */

/* The names the declarations use for a parameter's and a column's type ("time", "money"…). */
LF_API const char *lf_param_type_name(int type);
LF_API const char *lf_column_type_name(int type);

/* Every metric's declaration as a JSON document {"metrics": [{"name", "group", "summary",
 * "help", "params": [...], "dimensions", "filters", "columns": [...]}…]}: what GET /v1/metrics
 * answers and docs/metrics.md's reference is generated from. The caller frees it. */
LF_API char *lf_metrics_json(void);

/* Arguments as a front end received them: name=value text pairs (a CLI flag without a value
 * is "true"). Names and values are copied. */
struct lf_args;
LF_API struct lf_args *lf_args_new(void);
LF_API void lf_args_add(struct lf_args *a, const char *name, const char *value);
LF_API void lf_args_free(struct lf_args *a); /* NULL is a no-op */

/* Computes metric `name` with args (may be NULL). Every argument is checked against the
 * metric's declaration: LF_EUSAGE for an unknown metric or parameter, LF_EINVAL for a bad
 * value; err->field names the parameter. *out is the caller's: lf_table_free(). */
LF_API int lf_metric(struct lf *lf, const char *name, const struct lf_args *args,
                     struct lf_table **out, struct lf_err *err);

/* ---- health (docs/metrics.md, "Health") ----
 * The scores themselves are metrics: health, health-explain, health-history, scorecards. */

/* Stores the scorecard of `json` (docs/metrics.md shows its fields) as a new version of its
 * name, unless the version in force is the same definition (then *changed is false and
 * *version that one's). A bad definition: LF_EINVAL with err->field naming the field
 * ("measures[1].healthy"). name gets the scorecard's name. */
LF_API int lf_health_scorecard_apply(struct lf *lf, const char *json, char name[64],
                                     int64_t *version, bool *changed, struct lf_err *err);
/* Retires the scorecard `name` (its accounts fall back to the next one that applies);
 * LF_ENOENT when none of that name is in force. */
LF_API int lf_health_scorecard_retire(struct lf *lf, const char *name, struct lf_err *err);
/* Writes the history's day holding `day` (ms; 0: today, in the workspace's zone): every
 * customer's score as of the day's start, replacing what that day held. *scored (may be NULL)
 * counts the accounts scored. */
LF_API int lf_health_snapshot(struct lf *lf, int64_t day, size_t *scored, struct lf_err *err);
/* The most days one lf_health_backfill writes: ten years. */
#define LF_HEALTH_BACKFILL_MAX_DAYS 3660
/* Writes the history's days from the day holding `from` to the day holding `to` (0: today), days
 * of the workspace's zone, each as lf_health_snapshot writes one: a history for data imported
 * at once. LF_EINVAL naming "from" for an empty range or one over LF_HEALTH_BACKFILL_MAX_DAYS.
 * progress draws a bar on stderr when it is a terminal. *days and *scored (may be NULL): the
 * days written and the scores over them. */
LF_API int lf_health_backfill(struct lf *lf, int64_t from, int64_t to, bool progress, size_t *days,
                              size_t *scored, struct lf_err *err);
/* Keeps the history of lf's workspace daily (what `landfall serve` does): writes today's scores
 * now unless the history has them, then checks every hour from a thread of its own. lf must
 * outlive it. *out is the caller's: lf_health_daily_stop() (NULL is a no-op). */
struct lf_health_daily;
LF_API int lf_health_daily_start(struct lf *lf, struct lf_health_daily **out,
                                 struct lf_err *err);
LF_API void lf_health_daily_stop(struct lf_health_daily *d);

/* ---- API keys ----
 * A key is "lf_" and 43 base64url characters (32 random bytes). It is shown once, at creation;
 * the store keeps its first LF_KEY_PREFIX_LEN characters (to find it) and a BLAKE2b hash. */
enum lf_scope {
    LF_SCOPE_WRITE, /* ingestion only (Segment / PostHog endpoints) */
    LF_SCOPE_READ,  /* reads: reports and resources */
    LF_SCOPE_ADMIN, /* everything */
    LF_SCOPE_SURVEY, /* public, for the in-app snippet: which survey a contact is due, and
                      * nothing else (docs/surveys.md) */
};
#define LF_KEY_SIZE 47       /* a key's length with its NUL */
#define LF_KEY_PREFIX_LEN 11 /* "lf_" and 8 characters */

/* "write" → LF_SCOPE_WRITE…; -1 for an unknown name. */
LF_API int lf_scope_parse(const char *name);
LF_API const char *lf_scope_name(int scope);

struct lf_key {
    int64_t id;
    char prefix[LF_KEY_PREFIX_LEN + 1];
    int scope;           /* enum lf_scope */
    int64_t workspace;   /* the workspace it belongs to (lf_workspace_by_id) */
    int64_t created_ms;
    int64_t revoked_ms;  /* 0 while the key is live */
};

/* Creates a key of `scope` named `name` (may be NULL) in the handle's workspace and writes it to
 * key_out: the only time it is seen. *info (may be NULL) describes it. */
LF_API int lf_key_create(struct lf *lf, int scope, const char *name, char key_out[LF_KEY_SIZE],
                         struct lf_key *info, struct lf_err *err);
/* The workspace's keys, live and revoked, as a table (id, prefix, scope, name, created,
 * revoked). *out is the caller's: lf_table_free(). */
struct lf_table;
LF_API int lf_keys_list(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Revokes the key with this prefix (or the whole key). LF_ENOENT when no live key has it. */
LF_API int lf_key_revoke(struct lf *lf, const char *prefix_or_key, struct lf_err *err);
/* Checks a presented key of any workspace of the store: 0 and *out when it is live, else -1
 * with LF_EAUTH (unknown, wrong or revoked: the message says which) or LF_ESTORE. A caller
 * serves the request in out->workspace (lf_workspace_by_id). */
LF_API int lf_key_verify(struct lf *lf, const char *key, struct lf_key *out, struct lf_err *err);

/* ---- durable ingestion: the server's write path ----
 * Request threads parse their bodies into a request (lf_ingest_parse) and queue it
 * (lf_ingest_submit); the store's writer gathers every queued request, of every workspace,
 * writes them in one transaction, commits (durably), publishes the change feed, and only then
 * calls each request back. */
struct lf_ingest;
struct lf_ingest_req;

struct lf_ingest_stats {
    size_t requests;        /* requests in this group commit */
    size_t items;           /* the calls written */
    double seconds;         /* from BEGIN to the end of COMMIT */
};

struct lf_ingest_opts {
    size_t max_group_items; /* stop gathering requests past this many items; 0 = 20000 */
    /* Called on the writer thread after each durable commit, before the requests are
     * answered (the server's metrics). May be NULL. */
    void (*on_commit)(void *ctx, const struct lf_ingest_stats *stats);
    void *ctx;
};

/* Starts the group-commit writer of lf's store. *out is the caller's: lf_ingest_free(), which
 * first finishes every queued request; it must be freed before the handles it writes to. */
LF_API int lf_ingest_start(struct lf *lf, const struct lf_ingest_opts *opts, struct lf_ingest **out,
                           struct lf_err *err);
LF_API void lf_ingest_free(struct lf_ingest *ing); /* NULL is a no-op */

enum lf_ingest_format {
    LF_INGEST_SEGMENT, /* call: "batch", "track", "identify", "group", "page" or "screen" */
    LF_INGEST_POSTHOG, /* call: "capture" (one event) or "batch" (either shape is accepted) */
};

/* Parses one request body received at received_ms. Returns 0 and *out (the caller's:
 * lf_ingest_req_free()) when the body is a well-formed envelope, even if some items are
 * invalid (they are listed by lf_ingest_req_reject); -1 with LF_EINVAL when the body is not
 * JSON or not the expected shape (err's message says where). */
LF_API int lf_ingest_parse(int format, const char *call, const char *body, size_t len,
                           int64_t received_ms, struct lf_ingest_req **out, struct lf_err *err);
/* The key the body carries (Segment "writeKey", PostHog "api_key"/"token"), or NULL. Borrowed. */
LF_API const char *lf_ingest_req_key(const struct lf_ingest_req *r);

/* Queues r's valid items for workspace lf (a handle of ing's store); done(ctx) runs on the
 * writer thread once they are durable or the store failed (see lf_ingest_req_result). r stays
 * the caller's, untouched until done runs; lf must outlive it. A request without valid items
 * completes at once, on the calling thread. */
LF_API void lf_ingest_submit(struct lf_ingest *ing, struct lf *lf, struct lf_ingest_req *r,
                             void (*done)(void *ctx), void *ctx);

struct lf_ingest_result {
    size_t received;   /* items in the body */
    size_t accepted;   /* valid items, now durable */
    size_t inserted;   /* events new to the store */
    size_t duplicates; /* events whose message id was stored already (retries) */
    size_t rejected;   /* invalid items, not stored */
};
/* After done: 0 and *out, or -1 with err when the store failed (nothing of r was written). */
LF_API int lf_ingest_req_result(const struct lf_ingest_req *r, struct lf_ingest_result *out,
                                struct lf_err *err);
/* The i-th rejected item: its index in the body, and why (err->code, err->msg); *field is the
 * offending field's path ("traits.email") or NULL. Borrowed. */
LF_API size_t lf_ingest_req_rejects(const struct lf_ingest_req *r);
LF_API void lf_ingest_req_reject(const struct lf_ingest_req *r, size_t i, size_t *index,
                                 const char **field, struct lf_err *why);
LF_API void lf_ingest_req_free(struct lf_ingest_req *r); /* NULL is a no-op */

/* ---- the analytics engine (docs/engine.md) ----
 * Loaded by the first metric that needs it (from its snapshot when intact, else from the
 * store) and kept up to date by the change feed; these calls manage it explicitly. */
/* Loads it now: a server does this at start-up rather than on its first request. */
LF_API int lf_engine_load(struct lf *lf, struct lf_err *err);
/* Rebuilds it from the store and writes its snapshot; *out describes it (events, bytes per
 * event, seconds taken…). */
LF_API int lf_engine_rebuild(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Loads it as the metrics do and describes it. */
LF_API int lf_engine_info(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Times the benchmark queries Q1..Q4 (bench/engine.sh) over the loaded engine, as of `now`
 * (0 = the clock): the median and fastest of `runs` runs each (0 = 5). */
LF_API int lf_engine_bench(struct lf *lf, int64_t now, int runs, struct lf_table **out,
                           struct lf_err *err);

/* ---- the churn model (docs/churn.md) ----
 * Gradient-boosted trees over a feature matrix: trained on a CSV of features, one row per
 * entity (or per entity and snapshot date), or on the workspace's accounts. */
struct lf_churn_csv_opts {
    const char *label;     /* the label column (1/0, yes/no, true/false; blank: unknown) */
    const char *id;        /* the entity's id column, or NULL: each line is an entity */
    const char *date;      /* the snapshot date column, or NULL: a random split by entity;
                            * with it, a split by time (train on the earliest rows) */
    int64_t horizon_ms;    /* with date: the label's horizon, purged between sets (0: 90 days) */
    uint64_t seed;         /* the split (without date) and the trees' samples */
    double test_share;     /* 0 means 0.3 */
    double valid_share;    /* of the rest, to stop the boosting; 0 means 0.2 */
    const char *save;      /* write the model there (XGBoost's UBJSON), or NULL */
    int top;               /* the riskiest held-out rows shown with their drivers: 0 means 10 */
    bool stratify;         /* without date: each set holds the same share of churners */
    bool choose_depth;     /* the trees' depth (1-4) chosen by the validation rows' AUC */
};
struct lf_churn_report {
    struct lf_table *summary;     /* figure, count, value: the sets, the trees, the hold-out
                                   * figures */
    struct lf_table *calibration; /* the held-out rows' deciles: predicted against observed */
    struct lf_table *drivers;     /* the riskiest held-out rows: id, risk, churned, drivers */
    int64_t version;              /* lf_churn_train: the version stored; else 0 */
};
/* Trains on the file, evaluates on its held-out rows, saves the model when asked. *out's tables
 * are the caller's: lf_churn_report_release(). Errors name the file, line and column. */
LF_API int lf_churn_fit_csv(const char *path, const struct lf_churn_csv_opts *opts,
                            struct lf_churn_report *out, struct lf_err *err);
LF_API void lf_churn_report_release(struct lf_churn_report *r); /* safe on a zeroed report */

/* The workspace's churn model: trained on its accounts as of monthly snapshot dates (features
 * from before each date, label: churned within the horizon after it), split by time, evaluated
 * on the latest labelled snapshots, and stored as the next version with its figures. */
struct lf_churn_train_opts {
    int64_t now;         /* what is known ends here (0: the current time) */
    int64_t horizon_ms;  /* the label's horizon (0: 90 days) */
    int snapshots;       /* month starts before now to take rows at (0: 24) */
    uint64_t seed;       /* the trees' samples: the same data and seed give the same model */
    int min_churners;    /* fewer churners (or stayers) in training is refused (0: 10) */
    int top;             /* the riskiest held-out rows in out->drivers (0: 10) */
};
/* Trains and stores a model; *out as lf_churn_fit_csv's, with out->version. LF_EINVAL (nothing
 * stored) when the snapshots hold too few churners or too few dates to split. */
LF_API int lf_churn_train(struct lf *lf, const struct lf_churn_train_opts *opts,
                          struct lf_churn_report *out, struct lf_err *err);

struct lf_churn_score_opts {
    int64_t now;      /* the features as of this instant (0: the current time) */
    int64_t version;  /* the stored model (0: the latest) */
    int drivers;      /* the top drivers given per account (0: 3) */
    int64_t limit;    /* lf_churn_score: the riskiest `limit` accounts only (0: all) */
};
/* Every account paying at `now`, riskiest first: account, risk (the probability of churning
 * within the model's horizon), drivers (the features that raised it most, in plain words with
 * their log-odds), model (the version). LF_ENOENT when no model is stored. *out is the
 * caller's. Accounts not paying at `now` are not listed: they have no churn risk. */
LF_API int lf_churn_score(struct lf *lf, const struct lf_churn_score_opts *opts,
                          struct lf_table **out, struct lf_err *err);
/* One account's risk and every feature's part in it: feature, value, contribution (log-odds),
 * description, most raising first, the model's base (bias) last. *risk and *version may be
 * NULL. LF_ENOENT for an unknown account, one not paying at `now`, or no model. */
LF_API int lf_churn_explain(struct lf *lf, const char *account,
                            const struct lf_churn_score_opts *opts, double *risk,
                            int64_t *version, struct lf_table **out, struct lf_err *err);
/* The churn model beside a health scorecard on the same backtest: the model trained as
 * lf_churn_train trains it (not stored), the observations its test rows (accounts paying at the
 * latest labelled month starts, none of which its training saw) that the scorecard scores,
 * both measured on them: the risk is the model's probability, and 100 − score for the
 * scorecard. Rows: method ("churn model", "scorecard NAME"), version (the scorecard's; 0 for
 * the model and a built-in scorecard), snapshots, observations, churned, churn_rate, auc,
 * pr_auc, top_decile_churn, lift (of the top decile of risk). The same as lf_metric(lf,
 * "churn-backtest", …) with these as its arguments (a seed above 2^53 − 1 is refused). */
struct lf_churn_backtest_opts {
    int64_t now;           /* as lf_churn_train_opts */
    int64_t horizon_ms;
    int snapshots;
    uint64_t seed;
    const char *scorecard; /* a stored or built-in scorecard (NULL: "default") */
};
LF_API int lf_churn_backtest(struct lf *lf, const struct lf_churn_backtest_opts *opts,
                             struct lf_table **out, struct lf_err *err);
/* The stored versions, newest first: version, created, as_of, horizon_days, features, rows,
 * trees, test_auc, test_pr_auc, test_brier. A version's calibration table is the metric
 * "churn-calibration" (lf_metric). */
LF_API int lf_churn_models(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* ---- text analytics (docs/text.md) ----
 * What each text says, computed in the library with nothing sent anywhere: its sentiment
 * (VADER), the emotions of customer experience it shows (delight, gratitude, trust,
 * frustration, anger, confusion, anxiety, disappointment), the topics of a taxonomy it is
 * about, and its language. Only English (and a text without letters: "👍") is scored; other
 * languages are marked as such. */
#define LF_TEXT_MAX_BYTES 16384 /* analysed per text; a longer one is cut (note "truncated") */
#define LF_TEXT_MAX_TEXTS 1000  /* texts in one lf_text_analyze_json body */

struct lf_text_opts {
    const char *taxonomy; /* a taxonomy file (docs/text.md); NULL = the built-in one */
    bool english;         /* the texts are English: no language detection */
};

/* Analyses texts[0..nr) (lens[i] bytes each) into a table "text" with a row per text: index,
 * language, sentiment (positive/negative/neutral), compound, pos, neu, neg, emotions and
 * topics (comma-separated, strongest or first first), notes (empty, html, truncated). The
 * sentiment columns are null for a text not scored (empty or not English). -1 with LF_EINVAL
 * and err->field "texts[I]" when text I is not UTF-8 (the message names the byte offset);
 * LF_ENOENT, LF_EIO or LF_EINVAL for a taxonomy that cannot be read or does not parse. opts
 * may be NULL. *out is the caller's: lf_table_free(). */
LF_API int lf_text_analyze(const struct lf_text_opts *opts, const char *const *texts,
                           const size_t *lens, size_t nr, struct lf_table **out,
                           struct lf_err *err);
/* The same for the body of POST /v1/text/analyze, {"texts": [STRING…]}, with the built-in
 * taxonomy. -1 with LF_EUSAGE when the body is not that shape (err->field "texts" or
 * "texts[I]"), LF_ELIMIT when it holds more than LF_TEXT_MAX_TEXTS texts (field "texts") or a
 * text of more than LF_TEXT_MAX_BYTES bytes (field "texts[I]"). */
LF_API int lf_text_analyze_json(const char *body, size_t len, struct lf_table **out,
                                struct lf_err *err);

/* Every survey comment (responses.comment) and touchpoint text (touchpoints.text) is analysed
 * with the built-in taxonomy in the transaction that stores it (the core reads the change log
 * as it commits), and its result replaced when the text changes, deleted with its row. This
 * analyses every text of the handle's workspace again (after an upgrade of the analysis, or of
 * a store written by an older landfall) in one transaction; *texts (may be NULL) is how many.
 * progress draws a bar on stderr when it is a terminal. -1 with err when the store failed. */
LF_API int lf_text_rebuild(struct lf *lf, bool progress, int64_t *texts, struct lf_err *err);

/* ---- time helpers shared by the front ends ---- */
/* Parses ISO 8601 (date, date-time with or without offset) or unix seconds into ms. */
LF_API int lf_time_parse(const char *s, int64_t *ms_out, struct lf_err *err);
/* The same, in lf's workspace: a date, or a time without "Z" or an offset, is a wall-clock time
 * of the workspace's zone (docs/metrics.md, "Time zone"), as every metric's parameters are;
 * LF_EUSAGE for a time outside 1970-01-01 .. 2199-12-31, as there. */
LF_API int lf_time_parse_local(struct lf *lf, const char *s, int64_t *ms_out, struct lf_err *err);

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
LF_API int lf_resource_list(struct lf *lf, const char *resource, const struct lf_list_query *q,
                            char **json_out, struct lf_err *err);
/* Writes the row with key `key` to *json_out (the caller frees it). */
LF_API int lf_resource_get(struct lf *lf, const char *resource, const char *key, char **json_out,
                           struct lf_err *err);

enum lf_write_mode {
    LF_WRITE_CREATE,  /* a new row; LF_ECONFLICT when the key exists */
    LF_WRITE_REPLACE, /* PUT: fields not given are cleared */
    LF_WRITE_MERGE,   /* PATCH: only the given fields change */
};
/* Writes the JSON object `body` as row `key` (NULL for a create: the key is then the body's
 * "id", or assigned for numeric keys). *json_out (the caller frees it) is the row as stored;
 * *created tells whether it is new. */
LF_API int lf_resource_write(struct lf *lf, const char *resource, const char *key,
                             const char *body, size_t len, int mode, char **json_out,
                             bool *created, struct lf_err *err);
/* Deletes row `key`, recording `actor` and the row in the audit log. */
LF_API int lf_resource_delete(struct lf *lf, const char *resource, const char *key,
                              const char *actor, struct lf_err *err);

/* An account's 360° view as one JSON document (the dashboard's account page): {"account": the
 * row, "tenure_days", "renewal_days" (from the day of now; null without the date), "usage":
 * {"from", "to", "dau": the dau metric's rows, "features": feature-usage's, "seats": its row,
 * "recency": its row} over the `days` days up to now (0: 90), and the pages (as GET /v1/NAME
 * lists them, at most 100 rows) of "mrr" (mrr_changes by date), "responses", "tickets"
 * (touchpoints of kind ticket) and "touchpoints" (newest first), "contacts", "outcomes",
 * "tasks"}. now 0: the clock. LF_ENOENT for an unknown account. The caller frees *json_out. */
LF_API int lf_account_overview(struct lf *lf, const char *account, int64_t now, int days,
                               char **json_out, struct lf_err *err);

/* ---- users and sessions: the people of the dashboard ----
 * A user of a workspace has a name (what an account's `owner` holds: a CSM's book is the
 * accounts they own), a role and a password, of which only an Argon2id hash is stored
 * (libsodium's crypto_pwhash_str). Signing in makes a session: a random token the browser
 * keeps in an HttpOnly cookie (the store keeps only its hash) and a CSRF token derived from it,
 * which every request of the session must send back in a header. */
enum lf_role {
    LF_ROLE_ADMIN,  /* everything: users, keys, settings, writes */
    LF_ROLE_LEAD,   /* reads everything; sees every account by default */
    LF_ROLE_CSM,    /* reads everything; sees their own book by default */
    LF_ROLE_VIEWER, /* reads, changes nothing (not even a saved view) */
};
/* "admin" → LF_ROLE_ADMIN…; -1 for an unknown name. */
LF_API int lf_role_parse(const char *name);
LF_API const char *lf_role_name(int role);

struct lf_user {
    int64_t id;
    char name[256];         /* the user name, as accounts' owner names it */
    char email[256];        /* "" when none */
    char display_name[256]; /* "" when none */
    int role;               /* enum lf_role */
    int64_t workspace;
    int64_t created_ms;
};

/* What a create sets, or an update changes (NULL and -1: left as they are; "" clears an
 * email or a display name). A password has at least LF_PASSWORD_MIN characters. */
#define LF_PASSWORD_MIN 8
struct lf_user_fields {
    const char *email, *display_name, *password;
    int role; /* enum lf_role, or -1 */
};

/* Creates user `name` (1 to 64 letters, digits and . _ - @) in the handle's workspace.
 * LF_ECONFLICT when it exists, LF_EINVAL for a bad field (err->field names it). *out may be
 * NULL. */
LF_API int lf_user_create(struct lf *lf, const char *name, const struct lf_user_fields *f,
                          struct lf_user *out, struct lf_err *err);
/* Changes user `name`; a new password or role ends the user's sessions. LF_ENOENT when there
 * is no such user; LF_ECONFLICT when it would leave the workspace without an admin. */
LF_API int lf_user_update(struct lf *lf, const char *name, const struct lf_user_fields *f,
                          struct lf_user *out, struct lf_err *err);
/* Deletes user `name` with its sessions and saved views (LF_ENOENT, LF_ECONFLICT for the last
 * admin). */
LF_API int lf_user_delete(struct lf *lf, const char *name, struct lf_err *err);
LF_API int lf_user_get(struct lf *lf, const char *name, struct lf_user *out, struct lf_err *err);
/* The workspace's users by name: name, email, display_name, role, created. *out is the
 * caller's. */
LF_API int lf_users_list(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* A new random password of 20 base64url characters (120 bits) into out. */
#define LF_PASSWORD_NEW_SIZE 21
LF_API void lf_password_new(char out[LF_PASSWORD_NEW_SIZE]);

#define LF_TOKEN_SIZE 44 /* a session or CSRF token: 43 base64url characters and the NUL */
#define LF_SESSION_IDLE_MS (12LL * 3600 * 1000)      /* a session unused this long ends */
#define LF_SESSION_MAX_MS (7LL * 24 * 3600 * 1000)   /* and any session after this */
#define LF_LOGIN_FREE_FAILURES 5 /* failed sign-ins before each further one locks the user */
#define LF_LOGIN_MAX_LOCK_S 900  /* the longest lock, in seconds */

struct lf_session {
    int64_t id;
    struct lf_user user;
    int64_t created_ms, expires_ms; /* expires_ms: the idle or the absolute end, the sooner */
    char csrf[LF_TOKEN_SIZE];       /* what requests of the session must send back */
};

/* Signs user `name` of the handle's workspace in: a new session's token (the caller hands it
 * to the browser and forgets it) and *out. LF_EAUTH for an unknown user or a wrong password
 * (one message for both); after LF_LOGIN_FREE_FAILURES consecutive failures each further one
 * locks the user for twice as long as the one before (1 s, 2 s, 4 s… up to
 * LF_LOGIN_MAX_LOCK_S), and a sign-in while locked is LF_ELIMIT with *retry_after seconds,
 * the password unchecked. retry_after may be NULL. */
LF_API int lf_login(struct lf *lf, const char *name, const char *password,
                    char token[LF_TOKEN_SIZE], struct lf_session *out, unsigned *retry_after,
                    struct lf_err *err);
/* The live session of token, in any workspace of the store (a caller serves it in
 * out->user.workspace): 0 and *out, or LF_EAUTH (unknown, ended or expired). */
LF_API int lf_session_verify(struct lf *lf, const char *token, struct lf_session *out,
                             struct lf_err *err);
/* Signs the session of token out. Ending an unknown or ended session is not an error. */
LF_API int lf_session_end(struct lf *lf, const char *token, struct lf_err *err);

/* ---- saved views: a page's filters under a name, one user's ----
 * Rows are JSON objects {"id", "page", "name", "query", "created"}. */
LF_API int lf_views_list(struct lf *lf, int64_t user_id, const char *page, char **json_out,
                         struct lf_err *err); /* {"data": [rows]}; page NULL: every page */
LF_API int lf_view_create(struct lf *lf, int64_t user_id, const char *body, size_t len,
                          char **json_out, struct lf_err *err); /* body {"page", "name", "query"};
                                                                 * LF_ECONFLICT past 100 views */
LF_API int lf_view_delete(struct lf *lf, int64_t user_id, int64_t id, struct lf_err *err);

/* ---- the workspace's settings for people ----
 * {"name", "time_zone", "locale", "currency", "milestone"}: the zone periods are cut in, the
 * BCP 47 locale and ISO 4217 currency figures are shown in (default en-US, USD), and the event
 * that marks value, for time to value (null until set). */
LF_API int lf_settings_json(struct lf *lf, char **json_out, struct lf_err *err);
/* Sets the fields a JSON object gives (time_zone, locale, currency, milestone; a null
 * milestone unsets it); LF_EINVAL naming a bad one, nothing changed then. *json_out (may be NULL) is the settings after. */
LF_API int lf_settings_patch(struct lf *lf, const char *body, size_t len, char **json_out,
                             struct lf_err *err);
/* Sets one setting of lf_settings_patch ("time_zone", "locale", "currency", "milestone"; a NULL
 * or empty value unsets the milestone), checked as it checks them. */
LF_API int lf_settings_set(struct lf *lf, const char *name, const char *value,
                           struct lf_err *err);
/* One setting ("locale", "currency", "milestone": "" when unset) in out (of size n). */
LF_API int lf_setting(struct lf *lf, const char *name, char *out, size_t n, struct lf_err *err);
/* ---- surveys landfall sends itself (docs/surveys.md) ---- */

/* A workspace's survey settings; made, with a fresh key that signs links, on first use. */
struct lf_survey_settings {
    int64_t contact_days;   /* a contact is asked at most once per this many days (30) */
    int64_t account_max;    /* at most this many asks per account … (3) */
    int64_t account_days;   /* … per this many days (30) */
    int64_t quiet_days;     /* nobody at an account is asked this long after an escalation (14) */
    int64_t link_days;      /* links expire after this many days (30) */
    int64_t sla_days;       /* a follow-up is due in this many business days (2) */
    char smtp_url[512];     /* the relay, "smtp://host:port"; "" = none */
    char mail_from[256];
    char base_url[256];     /* where `landfall serve` is reached: links are BASE/s/TOKEN */
};
/* The settings as stored, or the defaults (above) when surveys were never used: a read, which
 * writes nothing. lf_survey_settings_set stores them, as any use of surveys does. */
LF_API int lf_survey_settings_get(struct lf *lf, struct lf_survey_settings *out,
                                  struct lf_err *err);
LF_API int lf_survey_settings_set(struct lf *lf, const struct lf_survey_settings *s,
                                  struct lf_err *err);

struct lf_survey_send_opts {
    const char *survey;     /* the survey's id */
    const char *contact;    /* the contact's id */
    const char *channel;    /* link, email or in-app; NULL: the survey's own */
    const char *touchpoint; /* the touchpoint it follows, or NULL */
    int64_t now;            /* ms; 0 = the clock */
};
struct lf_survey_send_result {
    bool sent;           /* false: not asked; `skip` says why (and the skip is logged) */
    int64_t send_id;
    char status[16];     /* pending, sent, failed */
    char skip[32];       /* contact_budget, account_budget, quiet_period, audience, paused,
                          * no_email */
    char detail[256];    /* the skip's or the failure's details */
    char token[128];     /* the link's token */
    char url[512];       /* BASE/s/TOKEN ("/s/TOKEN" without a base URL) */
};
/* Offers a survey to a contact, within the fatigue budget: an invitation with a signed link,
 * sent by mail for the email channel (status failed, retried later by lf_surveys_retry, when
 * the relay does not accept it). LF_ENOENT for an unknown survey or contact. */
LF_API int lf_survey_send(struct lf *lf, const struct lf_survey_send_opts *o,
                          struct lf_survey_send_result *out, struct lf_err *err);
/* Retries the email invitations that failed and are due at `now` (0 = the clock), with
 * exponential backoff; *sent and *failed count them. */
LF_API int lf_surveys_retry(struct lf *lf, int64_t now, size_t *sent, size_t *failed,
                            struct lf_err *err);

/* An answer from a link page; NULL fields were not given. */
struct lf_survey_answer {
    const char *score, *comment, *choice;
    /* their lengths as sent (a form's decoding may yield a NUL, which would cut a C string
     * short silently: an answer holding one is refused); 0: up to their NUL */
    size_t score_len, comment_len, choice_len;
};
/* The page of link `token` (of any workspace of the store lf opens): the survey's form when
 * answer is NULL (with score `preset` chosen, as a mail's score buttons link to it; NULL for
 * none), else the answer recorded as a response of the contact (once: the link is then used
 * up). A bad, expired or used link gets a page that says so. *html is the caller's (free());
 * *status the HTTP status it goes with. -1 only when the store failed. */
LF_API int lf_survey_page(struct lf *lf, const char *token, const char *preset,
                          const struct lf_survey_answer *answer, int64_t now, int *status,
                          char **html, struct lf_err *err);
/* The in-app survey due to `contact` now, as JSON: {"survey": null, "reason": …} or the
 * survey's questions and the token to answer with (the invitation is recorded as shown).
 * *json is the caller's. */
LF_API int lf_survey_eligible(struct lf *lf, const char *contact, int64_t now, char **json,
                              struct lf_err *err);
/* The workspace's surveys, one row each: id, kind, name, scale, when it is sent (manual, every
 * N days, after a touchpoint kind, on a milestone event), channel, audience, status and the
 * question asked (the kind's usual wording when the survey sets none). */
LF_API int lf_survey_list(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Invitations, answers and the response rate by survey, channel and account segment (survey
 * NULL = every survey). */
LF_API int lf_survey_results(struct lf *lf, const char *survey, struct lf_table **out,
                             struct lf_err *err);
/* Who was not asked and why (contact NULL = everybody). */
LF_API int lf_survey_skips(struct lf *lf, const char *contact, struct lf_table **out,
                           struct lf_err *err);
/* The closed loop: reads the change log past its position and, for each new or changed
 * response, runs the workspace's rules of trigger "response" (rows of `rules`, seeded with
 * nps_detractor, csat_low and negative_comment) in order; the first whose condition holds
 * opens a follow-up task for the account's owner, once per response; *opened counts them. */
LF_API int lf_surveys_loop(struct lf *lf, int64_t now, size_t *opened, struct lf_err *err);
/* The triggers: reads the change log past their position and offers every active survey with
 * trigger "touchpoint" to the contact of each new or changed touchpoint of its touchpoint_kind
 * that is resolved (or has no status), once per touchpoint; and every active "periodic" survey
 * to each contact of its audience not offered it in its every_days; within the fatigue budget.
 * *sent and *skipped count the invitations and the skips. */
LF_API int lf_surveys_trigger(struct lf *lf, int64_t now, size_t *sent, size_t *skipped,
                              struct lf_err *err);
/* A thread that runs lf_surveys_loop and lf_surveys_trigger whenever lf's change feed
 * publishes responses or touchpoints (`landfall serve` runs one per workspace). lf must outlive
 * it: lf_survey_follower_free() first. */
struct lf_survey_follower;
LF_API int lf_survey_follow(struct lf *lf, struct lf_survey_follower **out, struct lf_err *err);
LF_API void lf_survey_follower_free(struct lf_survey_follower *f); /* NULL is a no-op */
/* The recovery report, by rule: follow-ups opened and closed (their task done or dismissed),
 * the follow-up rate, the mean days to close, how many of those people answered the same
 * survey again, and the NPS (net CSAT) of those later answers. */
LF_API int lf_survey_recovery(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* The follow-ups, oldest first: their rule, times, SLA due date, their task's status, the note
 * it was closed with, and the task's account (external id) and owner. */
LF_API int lf_survey_followups(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Closes follow-up `id` with its outcome ("done" or "dismissed", else LF_EINVAL naming
 * "outcome") and an optional note, through its task (as PATCH /v1/tasks/ID would): LF_ENOENT
 * for an unknown follow-up, LF_ECONFLICT for one closed already. */
LF_API int lf_survey_followup_close(struct lf *lf, int64_t id, const char *outcome,
                                    const char *note, struct lf_err *err);
/* The closed loop's rules (trigger "response"), in the order they run, as a table. */
LF_API int lf_survey_rules(struct lf *lf, struct lf_table **out, struct lf_err *err);
/* Changes rule `name`: its condition (NULL keeps it; checked, LF_EINVAL saying what is wrong),
 * its SLA in business days (-1 keeps it, -2 back to the settings' sla_days), enabled (-1 keeps,
 * 0, 1). LF_ENOENT when there is no such rule. */
LF_API int lf_survey_rule_set(struct lf *lf, const char *name, const char *condition,
                              int64_t sla_days, int enabled, struct lf_err *err);

#endif
