/* batch.c - Segment HTTP API bodies (track, identify, group, page, screen, batch): every item
 * checked whole on the request's thread (so that the writer never refuses one for its content),
 * clock skew corrected, message ids given; writing through segment.c on the writer's thread. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "base/utf8.h"
#include "batch_int.h"
#include "ingest_int.h"

#define YEARS_AHEAD_MS (100LL * 366 * MS_PER_DAY) /* the latest renewal date taken */

static const char *const call_types[] = {"track", "identify", "group", "page", "screen", NULL};

void batch_reject(struct ingest_batch *b, size_t index, const char *field, const struct lf_err *why)
{
    for (size_t i = 0; i < b->rejects_nr; i++)
        if (b->rejects[i].index == index)
            return;
    b->rejects = xgrow(b->rejects, sizeof(*b->rejects), b->rejects_nr + 1, &b->rejects_cap);
    struct reject *r = &b->rejects[b->rejects_nr++];
    r->index = index;
    r->code = why->code ? why->code : LF_EINVAL;
    snprintf(r->field, sizeof(r->field), "%s", field ? field : "");
    snprintf(r->msg, sizeof(r->msg), "%s", why->msg);
}

void batch_add_call(struct ingest_batch *b, size_t index, json_t *call)
{
    b->calls = xgrow(b->calls, sizeof(*b->calls), b->nr + 1, &b->cap);
    b->calls[b->nr++] = (struct call){index, call};
}

int batch_time(json_t *obj, const char *name, int64_t *out, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    const char *why = NULL;
    *out = LF_UNSET;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' must be an ISO 8601 string", name);
    if (time_parse(json_string_value(v), json_string_length(v), out, &why) < 0) {
        char shown[FIELD_SHOW];
        field_show((struct span){json_string_value(v), json_string_length(v)}, shown);
        return err_set_field(err, name, LF_EINVAL, "'%s' is not a time: %s", shown, why);
    }
    return 0;
}

/* The member at path "a.b" of obj, walking through objects; NULL when a step is missing. */
static json_t *member(json_t *obj, const char *path)
{
    json_t *v = obj;
    while (json_is_object(v)) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        v = json_object_getn(v, path, n);
        if (!dot)
            return v;
        path = dot + 1;
    }
    return NULL;
}

/* An optional top-level id: absent or null is fine, else a non-empty string of bounded size. */
static int check_id(json_t *obj, const char *name, const char **out, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' must be a string", name);
    if (json_string_length(v) == 0 || json_string_length(v) > INGEST_ID_MAX)
        return err_set_field(err, name, LF_EINVAL, "'%s' must be 1 to %d bytes long", name,
                             INGEST_ID_MAX);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' holds a NUL character", name);
    *out = json_string_value(v);
    return 0;
}

static int count_bytes(const char *buffer, size_t size, void *data)
{
    (void)buffer;
    *(size_t *)data += size;
    return 0;
}

/* An optional object member of bounded size (as the store keeps it: compact JSON). */
static int check_object(json_t *obj, const char *name, bool stored, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    size_t size = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' must be an object", name);
    if (stored && json_dump_callback(v, count_bytes, &size, JSON_COMPACT) == 0 &&
        size > INGEST_OBJECT_MAX)
        return err_set_field(err, name, LF_EINVAL, "'%s' is %zu bytes of JSON, over the limit of %d",
                             name, size, INGEST_OBJECT_MAX);
    return 0;
}

/* ---- the values the store reads from a call ---- */

enum check {
    C_ID,       /* an account id */
    C_TEXT,     /* a text trait */
    C_EMAIL,    /* an email address */
    C_TIME,     /* a creation time: 1970 to a day after receipt */
    C_DATE,     /* a date ahead, such as a renewal: 1970 to a hundred years on */
    C_CURRENCY, /* ISO 4217 */
    C_MONEY,    /* a non-negative amount in the call's currency (USD's decimals without one) */
    C_COUNT,    /* a whole number >= 0 */
    C_REAL,     /* a finite number */
};

