/* batch.c - Segment HTTP API bodies (track, identify, group, page, screen, batch): checks, clock
 * skew correction and message ids on the request's thread; writing through segment.c on the
 * writer's. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "base/utf8.h"
#include "batch_int.h"
#include "ingest_int.h"

#define EXT_ID_MAX 512 /* bytes of a userId, anonymousId, groupId or messageId */

static const char *const call_types[] = {"track", "identify", "group", "page", "screen", NULL};

void batch_reject(struct ingest_batch *b, size_t index, const char *field, const struct lf_err *why)
{
    b->rejects = xgrow(b->rejects, sizeof(*b->rejects), b->rejects_nr + 1, &b->rejects_cap);
    struct reject *r = &b->rejects[b->rejects_nr++];
    r->index = index;
    r->code = why->code ? why->code : LF_EINVAL;
    snprintf(r->field, sizeof(r->field), "%s", field ? field : "");
    snprintf(r->msg, sizeof(r->msg), "%s", why->msg);
}

int batch_time(json_t *obj, const char *name, int64_t *out, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    const char *why = NULL;
    *out = LF_UNSET;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set(err, LF_EINVAL, "'%s' must be an ISO 8601 string", name);
    if (time_parse(json_string_value(v), json_string_length(v), out, &why) < 0)
        return err_set(err, LF_EINVAL, "'%s' is not a time: %s", json_string_value(v), why);
    return 0;
}

/* An optional id member: absent or null is fine, else a non-empty string of bounded size. */
static int check_id(json_t *obj, const char *name, const char **out, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set(err, LF_EINVAL, "'%s' must be a string", name);
    if (json_string_length(v) == 0 || json_string_length(v) > EXT_ID_MAX)
        return err_set(err, LF_EINVAL, "'%s' must be 1 to %d bytes long", name, EXT_ID_MAX);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return err_set(err, LF_EINVAL, "'%s' holds a NUL character", name);
    *out = json_string_value(v);
    return 0;
}

static int check_object(json_t *obj, const char *name, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    if (v && !json_is_null(v) && !json_is_object(v))
        return err_set(err, LF_EINVAL, "'%s' must be an object", name);
    return 0;
}

/* Checks obj as a Segment call of `type`; on failure *field names the member at fault. */
static int check_call(json_t *obj, const char *type, const char **field, struct lf_err *err)
{
    const char *user, *anon, *id;
    static const char *const objects[] = {"properties", "traits", "context", NULL};
    for (int i = 0; objects[i]; i++)
        if (check_object(obj, *field = objects[i], err) < 0)
            return -1;
    if (check_id(obj, *field = "userId", &user, err) < 0 ||
        check_id(obj, *field = "anonymousId", &anon, err) < 0 ||
        check_id(obj, *field = "messageId", &id, err) < 0)
        return -1;
    *field = "userId";
    if (!user && !anon)
        return err_set(err, LF_EINVAL, "a %s call needs a userId or an anonymousId", type);
    if (strcmp(type, "track") == 0) {
        json_t *ev = json_object_get(obj, *field = "event");
        if (!json_is_string(ev) || json_string_length(ev) == 0)
            return err_set(err, LF_EINVAL, "a track call needs an event name (a string)");
    } else if (strcmp(type, "group") == 0) {
        if (check_id(obj, *field = "groupId", &id, err) < 0)
            return -1;
        if (!id)
            return err_set(err, LF_EINVAL, "a group call needs a groupId");
    } else if (strcmp(type, "page") == 0 || strcmp(type, "screen") == 0) {
        json_t *name = json_object_get(obj, *field = "name");
        if (name && !json_is_null(name) && !json_is_string(name))
            return err_set(err, LF_EINVAL, "'name' must be a string");
    }
    json_t *ctx = json_object_get(obj, "context");
    *field = "context.groupId";
    if (json_is_object(ctx) && check_id(ctx, "groupId", &id, err) < 0)
        return err_prefix(err, "context");
    *field = NULL;
    return 0;
}

/* The call's time as Segment documents it: timestamp (or originalTimestamp) moved by the
 * difference between the moment we received it and the sender's sentAt, so that a device
 * whose clock is off still lands at the right moment. Without sentAt the timestamp is trusted;
 * without a timestamp the call happened when it was received. */
