/* ingest_int.h - the insides of the ingest layer: readers, the row they fill, field parsers,
 * reference resolution and the per-kind mappers. The unit tests include it too. */
#ifndef INGEST_INGEST_INT_H
#define INGEST_INGEST_INT_H

#include <stdio.h>

#include "base/buf.h"
#include "base/progress.h"
#include "base/strmap.h"
#include "ingest.h"
#include "store/store.h"

/* ---- csv.c: RFC 4180 records, through libcsv ---- */

struct csv_record {
    size_t line;               /* the line the record starts on, from 1 */
    size_t nr;                 /* fields */
    const struct span *fields; /* each NUL-terminated; borrowed for the callback */
    const char *error;         /* NULL, or why the record is malformed; `line` is then where */
    size_t error_field;        /* with error: the field at fault (from 0), or SIZE_MAX */
};

typedef int (*csv_record_fn)(void *ctx, const struct csv_record *rec, struct lf_err *err);

/* Reads f to its end and calls fn for every record that has fields (blank lines are skipped;
 * the header is simply the first record). A UTF-8 byte-order mark at the start of any record
 * is skipped (joined files carry one per part); pg (may be NULL) advances with the bytes read.
 * A quoted field whose closing quote is followed by something else than a comma or a line end
 * ("Beta"x) makes its record malformed: `error` set, error_field naming it, `line` the line of
 * that character; the field keeps what was written up to the next comma or line end, and the
 * next record is read normally. An unbalanced quote at the end of the file yields a last
 * record with `error` set, naming the line where the quoted field started.
 * Returns 0, or -1 with err set when reading failed (LF_EINVAL) or fn returned -1. */
int csv_read(FILE *f, struct progress *pg, csv_record_fn fn, void *ctx, struct lf_err *err);

/* ---- the row every reader fills and every mapper reads (field.c) ---- */

#define ROW_MAX 16

struct row {
    const char *file; /* for messages: the path as given; NULL for a body's items, whose
                       * errors name the column as their field instead */
    size_t line;
    size_t nr;                 /* columns of the schema being filled */
    struct span val[ROW_MAX];  /* by schema column: NUL-terminated, ptr NULL when not given */
    const char *name[ROW_MAX]; /* each column's name as the input spells it (messages) */
    const char *extras;        /* the other columns as a JSON object, or NULL */
    struct buf text[ROW_MAX];  /* storage for values converted here (NDJSON numbers…) */
    struct buf extras_buf;
};

void row_init(struct row *r, const char *file);
void row_release(struct row *r);
/* Empties r for a record at `line` with the NULL-terminated schema `cols`. */
void row_reset(struct row *r, const char *const *cols, size_t line);

/* Prefixes err's message with "FILE:LINE:COLUMN" (column k of r), or "FILE:LINE" when k < 0.
 * Returns -1. */
int row_fail(const struct row *r, int k, struct lf_err *err);
/* Column k's text, or NULL when not given. Borrowed from r. */
const char *row_str(const struct row *r, int k);
/* Each returns 0, or -1 with err = "FILE:LINE:COLUMN: reason". Not given leaves the
 * documented "unset" value: LF_UNSET, NAN or NULL. */
int row_need(const struct row *r, int k, struct lf_err *err); /* fails when not given */
int row_time(const struct row *r, int k, int64_t *out, struct lf_err *err);
int row_day(const struct row *r, int k, int64_t *out, struct lf_err *err); /* day start, UTC */
int row_int(const struct row *r, int k, int64_t *out, struct lf_err *err);
int row_count(const struct row *r, int k, int64_t *out, struct lf_err *err); /* integer >= 0 */
int row_real(const struct row *r, int k, double *out, struct lf_err *err);
int row_money(const struct row *r, int k, const char *currency, int64_t *out, struct lf_err *err);
int row_currency(const struct row *r, int k, const char **out, struct lf_err *err);
int row_email(const struct row *r, int k, const char **out, struct lf_err *err);
int row_vocab(const struct row *r, int k, const char *const *vocab, const char **out,
              struct lf_err *err);

/* ---- field parsers: one value, an exact reason on failure (field.c) ---- */

/* Each returns 0, or -1 with err's message saying why, quoting the value: e.g.
 * "'12,5' is not a decimal amount". v must be NUL-terminated at v.ptr[v.len]. */
