/* book.h - what the portfolio (the `book` metric) reads per account beside the accounts
 * themselves, without scanning every response and touchpoint: the latest NPS and CSAT score
 * and the open tickets, for every account of a workspace or for one. */
#ifndef STORE_BOOK_H
#define STORE_BOOK_H

#include "store.h"

struct store_last_score {
    int64_t account_id;
    int kind; /* SURVEY_NPS or SURVEY_CSAT */
    int score;
    int64_t ts;
};
typedef int (*store_last_score_fn)(void *ctx, const struct store_last_score *s,
                                   struct lf_err *err);
/* Every NPS and CSAT response (of a survey of that kind) of accounts of ws, or of account
 * `account` (0: all), by account then time: the last of an account and kind is its latest. */
int store_book_scores(struct store *st, int64_t ws, int64_t account, store_last_score_fn fn,
                      void *ctx, struct lf_err *err);

typedef int (*store_count_fn)(void *ctx, int64_t account_id, int64_t n, struct lf_err *err);
/* The open tickets (touchpoints with status open) per account of ws, or of account `account`
 * (0: all); accounts without any are not called. */
int store_book_open_tickets(struct store *st, int64_t ws, int64_t account, store_count_fn fn,
                            void *ctx, struct lf_err *err);

/* The accounts whose rows changed (in the change log) after seq `after` up to `upto`; *reset
 * tells that the workspace was reset meanwhile (everything changed). fn gets each account id
 * once or more. */
int store_book_changed(struct store *st, int64_t ws, int64_t after, int64_t upto,
                       store_count_fn fn, void *ctx, bool *reset, struct lf_err *err);

#endif