static int call_time(json_t *obj, int64_t sent_at, int64_t received, int64_t *ts,
                     const char **field, struct lf_err *err)
{
    int64_t t, original, sent;
    if (batch_time(obj, *field = "timestamp", &t, err) < 0 ||
        batch_time(obj, *field = "originalTimestamp", &original, err) < 0 ||
        batch_time(obj, *field = "sentAt", &sent, err) < 0)
        return -1;
    *field = NULL;
    if (t == LF_UNSET)
        t = original;
    if (sent == LF_UNSET)
        sent = sent_at;
    if (t == LF_UNSET)
        *ts = received;
    else if (sent == LF_UNSET)
        *ts = t;
    else
        *ts = t + (received - sent);
    return 0;
}

/* A call without a messageId gets one derived from its content, so that a client retrying
 * the same body is still de-duplicated. */
static void derive_message_id(json_t *obj)
{
    char *dump = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    struct buf id = BUF_INIT;
    const char *parts[] = {dump};
    field_derive_id(&id, parts, 1);
    json_object_set_new(obj, "messageId", json_string(buf_str(&id)));
    buf_release(&id);
    free(dump);
}

void batch_add_segment(struct ingest_batch *b, size_t index, json_t *obj, const char *type,
                       int64_t sent_at, int64_t received)
{
    struct lf_err err = {0};
    const char *field = NULL;
    int64_t ts;
    if (!json_is_object(obj)) {
        err_set(&err, LF_EINVAL, "a call must be a JSON object");
        goto reject;
    }
    if (!type) {
        json_t *t = json_object_get(obj, field = "type");
        if (!json_is_string(t)) {
            err_set(&err, LF_EINVAL,
                    "'type' must be one of track, identify, group, page, "
                    "screen");
            goto reject;
        }
        type = json_string_value(t);
    }
    bool known = false;
    for (int i = 0; call_types[i]; i++)
        known |= strcmp(type, call_types[i]) == 0;
    if (!known) {
        err_set(&err, LF_EINVAL,
                "'%.40s' is not a call this server takes (track, identify, "
                "group, page, screen)",
                type);
        field = "type";
        goto reject;
    }
    if (check_call(obj, type, &field, &err) < 0 ||
        call_time(obj, sent_at, received, &ts, &field, &err) < 0)
        goto reject;
    /* A sender's clock far enough off moves the time out of what can be written back. */
    if (ts < TIME_MIN_MS || ts >= TIME_END_MS) {
        err_set(&err, LF_EINVAL,
                "the timestamp corrected by sentAt falls outside the years 0000 to 9999");
        field = "timestamp";
        goto reject;
    }
    json_t *copy = json_deep_copy(obj);
    json_object_set_new(copy, "type", json_string(type));
    if (!json_is_string(json_object_get(copy, "messageId")))
        derive_message_id(copy);
    char iso[32];
    time_format_iso(ts, iso);
    json_object_set_new(copy, "timestamp", json_string(iso));
    json_object_del(copy, "sentAt");
    json_object_del(copy, "originalTimestamp");
    b->calls = xgrow(b->calls, sizeof(*b->calls), b->nr + 1, &b->cap);
    b->calls[b->nr++] = (struct call){index, copy};
    return;
reject:
    batch_reject(b, index, field, &err);
}

/* A Segment body: one call, or {"batch": [...], "sentAt": ..., "writeKey": ...}. */
static int segment_parse(struct ingest_batch *b, const char *call, json_t *root, int64_t received,
                         struct lf_err *err)
{
    int64_t sent_at;
    json_t *key = json_object_get(root, "writeKey");
    if (json_is_string(key))
        b->key = xstrdup(json_string_value(key));
    if (batch_time(root, "sentAt", &sent_at, err) < 0)
        return -1;
    if (strcmp(call, "batch") != 0) {
        b->received = 1;
        batch_add_segment(b, 0, root, call, LF_UNSET, received);
        return 0;
    }
    json_t *items = json_object_get(root, "batch");
    if (!json_is_array(items))
        return err_set(err, LF_EINVAL, "'batch' must be an array of calls");
    b->received = json_array_size(items);
    for (size_t i = 0; i < b->received; i++)
        batch_add_segment(b, i, json_array_get(items, i), NULL, sent_at, received);
    return 0;
}

