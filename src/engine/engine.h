/* engine.h - the analytics engine: usage events in memory as packed columns, and the scans over
 * them (activity, adoption, recency, cohorts, survival, time to value).
 *
 * The engine is a cache of the store (DESIGN.md, "the engine"): built from store_events_scan,
 * appended to after each durable batch, saved to and loaded from a verified snapshot file, and
 * rebuildable at any time. Layout (docs/engine.md): events are partitioned by account and sorted
 * by time inside each account, as fixed-width columns (uint32 seconds, uint32 dense user,
 * uint16 event-name code, float value: 14 bytes an event); appended events go to small per-account
 * tails that are merged into the columns when they grow.
 *
 * Threads: every query takes a read lock, so many threads may query at once; engine_append,
 * engine_sync, engine_refresh and engine_save take the write lock. Queries split their scan over
 * up to `threads` worker threads.
 *
 * Times are int64 ms since the epoch (UTC); days are the calendar days of the query's time zone
 * (UTC without one), weeks start on Monday; the scans cut them through period boundaries made
 * once per query (periods.c). An event belongs to [from, to) by its time truncated to the
 * second. */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/model.h"
#include "store/store.h"

struct engine;

struct engine_opts {
    bool progress; /* a progress bar on stderr while building (when it is a terminal) */
    int threads;   /* worker threads for builds and scans; 0 = the number of cores */
    /* the workspace's zone (NULL: UTC): stored dates (customer since, MRR changes) are its
     * local dates, so an account starts at its local midnight; borrowed for the engine's life */
    const struct tz *tz;
    /* stores with more events than this are read by two connections on two threads (0:
     * ENGINE_SPLIT_READ, 200 000); lower only to reach that path with a small store (tests) */
    int64_t split_read;
};

/* Builds the engine of workspace ws from the store (accounts, MRR history, every event).
 * *out is the caller's: engine_free(). */
int engine_build(struct store *st, int64_t ws, const struct engine_opts *opts,
                 struct engine **out, struct lf_err *err);

/* What engine_open did with the snapshot. */
enum engine_origin {
    ENGINE_BUILT,     /* no snapshot was asked for, or none existed: built from the store */
    ENGINE_LOADED,    /* loaded from the snapshot, then caught up with newer events */
    ENGINE_REBUILT,   /* the snapshot was damaged or stale: ignored, built from the store */
};

struct engine_open_info {
    int origin;          /* enum engine_origin */
    size_t caught_up;    /* events appended after loading the snapshot */
    char warning[512];   /* why the snapshot was ignored ("" when it was not) */
};

/* Loads the snapshot at `snapshot` (NULL: none) when it is intact (checksum), of this format and
 * store schema, and agrees with the store (the store's event at its high-water mark is the same
 * event), then reloads the accounts and appends the store's newer events (after which the
 * high-water mark must be the store's last event id); otherwise builds from the store and says
 * why in info->warning. *out is the caller's. */
int engine_open(struct store *st, int64_t ws, const char *snapshot,
                const struct engine_opts *opts, struct engine **out,
                struct engine_open_info *info, struct lf_err *err);

/* Writes the engine to `path` atomically (a temporary file renamed over it). */
int engine_save(struct engine *e, const char *path, struct lf_err *err);

void engine_free(struct engine *e); /* NULL is a no-op */

/* Appends events that the store has made durable. Each event's account_id/contact_id are store
 * ids (0 when unknown), `name` its name, `id` its store id: events with an id at or below the
 * engine's high-water mark are already in it and are skipped, so a retried batch is harmless.
 * An event without id (0) is appended but does not move the high-water mark. `ev` is borrowed. */
int engine_append(struct engine *e, const struct event *ev, size_t nr, struct lf_err *err);

/* Appends the store's events newer than the high-water mark; *added (may be NULL) counts them. */
int engine_sync(struct engine *e, struct store *st, size_t *added, struct lf_err *err);

/* Reloads the accounts and their MRR history (segment, plan, seats, customer since, churn). */
int engine_refresh(struct engine *e, struct store *st, struct lf_err *err);

