/* store.h - the system of record behind one API: SQLite today, PostgreSQL later.
 *
 * Nothing above this header sees an engine's types. Every call takes the workspace id `ws`
 * (rows of other workspaces are invisible). Writes inside store_begin/store_commit form one
 * transaction; store_commit returns once the data is durable. Rows passed in are borrowed;
 * rows handed to scan callbacks are borrowed for the duration of the call. A scan callback
 * returns 0 to go on, or -1 (with err set) to stop the scan, which then returns -1. */
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

/* Opens "sqlite:PATH" or a plain PATH, creating the database and migrating it forward.
 * *out is the caller's: store_free(). LF_ESCHEMA for a database newer than this binary. */
int store_open(const char *url, struct store **out, struct lf_err *err);
void store_free(struct store *st); /* NULL is a no-op */

/* The id of workspace `name`, created (time zone UTC) when missing. */
int store_workspace_ensure(struct store *st, const char *name, int64_t *ws, struct lf_err *err);
/* Deletes every row of workspace ws (accounts, events, …), keeping the workspace itself. */
int store_workspace_clear(struct store *st, int64_t ws, struct lf_err *err);
/* Row counts of the workspace's main tables (for status lines and tests). */
struct store_counts {
    int64_t accounts, contacts, mrr_changes, orders, events, touchpoints, responses;
};
int store_counts(struct store *st, int64_t ws, struct store_counts *out, struct lf_err *err);

int store_begin(struct store *st, struct lf_err *err);
int store_commit(struct store *st, struct lf_err *err);
void store_rollback(struct store *st); /* safe when no transaction is open */

/* What an upsert did. */
enum store_change { STORE_INSERTED, STORE_UPDATED, STORE_UNCHANGED };

/* Looks up an external id: returns 1 and sets *id when found, 0 when not, -1 on error. */
int store_account_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                       struct lf_err *err);
int store_contact_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                       int64_t *account_id, struct lf_err *err);
int store_touchpoint_find(struct store *st, int64_t ws, const char *ext_id, int64_t *id,
                          struct lf_err *err);
/* Finds a survey by external id ("nps", "csat", "ces" always exist). *out's strings are
 * borrowed until the next store call. */
int store_survey_find(struct store *st, int64_t ws, const char *ext_id, struct survey *out,
                      struct lf_err *err);

/* Upserts by external id: fields left NULL / LF_UNSET keep their stored value. Sets *id.
 * An account's mrr, when given and different from its current MRR, is recorded as an
 * mrr_change (at customer_since when it has no history, else at `today`). */
int store_account_upsert(struct store *st, int64_t ws, const struct account *a, int64_t today,
                         int64_t *id, enum store_change *change, struct lf_err *err);
/* c->account_id must be set (resolved by the caller). */
int store_contact_upsert(struct store *st, int64_t ws, const struct contact *c, int64_t *id,
                         enum store_change *change, struct lf_err *err);
/* Keyed by (account, date); updates the account's current MRR to its latest point. */
int store_mrr_change_upsert(struct store *st, int64_t ws, const struct mrr_change *m,
                            enum store_change *change, struct lf_err *err);
int store_order_upsert(struct store *st, int64_t ws, const struct order *o,
                       enum store_change *change, struct lf_err *err);
int store_touchpoint_upsert(struct store *st, int64_t ws, const struct touchpoint *t, int64_t *id,
                            enum store_change *change, struct lf_err *err);
int store_response_upsert(struct store *st, int64_t ws, const struct response *r,
                          enum store_change *change, struct lf_err *err);
int store_survey_upsert(struct store *st, int64_t ws, const struct survey *s, int64_t *id,
                        struct lf_err *err);

/* Appends events; an event whose message_id is stored already is skipped (STORE_UNCHANGED).
 * account_id/contact_id must be resolved; the event name is dictionary-encoded here. */
int store_event_append(struct store *st, int64_t ws, const struct event *e,
                       enum store_change *change, struct lf_err *err);

/* Scans, in the order stated. */
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
int store_contacts_scan(struct store *st, int64_t ws, store_contact_fn fn, void *ctx,
                        struct lf_err *err);                                      /* by id */
int store_mrr_changes_scan(struct store *st, int64_t ws, store_mrr_fn fn, void *ctx,
                           struct lf_err *err);                     /* by account, date */
int store_orders_scan(struct store *st, int64_t ws, store_order_fn fn, void *ctx,
                      struct lf_err *err);                                 /* by ts, id */
/* Events with id > after_id, by id (ids grow with insertion: the engine's high-water mark). */
int store_events_scan(struct store *st, int64_t ws, int64_t after_id, store_event_fn fn,
                      void *ctx, struct lf_err *err);
/* Events with after_id < id <= upto_id, by id, with only id, ts, account_id, contact_id, name
 * and value (message_id and props_json NULL): the engine's bulk read. Within one scan, equal
 * names share one pointer. */
