/* batch_int.h - the insides of an HTTP batch, shared by batch.c (Segment) and posthog.c. */
#ifndef INGEST_BATCH_INT_H
#define INGEST_BATCH_INT_H

#include <jansson.h>

#include "batch.h"

/* One Segment-shaped call left to write: obj is an owned reference. An optional call that the
 * store refuses is dropped without rejecting its item (PostHog's merge of an anonymous id
 * that is another person's already, which PostHog skips too). */
struct call {
    size_t index;
    json_t *obj;
    bool optional;
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

/* How far past its receipt an event or a creation may lie (a clock a day ahead is broken).
 * The other limits of an item are the store's definitions (model/resource.c). */
#define INGEST_AHEAD_MS 86400000LL

/* Records item `index` as rejected, once: `field` (may be NULL) and why->msg. A second reject
 * of the same item is dropped, so that the rejects count items, not calls. */
void batch_reject(struct ingest_batch *b, size_t index, const char *field,
                  const struct lf_err *why);
/* Adds `call` (a reference the batch takes) as item index's call to write. */
void batch_add_call(struct ingest_batch *b, size_t index, json_t *call, bool optional);

/* Checks the Segment call obj (borrowed) of `type` (NULL: its own "type") completely, as the
 * store will read it: ids, names, times, traits and their sizes. Returns 0 and *out, a new
 * reference to obj made ready for the writer in place (type set, a message id derived when it
 * has none, the timestamp corrected for the sender's clock skew with sent_at (LF_UNSET when
 * unknown) and received, and bounded to 1970 .. received + a day); or -1 with err,
 * err->field naming the member at fault, and obj untouched. */
int batch_segment_call(json_t *obj, const char *type, int64_t sent_at, int64_t received,
                       json_t **out, struct lf_err *err);
/* batch_segment_call, and the call added to b as item index's; or the item rejected. */
void batch_add_segment(struct ingest_batch *b, size_t index, json_t *obj, const char *type,
                       int64_t sent_at, int64_t received);

/* An optional time member of obj: 0 and *out (LF_UNSET when absent or null), or -1 with err. */
int batch_time(json_t *obj, const char *name, int64_t *out, struct lf_err *err);

/* Fills b from a PostHog body (posthog.c); call is "capture", "batch" or "engage". Returns -1
 * with LF_EINVAL for a bad envelope. */
int posthog_parse(struct ingest_batch *b, const char *call, json_t *root, int64_t received,
                  struct lf_err *err);

#endif
