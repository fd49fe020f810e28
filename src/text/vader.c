/* vader.c - VADER sentiment (Hutto & Gilbert 2014) as the npm port vader-sentiment 1.1.3 computes
 * it, rule for rule, with VADER 3.3.2's emoji and its case-blind negation (docs/text.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

/* the lexicon of the pinned package, checked by SHA-256 and embedded by tools/embed_data.c */
extern const char vader_lexicon_txt[];
extern const size_t vader_lexicon_txt_len;
extern const char cldr_emoji_txt[];
extern const size_t cldr_emoji_txt_len;

#define B_INCR 0.293
#define B_DECR -0.293
#define C_INCR 0.733
#define N_SCALAR -0.74

static const char *const negate_words[] = {
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't",
    "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent",
    "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't",
    "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing",
    "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't",
    "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't",
    "rarely", "seldom", "despite"};

static const char *const boost_up[] = {
    "absolutely", "amazingly", "awfully", "completely", "considerably", "decidedly", "deeply",
    "effing", "enormously", "entirely", "especially", "exceptionally", "extremely", "fabulously",
    "flipping", "flippin", "fricking", "frickin", "frigging", "friggin", "fully", "fucking",
    "greatly", "hella", "highly", "hugely", "incredibly", "intensely", "majorly", "more", "most",
    "particularly", "purely", "quite", "really", "remarkably", "so", "substantially",
    "thoroughly", "totally", "tremendously", "uber", "unbelievably", "unusually", "utterly",
    "very"};
static const char *const boost_down[] = {
    "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of", "less",
    "little", "marginally", "occasionally", "partly", "scarcely", "slightly", "somewhat",
    "sort of", "sorta", "sortof", "sort-of"};

static const struct {
    const char *words[3]; /* NULL after the last */
    double valence;
} idioms[] = {{{"the", "shit"}, 3},         {{"the", "bomb"}, 3},
              {{"bad", "ass"}, 1.5},        {{"yeah", "right"}, -2},
              {{"cut", "the", "mustard"}, 2}, {{"kiss", "of", "death"}, -1.5},
              {{"hand", "to", "mouth"}, -2}};
/* boost_down's entries of two words, which only idioms_check finds */
static const char *const boost_pairs[][2] = {{"just", "enough"}, {"kind", "of"}, {"sort", "of"}};

/* the port's PUNC_LIST: what may stand before or after a word and be dropped */
static const char *const punc_list[] = {".",  "!",  "?",   ",",   ";",   ":",    "-",   "'",   "\"",
                                        "!!", "!!!", "??", "???", "?!?", "!?!", "?!?!", "!?!?"};

static int64_t dbits(double d)
{
    int64_t v;
    memcpy(&v, &d, sizeof(v));
    return v;
}

static double bitsd(int64_t v)
{
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

void vader_tables_init(struct text_analyzer *a)
{
    /* "word<TAB>mean<TAB>sd<TAB>ratings": a word listed twice keeps its last valence, as the
     * port's lexicon (and Python's dict) does */
    const char *p = vader_lexicon_txt, *end = p + vader_lexicon_txt_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        bool ascii = true;
        for (const char *c = p; tab && c < tab; c++)
            ascii = ascii && (unsigned char)*c < 0x80;
        /* two entries (":Þ", ":-Þ") hold a capital letter: never equal to a lowercased token
         * in any VADER, so never found; they are left out */
        if (tab && ascii)
            strmap_put(&a->lexicon, p, (size_t)(tab - p), dbits(strtod(tab + 1, NULL)));
        p = le + 1;
    }
    /* one look-up tells a word's roles: booster, dampener, negation */
    static const struct {
        const char *const *words;
        size_t nr;
        int64_t flag;
    } roles[] = {{boost_up, sizeof(boost_up) / sizeof(*boost_up), MOD_BOOST},
                 {boost_down, sizeof(boost_down) / sizeof(*boost_down), MOD_DAMPEN},
                 {negate_words, sizeof(negate_words) / sizeof(*negate_words), MOD_NEGATE}};
    for (size_t r = 0; r < sizeof(roles) / sizeof(*roles); r++)
        for (size_t i = 0; i < roles[r].nr; i++) {
            const char *w = roles[r].words[i];
            int64_t v = 0;
            strmap_get(&a->modifiers, w, strlen(w), &v);
            strmap_put(&a->modifiers, w, strlen(w), v | roles[r].flag);
        }
    /* "CHAR<TAB>NAME" */
    p = cldr_emoji_txt, end = p + cldr_emoji_txt_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        if (tab) {
            int64_t off = tab + 1 - cldr_emoji_txt, n = le - (tab + 1);
            strmap_put(&a->emoji, p, (size_t)(tab - p), off << 16 | n);
        }
        p = le + 1;
    }
}

