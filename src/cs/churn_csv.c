/* churn_csv.c - a CSV of features into the churn model's matrix: numbers as they are,
 * categories one-hot encoded (churn.h). */
#include "churn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/time.h"
#include "ingest/ingest.h"

#define MAX_LEVELS 50

/* A field without its surrounding spaces: *len set, the start returned. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = strlen(s);
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* Blank, NA, N/A, NaN and null say a value is missing. */
static bool blank(const char *s, size_t n)
{
    static const char *const words[] = {"na", "n/a", "nan", "null"};
    if (n == 0)
        return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return true;
    return false;
}

/* The number in s[n], or false when s is not one. */
static bool number(const char *s, size_t n, double *out)
{
    char tmp[64], *end;
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *out = strtod(tmp, &end);
    return *end == '\0' && isfinite(*out);
}

static int label_of(const char *s, size_t n, float *out)
{
    static const char *const yes[] = {"1", "yes", "true", "y", "t"};
    static const char *const no[] = {"0", "no", "false", "n", "f"};
    if (n == 0) {
        *out = NAN;
        return 0;
    }
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
            return *out = 1, 0;
        if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
            return *out = 0, 0;
    }
    return -1;
}

/* How one column of the file becomes features. */
struct column {
    int role;             /* ROLE_* */
    size_t first;         /* its first feature */
    char **levels;        /* a categorical column's values, in byte order */
    size_t levels_nr;
    struct strmap codes;  /* value → its index in levels */
};
enum { ROLE_NUMBER, ROLE_CATEGORY, ROLE_LABEL, ROLE_ID, ROLE_DATE };

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends s with its braces doubled, so that a template shows it as it is. */
static void add_literal(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '{' || *s == '}')
            buf_addc(b, *s);
        buf_addc(b, *s);
    }
}

static int find_column(const struct ingest_grid *g, const char *path, const char *name,
                       const char *what, struct column *cols, int role, struct lf_err *err)
{
    if (!name)
        return 0;
    for (size_t c = 0; c < g->cols; c++) {
        if (strcmp(g->header[c], name) == 0) {
            if (cols[c].role != ROLE_NUMBER)
                return err_set(err, LF_EINVAL, "'%s': column '%s' cannot be two things", path,
                               name);
            cols[c].role = role;
            return 0;
        }
    }
    return err_set(err, LF_EINVAL, "'%s' has no %s column '%s'", path, what, name);
}

int churn_matrix_from_csv(const char *path, const struct churn_csv_opts *o,
                          struct churn_matrix *out, struct lf_err *err)
{
    struct ingest_grid g;
    struct column *cols = NULL;
    struct strmap ids;
    struct buf b = BUF_INIT;
    char **names = NULL;
    size_t nfeat = 0, max_levels = o->max_levels ? o->max_levels : MAX_LEVELS;
    int rc = -1;
    *out = (struct churn_matrix){0};
    strmap_init(&ids);
    if (!o->label)
        return err_set(err, LF_EUSAGE, "the label column is not named");
    if (ingest_grid_read(path, &g, err) < 0)
        return -1;
    cols = xcalloc(g.cols ? g.cols : 1, sizeof(*cols));
    for (size_t c = 0; c < g.cols; c++) {
        strmap_init(&cols[c].codes);
        for (size_t d = 0; d < c; d++)
            if (strcmp(g.header[c], g.header[d]) == 0) {
                err_set(err, LF_EINVAL, "'%s': column '%s' appears twice in the header", path,
                        g.header[c]);
                goto out;
            }
    }
    if (find_column(&g, path, o->label, "label", cols, ROLE_LABEL, err) < 0 ||
        find_column(&g, path, o->id, "id", cols, ROLE_ID, err) < 0 ||
        find_column(&g, path, o->date, "date", cols, ROLE_DATE, err) < 0)
        goto out;

    /* the type of each feature column, and a categorical column's values */
    for (size_t c = 0; c < g.cols; c++) {
        struct column *col = &cols[c];
        if (col->role != ROLE_NUMBER)
            continue;
        for (size_t r = 0; r < g.rows; r++) {
            size_t n;
            double v;
            const char *s = trim(g.cells[r * g.cols + c], &n);
            if (!blank(s, n) && !number(s, n, &v)) {
                col->role = ROLE_CATEGORY;
                break;
            }
        }
        if (col->role == ROLE_NUMBER) {
            col->first = nfeat++;
            continue;
        }
        for (size_t r = 0; r < g.rows; r++) {
            size_t n;
            int64_t code;
            const char *s = trim(g.cells[r * g.cols + c], &n);
            if (blank(s, n) || strmap_get(&col->codes, s, n, &code))
                continue;
            if (col->levels_nr == max_levels) {
                err_set(err, LF_EINVAL,
                        "'%s': column '%s' has more than %zu different values, too many for a "
                        "category (an id? name it with --id)",
                        path, g.header[c], max_levels);
                goto out;
            }
            col->levels = xrealloc(col->levels, (col->levels_nr + 1) * sizeof(*col->levels));
            col->levels[col->levels_nr] = xstrndup(s, n);
            strmap_put(&col->codes, s, n, (int64_t)col->levels_nr++);
        }
        qsort(col->levels, col->levels_nr, sizeof(*col->levels), by_bytes);
        for (size_t l = 0; l < col->levels_nr; l++)
            strmap_put(&col->codes, col->levels[l], strlen(col->levels[l]), (int64_t)l);
        col->first = nfeat;
        nfeat += col->levels_nr;
    }

