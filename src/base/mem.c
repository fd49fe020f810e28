/* mem.c - the allocation wrappers: out of memory is not a recoverable error here. */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "landfall: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t nr, size_t size)
{
    void *p = calloc(nr ? nr : 1, size ? size : 1);
    if (!p)
        oom(nr * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *xgrow(void *p, size_t size, size_t want, size_t *cap)
{
    if (want <= *cap)
        return p;
    size_t n = *cap ? *cap : 8;
    while (n < want)
        n *= 2;
    *cap = n;
    return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
