/* err.c - formatting error messages into the caller's struct lf_err. */
#include "err.h"

#include <stdarg.h>
#include <string.h>

int err_set(struct lf_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    err->field[0] = '\0';
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int err_set_field(struct lf_err *err, const char *field, int code, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int err_prefix(struct lf_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    size_t plen = strlen(prefix);
    memcpy(prefix + plen, ": ", 3);
    plen += 2;
    /* The old message moves right by plen bytes; what no longer fits is cut. */
    size_t keep = strnlen(err->msg, sizeof(err->msg) - 1);
    if (plen + keep > sizeof(err->msg) - 1)
        keep = sizeof(err->msg) - 1 - plen;
    memmove(err->msg + plen, err->msg, keep);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + keep] = '\0';
    return -1;
}

void err_clear(struct lf_err *err)
{
    if (err) {
        err->code = LF_OK;
        err->msg[0] = '\0';
        err->field[0] = '\0';
    }
}
