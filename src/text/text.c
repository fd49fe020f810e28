/* text.c - the analyzer and a thread's scratch, and text_analyze: markup, language, then
 * sentiment, emotions and topics. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/utf8.h"
#include "text_int.h"

extern const char text_taxonomy_txt[];
extern const size_t text_taxonomy_txt_len;

int text_analyzer_new(const char *taxonomy, size_t len, const char *origin,
                      struct text_analyzer **out, struct lf_err *err)
{
    struct text_analyzer *a = xcalloc(1, sizeof(*a));
    *out = NULL;
    strmap_init(&a->lexicon);
    strmap_init(&a->modifiers);
    strmap_init(&a->emoji);
    strmap_init(&a->emo_words);
    strmap_init(&a->emo_prefixes);
    strmap_init(&a->stopwords);
    strmap_init(&a->topic_first);
    vader_tables_init(a);
    if (!taxonomy) {
        taxonomy = text_taxonomy_txt;
        len = text_taxonomy_txt_len;
        origin = "built-in taxonomy";
    }
    size_t bad;
    if (!utf8_valid(taxonomy, len, &bad)) {
        err_set(err, LF_EINVAL, "'%s' is not UTF-8: byte offset %zu", origin, bad);
        goto fail;
    }
    if (emotion_load(a, err) < 0 || lang_load(a, err) < 0 ||
        topics_load(a, taxonomy, len, origin, err) < 0)
        goto fail;
    *out = a;
    return 0;
fail:
    text_analyzer_free(a);
    return -1;
}

void text_analyzer_free(struct text_analyzer *a)
{
    if (!a)
        return;
    strmap_release(&a->lexicon);
    strmap_release(&a->modifiers);
    strmap_release(&a->emoji);
    strmap_release(&a->emo_words);
    strmap_release(&a->emo_prefixes);
    strmap_release(&a->stopwords);
    strmap_release(&a->topic_first);
    free(a->emo);
    free(a->emo_pool);
    free(a->emo_symbols);
    for (size_t i = 0; i < a->topics_nr; i++)
        free(a->topic_names[i]);
    free(a->topic_names);
    free(a->terms);
    free(a->term_next);
    free(a->pool);
    free(a);
}

size_t text_topics_count(const struct text_analyzer *a)
{
    return a->topics_nr;
}

const char *text_topic_name(const struct text_analyzer *a, size_t i)
{
    return i < a->topics_nr ? a->topic_names[i] : NULL;
}

struct text_work *text_work_new(void)
{
    struct text_work *w = xcalloc(1, sizeof(*w));
    w->clean = xmalloc(TEXT_MAX_BYTES + 1);
    w->norm = xmalloc(TEXT_NORM_CAP + 1);
    w->lower = xmalloc(TEXT_NORM_CAP + 1);
    w->tok = xmalloc(TEXT_TOKENS_CAP * sizeof(*w->tok));
    w->sent = xmalloc(TEXT_TOKENS_CAP * sizeof(*w->sent));
    w->words = xmalloc(TEXT_TOKENS_CAP * sizeof(*w->words));
    /* a word's lowercase may be longer than it (Latin-1 'İ' → 'i' is shorter; none is
     * longer than twice), and each ends with a NUL */
    w->words_text = xmalloc(2 * TEXT_NORM_CAP + TEXT_TOKENS_CAP);
    w->stems = xmalloc(TEXT_NORM_CAP);
    w->stem_off = xmalloc(TEXT_TOKENS_CAP * sizeof(*w->stem_off));
    w->stemmer = topics_stemmer_new();
    return w;
}

void text_work_free(struct text_work *w)
{
    if (!w)
        return;
    free(w->clean);
    free(w->norm);
    free(w->lower);
    free(w->tok);
    free(w->sent);
    free(w->words);
    free(w->words_text);
    free(w->stems);
    free(w->stem_off);
    topics_stemmer_free(w->stemmer);
    free(w);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && (s[i] < '\t' || s[i] > '\r'))
            return false;
    return true;
}

int text_analyze(const struct text_analyzer *a, struct text_work *w, const char *utf8, size_t len,
                 unsigned flags, struct text_result *out, struct lf_err *err)
{
    memset(out, 0, sizeof(*out));
    memcpy(out->lang, "und", 4);
    size_t bad;
    if (!utf8_valid(utf8, len, &bad))
        return err_set(err, LF_EINVAL, "text is not UTF-8: byte offset %zu (0x%02x)", bad,
                       (unsigned char)utf8[bad]);
    size_t n = clean_text(utf8, len, w->clean, TEXT_MAX_BYTES, &out->html, &out->truncated);
    const char *s = w->clean;
    if (blank(s, n)) {
        out->empty = true;
        return 0;
    }
    text_words(w, s, n);
    const char *lang = flags & TEXT_ENGLISH ? "en" : lang_detect(a, w, s, n);
    memcpy(out->lang, lang, strlen(lang) + 1);
    /* English is scored, and a text without letters: its emoji, emoticons and punctuation
     * mean the same in every language */
    if (strcmp(lang, "en") != 0 && strcmp(lang, "und") != 0)
        return 0;
    out->scored = true;
    emotion_score(a, w, s, n, out->emotions);
    topics_match(a, w, out);
    text_sentiment(a, w, s, n, &out->sentiment);
    return 0;
}
