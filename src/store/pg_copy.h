/* pg_copy.h - the PostgreSQL engine's bulk paths (pg_copy.c), which store_pg.c calls with its
 * connection: many rows of one shape through COPY. Only the PostgreSQL engine's files see it. */
#ifndef STORE_PG_COPY_H
#define STORE_PG_COPY_H

#include "store_int.h"

struct pg_conn; /* libpq's PGconn */

/* Writes b's rows in the open transaction: COPY straight into the table, or, with
 * b->skip_known, COPY into a temporary table of the same columns and one INSERT … SELECT … ON
 * CONFLICT DO NOTHING RETURNING the key columns, in the rows' order, which tells b->inserted.
 * -1 with err (LF_ECONFLICT for a constraint) when PostgreSQL refused: roll back. */
int pg_copy_insert(struct pg_conn *conn, const struct store_bulk *b, struct lf_err *err);

#endif
