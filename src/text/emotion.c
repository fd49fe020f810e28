/* emotion.c - the emotions of customer experience in a text, from landfall's lexicon
 * (src/text/emotions.txt) and its rules of intensity and negation. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/mem.h"
#include "text_int.h"

extern const char text_emotions_txt[];
extern const size_t text_emotions_txt_len;

static const char *const emotion_names[TEXT_EMOTIONS] = {
    "delight", "gratitude", "trust", "frustration", "anger", "confusion", "anxiety",
    "disappointment"};

const char *text_emotion_name(int e)
{
    return e >= 0 && e < TEXT_EMOTIONS ? emotion_names[e] : NULL;
}

static bool positive(int e)
{
    return e == TEXT_DELIGHT || e == TEXT_GRATITUDE || e == TEXT_TRUST;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' ||
           (unsigned char)c >= 0x80;
}

/* Chains term k behind the others of the same key in map. */
static void chain(struct text_analyzer *a, struct strmap *map, const char *key, size_t len,
                  uint32_t k)
{
    int64_t head;
    a->emo[k].next = UINT32_MAX;
    if (!strmap_get(map, key, len, &head)) {
        strmap_put(map, key, len, k);
        return;
    }
    uint32_t j = (uint32_t)head;
    while (a->emo[j].next != UINT32_MAX)
        j = a->emo[j].next;
    a->emo[j].next = k;
}

/* Adds the term of words w[0..n) (space-separated); with strip, its apostrophes dropped. */
static void add_term(struct text_analyzer *a, const char *t, size_t n, int emotion, float weight,
                     bool strip, size_t *cap, size_t *pool_cap, size_t *sym_cap)
{
    a->emo = xgrow(a->emo, sizeof(*a->emo), a->emo_nr + 1, cap);
    uint32_t k = (uint32_t)a->emo_nr++;
    struct emo_term *e = &a->emo[k];
    *e = (struct emo_term){.emotion = (uint8_t)emotion, .weight = weight,
                           .words = (uint32_t)a->emo_pool_len};
    a->emo_pool = xgrow(a->emo_pool, 1, a->emo_pool_len + n + 2, pool_cap);
    char *o = a->emo_pool + a->emo_pool_len;
    size_t first_len = 0;
    if (!word_char(t[0])) { /* symbols, found as they are */
        memcpy(o, t, n);
        o[n] = '\0';
        a->emo_pool_len += n + 1;
        a->emo_symbols = xgrow(a->emo_symbols, sizeof(uint32_t), a->emo_symbols_nr + 1, sym_cap);
        a->emo_symbols[a->emo_symbols_nr++] = k;
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == ' ') {
            while (i + 1 < n && t[i + 1] == ' ')
                i++;
            if (!first_len)
                first_len = m;
            o[m++] = '\0';
            e->nr++;
        } else if (t[i] == '*' && i + 1 == n) {
            e->prefix = true;
        } else if (!(strip && t[i] == '\'')) {
            o[m++] = t[i];
        }
    }
    if (!first_len)
        first_len = m;
    o[m++] = '\0';
    e->nr++;
    a->emo_pool_len += m;
    const char *first = a->emo_pool + e->words;
    if (e->prefix && e->nr == 1) {
        chain(a, &a->emo_prefixes, first, first_len, k);
        if (!a->emo_prefix_min || first_len < a->emo_prefix_min)
            a->emo_prefix_min = first_len;
        if (first_len > a->emo_prefix_max)
            a->emo_prefix_max = first_len;
    } else {
        chain(a, &a->emo_words, first, first_len, k);
    }
}

int emotion_load(struct text_analyzer *a, struct lf_err *err)
{
    const char *p = text_emotions_txt, *end = p + text_emotions_txt_len;
    size_t cap = 0, pool_cap = 0, sym_cap = 0;
    for (size_t line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        p = le + 1;
        if (q == le || *q == '#')
            continue;
        /* the last two fields are the emotion and the weight */
        const char *we = le;
        while (we > q && we[-1] == ' ')
            we--;
        const char *wb = we;
        while (wb > q && wb[-1] != ' ')
            wb--;
        const char *ee = wb;
        while (ee > q && ee[-1] == ' ')
            ee--;
        const char *eb = ee;
        while (eb > q && eb[-1] != ' ')
            eb--;
        const char *te = eb;
        while (te > q && te[-1] == ' ')
            te--;
        int emotion = -1;
        for (int e = 0; e < TEXT_EMOTIONS; e++)
            if (strlen(emotion_names[e]) == (size_t)(ee - eb) &&
                memcmp(emotion_names[e], eb, (size_t)(ee - eb)) == 0)
                emotion = e;
        char num[16] = "";
        if (we - wb < (long)sizeof(num))
            memcpy(num, wb, (size_t)(we - wb));
        char *numend;
        double weight = strtod(num, &numend);
        if (te == q || emotion < 0 || numend == num || *numend || weight < 0 || weight > 1)
            return err_set(err, LF_EINTERNAL,
                           "emotions.txt line %zu: not 'WORDS EMOTION WEIGHT (0..1)'", line);
        add_term(a, q, (size_t)(te - q), emotion, (float)weight, false, &cap, &pool_cap,
                 &sym_cap);
        if (memchr(q, '\'', (size_t)(te - q)))
            add_term(a, q, (size_t)(te - q), emotion, (float)weight, true, &cap, &pool_cap,
                     &sym_cap);
    }
    return 0;
}

