/* health.h - account health: the measures of an account as of any instant, scorecards (measures,
 * weights, thresholds or linear bands, colour bands) and the score they give, with its
 * explanation. Definitions: docs/metrics.md, "Health". */
#ifndef CS_HEALTH_H
#define CS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/tz.h"
#include "engine/engine.h"
#include "store/store.h"

/* ---- measures ---- */

enum health_measure {
    HM_ACTIVE_USERS,      /* users with an event in the 30 days before */
    HM_DAU_MAU,           /* stickiness over those 30 days */
    HM_SEAT_UTILISATION,  /* active users / seats */
    HM_BREADTH,           /* event names used / catalogue, 30 days */
    HM_DEPTH,             /* events per active user, 30 days */
    HM_USAGE_TREND,       /* slope of weekly users over 8 weeks, share of their mean */
    HM_DAYS_SINCE_SEEN,   /* calendar days since the last event */
    HM_NPS,               /* the account's NPS over its responses of the last 180 days */
    HM_CSAT,              /* its CSAT (share of 4-5) over 180 days */
    HM_CES,               /* its mean CES over 180 days */
    HM_DETRACTOR_90D,     /* 1 when an NPS response of the last 90 days is a detractor's */
    HM_OPEN_TICKETS,      /* tickets open at that instant */
    HM_STALE_TICKETS,     /* of them, open for 14 days or more */
    HM_TICKETS_30D,       /* tickets opened in the 30 days before */
    HM_RESOLUTION_HOURS,  /* median time to resolution of the tickets resolved in 90 days */
    HM_DAYS_SINCE_CSM,    /* days since the success team's last touchpoint */
    HM_MRR_TREND,         /* MRR change over 90 days, share of the MRR 90 days before */
    HM_CONTRACTION_90D,   /* 1 when MRR fell (not to 0) in the 90 days before */
    HM_DAYS_TO_RENEWAL,   /* days from then to the renewal date */
    HM_NR
};

struct health_measure_def {
    const char *name, *family, *unit, *help;
};
extern const struct health_measure_def health_measures_defs[HM_NR];
/* The measure named `name`, or -1. */
int health_measure_find(const char *name);

/* One account as of the instant: its measures (NAN when it has no data for one). */
struct health_row {
    int64_t account_id;
    const char *ext_id, *segment, *plan, *owner; /* NULL when unknown */
    bool customer; /* started and not churned at the instant: only customers are scored */
    double v[HM_NR];
};
struct health_data;
struct health_set {
    int64_t at;
    struct health_row *rows; /* by account id; strings borrowed from the data */
    size_t nr;
    struct health_data *own; /* the data health_measures read for it, freed with it */
};
/* The measures of every account of ws as of `at`, from what the store and the engine hold of
 * the time before it (docs/metrics.md says what has no history: seats, segment, plan, owner, a
 * ticket's status other than through its time to resolution). `account` non-zero: only that
 * account's row (none when it does not exist), read from its own rows only, and equal to its
 * row in the set of every account (no measure compares accounts). `e` may be NULL: no usage
 * measures. tz cuts the days of stored dates. *out is the caller's: health_set_release(). */
int health_measures(struct store *st, struct engine *e, int64_t ws, int64_t account,
                    const struct tz *tz, int64_t at, struct health_set *out, struct lf_err *err);
void health_set_release(struct health_set *s);
/* The same in two steps, for many instants over one reading of the store: the data (accounts,
 * MRR histories, responses, tickets, touchpoints) read once, the measures at each instant from
 * it. Sets made by health_measures_at borrow d's strings: free d after them. */
int health_data_load(struct store *st, int64_t ws, int64_t account, const struct tz *tz,
                     struct health_data **out, struct lf_err *err);
void health_data_free(struct health_data *d); /* NULL is a no-op */
int health_measures_at(const struct health_data *d, struct engine *e, int64_t at,
                       struct health_set *out, struct lf_err *err);
const struct health_row *health_set_find(const struct health_set *s, int64_t account_id);

/* ---- scorecards ---- */