/* ---- tokens ---- */


static bool is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* The length of the JavaScript \s character at s[i], or 0. */
static int js_space(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
        return 2;
    if (i + 2 >= n || c < 0xE1)
        return 0;
    unsigned char c1 = s[i + 1], c2 = s[i + 2];
    if ((c == 0xE1 && c1 == 0x9A && c2 == 0x80) ||
        (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) ||
        (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) || (c == 0xE3 && c1 == 0x80 && c2 == 0x80) ||
        (c == 0xEF && c1 == 0xBB && c2 == 0xBF))
        return 3;
    return 0;
}

/* JavaScript's String length: UTF-16 units, two for a character past U+FFFF. */
static size_t len16(const char *s, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        u += (c & 0xC0) != 0x80;
        u += c >= 0xF0;
    }
    return u;
}

static bool in_punc_list(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(punc_list) / sizeof(*punc_list); i++)
        if (strlen(punc_list[i]) == n && memcmp(punc_list[i], s, n) == 0)
            return true;
    return false;
}

static bool no_punct(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_punct((unsigned char)s[i]))
            return false;
    return true;
}

/* The port drops punctuation around a word (get_words_plus_punc): a token that is one of
 * PUNC_LIST and then a word, or a word and then one of them, where the word has no
 * punctuation and two UTF-16 units at least, becomes the word. */
static void strip_punc(const char **s, uint32_t *n)
{
    const char *t = *s;
    size_t len = *n, p = 0, q = 0;
    while (p < len && is_punct((unsigned char)t[p]))
        p++;
    if (p > 0 && p < len && no_punct(t + p, len - p) && len16(t + p, len - p) > 1 &&
        in_punc_list(t, p)) {
        *s = t + p, *n = (uint32_t)(len - p);
        return;
    }
    while (q < len && is_punct((unsigned char)t[len - 1 - q]))
        q++;
    if (q > 0 && q < len && no_punct(t, len - q) && len16(t, len - q) > 1 &&
        in_punc_list(t + len - q, q))
        *n = (uint32_t)(len - q);
}

/* Python's str.isupper() as the port writes it: a capital and no small letter (ASCII). */
static bool is_upper(const char *s, size_t n)
{
    bool cap = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            return false;
        cap = cap || (c >= 'A' && c <= 'Z');
    }
    return cap;
}

/* JavaScript's toLowerCase as far as the tables can tell: their words are ASCII, and of the
 * characters whose lowercase is ASCII only the Kelvin sign (U+212A → k) is not ASCII itself. */
static uint32_t lower(const char *s, size_t n, char *out)
{
    uint32_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x84 &&
            (unsigned char)s[i + 2] == 0xAA) {
            out[o++] = 'k';
            i += 2;
        } else {
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }
    return o;
}

static bool has_nt(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (s[i] == 'n' && s[i + 1] == '\'' && s[i + 2] == 't')
            return true;
    return false;
}

static bool teq(const struct vtok *t, const char *lit)
{
    size_t n = strlen(lit);
    return t->len == n && memcmp(t->s, lit, n) == 0;
}

static bool leq(const struct vtok *t, const char *lit)
{
    size_t n = strlen(lit);
    return t->low_len == n && memcmp(t->low, lit, n) == 0;
}

