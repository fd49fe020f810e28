/* text.h - what a text says, without an outside service: its sentiment (VADER), the emotions of
 * customer experience it shows, the topics of a taxonomy it is about, and its language.
 *
 * An analyzer holds the lexicons and a taxonomy; it is read-only once made, so every thread may
 * share one. Each thread analyses with a text_work of its own (scratch buffers and a stemmer),
 * so text_analyze allocates nothing. docs/text.md describes the methods, data and figures. */
#ifndef TEXT_TEXT_H
#define TEXT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "landfall.h"

/* A text is analysed up to this many bytes (cut at a character, preferably at a space); the
 * rest is ignored and the result says so. A longer text is a document, not a comment. */
#define TEXT_MAX_BYTES LF_TEXT_MAX_BYTES
/* Topics reported per text, the first mentioned first. */
#define TEXT_TOPICS_MAX 16

enum text_emotion {
    TEXT_DELIGHT,
    TEXT_GRATITUDE,
    TEXT_TRUST,
    TEXT_FRUSTRATION,
    TEXT_ANGER,
    TEXT_CONFUSION,
    TEXT_ANXIETY,
    TEXT_DISAPPOINTMENT,
    TEXT_EMOTIONS
};

/* "delight", …; NULL past the last. */
const char *text_emotion_name(int e);

/* An emotion is reported when its intensity reaches this (docs/text.md: chosen on GoEmotions'
 * train split). */
#define TEXT_EMOTION_MIN 0.5

/* VADER's four scores, rounded as VADER rounds them (compound to 4 decimals, the others to 3). */
struct text_sentiment {
    double compound; /* -1 (most negative) .. 1 */
    double pos, neu, neg;
};

/* compound ≥ 0.05 positive, ≤ -0.05 negative, else neutral: VADER's own thresholds. */
const char *text_sentiment_label(double compound);

struct text_result {
    char lang[4];   /* ISO 639-1 ("en", "de"…), or "und" for a text without letters */
    bool scored;    /* English or without letters ("👍", ":)"), so sentiment, emotions and
                     * topics were computed */
    bool empty;     /* nothing but spaces and markup */
    bool truncated; /* longer than TEXT_MAX_BYTES: only the start was analysed */
    bool html;      /* markup was found and removed before the analysis */
    struct text_sentiment sentiment;       /* with scored */
    float emotions[TEXT_EMOTIONS];         /* intensity 0..1, with scored */
    uint16_t topics[TEXT_TOPICS_MAX];      /* indices of the taxonomy's topics, with scored */
    size_t topics_nr;
};

struct text_analyzer;
struct text_work;

/* An analyzer with the taxonomy written in `taxonomy` (len bytes; its format is in
 * src/text/taxonomy.txt), or the built-in one when taxonomy is NULL. `origin` names it in
 * errors ("'x.txt' line 3: …"). *out is the caller's: text_analyzer_free(). -1 with LF_EINVAL
 * for a taxonomy that does not parse. */
int text_analyzer_new(const char *taxonomy, size_t len, const char *origin,
                      struct text_analyzer **out, struct lf_err *err);
void text_analyzer_free(struct text_analyzer *a); /* NULL is a no-op */

size_t text_topics_count(const struct text_analyzer *a);
const char *text_topic_name(const struct text_analyzer *a, size_t i); /* borrowed */

/* Scratch for one thread: its buffers (a few hundred KiB) and a stemmer. The caller frees it:
 * text_work_free(). */
struct text_work *text_work_new(void);
void text_work_free(struct text_work *w); /* NULL is a no-op */

enum text_flags {
    TEXT_ENGLISH = 1, /* the caller knows the text is English: no language detection */
};

/* Analyses utf8[0..len) into *out. Markup is removed first (tags, comments, scripts and
 * styles; entities decoded), then the language is told; only English (and a text without
 * letters) is scored. Returns -1
 * with LF_EINVAL, naming the byte offset, when the text is not UTF-8; *out is then empty. */
int text_analyze(const struct text_analyzer *a, struct text_work *w, const char *utf8, size_t len,
                 unsigned flags, struct text_result *out, struct lf_err *err);

/* VADER alone on s[0..len) (UTF-8, at most TEXT_MAX_BYTES), as the npm port vader-sentiment
 * 1.1.3 scores it, with emoji read as VADER 3.3.2 reads them: for the comparisons of the
 * tests and the benchmark. */
void text_sentiment(const struct text_analyzer *a, struct text_work *w, const char *s, size_t len,
                    struct text_sentiment *out);

#endif
