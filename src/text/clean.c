/* clean.c - a text made ready for analysis: markup removed, entities decoded, cut to length, and
 * split into lowercase words. */
#include <string.h>
#include <strings.h>

#include "text_int.h"

int text_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i;
    if (u[0] < 0x80 || left < 2) {
        *cp = u[0];
        return 1;
    }
    if (u[0] < 0xE0) {
        *cp = (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
        return 2;
    }
    if (u[0] < 0xF0 || left < 4) {
        *cp = left < 3 ? 0xFFFD : (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
                                      (u[2] & 0x3F);
        return left < 3 ? (int)left : 3;
    }
    *cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
          (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
    return 4;
}

bool text_is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 32) >= 'a' && (cp | 32) <= 'z';
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x52F) ||   /* Greek, Cyrillic */
           (cp >= 0x590 && cp <= 0x6FF) ||   /* Hebrew, Arabic */
           (cp >= 0x900 && cp <= 0x97F) ||   /* Devanagari */
           (cp >= 0xE00 && cp <= 0xE7F) ||   /* Thai */
           (cp >= 0x1100 && cp <= 0x11FF) || /* Hangul jamo */
           (cp >= 0x1E00 && cp <= 0x1EFF) || /* Latin Extended Additional */
           (cp >= 0x3040 && cp <= 0x30FF) || /* kana */
           (cp >= 0x3400 && cp <= 0x9FFF) || /* CJK */
           (cp >= 0xAC00 && cp <= 0xD7AF);   /* Hangul */
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {{"amp", '&'},    {"lt", '<'},      {"gt", '>'},      {"quot", '"'},
                {"apos", '\''},  {"nbsp", ' '},    {"rsquo", 0x2019}, {"lsquo", 0x2018},
                {"rdquo", 0x201D}, {"ldquo", 0x201C}, {"hellip", 0x2026}, {"mdash", 0x2014},
                {"ndash", 0x2013}, {"eacute", 0xE9}, {"euro", 0x20AC}};

