/* batch.c - HTTP bodies whose times cannot be written back: a PostHog offset or a Segment clock
 * skew that moves an event out of the years 0000..9999 rejects that item (the offset was
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

Test(posthog, offset_within_and_beyond_the_years)
{
    /* received 2024-06-01T00:00:00Z; offsets are ms before that: 1500 is 23:59:58.500 the day
     * before; the smallest int64 would be 292 million years later (and overflowed); the
     * largest, that many years before */
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
    rejected(b, 0, 1, "offset", "'offset' puts the event outside the years 0000 to 9999");
    rejected(b, 1, 2, "offset", "'offset' puts the event outside the years 0000 to 9999");
    ingest_batch_free(b);
}

Test(posthog, offset_at_the_edges_of_the_years)
{
    /* received 2024-06-01 = 1717200000000 ms; TIME_MIN_MS = -62167219200000 (0000-01-01):
     * offset 1717200000000 + 62167219200000 lands exactly on 0000-01-01, one more is before */
    struct ingest_batch *b =
        parse(LF_INGEST_POSTHOG,
              "[{\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 63884419200000},"
              " {\"event\": \"e\", \"distinct_id\": \"d\", \"offset\": 63884419200001}]",
              at("2024-06-01T00:00:00Z"));
    cr_assert_eq(ingest_batch_valid(b), 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "0000-01-01T00:00:00Z");
    cr_assert_eq(ingest_batch_rejects(b), 1);
    rejected(b, 0, 1, "offset", "'offset' puts the event outside the years 0000 to 9999");
    ingest_batch_free(b);
}

Test(segment, skew_beyond_the_years)
{
    /* the device says it sent at 2000-01-01 what happened at 9999-12-31: received 24 years
     * later, the event would be in 10023 (written back before as 9999-…, a wrong day) */
    struct ingest_batch *b = parse(
        LF_INGEST_SEGMENT,
        "{\"sentAt\": \"2000-01-01T00:00:00Z\", \"batch\": ["
        "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
        "\"timestamp\": \"9999-12-31T00:00:00Z\"},"
        "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
        "\"timestamp\": \"9999-12-31T23:59:59.999Z\", \"sentAt\": \"2024-06-01T00:00:00Z\"}]}",
        at("2024-06-01T00:00:00Z"));
    cr_assert_eq(ingest_batch_valid(b), 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "9999-12-31T23:59:59.999Z",
                     "no skew (sentAt is the receipt): the last instant that can be written");
    cr_assert_eq(ingest_batch_rejects(b), 1);
    rejected(b, 0, 0, "timestamp",
             "the timestamp corrected by sentAt falls outside the years 0000 to 9999");
    ingest_batch_free(b);
}
