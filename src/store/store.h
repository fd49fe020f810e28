/* store.h - the system of record behind one API: SQLite today, PostgreSQL next.
 *
 * Nothing above this header sees an engine's types or writes SQL. Every call takes the
 * workspace id `ws` (rows of other workspaces are invisible). Every write goes through
 * store_write: typed rows of the resources of model/resource.h, in batches, validated against
 * their definitions, with the hooks those definitions name. The SQL is generated from the
 * definitions (sql.c) and an engine supplies only its primitives and dialect (store_int.h).
 *
 * Transactions: writes run inside store_begin/store_commit (store_commit returns once the data
 * is durable). Reads outside a write transaction should be bracketed by store_read_begin/end,
 * which gives them one consistent snapshot and releases it afterwards. Rows passed in are
 * borrowed (store_write fills in their outcome); rows handed to callbacks are borrowed for the
 * duration of the call. A callback returns 0 to go on, or -1 (with err set) to stop, which the
 * scan then returns. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/model.h"
#include "model/resource.h"

struct store;

/* The schema version this binary writes; databases newer than this are refused. */
int store_schema_version(void);

struct store_open_opts {
    bool create; /* create the store when it does not exist; without it, LF_ENOENT */
};

/* Opens "sqlite:PATH" or a plain PATH, migrating the schema forward. *out is the caller's:
 * store_free(). LF_ENOENT for a missing store (unless opts->create), LF_ESCHEMA for a database
 * newer than this binary. opts may be NULL (create). */
int store_open(const char *url, const struct store_open_opts *opts, struct store **out,
               struct lf_err *err);
/* Another connection to the same store (for another thread). *out is the caller's. */
int store_clone(struct store *st, struct store **out, struct lf_err *err);
void store_free(struct store *st); /* NULL is a no-op */
/* "sqlite" or "postgres". */
const char *store_engine(const struct store *st);

/* ---- workspaces ---- */
struct store_workspace {
    int64_t id;
    char ext_id[128];
    char time_zone[64];
};
/* Finds workspace `name`: 1 and *out, 0 when there is none, -1 on error. */
int store_workspace_find(struct store *st, const char *name, struct store_workspace *out,
                         struct lf_err *err);
/* The same by internal id. */
int store_workspace_by_id(struct store *st, int64_t id, struct store_workspace *out,
                          struct lf_err *err);
/* The workspace `name`, created (time zone UTC, the built-in surveys) when missing. */
int store_workspace_ensure(struct store *st, const char *name, struct store_workspace *out,
                           struct lf_err *err);
/* Sets the workspace's IANA time zone (checked by the caller). */
int store_workspace_set_tz(struct store *st, int64_t ws, const char *tz, struct lf_err *err);
/* Deletes every row of workspace ws (accounts, events, …), keeping the workspace, its keys
 * and its built-in surveys. Recorded in the change log as a reset. */
int store_workspace_clear(struct store *st, int64_t ws, struct lf_err *err);

/* Row counts of the workspace's main tables (for status lines and tests). */
struct store_counts {
    int64_t accounts, contacts, mrr_changes, orders, events, touchpoints, responses;
};
int store_counts(struct store *st, int64_t ws, struct store_counts *out, struct lf_err *err);

/* ---- transactions ---- */
int store_begin(struct store *st, struct lf_err *err);
int store_commit(struct store *st, struct lf_err *err);
void store_rollback(struct store *st); /* safe when no transaction is open */
int store_read_begin(struct store *st, struct lf_err *err);
void store_read_end(struct store *st); /* safe when none is open */

/* ---- the one write path ---- */

enum store_change { STORE_UNCHANGED, STORE_INSERTED, STORE_UPDATED, STORE_DELETED };

enum store_mode {
    STORE_UPSERT,  /* the given fields of the row found by key or identity; a new row when none
                    * (import, demo, ingestion). Append-only resources skip a known key. */
    STORE_CREATE,  /* a new row; LF_ECONFLICT when the key or identity exists */
    STORE_REPLACE, /* every field: those not given are cleared (or defaulted); ext-keyed rows
                    * are created when missing, serial ones must exist */
    STORE_MERGE,   /* only the given fields; LF_ENOENT when the row does not exist */
};

/* One row to write. Values of REF fields name the referenced row by external id (.s), or by
 * internal id (.i, with .s NULL); the write path resolves them (writing .i). Serial-keyed rows
 * are named by .i of the key value for REPLACE and MERGE. */
