/* import.c - one file into the store, inside the caller's transaction: the header, every record
 * through its kind's mapper, the rejected rows, the counts. */
#include "ingest_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

enum { COL_EXTRA = -1, COL_SKIP = -2 }; /* a header column that is no schema column */

/* One file's import: what the mappers share (in), plus what only the driver needs. */
struct job {
    struct ingest in;
    const struct kind_map *km;
    bool ndjson;
    bool prepass; /* reading only to learn each identity's last line */
    bool aborted; /* --strict met a bad row */
    bool have_header;
    size_t ncols;  /* CSV: the header's columns */
    char **header; /* their names as read */
    int *colmap;   /* header column → schema column, COL_EXTRA or COL_SKIP */
    char *rejects_path;
    FILE *rejects;   /* open once a row was rejected */
    struct buf line; /* scratch: a line of the rejects file */
    struct row row;
};

const char *ingest_kind_name(int kind)
{
    return kind >= 0 && kind < LF_KIND_NR ? ingest_kinds[kind].name : NULL;
}

const char *ingest_strerror(int e, char out[128])
{
    snprintf(out, 128, "%s", strerror(e));
    out[0] = (char)tolower((unsigned char)out[0]);
    return out;
}

void ingest_note(struct ingest *in, size_t line, const char *fmt, ...)
{
    FILE *log = in->opts->reject_log;
    if (!log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(log, "%s:%zu: ", in->path, line);
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    va_end(ap);
}

void ingest_init(struct ingest *in, struct store *st, int64_t ws, int kind, const char *path,
                 const struct lf_import_opts *opts, struct lf_import_result *res)
{
    memset(in, 0, sizeof(*in));
    in->st = st;
    in->ws = ws;
    in->kind = kind;
    in->path = path;
    in->opts = opts;
    in->res = res;
    in->wopts = (struct store_write_opts){.flags = STORE_STUBS, .actor = "import"};
    strmap_init(&in->currency_of);
    strmap_init(&in->last);
}

void ingest_release(struct ingest *in)
{
    strmap_release(&in->currency_of);
    free(in->currencies);
    strmap_release(&in->last);
    buf_release(&in->key);
    buf_release(&in->id);
}

bool ingest_superseded(struct ingest *in, const struct row *r)
{
    const struct kind_map *km = &ingest_kinds[in->kind];
    int64_t last;
    if (!km->key || in->last.nr == 0)
        return false;
    km->key(r, &in->key);
    if (in->key.len == 0 || !strmap_get(&in->last, in->key.ptr, in->key.len, &last) ||
        (size_t)last == r->line)
        return false;
    ingest_note(in, r->line, "skipped: line %lld has the same %s and wins", (long long)last,
                km->key_name);
    return true;
}

/* ---- the rejects file: the rejected rows as read, and an error column ---- */

/* The fields as read (a short or long row stays so: imported again, it is refused again),
 * then `last`. */
static void add_csv_line(struct buf *b, const struct span *fields, size_t nr, const char *last)
{
    for (size_t i = 0; i < nr; i++) {
        buf_add_csv_field(b, fields[i].ptr, fields[i].len);
        buf_addc(b, ',');
    }
    buf_add_csv_field(b, last, strlen(last));
    buf_addc(b, '\n');
}

static int write_failed(struct job *j, struct lf_err *err)
{
    char why[128];
    return err_set(err, LF_EIO, "cannot write '%s': %s", j->rejects_path,
                   ingest_strerror(errno, why));
}

static int write_line(struct job *j, struct lf_err *err)
{
    if (fwrite(j->line.ptr, 1, j->line.len, j->rejects) != j->line.len)
        return write_failed(j, err);
    return 0;
}

static int open_rejects(struct job *j, struct lf_err *err)
{
    j->rejects = fopen(j->rejects_path, "wb");
    if (!j->rejects)
        return write_failed(j, err);
    buf_reset(&j->line);
    if (j->ndjson) {
        buf_adds(&j->line, "record,error\n");
    } else {
        for (size_t i = 0; i < j->ncols; i++) {
            buf_add_csv_field(&j->line, j->header[i], strlen(j->header[i]));
            buf_addc(&j->line, ',');
        }
        buf_adds(&j->line, "error\n");
    }
    return write_line(j, err);
}

/* Counts a rejected row and reports it; keeps it (its fields, or an NDJSON line as one field)
 * in the rejects file. Under --strict it stops the file instead (returns -1). */
static int reject(struct job *j, const struct span *fields, size_t nr, const char *why,
                  struct lf_err *err)
{
    const struct lf_import_opts *o = j->in.opts;
    char msg[sizeof(err->msg)];
    snprintf(msg, sizeof(msg), "%s", why);
    j->in.res->rejected++;
    if (o->reject_log)
        fprintf(o->reject_log, "%s\n", msg);
    if (o->strict) {
        j->aborted = true;
        return err_set(err, LF_EINVAL, "%s", msg);
    }
    if (!o->write_rejects)
        return 0;
    if (!j->rejects && open_rejects(j, err) < 0)
        return -1;
    buf_reset(&j->line);
    add_csv_line(&j->line, fields, nr, msg);
    return write_line(j, err);
}

/* After a mapper ran: counts what it did, or rejects the row (a bad value: LF_EINVAL), or
 * stops the file (the store failed). */
static int done(struct job *j, int rc, enum store_change change, const struct span *fields,
                size_t nr, struct lf_err *err)
{
    struct lf_import_result *res = j->in.res;
    if (rc < 0 && err->code == LF_EINVAL)
        return reject(j, fields, nr, err->msg, err);
    if (rc < 0)
        return err_prefix(err, "%s:%zu", j->in.path, j->row.line);
    if (change == STORE_PENDING)
        return 0; /* counted by counted_later once written */
    if (change == STORE_INSERTED)
        res->inserted++;
    else if (change == STORE_UPDATED)
        res->updated++;
    else
        res->unchanged++;
    return 0;
}

/* An event written in bulk (STORE_BULK) is counted when it is written. */
static void counted_later(void *ctx, int change)
{
    struct lf_import_result *res = ctx;
    if (change == STORE_INSERTED)
        res->inserted++;
    else
        res->unchanged++;
}

/* Pre-pass: the row's identity was last seen on this line. */
static void remember(struct job *j)
{
    struct ingest *in = &j->in;
    j->km->key(&j->row, &in->key);
    if (in->key.len)
        strmap_put(&in->last, in->key.ptr, in->key.len, (int64_t)j->row.line);
}

/* ---- CSV ---- */

static bool is_rejects_file(const char *path)
{
    size_t n = strlen(path), m = strlen(".rejects.csv");
    return n > m && strcmp(path + n - m, ".rejects.csv") == 0;
}

/* "FILE:LINE:COLUMN: why" for a malformed record, the column named by the header when there
 * is one ("column 3" in the header itself or beyond its end); "FILE:LINE: why" when the fault
 * is no one field's. */
static void malformed(const struct job *j, const struct csv_record *rec, char *out, size_t size)
{
    size_t k = rec->error_field;
    if (k == SIZE_MAX)
        snprintf(out, size, "%s:%zu: %s", j->in.path, rec->line, rec->error);
    else if (j->header && k < j->ncols)
        snprintf(out, size, "%s:%zu:%s: %s", j->in.path, rec->line, j->header[k], rec->error);
    else
        snprintf(out, size, "%s:%zu:column %zu: %s", j->in.path, rec->line, k + 1, rec->error);
}

static int header(struct job *j, const struct csv_record *rec, struct lf_err *err)
{
    const char *path = j->in.path;
    const struct kind_map *km = j->km;
    unsigned seen = 0;
    j->have_header = true;
    if (rec->error) {
        char why[sizeof(err->msg)];
        malformed(j, rec, why, sizeof(why));
        return err_set(err, LF_EINVAL, "%s", why);
    }
    j->ncols = rec->nr;
    j->header = xcalloc(rec->nr, sizeof(*j->header));
    j->colmap = xcalloc(rec->nr, sizeof(*j->colmap));
    for (size_t i = 0; i < rec->nr; i++) {
        struct span v = rec->fields[i];
        if (field_text(v, err) < 0)
            return err_prefix(err, "%s:%zu: column %zu", path, rec->line, i + 1);
        if (v.len == 0)
            return err_set(err, LF_EINVAL, "%s:%zu: column %zu has no name", path, rec->line,
                           i + 1);
        j->header[i] = xstrndup(v.ptr, v.len);
        for (size_t p = 0; p < i; p++)
            if (strcasecmp(j->header[p], j->header[i]) == 0)
                return err_set(err, LF_EINVAL, "%s:%zu: column '%s' appears twice", path, rec->line,
                               j->header[i]);
        int k = 0;
        while (km->cols[k] && strcasecmp(km->cols[k], j->header[i]) != 0)
            k++;
        if (km->cols[k]) {
            j->colmap[i] = k;
            seen |= 1u << k;
        } else if (i + 1 == rec->nr && strcmp(j->header[i], "error") == 0 &&
                   is_rejects_file(path)) {
            j->colmap[i] = COL_SKIP; /* a fixed rejects file imports as it is */
        } else {
            j->colmap[i] = COL_EXTRA;
            if (km->extras == EXTRAS_NONE && !j->prepass)
                ingest_note(&j->in, rec->line, "column '%s' is ignored: %s have no attributes",
                            j->header[i], km->name);
        }
    }
    for (int k = 0; km->cols[k]; k++)
        if ((km->required >> k & 1) && !(seen >> k & 1))
            return err_set(err, LF_EINVAL, "%s:%zu: missing column '%s'", path, rec->line,
                           km->cols[k]);
    if (km->any_of && !(seen & km->any_of)) {
        struct buf names = BUF_INIT;
        for (int k = 0; km->cols[k]; k++)
            if (km->any_of >> k & 1)
                buf_addf(&names, "%s'%s'", names.len ? " or " : "", km->cols[k]);
        err_set(err, LF_EINVAL, "%s:%zu: missing column %s", path, rec->line, buf_str(&names));
        buf_release(&names);
        return -1;
    }
    return 0;
}

/* Fills the row from a record whose field count is right; extra columns become a JSON
 * object of strings. Returns -1 (err set) for a field that is not UTF-8. */
static int fill_csv(struct job *j, const struct csv_record *rec, struct lf_err *err)
{
    struct row *r = &j->row;
    struct buf *x = &r->extras_buf;
    row_reset(r, j->km->cols, rec->line);
    buf_reset(x);
    for (size_t i = 0; i < rec->nr; i++) {
        struct span v = rec->fields[i];
        int k = j->colmap[i];
        if (k == COL_SKIP)
            continue;
        if (!j->prepass && field_text(v, err) < 0)
            return err_prefix(err, "%s:%zu:%s", j->in.path, rec->line, j->header[i]);
        if (k >= 0)
            r->name[k] = j->header[i];
        if (v.len == 0)
            continue;
        if (k >= 0) {
            r->val[k] = v;
        } else if (j->km->extras != EXTRAS_NONE) {
            buf_addc(x, x->len ? ',' : '{');
            buf_add_json_str(x, j->header[i], strlen(j->header[i]));
            buf_addc(x, ':');
            buf_add_json_str(x, v.ptr, v.len);
        }
    }
    if (x->len) {
        buf_addc(x, '}');
        r->extras = x->ptr;
    }
    return 0;
}

static bool all_empty(const struct csv_record *rec)
{
    for (size_t i = 0; i < rec->nr; i++)
        if (rec->fields[i].len)
            return false;
    return true;
}

/* True when rec repeats the header as written: files joined with `cat` repeat theirs. */
static bool is_header(const struct job *j, const struct csv_record *rec)
{
    if (rec->error || rec->nr != j->ncols)
        return false;
    for (size_t i = 0; i < rec->nr; i++)
        if (rec->fields[i].len != strlen(j->header[i]) ||
            memcmp(rec->fields[i].ptr, j->header[i], rec->fields[i].len) != 0)
            return false;
    return true;
}

static int on_csv(void *ctx, const struct csv_record *rec, struct lf_err *err)
{
    struct job *j = ctx;
    const char *path = j->in.path;
    enum store_change change = STORE_UNCHANGED;
    char why[sizeof(err->msg)];
    if (!j->have_header)
        return header(j, rec, err);
    if (!rec->error && all_empty(rec))
        return 0; /* ",,," as spreadsheets end their exports: a blank line */
    if (is_header(j, rec)) {
        if (!j->prepass)
            ingest_note(&j->in, rec->line, "the header again (files joined together?): skipped");
        return 0;
    }
    if (j->prepass) {
        if (!rec->error && rec->nr == j->ncols && fill_csv(j, rec, err) == 0)
            remember(j);
        return 0;
    }
    j->in.res->rows++;
    j->row.line = rec->line;
    if (rec->error) {
        malformed(j, rec, why, sizeof(why));
        return reject(j, rec->fields, rec->nr, why, err);
    }
    if (rec->nr != j->ncols) {
        snprintf(why, sizeof(why), "%s:%zu: %zu field%s where the header has %zu", path, rec->line,
                 rec->nr, rec->nr == 1 ? "" : "s", j->ncols);
        return reject(j, rec->fields, rec->nr, why, err);
    }
    if (fill_csv(j, rec, err) < 0)
        return reject(j, rec->fields, rec->nr, err->msg, err);
    int rc = j->km->import(&j->in, &j->row, &change, err);
    return done(j, rc, change, rec->fields, rec->nr, err);
}

/* ---- NDJSON ---- */

static int on_json(void *ctx, const struct ndjson_record *rec, struct lf_err *err)
{
    struct job *j = ctx;
    struct ingest *in = &j->in;
    const char *extras = j->km->extras != EXTRAS_NONE ? "" : NULL;
    enum store_change change = STORE_UNCHANGED;
    char why[sizeof(err->msg)];
    int rc;
    row_reset(&j->row, j->km->cols, rec->line);
    if (j->prepass) {
        struct lf_err ignored;
        if (rec->obj && ndjson_fill(rec->obj, extras, &j->row, &ignored) == 0)
            remember(j);
        return 0;
    }
    in->res->rows++;
    if (rec->error) {
        if (rec->column)
            snprintf(why, sizeof(why), "%s:%zu:%zu: %s", in->path, rec->line, rec->column,
                     rec->error);
        else
            snprintf(why, sizeof(why), "%s:%zu: %s", in->path, rec->line, rec->error);
        return reject(j, &rec->text, 1, why, err);
    }
    if (in->kind == LF_KIND_EVENTS && segment_is_call(rec->obj))
        rc = segment_import(in, rec->obj, &j->row, &change, err);
    else
        rc = ndjson_fill(rec->obj, extras, &j->row, err) < 0
                 ? -1
                 : j->km->import(in, &j->row, &change, err);
    return done(j, rc, change, &rec->text, 1, err);
}

/* ---- the file ---- */

static bool is_ndjson(const char *path)
{
    static const char *const exts[] = {".ndjson", ".jsonl", ".json", NULL};
    size_t n = strlen(path);
    for (int i = 0; exts[i]; i++) {
        size_t m = strlen(exts[i]);
        if (n > m && strcasecmp(path + n - m, exts[i]) == 0)
            return true;
    }
    return false;
}

static void header_release(struct job *j)
{
    for (size_t i = 0; j->header && i < j->ncols; i++)
        free(j->header[i]);
    free(j->header);
    free(j->colmap);
    j->header = NULL;
    j->colmap = NULL;
    j->ncols = 0;
    j->have_header = false;
}

static int read_all(struct job *j, FILE *f, struct progress *pg, struct lf_err *err)
{
    header_release(j);
    if (j->ndjson)
        return ndjson_read(f, pg, on_json, j, err);
    return csv_read(f, pg, on_csv, j, err);
}

static int open_error(const char *path, int e, struct lf_err *err)
{
    char why[128];
    return err_set(err, e == ENOENT ? LF_ENOENT : LF_EINVAL, "cannot open '%s': %s", path,
                   ingest_strerror(e, why));
}

static void job_release(struct job *j)
{
    header_release(j);
    free(j->rejects_path);
    buf_release(&j->line);
    row_release(&j->row);
    ingest_release(&j->in);
}

int ingest_file(struct store *st, int64_t ws, int kind, const char *path,
                const struct lf_import_opts *opts, struct lf_import_result *out, struct lf_err *err)
{
    struct job j = {.km = &ingest_kinds[kind], .ndjson = is_ndjson(path)};
    struct progress pg;
    struct stat sb;
    const char *base = strrchr(path, '/');
    size_t plen = strlen(path);
    int rc, ret = -1;

    memset(out, 0, sizeof(*out));
    ingest_init(&j.in, st, ws, kind, path, opts, out);
    /* events are written many at once where the engine can (PostgreSQL's COPY);
     * LANDFALL_NO_BULK=1 writes them one by one, for comparison (bench/store.sh) */
    const char *no_bulk = getenv("LANDFALL_NO_BULK");
    if (kind == LF_KIND_EVENTS && !(no_bulk && strcmp(no_bulk, "1") == 0)) {
        j.in.wopts.flags |= STORE_BULK;
        j.in.wopts.appended = counted_later;
        j.in.wopts.ctx = out;
    }
    row_init(&j.row, path);
    j.rejects_path = xmalloc(plen + sizeof(".rejects.csv"));
    memcpy(j.rejects_path, path, plen);
    memcpy(j.rejects_path + plen, ".rejects.csv", sizeof(".rejects.csv"));

    FILE *f = fopen(path, "rb");
    if (!f) {
        open_error(path, errno, err);
        goto out;
    }
    if (fstat(fileno(f), &sb) < 0) {
        open_error(path, errno, err);
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        open_error(path, EISDIR, err);
        goto out;
    }
    /* Rows repeated later in the file give way to the last one, which needs a first pass
     * (and a file that can be read twice). */
    if (j.km->key && S_ISREG(sb.st_mode)) {
        j.prepass = true;
        if (read_all(&j, f, NULL, err) < 0)
            goto out;
        rewind(f);
        j.prepass = false;
    }
    progress_init(&pg, base ? base + 1 : path, S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0,
                  opts->progress);
    rc = read_all(&j, f, &pg, err);
    progress_finish(&pg);
    if (rc < 0 && j.aborted) {
        *out = (struct lf_import_result){.rows = out->rows, .rejected = 1, .aborted = true};
        ret = 0;
        goto out;
    }
    if (rc == 0)
        rc = store_flush(st, err); /* the counts are whole, a store failure names the file */
    if (rc < 0)
        goto out;
    if (out->rows == 0) {
        if (!j.ndjson && j.have_header)
            err_set(err, LF_EINVAL, "'%s' has no rows after its header", path);
        else
            err_set(err, LF_EINVAL, "'%s' is empty", path);
        goto out;
    }
    if (j.rejects) {
        int failed = fclose(j.rejects) != 0;
        j.rejects = NULL;
        if (failed) {
            write_failed(&j, err);
            unlink(j.rejects_path);
            goto out;
        }
    } else if (opts->write_rejects) {
        unlink(j.rejects_path); /* an old one would describe an earlier import */
    }
    ret = 0;
out:
    if (j.rejects) { /* the file failed: no trace of this import stays */
        fclose(j.rejects);
        unlink(j.rejects_path);
    }
    if (f)
        fclose(f);
    job_release(&j);
    return ret;
}

void ingest_rejects_discard(const char *path)
{
    struct buf p = BUF_INIT;
    buf_addf(&p, "%s.rejects.csv", path);
    unlink(buf_str(&p));
    buf_release(&p);
}
