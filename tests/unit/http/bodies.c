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
    } want[] = {{1, "userId"},    {2, "userId"}, {3, "groupId"}, {4, "previousId"},
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

/* The reject of a batch with one item, its field and message. */
static void only_reject(const struct ingest_batch *b, const char *field, const char *msg_part)
{
    size_t index;
    const char *f;
    struct lf_err why;
    cr_assert_eq(ingest_batch_rejects(b), 1);
    cr_assert_eq(ingest_batch_valid(b), 0, "nothing of a rejected item is left to write");
    ingest_batch_reject(b, 0, &index, &f, &why);
    cr_assert_str_eq(f ? f : "(none)", field, "%s", why.msg);
    if (msg_part)
        cr_assert(strstr(why.msg, msg_part), "'%s' in '%s'", msg_part, why.msg);
}

static void reject_one(int format, const char *call, const char *body, int64_t now,
                       const char *field, const char *msg_part)
{
    struct ingest_batch *b = parse(format, call, body, now);
    only_reject(b, field, msg_part);
    ingest_batch_free(b);
}

static void accept_one(int format, const char *call, const char *body, int64_t now)
{
    struct ingest_batch *b = parse(format, call, body, now);
    size_t index;
    const char *f;
    struct lf_err why = {0};
    if (ingest_batch_rejects(b))
        ingest_batch_reject(b, 0, &index, &f, &why);
    cr_assert_eq(ingest_batch_rejects(b), 0, "%s: %s", body, why.msg);
    ingest_batch_free(b);
}

Test(segment, limits)
{
    char body[2048], name[300];
    int64_t now = at("2026-06-01T00:00:00Z");
    memset(name, 'n', sizeof(name));
    /* the store's limits (model/resource.c): 256 bytes for an event name and for an id */
    snprintf(body, sizeof(body), "{\"userId\": \"u\", \"event\": \"%.256s\"}", name);
    accept_one(LF_INGEST_SEGMENT, "track", body, now);
    snprintf(body, sizeof(body), "{\"userId\": \"u\", \"event\": \"%.257s\"}", name);
    reject_one(LF_INGEST_SEGMENT, "track", body, now, "event",
               "'event' is 257 bytes, over its limit of 256");
    snprintf(body, sizeof(body), "{\"userId\": \"%.256s\", \"event\": \"e\"}", name);
    accept_one(LF_INGEST_SEGMENT, "track", body, now);
    snprintf(body, sizeof(body), "{\"anonymousId\": \"%.257s\", \"event\": \"e\"}", name);
    reject_one(LF_INGEST_SEGMENT, "track", body, now, "anonymousId", NULL);
    snprintf(body, sizeof(body), "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"%.257s\"}",
             name);
    reject_one(LF_INGEST_SEGMENT, "track", body, now, "messageId", NULL);
    snprintf(body, sizeof(body),
             "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"account_id\": \"%.257s\"}}",
             name);
    reject_one(LF_INGEST_SEGMENT, "track", body, now, "properties.account_id", NULL);
    snprintf(body, sizeof(body), "{\"userId\": \"u\", \"traits\": {\"groupId\": \"%.257s\"}}",
             name);
    reject_one(LF_INGEST_SEGMENT, "identify", body, now, "traits.groupId", NULL);
    snprintf(body, sizeof(body), "{\"userId\": \"u\", \"groupId\": \"%.257s\"}", name);
    reject_one(LF_INGEST_SEGMENT, "group", body, now, "groupId", NULL);
    /* account ids inside properties and traits may be whole numbers, as before */
    accept_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"account_id\": 42}}", now);
    /* text traits: 1024 bytes; a name made of first and last names counts whole */
    char *big = malloc(70000);
    memset(big, 'a', 70000);
    snprintf(body, sizeof(body),
             "{\"userId\": \"u\", \"traits\": {\"firstName\": \"%.600s\", "
             "\"lastName\": \"%.423s\"}}",
             big, big);
    accept_one(LF_INGEST_SEGMENT, "identify", body, now); /* 600 + 1 + 423 = 1024 */
    snprintf(body, sizeof(body),
             "{\"userId\": \"u\", \"traits\": {\"firstName\": \"%.600s\", "
             "\"lastName\": \"%.424s\"}}",
             big, big);
    reject_one(LF_INGEST_SEGMENT, "identify", body, now, "traits.lastName", "over 1024 bytes");
    /* properties as compact JSON: {"b":"…"} is 8 bytes around the string; 64 KiB in all */
    size_t n = 65536 - 8;
    for (int extra = 0; extra <= 1; extra++) {
        int len =
            snprintf(big, 200, "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"b\": \"");
        memset(big + len, 'x', n + (size_t)extra);
        snprintf(big + len + n + (size_t)extra, 8, "\"}}");
        if (extra)
            reject_one(LF_INGEST_SEGMENT, "track", big, now, "properties", "65537 bytes");
        else
            accept_one(LF_INGEST_SEGMENT, "track", big, now);
    }
    free(big);
}

