/* field.c - the row readers fill, and the checks that turn its text into times, money, ids. */
#include "ingest_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "base/utf8.h"
#include "model/model.h"

#define SHOW_MAX 40

void row_init(struct row *r, const char *file)
{
    memset(r, 0, sizeof(*r));
    r->file = file;
}

void row_release(struct row *r)
{
    for (int k = 0; k < ROW_MAX; k++)
        buf_release(&r->text[k]);
    buf_release(&r->extras_buf);
}

void row_reset(struct row *r, const char *const *cols, size_t line)
{
    r->line = line;
    r->nr = 0;
    for (; cols[r->nr]; r->nr++) {
        r->name[r->nr] = cols[r->nr];
        r->val[r->nr] = (struct span){NULL, 0};
    }
    r->extras = NULL;
}

int row_fail(const struct row *r, int k, struct lf_err *err)
{
    if (!r->file) { /* a body's item: its index is told apart, the column is the field */
        if (k >= 0)
            snprintf(err->field, sizeof(err->field), "%s", r->name[k]);
        return -1;
    }
    if (k < 0)
        return err_prefix(err, "%s:%zu", r->file, r->line);
    return err_prefix(err, "%s:%zu:%s", r->file, r->line, r->name[k]);
}

const char *row_str(const struct row *r, int k)
{
    return r->val[k].ptr;
}

int row_need(const struct row *r, int k, struct lf_err *err)
{
    if (r->val[k].ptr)
        return 0;
    err_set(err, LF_EINVAL, "missing value");
    return row_fail(r, k, err);
}

