/* text.c - the wording fits the score and the cause: every promoter comment praises, every
 * comment scoring 0-4 blames, the cause is named (docs/demo-data.md lists these words). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "demo/demo_int.h"

static const char *const praise[] = {"love", "great", "excellent", "fantastic", "recommend", NULL};
static const char *const blame[] = {"disappointed", "frustrating", "unhappy",
                                    "terrible",     "awful",       NULL};

static bool has_any(const char *s, const char *const *words)
{
    char low[512];
    size_t i = 0;
    for (; s[i] && i < sizeof(low) - 1; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[i] = '\0';
    for (; *words; words++)
        if (strstr(low, *words))
            return true;
    return false;
}

Test(text, nps_comments_fit_the_score)
{
    struct rng r;
    rng_seed(&r, 3);
    struct buf b = BUF_INIT;
    for (int score = 0; score <= 10; score++)
        for (int cause = 0; cause < CAUSE_NR; cause++)
            for (int topic = -1; topic < TOPIC_NR; topic++)
                for (int who = 0; who < 4; who++)
                    for (int k = 0; k < 5; k++) {
                        buf_reset(&b);
                        demo_text_nps(&r, score, cause, topic, who & 1, who & 2, &b);
                        const char *s = buf_str(&b);
                        cr_assert(b.len > 10, "score %d: '%s'", score, s);
                        if (score >= 9) {
                            cr_assert(has_any(s, praise), "score %d: '%s'", score, s);
                            cr_assert_not(has_any(s, blame), "score %d: '%s'", score, s);
                        } else if (score <= 4) {
                            cr_assert(has_any(s, blame), "score %d: '%s'", score, s);
                            cr_assert_not(has_any(s, praise), "score %d: '%s'", score, s);
                        }
                    }
    buf_release(&b);
}

Test(text, detractor_comments_name_the_cause)
{
    struct rng r;
    rng_seed(&r, 5);
    struct buf b = BUF_INIT;
    static const char *const export_[] = {"export", NULL};
    static const char *const champion[] = {"left", "lost", NULL};
    static const char *const onboarding[] = {"onboarding", NULL};
    static const char *const price[] = {"expensive", "price", NULL};
    for (int k = 0; k < 50; k++) {
        buf_reset(&b);
        demo_text_nps(&r, 2, CAUSE_SUPPORT, TOPIC_EXPORT, false, false, &b);
        cr_assert(has_any(buf_str(&b), export_), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_nps(&r, 3, CAUSE_CHAMPION, -1, false, false, &b);
        cr_assert(has_any(buf_str(&b), champion), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_nps(&r, 1, CAUSE_ONBOARDING, -1, false, false, &b);
        cr_assert(has_any(buf_str(&b), onboarding), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_nps(&r, 0, CAUSE_PRICE, -1, false, false, &b);
        cr_assert(has_any(buf_str(&b), price), "'%s'", buf_str(&b));
    }
    buf_release(&b);
}

Test(text, csat_and_ces_comments_fit_the_score)
{
    static const char *const good[] = {"great", "excellent", "helpful", "thanks", "easy", NULL};
    static const char *const bad[] = {"frustrating", "slow",    "broken", "problem",
                                      "confusing",   "painful", "hard",   NULL};
    struct rng r;
    rng_seed(&r, 9);
    struct buf b = BUF_INIT;
    for (int k = 0; k < 200; k++) {
        int topic = k % TOPIC_NR;
        buf_reset(&b);
        demo_text_csat(&r, 5, topic, &b);
        cr_assert(has_any(buf_str(&b), good) && !has_any(buf_str(&b), bad), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_csat(&r, 1 + k % 2, topic, &b);
        cr_assert(has_any(buf_str(&b), bad) && !has_any(buf_str(&b), good), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_ces(&r, 6 + k % 2, &b);
        cr_assert(has_any(buf_str(&b), good) && !has_any(buf_str(&b), bad), "'%s'", buf_str(&b));
        buf_reset(&b);
        demo_text_ces(&r, 1 + k % 3, &b);
        cr_assert(has_any(buf_str(&b), bad) && !has_any(buf_str(&b), good), "'%s'", buf_str(&b));
    }
    buf_release(&b);
}

Test(text, churn_reasons_follow_the_cause)
{
    struct rng r;
    rng_seed(&r, 11);
    for (int k = 0; k < 100; k++) {
        cr_assert_str_eq(demo_churn_reason(&r, CAUSE_ADOPTION), "low adoption");
        cr_assert_str_eq(demo_churn_reason(&r, CAUSE_ONBOARDING), "low adoption");
        cr_assert_str_eq(demo_churn_reason(&r, CAUSE_SUPPORT), "poor support");
        cr_assert_str_eq(demo_churn_reason(&r, CAUSE_CHAMPION), "champion left");
        const char *p = demo_churn_reason(&r, CAUSE_PRICE);
        cr_assert(strcmp(p, "price") == 0 || strcmp(p, "budget cuts") == 0, "%s", p);
        const char *d = demo_churn_reason(&r, CAUSE_PRODUCT);
        cr_assert(strcmp(d, "switched to competitor") == 0 || strcmp(d, "missing features") == 0,
                  "%s", d);
    }
}
