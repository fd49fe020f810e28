/* batch_check.h - the invariants of a parsed HTTP body, shared by the Segment and PostHog
 * targets: every item of the body is either rejected once or becomes calls (one; two for a
 * PostHog event with $set), and every call is a Segment call the writer can take. */
#ifndef FUZZ_BATCH_CHECK_H
#define FUZZ_BATCH_CHECK_H

#include "fuzz.h"

#include <jansson.h>

#include "base/time.h"
#include "ingest/batch_int.h"

/* 2024-06-01T00:00:00Z: when the bodies are received */
#define FUZZ_RECEIVED 1717200000000LL

static const char *const fuzz_call_types[] = {"track", "identify", "group", "page", "screen", NULL};

static inline void batch_check(const struct ingest_batch *b, size_t calls_per_item)
{
    size_t received = ingest_batch_received(b), valid = ingest_batch_valid(b),
           rejects = ingest_batch_rejects(b);
    unsigned char *seen = calloc(received ? received : 1, 1);
    fuzz_check(seen, "out of memory");
    for (size_t i = 0; i < rejects; i++) {
        size_t index;
        const char *field;
        struct lf_err why = {0};
        ingest_batch_reject(b, i, &index, &field, &why);
        fuzz_check(index < received, "reject of item %zu of %zu", index, received);
        fuzz_check(!seen[index], "item %zu rejected twice", index);
        fuzz_check(why.code == LF_EINVAL && why.msg[0], "a reject without a reason");
        seen[index] = 1;
    }
    for (size_t i = 0; i < valid; i++) {
        const struct call *c = &b->calls[i];
        fuzz_check(c->index < received, "call of item %zu of %zu", c->index, received);
        fuzz_check(seen[c->index] != 1, "item %zu both rejected and kept", c->index);
        seen[c->index] = seen[c->index] ? seen[c->index] + 1 : 2;
        fuzz_check(seen[c->index] - 1 <= calls_per_item, "item %zu gave %d calls", c->index,
                   seen[c->index] - 1);
        const char *type = json_string_value(json_object_get(c->obj, "type"));
        bool known = false;
        for (int k = 0; type && fuzz_call_types[k]; k++)
            known |= strcmp(type, fuzz_call_types[k]) == 0;
        fuzz_check(known, "a call of type '%s'", type ? type : "(none)");
        json_t *id = json_object_get(c->obj, "messageId");
        fuzz_check(json_is_string(id) && json_string_length(id) > 0, "a call without messageId");
        json_t *ts = json_object_get(c->obj, "timestamp");
        int64_t ms;
        const char *why = NULL;
        char iso[32];
        fuzz_check(json_is_string(ts) &&
                       time_parse(json_string_value(ts), json_string_length(ts), &ms, &why) == 0,
                   "a call whose timestamp does not parse");
        /* written by time_format_iso from an instant it can write exactly */
        time_format_iso(ms, iso);
        fuzz_check(strcmp(iso, json_string_value(ts)) == 0, "timestamp '%s' read back as '%s'",
                   json_string_value(ts), iso);
        fuzz_check(!json_object_get(c->obj, "sentAt"), "sentAt left in a call");
    }
    for (size_t i = 0; i < received; i++)
        fuzz_check(seen[i], "item %zu of %zu neither rejected nor kept", i, received);
    if (calls_per_item == 1)
        fuzz_check(valid + rejects == received, "%zu received, %zu valid, %zu rejected", received,
                   valid, rejects);
    free(seen);
}

/* Parses the body as `format` and `call`, and checks what came out. */
static inline void batch_run(int format, const char *call, const uint8_t *data, size_t size,
                             size_t calls_per_item)
{
    struct ingest_batch *b = NULL;
    struct lf_err err = {0};
    if (ingest_batch_parse(format, call, (const char *)data, size, FUZZ_RECEIVED, &b, &err) < 0) {
        fuzz_check(!b && err.code == LF_EINVAL && err.msg[0], "a refused body without a reason");
        return;
    }
    fuzz_check(b, "an accepted body without a batch");
    batch_check(b, calls_per_item);
    ingest_batch_free(b);
}

#endif
