/* resources.c - the REST resources' use cases: JSON bodies checked against model/resource.c's
 * field definitions, references resolved, rows written through the store, rows back as JSON. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"

#define MAX_FIELDS 32
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
        json_object_set_new(o, r->def->fields[i].name, value_json(&r->def->fields[i], &v[i]));
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
static int ref_find(struct lf *lf, const struct resource_def *ref, const char *ext, int64_t *id,
                    struct lf_err *err)
{
    if (ref == &resource_accounts)
        return store_account_find(lf->st, lf->ws, ext, id, err);
    if (ref == &resource_contacts)
        return store_contact_find(lf->st, lf->ws, ext, id, NULL, err);
    if (ref == &resource_touchpoints)
        return store_touchpoint_find(lf->st, lf->ws, ext, id, err);
    struct survey sv;
    int found = store_survey_find(lf->st, lf->ws, ext, &sv, err);
    if (found == 1)
        *id = sv.id;
    return found;
}

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* Parses a query-string value for field f; a REF that names nothing becomes id -1 (no row). */
static int text_value(struct lf *lf, const struct field_def *f, const char *s, struct value *v,
                      struct lf_err *err)
{
    const char *why = "";
    *v = (struct value){.s = s};
    switch (f->type) {
    case FIELD_TEXT:
        return 0;
    case FIELD_REAL: {
        char *end;
        v->r = strtod(s, &end);
        if (end == s || *end)
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
    case FIELD_REF: {
        int found = ref_find(lf, f->ref, s, &v->i, err);
        if (found < 0)
            return -1;
        if (!found)
            v->i = -1;
        return 0;
    }
    case FIELD_JSON:
        return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be filtered on", f->name);
    default:
        if (parse_int(s, &v->i) < 0)
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
    if (!def->ext_key && parse_int(key, &v->i) < 0)
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
static int cursor_decode(struct lf *lf, const char *cursor, const struct field_def *sort,
                         struct row_query *q, struct buf *keep, struct lf_err *err)
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
    ret = text_value(lf, sort, buf_str(keep), &q->after_value, err);
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
    struct row_query q = {.limit = lq->limit ? lq->limit : DEFAULT_LIMIT};
    struct rows r = {.def = def, .data = json_array(), .sort_index = -1};
    struct buf cursor_text = BUF_INIT; /* the cursor's sort value, which q may point into */
    int ret = -1;
    if (q.limit > MAX_LIMIT) {
        err_set_field(err, "limit", LF_EINVAL, "limit %zu is over the maximum of %d", q.limit,
                      MAX_LIMIT);
        goto out;
    }
    if (lq->filters_nr > sizeof(q.filter) / sizeof(*q.filter)) {
        err_set(err, LF_EINVAL, "at most %zu filters", sizeof(q.filter) / sizeof(*q.filter));
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
        if (text_value(lf, f, lq->filter_values[i], &q.filter_value[i], err) < 0)
            goto out;
        q.filters_nr++;
    }
    if (lq->sort) {
        q.desc = lq->sort[0] == '-';
        const char *field = lq->sort + q.desc;
        q.sort = resource_field(def, field);
        if (!q.sort || q.sort->type == FIELD_JSON || q.sort->type == FIELD_REF) {
            err_set_field(err, "sort", LF_EINVAL, "%s cannot be sorted by '%s'", def->name,
                          field);
            goto out;
        }
        r.sort_index = (int)(q.sort - def->fields);
    }
    if (lq->cursor && cursor_decode(lf, lq->cursor, q.sort, &q, &cursor_text, err) < 0)
        goto out;
    r.want = q.limit;
    q.limit++;
    if (store_rows_list(lf->st, lf->ws, def, &q, add_row, &r, err) < 0)
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
    json_decref(r.data);
    json_decref(r.last_sort);
    buf_release(&cursor_text);
    return ret;
}

/* ---- get ---- */

static int row_json(struct lf *lf, const struct resource_def *def, const struct value *key,
                    char **json_out, struct lf_err *err)
{
    struct rows r = {.def = def, .data = json_array(), .sort_index = -1, .want = 1};
    int found = store_row_get(lf->st, lf->ws, def, key, add_row, &r, err);
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
    return row_json(lf, def, &k, json_out, err);
}

/* ---- write ---- */

static bool builtin_survey(const struct resource_def *def, const char *key)
{
    return def == &resource_surveys && key &&
           (!strcmp(key, "nps") || !strcmp(key, "csat") || !strcmp(key, "ces"));
}

/* Checks one body value against its field and turns it into v. */
static int body_value(struct lf *lf, const struct field_def *f, json_t *j, struct value *v,
                      struct lf_err *err)
{
    const char *why = "";
    *v = (struct value){0};
    if (json_is_null(j)) {
        if (f->flags & FIELD_REQUIRED)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' cannot be null", f->name);
        v->null = true;
        return 0;
    }
    switch (f->type) {
    case FIELD_TEXT:
    case FIELD_REF:
        if (!json_is_string(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a string", f->name);
        v->s = json_string_value(j);
        if (f->vocab && !model_in_vocab(f->vocab, v->s)) {
            struct buf allowed = BUF_INIT;
            for (const char *const *w = f->vocab; *w; w++)
                buf_addf(&allowed, "%s%s", w == f->vocab ? "" : ", ", *w);
            err_set_field(err, f->name, LF_EINVAL, "'%s' is not a %s (one of: %s)", v->s,
                          f->name, buf_str(&allowed));
            buf_release(&allowed);
            return -1;
        }
        if (f->type == FIELD_REF) {
            int found = ref_find(lf, f->ref, v->s, &v->i, err);
            if (found <= 0)
                return found < 0 ? -1
                                 : err_set_field(err, f->name, LF_EINVAL, "no %s '%s'",
                                                 f->ref->singular, v->s);
        }
        return 0;
    case FIELD_INT:
    case FIELD_MONEY:
        if (!json_is_integer(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an integer%s", f->name,
                                 f->type == FIELD_MONEY ? " (minor units, e.g. cents)" : "");
        v->i = json_integer_value(j);
        return 0;
    case FIELD_REAL:
        if (!json_is_number(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be a number", f->name);
        v->r = json_number_value(j);
        return 0;
    case FIELD_BOOL:
        if (!json_is_boolean(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be true or false",
                                 f->name);
        v->i = json_is_true(j);
        return 0;
    case FIELD_JSON:
        if (!json_is_object(j))
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an object", f->name);
        return 0; /* serialised by the caller, which owns the text */
    default: /* TIME, DATE */
        if (!json_is_string(j) ||
            time_parse(json_string_value(j), json_string_length(j), &v->i, &why) < 0)
            return err_set_field(err, f->name, LF_EINVAL, "'%s' must be an ISO 8601 %s%s%s",
                                 f->name, f->type == FIELD_DATE ? "date" : "time",
                                 *why ? ": " : "", why);
        if (f->type == FIELD_DATE)
            v->i = time_day_start(v->i);
        return 0;
    }
}

/* Rules that span fields or rows: scales, currencies, MRR >= 0. */
static int row_rules(struct lf *lf, const struct resource_def *def, const struct value *v,
                     const bool *given, struct lf_err *err)
{
    const struct field_def *f;
    if (def == &resource_accounts && given[(f = resource_field(def, "currency")) - def->fields] &&
        !v[f - def->fields].null && !model_currency_valid(v[f - def->fields].s))
        return err_set_field(err, "currency", LF_EINVAL,
                             "'%s' is not an ISO 4217 currency code", v[f - def->fields].s);
    if ((def == &resource_accounts || def == &resource_mrr_changes) &&
        given[(f = resource_field(def, "mrr")) - def->fields] && !v[f - def->fields].null &&
        v[f - def->fields].i < 0)
        return err_set_field(err, "mrr", LF_EINVAL, "'mrr' cannot be negative");
    if (def == &resource_surveys) {
        size_t lo = (size_t)(resource_field(def, "scale_min") - def->fields);
        size_t hi = (size_t)(resource_field(def, "scale_max") - def->fields);
        if (given[lo] && given[hi] && v[lo].i >= v[hi].i)
            return err_set_field(err, "scale_max", LF_EINVAL,
                                 "'scale_max' must be greater than 'scale_min'");
    }
    if (def == &resource_responses) {
        size_t si = (size_t)(resource_field(def, "survey") - def->fields);
        size_t sc = (size_t)(resource_field(def, "score") - def->fields);
        struct survey sv;
        if (given[si] && given[sc] && store_survey_find(lf->st, lf->ws, v[si].s, &sv, err) == 1 &&
            model_score_check(&sv, (int)v[sc].i, err) < 0) {
            snprintf(err->field, sizeof(err->field), "score");
            return -1;
        }
    }
    return 0;
}

struct body {
    struct value v[MAX_FIELDS];
    bool given[MAX_FIELDS];
    char *json_text[MAX_FIELDS]; /* FIELD_JSON values, serialised */
};

static void body_release(struct body *b)
{
    for (size_t i = 0; i < MAX_FIELDS; i++)
        free(b->json_text[i]);
}

/* Reads the request body into b; *key_text is the key (from the URL or the body's "id"). */
static int body_read(struct lf *lf, const struct resource_def *def, json_t *o, int mode,
                     const char **key_text, struct body *b, struct lf_err *err)
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
        if (body_value(lf, f, j, &b->v[i], err) < 0)
            return -1;
        if (f->type == FIELD_JSON && !b->v[i].null)
            b->v[i].s = b->json_text[i] = dump(json_incref(j));
        b->given[i] = true;
    }
    if (def->ext_key && !*key_text)
        return err_set_field(err, "id", LF_EINVAL, "'id' is required");
    if (mode != LF_WRITE_MERGE)
        for (size_t i = 0; i < def->fields_nr; i++)
            if ((def->fields[i].flags & FIELD_REQUIRED) && !b->given[i])
                return err_set_field(err, def->fields[i].name, LF_EINVAL, "'%s' is required",
                                     def->fields[i].name);
    return 0;
}

/* Side effects a row has beyond its table: an account's mrr is a point of its MRR history, and
 * an MRR change moves its account's current MRR. */
static int after_write(struct lf *lf, const struct resource_def *def, const char *key,
                       const struct body *b, int64_t id, struct lf_err *err)
{
    if (def == &resource_accounts) {
        size_t mi = (size_t)(resource_field(def, "mrr") - def->fields);
        if (!b->given[mi] || b->v[mi].null)
            return 0;
        struct account a = {.ext_id = key, .mrr = b->v[mi].i, .seats = LF_UNSET,
                            .customer_since = LF_UNSET, .renewal_date = LF_UNSET};
        enum store_change ch;
        int64_t aid;
        return store_account_upsert(lf->st, lf->ws, &a, time_day_start(time_now_ms()), &aid,
                                    &ch, err);
    }
    if (def == &resource_mrr_changes) {
        size_t ai = (size_t)(resource_field(def, "account_id") - def->fields);
        int64_t account = b->v[ai].i;
        if (!b->given[ai]) { /* a merge that kept the account: read it back */
            struct rows r = {.def = def, .data = json_array(), .sort_index = -1, .want = 1};
            struct value k = {.i = id};
            int found = store_row_get(lf->st, lf->ws, def, &k, add_row, &r, err);
            json_t *ext = json_object_get(json_array_get(r.data, 0), "account_id");
            found = found == 1 ? ref_find(lf, &resource_accounts, json_string_value(ext),
                                          &account, err)
                               : found;
            json_decref(r.data);
            if (found != 1)
                return -1;
        }
        return store_account_mrr_sync(lf->st, account, err);
    }
    return 0;
}

int lf_resource_write(struct lf *lf, const char *name, const char *key, const char *body,
                      size_t len, int mode, char **json_out, bool *created, struct lf_err *err)
{
    const struct resource_def *def = resource(name, err);
    if (!def)
        return -1;
    struct body b = {0};
    json_error_t jerr;
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    struct value k = {0};
    int64_t id = 0;
    enum store_change change;
    int ret = -1;
    bool in_tx = false;
    if (!o) {
        err_set(err, LF_EUSAGE, "the body is not JSON: %s (line %d, column %d)", jerr.text,
                jerr.line, jerr.column);
        goto out;
    }
    if (!json_is_object(o)) {
        err_set(err, LF_EUSAGE, "the body must be a JSON object");
        goto out;
    }
    if (key && parse_key(def, key, &k, err) < 0)
        goto out;
    if (body_read(lf, def, o, mode, &key, &b, err) < 0 ||
        row_rules(lf, def, b.v, b.given, err) < 0)
        goto out;
    if (builtin_survey(def, key)) {
        err_set(err, LF_ECONFLICT, "survey '%s' is built in and cannot change", key);
        goto out;
    }
    k.s = key;
    const struct field_def *created_at = resource_field(def, "created_at");
    if (created_at && (created_at->flags & FIELD_READONLY) && mode == LF_WRITE_CREATE) {
        size_t i = (size_t)(created_at - def->fields);
        b.v[i] = (struct value){.i = time_now_ms()};
        b.given[i] = true;
    }
    if (store_begin(lf->st, err) < 0)
        goto out;
    in_tx = true;
    if (store_row_write(lf->st, lf->ws, def, &k, b.v, b.given, mode, &id, &change, err) < 0)
        goto out;
    if (after_write(lf, def, key, &b, id, err) < 0 || store_commit(lf->st, err) < 0)
        goto out;
    in_tx = false;
    if (created)
        *created = change == STORE_INSERTED;
    if (!def->ext_key)
        k.i = id;
    ret = row_json(lf, def, &k, json_out, err);
out:
    if (in_tx)
        store_rollback(lf->st);
    body_release(&b);
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
    int ret = -1;
    if (!def || parse_key(def, key, &k, err) < 0)
        return -1;
    if (builtin_survey(def, key))
        return err_set(err, LF_ECONFLICT, "survey '%s' is built in and cannot be deleted", key);
    if (store_begin(lf->st, err) < 0)
        return -1;
    if (row_json(lf, def, &k, &row, err) < 0)
        goto out;
    int deleted = store_row_delete(lf->st, lf->ws, def, &k, actor, row, err);
    if (deleted <= 0) {
        if (deleted == 0)
            err_set(err, LF_ENOENT, "no %s '%s'", def->singular, key);
        goto out;
    }
    if (def == &resource_mrr_changes) {
        json_t *o = json_loads(row, 0, NULL);
        int64_t account;
        int found = ref_find(lf, &resource_accounts,
                             json_string_value(json_object_get(o, "account_id")), &account, err);
        json_decref(o);
        if (found != 1 || store_account_mrr_sync(lf->st, account, err) < 0)
            goto out;
    }
    ret = store_commit(lf->st, err);
out:
    if (ret < 0)
        store_rollback(lf->st);
    free(row);
    return ret;
}
