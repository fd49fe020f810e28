/* churn_features.h - the churn model's features of a workspace's accounts, as of snapshot dates:
 * one row per (account, date) for every account paying on that date, its features computed from
 * what happened before the date only, its label from what happened after.
 *
 * The features (docs/churn.md lists them with their definitions): commercial (tenure, MRR, its
 * 90-day change, a contraction in 90 days, seats, segment and plan one-hot), usage from the
 * analytics engine over the 30 days before the date (active users, DAU, stickiness, events,
 * breadth, depth, seat utilisation, days since last seen, usage trend) and their changes against
 * the 30 days ending 30 and 90 days earlier, experience (last NPS and a detractor in 90 days,
 * CSAT, responses), support (tickets in 30 and 90 days, open tickets, resolution time) and
 * relationship (champion changes in 90 days, days since a check-in, the people present, their
 * share active, whether the champion left unreplaced), the last NPS wave and the last CES
 * answer. Each has a description template for its drivers.
 *
 * A row is an account paying just before the date (its last MRR change before the date is above
 * 0, and it started before the date). Label: 1 when its MRR went to 0 in [date, date + horizon),
 * 0 when it did not and date + horizon <= now, NaN when the horizon has not passed yet (such rows
 * are scored only). Nothing at or after `now` is read. */
#ifndef CS_CHURN_FEATURES_H
#define CS_CHURN_FEATURES_H

#include "base/tz.h"
#include "cs/churn.h"
#include "engine/engine.h"
#include "store/store.h"

struct churn_features_opts {
    const int64_t *dates; /* the snapshot dates, ms (any order) */
    size_t dates_nr;
    int64_t horizon_ms;       /* the label's horizon */
    int64_t now;              /* the end of what is known: nothing at or after it is read */
    int64_t account;          /* one store account, or 0 for all */
    const struct tz *tz;      /* the workspace's zone: stored dates are its local dates */
    const char *const *names; /* the columns to build (a stored model's, in its order), or NULL
                               * for every feature, the one-hot ones for the values present.
                               * A named column that is not a feature stays missing; a one-hot
                               * column of a value no account holds is 0 */
    size_t names_nr;
};

/* The snapshot dates of `landfall churn train` and its backtest: the month starts (in tz) of
 * the last n months up to now's (now's own when now is past it), newest first; the caller
 * frees. */
int64_t *churn_snapshot_dates(const struct tz *tz, int64_t now, int n);

/* Builds the rows of every paying account at every date into *out (the caller's:
 * churn_matrix_release()); entity i is out->keys[i], the account's external id. Reads the store
 * through st (accounts, MRR history, responses, touchpoints) and usage through e. */
int churn_features_build(struct store *st, int64_t ws, struct engine *e,
                         const struct churn_features_opts *o, struct churn_matrix *out,
                         struct lf_err *err);

/* The feature table, for the docs and the tests: name and description templates of feature
 * i < churn_features_nr (one-hot features are "segment=VALUE" and "plan=VALUE"). */
extern const size_t churn_features_nr;
const struct driver_text *churn_feature(size_t i);

#endif
