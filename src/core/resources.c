/* resources.c - the REST resources' use cases: a JSON body becomes a row of the store's write
 * path (which validates it against model/resource.c), rows come back as JSON objects, listings
 * page by keyset cursors. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"
#include "core.h"
#include "ingest/ingest.h"

#define MAX_FIELDS RESOURCE_MAX_FIELDS
#define DEFAULT_LIMIT 50
#define MAX_LIMIT 1000

static const struct resource_def *resource(const char *name, struct lf_err *err)
{
    const struct resource_def *def = resource_find(name);
    if (!def)
        err_set(err, LF_ENOENT, "no resource '%s'", name);
    return def;
}

/* ---- rows → JSON ---- */

static json_t *value_json(const struct field_def *f, const struct value *v)
{
    char t[32];
    if (v->null)
        return json_null();
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_REF:
    case FIELD_DICT:
        return json_string(v->s);
    case FIELD_REAL:
        return json_real(v->r);
    case FIELD_TIME:
        time_format_iso(v->i, t);
        return json_string(t);
    case FIELD_DATE:
        time_format_date(v->i, t);
        return json_string(t);
    case FIELD_BOOL:
        return json_boolean(v->i);
    case FIELD_JSON: {
        json_t *j = json_loads(v->s, 0, NULL);
        return j ? j : json_string(v->s);
    }
    default:
        return json_integer(v->i);
    }
}

struct rows {
    const struct resource_def *def;
    json_t *data;
    int sort_index;          /* the field sorted by, or -1 for the id */
    size_t want;             /* the page size; one more row tells there is a next page */
    size_t seen;             /* rows the store returned */
    json_t *last_sort;       /* the sort value and id of the page's last row */
    int64_t last_id;
};

static int add_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err)
{
    (void)err;
    struct rows *r = ctx;
    if (r->seen++ == r->want)
        return 0; /* the extra row only says that a next page exists */
    json_t *o = json_object();
    for (size_t i = 0; i < r->def->fields_nr; i++)
        if (!(r->def->fields[i].flags & FIELD_MERGE)) /* written, never read back */
            json_object_set_new(o, r->def->fields[i].name,
                                value_json(&r->def->fields[i], &v[i]));
    json_array_append_new(r->data, o);
    json_decref(r->last_sort);
    r->last_sort = r->sort_index >= 0 ? json_incref(json_object_get(
                                            o, r->def->fields[r->sort_index].name))
                                      : NULL;
    r->last_id = id;
    return 0;
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    if (!s)
        abort(); /* only out of memory makes jansson fail here */
    char *out = xstrdup(s);
    free(s);
    return out;
}

/* ---- text → values (filters, cursors, keys) ---- */

/* Resolves a referenced external id: 1 with *id, 0 when unknown, -1 on error. */
static int ref_find(struct lf *lf, struct store *st, const struct resource_def *ref,
                    const char *ext, int64_t *id, struct lf_err *err)
{
    struct value key = {.s = ext};
    return store_find(st, lf->w->info.id, ref, &key, id, err);
}

/* The code of an event name: 1 with *code, 0 when no event has it, -1 on error. */
static int name_find(struct lf *lf, struct store *st, const char *name, int64_t *code,
                     struct lf_err *err)
{
    return store_event_name_find(st, lf->w->info.id, name, code, err);
}

