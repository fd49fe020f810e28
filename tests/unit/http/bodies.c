/* bodies.c - Segment and PostHog bodies as the writer receives them: clock skew corrected as
 * Segment documents it, message ids, rejects by index, PostHog events as Segment calls. */
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

static struct ingest_batch *parse(int format, const char *call, const char *body, int64_t now)
{
    struct ingest_batch *b = NULL;
    struct lf_err err = {0};
    cr_assert_eq(ingest_batch_parse(format, call, body, strlen(body), now, &b, &err), 0, "%s",
                 err.msg);
    return b;
}

static const char *str(const struct ingest_batch *b, size_t i, const char *name)
{
    json_t *v = json_object_get(b->calls[i].obj, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

Test(segment, clock_skew)
{
    /* received at 00:10:00; the device's clock said 00:00:05 when it sent and 00:00:00 when the
     * event happened: it happened 5 s before receipt, at 00:09:55. */
    struct ingest_batch *b =
        parse(LF_INGEST_SEGMENT, "batch",
              "{\"sentAt\": \"2024-01-01T00:00:05Z\", \"batch\": ["
              "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
              "\"timestamp\": \"2024-01-01T00:00:00Z\"},"
              "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", "
              "\"timestamp\": \"2024-01-01T00:00:00Z\", \"sentAt\": \"2024-01-01T00:00:01Z\"},"
              "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}]}",
              at("2024-01-01T00:10:00Z"));
    cr_assert_eq(b->nr, 3);
    cr_assert_str_eq(str(b, 0, "timestamp"), "2024-01-01T00:09:55Z");
    /* the call's own sentAt wins over the batch's: 1 s before receipt */
    cr_assert_str_eq(str(b, 1, "timestamp"), "2024-01-01T00:09:59Z");
    /* no timestamp: it happened when it was received */
    cr_assert_str_eq(str(b, 2, "timestamp"), "2024-01-01T00:10:00Z");
    cr_assert_null(str(b, 0, "sentAt"));
    ingest_batch_free(b);

    /* without any sentAt the timestamp is trusted as it is */
    b = parse(LF_INGEST_SEGMENT, "track",
              "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2024-01-01T00:00:00.250Z\"}",
              at("2024-06-01"));
    cr_assert_eq(b->nr, 1);
    cr_assert_str_eq(str(b, 0, "type"), "track");
    cr_assert_str_eq(str(b, 0, "timestamp"), "2024-01-01T00:00:00.250Z");
    ingest_batch_free(b);
}

Test(segment, message_ids)
{
    const char *body = "{\"userId\": \"u\", \"event\": \"Signed Up\", "
                       "\"timestamp\": \"2024-01-01T00:00:00Z\"}";
    struct ingest_batch *b1 = parse(LF_INGEST_SEGMENT, "track", body, at("2024-01-02"));
    struct ingest_batch *b2 = parse(LF_INGEST_SEGMENT, "track", body, at("2024-01-03"));
    /* a retried body without messageId gets the same derived id, so it is stored once */
    cr_assert_not_null(str(b1, 0, "messageId"));
    cr_assert_str_eq(str(b1, 0, "messageId"), str(b2, 0, "messageId"));
    ingest_batch_free(b1);
    ingest_batch_free(b2);
    b1 = parse(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"m-1\"}", 0);
    cr_assert_str_eq(str(b1, 0, "messageId"), "m-1");
    ingest_batch_free(b1);
}

Test(segment, rejects_by_index)
{
    struct ingest_batch *b =
        parse(LF_INGEST_SEGMENT, "batch",
              "{\"writeKey\": \"k\", \"batch\": ["
              "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"ok\"},"
              "{\"type\": \"track\", \"event\": \"no user\"},"
              "{\"type\": \"track\", \"userId\": 42, \"event\": \"number\"},"
              "{\"type\": \"group\", \"userId\": \"u\"},"
              "{\"type\": \"alias\", \"userId\": \"u\"},"
              "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"t\", \"timestamp\": \"soon\"},"
              "{\"type\": \"identify\", \"anonymousId\": \"a\", \"traits\": []},"
              "7,"
              "{\"type\": \"page\", \"anonymousId\": \"a\", \"name\": \"Home\"}]}",
              0);
    cr_assert_str_eq(ingest_batch_key(b), "k");
    cr_assert_eq(ingest_batch_received(b), 9);
    cr_assert_eq(ingest_batch_valid(b), 2);
    cr_assert_eq(ingest_batch_rejects(b), 7);
    static const struct {
        size_t index;
        const char *field;
    } want[] = {{1, "userId"},    {2, "userId"}, {3, "groupId"}, {4, "type"},
                {5, "timestamp"}, {6, "traits"}, {7, NULL}};
    for (size_t i = 0; i < 7; i++) {
        size_t index;
        const char *field;
        struct lf_err why;
        ingest_batch_reject(b, i, &index, &field, &why);
        cr_assert_eq(index, want[i].index);
        cr_assert_eq(why.code, LF_EINVAL);
        if (want[i].field)
            cr_assert_str_eq(field, want[i].field, "item %zu: %s", index, why.msg);
        else
            cr_assert_null(field);
    }
    cr_assert_eq(b->calls[1].index, 8);
    ingest_batch_free(b);
}

Test(segment, bad_envelopes)
{
    struct ingest_batch *b;
    struct lf_err err = {0};
    static const char *const bodies[] = {"{\"batch\": [",   "[1, 2]",
                                         "{\"batch\": {}}", "{\"batch\": [], \"sentAt\": 5}",
                                         "\"text\"",        "{\"a\": 1, \"a\": 2}"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
        cr_assert_eq(ingest_batch_parse(LF_INGEST_SEGMENT, "batch", bodies[i], strlen(bodies[i]), 0,
                                        &b, &err),
                     -1, "%s", bodies[i]);
        cr_assert_eq(err.code, LF_EINVAL);
    }
    const char bad_utf8[] = "{\"userId\": \"\xc3\x28\", \"event\": \"e\"}";
    cr_assert_eq(
        ingest_batch_parse(LF_INGEST_SEGMENT, "track", bad_utf8, strlen(bad_utf8), 0, &b, &err),
        -1);
    cr_assert(strstr(err.msg, "not UTF-8: bad byte at offset 12"), "%s", err.msg);
}

Test(posthog, translation)
{
    struct ingest_batch *b =
        parse(LF_INGEST_POSTHOG, "batch",
              "{\"api_key\": \"phc\", \"sent_at\": \"2024-01-01T00:00:10Z\", \"batch\": ["
              "{\"event\": \"$identify\", \"distinct_id\": \"u1\", \"uuid\": \"id-1\", "
              "\"properties\": {\"$set\": {\"email\": \"a@b.co\"}}, "
              "\"timestamp\": \"2024-01-01T00:00:00Z\"},"
              "{\"event\": \"$groupidentify\", \"distinct_id\": \"$company_acme\", \"properties\": "
              "{\"$group_type\": \"company\", \"$group_key\": \"acme\", \"$group_set\": {\"name\": "
              "\"Acme\"}}},"
              "{\"event\": \"clicked\", \"distinct_id\": 7, \"properties\": {\"$groups\": "
              "{\"project\": \"p9\", \"company\": \"acme\"}, \"$set\": {\"name\": \"Seven\"}}},"
              "{\"event\": \"x\"}]}",
              at("2024-01-01T00:01:00Z"));
    cr_assert_str_eq(ingest_batch_key(b), "phc");
    cr_assert_eq(ingest_batch_received(b), 4);
    cr_assert_eq(b->nr, 4, "identify, group, track and the track's $set");
    cr_assert_str_eq(str(b, 0, "type"), "identify");
    cr_assert_str_eq(str(b, 0, "userId"), "u1");
    cr_assert_str_eq(str(b, 0, "messageId"), "id-1");
    /* sent 10 s after the event by the device's clock, received at 00:01:00 → 00:00:50 */
    cr_assert_str_eq(str(b, 0, "timestamp"), "2024-01-01T00:00:50Z");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(b->calls[0].obj, "traits"), "email")),
        "a@b.co");
    cr_assert_str_eq(str(b, 1, "type"), "group");
    cr_assert_str_eq(str(b, 1, "groupId"), "acme");
    cr_assert_null(str(b, 1, "userId"), "a $TYPE_KEY distinct id is no person");
    cr_assert_str_eq(str(b, 1, "anonymousId"), "$company_acme");
    cr_assert_str_eq(str(b, 2, "type"), "track");
    cr_assert_str_eq(str(b, 2, "userId"), "7", "numeric ids become strings");
    /* $groups: the company group is the account, whatever the order */
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(b->calls[2].obj, "context"), "groupId")),
        "acme");
    cr_assert_str_eq(str(b, 3, "type"), "identify");
    cr_assert_eq(b->calls[3].index, 2);
    cr_assert_eq(ingest_batch_rejects(b), 1);
    size_t index;
    const char *field;
    struct lf_err why;
    ingest_batch_reject(b, 0, &index, &field, &why);
    cr_assert_eq(index, 3);
    cr_assert_str_eq(field, "distinct_id");
    ingest_batch_free(b);

    /* a single event, the key in it */
    b = parse(LF_INGEST_POSTHOG, "capture",
              "{\"api_key\": \"k2\", \"event\": \"e\", \"distinct_id\": \"u\"}", 0);
    cr_assert_str_eq(ingest_batch_key(b), "k2");
    cr_assert_eq(b->nr, 1);
    ingest_batch_free(b);
}