/* True when tokens t[0..nr) are `words` (the port joins them by spaces and compares). */
static bool seq_is(const struct vtok *t, size_t nr, const char *const *words)
{
    for (size_t i = 0; i < nr; i++)
        if (!words[i] || !teq(&t[i], words[i]))
            return false;
    return nr == 3 || !words[nr];
}

static bool seq_idiom(const struct vtok *t, size_t nr, double *val)
{
    /* most words start no idiom: their first letters are t, b, y, c, k and h */
    if (t[0].len > 4 || !strchr("tbyckh", t[0].s[0]))
        return false;
    for (size_t i = 0; i < sizeof(idioms) / sizeof(*idioms); i++)
        if (seq_is(t, nr, idioms[i].words)) {
            *val = idioms[i].valence;
            return true;
        }
    return false;
}

static bool seq_booster(const struct vtok *t)
{
    for (size_t i = 0; i < sizeof(boost_pairs) / sizeof(*boost_pairs); i++)
        if (teq(&t[0], boost_pairs[i][0]) && teq(&t[1], boost_pairs[i][1]))
            return true;
    return false;
}

/* ---- the rules ---- */

static double scalar_inc_dec(const struct vtok *t, double valence, bool cap_diff)
{
    if (!t->is_boost)
        return 0;
    double scalar = t->boost;
    if (valence < 0)
        scalar *= -1;
    if (cap_diff && t->upper)
        scalar += valence > 0 ? C_INCR : -C_INCR;
    return scalar;
}

static double never_check(double valence, const struct vtok *w, int start_i, size_t i)
{
    if (start_i == 0 && w[i - 1].neg)
        valence *= N_SCALAR;
    if (start_i == 1) {
        if (teq(&w[i - 2], "never") && (teq(&w[i - 1], "so") || teq(&w[i - 1], "this")))
            valence *= 1.5;
        else if (w[i - 2].neg)
            valence *= N_SCALAR;
    }
    if (start_i == 2) {
        if ((teq(&w[i - 3], "never") && (teq(&w[i - 2], "so") || teq(&w[i - 2], "this"))) ||
            teq(&w[i - 1], "so") || teq(&w[i - 1], "this"))
            valence *= 1.25;
        else if (w[i - 3].neg)
            valence *= N_SCALAR;
    }
    return valence;
}

static double idioms_check(double valence, const struct vtok *w, size_t nr, size_t i)
{
    double v;
    /* the port's order: onezero, twoonezero, twoone, threetwoone, threetwo; the first wins */
    if (seq_idiom(&w[i - 1], 2, &v) || seq_idiom(&w[i - 2], 3, &v) ||
        seq_idiom(&w[i - 2], 2, &v) || seq_idiom(&w[i - 3], 3, &v) || seq_idiom(&w[i - 3], 2, &v))
        valence = v;
    if (nr - 1 > i && seq_idiom(&w[i], 2, &v))
        valence = v;
    if (nr - 1 > i + 1 && seq_idiom(&w[i], 3, &v))
        valence = v;
    if (seq_booster(&w[i - 3]) || seq_booster(&w[i - 2]))
        valence += B_DECR;
    return valence;
}

static double least_check(double valence, const struct vtok *w, size_t i)
{
    if (i > 1 && leq(&w[i - 1], "least")) {
        if (!leq(&w[i - 2], "at") && !leq(&w[i - 2], "very"))
            valence *= N_SCALAR;
    } else if (i > 0 && leq(&w[i - 1], "least")) {
        valence *= N_SCALAR;
    }
    return valence;
}

static double valence_of(const struct vtok *w, size_t nr, size_t i, bool cap_diff)
{
    double valence = w[i].val;
    if (w[i].upper && cap_diff)
        valence += valence > 0 ? C_INCR : -C_INCR;
    for (int start_i = 0; start_i < 3; start_i++) {
        if (i > (size_t)start_i && !w[i - (size_t)start_i - 1].in_lex) {
            double s = scalar_inc_dec(&w[i - (size_t)start_i - 1], valence, cap_diff);
            if (start_i == 1 && s != 0)
                s = s * 0.95;
            else if (start_i == 2 && s != 0)
                s = s * 0.9;
            valence = valence + s;
            valence = never_check(valence, w, start_i, i);
            if (start_i == 2)
                valence = idioms_check(valence, w, nr, i);
        }
    }
    return least_check(valence, w, i);
}

