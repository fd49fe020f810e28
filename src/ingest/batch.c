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

#define YEARS_AHEAD_MS (100LL * 366 * MS_PER_DAY) /* how far ahead a renewal may be */

static const char *const call_types[] = {"track", "identify", "group", "page", "screen", "alias",
                                         NULL};

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

void batch_add_call(struct ingest_batch *b, size_t index, json_t *call, bool optional)
{
    b->calls = xgrow(b->calls, sizeof(*b->calls), b->nr + 1, &b->cap);
    b->calls[b->nr++] = (struct call){index, call, optional};
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

/* ---- every value the store will read from a call, checked as the store checks it ----
 *
 * The writer maps a call onto rows (segment.c) and the store refuses a row whose field breaks
 * its definition (model/resource.c). Each column segment.c reads is listed here with the field
 * it becomes; its value is parsed as the mapping parses it (ndjson_fill's text, then
 * field_time, field_money…) and passed through resource_check, the store's own check, with the
 * moment of receipt as `now` (the writer's is later, so nothing passes here that it refuses).
 * On top come the product's own limits on dates, stricter than the store's. */

enum extra {
    X_NONE,
    X_SINCE, /* a creation: 1970 to a day after receipt */
    X_AHEAD, /* a date ahead, such as a renewal: 1970 to 100 years after receipt */
};

struct rule {
    const char *path; /* in the call */
    const struct resource_def *def;
    int field;
    int extra; /* enum extra */
};

static const struct rule event_rules[] = {
    {"messageId", &resource_events, EVENT_ID, X_NONE},
    {"context.groupId", &resource_events, EVENT_ACCOUNT, X_NONE},
    {"properties.account_id", &resource_events, EVENT_ACCOUNT, X_NONE},
    {"userId", &resource_events, EVENT_CONTACT, X_NONE},
    {"anonymousId", &resource_events, EVENT_CONTACT, X_NONE},
    {"event", &resource_events, EVENT_NAME, X_NONE},
    {"properties.value", &resource_events, EVENT_VALUE, X_NONE},
    {"properties.revenue", &resource_events, EVENT_VALUE, X_NONE},
    {NULL, NULL, 0, 0}};
enum { I_NAME = 4, I_FIRST, I_LAST }; /* identify_rules' name columns */
static const struct rule identify_rules[] = {
    {"userId", &resource_contacts, CONTACT_ID, X_NONE},
    {"traits.groupId", &resource_contacts, CONTACT_ACCOUNT, X_NONE},
    {"context.groupId", &resource_contacts, CONTACT_ACCOUNT, X_NONE},
    {"traits.email", &resource_contacts, CONTACT_EMAIL, X_NONE},
    {"traits.name", &resource_contacts, CONTACT_NAME, X_NONE},
    {"traits.firstName", &resource_contacts, CONTACT_NAME, X_NONE},
    {"traits.lastName", &resource_contacts, CONTACT_NAME, X_NONE},
    {"traits.role", &resource_contacts, CONTACT_ROLE, X_NONE},
    {"traits.createdAt", &resource_contacts, CONTACT_CREATED, X_SINCE},
    {"traits.created_at", &resource_contacts, CONTACT_CREATED, X_SINCE},
    {NULL, NULL, 0, 0}};
static const struct rule group_rules[] = {
    {"groupId", &resource_accounts, ACCOUNT_ID, X_NONE},
    {"traits.name", &resource_accounts, ACCOUNT_NAME, X_NONE},
    {"traits.plan", &resource_accounts, ACCOUNT_PLAN, X_NONE},
    {"traits.segment", &resource_accounts, ACCOUNT_SEGMENT, X_NONE},
    {"traits.currency", &resource_accounts, ACCOUNT_CURRENCY, X_NONE}, /* before mrr */
    {"traits.mrr", &resource_accounts, ACCOUNT_MRR, X_NONE},
    {"traits.seats", &resource_accounts, ACCOUNT_SEATS, X_NONE},
    {"traits.stage", &resource_accounts, ACCOUNT_STAGE, X_NONE},
    {"traits.owner", &resource_accounts, ACCOUNT_OWNER, X_NONE},
    {"traits.customer_since", &resource_accounts, ACCOUNT_SINCE, X_SINCE},
    {"traits.createdAt", &resource_accounts, ACCOUNT_SINCE, X_SINCE},
    {"traits.renewal_date", &resource_accounts, ACCOUNT_RENEWAL, X_AHEAD},
    {"userId", &resource_contacts, CONTACT_ID, X_NONE},
    {NULL, NULL, 0, 0}};
static const struct rule alias_rules[] = {
    {"previousId", &resource_contacts, CONTACT_ID, X_NONE},
    {"userId", &resource_contacts, CONTACT_MERGED, X_NONE},
    {NULL, NULL, 0, 0}};

/* The longest text field f of def takes: what ids, names and objects are held to. */
static size_t max_len(const struct resource_def *def, int f)
{
    return field_max_len(&def->fields[f]);
}

/* Names the call's path as err's field, and in the message: where the store's message starts
 * by quoting its own field ("'name' is 1025 bytes…") the path replaces it, else the message
 * is prefixed with it ("traits.email: 'x' is not an email address"). Returns -1. */
static int at_path(struct lf_err *err, const char *path, const char *store_name)
{
    size_t n = store_name ? strlen(store_name) : 0;
    char msg[sizeof(err->msg)];
    if (n && err->msg[0] == '\'' && strncmp(err->msg + 1, store_name, n) == 0 &&
        strncmp(err->msg + 1 + n, "' ", 2) == 0) {
        snprintf(msg, sizeof(msg), "'%s'%s", path, err->msg + 1 + n + 1);
        snprintf(err->msg, sizeof(err->msg), "%s", msg);
    } else {
        err_prefix(err, "%s", path);
    }
    snprintf(err->field, sizeof(err->field), "%s", path);
    return -1;
}

/* A column's value as the mapping parses it for its field's type. */
static int parse_value(const struct field_def *f, struct span v, const char *currency,
                       struct value *out, struct lf_err *err)
{
    *out = (struct value){0};
    switch (f->type) {
    case FIELD_TIME:
        return field_time(v, &out->i, err);
    case FIELD_DATE:
        if (field_time(v, &out->i, err) < 0)
            return -1;
        out->i = time_day_start(out->i);
        return 0;
    case FIELD_INT:
        return field_int(v, &out->i, err);
    case FIELD_REAL:
        return field_real(v, &out->r, err);
    case FIELD_MONEY:
        return field_money(v, currency, &out->i, err);
    default: /* TEXT, DICT, REF */
        out->s = v.ptr;
        return 0;
    }
}

static int check_value(const struct rule *rl, struct span v, int64_t now, const char **currency,
                       struct lf_err *err)
{
    const struct field_def *f = &rl->def->fields[rl->field];
    struct value vals[RESOURCE_MAX_FIELDS];
    char shown[FIELD_SHOW];
    if (parse_value(f, v, *currency, &vals[rl->field], err) < 0)
        return at_path(err, rl->path, NULL);
    if (resource_check(rl->def, vals, 1ull << rl->field, now, err) < 0)
        return at_path(err, rl->path, f->name);
    if (f->check == CHECK_CURRENCY)
        *currency = v.ptr;
    int64_t t = vals[rl->field].i;
    field_show(v, shown);
    if (rl->extra == X_SINCE && (t < 0 || t > now + INGEST_AHEAD_MS))
        return err_set_field(err, rl->path, LF_EINVAL,
                             "%s: '%s' must lie between 1970-01-01 and a day after now", rl->path,
                             shown);
    if (rl->extra == X_AHEAD && (t < 0 || t > now + YEARS_AHEAD_MS))
        return err_set_field(err, rl->path, LF_EINVAL,
                             "%s: '%s' must lie between 1970-01-01 and 100 years from now",
                             rl->path, shown);
    return 0;
}

static int check_rules(json_t *obj, const struct rule *rules, int64_t now, struct lf_err *err)
{
    const char *cols[ROW_MAX + 1];
    size_t n = 0;
    for (; rules[n].path; n++) {
        json_t *v = ndjson_member(obj, rules[n].path);
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
    /* without a name, segment.c makes one of the first and last names: one text field too */
    size_t name_max = max_len(&resource_contacts, CONTACT_NAME);
    if (rc == 0 && rules == identify_rules && !r.val[I_NAME].ptr &&
        r.val[I_FIRST].len + 1 + r.val[I_LAST].len > name_max)
        rc = err_set_field(err, "traits.lastName", LF_EINVAL,
                           "traits.firstName and traits.lastName make a name over %zu bytes",
                           name_max);
    row_release(&r);
    return rc;
}

/* An optional top-level id: absent or null is fine, else a non-empty string (its length is the
 * rules' to check). */
static int check_id(json_t *obj, const char *name, const char **out, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' must be a string", name);
    if (json_string_length(v) == 0)
        return err_set_field(err, name, LF_EINVAL, "'%s' cannot be empty", name);
    *out = json_string_value(v);
    return 0;
}

static int count_bytes(const char *buffer, size_t size, void *data)
{
    (void)buffer;
    *(size_t *)data += size;
    return 0;
}

/* An optional object member; `limit` (0: none) bounds it as compact JSON, the store's form
 * (which keeps the members that are no columns: at most this). */
static int check_object(json_t *obj, const char *name, size_t limit, struct lf_err *err)
{
    json_t *v = json_object_get(obj, name);
    size_t size = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return err_set_field(err, name, LF_EINVAL, "'%s' must be an object", name);
    if (limit && json_dump_callback(v, count_bytes, &size, JSON_COMPACT) == 0 && size > limit)
        return err_set_field(err, name, LF_EINVAL,
                             "'%s' is %zu bytes of JSON, over the limit of %zu", name, size, limit);
    return 0;
}

/* Checks obj as a Segment call of `type`. */
static int check_call(json_t *obj, const char *type, int64_t now, struct lf_err *err)
{
    const char *user, *anon, *id;
    bool event =
        strcmp(type, "track") == 0 || strcmp(type, "page") == 0 || strcmp(type, "screen") == 0;
    bool identify = strcmp(type, "identify") == 0, alias = strcmp(type, "alias") == 0;
    size_t props = event ? max_len(&resource_events, EVENT_PROPS) : 0;
    size_t traits = event      ? 0
                    : identify ? max_len(&resource_contacts, CONTACT_ATTRS)
                               : max_len(&resource_accounts, ACCOUNT_ATTRS);
    if (check_object(obj, "properties", props, err) < 0 ||
        check_object(obj, "traits", traits, err) < 0 || check_object(obj, "context", 0, err) < 0)
        return -1;
    if (check_id(obj, "userId", &user, err) < 0 || check_id(obj, "anonymousId", &anon, err) < 0 ||
        check_id(obj, "messageId", &id, err) < 0)
        return -1;
    if (alias) {
        /* previousId, the id merged, becomes userId, the id kept (Segment's alias) */
        const char *previous;
        if (check_id(obj, "previousId", &previous, err) < 0)
            return -1;
        if (!previous || !user)
            return err_set_field(err, previous ? "userId" : "previousId", LF_EINVAL,
                                 "an alias call needs a previousId and a userId");
        return check_rules(obj, alias_rules, now, err);
    }
    if (!user && !anon)
        return err_set_field(err, "userId", LF_EINVAL, "a %s call needs a userId or an anonymousId",
                             type);
    if (strcmp(type, "track") == 0) {
        json_t *ev = json_object_get(obj, "event");
        if (!json_is_string(ev) || json_string_length(ev) == 0)
            return err_set_field(err, "event", LF_EINVAL,
                                 "a track call needs an event name (a string)");
    } else if (identify) {
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
                       event      ? event_rules
                       : identify ? identify_rules
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
        return err_set_field(
            err, field, LF_EINVAL, "'%s' is %s, more than a day after the moment it was received%s",
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
                                 "'type' must be one of track, identify, group, page, screen, "
                                 "alias");
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
                             "screen, alias)",
                             shown);
    }
    if (check_call(obj, type, received, err) < 0 || call_time(obj, sent_at, received, &ts, err) < 0)
        return -1;
    /* the call is made ready where it is (a copy cost a tenth of the ingestion) */
    json_object_set_new(obj, "type", json_string(type));
    if (!json_is_string(json_object_get(obj, "messageId")))
        derive_message_id(obj);
    char iso[32];
    time_format_iso(ts, iso);
    json_object_set_new(obj, "timestamp", json_string(iso));
    /* the time is settled: the writer's fallbacks for it must not be read */
    json_object_del(obj, "sentAt");
    json_object_del(obj, "originalTimestamp");
    json_object_del(obj, "receivedAt");
    *out = json_incref(obj);
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
        batch_add_call(b, index, call, false);
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
    json_t *root = ingest_json_load(body, len, LF_EINVAL, err);
    if (!root)
        return -1;
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
    size_t bulk_inserted, bulk_duplicates; /* events written in bulk, counted when written */
};

/* An event written in bulk (STORE_BULK) is counted when the request's events are written. */
static void counted_later(void *ctx, int change)
{
    struct ingest_writer *w = ctx;
    *(change == STORE_INSERTED ? &w->bulk_inserted : &w->bulk_duplicates) += 1;
}

struct ingest_writer *ingest_writer_new(struct store *st, int64_t ws, int64_t now)
{
    struct ingest_writer *w = xcalloc(1, sizeof(*w));
    ingest_init(&w->in, st, ws, LF_KIND_EVENTS, NULL, &w->opts, &w->res);
    w->in.wopts.now = now;
    w->in.wopts.actor = "ingest";
    /* a request's events are written together where the engine can (PostgreSQL's COPY);
     * LANDFALL_NO_BULK=1 writes them one by one, for comparison */
    const char *no_bulk = getenv("LANDFALL_NO_BULK");
    if (!(no_bulk && strcmp(no_bulk, "1") == 0))
        w->in.wopts.flags |= STORE_BULK;
    w->in.wopts.appended = counted_later;
    w->in.wopts.ctx = w;
    row_init(&w->row, NULL);
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
    w->bulk_inserted = w->bulk_duplicates = 0;
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
            if (!c->optional)
                batch_reject(b, c->index, why.field[0] ? why.field : NULL, &why);
            continue;
        }
        (*written)++;
        const char *type = json_string_value(json_object_get(c->obj, "type"));
        if (strcmp(type, "identify") == 0 || strcmp(type, "group") == 0 ||
            strcmp(type, "alias") == 0)
            continue; /* the counts are of events */
        if (change != STORE_PENDING) /* else counted when written, below */
            *(change == STORE_INSERTED ? inserted : duplicates) += 1;
    }
    if (store_flush(w->in.st, err) < 0)
        return -1;
    *inserted += w->bulk_inserted;
    *duplicates += w->bulk_duplicates;
    return 0;
}
