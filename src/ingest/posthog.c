/* posthog.c - PostHog capture bodies (/i/v0/e/, /capture/, /batch/) translated into Segment calls:
 * $identify → identify, $groupidentify → group, other events → track, $groups → the account. */
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "batch_int.h"

/* The account of an event: the first key of $groups, preferring the usual B2B group types. */
static json_t *account_of(json_t *props)
{
    static const char *const preferred[] = {"company", "organization", "account", NULL};
    json_t *groups = json_object_get(props, "$groups"), *v;
    const char *type;
    if (!json_is_object(groups))
        return NULL;
    for (int i = 0; preferred[i]; i++)
        if ((v = json_object_get(groups, preferred[i])) &&
            (json_is_string(v) || json_is_integer(v)))
            return v;
    json_object_foreach(groups, type, v) if (json_is_string(v) || json_is_integer(v)) return v;
    return NULL;
}

/* PostHog ids may be numbers; Segment's are strings. A new reference, or NULL. */
static json_t *id_string(json_t *v)
{
    if (json_is_string(v))
        return json_incref(v);
    if (json_is_integer(v)) {
        char s[32];
        snprintf(s, sizeof(s), "%lld", (long long)json_integer_value(v));
        return json_string(s);
    }
    return NULL;
}

static json_t *object_or_empty(json_t *v)
{
    return json_is_object(v) ? json_deep_copy(v) : json_object();
}

/* Translates one PostHog event into up to two Segment calls (an event with $set also updates
 * its person). Returns the number of calls, or -1 with err and *field. */
static int translate(json_t *ev, int64_t received, json_t *calls[2], const char **field,
                     struct lf_err *err)
{
    json_t *props = json_object_get(ev, "properties");
    if (props && !json_is_null(props) && !json_is_object(props))
        return *field = "properties", err_set(err, LF_EINVAL, "'properties' must be an object");
    json_t *name = json_object_get(ev, "event");
    if (!json_is_string(name) || json_string_length(name) == 0)
        return *field = "event", err_set(err, LF_EINVAL, "'event' must be a non-empty string");
    json_t *did_v = json_object_get(ev, "distinct_id");
    if (!did_v)
        did_v = json_object_get(props, "distinct_id");
    if (!did_v)
        did_v = json_object_get(props, "$distinct_id");
    json_t *did = id_string(did_v);
    if (!did || json_string_length(did) == 0) {
        json_decref(did);
        return *field = "distinct_id",
               err_set(err, LF_EINVAL, "'distinct_id' must be a non-empty string");
    }
    const char *event = json_string_value(name);
    json_t *c = json_object();
    json_t *uuid = json_object_get(ev, "uuid");
    if (json_is_string(uuid))
        json_object_set(c, "messageId", uuid);
    json_t *ts = json_object_get(ev, "timestamp");
    json_t *offset = json_object_get(ev, "offset");
    if (ts) {
        json_object_set(c, "timestamp", ts);
    } else if (json_is_integer(offset)) { /* ms before the body was sent */
        json_int_t off = json_integer_value(offset);
        char iso[32];
        /* compared before subtracting: received - off may not fit in 64 bits */
        if (off > received - TIME_MIN_MS || off <= received - TIME_END_MS) {
            json_decref(did);
            json_decref(c);
            return *field = "offset",
                   err_set(err, LF_EINVAL,
                           "'offset' puts the event outside the years 0000 to 9999");
        }
        time_format_iso(received - off, iso);
        json_object_set_new(c, "timestamp", json_string(iso));
    }
    int n = 1;
    if (strcmp(event, "$groupidentify") == 0) {
        json_t *key = id_string(json_object_get(props, "$group_key"));
        if (!key) {
            json_decref(did);
            json_decref(c);
            return *field = "properties.$group_key",
                   err_set(err, LF_EINVAL, "$groupidentify needs properties.$group_key");
        }
        json_object_set_new(c, "type", json_string("group"));
        json_object_set_new(c, "groupId", key);
        json_object_set_new(c, "traits", object_or_empty(json_object_get(props, "$group_set")));
        /* Without a person, posthog-node sends "$TYPE_KEY" as the distinct id. */
        json_object_set(c, json_string_value(did)[0] == '$' ? "anonymousId" : "userId", did);
    } else if (strcmp(event, "$identify") == 0) {
        json_object_set_new(c, "type", json_string("identify"));
        json_object_set(c, "userId", did);
        json_object_set_new(c, "traits", object_or_empty(json_object_get(props, "$set")));
    } else {
        json_object_set_new(c, "type", json_string("track"));
        json_object_set(c, "event", name);
        json_object_set(c, "userId", did);
        json_object_set_new(c, "properties", object_or_empty(props));
        json_t *account = id_string(account_of(props));
        if (account)
            json_object_set_new(c, "context", json_pack("{so}", "groupId", account));
        json_t *set = json_object_get(props, "$set");
        if (json_is_object(set) && json_object_size(set)) {
            json_t *id = json_pack("{ss,ss,sO}", "type", "identify", "userId",
                                   json_string_value(did), "traits", set);
            if (json_is_string(uuid))
                json_object_set_new(id, "messageId",
                                    json_sprintf("%s:$set", json_string_value(uuid)));
            if (ts)
                json_object_set(id, "timestamp", ts);
            calls[n++] = id;
        }
    }
    calls[0] = c;
    json_decref(did);
    return n;
}

