/* cli.c - the edge's error translation (error code → exit code) and shared option helpers. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const struct lf_err *err)
{
    fprintf(stderr, "landfall: %s\n", err->msg);
    switch (err->code) {
    case LF_EUSAGE:
        return EXIT_USAGE;
    case LF_EINVAL:
        return EXIT_PARTIAL;
    default:
        return EXIT_FAILURE_;
    }
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("landfall: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nsee 'landfall help%s%s'\n", cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

int cli_open(const char *db, struct lf **out)
{
    struct lf_err err = {0};
    if (lf_open(db, out, &err) < 0)
        return cli_fail(&err);
    return 0;
}

const char *cli_snapshot_path(const char *db, char *buf, size_t size)
{
    const char *path = strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
    snprintf(buf, size, "%s.engine", path);
    return buf;
}

int cli_time(const char *cmd, const char *opt, const char *arg, int64_t *out)
{
    struct lf_err err = {0};
    if (lf_time_parse(arg, out, &err) < 0) {
        cli_usage(cmd, "%s %s", opt, err.msg);
        return -1;
    }
    return 0;
}
