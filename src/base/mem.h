/* mem.h - allocation that aborts on failure, so callers need no NULL checks. */
#ifndef BASE_MEM_H
#define BASE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nr, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nr elements of `size` bytes to hold at least `want`; updates *cap. */
void *xgrow(void *p, size_t size, size_t want, size_t *cap);
char *xstrdup(const char *s);            /* NULL gives NULL */
char *xstrndup(const char *s, size_t n);

#endif
