/* posthog.c - PostHog capture bodies (/e/, /i/v0/e/, /capture/, /batch/, /engage/) translated into
 * Segment calls: $identify and $set → identify (and an alias merging $anon_distinct_id),
 * $create_alias → alias, $groupidentify → group, other events → track (with an identify for
 * their $set), $groups → the account. Each event is checked whole, its
 * calls together, and is stored whole or rejected whole. */
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "batch_int.h"
#include "ingest_int.h"

/* How the members of the Segment calls an event becomes are named in the event, for messages:
 * "traits.email" of the identify made from $set is "properties.$set.email". */
struct naming {
    const char *segment, *posthog;
};

static const struct naming track_names[] = {{"userId", "distinct_id"},
                                            {"anonymousId", "distinct_id"},
                                            {"messageId", "uuid"},
                                            {"sentAt", "sent_at"},
                                            {"context.groupId", "properties.$groups"},
                                            {"properties", "properties"},
                                            {"event", "event"},
                                            {"timestamp", "timestamp"},
                                            {NULL, NULL}};
static const struct naming set_names[] = {{"userId", "distinct_id"},  {"messageId", "uuid"},
                                          {"sentAt", "sent_at"},      {"traits", "properties.$set"},
                                          {"timestamp", "timestamp"}, {NULL, NULL}};
static const struct naming top_set_names[] = {{"userId", "distinct_id"},  {"messageId", "uuid"},
                                              {"sentAt", "sent_at"},      {"traits", "$set"},
                                              {"timestamp", "timestamp"}, {NULL, NULL}};
static const struct naming set_once_names[] = {
    {"userId", "distinct_id"}, {"traits", "properties.$set_once"}, {NULL, NULL}};
static const struct naming top_set_once_names[] = {
    {"userId", "distinct_id"}, {"traits", "$set_once"}, {NULL, NULL}};
static const struct naming anon_names[] = {{"previousId", "properties.$anon_distinct_id"},
                                           {"userId", "distinct_id"},
                                           {"sentAt", "sent_at"},
                                           {"timestamp", "timestamp"},
                                           {NULL, NULL}};
static const struct naming alias_names[] = {{"previousId", "properties.alias"},
                                            {"userId", "distinct_id"},
                                            {"sentAt", "sent_at"},
                                            {"timestamp", "timestamp"},
                                            {NULL, NULL}};
static const struct naming group_names[] = {{"groupId", "properties.$group_key"},
                                            {"traits", "properties.$group_set"},
                                            {"userId", "distinct_id"},
                                            {"anonymousId", "distinct_id"},
                                            {"messageId", "uuid"},
                                            {"sentAt", "sent_at"},
                                            {"timestamp", "timestamp"},
                                            {NULL, NULL}};

/* Renames err's field (and its first mention in the message) from Segment's name to PostHog's. */
static void rename_field(struct lf_err *err, const struct naming *names)
{
    for (const struct naming *n = names; n->segment; n++) {
        size_t len = strlen(n->segment);
        if (strncmp(err->field, n->segment, len) != 0 ||
            (err->field[len] != '\0' && err->field[len] != '.'))
            continue;
        char old[sizeof(err->field)], field[sizeof(err->field)], msg[sizeof(err->msg)];
        snprintf(old, sizeof(old), "%s", err->field);
        snprintf(field, sizeof(field), "%s%s", n->posthog, old + len);
        char *at = strstr(err->msg, old);
        if (at) {
            snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(at - err->msg), err->msg, field,
                     at + strlen(old));
            snprintf(err->msg, sizeof(err->msg), "%s", msg);
        }
        snprintf(err->field, sizeof(err->field), "%s", field);
        return;
    }
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

/* An optional object member of obj: 0 and *out (borrowed, NULL when absent or null), or -1. */
static int object_member(json_t *obj, const char *name, const char *field, json_t **out,
                         struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return err_set_field(err, field, LF_EINVAL, "'%s' must be an object", field);
    *out = v;
    return 0;
}

/* The account of an event: $groups' company (or organization, account) entry, else its first.
 * Every entry must be an id: the store may be asked for any of them later. */
