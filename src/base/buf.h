/* buf.h - a growable NUL-terminated byte string, and a borrowed span. */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    char *ptr; /* always NUL-terminated once anything was added; NULL when empty and new */
    size_t len;
    size_t cap;
};

struct span {
    const char *ptr;
    size_t len;
};

#define BUF_INIT {NULL, 0, 0}

void buf_init(struct buf *b);
void buf_release(struct buf *b);        /* frees; safe on an empty buf */
void buf_reset(struct buf *b);          /* empties, keeps the memory */
void buf_reserve(struct buf *b, size_t extra); /* room for extra more bytes and a NUL */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
void buf_add_json_str(struct buf *b, const char *s, size_t n);
/* Appends s as one CSV field, quoted when needed (RFC 4180) or when it starts or ends with a
 * space or tab (which readers trim from unquoted fields). */
void buf_add_csv_field(struct buf *b, const char *s, size_t n);
const char *buf_str(const struct buf *b); /* "" for an empty buf; borrowed */
char *buf_detach(struct buf *b);          /* the caller frees; b is empty afterwards */

bool span_eq(struct span s, const char *lit);

/* Reads the decimal integer s starts with: an optional '-' and ASCII digits, as a count or an
 * id is written in a query, a path or a form. No space, '+', "0x" or digit of another script:
 * strtoll's leniency (" 5", "+5") would let two spellings name one value. Returns the bytes
 * read, 0 when s starts with no number or it is outside int64_t; *out is set when not 0. */
size_t text_int_prefix(const char *s, int64_t *out);
/* The same for the whole of s: 0, or -1 when s is anything but such a number. */
int text_int(const char *s, int64_t *out);
/* Reads the whole of s as a finite decimal number ("-1.5", ".5", "2e3"): 0, or -1 for anything
 * else, including what strtod also takes: a leading space or '+', hex, "inf" and "nan". */
int text_real(const char *s, double *out);

#endif
