/* store_sqlite_int.h - what the SQLite engine's files share: the connection and the row functions
 * that store_sqlite_rows.c adds to the function table. Included only by store_sqlite*.c. */
#ifndef STORE_STORE_SQLITE_INT_H
#define STORE_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store_int.h"

sqlite3 *store_sqlite_db(struct store *st);
/* Sets err to "'PATH': what: sqlite's message" and returns -1. */
int store_sqlite_fail(struct store *st, struct lf_err *err, const char *what);

int sqlite_rows_list(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct row_query *q, store_row_fn fn, void *ctx, struct lf_err *err);
int sqlite_row_get(struct store *st, int64_t ws, const struct resource_def *def,
                   const struct value *key, store_row_fn fn, void *ctx, struct lf_err *err);
int sqlite_row_write(struct store *st, int64_t ws, const struct resource_def *def,
                     const struct value *key, const struct value *values, const bool *given,
                     int mode, int64_t *id, enum store_change *change, struct lf_err *err);
int sqlite_row_delete(struct store *st, int64_t ws, const struct resource_def *def,
                      const struct value *key, const char *actor, const char *row_json,
                      struct lf_err *err);
int sqlite_account_mrr_sync(struct store *st, int64_t account_id, struct lf_err *err);

#endif