int store_events_scan_brief(struct store *st, int64_t ws, int64_t after_id, int64_t upto_id,
                            store_event_fn fn, void *ctx, struct lf_err *err);
/* The highest event id of workspace ws, 0 when it has none. */
int store_events_max_id(struct store *st, int64_t ws, int64_t *out, struct lf_err *err);
/* Opens a second connection to the same store, for a reader on another thread (each
 * connection is used by one thread at a time). *out is the caller's: store_free(). */
int store_open_reader(struct store *st, struct store **out, struct lf_err *err);
int store_touchpoints_scan(struct store *st, int64_t ws, store_touchpoint_fn fn, void *ctx,
                           struct lf_err *err);                            /* by ts, id */
int store_surveys_scan(struct store *st, int64_t ws, store_survey_fn fn, void *ctx,
                       struct lf_err *err);                                       /* by id */
int store_responses_scan(struct store *st, int64_t ws, store_response_fn fn, void *ctx,
                         struct lf_err *err);                              /* by ts, id */

/* API keys: only a hash of each key is stored, found by the key's public prefix. */
struct api_key {
    int64_t id, ws;
    const char *name;          /* NULL when not given */
    const char *prefix;        /* the key's first characters, unique across workspaces */
    const char *hash;          /* hex digest of the whole key */
    const char *scope;         /* write | read | admin */
    int64_t created_at;        /* ms */
    int64_t revoked_at;        /* ms, LF_UNSET while the key is live */
};
typedef int (*store_api_key_fn)(void *ctx, const struct api_key *k, struct lf_err *err);

/* Stores a new key in workspace ws (k->ws is ignored); sets *id. LF_ECONFLICT when the prefix
 * is taken. */
int store_api_key_insert(struct store *st, int64_t ws, const struct api_key *k, int64_t *id,
                         struct lf_err *err);
/* Finds a key by prefix in any workspace: 1 and *out (strings borrowed until the next store
 * call), 0 when there is none, -1 on error. */
int store_api_key_find(struct store *st, const char *prefix, struct api_key *out,
                       struct lf_err *err);
/* Marks workspace ws's key `prefix` revoked at `when` (kept for the audit trail): 1 when a
 * live key was revoked, 0 when there is no such live key, -1 on error. */
int store_api_key_revoke(struct store *st, int64_t ws, const char *prefix, int64_t when,
                         struct lf_err *err);
int store_api_keys_scan(struct store *st, int64_t ws, store_api_key_fn fn, void *ctx,
                        struct lf_err *err);                                      /* by id */

/* ---- resource rows: the generic reads and writes behind the REST API (model/resource.h) ---- */
struct row_query {
    const struct field_def *filter[8]; /* equality filters (REF values carry internal ids) */
    struct value filter_value[8];
    size_t filters_nr;
    const struct field_def *sort;      /* NULL: by the internal id */
    bool desc;
    bool after;                        /* keyset pagination: rows after (after_value, after_id) */
    struct value after_value;
    int64_t after_id;
    size_t limit;
};

/* A row: values[i] belongs to def->fields[i] (REF fields as the referenced external id). */
typedef int (*store_row_fn)(void *ctx, int64_t id, const struct value *values,
                            struct lf_err *err);

enum store_write_mode {
    STORE_CREATE,  /* LF_ECONFLICT when the key exists */
    STORE_REPLACE, /* fields not given become NULL (or their default); creates an ext-keyed row */
    STORE_MERGE,   /* only the given fields change; LF_ENOENT when the row does not exist */
};

/* Lists rows in sort order, at most q->limit. */
int store_rows_list(struct store *st, int64_t ws, const struct resource_def *def,
                    const struct row_query *q, store_row_fn fn, void *ctx, struct lf_err *err);
/* The row with key `key` (ext id text, or numeric id in key->i): 1 after calling fn, 0 when it
 * does not exist, -1 on error. */
int store_row_get(struct store *st, int64_t ws, const struct resource_def *def,
                  const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err);
/* Writes a row; values[i]/given[i] per field (REF values carry internal ids; key and read-only
 * fields are ignored unless given by landfall itself). Sets *id and *change. For an ext-keyed
 * create, key->s names it; numeric keys are assigned. LF_ECONFLICT for a constraint the row
 * breaks (a duplicate, a reference), with the reason. */
int store_row_write(struct store *st, int64_t ws, const struct resource_def *def,
                    const struct value *key, const struct value *values, const bool *given,
                    int mode, int64_t *id, enum store_change *change, struct lf_err *err);
/* Deletes a row and records it (actor, its JSON) in the audit log, in one transaction: 1 when
 * deleted, 0 when it does not exist, -1 with LF_ECONFLICT while other rows refer to it. */
int store_row_delete(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct value *key, const char *actor, const char *row_json,
                     struct lf_err *err);
/* Sets an account's current MRR to its latest mrr_change (after writing mrr_changes). */
int store_account_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err);

#endif