/* One account's dimensions as the store holds them after a change. */
struct engine_mrr {
    int64_t date, mrr; /* a change of MRR (minor units, 0 = churned) on `date` (ms) */
};
struct engine_account_in {
    int64_t id;                           /* the store id */
    const char *ext_id, *segment, *plan;  /* NULL or "" when unknown */
    int64_t seats, customer_since;        /* LF_UNSET when unknown */
    const struct engine_mrr *mrr;         /* its whole MRR history, in any order */
    size_t mrr_nr;
};
/* Creates or updates accounts (the server calls it from the store's change feed): ext id,
 * segment, plan, seats, customer since and the MRR history are replaced by a[i]'s, and the start
 * and first churn derived from them as a build does, so the engine answers as one built from the
 * store after the same changes. Takes the write lock. Fails (LF_EINVAL, nothing changed) on an
 * id <= 0. Strings and arrays are borrowed. */
int engine_accounts_put(struct engine *e, const struct engine_account_in *a, size_t nr,
                        struct lf_err *err);

struct engine_info {
    int64_t ws, high_water;       /* the workspace, the highest store event id held */
    size_t events, tail_events;   /* all events held; those still in per-account tails */
    size_t skipped;               /* events left out: a time before 1970 or after 2106 */
    size_t accounts, users, names;
    size_t bytes;                 /* bytes allocated for events, tails and their indexes */
    double bytes_per_event;
    int threads;
};
void engine_info(struct engine *e, struct engine_info *out);

/* ---- what caches of the answers need (changes.c) ----
 * The engine only grows between builds: events are added, never taken away, and accounts'
 * dimensions are replaced. A cache of answers keeps the engine's state when it computed one and
 * asks later whether what the answer read has changed since. */
struct engine_state {
    uint64_t uid;     /* the engine's: no other engine of the process has it */
    uint64_t version; /* moved by every change of its events or accounts */
    size_t names;     /* event names it knew */
};
/* The engine's state now (takes the read lock). */
void engine_state(struct engine *e, struct engine_state *out);
/* Whether an answer computed at state s may differ now in what it read of the events with a
 * time in [from, to) (ms; an event's time truncated to the second): true when e is not the
 * engine of s, or events in that range were added since s (a change keeps a few ranges of the
 * times it added: it may be reported wider than it was, never narrower). With dims, also when accounts'
 * dimensions changed or event names were added since s. Takes the read lock. */
bool engine_changed(struct engine *e, const struct engine_state *s, int64_t from, int64_t to,
                    bool dims);
/* The events nearest instant t (ms), with or without an account: *before the time of the last
 * one before t, *after of the first at or after t (INT64_MIN, INT64_MAX when none), as the
 * start of their second (an event at second s is at or after t when s * 1000 >= t), so that
 * "no event in [t, u)" is *after >= u and "none in [u, t)" is *before < u. One look at every
 * account's span, a binary search in those that hold t. Takes the read lock. */
void engine_events_around(struct engine *e, int64_t t, int64_t *before, int64_t *after);

/* ---- queries ----
 * Every query fills a result the caller frees with the matching _free (NULL is a no-op).
 * Group labels, external ids, segments, plans and event names are borrowed from the engine: they
 * stay valid until engine_free, whatever changes the engine meanwhile.
 *
 * Calendar (docs/engine.md): days are UTC days, weeks Monday weeks, a period is labelled with its
 * first day (a week with its Monday) even when the window cuts it. An account has started at
 * `now` when its start (customer since, else its first paid MRR change) is before `now`. */

enum engine_by { ENGINE_BY_NONE, ENGINE_BY_ACCOUNT, ENGINE_BY_SEGMENT, ENGINE_BY_PLAN };
enum engine_period { ENGINE_DAY, ENGINE_WEEK, ENGINE_MONTH };
/* The most periods a cohort table spans (it holds their square): 2,000 weeks are 38 years. */
#define ENGINE_COHORT_PERIODS 2000

/* A grouping of the accounts made by the caller (two attributes at once, filters): it
 * replaces `by` in the queries that group. */
#define ENGINE_NO_GROUP UINT32_MAX
struct engine_custom_groups {
    /* The group of store account `id` (0: the events without an account), or ENGINE_NO_GROUP
     * to leave its events out. */
    uint32_t (*group_of)(void *ctx, int64_t id);
    void *ctx;
    size_t nr;
    const char *const *labels;  /* nr labels, borrowed by results: the caller keeps them
                                 * until it has freed the results */
    const int64_t *account_ids; /* per group, when each group is one account; else NULL */
};

struct engine_query {
    int64_t from, to;   /* the window [from, to), ms; see each query for its defaults */
    int64_t now;        /* "today": the end of censoring and of recency; must be set */
    int by;             /* enum engine_by */
    int64_t account;    /* a store account id to restrict the query to; 0 = all accounts */
    const struct engine_custom_groups *custom; /* when set, the groups instead of `by` */
    const struct tz *tz; /* the zone days, weeks and months are cut in (base/tz.h); NULL: UTC */
};