int ingest_batch_parse(int format, const char *call, const char *body, size_t len,
                       int64_t received_ms, struct ingest_batch **out, struct lf_err *err)
{
    size_t bad;
    *out = NULL;
    if (!utf8_valid(body, len, &bad))
        return err_set(err, LF_EINVAL, "the body is not UTF-8: bad byte at offset %zu", bad);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return err_set(err, LF_EINVAL, "the body is not JSON: %s at line %d, column %d", jerr.text,
                       jerr.line, jerr.column);
    struct ingest_batch *b = xcalloc(1, sizeof(*b));
    b->root = root;
    int rc;
    if (format == LF_INGEST_POSTHOG) {
        rc = posthog_parse(b, root, received_ms, err);
    } else if (!json_is_object(root)) {
        rc = err_set(err, LF_EINVAL, "the body must be a JSON object");
    } else {
        rc = segment_parse(b, call ? call : "batch", root, received_ms, err);
    }
    if (rc < 0) {
        ingest_batch_free(b);
        return -1;
    }
    b->parse_rejects = b->rejects_nr;
    *out = b;
    return 0;
}

void ingest_batch_free(struct ingest_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nr; i++)
        json_decref(b->calls[i].obj);
    free(b->calls);
    free(b->rejects);
    free(b->key);
    json_decref(b->root);
    free(b);
}

const char *ingest_batch_key(const struct ingest_batch *b)
{
    return b->key;
}

size_t ingest_batch_received(const struct ingest_batch *b)
{
    return b->received;
}

size_t ingest_batch_valid(const struct ingest_batch *b)
{
    return b->nr;
}

size_t ingest_batch_rejects(const struct ingest_batch *b)
{
    return b->rejects_nr;
}

void ingest_batch_reject(const struct ingest_batch *b, size_t i, size_t *index, const char **field,
                         struct lf_err *why)
{
    const struct reject *r = &b->rejects[i];
    *index = r->index;
    *field = r->field[0] ? r->field : NULL;
    why->code = r->code;
    snprintf(why->msg, sizeof(why->msg), "%s", r->msg);
}

/* ---- the writer's side ---- */

struct ingest_writer {
    struct ingest in;
    struct lf_import_opts opts; /* no reject log: rejects go back to the request */
    struct lf_import_result res;
    struct row row;
};

struct ingest_writer *ingest_writer_new(struct store *st, int64_t ws, int64_t now)
{
    struct ingest_writer *w = xcalloc(1, sizeof(*w));
    /* Messages of segment.c name "item:INDEX:FIELD", the item's index in its body. */
    ingest_init(&w->in, st, ws, LF_KIND_EVENTS, "item", &w->opts, &w->res);
    w->in.wopts.now = now;
    w->in.wopts.actor = "ingest";
    row_init(&w->row, "item");
    return w;
}

void ingest_writer_free(struct ingest_writer *w)
{
    if (!w)
        return;
    row_release(&w->row);
    ingest_release(&w->in);
    free(w);
}

int ingest_writer_apply(struct ingest_writer *w, struct ingest_batch *b, size_t *inserted,
                        size_t *duplicates, size_t *written, struct lf_err *err)
{
    b->rejects_nr = b->parse_rejects; /* a retry after a rollback starts over */
    for (size_t i = 0; i < b->nr; i++) {
        const struct call *c = &b->calls[i];
        enum store_change change = STORE_UNCHANGED;
        struct lf_err why = {0};
        w->row.line = c->index;
        if (segment_import(&w->in, c->obj, &w->row, &change, &why) < 0) {
            if (why.code != LF_EINVAL) {
                *err = why;
                return -1;
            }
            batch_reject(b, c->index, NULL, &why);
            continue;
        }
        (*written)++;
        const char *type = json_string_value(json_object_get(c->obj, "type"));
        if (strcmp(type, "identify") == 0 || strcmp(type, "group") == 0)
            continue;
        *(change == STORE_INSERTED ? inserted : duplicates) += 1;
    }
    return 0;
}