struct store_row {
    const struct resource_def *def;
    int mode;                               /* enum store_mode */
    struct value v[RESOURCE_MAX_FIELDS];    /* by field index */
    uint64_t given;                         /* bit i: field i is given */
    uint32_t unit;                          /* rows with the same non-zero unit succeed or
                                             * fail together (an HTTP item, an import line) */
    /* filled in */
    int64_t id;                             /* the internal id */
    int change;                             /* enum store_change */
    struct lf_err err;                      /* err.code != 0: refused, nothing of its unit
                                             * was written */
    bool culprit;                           /* the row of its unit the refusal is about */
    uint64_t stubbed;                       /* REF fields whose row was created for it */
};

/* Sets field i of r: given, with the value; a NULL string is a given null. */
void store_row_init(struct store_row *r, const struct resource_def *def, int mode);
void store_row_text(struct store_row *r, size_t i, const char *s);
void store_row_int(struct store_row *r, size_t i, int64_t v);
void store_row_real(struct store_row *r, size_t i, double v);
void store_row_null(struct store_row *r, size_t i);
void store_row_ref(struct store_row *r, size_t i, const char *ext_id, int64_t id);

enum store_write_flags {
    STORE_STUBS = 1 << 0, /* an unknown account becomes a stub account, an unknown contact a
                           * bare contact (import, ingestion); without it they are refused */
};

struct store_write_opts {
    unsigned flags;    /* enum store_write_flags */
    int64_t now;       /* for CHECK_PAST and the day of MRR points; 0 = the clock */
    const char *actor; /* who writes, for the change log ("import", "key lf_ab12cd34"…) */
};

/* What store_write did, for status lines and the change feed. */
struct store_write_stats {
    size_t inserted, updated, unchanged, rejected, stubs;
};

/* Writes rows in order inside the caller's transaction: each unit (consecutive rows with the
 * same non-zero unit, or a single row) is validated as a whole — fields against their
 * definitions, references resolved, required fields when a row is created — and then written
 * with its hooks and its change-log entries. A unit that fails validation gets err set on its
 * rows (the first fault on every row of it) and nothing of it is written; the others go on.
 * Returns -1 only when the store itself failed or refused a statement: the transaction must
 * then be rolled back (a caller that wants per-unit isolation retries units one by one).
 * stats may be NULL. */
int store_write(struct store *st, int64_t ws, struct store_row *rows, size_t nr,
                const struct store_write_opts *opts, struct store_write_stats *stats,
                struct lf_err *err);

/* Deletes the row with key `key` (ext id in key->s, or serial id in key->i), recording `actor`
 * and the row as JSON (row_json, the caller's rendering) in the audit log and the change log:
 * 1 when deleted, 0 when it does not exist, -1 with LF_ECONFLICT while other rows refer to it. */
int store_delete(struct store *st, int64_t ws, const struct resource_def *def,
                 const struct value *key, const char *actor, const char *row_json,
                 struct lf_err *err);

/* ---- the change log: what each commit changed, for the change feed ---- */
struct store_change_rec {
    int64_t seq;        /* grows with every change, in commit order */
    int resource;       /* resource_def code; 0 for a workspace reset */
    int64_t row_id, account_id; /* account_id 0 when the row has none */
    int op;             /* enum store_change */
};
typedef int (*store_change_fn)(void *ctx, const struct store_change_rec *c, struct lf_err *err);
/* The newest change seq of workspace ws (0 when none) and its newest event id. */
int store_feed_position(struct store *st, int64_t ws, int64_t *seq, int64_t *event_id,
                        struct lf_err *err);
/* Changes of workspace ws with after < seq <= upto, in order. */
/* The change-log position of the last change that gave events of one contact to another (a
 * contact merged into another, or deleted): 0 when none. A copy of the events' users (the
 * engine's snapshot) made before it is out of date. */
int store_users_stamp(struct store *st, int64_t ws, int64_t *out, struct lf_err *err);
int store_changes_scan(struct store *st, int64_t ws, int64_t after, int64_t upto,
                       store_change_fn fn, void *ctx, struct lf_err *err);

/* ---- reads of resource rows (generic) ---- */

/* A row: values[i] belongs to def->fields[i]; REF values carry both the internal id (.i) and
 * the referenced external id (.s). */
