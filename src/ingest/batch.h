/* batch.h - Segment and PostHog HTTP bodies: checked on the request's thread, written by the
 * writer's. A body becomes a list of Segment-shaped calls (PostHog events are translated), each
 * with a corrected timestamp and a message id, which segment.c maps onto the store. */
#ifndef INGEST_BATCH_H
#define INGEST_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "landfall.h"
#include "store/store.h"

struct ingest_batch;

/* Parses a body (format and call as lf_ingest_parse of landfall.h) received at received_ms.
 * Returns 0 and *out (the caller's: ingest_batch_free()) when the envelope is well-formed, its
 * bad items recorded as rejects; -1 with LF_EINVAL when the body is not JSON or not the
 * expected shape (err names the field). */
int ingest_batch_parse(int format, const char *call, const char *body, size_t len,
                       int64_t received_ms, struct ingest_batch **out, struct lf_err *err);
void ingest_batch_free(struct ingest_batch *b); /* NULL is a no-op */

/* The key the body carries, or NULL; borrowed from b. */
const char *ingest_batch_key(const struct ingest_batch *b);
size_t ingest_batch_received(const struct ingest_batch *b); /* items in the body */
size_t ingest_batch_valid(const struct ingest_batch *b);    /* calls left to write */

/* Rejected items: index in the body, the field at fault (or NULL) and why. Borrowed. */
size_t ingest_batch_rejects(const struct ingest_batch *b);
void ingest_batch_reject(const struct ingest_batch *b, size_t i, size_t *index, const char **field,
                         struct lf_err *why);

/* The writer's state for one transaction: caches of resolved ids, valid until the transaction
 * ends (a rollback or another process may change what they hold). */
struct ingest_writer;

struct ingest_writer *ingest_writer_new(struct store *st, int64_t ws, int64_t now);
void ingest_writer_free(struct ingest_writer *w); /* NULL is a no-op */

/* Writes b's valid calls inside the caller's transaction. A call the store refuses as invalid
 * becomes a reject of b. Adds to *inserted (new events), *duplicates (events already stored)
 * and *written (calls written). Returns -1 with err only when the store failed: the caller
 * then rolls the transaction back. */
int ingest_writer_apply(struct ingest_writer *w, struct ingest_batch *b, size_t *inserted,
                        size_t *duplicates, size_t *written, struct lf_err *err);

#endif
