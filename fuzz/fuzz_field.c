/* fuzz_field.c - libFuzzer target: the field parsers of ingest_int.h over any text. A value a
 * parser accepts must come back the same when its own output (or an independent writer's) is
 * parsed again; the checks with a plain definition (currency, email, UTF-8) are compared with
 * one written here; every refusal quotes the value in a message that is valid UTF-8 when the
 * value is. */
#include "fuzz.h"

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <math.h>

#include "base/time.h"
#include "base/utf8.h"
#include "ingest/ingest_int.h"
#include "model/model.h"

static void refused(const struct lf_err *err, bool valid_utf8)
{
    fuzz_check(err->code == LF_EINVAL && err->msg[0], "a refusal without a reason");
    if (valid_utf8)
        fuzz_check(utf8_valid(err->msg, strlen(err->msg), NULL),
                   "the message for a UTF-8 value is not UTF-8: %s", err->msg);
}

/* UTF-8 as glibc's iconv reads it: an independent decoder. */
static bool iconv_utf8(const char *s, size_t len)
{
    static iconv_t cd = (iconv_t)-1;
    if (cd == (iconv_t)-1)
        cd = iconv_open("UTF-32LE", "UTF-8");
    fuzz_check(cd != (iconv_t)-1, "iconv_open failed");
    iconv(cd, NULL, NULL, NULL, NULL);
    char out[256], *in = (char *)s;
    size_t left = len;
    while (left) {
        char *o = out;
        size_t room = sizeof(out);
        if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 && errno != E2BIG)
            return false;
    }
    return true;
}

static void times(struct span v, bool utf8)
{
    int64_t ms, again;
    struct lf_err err = {0};
    char iso[32];
    if (field_time(v, &ms, &err) < 0)
        return refused(&err, utf8);
    if (ms < TIME_MIN_MS || ms >= TIME_END_MS) /* years time_format_iso cannot write */
        return;
    time_format_iso(ms, iso);
    fuzz_check(field_time((struct span){iso, strlen(iso)}, &again, &err) == 0 && again == ms,
               "time %lld → '%s' does not come back", (long long)ms, iso);
}

static void integers(struct span v, bool utf8)
{
    int64_t n, again, count;
    struct lf_err err = {0};
    char s[32];
    int rc = field_int(v, &n, &err);
    if (rc < 0)
        refused(&err, utf8);
    int crc = field_count(v, &count, &err);
    if (crc < 0)
        refused(&err, utf8);
    fuzz_check(crc == 0 ? rc == 0 && count == n && n >= 0 : rc < 0 || n < 0,
               "field_count and field_int disagree");
    if (rc < 0)
        return;
    snprintf(s, sizeof(s), "%" PRId64, n);
    fuzz_check(field_int((struct span){s, strlen(s)}, &again, &err) == 0 && again == n,
               "integer %" PRId64 " does not come back", n);
}

static void reals(struct span v, bool utf8)
{
    double d, again;
    struct lf_err err = {0};
    char s[40];
    if (field_real(v, &d, &err) < 0)
        return refused(&err, utf8);
    fuzz_check(isfinite(d), "an accepted real is not finite");
    snprintf(s, sizeof(s), "%.17g", d);
    fuzz_check(field_real((struct span){s, strlen(s)}, &again, &err) == 0 && again == d,
               "real %.17g does not come back", d);
}

/* Writes minor units of a currency with `exp` decimals as a decimal amount. */
static void money_text(int64_t v, int exp, char out[40])
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, scale = 1;
    for (int i = 0; i < exp; i++)
        scale *= 10;
    if (exp)
        snprintf(out, 40, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", u / scale, exp, u % scale);
    else
        snprintf(out, 40, "%s%" PRIu64, v < 0 ? "-" : "", u);
}

