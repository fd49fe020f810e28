/* err.h - filling a struct lf_err: a code and a fixed-size message, never allocating. */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#include "landfall.h"

/* Sets err (which may be NULL) and returns -1, so failing is one line. */
int err_set(struct lf_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like err_set, and names the input field the error is about. */
int err_set_field(struct lf_err *err, const char *field, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prefixes err's message with "prefix: " (e.g. a file name). Returns -1. */
int err_prefix(struct lf_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct lf_err *err);

#endif
