/* ingest.h - turning CSV and NDJSON files (and Segment calls) into validated rows in the store. */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include "landfall.h"
#include "store/store.h"

/* The name of kind (enum lf_kind): "accounts"…; NULL when out of range. */
const char *ingest_kind_name(int kind);

/* Imports the file at `path`, holding rows of `kind` (enum lf_kind), into workspace ws of st,
 * inside the caller's write transaction (which commits it, or rolls it back when this fails or
 * out->aborted says --strict stopped the file). NDJSON when the name ends in .ndjson, .jsonl or .json, CSV otherwise.
 * Rejected rows go to opts->reject_log as "FILE:LINE:COLUMN: reason" and, with
 * opts->write_rejects, to FILE.rejects.csv. Returns 0 when the file was read (*out says what
 * happened to its rows, also when --strict aborted it), or -1 with err set: LF_ENOENT for a
 * missing file, LF_EINVAL for one that cannot be imported at all (unreadable, empty, no rows,
 * a bad header), LF_EIO when the rejects file cannot be written, LF_ESTORE when the store
 * failed. */
int ingest_file(struct store *st, int64_t ws, int kind, const char *path,
                const struct lf_import_opts *opts, struct lf_import_result *out,
                struct lf_err *err);
/* A CSV file read whole, for tabular data that is not a resource (a feature matrix): its
 * header's names and every record's fields as strings. */
struct ingest_grid {
    size_t cols, rows;
    const char **header;  /* cols names, pointing into data */
    const char **cells;   /* rows × cols fields, row-major, pointing into data */
    size_t *lines;        /* rows: the line each record starts on */
    char *data;
};
/* Reads the CSV file at path (RFC 4180, a header first) into *out, which the caller releases
 * with ingest_grid_release(). Returns -1 with err set: LF_ENOENT for a missing file, LF_EINVAL
 * for a malformed record, a record whose number of fields is not the header's, or no header. */
int ingest_grid_read(const char *path, struct ingest_grid *out, struct lf_err *err);
void ingest_grid_release(struct ingest_grid *g); /* safe on a zeroed grid */

/* A request body of len bytes parsed as JSON (duplicate keys refused), the caller's
 * (json_decref); NULL with err set (code) when it is not JSON, naming the field when the fault
 * is a NUL character in a string (\u0000 or a raw 0 byte), which no stored text may hold. */
struct json_t;
struct json_t *ingest_json_load(const char *body, size_t len, int code, struct lf_err *err);

/* Removes the FILE.rejects.csv an import of `path` wrote (when its transaction did not commit). */
void ingest_rejects_discard(const char *path);

#endif