struct rule {
    const char *path;
    enum check check;
};

/* Every column segment.c's schemas read beyond the top-level ids and names checked by
 * check_call; a value there is read as text, as ndjson_fill gives it (numbers and booleans
 * spelt out), so it is checked as that text. */
static const struct rule event_rules[] = {{"context.groupId", C_ID},
                                          {"properties.account_id", C_ID},
                                          {"properties.value", C_REAL},
                                          {"properties.revenue", C_REAL},
                                          {NULL, 0}};
static const struct rule identify_rules[] = {
    {"traits.groupId", C_ID},      {"context.groupId", C_ID},      {"traits.email", C_EMAIL},
    {"traits.name", C_TEXT},       {"traits.firstName", C_TEXT},   {"traits.lastName", C_TEXT},
    {"traits.role", C_TEXT},       {"traits.createdAt", C_TIME},   {"traits.created_at", C_TIME},
    {NULL, 0}};
static const struct rule group_rules[] = {
    {"traits.name", C_TEXT},          {"traits.plan", C_TEXT},         {"traits.segment", C_TEXT},
    {"traits.stage", C_TEXT},         {"traits.owner", C_TEXT},        {"traits.currency", C_CURRENCY},
    {"traits.mrr", C_MONEY},          {"traits.seats", C_COUNT},       {"traits.customer_since", C_TIME},
    {"traits.createdAt", C_TIME},     {"traits.renewal_date", C_DATE}, {NULL, 0}};

/* Prefixes err's message with the path and names it as the field. Returns -1. */
static int at_path(struct lf_err *err, const char *path)
{
    err_prefix(err, "%s", path);
    snprintf(err->field, sizeof(err->field), "%s", path);
    return -1;
}

static int check_range(struct span v, const char *path, int64_t t, int64_t latest,
                       const char *latest_is, struct lf_err *err)
{
    char shown[FIELD_SHOW];
    field_show(v, shown);
    if (t < 0)
        return err_set_field(err, path, LF_EINVAL, "%s: '%s' is before 1970-01-01", path, shown);
    if (t > latest)
        return err_set_field(err, path, LF_EINVAL, "%s: '%s' is %s", path, shown, latest_is);
    return 0;
}

static int check_value(const struct rule *rl, struct span v, int64_t now, const char **currency,
                       struct lf_err *err)
{
    int64_t n;
    double d;
    switch (rl->check) {
    case C_ID:
        if (v.len > INGEST_ID_MAX)
            return err_set_field(err, rl->path, LF_EINVAL, "%s: an id is at most %d bytes long",
                                 rl->path, INGEST_ID_MAX);
        return 0;
    case C_TEXT:
        if (v.len > INGEST_TEXT_MAX)
            return err_set_field(err, rl->path, LF_EINVAL, "%s: %zu bytes, over the limit of %d",
                                 rl->path, v.len, INGEST_TEXT_MAX);
        return 0;
    case C_EMAIL:
        if (v.len > INGEST_EMAIL_MAX)
            return err_set_field(err, rl->path, LF_EINVAL,
                                 "%s: an email address is at most %d bytes long", rl->path,
                                 INGEST_EMAIL_MAX);
        return field_email(v, err) < 0 ? at_path(err, rl->path) : 0;
    case C_TIME:
        if (field_time(v, &n, err) < 0)
            return at_path(err, rl->path);
        return check_range(v, rl->path, n, now + INGEST_AHEAD_MS,
                           "more than a day after the moment it was received", err);
    case C_DATE:
        if (field_time(v, &n, err) < 0)
            return at_path(err, rl->path);
        return check_range(v, rl->path, n, now + YEARS_AHEAD_MS, "more than 100 years ahead",
                           err);
    case C_CURRENCY:
        if (field_currency(v, err) < 0)
            return at_path(err, rl->path);
        *currency = v.ptr;
        return 0;
    case C_MONEY:
        if (field_money(v, *currency, &n, err) < 0)
            return at_path(err, rl->path);
        if (n < 0)
            return err_set_field(err, rl->path, LF_EINVAL, "%s: must not be negative", rl->path);
        return 0;
    case C_COUNT:
        return field_count(v, &n, err) < 0 ? at_path(err, rl->path) : 0;
    case C_REAL:
        return field_real(v, &d, err) < 0 ? at_path(err, rl->path) : 0;
    }
    return 0;
}