typedef int (*store_row_fn)(void *ctx, int64_t id, const struct value *values,
                            struct lf_err *err);

/* Finds a row by key (or, for a serial-keyed resource without a key, by its identity fields
 * in v): 1 with *id, 0 when not found, -1 on error. */
int store_find(struct store *st, int64_t ws, const struct resource_def *def,
               const struct value *key, int64_t *id, struct lf_err *err);
/* The row with key `key`: 1 after calling fn, 0 when it does not exist, -1 on error. */
int store_get(struct store *st, int64_t ws, const struct resource_def *def,
              const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err);

#define STORE_FILTERS 8
struct store_query {
    const struct field_def *filter[STORE_FILTERS]; /* equality filters (REF: the internal id) */
    struct value filter_value[STORE_FILTERS];
    size_t filters_nr;
    const struct field_def *sort;                  /* NULL: by the internal id */
    bool desc;
    bool after;                   /* keyset pagination: rows after (after_value, after_id) */
    struct value after_value;
    int64_t after_id;
    size_t limit;                 /* 0: no limit */
};
/* Rows in sort order, at most q->limit. */
int store_list(struct store *st, int64_t ws, const struct resource_def *def,
               const struct store_query *q, store_row_fn fn, void *ctx, struct lf_err *err);

/* ---- typed reads for the metrics and the engine, in the order stated ---- */
typedef int (*store_account_fn)(void *ctx, const struct account *a, struct lf_err *err);
typedef int (*store_contact_fn)(void *ctx, const struct contact *c, struct lf_err *err);
typedef int (*store_mrr_fn)(void *ctx, const struct mrr_change *m, struct lf_err *err);
typedef int (*store_order_fn)(void *ctx, const struct order *o, struct lf_err *err);
typedef int (*store_event_fn)(void *ctx, const struct event *e, struct lf_err *err);
typedef int (*store_touchpoint_fn)(void *ctx, const struct touchpoint *t, struct lf_err *err);
typedef int (*store_survey_fn)(void *ctx, const struct survey *s, struct lf_err *err);
typedef int (*store_response_fn)(void *ctx, const struct response *r, struct lf_err *err);

int store_accounts_scan(struct store *st, int64_t ws, store_account_fn fn, void *ctx,
                        struct lf_err *err);                                      /* by id */
/* Only the accounts whose ids are in ids[0..nr) (sorted ascending), by id. */
int store_accounts_some(struct store *st, int64_t ws, const int64_t *ids, size_t nr,
                        store_account_fn fn, void *ctx, struct lf_err *err);
int store_contacts_scan(struct store *st, int64_t ws, store_contact_fn fn, void *ctx,
                        struct lf_err *err);                                      /* by id */
/* MRR points by account, date; account_id 0 = every account. */
int store_mrr_changes_scan(struct store *st, int64_t ws, int64_t account_id, store_mrr_fn fn,
                           void *ctx, struct lf_err *err);
int store_orders_scan(struct store *st, int64_t ws, store_order_fn fn, void *ctx,
                      struct lf_err *err);                                 /* by ts, id */
int store_touchpoints_scan(struct store *st, int64_t ws, store_touchpoint_fn fn, void *ctx,
                           struct lf_err *err);                            /* by ts, id */
int store_surveys_scan(struct store *st, int64_t ws, store_survey_fn fn, void *ctx,
                       struct lf_err *err);                                       /* by id */
int store_responses_scan(struct store *st, int64_t ws, store_response_fn fn, void *ctx,
                         struct lf_err *err);                              /* by ts, id */
/* Finds a survey by external id ("nps", "csat", "ces" always exist): 1 and *out, whose
 * strings point into out's own storage; 0 when there is none. */
struct store_survey {
    struct survey s;
    char ext_id[256], name[1024];
};
int store_survey_find(struct store *st, int64_t ws, const char *ext_id, struct store_survey *out,
                      struct lf_err *err);

/* Events with id > after_id, by id, with every field. */
int store_events_scan(struct store *st, int64_t ws, int64_t after_id, store_event_fn fn,
                      void *ctx, struct lf_err *err);
/* Events with after_id < id <= upto_id, by id, with only id, ts, account_id, contact_id, name
 * and value (message_id and props_json NULL): the engine's bulk read. Within one scan, equal
 * names share one pointer. */
