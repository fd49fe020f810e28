/* batch.c - the times of HTTP bodies: a PostHog offset or a Segment clock skew that moves an
 * event before 1970 or more than a day after its receipt rejects that item (the offset was once
 * subtracted without a check, a signed overflow for a large one: seen while writing
 * fuzz/fuzz_posthog.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "base/time.h"
#include "ingest/batch_int.h"

static int64_t at(const char *iso)
{
    int64_t ms;
    const char *why;
    cr_assert_eq(time_parse(iso, strlen(iso), &ms, &why), 0);
    return ms;
}

static struct ingest_batch *parse(int format, const char *body, int64_t now)
{
    struct ingest_batch *b = NULL;
    struct lf_err err = {0};
    cr_assert_eq(ingest_batch_parse(format, "batch", body, strlen(body), now, &b, &err), 0, "%s",
                 err.msg);
    return b;
}

static const char *str(const struct ingest_batch *b, size_t i, const char *name)
{
    json_t *v = json_object_get(b->calls[i].obj, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void rejected(const struct ingest_batch *b, size_t i, size_t index, const char *field,
                     const char *msg)
{
    size_t got;
    const char *f;
    struct lf_err why = {0};
    ingest_batch_reject(b, i, &got, &f, &why);
    cr_assert_eq(got, index);
    cr_assert_str_eq(f ? f : "(none)", field);
    cr_assert_str_eq(why.msg, msg);
}

Test(posthog, offset_within_and_beyond_the_epoch)
{
    /* received 2024-06-01T00:00:00Z; offsets are ms before that: 1500 is 23:59:58.500 the day
     * before; a negative offset is no offset; the largest int64 is 292 million years before
     * (and was once subtracted without a check, a signed overflow) */
    struct ingest_batch *b =
        parse(LF_INGEST_POSTHOG,
              "[{\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 1500},"
              " {\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": -9223372036854775808},"
              " {\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 9223372036854775807}]",
              at("2024-06-01T00:00:00Z"));
    cr_assert_eq(ingest_batch_received(b), 3);
    cr_assert_eq(ingest_batch_valid(b), 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "2024-05-31T23:59:58.500Z");
    cr_assert_eq(ingest_batch_rejects(b), 2);
    rejected(b, 0, 1, "offset", "'offset' must be a whole number of ms >= 0");
    rejected(b, 1, 2, "offset", "'offset' puts the event before 1970-01-01");
    ingest_batch_free(b);
}

Test(posthog, offset_at_the_epoch)
{
    /* received 2024-06-01 = 1717200000000 ms: that offset lands exactly on 1970-01-01, one
     * more is before it */
    struct ingest_batch *b =
        parse(LF_INGEST_POSTHOG,
              "[{\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 1717200000000},"
              " {\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 1717200000001}]",
              at("2024-06-01T00:00:00Z"));
    cr_assert_eq(ingest_batch_valid(b), 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "1970-01-01T00:00:00Z");
    cr_assert_eq(ingest_batch_rejects(b), 1);
    rejected(b, 0, 1, "offset", "'offset' puts the event before 1970-01-01");
    ingest_batch_free(b);
}

Test(segment, skew_beyond_a_day_ahead)
{
    /* the device says it sent at 2000-01-01 what happened at 2000-01-02: received in 2024, the
     * corrected time is 2024-06-02, a day after receipt and still taken; a device whose
     * corrected time is later is refused, as is one without sentAt that claims 9999 */
    struct ingest_batch *b = parse(
        LF_INGEST_SEGMENT,
        "{\"sentAt\": \"2000-01-01T00:00:00Z\", \"batch\": ["
        "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
        "\"timestamp\": \"2000-01-02T00:00:00Z\"},"
        "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
        "\"timestamp\": \"2000-01-02T00:00:00.001Z\"},"
        "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
        "\"timestamp\": \"9999-12-31T23:59:59.999Z\", \"sentAt\": null}]}",
        at("2024-06-01T00:00:00Z"));
    cr_assert_eq(ingest_batch_valid(b), 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "2024-06-02T00:00:00Z");
    cr_assert_eq(ingest_batch_rejects(b), 2);
    rejected(b, 0, 1, "timestamp",
             "'timestamp' is 2024-06-02T00:00:00.001Z, more than a day after the moment it was "
             "received (after the clock-skew correction)");
    ingest_batch_free(b);
}