static int account_of(json_t *props, json_t **account, struct lf_err *err)
{
    static const char *const preferred[] = {"company", "organization", "account", NULL};
    json_t *groups, *v;
    const char *type;
    *account = NULL;
    if (object_member(props, "$groups", "properties.$groups", &groups, err) < 0)
        return -1;
    json_object_foreach(groups, type, v)
    {
        json_t *id = id_string(v);
        size_t len = id ? json_string_length(id) : 0;
        json_decref(id);
        if (len == 0 || len > field_max_len(&resource_events.fields[EVENT_ACCOUNT])) {
            char field[64];
            snprintf(field, sizeof(field), "properties.$groups.%s", type);
            return err_set_field(err, field, LF_EINVAL,
                                 "'%s' must be a group key: a string or a whole number of 1 to "
                                 "%zu bytes",
                                 field, field_max_len(&resource_events.fields[EVENT_ACCOUNT]));
        }
        if (!*account)
            *account = v;
    }
    for (int i = 0; preferred[i]; i++)
        if ((v = json_object_get(groups, preferred[i])))
            *account = v;
    if (*account)
        *account = id_string(*account);
    return 0;
}

/* The person properties an event sets: properties.$NAME updated by a top-level $NAME (as
 * PostHog's own ingestion merges them). A new object or NULL; *top tells whether the top level
 * had one (for messages). */
static int person_props(json_t *ev, json_t *props, const char *name, json_t **out, bool *top,
                        struct lf_err *err)
{
    json_t *inner, *outer;
    char field[32];
    snprintf(field, sizeof(field), "properties.%s", name);
    *out = NULL;
    if (object_member(props, name, field, &inner, err) < 0 ||
        object_member(ev, name, name, &outer, err) < 0)
        return -1;
    *top = outer != NULL;
    if (!inner && !outer)
        return 0;
    *out = inner ? json_deep_copy(inner) : json_object();
    if (outer)
        json_object_update(*out, outer);
    return 0;
}

struct translation {
    json_t *did;      /* the distinct id as a string */
    json_t *calls[2]; /* new references */
    const struct naming *names[2];
    bool optional[2];
    int n;
    json_t *set_once; /* checked, not written: the store has no set-once update yet */
    const struct naming *set_once_names;
};

static void translation_release(struct translation *t)
{
    for (int i = 0; i < t->n; i++)
        json_decref(t->calls[i]);
    json_decref(t->set_once);
    json_decref(t->did);
}

/* A Segment alias merging `from` into `into`, at the time of call c. */
static json_t *merge_call(json_t *c, json_t *from, json_t *into)
{
    json_t *m = json_pack("{ss,sO,sO}", "type", "alias", "previousId", from, "userId", into), *v;
    if ((v = json_object_get(c, "timestamp")))
        json_object_set(m, "timestamp", v);
    if ((v = json_object_get(c, "sentAt")))
        json_object_set(m, "sentAt", v);
    return m;
}

/* Translates one PostHog event into up to two Segment calls (an event with $set also updates
 * its person). Returns 0, or -1 with err naming the event's field. */