int row_time(const struct row *r, int k, int64_t *out, struct lf_err *err)
{
    *out = LF_UNSET;
    if (r->val[k].ptr && field_time(r->val[k], out, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_day(const struct row *r, int k, int64_t *out, struct lf_err *err)
{
    if (row_time(r, k, out, err) < 0)
        return -1;
    if (*out != LF_UNSET)
        *out = time_day_start(*out);
    return 0;
}

int row_int(const struct row *r, int k, int64_t *out, struct lf_err *err)
{
    *out = LF_UNSET;
    if (r->val[k].ptr && field_int(r->val[k], out, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_count(const struct row *r, int k, int64_t *out, struct lf_err *err)
{
    *out = LF_UNSET;
    if (r->val[k].ptr && field_count(r->val[k], out, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_real(const struct row *r, int k, double *out, struct lf_err *err)
{
    *out = NAN;
    if (r->val[k].ptr && field_real(r->val[k], out, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_money(const struct row *r, int k, const char *currency, int64_t *out, struct lf_err *err)
{
    *out = LF_UNSET;
    if (r->val[k].ptr && field_money(r->val[k], currency, out, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_currency(const struct row *r, int k, const char **out, struct lf_err *err)
{
    *out = r->val[k].ptr;
    if (*out && field_currency(r->val[k], err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_email(const struct row *r, int k, const char **out, struct lf_err *err)
{
    *out = r->val[k].ptr;
    if (*out && field_email(r->val[k], err) < 0)
        return row_fail(r, k, err);
    return 0;
}

int row_vocab(const struct row *r, int k, const char *const *vocab, const char **out,
              struct lf_err *err)
{
    *out = r->val[k].ptr;
    if (*out && field_vocab(r->val[k], vocab, err) < 0)
        return row_fail(r, k, err);
    return 0;
}

void field_show(struct span v, char out[FIELD_SHOW])
{
    size_t n = v.len;
    if (n > SHOW_MAX) {
        n = SHOW_MAX;
        while (n > 0 && ((unsigned char)v.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)v.ptr[i] < 0x20 ? '?' : v.ptr[i];
    memcpy(out + n, n < v.len ? "..." : "", n < v.len ? 4 : 1);
}

/* "'VALUE' is not …" for a why that starts with "not", else "'VALUE': why". */
static int bad(struct span v, const char *why, struct lf_err *err)
{
    char shown[FIELD_SHOW];
    field_show(v, shown);
    if (strncmp(why, "not ", 4) == 0)
        return err_set(err, LF_EINVAL, "'%s' is %s", shown, why);
    return err_set(err, LF_EINVAL, "'%s': %s", shown, why);
}

int field_time(struct span v, int64_t *out, struct lf_err *err)
{
    const char *why = NULL;
    if (time_parse(v.ptr, v.len, out, &why) < 0)
        return bad(v, why, err);
    return 0;
}

static int integer(struct span v, int64_t *out, struct lf_err *err)
{
    char *end;
    errno = 0;
    long long n = strtoll(v.ptr, &end, 10);
    if (end == v.ptr || end != v.ptr + v.len)
        return bad(v, "not a whole number", err);
    if (errno == ERANGE)
        return bad(v, "number out of range", err);
    *out = n;
    return 0;
}

int field_count(struct span v, int64_t *out, struct lf_err *err)
{
    if (integer(v, out, err) < 0)
        return -1;
    if (*out < 0)
        return bad(v, "must not be negative", err);
    return 0;
}

int field_int(struct span v, int64_t *out, struct lf_err *err)
{
    return integer(v, out, err);
}

int field_real(struct span v, double *out, struct lf_err *err)
{
    char *end;
    double d = strtod(v.ptr, &end);
    if (end == v.ptr || end != v.ptr + v.len || !isfinite(d))
        return bad(v, "not a number", err);
    *out = d;
    return 0;
}

/* The model's checks read C strings: a NUL inside the span would end the value early. */
static bool whole(struct span v)
{
    return strlen(v.ptr) == v.len;
}

int field_money(struct span v, const char *currency, int64_t *out, struct lf_err *err)
{
    const char *why = "not a decimal amount";
    if (whole(v) && model_money_parse(v.ptr, currency, out, &why) == 0)
        return 0;
    if (strstr(why, "decimals")) {
        char shown[FIELD_SHOW];
        field_show(v, shown);
        return err_set(err, LF_EINVAL, "'%s': %s (%s)", shown, why, currency ? currency : "USD");
    }
    return bad(v, why, err);
}

int field_currency(struct span v, struct lf_err *err)
{
    if (!whole(v) || !model_currency_valid(v.ptr))
        return bad(v, "not an ISO 4217 currency code (three capital letters)", err);
    return 0;
}

int field_email(struct span v, struct lf_err *err)
{
    const char *at = memchr(v.ptr, '@', v.len);
    bool ok = at && at != v.ptr && at + 1 < v.ptr + v.len &&
              !memchr(at + 1, '@', (size_t)(v.ptr + v.len - at - 1));
    for (size_t i = 0; ok && i < v.len; i++)
        ok = v.ptr[i] != ' ' && v.ptr[i] != '\t';
    if (!ok)
        return bad(v, "not an email address", err);
    return 0;
}

int field_vocab(struct span v, const char *const *vocab, struct lf_err *err)
{
    if (whole(v) && model_in_vocab(vocab, v.ptr))
        return 0;
    char shown[FIELD_SHOW];
    struct buf list = BUF_INIT;
    for (const char *const *w = vocab; *w; w++)
        buf_addf(&list, "%s%s", w == vocab ? "" : ", ", *w);
    field_show(v, shown);
    err_set(err, LF_EINVAL, "'%s' is not one of %s", shown, buf_str(&list));
    buf_release(&list);
    return -1;
}

int field_text(struct span v, struct lf_err *err)
{
    size_t at;
    if (!utf8_valid(v.ptr, v.len, &at))
        return err_set(err, LF_EINVAL, "not valid UTF-8 (byte 0x%02X at offset %zu)",
                       (unsigned char)v.ptr[at], at);
    if (memchr(v.ptr, '\0', v.len))
        return err_set(err, LF_EINVAL, "contains a NUL byte");
    return 0;
}

static void add_hex(struct buf *b, uint64_t v, int digits)
{
    char s[16];
    for (int i = digits - 1; i >= 0; i--, v >>= 4)
        s[i] = "0123456789abcdef"[v & 15];
    buf_add(b, s, (size_t)digits);
}

/* FNV-1a over the parts, each ended by a NUL (which no part holds), so ("a", "bc") and
 * ("ab", "c") differ; an absent part is a lone 0x01. */
static uint64_t hash_parts(uint64_t h, const char *const *parts, size_t nr)
{
    for (size_t i = 0; i < nr; i++) {
        const char *p = parts[i] ? parts[i] : "\x01";
        for (; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h *= 1099511628211ULL;
    }
    return h;
}

void field_derive_id(struct buf *out, const char *const *parts, size_t nr)
{
    buf_reset(out);
    buf_adds(out, "h:");
    add_hex(out, hash_parts(1469598103934665603ULL, parts, nr), 16);
}

void field_derive_id_at(struct buf *out, int64_t ts, const char *const *parts, size_t nr)
{
    uint64_t h = 1469598103934665603ULL, t = (uint64_t)ts;
    for (int i = 0; i < 8; i++, t >>= 8)
        h = (h ^ (t & 0xFF)) * 1099511628211ULL;
    buf_reset(out);
    buf_adds(out, "h:");
    add_hex(out, (uint64_t)ts, 11);
    add_hex(out, hash_parts(h, parts, nr), 16);
}