/* Parses a query-string value for field f; a REF that names nothing becomes id -1 (no row). */
static int text_value(struct lf *lf, struct store *st, const struct field_def *f, const char *s,
                      struct value *v, struct lf_err *err)
{
    const char *why = "";
    *v = (struct value){.s = s};
    switch (f->type) {
    case FIELD_TEXT:
        return 0;
    case FIELD_REAL: {
        char *end;
        v->r = strtod(s, &end);
        /* "nan" and "inf" parse, but no stored value equals them: NaN is bound as NULL */
        if (end == s || *end || !isfinite(v->r))
            goto bad;
        return 0;
    }
    case FIELD_TIME:
    case FIELD_DATE:
        if (time_parse(s, strlen(s), &v->i, &why) < 0)
            goto bad;
        return 0;
    case FIELD_BOOL:
        if (strcmp(s, "true") && strcmp(s, "false") && strcmp(s, "1") && strcmp(s, "0"))
            goto bad;
        v->i = s[0] == 't' || s[0] == '1';
        return 0;
    case FIELD_REF:
    case FIELD_DICT: {
        if (f->flags & FIELD_MERGE) /* merged rows are not listed */
            return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be filtered on",
                                 f->name);
        int found = f->type == FIELD_REF ? ref_find(lf, st, f->ref, s, &v->i, err)
                                         : name_find(lf, st, s, &v->i, err);
        if (found < 0)
            return -1;
        if (!found)
            v->i = -1;
        return 0;
    }
    case FIELD_JSON:
        return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be filtered on", f->name);
    default:
        if (text_int(s, &v->i) < 0)
            goto bad;
        return 0;
    }
bad:
    return err_set_field(err, f->name, LF_EINVAL, "'%s' is not a valid %s%s%s", s, f->name,
                         *why ? ": " : "", why);
}

static int parse_key(const struct resource_def *def, const char *key, struct value *v,
                     struct lf_err *err)
{
    *v = (struct value){.s = key};
    if (!def->ext_key && text_int(key, &v->i) < 0)
        return err_set(err, LF_ENOENT, "no %s '%s'", def->singular, key);
    return 0;
}

/* A cursor is the hex of the JSON [sort value, id] of the last row of the page before. */
static char *cursor_encode(json_t *sort_value, int64_t id)
{
    json_t *a = json_pack("[O?I]", sort_value, (json_int_t)id);
    char *text = dump(a);
    struct buf b = BUF_INIT;
    for (const char *p = text; *p; p++)
        buf_addf(&b, "%02x", (unsigned char)*p);
    free(text);
    return buf_detach(&b);
}

/* Decodes a cursor into q's keyset. The sort value's text is kept in *keep (the caller's), which
 * q->after_value may point into. */
static int cursor_decode(struct lf *lf, struct store *st, const char *cursor,
                         const struct field_def *sort, struct store_query *q, struct buf *keep,
                         struct lf_err *err)
{
    struct buf text = BUF_INIT;
    json_t *a = NULL;
    size_t n = strlen(cursor);
    int ret = -1;
    for (size_t i = 0; i + 1 < n; i += 2) {
        char hex[3] = {cursor[i], cursor[i + 1], 0}, *end;
        long c = strtol(hex, &end, 16);
        if (*end || c == 0)
            goto bad;
        buf_addc(&text, (char)c);
    }
    a = json_loads(buf_str(&text), 0, NULL);
    json_t *sv = json_array_get(a, 0), *id = json_array_get(a, 1);
    if (n % 2 || !json_is_array(a) || !json_is_integer(id) || !sv)
        goto bad;
    q->after = true;
    q->after_id = json_integer_value(id);
    if (!sort || json_is_null(sv)) { /* NULLs sort as the lowest value of their type */
        q->after_value = (struct value){.s = "", .i = -9223372036854775807LL, .r = -1e308};
        ret = 0;
        goto out;
    }
    if (json_is_string(sv))
        buf_adds(keep, json_string_value(sv));
    else if (json_is_integer(sv))
        buf_addf(keep, "%lld", (long long)json_integer_value(sv));
    else if (json_is_real(sv))
        buf_addf(keep, "%.17g", json_real_value(sv));
    else if (json_is_boolean(sv))
        buf_adds(keep, json_is_true(sv) ? "true" : "false");
    else
        goto bad;
    ret = text_value(lf, st, sort, buf_str(keep), &q->after_value, err);
    goto out;
bad:
    err_set_field(err, "cursor", LF_EINVAL, "'%s' is not a cursor of this listing", cursor);
out:
    json_decref(a);
    buf_release(&text);
    return ret;
}