static void add_event(struct ingest_batch *b, size_t index, json_t *ev, int64_t sent_at,
                      int64_t received)
{
    struct lf_err err = {0};
    const char *field = NULL;
    json_t *calls[2];
    if (!json_is_object(ev)) {
        err_set(&err, LF_EINVAL, "an event must be a JSON object");
        batch_reject(b, index, NULL, &err);
        return;
    }
    json_t *ts = json_object_get(ev, "timestamp");
    if (ts && !json_is_string(ts) && !json_is_null(ts)) {
        err_set(&err, LF_EINVAL, "'timestamp' must be an ISO 8601 string");
        batch_reject(b, index, "timestamp", &err);
        return;
    }
    int n = translate(ev, received, calls, &field, &err);
    if (n < 0) {
        batch_reject(b, index, field, &err);
        return;
    }
    /* Both calls of one event stand or fall together: check them before adding either. */
    size_t before = b->rejects_nr, calls_before = b->nr;
    for (int i = 0; i < n; i++)
        batch_add_segment(b, index, calls[i], NULL, sent_at, received);
    if (b->rejects_nr > before) {
        for (size_t i = calls_before; i < b->nr; i++)
            json_decref(b->calls[i].obj);
        b->nr = calls_before;
        b->rejects_nr = before + 1;
    }
    for (int i = 0; i < n; i++)
        json_decref(calls[i]);
}

static void take_key(struct ingest_batch *b, json_t *holder)
{
    json_t *k = json_object_get(holder, "api_key");
    if (!json_is_string(k))
        k = json_object_get(holder, "token");
    if (!json_is_string(k))
        k = json_object_get(json_object_get(holder, "properties"), "token");
    if (!b->key && json_is_string(k))
        b->key = xstrdup(json_string_value(k));
}

int posthog_parse(struct ingest_batch *b, json_t *root, int64_t received, struct lf_err *err)
{
    int64_t sent_at = LF_UNSET;
    json_t *events = root;
    if (json_is_object(root)) {
        take_key(b, root);
        if (batch_time(root, "sent_at", &sent_at, err) < 0)
            return -1;
        json_t *batch = json_object_get(root, "batch");
        if (batch && !json_is_array(batch))
            return err_set(err, LF_EINVAL, "'batch' must be an array of events");
        if (batch)
            events = batch;
    } else if (!json_is_array(root)) {
        return err_set(err, LF_EINVAL,
                       "the body must be an event, an array of events or "
                       "{\"batch\": [...]}");
    }
    if (json_is_object(events)) {
        b->received = 1;
        add_event(b, 0, events, sent_at, received);
        return 0;
    }
    b->received = json_array_size(events);
    for (size_t i = 0; i < b->received; i++) {
        json_t *ev = json_array_get(events, i);
        take_key(b, ev);
        add_event(b, i, ev, sent_at, received);
    }
    return 0;
}