/* The groups of a result: one label per group ("all" without --by; "(none)" for accounts
 * without the attribute; an account's external id with ENGINE_BY_ACCOUNT). */
struct engine_groups {
    const char **labels;
    int64_t *account_ids; /* with ENGINE_BY_ACCOUNT: the store id of each group, else NULL */
    size_t nr;
};

/* Activity over calendar periods of [from, to): per group and period, the distinct users with
 * an event (events without a user count in events and accounts only), the distinct accounts,
 * the events. Every period of the window is listed (by group label, then period) for every group
 * with an event in the window; periods are cut to the window. */
struct engine_activity_row {
    size_t group;
    int64_t period;       /* the period's start (a day, a Monday, a month's first day), even
                           * when the window starts later in it */
    int64_t users, accounts, events;
};
struct engine_activity {
    struct engine_groups groups;
    struct engine_activity_row *rows;
    size_t nr;
};
int engine_activity(struct engine *e, const struct engine_query *q, int period,
                    struct engine_activity *out, struct lf_err *err);
void engine_activity_free(struct engine_activity *a);

/* Per account over [from, to) (default: the 30 days before `to`, `to` default `now`): the
 * portfolio figures of DESIGN.md. dau = distinct (user, calendar day) pairs / the days of the
 * window, a day cut by the window counting for the share of it inside (so a window of whole
 * days divides by their number, [from, from + 30 days) by 30); wau = distinct users in the last
 * 7 days of the window; mau = distinct users in the window; stickiness = dau / mau; breadth =
 * distinct event names used / names in the catalogue; depth = events / active users;
 * utilisation = mau / seats; last_seen = the last event before `to`; days_since = calendar days
 * from last_seen's day to `to`'s (last seen the day before = 1); trend = least-squares slope of
 * the distinct users of 8 blocks of 7 days, the last block the 7 days before `to` (block 0 the
 * oldest), as % of their mean per block. Undefined figures are NAN, unknown times LF_UNSET.
 * Accounts with no event before `to` are listed too (when restricted to one, only it), in
 * dense order. ext_id is "" for an account the engine knows only from events. */
struct engine_account_row {
    int64_t account_id;
    const char *ext_id, *segment, *plan;
    int64_t seats;
    double dau;
    int64_t wau, mau, events, features;
    double stickiness, breadth, depth, utilisation;
    int64_t last_seen, days_since;
    double trend;
};
struct engine_accounts {
    struct engine_account_row *rows;
    size_t nr;
    size_t catalogue; /* event names the breadth is relative to */
};
/* What engine_accounts computes (the rest stays NAN / LF_UNSET / 0): dau, wau, mau,
 * stickiness, utilisation; events, features, breadth, depth; last_seen, days_since, trend. */
enum { ENGINE_ACC_ACTIVITY = 1, ENGINE_ACC_ADOPTION = 2, ENGINE_ACC_RECENCY = 4,
       ENGINE_ACC_ALL = 7 };
int engine_accounts(struct engine *e, const struct engine_query *q, unsigned what,
                    struct engine_accounts *out, struct lf_err *err);
void engine_accounts_free(struct engine_accounts *a);

/* Adoption curves: for each event name and each k of days[], among the accounts that became
 * customers at least k days before `now` (eligible), those whose first event of that name came
 * less than k days after their start (an event before it counts as day 0). */
struct engine_curve_row {
    const char *feature;
    int days;
    int64_t eligible, adopted;
    double share; /* adopted / eligible, NAN when none is eligible */
};
struct engine_curves {
    struct engine_curve_row *rows;
    size_t nr;
    /* the answer is the same for any now in [valid_from, valid_until) (INT64_MIN, INT64_MAX
     * when unbounded) while the engine holds the same events before valid_from, the same
     * accounts and names: no account's start + k days lies between (its eligibility for k
     * changes there) */
    int64_t valid_from, valid_until;
};
int engine_curves(struct engine *e, const struct engine_query *q, const int *days,
                  size_t days_nr, struct engine_curves *out, struct lf_err *err);
void engine_curves_free(struct engine_curves *c);

