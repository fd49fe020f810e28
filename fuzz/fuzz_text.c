/* fuzz_text.c - libFuzzer target: text_analyze over any bytes, and text_analyzer_new's taxonomy
 * parser over inputs that start with 'T'. A text is refused exactly when it is not UTF-8; an
 * analysed one has scores in their ranges, topics of the taxonomy, each once, and comes out the
 * same a second time. */
#include "fuzz.h"

#include <math.h>

#include "base/utf8.h"
#include "text/text.h"

static struct text_analyzer *an;
static struct text_work *wk;

static void check_result(const struct text_analyzer *a, const struct text_result *r)
{
    size_t n = strlen(r->lang);
    fuzz_check(n == 2 || n == 3, "language '%s'", r->lang);
    if (!r->scored) {
        fuzz_check(r->sentiment.compound == 0 && r->topics_nr == 0, "an unscored text has scores");
        return;
    }
    const struct text_sentiment *s = &r->sentiment;
    fuzz_check(s->compound >= -1 && s->compound <= 1, "compound %g", s->compound);
    fuzz_check(s->pos >= 0 && s->neu >= 0 && s->neg >= 0, "a negative share");
    double sum = s->pos + s->neu + s->neg;
    /* the shares sum to 1 but for their rounding, or all are 0 (no word VADER counts) */
    fuzz_check(sum == 0 || fabs(sum - 1) <= 0.0015, "pos + neu + neg = %g", sum);
    for (int e = 0; e < TEXT_EMOTIONS; e++)
        fuzz_check(r->emotions[e] >= 0 && r->emotions[e] <= 1, "%s %g", text_emotion_name(e),
                   r->emotions[e]);
    fuzz_check(r->topics_nr <= TEXT_TOPICS_MAX, "%zu topics", r->topics_nr);
    for (size_t i = 0; i < r->topics_nr; i++) {
        fuzz_check(r->topics[i] < text_topics_count(a), "topic %u", r->topics[i]);
        for (size_t j = 0; j < i; j++)
            fuzz_check(r->topics[i] != r->topics[j], "topic %u twice", r->topics[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lf_err err = {0};
    if (!an) {
        fuzz_check(text_analyzer_new(NULL, 0, NULL, &an, &err) == 0, "%s", err.msg);
        wk = text_work_new();
    }
    const char *s = (const char *)data;
    if (size > 0 && s[0] == 'T') {
        struct text_analyzer *a;
        if (text_analyzer_new(s + 1, size - 1, "fuzz", &a, &err) < 0) {
            fuzz_check(err.code == LF_EINVAL && err.msg[0], "a refused taxonomy without a reason");
            fuzz_check(a == NULL, "a refused taxonomy gives an analyzer");
            return 0;
        }
        fuzz_check(text_topics_count(a) > 0, "a taxonomy without topics");
        struct text_result r;
        if (text_analyze(a, wk, s + 1, size - 1, 0, &r, &err) == 0)
            check_result(a, &r);
        text_analyzer_free(a);
        return 0;
    }
    struct text_result r, again;
    size_t bad;
    bool valid = utf8_valid(s, size, &bad);
    int rc = text_analyze(an, wk, s, size, 0, &r, &err);
    fuzz_check((rc == 0) == valid, "text_analyze %d on %s UTF-8", rc, valid ? "valid" : "invalid");
    if (rc < 0) {
        char want[64];
        snprintf(want, sizeof(want), "byte offset %zu ", bad);
        fuzz_check(strstr(err.msg, want), "'%s' does not name %s", err.msg, want);
        return 0;
    }
    check_result(an, &r);
    fuzz_check(text_analyze(an, wk, s, size, 0, &again, &err) == 0 &&
                   memcmp(&r, &again, sizeof(r)) == 0,
               "a second analysis differs");
    return 0;
}
