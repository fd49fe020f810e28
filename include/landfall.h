/* landfall.h - the public API of liblandfall: open a store, import data, fill it with demo data,
 * compute reports. The CLI and the HTTP server are thin front ends over exactly these calls.
 *
 * Conventions: every fallible call returns 0 on success or -1 with *err filled in (a code and a
 * lowercase message; filling it never allocates). Handles are opaque; whoever calls x_open/x_new
 * calls the matching x_close/x_free, which accept NULL. */
#ifndef LANDFALL_H
#define LANDFALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LANDFALL_VERSION "0.1.0"

enum lf_errcode {
    LF_OK = 0,
    LF_EINVAL,    /* bad input: a value, a row, an option */
    LF_EUSAGE,    /* a call or command used wrongly */
    LF_ENOENT,    /* a file, an id or a name that does not exist */
    LF_EIO,       /* reading or writing a file failed */
    LF_ESTORE,    /* the database failed */
    LF_ESCHEMA,   /* the database schema is newer than this binary, or damaged */
    LF_ECONFLICT, /* the write conflicts with what is stored */
    LF_EAUTH,     /* missing or wrong credentials */
    LF_EPERM,     /* credentials without the needed scope */
    LF_ELIMIT,    /* a size or rate limit was exceeded */
    LF_EINTERNAL, /* a bug */
};

struct lf_err {
    int code;
    char msg[512];
};

/* ---- the handle ---- */
struct lf;

/* Opens the store at `url` ("sqlite:PATH", or a plain path) for workspace "default", creating and
 * migrating it forward. *out is the caller's: lf_close(). */
int lf_open(const char *url, struct lf **out, struct lf_err *err);
void lf_close(struct lf *lf); /* NULL is a no-op */

/* ---- import ---- */
enum lf_kind {
    LF_KIND_ACCOUNTS,
    LF_KIND_CONTACTS,
    LF_KIND_MRR_CHANGES,
    LF_KIND_ORDERS,
    LF_KIND_EVENTS,
    LF_KIND_TOUCHPOINTS,
    LF_KIND_RESPONSES,
    LF_KIND_NR
};

/* "accounts" → LF_KIND_ACCOUNTS…; -1 for an unknown name. */
int lf_kind_parse(const char *name);
const char *lf_kind_name(int kind);

struct lf_import_opts {
    bool strict;          /* any bad row aborts the file, nothing is written */
    bool progress;        /* draw a progress bar on stderr */
    FILE *reject_log;     /* each rejected row's "FILE:LINE:COLUMN: reason" goes here; may be NULL */
    bool write_rejects;   /* write rejected rows to FILE.rejects.csv */
};

struct lf_import_result {
    size_t rows;          /* data rows read */
    size_t inserted;      /* rows that were new */
    size_t updated;       /* rows that changed a stored row (upserts) */
    size_t unchanged;     /* rows identical to what was stored (re-import, duplicate message id) */
    size_t rejected;      /* rows refused; see the reject log */
    size_t stubs;         /* stub accounts created for unknown account references */
    bool aborted;         /* --strict and an error: nothing was written */
};

/* Imports one CSV or NDJSON file (told apart by extension: .ndjson/.jsonl/.json are NDJSON) of
 * `kind` in one transaction. Returns 0 when the file was read (some rows may still be rejected:
 * see *out), -1 when it could not be read or written at all. */
int lf_import_file(struct lf *lf, int kind, const char *path, const struct lf_import_opts *opts,
                   struct lf_import_result *out, struct lf_err *err);

/* ---- demo data ---- */
struct lf_demo_opts {
    int accounts;          /* number of accounts; 0 means the default (600) */
    uint64_t seed;         /* the same seed gives the same data */
    int64_t end_ms;        /* the "today" of the generated business; 0 means now */
    int months;            /* history length; 0 means 18 */
    bool progress;
};

struct lf_demo_result {
    size_t accounts, contacts, mrr_changes, orders, events, touchpoints, responses;
};

/* Replaces the store's data with a generated SaaS business (docs/demo-data.md). */
int lf_demo(struct lf *lf, const struct lf_demo_opts *opts, struct lf_demo_result *out,
            struct lf_err *err);

/* ---- results: a table of named, typed columns ---- */
enum lf_coltype { LF_COL_TEXT, LF_COL_INT, LF_COL_REAL, LF_COL_MONEY, LF_COL_PERCENT };

struct lf_table; /* opaque */

size_t lf_table_columns(const struct lf_table *t);
size_t lf_table_rows(const struct lf_table *t);
const char *lf_table_column_name(const struct lf_table *t, size_t col); /* borrowed */
int lf_table_column_type(const struct lf_table *t, size_t col);
/* A cell is NULL (JSON null) when the figure is undefined, e.g. NPS of no responses. */
bool lf_table_is_null(const struct lf_table *t, size_t row, size_t col);
const char *lf_table_text(const struct lf_table *t, size_t row, size_t col); /* borrowed */
int64_t lf_table_int(const struct lf_table *t, size_t row, size_t col);   /* INT and MONEY */
double lf_table_real(const struct lf_table *t, size_t row, size_t col);   /* REAL and PERCENT */
const char *lf_table_name(const struct lf_table *t); /* the metric's name, borrowed */
void lf_table_free(struct lf_table *t);              /* NULL is a no-op */

enum lf_format { LF_FORMAT_TABLE, LF_FORMAT_JSON, LF_FORMAT_CSV };
/* Writes t as an aligned table, as {"metric": NAME, "rows": [...]}, or as CSV with a header. */
int lf_table_write(const struct lf_table *t, int format, FILE *out, struct lf_err *err);

/* ---- reports ---- */
struct lf_report_opts {
    const char *by;        /* NULL, or month|quarter|segment|plan|team|touchpoint (per report) */
    int64_t from_ms;       /* 0 = the report's default window start */
    int64_t to_ms;         /* 0 = now; the window is [from, to) */
    double margin;         /* clv: gross margin, 0 means 0.8 */
    int64_t now_ms;        /* 0 = the clock; tests pin it */
};

/* The report names, NULL-terminated, and a one-line description of each. */
extern const char *const lf_report_names[];
const char *lf_report_describe(const char *name);

/* Computes report `name`. *out is the caller's: lf_table_free(). LF_EUSAGE for an unknown name or
 * a --by the report does not support. */
int lf_report(struct lf *lf, const char *name, const struct lf_report_opts *opts,
              struct lf_table **out, struct lf_err *err);

/* ---- time helpers shared by the front ends ---- */
/* Parses ISO 8601 (date, date-time with or without offset) or unix seconds into ms. */
int lf_time_parse(const char *s, int64_t *ms_out, struct lf_err *err);

#endif