static void money(struct span v, bool utf8)
{
    /* no currency (USD's 2 decimals), 2, 0 and 3 decimals */
    static const char *const cur[] = {NULL, "EUR", "JPY", "KWD"};
    static const int exps[] = {2, 2, 0, 3};
    int64_t got[4];
    int rc[4];
    for (int i = 0; i < 4; i++) {
        struct lf_err err = {0};
        char s[40];
        int64_t again;
        rc[i] = field_money(v, cur[i], &got[i], &err);
        if (rc[i] < 0) {
            refused(&err, utf8);
            continue;
        }
        money_text(got[i], exps[i], s);
        fuzz_check(field_money((struct span){s, strlen(s)}, cur[i], &again, &err) == 0 &&
                       again == got[i],
                   "%" PRId64 " %s → '%s' does not come back", got[i], cur[i] ? cur[i] : "USD", s);
    }
    /* one amount in minor units of 0, 2 and 3 decimals: ×100 and ×10 apart */
    fuzz_check(rc[0] == rc[1] && (rc[0] < 0 || got[0] == got[1]), "USD and EUR disagree");
    if (rc[2] == 0)
        fuzz_check(rc[1] == 0 && got[1] == got[2] * 100, "JPY %" PRId64 " but EUR %" PRId64, got[2],
                   got[1]);
    if (rc[1] == 0)
        fuzz_check(rc[3] == 0 && got[3] == got[1] * 10, "EUR %" PRId64 " but KWD %" PRId64, got[1],
                   got[3]);
}

static void currency(struct span v, bool utf8)
{
    struct lf_err err = {0};
    bool want = v.len == 3;
    for (size_t i = 0; want && i < 3; i++)
        want = v.ptr[i] >= 'A' && v.ptr[i] <= 'Z';
    int rc = field_currency(v, &err);
    fuzz_check((rc == 0) == want, "field_currency says %d for a %zu-byte value", rc, v.len);
    if (rc < 0)
        refused(&err, utf8);
}

static void email(struct span v, bool utf8)
{
    /* something@something: one '@', neither first nor last, no space or tab */
    struct lf_err err = {0};
    size_t ats = 0, at = 0;
    bool blank = false;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] == '@')
            ats++, at = i;
        blank |= v.ptr[i] == ' ' || v.ptr[i] == '\t';
    }
    bool want = ats == 1 && at > 0 && at + 1 < v.len && !blank;
    int rc = field_email(v, &err);
    fuzz_check((rc == 0) == want, "field_email says %d, the definition %d", rc, want);
    if (rc < 0)
        refused(&err, utf8);
}

static void text_and_vocab(struct span v, bool utf8)
{
    struct lf_err err = {0};
    bool nul = memchr(v.ptr, '\0', v.len) != NULL;
    int rc = field_text(v, &err);
    fuzz_check((rc == 0) == (utf8 && !nul), "field_text says %d, iconv %d, NUL %d", rc, utf8, nul);
    fuzz_check(utf8 == iconv_utf8(v.ptr, v.len), "utf8_valid and iconv disagree");
    rc = field_vocab(v, model_channels, &err);
    bool known = false;
    for (const char *const *w = model_channels; *w; w++)
        known |= strlen(*w) == v.len && memcmp(*w, v.ptr, v.len) == 0;
    fuzz_check((rc == 0) == known, "field_vocab says %d", rc);
    if (rc < 0)
        refused(&err, utf8);
}

static void show(struct span v, bool utf8)
{
    char out[FIELD_SHOW];
    memset(out, 'x', sizeof(out));
    field_show(v, out);
    size_t n = strnlen(out, sizeof(out));
    fuzz_check(n < sizeof(out), "field_show wrote no NUL within %d bytes", FIELD_SHOW);
    for (size_t i = 0; i < n; i++)
        fuzz_check((unsigned char)out[i] >= 0x20, "field_show kept a control character");
    if (utf8)
        fuzz_check(utf8_valid(out, n, NULL), "field_show cut a character");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    struct span v = {s, size};
    bool utf8 = utf8_valid(s, size, NULL);
    times(v, utf8);
    integers(v, utf8);
    reals(v, utf8);
    money(v, utf8);
    currency(v, utf8);
    email(v, utf8);
    text_and_vocab(v, utf8);
    show(v, utf8);
    free(s);
    return 0;
}