static int translate(json_t *ev, bool engage, int64_t received, struct translation *t,
                     struct lf_err *err)
{
    json_t *props, *set = NULL, *did = NULL, *c = json_object(), *v;
    bool set_top = false, once_top = false;
    int rc = -1;
    memset(t, 0, sizeof(*t));
    if (object_member(ev, "properties", "properties", &props, err) < 0)
        goto out;
    /* /engage/ bodies are person updates: their event is $identify (PostHog does the same) */
    json_t *name = engage ? NULL : json_object_get(ev, "event");
    if (!engage && (!json_is_string(name) || json_string_length(name) == 0)) {
        err_set_field(err, "event", LF_EINVAL, "'event' must be a non-empty string");
        goto out;
    }
    const char *event = engage ? "$identify" : json_string_value(name);
    json_t *did_v = json_object_get(ev, "distinct_id");
    if (!did_v)
        did_v = json_object_get(ev, "$distinct_id");
    if (!did_v)
        did_v = json_object_get(props, "distinct_id");
    if (!did_v)
        did_v = json_object_get(props, "$distinct_id");
    did = id_string(did_v);
    if (!did || json_string_length(did) == 0) {
        err_set_field(err, "distinct_id", LF_EINVAL,
                      "'distinct_id' must be a non-empty string or a whole number");
        goto out;
    }
    if (person_props(ev, props, "$set", &set, &set_top, err) < 0 ||
        person_props(ev, props, "$set_once", &t->set_once, &once_top, err) < 0)
        goto out;
    t->set_once_names = once_top ? top_set_once_names : set_once_names;
    json_t *uuid = json_object_get(ev, "uuid");
    if (uuid && !json_is_null(uuid)) {
        if (!json_is_string(uuid)) {
            err_set_field(err, "uuid", LF_EINVAL, "'uuid' must be a string");
            goto out;
        }
        json_object_set(c, "messageId", uuid);
    }
    if ((v = json_object_get(ev, "sent_at")))
        json_object_set(c, "sentAt", v);
    json_t *ts = json_object_get(ev, "timestamp");
    json_t *offset = json_object_get(ev, "offset");
    if (ts && !json_is_null(ts)) {
        json_object_set(c, "timestamp", ts);
    } else if (offset && !json_is_null(offset)) { /* posthog-js: ms before the body was sent */
        if (!json_is_integer(offset) || json_integer_value(offset) < 0) {
            err_set_field(err, "offset", LF_EINVAL, "'offset' must be a whole number of ms >= 0");
            goto out;
        }
        json_int_t off = json_integer_value(offset);
        char iso[32];
        if (off > received) { /* compared, not subtracted: a huge offset would overflow */
            err_set_field(err, "offset", LF_EINVAL, "'offset' puts the event before 1970-01-01");
            goto out;
        }
        time_format_iso(received - off, iso);
        json_object_set_new(c, "timestamp", json_string(iso));
    }
    if (strcmp(event, "$groupidentify") == 0) {
        json_t *key = json_object_get(props, "$group_key"), *traits;
        if (object_member(props, "$group_set", "properties.$group_set", &traits, err) < 0)
            goto out;
        if (!key || json_is_null(key)) {
            err_set_field(err, "properties.$group_key", LF_EINVAL,
                          "$groupidentify needs properties.$group_key");
            goto out;
        }
        json_t *gid = id_string(key); /* anything else is refused by the group call's check */
        json_object_set_new(c, "type", json_string("group"));
        json_object_set_new(c, "groupId", gid ? gid : json_incref(key));
        json_object_set_new(c, "traits", traits ? json_deep_copy(traits) : json_object());
        /* Without a person, posthog-node sends "$TYPE_KEY" as the distinct id. */
        json_object_set(c, json_string_value(did)[0] == '$' ? "anonymousId" : "userId", did);
        t->names[0] = group_names;
    } else if (strcmp(event, "$identify") == 0 || strcmp(event, "$set") == 0) {
        /* $set events are person updates, not product usage */
        json_object_set_new(c, "type", json_string("identify"));
        json_object_set(c, "userId", did);
        json_object_set_new(c, "traits", set ? json_incref(set) : json_object());
        t->names[0] = set_top ? top_set_names : set_names;
        /* the anonymous id the person used before is theirs: merged, unless it is another
         * person's already (PostHog skips that merge too) */
        json_t *anon = id_string(json_object_get(props, "$anon_distinct_id"));
        if (anon && json_string_length(anon) && !json_equal(anon, did)) {
            t->calls[1] = merge_call(c, anon, did);
            t->names[1] = anon_names;
            t->optional[1] = true;
            t->n = 1;
        }
        json_decref(anon);
    } else if (strcmp(event, "$create_alias") == 0 || strcmp(event, "$merge_dangerously") == 0) {
        /* properties.alias is another id of the person: merged into distinct_id */
        json_t *alias = id_string(json_object_get(props, "alias"));
        if (!alias || !json_string_length(alias)) {
            json_decref(alias);
            err_set_field(err, "properties.alias", LF_EINVAL,
                          "%s needs properties.alias (a string or a whole number)", event);
            goto out;
        }
        json_t *m = merge_call(c, alias, did);
        json_decref(alias);
        json_decref(c);
        c = m;
        t->names[0] = alias_names;
    } else {
        json_t *account;
        if (account_of(props, &account, err) < 0)
            goto out;
        json_object_set_new(c, "type", json_string("track"));
        json_object_set(c, "event", name);
        json_object_set(c, "userId", did);
        json_object_set_new(c, "properties", props ? json_deep_copy(props) : json_object());
        if (account)
            json_object_set_new(c, "context", json_pack("{so}", "groupId", account));
        t->names[0] = track_names;
        if (set && json_object_size(set)) {
            json_t *id = json_pack("{ss,sO,sO}", "type", "identify", "userId", did, "traits", set);
            if ((v = json_object_get(c, "timestamp")))
                json_object_set(id, "timestamp", v);
            if ((v = json_object_get(c, "sentAt")))
                json_object_set(id, "sentAt", v);
            t->calls[1] = id;
            t->names[1] = set_top ? top_set_names : set_names;
            t->n = 1;
        }
    }
    t->calls[0] = c;
    c = NULL;
    t->n++;
    t->did = json_incref(did);
    rc = 0;
out:
    json_decref(c);
    json_decref(did);
    json_decref(set);
    return rc;
}

