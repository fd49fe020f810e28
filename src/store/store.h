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

struct buf;
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
/* Where a store's schema stands, read without migrating it (store_open migrates). */
struct store_schema {
    const char *engine;       /* "sqlite" or "postgres" */
    int version;              /* the store's: 0 for a database landfall never opened */
    int latest;               /* this binary's */
    const char *const *names; /* this binary's migrations, [0, latest): "001_init"… */
};
/* LF_ENOENT for an SQLite file that is not there, LF_ESTORE when the store cannot be read. */
int store_schema_read(const char *url, struct store_schema *out, struct lf_err *err);
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
/* store_commit writes the rows STORE_BULK queued first; store_rollback drops them. */
int store_begin(struct store *st, struct lf_err *err);
int store_commit(struct store *st, struct lf_err *err);
void store_rollback(struct store *st); /* safe when no transaction is open */
int store_read_begin(struct store *st, struct lf_err *err);
void store_read_end(struct store *st); /* safe when none is open */
/* Writes the rows STORE_BULK queued in the open write transaction, telling each row's
 * appended callback its fate. -1 when the store failed (roll back). */
int store_flush(struct store *st, struct lf_err *err);
/* Waits up to timeout_ms, outside any transaction, for a commit of another connection (of
 * any process) to the store: 1 when one may have happened (PostgreSQL: a NOTIFY every write
 * transaction sends; SQLite: the file's data_version moved), 0 when none did, -1 with err. */
int store_wait(struct store *st, int timeout_ms, struct lf_err *err);

/* ---- scheduled jobs (jobs.c) ---- */

/* A run of a scheduled job: job `job` of workspace ws for `slot` (the period it is for). */
struct store_job {
    int64_t ws;
    const char *job;
    int64_t slot;
    const char *node;  /* who runs it, for job_runs ("host:pid") */
    int64_t now;       /* ms */
    int64_t lease_ms;  /* SQLite: how long a claim holds when its holder may have died */
};
/* Outside any transaction, on a connection kept until store_job_end: 1 when this process
 * claimed the run (it runs the job, then calls store_job_end), 0 when it ran already or
 * another process runs it, -1 with err. */
int store_job_claim(struct store *st, const struct store_job *j, struct lf_err *err);
/* Ends a claimed run: finished_at (ms) marks it done for every process; 0 leaves it to be
 * claimed again (the job failed). */
int store_job_end(struct store *st, const struct store_job *j, int64_t finished_at,
                  struct lf_err *err);

/* ---- the one write path ---- */

/* STORE_PENDING: an append-only row queued by STORE_BULK, whose fate opts->appended learns. */
enum store_change { STORE_UNCHANGED, STORE_INSERTED, STORE_UPDATED, STORE_DELETED, STORE_PENDING };

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
    STORE_BULK = 1 << 1,  /* append-only rows (events), validated and resolved as any other,
                           * are queued and written many at once (PostgreSQL: COPY) by
                           * store_flush, the commit, or when many are queued: their change is
                           * STORE_PENDING, and opts->appended tells whether each was new;
                           * an engine without a bulk path (SQLite) writes them at once */
};

struct store_write_opts {
    unsigned flags;    /* enum store_write_flags */
    int64_t now;       /* for CHECK_PAST and the day of MRR points; 0 = the clock */
    const char *actor; /* who writes, for the change log ("import", "key lf_ab12cd34"…) */
    /* STORE_BULK: called once per queued row when it is written, on the thread that flushes,
     * with STORE_INSERTED or STORE_UNCHANGED (its key was stored already). May be NULL. */
    void (*appended)(void *ctx, int change);
    void *ctx;
};