int lf_resource_list(struct lf *lf, const char *name, const struct lf_list_query *lq,
                     char **json_out, struct lf_err *err)
{
    const struct resource_def *def = resource(name, err);
    if (!def)
        return -1;
    struct store_query q = {.limit = lq->limit ? lq->limit : DEFAULT_LIMIT};
    struct rows r = {.def = def, .data = json_array(), .sort_index = -1};
    struct buf cursor_text = BUF_INIT; /* the cursor's sort value, which q may point into */
    int ret = -1;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        goto out;
    if (q.limit > MAX_LIMIT) {
        err_set_field(err, "limit", LF_EINVAL, "limit %zu is over the maximum of %d", q.limit,
                      MAX_LIMIT);
        goto out;
    }
    if (lq->filters_nr > STORE_FILTERS) {
        err_set(err, LF_EINVAL, "at most %d filters", STORE_FILTERS);
        goto out;
    }
    for (size_t i = 0; i < lq->filters_nr; i++) {
        const struct field_def *f = resource_field(def, lq->filter_names[i]);
        if (!f) {
            err_set_field(err, lq->filter_names[i], LF_EINVAL, "%s have no field '%s'",
                          def->name, lq->filter_names[i]);
            goto out;
        }
        q.filter[i] = f;
        if (text_value(lf, st, f, lq->filter_values[i], &q.filter_value[i], err) < 0)
            goto out;
        q.filters_nr++;
    }
    if (lq->sort) {
        q.desc = lq->sort[0] == '-';
        const char *field = lq->sort + q.desc;
        q.sort = resource_field(def, field);
        if (!q.sort || q.sort->type == FIELD_JSON || q.sort->type == FIELD_REF ||
            q.sort->type == FIELD_DICT) {
            err_set_field(err, "sort", LF_EINVAL, "%s cannot be sorted by '%s'", def->name,
                          field);
            goto out;
        }
        r.sort_index = (int)(q.sort - def->fields);
    }
    if (lq->cursor && cursor_decode(lf, st, lq->cursor, q.sort, &q, &cursor_text, err) < 0)
        goto out;
    r.want = q.limit;
    q.limit++;
    if (store_list(st, lf->w->info.id, def, &q, add_row, &r, err) < 0)
        goto out;
    bool more = r.seen > r.want;
    json_t *page = json_object();
    json_object_set_new(page, "data", r.data);
    r.data = NULL;
    char *next = NULL;
    if (more)
        next = cursor_encode(r.last_sort, r.last_id);
    json_object_set_new(page, "next_cursor", next ? json_string(next) : json_null());
    free(next);
    *json_out = dump(page);
    ret = 0;
out:
    core_read_end(lf, st);
    json_decref(r.data);
    json_decref(r.last_sort);
    buf_release(&cursor_text);
    return ret;
}

/* ---- get ---- */

static int row_json(struct lf *lf, struct store *st, const struct resource_def *def,
                    const struct value *key, char **json_out, struct lf_err *err)
{
    struct rows r = {.def = def, .data = json_array(), .sort_index = -1, .want = 1};
    int found = store_get(st, lf->w->info.id, def, key, add_row, &r, err);
    if (found == 0) {
        if (def->ext_key)
            err_set(err, LF_ENOENT, "no %s '%s'", def->singular, key->s);
        else
            err_set(err, LF_ENOENT, "no %s %lld", def->singular, (long long)key->i);
    }
    if (found == 1)
        *json_out = dump(json_incref(json_array_get(r.data, 0)));
    json_decref(r.data);
    json_decref(r.last_sort);
    return found == 1 ? 0 : -1;
}

