/* paging.c - cursor pagination of list endpoints: ?limit=N&cursor=C, answered with next_cursor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http_int.h"

/* A cursor is opaque to clients: "c" and the last id in hex, so that it can change later. */
void http_page_cursor(int64_t after, char out[32])
{
    snprintf(out, 32, "c%llx", (unsigned long long)after);
}

int http_page_decode(const char *cursor, int64_t *after)
{
    char *end;
    /* hex digits only: strtoull would take " 5", "+5" and "0x5" too */
    size_t n = strlen(cursor);
    if (cursor[0] != 'c' || n < 2 || n > 17 ||
        strspn(cursor + 1, "0123456789abcdefABCDEF") != n - 1)
        return -1;
    unsigned long long v = strtoull(cursor + 1, &end, 16);
    if (v > INT64_MAX)
        return -1;
    *after = (int64_t)v;
    return 0;
}

int http_page_limit(struct http_req *r, size_t *limit)
{
    const char *v = http_query(r, "limit");
    *limit = PAGE_DEFAULT;
    if (!v)
        return 0;
    int64_t n;
    if (text_int(v, &n) < 0 || n < 1 || n > PAGE_MAX) {
        http_fail(r, HE_BAD_REQUEST, "limit", "'limit' must be an integer from 1 to %d",
                  PAGE_MAX);
        return -1;
    }
    *limit = (size_t)n;
    return 0;
}

int http_page_parse(struct http_req *r, struct http_page *out)
{
    const char *cursor = http_query(r, "cursor");
    *out = (struct http_page){.after = 0};
    if (http_page_limit(r, &out->limit) < 0)
        return -1;
    if (cursor && http_page_decode(cursor, &out->after) < 0) {
        http_fail(r, HE_BAD_REQUEST, "cursor", "'%.64s' is not a cursor of this list", cursor);
        return -1;
    }
    return 0;
}