Test(segment, times)
{
    int64_t now = at("2026-06-01T00:00:00Z");
    accept_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2026-06-01T23:59:59Z\"}",
               now);
    reject_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2026-06-02T00:00:01Z\"}",
               now, "timestamp", "more than a day after");
    reject_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"0001-01-01T00:00:00Z\"}",
               now, "timestamp", "before 1970");
    accept_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"1970-01-01T00:00:00Z\"}",
               now);
    /* happened at 2026-05-31T00:00 by a device whose clock said 2020-01-01 when it sent: the
     * correction puts it at 2026-05-31 + (2026-06-01 - 2020-01-01), years ahead */
    reject_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2026-05-31T00:00:00Z\", "
               "\"sentAt\": \"2020-01-01T00:00:00Z\"}",
               now, "timestamp", "clock-skew correction");
    /* and the reverse: a clock years behind lands right */
    accept_one(LF_INGEST_SEGMENT, "track",
               "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2020-01-01T00:00:00Z\", "
               "\"sentAt\": \"2020-01-01T00:00:05Z\"}",
               now);
    /* trait times: a creation no later than a day ahead, a renewal within a century */
    reject_one(LF_INGEST_SEGMENT, "identify",
               "{\"userId\": \"u\", \"traits\": {\"createdAt\": \"9999-12-31\"}}", now,
               "traits.createdAt", NULL);
    accept_one(
        LF_INGEST_SEGMENT, "group",
        "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"renewal_date\": \"2099-12-31\"}}",
        now);
    reject_one(
        LF_INGEST_SEGMENT, "group",
        "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"renewal_date\": \"9999-12-31\"}}",
        now, "traits.renewal_date", "2199-12-31"); /* the store's own bound */
    reject_one(
        LF_INGEST_SEGMENT, "group",
        "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"renewal_date\": \"2150-01-01\"}}",
        now, "traits.renewal_date", "100 years"); /* the product's, stricter */
}