/* An entity at s[i] ('&'): its code point and length, or 0. */
static size_t entity(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t j = i + 1, end = len - i > 12 ? i + 12 : len;
    if (j < end && s[j] == '#') {
        bool hex = j + 1 < end && (s[j + 1] | 32) == 'x';
        uint32_t v = 0;
        size_t k = j + 1 + hex, digits = 0;
        for (; k < end && digits < 7; k++, digits++) {
            char c = s[k];
            int d = c >= '0' && c <= '9'                   ? c - '0'
                    : hex && (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10
                                                                : -1;
            if (d < 0)
                break;
            v = v * (hex ? 16 : 10) + (uint32_t)d;
        }
        /* a character, not a control, a surrogate or past Unicode */
        if (digits == 0 || k >= end || s[k] != ';' || v < 0x20 || (v >= 0xD800 && v <= 0xDFFF) ||
            v > 0x10FFFF)
            return 0;
        *cp = v;
        return k + 1 - i;
    }
    for (size_t e = 0; e < sizeof(entities) / sizeof(*entities); e++) {
        size_t n = strlen(entities[e].name);
        if (j + n < len && strncmp(s + j, entities[e].name, n) == 0 && s[j + n] == ';') {
            *cp = entities[e].cp;
            return n + 2;
        }
    }
    return 0;
}

/* A tag starts with '<' and a letter, '/' and a letter, or '!': "<3" and "a < b" are text. */
static bool tag_at(const char *s, size_t len, size_t i)
{
    if (i + 1 >= len)
        return false;
    char c = s[i + 1];
    if (c == '/' && i + 2 < len)
        c = s[i + 2];
    return ((c | 32) >= 'a' && (c | 32) <= 'z') || s[i + 1] == '!';
}

/* The end of what an element opened at i holds when it is not text: after the </script> or
 * </style> that closes it, after the --> of a comment; else 0. */
static size_t skip_element(const char *s, size_t len, size_t i)
{
    static const char *const raw[] = {"script", "style"};
    if (len - i > 4 && strncmp(s + i, "<!--", 4) == 0) {
        for (size_t k = i + 4; k + 3 <= len; k++)
            if (strncmp(s + k, "-->", 3) == 0)
                return k + 3;
        return len;
    }
    for (size_t r = 0; r < 2; r++) {
        size_t n = strlen(raw[r]);
        if (len - i > n + 1 && strncasecmp(s + i + 1, raw[r], n) == 0) {
            for (size_t k = i + 1 + n; k + n + 2 < len; k++)
                if (s[k] == '<' && s[k + 1] == '/' && strncasecmp(s + k + 2, raw[r], n) == 0) {
                    const char *gt = memchr(s + k, '>', len - k);
                    return gt ? (size_t)(gt - s) + 1 : len;
                }
            return len;
        }
    }
    return 0;
}

size_t clean_text(const char *s, size_t len, char *out, size_t cap, bool *html, bool *cut)
{
    size_t o = 0, i = 0;
    *html = *cut = false;
    while (i < len) {
        char c = s[i];
        size_t end;
        uint32_t cp;
        char tmp[4];
        size_t n = 0, adv = 1;
        if (c == '<' && tag_at(s, len, i)) {
            const char *gt = memchr(s + i, '>', len - i);
            if (!gt) { /* "<a" and no end: text, as a browser would show it */
                tmp[0] = c, n = 1;
            } else {
                *html = true;
                end = skip_element(s, len, i);
                adv = (end ? end : (size_t)(gt - s) + 1) - i;
                tmp[0] = ' ', n = 1; /* "<p>a</p><p>b</p>" holds two words */
            }
        } else if (c == '&' && (adv = entity(s, len, i, &cp)) > 0) {
            *html = true;
            n = put_utf8(tmp, cp);
        } else {
            adv = 1;
            tmp[0] = c, n = 1;
        }
        if (o + n > cap) {
            *cut = true;
            break;
        }
        memcpy(out + o, tmp, n);
        o += n;
        i += adv;
    }
    if (*cut) {
        /* not inside a character (plain bytes are copied one by one); at a space when one is
         * near the end */
        while (o > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            o--, i--;
        for (size_t k = o; k > 0 && k + 64 > o; k--)
            if (out[k - 1] == ' ' || out[k - 1] == '\n') {
                o = k - 1;
                break;
            }
    }
    return o;
}

/* Lowercase of the Latin letters (ASCII, Latin-1, Latin Extended-A), Greek and Cyrillic
 * capitals; others as they are. */
static uint32_t fold(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB) ||
        (cp >= 0x410 && cp <= 0x42F))
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    if (cp == 0x130)
        return 'i';
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp & 1 ? cp + 1 : cp;
    return cp;
}

void text_words(struct text_work *w, const char *s, size_t len)
{
    /* words_text's size (text_work_new): a text is at most TEXT_MAX_BYTES, a taxonomy's term
     * at most TERM_MAX bytes, so this only guards */
    const size_t cap = 2 * TEXT_NORM_CAP + TEXT_TOKENS_CAP;
    size_t nr = 0, o = 0;
    for (size_t i = 0; i < len && nr < TEXT_TOKENS_CAP && o + 5 < cap;) {
        uint32_t cp;
        int n = text_utf8_next(s, len, i, &cp);
        bool digit = cp >= '0' && cp <= '9';
        if (!text_is_letter(cp) && !digit) {
            i += (size_t)n;
            continue;
        }
        struct word *wd = &w->words[nr++];
        wd->off = (uint32_t)o;
        wd->src = (uint32_t)i;
        size_t caps = 0, letters = 0;
        while (i < len && o + 5 < cap) {
            n = text_utf8_next(s, len, i, &cp);
            bool apos = cp == '\'' || cp == 0x2019;
            if (apos) { /* inside a word only: "don't", "customer's" */
                uint32_t next;
                if (i + (size_t)n >= len)
                    break;
                text_utf8_next(s, len, i + (size_t)n, &next);
                if (!text_is_letter(next))
                    break;
                w->words_text[o++] = '\'';
                i += (size_t)n;
                continue;
            }
            if (!text_is_letter(cp) && !(cp >= '0' && cp <= '9'))
                break;
            letters += text_is_letter(cp);
            caps += cp >= 'A' && cp <= 'Z';
            o += put_utf8(w->words_text + o, fold(cp));
            i += (size_t)n;
        }
        wd->len = (uint32_t)(o - wd->off);
        wd->upper = letters >= 2 && caps == letters;
        w->words_text[o++] = '\0';
    }
    w->words_nr = nr;
}