int lf_resource_get(struct lf *lf, const char *name, const char *key, char **json_out,
                    struct lf_err *err)
{
    const struct resource_def *def = resource(name, err);
    struct value k;
    if (!def || parse_key(def, key, &k, err) < 0)
        return -1;
    struct store *st = core_read_begin(lf, err);
    if (!st)
        return -1;
    int rc = row_json(lf, st, def, &k, json_out, err);
    core_read_end(lf, st);
    return rc;
}

/* ---- write ---- */

/* Turns one body value into field f's value of row r: only its JSON type is checked here; the
 * write path checks the rest (model/resource.c). */
static int body_value(const struct field_def *f, size_t i, json_t *j, struct store_row *r,
                      char **json_text, struct lf_err *err)
{
    const char *why = "";
    int64_t ms;
    if (json_is_null(j)) {
        store_row_null(r, i);
        return 0;
    }
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_DICT:
        if (!json_is_string(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a string", f->name);
        store_row_text(r, i, json_string_value(j));
        return 0;
    case FIELD_REF:
        if (!json_is_string(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a string (an id)",
                                 f->name);
        store_row_ref(r, i, json_string_value(j), 0);
        return 0;
    case FIELD_INT:
    case FIELD_MONEY:
        if (!json_is_integer(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an integer%s", f->name,
                                 f->type == FIELD_MONEY ? " (minor units, e.g. cents)" : "");
        store_row_int(r, i, json_integer_value(j));
        return 0;
    case FIELD_REAL:
        if (!json_is_number(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a number", f->name);
        store_row_real(r, i, json_number_value(j));
        return 0;
    case FIELD_BOOL:
        if (!json_is_boolean(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be true or false",
                                 f->name);
        store_row_int(r, i, json_is_true(j));
        return 0;
    case FIELD_JSON:
        if (!json_is_object(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an object", f->name);
        *json_text = dump(json_incref(j));
        store_row_text(r, i, *json_text);
        return 0;
    default: /* TIME, DATE */
        if (!json_is_string(j) ||
            time_parse(json_string_value(j), json_string_length(j), &ms, &why) < 0)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an ISO 8601 %s%s%s",
                                 f->name, f->type == FIELD_DATE ? "date" : "time",
                                 *why ? ": " : "", why);
        store_row_int(r, i, f->type == FIELD_DATE ? time_day_start(ms) : ms);
        return 0;
    }
}

/* Reads the request body into row r; *key_text is the key (from the URL or the body's "id"). */
static int body_read(const struct resource_def *def, json_t *o, const char **key_text,
                     struct store_row *r, char **json_text, struct lf_err *err)
{
    const char *name;
    json_t *j;
    json_object_foreach(o, name, j) {
        const struct field_def *f = resource_field(def, name);
        if (!f)
            return err_set_field(err, name, LF_EINVAL, "%s have no field '%s'", def->name, name);
        size_t i = (size_t)(f - def->fields);
        if (f->flags & FIELD_KEY) {
            if (!def->ext_key)
                return err_set_field(err, name, LF_EINVAL, "'id' is assigned by landfall");
            if (!json_is_string(j) || !json_string_length(j))
                return err_set_field(err, "id", LF_EINVAL, "'id' must be a non-empty string");
            if (*key_text && strcmp(*key_text, json_string_value(j)))
                return err_set_field(err, "id", LF_EINVAL,
                                     "the body's id '%s' is not the URL's '%s'",
                                     json_string_value(j), *key_text);
            *key_text = json_string_value(j);
            continue;
        }
        if (f->flags & FIELD_READONLY)
            return err_set_field(err, name, LF_EINVAL, "'%s' is set by landfall", name);
        if (body_value(f, i, j, r, &json_text[i], err) < 0)
            return -1;
    }
    if (def->ext_key && !*key_text)
        return err_set_field(err, "id", LF_EINVAL, "'id' is required");
    return 0;
}

static const int store_modes[] = {[LF_WRITE_CREATE] = STORE_CREATE,
                                  [LF_WRITE_REPLACE] = STORE_REPLACE,
                                  [LF_WRITE_MERGE] = STORE_MERGE};

int lf_resource_write(struct lf *lf, const char *name, const char *key, const char *body,
                      size_t len, int mode, char **json_out, bool *created, struct lf_err *err)
{
    const struct resource_def *def = resource(name, err);
    if (!def)
        return -1;
    if (mode < LF_WRITE_CREATE || mode > LF_WRITE_MERGE)
        return err_set(err, LF_EUSAGE, "unknown write mode %d", mode);
    if (def->append_only && mode != LF_WRITE_CREATE)
        return err_set(err, LF_ECONFLICT, "%s are never changed once stored", def->name);
    struct store_row r;
    char *json_text[MAX_FIELDS] = {0};
    json_t *o = ingest_json_load(body, len, LF_EUSAGE, err);
    struct value k = {0};
    struct store *st;
    int ret = -1;
    store_row_init(&r, def, store_modes[mode]);
    if (!o)
        goto out;
    if (!json_is_object(o)) {
        err_set(err, LF_EUSAGE, "the body must be a JSON object");
        goto out;
    }
    if (key && parse_key(def, key, &k, err) < 0)
        goto out;
    if (body_read(def, o, &key, &r, json_text, err) < 0)
        goto out;
    if (def->ext_key)
        store_row_text(&r, RESOURCE_KEY, key);
    else
        r.v[RESOURCE_KEY].i = k.i;
    if (def == &resource_tasks && mode == LF_WRITE_CREATE)
        store_row_int(&r, TASK_CREATED, time_now_ms());
    if (core_tx_begin_lf(lf, &st, err) < 0)
        goto out;
    /* an event may name users and accounts not seen yet, as a tracked one does */
    struct store_write_opts wo = {.actor = "api", .flags = def->append_only ? STORE_STUBS : 0};
    if (store_write(st, lf->w->info.id, &r, 1, &wo, NULL, err) < 0) {
        core_tx_abort(lf->w->core);
        goto out;
    }
    if (r.err.code) {
        core_tx_abort(lf->w->core);
        *err = r.err;
        goto out;
    }
    if (core_tx_commit_lf(lf, err) < 0)
        goto out;
    if (created)
        *created = r.change == STORE_INSERTED;
    if (!def->ext_key)
        k.i = r.id;
    k.s = key;
    if (!(st = core_read_begin(lf, err)))
        goto out;
    ret = row_json(lf, st, def, &k, json_out, err);
    core_read_end(lf, st);
out:
    for (size_t i = 0; i < MAX_FIELDS; i++)
        free(json_text[i]);
    json_decref(o);
    return ret;
}

/* ---- delete ---- */

int lf_resource_delete(struct lf *lf, const char *name, const char *key, const char *actor,
                       struct lf_err *err)
{
    const struct resource_def *def = resource(name, err);
    struct value k;
    char *row = NULL;
    struct store *st;
    if (!def || parse_key(def, key, &k, err) < 0)
        return -1;
    if (def->append_only)
        return err_set(err, LF_ECONFLICT, "%s are never deleted one by one", def->name);
    if ((def->hooks & HOOK_BUILTIN) &&
        (!strcmp(key, "nps") || !strcmp(key, "csat") || !strcmp(key, "ces")))
        return err_set(err, LF_ECONFLICT, "%s '%s' is built in and cannot be deleted",
                       def->singular, key);
    if (core_tx_begin_lf(lf, &st, err) < 0)
        return -1;
    int deleted = row_json(lf, st, def, &k, &row, err) < 0
                      ? -1
                      : store_delete(st, lf->w->info.id, def, &k, actor, row, err);
    free(row);
    if (deleted <= 0) {
        core_tx_abort(lf->w->core);
        if (deleted == 0)
            err_set(err, LF_ENOENT, "no %s '%s'", def->singular, key);
        return -1;
    }
    return core_tx_commit_lf(lf, err);
}