/* What the store reads from traits and properties is checked as the store would read it. */
Test(segment, traits)
{
    static const struct {
        const char *call, *body, *field; /* field NULL: accepted */
    } cases[] = {
        {"identify", "{\"userId\": \"u\", \"traits\": {\"email\": \"a@b.co\", \"name\": \"A\"}}",
         NULL},
        {"identify", "{\"userId\": \"u\", \"traits\": {\"email\": \"a b@c\"}}", "traits.email"},
        {"identify", "{\"userId\": \"u\", \"traits\": {\"email\": 5}}", "traits.email"},
        {"identify", "{\"userId\": \"u\", \"traits\": {\"role\": [\"x\"]}}", "traits.role"},
        {"identify", "{\"userId\": \"u\", \"traits\": {\"created_at\": \"soon\"}}",
         "traits.created_at"},
        {"identify", "{\"anonymousId\": \"a\", \"traits\": {}}", "userId"},
        {"identify", "{\"userId\": \"u\", \"context\": {\"groupId\": {}}}", "context.groupId"},
        {"group",
         "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": 99.5, \"seats\": \"3\"}}",
         NULL},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": 1e20}}",
         "traits.mrr"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": \"5.001\"}}",
         "traits.mrr"},
        {"group",
         "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": \"5.001\", \"currency\": "
         "\"BHD\"}}",
         NULL},
        {"group",
         "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": \"5.5\", \"currency\": "
         "\"JPY\"}}",
         "traits.mrr"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"mrr\": \"-1\"}}",
         "traits.mrr"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"currency\": \"EURO\"}}",
         "traits.currency"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"seats\": -2}}",
         "traits.seats"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"seats\": true}}",
         "traits.seats"},
        {"group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"createdAt\": \"x\"}}",
         "traits.createdAt"},
        {"track", "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"value\": \"3.5\"}}",
         NULL},
        {"track", "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"value\": \"NaN\"}}",
         "properties.value"},
        {"page", "{\"userId\": \"u\", \"properties\": {\"revenue\": {}}}", "properties.revenue"},
        {"track", "{\"userId\": \"u\", \"event\": \"e\", \"receivedAt\": {}}", NULL},
    };
    int64_t now = at("2026-06-01T00:00:00Z");
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        if (cases[i].field)
            reject_one(LF_INGEST_SEGMENT, cases[i].call, cases[i].body, now, cases[i].field, NULL);
        else
            accept_one(LF_INGEST_SEGMENT, cases[i].call, cases[i].body, now);
    }
    /* a member the writer would read as a fallback for the time is gone from the call */
    struct ingest_batch *b =
        parse(LF_INGEST_SEGMENT, "track",
              "{\"userId\": \"u\", \"event\": \"e\", \"receivedAt\": {}}", now);
    cr_assert_null(json_object_get(b->calls[0].obj, "receivedAt"));
    ingest_batch_free(b);
}

Test(batch, one_reject_per_item)
{
    struct ingest_batch b = {0};
    struct lf_err why = {.code = LF_EINVAL, .msg = "first"};
    batch_reject(&b, 3, "a", &why);
    snprintf(why.msg, sizeof(why.msg), "second");
    batch_reject(&b, 3, "b", &why); /* another call of item 3: still one rejected item */
    batch_reject(&b, 4, NULL, &why);
    cr_assert_eq(b.rejects_nr, 2);
    cr_assert_str_eq(b.rejects[0].msg, "first");
    free(b.rejects);
}