static int check_rules(json_t *obj, const struct rule *rules, int64_t now, struct lf_err *err)
{
    const char *cols[ROW_MAX + 1];
    size_t n = 0;
    for (; rules[n].path; n++) {
        json_t *v = member(obj, rules[n].path);
        if (json_is_object(v) || json_is_array(v))
            return err_set_field(err, rules[n].path, LF_EINVAL,
                                 "'%s' must be a string or a number, not %s", rules[n].path,
                                 json_is_object(v) ? "an object" : "an array");
        cols[n] = rules[n].path;
    }
    cols[n] = NULL;
    struct row r;
    row_init(&r, "item");
    row_reset(&r, cols, 0);
    const char *currency = NULL;
    int rc = ndjson_fill(obj, NULL, &r, err); /* cannot fail: no column holds an object */
    for (size_t k = 0; rc == 0 && k < n; k++)
        if (r.val[k].ptr)
            rc = check_value(&rules[k], r.val[k], now, &currency, err);
    row_release(&r);
    return rc;
}

/* Checks obj as a Segment call of `type`. */
static int check_call(json_t *obj, const char *type, int64_t now, struct lf_err *err)
{
    const char *user, *anon, *id;
    bool event = strcmp(type, "track") == 0 || strcmp(type, "page") == 0 ||
                 strcmp(type, "screen") == 0;
    if (check_object(obj, "properties", event, err) < 0 ||
        check_object(obj, "traits", !event, err) < 0 || check_object(obj, "context", false, err) < 0)
        return -1;
    if (check_id(obj, "userId", &user, err) < 0 || check_id(obj, "anonymousId", &anon, err) < 0 ||
        check_id(obj, "messageId", &id, err) < 0)
        return -1;
    if (!user && !anon)
        return err_set_field(err, "userId", LF_EINVAL, "a %s call needs a userId or an anonymousId",
                             type);
    if (strcmp(type, "track") == 0) {
        json_t *ev = json_object_get(obj, "event");
        if (!json_is_string(ev) || json_string_length(ev) == 0)
            return err_set_field(err, "event", LF_EINVAL,
                                 "a track call needs an event name (a string)");
        if (json_string_length(ev) > INGEST_NAME_MAX)
            return err_set_field(err, "event", LF_EINVAL,
                                 "an event name is at most %d bytes long, not %zu", INGEST_NAME_MAX,
                                 json_string_length(ev));
    } else if (strcmp(type, "identify") == 0) {
        /* the contact is the user: an anonymous visitor has none to update */
        if (!user)
            return err_set_field(err, "userId", LF_EINVAL, "an identify call needs a userId");
    } else if (strcmp(type, "group") == 0) {
        if (check_id(obj, "groupId", &id, err) < 0)
            return -1;
        if (!id)
            return err_set_field(err, "groupId", LF_EINVAL, "a group call needs a groupId");
    } else {
        json_t *name = json_object_get(obj, "name");
        if (name && !json_is_null(name) && !json_is_string(name))
            return err_set_field(err, "name", LF_EINVAL, "'name' must be a string");
    }
    return check_rules(obj,
                       event                               ? event_rules
                       : strcmp(type, "identify") == 0 ? identify_rules
                                                       : group_rules,
                       now, err);
}

