/* engine_int.h - the insides of the engine, shared by its files: columns, tails, dimensions,
 * the per-account run view and the thread driver of the scans. */
#ifndef ENGINE_ENGINE_INT_H
#define ENGINE_ENGINE_INT_H

#include <pthread.h>

#include "base/strmap.h"
#include "engine.h"

#define SECS_PER_DAY 86400
#define ENGINE_MAX_NAMES 65535 /* codes 0..65534; later names share the last code */
#define ENGINE_SPLIT_READ 200000 /* stores with more events are read by two connections */

/* One point of an account's MRR history. */
struct eng_mrr {
    int64_t date, mrr;
};

/* Events appended since the columns were last merged, kept sorted by time (stable). */
struct eng_tail {
    uint32_t *ts, *user;
    uint16_t *name;
    float *value;
    size_t nr, cap;
};

/* An account as the engine knows it. Dense index 0 is "no account" (events without one). */
struct eng_account {
    int64_t id;                   /* store id; 0 for the "no account" slot */
    char *ext_id, *segment, *plan; /* owned; NULL when unknown */
    int64_t seats;                /* LF_UNSET when unknown */
    int64_t customer_since;       /* LF_UNSET when unknown */
    int64_t start;                /* customer since, else the first paid MRR change; LF_UNSET */
    int64_t churned_at;           /* the first change to MRR 0 after the start; LF_UNSET */
    struct eng_mrr *mrr;          /* by date */
    size_t mrr_nr;
    struct eng_tail *tail;        /* NULL when empty */
};

/* Maps store ids (dense-ish int64s) to dense indexes + 1 (0: not mapped). */
struct eng_idmap {
    uint32_t *slot;
    size_t cap;
};

struct engine {
    pthread_rwlock_t lock;
    int64_t ws;
    int threads;

    /* columns: events of account a are [off[a], off[a + 1]), by time */
    uint64_t *off;          /* acc_nr + 1 */
    uint32_t *ts;           /* seconds since the epoch */
    uint32_t *user;         /* dense user index; 0 = no user */
    uint16_t *name;         /* event-name code */
    float *value;           /* NAN when the event has none */
    size_t nr;              /* events in the columns */
    size_t tail_nr;         /* events in tails */
    size_t skipped;

    struct eng_account *acc;
    size_t acc_nr, acc_cap;
    struct eng_idmap acc_map;

    int64_t *user_id;       /* dense user → store contact id */
    uint32_t *user_home;    /* dense user → the first account it was seen in */
    uint8_t *user_multi;    /* 1 when seen in more than one account */
    size_t user_nr, user_cap;
    struct eng_idmap user_map;

    char **names;           /* code → name, owned */
    size_t names_nr;
    struct strmap name_codes;

    int64_t high_water;     /* the highest store event id held */
    uint64_t high_water_hash; /* hash of that event's message id: the snapshot's fingerprint */
};

/* ---- columns.c ---- */
struct engine *eng_new(int64_t ws, int threads);
/* The dense index of store account id (created, with no attributes, when new). */
uint32_t eng_account_of(struct engine *e, int64_t id);
/* The dense index of store contact id (0 for 0), created when new; marks users seen in several
 * accounts. */
uint32_t eng_user_of(struct engine *e, int64_t id, uint32_t account);
uint16_t eng_name_code(struct engine *e, const char *name);
/* The code of an existing name, or -1. */
int eng_name_find(const struct engine *e, const char *name);
/* Adds one event to its account's tail. */
void eng_tail_add(struct engine *e, uint32_t account, uint32_t ts, uint32_t user, uint16_t name,
                  float value);
/* Merges every tail into the columns. */
void eng_compact(struct engine *e);
/* Merges when the tails hold more than an eighth of the columns (and at least 64k events). */
void eng_maybe_compact(struct engine *e);
size_t eng_bytes(const struct engine *e);
uint32_t eng_idmap_get(const struct eng_idmap *m, int64_t id);
void eng_idmap_set(struct eng_idmap *m, int64_t id, uint32_t v);
void eng_idmap_release(struct eng_idmap *m);

/* ---- build.c ---- */
/* Adds one store event (mapping its ids and name); returns false when its time is out of range. */
bool eng_add_event(struct engine *e, const struct event *ev);
int eng_load_dims(struct engine *e, struct store *st, struct lf_err *err);
uint64_t eng_message_hash(const char *message_id);
/* Looks up the message-id hash of store event `id`: 1 when found, 0 when there is none. */
int eng_store_event_hash(struct store *st, int64_t ws, int64_t id, uint64_t *hash);
/* Records the hash of the event at the high-water mark (the bulk read has no message ids). */
int eng_fingerprint(struct engine *e, struct store *st, struct lf_err *err);

/* ---- scan.c: the sorted events of one account, columns and tail merged ---- */
struct eng_run {
    const uint32_t *ts, *user;
    const uint16_t *name;
    size_t nr;
};
/* Per-thread scratch for merging a tail into a run. */
struct eng_scratch {
    uint32_t *ts, *user;
    uint16_t *name;
    size_t cap;
};
void eng_run_get(const struct engine *e, uint32_t a, struct eng_scratch *s, struct eng_run *r);
void eng_scratch_release(struct eng_scratch *s);
/* The first index of r with ts >= t. */
size_t eng_lower(const struct eng_run *r, uint32_t t);
/* Seconds of a window bound in ms: the first second s with s * 1000 >= ms, clamped. */
uint32_t eng_sec(int64_t ms);

/* Calls fn(ctx, worker, first, end) on worker threads over account ranges [first, end) of
 * about equal event counts; worker is 0..workers-1. Returns the number of workers used. */
typedef void (*eng_work_fn)(void *ctx, int worker, uint32_t first, uint32_t end);
int eng_parallel(const struct engine *e, int workers, eng_work_fn fn, void *ctx);
/* How many workers a scan may use. */
int eng_workers(const struct engine *e);

/* Groups: the group index of each account for a query's --by, and the labels. */
struct eng_grouping {
    uint32_t *of;          /* dense account → group, UINT32_MAX when excluded */
    struct engine_groups groups;
};
int eng_grouping_make(const struct engine *e, const struct engine_query *q,
                      struct eng_grouping *g, struct lf_err *err);
void eng_grouping_release(struct eng_grouping *g);
void eng_groups_release(struct engine_groups *g);

/* The period index helpers: starts of the periods covering [from, to). */
int64_t eng_period_start(int period, int64_t ms);
int64_t eng_period_next(int period, int64_t start);

#endif