int store_events_scan_brief(struct store *st, int64_t ws, int64_t after_id, int64_t upto_id,
                            store_event_fn fn, void *ctx, struct lf_err *err);
/* The dictionary code of event name `name`: 1 with *code, 0 when no event has it. */
int store_event_name_find(struct store *st, int64_t ws, const char *name, int64_t *code,
                          struct lf_err *err);
/* The highest event id of workspace ws, 0 when it has none. */
int store_events_max_id(struct store *st, int64_t ws, int64_t *out, struct lf_err *err);
/* The message id of event `id` into out: 1 when found, 0 when not, -1 on error. */
int store_event_message_id(struct store *st, int64_t ws, int64_t id, char out[257],
                           struct lf_err *err);

/* ---- a whole store copied into a new one (landfall migrate --from --to) ---- */
#define STORE_COPY_TABLES 64
struct store_copy_table {
    char name[64];
    int64_t rows;
    uint64_t sum; /* the sum of the rows' hashes: the same whatever their order */
};
struct store_copy_report {
    struct store_copy_table table[STORE_COPY_TABLES];
    size_t nr;
    int64_t rows;
};
/* Told every 10,000 rows of a table and at its end. */
typedef void (*store_copy_fn)(void *ctx, const char *table, int64_t rows);
/* Copies every table of `from` (any engine) into the empty store `to` (any engine) in one
 * transaction, every id kept, then reads `to` back and compares each table's rows and checksum
 * with the source's. LF_ECONFLICT when `to` holds rows; LF_ESCHEMA when a table or column is
 * missing there. progress may be NULL. */
int store_copy(struct store *from, struct store *to, store_copy_fn progress, void *ctx,
               struct store_copy_report *rep, struct lf_err *err);

/* ---- API keys: only a hash of each key is stored, found by the key's public prefix ---- */
struct api_key {
    int64_t id, ws;
    char name[256];     /* "" when not given */
    char prefix[32];    /* the key's first characters, unique across workspaces */
    char hash[132];     /* hex digest of the whole key */
    char scope[16];     /* write | read | admin */
    int64_t created_at; /* ms */
    int64_t revoked_at; /* ms, LF_UNSET while the key is live */
};
typedef int (*store_api_key_fn)(void *ctx, const struct api_key *k, struct lf_err *err);

/* Stores a new key in workspace ws (k->ws and k->id are ignored); sets *id. LF_ECONFLICT when
 * the prefix is taken. */
int store_api_key_insert(struct store *st, int64_t ws, const struct api_key *k, int64_t *id,
                         struct lf_err *err);
/* Finds a key by prefix in any workspace: 1 and *out, 0 when there is none, -1 on error. */
int store_api_key_find(struct store *st, const char *prefix, struct api_key *out,
                       struct lf_err *err);
/* Marks workspace ws's key `prefix` revoked at `when`: 1 when a live key was revoked, 0 when
 * there is no such live key, -1 on error. */
int store_api_key_revoke(struct store *st, int64_t ws, const char *prefix, int64_t when,
                         struct lf_err *err);
int store_api_keys_scan(struct store *st, int64_t ws, store_api_key_fn fn, void *ctx,
                        struct lf_err *err);                                      /* by id */

/* ---- the churn model's versions (churn_models.c) ---- */
struct store_churn_model {
    int64_t version;       /* 1, 2, … within the workspace */
    int64_t created_at, as_of, horizon_days;
    const char *features;  /* a JSON array of the feature names, in the model's order */
    const char *metrics;   /* a JSON object of how it was trained and how it did */
    const char *model;     /* the trees, base64; NULL from a scan without them */
};
typedef int (*store_churn_model_fn)(void *ctx, const struct store_churn_model *m,
                                    struct lf_err *err);
/* Stores m as the workspace's next version (m->version is ignored) and sets *version. */
int store_churn_model_insert(struct store *st, int64_t ws, const struct store_churn_model *m,
                             int64_t *version, struct lf_err *err);
/* Version `version` (0: the latest) with its trees: 1 after calling fn, 0 when there is none,
 * -1 on error. The strings are valid during the call. */
int store_churn_model_get(struct store *st, int64_t ws, int64_t version, store_churn_model_fn fn,
                          void *ctx, struct lf_err *err);
/* Every version, newest first, without the trees. */
int store_churn_models_scan(struct store *st, int64_t ws, store_churn_model_fn fn, void *ctx,
                            struct lf_err *err);

#endif
