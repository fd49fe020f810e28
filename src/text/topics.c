/* topics.c - the topics of a taxonomy a text is about, matched on stemmed words (Snowball's
 * English stemmer, Debian's libstemmer): "charged", "charges" and "charge" are one word here. */
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "text_int.h"

#define TOPICS_MAX 1000     /* a uint16_t holds a topic's index */
#define TOPIC_NAME_MAX 48
#define TERM_WORDS_MAX 8
#define TERM_MAX 256        /* bytes */

void *topics_stemmer_new(void)
{
    struct sb_stemmer *st = sb_stemmer_new("english", "UTF_8");
    if (!st)
        abort(); /* only out of memory: "english" is built into every libstemmer */
    return st;
}

void topics_stemmer_free(void *st)
{
    if (st)
        sb_stemmer_delete(st);
}

static void pool_add(struct text_analyzer *a, size_t *cap, const char *s, size_t n)
{
    a->pool = xgrow(a->pool, 1, a->pool_len + n + 1, cap);
    memcpy(a->pool + a->pool_len, s, n);
    a->pool[a->pool_len + n] = '\0';
    a->pool_len += n + 1;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Adds the term written in t[0..n) ("credit card") to topic `topic`: its words stemmed. */
static int add_term(struct text_analyzer *a, struct sb_stemmer *st, struct text_work *w,
                    uint16_t topic, const char *t, size_t n, size_t *pool_cap, size_t *terms_cap,
                    const char *origin, size_t line, struct lf_err *err)
{
    if (n > TERM_MAX)
        return err_set(err, LF_EINVAL, "'%s' line %zu: a term of more than %d bytes", origin,
                       line, TERM_MAX);
    text_words(w, t, n);
    if (w->words_nr == 0)
        return err_set(err, LF_EINVAL, "'%s' line %zu: a term without a word", origin, line);
    if (w->words_nr > TERM_WORDS_MAX)
        return err_set(err, LF_EINVAL, "'%s' line %zu: '%.*s' has more than %d words", origin,
                       line, (int)n, t, TERM_WORDS_MAX);
    a->terms = xgrow(a->terms, sizeof(*a->terms), a->terms_nr + 1, terms_cap);
    size_t next_cap = *terms_cap;
    a->term_next = xrealloc(a->term_next, next_cap * sizeof(*a->term_next));
    struct topic_term *term = &a->terms[a->terms_nr];
    term->topic = topic;
    term->nr = (uint8_t)w->words_nr;
    term->stems = (uint32_t)a->pool_len;
    for (size_t i = 0; i < w->words_nr; i++) {
        const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)w->words_text + w->words[i].off,
                                             (int)w->words[i].len);
        pool_add(a, pool_cap, (const char *)s, (size_t)sb_stemmer_length(st));
    }
    /* chained behind the terms with the same first stem */
    const char *first = a->pool + term->stems;
    int64_t head;
    a->term_next[a->terms_nr] = UINT32_MAX;
    if (strmap_get(&a->topic_first, first, strlen(first), &head)) {
        uint32_t k = (uint32_t)head;
        while (a->term_next[k] != UINT32_MAX)
            k = a->term_next[k];
        a->term_next[k] = (uint32_t)a->terms_nr;
    } else {
        strmap_put(&a->topic_first, first, strlen(first), (int64_t)a->terms_nr);
    }
    a->terms_nr++;
    return 0;
}

