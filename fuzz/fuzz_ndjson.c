/* fuzz_ndjson.c - libFuzzer target: ndjson_read over any bytes, and ndjson_fill of each object
 * into the events schema (nested paths, extras). Checks that a number's text reads back as the
 * very number, a string's text is the string, and the extras are a JSON object. */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"

#include <jansson.h>
#include <string.h>

#include "ingest/ingest_int.h"

static const char *const cols[] = {"message_id", "ts",    "account_id",      "user_id",
                                   "event",      "value", "context.groupId", "properties.plan.name",
                                   NULL};

struct seen {
    const uint8_t *data;
    size_t size, last_line;
    struct row row;
};

/* The member at "a.b" of obj, as ndjson_fill finds it. */
static json_t *at(json_t *obj, const char *path)
{
    char key[64];
    while (json_is_object(obj)) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        obj = json_object_get(obj, key);
        if (!dot)
            return obj;
        path = dot + 1;
    }
    return NULL;
}

static void check_value(json_t *v, struct span got, const char *col)
{
    char *end;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        if (json_string_length(v) == 0) {
            fuzz_check(!got.ptr, "%s: an empty string is not given", col);
            return;
        }
        fuzz_check(got.len == json_string_length(v) &&
                       memcmp(got.ptr, json_string_value(v), got.len) == 0,
                   "%s: the string changed", col);
        break;
    case JSON_INTEGER:
        fuzz_check(got.ptr && strtoll(got.ptr, &end, 10) == json_integer_value(v) &&
                       end == got.ptr + got.len,
                   "%s: integer %lld became '%s'", col, (long long)json_integer_value(v),
                   got.ptr ? got.ptr : "(none)");
        break;
    case JSON_REAL:
        fuzz_check(
            got.ptr && strtod(got.ptr, &end) == json_real_value(v) && end == got.ptr + got.len,
            "%s: real %.17g became '%s'", col, json_real_value(v), got.ptr ? got.ptr : "(none)");
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        fuzz_check(got.ptr && strcmp(got.ptr, json_is_true(v) ? "true" : "false") == 0,
                   "%s: a boolean became '%s'", col, got.ptr ? got.ptr : "(none)");
        break;
    default:
        fuzz_check(!got.ptr, "%s: null, an object or an array gave a value", col);
    }
    if (got.ptr)
        fuzz_check(got.ptr[got.len] == '\0', "%s: value not NUL-ended", col);
}

static int check(void *ctx, const struct ndjson_record *rec, struct lf_err *err)
{
    struct seen *s = ctx;
    (void)err;
    fuzz_check(rec->line > s->last_line, "line %zu after %zu", rec->line, s->last_line);
    s->last_line = rec->line;
    fuzz_check(rec->text.len && memmem(s->data, s->size, rec->text.ptr, rec->text.len),
               "the record's text is not a piece of the input");
    fuzz_check(!rec->obj != !rec->error, "a record has an object or an error, not both");
    if (!rec->obj)
        return 0;
    json_t *obj = (json_t *)rec->obj;
    fuzz_check(json_is_object(obj), "an accepted record is not an object");
    (void)segment_is_call(obj);
    for (int pass = 0; pass < 2; pass++) {
        const char *extras = pass ? "properties" : "";
        struct lf_err ferr = {0};
        row_reset(&s->row, cols, rec->line);
        if (ndjson_fill(obj, extras, &s->row, &ferr) < 0) {
            fuzz_check(ferr.code == LF_EINVAL && ferr.msg[0], "a fill error without a message");
            continue;
        }
        for (size_t k = 0; k < s->row.nr; k++)
            check_value(at(obj, cols[k]), s->row.val[k], cols[k]);
        if (s->row.extras) {
            json_t *x = json_loads(s->row.extras, 0, NULL);
            fuzz_check(json_is_object(x) && json_object_size(x) > 0,
                       "extras are not a non-empty JSON object: %s", s->row.extras);
            json_decref(x);
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = {.data = data, .size = size};
    struct lf_err err = {0};
    char empty[1];
    FILE *f = fmemopen(size ? (void *)data : empty, size, "r");
    fuzz_check(f, "fmemopen failed");
    row_init(&s.row, "fuzz.ndjson");
    int rc = ndjson_read(f, NULL, check, &s, &err);
    fclose(f);
    row_release(&s.row);
    fuzz_check(rc == 0, "ndjson_read failed: %s", err.msg);
    return 0;
}
