/* emotions.c - the emotion lexicon on GoEmotions' dev split (tests/data/emotions): per-label
 * precision, recall and F1 of landfall's eight emotions against the GoEmotions labels each is
 * mapped to (docs/text.md), and a floor under their macro F1; the rules on sentences made for
 * them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../testdata.h"
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

TestSuite(emotions, .init = setup, .fini = teardown);

/* The GoEmotions labels each of landfall's emotions stands for (docs/text.md, "Emotions"). */
static const char *const mapping[TEXT_EMOTIONS] = {
    [TEXT_DELIGHT] = "joy amusement excitement love admiration",
    [TEXT_GRATITUDE] = "gratitude",
    [TEXT_TRUST] = "approval",
    [TEXT_FRUSTRATION] = "annoyance",
    [TEXT_ANGER] = "anger",
    [TEXT_CONFUSION] = "confusion",
    [TEXT_ANXIETY] = "nervousness fear",
    [TEXT_DISAPPOINTMENT] = "disappointment sadness",
};

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

Test(emotions, goemotions_dev)
{
    char path[4096], line[8192], names[28][32];
    FILE *f = fopen(testdata_path("emotions/emotions.txt", path, sizeof(path)), "r");
    cr_assert(f, "cannot open %s", path);
    int nl = 0;
    while (nl < 28 && fgets(names[nl], sizeof(names[nl]), f))
        names[nl][strcspn(names[nl], "\r\n")] = '\0', nl++;
    fclose(f);
    cr_assert_eq(nl, 28, "GoEmotions has 28 labels");
    f = fopen(testdata_path("emotions/dev.tsv", path, sizeof(path)), "r");
    cr_assert(f, "cannot open %s", path);
    size_t tp[TEXT_EMOTIONS] = {0}, fp[TEXT_EMOTIONS] = {0}, fn[TEXT_EMOTIONS] = {0}, rows = 0;
    while (fgets(line, sizeof(line), f)) {
        char *tab = strchr(line, '\t');
        cr_assert(tab, "dev.tsv line %zu has no tab", rows + 1);
        *tab = '\0';
        bool gold[TEXT_EMOTIONS] = {0};
        for (char *p = tab + 1; *p && *p != '\t';) {
            char *end;
            long id = strtol(p, &end, 10);
            cr_assert(end > p && id >= 0 && id < 28, "dev.tsv line %zu: bad label", rows + 1);
            for (int e = 0; e < TEXT_EMOTIONS; e++)
                gold[e] = gold[e] || in_list(mapping[e], names[id]);
            p = *end == ',' ? end + 1 : end;
        }
        struct text_result r;
        struct lf_err err = {0};
        /* GoEmotions is English (Reddit): the emotions are measured, not the language */
        cr_assert_eq(text_analyze(an, wk, line, strlen(line), TEXT_ENGLISH, &r, &err), 0, "%s",
                     err.msg);
        for (int e = 0; e < TEXT_EMOTIONS; e++) {
            bool pred = r.emotions[e] >= TEXT_EMOTION_MIN;
            tp[e] += pred && gold[e];
            fp[e] += pred && !gold[e];
            fn[e] += !pred && gold[e];
        }
        rows++;
    }
    fclose(f);
    cr_assert_eq(rows, 5426, "GoEmotions dev has 5426 rows");
    double macro = 0;
    printf("GoEmotions dev (%zu texts)  precision  recall     F1  (texts with it)\n", rows);
    for (int e = 0; e < TEXT_EMOTIONS; e++) {
        double p = tp[e] + fp[e] ? (double)tp[e] / (double)(tp[e] + fp[e]) : 0;
        double r = tp[e] + fn[e] ? (double)tp[e] / (double)(tp[e] + fn[e]) : 0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        macro += f1 / TEXT_EMOTIONS;
        printf("  %-15s %9.3f %7.3f %6.3f  (%zu)\n", text_emotion_name(e), p, r, f1,
               tp[e] + fn[e]);
    }
    printf("  macro F1 %.4f\n", macro);
    /* what the lexicon reaches today (0.4469, docs/text.md): a change to emotions.txt or its
     * rules that loses accuracy fails here. The published figures for comparison: BERT-base
     * 0.46 macro F1 over the 28 labels; a lexicon scores lower. */
    cr_assert_geq(macro, 0.446, "macro F1 %.4f fell below 0.446", macro);
}

