/* analyze.c - text_analyze on texts made for it: the topics of the built-in taxonomy each is
 * about (stated beside it), languages, and the texts it must decide about (empty, long, not
 * UTF-8, markup); a taxonomy of one's own and its errors; one analyzer shared by threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "text/text.h"

static struct text_analyzer *an;
static struct text_work *wk;

static void setup(void)
{
    struct lf_err err = {0};
    cr_assert_eq(text_analyzer_new(NULL, 0, NULL, &an, &err), 0, "%s", err.msg);
    wk = text_work_new();
}

static void teardown(void)
{
    text_work_free(wk);
    text_analyzer_free(an);
}

TestSuite(analyze, .init = setup, .fini = teardown);

static struct text_result analyze(const char *text)
{
    struct text_result r;
    struct lf_err err = {0};
    cr_assert_eq(text_analyze(an, wk, text, strlen(text), 0, &r, &err), 0, "%s", err.msg);
    return r;
}

/* The topics of r, comma-separated, the first mentioned first. */
static const char *topics(const struct text_analyzer *a, const struct text_result *r)
{
    static char s[256];
    s[0] = '\0';
    for (size_t i = 0; i < r->topics_nr; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, text_topic_name(a, r->topics[i]));
    }
    return s;
}

Test(analyze, topics)
{
    static const struct {
        const char *text, *topics;
    } cases[] = {
        /* "invoices" and "invoice" stem to "invoic", "charged" and "charge" to "charg" */
        {"Why was I charged twice? The invoices don't match.", "billing"},
        {"Setting up the account took a week; the onboarding calls helped.", "onboarding"},
        /* "set up" is a term of two words: "setting up" stems to "set up" */
        {"Setting up took ages", "onboarding"},
        {"The dashboard loads slowly and the export times out", "features,performance,integrations"},
        {"Your support agent replied within minutes", "support"},
        {"Too expensive for what it does; we will downgrade our plan", "pricing"},
        {"The app crashed twice today, clearly a bug", "mobile,bugs"},
        {"The Salesforce integration stopped syncing", "integrations"},
        {"The interface is intuitive and easy to navigate", "usability"},
        {"We had an outage yesterday and lost data", "reliability"},
        {"Please add SSO and two-factor login", "features,integrations,security"},
        {"The docs and the knowledge base answered everything", "documentation"},
        {"We love the product", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct text_result r = analyze(cases[i].text);
        cr_expect_str_eq(topics(an, &r), cases[i].topics, "'%s'", cases[i].text);
    }
}

Test(analyze, languages)
{
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"The export is broken again and nobody answers", "en"},
        {"Great app", "en"},                    /* no common word at all: Latin, so English */
        {"Das pretty sweet, no-look throw!", "en"}, /* one German word in English: a loan */
        {"Die App ist sehr langsam und stürzt ab", "de"},
        {"Danke", "de"},                        /* one word, and it is German */
        {"L'application est très lente et je suis déçu", "fr"},
        {"La aplicación es muy lenta y no funciona", "es"},
        {"L'app è molto lenta e non funziona più", "it"},
        {"O aplicativo está muito lento e não funciona", "pt"},
        {"De app is erg traag en werkt niet", "nl"},
        {"Appen är mycket långsam och fungerar inte", "sv"},
        {"Aplikacja jest bardzo wolna i nie działa", "pl"},
        {"Приложение очень медленное", "ru"},
        {"Додаток дуже повільний і не працює", "uk"}, /* і: Ukrainian's alone */
        {"Η εφαρμογή είναι πολύ αργή", "el"},
        {"アプリがとても遅いです", "ja"},
        {"应用程序很慢", "zh"},
        {"앱이 너무 느려요", "ko"},
        {"التطبيق بطيء جدا", "ar"},
        {"👍", "und"},
        {"10/10", "und"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct text_result r = analyze(cases[i].text);
        cr_expect_str_eq(r.lang, cases[i].lang, "'%s'", cases[i].text);
        /* only English and texts without letters are scored */
        bool scored = !strcmp(cases[i].lang, "en") || !strcmp(cases[i].lang, "und");
        cr_expect_eq(r.scored, scored, "'%s'", cases[i].text);
    }
}

Test(analyze, not_english_is_not_neutral_english)
{
    /* "Das ist schlecht" would be neutral English (none of its words is in VADER's lexicon):
     * it is marked German and left unscored instead */
    struct text_result r = analyze("Das ist schlecht");
    cr_assert_str_eq(r.lang, "de");
    cr_assert(!r.scored);
    cr_assert_eq(r.sentiment.compound, 0);
    cr_assert_eq(r.topics_nr, 0);
}

Test(analyze, not_utf8)
{
    struct text_result r;
    struct lf_err err = {0};
    /* "ok " then an overlong encoding of '/' (C0 AF): byte 3 is bad */
    cr_assert_eq(text_analyze(an, wk, "ok \xC0\xAF", 5, 0, &r, &err), -1);
    cr_assert_eq(err.code, LF_EINVAL);
    cr_assert_str_eq(err.msg, "text is not UTF-8: byte offset 3 (0xc0)");
    /* a surrogate (ED A0 80) after 4 bytes */
    cr_assert_eq(text_analyze(an, wk, "abcd\xED\xA0\x80", 7, 0, &r, &err), -1);
    cr_assert_str_eq(err.msg, "text is not UTF-8: byte offset 4 (0xed)");
    cr_assert_str_eq(r.lang, "und", "the result is empty");
}

Test(analyze, empty_and_markup_only)
{
    static const char *const empty[] = {"", "   \n\t", "<p></p>", "<br/> <!-- nothing -->"};
    for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
        struct text_result r = analyze(empty[i]);
        cr_expect(r.empty && !r.scored, "'%s' is empty", empty[i]);
        cr_expect_str_eq(r.lang, "und");
    }
}