/* An event's $set_once is checked as identify traits would be, so that the whole item is. */
static int check_set_once(const struct translation *t, int64_t received, struct lf_err *err)
{
    if (!t->set_once || !json_object_size(t->set_once))
        return 0;
    json_t *check =
               json_pack("{ss,sO,sO}", "type", "identify", "userId", t->did, "traits", t->set_once),
           *ready;
    int rc = batch_segment_call(check, NULL, LF_UNSET, received, &ready, err);
    json_decref(ready);
    json_decref(check);
    if (rc < 0)
        rename_field(err, t->set_once_names);
    return rc;
}

static void add_event(struct ingest_batch *b, size_t index, json_t *ev, bool engage,
                      int64_t sent_at, int64_t received)
{
    struct lf_err err = {0};
    struct translation t;
    json_t *ready[2] = {NULL, NULL};
    int i = 0;
    if (!json_is_object(ev)) {
        err_set(&err, LF_EINVAL, "an event must be a JSON object");
        batch_reject(b, index, NULL, &err);
        return;
    }
    if (translate(ev, engage, received, &t, &err) < 0)
        goto reject;
    /* The calls of one event stand or fall together: all are checked before any is added. */
    for (i = 0; i < t.n; i++) {
        if (batch_segment_call(t.calls[i], NULL, sent_at, received, &ready[i], &err) < 0) {
            rename_field(&err, t.names[i]);
            goto reject;
        }
    }
    if (check_set_once(&t, received, &err) < 0)
        goto reject;
    for (i = 0; i < t.n; i++)
        batch_add_call(b, index, ready[i], t.optional[i]);
    translation_release(&t);
    return;
reject:
    for (int k = 0; k < 2; k++)
        json_decref(ready[k]);
    translation_release(&t);
    batch_reject(b, index, err.field[0] ? err.field : NULL, &err);
}

/* The key a holder carries, as PostHog's libraries put it: api_key (posthog-node, -python),
 * token or $token (posthog-js's /engage/), properties.token (posthog-js's events). */
static void take_key(struct ingest_batch *b, json_t *holder)
{
    static const char *const names[] = {"api_key", "token", "$token", NULL};
    json_t *k = NULL;
    for (int i = 0; names[i] && !json_is_string(k); i++)
        k = json_object_get(holder, names[i]);
    if (!json_is_string(k))
        k = json_object_get(json_object_get(holder, "properties"), "token");
    if (!b->key && json_is_string(k))
        b->key = xstrdup(json_string_value(k));
}

int posthog_parse(struct ingest_batch *b, const char *call, json_t *root, int64_t received,
                  struct lf_err *err)
{
    int64_t sent_at = LF_UNSET;
    json_t *events = root;
    bool engage = false;
    if (json_is_object(root)) {
        take_key(b, root);
        if (batch_time(root, "sent_at", &sent_at, err) < 0)
            return -1;
        json_t *batch = json_object_get(root, "batch");
        if (batch && !json_is_array(batch))
            return err_set(err, LF_EINVAL, "'batch' must be an array of events");
        if (batch)
            events = batch;
        else
            engage = strcmp(call, "engage") == 0;
    } else if (!json_is_array(root)) {
        return err_set(err, LF_EINVAL,
                       "the body must be an event, an array of events or "
                       "{\"batch\": [...]}");
    }
    if (json_is_object(events)) {
        b->received = 1;
        add_event(b, 0, events, engage, sent_at, received);
        return 0;
    }
    b->received = json_array_size(events);
    for (size_t i = 0; i < b->received; i++) {
        json_t *ev = json_array_get(events, i);
        take_key(b, ev);
        add_event(b, i, ev, false, sent_at, received);
    }
    return 0;
}
