/* batch_int.h - the insides of an HTTP batch, shared by batch.c (Segment) and posthog.c. */
#ifndef INGEST_BATCH_INT_H
#define INGEST_BATCH_INT_H

#include <jansson.h>

#include "batch.h"

/* One Segment-shaped call left to write: obj is an owned reference. */
struct call {
    size_t index;
    json_t *obj;
};

struct reject {
    size_t index;
    int code;
    char field[64];
    char msg[sizeof(((struct lf_err *)0)->msg)];
};

struct ingest_batch {
    json_t *root;
    char *key; /* owned */
    size_t received;
    struct call *calls;
    size_t nr, cap;
    struct reject *rejects;
    size_t rejects_nr, rejects_cap;
    size_t parse_rejects; /* rejects found by the parse; the writer's come after them */
};

/* Records item `index` as rejected: `field` (may be NULL) and why->msg. */
void batch_reject(struct ingest_batch *b, size_t index, const char *field,
                  const struct lf_err *why);

/* Checks the Segment call obj (a borrowed reference) of `type` (NULL: its own "type"), gives it
 * a message id when it has none, corrects its timestamp for the sender's clock skew with
 * sent_at (LF_UNSET when unknown) and received, and adds it to b; or rejects it. */
void batch_add_segment(struct ingest_batch *b, size_t index, json_t *obj, const char *type,
                       int64_t sent_at, int64_t received);

/* An optional time member of obj: 0 and *out (LF_UNSET when absent or null), or -1 with err. */
int batch_time(json_t *obj, const char *name, int64_t *out, struct lf_err *err);

/* Fills b from a PostHog body (posthog.c). Returns -1 with LF_EINVAL for a bad envelope. */
int posthog_parse(struct ingest_batch *b, json_t *root, int64_t received, struct lf_err *err);

#endif