int field_time(struct span v, int64_t *out, struct lf_err *err);
int field_count(struct span v, int64_t *out, struct lf_err *err);
int field_int(struct span v, int64_t *out, struct lf_err *err);
int field_real(struct span v, double *out, struct lf_err *err);
int field_money(struct span v, const char *currency, int64_t *out, struct lf_err *err);
int field_currency(struct span v, struct lf_err *err);
int field_email(struct span v, struct lf_err *err);
int field_vocab(struct span v, const char *const *vocab, struct lf_err *err);
/* Refuses text that is not UTF-8 or holds a NUL byte. */
int field_text(struct span v, struct lf_err *err);

/* Writes v as messages quote it into out: at most 40 bytes (cut at a character boundary and
 * then marked "..."), control characters as '?'. */
#define FIELD_SHOW 48
void field_show(struct span v, char out[FIELD_SHOW]);

/* Writes the id of a row that came without one into out: "h:" and 16 hex digits of a hash of
 * the parts (the row's values as written; NULL allowed). The same content gives the same id, so
 * a re-import finds the rows it wrote before. */
void field_derive_id(struct buf *out, const char *const *parts, size_t nr);
/* The same for a row with a time: "h:", 11 hex digits of ts, then 16 of a hash of ts and the
 * parts, so that ids grow with time and the store's unique index takes them in order. */
void field_derive_id_at(struct buf *out, int64_t ts, const char *const *parts, size_t nr);

/* ---- ndjson.c: one JSON object per line, through jansson ---- */

struct json_t;

struct ndjson_record {
    size_t line;
    struct span text;         /* the line as read, without its line end */
    const struct json_t *obj; /* the object; NULL when error is set */
    size_t column;            /* with error: the column of the fault, or 0 */
    const char *error;
};

typedef int (*ndjson_record_fn)(void *ctx, const struct ndjson_record *rec, struct lf_err *err);

/* Reads f line by line and calls fn for every non-blank line. Returns 0, or -1 with err set
 * when reading failed (LF_EINVAL) or fn returned -1. */
int ndjson_read(FILE *f, struct progress *pg, ndjson_record_fn fn, void *ctx, struct lf_err *err);
/* The string at `path` ("a.b" walks into objects) in obj, or NULL. Borrowed. */
/* The member at path "a.b.c", walking through objects; NULL when any step is missing. */
struct json_t *ndjson_member(const struct json_t *obj, const char *path);
const char *ndjson_string(const struct json_t *obj, const char *path);
/* Fills r (already reset with cols) from obj: column k from the member at path cols[k];
 * strings as they are, numbers and booleans as text, null and "" as not given. With `extras`
 * not NULL, the members of the object at that path ("" = obj itself) that are not columns
 * become r->extras. Returns 0, or -1 with err set for a column holding an object or array. */
int ndjson_fill(const struct json_t *obj, const char *extras, struct row *r, struct lf_err *err);

/* ---- the state of one file's import (import.c), shared by the mappers ---- */

#define UNIT_ROWS 3 /* a line becomes at most this many rows (a group call: account, contact) */

struct ingest {
    struct store *st;
    int64_t ws;
    int kind;
    const char *path;
    const struct lf_import_opts *opts;
    struct lf_import_result *res;
    struct store_write_opts wopts;
    /* account external id → ISO 4217 currency, for money columns (loaded once) */
    struct strmap currency_of;
    char (*currencies)[4];
    size_t currencies_nr, currencies_cap;
    bool preloaded;
    struct strmap last; /* a row's identity → the line of its last row in the file */
    struct buf key, id; /* scratch: identities, derived ids */
    /* the rows the current line becomes, and for each field the row column it came from
     * (-1: none), so that a refusal names the column as the input spells it */
    struct store_row rows[UNIT_ROWS];
    int cols[UNIT_ROWS][RESOURCE_MAX_FIELDS];
    size_t rows_nr;
};

void ingest_init(struct ingest *in, struct store *st, int64_t ws, int kind, const char *path,
                 const struct lf_import_opts *opts, struct lf_import_result *res);
void ingest_release(struct ingest *in);

