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
int store_touchpoints_scan(struct store *st, int64_t ws, store_touchpoint_fn fn, void *ctx,
                           struct lf_err *err);                            /* by ts, id */
int store_surveys_scan(struct store *st, int64_t ws, store_survey_fn fn, void *ctx,
                       struct lf_err *err);                                       /* by id */
int store_responses_scan(struct store *st, int64_t ws, store_response_fn fn, void *ctx,
                         struct lf_err *err);                              /* by ts, id */

#endif
