/* drivers.c - a row's risk drivers in plain words, from templates and contributions (drivers.h). */
#include "drivers.h"

#include <math.h>
#include <string.h>

#include "base/err.h"

/* A number for people: whole numbers as such; others with 3 significant digits, never in
 * exponent form above 1e-4, and at least to the unit from 100 up. */
static void number(struct buf *out, double v)
{
    v += 0.0; /* no "-0" */
    if (v == floor(v) && fabs(v) < 1e15)
        buf_addf(out, "%.0f", v);
    else if (fabs(v) >= 100)
        buf_addf(out, "%.0f", v);
    else
        buf_addf(out, "%.3g", v);
}

static void percent(struct buf *out, double v)
{
    double p = 100 * v + 0.0;
    if (fabs(p) >= 10 || p == floor(p))
        buf_addf(out, "%.0f %%", p + 0.0);
    else
        buf_addf(out, "%.1f %%", p);
}

enum { P_VALUE, P_ABS, P_PCT, P_ABS_PCT, P_NAME, P_PLURAL, P_NONE };
static const char *const placeholders[] = {"value", "abs", "pct", "abs_pct", "name", "s"};

static int placeholder(const char *s, size_t len)
{
    for (int i = 0; i < P_NONE; i++)
        if (strlen(placeholders[i]) == len && memcmp(placeholders[i], s, len) == 0)
            return i;
    return P_NONE;
}

/* Walks tpl; with out set, writes it for (name, v, missing). Returns 0, or -1 with err set at the
 * first fault. */
static int walk(const char *tpl, const char *name, double v, int missing, struct buf *out,
                struct lf_err *err)
{
    for (const char *p = tpl; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            if (out)
                buf_addc(out, p[0]);
            p += 2;
            continue;
        }
        if (*p == '}')
            return err_set(err, LF_EINVAL, "template '%s': a '}' closes no '{'", tpl);
        if (*p != '{') {
            size_t n = strcspn(p, "{}");
            if (out)
                buf_add(out, p, n);
            p += n;
            continue;
        }
        const char *close = strchr(p + 1, '}');
        const char *open = strchr(p + 1, '{');
        if (!close || (open && open < close))
            return err_set(err, LF_EINVAL, "template '%s': a '{' is not closed", tpl);
        const char *in = p + 1;
        size_t len = (size_t)(close - in);
        p = close + 1;
        if (!memchr(in, '|', len)) {
            int ph = placeholder(in, len);
            if (ph == P_NONE)
                return err_set(err, LF_EINVAL, "template '%s': unknown placeholder {%.*s}",
                               tpl, (int)len, in);
            if (!out)
                continue;
            if (ph == P_NAME)
                buf_adds(out, name);
            else if (ph == P_PLURAL)
                buf_adds(out, !missing && fabs(v) == 1 ? "" : "s");
            else if (missing)
                buf_adds(out, "unknown");
            else if (ph == P_VALUE || ph == P_ABS)
                number(out, ph == P_ABS ? fabs(v) : v);
            else
                percent(out, ph == P_ABS_PCT ? fabs(v) : v);
            continue;
        }
        /* a choice by the value's sign */
        const char *alt[3];
        size_t alt_len[3], nr = 0;
        for (const char *a = in; nr < 3;) {
            const char *bar = memchr(a, '|', (size_t)(close - a));
            const char *end = bar ? bar : close;
            alt[nr] = a;
            alt_len[nr++] = (size_t)(end - a);
            if (!bar)
                break;
            a = bar + 1;
            if (nr == 3)
                return err_set(err, LF_EINVAL,
                               "template '%s': a choice has more than 3 alternatives", tpl);
        }
        if (!out)
            continue;
        size_t pick = missing ? 0
                      : nr == 2 ? (v > 0)
                                : (v < 0 ? 0 : v == 0 ? 1 : 2);
        buf_add(out, alt[pick], alt_len[pick]);
    }
    return 0;
}

int driver_template_check(const char *tpl, struct lf_err *err)
{
    return walk(tpl, "", 0, 0, NULL, err);
}

void driver_describe(const struct driver_text *t, const char *name, double v, struct buf *out)
{
    int missing = isnan(v);
    const char *tpl = t ? (missing ? t->missing : t->text) : NULL;
    if (!tpl)
        tpl = missing ? "{name} unknown" : "{name} = {value}";
    if (walk(tpl, name, v, missing, NULL, NULL) < 0)
        buf_adds(out, tpl);
    else
        walk(tpl, name, v, missing, out, NULL);
}

void driver_format(const struct driver_text *t, const char *name, double v, double contribution,
                   struct buf *out)
{
    driver_describe(t, name, v, out);
    buf_addf(out, ": %+.2f", contribution + 0.0);
}

size_t drivers_top(const float *contribs, size_t nr, size_t k, size_t *out)
{
    size_t got = 0;
    for (size_t i = 0; i < nr; i++) {
        if (!(contribs[i] > 0))
            continue;
        /* insertion into the sorted top list: strictly larger moves up, so ties keep index
         * order */
        size_t at = got < k ? got : k;
        while (at > 0 && contribs[i] > contribs[out[at - 1]])
            at--;
        if (at >= k)
            continue;
        size_t last = got < k ? got : k - 1;
        memmove(out + at + 1, out + at, (last - at) * sizeof(*out));
        out[at] = i;
        if (got < k)
            got++;
    }
    return got;
}

const struct driver_text *driver_text_find(const struct driver_text *table, size_t nr,
                                           const char *feature)
{
    for (size_t i = 0; i < nr; i++)
        if (strcmp(table[i].feature, feature) == 0)
            return &table[i];
    return NULL;
}

void drivers_explain(const char *const *names, const struct driver_text *const *texts,
                     const float *x, const float *contribs, size_t nr, size_t k,
                     struct buf *out)
{
    size_t top[16];
    if (k > sizeof(top) / sizeof(top[0]))
        k = sizeof(top) / sizeof(top[0]);
    size_t got = drivers_top(contribs, nr, k, top);
    for (size_t i = 0; i < got; i++) {
        size_t f = top[i];
        if (i)
            buf_adds(out, "; ");
        driver_format(texts ? texts[f] : NULL, names[f], x[f], contribs[f], out);
    }
}