/* The call's time as Segment documents it: timestamp (or originalTimestamp) moved by the
 * difference between the moment we received it and the sender's sentAt, so that a device
 * whose clock is off still lands at the right moment. Without sentAt the timestamp is trusted;
 * without a timestamp the call happened when it was received. The result must lie between
 * 1970 and a day after its receipt (a clock a day ahead is broken; 9999-12-31 is no time). */
static int call_time(json_t *obj, int64_t sent_at, int64_t received, int64_t *ts,
                     struct lf_err *err)
{
    int64_t t, original, sent;
    const char *field = "timestamp";
    if (batch_time(obj, "timestamp", &t, err) < 0 ||
        batch_time(obj, "originalTimestamp", &original, err) < 0 ||
        batch_time(obj, "sentAt", &sent, err) < 0)
        return -1;
    if (t == LF_UNSET) {
        t = original;
        field = "originalTimestamp";
    }
    if (sent == LF_UNSET)
        sent = sent_at;
    if (t == LF_UNSET)
        *ts = received;
    else if (sent == LF_UNSET)
        *ts = t;
    else
        *ts = t + (received - sent);
    char iso[32];
    if (*ts < 0 || *ts > received + INGEST_AHEAD_MS) {
        time_format_iso(*ts < 0 ? 0 : *ts, iso);
        if (*ts < 0)
            return err_set_field(err, field, LF_EINVAL, "'%s' is before 1970-01-01%s", field,
                                 sent == LF_UNSET ? "" : " (after the clock-skew correction)");
        return err_set_field(err, field, LF_EINVAL,
                             "'%s' is %s, more than a day after the moment it was received%s",
                             field, iso, sent == LF_UNSET ? "" : " (after the clock-skew correction)");
    }
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

int batch_segment_call(json_t *obj, const char *type, int64_t sent_at, int64_t received,
                       json_t **out, struct lf_err *err)
{
    int64_t ts;
    *out = NULL;
    if (!json_is_object(obj))
        return err_set(err, LF_EINVAL, "a call must be a JSON object");
    if (!type) {
        json_t *t = json_object_get(obj, "type");
        if (!json_is_string(t))
            return err_set_field(err, "type", LF_EINVAL,
                                 "'type' must be one of track, identify, group, page, screen");
        type = json_string_value(t);
    }
    bool known = false;
    for (int i = 0; call_types[i]; i++)
        known |= strcmp(type, call_types[i]) == 0;
    if (!known) {
        char shown[FIELD_SHOW];
        field_show((struct span){type, strlen(type)}, shown);
        return err_set_field(err, "type", LF_EINVAL,
                             "'%s' is not a call this server takes (track, identify, group, page, "
                             "screen)",
                             shown);
    }
    if (check_call(obj, type, received, err) < 0 || call_time(obj, sent_at, received, &ts, err) < 0)
        return -1;
    json_t *copy = json_deep_copy(obj);
    json_object_set_new(copy, "type", json_string(type));
    if (!json_is_string(json_object_get(copy, "messageId")))
        derive_message_id(copy);
    char iso[32];
    time_format_iso(ts, iso);
    json_object_set_new(copy, "timestamp", json_string(iso));
    /* the time is settled: the writer's fallbacks for it must not be read */
    json_object_del(copy, "sentAt");
    json_object_del(copy, "originalTimestamp");
    json_object_del(copy, "receivedAt");
    *out = copy;
    return 0;
}

void batch_add_segment(struct ingest_batch *b, size_t index, json_t *obj, const char *type,
                       int64_t sent_at, int64_t received)
{
    struct lf_err err = {0};
    json_t *call;
    if (batch_segment_call(obj, type, sent_at, received, &call, &err) < 0)
        batch_reject(b, index, err.field[0] ? err.field : NULL, &err);
    else
        batch_add_call(b, index, call);
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
        rc = posthog_parse(b, call ? call : "batch", root, received_ms, err);
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