/* strerror(e) as messages are written: "no such file or directory". Borrowed from out. */
const char *ingest_strerror(int e, char out[128]);
/* Writes "FILE:LINE: message" to the reject log (a notice, not a rejection). */
void ingest_note(struct ingest *in, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* True when a later row of the file has the same identity as r (that one wins). */
bool ingest_superseded(struct ingest *in, const struct row *r);

/* The currency of an account by external id: *out is NULL for an unknown account (which will
 * be created with USD). Loads every account of the workspace with its currency once. */
int ingest_currency(struct ingest *in, const char *account_ext, const char **out,
                    struct lf_err *err);
/* Records an account's currency once it is written (a new account's is USD). */
void ingest_currency_put(struct ingest *in, const char *account_ext, const char *currency);

/* ---- building a line's rows (map.c), then writing them as one unit ---- */

/* Starts row u of the line as a `def` row. */
struct store_row *unit_row(struct ingest *in, size_t u, const struct resource_def *def);
/* Sets field f of row u from column k of r when given (a string as it is). */
void unit_text(struct ingest *in, size_t u, size_t f, const struct row *r, int k);
/* The same, parsing the column: each returns 0, or -1 with err = "FILE:LINE:COLUMN: reason". */
int unit_time(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
              struct lf_err *err);
int unit_day(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
             struct lf_err *err);
int unit_int(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
             struct lf_err *err);
int unit_real(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
              struct lf_err *err);
int unit_money(struct ingest *in, size_t u, size_t f, const struct row *r, int k,
               const char *currency, struct lf_err *err);
/* Writes the line's rows as one unit (store_write): *change is the first row's, or "updated"
 * when only a later one changed. A refusal becomes err (LF_EINVAL) naming FILE:LINE:COLUMN;
 * stubs created are counted and noted. -1 also when the store failed (err's code says). */
int unit_write(struct ingest *in, const struct row *r, enum store_change *change,
               struct lf_err *err);

/* ---- map.c: a row of each kind → store rows ---- */

/* Column indexes shared with segment.c, whose schemas start with the same columns. */
enum {
    ACC_ID,
    ACC_NAME,
    ACC_PLAN,
    ACC_SEGMENT,
    ACC_MRR,
    ACC_CURRENCY,
    ACC_SEATS,
    ACC_STAGE,
    ACC_OWNER,
    ACC_SINCE,
    ACC_RENEWAL,
    ACC_NR
};
enum { CON_ID, CON_ACCOUNT, CON_EMAIL, CON_NAME, CON_ROLE, CON_CREATED, CON_NR };
enum { EV_MESSAGE, EV_TS, EV_ACCOUNT, EV_USER, EV_NAME, EV_VALUE, EV_NR };

enum extras_use { EXTRAS_NONE, EXTRAS_ATTRS, EXTRAS_PROPS };

struct kind_map {
    const char *name;        /* "accounts"… (enum lf_kind order) */
    const char *const *cols; /* the columns DESIGN.md lists, NULL-terminated */
    unsigned required;       /* bit k: a CSV header must have column k */
    unsigned any_of;         /* a CSV header must have at least one of these */
    int extras;              /* what other columns become (enum extras_use) */
    /* The row's identity for duplicates within the file ("" when it has none), or NULL;
     * key_name says what it is made of, for messages. */
    void (*key)(const struct row *r, struct buf *out);
    const char *key_name;
    int (*import)(struct ingest *in, const struct row *r, enum store_change *change,
                  struct lf_err *err);
};

extern const struct kind_map ingest_kinds[LF_KIND_NR];

/* The mappers segment.c reuses on rows whose first columns follow ACC_/CON_/EV_: each fills
 * row u of the line (and returns 0) or fails with err. */
int map_account(struct ingest *in, size_t u, const struct row *r, struct lf_err *err);
int map_contact(struct ingest *in, size_t u, const struct row *r, struct lf_err *err);
int map_event(struct ingest *in, size_t u, const struct row *r, struct lf_err *err);

/* ---- segment.c: Segment track / identify / group / page / screen calls ---- */

/* True when obj is a Segment call (its "type" names one). */
bool segment_is_call(const struct json_t *obj);
int segment_import(struct ingest *in, const struct json_t *obj, struct row *r,
                   enum store_change *change, struct lf_err *err);

#endif