Test(analyze, long_text_is_cut_at_a_character)
{
    /* 10000 × "é" (2 bytes each) is 20000 bytes; 16384 is even, so the cut falls between two
     * é, and with no space near it there: 8192 of them are analysed */
    size_t n = 20000;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i += 2)
        s[i] = (char)0xC3, s[i + 1] = (char)0xA9;
    s[n] = '\0';
    struct text_result r = analyze(s);
    cr_assert(r.truncated);
    /* 16385 bytes of "a b c …" : the cut falls after a letter and goes back to the space
     * before it, whatever the byte at 16384 */
    for (size_t i = 0; i < n; i++)
        s[i] = i % 2 ? ' ' : 'a';
    r = analyze(s);
    cr_assert(r.truncated);
    /* under TEXT_MAX_BYTES: not cut */
    s[TEXT_MAX_BYTES] = '\0';
    r = analyze(s);
    cr_assert(!r.truncated);
    free(s);
}

Test(analyze, markup)
{
    struct text_result r = analyze("<div><p>Support was <b>great</b>&nbsp;&amp; fast</p></div>");
    cr_assert(r.html && r.scored);
    /* the words "Support was great & fast": "support" is 1.7 in VADER's lexicon and "great"
     * 3.1, 4.8 / sqrt(4.8² + 15) = 0.7783; the tags hid none of them */
    cr_assert_float_eq(r.sentiment.compound, 0.7783, 1e-9);
    cr_assert_str_eq(topics(an, &r), "support,performance");
    r = analyze("x < y and y > z");
    cr_assert(!r.html, "comparisons are not markup");
    r = analyze("&#xD800; &#0; &bogus;");
    cr_assert(!r.html, "entities of no character are text");
}

/* VADER's pos/neu/neg are rounded as JavaScript's toFixed(3) rounds: a value exactly halfway
 * goes up. ":p" (1.0) among 30 words VADER does not know: pos = 2 / 32 = 0.0625 exactly, which
 * the npm port prints 0.063 (printf's rounding to even would give 0.062), neu = 30 / 32 =
 * 0.9375 → 0.938, compound = 1 / sqrt(1 + 15) = 0.25. */
Test(analyze, rounding_as_javascript)
{
    char s[256] = ":p";
    for (int i = 0; i < 30; i++)
        strcat(s, " word");
    struct text_sentiment v;
    text_sentiment(an, wk, s, strlen(s), &v);
    cr_assert_float_eq(v.pos, 0.063, 1e-12);
    cr_assert_float_eq(v.neu, 0.938, 1e-12);
    cr_assert_float_eq(v.compound, 0.25, 1e-12);
}

Test(analyze, taxonomy_of_ones_own)
{
    struct text_analyzer *a;
    struct lf_err err = {0};
    const char *tax = "# mine\nshipping: delivery, package, arrive late\n\nreturns: refund, return\n";
    cr_assert_eq(text_analyzer_new(tax, strlen(tax), "mine.txt", &a, &err), 0, "%s", err.msg);
    cr_assert_eq(text_topics_count(a), 2);
    struct text_result r;
    const char *t = "The packages arrived late so I returned them";
    cr_assert_eq(text_analyze(a, wk, t, strlen(t), 0, &r, &err), 0);
    cr_assert_str_eq(topics(a, &r), "shipping,returns");
    text_analyzer_free(a);

    static const struct {
        const char *tax, *msg;
    } bad[] = {
        {"shipping delivery\n", "'t' line 1: not 'topic: term, term…'"},
        {"Shipping: x\n", "'t' line 1: topic 'Shipping' is not 1 to 48 of a-z, 0-9, '_' and '-'"},
        {"a: x\na: y\n", "'t' line 2: topic 'a' is declared twice"},
        {"a: , ,\n", "'t' line 1: topic 'a' has no term"},
        {"a: !!!\n", "'t' line 1: a term without a word"},
        {"a: one two three four five six seven eight nine\n",
         "'t' line 1: 'one two three four five six seven eight nine' has more than 8 words"},
        {"# nothing\n", "'t': no topic"},
        {"a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
         "'t' line 1: a term of more than 256 bytes"},
        {"a: caf\xC3\n", "'t' is not UTF-8: byte offset 6"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        err = (struct lf_err){0};
        cr_expect_eq(text_analyzer_new(bad[i].tax, strlen(bad[i].tax), "t", &a, &err), -1);
        cr_expect_eq(err.code, LF_EINVAL);
        cr_expect_str_eq(err.msg, bad[i].msg);
        cr_expect_null(a);
    }
}

/* One analyzer, four threads, each with its own text_work: every thread gets what one thread
 * alone gets (under the sanitizers, no thread writes what another reads). */
static const char *const texts[] = {
    "Thanks, the invoice is fixed!", "The app is slow and I'm frustrated",
    "Das ist sehr gut", "I don't understand the pricing page :(", "😍😍 love it"};

static void *worker(void *arg)
{
    const struct text_result *want = arg;
    struct text_work *w = text_work_new();
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < 5; i++) {
            struct text_result r;
            struct lf_err err = {0};
            text_analyze(an, w, texts[i], strlen(texts[i]), 0, &r, &err);
            if (memcmp(&r, &want[i], sizeof(r)) != 0) {
                text_work_free(w);
                return (void *)1;
            }
        }
    text_work_free(w);
    return NULL;
}

Test(analyze, threads)
{
    struct text_result want[5];
    for (size_t i = 0; i < 5; i++) {
        want[i] = analyze(texts[i]);
        /* padding compared by memcmp: the results are built from a zeroed struct */
    }
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, worker, want), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        cr_expect_null(bad, "thread %d saw another result", i);
    }
}