int topics_load(struct text_analyzer *a, const char *text, size_t len, const char *origin,
                struct lf_err *err)
{
    struct sb_stemmer *st = topics_stemmer_new();
    struct text_work *w = text_work_new();
    size_t pool_cap = 0, terms_cap = 0, names_cap = 0;
    int rc = -1;
    const char *p = text, *end = text + len;
    for (size_t line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        p = le + 1;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == le || *q == '#' || (le - q == 1 && *q == '\r'))
            continue;
        const char *colon = memchr(q, ':', (size_t)(le - q));
        if (!colon) {
            err_set(err, LF_EINVAL, "'%s' line %zu: not 'topic: term, term…'", origin, line);
            goto out;
        }
        const char *ne = colon;
        while (ne > q && (ne[-1] == ' ' || ne[-1] == '\t'))
            ne--;
        size_t nlen = (size_t)(ne - q);
        bool ok = nlen > 0 && nlen <= TOPIC_NAME_MAX;
        for (size_t i = 0; ok && i < nlen; i++)
            ok = name_char(q[i]);
        if (!ok) {
            err_set(err, LF_EINVAL,
                    "'%s' line %zu: topic '%.*s' is not 1 to %d of a-z, 0-9, '_' and '-'", origin,
                    line, (int)(nlen > 64 ? 64 : nlen), q, TOPIC_NAME_MAX);
            goto out;
        }
        for (size_t t = 0; t < a->topics_nr; t++)
            if (strlen(a->topic_names[t]) == nlen && memcmp(a->topic_names[t], q, nlen) == 0) {
                err_set(err, LF_EINVAL, "'%s' line %zu: topic '%.*s' is declared twice", origin,
                        line, (int)nlen, q);
                goto out;
            }
        if (a->topics_nr == TOPICS_MAX) {
            err_set(err, LF_EINVAL, "'%s' line %zu: more than %d topics", origin, line,
                    TOPICS_MAX);
            goto out;
        }
        a->topic_names = xgrow(a->topic_names, sizeof(char *), a->topics_nr + 1, &names_cap);
        a->topic_names[a->topics_nr] = xstrndup(q, nlen);
        uint16_t topic = (uint16_t)a->topics_nr++;
        size_t terms = 0;
        for (const char *t = colon + 1; t < le;) {
            const char *comma = memchr(t, ',', (size_t)(le - t));
            const char *te = comma ? comma : le;
            const char *b = t, *e = te;
            while (b < e && (*b == ' ' || *b == '\t'))
                b++;
            while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
            if (e > b) {
                if (add_term(a, st, w, topic, b, (size_t)(e - b), &pool_cap, &terms_cap, origin,
                             line, err) < 0)
                    goto out;
                terms++;
            }
            t = te + 1;
        }
        if (terms == 0) {
            err_set(err, LF_EINVAL, "'%s' line %zu: topic '%s' has no term", origin, line,
                    a->topic_names[topic]);
            goto out;
        }
    }
    if (a->topics_nr == 0) {
        err_set(err, LF_EINVAL, "'%s': no topic", origin);
        goto out;
    }
    rc = 0;
out:
    text_work_free(w);
    topics_stemmer_free(st);
    return rc;
}

void topics_match(const struct text_analyzer *a, struct text_work *w, struct text_result *out)
{
    struct sb_stemmer *st = w->stemmer;
    size_t o = 0, cap = TEXT_NORM_CAP;
    out->topics_nr = 0;
    for (size_t i = 0; i < w->words_nr; i++) {
        const struct word *wd = &w->words[i];
        const sb_symbol *s =
            sb_stemmer_stem(st, (const sb_symbol *)w->words_text + wd->off, (int)wd->len);
        size_t n = s ? (size_t)sb_stemmer_length(st) : 0;
        if (o + n + 1 > cap) { /* stems are no longer than their words: cannot happen */
            w->words_nr = i;
            break;
        }
        memcpy(w->stems + o, s, n);
        w->stems[o + n] = '\0';
        w->stem_off[i] = (uint32_t)o;
        o += n + 1;
    }
    for (size_t i = 0; i < w->words_nr && out->topics_nr < TEXT_TOPICS_MAX; i++) {
        const char *first = w->stems + w->stem_off[i];
        int64_t head;
        if (!strmap_get(&a->topic_first, first, strlen(first), &head))
            continue;
        for (uint32_t k = (uint32_t)head; k != UINT32_MAX; k = a->term_next[k]) {
            const struct topic_term *t = &a->terms[k];
            if (i + t->nr > w->words_nr)
                continue;
            const char *ts = a->pool + t->stems;
            bool match = true;
            for (size_t j = 0; j < t->nr && match; j++) {
                match = strcmp(ts, w->stems + w->stem_off[i + j]) == 0;
                ts += strlen(ts) + 1;
            }
            if (!match)
                continue;
            bool seen = false;
            for (size_t j = 0; j < out->topics_nr && !seen; j++)
                seen = out->topics[j] == t->topic;
            if (!seen && out->topics_nr < TEXT_TOPICS_MAX)
                out->topics[out->topics_nr++] = t->topic;
        }
    }
}
