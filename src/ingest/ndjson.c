/* ndjson.c - NDJSON records through jansson, and a JSON object's members read into a row. */
#include "ingest_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int ndjson_read(FILE *f, struct progress *pg, ndjson_record_fn fn, void *ctx, struct lf_err *err)
{
    char *line = NULL, msg[256], why[128];
    size_t cap = 0, lineno = 0;
    uint64_t done = 0;
    ssize_t n;
    int ret = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        char *p = line;
        size_t len = (size_t)n;
        lineno++;
        done += (uint64_t)n;
        if (lineno == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3, len -= 3;
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
            len--;
        if (strspn(p, " \t") >= len)
            continue;
        json_error_t jerr;
        json_t *obj = json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr);
        struct ndjson_record rec = {.line = lineno, .text = {p, len}};
        if (!obj) {
            snprintf(msg, sizeof(msg), "invalid JSON: %s", jerr.text);
            rec.error = msg;
            rec.column = jerr.column > 0 ? (size_t)jerr.column : 0;
        } else if (!json_is_object(obj)) {
            rec.error = "expected a JSON object";
        } else {
            rec.obj = obj;
        }
        int rc = fn(ctx, &rec, err);
        json_decref(obj);
        if (rc < 0) {
            ret = -1;
            break;
        }
        if (pg)
            progress_update(pg, done);
    }
    if (ret == 0 && ferror(f))
        ret = err_set(err, LF_EINVAL, "read error: %s", ingest_strerror(errno, why));
    free(line);
    return ret;
}

/* The member at path "a.b.c", walking through objects; NULL when any step is missing. */
json_t *ndjson_member(const json_t *obj, const char *path)
{
    json_t *v = (json_t *)obj;
    while (v && json_is_object(v)) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        v = json_object_getn(v, path, n);
        if (!dot)
            return v;
        path = dot + 1;
    }
    return NULL;
}

const char *ndjson_string(const struct json_t *obj, const char *path)
{
    return json_string_value(ndjson_member(obj, path));
}

/* The shortest of %.15g, %.16g, %.17g that reads back as d: 0.1 stays "0.1". */
static void real_text(struct buf *b, double d)
{
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, d);
        if (strtod(s, NULL) == d)
            break;
    }
    buf_adds(b, s);
}

/* True when member `key` of the object at `prefix` ("" = the record) is one of r's columns. */
static bool is_column(const struct row *r, const char *prefix, const char *key)
{
    size_t plen = strlen(prefix);
    for (size_t k = 0; k < r->nr; k++) {
        const char *name = r->name[k];
        if (plen == 0 ? strcmp(name, key) == 0
                      : strncmp(name, prefix, plen) == 0 && name[plen] == '.' &&
                            strcmp(name + plen + 1, key) == 0)
            return true;
    }
    return false;
}

static void fill_extras(const json_t *obj, const char *extras, struct row *r)
{
    json_t *src = *extras ? ndjson_member(obj, extras) : (json_t *)obj, *out = NULL, *v;
    const char *key;
    if (!json_is_object(src))
        return;
    json_object_foreach(src, key, v)
    {
        if (is_column(r, extras, key))
            continue;
        if (!out)
            out = json_object();
        json_object_set(out, key, v);
    }
    if (!out)
        return;
    char *s = json_dumps(out, JSON_COMPACT);
    buf_reset(&r->extras_buf);
    buf_adds(&r->extras_buf, s);
    free(s);
    r->extras = buf_str(&r->extras_buf);
    json_decref(out);
}

/* printf's %lld without printf's cost: one per number of every NDJSON row. */
static void int_text(struct buf *b, json_int_t v)
{
    char s[24], *p = s + sizeof(s);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    buf_add(b, p, (size_t)(s + sizeof(s) - p));
}

int ndjson_fill(const struct json_t *obj, const char *extras, struct row *r, struct lf_err *err)
{
    for (size_t k = 0; k < r->nr; k++) {
        json_t *v = ndjson_member(obj, r->name[k]);
        struct buf *t = &r->text[k];
        buf_reset(t);
        switch (json_typeof(v ? v : json_null())) {
        case JSON_STRING:
            if (json_string_length(v) > 0)
                r->val[k] = (struct span){json_string_value(v), json_string_length(v)};
            continue;
        case JSON_INTEGER:
            int_text(t, json_integer_value(v));
            break;
        case JSON_REAL:
            real_text(t, json_real_value(v));
            break;
        case JSON_TRUE:
        case JSON_FALSE:
            buf_adds(t, json_is_true(v) ? "true" : "false");
            break;
        case JSON_NULL:
            continue;
        case JSON_OBJECT:
        case JSON_ARRAY:
            err_set(err, LF_EINVAL, "expected a string or a number, not %s",
                    json_is_object(v) ? "an object" : "an array");
            return row_fail(r, (int)k, err);
        }
        r->val[k] = (struct span){t->ptr, t->len};
    }
    if (extras)
        fill_extras(obj, extras, r);
    return 0;
}
