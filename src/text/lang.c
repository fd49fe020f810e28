/* lang.c - the language of a text, simply: the script of its letters, then, for the Latin script,
 * which language's common words it holds most of (src/text/languages.txt). */
#include <string.h>

#include "base/err.h"
#include "text_int.h"

extern const char text_languages_txt[];
extern const size_t text_languages_txt_len;


int lang_load(struct text_analyzer *a, struct lf_err *err)
{
    const char *p = text_languages_txt, *end = p + text_languages_txt_len;
    size_t nr = 0;
    char(*codes)[3] = a->lang_codes;
    for (size_t line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (p < le && *p != '#') {
            if (le - p < 4 || p[2] != ':' || nr == LANGS_MAX)
                return err_set(err, LF_EINTERNAL, "languages.txt line %zu: not 'xx: words'",
                               line);
            memcpy(codes[nr], p, 2);
            codes[nr][2] = '\0';
            for (const char *q = p + 3; q < le;) {
                while (q < le && *q == ' ')
                    q++;
                const char *b = q;
                while (q < le && *q != ' ')
                    q++;
                if (q > b) {
                    int64_t bits = 0;
                    strmap_get(&a->stopwords, b, (size_t)(q - b), &bits);
                    strmap_put(&a->stopwords, b, (size_t)(q - b), bits | (int64_t)1 << nr);
                }
            }
            nr++;
        }
        p = le + 1;
    }
    if (nr == 0 || strcmp(codes[0], "en") != 0)
        return err_set(err, LF_EINTERNAL, "languages.txt: English must come first");
    a->langs_nr = nr;
    return 0;
}

/* Scripts whose letters name a language well enough (Cyrillic is told by its letters: і ї є ґ
 * are Ukrainian's alone). */
static const char *script_lang(uint32_t cp)
{
    if (cp >= 0x370 && cp <= 0x3FF)
        return "el";
    if (cp >= 0x400 && cp <= 0x52F)
        return cp == 0x456 || cp == 0x457 || cp == 0x454 || cp == 0x491 ? "uk" : "ru";
    if (cp >= 0x590 && cp <= 0x5FF)
        return "he";
    if (cp >= 0x600 && cp <= 0x6FF)
        return "ar";
    if (cp >= 0x900 && cp <= 0x97F)
        return "hi";
    if (cp >= 0xE00 && cp <= 0xE7F)
        return "th";
    if (cp >= 0x3040 && cp <= 0x30FF)
        return "ja";
    if (cp >= 0x3400 && cp <= 0x9FFF)
        return "zh";
    if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF))
        return "ko";
    return NULL;
}

const char *lang_detect(const struct text_analyzer *a, const struct text_work *w, const char *s,
                        size_t len)
{
    /* letters by script: the Latin ones, and the others by the language they point to */
    size_t latin = 0, other = 0, uk = 0, ja = 0;
    const char *other_lang = NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)text_utf8_next(s, len, i, &cp);
        if (!text_is_letter(cp))
            continue;
        const char *l = script_lang(cp);
        if (!l) {
            latin++;
            continue;
        }
        other++;
        uk += strcmp(l, "uk") == 0;
        ja += strcmp(l, "ja") == 0;
        if (!other_lang || strcmp(l, "uk") != 0)
            other_lang = strcmp(l, "uk") == 0 ? "ru" : l;
    }
    if (latin == 0 && other == 0)
        return "und"; /* emoji, emoticons, digits: no language, nothing to misread either */
    if (other > latin) {
        if (uk)
            return "uk";
        if (ja) /* Japanese writes kanji and kana; Chinese has no kana */
            return "ja";
        return other_lang;
    }
    size_t hits[LANGS_MAX] = {0};
    for (size_t i = 0; i < w->words_nr; i++) {
        int64_t bits;
        if (!strmap_get(&a->stopwords, w->words_text + w->words[i].off, w->words[i].len, &bits))
            continue;
        for (size_t l = 0; l < a->langs_nr; l++)
            hits[l] += (size_t)(bits >> l & 1);
    }
    size_t best = 0;
    for (size_t l = 1; l < a->langs_nr; l++)
        if (hits[l] > hits[best])
            best = l;
    /* one word of another language in an English sentence ("Das pretty sweet") is a loan */
    if (best != 0 && hits[best] < 2 && 2 * hits[best] < w->words_nr)
        best = 0;
    return a->lang_codes[best];
}