/* JavaScript's Number.prototype.toFixed then parseFloat: n / 10^digits for the integer n
 * nearest to x · 10^digits, taken on the exact value of x, a tie (exactly halfway) going away
 * from zero. The product is rounded but fma gives its exact error e: x · 10^digits = p + e. A
 * fraction of p other than one half is at least an ulp of p from it, more than |e|, so it
 * decides; at one half exactly, e does. n / 10^digits in double is what parseFloat reads. */
static double to_fixed(double x, int digits)
{
    double scale = digits == 3 ? 1e3 : 1e4, m = fabs(x);
    double p = m * scale, e = fma(m, scale, -p), n = floor(p), frac = p - n;
    if (frac > 0.5 || (frac == 0.5 && e >= 0))
        n += 1;
    double r = n / scale;
    return x < 0 && r != 0 ? -r : r; /* no -0: "-0.0000" reads back as 0 in JSON */
}

static void score_valence(const double *sent, size_t nr, const char *text, size_t len,
                          struct text_sentiment *out)
{
    *out = (struct text_sentiment){0};
    if (nr == 0)
        return;
    double sum_s = 0;
    for (size_t i = 0; i < nr; i++)
        sum_s += sent[i];
    size_t ep = 0, qm = 0;
    for (size_t i = 0; i < len; i++)
        ep += text[i] == '!', qm += text[i] == '?';
    double amp = (double)(ep > 4 ? 4 : ep) * 0.292;
    if (qm > 1)
        amp += qm <= 3 ? (double)qm * 0.18 : 0.96;
    if (sum_s > 0)
        sum_s += amp;
    else if (sum_s < 0)
        sum_s -= amp;
    double compound = sum_s / sqrt(sum_s * sum_s + 15);
    compound = compound < -1 ? -1 : compound > 1 ? 1 : compound;
    double pos_sum = 0, neg_sum = 0, neu = 0;
    for (size_t i = 0; i < nr; i++) {
        if (sent[i] > 0)
            pos_sum += sent[i] + 1;
        else if (sent[i] < 0)
            neg_sum += sent[i] - 1;
        else
            neu += 1;
    }
    if (pos_sum > fabs(neg_sum))
        pos_sum += amp;
    else if (pos_sum < fabs(neg_sum))
        neg_sum -= amp;
    double total = pos_sum + fabs(neg_sum) + neu;
    out->pos = to_fixed(fabs(pos_sum / total), 3);
    out->neg = to_fixed(fabs(neg_sum / total), 3);
    out->neu = to_fixed(fabs(neu / total), 3);
    out->compound = to_fixed(compound, 4);
}

/* VADER 3.3.2 reads an emoji as its name ("😂" → "face with tears of joy"), a space before it
 * unless one is there; the port reads none. Into w->norm; returns the length. */
static size_t spell_emoji(const struct text_analyzer *a, struct text_work *w, const char *s,
                          size_t len)
{
    size_t o = 0, first = len;
    bool prev_space = true, any = false;
    /* most texts have no emoji: none is ASCII, and none has a byte under 0xC2 to start with */
    for (size_t i = 0; i < len && first == len; i++)
        if ((unsigned char)s[i] >= 0xC2) {
            int64_t v;
            size_t n = (unsigned char)s[i] < 0xE0 ? 2 : (unsigned char)s[i] < 0xF0 ? 3 : 4;
            if (n <= len - i && strmap_get(&a->emoji, s + i, n, &v))
                first = i;
        }
    if (first == len)
        return (size_t)-1;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n > len - i)
            n = len - i;
        int64_t v;
        if (c >= 0xC2 && strmap_get(&a->emoji, s + i, n, &v) &&
            o + 1 + (size_t)(v & 0xFFFF) <= TEXT_NORM_CAP) {
            if (!prev_space)
                w->norm[o++] = ' ';
            memcpy(w->norm + o, cldr_emoji_txt + (v >> 16), (size_t)(v & 0xFFFF));
            o += (size_t)(v & 0xFFFF);
            prev_space = false;
            any = true;
        } else if (o + n <= TEXT_NORM_CAP) {
            memcpy(w->norm + o, s + i, n);
            o += n;
            prev_space = c == ' ';
        }
        i += n;
    }
    if (!any)
        return (size_t)-1;
    /* Python's strip(): the spaces a name put at the start or end go */
    size_t b = 0;
    while (b < o && js_space((const unsigned char *)w->norm, o, b) == 1)
        b++;
    while (o > b && js_space((const unsigned char *)w->norm, o, o - 1) == 1)
        o--;
    memmove(w->norm, w->norm + b, o - b);
    return o - b;
}

