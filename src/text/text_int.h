/* text_int.h - what the parts of the text layer share: the analyzer's tables and a thread's
 * scratch. */
#ifndef TEXT_TEXT_INT_H
#define TEXT_TEXT_INT_H

#include "base/strmap.h"
#include "text.h"

/* A text with its emoji spelt out may grow; past this the rest of its emoji stay as they are. */
#define TEXT_NORM_CAP (4 * TEXT_MAX_BYTES)
/* A VADER token holds two UTF-16 units and a separator at least. */
#define TEXT_TOKENS_CAP (TEXT_NORM_CAP / 3 + 1)

struct emo_term {
    uint8_t emotion;
    uint8_t nr;      /* words in the term; 0 for a run of symbols (":)") */
    bool prefix;     /* its last word ends in '*' */
    float weight;
    uint32_t words;  /* offset of its words (or symbols) in emo_pool, each NUL-terminated */
    uint32_t next;   /* the next term with the same first word, or UINT32_MAX */
};

struct topic_term {
    uint16_t topic;
    uint8_t nr;      /* stems in the term */
    uint32_t stems;  /* offset of its stems in the analyzer's pool, each NUL-terminated */
};

enum { MOD_BOOST = 1, MOD_DAMPEN = 2, MOD_NEGATE = 4 };

struct text_analyzer {
    /* VADER: lexicon word → valence (the double's bits); its other words → MOD_ flags */
    struct strmap lexicon, modifiers;
    struct strmap emoji; /* a character's UTF-8 → offset << 16 | length of its name */
    /* emotions: word → index of its first term, prefix ("frustrat*") → likewise */
    struct strmap emo_words, emo_prefixes;
    struct emo_term *emo;
    size_t emo_nr;
    size_t emo_prefix_min, emo_prefix_max; /* lengths of the shortest and longest prefix */
    char *emo_pool;
    size_t emo_pool_len;
    uint32_t *emo_symbols; /* the terms of symbols, found anywhere in a text */
    size_t emo_symbols_nr;
    /* languages: a word → bit set of the languages whose common words it is among */
    struct strmap stopwords;
#define LANGS_MAX 16
    char lang_codes[LANGS_MAX][3];
    size_t langs_nr;
    /* topics */
    char **topic_names;
    size_t topics_nr;
    struct strmap topic_first; /* a term's first stem → index into terms of its first term */
    struct topic_term *terms;  /* grouped by first stem, chained by next */
    uint32_t *term_next;       /* the next term with the same first stem, or UINT32_MAX */
    size_t terms_nr;
    char *pool;
    size_t pool_len;
};

/* The words of a text as the emotion, language and topic parts see them: runs of letters,
 * digits and apostrophes, lowercased. */
struct word {
    uint32_t off, len; /* in text_work.words_text */
    uint32_t src;      /* byte offset of the word in the analysed text */
    bool upper;        /* written in capitals (two letters at least) */
};

/* a word as VADER sees it (vader.c) */
struct vtok {
    const char *s; /* as written (the port compares most words case-sensitively) */
    const char *low; /* lowercased */
    uint32_t len, low_len;
    double val;   /* lexicon valence, with in_lex */
    double boost; /* booster scalar, with is_boost */
    bool in_lex, is_boost, upper, neg;
};

struct text_work {
    char *clean;  /* the text without markup, cut to TEXT_MAX_BYTES */
    char *norm;   /* its emoji spelt out */
    char *lower;  /* lowercase copies of tokens */
    struct vtok *tok;
    double *sent;
    struct word *words;
    size_t words_nr;
    char *words_text;
    char *stems;      /* the stems of words, NUL-separated */
    uint32_t *stem_off;
    void *stemmer;    /* struct sb_stemmer (topics.c) */
};

/* vader.c */
void vader_tables_init(struct text_analyzer *a);
/* emotion.c: parses the built-in lexicon into a; -1 with err on a bad line. */
int emotion_load(struct text_analyzer *a, struct lf_err *err);
/* Fills out[TEXT_EMOTIONS] from w->words (made by text_words) of text s. */
void emotion_score(const struct text_analyzer *a, const struct text_work *w, const char *s,
                   size_t len, float *out);
/* lang.c */
int lang_load(struct text_analyzer *a, struct lf_err *err);
/* The language of s (its words in w): "en"… or "und". */
const char *lang_detect(const struct text_analyzer *a, const struct text_work *w, const char *s,
                        size_t len);
/* topics.c */
int topics_load(struct text_analyzer *a, const char *text, size_t len, const char *origin,
                struct lf_err *err);
void *topics_stemmer_new(void);
void topics_stemmer_free(void *st);
void topics_match(const struct text_analyzer *a, struct text_work *w, struct text_result *out);
/* clean.c: removes markup from s into out (at most cap bytes, cut at a character); returns
 * the length and sets *html when markup was found, *cut when the text did not fit. */
size_t clean_text(const char *s, size_t len, char *out, size_t cap, bool *html, bool *cut);
/* Splits s into w->words. */
void text_words(struct text_work *w, const char *s, size_t len);
/* Decodes the UTF-8 character at s[i] (well-formed) into *cp; returns its length. */
int text_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp);
/* A letter of the Latin script (ASCII or Latin-1/Extended) */
bool text_is_letter(uint32_t cp);

#endif