/* What store_write did, for status lines and the change feed. */
struct store_write_stats {
    size_t inserted, updated, unchanged, rejected, stubs;
    size_t pending; /* queued by STORE_BULK: counted by opts->appended once written */
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
/* ---- health: scorecards, the daily score history, the measures' narrow reads (health.c) ---- */

/* One version of a scorecard. Strings are borrowed for the callback. */
struct store_scorecard {
    int64_t id;
    const char *name;         /* the scorecard's id, chosen by its author ("default") */
    int64_t version;          /* 1, 2, …: every change is a new version */
    const char *segment, *plan; /* the accounts it applies to; NULL for any */
    const char *definition;   /* its JSON (core/scorecards.c reads it) */
    int64_t created_at;
    int64_t retired_at;       /* LF_UNSET while in force */
};
typedef int (*store_scorecard_fn)(void *ctx, const struct store_scorecard *s, struct lf_err *err);
/* Every version of every scorecard of ws, by name then version. */
int store_scorecards_scan(struct store *st, int64_t ws, store_scorecard_fn fn, void *ctx,
                          struct lf_err *err);
/* Stores a new version (s->id and s->retired_at are ignored); LF_ECONFLICT when the name has
 * that version already. In a write transaction. */
int store_scorecard_insert(struct store *st, int64_t ws, const struct store_scorecard *s,
                           struct lf_err *err);
/* Retires the latest version of `name` at `when`: 1 when it was in force, 0 when the name has
 * no version or its latest is retired already, -1 on error. */
int store_scorecard_retire(struct store *st, int64_t ws, const char *name, int64_t when,
                           struct lf_err *err);

/* One account's score of one day. */
struct store_health_score {
    int64_t account_id;
    int64_t day;              /* the date (its UTC midnight in ms, as stored dates are) */
    int score;                /* 0..100 */
    const char *band;         /* red, yellow, green */
    const char *scorecard;    /* the scorecard's name */
    int64_t version;          /* its version; 0 for a built-in one */
    int64_t measures_used, measures_total;
    const char *components;   /* JSON: the measures' values and points; may be NULL */
};
typedef int (*store_health_fn)(void *ctx, const struct store_health_score *s, struct lf_err *err);
/* Replaces every score of `day` by rows[0..nr) (their day fields are ignored): writing a day
 * twice leaves what the second write wrote. In a write transaction. */
int store_health_day_put(struct store *st, int64_t ws, int64_t day,
                         const struct store_health_score *rows, size_t nr, struct lf_err *err);
/* The scores with from <= day < to of one account (account_id 0: of every account), by
 * account then day. */
int store_health_scan(struct store *st, int64_t ws, int64_t account_id, int64_t from,
                      int64_t to, store_health_fn fn, void *ctx, struct lf_err *err);
/* The latest day before `before` with scores: 1 and *out, 0 when none, -1 on error. */
int store_health_last_day(struct store *st, int64_t ws, int64_t before, int64_t *out,
                          struct lf_err *err);

/* A touchpoint the health measures read: a ticket (it has a status, or its kind is 'ticket')
 * or one of the success team's. */
struct store_touch {
    int64_t account_id, ts;
    bool ticket, success;
    bool open, resolved;      /* the ticket's status as stored (neither: none given) */
    double duration_minutes;  /* NAN when not given; for a ticket, its time to resolution */
};
typedef int (*store_touch_fn)(void *ctx, const struct store_touch *t, struct lf_err *err);
/* Those touchpoints of ws that have an account, by account, time; account_id 0 = every
 * account, else only that account's (through its index). */
int store_touches_scan(struct store *st, int64_t ws, int64_t account_id, store_touch_fn fn,
                       void *ctx, struct lf_err *err);
/* The time of the workspace's first ticket with an account (a touchpoint with a status, or of
 * kind 'ticket'), LF_UNSET when it has none: whether tickets are tracked at all, which a read
 * of one account's touchpoints cannot tell. */
int store_tickets_first(struct store *st, int64_t ws, int64_t *out, struct lf_err *err);
/* A survey response with an account, without its comment. */
struct store_score {
    int64_t account_id, ts, survey_id;
    int score;
};
typedef int (*store_score_fn)(void *ctx, const struct store_score *s, struct lf_err *err);
/* The responses of ws that have an account, by account, time; account_id 0 = every account,
 * else only that account's (through its index). */
int store_scores_scan(struct store *st, int64_t ws, int64_t account_id, store_score_fn fn,
                      void *ctx, struct lf_err *err);

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

/* ---- what stored texts say (text.c): one result per survey comment and touchpoint text ---- */
enum store_text_source { STORE_TEXT_RESPONSE = 1, STORE_TEXT_TOUCHPOINT = 2 };
struct store_text_result {
    int source;             /* enum store_text_source */
    int64_t row_id;         /* the response's or touchpoint's internal id */
    char language[4];       /* "en", "de"…, "und" */
    bool scored;            /* the figures below are set (English, or no letters) */
    double compound, pos, neu, neg;
    const char *emotions;   /* comma-separated, strongest first ("" none); NULL unscored */
    const char *topics;     /* comma-separated, first mentioned first */
    const char *notes;      /* "empty", "html", "truncated", comma-separated; NULL none */
    int64_t analyzed_at;    /* ms */
};
typedef int (*store_text_fn)(void *ctx, const struct store_text_result *r, struct lf_err *err);
typedef int (*store_text_source_fn)(void *ctx, int source, int64_t row_id, const char *text,
                                    struct lf_err *err);
/* How far workspace ws's change log was read for the texts: 1 with *seq, 0 when never (the
 * texts have not been analysed), -1 on error. */
int store_text_cursor(struct store *st, int64_t ws, int64_t *seq, struct lf_err *err);
int store_text_cursor_set(struct store *st, int64_t ws, int64_t seq, struct lf_err *err);
/* The text of a response (its comment) or touchpoint into out: 1 when the row exists and has
 * one, 0 when not, -1 on error. */
int store_text_source_get(struct store *st, int64_t ws, int source, int64_t row_id,
                          struct buf *out, struct lf_err *err);
/* The stored sentiment of one text: 1 with *compound when it was scored, 0 when it has no
 * result or was not scored (another language, no text), -1. */
int store_text_compound(struct store *st, int64_t ws, int source, int64_t row_id,
                        double *compound, struct lf_err *err);
/* Puts (inserts or replaces) the result of one text; deletes one; deletes all of ws. */
int store_text_put(struct store *st, int64_t ws, const struct store_text_result *r,
                   struct lf_err *err);
int store_text_delete(struct store *st, int64_t ws, int source, int64_t row_id,
                      struct lf_err *err);
int store_text_clear(struct store *st, int64_t ws, struct lf_err *err);
/* How many texts ws holds, and each of them (responses' comments by id, then touchpoints'
 * texts by id); fn may write. */
int store_text_sources_count(struct store *st, int64_t ws, int64_t *out, struct lf_err *err);
int store_text_sources_scan(struct store *st, int64_t ws, store_text_source_fn fn, void *ctx,
                            struct lf_err *err);
/* The stored results of ws, by source and row id (strings borrowed for the call). */
int store_text_results_scan(struct store *st, int64_t ws, store_text_fn fn, void *ctx,
                            struct lf_err *err);

/* ---- surveys landfall sends itself (surveys.c; docs/surveys.md) ---- */

/* A workspace's survey settings: the key that signs links, the fatigue budget, the relay. */
struct survey_settings {
    char token_key[65];      /* hex of a 32-byte key */
    int64_t contact_days;    /* a contact is asked at most once per this many days */
    int64_t account_max;     /* an account's contacts are asked at most this many times … */
    int64_t account_days;    /* … per this many days */
    int64_t quiet_days;      /* nobody at an account is asked this long after an escalation */
    int64_t link_days;       /* a link expires after this many days */
    int64_t sla_days;        /* the closed loop's follow-up is due in this many business days */
    char smtp_url[512];      /* "" when not set */
    char mail_from[256];
    char base_url[256];      /* where `landfall serve` is reached, for links */
    int64_t loop_seq;        /* the change log position the closed loop has read to */
    int64_t trigger_seq;     /* … and the touchpoint triggers (-1: not started) */
    int64_t trigger_event;   /* the event id the milestone triggers have read to (-1: not
                              * started) */
};
/* The settings of ws: 1 with *out, 0 when the workspace has none yet (*out then the defaults a
 * first use stores, without a key), -1 on error. */
int store_survey_settings_get(struct store *st, int64_t ws, struct survey_settings *out,
                              struct lf_err *err);
/* Creates ws's settings with the defaults, `token_key` and the closed loop and the triggers
 * starting at change-log position loop_seq, unless they exist. */
int store_survey_settings_ensure(struct store *st, int64_t ws, const char *token_key,
                                 int64_t loop_seq, struct lf_err *err);
/* Writes every field of s but token_key. */
int store_survey_settings_put(struct store *st, int64_t ws, const struct survey_settings *s,
                              struct lf_err *err);

/* An invitation: one survey offered to one contact through one channel. */
struct survey_send {
    int64_t id, survey_id, contact_id, account_id, touchpoint_id; /* 0 when absent */
    char channel[16];       /* link | email | in-app */
    char reason[32];        /* manual | periodic | touchpoint | milestone */
    char status[16];        /* pending | sent | failed | answered */
    int64_t created_at, expires_at;
    int64_t sent_at, next_attempt_at, answered_at; /* LF_UNSET when not yet */
    int64_t attempts, response_id;
    char last_error[256];
};
/* Inserts s (its id is ignored) and sets s->id. */
int store_survey_send_insert(struct store *st, int64_t ws, struct survey_send *s,
                             struct lf_err *err);
/* Send `id` of ws: 1 with *out, 0 when there is none, -1 on error. */
int store_survey_send_get(struct store *st, int64_t ws, int64_t id, struct survey_send *out,
                          struct lf_err *err);
/* Writes s's status, sent_at, attempts, next_attempt_at, last_error, response_id and
 * answered_at. */
int store_survey_send_update(struct store *st, int64_t ws, const struct survey_send *s,
                             struct lf_err *err);
typedef int (*store_survey_send_fn)(void *ctx, const struct survey_send *s, struct lf_err *err);
/* ws's sends, by id; survey_id 0 = every survey, status NULL = every status. */
int store_survey_sends_scan(struct store *st, int64_t ws, int64_t survey_id, const char *status,
                            store_survey_send_fn fn, void *ctx, struct lf_err *err);

/* What the fatigue budget looks at: the latest invitation of a contact created at or after
 * `contact_since` (*contact_last, LF_UNSET when none), the invitations to an account's
 * contacts created at or after `account_since` (*account_nr), and the latest escalation
 * touchpoint of the account at or after `quiet_since` (*escalated, LF_UNSET when none). Failed
 * invitations count for nothing: nobody was asked. */
int store_survey_fatigue(struct store *st, int64_t ws, int64_t contact_id, int64_t account_id,
                         int64_t contact_since, int64_t account_since, int64_t quiet_since,
                         int64_t *contact_last, int64_t *account_nr, int64_t *escalated,
                         struct lf_err *err);

/* A contact landfall did not survey, and why. */
struct survey_skip {
    int64_t id, survey_id, contact_id, account_id, touchpoint_id, at;
    char survey_ext[256], contact_ext[256]; /* filled in by the scan */
    char reason[32];  /* contact_budget | account_budget | quiet_period | audience | paused… */
    char detail[256];
};
int store_survey_skip_insert(struct store *st, int64_t ws, const struct survey_skip *k,
                             struct lf_err *err);
typedef int (*store_survey_skip_fn)(void *ctx, const struct survey_skip *k, struct lf_err *err);
/* ws's skips by id; contact_id 0 = every contact. */
int store_survey_skips_scan(struct store *st, int64_t ws, int64_t contact_id,
                            store_survey_skip_fn fn, void *ctx, struct lf_err *err);

/* The closed loop's follow-up of a response. */
struct followup {
    int64_t id, response_id, task_id, opened_at, due_date, closed_at; /* LF_UNSET: not yet */
    char rule[128];
    char outcome[32];
    char note[1024];    /* the task's note when it was closed, "" none */
    char account[256];  /* read only: the task's account (its external id), "" none */
    char owner[256];    /* read only: the task's owner, "" none */
};
/* Inserts f unless response_id has one: 1 inserted (f->id set), 0 it had one, -1 error. */
int store_followup_insert(struct store *st, int64_t ws, struct followup *f, struct lf_err *err);
typedef int (*store_followup_fn)(void *ctx, const struct followup *f, struct lf_err *err);
int store_followups_scan(struct store *st, int64_t ws, store_followup_fn fn, void *ctx,
                         struct lf_err *err);
/* Records the close of the follow-up of task `task_id` (unless closed already), its outcome
 * and the task's note (NULL none): 1, 0, -1. */
int store_followup_close(struct store *st, int64_t ws, int64_t task_id, int64_t when,
                         const char *outcome, const char *note, struct lf_err *err);
/* The score of the latest response of the same contact to the same survey after response
 * `response_id`, and that survey's kind: 1 with *score and kind, 0 when none, -1. */
int store_response_again(struct store *st, int64_t ws, int64_t response_id, int64_t *score,
                         char kind[16], struct lf_err *err);
/* Sets the task of follow-up `id`, and the rule (rules.id) that task came from. */
int store_followup_set_task(struct store *st, int64_t ws, int64_t id, int64_t task_id,
                            int64_t rule_id, struct lf_err *err);

/* A rule of `rules` (the playbooks' table) that a trigger runs: its condition is text the
 * caller parses; its action opens a task of task_kind titled task_title (a template). */
struct store_rule {
    int64_t id, position, sla_days; /* sla_days LF_UNSET: the settings' */
    bool enabled;
    char name[128], trigger[32], condition[1024], task_kind[32], task_title[1024];
};
typedef int (*store_rule_fn)(void *ctx, const struct store_rule *r, struct lf_err *err);
/* The rules of trigger `trigger` (NULL: every rule), by position then id. */
int store_rules_scan(struct store *st, int64_t ws, const char *trigger, store_rule_fn fn,
                     void *ctx, struct lf_err *err);
/* Inserts r unless ws has a rule of its name: 1 inserted, 0 it had one, -1. */
int store_rule_seed(struct store *st, int64_t ws, const struct store_rule *r, struct lf_err *err);
/* Replaces the condition, SLA and enabled flag of rule `r->name`: 1, 0 no such rule, -1. */
int store_rule_update(struct store *st, int64_t ws, const struct store_rule *r,
                      struct lf_err *err);

/* Whether survey_id was offered to contact_id, or skipped for it, ever: 1, 0, -1. */
int store_survey_handled(struct store *st, int64_t ws, int64_t survey_id, int64_t contact_id,
                         struct lf_err *err);
/* Sets the milestone triggers' event position. */
int store_survey_trigger_event(struct store *st, int64_t ws, int64_t event_id, struct lf_err *err);

/* The external id of def's row with internal id `id` into out: 1, 0 when there is none, -1. */
int store_key_of(struct store *st, int64_t ws, const struct resource_def *def, int64_t id,
                 char out[257], struct lf_err *err);

/* Invitations delivered (sent or answered), answered and not delivered (mails pending or
 * failed), by survey, channel and the segment of the account they went to (NULL when none), in
 * that order; survey NULL = every survey. */
typedef int (*store_survey_rate_fn)(void *ctx, const char *survey, const char *channel,
                                    const char *segment, int64_t delivered, int64_t answered,
                                    int64_t undelivered, struct lf_err *err);
int store_survey_rates(struct store *st, int64_t ws, const char *survey, store_survey_rate_fn fn,
                       void *ctx, struct lf_err *err);

/* Sets the touchpoint triggers' change-log position. */
int store_survey_trigger_seq(struct store *st, int64_t ws, int64_t seq, struct lf_err *err);
/* Whether survey_id was offered to the contact of touchpoint_id for it already: 1, 0, -1. */
int store_survey_sent_for(struct store *st, int64_t ws, int64_t survey_id, int64_t touchpoint_id,
                          struct lf_err *err);

/* When survey_id was last offered to contact_id (failed mails aside): 1 with *at, 0 never, -1. */
int store_survey_last_offer(struct store *st, int64_t ws, int64_t survey_id, int64_t contact_id,
                            int64_t *at, struct lf_err *err);

/* Sets the loop's change-log position. */
int store_survey_loop_seq(struct store *st, int64_t ws, int64_t seq, struct lf_err *err);

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