/* Feature usage: per event name used in [from, to) by the accounts the query keeps (its
 * account, its custom groups, else all; events without an account are left out), the events
 * and the accounts that used it; active: those accounts with any event in the window. Rows
 * by accounts (most first), then name. */
struct engine_name_row {
    char *name;
    int64_t events, accounts;
};
struct engine_names {
    struct engine_name_row *rows;
    size_t nr;
    int64_t active;   /* accounts with an event in the window */
    size_t catalogue; /* event names the engine knows */
};
int engine_names(struct engine *e, const struct engine_query *q, struct engine_names *out,
                 struct lf_err *err);
void engine_names_free(struct engine_names *n);

/* Retention cohorts. Periods are weeks or months up to the one holding `now`. */
enum engine_basis { ENGINE_ACTIVITY, ENGINE_REVENUE };
enum engine_level { ENGINE_USER, ENGINE_ACCOUNT };
enum engine_start { ENGINE_FIRST_ACTIVITY, ENGINE_CUSTOMER_SINCE };
/* Members are users or accounts with an event (with an account) before `now`; a user belongs to
 * its home account, the first account it was seen in (its earlier events without an account do
 * not count). A member's cohort is the period of its first event (ENGINE_FIRST_ACTIVITY) or of
 * its account's start (ENGINE_CUSTOMER_SINCE: customer since, else the first paid MRR change;
 * accounts that have not started at `now` are left out, and at account level an account is a
 * member from its start even without events). Activity basis: a member is retained in period k
 * when it has an event in the k-th period after its cohort's. Revenue basis (account level,
 * customer-since cohorts only): when the account's MRR after the last change of that period is
 * above 0. Rows by cohort, period. */
struct engine_cohort_row {
    int64_t cohort;  /* the cohort period's start */
    int period;      /* k = 0, 1, … */
    int64_t size, retained;
    double rate;
};
struct engine_cohorts {
    struct engine_cohort_row *rows;
    size_t nr;
};
int engine_cohorts(struct engine *e, const struct engine_query *q, int period, int basis,
                   int level, int start, struct engine_cohorts *out, struct lf_err *err);
void engine_cohorts_free(struct engine_cohorts *c);

/* Kaplan–Meier. One observation: a time and whether it ended in the event (else censored). */
struct km_obs {
    double time;
    bool event;
};
/* One step of the curve, at each distinct event time: the estimate, its Greenwood standard
 * error, and the 95 % interval on the log scale (R survfit's conf.type = "log"), cut to [0, 1]. */
struct km_row {
    double time;
    int64_t at_risk, events, censored; /* censored: in (previous event time, this time] */
    double survival, std_err, lower, upper;
};
/* The median (the first time the curve is at or below 0.5; halfway to the next event time when
 * it is exactly 0.5) and its interval (the first times the lower and upper bounds are at or
 * below 0.5); NAN when not reached. */
struct km_median {
    double median, lower, upper;
};
/* Computes the curve of obs (reordered in place). *rows is the caller's: free(). Returns how
 * many steps. */
size_t km_compute(struct km_obs *obs, size_t nr, struct km_row **rows, struct km_median *median);

/* Subscription lifetimes: of the accounts that have started at `now` and had a paid MRR change
 * before it (an account that never paid cannot churn: it is left out), from the start (customer
 * since, else the first paid MRR change) to the first change to MRR 0 (churn), censored at
 * `now`; in days. One curve per group. */
struct engine_survival_group {
    int64_t accounts, churned;
    struct km_row *rows;
    size_t nr;
    struct km_median median;
};
struct engine_survival {
    struct engine_groups groups;
    struct engine_survival_group *curves; /* groups.nr of them */
};
int engine_survival(struct engine *e, const struct engine_query *q, struct engine_survival *out,
                    struct lf_err *err);
void engine_survival_free(struct engine_survival *s);

/* Time to value: per account that has started at `now`, its first event named
 * `milestone` before `now` (one before the start counts as 0 days), the time to it in days
 * (fractional), and whether the account churned by `now`. */
struct engine_ttv_row {
    int64_t account_id;
    const char *ext_id;
    int64_t start, reached_at; /* reached_at LF_UNSET when never */
    double days;               /* NAN when never reached */
    bool churned;
};
struct engine_ttv {
    struct engine_ttv_row *rows; /* by start, then account id */
    size_t nr;
};
int engine_ttv(struct engine *e, const struct engine_query *q, const char *milestone,
               struct engine_ttv *out, struct lf_err *err);
void engine_ttv_free(struct engine_ttv *t);

#endif