/* PostHog events stand or fall whole, named as the client wrote them. */
Test(posthog, whole_events)
{
    int64_t now = at("2026-06-01T00:00:00Z");
    static const struct {
        const char *body, *field, *msg;
    } bad[] = {
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"$set\": {\"email\": "
         "\"x\"}}}",
         "properties.$set.email", "properties.$set.email: 'x' is not an email address"},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"$set\": {\"email\": \"x\"}}", "$set.email",
         NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"$set\": []}}",
         "properties.$set", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"$set_once\": "
         "{\"created_at\": "
         "\"9999-01-01\"}}}",
         "properties.$set_once.created_at", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"$groups\": {\"company\": "
         "1.5}}}",
         "properties.$groups.company", NULL},
        {"{\"event\": \"$identify\", \"distinct_id\": \"u\", \"properties\": {\"$set\": "
         "{\"createdAt\": "
         "\"9999-01-01\"}}}",
         "properties.$set.createdAt", NULL},
        {"{\"event\": \"$groupidentify\", \"distinct_id\": \"u\", \"properties\": {\"$group_key\": "
         "\"k\", \"$group_set\": {\"seats\": \"x\"}}}",
         "properties.$group_set.seats", NULL},
        {"{\"event\": \"$groupidentify\", \"distinct_id\": \"u\", \"properties\": {\"$group_key\": "
         "{}}}",
         "properties.$group_key", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"uuid\": 7}", "uuid", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"offset\": -5}", "offset", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"timestamp\": \"3000-01-01T00:00:00Z\"}",
         "timestamp", NULL},
        {"{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": {\"value\": \"many\"}}",
         "properties.value", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        reject_one(LF_INGEST_POSTHOG, "capture", bad[i].body, now, bad[i].field, bad[i].msg);

    /* a good event and a bad one: the good one's two calls, none of the bad one's */
    struct ingest_batch *b = parse(LF_INGEST_POSTHOG, "batch",
                                   "[{\"event\": \"e\", \"distinct_id\": \"u\", \"properties\": "
                                   "{\"$set\": {\"name\": \"U\"}}},"
                                   "{\"event\": \"e\", \"distinct_id\": \"v\", \"properties\": "
                                   "{\"$set\": {\"email\": \"x\"}}}]",
                                   now);
    cr_assert_eq(ingest_batch_received(b), 2);
    cr_assert_eq(ingest_batch_rejects(b), 1, "received 2 = accepted 1 + rejected 1");
    cr_assert_eq(b->nr, 2, "the track and the identify of item 0");
    cr_assert_eq(b->calls[0].index, 0);
    cr_assert_eq(b->calls[1].index, 0);
    ingest_batch_free(b);
}

Test(posthog, person_updates)
{
    int64_t now = at("2026-06-01T00:00:00Z");
    /* a top-level $set wins over properties.$set, as PostHog merges them */
    struct ingest_batch *b =
        parse(LF_INGEST_POSTHOG, "capture",
              "{\"event\": \"signed up\", \"distinct_id\": \"u\", \"$set\": "
              "{\"name\": \"Top\"}, \"properties\": {\"$set\": {\"name\": \"Inner\", "
              "\"role\": \"r\"}}}",
              now);
    cr_assert_eq(b->nr, 2);
    json_t *traits = json_object_get(b->calls[1].obj, "traits");
    cr_assert_str_eq(json_string_value(json_object_get(traits, "name")), "Top");
    cr_assert_str_eq(json_string_value(json_object_get(traits, "role")), "r");
    ingest_batch_free(b);
    /* a $set event is a person update only */
    b = parse(LF_INGEST_POSTHOG, "capture",
              "{\"event\": \"$set\", \"distinct_id\": \"u\", \"properties\": {\"$set\": {\"role\": "
              "\"admin\"}, \"$set_once\": {\"plan\": \"team\"}}}",
              now);
    cr_assert_eq(b->nr, 1);
    cr_assert_str_eq(str(b, 0, "type"), "identify");
    ingest_batch_free(b);
    /* /engage/: the body is a person update, its key $token and its person $distinct_id */
    b = parse(LF_INGEST_POSTHOG, "engage",
              "{\"$set\": {\"email\": \"a@b.co\"}, \"$token\": \"lf_k\", \"$distinct_id\": \"u9\"}",
              now);
    cr_assert_str_eq(ingest_batch_key(b), "lf_k");
    cr_assert_eq(b->nr, 1);
    cr_assert_str_eq(str(b, 0, "type"), "identify");
    cr_assert_str_eq(str(b, 0, "userId"), "u9");
    ingest_batch_free(b);
    /* posthog-js: the key in each event's properties.token, sent_at in the envelope */
    b = parse(
        LF_INGEST_POSTHOG, "capture",
        "{\"api_key\": \"lf_a\", \"sent_at\": \"2026-05-31T00:00:10Z\", \"batch\": [{\"event\": "
        "\"$pageview\", \"properties\": {\"distinct_id\": \"u\", \"token\": \"lf_a\"}, "
        "\"timestamp\": \"2026-05-31T00:00:00.123Z\"}]}",
        now);
    cr_assert_str_eq(ingest_batch_key(b), "lf_a");
    /* 10 s before it was sent, received at 2026-06-01: 2026-05-31T23:59:50.123Z */
    cr_assert_str_eq(str(b, 0, "timestamp"), "2026-05-31T23:59:50.123Z");
    ingest_batch_free(b);
    /* posthog-python: microseconds and an offset */
    b = parse(LF_INGEST_POSTHOG, "batch",
              "{\"api_key\": \"lf_a\", \"batch\": [{\"event\": \"e\", \"distinct_id\": \"u\", "
              "\"timestamp\": \"2026-05-31T02:00:00.123456+02:00\"}]}",
              now);
    cr_assert_eq(b->nr, 1);
    cr_assert_str_eq(str(b, 0, "timestamp"), "2026-05-31T00:00:00.123Z");
    ingest_batch_free(b);
}