/* Words as the lexicon spells them: "don’t" is "don't" already (text_words). */
static const char *word_at(const struct text_work *w, size_t i)
{
    return w->words_text + w->words[i].off;
}

/* The number of words term k covers at word i, or 0. */
static size_t match(const struct text_analyzer *a, const struct text_work *w, size_t i, uint32_t k)
{
    const struct emo_term *t = &a->emo[k];
    if (i + t->nr > w->words_nr)
        return 0;
    const char *tw = a->emo_pool + t->words;
    for (size_t j = 0; j < t->nr; j++) {
        size_t n = strlen(tw);
        const char *x = word_at(w, i + j);
        bool last = j + 1 == t->nr;
        if (last && t->prefix ? strncmp(x, tw, n) != 0 : strcmp(x, tw) != 0)
            return 0;
        tw += n + 1;
    }
    return t->nr;
}

static bool negation(const struct text_analyzer *a, const struct text_work *w, size_t i)
{
    const char *x = word_at(w, i);
    size_t n = w->words[i].len;
    int64_t v;
    return strcmp(x, "no") == 0 || (strmap_get(&a->modifiers, x, n, &v) && (v & MOD_NEGATE)) ||
           (n > 3 && strcmp(x + n - 3, "n't") == 0);
}

/* The factor the two words before word i put on it: a booster 1.3, a dampener 0.6. */
static float intensity(const struct text_analyzer *a, const struct text_work *w, size_t i)
{
    int64_t v;
    for (size_t d = 1; d <= 2 && d <= i; d++) {
        const char *x = word_at(w, i - d);
        if (strmap_get(&a->modifiers, x, w->words[i - d].len, &v) && (v & MOD_BOOST))
            return 1.3f;
        if (strmap_get(&a->modifiers, x, w->words[i - d].len, &v) && (v & MOD_DAMPEN))
            return 0.6f;
        if (d == 1 && i >= 2 && strcmp(x, "of") == 0 &&
            (strcmp(word_at(w, i - 2), "kind") == 0 || strcmp(word_at(w, i - 2), "sort") == 0))
            return 0.6f;
    }
    return 1;
}

static void add(float *score, int e, float weight)
{
    if (weight > 1)
        weight = 1;
    score[e] = 1 - (1 - score[e]) * (1 - weight);
}

void emotion_score(const struct text_analyzer *a, const struct text_work *w, const char *s,
                   size_t len, float *out)
{
    memset(out, 0, TEXT_EMOTIONS * sizeof(*out));
    float bang = memchr(s, '!', len) ? 1.1f : 1;
    for (size_t i = 0; i < w->words_nr;) {
        uint32_t hits[8];
        size_t nhits = 0, best = 0;
        int64_t head;
        const char *x = word_at(w, i);
        if (strmap_get(&a->emo_words, x, w->words[i].len, &head))
            for (uint32_t k = (uint32_t)head; k != UINT32_MAX; k = a->emo[k].next) {
                size_t n = match(a, w, i, k);
                if (n > best)
                    best = n, nhits = 0;
                if (n == best && n > 0 && nhits < 8)
                    hits[nhits++] = k;
            }
        /* a prefix only for a word no exact term has: "scared" is not also "scare*" */
        for (size_t l = a->emo_prefix_max; best == 0 && l >= a->emo_prefix_min && l > 0; l--) {
            if (l > w->words[i].len ||
                !strmap_get(&a->emo_prefixes, x, l, &head))
                continue;
            for (uint32_t k = (uint32_t)head; k != UINT32_MAX && nhits < 8; k = a->emo[k].next)
                hits[nhits++] = k, best = 1;
            break; /* the longest prefix only: "disappoint*" before "dis*" */
        }
        if (best == 0) {
            i++;
            continue;
        }
        bool negated = false;
        for (size_t d = 1; d <= 3 && d <= i && !negated; d++)
            negated = negation(a, w, i - d);
        float f = intensity(a, w, i) * (w->words[i].upper ? 1.2f : 1) * bang;
        for (size_t h = 0; h < nhits; h++) {
            const struct emo_term *t = &a->emo[hits[h]];
            if (!negated)
                add(out, t->emotion, t->weight * f);
            else if (positive(t->emotion))
                add(out, TEXT_DISAPPOINTMENT, 0.8f * t->weight * f);
        }
        i += best;
    }
    for (size_t k = 0; k < a->emo_symbols_nr; k++) {
        const struct emo_term *t = &a->emo[a->emo_symbols[k]];
        const char *sym = a->emo_pool + t->words;
        size_t n = strlen(sym);
        for (size_t i = 0; i + n <= len; i++)
            if (strncasecmp(s + i, sym, n) == 0) {
                add(out, t->emotion, t->weight * bang);
                break;
            }
    }
}