void text_sentiment(const struct text_analyzer *a, struct text_work *w, const char *text,
                    size_t text_len, struct text_sentiment *out)
{
    if (text_len > TEXT_MAX_BYTES)
        text_len = TEXT_MAX_BYTES;
    size_t n = spell_emoji(a, w, text, text_len);
    if (n != (size_t)-1)
        text = w->norm, text_len = n;
    const unsigned char *u = (const unsigned char *)text;
    struct vtok *tok = w->tok;
    size_t nr = 0, caps = 0, lo = 0;
    for (size_t i = 0; i < text_len && nr < TEXT_TOKENS_CAP;) {
        int sp = js_space(u, text_len, i);
        if (sp) {
            i += (size_t)sp;
            continue;
        }
        size_t b = i;
        while (i < text_len && !js_space(u, text_len, i))
            i++;
        if (len16(text + b, i - b) <= 1)
            continue;
        struct vtok *t = &tok[nr++];
        t->s = text + b;
        t->len = (uint32_t)(i - b);
        strip_punc(&t->s, &t->len);
        t->low = w->lower + lo;
        t->low_len = lower(t->s, t->len, w->lower + lo);
        lo += t->low_len;
        int64_t v;
        t->in_lex = strmap_get(&a->lexicon, t->low, t->low_len, &v);
        t->val = t->in_lex ? bitsd(v) : 0;
        int64_t mod = 0;
        strmap_get(&a->modifiers, t->low, t->low_len, &mod);
        t->is_boost = mod & (MOD_BOOST | MOD_DAMPEN);
        t->boost = mod & MOD_BOOST ? B_INCR : mod & MOD_DAMPEN ? B_DECR : 0;
        t->upper = is_upper(t->s, t->len);
        /* negated(): a negation word, or any word with "n't". The port compares the words as
         * written, so "Not bad" stays bad; VADER 3.3.2 lowercases them first, and so do we. */
        t->neg = (mod & MOD_NEGATE) || has_nt(t->low, t->low_len);
        caps += t->upper;
    }
    bool cap_diff = caps > 0 && caps < nr;
    double *sent = w->sent;
    for (size_t i = 0; i < nr; i++) {
        sent[i] = 0;
        if ((i < nr - 1 && leq(&tok[i], "kind") && leq(&tok[i + 1], "of")) || tok[i].is_boost)
            continue;
        if (tok[i].in_lex)
            sent[i] = valence_of(tok, nr, i, cap_diff);
    }
    /* "but": what comes before weighs half, what comes after half as much again. The port
     * looks for "but", then "BUT", as written. */
    size_t but = nr;
    for (size_t i = 0; i < nr && but == nr; i++)
        if (teq(&tok[i], "but"))
            but = i;
    for (size_t i = 0; i < nr && but == nr; i++)
        if (teq(&tok[i], "BUT"))
            but = i;
    for (size_t i = 0; but < nr && i < nr; i++)
        if (i < but)
            sent[i] *= 0.5;
        else if (i > but)
            sent[i] *= 1.5;
    score_valence(sent, nr, text, text_len, out);
}

const char *text_sentiment_label(double compound)
{
    return compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral";
}
