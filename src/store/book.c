/* book.c - the per-account reads of the portfolio beside the accounts: latest NPS and CSAT
 * scores, open tickets, and which accounts the change log says changed. */
#include "book.h"

#include <string.h>

#include "store_int.h"

static int scan_scores(struct store *st, struct sql *q, store_last_score_fn fn, void *ctx,
                       struct lf_err *err)
{
    int rc, ret = 0;
    while ((rc = sql_step(st, q, err)) == 1) {
        const char *kind = sql_text(st, q, 1);
        struct store_last_score s = {.account_id = sql_id(st, q, 0),
                                     .kind = kind && !strcmp(kind, "nps") ? SURVEY_NPS
                                                                          : SURVEY_CSAT,
                                     .score = (int)sql_int(st, q, 2),
                                     .ts = sql_int(st, q, 3)};
        if (fn(ctx, &s, err) < 0) {
            ret = -1;
            break;
        }
    }
    sql_free(st, q);
    return rc < 0 ? -1 : ret;
}

int store_book_scores(struct store *st, int64_t ws, int64_t account, store_last_score_fn fn,
                      void *ctx, struct lf_err *err)
{
    /* one account walks its slice of responses_account (account_id, ts) */
    struct sql *q =
        account ? sql_new(st, "SELECT r.account_id, s.kind, r.score, r.ts FROM responses r "
                              "JOIN surveys s ON s.id = r.survey_id WHERE r.account_id = ?2 "
                              "AND r.workspace_id = ?1 AND s.kind IN ('nps', 'csat') "
                              "ORDER BY r.ts, r.id", err)
                : sql_new(st, "SELECT r.account_id, s.kind, r.score, r.ts FROM responses r "
                              "JOIN surveys s ON s.id = r.survey_id WHERE r.workspace_id = ?1 "
                              "AND r.account_id IS NOT NULL AND s.kind IN ('nps', 'csat') "
                              "ORDER BY r.account_id, r.ts, r.id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (account)
        sql_bind_int(st, q, 2, account);
    return scan_scores(st, q, fn, ctx, err);
}

static int scan_counts(struct store *st, struct sql *q, store_count_fn fn, void *ctx,
                       struct lf_err *err)
{
    int rc, ret = 0;
    while ((rc = sql_step(st, q, err)) == 1)
        if (fn(ctx, sql_id(st, q, 0), sql_int(st, q, 1), err) < 0) {
            ret = -1;
            break;
        }
    sql_free(st, q);
    return rc < 0 ? -1 : ret;
}

int store_book_open_tickets(struct store *st, int64_t ws, int64_t account, store_count_fn fn,
                            void *ctx, struct lf_err *err)
{
    /* both read the partial index touchpoints_open (migration 005) */
    struct sql *q =
        account ? sql_new(st, "SELECT account_id, count(*) FROM touchpoints WHERE "
                              "workspace_id = ?1 AND account_id = ?2 AND status = 'open' "
                              "GROUP BY account_id", err)
                : sql_new(st, "SELECT account_id, count(*) FROM touchpoints WHERE "
                              "workspace_id = ?1 AND status = 'open' AND account_id IS NOT NULL "
                              "GROUP BY account_id", err);
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    if (account)
        sql_bind_int(st, q, 2, account);
    return scan_counts(st, q, fn, ctx, err);
}

int store_book_changed(struct store *st, int64_t ws, int64_t after, int64_t upto,
                       store_count_fn fn, void *ctx, bool *reset, struct lf_err *err)
{
    struct sql *q = sql_new(st, "SELECT DISTINCT coalesce(account_id, 0), resource FROM changes "
                                "WHERE workspace_id = ?1 AND seq > ?2 AND seq <= ?3", err);
    int rc, ret = 0;
    *reset = false;
    if (!q)
        return -1;
    sql_bind_int(st, q, 1, ws);
    sql_bind_int(st, q, 2, after);
    sql_bind_int(st, q, 3, upto);
    while ((rc = sql_step(st, q, err)) == 1) {
        int64_t account = sql_id(st, q, 0);
        if (sql_int(st, q, 1) == 0)
            *reset = true;
        else if (account && fn(ctx, account, 1, err) < 0) {
            ret = -1;
            break;
        }
    }
    sql_free(st, q);
    return rc < 0 ? -1 : ret;
}
