/* json.c - a request body read as JSON, with a NUL character (escaped or raw) named by the
 * field that holds it: no stored text may hold one (C strings end there, PostgreSQL refuses it). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "ingest.h"

/* The path of the first string (or key) of v holding a NUL, into path; false when none. */
static bool find_nul(json_t *v, struct buf *path)
{
    size_t at = path->len;
    if (json_is_string(v))
        return memchr(json_string_value(v), 0, json_string_length(v)) != NULL;
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            buf_addf(path, "[%zu]", i);
            if (find_nul(e, path))
                return true;
            path->len = at;
            path->ptr[at] = '\0';
        }
    } else if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach(v, k, e) {
            buf_addf(path, "%s%s", at ? "." : "", k);
            if (find_nul(e, path))
                return true;
            path->len = at;
            path->ptr[at] = '\0';
        }
    }
    return false;
}

/* body with each raw NUL inside a string written as \u0000, into out; false, with *at, when a
 * raw NUL stands outside a string (a syntax error as it is). */
static bool escape_raw_nuls(const char *body, size_t len, struct buf *out, size_t *at)
{
    bool in_string = false, escaped = false;
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        if (c == '\0') {
            *at = i;
            if (!in_string)
                return false;
            buf_adds(out, "\\u0000");
            escaped = false;
            continue;
        }
        buf_addc(out, c);
        if (escaped)
            escaped = false;
        else if (in_string && c == '\\')
            escaped = true;
        else if (c == '"')
            in_string = !in_string;
    }
    return true;
}

json_t *ingest_json_load(const char *body, size_t len, int code, struct lf_err *err)
{
    json_error_t je;
    json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
    if (o)
        return o;
    /* jansson refuses a NUL without saying where: read again with it allowed, to name the
     * field (a raw NUL byte, not JSON at all, is read as if it were escaped) */
    struct buf copy = BUF_INIT, path = BUF_INIT;
    bool raw = body && memchr(body, 0, len) != NULL;
    json_t *again = NULL;
    size_t at = 0;
    if (!raw)
        again = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    else if (escape_raw_nuls(body, len, &copy, &at))
        again = json_loadb(copy.ptr, copy.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    else /* jansson's own message would say "end of file" there */
        snprintf(je.text, sizeof(je.text), "a raw 0 byte at offset %zu, outside any string", at);
    buf_reserve(&path, 64);
    path.ptr[0] = '\0';
    if (again && find_nul(again, &path))
        err_set_field(err, path.len ? buf_str(&path) : NULL, code,
                      "'%s' holds a NUL character (%s): no text may hold one",
                      path.len ? buf_str(&path) : "the body", raw ? "a raw 0 byte" : "\\u0000");
    else
        err_set(err, code, "the body is not JSON: %s (line %d, column %d)", je.text, je.line,
                je.column);
    json_decref(again);
    buf_release(&copy);
    buf_release(&path);
    return NULL;
}