    /* the features' names and descriptions */
    names = xcalloc(nfeat ? nfeat : 1, sizeof(*names));
    for (size_t c = 0; c < g.cols; c++) {
        if (cols[c].role == ROLE_NUMBER)
            names[cols[c].first] = xstrdup(g.header[c]);
        for (size_t l = 0; cols[c].role == ROLE_CATEGORY && l < cols[c].levels_nr; l++) {
            buf_reset(&b);
            buf_addf(&b, "%s=%s", g.header[c], cols[c].levels[l]);
            names[cols[c].first + l] = buf_detach(&b);
        }
    }
    churn_matrix_init(out, nfeat, (const char *const *)names);
    for (size_t c = 0; c < g.cols; c++) {
        for (size_t l = 0; cols[c].role == ROLE_CATEGORY && l < cols[c].levels_nr; l++) {
            struct buf miss = BUF_INIT;
            buf_reset(&b);
            add_literal(&b, g.header[c]);
            buf_adds(&b, " {is not|is} ");
            add_literal(&b, cols[c].levels[l]);
            add_literal(&miss, g.header[c]);
            buf_adds(&miss, " unknown");
            churn_matrix_describe(out, cols[c].first + l, buf_str(&b), buf_str(&miss));
            buf_release(&miss);
        }
    }

    /* the rows */
    for (size_t r = 0; r < g.rows; r++) {
        const char *const *cell = g.cells + r * g.cols;
        float label = NAN;
        int64_t date = 0, entity = (int64_t)r;
        size_t n;
        for (size_t c = 0; c < g.cols; c++) {
            const char *s = trim(cell[c], &n);
            if (cols[c].role == ROLE_LABEL && label_of(s, n, &label) < 0) {
                err_set(err, LF_EINVAL, "'%s' line %zu: label '%s' is not 1/0, yes/no or "
                        "true/false", path, g.lines[r], cell[c]);
                goto out;
            } else if (cols[c].role == ROLE_DATE) {
                const char *why;
                if (time_parse(s, n, &date, &why) < 0) {
                    err_set(err, LF_EINVAL, "'%s' line %zu: date '%s': %s", path, g.lines[r],
                            cell[c], why);
                    goto out;
                }
            } else if (cols[c].role == ROLE_ID) {
                if (n == 0) {
                    err_set(err, LF_EINVAL, "'%s' line %zu: the id is blank", path, g.lines[r]);
                    goto out;
                }
                if (!strmap_get(&ids, s, n, &entity)) {
                    entity = (int64_t)out->keys_nr;
                    strmap_put(&ids, s, n, entity);
                    out->keys = xrealloc(out->keys, (out->keys_nr + 1) * sizeof(*out->keys));
                    out->keys[out->keys_nr++] = xstrndup(s, n);
                }
            }
        }
        if (!o->id) {
            /* each line its own entity, named by its line */
            buf_reset(&b);
            buf_addf(&b, "line %zu", g.lines[r]);
            out->keys = xrealloc(out->keys, (out->keys_nr + 1) * sizeof(*out->keys));
            out->keys[out->keys_nr++] = buf_detach(&b);
        }
        size_t row = churn_matrix_add(out, entity, date, label);
        float *x = churn_matrix_row(out, row);
        for (size_t c = 0; c < g.cols; c++) {
            const char *s = trim(cell[c], &n);
            double v;
            int64_t code;
            if (cols[c].role == ROLE_NUMBER) {
                if (!blank(s, n) && number(s, n, &v))
                    x[cols[c].first] = (float)v;
            } else if (cols[c].role == ROLE_CATEGORY && !blank(s, n)) {
                strmap_get(&cols[c].codes, s, n, &code);
                for (size_t l = 0; l < cols[c].levels_nr; l++)
                    x[cols[c].first + l] = (int64_t)l == code;
            }
        }
    }
    rc = 0;
out:
    if (rc < 0)
        churn_matrix_release(out);
    for (size_t c = 0; cols && c < g.cols; c++) {
        for (size_t l = 0; l < cols[c].levels_nr; l++)
            free(cols[c].levels[l]);
        free(cols[c].levels);
        strmap_release(&cols[c].codes);
    }
    for (size_t f = 0; names && f < nfeat; f++)
        free(names[f]);
    free(names);
    free(cols);
    strmap_release(&ids);
    buf_release(&b);
    ingest_grid_release(&g);
    return rc;
}