#define HEALTH_ITEMS_MAX HM_NR
enum health_rule { HR_THRESHOLDS, HR_LINEAR };
/* One measure of a scorecard. Thresholds: the value is healthy (100 points) at `healthy` or
 * better, concerning (50) at `concerning` or better, else poor (0); better is higher when
 * healthy > concerning, lower when healthy < concerning. Linear: `zero` gives 0 points, `full`
 * 100, in between in proportion, beyond them 0 or 100. */
struct health_item {
    int measure;   /* enum health_measure */
    double weight; /* > 0 */
    int rule;      /* enum health_rule */
    double concerning, healthy; /* HR_THRESHOLDS */
    double zero, full;          /* HR_LINEAR */
};
struct health_scorecard {
    char name[64];
    int64_t version;        /* 0 for a built-in one */
    char segment[64], plan[64]; /* "" for any */
    int yellow, green;      /* red < yellow <= yellow band < green <= green band */
    struct health_item items[HEALTH_ITEMS_MAX];
    size_t items_nr;
};

/* Reads a scorecard from its JSON definition (docs/metrics.md shows the format). On a bad
 * definition: -1, err->field naming the field ("measures[2].weight"). */
int health_scorecard_parse(const char *json, struct health_scorecard *out, struct lf_err *err);
/* The definition of sc as JSON (what parse reads back). The caller frees it. */
char *health_scorecard_json(const struct health_scorecard *sc);
/* The built-in scorecards ("default", "engagement"), NULL after the last. */
const struct health_scorecard *health_builtin(size_t i);
const struct health_scorecard *health_builtin_find(const char *name);

/* The stored scorecards in force (the latest version of each name, unless retired). */
struct health_cards {
    struct health_scorecard *cards;
    size_t nr;
};
int health_cards_load(struct store *st, int64_t ws, struct health_cards *out, struct lf_err *err);
void health_cards_release(struct health_cards *c);
/* The scorecard named `name` (a stored one in force, else a built-in one), NULL when none. */
const struct health_scorecard *health_cards_find(const struct health_cards *c, const char *name);
/* The scorecard of account r when none is named: the stored one in force for its segment and
 * plan, else for its segment, else for its plan, else the stored "default" (without segment and
 * plan), else the built-in default. */
const struct health_scorecard *health_cards_pick(const struct health_cards *c,
                                                 const struct health_row *r);

/* One measure's part of a score. */
struct health_part {
    int measure;
    double value;     /* NAN: no data, left out */
    double points;    /* 0..100; NAN when left out */
    double weight;    /* the normalised weight among the measures used; 0 when left out */
    double loss;      /* weight × (100 − points): the points it cost the score */
};
/* The score of row r by sc: the weighted mean of the points of the measures with data (their
 * weights renormalised), rounded half up; parts in the scorecard's order. *score is -1 (no
 * score) when no measure has data or the account is not a customer. Returns the measures used. */
struct health_score {
    int score;            /* 0..100, -1: none */
    const char *band;     /* "red", "yellow", "green"; NULL without a score */
    size_t used, total;
    struct health_part parts[HEALTH_ITEMS_MAX];
};
void health_score(const struct health_scorecard *sc, const struct health_row *r,
                  struct health_score *out);
/* The band of a score by sc's cut points. */
const char *health_band(const struct health_scorecard *sc, int score);

/* ---- backtest: how well scores ranked what followed ---- */

/* Over n observations (a score 0..100 and whether the account churned within the horizon):
 * auc = the probability that a churner scored below a stayer, ties counting half (NAN without
 * both); churn by band (by sc's cut points); the bottom decile = the ceil(n / 10) lowest scores
 * (ties broken by their order in the input), its churn rate and its lift = that rate / the
 * overall rate (NAN when nobody churned). */
struct health_backtest {
    size_t n, churned;
    double auc;
    size_t band_n[3], band_churned[3]; /* red, yellow, green */
    size_t decile_n, decile_churned;
    double rate, decile_rate, lift;
};
void health_backtest_stats(const struct health_scorecard *sc, const int *scores,
                           const bool *churned, size_t n, struct health_backtest *out);

#endif
