/* demo.h - generating a realistic business (B2B SaaS accounts and a B2C slice) into a store.
 *
 * The generating model (latent engagement, onboarding, champions, tickets, surveys, the churn
 * hazard and its coefficients) is documented in docs/demo-data.md. The output depends only on
 * the options: the same seed, size, history and end give the same rows, byte for byte. */
#ifndef DEMO_DEMO_H
#define DEMO_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "landfall.h"
#include "store/store.h"

#define DEMO_DEFAULT_ACCOUNTS 600
#define DEMO_MAX_ACCOUNTS 10000000
#define DEMO_DEFAULT_MONTHS 18
#define DEMO_MIN_MONTHS 12
#define DEMO_MAX_MONTHS 120
#define DEMO_BATCH 1000 /* accounts written per transaction */

/* Fills in the defaults of *o (accounts, months, end = now) and checks the ranges.
 * Returns 0, or -1 with err set (LF_EUSAGE) for a value out of range. */
int demo_opts_resolve(struct lf_demo_opts *o, struct lf_err *err);

#define DEMO_LOOP_DAYS 120 /* the closed loop runs for the last 120 days of the history */

/* A follow-up of the closed loop (docs/surveys.md) as the demo's history holds it: opened when
 * its response came, maybe closed by the account's owner. */
struct demo_followup {
    int64_t response_id; /* the store's */
    int64_t opened_at;   /* the response's time */
    int64_t closed_at;   /* 0 while open */
    const char *outcome; /* "done" or "dismissed"; NULL while open */
    const char *note;    /* the task's note, NULL none */
};

/* Where the generator writes: write transactions it begins and commits (the caller publishes
 * each commit's changes), and the closed loop the workspace runs (both NULL: none). */
struct demo_sink {
    int (*begin)(void *ctx, struct store **st, struct lf_err *err);
    int (*commit)(void *ctx, struct lf_err *err);
    void (*abort)(void *ctx);
    /* Whether the workspace's rules follow up a response to survey `survey` ("nps", "csat",
     * "ces") with this score and comment (NULL none), as they will once it is stored. */
    bool (*follows)(void *ctx, const char *survey, int score, const char *comment);
    /* Opens follow-up f (and closes it, with its outcome) inside st's transaction, which
     * begins after the commit of f's response. */
    int (*followup)(void *ctx, struct store *st, const struct demo_followup *f, struct lf_err *err);
    void *ctx;
};

/* Generates o->accounts accounts with their contacts, MRR history, events, touchpoints,
 * responses and orders into workspace ws, which the caller has emptied; `o` must have been
 * resolved. Commits every DEMO_BATCH accounts, so memory stays flat; on failure the batch in
 * progress is rolled back and the batches committed before it stay. *out counts the rows
 * written. Returns 0, or -1 with err set. */
int demo_generate(const struct demo_sink *sink, int64_t ws, const struct lf_demo_opts *o,
                  struct lf_demo_result *out, struct lf_err *err);

#endif
