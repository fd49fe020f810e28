/* utf8.h - validating text at the edges. */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
 * On false, *bad_at (if not NULL) is the offset of the first bad byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);

#endif
