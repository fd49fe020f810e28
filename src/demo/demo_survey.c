/* demo_survey.c - relationship NPS waves and the CES after onboarding, scored from the account's
 * state and commented with the cause that weighs most. */
#include "demo_int.h"

#include <math.h>
#include <string.h>

#include "model/model.h"

static void comment(struct b2b *b, int resp, int score, int cause, int topic, bool covered)
{
    struct sim_account *a = b->a;
    size_t start = a->text.len;
    demo_text_nps(b->r, score, cause, topic, false, covered, &a->text);
    a->resps[resp].comment = sim_text_end(a, start);
}

void survey_nps_wave(struct b2b *b, int64_t t, int64_t limit)
{
    struct sim_account *a = b->a;
    struct rng *r = b->r;
    double e4 = b2b_engagement(b, 0, 4);
    int open = support_open_old(b, t);
    int topic = support_open_topic(b, t);
    bool bad_csat = b->bad_csat_at && t >= b->bad_csat_at && t - b->bad_csat_at <= 90 * MS_PER_DAY;
    bool checkin = b->last_checkin && t - b->last_checkin <= 60 * MS_PER_DAY;
    /* What pulls the score down, in points: the largest one is what a comment is about. */
    double pull[CAUSE_NR] = {0};
    pull[CAUSE_ADOPTION] = fmax(0.0, 6.0 * (0.6 - e4));
    pull[CAUSE_ONBOARDING] = b->onboarding == ONB_STALLED ? 1.6 : 0.0;
    pull[CAUSE_SUPPORT] = 1.1 * (open < 3 ? open : 3) + (bad_csat ? 0.8 : 0.0);
    pull[CAUSE_CHAMPION] = b->champion < 0 ? 1.3 : 0.0;
    pull[CAUSE_PRICE] = 0.5 * fmax(0.0, b->budget);
    /* An account that has decided to leave says so, about what made it decide. */
    double leaving = b->decided_at && b->decided_at <= t ? 2.5 : 0.0;
    int leave_cause = b->leave_cause == CAUSE_NONE ? CAUSE_PRODUCT : b->leave_cause;
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < a->contacts_nr && n < 4; i++) {
        const struct sim_contact *c = &a->contacts[i];
        if (c->created_at > t || (c->left_at && c->left_at <= t))
            continue;
        bool dm = strcmp(c->role, "decision maker") == 0;
        if (!rng_bernoulli(r, dm ? 0.3 : 0.18))
            continue;
        int64_t ts = t + demo_between(r, 0, 5 * 24 * 3600) * MS_PER_SEC;
        if (ts >= limit)
            continue;
        double price = dm ? 1.2 * fmax(0.0, b->budget) : pull[CAUSE_PRICE];
        double x = 8.0 + 6.0 * (e4 - 0.6) - 1.1 * (open < 3 ? open : 3) - pull[CAUSE_ONBOARDING] -
                   pull[CAUSE_CHAMPION] - (bad_csat ? 0.8 : 0.0) - price + (checkin ? 0.5 : 0.0) -
                   leaving + rng_normal(r, 0.0, 1.3);
        int score = demo_score(x, 0, 10);
        int cause = CAUSE_PRODUCT;
        double worst = 0.3;
        for (int k = CAUSE_ADOPTION; k < CAUSE_NR; k++) {
            double p = (k == CAUSE_PRICE ? price : pull[k]) + (k == leave_cause ? leaving : 0.0);
            if (p > worst) {
                worst = p;
                cause = k;
            }
        }
        int resp = sim_add_response(a, ts, (int)i, SURVEY_NPS, score);
        if (rng_bernoulli(r, 0.65))
            comment(b, resp, score, cause, topic, b->covered);
        if (score >= 9 && rng_bernoulli(r, 0.15))
            journey_advocacy(b, ts + demo_between(r, 3, 20) * MS_PER_DAY, (int)i);
        sum += score;
        n++;
    }
    if (n) {
        b->nps_mean = sum / n;
        b->nps_at = t;
    }
}

void survey_ces(struct b2b *b, int64_t t)
{
    struct sim_account *a = b->a;
    struct rng *r = b->r;
    if (b->champion < 0 || b->kickoff < 0 || !rng_bernoulli(r, 0.7))
        return;
    double x = b->onboarding == ONB_STALLED ? rng_normal(r, 2.6, 1.1)
                                            : rng_normal(r, 5.7 + 0.3 * b->fit, 0.9);
    int score = demo_score(x, 1, 7);
    int resp = sim_add_response(a, t, b->champion, SURVEY_CES, score);
    a->resps[resp].touchpoint = b->kickoff;
    if (rng_bernoulli(r, 0.55)) {
        size_t start = a->text.len;
        demo_text_ces(r, score, &a->text);
        a->resps[resp].comment = sim_text_end(a, start);
    }
}