static float emotion(const char *text, int e)
{
    struct text_result r;
    struct lf_err err = {0};
    cr_assert_eq(text_analyze(an, wk, text, strlen(text), 0, &r, &err), 0, "%s", err.msg);
    return r.emotions[e];
}

/* The weights are those of src/text/emotions.txt; each figure is worked out from them. */
Test(emotions, rules)
{
    /* "frustrat*" weighs 0.9 */
    cr_assert_float_eq(emotion("I am frustrated with the export", TEXT_FRUSTRATION), 0.9, 1e-6);
    /* a dampener: 0.9 × 0.6 = 0.54; a booster: 0.9 × 1.3 is capped at 1 */
    cr_assert_float_eq(emotion("I am slightly frustrated", TEXT_FRUSTRATION), 0.54, 1e-6);
    cr_assert_float_eq(emotion("I am very frustrated", TEXT_FRUSTRATION), 1, 1e-6);
    /* a negation cancels a negative emotion ("confus*" 0.9) */
    cr_assert_float_eq(emotion("The new menu is confusing", TEXT_CONFUSION), 0.9, 1e-6);
    cr_assert_float_eq(emotion("The new menu is not confusing", TEXT_CONFUSION), 0, 1e-6);
    /* and turns a positive one into disappointment at 0.8: "happy" 0.65 → 0.52 */
    cr_assert_float_eq(emotion("I am not happy with the update", TEXT_DELIGHT), 0, 1e-6);
    cr_assert_float_eq(emotion("I am not happy with the update", TEXT_DISAPPOINTMENT), 0.52,
                       1e-6);
    /* "don’t" (a typographic apostrophe) and "dont" are "don't": "don't understand" 0.8 */
    cr_assert_float_eq(emotion("I don’t understand the invoice", TEXT_CONFUSION), 0.8, 1e-6);
    cr_assert_float_eq(emotion("I dont understand the invoice", TEXT_CONFUSION), 0.8, 1e-6);
    /* two terms of one emotion: 1 - (1 - 0.95)(1 - 0.85) = 0.9925 ("thank*", "appreciate*") */
    cr_assert_float_eq(emotion("Thanks, I appreciate it", TEXT_GRATITUDE), 0.9925, 1e-6);
    /* capitals: "angry" 0.9 × 1.2, capped at 1; a '!' multiplies by 1.1: "annoy*" 0.85 →
     * 0.935 */
    cr_assert_float_eq(emotion("I am ANGRY", TEXT_ANGER), 1, 1e-6);
    cr_assert_float_eq(emotion("So annoying!", TEXT_FRUSTRATION), 1, 1e-6); /* 0.85·1.3·1.1 */
    cr_assert_float_eq(emotion("This is annoying!", TEXT_FRUSTRATION), 0.935, 1e-6);
    /* a longer term wins: "love it" (0.85), not "love" (0.8) */
    cr_assert_float_eq(emotion("love it", TEXT_DELIGHT), 0.85, 1e-6);
    /* emoticons are found anywhere: ":(" is disappointment 0.7 */
    cr_assert_float_eq(emotion("the export failed again :(", TEXT_DISAPPOINTMENT), 0.7, 1e-6);
    /* the longest prefix only: "disappoint*" (0.9) */
    cr_assert_float_eq(emotion("Disappointing release", TEXT_DISAPPOINTMENT), 0.9, 1e-6);
    /* worry and trust */
    cr_assert_float_eq(emotion("I am worried we will lose our data", TEXT_ANXIETY),
                       1 - (1 - 0.6) * (1 - 0.8), 1e-6);
    cr_assert_float_eq(emotion("A reliable partner we trust", TEXT_TRUST),
                       1 - (1 - 0.75) * (1 - 0.8), 1e-6);
}
